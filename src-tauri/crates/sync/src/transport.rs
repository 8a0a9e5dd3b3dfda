//! How sync reaches KRA: one call = the exact request bytes sync froze, answered with KRA's
//! `data` or a classified [`oscu::Error`]. Sync sends frozen bytes, so a resend after a timeout is
//! byte-for-byte the first send.
//!
//! `oscu::Client` (both front doors) is the transport the app uses; tests may put any other
//! implementation in its place.

use std::{future::Future, pin::Pin};

use oscu::Function;
use serde_json::Value;

/// What a call returns: KRA's `data` on `000` (`None` when it sent none, or on `001`).
pub type Reply<'a> = Pin<Box<dyn Future<Output = oscu::Result<Option<Value>>> + Send + 'a>>;

/// A way to send one prepared request to KRA.
pub trait Transport: Send + Sync + 'static {
    /// POSTs exactly `body` to `function`.
    fn call<'a>(&'a self, function: Function, body: &'a str) -> Reply<'a>;
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
