//! The KRA result envelope `{resultCd, resultMsg, resultDt, data}` (SPEC §2) and the GavaConnect
//! gateway wrapper `{responseHeader, responseBody}` around it (SPEC §1.2).

use serde::{Deserialize, Serialize};

use super::text::{opt, or_empty};

/// `resultCd` of a successful call.
pub const RESULT_SUCCESS: &str = "000";
/// `resultCd` of a lookup that found nothing: an empty result, not an error.
pub const RESULT_NO_DATA: &str = "001";

/// KRA's result envelope. `data` is `null` for save calls and for `001`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    #[serde(default, deserialize_with = "or_empty")]
    pub result_cd: String,
    #[serde(default, deserialize_with = "or_empty")]
    pub result_msg: String,
    #[serde(default, deserialize_with = "opt")]
    pub result_dt: Option<String>,
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// An envelope for `resultCd` with KRA's usual wording.
    pub fn new(result_cd: &str, result_msg: &str, result_dt: Option<String>, data: Option<T>) -> Envelope<T> {
        Envelope { result_cd: result_cd.to_owned(), result_msg: result_msg.to_owned(), result_dt, data }
    }

    pub fn is_success(&self) -> bool {
        self.result_cd.trim() == RESULT_SUCCESS
    }

    pub fn is_no_data(&self) -> bool {
        self.result_cd.trim() == RESULT_NO_DATA
    }
}

/// The gateway's header: `responseCode` (an HTTP-like number, sometimes a string), a reference id,
/// a message for people and the real reason in `debugMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GatewayHeader {
    #[serde(default, deserialize_with = "opt")]
    pub response_code: Option<String>,
    #[serde(rename = "responseRefID", default, deserialize_with = "opt")]
    pub response_ref_id: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub customer_message: Option<String>,
    #[serde(default, deserialize_with = "opt")]
    pub debug_message: Option<String>,
}

/// The gateway wrapper. A failure may come as HTTP 200 with `responseBody: null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayResponse<T> {
    #[serde(default)]
    pub response_header: Option<GatewayHeader>,
    #[serde(default = "none")]
    pub response_body: Option<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_reads_001_without_data() {
        let e: Envelope<serde_json::Value> = serde_json::from_str(
            r#"{"resultCd":"001","resultMsg":"There is no search result","resultDt":"20240507154417","data":null}"#,
        )
        .unwrap();
        assert!(e.is_no_data());
        assert!(e.data.is_none());
        let e: Envelope<serde_json::Value> =
            serde_json::from_str(r#"{"resultCd":"000","resultMsg":"Successful"}"#).unwrap();
        assert!(e.is_success());
        assert_eq!(e.result_dt, None);
    }

    #[test]
    fn gateway_header_code_is_text_whether_number_or_string() {
        let g: GatewayResponse<serde_json::Value> = serde_json::from_str(
            r#"{"responseHeader":{"responseCode":400,"responseRefID":"x","customerMessage":"c","debugMessage":"d"},"responseBody":null}"#,
        )
        .unwrap();
        let h = g.response_header.unwrap();
        assert_eq!(h.response_code.as_deref(), Some("400"));
        assert_eq!(h.response_ref_id.as_deref(), Some("x"));
        assert!(g.response_body.is_none());
    }
}
