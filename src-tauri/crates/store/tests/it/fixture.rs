//! The first schema's database (`tests/fixtures/v1.db`), copied into a temporary folder per test.

use std::path::PathBuf;

/// A fresh copy of `tests/fixtures/v1.db`; the folder goes when the returned guard drops.
pub fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("duka.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db"), &path).expect("the v1 fixture");
    (dir, path)
}
