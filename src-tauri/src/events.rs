//! Pushes changes to the UI as events (the UI never polls). Sync progress comes from the sync
//! worker's own channel (`Duka::subscribe_progress`): its latest state is emitted as
//! `sync-progress` (at most four rounds a second), and `parked-changed` when the parked count
//! moves. KRA's purchase feed and notices arrive through the worker's pulls, which also publish
//! progress, so their counts are re-read on every round, and at the latest every few seconds (a
//! notice marked read or a purchase decided changes them without any sync).

use std::time::Duration;

use tauri::{AppHandle, Emitter};

use app::ProgressView;

use crate::error::Result;

/// The longest the purchase and notice counts go without being re-read.
const FEED_RECHECK: Duration = Duration::from_secs(5);
/// The shortest time between two rounds of events. The worker publishes its progress after every
/// drain, dozens of times a second while the till sells quickly; each event is a script the page
/// runs (and each round re-reads the purchase and notice counts here), while the window needs only
/// the latest state. A change after a quiet spell still goes out at once.
const ROUND_SPACING: Duration = Duration::from_millis(250);

/// Where a round's events go: the window (a recorder in the tests).
trait Window {
    fn emit<T: serde::Serialize + Clone>(&self, event: &str, payload: T);
}

impl Window for AppHandle {
    fn emit<T: serde::Serialize + Clone>(&self, event: &str, payload: T) {
        if let Err(e) = Emitter::emit(self, event, payload) {
            tracing::warn!("could not send the {event} event to the window: {e}");
        }
    }
}

/// What a round reads from the shop.
trait Shop {
    /// The sync worker's progress channel, once the shop has a worker.
    fn worker(&self) -> Option<tokio::sync::watch::Receiver<app::SyncProgress>>;
    /// Progress from the outbox alone (no worker yet).
    fn outbox_progress(&self) -> Result<ProgressView>;
    /// Purchases waiting in KRA's feed and unread notices.
    fn feeds(&self) -> Result<(usize, usize)>;
}

impl Shop for app::Duka {
    fn worker(&self) -> Option<tokio::sync::watch::Receiver<app::SyncProgress>> {
        self.subscribe_progress()
    }

    fn outbox_progress(&self) -> Result<ProgressView> {
        Ok(self.sync_progress()?)
    }

    fn feeds(&self) -> Result<(usize, usize)> {
        Ok((self.purchases(true)?.len(), self.notices()?.iter().filter(|n| !n.read).count()))
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
    fn progress(&mut self, window: &impl Window, now: ProgressView) {
        if self.parked != Some(now.parked) {
            self.parked = Some(now.parked);
            window.emit("parked-changed", serde_json::json!({ "parked": now.parked }));
        }
        if self.progress.as_ref() != Some(&now) {
            window.emit("sync-progress", &now);
            self.progress = Some(now);
        }
    }

    fn feeds(&mut self, window: &impl Window, (waiting, unread): (usize, usize)) {
        if self.waiting_purchases != Some(waiting) {
            self.waiting_purchases = Some(waiting);
            window.emit("purchases-changed", serde_json::json!({ "waiting": waiting }));
        }
        if self.unread_notices != Some(unread) {
            self.unread_notices = Some(unread);
            window.emit("notices-changed", serde_json::json!({ "unread": unread }));
        }
    }
}

/// Starts the event pump for the life of the app.
pub fn spawn(app: AppHandle, duka: app::Duka) {
    tauri::async_runtime::spawn(pump(app, duka));
}

/// One round of events, then the wait for the next: at least [`ROUND_SPACING`] after this one,
/// then until the worker publishes again (at once if it did meanwhile) or [`FEED_RECHECK`].
async fn pump(window: impl Window, shop: impl Shop) {
    let mut sent = Sent::default();
    let mut worker: Option<tokio::sync::watch::Receiver<app::SyncProgress>> = None;
    loop {
        // The worker starts later when the shop is set up (or training starts) in this window.
        if worker.is_none() {
            worker = shop.worker();
        }
        let now = match worker.as_mut() {
            Some(rx) => Ok(ProgressView::from(&*rx.borrow_and_update())),
            None => shop.outbox_progress(),
        };
        match now.and_then(|now| {
            sent.progress(&window, now);
            shop.feeds().map(|feeds| sent.feeds(&window, feeds))
        }) {
            Ok(()) => {}
            Err(e) => tracing::warn!(code = %e.code, "could not read the shop for UI events: {}", e.message),
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use tokio::{sync::watch, time::Instant};

    use super::*;

    /// Every event the pump sent, with the (paused) clock's time.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(Instant, String, serde_json::Value)>>>);

    impl Window for Recorder {
        fn emit<T: serde::Serialize + Clone>(&self, event: &str, payload: T) {
            let payload = serde_json::to_value(payload).unwrap();
            self.0.lock().unwrap().push((Instant::now(), event.to_owned(), payload));
        }
    }

    impl Recorder {
        fn progress_events(&self) -> Vec<(Instant, i64)> {
            let events = self.0.lock().unwrap();
            events
                .iter()
                .filter(|(_, e, _)| e == "sync-progress")
                .map(|(at, _, p)| (*at, p["pending"].as_i64().unwrap()))
                .collect()
        }
    }

    struct FakeShop {
        worker: watch::Receiver<app::SyncProgress>,
        feeds: Arc<Mutex<(usize, usize)>>,
    }

    impl Shop for FakeShop {
        fn worker(&self) -> Option<watch::Receiver<app::SyncProgress>> {
            Some(self.worker.clone())
        }

        fn outbox_progress(&self) -> Result<ProgressView> {
            unreachable!("the fake shop has a worker")
        }

        fn feeds(&self) -> Result<(usize, usize)> {
            Ok(*self.feeds.lock().unwrap())
        }
    }

    fn pending(n: i64) -> app::SyncProgress {
        app::SyncProgress { pending: n, online: true, ..app::SyncProgress::default() }
    }

    #[tokio::test(start_paused = true)]
    async fn progress_goes_out_at_most_four_rounds_a_second_and_the_latest_is_never_lost() {
        let (publish, worker) = watch::channel(pending(0));
        let window = Recorder::default();
        let feeds = Arc::new(Mutex::new((0, 0)));
        let pump = tokio::spawn(pump(window.clone(), FakeShop { worker, feeds: feeds.clone() }));
        let start = Instant::now();
        // The worker publishes every 10 ms for two seconds (a till selling quickly).
        for n in 1..=200 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            publish.send(pending(n)).unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let events = window.progress_events();
        assert!(events.len() <= 1 + 2 * 4 + 1, "{} rounds in two seconds", events.len());
        for pair in events.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= ROUND_SPACING, "rounds {:?} apart", pair[1].0 - pair[0].0);
        }
        // The last state published went out.
        assert_eq!(events.last().map(|(_, n)| *n), Some(200));
        assert_eq!(events.first().map(|(at, n)| (*at - start, *n)), Some((Duration::ZERO, 0)));

        // After a quiet spell a change goes out at once, not a spacing later.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let changed_at = Instant::now();
        publish.send(pending(7)).unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(window.progress_events().last(), Some(&(changed_at, 7)));

        // A feed that changes without any sync (a notice read) is re-read within FEED_RECHECK.
        *feeds.lock().unwrap() = (2, 1);
        let read_at = Instant::now();
        tokio::time::sleep(FEED_RECHECK + ROUND_SPACING).await;
        let recorded = window.0.lock().unwrap().clone();
        let purchases = recorded.iter().rev().find(|(_, e, _)| e == "purchases-changed").unwrap();
        assert_eq!(purchases.2, serde_json::json!({ "waiting": 2 }));
        assert!(purchases.0 - read_at <= FEED_RECHECK + ROUND_SPACING);
        pump.abort();
    }
}
