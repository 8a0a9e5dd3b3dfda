//! Claiming: the next ready rows of a lane, in one transaction, each with its KRA number reserved
//! and its request built and frozen before anything is sent.

use domain::DateTime;
use store::{
    DocumentKind, KraCounter, OutboxKind, OutboxRow, OutboxState, Tx, bridge::let_others_run, numbering, outbox,
};

use super::{
    Engine, Lane, Prepared, StockTotals,
    lanes::{FrozenRequest, is_local_only},
};
use crate::{Result, error::During, requests};

impl Engine {
    /// Claims the next row of `lane` (see [`Engine::claim_batch`]).
    pub(super) async fn claim(&self, lane: Lane, from: &mut i64, scan: Scan) -> Result<Option<Claim>> {
        let (claims, next_from) = self.claim_batch_off_runtime(lane, *from, scan, 1).await?;
        *from = next_from;
        Ok(claims.into_iter().next())
    }

    pub(super) async fn claim_batch_off_runtime(
        &self,
        lane: Lane,
        from: i64,
        scan: Scan,
        limit: usize,
    ) -> Result<Claimed> {
        self.off_runtime(move |e| e.claim_batch(lane, from, scan, limit)).await
    }

    /// Claims the next rows of `lane`, up to `limit`, in one transaction, each with its number
    /// reserved and its request frozen: the row holding the lane's number in doubt alone if there
    /// is one (nothing else may take a number before it is settled), else the oldest ready rows
    /// (see [`Scan`]). `from` is the lane's scan start (rows below it are settled); returns the
    /// claims and the new scan start.
    pub(super) fn claim_batch(&self, lane: Lane, from: i64, scan: Scan, limit: usize) -> Result<Claimed> {
        let now = self.now();
        let mut from = from;
        let claims = self
            .store()
            .write(|tx| {
                let held = match (scan, lane.counter()) {
                    (Scan::Window | Scan::Exhaustive, Some(counter)) => {
                        numbering::in_doubt(tx, counter)?.map(|r| r.outbox_id)
                    }
                    (Scan::Continue, _) | (_, None) => None,
                };
                let mut claiming = Claiming::new(self, lane, now, scan);
                let mut claims = Vec::new();
                match held {
                    Some(id) => {
                        if outbox::is_ready(tx, id, now)? {
                            claims.push(claiming.claim(tx, id)?);
                        }
                    }
                    None if scan == Scan::Exhaustive => {
                        if let Some(&id) = outbox::ready_rows(tx, lane.kinds(), now, 1)?.first() {
                            claims.push(claiming.claim(tx, id)?);
                        }
                    }
                    None => {
                        let window = CLAIM_WINDOW.saturating_add(limit);
                        let outbox::PendingWindow { first, due } =
                            outbox::pending_window(tx, lane.kinds(), from, window, now)?;
                        // Nothing pending from `from` on: the next scan starts after the last row
                        // there is (an idle lane does not rescan the whole outbox at every wake).
                        from = match first {
                            Some(first) => first,
                            None => outbox::end_of_queue(tx)?,
                        };
                        for (seen, outbox::DueRow { id, dependencies_done }) in due.into_iter().enumerate() {
                            if claims.len() == limit {
                                break;
                            }
                            let_others_run(seen);
                            if dependencies_done || dependencies_met(tx, lane, id)? {
                                claims.push(claiming.claim(tx, id)?);
                            }
                        }
                    }
                }
                Ok(claims)
            })
            .during("claim the next calls for KRA")?;
        Ok((claims, from))
    }

    /// Reserves the number, builds the request and freezes it, inside the claiming transaction
    /// (committed before the send). A document that cannot become a request gives its number back
    /// and comes out as the inner error, to be parked. A balance of the pipelined stock lane is
    /// built just before it goes out instead (see [`StockTotals`]).
    fn prepare_in(&self, tx: &Tx<'_>, row: &OutboxRow, claiming: &mut Claiming) -> store::Result<Result<Prepared>> {
        // Sent before with its frozen bytes: the earlier attempt may have reached KRA.
        let resend = row.attempts > 1 && row.request_body.is_some();
        if is_local_only(row.kind) {
            return Ok(Ok(Prepared {
                body: String::new(),
                number: None,
                resend: false,
                stock: StockTotals::Untouched,
            }));
        }
        if claiming.defer_balances && row.kind == OutboxKind::StockMaster {
            return Ok(requests::balance_items(tx, row).map(|items| Prepared {
                body: String::new(),
                number: None,
                resend,
                stock: StockTotals::Balances(items),
            }));
        }
        let now = claiming.now;
        let counter = row.kind.kra_counter();
        let number = match counter {
            Some(counter) => Some(claiming.numbers(counter).reserve(tx, row.id, now)?),
            None => None,
        };
        let frozen_number = row.request_body.as_deref().and_then(|body| FrozenRequest::of(row.kind, body).number());
        // Stock balances are absolute and must carry KRA's total at send time: rebuilt on every
        // attempt. Everything else resends its frozen bytes.
        let frozen_usable = row.kind != OutboxKind::StockMaster
            && row.request_body.is_some()
            && (number.is_none() || frozen_number == number);
        // The row's first frozen body carries a number given back (KRA refused the document before
        // it, or asked for another number): the bytes sent under the new number are frozen with
        // that reservation, once, before they go out.
        let frozen_under = match (counter, number) {
            (Some(counter), Some(n)) if !frozen_usable && row.request_body.is_some() => {
                numbering::frozen_under(tx, counter, n)?
            }
            _ => None,
        };
        let body = if frozen_usable {
            row.request_body.clone().unwrap_or_default()
        } else if let Some(body) = frozen_under {
            body
        } else {
            if claiming.shop.is_none() {
                claiming.shop = Some(store::settings::shop_details(tx)?);
            }
            let shop = claiming.shop.as_ref().and_then(Option::as_ref);
            match requests::build(tx, row, number, &claiming.who, shop) {
                Ok(body) => body,
                Err(e) => {
                    if let (Some(n), Some(counter)) = (number, counter) {
                        claiming.numbers(counter).release(tx, n, now)?;
                    }
                    return Ok(Err(e));
                }
            }
        };
        if row.request_body.is_none() {
            outbox::freeze_first_request(tx, row.id, &body)?;
        } else if !frozen_usable && row.kind != OutboxKind::StockMaster {
            // The store keeps the first body as evidence; the new one is frozen under its number.
            if let (Some(counter), Some(n)) = (counter, number) {
                numbering::freeze_under(tx, counter, n, &body)?;
            }
            tracing::info!(outbox = row.id, ?number, "sending a request renumbered after a number was given back");
        }
        let stock = if claiming.defer_balances
            && row.kind == OutboxKind::StockIo
            && row.document.kind == DocumentKind::StockDocument
        {
            StockTotals::Moves(store::stock::kra_total_changes(tx, row.document.id)?)
        } else {
            StockTotals::Untouched
        };
        Ok(Ok(Prepared { body, number, resend, stock }))
    }
}

/// A claimed row: the row and its prepared request (or why it cannot be built).
pub(super) type Claim = (OutboxRow, Result<Prepared>);

/// How a claim looks for rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    /// The lane's number in doubt alone if there is one, else the next ready rows from the lane's
    /// scan start.
    Window,
    /// The pipeline's next group, claimed while its current group goes out: every open number of
    /// the lane belongs to a row the pipeline holds (a number in doubt is settled before a
    /// pipeline starts), so there is none in doubt to look for.
    Continue,
    /// One row, looked for through the whole lane (when every lane is idle).
    Exhaustive,
}

/// What the rows of one claiming transaction share: the time, the user stamp, and the numbers of
/// the lane's series (read once, then consecutive).
pub(super) struct Claiming<'e> {
    engine: &'e Engine,
    now: DateTime,
    who: oscu::wire::UserStamp,
    numbers: Option<numbering::AheadRun>,
    /// The shop's name and address for receipts, once read.
    shop: Option<Option<store::ShopDetails>>,
    /// The pipelined stock lane: balances are built just before they go out.
    defer_balances: bool,
}

impl<'e> Claiming<'e> {
    fn new(engine: &'e Engine, lane: Lane, now: DateTime, scan: Scan) -> Claiming<'e> {
        Claiming {
            engine,
            now,
            who: engine.stamp(),
            numbers: None,
            shop: None,
            defer_balances: lane == Lane::Stock && lane.pipelined() && scan != Scan::Exhaustive,
        }
    }

    fn numbers(&mut self, counter: KraCounter) -> &mut numbering::AheadRun {
        self.numbers.get_or_insert_with(|| numbering::AheadRun::new(counter))
    }

    /// Marks the row in flight and prepares its request.
    fn claim(&mut self, tx: &Tx<'_>, id: i64) -> store::Result<Claim> {
        let row = outbox::claim_row(tx, id)?;
        let engine = self.engine;
        let prepared = engine.prepare_in(tx, &row, self)?;
        Ok((row, prepared))
    }
}

/// Claimed rows and the lane's new scan start.
pub(super) type Claimed = (Vec<Claim>, i64);

/// How many pending rows of a lane a claim looks at (beyond them only when every lane is idle).
const CLAIM_WINDOW: usize = 64;

/// Whether every row `id` depends on is done, or, in the pipelined stock lane, is the movement a
/// balance follows and is claimed by the same pipeline (in flight there: it goes out, and is
/// answered, before the balance; if it fails, the pipeline puts the balance back unsent).
fn dependencies_met(tx: &Tx<'_>, lane: Lane, id: i64) -> store::Result<bool> {
    let waiting = outbox::open_dependencies(tx, id)?;
    Ok(waiting.iter().all(|d| {
        lane == Lane::Stock
            && lane.pipelined()
            && d.dependant == OutboxKind::StockMaster
            && d.kind == OutboxKind::StockIo
            && d.state == OutboxState::InFlight
    }))
}
