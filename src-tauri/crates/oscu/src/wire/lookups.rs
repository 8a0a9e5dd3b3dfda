//! Lookup requests and their answers: initialisation (§6.1), code list (§6.2), item
//! classifications (§6.3), PIN lookup (§6.4), branches (§6.5), notices (§6.6), own items (§6.11),
//! customs imports (§6.13), and the gateway-only taxpayer info and branch-customer list (§6.21).

use serde::{Deserialize, Serialize};

use super::{Amount, CmcKey, Counter, Quantity, text::opt};

/// `selectInitOsdcInfo` / gateway `initialize`: sent without eTIMS headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceVerificationReq {
    pub tin: String,
    pub bhf_id: String,
    pub dvc_srl_no: String,
}

/// `data` of the initialisation reply. Some hosts are said to put `cmcKey` next to `info`
/// rather than inside it (SPEC §6.1); both are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InitData {
    #[serde(default)]
    pub info: Option<InitInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmc_key: Option<CmcKey>,
}

/// `data.info` of the initialisation reply: taxpayer, branch and device in one flat object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InitInfo {
    #[serde(default, deserialize_with = "opt")]
    pub tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub taxpr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bsns_actv: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bhf_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bhf_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bhf_open_dt: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub prvnc_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dstrt_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sctr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub loc_desc: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub hq_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_tel_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_email: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dvc_id: Option<String>,
    /// The SCU id printed on receipts (the spec table misspells it `sdicId`).
    #[serde(default, deserialize_with = "opt", alias = "sdicId")]
    pub sdc_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mrc_no: Option<String>,
    #[serde(default)]
    pub cmc_key: Option<CmcKey>,
}

macro_rules! last_req_dt_request {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// Incremental-sync cursor, `YYYYMMDDhhmmss` (EAT).
            pub last_req_dt: String,
        }
    };
}

last_req_dt_request!(
    /// `selectCodeList`.
    CodeSearchReq
);
last_req_dt_request!(
    /// `selectItemClsList`.
    ItemClsSearchReq
);
last_req_dt_request!(
    /// `selectBhfList`.
    BhfSearchReq
);
last_req_dt_request!(
    /// `selectNoticeList`.
    NoticeSearchReq
);
last_req_dt_request!(
    /// `selectItemList`.
    ItemSearchReq
);
last_req_dt_request!(
    /// `selectImportItemList`.
    ImportItemSearchReq
);
last_req_dt_request!(
    /// Gateway-only `selectCustomerList` (request shape not documented; the cursor is assumed).
    CustomerListReq
);

/// `data` of `selectCodeList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CodeListData {
    #[serde(default)]
    pub cls_list: Vec<CodeClass>,
}

/// One code class (e.g. `04` tax types) with its codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CodeClass {
    #[serde(default, deserialize_with = "opt")]
    pub cd_cls: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cd_cls_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cd_cls_desc: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub use_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_nm1: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_nm2: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_nm3: Option<String>,
    #[serde(default)]
    pub dtl_list: Vec<CodeDetail>,
}

/// One code. For class `04`, `userDfnCd1` holds the tax rate ("16") and `userDfnCd2` its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CodeDetail {
    #[serde(default, deserialize_with = "opt")]
    pub cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cd_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cd_desc: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub use_yn: Option<String>,
    #[serde(default)]
    pub srt_ord: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_cd1: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_cd2: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub user_dfn_cd3: Option<String>,
}

/// `data` of `selectItemClsList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ItemClassListData {
    #[serde(default)]
    pub item_cls_list: Vec<ItemClass>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ItemClass {
    #[serde(default, deserialize_with = "opt")]
    pub item_cls_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_cls_nm: Option<String>,
    #[serde(default)]
    pub item_cls_lvl: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub tax_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mjr_tg_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub use_yn: Option<String>,
}

/// `selectCustomer`: note the `m` in `custmTin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustSearchReq {
    pub custm_tin: String,
}

/// `data` of `selectCustomer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomerListData {
    #[serde(default)]
    pub cust_list: Vec<CustomerInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInfo {
    #[serde(default, deserialize_with = "opt")]
    pub tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub taxpr_nm: Option<String>,
    /// `A` active, `D` inactive.
    #[serde(default, deserialize_with = "opt")]
    pub taxpr_stts_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub prvnc_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dstrt_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sctr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub loc_desc: Option<String>,
}

/// `data` of `selectBhfList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BranchListData {
    #[serde(default)]
    pub bhf_list: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Branch {
    #[serde(default, deserialize_with = "opt")]
    pub tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bhf_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bhf_nm: Option<String>,
    /// `01` open, `02` closed.
    #[serde(default, deserialize_with = "opt")]
    pub bhf_stts_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub prvnc_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dstrt_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub sctr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub loc_desc: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_tel_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub mgr_email: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub hq_yn: Option<String>,
}

/// `data` of `selectNoticeList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NoticeListData {
    #[serde(default)]
    pub notice_list: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    #[serde(default)]
    pub notice_no: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub title: Option<String>,
    /// May contain `\r\n`.
    #[serde(default, deserialize_with = "opt")]
    pub cont: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dtl_url: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub regr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub reg_dt: Option<String>,
}

/// `data` of `selectItemList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ItemListData {
    #[serde(default)]
    pub item_list: Vec<ItemInfo>,
}

/// An item as KRA holds it: the `saveItem` fields plus `tin`, `regBhfId` and `rraModYn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ItemInfo {
    #[serde(default, deserialize_with = "opt")]
    pub tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_cls_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_std_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub orgn_nat_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub pkg_unit_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub qty_unit_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub tax_ty_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub btch_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub reg_bhf_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub bcd: Option<String>,
    #[serde(default)]
    pub dft_prc: Option<Amount>,
    #[serde(default)]
    pub grp_prc_l1: Option<Amount>,
    #[serde(default)]
    pub grp_prc_l2: Option<Amount>,
    #[serde(default)]
    pub grp_prc_l3: Option<Amount>,
    #[serde(default)]
    pub grp_prc_l4: Option<Amount>,
    #[serde(default)]
    pub grp_prc_l5: Option<Amount>,
    #[serde(default, deserialize_with = "opt")]
    pub add_info: Option<String>,
    #[serde(default)]
    pub sfty_qty: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub isrc_aplcb_yn: Option<String>,
    /// `Y` when KRA changed the item's classification.
    #[serde(default, deserialize_with = "opt")]
    pub rra_mod_yn: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub use_yn: Option<String>,
}

/// `data` of `selectImportItemList` (the list key is `itemList`, as for own items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImportItemListData {
    #[serde(default)]
    pub item_list: Vec<ImportItem>,
}

/// One customs declaration line. `dclDe` is DDMMYYYY in practice ([`crate::time::parse_dcl_de`]);
/// the status key has a lower-case `s` (`imptItemsttsCd`) in responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImportItem {
    #[serde(default, deserialize_with = "opt")]
    pub task_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub dcl_de: Option<String>,
    #[serde(default)]
    pub item_seq: Option<Counter>,
    #[serde(default, deserialize_with = "opt")]
    pub dcl_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub hs_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub item_nm: Option<String>,
    /// 1 unsent, 2 waiting, 3 approved, 4 cancelled.
    #[serde(default, deserialize_with = "opt", alias = "imptItemSttsCd")]
    pub impt_itemstts_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub orgn_nat_cd: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub expt_nat_cd: Option<String>,
    #[serde(default)]
    pub pkg: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub pkg_unit_cd: Option<String>,
    #[serde(default)]
    pub qty: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub qty_unit_cd: Option<String>,
    #[serde(default)]
    pub tot_wt: Option<Quantity>,
    #[serde(default)]
    pub net_wt: Option<Quantity>,
    #[serde(default, deserialize_with = "opt")]
    pub spplr_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub agnt_nm: Option<String>,
    #[serde(default)]
    pub invc_fcur_amt: Option<Amount>,
    #[serde(default, deserialize_with = "opt")]
    pub invc_fcur_cd: Option<String>,
    #[serde(default)]
    pub invc_fcur_excrt: Option<Amount>,
}

/// Gateway-only `selectTaxpayerInfo` (request shape not documented; tin and branch are sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxpayerInfoReq {
    pub tin: String,
    pub bhf_id: String,
}

/// `data` of `selectTaxpayerInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TaxpayerInfoData {
    #[serde(default)]
    pub info: Option<TaxpayerInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TaxpayerInfo {
    #[serde(default, deserialize_with = "opt")]
    pub taxpr_nm: Option<String>,
    /// Undocumented; the sandbox returned "1".
    #[serde(default, deserialize_with = "opt")]
    pub vat_ty_cd: Option<String>,
}

/// `data` of the gateway-only `selectCustomerList`: customers stored with `saveBhfCustomer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BranchCustomerListData {
    #[serde(default)]
    pub cust_list: Vec<BranchCustomer>,
}

/// A branch customer as read back (the `saveBhfCustomer` fields, all optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BranchCustomer {
    #[serde(default, deserialize_with = "opt")]
    pub cust_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_tin: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub cust_nm: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub adrs: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub tel_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub fax_no: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub use_yn: Option<String>,
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
}
