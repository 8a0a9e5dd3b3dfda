//! A row sent alone: the ask-before-resend of a document whose outcome may be unknown, the call
//! through `oscu::Client` with the row's frozen bytes (typed by its kind), and the hand-over of
//! KRA's answer to settling. Balances of the pipelined stock lane are built here just before they go.

use std::collections::HashMap;

use domain::{ItemCode, Qty};
use oscu::{Kept, wire::TrnsSalesSaveWrResData};
use store::{KraCounter, OutboxKind, OutboxRow, numbering};

use super::{
    Engine, Outcome, Prepared, StockTotals, lanes::FrozenRequest, lanes::is_local_only, pipeline::KnownUnsent,
};
use crate::{Result, error::During, requests};

impl Engine {
    /// One row alone: kept in Duka, parked when its request cannot be built, asked about first
    /// when its outcome may be unknown, else sent and settled.
    pub(super) async fn process(
        &self,
        row: OutboxRow,
        prepared: Result<Prepared>,
        known_unsent: &mut Option<KnownUnsent>,
    ) -> Result<Outcome> {
        if is_local_only(row.kind) {
            self.keep_locally(&row).await?;
            return Ok(Outcome::KeptLocally);
        }
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                // The stored document cannot become a request: that needs a person.
                let message = e.to_string();
                self.park(&row, None, None, None, &message).await?;
                return Ok(Outcome::Parked);
            }
        };

        // KRA certainly never recorded it: a first send.
        let prepared = if KnownUnsent::covers(*known_unsent, prepared.number) {
            Prepared { resend: false, ..prepared }
        } else {
            prepared
        };
        // A sale or credit note whose outcome may be unknown: ask KRA before resending.
        if prepared.resend
            && let (Some(number), OutboxKind::Sale | OutboxKind::CreditNote) = (prepared.number, row.kind)
        {
            match self.read_back(number, &prepared.body).await {
                Ok(Some(found)) if found.ours().is_some() => {
                    self.record_success(&row, Some(number), found.ours().cloned(), true).await?;
                    tracing::info!(
                        outbox = row.id,
                        invc_no = number,
                        "KRA already had the document; recorded its signature"
                    );
                    return Ok(Outcome::AlreadyRecorded);
                }
                Ok(None) => {
                    let counter = row.kind.kra_counter().unwrap_or(KraCounter::SalesInvoice);
                    let highest = self
                        .off_runtime(move |e| {
                            e.store().read(|c| numbering::highest_open(c, counter)).during("read the open KRA numbers")
                        })
                        .await?;
                    *known_unsent = highest.map(|up_to| KnownUnsent { lacked: number, up_to });
                }
                // KRA holds another document under our number: never resend over it.
                Ok(Some(found)) => return self.park_foreign(&row, number, number + 1, &found, None).await,
                Err(e) => {
                    *known_unsent = None;
                    return self.retry(&row, &e).await;
                }
            }
        }

        match self.send(row.kind, &prepared.body).await {
            Ok(signed) => {
                self.note_answer();
                let signature = signed.map(|kept| self.signature_from(kept, prepared.number));
                self.record_accepted(&row, &prepared, signature).await
            }
            Err(e) => {
                self.note_failure(&e);
                *known_unsent = None;
                self.settle_failure(&row, &prepared, &e).await
            }
        }
    }

    /// Sends a row's frozen bytes through the typed client: one call, or one per element for
    /// stock balances. A sale or credit note answers with KRA's receipt data (kept with its JSON).
    pub(super) async fn send(
        &self,
        kind: OutboxKind,
        body: &str,
    ) -> Result<Option<Kept<TrnsSalesSaveWrResData>>, oscu::Error> {
        let client = self.client();
        match FrozenRequest::of(kind, body) {
            FrozenRequest::Sale(frozen) => client.send(&frozen).await.map(Some),
            FrozenRequest::StockIo(frozen) => client.send(&frozen).await.map(|()| None),
            FrozenRequest::Balances(frozen) => client.send_each(&frozen).await.map(|_| None),
            FrozenRequest::Item(frozen) => client.send(&frozen).await.map(|()| None),
            FrozenRequest::Purchase(frozen) => client.send(&frozen).await.map(|()| None),
            FrozenRequest::Import(frozen) => client.send(&frozen).await.map(|()| None),
            FrozenRequest::Composition(frozen) => client.send(&frozen).await.map(|()| None),
        }
    }

    /// A balance of the pipelined stock lane, built now from KRA's running totals (see
    /// [`StockTotals`]); any other prepared request as it is.
    pub(super) fn with_balances(&self, prepared: Prepared, totals: &HashMap<ItemCode, Qty>) -> Result<Prepared> {
        match &prepared.stock {
            StockTotals::Balances(items) => {
                let body = requests::stock_balances(items, |item| totals.get(item).copied(), &self.stamp())?;
                Ok(Prepared { body, ..prepared })
            }
            StockTotals::Moves(_) | StockTotals::Untouched => Ok(prepared),
        }
    }
}
