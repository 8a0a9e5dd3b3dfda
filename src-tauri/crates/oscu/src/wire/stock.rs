//! Stock: movements sent to this branch (`selectStockMoveList`, §6.18), stock in/out
//! (`insertStockIO`, §6.19) and the on-hand quantity (`saveStockMaster`, §6.20).

mod build;
pub use build::StockHeader;

use serde::{Deserialize, Serialize};

use super::{Amount, Counter, Quantity, text::opt};

/// `selectStockMoveList` (gateway `selectStockMoveLists`, which also needs `tin` and `bhfId` in
/// the body; they are left out when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockMoveReq {
    pub last_req_dt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bhf_id: Option<String>,
}

/// `data` of `selectStockMoveList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StockMoveListData {
    #[serde(default)]
    pub stock_list: Vec<StockMove>,
}

/// A movement another branch sent here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StockMove {
    #[serde(default, deserialize_with = "opt")]
    pub cust_tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_bhf_id: Option<String>,
    #[serde(default)]
    pub sar_no: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub ocrn_dt: Option<String>,
    #[serde(default)]
    pub tot_item_cnt: Option<Counter>,
    #[serde(default)]
    pub tot_taxbl_amt: Option<Amount>,
    #[serde(default)]
    pub tot_tax_amt: Option<Amount>,
    #[serde(default)]
    pub tot_amt: Option<Amount>,
    #[serde(default, deserialize_with = "opt")]
    pub remark: Option<String>,
    #[serde(default)]
    pub item_list: Vec<StockMoveItem>,
}

/// A line of a received movement (the `insertStockIO` line fields, read tolerantly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StockMoveItem {
    #[serde(default)]
    pub item_seq: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub item_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_cls_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bcd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub pkg_unit_cd: Option<String>,
    #[serde(default)]
    pub pkg: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub qty_unit_cd: Option<String>,
    #[serde(default)]
    pub qty: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub item_expr_dt: Option<String>,
    #[serde(default)]
    pub prc: Option<Amount>,
    #[serde(default)]
    pub sply_amt: Option<Amount>,
    #[serde(default)]
    pub tot_dc_amt: Option<Amount>,
    #[serde(default)]
    pub taxbl_amt: Option<Amount>,
    #[serde(default, deserialize_with = "opt")]
    pub tax_ty_cd: Option<String>,
    #[serde(default)]
    pub tax_amt: Option<Amount>,
    #[serde(default)]
    pub tot_amt: Option<Amount>,
}

/// `insertStockIO` (gateway `insert/stockIO`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockIOSaveReq {
    pub sar_no: u64,
    /// `0` unless reversing an earlier movement; never `null` (the gateway crashes on it).
    pub org_sar_no: u64,
    /// `M` manual, `A` automatic.
    pub reg_ty_cd: String,
    #[serde(default)]
    pub cust_tin: Option<String>,
    #[serde(default)]
    pub cust_nm: Option<String>,
    #[serde(default)]
    pub cust_bhf_id: Option<String>,
    /// Class 12: 01–06 in, 11–16 out.
    pub sar_ty_cd: String,
    /// `YYYYMMDD` (8 digits).
    pub ocrn_dt: String,
    pub tot_item_cnt: u64,
    pub tot_taxbl_amt: Amount,
    pub tot_tax_amt: Amount,
    pub tot_amt: Amount,
    #[serde(default)]
    pub remark: Option<String>,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
    pub item_list: Vec<StockIOItem>,
}

/// One line of a stock movement. Note `totDcAmt` (not `dcAmt`) and the mandatory `totAmt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockIOItem {
    pub item_seq: u32,
    pub item_cd: String,
    pub item_cls_cd: String,
    pub item_nm: String,
    #[serde(default)]
    pub bcd: Option<String>,
    pub pkg_unit_cd: String,
    pub pkg: Quantity,
    pub qty_unit_cd: String,
    /// Positive; the direction comes from `sarTyCd`.
    pub qty: Quantity,
    #[serde(default)]
    pub item_expr_dt: Option<String>,
    pub prc: Amount,
    pub sply_amt: Amount,
    pub tot_dc_amt: Amount,
    pub taxbl_amt: Amount,
    pub tax_ty_cd: String,
    pub tax_amt: Amount,
    pub tot_amt: Amount,
}

/// `saveStockMaster` (gateway `save/stockMaster`): the item's remaining quantity, which must equal
/// KRA's running total of its movements at this branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockMasterSaveReq {
    pub item_cd: String,
    pub rsd_qty: Quantity,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}
