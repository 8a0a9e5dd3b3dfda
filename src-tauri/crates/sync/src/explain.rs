//! KRA's refusals in plain language with the fix, for the parked-documents screen.

use oscu::Refusal;
use store::OutboxKind;

/// What the document or item was, to name it in the explanation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplainContext {
    /// The shop's own document number (`INV-000123`).
    pub document: Option<String>,
    /// The item the refusal is about, by name (`Sugar 1kg`).
    pub item_name: Option<String>,
    /// A training shop's practice KRA records file ([`crate::SyncConfig::practice_records`]).
    pub practice_records: Option<String>,
}

/// A refusal explained: what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub message: String,
    pub fix: String,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.message, self.fix)
    }
}

fn what(kind: OutboxKind) -> &'static str {
    match kind {
        OutboxKind::SaveItem => "the item registration",
        OutboxKind::Sale => "the sale",
        OutboxKind::CreditNote => "the credit note",
        OutboxKind::StockIo => "the stock movement",
        OutboxKind::StockMaster => "the stock balance",
        OutboxKind::Purchase => "the purchase",
        OutboxKind::PurchaseRejection => "the purchase rejection",
        OutboxKind::ImportUpdate => "the import decision",
        OutboxKind::ItemComposition => "the item composition",
    }
}

/// Explains KRA's refusal of a row of `kind` (`refusal` as `oscu` classified it; the message is
/// KRA's own text, quoted when no plainer words fit), naming the document and item from `context`.
pub fn explain(kind: OutboxKind, refusal: Refusal, kra_message: &str, context: &ExplainContext) -> Explanation {
    let doc = context.document.as_deref().map_or_else(|| what(kind).to_owned(), |d| format!("{} {d}", what(kind)));
    let item = context.item_name.as_deref().map_or_else(|| "this item".to_owned(), |n| n.to_owned());
    let practice = context.practice_records.as_deref();
    let (message, fix) = match refusal {
        Refusal::InsufficientStock | Refusal::NoStockMovements => (
            format!("KRA has no stock of {item}, so it refused {doc}"),
            "record the delivery (a purchase or an opening-stock adjustment) first, then retry".to_owned(),
        ),
        Refusal::UnknownItem => (
            format!("KRA does not know {item}, so it refused {doc}"),
            "open the item under Items and save it again so it is registered with KRA, then retry".to_owned(),
        ),
        Refusal::UnknownOriginalInvoice => (
            format!("KRA has no record of the original sale of {doc}"),
            "make sure the original sale is signed by KRA (see its status), then retry".to_owned(),
        ),
        Refusal::StockBalanceMismatch { .. } => (
            format!("KRA's stock count of {item} differs from Duka's"),
            "check the stock movements of this item under Stock, then retry; call support if it persists".to_owned(),
        ),
        Refusal::InvalidPin => (
            format!("KRA refused the buyer PIN on {doc}"),
            "check the buyer's KRA PIN with the customer; issue a credit note and a new sale with the right PIN"
                .to_owned(),
        ),
        Refusal::InvalidUnit => (
            format!("KRA refused the units of {item} on {doc}"),
            "choose a packaging and quantity unit from KRA's list under Items, then retry".to_owned(),
        ),
        Refusal::InvalidClassification => (
            format!("KRA refused the classification of {item}"),
            "pick the item's classification again from KRA's list under Items, then retry".to_owned(),
        ),
        Refusal::MissingHeaders | Refusal::UnknownDevice | Refusal::AlreadyInitialised if practice.is_some() => (
            "The practice KRA does not know this till any more".to_owned(),
            format!(
                "its records ({}) were deleted or replaced after this practice shop started. Put that file \
                 back as it was, or start a new practice shop in a new data folder (practice documents \
                 never reach KRA)",
                practice.unwrap_or_default()
            ),
        ),
        Refusal::UnknownDevice => (
            "KRA does not recognise this device".to_owned(),
            "check the PIN, branch and serial under Settings > KRA, and that KRA has approved the device".to_owned(),
        ),
        Refusal::MissingHeaders | Refusal::AlreadyInitialised => {
            ("KRA refused this device's key".to_owned(), "initialise the device again under Settings > KRA".to_owned())
        }
        Refusal::KraUnknownError => (
            format!("KRA had an unknown error with {doc}"),
            "retry later; if it stays, contact KRA support with the document number".to_owned(),
        ),
        Refusal::Duplicate | Refusal::ExpectedNumber { .. } | Refusal::Other => (
            format!("KRA refused {doc}: {}", kra_message.trim()),
            "correct what KRA names, then retry; call support if unsure".to_owned(),
        ),
    };
    Explanation { message, fix }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_explained_with_a_fix() {
        let ctx = ExplainContext {
            document: Some("INV-000007".into()),
            item_name: Some("Sugar 1kg".into()),
            practice_records: None,
        };
        let cases = [
            (
                OutboxKind::Sale,
                Some("910"),
                "Insufficient Stock",
                "KRA has no stock of Sugar 1kg",
                "record the delivery",
            ),
            (OutboxKind::StockMaster, None, "Stock IO is empty, consider adding", "no stock of Sugar", "delivery"),
            (
                OutboxKind::Sale,
                Some("910"),
                "Item KE1NTU0000001 does not exist in your inventory",
                "does not know",
                "Items",
            ),
            (OutboxKind::CreditNote, Some("910"), "orgInvcNo does not exist", "original sale", "signed"),
            (OutboxKind::StockMaster, None, "rsdQty mismatch. Expected: 4 but found: 5", "stock count", "Stock"),
            (OutboxKind::Sale, Some("901"), "not a valid device", "does not recognise", "Settings > KRA"),
            (OutboxKind::Sale, Some("910"), "Weird thing", "KRA refused the sale INV-000007: Weird thing", "correct"),
        ];
        for (kind, code, msg, want_message, want_fix) in cases {
            let e = explain(kind, Refusal::classify(code, msg), msg, &ctx);
            assert!(e.message.contains(want_message), "{msg}: {e}");
            assert!(e.fix.contains(want_fix), "{msg}: {e}");
        }
        let bare =
            explain(OutboxKind::Sale, Refusal::InsufficientStock, "Insufficient Stock", &ExplainContext::default());
        assert_eq!(bare.message, "KRA has no stock of this item, so it refused the sale");
    }

    #[test]
    fn a_practice_kra_that_lost_the_device_points_at_its_records_not_at_kra() {
        let practice =
            ExplainContext { practice_records: Some("/shop/duka.db.training-kra".into()), ..Default::default() };
        for code in ["900", "901", "902"] {
            let e = explain(OutboxKind::Sale, Refusal::classify(Some(code), "This device is not valid"), "", &practice);
            assert!(e.message.contains("practice KRA") && !e.fix.contains("Settings > KRA"), "{code}: {e}");
            assert!(e.fix.contains("/shop/duka.db.training-kra") && e.fix.contains("new practice shop"), "{e}");
        }
        // Other refusals read the same in a practice shop.
        let e = explain(OutboxKind::Sale, Refusal::InsufficientStock, "Insufficient Stock", &practice);
        assert!(e.message.starts_with("KRA has no stock"), "{e}");
    }
}
