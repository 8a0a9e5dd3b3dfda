//! Test fixtures shared by the store's unit tests: items, rates, metadata.

use domain::{DateTime, Item, ItemCode, ItemCodeParts, ItemType, Money, TaxBand, TaxRates};

use crate::CommitMeta;

pub(crate) fn rates() -> TaxRates {
    TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
}

pub(crate) fn now() -> DateTime {
    DateTime::parse_kra("20261121100000").unwrap()
}

pub(crate) fn meta() -> CommitMeta<'static> {
    CommitMeta { at: now(), user: "wanjiku", approver: None, training: false }
}

pub(crate) fn code(seq: u32, item_type: ItemType) -> ItemCode {
    ItemCode::build(&ItemCodeParts {
        origin: "KE".into(),
        item_type,
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        sequence: seq,
    })
    .unwrap()
}

pub(crate) fn item_of(seq: u32, name: &str, barcode: Option<&str>, item_type: ItemType, band: TaxBand) -> Item {
    Item {
        code: code(seq, item_type),
        name: name.into(),
        class_code: "5020230500".into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: band,
        default_price: Money::from_cents(18_000),
        barcode: barcode.map(Into::into),
        active: true,
    }
}

pub(crate) fn item(seq: u32, name: &str, barcode: Option<&str>) -> Item {
    item_of(seq, name, barcode, ItemType::Finished, TaxBand::B)
}

/// A store with four items registered (sugar and flour with stock, a delivery service, gas), and
/// the registration rows already done, as after a sync.
pub(crate) fn shop() -> (crate::Store, Vec<Item>) {
    use domain::{Qty, StockMoveType, StockMovement};
    let store = crate::Store::open_in_memory().unwrap();
    let items = vec![
        item_of(1, "Sugar 1kg", Some("6161100120015"), ItemType::Finished, TaxBand::B),
        item_of(2, "Maize flour 2kg", None, ItemType::Finished, TaxBand::A),
        item_of(3, "Delivery", None, ItemType::Service, TaxBand::B),
        item_of(4, "Cooking gas refill", None, ItemType::Finished, TaxBand::E),
    ];
    store
        .write(|tx| -> crate::Result<_> {
            for it in &items {
                crate::items::register_item(tx, it, &meta())?;
            }
            let moves: Vec<StockMovement> = [0usize, 1, 3]
                .iter()
                .map(|i| StockMovement::new(&items[*i], StockMoveType::AdjustmentIn, Qty::whole(50)).unwrap())
                .collect();
            crate::stock::commit_stock_adjustment(tx, &moves, Some("opening stock"), &meta())?;
            // Pretend sync sent everything so far.
            tx.execute("UPDATE outbox SET state = 'done', done_at = '20261121100000'", []).unwrap();
            Ok(())
        })
        .unwrap();
    (store, items)
}

pub(crate) fn sale_draft(lines: &[(u32, ItemType, i64)], pin: Option<&str>) -> domain::SaleDraft {
    domain::SaleDraft {
        lines: lines
            .iter()
            .map(|(seq, t, q)| domain::SaleLineDraft {
                item: code(*seq, *t),
                qty: domain::Qty::whole(*q),
                unit_price: None,
                discount: domain::Discount::None,
            })
            .collect(),
        buyer_pin: pin.map(Into::into),
        buyer_name: pin.map(|_| "Mama Mboga Ltd".into()),
        payment: domain::PaymentType::MobileMoney,
    }
}

/// Finalises a draft against the store's catalogue, as the app will.
pub(crate) fn finalise(store: &crate::Store, draft: &domain::SaleDraft) -> domain::Invoice {
    let catalogue = store.read(|c| crate::LoadedCatalogue::for_sale(c, draft)).unwrap();
    draft.finalise(&catalogue, &rates(), domain::StockPolicy::Refuse).unwrap()
}

/// Claims up to `limit` rows of any kind that are ready at `now`, oldest first, as the drain's
/// lanes do between them.
pub(crate) fn claim_ready(tx: &crate::Tx<'_>, now: DateTime, limit: usize) -> crate::Result<Vec<crate::OutboxRow>> {
    let ready = crate::outbox::ready_rows(tx, &crate::OutboxKind::ALL, now, limit)?;
    ready.into_iter().map(|id| crate::outbox::claim_row(tx, id)).collect()
}
