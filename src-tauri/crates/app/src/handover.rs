//! The customer's signed receipt: after Charge, while the line to KRA is up, printing waits for
//! KRA's signature up to the owner's bound (default 3 s) and prints the signed receipt; past the
//! bound (or with the line down) the provisional one goes out, and the sale is on the "signed
//! receipts to hand over" list from the moment KRA signs it until its signed original is printed.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::{Duka, Error, Result, sales::find_sale};

/// How often a wait for KRA's signature looks at the store (a read of one indexed row).
const POLL: Duration = Duration::from_millis(3);

/// How a wait for KRA's signature ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureWait {
    /// KRA's signature is stored: the signed receipt prints.
    Signed,
    /// The owner's bound passed first: the provisional receipt prints and the sale waits on the
    /// hand-over list for KRA.
    PastTheBound,
    /// The line to KRA is known to be down: no wait.
    LineDown,
    /// Nothing sends to KRA in this process (no device, or no sync worker): no wait.
    NoSync,
}

/// A wait for KRA's signature: how it ended and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WaitView {
    pub outcome: SignatureWait,
    pub waited_ms: u64,
}

/// The receipt printed after Charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargePrinted {
    /// Where it went ("Printed on /dev/usb/lp0.").
    pub printed: String,
    /// True when it carried KRA's signature and QR.
    pub signed: bool,
    pub wait: WaitView,
}

/// A sale whose customer got the provisional receipt and which KRA has signed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandOverView {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: String,
    pub buyer_name: Option<String>,
    pub total: String,
    pub kra_invoice_no: i64,
    pub signed_at: String,
}

/// What Print all did: the signed originals printed, and the first failure (the rest wait).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandOverPrinted {
    pub printed: Vec<String>,
    /// The document that failed to print and why, in the shopkeeper's words.
    pub failed: Option<(String, String)>,
    /// Still to hand over.
    pub remaining: usize,
}

/// A wait for KRA's signature the owner may set, in ms (a customer stands at the counter).
pub(crate) fn checked_wait(wait: Duration) -> Result<u64> {
    match u64::try_from(wait.as_millis()) {
        Ok(ms) if ms <= store::handover::MAX_SIGNATURE_WAIT_MS => Ok(ms),
        _ => Err(Error::invalid_input(
            "Wait for KRA's signature",
            "signature_wait_ms",
            format!(
                "at most {} seconds: the customer waits at the counter meanwhile",
                store::handover::MAX_SIGNATURE_WAIT_MS / 1000
            ),
        )),
    }
}

impl Duka {
    /// How long printing after Charge waits for KRA's signature (the owner's setting).
    pub fn signature_wait(&self) -> Result<Duration> {
        Ok(Duration::from_millis(self.store().read(store::handover::signature_wait_ms)?))
    }

    /// Sets how long printing after Charge waits for KRA's signature (audited); at most
    /// [`store::handover::MAX_SIGNATURE_WAIT_MS`].
    pub fn set_signature_wait(&self, wait: Duration) -> Result<()> {
        let ms = checked_wait(wait)?;
        let now = self.now();
        let detail = format!("wait up to {ms} ms for KRA's signature before printing");
        // A setting: the role table's Settings action (the owner's).
        self.acting(&[domain::Action::Settings], |meta| {
            self.store().write(|tx| -> Result<_> {
                store::handover::set_signature_wait_ms(tx, ms, now)?;
                store::audit::append_as(tx, meta, "set signature wait", None, Some(&detail))?;
                Ok(())
            })
        })
    }

    /// Waits for KRA's signature of sale `document` up to the owner's bound, without waiting
    /// when the line is known to be down or nothing sends to KRA.
    pub async fn wait_for_signature(&self, document: &str) -> Result<WaitView> {
        let sale_id = self.store().read(|c| Ok(find_sale(c, document)))??;
        self.wait_for_signature_within(sale_id, self.signature_wait()?).await
    }

    /// [`Duka::wait_for_signature`] of sale `sale_id` with the bound given. It watches the store
    /// for the signature row (a read every few ms) and the sync worker's progress: a line that
    /// goes down during the wait ends it.
    pub async fn wait_for_signature_within(&self, sale_id: i64, bound: Duration) -> Result<WaitView> {
        let started = Instant::now();
        let view = |outcome| WaitView { outcome, waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(0) };
        let signed = || self.store().read(|c| store::handover::is_signed(c, sale_id));
        if signed()? {
            return Ok(view(SignatureWait::Signed));
        }
        let Some(mut progress) = self.subscribe_progress() else { return Ok(view(SignatureWait::NoSync)) };
        let deadline = started + bound;
        loop {
            if signed()? {
                return Ok(view(SignatureWait::Signed));
            }
            if !progress.borrow_and_update().online {
                return Ok(view(SignatureWait::LineDown));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(view(SignatureWait::PastTheBound));
            }
            if let Ok(Err(_)) = tokio::time::timeout(POLL.min(deadline - now), progress.changed()).await {
                // The worker stopped (the app is closing): nobody will sign while we wait.
                return Ok(view(if signed()? { SignatureWait::Signed } else { SignatureWait::NoSync }));
            }
        }
    }

    /// Prints the receipt of a sale just charged: signed when KRA signs within the owner's bound
    /// (the line up), else provisional, and then the sale is on the hand-over list once signed.
    pub async fn print_after_charge(&self, document: &str) -> Result<ChargePrinted> {
        let wait = self.wait_for_signature(document).await?;
        let printed = self.print_original(document).await?;
        Ok(ChargePrinted { printed: printed.message, signed: printed.signed, wait })
    }

    /// The signed receipts to hand over, oldest first: the customer got the provisional receipt,
    /// KRA has signed the sale since, and its signed original has not been printed.
    pub fn receipts_to_hand_over(&self) -> Result<Vec<HandOverView>> {
        let scu_id = self.device_settings()?.and_then(|s| s.scu_id);
        let list = self.store().read(|c| {
            let mut printable = Vec::new();
            for h in store::handover::to_hand_over(c)? {
                // A signature lacking a field the receipt must show still prints provisional.
                let signature = store::sales::sale_signature(c, h.sale_id)?;
                if signature.is_some_and(|s| crate::receipts::signature(&s, scu_id.as_deref()).is_some()) {
                    printable.push(h);
                }
            }
            Ok(printable)
        })?;
        Ok(list
            .into_iter()
            .map(|h| HandOverView {
                sale_id: h.sale_id,
                trader_no: h.trader_no,
                committed_at: h.committed_at.to_string(),
                buyer_name: h.buyer_name,
                total: crate::views::amount(h.total),
                kra_invoice_no: h.kra_invoice_no,
                signed_at: h.signed_at.to_string(),
            })
            .collect())
    }

    /// Prints the signed original of every receipt to hand over, oldest first; the first that
    /// fails stops the run (the printer needs the shopkeeper) and the rest stay listed.
    pub async fn print_all_to_hand_over(&self) -> Result<HandOverPrinted> {
        let mut printed = Vec::new();
        let mut failed = None;
        for h in self.receipts_to_hand_over()? {
            match self.print_original(&h.trader_no).await {
                Ok(_) => printed.push(h.trader_no),
                Err(e) => {
                    failed = Some((h.trader_no, e.sentence()));
                    break;
                }
            }
        }
        Ok(HandOverPrinted { printed, failed, remaining: self.receipts_to_hand_over()?.len() })
    }
}

#[cfg(test)]
mod tests {
    use oscu_sim::{Fault, FaultRule};

    use super::*;
    use crate::{AppOptions, DocumentNo, Paper, TrainingRequest, testing::line, testing::sale};

    /// The demo catalogue's sugar, by its barcode.
    const SUGAR: &str = "2009900000019";

    /// A training shop with the sync worker (as the desktop runs), the demo catalogue, receipts
    /// saved as PDF, and the worker settled after set-up.
    async fn desktop_shop() -> (Duka, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let options = AppOptions { spawn_sync_worker: true, ..AppOptions::default() };
        let duka = Duka::open(dir.path().join("shop.db"), options).await.unwrap();
        duka.create_owner(crate::testing::OWNER, crate::testing::OWNER_PIN).unwrap();
        duka.start_training(&TrainingRequest { shop_name: "Signed Kiosk".into() }).await.unwrap();
        duka.seed_demo_catalogue().unwrap();
        settled(&duka).await;
        (duka, dir)
    }

    /// Waits (woken by the worker's progress, with a guard) until nothing waits in the outbox.
    async fn settled(duka: &Duka) {
        let mut progress = duka.subscribe_progress().expect("the worker runs");
        tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                progress.borrow_and_update();
                let outbox = duka.status().unwrap().outbox;
                if outbox.pending == 0 && outbox.in_flight == 0 {
                    return;
                }
                progress.changed().await.expect("the worker is alive");
            }
        })
        .await
        .expect("the worker settles");
    }

    async fn faults(duka: &Duka, rules: Vec<FaultRule>) {
        let sim = duka.inner.training_sim.lock().await;
        sim.as_ref().expect("training runs").set_faults(rules).unwrap();
    }

    fn on_sales(fault: Fault) -> Vec<FaultRule> {
        vec![FaultRule { function: "saveTrnsSalesOsdc".into(), call: None, fault }]
    }

    /// The receipt PDF saved for `document` carries KRA's signature (the text dump of the same
    /// model says so: the SCU block with its signature and the QR link).
    fn receipt_is_signed(duka: &Duka, document: &str) -> bool {
        let text = duka.receipt_text(&DocumentNo(document.into()), Paper::Roll80, false).unwrap();
        let model = duka.receipt_model(&DocumentNo(document.into()), false).unwrap();
        let signed = matches!(model.state, receipt::SignatureState::Signed(_));
        assert_eq!(signed, !text.to_ascii_lowercase().contains("provisional"), "{text}");
        signed
    }

    fn handed(duka: &Duka) -> Vec<String> {
        duka.receipts_to_hand_over().unwrap().into_iter().map(|h| h.trader_no).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_signature_within_the_bound_prints_the_signed_receipt() {
        let (duka, dir) = desktop_shop().await;
        // KRA answers after 150 ms: well within the default 3 s.
        faults(&duka, on_sales(Fault::LatencyMs { ms: 150 })).await;
        let charged = duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap();
        let printed = duka.print_after_charge(&charged.trader_no).await.unwrap();
        assert_eq!(printed.wait.outcome, SignatureWait::Signed, "{printed:?}");
        assert!(printed.wait.waited_ms >= 100, "it waited for KRA: {printed:?}");
        assert!(printed.signed, "{printed:?}");
        assert!(receipt_is_signed(&duka, &charged.trader_no));
        assert!(dir.path().join("receipts").join(format!("{}.pdf", charged.trader_no)).exists());
        // The customer has the signed receipt: nothing to hand over.
        assert!(handed(&duka).is_empty());
        duka.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_bound_the_provisional_prints_and_the_signed_one_is_listed_until_printed() {
        let (duka, _dir) = desktop_shop().await;
        duka.set_signature_wait(Duration::from_millis(200)).unwrap();
        assert_eq!(duka.signature_wait().unwrap(), Duration::from_millis(200));
        faults(&duka, on_sales(Fault::LatencyMs { ms: 900 })).await;
        let first = duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no;
        let printed = duka.print_after_charge(&first).await.unwrap();
        assert_eq!(printed.wait.outcome, SignatureWait::PastTheBound, "{printed:?}");
        assert!((200..900).contains(&printed.wait.waited_ms), "{printed:?}");
        assert!(!printed.signed);
        let second = duka.make_sale(&sale(vec![line(SUGAR, 2)])).unwrap().trader_no;
        assert!(!duka.print_after_charge(&second).await.unwrap().signed);
        assert!(handed(&duka).is_empty(), "not signed yet");

        // KRA signs both: they are listed, oldest first.
        settled(&duka).await;
        assert_eq!(handed(&duka), [first.clone(), second.clone()]);
        // A copy is no hand-over; printing one signed original takes it off.
        duka.print_receipt(&first, true).await.unwrap();
        assert_eq!(handed(&duka).len(), 2);
        duka.print_receipt(&first, false).await.unwrap();
        assert_eq!(handed(&duka), std::slice::from_ref(&second));
        // Print all empties the list with signed originals.
        let all = duka.print_all_to_hand_over().await.unwrap();
        assert_eq!((all.printed, all.failed, all.remaining), (vec![second.clone()], None, 0));
        assert!(handed(&duka).is_empty());
        assert!(receipt_is_signed(&duka, &second));
        duka.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn with_the_line_down_the_provisional_receipt_prints_at_once() {
        let (duka, _dir) = desktop_shop().await;
        faults(&duka, vec![FaultRule { function: "*".into(), call: None, fault: Fault::Reset }]).await;
        // The first sale finds the line down (the worker's progress says so)...
        let first = duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no;
        let mut progress = duka.subscribe_progress().unwrap();
        tokio::time::timeout(Duration::from_secs(30), progress.wait_for(|p| !p.online)).await.unwrap().unwrap();
        // ...so the next prints at once, provisional, well inside the 3 s bound.
        let second = duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no;
        let started = Instant::now();
        let printed = duka.print_after_charge(&second).await.unwrap();
        assert_eq!(printed.wait.outcome, SignatureWait::LineDown, "{printed:?}");
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
        assert!(!printed.signed);
        let _ = first;
        duka.shutdown().await;
    }

    #[tokio::test]
    async fn without_a_sync_worker_nothing_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
        duka.create_owner(crate::testing::OWNER, crate::testing::OWNER_PIN).unwrap();
        duka.start_training(&TrainingRequest { shop_name: "Cli Kiosk".into() }).await.unwrap();
        duka.seed_demo_catalogue().unwrap();
        let no = duka.make_sale(&sale(vec![line(SUGAR, 1)])).unwrap().trader_no;
        let printed = duka.print_after_charge(&no).await.unwrap();
        assert_eq!(printed.wait.outcome, SignatureWait::NoSync);
        assert!(!printed.signed);
        // Signed later (a sync now): listed, then handed over.
        duka.sync_now().await.unwrap();
        assert_eq!(handed(&duka), std::slice::from_ref(&no));
        let e = duka.set_signature_wait(Duration::from_secs(31)).unwrap_err();
        assert_eq!(e.field().as_deref(), Some("signature_wait_ms"));
        duka.print_all_to_hand_over().await.unwrap();
        assert!(handed(&duka).is_empty());
        duka.shutdown().await;
    }
}
