//! KRA's date formats, all in East Africa Time (UTC+3, no daylight saving): `YYYYMMDD` and
//! `YYYYMMDDhhmmss` in requests, `YYYY-MM-DD HH:MM:SS(.f)` in read-backs, DDMMYYYY for customs
//! `dclDe`; and the one clock reading the rest of Duka may ask for ([`now_eat`]).

use chrono::{Datelike, Timelike};
use domain::{Date, DateTime};

use crate::{Error, Result};

/// The `lastReqDt` that asks a list call for everything (what Odoo starts from).
pub const LAST_REQ_DT_EVERYTHING: &str = "20180101000000";

/// East Africa Time's offset from UTC in seconds.
pub const EAT_OFFSET_SECONDS: i32 = 3 * 3600;

/// `YYYYMMDD`.
pub fn format_date(date: Date) -> String {
    date.kra()
}

/// `YYYYMMDDhhmmss`.
pub fn format_date_time(date_time: DateTime) -> String {
    date_time.kra()
}

/// DDMMYYYY, the form `dclDe` really has.
pub fn format_dcl_de(date: Date) -> String {
    format!("{:02}{:02}{:04}", date.day(), date.month(), date.year())
}

fn bad(input: &str, format: &'static str) -> Error {
    Error::ParseDate { input: input.chars().take(40).collect(), format }
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn ymd(y: u32, m: u32, d: u32) -> Option<Date> {
    Date::new(u16::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
}

/// Parses `YYYYMMDD`.
pub fn parse_date(input: &str) -> Result<Date> {
    let s = input.trim();
    if s.len() != 8 || !s.is_ascii() {
        return Err(bad(input, "YYYYMMDD"));
    }
    ymd(number(&s[0..4]).unwrap_or(0), number(&s[4..6]).unwrap_or(0), number(&s[6..8]).unwrap_or(0))
        .ok_or_else(|| bad(input, "YYYYMMDD"))
}

/// Parses customs `dclDe`, DDMMYYYY (`"01022023"` is 1 February 2023).
pub fn parse_dcl_de(input: &str) -> Result<Date> {
    let s = input.trim();
    if s.len() != 8 || !s.is_ascii() {
        return Err(bad(input, "DDMMYYYY"));
    }
    ymd(number(&s[4..8]).unwrap_or(0), number(&s[2..4]).unwrap_or(0), number(&s[0..2]).unwrap_or(0))
        .ok_or_else(|| bad(input, "DDMMYYYY"))
}

/// Parses any date-time form KRA sends: `YYYYMMDDhhmmss`, or the read-back forms
/// `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD HH:MM:SS.f` (fraction dropped; a `T` separator is also
/// accepted).
pub fn parse_date_time(input: &str) -> Result<DateTime> {
    const FORMAT: &str = "YYYYMMDDhhmmss or YYYY-MM-DD HH:MM:SS(.f)";
    let s = input.trim();
    if !s.is_ascii() {
        return Err(bad(input, FORMAT));
    }
    let parts = if s.len() == 14 {
        [&s[0..4], &s[4..6], &s[6..8], &s[8..10], &s[10..12], &s[12..14]]
    } else {
        let main = match s.split_once('.') {
            Some((main, fraction)) if number(fraction).is_some() => main,
            Some(_) => return Err(bad(input, FORMAT)),
            None => s,
        };
        let b = main.as_bytes();
        let shaped = main.len() == 19
            && b[4] == b'-'
            && b[7] == b'-'
            && (b[10] == b' ' || b[10] == b'T')
            && b[13] == b':'
            && b[16] == b':';
        if !shaped {
            return Err(bad(input, FORMAT));
        }
        [&main[0..4], &main[5..7], &main[8..10], &main[11..13], &main[14..16], &main[17..19]]
    };
    let n: Vec<u32> = parts.iter().map(|p| number(p)).collect::<Option<_>>().ok_or_else(|| bad(input, FORMAT))?;
    let date = ymd(n[0], n[1], n[2]).ok_or_else(|| bad(input, FORMAT))?;
    let hms = |v: u32| u8::try_from(v).ok();
    match (hms(n[3]), hms(n[4]), hms(n[5])) {
        (Some(h), Some(m), Some(sec)) => DateTime::new(date, h, m, sec).ok_or_else(|| bad(input, FORMAT)),
        _ => Err(bad(input, FORMAT)),
    }
}

/// Converts an instant to East Africa Time.
pub fn to_eat(instant: chrono::DateTime<chrono::Utc>) -> Option<DateTime> {
    let local = instant.naive_utc() + chrono::Duration::seconds(i64::from(EAT_OFFSET_SECONDS));
    let date = ymd(u32::try_from(local.year()).ok()?, local.month(), local.day())?;
    DateTime::new(
        date,
        u8::try_from(local.hour()).ok()?,
        u8::try_from(local.minute()).ok()?,
        u8::try_from(local.second()).ok()?,
    )
}

/// The current time in East Africa Time, for callers that need a clock (the domain never reads
/// one). Fails only if the system clock is outside the years KRA can represent.
pub fn now_eat() -> Result<DateTime> {
    let now = chrono::Utc::now();
    to_eat(now).ok_or_else(|| Error::ParseDate { input: now.to_rfc3339(), format: "a date between 1900 and 9999" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(parse_date_time(input).ok().map(|d| d.kra()), expected.map(str::to_owned), "{input:?}");
    }

    #[test]
    fn date_times_in_every_kra_form() {
        check("20260918110032", Some("20260918110032"));
        check("2026-09-18 10:31:09", Some("20260918103109"));
        check("2026-09-18 11:00:36.0", Some("20260918110036"));
        check("2026-09-18 11:00:36.123", Some("20260918110036"));
        check("2026-09-18T11:00:36", Some("20260918110036"));
        check(" 2026-09-18 00:00:00 ", Some("20260918000000"));
        check("2026-09-18 24:00:00", None);
        check("2026-02-30 10:00:00", None);
        check("2026-09-18 11:00:36.", None);
        check("2026-09-18 11:00", None);
        check("20260918", None);
        check("2026091811003x", None);
        check("", None);
        check("２０２６0918110032", None);
    }

    #[test]
    fn dates_and_declaration_dates() {
        assert_eq!(parse_date("20260918").unwrap().to_string(), "2026-09-18");
        assert!(parse_date("2026-09-18").is_err());
        let d = parse_dcl_de("01022023").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2023, 2, 1));
        assert_eq!(format_dcl_de(d), "01022023");
        assert!(parse_dcl_de("-1").is_err());
        assert!(parse_dcl_de("31022023").is_err());
        assert_eq!(format_date(d), "20230201");
    }

    #[test]
    fn eat_is_utc_plus_three_across_midnight() {
        use chrono::TimeZone;
        let utc = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 22, 30, 5).single().unwrap();
        assert_eq!(to_eat(utc).unwrap().kra(), "20270101013005");
        assert_eq!(format_date_time(to_eat(utc).unwrap()), "20270101013005");
    }
}
