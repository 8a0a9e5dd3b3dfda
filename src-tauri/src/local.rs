//! Files the desktop keeps beside the shop database that are not fiscal records: the draft cart
//! (so nothing is lost when the window closes mid-sale), the printer choice, and receipt PDFs.
//! Writes go to a temporary file and are renamed over the old one, so a crash leaves either the
//! old or the new content, never half of it.

use std::path::{Path, PathBuf};

use crate::dto::SettingsForm;
use crate::error::{Result, UiError};

/// The folder of the shop database and the shell's own files.
#[derive(Debug, Clone)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// `DUKA_DATA_DIR` when set (tests, several shops on one computer), else Duka's data folder.
    pub fn locate() -> anyhow::Result<DataDir> {
        let dir = match std::env::var_os("DUKA_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => app::default_db_path()?
                .parent()
                .map(Path::to_owned)
                .ok_or_else(|| anyhow::anyhow!("Duka's data folder has no parent directory"))?,
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("could not create the data folder {}: {e}", dir.display()))?;
        Ok(DataDir(dir))
    }

    pub fn db_path(&self) -> PathBuf {
        self.0.join("duka.db")
    }

    fn cart_path(&self) -> PathBuf {
        self.0.join("cart.json")
    }

    fn printer_path(&self) -> PathBuf {
        self.0.join("printer.json")
    }

    pub fn receipts_dir(&self) -> PathBuf {
        self.0.join("receipts")
    }

    pub fn save_cart(&self, cart: &str) -> Result<()> {
        if serde_json::from_str::<serde_json::Value>(cart).is_err() {
            return Err(UiError::invalid(
                "Cart",
                "the till sent a damaged cart: reload the window (nothing was saved)",
            ));
        }
        write_atomically(&self.cart_path(), cart.as_bytes()).map_err(|e| UiError::local_file("keep the cart", e))
    }

    pub fn load_cart(&self) -> Result<Option<String>> {
        match std::fs::read_to_string(self.cart_path()) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(UiError::local_file("read the saved cart", e)),
        }
    }

    pub fn printer(&self) -> Result<Printer> {
        match std::fs::read_to_string(self.printer_path()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| UiError::local_file("read the printer settings", e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Printer::default()),
            Err(e) => Err(UiError::local_file("read the printer settings", e)),
        }
    }

    pub fn save_printer(&self, printer: &Printer) -> Result<()> {
        let text =
            serde_json::to_vec_pretty(printer).map_err(|e| UiError::local_file("save the printer settings", e))?;
        write_atomically(&self.printer_path(), &text).map_err(|e| UiError::local_file("save the printer settings", e))
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Where receipts go.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Printer {
    /// "pdf", "system", "escpos_device" or "escpos_network".
    pub kind: String,
    /// "mm80", "mm58" or "a4".
    pub paper: String,
    /// Queue name, device path or host:port.
    pub target: Option<String>,
}

impl Default for Printer {
    fn default() -> Printer {
        Printer { kind: "pdf".into(), paper: "mm80".into(), target: None }
    }
}

impl Printer {
    pub fn from_form(form: &SettingsForm) -> Result<Printer> {
        let kind = form.printer_kind.clone().unwrap_or_else(|| "pdf".into());
        let target = form.printer_target.clone().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let printer = Printer { kind, paper: form.paper.clone().unwrap_or_else(|| "mm80".into()), target };
        printer.paper()?;
        match (printer.kind.as_str(), &printer.target) {
            ("pdf" | "system", _) => Ok(printer),
            ("escpos_device", None) => Err(UiError::invalid("Printer", "give the device, e.g. /dev/usb/lp0")),
            ("escpos_network", None) => {
                Err(UiError::invalid("Printer", "give the printer's address, e.g. 192.168.1.50:9100"))
            }
            ("escpos_device" | "escpos_network", Some(_)) if printer.paper()? == app::Paper::A4 => {
                Err(UiError::invalid("Paper", "a receipt printer takes 58 or 80 mm rolls, not A4"))
            }
            ("escpos_device" | "escpos_network", Some(_)) => Ok(printer),
            (other, _) => Err(UiError::invalid("Print to", format!("\"{other}\" is not a printer kind Duka knows"))),
        }
    }

    pub fn paper(&self) -> Result<app::Paper> {
        match self.paper.as_str() {
            "mm80" => Ok(app::Paper::Roll80),
            "mm58" => Ok(app::Paper::Roll58),
            "a4" => Ok(app::Paper::A4),
            other => Err(UiError::invalid("Paper", format!("\"{other}\" is not 58 mm, 80 mm or A4"))),
        }
    }

    /// Prints (or files) the receipt of a document and says where it went.
    pub fn print(&self, duka: &app::Duka, data: &DataDir, document: &str, copy: bool) -> Result<String> {
        let paper = self.paper()?;
        let doc = app::DocumentNo(document.to_owned());
        match (self.kind.as_str(), self.target.as_deref()) {
            ("system", queue) => {
                receipt::print::to_cups(&duka.receipt_pdf(&doc, paper, copy)?, queue)?;
                Ok(format!("Sent to the printer {}.", queue.unwrap_or("(system default)")))
            }
            ("escpos_device", Some(device)) => {
                receipt::print::to_device(Path::new(device), &duka.receipt_escpos(&doc, paper, copy)?)?;
                Ok(format!("Printed on {device}."))
            }
            ("escpos_network", Some(addr)) => {
                receipt::print::to_tcp(addr, &duka.receipt_escpos(&doc, paper, copy)?)?;
                Ok(format!("Printed on {addr}."))
            }
            _ => {
                let pdf = duka.receipt_pdf(&doc, paper, copy)?;
                let dir = data.receipts_dir();
                std::fs::create_dir_all(&dir).map_err(|e| UiError::local_file("create the receipts folder", e))?;
                let name = format!("{}{}.pdf", document.trim(), if copy { "-copy" } else { "" });
                let path = dir.join(name);
                write_atomically(&path, &pdf).map_err(|e| UiError::local_file("save the receipt PDF", e))?;
                Ok(format!("Saved as {}.", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, paper: &str, target: Option<&str>) -> SettingsForm {
        SettingsForm {
            printer_kind: Some(kind.into()),
            paper: Some(paper.into()),
            printer_target: target.map(Into::into),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn printer_choices_are_checked() {
        for (kind, paper, target, ok) in [
            ("pdf", "mm80", None, true),
            ("system", "a4", None, true),
            ("escpos_device", "mm58", Some("/dev/usb/lp0"), true),
            ("escpos_device", "mm58", None, false),
            ("escpos_network", "a4", Some("10.0.0.5:9100"), false),
            ("escpos_network", "mm80", Some("  "), false),
            ("fax", "mm80", None, false),
            ("pdf", "mm70", None, false),
        ] {
            assert_eq!(Printer::from_form(&form(kind, paper, target)).is_ok(), ok, "{kind} {paper} {target:?}");
        }
    }

    #[test]
    fn cart_survives_a_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = DataDir(dir.path().to_owned());
        assert_eq!(data.load_cart().expect("no cart yet"), None);
        data.save_cart(r#"{"lines":[{"code":"KE2NTU0000001","qty":"2"}]}"#).expect("saved");
        let again = DataDir(dir.path().to_owned());
        assert_eq!(
            again.load_cart().expect("cart").as_deref(),
            Some(r#"{"lines":[{"code":"KE2NTU0000001","qty":"2"}]}"#)
        );
        assert_eq!(data.save_cart("{not json").expect_err("damaged").code, "invalid_input");
    }
}
