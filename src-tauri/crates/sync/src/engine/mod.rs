//! The engine's shell: configuration, progress, the drain loop that runs the lanes side by side
//! (each strictly in order), and the store thread its store work runs on. A row's life is in the
//! modules: [`lanes`] (the tables), [`claim`] (number reserved, request frozen), [`pipeline`]
//! (the pipelined lanes), [`send`] (a row alone, through `oscu::Client`), [`decide`] (what KRA's
//! answer means), [`settle`] (writing the outcome) and [`signature`] (KRA's signature and the
//! read-back that settles an unknown outcome).

use std::{
    sync::{Arc, Mutex, PoisonError, Weak},
    time::Duration,
};

use domain::{DateTime, ItemCode, Qty};
use store::{
    Store,
    bridge::{StoreJob, StoreThread},
    outbox,
};
use tokio::sync::watch;

mod claim;
mod decide;
mod lanes;
mod pipeline;
mod send;
mod settle;
mod signature;

use claim::{Claim, Claimed, Scan};
use lanes::Lane;

use crate::{
    Clock, Result,
    error::{During, Error},
    sender_lock::SenderLock,
};

/// How the engine behaves.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// `regrId`/`modrId` on requests (up to 20 characters).
    pub user_id: String,
    /// `regrNm`/`modrNm` on requests (up to 60 characters).
    pub user_name: String,
    /// First retry delay (before jitter); doubles per attempt.
    pub base_backoff: Duration,
    /// Longest retry delay.
    pub max_backoff: Duration,
    /// How often the worker pulls KRA's lists.
    pub pull_every: Duration,
    /// How often an idle worker looks at the outbox without being woken.
    pub idle_check_every: Duration,
    /// A training shop's practice KRA keeps its records in this file: when it does not know the
    /// device, that file was deleted or replaced, and the explanation says so instead of sending
    /// the shopkeeper to KRA. `None` for a shop with a real KRA device.
    pub practice_records: Option<std::path::PathBuf>,
}

impl SyncConfig {
    /// Defaults: retries from 2 s doubling up to 5 minutes, pulls hourly.
    pub fn new(user_id: &str, user_name: &str) -> SyncConfig {
        SyncConfig {
            user_id: user_id.to_owned(),
            user_name: user_name.to_owned(),
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            pull_every: Duration::from_secs(3600),
            idle_check_every: Duration::from_secs(60),
            practice_records: None,
        }
    }
}

/// What the status bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub pending: i64,
    pub in_flight: i64,
    pub parked: i64,
    pub last_success: Option<DateTime>,
    /// False once a call failed to reach KRA, true again after the next answer.
    pub online: bool,
    pub last_error: Option<String>,
    /// How far KRA's clock was ahead of this computer's (negative: behind) when KRA last signed a
    /// document, in whole minutes (`sdcDateTime` against the time Duka read the answer).
    pub kra_clock_ahead_minutes: Option<i64>,
}

/// What one drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Rows KRA accepted now.
    pub accepted: usize,
    /// Rows KRA already had (a read-back found them, or KRA answered 994 to the resend).
    pub already_recorded: usize,
    /// Rows that failed in a way worth retrying; they wait for their backoff.
    pub retrying: usize,
    /// Rows KRA refused for good.
    pub parked: usize,
    /// Counters realigned to KRA's "expected N".
    pub realigned: usize,
    /// Decisions KRA has no call for (a rejected supplier's sale): recorded in Duka only.
    pub kept_locally: usize,
}

impl DrainReport {
    /// Adds another round's counts to these.
    fn absorb(&mut self, round: &DrainReport) {
        let DrainReport { accepted, already_recorded, retrying, parked, realigned, kept_locally } = round;
        self.accepted += accepted;
        self.already_recorded += already_recorded;
        self.retrying += retrying;
        self.parked += parked;
        self.realigned += realigned;
        self.kept_locally += kept_locally;
    }

    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Accepted => self.accepted += 1,
            Outcome::AlreadyRecorded => self.already_recorded += 1,
            Outcome::Retrying => self.retrying += 1,
            Outcome::Parked => self.parked += 1,
            Outcome::Realigned => self.realigned += 1,
            Outcome::KeptLocally => self.kept_locally += 1,
            Outcome::Deferred => {}
        }
    }

    /// Rows settled for good (accepted, already recorded, parked, or kept in Duka only).
    pub fn settled(&self) -> usize {
        self.accepted + self.already_recorded + self.parked + self.kept_locally
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    AlreadyRecorded,
    Retrying,
    Parked,
    Realigned,
    /// Nothing to send: KRA has no call for this decision (see [`is_local_only`]).
    KeptLocally,
    /// Sent too early (KRA has not seen stock still queued in the stock lane): back to pending,
    /// tried again once another lane has moved.
    Deferred,
}

#[derive(Debug, Default)]
struct Status {
    online: bool,
    last_error: Option<String>,
    kra_clock_ahead_minutes: Option<i64>,
}

/// Lane coordination inside one drain: completions so far and lanes still working.
#[derive(Debug, Clone, Copy)]
struct Coordination {
    completions: u64,
    busy: usize,
    /// The sales series is pipelining a backlog faster than the store claims it: the stock lane,
    /// which flows behind it, waits (its one-row transactions would hold the store between the
    /// series' claims).
    series_running: bool,
}

struct Inner {
    store: Arc<Store>,
    kra: Arc<oscu::Client>,
    clock: Arc<dyn Clock>,
    config: SyncConfig,
    status: Mutex<Status>,
    /// The right to send for this database (taken at the first drain, kept for the engine's life).
    sender: Mutex<Option<Arc<SenderLock>>>,
    /// A document was committed: idle lanes of a running drain look again at once.
    new_work: tokio::sync::Notify,
    /// The running drain's hold on [`SenderLock::draining`], lent to its store work.
    drain_hold: Mutex<Weak<DrainHold>>,
    /// Where the drain's store work runs (the store's background lane: one thread, at a lower CPU
    /// priority).
    store_thread: StoreThread,
}

/// A drain's hold on the one-drain-at-a-time lock.
type DrainHold = tokio::sync::OwnedMutexGuard<()>;

/// The sync engine. Cheap to clone (shared inside).
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// A prepared send: the bytes and the number they carry.
struct Prepared {
    body: String,
    number: Option<i64>,
    /// The row was sent before (or its number was reserved before): its outcome may be unknown.
    resend: bool,
    /// What the row does to KRA's running stock totals (the pipelined stock lane).
    stock: StockTotals,
}

/// A row of the pipelined stock lane and KRA's running stock totals. The lane reads the stored
/// totals when it starts (everything accepted before is settled then), adds each movement KRA
/// accepts in memory, and builds each balance from them just before it goes out: the quantity KRA
/// holds at that moment, exactly what the store will hold once the acceptances before it settle.
enum StockTotals {
    /// Not a stock row of the pipelined lane (or a balance built when it was claimed).
    Untouched,
    /// An `insertStockIO`: what KRA's acceptance adds to its totals, per item.
    Moves(Vec<(ItemCode, Qty)>),
    /// `saveStockMaster` for these items, built just before it goes out.
    Balances(Vec<ItemCode>),
}

impl Engine {
    /// An engine sending through `client` (the shop's `oscu::Client`, either front door; the
    /// device identity lives in it).
    pub fn new(store: Arc<Store>, client: Arc<oscu::Client>, clock: Arc<dyn Clock>, config: SyncConfig) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                store,
                kra: client,
                clock,
                config,
                status: Mutex::new(Status { online: true, last_error: None, kra_clock_ahead_minutes: None }),
                sender: Mutex::new(None),
                new_work: tokio::sync::Notify::new(),
                drain_hold: Mutex::new(Weak::new()),
                store_thread: StoreThread::background(),
            }),
        }
    }

    pub fn config(&self) -> &SyncConfig {
        &self.inner.config
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn client(&self) -> &oscu::Client {
        self.inner.kra.as_ref()
    }

    pub(crate) fn now(&self) -> DateTime {
        self.inner.clock.now()
    }

    fn stamp(&self) -> oscu::wire::UserStamp {
        let id: String = self.inner.config.user_id.chars().take(20).collect();
        let name: String = self.inner.config.user_name.chars().take(60).collect();
        oscu::wire::UserStamp::by(&id, &name)
    }

    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.inner.status.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn note_answer(&self) {
        let mut s = self.status();
        s.online = true;
    }

    pub(crate) fn note_failure(&self, e: &oscu::Error) {
        let mut s = self.status();
        s.online = !matches!(e, oscu::Error::Timeout { .. } | oscu::Error::Connect { .. });
        s.last_error = Some(e.to_string());
    }

    /// Counts from the store, the online flag, the last success and the last error.
    pub fn progress(&self) -> Progress {
        let counts = self.store().read(outbox::counts).unwrap_or_default();
        let s = self.status();
        Progress {
            pending: counts.pending,
            in_flight: counts.in_flight,
            parked: counts.parked,
            last_success: counts.last_success,
            online: s.online,
            last_error: s.last_error.clone(),
            kra_clock_ahead_minutes: s.kra_clock_ahead_minutes,
        }
    }

    /// Notes KRA's clock (`sdcDateTime` of a signature it just gave) against ours.
    pub(crate) fn note_kra_clock(&self, kra: DateTime) {
        self.status().kra_clock_ahead_minutes = Some(crate::clock::seconds_between(self.now(), kra) / 60);
    }

    /// After a crash mid-send: rows left in flight go back to pending; their reserved numbers
    /// and frozen bodies make the next attempt ask KRA first, then resend the same bytes.
    /// Needs the right to send ([`Error::AnotherSender`] otherwise); does nothing while a drain
    /// of this process is running (its rows in flight are really on their way).
    pub fn recover_after_restart(&self) -> Result<usize> {
        let sender = self.sender()?;
        let Ok(_no_drain_running) = sender.draining.try_lock() else { return Ok(0) };
        self.requeue_in_flight()
    }

    /// Takes (once) the right to send for this database; while another process holds it, the
    /// progress shows why nothing is sent.
    fn sender(&self) -> Result<Arc<SenderLock>> {
        let mut held = self.inner.sender.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lock) = held.as_ref() {
            return Ok(lock.clone());
        }
        match crate::sender_lock::acquire(&self.inner.store) {
            Ok(lock) => {
                let mut status = self.status();
                if status.last_error.as_deref() == Some(Error::AnotherSender.to_string().as_str()) {
                    status.last_error = None;
                }
                *held = Some(lock.clone());
                Ok(lock)
            }
            Err(e) => {
                tracing::warn!(error = %e, "not sending");
                self.status().last_error = Some(e.to_string());
                Err(e)
            }
        }
    }

    fn requeue_in_flight(&self) -> Result<usize> {
        let n = self.store().write(outbox::requeue_in_flight).during("requeue interrupted calls")?;
        if n > 0 {
            tracing::info!(rows = n, "requeued calls interrupted by a restart");
        }
        Ok(n)
    }

    /// A document was committed: a drain in progress picks it up without waiting for its lanes
    /// to finish what they are doing ([`crate::SyncHandle::wake`] calls this).
    pub fn notify_new_work(&self) {
        self.inner.new_work.notify_waiters();
    }

    /// Background worker for the life of the app (see [`crate::SyncHandle`]).
    pub fn spawn(self) -> crate::SyncHandle {
        crate::worker::spawn(self)
    }

    /// How long until the earliest pending row is due (capped by the idle check interval).
    pub fn next_wake_in(&self) -> Duration {
        let idle = self.inner.config.idle_check_every;
        let Some(next) = self.store().read(outbox::next_due).unwrap_or(None) else { return idle };
        let secs = crate::clock::seconds_between(self.now(), next);
        if secs <= 0 { Duration::ZERO } else { Duration::from_secs(secs.unsigned_abs()).min(idle) }
    }

    /// "Sync now": every row waiting only for its own retry time is due at once (KRA's rate limit
    /// is still waited out), then [`Engine::drain`]. Returns how many rows were brought forward
    /// with the drain's report.
    pub async fn drain_now(&self) -> Result<(usize, DrainReport)> {
        let brought = self
            .off_runtime(|e| {
                let now = e.now();
                e.store().write(|tx| outbox::retry_now(tx, now)).during("bring waiting calls forward")
            })
            .await?;
        Ok((brought, self.drain().await?))
    }

    /// Sends everything that is ready now (all lanes) until nothing is ready; returns what
    /// happened. Rows waiting for a backoff stay for a later drain.
    pub async fn drain(&self) -> Result<DrainReport> {
        let sender = self.sender()?;
        // Held until this drain and every piece of its store work still running have finished.
        let one_at_a_time = Arc::new(sender.draining.clone().lock_owned().await);
        *self.inner.drain_hold.lock().unwrap_or_else(PoisonError::into_inner) = Arc::downgrade(&one_at_a_time);
        self.off_runtime(|e| e.requeue_in_flight()).await?;
        let mut total = DrainReport::default();
        loop {
            let report = Arc::new(Mutex::new(DrainReport::default()));
            let (coord, _) =
                watch::channel(Coordination { completions: 0, busy: Lane::ALL.len(), series_running: false });
            let [a, b, c, d] = Lane::ALL;
            let (ra, rb, rc, rd) = tokio::join!(
                self.run_lane(a, &coord, &report),
                self.run_lane(b, &coord, &report),
                self.run_lane(c, &coord, &report),
                self.run_lane(d, &coord, &report),
            );
            ra?;
            rb?;
            rc?;
            rd?;
            let round = report.lock().unwrap_or_else(PoisonError::into_inner).clone();
            let progressed = round.settled() + round.realigned;
            total.absorb(&round);
            if progressed == 0 {
                return Ok(total);
            }
        }
    }

    /// Queues `f` (store work: fsync'd transactions) on the engine's store thread (see
    /// [`StoreThread`]: one thread, at a lower CPU priority than the sends and the till), so the
    /// lanes' answers from KRA are read while one of them waits for the disk. It holds the running
    /// drain's lock until it returns: a drain dropped midway (a cancelled task) lets the next drain
    /// start only once its last transaction has finished, so the next drain's recovery sees every
    /// row it claimed.
    fn off_runtime<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T> + Send + 'static,
    ) -> StoreJob<T, Error> {
        let engine = self.clone();
        let hold = self.inner.drain_hold.lock().unwrap_or_else(PoisonError::into_inner).upgrade();
        self.inner.store_thread.run(move || {
            let result = f(&engine);
            drop(hold);
            result
        })
    }

    async fn run_lane(
        &self,
        lane: Lane,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
    ) -> Result<()> {
        let mut changes = coord.subscribe();
        // Lane rows below `from` are all done or parked (this round): claims scan from there.
        let mut from = 0i64;
        let mut known_unsent = None;
        let result = async {
            loop {
                let seen = coord.borrow().completions;
                if lane.yields_to_series() {
                    // Checked again after every row: the stock lane moves between the series' runs.
                    let _ = changes.wait_for(|c| !c.series_running).await;
                }
                if lane.pipelined() {
                    if self.run_pipeline(lane, &mut from, &mut known_unsent, coord, report).await? {
                        continue;
                    }
                } else if let Some((row, prepared)) = self.claim(lane, &mut from, Scan::Window).await? {
                    let outcome = self.process(row, prepared, &mut known_unsent).await?;
                    report.lock().unwrap_or_else(PoisonError::into_inner).add(outcome);
                    if outcome != Outcome::Deferred {
                        coord.send_modify(|c| c.completions += 1);
                        continue;
                    }
                }
                // Nothing ready in this lane: wait for another lane to finish a row (which may
                // release one of ours), or, when every lane is idle, look once through the whole
                // lane (rows behind a long run of blocked ones) and stop if nothing is there.
                coord.send_modify(|c| c.busy -= 1);
                let all_idle = loop {
                    {
                        let c = *changes.borrow_and_update();
                        if c.completions != seen {
                            break false;
                        }
                        if c.busy == 0 {
                            break true;
                        }
                    }
                    tokio::select! {
                        changed = changes.changed() => if changed.is_err() { break true },
                        () = self.inner.new_work.notified() => break false,
                    }
                };
                coord.send_modify(|c| c.busy += 1);
                if all_idle {
                    let Some((row, prepared)) = self.claim(lane, &mut from, Scan::Exhaustive).await? else {
                        coord.send_modify(|c| c.busy -= 1);
                        return Ok(());
                    };
                    let outcome = self.process(row, prepared, &mut known_unsent).await?;
                    report.lock().unwrap_or_else(PoisonError::into_inner).add(outcome);
                    if outcome == Outcome::Deferred {
                        coord.send_modify(|c| c.busy -= 1);
                        return Ok(());
                    }
                    coord.send_modify(|c| c.completions += 1);
                }
            }
        }
        .await;
        if result.is_err() {
            // Let the other lanes finish instead of waiting for this one.
            coord.send_modify(|c| c.busy = c.busy.saturating_sub(1));
        }
        result
    }
}
