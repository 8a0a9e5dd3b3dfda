//! The `duka` binary's integration tests, one binary: every command through the real executable,
//! and its crash safety under SIGKILL.

/// The owner each test shop gets first (`duka --user duka user owner`), and their PIN, which the
/// tests give every run in DUKA_PIN.
const OWNER: (&str, &str) = ("duka", "2468");

mod cli;
mod crash;
