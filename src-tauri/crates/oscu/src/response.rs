//! Reading KRA's answers: the direct host's envelope and the gateway's `responseHeader`/
//! `responseBody` wrapper, into typed data or a classified [`Error`]. `001` reads as "no data";
//! a gateway failure hidden in HTTP 200 (`responseBody: null` + `debugMessage`) is an error.
//! These functions never panic on any input (fuzzed in `fuzz/` and by a proptest).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    Error, Function, Result,
    wire::{
        BranchCustomerListData, BranchListData, CmcKey, CodeListData, CustomerListData, Envelope, GatewayHeader,
        ImportItemListData, InitData, InitInfo, ItemClassListData, ItemListData, NoticeListData, PurchaseSaleListData,
        RESULT_NO_DATA, RESULT_SUCCESS, SalesListData, StockMoveListData, TaxpayerInfoData, TrnsSalesSaveWrResData,
    },
};

/// Which front door produced the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Direct,
    Gateway,
}

/// Longest piece of an unexpected body kept in an error.
const EXCERPT_CHARS: usize = 300;

/// Removes every secret from a text that came from the network and shortens it.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, "<redacted>");
    }
    if out.chars().count() > EXCERPT_CHARS {
        out = out.chars().take(EXCERPT_CHARS).collect::<String>() + "…";
    }
    out
}

fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() { "(empty answer)".to_owned() } else { scrub(text, secrets) }
}

/// The KRA envelope inside an answer, still holding raw `data`.
fn envelope_of(function: Function, door: Door, status: u16, body: &[u8], secrets: &[&str]) -> Result<Envelope<Value>> {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let Some(Value::Object(root)) = parsed else {
        return Err(if (200..300).contains(&status) {
            Error::DecodeResponse { function, reason: format!("not a JSON object: {}", excerpt(body, secrets)) }
        } else {
            Error::HttpStatus { function, status, message: excerpt(body, secrets), retry_after: None }
        });
    };
    let wrapped = root.contains_key("responseHeader") || root.contains_key("responseBody");
    let inner = if wrapped {
        let header: GatewayHeader =
            root.get("responseHeader").cloned().and_then(|h| serde_json::from_value(h).ok()).unwrap_or_default();
        match root.get("responseBody") {
            Some(body @ Value::Object(_)) if body.get("resultCd").is_some() || (200..300).contains(&status) => {
                body.clone()
            }
            _ => return Err(gateway_failure(function, status, &header, secrets)),
        }
    } else if door == Door::Gateway && root.contains_key("fault") {
        // Apigee's own refusals (bad token, unknown app): `{"fault":{"faultstring":..}}`.
        let message = root
            .get("fault")
            .and_then(|f| f.get("faultstring"))
            .and_then(Value::as_str)
            .map_or_else(|| excerpt(body, secrets), |m| scrub(m, secrets));
        let status = if (200..300).contains(&status) { 500 } else { status };
        return Err(Error::HttpStatus { function, status, message, retry_after: None });
    } else {
        Value::Object(root)
    };
    let has_code = inner.get("resultCd").is_some_and(|c| !c.is_null());
    if !has_code {
        return Err(if (200..300).contains(&status) {
            Error::DecodeResponse { function, reason: format!("no resultCd in {}", excerpt(body, secrets)) }
        } else {
            Error::HttpStatus { function, status, message: excerpt(body, secrets), retry_after: None }
        });
    }
    serde_json::from_value(inner).map_err(|e| Error::DecodeResponse {
        function,
        reason: format!("unreadable envelope ({}): {}", scrub(&e.to_string(), secrets), excerpt(body, secrets)),
    })
}

fn gateway_failure(function: Function, http_status: u16, header: &GatewayHeader, secrets: &[&str]) -> Error {
    let status = header
        .response_code
        .as_deref()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| (100..600).contains(c) && *c != 200)
        .unwrap_or(if (200..300).contains(&http_status) { 400 } else { http_status });
    let message = header
        .debug_message
        .as_deref()
        .or(header.customer_message.as_deref())
        .filter(|m| !m.trim().is_empty())
        .unwrap_or("the gateway gave no reason");
    Error::Gateway { function, status, code: None, message: scrub(message, secrets) }
}

/// Reads an answer into its `data`: `Ok(Some(data))` on `000` with data, `Ok(None)` on `000`
/// without data (save calls) or on `001` (nothing found), an error for everything else.
pub fn read<T: DeserializeOwned>(
    function: Function,
    door: Door,
    status: u16,
    body: &[u8],
    secrets: &[&str],
) -> Result<Option<T>> {
    let envelope = envelope_of(function, door, status, body, secrets)?;
    let code = envelope.result_cd.trim();
    if code == RESULT_NO_DATA {
        return Ok(None);
    }
    if code != RESULT_SUCCESS {
        let message = scrub(envelope.result_msg.trim(), secrets);
        return Err(match door {
            Door::Gateway if !(200..300).contains(&status) => {
                Error::Gateway { function, status, code: Some(code.to_owned()), message }
            }
            _ => Error::Kra { function, code: code.to_owned(), message },
        });
    }
    match envelope.data {
        None | Some(Value::Null) => Ok(None),
        Some(data) => serde_json::from_value(data).map(Some).map_err(|e| Error::DecodeResponse {
            function,
            reason: format!("unexpected data ({})", scrub(&e.to_string(), secrets)),
        }),
    }
}

/// Reads the initialisation answer, taking `cmcKey` from `data.info`, from `data`, or from the
/// envelope's root (SPEC §6.1 conflict). Fails with [`Error::InitWithoutKey`] when none is there.
pub fn read_init(door: Door, status: u16, body: &[u8], secrets: &[&str]) -> Result<InitInfo> {
    let function = Function::Initialize;
    let data: Option<InitData> = read(function, door, status, body, secrets)?;
    let data = data.unwrap_or_default();
    let mut info = data.info.unwrap_or_default();
    if info.cmc_key.as_ref().is_none_or(CmcKey::is_empty) {
        info.cmc_key = data.cmc_key.filter(|k| !k.is_empty()).or_else(|| root_cmc_key(door, body));
    }
    if info.cmc_key.as_ref().is_none_or(CmcKey::is_empty) {
        return Err(Error::InitWithoutKey);
    }
    Ok(info)
}

fn root_cmc_key(door: Door, body: &[u8]) -> Option<CmcKey> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let envelope = match door {
        Door::Gateway if root.get("responseBody").is_some() => root.get("responseBody")?.clone(),
        _ => root,
    };
    envelope.get("cmcKey")?.as_str().filter(|k| !k.is_empty()).map(CmcKey::new)
}

/// Reads an answer with the typed model of `function`'s data, discarding the result: the entry
/// point of the fuzz target and the parser proptest, so every model is exercised.
pub fn read_for_function(function: Function, door: Door, status: u16, body: &[u8]) -> Result<()> {
    let secrets: &[&str] = &[];
    match function {
        Function::Initialize => read_init(door, status, body, secrets).map(drop),
        Function::SelectCodeList => read::<CodeListData>(function, door, status, body, secrets).map(drop),
        Function::SelectItemClsList => read::<ItemClassListData>(function, door, status, body, secrets).map(drop),
        Function::SelectCustomer => read::<CustomerListData>(function, door, status, body, secrets).map(drop),
        Function::SelectBhfList => read::<BranchListData>(function, door, status, body, secrets).map(drop),
        Function::SelectNoticeList => read::<NoticeListData>(function, door, status, body, secrets).map(drop),
        Function::SelectItemList => read::<ItemListData>(function, door, status, body, secrets).map(drop),
        Function::SelectImportItemList => read::<ImportItemListData>(function, door, status, body, secrets).map(drop),
        Function::SaveTrnsSalesOsdc => read::<TrnsSalesSaveWrResData>(function, door, status, body, secrets).map(drop),
        Function::SelectTrnsPurchaseSalesList => {
            read::<PurchaseSaleListData>(function, door, status, body, secrets).map(drop)
        }
        Function::SelectStockMoveList => read::<StockMoveListData>(function, door, status, body, secrets).map(drop),
        Function::SelectInvoiceDetails | Function::SelectSalesTransactions => {
            read::<SalesListData>(function, door, status, body, secrets).map(drop)
        }
        Function::SelectTaxpayerInfo => read::<TaxpayerInfoData>(function, door, status, body, secrets).map(drop),
        Function::SelectCustomerList => read::<BranchCustomerListData>(function, door, status, body, secrets).map(drop),
        Function::SaveBhfCustomer
        | Function::SaveBhfUser
        | Function::SaveBhfInsurance
        | Function::SaveItem
        | Function::SaveItemComposition
        | Function::UpdateImportItem
        | Function::InsertTrnsPurchase
        | Function::InsertStockIO
        | Function::SaveStockMaster => read::<Value>(function, door, status, body, secrets).map(drop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Function = Function::SelectCodeList;

    fn direct(status: u16, body: &str) -> Result<Option<Value>> {
        read::<Value>(F, Door::Direct, status, body.as_bytes(), &["SECRETKEY123"])
    }

    fn gateway(status: u16, body: &str) -> Result<Option<Value>> {
        read::<Value>(F, Door::Gateway, status, body.as_bytes(), &["SECRETKEY123"])
    }

    #[test]
    fn success_empty_and_refusal() {
        assert_eq!(
            direct(200, r#"{"resultCd":"000","resultMsg":"ok","data":{"a":1}}"#).unwrap(),
            Some(serde_json::json!({"a":1}))
        );
        assert_eq!(
            direct(200, r#"{"resultCd":"001","resultMsg":"There is no search result","data":null}"#).unwrap(),
            None
        );
        assert_eq!(direct(200, r#"{"resultCd":"000","resultMsg":"Successful","data":null}"#).unwrap(), None);
        let e = direct(200, r#"{"resultCd":"910","resultMsg":"custTin cannot be empty or Null"}"#).unwrap_err();
        assert_eq!(e.kra_code(), Some("910"));
        assert_eq!(e.kra_message(), Some("custTin cannot be empty or Null"));
        let e = direct(200, r#"{"resultCd":"994","resultMsg":"duplicate"}"#).unwrap_err();
        assert!(e.is_duplicate());
    }

    #[test]
    fn gateway_failure_in_http_200_is_an_error() {
        let body = r#"{"responseHeader":{"responseCode":400,"responseRefID":"r","customerMessage":"Unable to process","debugMessage":"Possible cause: Query did not return a unique result"},"responseBody":null}"#;
        for status in [200, 400] {
            let e = gateway(status, body).unwrap_err();
            assert!(matches!(e, Error::Gateway { status: 400, .. }), "{e:?}");
            assert!(e.to_string().contains("Query did not return a unique result"));
            assert_eq!(e.retry(), crate::Retry::Never);
        }
        let ok = r#"{"responseHeader":{"responseCode":200},"responseBody":{"resultCd":"000","resultMsg":"Successful","data":{"x":2}}}"#;
        assert_eq!(gateway(200, ok).unwrap(), Some(serde_json::json!({"x":2})));
        let e = gateway(401, r#"{"fault":{"faultstring":"Invalid access token"}}"#).unwrap_err();
        assert!(matches!(e, Error::HttpStatus { status: 401, .. }));
    }

    #[test]
    fn non_json_and_server_errors() {
        let e = direct(502, "<html>Bad gateway</html>").unwrap_err();
        assert!(matches!(e, Error::HttpStatus { status: 502, .. }));
        let e = direct(200, "").unwrap_err();
        assert!(matches!(e, Error::DecodeResponse { .. }));
        let e = direct(200, r#"{"hello":1}"#).unwrap_err();
        assert!(matches!(e, Error::DecodeResponse { .. }));
    }

    #[test]
    fn secrets_in_answers_are_scrubbed() {
        let e = direct(200, r#"{"resultCd":"900","resultMsg":"bad cmcKey SECRETKEY123 for device"}"#).unwrap_err();
        assert!(!e.to_string().contains("SECRETKEY123"));
        assert!(!format!("{e:?}").contains("SECRETKEY123"));
        let e = direct(500, "echo SECRETKEY123").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRETKEY123"));
    }

    #[test]
    fn init_key_in_info_in_data_or_at_root() {
        for body in [
            r#"{"resultCd":"000","resultMsg":"ok","data":{"info":{"sdcId":"KRACU1","cmcKey":"K1234"}}}"#,
            r#"{"resultCd":"000","resultMsg":"ok","data":{"info":{"sdcId":"KRACU1"},"cmcKey":"K1234"}}"#,
            r#"{"resultCd":"000","resultMsg":"ok","cmcKey":"K1234","data":{"info":{"sdcId":"KRACU1"}}}"#,
        ] {
            let info = read_init(Door::Direct, 200, body.as_bytes(), &[]).unwrap();
            assert_eq!(info.cmc_key.unwrap().expose(), "K1234", "{body}");
            assert_eq!(info.sdc_id.as_deref(), Some("KRACU1"));
        }
        let e = read_init(Door::Direct, 200, br#"{"resultCd":"000","resultMsg":"ok","data":{"info":{}}}"#, &[])
            .unwrap_err();
        assert!(matches!(e, Error::InitWithoutKey));
        let e = read_init(Door::Direct, 200, br#"{"resultCd":"902","resultMsg":"This device is installed"}"#, &[])
            .unwrap_err();
        assert_eq!(e.kra_code(), Some("902"));
    }
}
