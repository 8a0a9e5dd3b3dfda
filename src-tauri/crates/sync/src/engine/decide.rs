//! The pure step of a row's life: what KRA's answer to a call means for the row (record it,
//! realign the counter, wait for stock, park, retry), decided from facts alone and tested as a table.
//! The facts come from `oscu`'s classification ([`Refusal`], [`Retry`]), never from KRA's text.

use oscu::{Refusal, Retry};
use store::OutboxKind;

/// The call that was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sent {
    pub kind: OutboxKind,
    /// The KRA number the request carried.
    pub number: Option<i64>,
    /// Sent before (its outcome may have been unknown).
    pub resend: bool,
}

/// A refusal about stock that KRA may not have seen yet (a movement still queued in Duka).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StockRefusal {
    /// A sale: KRA says the stock is insufficient.
    Insufficient,
    /// A stock balance: KRA's running total differs from the one sent.
    BalanceMismatch,
}

/// What KRA's failed answer says, as facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Failure {
    /// KRA already holds this exact document (result code 994).
    pub duplicate: bool,
    /// KRA expects this number next.
    pub expected: Option<i64>,
    pub retry: Retry,
    /// A refusal about stock that may still be on its way to KRA.
    pub stock: Option<StockRefusal>,
    /// Whether stock is still queued for KRA, once looked up.
    pub stock_queued: Option<bool>,
}

impl Failure {
    /// The facts of a failed call of `kind`: KRA's refusal as `oscu` classified it (`None` when
    /// KRA's answer carried none: a timeout, a cut connection, an unreadable answer) and how
    /// `oscu` says to retry.
    pub(super) fn of(kind: OutboxKind, refusal: Option<Refusal>, retry: Retry) -> Failure {
        let stock = match (kind, refusal) {
            (OutboxKind::StockMaster, Some(Refusal::StockBalanceMismatch { .. })) => {
                Some(StockRefusal::BalanceMismatch)
            }
            (OutboxKind::Sale, Some(Refusal::InsufficientStock)) => Some(StockRefusal::Insufficient),
            _ => None,
        };
        let expected = match refusal {
            Some(Refusal::ExpectedNumber { expected }) => Some(i64::try_from(expected).unwrap_or(i64::MAX)),
            _ => None,
        };
        Failure { duplicate: refusal == Some(Refusal::Duplicate), expected, retry, stock, stock_queued: None }
    }
}

/// What came back for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    /// KRA accepted it (a sale with its signature data: one without is an unknown outcome, a
    /// [`Failure`] worth retrying).
    Accepted,
    /// Anything else: a refusal, a failure to reach KRA, or an answer that could not be read.
    Refused(Failure),
}

/// What happens to a row after its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Settle {
    /// Accepted now: signature (for a sale), number confirmed and row done.
    Record,
    /// KRA already holds the document (994): record it as recorded earlier (a sale's signature is
    /// read back first).
    AlreadyRecorded,
    /// A resend, and KRA expects the number after ours: the earlier send was recorded. A sale is
    /// read back first; if KRA cannot show it, the counter is realigned to `expected`.
    EarlierSendRecorded { expected: i64 },
    /// KRA expects another number: release ours and take KRA's.
    Realign { expected: i64 },
    /// Refused for good about stock: look up whether that stock is still queued for KRA.
    LookForQueuedStock,
    /// KRA has not seen stock still queued in Duka: the row waits for it.
    WaitForStock,
    /// Refused for good: park it with an explanation.
    Park,
    /// Worth trying again (now or after a while): keep the number and the frozen bytes. The
    /// outcome may be unknown: the resend of a sale asks KRA first (`selectInvoiceDetails`).
    Retry,
}

/// Decides what KRA's `answer` to the call `sent` means for its row.
pub(super) fn decide(sent: Sent, answer: Answer) -> Settle {
    let failure = match answer {
        Answer::Accepted => return Settle::Record,
        Answer::Refused(failure) => failure,
    };
    if failure.duplicate {
        return Settle::AlreadyRecorded;
    }
    if let (Some(expected), Some(number), Some(_)) = (failure.expected, sent.number, sent.kind.kra_counter()) {
        if sent.resend && expected == number + 1 {
            return Settle::EarlierSendRecorded { expected };
        }
        if expected != number {
            return Settle::Realign { expected };
        }
    }
    match (failure.retry, failure.stock, failure.stock_queued) {
        (Retry::Never, Some(_), None) => Settle::LookForQueuedStock,
        (Retry::Never, Some(_), Some(true)) => Settle::WaitForStock,
        (Retry::Never, _, _) => Settle::Park,
        (Retry::Now | Retry::After(_), _, _) => Settle::Retry,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sent(kind: OutboxKind, number: Option<i64>, resend: bool) -> Sent {
        Sent { kind, number, resend }
    }

    fn failed(retry: Retry) -> Failure {
        Failure { duplicate: false, expected: None, retry, stock: None, stock_queued: None }
    }

    fn check(sent: Sent, answer: Answer, expected: Settle) {
        assert_eq!(decide(sent, answer), expected, "{sent:?} answered {answer:?}");
    }

    #[test]
    fn what_an_answer_means_for_its_row() {
        let sale = |n, resend| sent(OutboxKind::Sale, Some(n), resend);
        let never = failed(Retry::Never);
        // KRA accepted a sale but left out its signature data: KRA has it, we cannot print it.
        let unsigned = oscu::Error::DecodeResponse {
            function: oscu::Function::SaveTrnsSalesOsdc,
            reason: "KRA accepted the sale but left out rcptSign".into(),
        };
        let unknown = Failure::of(OutboxKind::Sale, unsigned.refusal(), unsigned.retry());
        let accepted = [
            (sale(5, false), Settle::Record),
            (sale(5, true), Settle::Record),
            (sent(OutboxKind::StockMaster, None, false), Settle::Record),
        ];
        for (sent, expected) in accepted {
            check(sent, Answer::Accepted, expected);
        }
        let table = [
            // Accepted without the signature data, or no answer at all: the outcome is unknown;
            // the row keeps its number and bytes, and its resend asks KRA first.
            (sale(5, false), unknown, Settle::Retry),
            (sale(5, false), Failure::of(OutboxKind::Sale, None, Retry::After(Duration::from_secs(30))), Settle::Retry),
            // 994: KRA has it already, whatever else the answer says.
            (sale(5, true), Failure { duplicate: true, ..never }, Settle::AlreadyRecorded),
            (sale(5, false), Failure { duplicate: true, expected: Some(9), ..never }, Settle::AlreadyRecorded),
            // KRA expects the number after ours on a resend: the earlier send was recorded.
            (sale(5, true), Failure { expected: Some(6), ..never }, Settle::EarlierSendRecorded { expected: 6 }),
            (
                sent(OutboxKind::StockIo, Some(5), true),
                Failure { expected: Some(6), ..never },
                Settle::EarlierSendRecorded { expected: 6 },
            ),
            // ...but not on a first send: the counter drifted.
            (sale(5, false), Failure { expected: Some(6), ..never }, Settle::Realign { expected: 6 }),
            (sale(5, true), Failure { expected: Some(2), ..never }, Settle::Realign { expected: 2 }),
            (
                sent(OutboxKind::Purchase, Some(3), false),
                Failure { expected: Some(40), ..failed(Retry::Now) },
                Settle::Realign { expected: 40 },
            ),
            // KRA expects our own number: the refusal is about something else.
            (sale(5, false), Failure { expected: Some(5), ..never }, Settle::Park),
            // A row whose series carries no number cannot realign.
            (sent(OutboxKind::SaveItem, None, false), Failure { expected: Some(5), ..never }, Settle::Park),
            // Stock KRA may not have seen yet: look it up, then wait or park.
            (sale(5, false), Failure { stock: Some(StockRefusal::Insufficient), ..never }, Settle::LookForQueuedStock),
            (
                sale(5, false),
                Failure { stock: Some(StockRefusal::Insufficient), stock_queued: Some(true), ..never },
                Settle::WaitForStock,
            ),
            (
                sale(5, false),
                Failure { stock: Some(StockRefusal::Insufficient), stock_queued: Some(false), ..never },
                Settle::Park,
            ),
            (
                sent(OutboxKind::StockMaster, None, false),
                Failure { stock: Some(StockRefusal::BalanceMismatch), stock_queued: Some(true), ..never },
                Settle::WaitForStock,
            ),
            // A stock refusal worth retrying is retried, not looked up.
            (sale(5, false), Failure { stock: Some(StockRefusal::Insufficient), ..failed(Retry::Now) }, Settle::Retry),
            // Refused for good; retry now; retry later.
            (sale(5, false), never, Settle::Park),
            (sale(5, true), failed(Retry::Now), Settle::Retry),
            (sale(5, false), failed(Retry::After(Duration::from_secs(60))), Settle::Retry),
        ];
        for (sent, failure, expected) in table {
            check(sent, Answer::Refused(failure), expected);
        }
    }

    #[test]
    fn the_facts_of_kras_refusals() {
        let kra = |code: &str, message: &str| oscu::Error::Kra {
            function: oscu::Function::SaveTrnsSalesOsdc,
            code: code.into(),
            message: message.into(),
        };
        let of = |kind, e: &oscu::Error| Failure::of(kind, e.refusal(), e.retry());
        assert!(of(OutboxKind::Sale, &kra("994", "duplicate")).duplicate);
        let insufficient = kra("910", "Insufficient Stock for item KE2NTU0000003");
        assert_eq!(of(OutboxKind::Sale, &insufficient).stock, Some(StockRefusal::Insufficient));
        // Only a sale waits for stock it sold; a credit note does not.
        assert_eq!(of(OutboxKind::CreditNote, &insufficient).stock, None);
        let mismatch = kra("910", "rsdQty mismatch for KE2NTU0000003");
        assert_eq!(of(OutboxKind::StockMaster, &mismatch).stock, Some(StockRefusal::BalanceMismatch));
        assert_eq!(of(OutboxKind::Sale, &mismatch).stock, None);
        // A balance before any movement is not stock on its way: nothing queued can cure it.
        let empty = kra("910", "Stock IO is empty, consider adding items to the stock IO first");
        assert_eq!(of(OutboxKind::Sale, &empty).stock, None);
        let expected = of(OutboxKind::Sale, &kra("910", "Invalid invcNo sequence, expected: 7 but found: 5"));
        assert_eq!((expected.expected, expected.duplicate, expected.retry), (Some(7), false, Retry::Never));
    }
}
