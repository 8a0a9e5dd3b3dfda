//! Wire requests built from stored documents. The tax split, header rates and item codes come
//! from the stored document (decided by `domain` at commit); nothing is recomputed here except
//! the valuation of stock lines, which uses `domain::split_line` like every other document.

use domain::{DateTime, DocumentTotals, InvoiceLine, Item, ItemCode, Money, Qty, SALE_LINE_PKG, TaxBand};
use oscu::wire::{
    Amount, ItemSaveReq, Quantity, Rate, StockIOItem, StockIOSaveReq, StockMasterSaveReq, TaxBandFields,
    TrnsSalesSaveWrItem, TrnsSalesSaveWrReceipt, TrnsSalesSaveWrReq,
};
use store::{Connection, ShopDetails};

use crate::{Error, Result, error::During};

/// Who the requests name as registering and modifying the record.
#[derive(Debug, Clone)]
pub(crate) struct Stamp<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn bands(totals: &DocumentTotals) -> TaxBandFields {
    let b = |band: TaxBand| totals.band(band);
    let amt = |m: Money| Amount::from(m);
    TaxBandFields {
        taxbl_amt_a: amt(b(TaxBand::A).taxable),
        taxbl_amt_b: amt(b(TaxBand::B).taxable),
        taxbl_amt_c: amt(b(TaxBand::C).taxable),
        taxbl_amt_d: amt(b(TaxBand::D).taxable),
        taxbl_amt_e: amt(b(TaxBand::E).taxable),
        tax_rt_a: Rate::from(b(TaxBand::A).rate),
        tax_rt_b: Rate::from(b(TaxBand::B).rate),
        tax_rt_c: Rate::from(b(TaxBand::C).rate),
        tax_rt_d: Rate::from(b(TaxBand::D).rate),
        tax_rt_e: Rate::from(b(TaxBand::E).rate),
        tax_amt_a: amt(b(TaxBand::A).tax),
        tax_amt_b: amt(b(TaxBand::B).tax),
        tax_amt_c: amt(b(TaxBand::C).tax),
        tax_amt_d: amt(b(TaxBand::D).tax),
        tax_amt_e: amt(b(TaxBand::E).tax),
    }
}

fn sale_line(l: &InvoiceLine) -> TrnsSalesSaveWrItem {
    TrnsSalesSaveWrItem {
        item_seq: u32::from(l.seq),
        item_cd: l.item_code.as_str().to_owned(),
        item_cls_cd: l.class_code.clone(),
        item_nm: l.name.clone(),
        bcd: l.barcode.clone(),
        pkg_unit_cd: l.pkg_unit.clone(),
        pkg: Quantity::from(SALE_LINE_PKG),
        qty_unit_cd: l.qty_unit.clone(),
        qty: Quantity::from(l.qty),
        prc: Amount::from(l.unit_price),
        sply_amt: Amount::from(l.amounts.supply),
        dc_rt: Rate::from_hundredths(l.discount_rate),
        dc_amt: Amount::from(l.amounts.discount),
        isrcc_cd: None,
        isrcc_nm: None,
        isrc_rt: None,
        isrc_amt: None,
        tax_ty_cd: l.band.code().to_string(),
        taxbl_amt: Amount::from(l.amounts.taxable),
        tax_amt: Amount::from(l.amounts.tax),
        tot_amt: Amount::from(l.amounts.total),
    }
}

/// The parts of a sale or credit note the request needs.
pub(crate) struct SalesDocument<'a> {
    pub invc_no: u64,
    pub org_invc_no: u64,
    pub trader_no: &'a str,
    pub committed_at: DateTime,
    pub buyer_pin: Option<&'a str>,
    pub buyer_name: Option<&'a str>,
    pub payment: &'a str,
    /// `(reason code, refund date-time)` for a credit note.
    pub refund: Option<(&'a str, DateTime)>,
    pub lines: &'a [InvoiceLine],
    pub totals: &'a DocumentTotals,
}

pub(crate) fn sales_request(d: &SalesDocument<'_>, shop: Option<&ShopDetails>, who: &Stamp<'_>) -> TrnsSalesSaveWrReq {
    let at = oscu::time::format_date_time(d.committed_at);
    TrnsSalesSaveWrReq {
        invc_no: d.invc_no,
        org_invc_no: d.org_invc_no,
        trd_invc_no: d.trader_no.to_owned(),
        cust_tin: d.buyer_pin.map(str::to_owned),
        cust_nm: d.buyer_name.map(str::to_owned),
        sales_ty_cd: Some("N".to_owned()),
        rcpt_ty_cd: if d.refund.is_some() { "R" } else { "S" }.to_owned(),
        pmt_ty_cd: Some(d.payment.to_owned()),
        sales_stts_cd: "02".to_owned(),
        cfm_dt: at.clone(),
        sales_dt: oscu::time::format_date(d.committed_at.date()),
        stock_rls_dt: d.lines.iter().any(|l| l.item_type.carries_stock()).then(|| at.clone()),
        cncl_req_dt: None,
        cncl_dt: None,
        rfd_dt: d.refund.map(|(_, when)| oscu::time::format_date_time(when)),
        rfd_rsn_cd: d.refund.map(|(reason, _)| reason.to_owned()),
        tot_item_cnt: u64::try_from(d.lines.len()).unwrap_or(u64::MAX),
        bands: bands(d.totals),
        tot_taxbl_amt: Amount::from(d.totals.taxable),
        tot_tax_amt: Amount::from(d.totals.tax),
        tot_amt: Amount::from(d.totals.total),
        prchr_acptc_yn: "N".to_owned(),
        remark: None,
        regr_id: cut(who.id, 20),
        regr_nm: cut(who.name, 60),
        modr_id: cut(who.id, 20),
        modr_nm: cut(who.name, 60),
        receipt: TrnsSalesSaveWrReceipt {
            cust_tin: d.buyer_pin.map(str::to_owned),
            cust_mbl_no: None,
            rcpt_pbct_dt: at,
            trde_nm: shop.map(|s| cut(&s.name, 20)),
            adrs: shop.and_then(|s| s.address.as_deref()).map(|a| cut(a, 200)),
            top_msg: None,
            btm_msg: None,
            prchr_acptc_yn: "N".to_owned(),
            rpt_no: None,
        },
        item_list: d.lines.iter().map(sale_line).collect(),
    }
}

pub(crate) fn item_request(item: &Item, who: &Stamp<'_>) -> ItemSaveReq {
    ItemSaveReq {
        item_cd: item.code.as_str().to_owned(),
        item_cls_cd: item.class_code.clone(),
        item_ty_cd: item.item_type.code().to_owned(),
        item_nm: item.name.clone(),
        item_std_nm: None,
        orgn_nat_cd: item.origin.clone(),
        pkg_unit_cd: item.pkg_unit.clone(),
        qty_unit_cd: item.qty_unit.clone(),
        tax_ty_cd: item.tax_band.code().to_string(),
        btch_no: None,
        bcd: item.barcode.clone(),
        dft_prc: Amount::from(item.default_price),
        grp_prc_l1: None,
        grp_prc_l2: None,
        grp_prc_l3: None,
        grp_prc_l4: None,
        grp_prc_l5: None,
        add_info: None,
        sfty_qty: None,
        isrc_aplcb_yn: "N".to_owned(),
        use_yn: if item.active { "Y" } else { "N" }.to_owned(),
        regr_id: cut(who.id, 20),
        regr_nm: cut(who.name, 60),
        modr_id: cut(who.id, 20),
        modr_nm: cut(who.name, 60),
    }
}

/// `insertStockIO` for a stored stock document, its lines valued at their unit price with the
/// item's tax band (KRA refuses zero amounts).
pub(crate) fn stock_io_request(conn: &Connection, doc_id: i64, sar_no: u64, who: &Stamp<'_>) -> Result<StockIOSaveReq> {
    let doc = store::stock::stock_document(conn, doc_id).during("read the stock document")?;
    let rates = store::reference::tax_rates(conn).during("read the KRA tax rates")?;
    let bad = |reason: String| Error::BuildRequest { what: format!("stock document {}", doc.trader_no), reason };
    let mut items = Vec::with_capacity(doc.lines.len());
    let mut amounts = Vec::with_capacity(doc.lines.len());
    for (i, line) in doc.lines.iter().enumerate() {
        let item = store::items::item(conn, &line.item)
            .during("read an item")?
            .ok_or_else(|| bad(format!("item {} is missing", line.item)))?;
        let supply = line.unit_price.times(line.qty).map_err(|e| bad(e.to_string()))?;
        let split =
            domain::tax::split_line(supply, Money::ZERO, rates.rate(item.tax_band)).map_err(|e| bad(e.to_string()))?;
        items.push(StockIOItem {
            item_seq: u32::try_from(i + 1).unwrap_or(u32::MAX),
            item_cd: item.code.as_str().to_owned(),
            item_cls_cd: item.class_code.clone(),
            item_nm: item.name.clone(),
            bcd: item.barcode.clone(),
            pkg_unit_cd: item.pkg_unit.clone(),
            pkg: Quantity::from(line.qty),
            qty_unit_cd: item.qty_unit.clone(),
            qty: Quantity::from(line.qty),
            item_expr_dt: None,
            prc: Amount::from(line.unit_price),
            sply_amt: Amount::from(split.supply),
            tot_dc_amt: Amount::from(split.discount),
            taxbl_amt: Amount::from(split.taxable),
            tax_ty_cd: item.tax_band.code().to_string(),
            tax_amt: Amount::from(split.tax),
            tot_amt: Amount::from(split.total),
        });
        amounts.push((item.tax_band, split));
    }
    let totals =
        DocumentTotals::from_lines(&rates, amounts.iter().map(|(b, a)| (*b, a))).map_err(|e| bad(e.to_string()))?;
    Ok(StockIOSaveReq {
        sar_no,
        org_sar_no: 0,
        reg_ty_cd: "M".to_owned(),
        cust_tin: None,
        cust_nm: None,
        cust_bhf_id: None,
        sar_ty_cd: doc.kind.code().to_owned(),
        ocrn_dt: oscu::time::format_date(doc.occurred_at.date()),
        tot_item_cnt: u64::try_from(items.len()).unwrap_or(u64::MAX),
        tot_taxbl_amt: Amount::from(totals.taxable),
        tot_tax_amt: Amount::from(totals.tax),
        tot_amt: Amount::from(totals.total),
        remark: doc.remark.as_deref().map(|r| cut(r, 400)),
        regr_id: cut(who.id, 20),
        regr_nm: cut(who.name, 60),
        modr_id: cut(who.id, 20),
        modr_nm: cut(who.name, 60),
        item_list: items,
    })
}

/// The quantity KRA holds for `item`: the sum of the item's movements whose `insertStockIO` KRA
/// accepted (not the local on-hand, which includes movements KRA has not seen yet).
pub fn kra_quantity(conn: &Connection, item: &ItemCode) -> Result<Qty> {
    conn.prepare_cached(
        "SELECT coalesce(sum(m.signed_qty), 0) FROM stock_movements m
         WHERE m.item_code = ?1 AND EXISTS (
             SELECT 1 FROM outbox o WHERE o.kind = 'stock_io' AND o.state = 'done'
               AND o.document_kind = 'stock_document' AND o.document_id = m.document_id)",
    )
    .and_then(|mut s| s.query_row([item.as_str()], |r| r.get::<_, i64>(0)))
    .map(Qty::from_hundredths)
    .map_err(|source| Error::Store {
        operation: "add up the stock KRA has accepted",
        source: store::Error::Db { operation: "add up the stock KRA has accepted", source },
    })
}

pub(crate) fn stock_master_request(conn: &Connection, item: &ItemCode, who: &Stamp<'_>) -> Result<StockMasterSaveReq> {
    Ok(StockMasterSaveReq {
        item_cd: item.as_str().to_owned(),
        rsd_qty: Quantity::from(kra_quantity(conn, item)?),
        regr_id: cut(who.id, 20),
        regr_nm: cut(who.name, 60),
        modr_id: cut(who.id, 20),
        modr_nm: cut(who.name, 60),
    })
}
