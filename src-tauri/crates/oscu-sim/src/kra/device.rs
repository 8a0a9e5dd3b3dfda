//! Device initialisation (`selectInitOsdcInfo`, SPEC §6.1): 901 for a device KRA has not approved,
//! 902 for a second initialisation (no key in the reply), otherwise a fresh communication key,
//! SCU id, MRC number, device id and signing secret.

use oscu::wire::{CmcKey, InitData, InitInfo};
use serde_json::Value;

use super::{Refusal, Reply, schema};
use crate::{
    books::{Books, DeviceKeys, device_key},
    fields::{self, Read},
    reference::Reference,
    taxpayer,
};

/// Random values for a new device (the server draws them from the operating system's CSPRNG).
#[derive(Debug, Clone)]
pub struct DeviceIssue {
    pub cmc_key: String,
    pub sdc_digits: u64,
    pub mrc_digits: u64,
    pub dvc_digits: u64,
    pub secret: String,
}

impl DeviceIssue {
    /// Draws a fresh issue from the operating system's random source.
    pub fn random() -> crate::Result<DeviceIssue> {
        let rand = || getrandom::u64().map_err(|e| crate::Error::Random(e.to_string()));
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| crate::Error::Random(e.to_string()))?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| crate::Error::Random(e.to_string()))?;
        Ok(DeviceIssue {
            cmc_key: data_encoding::HEXUPPER.encode(&key),
            sdc_digits: rand()? % 10_000_000_000,
            mrc_digits: rand()? % 100_000_000,
            dvc_digits: rand()? % 10_000_000_000_000_000,
            secret: data_encoding::HEXLOWER.encode(&secret),
        })
    }
}

/// Handles `selectInitOsdcInfo`. The body carries `tin`, `bhfId` and `dvcSrlNo`; no headers.
pub fn initialise(
    books: &mut Books,
    reference: &Reference,
    body: &Value,
    now: &str,
    issue: DeviceIssue,
) -> Result<Reply, Refusal> {
    if let Some(problem) = fields::first_problem(schema::INIT, body, reference) {
        return Err(Refusal::param(problem));
    }
    let (tin, bhf, serial) = (body.text("tin"), body.text("bhfId"), body.text("dvcSrlNo"));
    let key = device_key(tin, bhf, serial);
    let Some(device) = books.device(&key) else {
        return Err(Refusal {
            code: "901",
            message: format!(
                "This device is not valid: no OSCU device with serial {serial} is approved for PIN {tin} branch {bhf}"
            ),
        });
    };
    if device.keys.is_some() {
        return Err(Refusal {
            code: "902",
            message: "This device is installed already (initialised before): the communication key is not sent again"
                .into(),
        });
    }
    let keys = DeviceKeys {
        cmc_key: issue.cmc_key,
        sdc_id: format!("KRACU{:010}", issue.sdc_digits),
        mrc_no: format!("KRA{:08}", issue.mrc_digits),
        dvc_id: format!("{:016}", issue.dvc_digits),
        secret: issue.secret,
        initialised_at: now.to_owned(),
    };
    let info = InitInfo {
        tin: Some(tin.to_owned()),
        taxpr_nm: Some(taxpayer::name(books, tin)?),
        bsns_actv: None,
        bhf_id: Some(bhf.to_owned()),
        bhf_nm: Some(taxpayer::branch_name(bhf)),
        bhf_open_dt: Some(crate::reference::REFERENCE_DATA_DT[..8].to_owned()),
        prvnc_nm: None,
        dstrt_nm: None,
        sctr_nm: None,
        loc_desc: None,
        hq_yn: Some(if bhf == "00" { "Y" } else { "N" }.to_owned()),
        mgr_nm: None,
        mgr_tel_no: None,
        mgr_email: None,
        dvc_id: Some(keys.dvc_id.clone()),
        sdc_id: Some(keys.sdc_id.clone()),
        mrc_no: Some(keys.mrc_no.clone()),
        cmc_key: Some(CmcKey::new(keys.cmc_key.clone())),
    };
    let data = InitData { info: Some(info), cmc_key: None };
    let data = serde_json::to_value(&data)
        .map_err(|e| Refusal { code: "999", message: format!("Unknown error, contact KRA: {e}") })?;
    if let Some(d) = books.device_mut(&key) {
        d.keys = Some(keys);
    }
    Ok(Reply::Data(data))
}
