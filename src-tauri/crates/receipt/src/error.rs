//! Errors of the receipt crate: a receipt that cannot be drawn as it stands, and printing failures
//! worded so a shopkeeper knows what to check.

use std::path::PathBuf;

/// What went wrong while checking, rendering or printing a receipt.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The receipt model holds a value that cannot be printed correctly.
    #[error("cannot print this receipt: the {field} {problem}")]
    InvalidReceipt { field: &'static str, problem: String },

    /// The QR code of the verification link could not be built.
    #[error("cannot draw the KRA verification QR code for {link}: {reason}")]
    BuildQrCode { link: String, reason: String },

    /// An embedded font could not be read (the build shipped a broken font file).
    #[error("cannot load the receipt font {name}: {reason}")]
    LoadFont { name: &'static str, reason: String },

    /// Writing to a printer device file (e.g. /dev/usb/lp0) failed.
    #[error(
        "cannot print to {}: {source}. Check the printer is switched on and plugged in, and that this \
         user may write to the device",
        path.display()
    )]
    PrintToDevice { path: PathBuf, source: std::io::Error },

    /// A network printer did not accept the connection or the bytes.
    #[error(
        "printer at {addr} did not answer ({source}): is it switched on, loaded with paper and on the same \
         network? Raw printing uses port 9100"
    )]
    PrintToNetwork { addr: String, source: std::io::Error },

    /// The printer address could not be understood.
    #[error("the printer address {addr:?} is not valid: write it as IP:port, e.g. 192.168.1.50:9100")]
    PrinterAddress { addr: String },

    /// The system print queue (CUPS `lp`) could not be started or refused the job.
    #[error(
        "the system print queue did not take the receipt ({detail}). Check that CUPS is installed and the printer {queue} exists (`lpstat -p`)"
    )]
    PrintToQueue { queue: String, detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
