//! oscu's integration tests, one binary: the client against a scripted HTTP server, every
//! recorded KRA exchange read into the typed models, and the parsers fed random and mutated input.
// Test support code: a failed set-up step should stop the test with a panic.
#![allow(clippy::unwrap_used)]

mod client;
mod limits;
mod parsers_never_panic;
mod recorded;
