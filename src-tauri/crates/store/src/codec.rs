//! Conversions between domain values and their SQLite columns (KRA time strings, codes, cents).

use std::str::FromStr;

use domain::{Date, DateTime, ItemCode, Money, Qty, TaxBand};

use crate::{Error, Result};

pub(crate) fn stored<T>(what: &'static str, value: &str, parsed: Option<T>) -> Result<T> {
    parsed.ok_or_else(|| Error::StoredValue { what, value: value.to_owned() })
}

pub(crate) fn datetime(value: &str) -> Result<DateTime> {
    stored("a date and time", value, DateTime::parse_kra(value).ok())
}

pub(crate) fn date(value: &str) -> Result<Date> {
    stored("a date", value, Date::parse_kra(value).ok())
}

pub(crate) fn code<T: FromStr>(what: &'static str, value: &str) -> Result<T> {
    stored(what, value, value.parse().ok())
}

pub(crate) fn item_code(value: &str) -> Result<ItemCode> {
    stored("an item code", value, ItemCode::parse(value).ok())
}

pub(crate) fn band(value: &str) -> Result<TaxBand> {
    code("a tax band", value)
}

pub(crate) fn band_text(band: TaxBand) -> String {
    band.code().to_string()
}

pub(crate) fn money(cents: i64) -> Money {
    Money::from_cents(cents)
}

pub(crate) fn qty(hundredths: i64) -> Qty {
    Qty::from_hundredths(hundredths)
}

pub(crate) fn seq(value: i64) -> Result<u16> {
    stored("a line number", &value.to_string(), u16::try_from(value).ok())
}
