//! The `duka` binary's integration tests, one binary: every command through the real executable,
//! and its crash safety under SIGKILL.

mod cli;
mod crash;
