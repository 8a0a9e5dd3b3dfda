//! sync's integration tests, one binary: the drain, the pulls and the worker against the strict
//! simulator on loopback.

#![recursion_limit = "256"]

mod common;
mod drain;
mod pull;
mod two_tills;
mod worker;
