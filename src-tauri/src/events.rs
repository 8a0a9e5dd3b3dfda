//! Pushes changes to the UI as events (the UI never polls): sync progress, parked documents, new
//! purchases from KRA's feed and new notices. A background task samples the shop once a second for
//! the life of the window and emits only what changed.

use std::time::Duration;

use tauri::{AppHandle, Emitter};

use crate::dto::ProgressView;
use crate::error::Result;

/// How often the shop is sampled for changes.
const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// Sync progress: outbox counts, and "online" unless a waiting document's last attempt failed.
pub fn progress(duka: &app::Duka) -> Result<ProgressView> {
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

#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    progress: (i64, i64, i64, bool, Option<String>, Option<String>),
    parked: i64,
    waiting_purchases: usize,
    unread_notices: usize,
}

fn snapshot(duka: &app::Duka) -> Result<(Snapshot, ProgressView)> {
    let p = progress(duka)?;
    let waiting_purchases = duka.purchases(true)?.len();
    let unread_notices = duka.notices()?.iter().filter(|n| !n.read).count();
    let snap = Snapshot {
        progress: (p.pending, p.in_flight, p.parked, p.online, p.last_success.clone(), p.last_error.clone()),
        parked: p.parked,
        waiting_purchases,
        unread_notices,
    };
    Ok((snap, p))
}

/// Starts the event pump for the life of the app.
pub fn spawn(app: AppHandle, duka: app::Duka) {
    tauri::async_runtime::spawn(async move {
        let mut last: Option<Snapshot> = None;
        loop {
            match snapshot(&duka) {
                Ok((now, progress)) => {
                    let before = last.as_ref();
                    if before.map(|b| &b.progress) != Some(&now.progress) {
                        emit(&app, "sync-progress", &progress);
                    }
                    if before.map(|b| b.parked) != Some(now.parked) {
                        emit(&app, "parked-changed", &serde_json::json!({ "parked": now.parked }));
                    }
                    if before.map(|b| b.waiting_purchases) != Some(now.waiting_purchases) {
                        emit(&app, "purchases-changed", &serde_json::json!({ "waiting": now.waiting_purchases }));
                    }
                    if before.map(|b| b.unread_notices) != Some(now.unread_notices) {
                        emit(&app, "notices-changed", &serde_json::json!({ "unread": now.unread_notices }));
                    }
                    last = Some(now);
                }
                Err(e) => tracing::warn!(code = e.code, "could not read the shop for UI events: {}", e.message),
            }
            tokio::time::sleep(SAMPLE_EVERY).await;
        }
    });
}

fn emit<T: serde::Serialize + Clone>(app: &AppHandle, event: &str, payload: &T) {
    if let Err(e) = app.emit(event, payload.clone()) {
        tracing::warn!("could not send the {event} event to the window: {e}");
    }
}
