//! The Sync screen's data: sync progress as the window shows it (from the sync worker, or from the
//! outbox alone before the till has a worker) and the documents KRA refused (parked), with the
//! fix apart from the reason.

use serde::Serialize;

use crate::{Duka, Result, SyncProgress};

/// Sync progress as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    pub pending: i64,
    pub in_flight: i64,
    pub parked: i64,
    pub online: bool,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    /// Set when this computer's clock is more than [`CLOCK_DRIFT_SHOWN_MINUTES`] away from KRA's.
    pub clock_warning: Option<String>,
}

/// How far this computer's clock may be from KRA's before the sync screen says so.
pub const CLOCK_DRIFT_SHOWN_MINUTES: i64 = 5;

/// The sentence for a clock `ahead` minutes behind KRA's (negative: ahead of it), if it matters.
fn clock_warning(kra_ahead: Option<i64>) -> Option<String> {
    let minutes = kra_ahead?;
    if minutes.abs() <= CLOCK_DRIFT_SHOWN_MINUTES {
        return None;
    }
    let way = if minutes > 0 { "behind" } else { "ahead of" };
    Some(format!(
        "This computer's clock is {} minutes {way} KRA's: set the computer's date and time right, or receipts \
         and reports carry the wrong time",
        minutes.abs()
    ))
}

impl From<&SyncProgress> for ProgressView {
    fn from(p: &SyncProgress) -> ProgressView {
        ProgressView {
            pending: p.pending,
            in_flight: p.in_flight,
            parked: p.parked,
            online: p.online,
            last_success: p.last_success.map(|d| d.to_string()),
            last_error: p.last_error.clone(),
            clock_warning: clock_warning(p.kra_clock_ahead_minutes),
        }
    }
}

/// A document KRA refused, waiting for the shop to fix it and retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParkedView {
    pub id: i64,
    pub document: String,
    /// "sale", "credit note", "item" ...
    pub what: String,
    pub reason: String,
    pub fix: Option<String>,
}

impl ParkedView {
    /// The reason as the Sync screen shows it (ours, then KRA's words) and the fix apart.
    pub fn of_parts(refusal: &crate::views::RefusalView) -> (String, Option<String>) {
        let reason = format!("{} (KRA said: {})", refusal.reason, refusal.kra_message.trim());
        (reason, Some(refusal.fix.clone()).filter(|f| !f.is_empty()))
    }

    /// Rows parked before the parts were kept have one line, "what is wrong — how to fix it.
    /// (KRA: what KRA said)"; this splits it the same way. Any other text is shown whole.
    pub fn split(text: Option<&str>) -> (String, Option<String>) {
        let Some(text) = text else { return ("KRA refused it without giving a reason".to_owned(), None) };
        match text.split_once(" — ") {
            Some((reason, rest)) => match rest.split_once(". (KRA: ") {
                Some((fix, kra)) => (format!("{reason} (KRA said: {}", kra.trim_end()), Some(fix.to_owned())),
                None => (reason.to_owned(), Some(rest.to_owned())),
            },
            None => (text.to_owned(), None),
        }
    }
}

impl Duka {
    /// Sync progress: the worker's latest, or from the outbox alone for a till with no sync
    /// worker yet (not set up): "online" unless a waiting document's last attempt failed.
    pub fn sync_progress(&self) -> Result<ProgressView> {
        if let Some(rx) = self.subscribe_progress() {
            return Ok(ProgressView::from(&*rx.borrow()));
        }
        let outbox = self.outbox(0)?;
        let failing = outbox.rows.iter().find(|r| r.state == "pending" && r.last_error.is_some());
        Ok(ProgressView {
            pending: outbox.summary.pending,
            in_flight: outbox.summary.in_flight,
            parked: outbox.summary.parked,
            online: failing.is_none(),
            last_success: outbox.summary.last_success,
            last_error: failing.and_then(|r| r.last_error.clone()),
            clock_warning: None,
        })
    }

    /// The documents KRA refused, oldest first.
    pub fn parked_documents(&self) -> Result<Vec<ParkedView>> {
        Ok(self
            .outbox(0)?
            .rows
            .into_iter()
            .filter(|r| r.state == "parked")
            .map(|r| {
                let (reason, fix) = match r.refusal {
                    Some(refusal) => ParkedView::of_parts(&refusal),
                    None => ParkedView::split(r.last_error.as_deref()),
                };
                ParkedView { id: r.id, document: r.document, what: r.kind.replace('_', " "), reason, fix }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_more_than_five_minutes_from_kras_is_shown() {
        assert_eq!(clock_warning(None), None);
        assert_eq!(clock_warning(Some(5)), None);
        assert_eq!(clock_warning(Some(-5)), None);
        let behind = clock_warning(Some(12)).unwrap();
        assert!(behind.starts_with("This computer's clock is 12 minutes behind KRA's"), "{behind}");
        let ahead = clock_warning(Some(-90)).unwrap();
        assert!(ahead.starts_with("This computer's clock is 90 minutes ahead of KRA's"), "{ahead}");
    }

    #[test]
    fn parked_reasons_show_the_fix_apart() {
        for (text, reason, fix) in [
            (
                Some("KRA has no stock of Sugar 1kg — record the delivery first. (KRA: insufficient stock)"),
                "KRA has no stock of Sugar 1kg (KRA said: insufficient stock)",
                Some("record the delivery first"),
            ),
            (Some("refused"), "refused", None),
            (None, "KRA refused it without giving a reason", None),
        ] {
            assert_eq!(ParkedView::split(text), (reason.to_owned(), fix.map(str::to_owned)), "{text:?}");
        }
    }

    #[test]
    fn parked_parts_read_as_the_old_line_did() {
        let parts = crate::views::RefusalView {
            kra_code: Some("910".into()),
            kra_message: "insufficient stock".into(),
            reason: "KRA has no stock of Sugar 1kg".into(),
            fix: "record the delivery first".into(),
        };
        let line = "KRA has no stock of Sugar 1kg — record the delivery first. (KRA: insufficient stock)";
        assert_eq!(ParkedView::of_parts(&parts), ParkedView::split(Some(line)));
    }

    #[tokio::test]
    async fn a_shop_without_a_worker_reads_its_progress_from_the_outbox() {
        let (duka, _dir) = crate::testing::shop().await;
        let progress = duka.sync_progress().unwrap();
        assert_eq!((progress.pending, progress.parked, progress.online), (0, 0, true));
        assert!(duka.parked_documents().unwrap().is_empty());
    }
}
