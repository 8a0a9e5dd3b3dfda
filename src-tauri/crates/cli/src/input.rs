//! Reading what was typed: the usage error (exit code 2) and the parsers of quantities, prices,
//! `CODE:QTY[:PRICE]` lines, papers, KRA environments and dates.

use std::str::FromStr;

use app::Paper;
use domain::{Date, Money, Qty};

/// A mistake in what was typed: exit code 2.
#[derive(Debug)]
pub(crate) struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

pub(crate) fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

pub(crate) fn parse<T: FromStr>(what: &str, input: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    input.parse().map_err(|e: T::Err| usage(format!("{what}: {e}")))
}

pub(crate) fn qty(input: &str) -> anyhow::Result<Qty> {
    Qty::parse(input).map_err(|e| usage(e.to_string()))
}

pub(crate) fn money(input: &str) -> anyhow::Result<Money> {
    Money::parse(input).map_err(|e| usage(e.to_string()))
}

/// "CODE:QTY[:PRICE]".
pub(crate) fn item_spec(
    spec: &str,
    price_allowed: bool,
    price_needed: bool,
) -> anyhow::Result<(String, Qty, Option<Money>)> {
    let parts: Vec<&str> = spec.split(':').collect();
    let form = if price_needed {
        "CODE:QTY:PRICE"
    } else if price_allowed {
        "CODE:QTY[:PRICE]"
    } else {
        "CODE:QTY"
    };
    match parts.as_slice() {
        [code, q] if !price_needed => Ok(((*code).to_owned(), qty(q)?, None)),
        [code, q, p] if price_allowed => Ok(((*code).to_owned(), qty(q)?, Some(money(p)?))),
        _ => Err(usage(format!("\"{spec}\" is not {form}, e.g. KE2NTNO0000001:2"))),
    }
}

/// A paper size in any spelling `receipt::Paper` accepts (80, 58mm, A4...), as a usage error if none.
pub(crate) fn paper(input: &str) -> anyhow::Result<Paper> {
    input.parse().map_err(|_| usage(format!("paper \"{}\": choose 80, 58 or a4", input.trim())))
}

pub(crate) fn environment(input: &str) -> anyhow::Result<store::Environment> {
    match input.trim() {
        "sandbox" => Ok(store::Environment::Sandbox),
        "production" => Ok(store::Environment::Production),
        other => {
            Err(usage(format!("environment \"{other}\": choose sandbox or production (practice: `duka training`)")))
        }
    }
}

/// `2026-11-21` or `20261121`.
pub(crate) fn date(input: &str) -> anyhow::Result<Date> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    Date::parse_kra(&digits).map_err(|_| usage(format!("date \"{input}\": write it as YYYY-MM-DD")))
}

pub(crate) fn month(input: &str) -> anyhow::Result<(u16, u8)> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let bad = || usage(format!("month \"{input}\": write it as YYYY-MM"));
    if digits.len() != 6 {
        return Err(bad());
    }
    Ok((digits[..4].parse().map_err(|_| bad())?, digits[4..].parse().map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_specs() {
        let q = |h| Qty::from_hundredths(h);
        for (spec, price_allowed, price_needed, expected) in [
            ("KE2NTNO0000001:2", true, false, Some(("KE2NTNO0000001", q(200), None))),
            ("6161100120015:1.5:180", true, false, Some(("6161100120015", q(150), Some(18_000)))),
            ("KE2NTNO0000001:2:180", false, false, None),
            ("KE2NTNO0000001:2", true, true, None),
            ("KE2NTNO0000001", true, false, None),
            ("KE2NTNO0000001:two", true, false, None),
            ("KE2NTNO0000001:1:abc", true, false, None),
        ] {
            let got = item_spec(spec, price_allowed, price_needed).ok();
            let got = got.as_ref().map(|(c, q, p)| (c.as_str(), *q, p.map(Money::cents)));
            assert_eq!(got, expected, "{spec}");
        }
    }

    #[test]
    fn papers_and_environments() {
        for (input, expected) in
            [("80", Some(Paper::Roll80)), ("58mm", Some(Paper::Roll58)), ("A4", Some(Paper::A4)), ("75", None)]
        {
            assert_eq!(paper(input).ok(), expected, "{input}");
        }
        assert!(environment("training").is_err(), "training has its own command");
        assert!(matches!(environment("production"), Ok(store::Environment::Production)));
    }
}
