//! Pulls of KRA's lists with one cursor each, against the simulator's feeds.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{self, BHF, Shop, TIN};
use oscu_sim::{Fault, FaultRule, sample};
use sync::{Clock, PullList, SystemClock};

fn cursor(shop: &Shop, list: PullList) -> Option<String> {
    shop.store.read(|c| store::settings::sync_cursor(c, list.cursor_name())).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_is_pulled_stored_and_its_cursor_moved_only_after_storing() {
    let shop = Shop::open(Duration::from_secs(5), 10).await;
    shop.clock.set(SystemClock.now());
    shop.sim.add_notice("System upgrade", "eTIMS will be down on Sunday 02:00-04:00.").unwrap();
    shop.sim.add_import(TIN, BHF, sample::import_item("2231943", "20112026")).unwrap();
    shop.sim.add_supplier_sale(TIN, BHF, sample::supplier_sale(41)).unwrap();

    // Cursors move to one second before the question, so nothing changed in that second is lost.
    let asked_at = oscu::time::format_date_time(sync::sub_duration(shop.clock.now(), Duration::from_secs(1)));
    let report = shop.engine.pull(&[PullList::All]).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    let stored: std::collections::BTreeMap<_, _> = report.stored.iter().map(|(l, n)| (l.cursor_name(), *n)).collect();
    assert!(stored["selectItemClsList"] > 10, "{stored:?}");
    assert!(stored["selectBhfList"] >= 1, "{stored:?}");
    assert_eq!(stored["selectImportItemList"], 1, "{stored:?}");
    assert_eq!(stored["selectTrnsPurchaseSalesList"], 1, "{stored:?}");
    for list in PullList::EACH {
        assert_eq!(cursor(&shop, list).as_deref(), Some(asked_at.as_str()), "{list:?}");
    }

    let notices = shop.store.read(store::reference::notices).unwrap();
    assert!(notices.iter().any(|n| n.title == "System upgrade" && !n.read), "{notices:?}");
    let imports = shop.store.read(|c| store::imports::imported_items(c, true)).unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(
        (imports[0].item.task_code.as_str(), imports[0].item.declaration_date.as_str()),
        ("2231943", "20112026")
    );
    let purchases = shop.store.read(|c| store::purchases::feed_purchases(c, true)).unwrap();
    assert_eq!(purchases.len(), 1);
    let p = &purchases[0].purchase;
    assert_eq!((p.supplier_pin.as_str(), p.supplier_invoice_no), ("P000111222Z", 41));
    assert_eq!(p.total_amount, domain::Money::from_cents(11_600));
    assert_eq!(p.lines[0].taxable, domain::Money::from_cents(10_000));
    assert!(shop.store.read(store::reference::branches).unwrap().iter().any(|b| b.tin == TIN));

    // A failing list keeps its cursor; the others still move.
    shop.clock.advance(Duration::from_secs(3600));
    shop.sim
        .set_faults(vec![FaultRule { function: "selectNoticeList".into(), call: None, fault: Fault::Reset }])
        .unwrap();
    let later = oscu::time::format_date_time(sync::sub_duration(shop.clock.now(), Duration::from_secs(1)));
    let report = shop.engine.pull(&[PullList::Notices, PullList::Branches]).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].0, PullList::Notices);
    assert_eq!(cursor(&shop, PullList::Notices).as_deref(), Some(asked_at.as_str()));
    assert_eq!(cursor(&shop, PullList::Branches).as_deref(), Some(later.as_str()));

    // Pulling again after recovery stores the notice once (no duplicates), and a new one too.
    shop.sim.clear_faults();
    shop.sim.add_notice("New rates", "Nothing changes for band B.").unwrap();
    let report = shop.engine.pull(&[PullList::Notices]).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    let again = shop.store.read(store::reference::notices).unwrap();
    assert_eq!(again.iter().filter(|n| n.title == "System upgrade").count(), 1);
    assert!(again.iter().any(|n| n.title == "New rates"));
    assert_eq!(cursor(&shop, PullList::Notices).as_deref(), Some(later.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_from_kras_feed_is_confirmed_in_its_own_series_and_its_stock_reaches_kra() {
    let shop = Shop::open(Duration::from_secs(5), 10).await;
    shop.sim.add_supplier_sale(TIN, BHF, sample::supplier_sale(7)).unwrap();
    shop.engine.pull(&[PullList::Purchases]).await.unwrap();
    let feed = shop.store.read(|c| store::purchases::feed_purchases(c, true)).unwrap();
    assert_eq!(feed.len(), 1);
    let fp = &feed[0].purchase;
    let draft = domain::PurchaseDraft {
        source: domain::PurchaseSource::KraFeed,
        supplier_pin: Some(fp.supplier_pin.clone()),
        supplier_name: fp.supplier_name.clone(),
        supplier_branch: Some(fp.supplier_branch.clone()),
        supplier_invoice_no: Some(fp.supplier_invoice_no),
        date: domain::Date::parse_kra("20261121").unwrap(),
        payment: domain::PaymentType::Cash,
        lines: fp
            .lines
            .iter()
            .map(|l| domain::PurchaseLineDraft {
                supplier_item_code: l.item_code.clone(),
                supplier_item_name: l.name.clone(),
                supplier_class_code: l.class_code.clone(),
                qty: l.qty,
                unit_price: l.unit_price,
                discount: l.discount,
                band: l.band,
                own_item: Some(shop.items[0].code.clone()),
            })
            .collect(),
        stated_total: Some(fp.total_amount),
    };
    let (catalogue, rates) = shop
        .store
        .read(|c| Ok((store::LoadedCatalogue::for_purchase(c, &draft)?, store::reference::tax_rates(c)?)))
        .unwrap();
    let purchase = draft.finalise(&catalogue, &rates).unwrap();
    let now = shop.clock.now();
    shop.store
        .write(|tx| store::purchases::commit_purchase(tx, Some(feed[0].id), &purchase, &common::meta(now)))
        .unwrap();
    let report = shop.engine.drain().await.unwrap();
    // The purchase, its stock movement (02) and the stock balance.
    assert_eq!((report.accepted, report.parked), (3, 0), "{report:?}");
    let kra = shop.sim.state("purchases", TIN, BHF).unwrap();
    assert_eq!(kra.as_array().unwrap().len(), 1, "{kra}");
    let counters = shop.sim.state("counters", TIN, BHF).unwrap();
    assert_eq!(counters["nextPurchaseInvcNo"], 2, "{counters}");
    // Opening 10 plus the one bag bought.
    assert_eq!(shop.sim.stock_total(TIN, BHF, shop.items[0].code.as_str()), domain::Qty::whole(11));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_feed_purchase_stays_in_duka_and_is_neither_sent_nor_parked() {
    let shop = Shop::open(Duration::from_secs(5), 10).await;
    shop.sim.add_supplier_sale(TIN, BHF, sample::supplier_sale(8)).unwrap();
    shop.engine.pull(&[PullList::Purchases]).await.unwrap();
    let feed = shop.store.read(|c| store::purchases::feed_purchases(c, true)).unwrap();
    assert_eq!(feed.len(), 1);
    let now = shop.clock.now();
    shop.store.write(|tx| store::purchases::reject_feed_purchase(tx, feed[0].id, &common::meta(now))).unwrap();
    let report = shop.engine.drain().await.unwrap();
    assert_eq!((report.kept_locally, report.accepted, report.parked), (1, 0, 0), "{report:?}");
    let progress = shop.engine.progress();
    assert_eq!((progress.pending, progress.parked), (0, 0), "{progress:?}");
    // Nothing reached KRA: no purchase and the purchase series untouched.
    assert_eq!(shop.sim.state("purchases", TIN, BHF).unwrap().as_array().map_or(0, Vec::len), 0);
    assert_eq!(shop.sim.state("counters", TIN, BHF).unwrap()["nextPurchaseInvcNo"], 1);
    let audit = shop.store.read(|c| store::audit::recent(c, 5)).unwrap();
    assert!(audit.iter().any(|a| a.action == "kept_in_duka_only"), "{audit:?}");
}
