//! The app crate's integration tests, one binary: the use cases against `oscu-sim` on loopback
//! (a full day, the gateway front door, the receipt preview, the background worker).
// The full day's `json!` of KRA's purchase is deep.
#![recursion_limit = "256"]

/// The owner each test shop gets when it first opens, and their PIN.
const OWNER: (&str, &str) = ("duka", "2468");

mod common;
mod full_day;
mod gateway;
mod preview;
mod secrets;
mod setup;
mod sync_now;
mod worker;
