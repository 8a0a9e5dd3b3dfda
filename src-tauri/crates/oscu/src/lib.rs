//! KRA eTIMS OSCU for Duka: the wire types of every OSCU function ([`wire`]), the functions and
//! their paths on both front doors ([`Function`]), the async [`Client`] for the direct host and the
//! GavaConnect gateway, requests frozen for the outbox and resent byte for byte with typed answers
//! ([`Frozen`], [`Client::send`]), tolerant reading of KRA's answers ([`response`]), failures
//! classified as retryable or not ([`Error::retry`]), KRA date formats in East Africa Time
//! ([`time`]), and builders from domain documents to requests, next to the wire types they build
//! ([`wire`]; [`build`] keeps the header types' first path).

pub mod build;
mod client;
mod error;
mod frozen;
mod function;
mod refusal;
pub mod response;
mod secret;
pub mod time;
pub mod wire;

pub use client::{Client, ClientConfig, FrontDoor, MAX_ANSWER_BYTES, install_tls_provider};
pub use error::{
    Error, RETRY_AFTER_NETWORK, RETRY_AFTER_RATE_LIMIT, RETRY_AFTER_SERVER, Result, Retry, retry_for_code,
};
pub use frozen::{Frozen, Kept, Request, read_back_request};
pub use function::Function;
pub use refusal::Refusal;
pub use secret::{CmcKey, SecretText};
