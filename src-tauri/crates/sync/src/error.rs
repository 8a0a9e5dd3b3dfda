//! Errors of the sync engine: each variant names the step that failed.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not {operation}: {source}")]
    Store { operation: &'static str, source: store::Error },
    #[error("could not {operation}: {source}")]
    Kra { operation: &'static str, source: oscu::Error },
    #[error("could not build the KRA request for {what}: {reason}")]
    BuildRequest { what: String, reason: String },
    #[error(
        "the KRA device is not set up yet ({missing} is missing): initialise the device under Settings > KRA first"
    )]
    DeviceNotSetUp { missing: &'static str },
    #[error("the sync worker has stopped: restart Duka")]
    WorkerStopped,
    #[error("the database thread of the sync engine stopped unexpectedly: restart Duka")]
    StoreThread,
    #[error(
        "another Duka on this computer is sending to KRA (the desktop app or a `duka sync`): this one will not \
         send; the other one sends everything, or close it and try again"
    )]
    AnotherSender,
    #[error("could not open the sending lock {path}: {source}: check that Duka may write in that folder")]
    SenderLock { path: std::path::PathBuf, source: std::io::Error },
}

impl From<store::bridge::ThreadStopped> for Error {
    fn from(_: store::bridge::ThreadStopped) -> Error {
        Error::StoreThread
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches the step that failed to a store error.
pub(crate) trait During<T> {
    fn during(self, operation: &'static str) -> Result<T>;
}

impl<T> During<T> for store::Result<T> {
    fn during(self, operation: &'static str) -> Result<T> {
        self.map_err(|source| Error::Store { operation, source })
    }
}
