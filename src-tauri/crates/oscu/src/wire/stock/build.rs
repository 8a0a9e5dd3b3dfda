//! Stock movements and balances from domain documents and items.

use domain::{Date, InvoiceLine, Item, ItemCode, Money, Qty, StockMoveType, TaxRates, tax::split_line};

use crate::{
    Error, Result,
    time::format_date,
    wire::{
        Amount, Quantity, StockIOItem, StockIOSaveReq, StockMasterSaveReq, UserStamp,
        checks::{MAX_REMARK, check_len, check_user, count},
    },
};

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
