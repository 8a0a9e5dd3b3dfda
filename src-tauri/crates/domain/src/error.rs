//! Errors of the domain core: malformed values (`Error`) and business-rule violations
//! (`Violation`), the latter collected so a document reports every problem at once.

use std::fmt;

use crate::{money::Money, quantity::Qty};

/// A value could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("\"{input}\" is not an amount (expected something like 1,160.00)")]
    ParseAmount { input: String },
    #[error("\"{input}\" is not a quantity (expected something like 2 or 1.50)")]
    ParseQuantity { input: String },
    #[error("amount overflow while computing {operation}")]
    AmountOverflow { operation: &'static str },
    #[error("\"{input}\" is not a tax band (expected one of A, B, C, D, E)")]
    ParseTaxBand { input: String },
    #[error("\"{input}\" is not a tax rate (expected a percentage such as 16 or 16.00)")]
    ParseTaxRate { input: String },
    #[error("the KRA code list has no rate for tax band {band}")]
    MissingTaxRate { band: char },
    #[error("\"{input}\" is not a KRA PIN: a PIN is a letter, 9 digits and a letter, e.g. P051234567X")]
    ParsePin { input: String },
    #[error("\"{input}\" is not a date in {format} form")]
    ParseDate { input: String, format: &'static str },
    #[error("\"{input}\" is not a valid KRA code for {what}")]
    ParseCode { input: String, what: &'static str },
    #[error("cannot build a KRA item code: {reason}")]
    ItemCode { reason: String },
    #[error("\"{input}\" is not a role (expected owner, supervisor or cashier)")]
    ParseRole { input: String },
    #[error("\"{input}\" is not an action of the role table")]
    ParseAction { input: String },
    #[error("\"{input}\" is not a user name: 1 to 40 letters, digits or spaces")]
    UserName { input: String },
    /// Carries nothing of what was typed: a PIN never reaches a message or a log.
    #[error("a PIN is 4 to 8 digits")]
    UserPin,
    #[error("\"{input}\" is not a KRA item code (country, type, 2-letter packaging and quantity units, 7 digits)")]
    ParseItemCode { input: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One broken business rule of a document, with enough context for a shopkeeper to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    EmptyDocument,
    TooManyLines { lines: usize, max: usize },
    NonPositiveQuantity { line: usize },
    QuantityTooLarge { line: usize },
    NegativePrice { line: usize },
    UnknownItem { line: usize, code: String },
    InactiveItem { line: usize, name: String },
    DiscountTooLarge { line: usize },
    MalformedBuyerPin { pin: String },
    BuyerNameTooLong { max: usize },
    MalformedSupplierPin { pin: String },
    SupplierNameTooLong { max: usize },
    AmountOverLimit { field: &'static str },
    InsufficientStock { line: usize, name: String, on_hand: Qty, wanted: Qty },
    NotASale,
    CreditNoteBuyerPinMismatch { original: Option<String>, given: Option<String> },
    CreditNoteBeforeSale { sale_date: String, credit_date: String },
    CreditNoteLineNotInSale { line: usize, code: String },
    CreditNoteExceedsSale { line: usize, name: String, remaining: Qty, wanted: Qty },
    DuplicateLine { line: usize, code: String },
    ServiceHasNoStock { name: String },
    UnmappedPurchaseLine { line: usize, supplier_item: String },
    PurchaseTotalMismatch { expected: Money, found: Money },
    InvalidField { field: &'static str, reason: String },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            EmptyDocument => write!(f, "the document has no lines: add at least one item"),
            TooManyLines { lines, max } => {
                write!(f, "{lines} lines is more than KRA accepts on one document ({max}): split it")
            }
            NonPositiveQuantity { line } => write!(f, "line {line}: the quantity must be more than zero"),
            QuantityTooLarge { line } => write!(f, "line {line}: the quantity is larger than KRA accepts"),
            NegativePrice { line } => write!(f, "line {line}: the price cannot be negative"),
            UnknownItem { line, code } => {
                write!(f, "line {line}: there is no item with code {code}: add it under Items first")
            }
            InactiveItem { line, name } => {
                write!(f, "line {line}: {name} is switched off: reactivate it under Items to sell it")
            }
            DiscountTooLarge { line } => {
                write!(f, "line {line}: the discount is larger than the line amount")
            }
            MalformedBuyerPin { pin } => write!(
                f,
                "buyer PIN \"{pin}\" is not a KRA PIN: a PIN is a letter, 9 digits and a letter, e.g. P051234567X"
            ),
            BuyerNameTooLong { max } => write!(f, "the buyer name is longer than KRA accepts ({max} characters)"),
            MalformedSupplierPin { pin } => write!(
                f,
                "supplier PIN \"{pin}\" is not a KRA PIN: a PIN is a letter, 9 digits and a letter, as printed on \
                 the supplier's invoice, e.g. P051234567X"
            ),
            SupplierNameTooLong { max } => write!(
                f,
                "the supplier name is longer than KRA accepts ({max} characters): shorten it, e.g. leave out the address"
            ),
            AmountOverLimit { field } => {
                write!(f, "the {field} is larger than KRA accepts on one document: split the sale")
            }
            InsufficientStock { line, name, on_hand, wanted } => write!(
                f,
                "line {line}: only {on_hand} of {name} in stock, {wanted} wanted: record the delivery first, or allow selling below zero in Settings"
            ),
            NotASale => write!(f, "a credit note can only be raised against a sale"),
            CreditNoteBuyerPinMismatch { original, given } => write!(
                f,
                "the credit note must carry the buyer PIN of the sale ({}), not {}",
                original.as_deref().unwrap_or("none"),
                given.as_deref().unwrap_or("none")
            ),
            CreditNoteBeforeSale { sale_date, credit_date } => {
                write!(f, "the credit note date {credit_date} is before the sale date {sale_date}")
            }
            CreditNoteLineNotInSale { line, code } => {
                write!(f, "line {line}: item {code} is not on the original sale")
            }
            CreditNoteExceedsSale { line, name, remaining, wanted } => {
                write!(f, "line {line}: only {remaining} of {name} is left to credit on that sale, {wanted} asked")
            }
            DuplicateLine { line, code } => write!(f, "line {line}: item {code} appears twice: merge the lines"),
            ServiceHasNoStock { name } => write!(f, "{name} is a service and carries no stock"),
            UnmappedPurchaseLine { line, supplier_item } => {
                write!(f, "line {line}: choose which of your items the supplier's \"{supplier_item}\" is")
            }
            PurchaseTotalMismatch { expected, found } => {
                write!(f, "the purchase lines add up to {found}, but the invoice total is {expected}")
            }
            InvalidField { field, reason } => write!(f, "{field}: {reason}"),
        }
    }
}

/// Every violation of one document, never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    pub(crate) fn check(list: Vec<Violation>) -> Result<(), Violations> {
        if list.is_empty() { Ok(()) } else { Err(Violations(list)) }
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}
