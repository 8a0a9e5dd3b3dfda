//! Importing items from the Items screen's CSV file: a thin adapter over the app's importer
//! (`app::Duka::import_items`), which recognises Duka's own layout and Xero/QuickBooks item lists,
//! reports every bad row with its line number, and imports all the rows or none.

use crate::dto::ImportCount;
use crate::error::Result;

/// Imports the file's items (with opening stock when the file gives it); rows whose barcode is
/// already registered are skipped.
pub fn import(duka: &app::Duka, csv: &str) -> Result<ImportCount> {
    let outcome = duka.import_items(csv, &app::exchange::ImportDefaults::default())?;
    Ok(ImportCount { added: outcome.added, skipped: outcome.skipped })
}
