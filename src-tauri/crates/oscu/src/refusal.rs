//! KRA's refusals as data: the one place that reads KRA's result codes and message texts (SPEC §5,
//! §13) and says what they mean. Callers branch on [`Refusal`], never on KRA's wording.
//!
//! The choices, where the wording varies or sources disagree, are made here once:
//! - a code wins over the text for 994 (duplicate); then a sequence message ("expected N") wins
//!   over every other text, then the texts below in order, then the remaining codes;
//! - "rsdQty mismatch" is a stock balance mismatch; other `rsdQty` messages are [`Refusal::Other`];
//! - "Insufficient Stock" (goods sold or used beyond KRA's stock) and "Stock IO is empty" (a balance
//!   before any movement) are kept apart: only the first can be cured by a movement still queued;
//! - the gateway's refusals without a `resultCd` (HTTP 400, reason in `debugMessage`) are read by
//!   their text like any other;
//! - "Error occurred while validating item tax type" (a wrong `bhfId`, SPEC §13.3) and "Query did
//!   not return a unique result" (a device record damaged by repeated initialisation) stay
//!   [`Refusal::Other`]: KRA's own words are the best explanation.

use domain::Qty;

/// What KRA's refusal means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 994: KRA has this record already.
    Duplicate,
    /// A number out of KRA's sequence (`invcNo`, `sarNo`, the item code sequence): KRA expected
    /// this one ("Invalid invcNo sequence, expected: 7 but found: 5").
    ExpectedNumber { expected: u64 },
    /// "Insufficient Stock": KRA holds less of an item than the document takes.
    InsufficientStock,
    /// "Stock IO is empty": a stock balance for an item KRA has seen no movement of.
    NoStockMovements,
    /// "Item ... does not exist in your inventory": KRA does not know the item.
    UnknownItem,
    /// "orgInvcNo does not exist": KRA has no original sale for the credit note.
    UnknownOriginalInvoice,
    /// "rsdQty mismatch. Expected: N": KRA's running stock total (N, when it says) differs from
    /// the balance sent.
    StockBalanceMismatch { expected: Option<Qty> },
    /// The buyer's PIN ("custTin cannot be empty or Null", "invalid PIN").
    InvalidPin,
    /// A packaging or quantity unit code.
    InvalidUnit,
    /// An item classification code.
    InvalidClassification,
    /// 900: the `tin`/`bhfId`/`cmcKey` headers are missing or the key is not accepted.
    MissingHeaders,
    /// 901: KRA does not know this device (PIN, branch and serial not approved).
    UnknownDevice,
    /// 902: the device was initialised before.
    AlreadyInitialised,
    /// 999: KRA's own unknown error.
    KraUnknownError,
    /// Anything else: KRA's message says what.
    Other,
}

impl Refusal {
    /// Classifies KRA's result code (when it gave one) and message.
    pub fn classify(code: Option<&str>, message: &str) -> Refusal {
        let code = code.map(str::trim);
        if code == Some("994") {
            return Refusal::Duplicate;
        }
        if let Some(expected) = expected_number_in(message) {
            return Refusal::ExpectedNumber { expected };
        }
        let lower = message.to_ascii_lowercase();
        let has = |needle: &str| lower.contains(needle);
        if has("insufficient stock") {
            Refusal::InsufficientStock
        } else if has("stock io is empty") {
            Refusal::NoStockMovements
        } else if has("does not exist in your inventory") || has("item") && has("not exist") {
            Refusal::UnknownItem
        } else if has("orginvcno") {
            Refusal::UnknownOriginalInvoice
        } else if has("rsdqty") && has("mismatch") {
            Refusal::StockBalanceMismatch { expected: expected_quantity_in(message) }
        } else if has("custtin") || has("pin") && has("invalid") {
            Refusal::InvalidPin
        } else if has("unit code") || has("qtyunitcd") || has("pkgunitcd") {
            Refusal::InvalidUnit
        } else if has("itemclscd") || has("classification") {
            Refusal::InvalidClassification
        } else {
            match code {
                Some("900") => Refusal::MissingHeaders,
                Some("901") => Refusal::UnknownDevice,
                Some("902") => Refusal::AlreadyInitialised,
                Some("999") => Refusal::KraUnknownError,
                _ => Refusal::Other,
            }
        }
    }

    /// A stable name (`insufficient_stock`), for storing and for the UI's error codes.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Duplicate => "duplicate",
            Refusal::ExpectedNumber { .. } => "expected_number",
            Refusal::InsufficientStock => "insufficient_stock",
            Refusal::NoStockMovements => "no_stock_movements",
            Refusal::UnknownItem => "unknown_item",
            Refusal::UnknownOriginalInvoice => "unknown_original_invoice",
            Refusal::StockBalanceMismatch { .. } => "stock_balance_mismatch",
            Refusal::InvalidPin => "invalid_pin",
            Refusal::InvalidUnit => "invalid_unit",
            Refusal::InvalidClassification => "invalid_classification",
            Refusal::MissingHeaders => "missing_headers",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::AlreadyInitialised => "already_initialised",
            Refusal::KraUnknownError => "kra_unknown_error",
            Refusal::Other => "other",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The number KRA says it expected, from its sequence messages: "Invc No: 5 is invalid, use the
/// expected value: 7", "Invalid invcNo sequence, expected: 7 but found: 5", "Invalid sarNo:
/// Expected: 3 but found: 4", "Invalid itemCd Sequence. Expected sequence ending with:
/// ********12". Other "expected" messages (amounts, rates, `pkg`) give `None`.
fn expected_number_in(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let is_sequence = ["invcno", "invc no", "sarno", "itemcd sequence"].iter().any(|k| lower.contains(k));
    if !is_sequence {
        return None;
    }
    let start = lower.find("expected")?;
    let after = &message[start..];
    // The first run of digits after "expected" (skipping the `*` mask and punctuation).
    let digits_at = after.find(|c: char| c.is_ascii_digit())?;
    let digits: String = after[digits_at..].chars().take_while(char::is_ascii_digit).collect();
    let next = after[digits_at + digits.len()..].chars().next();
    if next == Some('.') && after[digits_at + digits.len() + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The remaining quantity KRA says it holds, from "rsdQty mismatch. Expected: 10 but found: 12".
fn expected_quantity_in(message: &str) -> Option<Qty> {
    let lower = message.to_ascii_lowercase();
    let after = &message[lower.find("expected")? + "expected".len()..];
    let start = after.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let token: String = after[start..].chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    crate::wire::Quantity::from_text(token.trim_end_matches('.')).map(Qty::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: Option<&str>, message: &str, expected: Refusal) {
        assert_eq!(Refusal::classify(code, message), expected, "{code:?} {message}");
    }

    /// KRA's messages as SPEC §5 and §13 record them (gateway 2026, direct host 2024), and the
    /// refusals the recorded exchanges and the simulator carry.
    #[test]
    fn kra_s_recorded_refusals() {
        use Refusal::*;
        let qty = |h| Some(Qty::from_hundredths(h));
        for (code, message, expected) in [
            (Some("994"), "overlapping data", Duplicate),
            (Some("994"), "Invalid invcNo sequence, expected: 7 but found: 5", Duplicate),
            (Some("910"), "Invc No: 5 is invalid, use the expected value: 7", ExpectedNumber { expected: 7 }),
            (Some("910"), "Invalid invcNo sequence, expected: 7 but found: 5", ExpectedNumber { expected: 7 }),
            (None, "Invalid sarNo: Expected: 3 but found: 4", ExpectedNumber { expected: 3 }),
            (
                None,
                "Invalid itemCd Sequence. Expected sequence ending with: ********12",
                ExpectedNumber { expected: 12 },
            ),
            (None, "Insufficient Stock", InsufficientStock),
            (Some("910"), "Insufficient stock for item KE2NTU0000003", InsufficientStock),
            (None, "Stock IO is empty, consider adding items to the stock IO first", NoStockMovements),
            (None, "Item KE1NTU0000001 does not exist in your inventory", UnknownItem),
            (None, "orgInvcNo does not exist", UnknownOriginalInvoice),
            (None, "rsdQty mismatch. Expected: 10 but found: 12", StockBalanceMismatch { expected: qty(1000) }),
            (None, "rsdQty mismatch. Expected: 2.5 but found: 3", StockBalanceMismatch { expected: qty(250) }),
            (None, "rsdQty mismatch. Expected: 10.00 but found: 12.00", StockBalanceMismatch { expected: qty(1000) }),
            (None, "rsdQty mismatch", StockBalanceMismatch { expected: None }),
            (Some("910"), "custTin cannot be empty or Null", InvalidPin),
            (Some("910"), "Invalid PIN", InvalidPin),
            (None, "The Package unit code can ony be among the following list: [NT, BA]", InvalidUnit),
            (Some("910"), "Invalid qtyUnitCd", InvalidUnit),
            (Some("910"), "itemClsCd is not valid", InvalidClassification),
            (Some("900"), "Header information is missing: cmcKey", MissingHeaders),
            (Some("901"), "This device is not valid", UnknownDevice),
            (Some("902"), "This device is installed", AlreadyInitialised),
            (Some("999"), "Unknown error", KraUnknownError),
            (Some("910"), "Invalid taxblAmt on item: 1. Expected: 86.21, But Found: 100.00", Other),
            (Some("910"), "Rule taxRtE failed: Tax rate mismatch. Expected: 0.00, Found: 8", Other),
            (Some("910"), "Invalid pkg for ItemList 1. Expected: 1, Found: 2", Other),
            (Some("910"), "Invalid invcNo sequence", Other),
            (Some("910"), "rsdQty cannot be null", Other),
            (None, "Error occurred while validating item tax type: Please try again later", Other),
            (None, "Query did not return a unique result: 2 results were returned", Other),
            (Some("910"), "", Other),
        ] {
            check(code, message, expected);
        }
    }

    #[test]
    fn names_are_stable_and_distinct() {
        let all = [
            Refusal::Duplicate,
            Refusal::ExpectedNumber { expected: 1 },
            Refusal::InsufficientStock,
            Refusal::NoStockMovements,
            Refusal::UnknownItem,
            Refusal::UnknownOriginalInvoice,
            Refusal::StockBalanceMismatch { expected: None },
            Refusal::InvalidPin,
            Refusal::InvalidUnit,
            Refusal::InvalidClassification,
            Refusal::MissingHeaders,
            Refusal::UnknownDevice,
            Refusal::AlreadyInitialised,
            Refusal::KraUnknownError,
            Refusal::Other,
        ];
        let names: std::collections::BTreeSet<&str> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(Refusal::InsufficientStock.to_string(), "insufficient_stock");
    }
}
