//! How sync reaches KRA: one call = the exact request bytes sync froze, answered with KRA's
//! `data` or a classified [`oscu::Error`]. Sync sends frozen bytes, so a resend after a timeout is
//! byte-for-byte the first send.
//!
//! `oscu::Client` (both front doors) is the transport the app uses; [`DirectHost`] is a small
//! direct-host-only transport for tools that have no client configuration.

use std::{future::Future, pin::Pin, sync::RwLock, time::Duration};

use oscu::{Function, wire::Envelope};
use serde_json::Value;

/// What a call returns: KRA's `data` on `000` (`None` when it sent none, or on `001`).
pub type Reply<'a> = Pin<Box<dyn Future<Output = oscu::Result<Option<Value>>> + Send + 'a>>;

/// A way to send one prepared request to KRA.
pub trait Transport: Send + Sync + 'static {
    /// POSTs exactly `body` to `function`.
    fn call<'a>(&'a self, function: Function, body: &'a str) -> Reply<'a>;
}

/// The direct host (`.../etims-api/<function>`, headers `tin`, `bhfId`, `cmcKey`).
#[derive(Debug)]
pub struct DirectHost {
    http: reqwest::Client,
    base_url: String,
    tin: String,
    bhf_id: String,
    cmc_key: RwLock<Option<oscu::CmcKey>>,
    timeout: Duration,
}

impl DirectHost {
    /// `base_url` ends in `/etims-api` (no trailing slash needed). `timeout` bounds each call.
    pub fn new(base_url: &str, tin: &str, bhf_id: &str, timeout: Duration) -> Result<DirectHost, oscu::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| oscu::Error::Config { reason: format!("cannot start the HTTP client: {e}") })?;
        Ok(DirectHost {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            tin: tin.to_owned(),
            bhf_id: bhf_id.to_owned(),
            cmc_key: RwLock::new(None),
            timeout,
        })
    }

    /// The communication key from device initialisation.
    pub fn set_cmc_key(&self, key: oscu::CmcKey) {
        *self.cmc_key.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key);
    }

    fn key(&self) -> Option<oscu::CmcKey> {
        self.cmc_key.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    async fn send(&self, function: Function, body: &str) -> oscu::Result<Option<Value>> {
        let path = function.direct_path().ok_or_else(|| oscu::Error::Config {
            reason: format!("{} exists only on the GavaConnect gateway", function.spec_name()),
        })?;
        let key = self.key();
        let mut request = self
            .http
            .post(format!("{}/{path}", self.base_url))
            .timeout(self.timeout)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if !function.is_unauthenticated() {
            let key = key.as_ref().ok_or(oscu::Error::MissingCmcKey { function })?;
            request = request.header("tin", &self.tin).header("bhfId", &self.bhf_id).header("cmcKey", key.expose());
        }
        let secrets: Vec<&str> = key.as_ref().map(|k| k.expose()).into_iter().collect();
        let response = request.send().await.map_err(|e| network_error(function, &e, self.timeout))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| network_error(function, &e, self.timeout))?;
        read_envelope(function, status, &bytes, &secrets)
    }
}

impl Transport for DirectHost {
    fn call<'a>(&'a self, function: Function, body: &'a str) -> Reply<'a> {
        Box::pin(self.send(function, body))
    }
}

/// A shared transport (the app keeps its `Arc<oscu::Client>` for device set-up too).
impl<T: Transport> Transport for std::sync::Arc<T> {
    fn call<'a>(&'a self, function: Function, body: &'a str) -> Reply<'a> {
        T::call(self, function, body)
    }
}

impl Transport for oscu::Client {
    fn call<'a>(&'a self, function: Function, body: &'a str) -> Reply<'a> {
        Box::pin(async move {
            // The few lookups the gateway wants `tin`/`bhfId` in the body for get them added by
            // the client; every other body goes out byte for byte as frozen.
            let bytes = if function.gateway_wants_identity_in_body() {
                let value: Value = serde_json::from_str(body)
                    .map_err(|e| oscu::Error::EncodeRequest { function, reason: e.to_string() })?;
                self.encode(function, &value)?
            } else {
                body.as_bytes().to_vec()
            };
            self.send_json::<Value>(function, bytes).await
        })
    }
}

fn network_error(function: Function, e: &reqwest::Error, timeout: Duration) -> oscu::Error {
    if e.is_timeout() {
        return oscu::Error::Timeout { function, after: timeout };
    }
    // A failure before the request left (refused connection) cannot have been recorded.
    let request_sent = !e.is_connect();
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = format!("{reason}: {s}");
        source = s.source();
    }
    oscu::Error::Connect { function, reason, request_sent }
}

fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, "<redacted>");
    }
    out.chars().take(300).collect()
}

/// Reads the direct host's envelope: `000` -> data, `001` -> none, anything else an error.
pub(crate) fn read_envelope(
    function: Function,
    status: u16,
    body: &[u8],
    secrets: &[&str],
) -> oscu::Result<Option<Value>> {
    let ok = (200..300).contains(&status);
    let envelope: Option<Envelope<Value>> = serde_json::from_slice(body).ok();
    let Some(envelope) = envelope.filter(|e| !e.result_cd.trim().is_empty()) else {
        let text = scrub(String::from_utf8_lossy(body).trim(), secrets);
        return Err(if ok {
            oscu::Error::DecodeResponse { function, reason: format!("not a KRA answer: {text}") }
        } else {
            oscu::Error::HttpStatus { function, status, message: text, retry_after: None }
        });
    };
    if envelope.is_no_data() {
        return Ok(None);
    }
    if !envelope.is_success() {
        return Err(oscu::Error::Kra {
            function,
            code: envelope.result_cd.trim().to_owned(),
            message: scrub(envelope.result_msg.trim(), secrets),
        });
    }
    Ok(envelope.data.filter(|d| !d.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_read_as_data_nothing_or_classified_refusals() {
        let f = Function::SaveTrnsSalesOsdc;
        let data = read_envelope(f, 200, br#"{"resultCd":"000","resultMsg":"ok","data":{"a":1}}"#, &[]).unwrap();
        assert_eq!(data, Some(serde_json::json!({"a":1})));
        assert_eq!(read_envelope(f, 200, br#"{"resultCd":"001","resultMsg":"none","data":null}"#, &[]).unwrap(), None);
        let refused = read_envelope(
            f,
            200,
            br#"{"resultCd":"910","resultMsg":"Invalid key SECRETKEY","data":null}"#,
            &["SECRETKEY"],
        )
        .unwrap_err();
        assert_eq!(refused.kra_code(), Some("910"));
        assert!(!refused.to_string().contains("SECRETKEY"), "{refused}");
        let garbled = read_envelope(f, 200, br#"{"resultCd":"00"#, &[]).unwrap_err();
        assert!(garbled.outcome_unknown(), "{garbled:?}");
        let down = read_envelope(f, 503, b"busy", &[]).unwrap_err();
        assert!(matches!(down.retry(), oscu::Retry::After(_)), "{down:?}");
    }
}
