//! Duka's project tooling as a library: the tidy checks, shared by `cargo xtask tidy` and the tidy
//! test that `cargo test` runs.

pub mod tidy;
