//! Errors of the simulator's own machinery (binding, state file, reference data), as opposed to
//! KRA refusals, which are answers sent to the client, not errors.

use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("could not open the simulator state file {path}: {source}")]
    OpenState { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the simulator state file {path} was written by a newer oscu-sim (format {found}, this one reads up to {supported}): use that version or another file"
    )]
    NewerState { path: PathBuf, found: i64, supported: i64 },
    #[error("could not read the simulator state: {0}")]
    ReadState(rusqlite::Error),
    #[error("could not write the simulator state: {0}")]
    WriteState(rusqlite::Error),
    #[error("the simulator state file holds a record that cannot be read ({kind} {key}): {source}")]
    CorruptState { kind: String, key: String, source: serde_json::Error },
    #[error("the built-in reference data is broken: {0}")]
    ReferenceData(String),
    #[error("device \"{input}\" is not PIN:BRANCH:SERIAL (e.g. P051234567X:00:SIM001): {reason}")]
    ParseDevice { input: String, reason: String },
    #[error("gateway credentials \"{input}\" are not KEY:SECRET:APP_ID")]
    ParseGatewayCredentials { input: String },
    #[error("the fault script is wrong: {reason}")]
    FaultScript { reason: String },
    #[error("could not {operation}: {reason}")]
    Admin { operation: &'static str, reason: String },
    #[error("no secure random numbers available: {0}")]
    Random(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
