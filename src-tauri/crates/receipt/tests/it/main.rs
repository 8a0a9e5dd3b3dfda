//! The receipt crate's integration tests, one binary: the golden files of every receipt kind on
//! every paper.

#[path = "../fixtures/mod.rs"]
mod fixtures;
mod golden;
