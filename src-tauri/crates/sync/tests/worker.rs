//! The background worker: woken by a commit, "sync now", progress on a watch channel.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::Shop;
use oscu_sim::{Fault, FaultRule};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_woken_worker_signs_the_sale_and_publishes_progress() {
    let shop = Shop::open(Duration::from_secs(5), 10).await;
    let handle = shop.engine.clone().spawn();
    let mut progress = handle.subscribe();
    let sale = shop.sell(&[(0, 1), (2, 1)]);
    handle.wake();
    loop {
        let p = progress.borrow_and_update().clone();
        let signed = shop.store.read(|c| store::sales::sale_signature(c, sale.id)).unwrap();
        if p.pending == 0 && p.in_flight == 0 && signed.is_some() {
            assert!(p.online && p.last_success.is_some(), "{p:?}");
            break;
        }
        progress.changed().await.unwrap();
    }

    // The line goes down: "sync now" reports the failure and the worker says offline.
    shop.sim.set_faults(vec![FaultRule { function: "*".into(), call: None, fault: Fault::Reset }]).unwrap();
    shop.sell(&[(1, 1)]);
    // (The worker's own loop may have tried first; either way the sale waits for its backoff.)
    let report = handle.sync_now().await.unwrap();
    assert_eq!(report.accepted, 0, "{report:?}");
    let p = handle.subscribe().borrow().clone();
    assert!(!p.online && p.pending == 3 && p.last_error.is_some(), "{p:?}");
    assert_eq!(shop.kra_sales().len(), 1);

    // Back up: once the backoff has passed, "sync now" leaves nothing behind (the worker's own
    // loop may already have sent it).
    shop.sim.clear_faults();
    shop.clock.advance(Duration::from_secs(61));
    handle.sync_now().await.unwrap();
    let p = handle.subscribe().borrow().clone();
    assert!(p.online && p.pending == 0 && p.parked == 0, "{p:?}");
    assert_eq!(shop.kra_sales().len(), 2);
    handle.shutdown().await;
}
