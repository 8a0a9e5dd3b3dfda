//! The simulator's clock: KRA stamps everything in East Africa Time (UTC+3, no daylight saving).

use chrono::{FixedOffset, Utc};

const FORMAT: &str = "%Y%m%d%H%M%S";

const EAT_SECONDS: i32 = 3 * 3600;

/// Now in EAT as `YYYYMMDDhhmmss`.
pub fn now_kra() -> String {
    let now = Utc::now();
    match FixedOffset::east_opt(EAT_SECONDS) {
        Some(eat) => now.with_timezone(&eat).format(FORMAT).to_string(),
        None => now.format(FORMAT).to_string(),
    }
}

/// `YYYYMMDDhhmmss` → `YYYY-MM-DD HH:MM:SS` (how read-backs print dates); other input unchanged.
pub fn readback(dt: &str) -> String {
    if dt.len() == 14 && dt.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{} {}:{}:{}", &dt[0..4], &dt[4..6], &dt[6..8], &dt[8..10], &dt[10..12], &dt[12..14])
    } else {
        dt.to_owned()
    }
}

/// `YYYYMMDDhhmmss` → `YYYY-MM-DD HH:MM:SS.0` (receipt date-times in invoice read-backs).
pub fn readback_receipt(dt: &str) -> String {
    let r = readback(dt);
    if r.len() == 19 { format!("{r}.0") } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(now_kra().len(), 14);
        assert_eq!(readback("20260918110036"), "2026-09-18 11:00:36");
        assert_eq!(readback_receipt("20260918110036"), "2026-09-18 11:00:36.0");
        assert_eq!(readback("2026"), "2026");
    }
}
