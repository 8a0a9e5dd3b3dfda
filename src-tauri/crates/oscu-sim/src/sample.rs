//! Sample feed entries for tests and training: what KRA would list for a shop (a supplier's sale
//! naming its PIN, a customs import line), ready for [`crate::RunningSim::add_supplier_sale`] and
//! [`crate::RunningSim::add_import`], so callers outside `oscu` never write KRA's JSON.

use serde_json::{Value, json};

/// A supplier's sale of one 50 kg bag of sugar (item `KE2NTNO0000099`, band B: 100.00 taxable,
/// 16.00 tax, 116.00 in all) from Kilimo Wholesalers (`P000111222Z`), invoice `spplr_invc_no`.
pub fn supplier_sale(spplr_invc_no: u64) -> Value {
    let line = json!({
        "itemSeq": 1, "itemCd": "KE2NTNO0000099", "itemClsCd": "5010000000", "itemNm": "Sugar 50kg bag",
        "pkgUnitCd": "NT", "pkg": 1, "qtyUnitCd": "NO", "qty": 1, "prc": 116, "splyAmt": 116,
        "dcRt": 0, "dcAmt": 0, "taxTyCd": "B", "taxblAmt": 100, "taxAmt": 16, "totAmt": 116
    });
    let mut sale = json!({
        "spplrTin": "P000111222Z", "spplrNm": "Kilimo Wholesalers", "spplrBhfId": "00", "spplrInvcNo": spplr_invc_no,
        "rcptTyCd": "S", "pmtTyCd": "01", "cfmDt": "2026-11-21 09:00:00", "salesDt": "20261121",
        "totItemCnt": 1, "totTaxblAmt": 100, "totTaxAmt": 16, "totAmt": 116, "itemList": [line]
    });
    // Band B only: 100.00 taxable at 16 %.
    for band in ["A", "B", "C", "D", "E"] {
        let (taxable, rate, tax) = if band == "B" { (100, 16, 16) } else { (0, 0, 0) };
        sale[format!("taxblAmt{band}")] = taxable.into();
        sale[format!("taxRt{band}")] = rate.into();
        sale[format!("taxAmt{band}")] = tax.into();
    }
    sale
}

/// A customs import line: 100 kg of Brazilian cane sugar in 2 bags, declaration `task_cd` of
/// `dcl_de` (`DDMMYYYY`), line 1, invoiced at USD 5,000.
pub fn import_item(task_cd: &str, dcl_de: &str) -> Value {
    json!({"taskCd": task_cd, "dclDe": dcl_de, "itemSeq": 1, "hsCd": "1701990000",
           "itemNm": "Cane sugar", "orgnNatCd": "BR", "exptNatCd": "BR", "pkg": 2, "pkgUnitCd": "BG",
           "qty": 100, "qtyUnitCd": "KG", "spplrNm": "Usina SA", "invcFcurAmt": 5000,
           "invcFcurCd": "USD"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_read_as_kra_s_feed_entries() {
        let sale: oscu::wire::PurchaseSale = serde_json::from_value(supplier_sale(41)).unwrap();
        assert_eq!((sale.spplr_invc_no.get(), sale.tot_amt.cents(), sale.item_list.len()), (41, 11_600, 1));
        let line: oscu::wire::ImportItem = serde_json::from_value(import_item("2231943", "20112026")).unwrap();
        assert_eq!((line.task_cd.as_deref(), line.dcl_de.as_deref()), (Some("2231943"), Some("20112026")));
    }
}
