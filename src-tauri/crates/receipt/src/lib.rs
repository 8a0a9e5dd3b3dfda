//! Deterministic receipts for Duka: a plain-data [`Receipt`] model laid out once ([`layout()`]) and
//! drawn as PDF (58/80 mm rolls, A4 tax invoice, with the KRA verification QR code), as ESC/POS
//! bytes for thermal printers, or as a text dump for golden tests; plus sending them to a printer.
//!
//! No IO happens while rendering: fonts are compiled in, no clock is read, and the same receipt
//! always renders to the same bytes. Printing ([`print`]) is the only module that touches devices.

pub mod error;
pub mod escpos;
pub mod format;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod print;
pub mod report;
pub mod svg;

pub use error::{Error, Result};
pub use layout::{Layout, Paper, UnknownPaper, layout};
pub use model::{Buyer, DocumentKind, Environment, Receipt, ReceiptLine, Seller, Signature, SignatureState};

/// Renders the receipt as a PDF for the given paper.
pub fn render_pdf(receipt: &Receipt, paper: Paper) -> Result<Vec<u8>> {
    let laid_out = layout(receipt, paper)?;
    pdf::render(&laid_out, &document_title(receipt))
}

/// Renders the receipt as an SVG image of the printout (the till's preview).
pub fn render_svg(receipt: &Receipt, paper: Paper) -> Result<String> {
    svg::render(&layout(receipt, paper)?)
}

/// Renders the receipt as ESC/POS bytes for a 58 or 80 mm thermal printer.
pub fn render_escpos(receipt: &Receipt, paper: Paper) -> Result<Vec<u8>> {
    if paper == Paper::A4 {
        return Err(Error::InvalidReceipt {
            field: "paper",
            problem: "A4 is not a thermal roll: choose 58 mm or 80 mm for the receipt printer".to_owned(),
        });
    }
    Ok(escpos::render(&layout(receipt, paper)?))
}

/// The layout as text, one row per printed line (what the golden tests compare).
pub fn render_text(receipt: &Receipt, paper: Paper) -> Result<String> {
    Ok(layout(receipt, paper)?.to_text())
}

/// "Tax invoice INV-000123", "Credit note CN-000007 (copy)": the PDF title.
pub fn document_title(receipt: &Receipt) -> String {
    let kind = if receipt.is_credit_note() { "Credit note" } else { "Tax invoice" };
    let state = match (&receipt.state, receipt.copy) {
        (SignatureState::Provisional, _) => " (provisional)",
        (SignatureState::Signed(_), true) => " (copy)",
        (SignatureState::Signed(_), false) => "",
    };
    let training = if receipt.is_training() { " TRAINING" } else { "" };
    format!("{kind} {}{state}{training}", receipt.trader_invoice_no)
}
