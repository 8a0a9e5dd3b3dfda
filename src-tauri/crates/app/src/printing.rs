//! Where receipts go: the shop's printer choice (kept as `printer.json` in the data folder) and
//! printing a document's receipt on it (a CUPS queue, an ESC/POS printer on a character device or
//! the network, or a PDF saved in `receipts/`). Printing runs after the document's commit, off the
//! async runtime and within [`crate::AppOptions::print_timeout`]: a printer that is off, out of
//! paper or unreachable gives the shopkeeper a sentence and a retry, never a lost or blocked sale.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use serde::{Deserialize, Serialize};

use crate::{DocumentNo, Duka, Error, Paper, Result};

/// How receipts are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterKind {
    /// Saved as PDF in the data folder's `receipts/`.
    Pdf,
    /// A CUPS queue (the system's default when no target).
    System,
    /// An ESC/POS printer on a character device such as /dev/usb/lp0 or /dev/ttyUSB0.
    EscposDevice,
    /// An ESC/POS printer on the network (host:port).
    EscposNetwork,
}

impl PrinterKind {
    /// The name the settings form and `printer.json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            PrinterKind::Pdf => "pdf",
            PrinterKind::System => "system",
            PrinterKind::EscposDevice => "escpos_device",
            PrinterKind::EscposNetwork => "escpos_network",
        }
    }
}

/// The shop's printer choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printer {
    pub kind: PrinterKind,
    pub paper: Paper,
    /// Queue name, device path or host:port.
    pub target: Option<String>,
}

impl Default for Printer {
    fn default() -> Printer {
        Printer { kind: PrinterKind::Pdf, paper: Paper::Roll80, target: None }
    }
}

impl Printer {
    /// The choice from the settings form (kind, paper, target as typed), checked: a receipt
    /// printer needs a roll, and its device (a character device, never a file such as the shop
    /// database) or its network address (host:port).
    pub fn from_form(kind: Option<&str>, paper: Option<&str>, target: Option<&str>) -> Result<Printer> {
        let paper = paper.unwrap_or("mm80");
        let paper: Paper = paper
            .parse()
            .map_err(|_| Error::invalid_input("Paper", "paper", format!("\"{paper}\" is not 58 mm, 80 mm or A4")))?;
        let target = target.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let kind = match kind.unwrap_or("pdf") {
            "pdf" => PrinterKind::Pdf,
            "system" => PrinterKind::System,
            "escpos_device" => PrinterKind::EscposDevice,
            "escpos_network" => PrinterKind::EscposNetwork,
            other => {
                return Err(Error::invalid_input(
                    "Print to",
                    "printer_kind",
                    format!("\"{other}\" is not a printer kind Duka knows"),
                ));
            }
        };
        match (kind, &target) {
            (PrinterKind::EscposDevice, None) => Err(wrong_target("give the device, e.g. /dev/usb/lp0".into())),
            (PrinterKind::EscposNetwork, None) => {
                Err(wrong_target("give the printer's address, e.g. 192.168.1.50:9100".into()))
            }
            (PrinterKind::EscposDevice | PrinterKind::EscposNetwork, Some(_)) if paper == Paper::A4 => {
                Err(Error::invalid_input("Paper", "paper", "a receipt printer takes 58 or 80 mm rolls, not A4"))
            }
            (PrinterKind::EscposDevice, Some(device)) => {
                check_device_path(Path::new(device))?;
                Ok(Printer { kind, paper, target })
            }
            (PrinterKind::EscposNetwork, Some(addr)) => {
                check_network_address(addr)?;
                Ok(Printer { kind, paper, target })
            }
            _ => Ok(Printer { kind, paper, target }),
        }
    }

    /// The printer as the shopkeeper knows it, for messages.
    fn name(&self) -> String {
        match (self.kind, self.target.as_deref()) {
            (PrinterKind::System, None) => "(system default)".to_owned(),
            (PrinterKind::Pdf, _) => "(PDF in the receipts folder)".to_owned(),
            (_, Some(target)) => target.to_owned(),
            (_, None) => self.kind.as_str().to_owned(),
        }
    }
}

/// A device path a receipt printer may have: absolute, and a character device when it exists (an
/// unplugged printer's device may be missing; a regular file such as `duka.db` or a folder never
/// is a printer, and writing receipts over it would destroy it).
fn check_device_path(path: &Path) -> Result<()> {
    if !path.is_absolute() {
        return Err(wrong_target(format!(
            "\"{}\" is not a device: give the printer's device, e.g. /dev/usb/lp0 or /dev/ttyUSB0 (a network printer is \
             \"ESC/POS on the network\")",
            path.display()
        )));
    }
    match std::fs::metadata(path) {
        Ok(meta) if !is_printer_device(&meta) => Err(wrong_target(format!(
            "{} is a {}, not a printer device: give the printer's device, e.g. /dev/usb/lp0 or /dev/ttyUSB0",
            path.display(),
            if meta.is_dir() { "folder" } else { "file" }
        ))),
        _ => Ok(()),
    }
}

/// A network printer's address: host:port, the port a number (raw printing uses 9100).
fn check_network_address(addr: &str) -> Result<()> {
    match addr.rsplit_once(':') {
        Some((host, port)) if !host.trim().is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0) => Ok(()),
        _ => Err(wrong_target(format!(
            "\"{addr}\" is not a network address: write it as IP:port, e.g. 192.168.1.50:9100"
        ))),
    }
}

/// The printer's device or address is wrong.
fn wrong_target(reason: String) -> Error {
    Error::invalid_input("Printer", "printer_target", reason)
}

/// A printer's device is a character device (`/dev/usb/lp0`, `/dev/ttyUSB0`, ...).
fn is_printer_device(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_char_device()
    }
    #[cfg(not(unix))]
    {
        !meta.is_file() && !meta.is_dir()
    }
}

/// Writes ESC/POS bytes to a printer's character device; anything else (a regular file such as the
/// shop database, a folder) is refused before a byte is written. The device is checked once open,
/// so it cannot be swapped for a file between the check and the write.
fn write_to_device(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |source| Error::Print(receipt::Error::PrintToDevice { path: path.to_owned(), source });
    let mut device =
        std::fs::OpenOptions::new().write(true).create(false).truncate(false).open(path).map_err(failed)?;
    if !is_printer_device(&device.metadata().map_err(failed)?) {
        return Err(Error::NotAPrinter { path: path.to_owned() });
    }
    device.write_all(bytes).map_err(failed)?;
    device.flush().map_err(failed)
}

/// Clears the "a receipt is at the printer" mark when the printing thread is done, however late.
struct AtThePrinter(Arc<AtomicBool>);

impl Drop for AtThePrinter {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Duka {
    /// The printer choice (a PDF of an 80 mm roll until one is saved).
    pub fn printer(&self) -> Result<Printer> {
        let path = self.data_folder().printer_path();
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| Error::DataFolder { operation: "read the printer settings", source: e.into() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Printer::default()),
            Err(source) => Err(Error::DataFolder { operation: "read the printer settings", source }),
        }
    }

    /// Keeps the printer choice.
    pub fn save_printer(&self, printer: &Printer) -> Result<()> {
        let text = serde_json::to_vec_pretty(printer)
            .map_err(|e| Error::DataFolder { operation: "save the printer settings", source: e.into() })?;
        crate::files::write_atomically(&self.data_folder().printer_path(), &text)
            .map_err(|source| Error::DataFolder { operation: "save the printer settings", source })
    }

    /// Prints (or files) the receipt of a committed document on the chosen printer and says where
    /// it went. Runs on a blocking thread, never on the async runtime's workers, and gives up
    /// waiting after [`crate::AppOptions::print_timeout`] with a sentence saying what to check; the
    /// document is untouched either way, so the window offers to print again. While an earlier
    /// receipt is still at the printer (stuck past the timeout), another is not started. An
    /// original sale receipt that came out is recorded, provisional or signed
    /// ([`Duka::receipts_to_hand_over`]).
    pub async fn print_receipt(&self, document: &str, copy: bool) -> Result<String> {
        Ok(self.print(document, copy).await?.message)
    }

    /// [`Duka::print_receipt`] of an original, saying whether it carried KRA's signature.
    pub(crate) async fn print_original(&self, document: &str) -> Result<Printed> {
        self.print(document, false).await
    }

    async fn print(&self, document: &str, copy: bool) -> Result<Printed> {
        let printer = self.printer()?;
        let busy = Arc::clone(&self.inner.printing);
        if busy.swap(true, Ordering::AcqRel) {
            return Err(Error::PrinterBusy { printer: printer.name() });
        }
        let at_the_printer = AtThePrinter(busy);
        let duka = self.clone();
        let (job_printer, job_document) = (printer.clone(), document.to_owned());
        let job = tokio::task::spawn_blocking(move || {
            let _done = at_the_printer;
            duka.print_now(&job_printer, &job_document, copy)
        });
        let after = self.options().print_timeout;
        match tokio::time::timeout(after, job).await {
            Ok(Ok(printed)) => printed,
            Ok(Err(stopped)) => {
                Err(Error::Io { operation: "print the receipt", source: std::io::Error::other(stopped) })
            }
            Err(_) => {
                tracing::warn!(printer = %printer.name(), document, "the printer did not answer in time");
                Err(Error::PrinterTimeout { printer: printer.name(), after })
            }
        }
    }

    /// Renders and sends the receipt (blocking: on a printing thread), then records an original
    /// sale receipt as printed.
    fn print_now(&self, printer: &Printer, document: &str, copy: bool) -> Result<Printed> {
        let paper = printer.paper;
        let model = self.receipt_model(&DocumentNo(document.to_owned()), copy)?;
        let message = match (printer.kind, printer.target.as_deref()) {
            (PrinterKind::System, queue) => {
                receipt::print::to_cups(&receipt::render_pdf(&model, paper)?, queue).map_err(Error::Print)?;
                format!("Sent to the printer {}.", queue.unwrap_or("(system default)"))
            }
            (PrinterKind::EscposDevice, Some(device)) => {
                write_to_device(Path::new(device), &receipt::render_escpos(&model, paper)?)?;
                format!("Printed on {device}.")
            }
            (PrinterKind::EscposNetwork, Some(addr)) => {
                receipt::print::to_tcp(addr, &receipt::render_escpos(&model, paper)?).map_err(Error::Print)?;
                format!("Printed on {addr}.")
            }
            (PrinterKind::Pdf | PrinterKind::EscposDevice | PrinterKind::EscposNetwork, _) => {
                let pdf = receipt::render_pdf(&model, paper)?;
                let data = self.data_folder();
                let name = format!("{}{}.pdf", document.trim(), if copy { "-copy" } else { "" });
                let path: PathBuf = data.save(data.receipts_dir(), &name, &pdf, "save the receipt PDF")?;
                format!("Saved as {}.", path.display())
            }
        };
        let signed = matches!(model.state, receipt::SignatureState::Signed(_));
        if !copy && matches!(model.kind, receipt::DocumentKind::Sale) {
            // The paper is out: a failure to note it must not make the till print it twice.
            if let Err(e) = self.record_original_printed(&model.trader_invoice_no, signed) {
                tracing::warn!(document, "the printed receipt could not be recorded: {e}");
            }
        }
        Ok(Printed { message, signed })
    }

    /// Records that the original receipt of sale `trader_no` came out, signed or provisional.
    fn record_original_printed(&self, trader_no: &str, signed: bool) -> Result<()> {
        let now = self.now();
        self.store().write(|tx| -> Result<_> {
            let sale_id = crate::sales::find_sale(tx, trader_no)?;
            store::handover::record_print(tx, sale_id, signed, now)?;
            Ok(())
        })
    }
}

/// An original receipt that came out of the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Printed {
    /// Where it went, for the shopkeeper.
    pub(crate) message: String,
    /// It carried KRA's signature and QR.
    pub(crate) signed: bool,
}

#[cfg(test)]
mod tests {
    use std::{
        io::Read,
        net::{SocketAddr, TcpListener, TcpStream},
        time::{Duration, Instant},
    };

    use super::*;
    use crate::{
        AppOptions,
        testing::{line, sale, shop},
    };

    #[test]
    fn printer_choices_are_checked() {
        for (kind, paper, target, expected) in [
            ("pdf", "mm80", None, Ok(())),
            ("system", "a4", None, Ok(())),
            ("escpos_device", "mm58", Some("/dev/usb/lp0"), Ok(())),
            ("escpos_device", "mm58", None, Err("printer_target")),
            ("escpos_network", "a4", Some("10.0.0.5:9100"), Err("paper")),
            ("escpos_network", "mm80", Some("  "), Err("printer_target")),
            ("fax", "mm80", None, Err("printer_kind")),
            ("pdf", "mm70", None, Err("paper")),
            // A device is a character device (or one not plugged in yet), a network printer host:port.
            ("escpos_device", "mm80", Some("/dev/null"), Ok(())),
            ("escpos_device", "mm80", Some("lp0"), Err("printer_target")),
            ("escpos_device", "mm80", Some("/"), Err("printer_target")),
            ("escpos_network", "mm80", Some("printer.local:9100"), Ok(())),
            ("escpos_network", "mm80", Some("10.0.0.5"), Err("printer_target")),
            ("escpos_network", "mm80", Some("10.0.0.5:0"), Err("printer_target")),
            ("escpos_network", "mm80", Some(":9100"), Err("printer_target")),
        ] {
            let got = Printer::from_form(Some(kind), Some(paper), target).map(|_| ()).map_err(|e| e.field());
            assert_eq!(got, expected.map_err(|f| Some(f.to_owned())), "{kind} {paper} {target:?}");
        }
        let e = Printer::from_form(Some("pdf"), Some("mm70"), None).unwrap_err();
        assert_eq!(e.to_string(), "Paper: \"mm70\" is not 58 mm, 80 mm or A4");
    }

    #[tokio::test]
    async fn the_printer_choice_is_kept_in_the_data_folder_as_before() {
        let (duka, dir) = shop().await;
        assert_eq!(duka.printer().unwrap(), Printer::default());
        // A file written by an earlier Duka.
        let old = r#"{"kind":"escpos_network","paper":"mm58","target":"10.0.0.5:9100"}"#;
        std::fs::write(dir.path().join("printer.json"), old).unwrap();
        let printer = duka.printer().unwrap();
        assert_eq!((printer.kind, printer.paper), (PrinterKind::EscposNetwork, Paper::Roll58));
        duka.save_printer(&printer).unwrap();
        let again: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("printer.json")).unwrap()).unwrap();
        assert_eq!(again, serde_json::from_str::<serde_json::Value>(old).unwrap());
    }

    /// A training shop (printing within `timeout`) with the demo catalogue and one sale, TRN-000001.
    async fn shop_with_a_sale(timeout: Duration) -> (Duka, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let options = AppOptions { print_timeout: timeout, ..AppOptions::default() };
        let duka = Duka::open(dir.path().join("shop.db"), options).await.unwrap();
        duka.create_owner(crate::testing::OWNER, crate::testing::OWNER_PIN).unwrap();
        duka.start_training(&crate::TrainingRequest { shop_name: "Print Kiosk".into() }).await.unwrap();
        duka.seed_demo_catalogue().unwrap();
        assert_eq!(duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no, "TRN-000001");
        (duka, dir)
    }

    /// The demo catalogue's sugar, by its barcode.
    const SUGAR: &str = "2009900000019";

    fn use_printer(dir: &tempfile::TempDir, kind: &str, target: &str) {
        // Written as printer.json directly, as an earlier Duka (which checked less) may have.
        let json = serde_json::json!({ "kind": kind, "paper": "mm80", "target": target });
        std::fs::write(dir.path().join("printer.json"), json.to_string()).unwrap();
    }

    #[tokio::test]
    async fn the_shop_database_is_never_a_printer() {
        let (duka, dir) = shop_with_a_sale(Duration::from_secs(10)).await;
        let db = dir.path().join("shop.db");
        // Refused when saved...
        let e = Printer::from_form(Some("escpos_device"), Some("mm80"), db.to_str()).unwrap_err();
        assert_eq!(e.field().as_deref(), Some("printer_target"));
        assert!(e.to_string().contains("is a file, not a printer device"), "{e}");
        // ...and again when printing, before a byte is written.
        use_printer(&dir, "escpos_device", db.to_str().unwrap());
        let before = std::fs::read(&db).unwrap();
        let e = duka.print_receipt("TRN-000001", false).await.unwrap_err();
        assert!(matches!(e, Error::NotAPrinter { .. }), "{e:?}");
        assert_eq!(e.code(), "receipt");
        assert!(e.sentence().contains("is not a printer device"), "{e}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "the database is untouched");
        assert_eq!(duka.sales(10).unwrap().len(), 1, "the sale stands");
        // A character device takes the receipt.
        use_printer(&dir, "escpos_device", "/dev/null");
        assert_eq!(duka.print_receipt("TRN-000001", false).await.unwrap(), "Printed on /dev/null.");
    }

    /// A network printer that never takes a connection: a listener whose one-place queue is full,
    /// so the kernel drops every further connection request (the client waits, as for a printer
    /// that is switched off behind a switch). Keep the returned socket and stream alive.
    fn black_hole() -> (socket2::Socket, TcpStream, SocketAddr) {
        let listener = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        listener.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
        listener.listen(0).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        let queued = TcpStream::connect(addr).unwrap();
        (listener, queued, addr)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_printer_that_does_not_answer_times_out_the_sale_stands_and_printing_again_works() {
        let timeout = Duration::from_millis(300);
        let (duka, dir) = shop_with_a_sale(timeout).await;
        let (hole, queued, addr) = black_hole();
        use_printer(&dir, "escpos_network", &addr.to_string());

        let started = Instant::now();
        let e = duka.print_receipt("TRN-000001", false).await.unwrap_err();
        let waited = started.elapsed();
        assert!(matches!(e, Error::PrinterTimeout { .. }), "{e:?}");
        assert!(waited >= timeout && waited < timeout * 5, "gave up after {waited:?}");
        assert!(
            e.sentence().contains("did not take the receipt within") && e.sentence().contains("Print again"),
            "{e}"
        );
        // The till goes on: the sale stands, and another sale commits while the printer hangs.
        assert_eq!(duka.sales(10).unwrap().len(), 1);
        assert_eq!(duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no, "TRN-000002");
        // The stuck receipt is not piled upon.
        let e = duka.print_receipt("TRN-000001", false).await.unwrap_err();
        assert!(matches!(e, Error::PrinterBusy { .. }), "{e:?}");

        // The printer comes back (the stuck attempt is refused and ends): printing again works.
        drop((hole, queued));
        let until = Instant::now() + Duration::from_secs(20);
        while duka.inner.printing.load(Ordering::Acquire) {
            assert!(Instant::now() < until, "the stuck attempt never ended");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let printer = TcpListener::bind("127.0.0.1:0").unwrap();
        use_printer(&dir, "escpos_network", &printer.local_addr().unwrap().to_string());
        let reader = std::thread::spawn(move || {
            let (mut conn, _) = printer.accept().unwrap();
            let mut got = Vec::new();
            conn.read_to_end(&mut got).unwrap();
            got
        });
        let printed = duka.print_receipt("TRN-000001", false).await.unwrap();
        assert!(printed.starts_with("Printed on 127.0.0.1:"), "{printed}");
        assert!(!reader.join().unwrap().is_empty());
    }
}
