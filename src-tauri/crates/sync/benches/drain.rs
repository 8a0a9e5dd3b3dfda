//! Drain benchmark (filled in below the skeleton).
fn main() {}
