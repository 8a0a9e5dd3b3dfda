//! Shared set-up: a simulator with two branches of one taxpayer, initialised clients, and
//! builders of items, stock and sales from domain documents through `oscu::build`.

use std::{collections::BTreeMap, time::Duration};

use domain::{
    Item, ItemCode, ItemCodeParts, ItemType, Money, PaymentType, Qty, SaleDraft, SaleLineDraft, StockMoveType, TaxBand,
    TaxRates,
};
use oscu::{
    Client, ClientConfig, FrontDoor, Function,
    wire::{
        ItemSaveReq, SaleHeader, StockHeader, StockIOSaveReq, StockMasterSaveReq, TrnsSalesSaveWrReq,
        TrnsSalesSaveWrResData, UserStamp,
    },
};
use oscu_sim::{DeviceSpec, RunningSim, SimConfig, Simulator};
use serde_json::Value;

pub const PIN: &str = "P051234567X";
pub const SERIAL_00: &str = "SIM-00-0001";
pub const SERIAL_01: &str = "SIM-01-0001";
pub const BUYER: &str = "A000123456F";

pub fn devices() -> Vec<DeviceSpec> {
    vec![format!("{PIN}:00:{SERIAL_00}").parse().unwrap(), format!("{PIN}:01:{SERIAL_01}").parse().unwrap()]
}

pub async fn start() -> RunningSim {
    Simulator::start(SimConfig::loopback(devices())).await.unwrap()
}

pub fn direct(sim: &RunningSim, bhf: &str) -> Client {
    direct_with_timeout(sim, bhf, ClientConfig::DEFAULT_TIMEOUT)
}

pub fn direct_with_timeout(sim: &RunningSim, bhf: &str, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(FrontDoor::Direct { base_url: sim.base_url_direct() }, PIN, bhf);
    config.timeout = timeout;
    Client::new(config).unwrap()
}

pub fn gateway(sim: &RunningSim, bhf: &str) -> Client {
    let c = sim.gateway_credentials();
    let door = FrontDoor::Gateway {
        base_url: sim.base_url_gateway(),
        token_url: sim.token_url(),
        consumer_key: c.consumer_key.clone(),
        consumer_secret: oscu::SecretText::new(c.consumer_secret.clone()),
        apigee_app_id: c.app_id.clone(),
    };
    Client::new(ClientConfig::new(door, PIN, bhf)).unwrap()
}

/// A started simulator with an initialised direct-host client for branch 00.
pub struct Shop {
    pub sim: RunningSim,
    pub client: Client,
    /// Branch 00's communication key (the same device answers on both front doors).
    pub key: oscu::CmcKey,
}

pub async fn shop() -> Shop {
    let sim = start().await;
    let client = direct(&sim, "00");
    let key = client.initialize(SERIAL_00).await.unwrap().cmc_key.unwrap();
    Shop { sim, client, key }
}

pub fn user() -> UserStamp {
    UserStamp::by("till1", "Till One")
}

pub fn rates() -> TaxRates {
    TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
}

pub fn item(seq: u32, name: &str, band: TaxBand, price_cents: i64, item_type: ItemType) -> Item {
    let pkg = if item_type == ItemType::Service { "OU" } else { "NT" };
    let class = if item_type == ItemType::Service { "8010150000" } else { "5020230000" };
    Item {
        code: ItemCode::build(&ItemCodeParts {
            origin: "KE".into(),
            item_type,
            pkg_unit: pkg.into(),
            qty_unit: "NO".into(),
            sequence: seq,
        })
        .unwrap(),
        name: name.into(),
        class_code: class.into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: pkg.into(),
        qty_unit: "NO".into(),
        tax_band: band,
        default_price: Money::from_cents(price_cents),
        barcode: None,
        active: true,
    }
}

pub async fn register(client: &Client, item: &Item) {
    client.save_item(&ItemSaveReq::from_item(item, &user()).unwrap()).await.unwrap();
}

pub fn stock_request(sar_no: u64, kind: StockMoveType, moves: &[(&Item, Qty)]) -> StockIOSaveReq {
    StockIOSaveReq::from_items(&stock_header(sar_no, kind), moves, &rates()).unwrap()
}

pub async fn stock_in(client: &Client, sar_no: u64, moves: &[(&Item, Qty)]) {
    client.insert_stock_io(&stock_request(sar_no, StockMoveType::AdjustmentIn, moves)).await.unwrap();
}

pub fn master(item: &Item, qty: Qty) -> StockMasterSaveReq {
    StockMasterSaveReq::new(&item.code, qty, &user()).unwrap()
}

pub fn header(invc_no: u64) -> SaleHeader {
    let at = domain::DateTime::parse_kra("20261121101500").unwrap();
    SaleHeader {
        invc_no,
        trd_invc_no: format!("INV-{invc_no:04}"),
        confirmed_at: at,
        receipt_published_at: at,
        stock_released_at: Some(at),
        user: user(),
        trade_name: None,
        address: None,
        top_message: None,
        bottom_message: None,
        buyer_mobile: None,
        remark: None,
    }
}

/// A sale request built by the domain and `oscu::build`, exactly as the app would send it.
pub fn sale(invc_no: u64, lines: &[(&Item, Qty)], buyer: Option<&str>) -> TrnsSalesSaveWrReq {
    TrnsSalesSaveWrReq::from_invoice(&invoice(lines, buyer), &header(invc_no)).unwrap()
}

/// The domain's invoice for these lines at the items' default prices.
pub fn invoice(lines: &[(&Item, Qty)], buyer: Option<&str>) -> domain::Invoice {
    let catalogue: BTreeMap<ItemCode, (Item, Qty)> =
        lines.iter().map(|(i, _)| (i.code.clone(), ((*i).clone(), Qty::whole(1_000_000)))).collect();
    let draft = SaleDraft {
        lines: lines
            .iter()
            .map(|(i, q)| SaleLineDraft {
                item: i.code.clone(),
                qty: *q,
                unit_price: None,
                discount: Default::default(),
            })
            .collect(),
        buyer_pin: buyer.map(str::to_owned),
        buyer_name: buyer.map(|_| "Buyer Ltd".to_owned()),
        payment: PaymentType::Cash,
    };
    draft.finalise(&catalogue, &rates(), domain::StockPolicy::Refuse).unwrap()
}

pub fn stock_header(sar_no: u64, kind: StockMoveType) -> StockHeader {
    StockHeader {
        sar_no,
        org_sar_no: 0,
        kind,
        occurred_on: domain::Date::new(2026, 11, 21).unwrap(),
        counterparty_pin: None,
        counterparty_name: None,
        counterparty_branch: None,
        remark: None,
        user: user(),
    }
}

pub async fn sell(client: &Client, request: &TrnsSalesSaveWrReq) -> oscu::Result<TrnsSalesSaveWrResData> {
    client.save_sales(request).await
}

/// The request as JSON, to break on purpose.
pub fn json_of<T: serde::Serialize>(request: &T) -> Value {
    serde_json::to_value(request).unwrap()
}

/// Sends raw JSON through the client (real headers, real answer reading).
pub async fn send(client: &Client, function: Function, body: &Value) -> oscu::Result<Option<Value>> {
    client.send_json::<Value>(function, serde_json::to_vec(body).unwrap()).await
}

/// The KRA result code and message of a refusal.
pub fn refusal<T: std::fmt::Debug>(result: oscu::Result<T>) -> (String, String) {
    match result {
        Err(oscu::Error::Kra { code, message, .. }) => (code, message),
        Err(oscu::Error::Gateway { code: Some(code), message, .. }) => (code, message),
        other => panic!("expected a KRA refusal, got {other:?}"),
    }
}

/// Asserts a refusal with this code whose message contains `text`.
pub fn assert_refused<T: std::fmt::Debug>(result: oscu::Result<T>, code: &str, text: &str) {
    let (got_code, message) = refusal(result);
    assert_eq!(got_code, code, "{message}");
    assert!(message.contains(text), "expected {text:?} in {message:?}");
}

pub async fn admin_post(sim: &RunningSim, path: &str, body: Value) -> Value {
    let r = http().post(format!("{}/{path}", sim.admin_url())).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "admin {path}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

pub async fn admin_get(sim: &RunningSim, path: &str) -> Value {
    reqwest::get(format!("{}/{path}", sim.admin_url())).await.unwrap().json().await.unwrap()
}

/// A plain HTTP client for raw requests (malformed on purpose, or to the admin API), with the TLS
/// provider `oscu::Client` uses installed first (reqwest is built without one of its own).
pub fn http() -> reqwest::Client {
    oscu::install_tls_provider();
    reqwest::Client::new()
}
