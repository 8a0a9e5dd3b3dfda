//! Upgrading a database written by the first schema (tests/fixtures/v1.db, made by
//! `cargo run -p store --example make_v1_fixture`): every migration applies and the data survives.

use domain::{DateTime, ItemCode, ItemType, Qty, TaxBand};
use rusqlite::Connection;
use store::{
    KraCounter, KraStatus, OutboxKind, SecretName, Store, items, migrations, numbering, outbox, reference, sales,
    settings, stock,
};

use crate::fixture::fixture_copy;

fn code(s: &str) -> ItemCode {
    ItemCode::parse(s).expect("a valid item code")
}

#[test]
fn the_fixture_is_schema_one() {
    let (_dir, path) = fixture_copy();
    let c = Connection::open(&path).unwrap();
    let version: i64 = c.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
    let has_search: bool = c
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'item_search')", [], |r| r.get(0))
        .unwrap();
    assert!(!has_search);
}

#[test]
fn a_first_release_database_upgrades_and_keeps_its_data() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest_version());

    store
        .read(|c| {
            // Sales read back exactly.
            let sale = sales::load_sale(c, 1)?;
            assert_eq!(sale.trader_no, "INV-000001");
            assert_eq!(sale.invoice.totals.total.cents(), 56_000);
            assert_eq!(sale.invoice.totals.band(TaxBand::B).tax.cents(), 7_725);
            assert_eq!(sale.invoice.lines[1].item_type, ItemType::Service);
            assert_eq!(sale.invoice.buyer_pin.as_ref().map(|p| p.as_str()), Some("P051234567X"));
            assert_eq!(sales::sale_signature(c, 1)?.map(|s| s.invoice_no), Some(1));
            let list = sales::list_sales(c, None, 10)?;
            assert_eq!(list[0].status, KraStatus::Pending { last_error: Some("timeout".into()) });
            assert_eq!(list[1].status, KraStatus::Signed { invoice_no: Some(1) });
            // Items existing before 0002 are searchable by name.
            let found = items::search_items(c, "maize", 5)?;
            assert_eq!(found.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["Maize flour 2kg"]);
            assert_eq!(items::item_by_barcode(c, "6161100120015")?.map(|i| i.name), Some("Sugar 1kg".into()));
            // Stock, settings, secrets, code lists, counters.
            assert_eq!(stock::on_hand(c, &code("KE2NTNO0000001"))?, Qty::whole(18));
            assert_eq!(stock::on_hand(c, &code("KE2NTNO0000002"))?, Qty::whole(9));
            // 0004 backfilled KRA's running stock totals from the accepted movements.
            for item in ["KE2NTNO0000001", "KE2NTNO0000002"] {
                assert_eq!(stock::kra_quantity(c, &code(item))?, stock::kra_quantity_recomputed(c, &code(item))?);
            }
            assert_eq!(settings::device_settings(c)?.map(|d| d.serial), Some("DUKA0001".into()));
            assert_eq!(
                settings::secret(c, SecretName::CommunicationKey)?.map(|k| k.expose().to_owned()),
                Some("FIXTURE-KEY-0001".into())
            );
            assert_eq!(reference::tax_rates(c)?.rate(TaxBand::B).hundredths(), 1600);
            assert_eq!(numbering::next_kra_number(c, KraCounter::SalesInvoice)?, 2);
            let counts = outbox::counts(c)?;
            assert_eq!((counts.pending, counts.in_flight, counts.parked), (3, 0, 1));
            Ok(())
        })
        .unwrap();

    // The outbox carries on where it stopped: the parked stock IO blocks only its stock master.
    let now = DateTime::parse_kra("20261121090000").unwrap();
    let claimed = store
        .write(|tx| {
            let ready = outbox::ready_rows(tx, &OutboxKind::ALL, now, 10)?;
            ready.into_iter().map(|id| outbox::claim_row(tx, id)).collect::<store::Result<Vec<_>>>()
        })
        .unwrap();
    assert_eq!(claimed.iter().map(|r| r.id).collect::<Vec<_>>(), [8]);

    // New documents continue the series; new items join the search index.
    let sugar = store.read(|c| items::item(c, &code("KE2NTNO0000001"))).unwrap().unwrap();
    let draft = domain::SaleDraft {
        lines: vec![domain::SaleLineDraft {
            item: sugar.code.clone(),
            qty: Qty::whole(1),
            unit_price: None,
            discount: domain::Discount::None,
        }],
        buyer_pin: None,
        buyer_name: None,
        payment: domain::PaymentType::Cash,
    };
    let rates = store.read(reference::tax_rates).unwrap();
    let catalogue = store.read(|c| store::LoadedCatalogue::for_sale(c, &draft)).unwrap();
    let invoice = draft.finalise(&catalogue, &rates, domain::StockPolicy::Refuse).unwrap();
    let meta = store::CommitMeta { at: now, user: "wanjiku", approver: None, training: false };
    let sale = store.write(|tx| sales::commit_sale(tx, &invoice, &meta)).unwrap();
    assert_eq!(sale.trader_no, "INV-000003");
    let rice = domain::Item { code: code("KE2NTNO0000004"), name: "Pishori rice 5kg".into(), barcode: None, ..sugar };
    store.write(|tx| items::register_item(tx, &rice, &meta)).unwrap();
    assert_eq!(store.read(|c| items::search_items(c, "pish", 5)).unwrap().len(), 1);
    drop(store);
    // Reopening the upgraded file applies nothing new.
    assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), migrations::latest_version());
}

#[test]
fn documents_from_before_the_chain_are_linked_in_order_at_the_first_open() {
    let (_dir, path) = fixture_copy();
    let documents: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT (SELECT count(*) FROM sales) + (SELECT count(*) FROM stock_documents)", [], |r| r.get(0))
        .unwrap();
    assert!(documents > 0, "the fixture holds documents to link");
    let store = Store::open(&path).unwrap();
    assert!(store.chain_at_open().is_intact(), "{:?}", store.chain_at_open());
    let whole = store.read(store::chain::verify_chain).unwrap();
    assert_eq!((whole.links_checked, whole.is_intact()), (documents, true));
    drop(store);
    // Linked once: the second open has nothing new to check, and finds nothing wrong.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.chain_at_open(), &store::chain::ChainReport::default());
}
