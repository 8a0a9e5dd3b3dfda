//! KRA reference data the simulator serves and validates against: the code tables (a copy of
//! `codes.json` shipped in the crate) and an item-classification set (`data/item_classes.json`).
//!
//! The tax rates used to check every sale, purchase and stock movement come from the class-04
//! rows served here, exactly as a client reads them from `selectCodeList`.

use std::collections::{BTreeMap, BTreeSet};

use domain::TaxRates;
use serde_json::{Value, json};

use crate::{Error, Result};

const CODES_JSON: &str = include_str!("../data/codes.json");
const ITEM_CLASSES_JSON: &str = include_str!("../data/item_classes.json");

/// Date-time stamped on the built-in reference data for `lastReqDt` filtering: a list call with a
/// cursor after it gets `001` ("nothing new"), as KRA answers an up-to-date client.
pub const REFERENCE_DATA_DT: &str = "20250101000000";

/// One code of a class, as `selectCodeList` lists it.
#[derive(Debug, Clone)]
pub struct Code {
    pub cd: String,
    pub nm: String,
    pub user_dfn_cd1: Option<String>,
    pub user_dfn_cd2: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CodeClass {
    pub cls: &'static str,
    pub name: String,
    pub codes: Vec<Code>,
}

/// Code tables and item classifications.
#[derive(Debug, Clone)]
pub struct Reference {
    classes: BTreeMap<&'static str, CodeClass>,
    item_classes: Vec<Value>,
    item_class_codes: BTreeSet<String>,
    rates: TaxRates,
    /// Package units `saveItem` accepts (the 52 of the spec).
    pub package_units: Vec<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn list<'a>(doc: &'a Value, key: &str) -> Result<&'a Vec<Value>> {
    let v = doc.get(key).ok_or_else(|| Error::ReferenceData(format!("codes.json has no {key}")))?;
    let v = v.get("list").unwrap_or(v);
    v.as_array().ok_or_else(|| Error::ReferenceData(format!("codes.json {key} is not a list")))
}

fn codes_of(doc: &Value, key: &str) -> Result<Vec<Code>> {
    list(doc, key)?
        .iter()
        .map(|row| {
            let cd = text(row, "code").ok_or_else(|| Error::ReferenceData(format!("a {key} row has no code")))?;
            let nm = text(row, "liveName").or_else(|| text(row, "name")).unwrap_or_else(|| cd.clone());
            Ok(Code { cd, nm, user_dfn_cd1: None, user_dfn_cd2: None })
        })
        .collect()
}

impl Reference {
    /// Loads the built-in tables.
    pub fn builtin() -> Result<Reference> {
        let doc: Value =
            serde_json::from_str(CODES_JSON).map_err(|e| Error::ReferenceData(format!("codes.json: {e}")))?;
        let class_names: BTreeMap<String, String> = doc
            .get("codeClasses")
            .and_then(Value::as_array)
            .map(|rows| rows.iter().filter_map(|r| Some((text(r, "cdCls")?, text(r, "name")?))).collect())
            .unwrap_or_default();

        let mut tax = Vec::new();
        for row in list(&doc, "taxTypes")? {
            let cd = text(row, "code").ok_or_else(|| Error::ReferenceData("a tax type has no code".into()))?;
            tax.push(Code {
                nm: text(row, "liveCdNm").unwrap_or_else(|| cd.clone()),
                user_dfn_cd1: text(row, "liveUserDfnCd1"),
                user_dfn_cd2: text(row, "liveUserDfnCd2"),
                cd,
            });
        }
        let reasons = doc.get("creditNoteReasons").cloned().unwrap_or(Value::Null);
        let mut reason_codes = codes_of(&reasons, "spec")?;
        reason_codes.extend(codes_of(&reasons, "liveAdditions")?);

        let tables: Vec<(&'static str, Vec<Code>)> = vec![
            ("04", tax),
            ("05", codes_of(&doc, "countries")?),
            ("07", codes_of(&doc, "paymentTypes")?),
            ("09", codes_of(&doc, "branchStatus")?),
            ("10", codes_of(&doc, "quantityUnits")?),
            ("11", codes_of(&doc, "transactionProgress")?),
            ("12", codes_of(&doc, "stockInOutTypes")?),
            ("14", codes_of(&doc, "transactionTypes")?),
            ("15", codes_of(&doc, "taxpayerStatus")?),
            ("17", codes_of(&doc, "packagingUnits")?),
            ("24", codes_of(&doc, "itemTypes")?),
            ("26", codes_of(&doc, "importItemStatus")?),
            ("31", codes_of(&doc, "registrationTypes")?),
            ("32", reason_codes),
            ("33", codes_of(&doc, "currencies")?),
            ("34", codes_of(&doc, "purchaseStatus")?),
            ("35", codes_of(&doc, "inventoryAdjustmentReasons")?),
            ("37", codes_of(&doc, "salesReceiptTypes")?),
            ("38", codes_of(&doc, "purchaseReceiptTypes")?),
        ];
        let mut classes = BTreeMap::new();
        for (cls, codes) in tables {
            let name = class_names.get(cls).cloned().unwrap_or_else(|| format!("Class {cls}"));
            classes.insert(cls, CodeClass { cls, name, codes });
        }
        let rates = {
            let rows: Vec<(&str, &str)> =
                classes["04"].codes.iter().map(|c| (c.cd.as_str(), c.user_dfn_cd1.as_deref().unwrap_or(""))).collect();
            TaxRates::from_code_list(rows).map_err(|e| Error::ReferenceData(e.to_string()))?
        };
        let package_units = classes["17"].codes.iter().map(|c| c.cd.clone()).collect();

        let cls_doc: Value = serde_json::from_str(ITEM_CLASSES_JSON)
            .map_err(|e| Error::ReferenceData(format!("item_classes.json: {e}")))?;
        let item_classes = cls_doc
            .get("itemClsList")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| Error::ReferenceData("item_classes.json has no itemClsList".into()))?;
        let item_class_codes = item_classes.iter().filter_map(|c| text(c, "itemClsCd")).collect();
        Ok(Reference { classes, item_classes, item_class_codes, rates, package_units })
    }

    /// True when `code` is in class `cls` (e.g. "07", "01").
    pub fn has_code(&self, cls: &str, code: &str) -> bool {
        self.classes.get(cls).is_some_and(|c| c.codes.iter().any(|x| x.cd == code))
    }

    pub fn class_name(&self, cls: &str) -> &str {
        self.classes.get(cls).map_or("unknown class", |c| c.name.as_str())
    }

    pub fn rates(&self) -> &TaxRates {
        &self.rates
    }

    pub fn is_item_class(&self, code: &str) -> bool {
        self.item_class_codes.contains(code)
    }

    /// `data.clsList` of `selectCodeList`.
    pub fn cls_list(&self) -> Value {
        let list: Vec<Value> = self
            .classes
            .values()
            .map(|c| {
                let dtl: Vec<Value> = c
                    .codes
                    .iter()
                    .enumerate()
                    .map(|(i, code)| {
                        json!({
                            "cd": code.cd, "cdNm": code.nm, "cdDesc": code.nm, "useYn": "Y", "srtOrd": i + 1,
                            "userDfnCd1": code.user_dfn_cd1, "userDfnCd2": code.user_dfn_cd2, "userDfnCd3": null
                        })
                    })
                    .collect();
                json!({
                    "cdCls": c.cls, "cdClsNm": c.name, "cdClsDesc": null, "useYn": "Y",
                    "userDfnNm1": if c.cls == "04" { json!("Tax Rate") } else { Value::Null },
                    "userDfnNm2": null, "userDfnNm3": null, "dtlList": dtl
                })
            })
            .collect();
        Value::Array(list)
    }

    /// `data.itemClsList` of `selectItemClsList`.
    pub fn item_cls_list(&self) -> Value {
        Value::Array(self.item_classes.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{TaxBand, TaxRate};

    #[test]
    fn builtin_tables_load_with_kenyan_rates() {
        let r = Reference::builtin().unwrap();
        assert_eq!(r.rates().rate(TaxBand::B), TaxRate::percent(16));
        assert_eq!(r.rates().rate(TaxBand::E), TaxRate::percent(8));
        for (cls, code, known) in [
            ("07", "06", true),
            ("07", "08", false),
            ("17", "NT", true),
            ("17", "BX", false),
            ("10", "NO", true),
            ("32", "13", true),
            ("32", "14", false),
            ("12", "11", true),
            ("05", "KE", true),
        ] {
            assert_eq!(r.has_code(cls, code), known, "{cls} {code}");
        }
        assert_eq!(r.package_units.len(), 52);
        assert!(r.is_item_class("1010150000"));
        assert!(r.is_item_class("99010000"));
        assert!(!r.is_item_class("1234"));
    }
}
