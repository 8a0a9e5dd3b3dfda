//! "Sync now" means now: after the line comes back, a manual sync sends at once what waits only
//! on its own retry time (KRA's rate limit is still honoured), and its summary says what waits,
//! why and until when.

use app::{AppOptions, Duka};
use domain::ItemType;
use oscu_sim::{Fault, FaultRule};

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_sync_after_the_line_comes_back_sends_at_once_and_says_what_waits() {
    let sim = common::sim("DUKA-NOW-1").await;
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner("Wanjiku", "2468").unwrap();
    duka.initialise_device(&common::init(&sim, "DUKA-NOW-1")).await.unwrap();
    duka.refresh().await.unwrap();
    let delivery = duka.register_item(&common::new_item("Delivery", ItemType::Service, 10_000)).unwrap();
    assert_eq!(duka.sync_now().await.unwrap().outbox.pending, 0);

    // The line drops; three sales wait.
    sim.set_faults(vec![FaultRule { function: "*".into(), call: None, fault: Fault::Reset }]).unwrap();
    for n in 1..=3 {
        duka.make_sale(&common::sale(delivery.code.as_str(), n)).unwrap();
    }
    let offline = duka.sync_now().await.unwrap();
    assert_eq!((offline.sent, offline.retrying), (0, 3), "{offline:?}");
    assert!(offline.waiting[0].starts_with("INV-000001: tried again at "), "{:?}", offline.waiting);
    assert_eq!(offline.waiting[1], "INV-000002: goes out right after INV-000001", "{:?}", offline.waiting);
    assert_eq!(offline.waiting[2], "INV-000003: goes out right after INV-000001", "{:?}", offline.waiting);

    // The line is back: Sync now sends at once, without waiting out the retry delay.
    sim.clear_faults();
    let back = duka.sync_now().await.unwrap();
    assert_eq!((back.sent, back.retrying, back.outbox.pending), (3, 0, 0), "{back:?}");
    assert!(back.waiting.is_empty(), "{:?}", back.waiting);

    // KRA's rate limit is honoured even by a manual sync.
    duka.make_sale(&common::sale(delivery.code.as_str(), 4)).unwrap();
    sim.set_faults(vec![FaultRule {
        function: "saveTrnsSalesOsdc".into(),
        call: None,
        fault: Fault::Refuse { code: "990".into(), message: "Too many requests".into() },
    }])
    .unwrap();
    let limited = duka.sync_now().await.unwrap();
    assert_eq!(limited.sent, 0, "{limited:?}");
    assert!(limited.waiting[0].contains("KRA asked Duka to slow down"), "{:?}", limited.waiting);
    sim.clear_faults();
    let still = duka.sync_now().await.unwrap();
    assert_eq!((still.sent, still.retrying), (0, 1), "the rate limit's time is KRA's: {still:?}");
    duka.shutdown().await;
    sim.shutdown().await;
}
