//! Builders from domain documents to OSCU requests, so nothing above this crate hand-assembles
//! JSON. Amounts, rates and the tax split come from `domain` unchanged (`domain::tax` is the only
//! place they are decided); all fifteen band fields are always filled.

use domain::{
    CreditNote, Date, DateTime, DocumentTotals, Invoice, InvoiceLine, Item, ItemCode, Money, PaymentType, Purchase,
    Qty, StockMoveType, TaxBand, TaxRates, tax::split_line,
};

use crate::{
    Error, Result,
    time::{format_date, format_date_time},
    wire::{
        Amount, ImportItem, ImportItemUpdateReq, ItemSaveReq, Quantity, Rate, StockIOItem, StockIOSaveReq,
        StockMasterSaveReq, TaxBandFields, TrnsPurchaseSaveItem, TrnsPurchaseSaveReq, TrnsSalesSaveWrItem,
        TrnsSalesSaveWrReceipt, TrnsSalesSaveWrReq, UserStamp,
    },
};

/// KRA field lengths the builders check (SPEC §6).
const MAX_TRD_INVC_NO: usize = 50;
const MAX_REMARK: usize = 400;
const MAX_USER_ID: usize = 20;
const MAX_USER_NAME: usize = 60;

fn check_len(document: &'static str, field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::BuildRequest {
            document,
            reason: format!("{field} \"{value}\" is longer than KRA's {max} characters"),
        });
    }
    Ok(())
}

fn check_user(document: &'static str, user: &UserStamp) -> Result<()> {
    for (field, value, max) in [
        ("regrId", &user.regr_id, MAX_USER_ID),
        ("regrNm", &user.regr_nm, MAX_USER_NAME),
        ("modrId", &user.modr_id, MAX_USER_ID),
        ("modrNm", &user.modr_nm, MAX_USER_NAME),
    ] {
        if value.trim().is_empty() {
            return Err(Error::BuildRequest { document, reason: format!("{field} (the till user) is empty") });
        }
        check_len(document, field, value, max)?;
    }
    Ok(())
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl TaxBandFields {
    /// The fifteen band fields of a document, rates as `domain::tax::header_rate` chose them.
    pub fn from_totals(totals: &DocumentTotals) -> TaxBandFields {
        let b = |band: TaxBand| totals.band(band);
        TaxBandFields {
            taxbl_amt_a: b(TaxBand::A).taxable.into(),
            taxbl_amt_b: b(TaxBand::B).taxable.into(),
            taxbl_amt_c: b(TaxBand::C).taxable.into(),
            taxbl_amt_d: b(TaxBand::D).taxable.into(),
            taxbl_amt_e: b(TaxBand::E).taxable.into(),
            tax_rt_a: b(TaxBand::A).rate.into(),
            tax_rt_b: b(TaxBand::B).rate.into(),
            tax_rt_c: b(TaxBand::C).rate.into(),
            tax_rt_d: b(TaxBand::D).rate.into(),
            tax_rt_e: b(TaxBand::E).rate.into(),
            tax_amt_a: b(TaxBand::A).tax.into(),
            tax_amt_b: b(TaxBand::B).tax.into(),
            tax_amt_c: b(TaxBand::C).tax.into(),
            tax_amt_d: b(TaxBand::D).tax.into(),
            tax_amt_e: b(TaxBand::E).tax.into(),
        }
    }
}

/// The header values of a sale or credit note that are not in the domain document: KRA's number,
/// the till's own number, the times, the user and the optional receipt texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleHeader {
    /// `invcNo`: the next number of the branch's sales series.
    pub invc_no: u64,
    /// `trdInvcNo`: the till's document number (e.g. `INV-0001`).
    pub trd_invc_no: String,
    /// `cfmDt` and, with its date, `salesDt` (EAT).
    pub confirmed_at: DateTime,
    /// `rcptPbctDt` (EAT).
    pub receipt_published_at: DateTime,
    /// `stockRlsDt` for documents with goods.
    pub stock_released_at: Option<DateTime>,
    pub user: UserStamp,
    pub trade_name: Option<String>,
    pub address: Option<String>,
    pub top_message: Option<String>,
    pub bottom_message: Option<String>,
    pub buyer_mobile: Option<String>,
    pub remark: Option<String>,
}

impl TrnsSalesSaveWrItem {
    /// A sale or credit-note line, amounts exactly as the domain split them.
    pub fn from_line(line: &InvoiceLine) -> TrnsSalesSaveWrItem {
        TrnsSalesSaveWrItem {
            item_seq: u32::from(line.seq),
            item_cd: line.item_code.to_string(),
            item_cls_cd: line.class_code.clone(),
            item_nm: line.name.clone(),
            bcd: line.barcode.clone(),
            pkg_unit_cd: line.pkg_unit.clone(),
            pkg: line.pkg.into(),
            qty_unit_cd: line.qty_unit.clone(),
            qty: line.qty.into(),
            prc: line.unit_price.into(),
            sply_amt: line.amounts.supply.into(),
            dc_rt: Rate::from_hundredths(line.discount_rate),
            dc_amt: line.amounts.discount.into(),
            isrcc_cd: None,
            isrcc_nm: None,
            isrc_rt: None,
            isrc_amt: None,
            tax_ty_cd: line.band.code().to_string(),
            taxbl_amt: line.amounts.taxable.into(),
            tax_amt: line.amounts.tax.into(),
            tot_amt: line.amounts.total.into(),
        }
    }
}

struct SaleParts<'a> {
    lines: &'a [InvoiceLine],
    totals: &'a DocumentTotals,
    buyer_pin: Option<String>,
    buyer_name: Option<String>,
    payment: PaymentType,
}

fn sales_request(
    document: &'static str,
    parts: SaleParts<'_>,
    header: &SaleHeader,
    receipt_type: &str,
    org_invc_no: u64,
) -> Result<TrnsSalesSaveWrReq> {
    check_user(document, &header.user)?;
    check_len(document, "trdInvcNo", &header.trd_invc_no, MAX_TRD_INVC_NO)?;
    if header.trd_invc_no.trim().is_empty() {
        return Err(Error::BuildRequest { document, reason: "the till's document number (trdInvcNo) is empty".into() });
    }
    if let Some(r) = &header.remark {
        check_len(document, "remark", r, MAX_REMARK)?;
    }
    if header.invc_no == 0 {
        return Err(Error::BuildRequest { document, reason: "KRA invoice numbers start at 1".into() });
    }
    let t = parts.totals;
    Ok(TrnsSalesSaveWrReq {
        invc_no: header.invc_no,
        org_invc_no,
        trd_invc_no: header.trd_invc_no.clone(),
        cust_tin: parts.buyer_pin.clone(),
        cust_nm: parts.buyer_name,
        sales_ty_cd: Some("N".into()),
        rcpt_ty_cd: receipt_type.to_owned(),
        pmt_ty_cd: Some(parts.payment.code().to_owned()),
        sales_stts_cd: "02".into(),
        cfm_dt: format_date_time(header.confirmed_at),
        sales_dt: format_date(header.confirmed_at.date()),
        stock_rls_dt: header.stock_released_at.map(format_date_time),
        cncl_req_dt: None,
        cncl_dt: None,
        rfd_dt: None,
        rfd_rsn_cd: None,
        tot_item_cnt: count(parts.lines.len()),
        bands: TaxBandFields::from_totals(t),
        tot_taxbl_amt: t.taxable.into(),
        tot_tax_amt: t.tax.into(),
        tot_amt: t.total.into(),
        prchr_acptc_yn: "N".into(),
        remark: header.remark.clone(),
        regr_id: header.user.regr_id.clone(),
        regr_nm: header.user.regr_nm.clone(),
        modr_id: header.user.modr_id.clone(),
        modr_nm: header.user.modr_nm.clone(),
        receipt: TrnsSalesSaveWrReceipt {
            cust_tin: parts.buyer_pin,
            cust_mbl_no: header.buyer_mobile.clone(),
            rcpt_pbct_dt: format_date_time(header.receipt_published_at),
            trde_nm: header.trade_name.clone(),
            adrs: header.address.clone(),
            top_msg: header.top_message.clone(),
            btm_msg: header.bottom_message.clone(),
            prchr_acptc_yn: "N".into(),
            rpt_no: None,
        },
        item_list: parts.lines.iter().map(TrnsSalesSaveWrItem::from_line).collect(),
    })
}

impl TrnsSalesSaveWrReq {
    /// A sale (`rcptTyCd S`, `orgInvcNo 0`).
    pub fn from_invoice(invoice: &Invoice, header: &SaleHeader) -> Result<TrnsSalesSaveWrReq> {
        let parts = SaleParts {
            lines: &invoice.lines,
            totals: &invoice.totals,
            buyer_pin: invoice.buyer_pin.as_ref().map(ToString::to_string),
            buyer_name: invoice.buyer_name.clone(),
            payment: invoice.payment,
        };
        sales_request("sale", parts, header, "S", 0)
    }

    /// A credit note (`rcptTyCd R`) against the sale KRA numbered `original_invc_no`, with the
    /// refund date (`rfdDt`, the credit note's date at 00:00:00 EAT) and reason the gateway requires.
    pub fn from_credit_note(
        note: &CreditNote,
        original_invc_no: u64,
        header: &SaleHeader,
    ) -> Result<TrnsSalesSaveWrReq> {
        if original_invc_no == 0 {
            return Err(Error::BuildRequest {
                document: "credit note",
                reason: "the original sale has no KRA invoice number yet: send the sale first".into(),
            });
        }
        let parts = SaleParts {
            lines: &note.lines,
            totals: &note.totals,
            buyer_pin: note.buyer_pin.as_ref().map(ToString::to_string),
            buyer_name: note.buyer_name.clone(),
            payment: note.payment,
        };
        let mut request = sales_request("credit note", parts, header, "R", original_invc_no)?;
        let refund_at = DateTime::new(note.date, 0, 0, 0).ok_or_else(|| Error::BuildRequest {
            document: "credit note",
            reason: format!("the credit note date {} is not a valid date", note.date),
        })?;
        request.rfd_dt = Some(format_date_time(refund_at));
        request.rfd_rsn_cd = Some(note.reason.code().to_owned());
        Ok(request)
    }
}

impl ItemSaveReq {
    /// Registers or updates `item` (no price levels, batch or safety stock; not an insured item).
    pub fn from_item(item: &Item, user: &UserStamp) -> Result<ItemSaveReq> {
        check_user("item", user)?;
        Ok(ItemSaveReq {
            item_cd: item.code.to_string(),
            item_cls_cd: item.class_code.clone(),
            item_ty_cd: item.item_type.code().to_owned(),
            item_nm: item.name.trim().to_owned(),
            item_std_nm: None,
            orgn_nat_cd: item.origin.clone(),
            pkg_unit_cd: item.pkg_unit.clone(),
            qty_unit_cd: item.qty_unit.clone(),
            tax_ty_cd: item.tax_band.code().to_string(),
            btch_no: None,
            bcd: item.barcode.clone(),
            dft_prc: item.default_price.into(),
            grp_prc_l1: None,
            grp_prc_l2: None,
            grp_prc_l3: None,
            grp_prc_l4: None,
            grp_prc_l5: None,
            add_info: None,
            sfty_qty: None,
            isrc_aplcb_yn: "N".into(),
            use_yn: if item.active { "Y" } else { "N" }.into(),
            regr_id: user.regr_id.clone(),
            regr_nm: user.regr_nm.clone(),
            modr_id: user.modr_id.clone(),
            modr_nm: user.modr_nm.clone(),
        })
    }
}

/// The header of a stock movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockHeader {
    /// `sarNo`: the next number of the branch's stock series.
    pub sar_no: u64,
    /// `orgSarNo`: 0 unless reversing an earlier movement.
    pub org_sar_no: u64,
    pub kind: StockMoveType,
    /// `ocrnDt` (EAT date).
    pub occurred_on: Date,
    /// Counter-party PIN, name and branch (customer, supplier or other branch), when known.
    pub counterparty_pin: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_branch: Option<String>,
    pub remark: Option<String>,
    pub user: UserStamp,
}

impl StockIOItem {
    /// A stock line from a document line: same amounts, `pkg` = quantity (as the accepted
    /// recorded movement), discount as `totDcAmt`.
    pub fn from_line(seq: u32, line: &InvoiceLine) -> StockIOItem {
        StockIOItem {
            item_seq: seq,
            item_cd: line.item_code.to_string(),
            item_cls_cd: line.class_code.clone(),
            item_nm: line.name.clone(),
            bcd: line.barcode.clone(),
            pkg_unit_cd: line.pkg_unit.clone(),
            pkg: line.qty.into(),
            qty_unit_cd: line.qty_unit.clone(),
            qty: line.qty.into(),
            item_expr_dt: None,
            prc: line.unit_price.into(),
            sply_amt: line.amounts.supply.into(),
            tot_dc_amt: line.amounts.discount.into(),
            taxbl_amt: line.amounts.taxable.into(),
            tax_ty_cd: line.band.code().to_string(),
            tax_amt: line.amounts.tax.into(),
            tot_amt: line.amounts.total.into(),
        }
    }
}

fn stock_request(header: &StockHeader, items: Vec<StockIOItem>) -> Result<StockIOSaveReq> {
    let document = "stock movement";
    check_user(document, &header.user)?;
    if let Some(r) = &header.remark {
        check_len(document, "remark", r, MAX_REMARK)?;
    }
    if header.sar_no == 0 {
        return Err(Error::BuildRequest { document, reason: "KRA stock numbers (sarNo) start at 1".into() });
    }
    if items.is_empty() {
        return Err(Error::BuildRequest {
            document,
            reason: "there are no goods to move (services carry no stock)".into(),
        });
    }
    let sum = |f: fn(&StockIOItem) -> Amount| -> Result<Amount> {
        Money::sum(items.iter().map(|i| f(i).money()))
            .map(Amount::from)
            .map_err(|_| Error::BuildRequest { document, reason: "the total is too large".into() })
    };
    Ok(StockIOSaveReq {
        sar_no: header.sar_no,
        org_sar_no: header.org_sar_no,
        reg_ty_cd: "M".into(),
        cust_tin: header.counterparty_pin.clone(),
        cust_nm: header.counterparty_name.clone(),
        cust_bhf_id: header.counterparty_branch.clone(),
        sar_ty_cd: header.kind.code().to_owned(),
        ocrn_dt: format_date(header.occurred_on),
        tot_item_cnt: count(items.len()),
        tot_taxbl_amt: sum(|i| i.taxbl_amt)?,
        tot_tax_amt: sum(|i| i.tax_amt)?,
        tot_amt: sum(|i| i.tot_amt)?,
        remark: header.remark.clone(),
        regr_id: header.user.regr_id.clone(),
        regr_nm: header.user.regr_nm.clone(),
        modr_id: header.user.modr_id.clone(),
        modr_nm: header.user.modr_nm.clone(),
        item_list: items,
    })
}

impl StockIOSaveReq {
    /// The movement for a sale (type 11), credit note (03) or purchase (02): the goods lines of
    /// the document, renumbered from 1. Fails when the document has only services.
    pub fn from_document_lines<'a>(
        header: &StockHeader,
        lines: impl IntoIterator<Item = &'a InvoiceLine>,
    ) -> Result<StockIOSaveReq> {
        let items = lines
            .into_iter()
            .filter(|l| l.item_type.carries_stock())
            .zip(1u32..)
            .map(|(line, seq)| StockIOItem::from_line(seq, line))
            .collect();
        stock_request(header, items)
    }

    /// A movement keyed by hand (opening stock, adjustment, discarding): each item valued at its
    /// default price, split at its band's rate (the gateway refuses zero amounts).
    pub fn from_items(header: &StockHeader, moves: &[(&Item, Qty)], rates: &TaxRates) -> Result<StockIOSaveReq> {
        let document = "stock movement";
        let mut items = Vec::with_capacity(moves.len());
        for ((item, qty), seq) in moves.iter().zip(1u32..) {
            if !item.item_type.carries_stock() {
                return Err(Error::BuildRequest {
                    document,
                    reason: format!("{} is a service and has no stock", item.name),
                });
            }
            if !qty.is_positive() {
                return Err(Error::BuildRequest {
                    document,
                    reason: format!("the quantity of {} must be above zero", item.name),
                });
            }
            let too_large =
                |_| Error::BuildRequest { document, reason: format!("the value of {} is too large", item.name) };
            let supply = item.default_price.times(*qty).map_err(too_large)?;
            let amounts = split_line(supply, Money::ZERO, rates.rate(item.tax_band)).map_err(too_large)?;
            items.push(StockIOItem {
                item_seq: seq,
                item_cd: item.code.to_string(),
                item_cls_cd: item.class_code.clone(),
                item_nm: item.name.clone(),
                bcd: item.barcode.clone(),
                pkg_unit_cd: item.pkg_unit.clone(),
                pkg: (*qty).into(),
                qty_unit_cd: item.qty_unit.clone(),
                qty: (*qty).into(),
                item_expr_dt: None,
                prc: item.default_price.into(),
                sply_amt: amounts.supply.into(),
                tot_dc_amt: amounts.discount.into(),
                taxbl_amt: amounts.taxable.into(),
                tax_ty_cd: item.tax_band.code().to_string(),
                tax_amt: amounts.tax.into(),
                tot_amt: amounts.total.into(),
            });
        }
        stock_request(header, items)
    }
}

impl StockMasterSaveReq {
    /// The item's remaining quantity at this branch after its movements.
    pub fn new(item: &ItemCode, remaining: Qty, user: &UserStamp) -> Result<StockMasterSaveReq> {
        check_user("stock balance", user)?;
        Ok(StockMasterSaveReq {
            item_cd: item.to_string(),
            rsd_qty: Quantity::from(remaining),
            regr_id: user.regr_id.clone(),
            regr_nm: user.regr_nm.clone(),
            modr_id: user.modr_id.clone(),
            modr_nm: user.modr_nm.clone(),
        })
    }
}

/// The header of a purchase confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseHeader {
    /// `invcNo`: the next number of the branch's purchase series (separate from sales).
    pub invc_no: u64,
    /// `cfmDt` (EAT).
    pub confirmed_at: Option<DateTime>,
    pub remark: Option<String>,
    pub user: UserStamp,
}

impl TrnsPurchaseSaveReq {
    /// Records or confirms a purchase (`rcptTyCd P`, `pchsSttsCd 02`): lines name the shop's own
    /// items, the supplier's codes go in `spplrItem*`.
    pub fn from_purchase(purchase: &Purchase, header: &PurchaseHeader) -> Result<TrnsPurchaseSaveReq> {
        let document = "purchase";
        check_user(document, &header.user)?;
        if let Some(r) = &header.remark {
            check_len(document, "remark", r, MAX_REMARK)?;
        }
        if header.invc_no == 0 {
            return Err(Error::BuildRequest { document, reason: "purchase numbers start at 1".into() });
        }
        let supplier_invc_no = match purchase.supplier_invoice_no {
            Some(n) => Some(u64::try_from(n).map_err(|_| Error::BuildRequest {
                document,
                reason: format!("the supplier's invoice number {n} is negative"),
            })?),
            None => None,
        };
        let t = &purchase.totals;
        Ok(TrnsPurchaseSaveReq {
            invc_no: header.invc_no,
            org_invc_no: 0,
            spplr_tin: purchase.supplier_pin.as_ref().map(ToString::to_string),
            spplr_bhf_id: purchase.supplier_branch.clone(),
            spplr_nm: purchase.supplier_name.clone(),
            spplr_invc_no: supplier_invc_no,
            reg_ty_cd: purchase.source.code().to_owned(),
            pchs_ty_cd: "N".into(),
            rcpt_ty_cd: "P".into(),
            pmt_ty_cd: purchase.payment.code().to_owned(),
            pchs_stts_cd: "02".into(),
            cfm_dt: header.confirmed_at.map(format_date_time),
            pchs_dt: format_date(purchase.date),
            wrhs_dt: None,
            cncl_req_dt: None,
            cncl_dt: None,
            rfd_dt: None,
            tot_item_cnt: count(purchase.lines.len()),
            bands: TaxBandFields::from_totals(t),
            tot_taxbl_amt: t.taxable.into(),
            tot_tax_amt: t.tax.into(),
            tot_amt: t.total.into(),
            remark: header.remark.clone(),
            regr_id: header.user.regr_id.clone(),
            regr_nm: header.user.regr_nm.clone(),
            modr_id: header.user.modr_id.clone(),
            modr_nm: header.user.modr_nm.clone(),
            item_list: purchase
                .lines
                .iter()
                .map(|p| {
                    let l = &p.line;
                    TrnsPurchaseSaveItem {
                        item_seq: u32::from(l.seq),
                        item_cd: Some(l.item_code.to_string()),
                        item_cls_cd: l.class_code.clone(),
                        item_nm: l.name.clone(),
                        bcd: l.barcode.clone(),
                        spplr_item_cls_cd: p.supplier_class_code.clone(),
                        spplr_item_cd: p.supplier_item_code.clone(),
                        spplr_item_nm: Some(p.supplier_item_name.clone()),
                        pkg_unit_cd: Some(l.pkg_unit.clone()),
                        pkg: l.pkg.into(),
                        qty_unit_cd: l.qty_unit.clone(),
                        qty: l.qty.into(),
                        prc: l.unit_price.into(),
                        sply_amt: l.amounts.supply.into(),
                        dc_rt: Rate::from_hundredths(l.discount_rate),
                        dc_amt: l.amounts.discount.into(),
                        taxbl_amt: l.amounts.taxable.into(),
                        tax_ty_cd: l.band.code().to_string(),
                        tax_amt: l.amounts.tax.into(),
                        tot_amt: l.amounts.total.into(),
                        item_expr_dt: None,
                    }
                })
                .collect(),
        })
    }
}

impl ImportItemUpdateReq {
    /// Approves (`3`) or rejects (`4`) a customs import line, mapped to the shop's `own_item`.
    /// `dclDe` goes back exactly as KRA sent it; the remark is never empty (KRA answered 999 to
    /// an approval without one).
    pub fn decide(
        import: &ImportItem,
        own_item: &Item,
        approve: bool,
        remark: &str,
        modifier: &UserStamp,
    ) -> Result<ImportItemUpdateReq> {
        let document = "import decision";
        check_user(document, modifier)?;
        let missing =
            |field: &str| Error::BuildRequest { document, reason: format!("KRA's import line has no {field}") };
        let remark = remark.trim();
        let remark = if remark.is_empty() { if approve { "Approved" } else { "Rejected" } } else { remark };
        check_len(document, "remark", remark, MAX_REMARK)?;
        Ok(ImportItemUpdateReq {
            task_cd: import.task_cd.clone().filter(|s| !s.is_empty()).ok_or_else(|| missing("taskCd"))?,
            dcl_de: import.dcl_de.clone().filter(|s| !s.is_empty()).ok_or_else(|| missing("dclDe"))?,
            item_seq: import.item_seq.ok_or_else(|| missing("itemSeq"))?.get(),
            hs_cd: import.hs_cd.clone().filter(|s| !s.is_empty()).ok_or_else(|| missing("hsCd"))?,
            item_cls_cd: own_item.class_code.clone(),
            item_cd: own_item.code.to_string(),
            impt_item_stts_cd: if approve { "3" } else { "4" }.into(),
            remark: Some(remark.to_owned()),
            modr_id: modifier.modr_id.clone(),
            modr_nm: modifier.modr_nm.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use domain::{
        CreditNoteDraft, CreditNoteLineDraft, CreditNoteReason, Discount, ItemType, OriginalSale, PurchaseDraft,
        PurchaseLineDraft, PurchaseSource, SaleDraft, SaleLineDraft, StockPolicy,
    };

    use super::*;
    use crate::wire::Counter;

    fn rates() -> TaxRates {
        TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
    }

    fn item(seq: u32, band: TaxBand, item_type: ItemType, price_cents: i64) -> Item {
        let pkg_unit = if item_type == ItemType::Service { "OU" } else { "NT" };
        let parts = domain::ItemCodeParts {
            origin: "KE".into(),
            item_type,
            pkg_unit: pkg_unit.into(),
            qty_unit: "NO".into(),
            sequence: seq,
        };
        Item {
            code: ItemCode::build(&parts).unwrap(),
            name: format!("Item {seq}"),
            class_code: "1010150000".into(),
            item_type,
            origin: "KE".into(),
            pkg_unit: pkg_unit.into(),
            qty_unit: "NO".into(),
            tax_band: band,
            default_price: Money::from_cents(price_cents),
            barcode: None,
            active: true,
        }
    }

    fn catalogue(items: &[Item]) -> BTreeMap<ItemCode, (Item, Qty)> {
        items.iter().map(|i| (i.code.clone(), (i.clone(), Qty::whole(100)))).collect()
    }

    fn at(s: &str) -> DateTime {
        DateTime::parse_kra(s).unwrap()
    }

    fn header(invc_no: u64) -> SaleHeader {
        SaleHeader {
            invc_no,
            trd_invc_no: format!("INV-{invc_no:04}"),
            confirmed_at: at("20260918110032"),
            receipt_published_at: at("20260918110032"),
            stock_released_at: None,
            user: UserStamp::by("till1", "Amina"),
            trade_name: None,
            address: None,
            top_message: None,
            bottom_message: None,
            buyer_mobile: None,
            remark: None,
        }
    }

    fn sale() -> (Invoice, Vec<Item>) {
        let goods = item(1, TaxBand::B, ItemType::Finished, 5_220_000);
        let service = item(2, TaxBand::D, ItemType::Service, 100_000);
        let draft = SaleDraft {
            lines: vec![
                SaleLineDraft {
                    item: goods.code.clone(),
                    qty: Qty::whole(2),
                    unit_price: None,
                    discount: Discount::None,
                },
                SaleLineDraft {
                    item: service.code.clone(),
                    qty: Qty::whole(2),
                    unit_price: None,
                    discount: Discount::None,
                },
            ],
            buyer_pin: Some("P052581715V".into()),
            buyer_name: Some("Nyati Retail Systems Ltd".into()),
            payment: PaymentType::BankCheque,
        };
        let items = vec![goods, service];
        let invoice = draft.finalise(&catalogue(&items), &rates(), StockPolicy::Refuse).unwrap();
        (invoice, items)
    }

    #[test]
    fn a_sale_sends_all_fifteen_band_fields_and_the_domain_amounts() {
        let (invoice, _) = sale();
        let request = TrnsSalesSaveWrReq::from_invoice(&invoice, &header(3)).unwrap();
        let json = serde_json::to_value(&request).unwrap();
        for band in ["A", "B", "C", "D", "E"] {
            for field in ["taxblAmt", "taxRt", "taxAmt"] {
                assert!(json.get(format!("{field}{band}")).is_some_and(|v| v.is_number()), "{field}{band}");
            }
        }
        // Lines shaped like the recorded 2026 sandbox invoice 3: 2 × 52 200 in B, a D service.
        assert_eq!(json["taxblAmtB"], 90_000);
        assert_eq!(json["taxAmtB"], 14_400);
        assert_eq!(json["taxblAmtD"], 2_000);
        assert_eq!(json["taxRtB"], 16);
        assert_eq!(json["taxRtE"], 0);
        assert_eq!(json["totAmt"], 106_400);
        assert_eq!(json["custTin"], "P052581715V");
        assert_eq!(json["receipt"]["custTin"], "P052581715V");
        assert_eq!(json["pmtTyCd"], "04");
        assert_eq!(json["salesDt"], "20260918");
        assert_eq!(json["orgInvcNo"], 0);
        assert_eq!(json["itemList"][0]["pkg"], 1);
        assert_eq!(json["itemList"][1]["taxTyCd"], "D");
    }

    #[test]
    fn a_credit_note_names_its_sale_reason_and_refund_date() {
        let (invoice, _) = sale();
        let draft = CreditNoteDraft {
            reason: CreditNoteReason::Refund,
            buyer_pin: Some("P052581715V".into()),
            date: Date::new(2026, 9, 18).unwrap(),
            lines: vec![CreditNoteLineDraft { sale_line: 1, qty: Qty::whole(1) }],
        };
        let credited = BTreeMap::new();
        let original = OriginalSale { invoice: &invoice, date: Date::new(2026, 9, 18).unwrap(), credited: &credited };
        let note = draft.finalise(original, &rates()).unwrap();
        let request = TrnsSalesSaveWrReq::from_credit_note(&note, 3, &header(8)).unwrap();
        assert_eq!(request.rcpt_ty_cd, "R");
        assert_eq!(request.org_invc_no, 3);
        assert_eq!(request.invc_no, 8);
        assert_eq!(request.rfd_dt.as_deref(), Some("20260918000000"));
        assert_eq!(request.rfd_rsn_cd.as_deref(), Some("06"));
        assert_eq!(request.tot_amt.cents(), 5_220_000);
        assert_eq!(request.bands.taxbl_amt_b.cents(), 4_500_000);
        let e = TrnsSalesSaveWrReq::from_credit_note(&note, 0, &header(8)).unwrap_err();
        assert!(e.to_string().contains("send the sale first"), "{e}");
    }

    #[test]
    fn bad_headers_are_refused_before_anything_is_sent() {
        let (invoice, _) = sale();
        let mut h = header(0);
        assert!(TrnsSalesSaveWrReq::from_invoice(&invoice, &h).is_err());
        h.invc_no = 1;
        h.user.modr_nm = String::new();
        let e = TrnsSalesSaveWrReq::from_invoice(&invoice, &h).unwrap_err();
        assert!(e.to_string().contains("modrNm"), "{e}");
        h.user = UserStamp::by("an-identifier-longer-than-twenty", "x");
        assert!(TrnsSalesSaveWrReq::from_invoice(&invoice, &h).is_err());
    }

    fn stock_header(kind: StockMoveType) -> StockHeader {
        StockHeader {
            sar_no: 4,
            org_sar_no: 0,
            kind,
            occurred_on: Date::new(2026, 9, 18).unwrap(),
            counterparty_pin: None,
            counterparty_name: None,
            counterparty_branch: None,
            remark: None,
            user: UserStamp::by("till1", "Amina"),
        }
    }

    #[test]
    fn stock_for_a_sale_takes_only_goods_renumbered_with_their_amounts() {
        let (invoice, items) = sale();
        let request = StockIOSaveReq::from_document_lines(&stock_header(StockMoveType::Sale), &invoice.lines).unwrap();
        assert_eq!(request.sar_ty_cd, "11");
        assert_eq!(request.ocrn_dt, "20260918");
        assert_eq!(request.item_list.len(), 1);
        let line = &request.item_list[0];
        assert_eq!(line.item_seq, 1);
        assert_eq!(line.item_cd, items[0].code.to_string());
        assert_eq!((line.qty.hundredths(), line.pkg.hundredths()), (200, 200));
        assert_eq!(request.tot_amt.cents(), 10_440_000);
        assert_eq!(request.tot_taxbl_amt.cents() + request.tot_tax_amt.cents(), request.tot_amt.cents());
        let services_only: Vec<&InvoiceLine> = invoice.lines.iter().filter(|l| !l.item_type.carries_stock()).collect();
        let e = StockIOSaveReq::from_document_lines(&stock_header(StockMoveType::Sale), services_only).unwrap_err();
        assert!(e.to_string().contains("services carry no stock"), "{e}");
        let e = StockIOSaveReq::from_items(
            &stock_header(StockMoveType::AdjustmentIn),
            &[(&items[1], Qty::whole(1))],
            &rates(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("service"), "{e}");
    }

    #[test]
    fn a_purchase_names_own_items_and_keeps_supplier_codes_aside() {
        let own = item(7, TaxBand::B, ItemType::Finished, 10_000);
        let draft = PurchaseDraft {
            source: PurchaseSource::KraFeed,
            supplier_pin: Some("P052346401U".into()),
            supplier_name: Some("Gear Train Engineering Limited".into()),
            supplier_branch: Some("00".into()),
            supplier_invoice_no: Some(6),
            date: Date::new(2026, 9, 18).unwrap(),
            payment: PaymentType::Cash,
            lines: vec![PurchaseLineDraft {
                supplier_item_code: Some("KE1NTXU1000005".into()),
                supplier_item_name: "Product-B-5".into(),
                supplier_class_code: Some("5059690800".into()),
                qty: Qty::whole(1),
                unit_price: Money::from_cents(115_710),
                discount: Money::ZERO,
                band: TaxBand::B,
                own_item: Some(own.code.clone()),
            }],
            stated_total: None,
        };
        let purchase = draft.finalise(&catalogue(std::slice::from_ref(&own)), &rates()).unwrap();
        let h = PurchaseHeader {
            invc_no: 1,
            confirmed_at: Some(at("20260918110253")),
            remark: None,
            user: UserStamp::by("till1", "Amina"),
        };
        let request = TrnsPurchaseSaveReq::from_purchase(&purchase, &h).unwrap();
        assert_eq!(
            (request.reg_ty_cd.as_str(), request.rcpt_ty_cd.as_str(), request.pchs_stts_cd.as_str()),
            ("A", "P", "02")
        );
        assert_eq!(request.spplr_invc_no, Some(6));
        assert_eq!(request.pchs_dt, "20260918");
        let line = &request.item_list[0];
        assert_eq!(line.item_cd.as_deref(), Some(own.code.as_str()));
        assert_eq!(line.spplr_item_cd.as_deref(), Some("KE1NTXU1000005"));
        assert_eq!(line.sply_amt.cents(), 115_710);
        assert_eq!(line.taxbl_amt.cents() + line.tax_amt.cents(), line.tot_amt.cents());
        assert_eq!(request.tot_amt.cents(), 115_710);
    }

    #[test]
    fn an_import_decision_sends_dcl_de_back_unchanged_with_a_remark() {
        let own = item(9, TaxBand::B, ItemType::Finished, 10_000);
        let import = ImportItem {
            task_cd: Some("20230209030843".into()),
            dcl_de: Some("01022023".into()),
            item_seq: Some(Counter(1)),
            hs_cd: Some("63079000".into()),
            ..ImportItem::default()
        };
        let user = UserStamp::by("till1", "Amina");
        let request = ImportItemUpdateReq::decide(&import, &own, true, "  ", &user).unwrap();
        assert_eq!(request.dcl_de, "01022023");
        assert_eq!(request.impt_item_stts_cd, "3");
        assert_eq!(request.remark.as_deref(), Some("Approved"));
        let json = serde_json::to_value(&request).unwrap();
        assert!(json.get("imptItemSttsCd").is_some(), "capital S in the request");
        let rejected = ImportItemUpdateReq::decide(&import, &own, false, "wrong goods", &user).unwrap();
        assert_eq!((rejected.impt_item_stts_cd.as_str(), rejected.remark.as_deref()), ("4", Some("wrong goods")));
        let incomplete = ImportItem { hs_cd: None, ..import };
        let e = ImportItemUpdateReq::decide(&incomplete, &own, true, "ok", &user).unwrap_err();
        assert!(e.to_string().contains("hsCd"), "{e}");
    }
}
