//! Items of the shop's catalogue and their KRA item codes (SPEC §10).
//!
//! **The item-code rule (one place).** A code is `orgnNatCd(2) + itemTyCd(1) + pkgUnitCd(2) +
//! qtyUnitCd(2) + sequence(7 digits)`, e.g. `KE2NTBA0000012`. Both embedded units must be exactly
//! two characters: the 2026 gateway refuses one-character units in the code ("Incorrect QtyUnitCd
//! Prefix"), and three-character units would break the fixed layout. Items whose unit codes are
//! not two characters are refused with a message naming a two-character alternative.

use std::fmt;

use crate::{Error, ItemType, Money, Result, TaxBand, Violation, Violations};

/// KRA's maximum item-code length (CHAR 20).
pub const MAX_ITEM_CODE_LEN: usize = 20;
pub const MAX_ITEM_NAME_LEN: usize = 200;
pub const MAX_BARCODE_LEN: usize = 20;
pub const MAX_SEQUENCE: u32 = 9_999_999;

/// An item code as registered with KRA. Codes built here follow [`ItemCode::build`]; codes read
/// back from KRA (older registrations) may be looser, so parsing only checks length and charset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemCode(String);

/// The pieces of a standard item code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCodeParts {
    pub origin: String,
    pub item_type: ItemType,
    pub pkg_unit: String,
    pub qty_unit: String,
    pub sequence: u32,
}

fn two_upper_alnum(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A two-character unit that KRA's code list has for the same thing, to suggest in messages.
fn two_char_alternative(unit: &str) -> &'static str {
    match unit {
        "U" => "NO (number)",
        "GRM" | "MGM" => "KG (kilogram)",
        "LTR" | "L" => "a 2-character unit such as NO (number)",
        "MTR" | "CMT" | "KTM" => "M (metre) is 1 character too: use NO (number)",
        _ => "a 2-character unit such as NO (number) or KG (kilogram)",
    }
}

impl ItemCode {
    /// Builds a standard code. Fails when a unit is not two characters or the sequence is outside
    /// 1..=9 999 999.
    pub fn build(parts: &ItemCodeParts) -> Result<ItemCode> {
        if parts.origin.len() != 2 || !parts.origin.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::ItemCode {
                reason: format!("origin country \"{}\" must be a 2-letter code such as KE", parts.origin),
            });
        }
        for (what, unit) in [("packaging", &parts.pkg_unit), ("quantity", &parts.qty_unit)] {
            if !two_upper_alnum(unit) {
                return Err(Error::ItemCode {
                    reason: format!(
                        "KRA item codes need a 2-character {what} unit, \"{unit}\" is not: use {}",
                        two_char_alternative(unit)
                    ),
                });
            }
        }
        if parts.sequence == 0 || parts.sequence > MAX_SEQUENCE {
            return Err(Error::ItemCode { reason: format!("sequence {} is outside 1..=9999999", parts.sequence) });
        }
        Ok(ItemCode(format!(
            "{}{}{}{}{:07}",
            parts.origin,
            parts.item_type.code(),
            parts.pkg_unit,
            parts.qty_unit,
            parts.sequence
        )))
    }

    /// Accepts any code KRA could hold: 1–20 upper-case letters and digits.
    pub fn parse(input: &str) -> Result<ItemCode> {
        let s = input.trim();
        let ok = !s.is_empty()
            && s.len() <= MAX_ITEM_CODE_LEN
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok { Ok(ItemCode(s.to_owned())) } else { Err(Error::ParseItemCode { input: input.to_owned() }) }
    }

    /// The parts of a standard code, if this is one.
    pub fn parts(&self) -> Option<ItemCodeParts> {
        let s = &self.0;
        if s.len() != 14 {
            return None;
        }
        let item_type = s[2..3].parse().ok()?;
        let sequence: u32 = s[7..14].parse().ok()?;
        let parts = ItemCodeParts {
            origin: s[0..2].to_owned(),
            item_type,
            pkg_unit: s[3..5].to_owned(),
            qty_unit: s[5..7].to_owned(),
            sequence,
        };
        (ItemCode::build(&parts).ok().as_ref() == Some(self)).then_some(parts)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A catalogue item as the shop sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub code: ItemCode,
    pub name: String,
    /// KRA item classification (`itemClsCd`, up to 10 digits).
    pub class_code: String,
    pub item_type: ItemType,
    /// Country of origin, ISO alpha-2.
    pub origin: String,
    pub pkg_unit: String,
    pub qty_unit: String,
    pub tax_band: TaxBand,
    /// Tax-inclusive default unit price.
    pub default_price: Money,
    pub barcode: Option<String>,
    pub active: bool,
}

/// The unit and country code lists an item is checked against (from KRA's code lists).
pub trait CodeLists {
    fn is_packaging_unit(&self, code: &str) -> bool;
    fn is_quantity_unit(&self, code: &str) -> bool;
    fn is_country(&self, code: &str) -> bool;
}

impl Item {
    /// Checks everything KRA checks on `saveItem`, and that the code matches the item's fields.
    pub fn validate(&self, lists: &impl CodeLists) -> Result<(), Violations> {
        let mut v = Vec::new();
        let mut bad = |field: &'static str, reason: String| v.push(Violation::InvalidField { field, reason });
        let name = self.name.trim();
        if name.is_empty() {
            bad("name", "the item needs a name".into());
        } else if name.chars().count() > MAX_ITEM_NAME_LEN {
            bad("name", format!("the name is longer than {MAX_ITEM_NAME_LEN} characters"));
        }
        if self.class_code.is_empty()
            || self.class_code.len() > 10
            || !self.class_code.bytes().all(|b| b.is_ascii_digit())
        {
            bad("classification", "choose a KRA item classification from the list".into());
        }
        if !lists.is_country(&self.origin) {
            bad("origin", format!("\"{}\" is not a country code in KRA's list", self.origin));
        }
        if !lists.is_packaging_unit(&self.pkg_unit) {
            bad("packaging unit", format!("\"{}\" is not a packaging unit KRA accepts", self.pkg_unit));
        }
        if !lists.is_quantity_unit(&self.qty_unit) {
            bad("quantity unit", format!("\"{}\" is not a quantity unit in KRA's list", self.qty_unit));
        }
        if self.default_price.is_negative() {
            bad("price", "the price cannot be negative".into());
        }
        if let Some(b) = &self.barcode
            && (b.is_empty() || b.len() > MAX_BARCODE_LEN)
        {
            bad("barcode", format!("a barcode has 1 to {MAX_BARCODE_LEN} characters"));
        }
        match self.code.parts() {
            Some(p)
                if p.origin == self.origin
                    && p.item_type == self.item_type
                    && p.pkg_unit == self.pkg_unit
                    && p.qty_unit == self.qty_unit => {}
            Some(_) => bad(
                "code",
                format!(
                    "item code {} does not match the item's country, type or units: a changed type or unit needs a new item",
                    self.code
                ),
            ),
            None => {}
        }
        Violations::check(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lists;
    impl CodeLists for Lists {
        fn is_packaging_unit(&self, code: &str) -> bool {
            ["NT", "CT", "OU", "BA"].contains(&code)
        }
        fn is_quantity_unit(&self, code: &str) -> bool {
            ["NO", "KG", "U"].contains(&code)
        }
        fn is_country(&self, code: &str) -> bool {
            ["KE", "UG"].contains(&code)
        }
    }

    fn parts(pkg: &str, qty: &str, seq: u32) -> ItemCodeParts {
        ItemCodeParts {
            origin: "KE".into(),
            item_type: ItemType::Finished,
            pkg_unit: pkg.into(),
            qty_unit: qty.into(),
            sequence: seq,
        }
    }

    #[test]
    fn builds_spec_item_codes() {
        assert_eq!(ItemCode::build(&parts("NT", "BA", 12)).unwrap().as_str(), "KE2NTBA0000012");
        assert_eq!(ItemCode::build(&parts("CT", "NO", 15)).unwrap().as_str(), "KE2CTNO0000015");
        let err = ItemCode::build(&parts("NT", "U", 1)).unwrap_err().to_string();
        assert!(err.contains("NO (number)"), "{err}");
        assert!(ItemCode::build(&parts("NT", "GRM", 1)).is_err());
        assert!(ItemCode::build(&parts("NT", "NO", 0)).is_err());
        assert!(ItemCode::build(&parts("NT", "NO", 10_000_000)).is_err());
        let code = ItemCode::build(&parts("NT", "NO", 7)).unwrap();
        assert_eq!(code.parts().unwrap().sequence, 7);
        // Older, looser codes from KRA are accepted as codes but have no standard parts.
        assert!(ItemCode::parse("KE2AMU00000000000052").unwrap().parts().is_none());
        assert!(ItemCode::parse("ke2ntno0000001").is_err());
        assert!(ItemCode::parse("KE2NTNO00000000000001X").is_err());
    }

    #[test]
    fn validates_items_all_at_once() {
        let item = Item {
            code: ItemCode::build(&parts("NT", "NO", 1)).unwrap(),
            name: " ".into(),
            class_code: "abc".into(),
            item_type: ItemType::Finished,
            origin: "XX".into(),
            pkg_unit: "BX".into(),
            qty_unit: "NO".into(),
            tax_band: TaxBand::B,
            default_price: Money::from_cents(-1),
            barcode: Some(String::new()),
            active: true,
        };
        let violations = item.validate(&Lists).unwrap_err();
        let fields: Vec<_> = violations
            .iter()
            .map(|v| match v {
                Violation::InvalidField { field, .. } => *field,
                _ => "?",
            })
            .collect();
        assert_eq!(fields, ["name", "classification", "origin", "packaging unit", "price", "barcode", "code"]);
    }
}
