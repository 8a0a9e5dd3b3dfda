//! Sales and credit notes from domain documents: amounts, rates and the tax split come from
//! `domain` unchanged (`domain::tax` is the only place they are decided); all fifteen band fields
//! are always filled.

use domain::{CreditNote, DateTime, DocumentTotals, Invoice, InvoiceLine, PaymentType, TaxBand};

use crate::{
    Error, Result,
    time::{format_date, format_date_time},
    wire::{
        Rate, TaxBandFields, TrnsSalesSaveWrItem, TrnsSalesSaveWrReceipt, TrnsSalesSaveWrReq, UserStamp,
        checks::{MAX_REMARK, MAX_TRD_INVC_NO, check_len, check_user, count},
    },
};

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
