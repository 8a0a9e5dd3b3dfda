//! The clock sync reads: East Africa Time wall clock in the app, a hand-moved clock in tests.

use std::{sync::Mutex, time::Duration};

use domain::{Date, DateTime};

/// Where "now" comes from (East Africa Time, second resolution like KRA's timestamps).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime;
}

/// The computer's clock in East Africa Time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime {
        // Fails only for a system clock outside the years KRA can write (1900-9999).
        oscu::time::now_eat().unwrap_or_else(|_| latest())
    }
}

fn latest() -> DateTime {
    Date::new(9999, 12, 31).and_then(|d| DateTime::new(d, 23, 59, 59)).expect("9999-12-31 23:59:59 is a valid KRA time")
}

/// A clock tests move by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime>);

impl ManualClock {
    pub fn new(start: DateTime) -> ManualClock {
        ManualClock(Mutex::new(start))
    }

    pub fn set(&self, to: DateTime) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = add(*now, by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn to_chrono(t: DateTime) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(i32::from(t.date().year()), u32::from(t.date().month()), u32::from(t.date().day()))?
        .and_hms_opt(u32::from(t.hour()), u32::from(t.minute()), u32::from(t.second()))
}

fn from_chrono(t: chrono::NaiveDateTime) -> Option<DateTime> {
    use chrono::{Datelike, Timelike};
    let date = Date::new(u16::try_from(t.year()).ok()?, u8::try_from(t.month()).ok()?, u8::try_from(t.day()).ok()?)?;
    DateTime::new(date, u8::try_from(t.hour()).ok()?, u8::try_from(t.minute()).ok()?, u8::try_from(t.second()).ok()?)
}

/// `t + by`, rounded up to whole seconds (KRA times have no fractions), saturating at the end of
/// the representable range.
pub fn add(t: DateTime, by: Duration) -> DateTime {
    let secs = by.as_secs() + u64::from(by.subsec_nanos() > 0);
    to_chrono(t)
        .and_then(|c| c.checked_add_signed(chrono::Duration::seconds(i64::try_from(secs).ok()?)))
        .and_then(from_chrono)
        .unwrap_or_else(latest)
}

/// `t - by`, rounded down to whole seconds, saturating at the start of the representable range.
pub fn sub(t: DateTime, by: Duration) -> DateTime {
    to_chrono(t)
        .and_then(|c| c.checked_sub_signed(chrono::Duration::seconds(i64::try_from(by.as_secs()).ok()?)))
        .and_then(from_chrono)
        .unwrap_or(t)
}

/// Whole seconds from `a` to `b` (negative when `b` is earlier).
pub fn seconds_between(a: DateTime, b: DateTime) -> i64 {
    match (to_chrono(a), to_chrono(b)) {
        (Some(a), Some(b)) => (b - a).num_seconds(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime {
        DateTime::parse_kra(s).unwrap()
    }

    #[test]
    fn adding_durations_crosses_days_and_rounds_up() {
        let cases = [
            ("20261121235959", Duration::from_secs(1), "20261122000000"),
            ("20261121100000", Duration::from_millis(1), "20261121100001"),
            ("20261121100000", Duration::from_secs(3600), "20261121110000"),
            ("20261231235900", Duration::from_secs(120), "20270101000100"),
        ];
        for (start, by, want) in cases {
            assert_eq!(add(at(start), by), at(want), "{start} + {by:?}");
        }
        assert_eq!(seconds_between(at("20261121100000"), at("20261121100130")), 90);
        assert_eq!(sub(at("20261122000000"), Duration::from_secs(1)), at("20261121235959"));
    }

    #[test]
    fn the_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(at("20261121100000"));
        assert_eq!(clock.now(), at("20261121100000"));
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.now(), at("20261121100101"));
        clock.set(at("20270101000000"));
        assert_eq!(clock.now(), at("20270101000000"));
    }
}
