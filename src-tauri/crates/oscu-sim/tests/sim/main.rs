//! The simulator driven through the real `oscu::Client` (and raw HTTP where a request must be
//! malformed on purpose): every function, each success and each refusal KRA would give.
#![recursion_limit = "256"]
// Test support code: a failed set-up step should stop the test with a panic.
#![allow(clippy::unwrap_used)]

mod binary;
mod device;
mod faults;
mod gateway;
mod items;
mod purchases;
mod reference;
mod sales;
mod state;
mod stock;
mod support;
