//! Master-data save requests: branch customer (§6.7), branch user (§6.8), insurer (§6.9), item
//! (§6.10), item composition (§6.12) and import approval (§6.14). KRA answers each with
//! `data: null`.

mod build;

use serde::{Deserialize, Serialize};

use super::{Amount, Quantity, SecretText};

/// Who created / last changed a record in the till (`regrId`/`regrNm`/`modrId`/`modrNm`,
/// 20/60/20/60 characters), as the request builders take it. Required on every save; the
/// gateway refuses empty `modr*`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserStamp {
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}

impl UserStamp {
    /// The same user as creator and modifier.
    pub fn by(id: &str, name: &str) -> UserStamp {
        UserStamp { regr_id: id.to_owned(), regr_nm: name.to_owned(), modr_id: id.to_owned(), modr_nm: name.to_owned() }
    }
}

/// `saveBhfCustomer` (gateway `branchSendCustomerInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BhfCustSaveReq {
    pub cust_no: String,
    pub cust_tin: String,
    pub cust_nm: String,
    #[serde(default)]
    pub adrs: Option<String>,
    #[serde(default)]
    pub tel_no: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub fax_no: Option<String>,
    pub use_yn: String,
    #[serde(default)]
    pub remark: Option<String>,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}

/// `saveBhfUser` (gateway `branchUserAccount`). The password's `Debug` is redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BhfUserSaveReq {
    pub user_id: String,
    pub user_nm: String,
    pub pwd: SecretText,
    #[serde(default)]
    pub adrs: Option<String>,
    #[serde(default)]
    pub cntc: Option<String>,
    #[serde(default)]
    pub auth_cd: Option<String>,
    #[serde(default)]
    pub remark: Option<String>,
    pub use_yn: String,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}

/// `saveBhfInsurance` (gateway `branchInsuranceInfo`); pharmacies only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BhfInsuranceSaveReq {
    pub isrcc_cd: String,
    pub isrcc_nm: String,
    /// Premium percentage, a whole number (NUMBER 3).
    pub isrc_rt: u16,
    pub use_yn: String,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}

/// `saveItem`: registers an item, or updates it when `itemCd` already exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemSaveReq {
    pub item_cd: String,
    pub item_cls_cd: String,
    /// 1 raw material, 2 finished product, 3 service.
    pub item_ty_cd: String,
    pub item_nm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_std_nm: Option<String>,
    pub orgn_nat_cd: String,
    pub pkg_unit_cd: String,
    pub qty_unit_cd: String,
    pub tax_ty_cd: String,
    #[serde(default)]
    pub btch_no: Option<String>,
    #[serde(default)]
    pub bcd: Option<String>,
    pub dft_prc: Amount,
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
    #[serde(default)]
    pub add_info: Option<String>,
    #[serde(default)]
    pub sfty_qty: Option<Quantity>,
    pub isrc_aplcb_yn: String,
    pub use_yn: String,
    pub regr_id: String,
    pub regr_nm: String,
    pub modr_id: String,
    pub modr_nm: String,
}

/// `saveItemComposition`: one bill-of-materials line per call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemCompositionSaveReq {
    /// The finished item.
    pub item_cd: String,
    /// The component item.
    pub cpst_item_cd: String,
    /// Component quantity per finished item.
    pub cpst_qty: Quantity,
    pub regr_id: String,
    pub regr_nm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modr_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modr_nm: Option<String>,
}

/// `updateImportItem`: approve (`3`) or reject (`4`) a customs import line. Capital `S` in
/// `imptItemSttsCd` here; `dclDe` goes back exactly as received (DDMMYYYY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportItemUpdateReq {
    pub task_cd: String,
    pub dcl_de: String,
    pub item_seq: u64,
    pub hs_cd: String,
    pub item_cls_cd: String,
    pub item_cd: String,
    pub impt_item_stts_cd: String,
    /// Send a non-empty text: the gateway answered 999 to an approval with `remark: null`.
    #[serde(default)]
    pub remark: Option<String>,
    pub modr_id: String,
    pub modr_nm: String,
}
