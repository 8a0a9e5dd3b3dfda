//! Settling a row after its call: KRA's refusal classified by `oscu` and decided by
//! [`decide::decide`] (already recorded, realign, wait for stock, park, retry), and each outcome
//! written through `store::outbox` on the store thread.

use std::time::Duration;

use oscu::{
    Frozen, Function, Refusal, Retry,
    wire::{Recognised, StockMasterSaveReq},
};
use store::{
    DocumentKind, KraCounter, KraSignature, OutboxKind, OutboxRow,
    outbox::{self, Acceptance, AcceptedWhen},
};

use super::{
    Engine, Outcome, Prepared,
    decide::{self, Answer, Failure, Sent, Settle, StockRefusal},
    signature::ReadBack,
};
use crate::{ExplainContext, Result, backoff, clock::add, error::During, explain};

impl Engine {
    /// KRA accepted the call of a row sent alone: recorded as [`decide::decide`] says (signature,
    /// number confirmed and row done, in one transaction).
    pub(super) async fn record_accepted(
        &self,
        row: &OutboxRow,
        prepared: &Prepared,
        signature: Option<KraSignature>,
    ) -> Result<Outcome> {
        let sent = Sent { kind: row.kind, number: prepared.number, resend: prepared.resend };
        debug_assert_eq!(decide::decide(sent, Answer::Accepted), Settle::Record);
        self.record_success(row, prepared.number, signature, false).await?;
        Ok(Outcome::Accepted)
    }

    /// Acts on what [`decide::decide`] makes of KRA's refusal of the call (classified by
    /// `oscu`: [`oscu::Error::refusal`] and [`oscu::Error::retry`]).
    pub(super) async fn settle_failure(
        &self,
        row: &OutboxRow,
        prepared: &Prepared,
        e: &oscu::Error,
    ) -> Result<Outcome> {
        let sent = Sent { kind: row.kind, number: prepared.number, resend: prepared.resend };
        let mut failure = Failure::of(row.kind, e.refusal(), e.retry());
        loop {
            match decide::decide(sent, Answer::Refused(failure)) {
                // Only an acceptance is recorded as sent now; a refusal never comes back as one.
                // Should it, the row keeps its number and bytes and is asked about before a resend.
                Settle::Record => return self.retry(row, e).await,
                Settle::AlreadyRecorded => {
                    // 994: KRA has this exact document already.
                    let signature = match (row.kind, prepared.number) {
                        (OutboxKind::Sale | OutboxKind::CreditNote, Some(number)) => {
                            match self.read_back(number, &prepared.body).await {
                                Ok(Some(found)) => match found.ours() {
                                    Some(signature) => Some(signature.clone()),
                                    None => return self.park_foreign(row, number, number + 1, &found, Some(e)).await,
                                },
                                Ok(None) => {
                                    let reason =
                                        format!("KRA says invoice {number} is recorded but cannot show it yet");
                                    let e = oscu::Error::DecodeResponse {
                                        function: Function::SelectInvoiceDetails,
                                        reason,
                                    };
                                    return self.retry(row, &e).await;
                                }
                                Err(e) => return self.retry(row, &e).await,
                            }
                        }
                        _ => None,
                    };
                    self.record_success(row, prepared.number, signature, true).await?;
                    return Ok(Outcome::AlreadyRecorded);
                }
                Settle::EarlierSendRecorded { expected } => {
                    // KRA moved past our number: the earlier send was recorded.
                    let number = prepared.number.unwrap_or_default();
                    if !matches!(row.kind, OutboxKind::Sale | OutboxKind::CreditNote) {
                        self.record_success(row, Some(number), None, true).await?;
                        return Ok(Outcome::AlreadyRecorded);
                    }
                    match self.read_back(number, &prepared.body).await {
                        Ok(Some(found)) => {
                            let Some(signature) = found.ours().cloned() else {
                                return self.park_foreign(row, number, expected, &found, Some(e)).await;
                            };
                            self.record_success(row, Some(number), Some(signature), true).await?;
                            return Ok(Outcome::AlreadyRecorded);
                        }
                        // KRA cannot show it: its counter is elsewhere.
                        Ok(None) => return self.realign_to(row, prepared, expected, e).await,
                        Err(e) => return self.retry(row, &e).await,
                    }
                }
                Settle::Realign { expected } => return self.realign_to(row, prepared, expected, e).await,
                Settle::LookForQueuedStock => {
                    failure.stock_queued = Some(self.waits_for_queued_stock(row, failure.stock, &prepared.body).await?);
                }
                Settle::WaitForStock => {
                    let (row, number, error) = (row.clone(), prepared.number, e.to_string());
                    self.off_runtime(move |engine| {
                        let now = engine.now();
                        engine
                            .store()
                            .write(|tx| outbox::defer_for_stock(tx, &row, number, &error, now))
                            .during("put a sale back until its stock reaches KRA")
                    })
                    .await?;
                    return Ok(Outcome::Deferred);
                }
                Settle::Park => {
                    let message = e.kra_message().map_or_else(|| e.to_string(), str::to_owned);
                    self.park(row, prepared.number, e.refusal(), e.kra_code(), &message).await?;
                    return Ok(Outcome::Parked);
                }
                Settle::Retry => return self.retry(row, e).await,
            }
        }
    }

    /// [`Engine::realign`] of the row's counter from the number it carried to KRA's `expected`.
    async fn realign_to(
        &self,
        row: &OutboxRow,
        prepared: &Prepared,
        expected: i64,
        e: &oscu::Error,
    ) -> Result<Outcome> {
        if let (Some(counter), Some(number)) = (row.kind.kra_counter(), prepared.number) {
            self.realign(row, counter, number, expected, e).await?;
        }
        Ok(Outcome::Realigned)
    }

    /// Whether KRA refused a sale for stock that Duka has recorded but not yet sent (an earlier
    /// incoming stock movement still queued): then the sale waits instead of being parked.
    async fn waits_for_queued_stock(&self, row: &OutboxRow, stock: Option<StockRefusal>, sent: &str) -> Result<bool> {
        let (row, sent) = (row.clone(), sent.to_owned());
        self.off_runtime(move |engine| engine.waits_for_queued_stock_in_store(&row, stock, &sent)).await
    }

    fn waits_for_queued_stock_in_store(
        &self,
        row: &OutboxRow,
        stock: Option<StockRefusal>,
        sent: &str,
    ) -> Result<bool> {
        if row.kind == OutboxKind::StockMaster && stock == Some(StockRefusal::BalanceMismatch) {
            // A movement settled while the balance was on its way (a movement whose outcome was
            // unknown, found recorded): KRA's total moved, and the rebuilt balance will carry it.
            let sent = Frozen::<Vec<StockMasterSaveReq>>::stored(sent).requests().unwrap_or_default();
            for balance in &sent {
                let Ok(code) = domain::ItemCode::parse(&balance.item_cd) else { continue };
                let now_total = self.store().read(|c| store::stock::kra_quantity(c, &code));
                if now_total.is_ok_and(|q| oscu::wire::Quantity::from(q) != balance.rsd_qty) {
                    return Ok(true);
                }
            }
            // A movement of these items may have reached KRA while the balance was on its way
            // (the balance and movement lanes run side by side): try again once it is settled.
            return self
                .store()
                .read(|c| outbox::stock_of_same_items_queued(c, row.document.id))
                .during("look for stock still queued for KRA");
        }
        if row.kind != OutboxKind::Sale || stock != Some(StockRefusal::Insufficient) {
            return Ok(false);
        }
        self.store()
            .read(|c| outbox::incoming_stock_queued_for_sale(c, row.document.id, row.id))
            .during("look for stock still queued for KRA")
    }

    /// Keeps the number and the frozen bytes, and schedules the next attempt.
    pub(super) async fn retry(&self, row: &OutboxRow, e: &oscu::Error) -> Result<Outcome> {
        self.note_failure(e);
        let floor = match e.retry() {
            Retry::After(d) => d,
            Retry::Now | Retry::Never => Duration::ZERO,
        };
        let cfg = &self.inner.config;
        let wait = backoff::delay(row.attempts, cfg.base_backoff, cfg.max_backoff, floor, backoff::random());
        let next = add(self.now(), wait);
        tracing::debug!(outbox = row.id, attempt = row.attempts, ?wait, error = %e, "KRA call will be retried");
        let (id, error) = (row.id, e.to_string());
        // KRA's rate limit is kept apart: a manual sync does not override it.
        let rate_limited = e.kra_code() == Some(outbox::RATE_LIMIT_CODE);
        self.off_runtime(move |engine| {
            engine
                .store()
                .write(|tx| {
                    if rate_limited {
                        outbox::mark_rate_limited(tx, id, next, &error)
                    } else {
                        outbox::mark_retry(tx, id, next, &error)
                    }
                })
                .during("schedule a retry")
        })
        .await?;
        Ok(Outcome::Retrying)
    }

    /// KRA says it expects another number: release ours (and any reserved after it), take KRA's,
    /// log it, and retry at once.
    async fn realign(
        &self,
        row: &OutboxRow,
        counter: KraCounter,
        ours: i64,
        expected: i64,
        e: &oscu::Error,
    ) -> Result<()> {
        tracing::warn!(counter = counter.as_str(), ours, expected, "KRA counter drifted; realigned to KRA's number");
        let (row, error) = (row.clone(), e.to_string());
        self.off_runtime(move |engine| {
            let now = engine.now();
            let user = &engine.inner.config.user_name;
            engine
                .store()
                .write(|tx| outbox::realign(tx, &row, counter, ours, expected, &error, user, now))
                .during("realign a KRA counter")
        })
        .await
    }

    /// KRA refused for good: give the number back for the next document (with any reserved after
    /// it: KRA's series is strict, so none of them was recorded) and park the row with KRA's
    /// message explained.
    /// KRA holds another document under `number` (or one Duka cannot tell from ours): the row is
    /// parked as an incident, never signed with that document's signature. Its number is given
    /// back and the counter moved to `next`, so the owner's Retry sends it under KRA's next number;
    /// KRA's copy goes to the audit log.
    pub(super) async fn park_foreign(
        &self,
        row: &OutboxRow,
        number: i64,
        next: i64,
        found: &ReadBack,
        kra: Option<&oscu::Error>,
    ) -> Result<Outcome> {
        let (kra_code, kra_message) = match kra {
            Some(e) => (e.kra_code().map(str::to_owned), e.kra_message().map_or_else(|| e.to_string(), str::to_owned)),
            None => (None, format!("KRA's copy of invoice {number} is not this document")),
        };
        let (reason, fix) = match found.recognised {
            Recognised::Undecided => (
                format!(
                    "KRA holds an invoice under number {number} that Duka cannot tell apart from this one (KRA's \
                     copy has no lines)"
                ),
                "compare KRA's copy (in the audit log) with this document: if it is another one, press Retry to \
                 send this one under KRA's next number; if it is this one, do not retry and call support"
                    .to_owned(),
            ),
            Recognised::Ours | Recognised::Other => (
                format!(
                    "KRA holds a different invoice under number {number}: another till or an old backup may be \
                     using this device"
                ),
                "make sure no other computer uses this device's communication key, then press Retry to send this \
                 document under KRA's next number"
                    .to_owned(),
            ),
        };
        tracing::error!(outbox = row.id, invc_no = number, "KRA holds another document under this number; parked");
        let refusal = outbox::Refusal { kra_code, kra_message, reason, fix };
        let (row, kra_copy) = (row.clone(), found.kra_copy.clone());
        self.off_runtime(move |engine| {
            let (now, user) = (engine.now(), engine.inner.config.user_name.clone());
            engine
                .store()
                .write(|tx| outbox::park_foreign(tx, &row, number, next, &refusal, &kra_copy, &user, now))
                .during("park a document KRA holds another one under its number")
        })
        .await?;
        Ok(Outcome::Parked)
    }

    pub(super) async fn park(
        &self,
        row: &OutboxRow,
        number: Option<i64>,
        refusal: Option<Refusal>,
        code: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let (row, code, message) = (row.clone(), code.map(str::to_owned), message.to_owned());
        self.off_runtime(move |engine| engine.park_in_store(&row, number, refusal, code.as_deref(), &message)).await
    }

    fn park_in_store(
        &self,
        row: &OutboxRow,
        number: Option<i64>,
        refusal: Option<Refusal>,
        code: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let now = self.now();
        let context = self.explain_context(row, message);
        let explanation = explain(row.kind, refusal.unwrap_or(Refusal::Other), message, &context);
        let refusal = outbox::Refusal {
            kra_code: code.map(str::to_owned),
            kra_message: message.to_owned(),
            reason: explanation.message,
            fix: explanation.fix,
        };
        tracing::warn!(outbox = row.id, kra_code = code, kra_message = message, "KRA refused a call; parked");
        let user = &self.inner.config.user_name;
        self.store()
            .write(|tx| outbox::park_refused(tx, row, number, &refusal, user, now))
            .during("park a refused call")
    }

    /// Names the document and the item for the explanation: the row's item, else the item whose
    /// code KRA's message names, else the only line of a one-line sale.
    fn explain_context(&self, row: &OutboxRow, kra_message: &str) -> ExplainContext {
        let db = self.store();
        let id = row.document.id;
        let document = db.read(|c| store::queries::trader_no(c, row.document)).ok().flatten();
        let item_name = match &row.item_code {
            Some(code) => db.read(|c| store::items::item(c, code)).ok().flatten().map(|i| i.name),
            None if row.document.kind == DocumentKind::Sale => db
                .read(|c| {
                    store::sales::load_sale(c, id).map(|s| {
                        let lines = &s.invoice.lines;
                        lines
                            .iter()
                            .find(|l| kra_message.contains(l.item_code.as_str()))
                            .or_else(|| if lines.len() == 1 { lines.first() } else { None })
                            .map(|l| l.name.clone())
                    })
                })
                .ok()
                .flatten(),
            None => None,
        };
        let practice_records = self.inner.config.practice_records.as_ref().map(|p| p.display().to_string());
        ExplainContext { document, item_name, practice_records }
    }

    /// Settles a row KRA has no call for: done, with an audit entry saying it stayed in Duka.
    pub(super) async fn keep_locally(&self, row: &OutboxRow) -> Result<()> {
        let row = row.clone();
        self.off_runtime(move |engine| {
            let now = engine.now();
            let user = &engine.inner.config.user_name;
            engine
                .store()
                .write(|tx| outbox::keep_locally(tx, &row, user, now))
                .during("record a decision kept in Duka")
        })
        .await
    }

    /// Success: signature, number confirmed and row done, in one transaction.
    pub(super) async fn record_success(
        &self,
        row: &OutboxRow,
        number: Option<i64>,
        signature: Option<KraSignature>,
        already: bool,
    ) -> Result<()> {
        let acceptance = Acceptance { row: row.clone(), number, signature, balances_sent: None };
        let when = if already { AcceptedWhen::Earlier } else { AcceptedWhen::ThisSend };
        self.off_runtime(move |engine| {
            let now = engine.now();
            let user = &engine.inner.config.user_name;
            engine
                .store()
                .write(|tx| outbox::record_acceptance(tx, &acceptance, when, user, now))
                .during("record KRA's acceptance")
        })
        .await
    }
}
