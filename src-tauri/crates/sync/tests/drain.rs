//! The drain against the strict simulator: offline then online, every fault converging
//! exactly once, refusals parked without blocking unrelated documents, counter realignment, stock
//! master running totals.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{BHF, Shop, TIN};
use oscu_sim::{Fault, FaultRule};

fn down() -> Vec<FaultRule> {
    vec![FaultRule { function: "*".into(), call: None, fault: Fault::Reset }]
}

/// Drains until nothing is pending, moving the clock past every backoff.
async fn drain_until_settled(shop: &Shop) {
    for _ in 0..50 {
        shop.engine.drain().await.unwrap();
        if shop.engine.progress().pending == 0 {
            return;
        }
        shop.clock.advance(Duration::from_secs(61));
    }
    panic!("the outbox did not settle: {:?}", shop.engine.progress());
}

fn assert_signed_in_order_once(shop: &Shop, sales: usize) {
    let kra = shop.kra_sales();
    let ours = shop.our_signatures();
    assert_eq!(ours.len(), sales);
    // KRA holds each sale once, numbered 1..=n with no gap, in commit order.
    assert_eq!(kra.len(), sales, "KRA holds {} sales for {sales} committed", kra.len());
    for (i, ((invc, trd, _), (our_trd, our_no, our_sign))) in kra.iter().zip(&ours).enumerate() {
        assert_eq!(*invc, i as u64 + 1);
        assert_eq!(trd, our_trd, "invoice {invc}");
        assert_eq!(*our_no, Some(*invc as i64), "{our_trd}");
        assert!(our_sign.as_ref().is_some_and(|s| s.len() == 16), "{our_trd} has no signature");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_sales_offline_then_online_are_signed_in_order_without_gaps_or_duplicates() {
    let shop = Shop::open(Duration::from_secs(5), 1000).await;
    shop.sim.set_faults(down()).unwrap();
    for i in 0..500 {
        shop.sell(&[(i % 2, 1), (2, 1)]);
    }
    let offline = shop.engine.drain().await.unwrap();
    assert_eq!(offline.settled(), 0, "{offline:?}");
    let p = shop.engine.progress();
    assert!(!p.online, "{p:?}");
    assert!(p.pending >= 500, "{p:?}");
    assert!(shop.kra_sales().is_empty());

    shop.sim.clear_faults();
    shop.clock.advance(Duration::from_secs(61));
    drain_until_settled(&shop).await;
    assert!(shop.engine.progress().online);
    assert_eq!(shop.engine.progress().parked, 0);
    assert_signed_in_order_once(&shop, 500);
    // KRA's stock is what Duka sent: opening 1000 each, 250 of each sold.
    for i in 0..2 {
        assert_eq!(shop.sim.stock_total(TIN, BHF, shop.items[i].code.as_str()), domain::Qty::whole(750));
    }
}

fn faults_to_try() -> Vec<Fault> {
    vec![
        Fault::LatencyMs { ms: 50 },
        Fault::HttpStatus { status: 503 },
        Fault::HttpStatus { status: 500 },
        Fault::Reset,
        Fault::MalformedBody,
        Fault::GatewayFailure200,
        Fault::RecordThenHang { secs: 3 },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_every_call_converges_with_each_document_signed_exactly_once() {
    for function in ["saveTrnsSalesOsdc", "insertStockIO", "saveStockMaster"] {
        for fault in faults_to_try() {
            let case = format!("{fault:?} on {function}");
            // The client gives up after 1 s, so "recorded, then hung" is an unknown outcome.
            let shop = Shop::open(Duration::from_secs(1), 100).await;
            // Hit the second call and, for good measure, the fourth.
            shop.sim
                .set_faults(vec![
                    FaultRule { function: function.into(), call: Some(2), fault: fault.clone() },
                    FaultRule { function: function.into(), call: Some(4), fault: fault.clone() },
                ])
                .unwrap();
            for i in 0..6 {
                shop.sell(&[(i % 2, 2), (2, 1)]);
            }
            drain_until_settled(&shop).await;
            let p = shop.engine.progress();
            assert_eq!((p.parked, p.pending, p.in_flight), (0, 0, 0), "{case}: {p:?}");
            assert_signed_in_order_once(&shop, 6);
            // Stock: one accepted movement per sale plus the opening stock, and KRA's totals match ours.
            let io = shop.sim.state("stock_io", TIN, BHF).unwrap();
            assert_eq!(io.as_array().unwrap().len(), 1 + 6, "{case}: KRA's stock movements");
            for i in 0..2 {
                let code = shop.items[i].code.clone();
                let ours = shop.store.read(|c| store::stock::on_hand(c, &code)).unwrap();
                assert_eq!(ours, domain::Qty::whole(94), "{case}");
                assert_eq!(shop.sim.stock_total(TIN, BHF, code.as_str()), ours, "{case}");
            }
            shop.sim.shutdown().await;
        }
    }
}
