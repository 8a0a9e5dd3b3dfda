//! Sales and credit notes: `saveTrnsSalesOsdc` (§6.15) with its receipt and lines, its reply,
//! and the read-backs `selectInvoiceDetails`/`selectInvoiceDetail` and `selectSalesTransactions`
//! (§6.21).

mod build;
mod read_back;

pub use build::SaleHeader;
pub use read_back::Recognised;

use serde::{Deserialize, Serialize};

use super::{Amount, Counter, Quantity, Rate, text::opt};

/// The fifteen per-band header fields (`taxblAmtA`–`E`, `taxRtA`–`E`, `taxAmtA`–`E`), always all
/// sent, zeros included. Shared by sales, purchases and the read-backs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TaxBandFields {
    pub taxbl_amt_a: Amount,
    pub taxbl_amt_b: Amount,
    pub taxbl_amt_c: Amount,
    pub taxbl_amt_d: Amount,
    pub taxbl_amt_e: Amount,
    pub tax_rt_a: Rate,
    pub tax_rt_b: Rate,
    pub tax_rt_c: Rate,
    pub tax_rt_d: Rate,
    pub tax_rt_e: Rate,
    pub tax_amt_a: Amount,
    pub tax_amt_b: Amount,
    pub tax_amt_c: Amount,
    pub tax_amt_d: Amount,
    pub tax_amt_e: Amount,
}

/// `saveTrnsSalesOsdc` (gateway `sendSalesTransaction`): a sale (`rcptTyCd S`) or credit note (`R`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsSalesSaveWrReq {
    pub invc_no: u64,
    /// `0` for a sale; the sale's `invcNo` for a credit note.
    pub org_invc_no: u64,
    pub trd_invc_no: String,
    #[serde(default)]
    pub cust_tin: Option<String>,
    #[serde(default)]
    pub cust_nm: Option<String>,
    /// `N` normal. Not in the spec table, but in its sample and sent by gateway clients.
    #[serde(default)]
    pub sales_ty_cd: Option<String>,
    pub rcpt_ty_cd: String,
    #[serde(default)]
    pub pmt_ty_cd: Option<String>,
    pub sales_stts_cd: String,
    /// `YYYYMMDDhhmmss`.
    pub cfm_dt: String,
    /// `YYYYMMDD`.
    pub sales_dt: String,
    #[serde(default)]
    pub stock_rls_dt: Option<String>,
    #[serde(default)]
    pub cncl_req_dt: Option<String>,
    #[serde(default)]
    pub cncl_dt: Option<String>,
    /// Required for credit notes on the gateway.
    #[serde(default)]
    pub rfd_dt: Option<String>,
    /// Required for credit notes on the gateway (class 32).
    #[serde(default)]
    pub rfd_rsn_cd: Option<String>,
    pub tot_item_cnt: u64,
    #[serde(flatten)]
    pub bands: TaxBandFields,
    pub tot_taxbl_amt: Amount,
    pub tot_tax_amt: Amount,
    pub tot_amt: Amount,
    pub prchr_acptc_yn: String,
    #[serde(default)]
    pub remark: Option<String>,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
    pub receipt: TrnsSalesSaveWrReceipt,
    pub item_list: Vec<TrnsSalesSaveWrItem>,
}

/// The `receipt` object of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsSalesSaveWrReceipt {
    #[serde(default)]
    pub cust_tin: Option<String>,
    #[serde(default)]
    pub cust_mbl_no: Option<String>,
    /// `YYYYMMDDhhmmss`.
    pub rcpt_pbct_dt: String,
    #[serde(default)]
    pub trde_nm: Option<String>,
    #[serde(default)]
    pub adrs: Option<String>,
    #[serde(default)]
    pub top_msg: Option<String>,
    #[serde(default)]
    pub btm_msg: Option<String>,
    pub prchr_acptc_yn: String,
    /// Report number, in KRA's GavaConnect sample only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpt_no: Option<u64>,
}

/// One line of a sale or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsSalesSaveWrItem {
    pub item_seq: u32,
    pub item_cd: String,
    pub item_cls_cd: String,
    pub item_nm: String,
    #[serde(default)]
    pub bcd: Option<String>,
    pub pkg_unit_cd: String,
    pub pkg: Quantity,
    pub qty_unit_cd: String,
    pub qty: Quantity,
    pub prc: Amount,
    pub sply_amt: Amount,
    pub dc_rt: Rate,
    pub dc_amt: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrcc_cd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrcc_nm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc_rt: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc_amt: Option<Amount>,
    pub tax_ty_cd: String,
    pub taxbl_amt: Amount,
    /// The line VAT (the spec table's `totTaxAmt` is wrong; KRA uses `taxAmt`).
    pub tax_amt: Amount,
    pub tot_amt: Amount,
}

/// `data` of an accepted sale: what the printed receipt must show (§11).
/// The VSCU names `rcptNo` and `vsdcRcptPbctDate` are read as aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrnsSalesSaveWrResData {
    #[serde(alias = "rcptNo")]
    pub cur_rcpt_no: Counter,
    pub tot_rcpt_no: Counter,
    /// 26 upper-case base-32 characters.
    #[serde(default, deserialize_with = "super::text::or_empty")]
    pub intrl_data: String,
    /// 16 characters.
    #[serde(default, deserialize_with = "super::text::or_empty")]
    pub rcpt_sign: String,
    /// `YYYYMMDDhhmmss` (EAT).
    #[serde(default, deserialize_with = "super::text::or_empty", alias = "vsdcRcptPbctDate")]
    pub sdc_date_time: String,
}

/// `selectInvoiceDetails` (direct) / `selectInvoiceDetail` (gateway): `{"invcNo": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetailReq {
    pub invc_no: u64,
}

/// Gateway-only `selectSalesTransactions` (request shape not documented; the cursor is assumed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesTransactionsReq {
    pub last_req_dt: String,
}

/// `data` of the sales read-backs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SalesListData {
    #[serde(default)]
    pub sales_list: Vec<SalesReadBack>,
}

/// A stored sale or credit note as KRA returns it. Date-times here are `YYYY-MM-DD HH:MM:SS`
/// (header) and `YYYY-MM-DD HH:MM:SS.f` (receipt); see [`crate::time::parse_date_time`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesReadBack {
    pub invc_no: Counter,
    #[serde(default)]
    pub org_invc_no: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub trd_invc_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sales_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rcpt_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub pmt_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sales_stts_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cfm_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sales_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub stock_rls_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cncl_req_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cncl_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rfd_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rfd_rsn_cd: Option<String>,
    #[serde(default)]
    pub tot_item_cnt: Option<Counter>,
    #[serde(flatten)]
    pub bands: TaxBandFields,
    pub tot_taxbl_amt: Amount,
    pub tot_tax_amt: Amount,
    pub tot_amt: Amount,
    #[serde(default, deserialize_with = "opt")]
    pub prchr_acptc_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub remark: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub regr_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub regr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub modr_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub modr_nm: Option<String>,
    #[serde(default)]
    pub receipt: Option<SalesReadBackReceipt>,
    #[serde(default)]
    pub item_list: Vec<SalesReadBackItem>,
}

impl SalesReadBack {
    /// Whether this stored sale is the document of the request `sent` (KRA does not echo
    /// `trdInvcNo`: the fields it does echo must agree; those it leaves out are not compared).
    pub fn is_of(&self, sent: &TrnsSalesSaveWrReq) -> bool {
        read_back::is_our_document(sent, self)
    }

    /// Whether this stored sale is the document of `sent`, another one, or cannot be told
    /// ([`Recognised`]).
    pub fn recognise(&self, sent: &TrnsSalesSaveWrReq) -> Recognised {
        read_back::recognise(sent, self)
    }
}

/// The receipt of a stored sale: the request's receipt plus the signature data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SalesReadBackReceipt {
    #[serde(default, deserialize_with = "opt")]
    pub cust_tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_mbl_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rcpt_pbct_dt: Option<String>,
    #[serde(default)]
    pub rpt_no: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub trde_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub adrs: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub top_msg: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub btm_msg: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub prchr_acptc_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub intrl_data: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub rcpt_sign: Option<String>,
    #[serde(default)]
    pub cur_rcpt_no: Option<Counter>,
    #[serde(default)]
    pub tot_rcpt_no: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub sdc_date_time: Option<String>,
}

/// A line of a stored sale, or of a supplier's sale in the purchase feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SalesReadBackItem {
    #[serde(default)]
    pub item_seq: Option<Counter>,
    /// `None` when the host echoes `false` (Odoo's legacy capture).
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
    #[serde(default)]
    pub prc: Option<Amount>,
    #[serde(default)]
    pub sply_amt: Option<Amount>,
    #[serde(default)]
    pub dc_rt: Option<Rate>,
    #[serde(default)]
    pub dc_amt: Option<Amount>,
    #[serde(default, deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
    pub isrcc_cd: Option<String>,
    #[serde(default, deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
    pub isrcc_nm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc_rt: Option<Counter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc_amt: Option<Amount>,
    #[serde(default, deserialize_with = "opt")]
    pub tax_ty_cd: Option<String>,
    #[serde(default)]
    pub taxbl_amt: Option<Amount>,
    #[serde(default)]
    pub tax_amt: Option<Amount>,
    #[serde(default)]
    pub tot_amt: Option<Amount>,
}
