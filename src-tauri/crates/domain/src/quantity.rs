//! Quantities as fixed-point numbers with two decimals (KRA NUMBER(13,2)).

use std::fmt;

use crate::{
    Error, Result,
    money::{format_fixed2, parse_fixed2},
};

/// A quantity in hundredths of a unit: `Qty::from_hundredths(150)` is 1.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Qty(i64);

/// KRA's NUMBER(13,2): at most 11 integer digits.
pub const MAX_QTY_HUNDREDTHS: i64 = 9_999_999_999_999;

impl Qty {
    pub const ZERO: Qty = Qty(0);

    pub const fn from_hundredths(h: i64) -> Qty {
        Qty(h)
    }

    pub const fn whole(units: i64) -> Qty {
        Qty(units * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, other: Qty) -> Result<Qty> {
        self.0.checked_add(other.0).map(Qty).ok_or(Error::AmountOverflow { operation: "a quantity sum" })
    }

    pub fn checked_sub(self, other: Qty) -> Result<Qty> {
        self.0.checked_sub(other.0).map(Qty).ok_or(Error::AmountOverflow { operation: "a quantity difference" })
    }

    pub fn checked_neg(self) -> Result<Qty> {
        self.0.checked_neg().map(Qty).ok_or(Error::AmountOverflow { operation: "a quantity negation" })
    }

    /// Parses "2", "1.5", "0.25" or "1,000".
    pub fn parse(input: &str) -> Result<Qty> {
        parse_fixed2(input.trim(), true).map(Qty).ok_or_else(|| Error::ParseQuantity { input: input.to_owned() })
    }

    /// "2.00": always two decimals, no separators (what KRA and CSV files want).
    pub fn plain(self) -> String {
        format_fixed2(self.0, false)
    }
}

impl fmt::Display for Qty {
    /// "2", "1.5", "1,000.25": trailing zero decimals dropped, thousands separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format_fixed2(self.0, true);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.pad(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        for (input, hundredths, shown) in
            [("2", 200, "2"), ("1.5", 150, "1.5"), ("0.25", 25, "0.25"), ("1,000.10", 100_010, "1,000.1")]
        {
            let q = Qty::parse(input).unwrap();
            assert_eq!(q.hundredths(), hundredths);
            assert_eq!(q.to_string(), shown);
        }
        assert!(Qty::parse("1.234").is_err());
        assert!(Qty::parse("two").is_err());
        assert_eq!(Qty::from_hundredths(150).plain(), "1.50");
    }
}
