//! A strict local KRA eTIMS OSCU server: the direct-host and gateway front doors, device
//! initialisation and keys, field/tax/sequence/stock/credit-note rules with KRA's codes and
//! messages, signed receipts, SQLite-backed state, admin feeds, scripted faults and a call log.
//!
//! Used in-process by tests and the app's training mode ([`Simulator::start`]) and as the
//! `oscu-sim` binary. The rules are listed, with their SPEC sections, in the crate README.

mod admin;
mod books;
mod calls;
mod clock;
mod conn;
mod error;
mod faults;
mod fields;
mod function;
mod kra;
mod reference;
pub mod sample;
mod server;
mod signing;
mod taxpayer;

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr, sync::Arc};

pub use books::GatewayCredentials;
pub use calls::Call;
pub use error::{Error, Result};
pub use faults::{Fault, FaultRule};
pub use function::{Function, Host};
pub use signing::{Signature, SignedReceipt, sign};

/// A device KRA has approved: PIN, branch and serial (`PIN:BRANCH:SERIAL` on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSpec {
    pub tin: String,
    pub bhf_id: String,
    pub serial: String,
}

impl FromStr for DeviceSpec {
    type Err = Error;
    fn from_str(input: &str) -> Result<DeviceSpec> {
        let bad = |reason: &str| Error::ParseDevice { input: input.to_owned(), reason: reason.to_owned() };
        let mut parts = input.splitn(3, ':');
        let (Some(tin), Some(bhf), Some(serial)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("three parts separated by ':' are needed"));
        };
        let pin = domain::KraPin::parse(tin).map_err(|e| bad(&e.to_string()))?;
        if pin.as_str() != tin {
            return Err(bad("the PIN must be written in capitals"));
        }
        if !fields::is_branch(bhf) {
            return Err(bad("the branch is two digits, 00 for the head office"));
        }
        if serial.is_empty() || serial.chars().count() > 100 {
            return Err(bad("the serial has 1 to 100 characters"));
        }
        Ok(DeviceSpec { tin: tin.to_owned(), bhf_id: bhf.to_owned(), serial: serial.to_owned() })
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.tin, self.bhf_id, self.serial)
    }
}

impl FromStr for GatewayCredentials {
    type Err = Error;
    fn from_str(input: &str) -> Result<GatewayCredentials> {
        let parts: Vec<&str> = input.split(':').collect();
        match parts.as_slice() {
            [key, secret, app] if !key.is_empty() && !secret.is_empty() && !app.is_empty() => Ok(GatewayCredentials {
                consumer_key: (*key).to_owned(),
                consumer_secret: (*secret).to_owned(),
                app_id: (*app).to_owned(),
            }),
            _ => Err(Error::ParseGatewayCredentials { input: input.to_owned() }),
        }
    }
}

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port (see [`RunningSim::addr`]).
    pub listen: SocketAddr,
    /// The devices KRA has approved.
    pub devices: Vec<DeviceSpec>,
    /// SQLite state file; `None` keeps the books in memory.
    pub state: Option<PathBuf>,
    /// Gateway client credentials; `None` reuses those in the state file or draws new ones.
    pub gateway: Option<GatewayCredentials>,
}

impl SimConfig {
    /// Loopback on a free port, these devices, in memory.
    pub fn loopback(devices: Vec<DeviceSpec>) -> SimConfig {
        SimConfig { listen: SocketAddr::from(([127, 0, 0, 1], 0)), devices, state: None, gateway: None }
    }
}

/// Entry point.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Binds, loads or creates the books, and serves until [`RunningSim::shutdown`]. When this
    /// returns the server is accepting connections.
    pub async fn start(config: SimConfig) -> Result<RunningSim> {
        server::start(config).await
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct RunningSim {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR/etims-api`: append `/<function>`.
    pub fn base_url_direct(&self) -> String {
        format!("http://{}/etims-api", self.addr)
    }

    /// `http://ADDR/etims-oscu/api/v1`: append `/<gateway path>`.
    pub fn base_url_gateway(&self) -> String {
        format!("http://{}/etims-oscu/api/v1", self.addr)
    }

    /// `http://ADDR/v1/token/generate` (query `grant_type=client_credentials`, Basic auth).
    pub fn token_url(&self) -> String {
        format!("http://{}/v1/token/generate", self.addr)
    }

    /// `http://ADDR/_sim`: admin feeds, state inspection and faults.
    pub fn admin_url(&self) -> String {
        format!("http://{}/_sim", self.addr)
    }

    pub fn gateway_credentials(&self) -> &GatewayCredentials {
        &self.shared.gateway
    }

    /// Replaces the fault script (see [`FaultRule`]).
    pub fn set_faults(&self, rules: Vec<FaultRule>) -> Result<()> {
        self.shared.faults().set(rules)
    }

    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// Starts logging every business call into an empty log (see [`Call`]); as
    /// `POST /_sim/calls` does. Off until asked for.
    pub fn record_calls(&self) {
        self.shared.calls().start();
    }

    /// Stops logging; the calls logged so far stay readable.
    pub fn stop_recording(&self) {
        self.shared.calls().stop();
    }

    /// The calls logged since recording started, in arrival order (`GET /_sim/calls`).
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls().calls().to_vec()
    }

    /// The logged calls of `function` (a spec name, `saveTrnsSalesOsdc`, or a path on either front
    /// door), in arrival order.
    pub fn calls_of(&self, function: &str) -> Vec<Call> {
        self.shared.calls().calls().iter().filter(|c| server::named(c, function)).cloned().collect()
    }

    /// Waits until the log holds `count` calls of `function` (or the simulator stops).
    pub async fn wait_for_calls(&self, function: &str, count: usize) {
        self.shared.wait_for_calls(function, count).await;
    }

    /// Adds a supplier's sale addressed to `tin`/`bhf_id` (a `saleList` entry: `spplrTin`,
    /// `spplrInvcNo`, `itemList`, ...), as `POST /_sim/purchases` does.
    pub fn add_supplier_sale(&self, tin: &str, bhf_id: &str, sale: serde_json::Value) -> Result<()> {
        let body = serde_json::json!({"tin": tin, "bhfId": bhf_id, "sale": sale});
        self.admin(admin::add_supplier_sale, &body).map(drop)
    }

    /// Adds a customs import line (`taskCd`, `dclDe` DDMMYYYY, `itemSeq`, ...) for `tin`/`bhf_id`.
    pub fn add_import(&self, tin: &str, bhf_id: &str, item: serde_json::Value) -> Result<()> {
        let body = serde_json::json!({"tin": tin, "bhfId": bhf_id, "item": item});
        self.admin(admin::add_import, &body).map(drop)
    }

    /// Publishes a notice to every taxpayer; returns its `noticeNo`.
    pub fn add_notice(&self, title: &str, cont: &str) -> Result<u64> {
        let body = serde_json::json!({"title": title, "cont": cont});
        let v = self.admin(admin::add_notice, &body)?;
        Ok(v["noticeNo"].as_u64().unwrap_or(0))
    }

    /// Makes `tin` known to `selectCustomer` under `name`.
    pub fn add_taxpayer(&self, tin: &str, name: &str) -> Result<()> {
        let body = serde_json::json!({"tin": tin, "taxprNm": name});
        self.admin(admin::add_taxpayer, &body).map(drop)
    }

    /// KRA's view of a branch, as `GET /_sim/state/<what>` shows it (`counters`, `sales`,
    /// `purchases`, `stock_io`, `stock`, `items`, `devices`).
    pub fn state(&self, what: &str, tin: &str, bhf_id: &str) -> Result<serde_json::Value> {
        self.shared.view(what, tin, bhf_id)
    }

    /// KRA's running stock total of an item at a branch.
    pub fn stock_total(&self, tin: &str, bhf_id: &str, item_cd: &str) -> domain::Qty {
        let stock = self.state("stock", tin, bhf_id).unwrap_or_default();
        stock
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["itemCd"] == item_cd))
            .and_then(|r| r["rsdQty"].as_str().and_then(|q| domain::Qty::parse(q).ok()))
            .unwrap_or(domain::Qty::ZERO)
    }

    fn admin(&self, write: server::AdminWrite, body: &serde_json::Value) -> Result<serde_json::Value> {
        self.shared.admin(write, body)
    }

    /// Stops accepting, releases any hanging answers, and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
