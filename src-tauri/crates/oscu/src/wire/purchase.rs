//! Purchases: the feed of suppliers' sales to this PIN (`selectTrnsPurchaseSalesList`, §6.16) and
//! recording/confirming a purchase (`insertTrnsPurchase`, §6.17).

mod build;
pub use build::PurchaseHeader;

use serde::{Deserialize, Serialize};

use super::{Amount, Counter, Quantity, Rate, SalesReadBackItem, TaxBandFields, text::opt};

/// `selectTrnsPurchaseSalesList` (gateway `getPurchaseTransactionInfo`, which also needs `tin`
/// and `bhfId` in the body; they are left out when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsPurchaseSalesReq {
    pub last_req_dt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bhf_id: Option<String>,
}

/// `data` of `selectTrnsPurchaseSalesList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseSaleListData {
    #[serde(default)]
    pub sale_list: Vec<PurchaseSale>,
}

/// A line of a supplier's sale: the same shape as a sales read-back line.
pub type PurchaseSaleItem = SalesReadBackItem;

/// A supplier's sale naming this PIN. `cfmDt`/`stockRlsDt` are `YYYY-MM-DD HH:MM:SS`,
/// `salesDt` is `YYYYMMDD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseSale {
    #[serde(default, deserialize_with = "opt")]
    pub spplr_tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub spplr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub spplr_bhf_id: Option<String>,
    pub spplr_invc_no: Counter,
    #[serde(default, deserialize_with = "opt")]
    pub spplr_sdc_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub spplr_mrc_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rcpt_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub pmt_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cfm_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sales_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub stock_rls_dt: Option<String>,
    #[serde(default)]
    pub tot_item_cnt: Option<Counter>,
    #[serde(flatten)]
    pub bands: TaxBandFields,
    pub tot_taxbl_amt: Amount,
    pub tot_tax_amt: Amount,
    pub tot_amt: Amount,
    #[serde(default, deserialize_with = "opt")]
    pub remark: Option<String>,
    #[serde(default)]
    pub item_list: Vec<PurchaseSaleItem>,
}

/// `insertTrnsPurchase` (gateway `sendPurchaseTransactionInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsPurchaseSaveReq {
    /// The shop's own purchase sequence (separate from sales).
    pub invc_no: u64,
    pub org_invc_no: u64,
    #[serde(default)]
    pub spplr_tin: Option<String>,
    #[serde(default)]
    pub spplr_bhf_id: Option<String>,
    #[serde(default)]
    pub spplr_nm: Option<String>,
    /// The supplier's `invcNo` from the feed (must exist there when confirming).
    #[serde(default)]
    pub spplr_invc_no: Option<u64>,
    /// `A` from the feed, `M` keyed by hand.
    pub reg_ty_cd: String,
    pub pchs_ty_cd: String,
    /// `P` purchase, `R` credit note after purchase.
    pub rcpt_ty_cd: String,
    pub pmt_ty_cd: String,
    pub pchs_stts_cd: String,
    #[serde(default)]
    pub cfm_dt: Option<String>,
    /// `YYYYMMDD`.
    pub pchs_dt: String,
    #[serde(default)]
    pub wrhs_dt: Option<String>,
    #[serde(default)]
    pub cncl_req_dt: Option<String>,
    #[serde(default)]
    pub cncl_dt: Option<String>,
    #[serde(default)]
    pub rfd_dt: Option<String>,
    pub tot_item_cnt: u64,
    #[serde(flatten)]
    pub bands: TaxBandFields,
    pub tot_taxbl_amt: Amount,
    pub tot_tax_amt: Amount,
    pub tot_amt: Amount,
    #[serde(default)]
    pub remark: Option<String>,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
    pub item_list: Vec<TrnsPurchaseSaveItem>,
}

/// One purchase line: `itemCd` is the shop's own registered item, the supplier's codes go in
/// `spplrItem*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsPurchaseSaveItem {
    pub item_seq: u32,
    #[serde(default)]
    pub item_cd: Option<String>,
    pub item_cls_cd: String,
    pub item_nm: String,
    #[serde(default)]
    pub bcd: Option<String>,
    #[serde(default)]
    pub spplr_item_cls_cd: Option<String>,
    #[serde(default)]
    pub spplr_item_cd: Option<String>,
    #[serde(default)]
    pub spplr_item_nm: Option<String>,
    #[serde(default)]
    pub pkg_unit_cd: Option<String>,
    pub pkg: Quantity,
    pub qty_unit_cd: String,
    pub qty: Quantity,
    pub prc: Amount,
    pub sply_amt: Amount,
    pub dc_rt: Rate,
    pub dc_amt: Amount,
    pub taxbl_amt: Amount,
    pub tax_ty_cd: String,
    pub tax_amt: Amount,
    pub tot_amt: Amount,
    #[serde(default)]
    pub item_expr_dt: Option<String>,
}
