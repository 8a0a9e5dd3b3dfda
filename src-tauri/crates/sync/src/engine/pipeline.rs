//! The pipelined lanes (the sales series and stock): groups of numbers reserved ahead, requests
//! sent strictly in number order, accepted answers group-committed beside the sends, and rows
//! reserved ahead put back unsent when anything but an acceptance comes back.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Mutex, PoisonError},
    time::Duration,
};

use domain::{ItemCode, Qty};
use store::{
    bridge::StoreJob,
    outbox::{self, Acceptance},
};
use tokio::sync::watch;

use super::{
    Claim, Claimed, Coordination, DrainReport, Engine, Lane, Outcome, Prepared, Scan, StockTotals, lanes::is_local_only,
};
use crate::{
    Result,
    error::{During, Error},
};

impl Engine {
    /// The pipelined series (see the crate README, "How a row goes out"): the numbers of the next
    /// ready rows (64, growing to 512 while the sends outrun the claims) are reserved and their requests frozen in one transaction
    /// before the first is sent (the next group is claimed while this one is on its way); each
    /// request goes out only after its predecessor was answered; accepted answers are settled by
    /// group commits running beside the sends. Anything but an acceptance first waits for the
    /// settles, puts the rows reserved ahead back unsent (their numbers released), and is then
    /// handled alone. Returns whether the lane moved (false: nothing was ready).
    pub(super) async fn run_pipeline(
        &self,
        lane: Lane,
        from: &mut i64,
        known_unsent: &mut Option<KnownUnsent>,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
    ) -> Result<bool> {
        let mut pipe = Pipeline {
            batch: VecDeque::new(),
            next: None,
            settling: Settler::default(),
            kra_stock: HashMap::new(),
            known_unsent: known_unsent.take(),
        };
        let result = self.pipeline(lane, from, coord, report, &mut pipe).await;
        *known_unsent = pipe.known_unsent;
        if lane == Lane::Sales {
            coord.send_if_modified(|c| std::mem::replace(&mut c.series_running, false));
        }
        // Whatever happened, answers KRA accepted are settled before the lane returns; rows
        // reserved ahead and never sent go back (after an error they would otherwise wait for
        // the next drain's recovery, which asks KRA about each).
        let settled = pipe.settling.finish(self).await;
        let counted = settled.as_ref().map_or(0, |n| *n);
        self.count_settled(counted, coord, report);
        let put_back = self.put_back(&mut pipe, from).await;
        let moved = result?;
        settled?;
        put_back?;
        Ok(moved)
    }

    pub(super) async fn pipeline(
        &self,
        lane: Lane,
        from: &mut i64,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
        pipe: &mut Pipeline,
    ) -> Result<bool> {
        let mut ahead = RESERVE_AHEAD_FIRST;
        let (first, next_from) = self.claim_batch_off_runtime(lane, *from, Scan::Window, ahead).await?;
        *from = next_from;
        let mut full = first.len() == ahead;
        if first.is_empty() {
            return Ok(false);
        }
        pipe.batch = first.into();
        if lane == Lane::Stock {
            // Everything this lane had accepted before is settled: the stored totals are KRA's.
            let totals = self
                .off_runtime(|e| e.store().read(store::stock::kra_quantities).during("read the stock KRA has accepted"))
                .await?;
            pipe.kra_stock = totals.into_iter().collect();
        }
        loop {
            // The stock lane stops between its groups while the series has a backlog on a fast line.
            let give_way = lane.yields_to_series() && coord.borrow().series_running;
            if pipe.next.is_none() && full && !give_way {
                // Claim the next group while this one goes out (its numbers follow this group's).
                let start = *from;
                pipe.next = Some(self.off_runtime(move |e| e.claim_batch(lane, start, Scan::Continue, ahead)));
            }
            let Some((row, prepared)) = pipe.batch.pop_front() else {
                let Some(next) = pipe.next.take() else { return Ok(true) };
                // Settle what was answered while the next group's claim finishes.
                let settled = pipe.settling.pump(self, false).await?;
                self.count_settled(settled, coord, report);
                let claimed = ahead;
                if !next.is_finished() {
                    // The series caught up with its claims (KRA answers faster than the store
                    // claims): claim bigger groups (fewer fsyncs per row), up to the bound, and
                    // hold the stock lane back until the backlog is sent. On a slow line this
                    // never happens: few numbers are open at once there (a crash leaves few in
                    // doubt) and the stock lane flows beside the series.
                    ahead = (ahead * 2).min(RESERVE_AHEAD_MAX);
                    if lane == Lane::Sales {
                        coord.send_if_modified(|c| !std::mem::replace(&mut c.series_running, true));
                    }
                }
                let (claims, next_from) = next.await?;
                *from = next_from;
                if claims.is_empty() {
                    return Ok(true);
                }
                full = claims.len() == claimed;
                pipe.batch = claims.into();
                continue;
            };
            let prepared = prepared.and_then(|p| self.with_balances(p, &pipe.kra_stock));
            let prepared = match prepared {
                Ok(p)
                    if !is_local_only(row.kind) && (!p.resend || KnownUnsent::covers(pipe.known_unsent, p.number)) =>
                {
                    Prepared { resend: false, ..p }
                }
                other => {
                    // A possible resend (ask KRA first) or a document that cannot be built:
                    // handled alone, with nothing reserved after it.
                    self.settle_all(pipe, coord, report).await?;
                    *from = (*from).min(row.id);
                    self.put_back(pipe, from).await?;
                    let outcome = self.process(row, other, &mut pipe.known_unsent).await?;
                    self.count_outcome(outcome, coord, report);
                    return Ok(outcome != Outcome::Deferred);
                }
            };
            let sent_at = std::time::Instant::now();
            match self.send(row.kind, &prepared.body).await {
                Ok(signed) => {
                    self.note_answer();
                    let fast_line = sent_at.elapsed() < FAST_LINE;
                    if lane == Lane::Sales && fast_line && !pipe.batch.is_empty() {
                        // A backlog on a fast line: the series is bound by the machine, not the
                        // line; the stock lane (behind it anyway) waits until the backlog is sent.
                        coord.send_if_modified(|c| !std::mem::replace(&mut c.series_running, true));
                    }
                    let signature = signed.map(|kept| self.signature_from(kept, prepared.number));
                    let balances_sent = match prepared.stock {
                        StockTotals::Moves(changes) => {
                            add_to_totals(&mut pipe.kra_stock, &changes);
                            None
                        }
                        StockTotals::Balances(_) if row.request_body.is_none() => Some(prepared.body),
                        StockTotals::Balances(_) | StockTotals::Untouched => None,
                    };
                    pipe.settling.queued.push(Acceptance { row, number: prepared.number, signature, balances_sent });
                    // On a fast line with more to send, answers wait for a group commit (a few ms);
                    // on a slow line each is settled at once (an fsync is nothing next to the call).
                    let settled = pipe.settling.pump(self, fast_line && !pipe.batch.is_empty()).await?;
                    self.count_settled(settled, coord, report);
                }
                Err(e) => {
                    self.note_failure(&e);
                    pipe.known_unsent = None;
                    self.settle_all(pipe, coord, report).await?;
                    *from = (*from).min(row.id);
                    self.put_back(pipe, from).await?;
                    let outcome = self.settle_failure(&row, &prepared, &e).await?;
                    self.count_outcome(outcome, coord, report);
                    return Ok(outcome != Outcome::Deferred);
                }
            }
        }
    }

    /// Waits until every accepted answer of the pipeline is settled.
    pub(super) async fn settle_all(
        &self,
        pipe: &mut Pipeline,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
    ) -> Result<()> {
        let settled = pipe.settling.finish(self).await?;
        self.count_settled(settled, coord, report);
        Ok(())
    }

    pub(super) fn count_settled(
        &self,
        settled: usize,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
    ) {
        if settled > 0 {
            report.lock().unwrap_or_else(PoisonError::into_inner).accepted += settled;
            coord.send_modify(|c| c.completions += 1);
        }
    }

    pub(super) fn count_outcome(
        &self,
        outcome: Outcome,
        coord: &watch::Sender<Coordination>,
        report: &Mutex<DrainReport>,
    ) {
        report.lock().unwrap_or_else(PoisonError::into_inner).add(outcome);
        if outcome != Outcome::Deferred {
            coord.send_modify(|c| c.completions += 1);
        }
    }

    /// Puts the rows the pipeline claimed but did not send back to pending, their numbers
    /// released, in one transaction: nothing unsent keeps a number (the next claim numbers them
    /// again, in order, after whatever happened to the row before them).
    pub(super) async fn put_back(&self, pipe: &mut Pipeline, from: &mut i64) -> Result<()> {
        let mut unsent: Vec<Claim> = pipe.batch.drain(..).collect();
        if let Some(next) = pipe.next.take() {
            let (claims, _) = next.await?;
            unsent.extend(claims);
        }
        let Some(lowest) = unsent.iter().map(|(row, _)| row.id).min() else { return Ok(()) };
        *from = (*from).min(lowest);
        let rows: Vec<outbox::Unsent> = unsent
            .iter()
            .map(|(row, prepared)| outbox::Unsent {
                id: row.id,
                kind: row.kind,
                number: prepared.as_ref().ok().and_then(|p| p.number),
            })
            .collect();
        tracing::debug!(rows = rows.len(), "rows reserved ahead go back unsent");
        self.off_runtime(move |e| {
            let now = e.now();
            e.store().write(|tx| outbox::put_back_unsent(tx, &rows, now)).during("put back calls reserved ahead")
        })
        .await
    }

    /// Settles a group of accepted answers in one transaction (signatures, numbers confirmed in
    /// order, rows done).
    pub(super) fn settle_group(&self, group: &[Acceptance]) -> Result<usize> {
        let now = self.now();
        self.store().write(|tx| outbox::settle_accepted(tx, group, now)).during("record KRA's acceptances")
    }
}

/// How many numbers of a series the pipelined lane reserves (and freezes) ahead in its first
/// transaction. The next group is claimed as soon as one is handed over, so at most two groups'
/// numbers are open at once.
const RESERVE_AHEAD_FIRST: usize = 64;

/// The largest group: the lane doubles its groups (from [`RESERVE_AHEAD_FIRST`]) each time the
/// sends caught up with the claim of the next group, which happens only when KRA answers faster
/// than the store claims (a fast line). After a crash at most twice this many numbers are in doubt.
const RESERVE_AHEAD_MAX: usize = 512;

/// While a pipeline on a fast line has more to send, its accepted answers are settled in commits of
/// at least this many rows (at the end of a group, whatever is queued; on a slow line, each at once).
const SETTLE_GROUP: usize = 64;

/// A `saveTrnsSalesOsdc` answered this fast means the series is bound by the machine (building,
/// storing, the other lanes' calls on the same cores), not by the line: while it has a backlog,
/// the stock lane waits for it.
pub(super) const FAST_LINE: Duration = Duration::from_millis(5);

/// One pipelined lane's state: rows claimed and not yet sent, the next group being claimed, and
/// accepted answers being settled.
pub(super) struct Pipeline {
    batch: VecDeque<Claim>,
    next: Option<StoreJob<Claimed, Error>>,
    settling: Settler,
    /// The stock lane: KRA's running total per item, as of the last answer (see [`StockTotals`]).
    kra_stock: HashMap<ItemCode, Qty>,
    /// Numbers in doubt that KRA certainly never recorded (see [`KnownUnsent`]).
    known_unsent: Option<KnownUnsent>,
}

/// What asking KRA about the lowest number in doubt showed: KRA lacks `lacked`, so none of the
/// numbers after it that were open then (up to `up_to`) was recorded either (KRA's series is
/// strict, and nothing was sent since): their rows go out without asking first. Forgotten at the
/// lane's first call that is not accepted.
#[derive(Debug, Clone, Copy)]
pub(super) struct KnownUnsent {
    pub(super) lacked: i64,
    pub(super) up_to: i64,
}

impl KnownUnsent {
    pub(super) fn covers(known: Option<KnownUnsent>, number: Option<i64>) -> bool {
        match (known, number) {
            (Some(k), Some(n)) => n > k.lacked && n <= k.up_to,
            _ => false,
        }
    }
}

/// KRA accepted a movement: its changes join the running totals.
fn add_to_totals(totals: &mut HashMap<ItemCode, Qty>, changes: &[(ItemCode, Qty)]) {
    for (item, change) in changes {
        let total = totals.entry(item.clone()).or_insert(Qty::ZERO);
        *total = Qty::from_hundredths(total.hundredths().saturating_add(change.hundredths()));
    }
}

/// Group commits of accepted answers, run on the store thread beside the sends: while one
/// commit runs, newly accepted answers queue up and go into the next one.
#[derive(Default)]
struct Settler {
    queued: Vec<Acceptance>,
    running: Option<StoreJob<usize, Error>>,
}

impl Settler {
    /// Collects a finished commit and starts the next one with whatever is queued (with `gather`,
    /// only once [`SETTLE_GROUP`] answers are queued: every commit holds the store through an
    /// fsync, and the next group's claim waits for it); returns the rows whose settle committed
    /// now. Never waits for a commit in progress.
    async fn pump(&mut self, engine: &Engine, gather: bool) -> Result<usize> {
        let mut settled = 0;
        if self.running.as_ref().is_some_and(StoreJob::is_finished)
            && let Some(done) = self.running.take()
        {
            settled += done.await?;
        }
        let worth_a_commit = !gather || self.queued.len() >= SETTLE_GROUP;
        if self.running.is_none() && !self.queued.is_empty() && worth_a_commit {
            let group = std::mem::take(&mut self.queued);
            self.running = Some(engine.off_runtime(move |e| e.settle_group(&group)));
        }
        Ok(settled)
    }

    /// Waits until everything queued is settled; returns how many rows that was.
    async fn finish(&mut self, engine: &Engine) -> Result<usize> {
        let mut settled = 0;
        loop {
            if let Some(running) = self.running.take() {
                settled += running.await?;
            }
            if self.queued.is_empty() {
                return Ok(settled);
            }
            settled += self.pump(engine, false).await?;
        }
    }
}
