//! Pushes changes to the UI as events (the UI never polls). Sync progress comes from the sync
//! worker's own channel (`Duka::subscribe_progress`): its latest state is emitted as
//! `sync-progress` (at most four rounds a second), and `parked-changed` when the parked count
//! moves. KRA's purchase feed and notices arrive through the worker's pulls, which also publish
//! progress, so their counts are re-read on every round, and at the latest every few seconds (a
//! notice marked read or a purchase decided changes them without any sync).

use std::time::Duration;

use tauri::{AppHandle, Emitter};

use crate::dto::ProgressView;
use crate::error::Result;

/// The longest the purchase and notice counts go without being re-read.
const FEED_RECHECK: Duration = Duration::from_secs(5);
/// The shortest time between two rounds of events. The worker publishes its progress after every
/// drain, dozens of times a second while the till sells quickly; each event is a script the page
/// runs (and each round re-reads the purchase and notice counts here), while the window needs only
/// the latest state. A change after a quiet spell still goes out at once.
const ROUND_SPACING: Duration = Duration::from_millis(250);

/// Sync progress from the outbox alone, for a till with no sync worker yet (not set up):
/// "online" unless a waiting document's last attempt failed.
pub fn progress(duka: &app::Duka) -> Result<ProgressView> {
    if let Some(rx) = duka.subscribe_progress() {
        return Ok(pushed(&rx.borrow()));
    }
    let outbox = duka.outbox(0)?;
    let failing = outbox.rows.iter().find(|r| r.state == "pending" && r.last_error.is_some());
    Ok(ProgressView {
        pending: outbox.summary.pending,
        in_flight: outbox.summary.in_flight,
        parked: outbox.summary.parked,
        online: failing.is_none(),
        last_success: outbox.summary.last_success,
        last_error: failing.and_then(|r| r.last_error.clone()),
    })
}

/// The worker's progress as the UI shows it.
fn pushed(p: &app::SyncProgress) -> ProgressView {
    ProgressView {
        pending: p.pending,
        in_flight: p.in_flight,
        parked: p.parked,
        online: p.online,
        last_success: p.last_success.map(|d| d.to_string()),
        last_error: p.last_error.clone(),
    }
}

/// What was last sent to the window, so only changes are emitted.
#[derive(Debug, Default)]
struct Sent {
    progress: Option<ProgressView>,
    parked: Option<i64>,
    waiting_purchases: Option<usize>,
    unread_notices: Option<usize>,
}

impl Sent {
    fn progress(&mut self, app: &AppHandle, now: ProgressView) {
        if self.parked != Some(now.parked) {
            self.parked = Some(now.parked);
            emit(app, "parked-changed", &serde_json::json!({ "parked": now.parked }));
        }
        if self.progress.as_ref() != Some(&now) {
            emit(app, "sync-progress", &now);
            self.progress = Some(now);
        }
    }

    fn feeds(&mut self, app: &AppHandle, duka: &app::Duka) -> Result<()> {
        let waiting = duka.purchases(true)?.len();
        if self.waiting_purchases != Some(waiting) {
            self.waiting_purchases = Some(waiting);
            emit(app, "purchases-changed", &serde_json::json!({ "waiting": waiting }));
        }
        let unread = duka.notices()?.iter().filter(|n| !n.read).count();
        if self.unread_notices != Some(unread) {
            self.unread_notices = Some(unread);
            emit(app, "notices-changed", &serde_json::json!({ "unread": unread }));
        }
        Ok(())
    }
}

/// Starts the event pump for the life of the app.
pub fn spawn(app: AppHandle, duka: app::Duka) {
    tauri::async_runtime::spawn(async move {
        let mut sent = Sent::default();
        let mut worker: Option<tokio::sync::watch::Receiver<app::SyncProgress>> = None;
        loop {
            // The worker starts later when the shop is set up (or training starts) in this window.
            if worker.is_none() {
                worker = duka.subscribe_progress();
            }
            let now = match worker.as_mut() {
                Some(rx) => Ok(pushed(&rx.borrow_and_update())),
                None => progress(&duka),
            };
            match now.and_then(|now| {
                sent.progress(&app, now);
                sent.feeds(&app, &duka)
            }) {
                Ok(()) => {}
                Err(e) => tracing::warn!(code = e.code, "could not read the shop for UI events: {}", e.message),
            }
            match worker.as_mut() {
                Some(rx) => {
                    // Changes meanwhile are kept: the channel holds the latest, and `changed`
                    // answers at once if there was one.
                    tokio::time::sleep(ROUND_SPACING).await;
                    tokio::select! {
                        changed = rx.changed() => if changed.is_err() { worker = None },
                        () = tokio::time::sleep(FEED_RECHECK) => {}
                    }
                }
                None => tokio::time::sleep(FEED_RECHECK).await,
            }
        }
    });
}

fn emit<T: serde::Serialize + Clone>(app: &AppHandle, event: &str, payload: &T) {
    if let Err(e) = app.emit(event, payload.clone()) {
        tracing::warn!("could not send the {event} event to the window: {e}");
    }
}
