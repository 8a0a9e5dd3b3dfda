//! Calendar dates and date-times as KRA writes them (`YYYYMMDD`, `YYYYMMDDhhmmss`, East Africa
//! Time). The domain never reads a clock: callers pass these in.

use std::fmt;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid =
            (1900..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses KRA's `YYYYMMDD`.
    pub fn parse_kra(input: &str) -> Result<Date> {
        let err = || Error::ParseDate { input: input.to_owned(), format: "YYYYMMDD" };
        if input.len() != 8 {
            return Err(err());
        }
        let y = digits(&input[0..4]).ok_or_else(err)?;
        let m = digits(&input[4..6]).ok_or_else(err)?;
        let d = digits(&input[6..8]).ok_or_else(err)?;
        Date::new(y as u16, m as u8, d as u8).ok_or_else(err)
    }

    /// `YYYYMMDD`.
    pub fn kra(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    /// `2026-11-21`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    date: Date,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateTime {
    pub fn new(date: Date, hour: u8, minute: u8, second: u8) -> Option<DateTime> {
        (hour < 24 && minute < 60 && second < 60).then_some(DateTime { date, hour, minute, second })
    }

    /// Parses KRA's `YYYYMMDDhhmmss`.
    pub fn parse_kra(input: &str) -> Result<DateTime> {
        let err = || Error::ParseDate { input: input.to_owned(), format: "YYYYMMDDhhmmss" };
        if input.len() != 14 || !input.is_ascii() {
            return Err(err());
        }
        let date = Date::parse_kra(&input[0..8]).map_err(|_| err())?;
        let h = digits(&input[8..10]).ok_or_else(err)?;
        let m = digits(&input[10..12]).ok_or_else(err)?;
        let s = digits(&input[12..14]).ok_or_else(err)?;
        DateTime::new(date, h as u8, m as u8, s as u8).ok_or_else(err)
    }

    /// `YYYYMMDDhhmmss`.
    pub fn kra(self) -> String {
        format!("{}{:02}{:02}{:02}", self.date.kra(), self.hour, self.minute, self.second)
    }

    pub fn date(self) -> Date {
        self.date
    }
    pub fn hour(self) -> u8 {
        self.hour
    }
    pub fn minute(self) -> u8 {
        self.minute
    }
    pub fn second(self) -> u8 {
        self.second
    }

    /// This time `minutes` later, across hours, days, months and years (at most 59 minutes, so a
    /// lock or an approval's lifetime; the last second of 9999 stays put).
    pub fn plus_minutes(self, minutes: u8) -> DateTime {
        let total = u32::from(self.minute) + u32::from(minutes.min(59));
        let mut next = DateTime { minute: (total % 60) as u8, ..self };
        if total < 60 {
            return next;
        }
        if next.hour < 23 {
            next.hour += 1;
            return next;
        }
        next.hour = 0;
        let Date { year, month, day } = self.date;
        next.date = if day < days_in_month(year, month) {
            Date { day: day + 1, ..self.date }
        } else if month < 12 {
            Date { month: month + 1, day: 1, year }
        } else if year < 9999 {
            Date { year: year + 1, month: 1, day: 1 }
        } else {
            return self;
        };
        next
    }
}

impl fmt::Display for DateTime {
    /// `2026-11-21 14:05:09`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:02}:{:02}:{:02}", self.date, self.hour, self.minute, self.second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kra_dates() {
        assert_eq!(Date::parse_kra("20240229").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse_kra("20230229").is_err());
        assert!(Date::parse_kra("2024-02-01").is_err());
        assert!(Date::parse_kra("20241301").is_err());
        let dt = DateTime::parse_kra("20260918110032").unwrap();
        assert_eq!(dt.kra(), "20260918110032");
        assert_eq!(dt.to_string(), "2026-09-18 11:00:32");
        assert!(DateTime::parse_kra("20260918250032").is_err());
        assert!(DateTime::parse_kra("2026091811003").is_err());
    }

    #[test]
    fn minutes_later_carry_over() {
        let t = |s: &str| DateTime::parse_kra(s).unwrap();
        for (from, minutes, to) in [
            ("20261121100000", 5, "20261121100500"),
            ("20261121105800", 5, "20261121110300"),
            ("20261121235800", 5, "20261122000300"),
            ("20261130235900", 1, "20261201000000"),
            ("20280228235900", 1, "20280229000000"),
            ("20261231235700", 5, "20270101000200"),
        ] {
            assert_eq!(t(from).plus_minutes(minutes), t(to), "{from} + {minutes}");
        }
    }
}
