//! Which input an error belongs to, named as the request the UI sent names it, so a screen puts
//! the message next to that input instead of parsing the message's text.
//!
//! A field is the request's key in snake_case (`buyer_pin`, `supplier_pin`, `invoice_no`, `date`,
//! `payment`, `name`, `price`, `class_code`, `pin`, `branch`, ...). A field of a document line is
//! `lines.<n>.<key>` with `n` counted from 1, as the messages number lines ("line 2: ..."), e.g.
//! `lines.2.qty`, `lines.1.price`, `lines.3.item`.

use domain::Violation;

/// The field of the `n`th line (from 1).
pub fn line(n: usize, key: &str) -> String {
    format!("lines.{n}.{key}")
}

/// The field an input error's label stands for (`app::Error::InvalidInput { field }`); `None` for
/// labels that are no single input (the stored settings, a file as a whole).
pub(crate) fn of_label(label: &str) -> Option<&'static str> {
    Some(match label {
        "PIN" => "pin",
        "branch" => "branch",
        "serial" => "serial",
        "environment" => "environment",
        "SCU id" => "scu_id",
        "communication key" => "cmc_key",
        "buyer PIN" => "buyer_pin",
        "shop name" => "name",
        "reorder level" => "level",
        "month" => "month",
        "passphrase" => "passphrase",
        "quantity" => "qty",
        "item" => "item",
        "movement type" => "reason",
        "invoice" => "invoice",
        "item file" => "csv",
        _ => return None,
    })
}

/// The field a broken business rule belongs to.
pub(crate) fn of_violation(v: &Violation) -> Option<String> {
    Some(match v {
        Violation::EmptyDocument | Violation::TooManyLines { .. } => "lines".to_owned(),
        Violation::NonPositiveQuantity { line }
        | Violation::QuantityTooLarge { line }
        | Violation::InsufficientStock { line, .. }
        | Violation::CreditNoteExceedsSale { line, .. } => self::line(*line, "qty"),
        Violation::NegativePrice { line } => self::line(*line, "price"),
        Violation::DiscountTooLarge { line } => self::line(*line, "discount"),
        Violation::UnknownItem { line, .. }
        | Violation::InactiveItem { line, .. }
        | Violation::DuplicateLine { line, .. }
        | Violation::CreditNoteLineNotInSale { line, .. }
        | Violation::UnmappedPurchaseLine { line, .. } => self::line(*line, "item"),
        Violation::MalformedBuyerPin { .. } | Violation::CreditNoteBuyerPinMismatch { .. } => "buyer_pin".to_owned(),
        Violation::BuyerNameTooLong { .. } => "buyer_name".to_owned(),
        Violation::MalformedSupplierPin { .. } => "supplier_pin".to_owned(),
        Violation::SupplierNameTooLong { .. } => "supplier_name".to_owned(),
        Violation::InvalidField { field, .. } => match *field {
            "name" => "name",
            "classification" => "class_code",
            "origin" => "origin",
            "packaging unit" => "pkg_unit",
            "quantity unit" => "qty_unit",
            "price" => "price",
            "barcode" => "barcode",
            _ => return None,
        }
        .to_owned(),
        Violation::AmountOverLimit { .. }
        | Violation::NotASale
        | Violation::CreditNoteBeforeSale { .. }
        | Violation::ServiceHasNoStock { .. }
        | Violation::PurchaseTotalMismatch { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use domain::{Qty, Violations};

    use super::*;
    use crate::Error;

    #[test]
    fn errors_name_their_input() {
        for (error, field) in [
            (Error::invalid("buyer PIN", "x"), Some("buyer_pin")),
            (Error::invalid("SCU id", "x"), Some("scu_id")),
            (Error::invalid("gateway", "x"), None),
            (Error::Refused(Violations(vec![Violation::NonPositiveQuantity { line: 2 }])), Some("lines.2.qty")),
            (
                Error::Refused(Violations(vec![
                    Violation::NotASale,
                    Violation::InsufficientStock {
                        line: 1,
                        name: "Sugar".into(),
                        on_hand: Qty::whole(1),
                        wanted: Qty::whole(2),
                    },
                ])),
                Some("lines.1.qty"),
            ),
            (Error::Refused(Violations(vec![Violation::NegativePrice { line: 3 }])), Some("lines.3.price")),
            (
                Error::Refused(Violations(vec![Violation::UnknownItem { line: 1, code: "X".into() }])),
                Some("lines.1.item"),
            ),
            (Error::Refused(Violations(vec![Violation::MalformedBuyerPin { pin: "1".into() }])), Some("buyer_pin")),
            (
                Error::Refused(Violations(vec![Violation::InvalidField {
                    field: "classification",
                    reason: "x".into(),
                }])),
                Some("class_code"),
            ),
            (Error::Refused(Violations(vec![Violation::EmptyDocument])), Some("lines")),
            (Error::Refused(Violations(vec![Violation::NotASale])), None),
            (Error::NotInitialised, None),
        ] {
            assert_eq!(error.field().as_deref(), field, "{error}");
        }
    }
}
