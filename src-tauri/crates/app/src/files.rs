//! The files Duka keeps in its data folder, and the one place that decides the folder's layout:
//! `duka.db` (the shop), `cart.json` (the till's draft cart as an earlier Duka kept it; the draft
//! now lives in the shop database, cleared by the sale's commit), `printer.json` (the printer choice), and the `receipts/`, `reports/` and
//! `exports/` folders of saved PDFs and CSV files. Writes go to a temporary file that is renamed
//! over the old one, so a crash leaves the old or the new content, never half of it.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{
    Duka, Error, Paper, Result,
    exchange::{Accounting, ExportOptions},
    reports::{Report, ReportFormat},
};

/// The variable that puts the data folder elsewhere (tests, several shops on one computer).
pub const DATA_DIR_VARIABLE: &str = "DUKA_DATA_DIR";

/// Duka's data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFolder(PathBuf);

impl DataFolder {
    /// `DUKA_DATA_DIR` when set, else Duka's data folder for this user; created if missing.
    pub fn locate() -> Result<DataFolder> {
        let dir = match std::env::var_os(DATA_DIR_VARIABLE) {
            Some(dir) => PathBuf::from(dir),
            None => {
                let db = store::default_db_path()?;
                db.parent().map(Path::to_owned).unwrap_or(db)
            }
        };
        store::private::create_dir(&dir)
            .map_err(|source| Error::DataFolder { operation: "create the data folder", source })?;
        Ok(DataFolder(dir))
    }

    /// The folder of a shop database (whatever its file name).
    pub fn of_database(db: &Path) -> DataFolder {
        DataFolder(db.parent().map_or_else(|| PathBuf::from("."), Path::to_owned))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The shop database.
    pub fn db_path(&self) -> PathBuf {
        self.0.join("duka.db")
    }

    /// The till's draft cart as an earlier Duka kept it.
    pub fn cart_path(&self) -> PathBuf {
        self.0.join("cart.json")
    }

    /// The printer choice.
    pub fn printer_path(&self) -> PathBuf {
        self.0.join("printer.json")
    }

    /// Receipts saved as PDF.
    pub fn receipts_dir(&self) -> PathBuf {
        self.0.join("receipts")
    }

    /// Reports saved as PDF.
    pub fn reports_dir(&self) -> PathBuf {
        self.0.join("reports")
    }

    /// Exports for accounting tools (CSV).
    pub fn exports_dir(&self) -> PathBuf {
        self.0.join("exports")
    }

    /// The draft cart an earlier Duka kept in `cart.json`, if any (the draft now lives in the shop
    /// database: [`Duka::save_cart`]).
    pub fn load_cart(&self) -> Result<Option<String>> {
        match std::fs::read_to_string(self.cart_path()) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::DataFolder { operation: "read the saved cart", source }),
        }
    }

    /// Saves `bytes` as `name` in one of the data folder's folders (created if missing).
    pub(crate) fn save(&self, dir: PathBuf, name: &str, bytes: &[u8], what: &'static str) -> Result<PathBuf> {
        store::private::create_dir(&dir).map_err(|source| Error::DataFolder { operation: what, source })?;
        let path = dir.join(name);
        write_atomically(&path, bytes).map_err(|source| Error::DataFolder { operation: what, source })?;
        Ok(path)
    }
}

/// Writes through a temporary file (readable by this user only) renamed over the target.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    store::private::write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// A report as a screen shows it: the printed text and, when saved, where the PDF went.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub title: String,
    pub text: String,
    pub pdf: Option<String>,
}

/// What an export is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Sales,
    Purchases,
}

/// An export saved in the `exports` folder, and how many records it has.
#[derive(Debug, Clone, Serialize)]
pub struct ExportFile {
    pub name: String,
    pub path: String,
    pub lines: usize,
}

impl Duka {
    /// The data folder of this shop's database.
    pub fn data_folder(&self) -> DataFolder {
        DataFolder::of_database(self.db_path())
    }

    /// A report (X, Z copy, sales, purchases, stock, VAT) as text, its PDF saved in `reports/`
    /// when a paper is given.
    pub fn report_view(&self, report: &Report, save: Option<Paper>) -> Result<ReportView> {
        self.printed_report_view(&self.printed_report(report)?, save)
    }

    /// Issues the day's Z report (closing the day) and shows it as [`Duka::report_view`] does.
    pub fn issue_z_view(&self, save: Option<Paper>) -> Result<ReportView> {
        let z = self.issue_z_report()?;
        self.printed_report_view(&self.printed_z_report(&z, false)?, save)
    }

    fn printed_report_view(&self, printed: &receipt::report::PrintedReport, save: Option<Paper>) -> Result<ReportView> {
        let text = receipt::report::layout_report(printed, Paper::Roll80).printed_text();
        let pdf = match save {
            None => None,
            Some(paper) => {
                let bytes = self.render_report(printed, paper, ReportFormat::Pdf)?;
                let name: String =
                    printed.title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
                let file = format!("{name}-{}.pdf", self.now().kra());
                let path =
                    self.data_folder().save(self.data_folder().reports_dir(), &file, &bytes, "save the report")?;
                Some(path.display().to_string())
            }
        };
        Ok(ReportView { title: printed.title.clone(), text, pdf })
    }

    /// Exports sales or purchases of a period for Xero or QuickBooks into `exports/` (the desktop
    /// webview offers no browser download).
    pub fn export_file(
        &self,
        what: ExportKind,
        tool: Accounting,
        from: domain::Date,
        to: domain::Date,
    ) -> Result<ExportFile> {
        let options = ExportOptions::default();
        let csv = match what {
            ExportKind::Sales => self.export_sales(from, to, tool, &options)?,
            ExportKind::Purchases => self.export_purchases(from, to, tool, &options)?,
        };
        let what = match what {
            ExportKind::Sales => "sales",
            ExportKind::Purchases => "purchases",
        };
        let tool = match tool {
            Accounting::Xero => "xero",
            Accounting::QuickBooks => "quickbooks",
        };
        let name = format!("duka-{what}-{tool}-{}-{}.csv", from.kra(), to.kra());
        let path =
            self.data_folder().save(self.data_folder().exports_dir(), &name, csv.as_bytes(), "save the export")?;
        Ok(ExportFile { name, path: path.display().to_string(), lines: csv.lines().count().saturating_sub(1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_of_the_data_folder() {
        let data = DataFolder::of_database(Path::new("/shops/mama/duka.db"));
        assert_eq!(data.db_path(), Path::new("/shops/mama/duka.db"));
        assert_eq!(data.receipts_dir(), Path::new("/shops/mama/receipts"));
        assert_eq!(data.reports_dir(), Path::new("/shops/mama/reports"));
        assert_eq!(data.exports_dir(), Path::new("/shops/mama/exports"));
        assert_eq!(data.printer_path(), Path::new("/shops/mama/printer.json"));
    }

    #[tokio::test]
    async fn reports_and_exports_are_saved_in_their_folders() {
        let (duka, _dir) = crate::testing::shop().await;
        let view = duka.report_view(&Report::Stock { low_at: domain::Qty::whole(5) }, None).unwrap();
        assert!(view.pdf.is_none() && !view.text.contains('|'), "{view:?}");
        let saved = duka.report_view(&Report::Stock { low_at: domain::Qty::whole(5) }, Some(Paper::A4)).unwrap();
        let pdf = PathBuf::from(saved.pdf.unwrap());
        assert_eq!(pdf.parent(), Some(duka.data_folder().reports_dir().as_path()));
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
        let day = duka.now().date();
        let export = duka.export_file(ExportKind::Purchases, Accounting::Xero, day, day).unwrap();
        assert_eq!(PathBuf::from(&export.path).parent(), Some(duka.data_folder().exports_dir().as_path()));
        assert!(export.name.starts_with("duka-purchases-xero-"), "{}", export.name);
        // Readable by this user only: the files name customers and their PINs.
        #[cfg(unix)]
        for (path, mode) in [
            (pdf.clone(), 0o600),
            (PathBuf::from(&export.path), 0o600),
            (duka.data_folder().reports_dir(), 0o700),
            (duka.data_folder().exports_dir(), 0o700),
        ] {
            assert_eq!(store::private::mode_of(&path).unwrap(), mode, "{}", path.display());
        }
    }
}
