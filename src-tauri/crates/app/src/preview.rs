//! A document's receipt as the till previews it: drawn as SVG from the receipt's layout for the
//! shop's roll (an 80 mm roll when the printer takes A4), with the printed words as its text.

use serde::Serialize;

use crate::{DocumentNo, Duka, Paper, Result};

/// The receipt preview.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptPreview {
    /// "Tax invoice INV-000123", "Credit note CN-000007 (copy)".
    pub title: String,
    /// KRA signed it (else the receipt is provisional).
    pub signed: bool,
    /// The printed words, row by row (the image's alt text).
    pub text: String,
    /// The printout drawn as SVG from the same layout.
    pub svg: String,
}

impl Duka {
    /// The preview of a stored document's receipt (`copy` for a reprint).
    pub fn receipt_preview(&self, document: &DocumentNo, copy: bool) -> Result<ReceiptPreview> {
        let model = self.receipt_model(document, copy)?;
        let paper = match self.printer()?.paper {
            Paper::A4 => Paper::Roll80,
            roll => roll,
        };
        let layout = receipt::layout(&model, paper)?;
        Ok(ReceiptPreview {
            title: receipt::document_title(&model),
            signed: matches!(model.state, receipt::SignatureState::Signed(_)),
            text: layout.printed_text(),
            svg: receipt::svg::render(&layout)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_preview_needs_a_set_up_device() {
        let (duka, _dir) = crate::testing::shop().await;
        let e = duka.receipt_preview(&DocumentNo("INV-000001".into()), false).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::NotInitialised);
    }
}
