//! Checks the request builders share: KRA's field lengths (SPEC §6) and the till user's stamp.

use crate::{Error, Result, wire::UserStamp};

/// KRA field lengths the builders check (SPEC §6).
pub(crate) const MAX_TRD_INVC_NO: usize = 50;
pub(crate) const MAX_REMARK: usize = 400;
pub(crate) const MAX_USER_ID: usize = 20;
pub(crate) const MAX_USER_NAME: usize = 60;

pub(crate) fn check_len(document: &'static str, field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::BuildRequest {
            document,
            reason: format!("{field} \"{value}\" is longer than KRA's {max} characters"),
        });
    }
    Ok(())
}

pub(crate) fn check_user(document: &'static str, user: &UserStamp) -> Result<()> {
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

pub(crate) fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
