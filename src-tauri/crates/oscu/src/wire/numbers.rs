//! KRA's numeric wire forms: fixed-point amounts, quantities and rates with two decimals, and
//! counters that arrive as `3` or `"3"`.
//!
//! Every type here serialises as a JSON number (whole values as integers, `100`; others in their
//! shortest exact form, `86.21`) and deserialises from a number or a numeric string, returning a
//! serde error (never panicking) for anything else. Values are held as integers, so nothing goes
//! through floating-point arithmetic on the way out.

use std::fmt;

use domain::{Money, Qty, TaxRate};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Parses a decimal string into hundredths. Accepts an optional sign, surrounding spaces, an
/// exponent-free decimal with any number of fraction digits as long as digits beyond the second
/// are zeros (`"100.000"` is fine, `"1.234"` is not: KRA's NUMBER(p,2) has two decimals).
pub(crate) fn parse_hundredths(text: &str) -> Option<i64> {
    let s = text.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (kept, rest) = frac_part.split_at(frac_part.len().min(2));
    if rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let int_digits = int_part.trim_start_matches('0');
    if int_digits.len() > 17 {
        return None;
    }
    let whole: i64 = if int_digits.is_empty() { 0 } else { int_digits.parse().ok()? };
    let frac: i64 = match kept.len() {
        0 => 0,
        1 => kept.parse::<i64>().ok()? * 10,
        _ => kept.parse().ok()?,
    };
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// Formats hundredths as the shortest exact decimal: `100`, `86.21`, `86.2`, `-0.05`.
pub(crate) fn format_hundredths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

fn serialize_hundredths<S: Serializer>(value: i64, serializer: S) -> Result<S::Ok, S::Error> {
    if value % 100 == 0 {
        serializer.serialize_i64(value / 100)
    } else {
        // A raw JSON number token keeps the exact decimal text (no f64 round trip).
        let raw =
            serde_json::value::RawValue::from_string(format_hundredths(value)).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// Visitor reading a two-decimal fixed-point number from a JSON number or numeric string.
struct HundredthsVisitor {
    what: &'static str,
}

impl de::Visitor<'_> for HundredthsVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as a number with at most two decimals", self.what)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        v.checked_mul(100).ok_or_else(|| E::custom(format!("{} {v} is too large", self.what)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v)
            .ok()
            .and_then(|v| v.checked_mul(100))
            .ok_or_else(|| E::custom(format!("{} {v} is too large", self.what)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{} is not a finite number", self.what)));
        }
        // Up to 15 significant digits an f64 keeps the decimal KRA sent exactly; beyond that a
        // fractional value might have been changed in transit, so it is refused, not guessed.
        if v.abs() >= 1e13 {
            return Err(E::custom(format!("{} {v} is too large to read exactly with decimals", self.what)));
        }
        // Rust prints the shortest decimal that reads back as the same f64, i.e. the text KRA sent.
        let text = format!("{v}");
        parse_hundredths(&text)
            .ok_or_else(|| E::custom(format!("{} {text} has more than two decimals or is too large", self.what)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_hundredths(v)
            .ok_or_else(|| E::custom(format!("{} {v:?} is not a number with at most two decimals", self.what)))
    }
}

macro_rules! fixed2_newtype {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: $name = $name(0);

            pub const fn from_hundredths(hundredths: i64) -> $name {
                $name(hundredths)
            }

            pub const fn hundredths(self) -> i64 {
                self.0
            }
        }

        impl $name {
            /// Reads KRA's decimal text ("10", "2.5", "-3.10"); `None` if it is not one.
            pub fn from_text(text: &str) -> Option<$name> {
                parse_hundredths(text).map($name)
            }
        }

        impl fmt::Display for $name {
            /// The wire text: `100`, `86.21`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&format_hundredths(self.0))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_hundredths(self.0, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                deserializer.deserialize_any(HundredthsVisitor { what: $what }).map($name)
            }
        }
    };
}

fixed2_newtype!(
    /// An amount, KRA NUMBER(18,2), in cents. Converts to and from [`domain::Money`].
    Amount, "an amount"
);
fixed2_newtype!(
    /// A quantity, KRA NUMBER(13,2), in hundredths. Converts to and from [`domain::Qty`].
    Quantity, "a quantity"
);
fixed2_newtype!(
    /// A percentage, KRA NUMBER(7,2) tax rates and NUMBER(5,2) discount rates, in hundredths of a
    /// percent (16 % = 1600). Converts to and from [`domain::TaxRate`].
    Rate, "a rate"
);

impl Amount {
    pub const fn from_cents(cents: i64) -> Amount {
        Amount(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub const fn money(self) -> Money {
        Money::from_cents(self.0)
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount(m.cents())
    }
}

impl From<Amount> for Money {
    fn from(a: Amount) -> Money {
        Money::from_cents(a.0)
    }
}

impl Quantity {
    pub const fn qty(self) -> Qty {
        Qty::from_hundredths(self.0)
    }
}

impl From<Qty> for Quantity {
    fn from(q: Qty) -> Quantity {
        Quantity(q.hundredths())
    }
}

impl From<Quantity> for Qty {
    fn from(q: Quantity) -> Qty {
        Qty::from_hundredths(q.0)
    }
}

impl Rate {
    pub const fn tax_rate(self) -> TaxRate {
        TaxRate::from_hundredths(self.0)
    }
}

impl From<TaxRate> for Rate {
    fn from(r: TaxRate) -> Rate {
        Rate(r.hundredths())
    }
}

impl From<Rate> for TaxRate {
    fn from(r: Rate) -> TaxRate {
        TaxRate::from_hundredths(r.0)
    }
}

/// A non-negative whole number KRA sends as `3` or `"3"` (receipt counters, sequence numbers,
/// list positions). Serialises as a JSON number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Counter(pub u64);

impl Counter {
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for Counter {
    fn from(v: u64) -> Counter {
        Counter(v)
    }
}

impl fmt::Display for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Counter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

struct CounterVisitor;

impl de::Visitor<'_> for CounterVisitor {
    type Value = Counter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number, as a number or a string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Counter, E> {
        Ok(Counter(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Counter, E> {
        u64::try_from(v).map(Counter).map_err(|_| E::custom(format!("counter {v} is negative")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Counter, E> {
        // `3.0` is a whole number; anything with a fraction is not a counter.
        let text = format!("{v}");
        match parse_hundredths(&text) {
            Some(h) if h >= 0 && h % 100 == 0 => Ok(Counter((h / 100).unsigned_abs())),
            _ => Err(E::custom(format!("counter {text} is not a whole non-negative number"))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Counter, E> {
        v.trim().parse::<u64>().map(Counter).map_err(|_| E::custom(format!("counter {v:?} is not a whole number")))
    }
}

impl<'de> Deserialize<'de> for Counter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Counter, D::Error> {
        deserializer.deserialize_any(CounterVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_amount(json: &str, expected: Option<i64>) {
        let got = serde_json::from_str::<Amount>(json).ok().map(Amount::cents);
        assert_eq!(got, expected, "input {json}");
    }

    #[test]
    fn amounts_read_from_numbers_and_strings() {
        check_amount("100", Some(10_000));
        check_amount("86.21", Some(8_621));
        check_amount("0.0", Some(0));
        check_amount("1.04", Some(104));
        check_amount("\"86.21\"", Some(8_621));
        check_amount("\" 100 \"", Some(10_000));
        check_amount("\"100.000\"", Some(10_000));
        check_amount("-3.1", Some(-310));
        check_amount("135.73", Some(13_573));
        check_amount("2510.07", Some(251_007));
        check_amount("1e2", Some(10_000));
        check_amount("1.234", None);
        check_amount("\"abc\"", None);
        check_amount("\"\"", None);
        check_amount("null", None);
        check_amount("true", None);
        check_amount("[]", None);
        check_amount("99999999999999999999", None);
        check_amount("1e300", None);
        // Exact up to 15 significant digits; a larger fractional number is refused, not rounded.
        check_amount("9999999999999.99", Some(999_999_999_999_999));
        check_amount("99999999999999.99", None);
        check_amount("\"9999999999999999.99\"", Some(999_999_999_999_999_999));
        check_amount("90071992547409", Some(9_007_199_254_740_900));
    }

    fn check_written(cents: i64, expected: &str) {
        assert_eq!(serde_json::to_string(&Amount::from_cents(cents)).unwrap(), expected);
        let back: Amount = serde_json::from_str(&format!("\"{expected}\"")).unwrap();
        assert_eq!(back.cents(), cents);
        if cents.abs() < 1_000_000_000_000_000 {
            let back: Amount = serde_json::from_str(expected).unwrap();
            assert_eq!(back.cents(), cents);
        }
    }

    #[test]
    fn amounts_write_as_shortest_exact_numbers() {
        check_written(10_000, "100");
        check_written(8_621, "86.21");
        check_written(8_620, "86.2");
        check_written(5, "0.05");
        check_written(0, "0");
        check_written(-310, "-3.1");
        check_written(999_999_999_999_999_999, "9999999999999999.99");
    }

    #[test]
    fn written_amounts_are_numbers_inside_values() {
        let v = serde_json::to_value(Amount::from_cents(8_621)).unwrap();
        assert!(v.is_number());
        let v = serde_json::to_value(Amount::from_cents(100)).unwrap();
        assert_eq!(v, serde_json::json!(1));
    }

    #[test]
    fn counters_read_from_numbers_and_strings() {
        for (json, expected) in
            [("3", Some(3)), ("\"3\"", Some(3)), ("169", Some(169)), ("3.0", Some(3)), ("\" 8 \"", Some(8))]
        {
            assert_eq!(serde_json::from_str::<Counter>(json).ok().map(Counter::get), expected, "{json}");
        }
        for bad in ["-1", "3.5", "\"x\"", "null", "\"\"", "{}"] {
            assert!(serde_json::from_str::<Counter>(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&Counter(3)).unwrap(), "3");
    }

    #[test]
    fn domain_conversions() {
        assert_eq!(Money::from(Amount::from(Money::from_cents(8_621))).cents(), 8_621);
        assert_eq!(Qty::from(Quantity::from(Qty::whole(2))), Qty::whole(2));
        assert_eq!(TaxRate::from(Rate::from(TaxRate::percent(16))), TaxRate::percent(16));
        assert_eq!(serde_json::to_string(&Rate::from(TaxRate::percent(16))).unwrap(), "16");
    }
}
