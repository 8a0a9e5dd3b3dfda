//! The small KRA code tables the domain reasons about (payment types, credit-note reasons, stock
//! in/out types, item types). Long lists (units, countries, classifications) are data, checked
//! against the code lists KRA sends.

use std::{fmt, str::FromStr};

use crate::{Error, Result};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The KRA code, e.g. "01".
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// A label for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<$name> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err(Error::ParseCode { input: other.to_owned(), what: $what }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

code_enum!(
    /// Payment type, class 07 (01–07; no 08 exists).
    PaymentType, "a payment type (01-07)", {
        Cash = "01", "Cash";
        Credit = "02", "Credit";
        CashCredit = "03", "Cash/credit";
        BankCheque = "04", "Bank cheque";
        Card = "05", "Debit/credit card";
        MobileMoney = "06", "Mobile money";
        Other = "07", "Other";
    }
);

code_enum!(
    /// Credit-note reason, class 32 (spec 01–06, live list 07–13).
    CreditNoteReason, "a credit-note reason (01-13)", {
        MissingQuantity = "01", "Missing quantity";
        MissingData = "02", "Missing data";
        Damaged = "03", "Damaged";
        Wasted = "04", "Wasted";
        RawMaterialShortage = "05", "Raw material shortage";
        Refund = "06", "Refund";
        WrongCustomerPin = "07", "Wrong customer PIN";
        WrongCustomerName = "08", "Wrong customer name";
        WrongAmount = "09", "Wrong amount/price";
        WrongQuantity = "10", "Wrong quantity";
        WrongItems = "11", "Wrong item(s)";
        WrongTaxType = "12", "Wrong tax type";
        Other = "13", "Other reason";
    }
);

code_enum!(
    /// Stock in/out type, class 12: 01–06 bring stock in, 11–16 take it out.
    StockMoveType, "a stock in/out type (01-06, 11-16)", {
        Import = "01", "Import";
        Purchase = "02", "Purchase";
        ReturnIn = "03", "Return from customer";
        TransferIn = "04", "Transfer in";
        ProcessingIn = "05", "Processing output";
        AdjustmentIn = "06", "Adjustment (increase)";
        Sale = "11", "Sale";
        ReturnOut = "12", "Return to supplier";
        TransferOut = "13", "Transfer out";
        ProcessingOut = "14", "Processing input";
        Discarding = "15", "Discarding";
        AdjustmentOut = "16", "Adjustment (decrease)";
    }
);

impl StockMoveType {
    /// True for types 01–06, which bring stock in.
    pub fn is_incoming(self) -> bool {
        self.code().starts_with('0')
    }
}

code_enum!(
    /// Item type, class 24. Services carry no stock.
    ItemType, "an item type (1, 2 or 3)", {
        RawMaterial = "1", "Raw material";
        Finished = "2", "Finished product";
        Service = "3", "Service";
    }
);

impl ItemType {
    pub fn carries_stock(self) -> bool {
        self != ItemType::Service
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for p in PaymentType::ALL {
            assert_eq!(p.code().parse::<PaymentType>().unwrap(), *p);
        }
        assert_eq!(PaymentType::ALL.len(), 7);
        assert!("08".parse::<PaymentType>().is_err());
        assert_eq!(CreditNoteReason::ALL.len(), 13);
        assert!("14".parse::<CreditNoteReason>().is_err());
        assert!(StockMoveType::AdjustmentIn.is_incoming());
        assert!(!StockMoveType::Sale.is_incoming());
        assert!(!ItemType::Service.carries_stock());
    }
}
