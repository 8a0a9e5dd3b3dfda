//! Purchase confirmations from domain purchases.

use domain::{DateTime, Purchase};

use crate::{
    Error, Result,
    time::{format_date, format_date_time},
    wire::{
        Rate, TaxBandFields, TrnsPurchaseSaveItem, TrnsPurchaseSaveReq, UserStamp,
        checks::{MAX_REMARK, check_len, check_user, count},
    },
};

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
