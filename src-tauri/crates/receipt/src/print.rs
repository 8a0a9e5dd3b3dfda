//! Sends rendered receipts to a printer: a device file (USB/serial thermal printer), a raw network
//! printer on TCP port 9100, or the system print queue (CUPS `lp`) for PDFs.

use std::{
    io::Write,
    net::{SocketAddr, TcpStream, ToSocketAddrs},
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use crate::{Error, Result};

/// How long a network printer may take to accept the connection and each write.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(5);

/// Writes ESC/POS bytes to a printer device such as `/dev/usb/lp0`.
pub fn to_device(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |source| Error::PrintToDevice { path: path.to_owned(), source };
    let mut device = std::fs::OpenOptions::new().write(true).create(false).open(path).map_err(fail)?;
    device.write_all(bytes).map_err(fail)?;
    device.flush().map_err(fail)
}

/// Sends ESC/POS bytes to a raw network printer, e.g. `"192.168.1.50:9100"`.
pub fn to_tcp(addr: &str, bytes: &[u8]) -> Result<()> {
    let socket: SocketAddr = addr
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Error::PrinterAddress { addr: addr.to_owned() })?;
    let fail = |source| Error::PrintToNetwork { addr: addr.to_owned(), source };
    let mut stream = TcpStream::connect_timeout(&socket, NETWORK_TIMEOUT).map_err(fail)?;
    stream.set_write_timeout(Some(NETWORK_TIMEOUT)).map_err(fail)?;
    stream.write_all(bytes).map_err(fail)?;
    stream.flush().map_err(fail)?;
    stream.shutdown(std::net::Shutdown::Write).map_err(fail)
}

/// Prints a PDF through CUPS: `lp [-d queue] -` with the PDF on standard input. `None` uses the
/// default printer.
pub fn to_cups(pdf: &[u8], queue: Option<&str>) -> Result<()> {
    to_cups_with(Path::new("lp"), pdf, queue)
}

/// [`to_cups`] with the `lp` program named explicitly (for systems where it is not on `PATH`).
pub fn to_cups_with(lp: &Path, pdf: &[u8], queue: Option<&str>) -> Result<()> {
    let queue_name = queue.unwrap_or("(default printer)").to_owned();
    let fail = |detail: String| Error::PrintToQueue { queue: queue_name.clone(), detail };
    let mut command = Command::new(lp);
    if let Some(q) = queue {
        command.arg("-d").arg(q);
    }
    command.args(["-t", "Duka receipt", "-"]);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot start {}: {e}", lp.display())))?;
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(pdf).map_err(|e| fail(format!("cannot send the PDF to lp: {e}"))),
        None => Err(fail("lp has no standard input".to_owned())),
    };
    let output = child.wait_with_output().map_err(|e| fail(format!("lp did not finish: {e}")))?;
    written?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(fail(format!("lp said: {stderr} ({})", output.status)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{io::Read, net::TcpListener};

    #[test]
    fn tcp_printer_receives_every_byte() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            conn.read_to_end(&mut got).unwrap();
            got
        });
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        to_tcp(&addr, &bytes).unwrap();
        assert_eq!(server.join().unwrap(), bytes);
    }

    #[test]
    fn tcp_printer_that_is_off_gives_a_clear_error() {
        // A port held (bound) for the whole test but never listened on refuses every connection.
        // A port bound then dropped is not enough: a test running alongside may be given it.
        let held = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        held.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
        let addr = held.local_addr().unwrap().as_socket().unwrap().to_string();
        let err = to_tcp(&addr, b"x").unwrap_err().to_string();
        assert!(err.contains(&addr) && err.contains("switched on"), "{err}");
        let err = to_tcp("not an address", b"x").unwrap_err().to_string();
        assert!(err.contains("IP:port"), "{err}");
    }

    #[test]
    fn device_printing_writes_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lp0");
        std::fs::write(&path, b"").unwrap();
        to_device(&path, b"\x1b@hello\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@hello\n");
        let missing = dir.path().join("missing");
        let err = to_device(&missing, b"x").unwrap_err().to_string();
        assert!(err.contains("missing") && err.contains("plugged in"), "{err}");
    }

    #[test]
    fn cups_gets_the_pdf_and_queue() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let received = dir.path().join("received.pdf");
        let args = dir.path().join("args.txt");
        let lp = dir.path().join("lp");
        std::fs::write(&lp, format!("#!/bin/sh\necho \"$@\" > '{}'\ncat > '{}'\n", args.display(), received.display()))
            .unwrap();
        std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pdf = b"%PDF-1.3 fake receipt bytes\n%%EOF";
        to_cups_with(&lp, pdf, Some("till-printer")).unwrap();
        assert_eq!(std::fs::read(&received).unwrap(), pdf);
        assert_eq!(std::fs::read_to_string(&args).unwrap(), "-d till-printer -t Duka receipt -\n");

        let failing = dir.path().join("lp-fails");
        std::fs::write(
            &failing,
            "#!/bin/sh\ncat > /dev/null\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = to_cups_with(&failing, pdf, Some("nope")).unwrap_err().to_string();
        assert!(err.contains("does not exist") && err.contains("lpstat"), "{err}");
    }
}
