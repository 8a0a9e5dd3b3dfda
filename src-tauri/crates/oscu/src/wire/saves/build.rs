//! Item registrations and import decisions from domain items and KRA's import lines.

use domain::Item;

use crate::{
    Error, Result,
    wire::{
        ImportItem, ImportItemUpdateReq, ItemSaveReq, UserStamp,
        checks::{MAX_REMARK, check_len, check_user},
    },
};

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
