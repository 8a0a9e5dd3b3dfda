//! KRA's feeds of purchases (suppliers' sales naming this PIN) and customs imports, stored raw
//! with the shop's decision still open.

use domain::{Money, Qty, TaxBand};
use oscu::{Function, Kept, wire};
use store::{
    imports::ImportedItem,
    purchases::{FeedPurchase, FeedPurchaseLine},
};

use crate::{Engine, Error, Result};

type Save<'a> = dyn Fn(&dyn Fn(&store::Tx<'_>) -> store::Result<usize>) -> Result<usize> + 'a;

fn decode_error(function: Function, reason: String) -> Error {
    Error::Kra { operation: "read a KRA list", source: oscu::Error::DecodeResponse { function, reason } }
}

/// Suppliers' sales from `selectTrnsPurchaseSalesList`, each stored with KRA's JSON of it.
pub(crate) fn store_purchases(engine: &Engine, sales: Vec<Kept<wire::PurchaseSale>>, save: &Save<'_>) -> Result<usize> {
    let function = Function::SelectTrnsPurchaseSalesList;
    let mut rows = Vec::new();
    for Kept { value: p, json: raw } in sales {
        let supplier_pin =
            p.spplr_tin.clone().ok_or_else(|| decode_error(function, "a purchase without spplrTin".into()))?;
        let mut lines = Vec::with_capacity(p.item_list.len());
        for (i, l) in p.item_list.iter().enumerate() {
            let money = |a: Option<wire::Amount>| a.map_or(Money::ZERO, Money::from);
            let band: TaxBand = l
                .tax_ty_cd
                .as_deref()
                .unwrap_or("B")
                .parse()
                .map_err(|e: domain::Error| decode_error(function, format!("line {}: {e}", i + 1)))?;
            lines.push(FeedPurchaseLine {
                seq: l
                    .item_seq
                    .and_then(|s| u16::try_from(s.0).ok())
                    .unwrap_or(u16::try_from(i + 1).unwrap_or(u16::MAX)),
                item_code: l.item_cd.clone(),
                class_code: l.item_cls_cd.clone(),
                name: l.item_nm.clone().unwrap_or_default(),
                barcode: l.bcd.clone(),
                pkg_unit: l.pkg_unit_cd.clone(),
                pkg: l.pkg.map(Qty::from),
                qty_unit: l.qty_unit_cd.clone(),
                qty: l.qty.map_or(Qty::ZERO, Qty::from),
                unit_price: money(l.prc),
                supply: money(l.sply_amt),
                discount_rate: l.dc_rt.map_or(0, |r| r.hundredths()),
                discount: money(l.dc_amt),
                band,
                taxable: money(l.taxbl_amt),
                tax: money(l.tax_amt),
                total: money(l.tot_amt),
            });
        }
        rows.push(FeedPurchase {
            supplier_pin,
            supplier_name: p.spplr_nm.clone(),
            supplier_branch: p.spplr_bhf_id.clone().unwrap_or_else(|| "00".to_owned()),
            supplier_invoice_no: i64::try_from(p.spplr_invc_no.0).unwrap_or(i64::MAX),
            sales_date: p.sales_dt.clone(),
            total_amount: Money::from(p.tot_amt),
            lines,
            raw_json: raw,
        });
    }
    let now = engine.now();
    save(&|tx| {
        for p in &rows {
            store::purchases::save_feed_purchase(tx, p, now)?;
        }
        Ok(rows.len())
    })
}

/// Customs import lines from `selectImportItemList`, each stored with KRA's JSON of it.
pub(crate) fn store_imports(engine: &Engine, items: Vec<Kept<wire::ImportItem>>, save: &Save<'_>) -> Result<usize> {
    let mut rows = Vec::new();
    for Kept { value: i, json: raw } in items {
        rows.push(ImportedItem {
            task_code: i.task_cd.clone().unwrap_or_default(),
            declaration_date: i.dcl_de.clone().unwrap_or_default(),
            item_seq: i.item_seq.and_then(|s| i64::try_from(s.0).ok()).unwrap_or_default(),
            declaration_no: i.dcl_no.clone(),
            hs_code: i.hs_cd.clone(),
            name: i.item_nm.clone().unwrap_or_default(),
            kra_status: i.impt_itemstts_cd.clone(),
            origin: i.orgn_nat_cd.clone(),
            export_country: i.expt_nat_cd.clone(),
            pkg: i.pkg.map(Qty::from),
            pkg_unit: i.pkg_unit_cd.clone(),
            qty: i.qty.map(Qty::from),
            qty_unit: i.qty_unit_cd.clone(),
            supplier_name: i.spplr_nm.clone(),
            agent_name: i.agnt_nm.clone(),
            invoice_amount: i.invc_fcur_amt.map(Money::from),
            invoice_currency: i.invc_fcur_cd.clone(),
            raw_json: raw,
        });
    }
    let now = engine.now();
    save(&|tx| store::imports::save_imported_items(tx, &rows, now).map(|ids| ids.len()))
}
