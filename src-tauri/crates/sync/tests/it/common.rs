//! A shop wired to a running simulator: device initialised, code lists pulled, items registered
//! with opening stock accepted by KRA. Helpers commit sales with `store` as the app will.

#![allow(dead_code, clippy::unwrap_used)]

use std::{sync::Arc, time::Duration};

use domain::{
    DateTime, Discount, Item, ItemCode, ItemCodeParts, ItemType, Money, PaymentType, Qty, SaleDraft, SaleLineDraft,
    StockMoveType, StockMovement, StockPolicy, TaxBand,
};
use oscu_sim::{DeviceSpec, RunningSim, SimConfig, Simulator};
use store::{CommitMeta, LoadedCatalogue, Store};
use sync::{Engine, ManualClock, PullList, SyncConfig};

pub const TIN: &str = "P051234567X";
pub const BHF: &str = "00";
pub const SERIAL: &str = "SIM-SYNC-0001";

pub fn at(s: &str) -> DateTime {
    DateTime::parse_kra(s).unwrap()
}

pub struct Shop {
    pub sim: RunningSim,
    pub store: Arc<Store>,
    pub clock: Arc<ManualClock>,
    pub engine: Engine,
    pub items: Vec<Item>,
    pub client: Arc<oscu::Client>,
}

/// A simulator on loopback knowing the test device.
pub async fn sim() -> RunningSim {
    Simulator::start(SimConfig::loopback(vec![DeviceSpec {
        tin: TIN.into(),
        bhf_id: BHF.into(),
        serial: SERIAL.into(),
    }]))
    .await
    .unwrap()
}

pub fn client_for(sim: &RunningSim, timeout: Duration) -> oscu::Client {
    let mut config = oscu::ClientConfig::new(oscu::FrontDoor::Direct { base_url: sim.base_url_direct() }, TIN, BHF);
    config.timeout = timeout;
    config.connect_timeout = Duration::from_secs(2);
    oscu::Client::new(config).unwrap()
}

pub fn item(seq: u32, name: &str, item_type: ItemType, band: TaxBand, price_cents: i64) -> Item {
    Item {
        code: ItemCode::build(&ItemCodeParts {
            origin: "KE".into(),
            item_type,
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
            sequence: seq,
        })
        .unwrap(),
        name: name.into(),
        class_code: "5010000000".into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: band,
        default_price: Money::from_cents(price_cents),
        barcode: None,
        active: true,
    }
}

pub fn meta(at: DateTime) -> CommitMeta<'static> {
    CommitMeta { at, user: "wanjiku", approver: None, training: false }
}

impl Shop {
    /// A simulator, an initialised device, code lists pulled, and `items` registered with
    /// `opening` units of stock each (goods only), all accepted by KRA.
    pub async fn open(timeout: Duration, opening: i64) -> Shop {
        let sim = sim().await;
        let client = client_for(&sim, timeout);
        let info = client.initialize(SERIAL).await.unwrap();
        client.set_cmc_key(info.cmc_key.clone().unwrap());
        let client = Arc::new(client);
        let store = Arc::new(Store::open_in_memory().unwrap());
        let clock = Arc::new(ManualClock::new(at("20261121080000")));
        let mut config = SyncConfig::new("wanjiku", "Wanjiku Kamau");
        config.base_backoff = Duration::from_secs(2);
        config.max_backoff = Duration::from_secs(60);
        let engine = Engine::new(store.clone(), client.clone(), clock.clone(), config);
        let pulled = engine.pull(&[PullList::CodeList]).await.unwrap();
        assert!(pulled.failed.is_empty(), "{pulled:?}");
        let items = vec![
            item(1, "Sugar 1kg", ItemType::Finished, TaxBand::B, 18_000),
            item(2, "Maize flour 2kg", ItemType::Finished, TaxBand::A, 21_050),
            item(3, "Delivery", ItemType::Service, TaxBand::B, 10_000),
        ];
        let shop = Shop { sim, store, clock, engine, items, client };
        shop.store
            .write(|tx| -> store::Result<_> {
                for it in &shop.items {
                    store::items::register_item(tx, it, &meta(shop.clock.now_for_test()))?;
                }
                let moves: Vec<StockMovement> = shop
                    .items
                    .iter()
                    .filter(|i| i.item_type.carries_stock())
                    .map(|i| StockMovement::new(i, StockMoveType::AdjustmentIn, Qty::whole(opening)).unwrap())
                    .collect();
                store::stock::commit_stock_adjustment(
                    tx,
                    &moves,
                    Some("opening stock"),
                    &meta(shop.clock.now_for_test()),
                )?;
                Ok(())
            })
            .unwrap();
        let report = shop.engine.drain().await.unwrap();
        assert_eq!(report.parked, 0, "{report:?} {:?}", shop.store.read(store::outbox::parked).unwrap());
        assert_eq!(shop.engine.progress().pending, 0, "{:?}", shop.engine.progress());
        shop
    }

    /// Commits a sale of `qty` of each item index in `lines`.
    pub fn sell(&self, lines: &[(usize, i64)]) -> store::CommittedSale {
        self.sell_with(lines, StockPolicy::Refuse)
    }

    /// Registers one more item (queued for KRA).
    pub fn register(&mut self, item: Item) {
        let now = self.clock.now_for_test();
        self.store.write(|tx| store::items::register_item(tx, &item, &meta(now))).unwrap();
        self.items.push(item);
    }

    pub fn sell_with(&self, lines: &[(usize, i64)], policy: StockPolicy) -> store::CommittedSale {
        let draft = SaleDraft {
            lines: lines
                .iter()
                .map(|(i, q)| SaleLineDraft {
                    item: self.items[*i].code.clone(),
                    qty: Qty::whole(*q),
                    unit_price: None,
                    discount: Discount::None,
                })
                .collect(),
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Cash,
        };
        let now = self.clock.now_for_test();
        let (catalogue, rates) =
            self.store.read(|c| Ok((LoadedCatalogue::for_sale(c, &draft)?, store::reference::tax_rates(c)?))).unwrap();
        let invoice = draft.finalise(&catalogue, &rates, policy).unwrap();
        self.store.write(|tx| store::sales::commit_sale(tx, &invoice, &meta(now))).unwrap()
    }

    /// The app restarted: a new engine over the same database and the same KRA client.
    pub fn restarted(&self) -> Engine {
        Engine::new(self.store.clone(), self.client.clone(), self.clock.clone(), self.engine.config().clone())
    }

    /// KRA's accepted sales: `(invcNo, trdInvcNo, curRcptNo)` in number order.
    pub fn kra_sales(&self) -> Vec<(u64, String, u64)> {
        let sales = self.sim.state("sales", TIN, BHF).unwrap();
        let mut out: Vec<(u64, String, u64)> = sales
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["request"]["invcNo"].as_u64().unwrap(),
                    s["request"]["trdInvcNo"].as_str().unwrap().to_owned(),
                    s["receipt"]["curRcptNo"].as_u64().unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// Our signatures: `(trader_no, invoice_no, receipt signature)` for every sale, in commit order.
    pub fn our_signatures(&self) -> Vec<(String, Option<i64>, Option<String>)> {
        self.store
            .read(|c| {
                let ids: Vec<i64> =
                    store::sales::list_sales(c, None, usize::MAX)?.into_iter().rev().map(|s| s.id).collect();
                let mut out = Vec::new();
                for id in ids {
                    let sale = store::sales::load_sale(c, id)?;
                    let sig = store::sales::sale_signature(c, id)?;
                    out.push((
                        sale.trader_no,
                        sig.as_ref().map(|s| s.invoice_no),
                        sig.and_then(|s| s.receipt_signature),
                    ));
                }
                Ok(out)
            })
            .unwrap()
    }
}

pub trait NowForTest {
    fn now_for_test(&self) -> DateTime;
}

impl NowForTest for ManualClock {
    fn now_for_test(&self) -> DateTime {
        sync::Clock::now(self)
    }
}
