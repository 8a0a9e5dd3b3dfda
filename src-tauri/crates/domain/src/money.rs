//! Money as integer cents, with parsing and formatting of "1,160.00"-style amounts.
//!
//! Arithmetic is checked: an overflow is an error, never a wrap. Amounts and quantities share the
//! fixed-point helpers below (two decimals, as KRA's NUMBER(18,2) and NUMBER(13,2)).

use std::fmt;

use crate::{Error, Qty, Result};

/// An amount in Kenya shillings, held as whole cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.0.checked_add(other.0).map(Money).ok_or(Error::AmountOverflow { operation: "a sum" })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.0.checked_sub(other.0).map(Money).ok_or(Error::AmountOverflow { operation: "a difference" })
    }

    pub fn checked_neg(self) -> Result<Money> {
        self.0.checked_neg().map(Money).ok_or(Error::AmountOverflow { operation: "a negation" })
    }

    /// `self × qty`, rounded half away from zero to the cent (KRA's `round2(qty × prc)`).
    pub fn times(self, qty: Qty) -> Result<Money> {
        let product = i128::from(self.0) * i128::from(qty.hundredths());
        let rounded = div_round_half_away(product, 100);
        i64::try_from(rounded).map(Money).map_err(|_| Error::AmountOverflow { operation: "quantity × price" })
    }

    /// `self × percent / 100` where `percent` has two decimals (1600 = 16.00 %), rounded half away
    /// from zero to the cent.
    pub fn percent(self, percent_hundredths: i64) -> Result<Money> {
        let product = i128::from(self.0) * i128::from(percent_hundredths);
        i64::try_from(div_round_half_away(product, 10_000))
            .map(Money)
            .map_err(|_| Error::AmountOverflow { operation: "a percentage" })
    }

    /// Sums amounts, failing on overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// Parses "1,160.00", "1160", "1160.5", "-3.10" or "KES 1,160.00".
    pub fn parse(input: &str) -> Result<Money> {
        let trimmed = input.trim();
        let trimmed = trimmed.strip_prefix("KES").or_else(|| trimmed.strip_prefix("Ksh")).unwrap_or(trimmed).trim();
        parse_fixed2(trimmed, true).map(Money).ok_or_else(|| Error::ParseAmount { input: input.to_owned() })
    }

    /// "1160.00": no separators, always two decimals (what KRA and CSV files want).
    pub fn plain(self) -> String {
        format_fixed2(self.0, false)
    }
}

impl fmt::Display for Money {
    /// "1,160.00", Kenyan style: comma thousands separators, two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format_fixed2(self.0, true))
    }
}

/// Integer division rounding half away from zero.
pub(crate) fn div_round_half_away(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

/// Parses a decimal with at most two fraction digits into hundredths. Commas are accepted as
/// thousands separators (only in groups of three) when `commas` is true.
pub(crate) fn parse_fixed2(s: &str, commas: bool) -> Option<i64> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    let digits: String = if int_part.contains(',') {
        if !commas {
            return None;
        }
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_owned()
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let frac: i64 = match frac_part {
        None | Some("") => 0,
        Some(f) if f.len() <= 2 && f.chars().all(|c| c.is_ascii_digit()) => {
            let v: i64 = f.parse().ok()?;
            if f.len() == 1 { v * 10 } else { v }
        }
        Some(_) => return None,
    };
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// Formats hundredths as "1234.50" or, with `separators`, "1,234.50".
pub(crate) fn format_fixed2(value: i64, separators: bool) -> String {
    let negative = value < 0;
    let abs = value.unsigned_abs();
    let whole = (abs / 100).to_string();
    let frac = abs % 100;
    let whole = if separators {
        let mut out = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        whole
    };
    format!("{}{whole}.{frac:02}", if negative { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_parse(input: &str, expected: Option<i64>) {
        assert_eq!(Money::parse(input).ok().map(Money::cents), expected, "input {input:?}");
    }

    #[test]
    fn parses_amounts() {
        check_parse("1,160.00", Some(116_000));
        check_parse("1160", Some(116_000));
        check_parse("1160.5", Some(116_050));
        check_parse("0.05", Some(5));
        check_parse(".5", Some(50));
        check_parse("-3.10", Some(-310));
        check_parse("KES 1,234,567.89", Some(123_456_789));
        check_parse("1,16.00", None);
        check_parse("1,1600.00", None);
        check_parse("1.234", None);
        check_parse("", None);
        check_parse(".", None);
        check_parse("abc", None);
        check_parse("1e3", None);
        check_parse("99999999999999999999", None);
    }

    #[test]
    fn formats_kenyan_style() {
        assert_eq!(Money::from_cents(116_000).to_string(), "1,160.00");
        assert_eq!(Money::from_cents(5).to_string(), "0.05");
        assert_eq!(Money::from_cents(-123_456_789).to_string(), "-1,234,567.89");
        assert_eq!(Money::from_cents(100_000_000).to_string(), "1,000,000.00");
        assert_eq!(Money::from_cents(116_000).plain(), "1160.00");
    }

    #[test]
    fn multiplication_rounds_half_away_from_zero() {
        // 3 × 0.335 is not expressible; 0.5 × 0.05 = 0.025 -> 0.03
        assert_eq!(Money::from_cents(5).times(Qty::from_hundredths(50)).unwrap().cents(), 3);
        assert_eq!(Money::from_cents(5_220_000).times(Qty::from_hundredths(200)).unwrap().cents(), 10_440_000);
        assert_eq!(Money::from_cents(-5).times(Qty::from_hundredths(50)).unwrap().cents(), -3);
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(Money::from_cents(i64::MAX).checked_add(Money::from_cents(1)).is_err());
        assert!(Money::from_cents(i64::MAX).times(Qty::from_hundredths(200)).is_err());
        assert!(Money::from_cents(i64::MIN).checked_neg().is_err());
    }
}
