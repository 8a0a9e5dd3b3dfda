//! Field-by-field checking of request bodies over the raw JSON (presence, type, length, format
//! and code table), so a `910` names the field and what is wrong with it, plus typed readers for
//! the checked values.

use domain::{Date, DateTime, Money, Qty};
use serde_json::Value;

use crate::reference::Reference;

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// CHAR(n).
    Char(usize),
    /// A code of a KRA code class (CHAR 5), e.g. `Code("07")`.
    Code(&'static str),
    /// An amount, NUMBER(18,2), not negative.
    Amount,
    /// A quantity, NUMBER(13,2), not negative.
    Quantity,
    /// A balance, NUMBER(13,2), which may be negative (`rsdQty` after stock went below zero).
    Balance,
    /// A rate or percentage with two decimals, NUMBER(7,2) / (5,2), 0..=100.
    Rate,
    /// A whole number with at most this many digits, not negative.
    Int(usize),
    /// `YYYYMMDD`.
    Date8,
    /// `YYYYMMDDhhmmss`.
    DateTime14,
    /// `DDMMYYYY` (customs declaration date, SPEC §3).
    DateDdmmyyyy,
    /// `Y` or `N`.
    YesNo,
    /// A KRA PIN exactly as KRA writes it: a capital letter, 9 digits, a capital letter (SPEC §1.1).
    Pin,
    /// A branch id: two digits, `00` head office, `01`…`99` branches (SPEC §1.1).
    Branch,
    /// A nested object with its own fields.
    Object(&'static [Field]),
    /// A non-empty list of objects ("item" lines).
    Lines(&'static [Field]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

pub const fn req(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: true }
}

pub const fn opt(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: false }
}

/// Where a field sits, for messages: the header, line N of the item list, or a nested object.
#[derive(Debug, Clone, Copy)]
enum Place<'a> {
    Header,
    Line(usize),
    Nested(&'a str),
}

fn missing(name: &str, place: Place<'_>) -> String {
    match place {
        Place::Header => format!("{name} cannot be empty or Null"),
        Place::Line(n) => format!("Expected a value for {name} on item: {n} but it is empty or null"),
        Place::Nested(obj) => format!("{obj}.{name} cannot be empty or Null"),
    }
}

fn invalid(name: &str, place: Place<'_>, what: String) -> String {
    match place {
        Place::Header => format!("Invalid {name}: {what}"),
        Place::Line(n) => format!("Invalid {name} on item: {n}: {what}"),
        Place::Nested(obj) => format!("Invalid {obj}.{name}: {what}"),
    }
}

/// Hundredths of a JSON number with at most two decimals, or None.
pub fn hundredths(v: &Value) -> Option<i64> {
    let Value::Number(n) = v else { return None };
    if let Some(i) = n.as_i64() {
        return i.checked_mul(100);
    }
    // Floats print in their shortest round-trip form ("86.21", "1e20"); only plain decimals with at
    // most two fraction digits are amounts.
    Money::parse(&n.to_string()).ok().map(Money::cents)
}

fn check_number(
    v: &Value,
    name: &str,
    place: Place<'_>,
    max_int_digits: u32,
    max: Option<i64>,
    signed: bool,
) -> Option<String> {
    if !v.is_number() {
        return Some(invalid(name, place, format!("expected a number, found {v}")));
    }
    let Some(h) = hundredths(v) else {
        return Some(invalid(name, place, format!("at most 2 decimals allowed, found {v}")));
    };
    if h < 0 && !signed {
        return Some(invalid(name, place, format!("must not be negative, found {v}")));
    }
    if h.abs() >= 10i64.saturating_pow(max_int_digits).saturating_mul(100) {
        return Some(invalid(
            name,
            place,
            format!("at most {max_int_digits} digits before the decimal point, found {v}"),
        ));
    }
    if let Some(max) = max
        && h > max
    {
        return Some(invalid(name, place, format!("must be at most {}, found {v}", Money::from_cents(max).plain())));
    }
    None
}

fn check_value(field: &Field, v: &Value, place: Place<'_>, reference: &Reference) -> Option<String> {
    let name = field.name;
    match field.kind {
        Kind::Char(_)
        | Kind::Code(_)
        | Kind::Date8
        | Kind::DateTime14
        | Kind::DateDdmmyyyy
        | Kind::YesNo
        | Kind::Pin
        | Kind::Branch => {
            let Value::String(s) = v else {
                return Some(invalid(name, place, format!("expected text, found {v}")));
            };
            if s.is_empty() {
                return field.required.then(|| missing(name, place));
            }
            // Spaces alone are no value either ("may not be empty", SPEC §3, §13.9).
            if field.required && s.trim().is_empty() {
                return Some(missing(name, place));
            }
            match field.kind {
                Kind::Char(n) if s.chars().count() > n => {
                    Some(invalid(name, place, format!("at most {n} characters, found {}", s.chars().count())))
                }
                Kind::Code(cls) if !reference.has_code(cls, s) => Some(invalid(
                    name,
                    place,
                    format!("\"{s}\" is not a code of class {cls} ({})", reference.class_name(cls)),
                )),
                Kind::Date8 if Date::parse_kra(s).is_err() => {
                    Some(invalid(name, place, format!("expected a date YYYYMMDD, found \"{s}\"")))
                }
                Kind::DateTime14 if DateTime::parse_kra(s).is_err() => {
                    Some(invalid(name, place, format!("expected a date-time YYYYMMDDhhmmss, found \"{s}\"")))
                }
                Kind::DateDdmmyyyy if parse_ddmmyyyy(s).is_none() => {
                    Some(invalid(name, place, format!("expected a date DDMMYYYY, found \"{s}\"")))
                }
                Kind::YesNo if s != "Y" && s != "N" => {
                    Some(invalid(name, place, format!("expected Y or N, found \"{s}\"")))
                }
                Kind::Pin if !is_pin(s) => Some(invalid(
                    name,
                    place,
                    format!("\"{s}\" is not a KRA PIN (a capital letter, 9 digits and a capital letter)"),
                )),
                Kind::Branch if !is_branch(s) => Some(invalid(
                    name,
                    place,
                    format!("\"{s}\" is not a branch id (two digits: 00 head office, 01 to 99 branches)"),
                )),
                _ => None,
            }
        }
        Kind::Amount => check_number(v, name, place, 16, None, false),
        Kind::Quantity => check_number(v, name, place, 11, None, false),
        Kind::Balance => check_number(v, name, place, 11, None, true),
        Kind::Rate => check_number(v, name, place, 3, Some(10_000), false),
        Kind::Int(digits) => match v.as_u64() {
            Some(n) if n.to_string().len() <= digits => None,
            Some(_) => Some(invalid(name, place, format!("at most {digits} digits, found {v}"))),
            None => Some(invalid(name, place, format!("expected a whole number, found {v}"))),
        },
        Kind::Object(fields) => {
            if !v.is_object() {
                return Some(invalid(name, place, format!("expected an object, found {v}")));
            }
            check_fields(fields, v, Place::Nested(name), reference)
        }
        Kind::Lines(fields) => {
            let Value::Array(lines) = v else {
                return Some(invalid(name, place, format!("expected a list, found {v}")));
            };
            if lines.is_empty() {
                return Some(missing(name, place));
            }
            for (i, line) in lines.iter().enumerate() {
                if !line.is_object() {
                    return Some(invalid(name, Place::Line(i + 1), format!("expected an object, found {line}")));
                }
                if let Some(e) = check_fields(fields, line, Place::Line(i + 1), reference) {
                    return Some(e);
                }
            }
            None
        }
    }
}

fn check_fields(fields: &[Field], obj: &Value, place: Place<'_>, reference: &Reference) -> Option<String> {
    for field in fields {
        match obj.get(field.name) {
            None | Some(Value::Null) => {
                if field.required {
                    return Some(missing(field.name, place));
                }
            }
            Some(v) => {
                if let Some(e) = check_value(field, v, place, reference) {
                    return Some(e);
                }
            }
        }
    }
    None
}

/// Checks a request body against its fields: the first problem found, worded as KRA words it.
pub fn first_problem(fields: &[Field], body: &Value, reference: &Reference) -> Option<String> {
    if !body.is_object() {
        return Some("Request body must be a JSON object".into());
    }
    check_fields(fields, body, Place::Header, reference)
}

/// A KRA PIN exactly as written by KRA (no spaces, no lower case).
pub fn is_pin(s: &str) -> bool {
    domain::KraPin::parse(s).is_ok_and(|p| p.as_str() == s)
}

/// Two digits (`00` head office, `01`…`99` branches).
pub fn is_branch(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn parse_ddmmyyyy(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::parse_kra(&format!("{}{}{}", &s[4..8], &s[2..4], &s[0..2])).ok()
}

/// Typed readers for a body that has passed [`check`] (missing optional values read as zero/empty).
pub trait Read {
    fn money(&self, key: &str) -> Money;
    fn qty(&self, key: &str) -> Qty;
    fn int(&self, key: &str) -> u64;
    fn text(&self, key: &str) -> &str;
    fn opt_text(&self, key: &str) -> Option<&str>;
    fn lines(&self) -> &[Value];
}

impl Read for Value {
    fn money(&self, key: &str) -> Money {
        Money::from_cents(self.get(key).and_then(hundredths).unwrap_or(0))
    }
    fn qty(&self, key: &str) -> Qty {
        Qty::from_hundredths(self.get(key).and_then(hundredths).unwrap_or(0))
    }
    fn int(&self, key: &str) -> u64 {
        self.get(key).and_then(Value::as_u64).unwrap_or(0)
    }
    fn text(&self, key: &str) -> &str {
        self.get(key).and_then(Value::as_str).unwrap_or("")
    }
    fn opt_text(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    fn lines(&self) -> &[Value] {
        self.get("itemList").and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }
}

/// The raw JSON text of a field, as found (for "But Found: …" in messages).
pub fn found(v: &Value, key: &str) -> String {
    match v.get(key) {
        None | Some(Value::Null) => "null".into(),
        Some(Value::Number(n)) => match hundredths(&Value::Number(n.clone())) {
            Some(h) => Money::from_cents(h).plain(),
            None => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LINE: &[Field] = &[req("itemSeq", Kind::Int(3)), req("qty", Kind::Quantity), opt("bcd", Kind::Char(20))];
    const DOC: &[Field] = &[
        req("invcNo", Kind::Int(38)),
        req("pmtTyCd", Kind::Code("07")),
        req("salesDt", Kind::Date8),
        req("cfmDt", Kind::DateTime14),
        req("trdInvcNo", Kind::Char(5)),
        req("prchrAcptcYn", Kind::YesNo),
        req("taxRtB", Kind::Rate),
        req("totAmt", Kind::Amount),
        opt("custTin", Kind::Pin),
        opt("custBhfId", Kind::Branch),
        req("itemList", Kind::Lines(LINE)),
    ];

    fn good() -> Value {
        json!({"invcNo": 1, "pmtTyCd": "01", "salesDt": "20261121", "cfmDt": "20261121101010", "trdInvcNo": "A-1",
               "prchrAcptcYn": "N", "taxRtB": 16, "totAmt": 100.5, "itemList": [{"itemSeq": 1, "qty": 2}]})
    }

    fn check_with(key: &str, value: Value, expected: Option<&str>) {
        let reference = Reference::builtin().unwrap();
        let mut body = good();
        body[key] = value;
        let got = first_problem(DOC, &body, &reference);
        assert_eq!(got.as_deref(), expected, "{key}");
    }

    #[test]
    fn names_the_field_and_the_problem() {
        check_with("invcNo", json!(2), None);
        check_with("invcNo", Value::Null, Some("invcNo cannot be empty or Null"));
        check_with("invcNo", json!("1"), Some("Invalid invcNo: expected a whole number, found \"1\""));
        check_with("invcNo", json!(1.5), Some("Invalid invcNo: expected a whole number, found 1.5"));
        check_with(
            "pmtTyCd",
            json!("08"),
            Some("Invalid pmtTyCd: \"08\" is not a code of class 07 (Payment Type / Payment Method)"),
        );
        check_with(
            "salesDt",
            json!("2026-11-21"),
            Some("Invalid salesDt: expected a date YYYYMMDD, found \"2026-11-21\""),
        );
        check_with(
            "cfmDt",
            json!("20261121"),
            Some("Invalid cfmDt: expected a date-time YYYYMMDDhhmmss, found \"20261121\""),
        );
        check_with("trdInvcNo", json!("ABCDEF"), Some("Invalid trdInvcNo: at most 5 characters, found 6"));
        check_with("trdInvcNo", json!(""), Some("trdInvcNo cannot be empty or Null"));
        check_with("trdInvcNo", json!("  "), Some("trdInvcNo cannot be empty or Null"));
        check_with("prchrAcptcYn", json!("Yes"), Some("Invalid prchrAcptcYn: expected Y or N, found \"Yes\""));
        check_with("taxRtB", json!(101), Some("Invalid taxRtB: must be at most 100.00, found 101"));
        check_with("totAmt", json!(1.005), Some("Invalid totAmt: at most 2 decimals allowed, found 1.005"));
        check_with("totAmt", json!(-1), Some("Invalid totAmt: must not be negative, found -1"));
        check_with("totAmt", json!("100"), Some("Invalid totAmt: expected a number, found \"100\""));
        check_with("custTin", json!("A000123456F"), None);
        for pin in ["a000123456f", "A00012345F", "A000123456F ", "AA00123456F"] {
            let expected = format!(
                "Invalid custTin: \"{pin}\" is not a KRA PIN (a capital letter, 9 digits and a capital letter)"
            );
            check_with("custTin", json!(pin), Some(&expected));
        }
        check_with("custBhfId", json!("01"), None);
        for bhf in ["1", "1A", "001"] {
            let expected = format!(
                "Invalid custBhfId: \"{bhf}\" is not a branch id (two digits: 00 head office, 01 to 99 branches)"
            );
            check_with("custBhfId", json!(bhf), Some(&expected));
        }
        check_with("itemList", json!([]), Some("itemList cannot be empty or Null"));
        check_with(
            "itemList",
            json!([{"itemSeq": 1}]),
            Some("Expected a value for qty on item: 1 but it is empty or null"),
        );
        check_with(
            "itemList",
            json!([{"itemSeq": 1, "qty": 1, "bcd": 7}]),
            Some("Invalid bcd on item: 1: expected text, found 7"),
        );
    }

    #[test]
    fn reads_hundredths_exactly() {
        for (v, h) in
            [(json!(86.21), Some(8621)), (json!(100), Some(10_000)), (json!(0.1), Some(10)), (json!(1e20), None)]
        {
            assert_eq!(hundredths(&v), h, "{v}");
        }
        assert_eq!(parse_ddmmyyyy("01022023").map(|d| d.to_string()).as_deref(), Some("2023-02-01"));
        assert!(parse_ddmmyyyy("20230201").is_none());
    }
}
