//! Two tills on one device's communication key (a till cloned, an old backup restored beside the
//! live one): each sells; KRA records whichever reaches it first under each number, and no till
//! ever stores a signature that belongs to the other's document.

#![allow(clippy::unwrap_used)]

use std::{sync::Arc, time::Duration};

use domain::{Discount, ItemType, PaymentType, Qty, SaleDraft, SaleLineDraft, StockPolicy, TaxBand};
use oscu_sim::{Fault, FaultRule, RunningSim};
use store::{LoadedCatalogue, OutboxState, Store};
use sync::{Engine, ManualClock, PullList, SyncConfig};

use crate::common::{self, BHF, NowForTest, SERIAL, TIN, at, client_for, item, meta};

struct Till {
    store: Arc<Store>,
    clock: Arc<ManualClock>,
    engine: Engine,
}

async fn till(sim: &RunningSim, key: &oscu::CmcKey, name: &str) -> Till {
    let client = client_for(sim, Duration::from_secs(5));
    client.set_cmc_key(key.clone());
    let store = Arc::new(Store::open_in_memory().unwrap());
    let clock = Arc::new(ManualClock::new(at("20261121080000")));
    let mut config = SyncConfig::new(name, name);
    config.base_backoff = Duration::from_secs(2);
    config.max_backoff = Duration::from_secs(60);
    let engine = Engine::new(store.clone(), Arc::new(client), clock.clone(), config);
    assert!(engine.pull(&[PullList::CodeList]).await.unwrap().failed.is_empty());
    let delivery = item(1, "Delivery", ItemType::Service, TaxBand::B, 10_000);
    store.write(|tx| store::items::register_item(tx, &delivery, &meta(clock.now_for_test()))).unwrap();
    let report = engine.drain().await.unwrap();
    assert_eq!(report.parked, 0, "{:?}", store.read(store::outbox::parked).unwrap());
    Till { store, clock, engine }
}

impl Till {
    /// A sale of `qty` deliveries (each till's sales differ by quantity, so KRA's copies differ).
    fn sell(&self, qty: i64) -> i64 {
        let draft = SaleDraft {
            lines: vec![SaleLineDraft {
                item: item(1, "Delivery", ItemType::Service, TaxBand::B, 10_000).code,
                qty: Qty::whole(qty),
                unit_price: None,
                discount: Discount::None,
            }],
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Cash,
        };
        let (catalogue, rates) =
            self.store.read(|c| Ok((LoadedCatalogue::for_sale(c, &draft)?, store::reference::tax_rates(c)?))).unwrap();
        let invoice = draft.finalise(&catalogue, &rates, StockPolicy::Refuse).unwrap();
        self.store.write(|tx| store::sales::commit_sale(tx, &invoice, &meta(self.clock.now_for_test()))).unwrap().id
    }

    /// Every signed sale's KRA number with its total in cents.
    fn signed(&self) -> Vec<(i64, i64)> {
        self.store
            .read(|c| {
                let mut out = vec![];
                for s in store::sales::list_sales(c, None, usize::MAX)? {
                    if let Some(sig) = store::sales::sale_signature(c, s.id)? {
                        out.push((sig.invoice_no, store::sales::load_sale(c, s.id)?.invoice.totals.total.cents()));
                    }
                }
                Ok(out)
            })
            .unwrap()
    }
}

/// KRA's total (cents) of the sale it holds under `invc_no`.
fn kra_total(sim: &RunningSim, invc_no: i64) -> i64 {
    let sales = sim.state("sales", TIN, BHF).unwrap();
    let sale = sales.as_array().unwrap().iter().find(|s| s["request"]["invcNo"].as_i64() == Some(invc_no)).unwrap();
    (sale["request"]["totAmt"].as_f64().unwrap() * 100.0).round() as i64
}

#[tokio::test]
async fn a_till_whose_number_another_till_took_parks_its_sale_and_never_takes_the_other_signature() {
    let sim = common::sim().await;
    let key = client_for(&sim, Duration::from_secs(5)).initialize(SERIAL).await.unwrap().cmc_key.unwrap();
    let a = till(&sim, &key, "till-a").await;
    let b = till(&sim, &key, "till-b").await;

    // Till B's first send of its sale is lost on the way (KRA never saw it).
    let b_sale = b.sell(2);
    sim.set_faults(vec![FaultRule { function: "saveTrnsSalesOsdc".into(), call: Some(1), fault: Fault::Reset }])
        .unwrap();
    b.engine.drain().await.unwrap();
    sim.clear_faults();
    // Till A sells and KRA records A's sale under number 1.
    a.sell(1);
    assert_eq!(a.engine.drain().await.unwrap().parked, 0);
    assert_eq!(a.signed().len(), 1);

    // B tries again: KRA holds A's sale under B's number 1. B must not take its signature.
    b.clock.advance(Duration::from_secs(120));
    let report = b.engine.drain().await.unwrap();
    assert_eq!(report.parked, 1, "{report:?}");
    assert!(b.signed().is_empty(), "B stored a signature: {:?}", b.signed());
    let parked = b.store.read(store::outbox::parked).unwrap();
    assert_eq!(parked.len(), 1);
    let refusal = parked[0].refusal.clone().unwrap();
    assert!(refusal.reason.contains("different invoice under number 1"), "{refusal:?}");
    assert!(refusal.fix.contains("Retry"), "{refusal:?}");
    let audit = b.store.read(|c| store::audit::recent(c, 100)).unwrap();
    assert!(audit.iter().any(|e| e.action == "foreign_document_under_number"), "{audit:?}");

    // The owner checked and presses Retry: B's sale goes out under KRA's next number.
    let now = b.clock.now_for_test();
    b.store.write(|tx| store::outbox::unpark(tx, parked[0].id, now)).unwrap();
    let report = b.engine.drain().await.unwrap();
    assert_eq!(report.parked, 0, "{report:?}");
    let b_row = b.store.read(|c| store::outbox::row(c, parked[0].id)).unwrap();
    assert_eq!(b_row.state, OutboxState::Done);
    let _ = b_sale;

    // Every signature each till stores is of its own document.
    for t in [&a, &b] {
        for (invc_no, total) in t.signed() {
            assert_eq!(kra_total(&sim, invc_no), total, "KRA's invoice {invc_no} is not this till's sale");
        }
    }
    assert_eq!(b.signed().iter().map(|(n, _)| *n).collect::<Vec<_>>(), [2]);
    sim.shutdown().await;
}
