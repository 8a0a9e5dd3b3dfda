//! The background worker: woken by a commit, "sync now", progress on a watch channel.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{self, Shop};
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

/// One sender per database: while another process holds the sending lock beside the database,
/// this engine sends nothing and its progress says why; engines of one process share the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sender_on_the_same_database_does_not_drain() {
    use std::sync::Arc;

    let shop = Shop::open(Duration::from_secs(5), 10).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("duka.db");
    let engine_on = |store: &Arc<store::Store>| {
        sync::Engine::new(
            store.clone(),
            std::sync::Arc::new(common::client_for(&shop.sim, Duration::from_secs(5))),
            shop.clock.clone(),
            sync::SyncConfig::new("wanjiku", "Wanjiku Kamau"),
        )
    };
    let store = Arc::new(store::Store::open(&db).unwrap());
    let engine = engine_on(&store);

    // "Another process": its own open file description holding the lock.
    let other = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(sync::lock_file_path(&db));
    let other = other.unwrap();
    other.try_lock().unwrap();
    let refused = engine.drain().await.unwrap_err();
    assert!(matches!(refused, sync::Error::AnotherSender), "{refused}");
    assert!(refused.to_string().contains("another Duka on this computer is sending to KRA"), "{refused}");
    assert!(matches!(engine.recover_after_restart(), Err(sync::Error::AnotherSender)));
    let p = engine.progress();
    assert_eq!(p.last_error.as_deref(), Some(refused.to_string().as_str()), "{p:?}");

    // It stops: this engine takes over, and the progress no longer shows the refusal.
    drop(other);
    engine.drain().await.unwrap();
    assert_eq!(engine.progress().last_error, None);
    // A second engine of this process (the app reconnecting) shares the right to send...
    let again = engine_on(&Arc::new(store::Store::open(&db).unwrap()));
    again.drain().await.unwrap();
    // ...and another process is now the one refused.
    let late = std::fs::OpenOptions::new().write(true).open(sync::lock_file_path(&db)).unwrap();
    assert!(matches!(late.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
    drop((engine, again));
    late.try_lock().unwrap();
}
