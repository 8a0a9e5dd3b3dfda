//! Device initialisation (`selectInitOsdcInfo`, SPEC §6.1): 901 for a device KRA has not approved,
//! 902 for a second initialisation (no key in the reply), otherwise a fresh communication key,
//! SCU id, MRC number, device id and signing secret.

use serde_json::{Value, json};

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
    let info = json!({
        "tin": tin,
        "taxprNm": taxpayer::name(books, tin),
        "bsnsActv": null,
        "bhfId": bhf,
        "bhfNm": taxpayer::branch_name(bhf),
        "bhfOpenDt": &crate::reference::REFERENCE_DATA_DT[..8],
        "prvncNm": null,
        "dstrtNm": null,
        "sctrNm": null,
        "locDesc": null,
        "hqYn": if bhf == "00" { "Y" } else { "N" },
        "mgrNm": null,
        "mgrTelNo": null,
        "mgrEmail": null,
        "dvcId": keys.dvc_id,
        "sdcId": keys.sdc_id,
        "mrcNo": keys.mrc_no,
        "cmcKey": keys.cmc_key,
    });
    if let Some(d) = books.device_mut(&key) {
        d.keys = Some(keys);
    }
    Ok(Reply::Data(json!({ "info": info })))
}
