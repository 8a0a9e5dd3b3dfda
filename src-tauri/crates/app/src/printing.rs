//! Where receipts go: the shop's printer choice (kept as `printer.json` in the data folder) and
//! printing a document's receipt on it (a CUPS queue, an ESC/POS printer on a device or the
//! network, or a PDF saved in `receipts/`). A sale is committed whatever the printer does.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{
    CreditNoteRequest, DocumentNo, Duka, Error, Paper, Result, SaleRequest,
    views::{CreditNoteResult, SaleResult},
};

/// How receipts are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterKind {
    /// Saved as PDF in the data folder's `receipts/`.
    Pdf,
    /// A CUPS queue (the system's default when no target).
    System,
    /// An ESC/POS printer on a device such as /dev/usb/lp0.
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
    /// printer needs its device or address and a roll.
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
            (PrinterKind::EscposDevice, None) => {
                Err(Error::invalid_input("Printer", "printer_target", "give the device, e.g. /dev/usb/lp0"))
            }
            (PrinterKind::EscposNetwork, None) => Err(Error::invalid_input(
                "Printer",
                "printer_target",
                "give the printer's address, e.g. 192.168.1.50:9100",
            )),
            (PrinterKind::EscposDevice | PrinterKind::EscposNetwork, Some(_)) if paper == Paper::A4 => {
                Err(Error::invalid_input("Paper", "paper", "a receipt printer takes 58 or 80 mm rolls, not A4"))
            }
            _ => Ok(Printer { kind, paper, target }),
        }
    }
}

/// A sale and what happened to its receipt.
#[derive(Debug, Clone, Serialize)]
pub struct SaleDone {
    #[serde(flatten)]
    pub sale: SaleResult,
    /// What happened to the printout, in words ("Printed on ...", "Saved as ...").
    pub printed: String,
}

/// A credit note and what happened to its receipt.
#[derive(Debug, Clone, Serialize)]
pub struct CreditNoteDone {
    #[serde(flatten)]
    pub note: CreditNoteResult,
    pub printed: String,
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

    /// Prints (or files) the receipt of a document on the chosen printer and says where it went.
    pub fn print_receipt(&self, document: &str, copy: bool) -> Result<String> {
        let printer = self.printer()?;
        let paper = printer.paper;
        let doc = DocumentNo(document.to_owned());
        match (printer.kind, printer.target.as_deref()) {
            (PrinterKind::System, queue) => {
                receipt::print::to_cups(&self.receipt_pdf(&doc, paper, copy)?, queue).map_err(Error::Print)?;
                Ok(format!("Sent to the printer {}.", queue.unwrap_or("(system default)")))
            }
            (PrinterKind::EscposDevice, Some(device)) => {
                receipt::print::to_device(Path::new(device), &self.receipt_escpos(&doc, paper, copy)?)
                    .map_err(Error::Print)?;
                Ok(format!("Printed on {device}."))
            }
            (PrinterKind::EscposNetwork, Some(addr)) => {
                receipt::print::to_tcp(addr, &self.receipt_escpos(&doc, paper, copy)?).map_err(Error::Print)?;
                Ok(format!("Printed on {addr}."))
            }
            (PrinterKind::Pdf | PrinterKind::EscposDevice | PrinterKind::EscposNetwork, _) => {
                let pdf = self.receipt_pdf(&doc, paper, copy)?;
                let data = self.data_folder();
                let name = format!("{}{}.pdf", document.trim(), if copy { "-copy" } else { "" });
                let path = data.save(data.receipts_dir(), &name, &pdf, "save the receipt PDF")?;
                Ok(format!("Saved as {}.", path.display()))
            }
        }
    }

    /// Prints a just-committed document: a printer problem is reported in words, never an error.
    fn print_after_commit(&self, document: &str) -> String {
        match self.print_receipt(document, false) {
            Ok(done) => done,
            Err(e) => format!("The sale is saved, but the receipt did not print: {} (use Print again)", e.sentence()),
        }
    }

    /// Makes the sale (see [`Duka::make_sale`]) and prints its receipt.
    pub fn make_sale_and_print(&self, request: &SaleRequest) -> Result<SaleDone> {
        let sale = self.make_sale(request)?;
        let printed = self.print_after_commit(&sale.trader_no);
        Ok(SaleDone { sale, printed })
    }

    /// Issues the credit note (see [`Duka::issue_credit_note`]) and prints it.
    pub fn issue_credit_note_and_print(&self, request: &CreditNoteRequest) -> Result<CreditNoteDone> {
        let note = self.issue_credit_note(request)?;
        let printed = self.print_after_commit(&note.trader_no);
        Ok(CreditNoteDone { note, printed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            let got = Printer::from_form(Some(kind), Some(paper), target).map(|_| ()).map_err(|e| e.field());
            assert_eq!(got, expected.map_err(|f| Some(f.to_owned())), "{kind} {paper} {target:?}");
        }
        let e = Printer::from_form(Some("pdf"), Some("mm70"), None).unwrap_err();
        assert_eq!(e.to_string(), "Paper: \"mm70\" is not 58 mm, 80 mm or A4");
    }

    #[tokio::test]
    async fn the_printer_choice_is_kept_in_the_data_folder_as_before() {
        let (duka, dir) = crate::testing::shop().await;
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
}
