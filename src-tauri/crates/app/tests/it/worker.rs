//! The desktop shape: a training shop opened with the background sync worker, which sends a
//! committed sale without being asked and pushes its progress; closed and reopened, the training
//! KRA keeps its books.

use std::time::Duration;

use app::{AppOptions, Duka, SaleLineRequest, SaleRequest, TrainingRequest};
use domain::{Discount, PaymentType, Qty};

/// Waits, woken by the worker's progress, until the store shows nothing waiting (a guard fails
/// a hung test).
async fn settled(duka: &Duka) -> sync::Progress {
    let mut progress = duka.subscribe_progress().expect("the worker runs");
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            progress.borrow_and_update();
            let outbox = duka.status().expect("the status reads").outbox;
            if outbox.pending == 0 && outbox.in_flight == 0 {
                return duka.progress().expect("the engine reports");
            }
            progress.changed().await.expect("the worker is alive");
        }
    })
    .await
    .expect("the worker settles")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_sends_what_is_committed_and_training_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let options = || AppOptions { spawn_sync_worker: true, ..AppOptions::default() };
    let duka = Duka::open(&db, options()).await.unwrap();
    duka.create_owner(crate::OWNER.0, crate::OWNER.1).unwrap();
    assert!(duka.subscribe_progress().is_none(), "no worker before set-up");
    duka.start_training(&TrainingRequest { shop_name: "Practice Kiosk".into() }).await.unwrap();
    duka.seed_demo_catalogue().unwrap();
    let admin = duka.training_admin_url().await.unwrap();
    assert!(admin.starts_with("http://127.0.0.1:"), "{admin}");
    let p = settled(&duka).await;
    assert_eq!(p.parked, 0, "{p:?}");

    let line =
        SaleLineRequest { item: "2009900000019".into(), qty: Qty::whole(2), price: None, discount: Discount::None };
    let sale = duka
        .make_sale(&SaleRequest {
            lines: vec![line.clone()],
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Cash,
        })
        .unwrap();
    assert_eq!(sale.trader_no, "TRN-000001");
    let p = settled(&duka).await;
    assert!(p.online && p.parked == 0, "{p:?}");
    assert_eq!(duka.sales(10).unwrap()[0].kra.state, "signed");
    duka.shutdown().await;
    drop(duka);

    // Reopened: a new port for the training KRA, the same books (its invoice numbers continue).
    let duka = Duka::open(&db, options()).await.unwrap();
    duka.sign_in(crate::OWNER.0, crate::OWNER.1).unwrap();
    assert_ne!(duka.training_admin_url().await.unwrap(), admin);
    let again = duka
        .make_sale(&SaleRequest { lines: vec![line], buyer_pin: None, buyer_name: None, payment: PaymentType::Cash })
        .unwrap();
    assert_eq!(again.trader_no, "TRN-000002");
    settled(&duka).await;
    let sales = duka.sales(10).unwrap();
    assert_eq!(sales[0].kra.kra_invoice_no, Some(2), "{sales:?}");
    duka.shutdown().await;
}
