//! Settings: the device/connection row (PIN, branch, serial, base URL, environment, front door,
//! SCU id, MRC, device id), secrets kept apart from it (the communication key never shows in logs),
//! the shop details printed on receipts, shop preferences (the stock policy), and the `lastReqDt`
//! cursor of each KRA list.

use std::{fmt, str::FromStr};

use domain::{DateTime, KraPin, StockPolicy};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Reader, Result, Tx, codec, error::During};

/// Which KRA system the device talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Sandbox,
    Production,
    /// The built-in simulator: nothing reaches KRA.
    Training,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
            Environment::Training => "training",
        }
    }
}

impl FromStr for Environment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Environment> {
        match s {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            "training" => Ok(Environment::Training),
            other => Err(Error::StoredValue { what: "an environment", value: other.to_owned() }),
        }
    }
}

/// How requests reach KRA: the OSCU host directly, or through KRA's API gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontDoor {
    Direct,
    Gateway,
}

impl FrontDoor {
    pub fn as_str(self) -> &'static str {
        match self {
            FrontDoor::Direct => "direct",
            FrontDoor::Gateway => "gateway",
        }
    }
}

impl FromStr for FrontDoor {
    type Err = Error;
    fn from_str(s: &str) -> Result<FrontDoor> {
        match s {
            "direct" => Ok(FrontDoor::Direct),
            "gateway" => Ok(FrontDoor::Gateway),
            other => Err(Error::StoredValue { what: "a front door", value: other.to_owned() }),
        }
    }
}

/// The device and connection settings (no secrets here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSettings {
    pub pin: KraPin,
    /// KRA's 2-digit branch code (`bhfId`), e.g. "00".
    pub branch_id: String,
    /// The device serial KRA issued (`dvcSrlNo`).
    pub serial: String,
    pub base_url: String,
    pub environment: Environment,
    pub front_door: FrontDoor,
    /// From `selectInitOsdcInfo`, once initialised.
    pub scu_id: Option<String>,
    pub mrc_no: Option<String>,
    pub device_id: Option<String>,
}

/// Which secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// `cmcKey`, returned once by `selectInitOsdcInfo`.
    CommunicationKey,
    /// The API gateway's client secret.
    GatewayClientSecret,
}

impl SecretName {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretName::CommunicationKey => "communication_key",
            SecretName::GatewayClientSecret => "gateway_client_secret",
        }
    }
}

/// A secret value. Its `Debug` and `Display` never show it; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} characters>)", self.0.chars().count())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What receipts print about the shop.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopDetails {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub receipt_footer: Option<String>,
}

pub fn save_device_settings(tx: &Tx<'_>, s: &DeviceSettings, at: DateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO device_settings (id, pin, branch_id, serial, base_url, environment, front_door, scu_id, mrc_no,
                                      device_id, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET pin = excluded.pin, branch_id = excluded.branch_id, serial = excluded.serial,
             base_url = excluded.base_url, environment = excluded.environment, front_door = excluded.front_door,
             scu_id = excluded.scu_id, mrc_no = excluded.mrc_no, device_id = excluded.device_id,
             updated_at = excluded.updated_at",
        params![
            s.pin.as_str(),
            s.branch_id,
            s.serial,
            s.base_url,
            s.environment.as_str(),
            s.front_door.as_str(),
            s.scu_id,
            s.mrc_no,
            s.device_id,
            at.kra()
        ],
    )
    .during("save the device settings")?;
    Ok(())
}

pub fn device_settings(conn: &Reader<'_>) -> Result<Option<DeviceSettings>> {
    type Raw = (String, String, String, String, String, String, Option<String>, Option<String>, Option<String>);
    let raw: Option<Raw> = conn
        .query_row(
            "SELECT pin, branch_id, serial, base_url, environment, front_door, scu_id, mrc_no, device_id
             FROM device_settings WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()
        .during("read the device settings")?;
    raw.map(|(pin, branch_id, serial, base_url, env, door, scu_id, mrc_no, device_id)| {
        Ok(DeviceSettings {
            pin: codec::stored("the shop's PIN", &pin, KraPin::parse(&pin).ok())?,
            branch_id,
            serial,
            base_url,
            environment: env.parse()?,
            front_door: door.parse()?,
            scu_id,
            mrc_no,
            device_id,
        })
    })
    .transpose()
}

pub fn save_secret(tx: &Tx<'_>, name: SecretName, value: &Secret, at: DateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO secrets (name, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![name.as_str(), value.expose(), at.kra()],
    )
    .during("save a secret")?;
    Ok(())
}

pub fn secret(conn: &Reader<'_>, name: SecretName) -> Result<Option<Secret>> {
    conn.query_row("SELECT value FROM secrets WHERE name = ?1", [name.as_str()], |r| r.get::<_, String>(0))
        .optional()
        .during("read a secret")
        .map(|v| v.map(Secret))
}

pub fn save_shop_details(tx: &Tx<'_>, d: &ShopDetails) -> Result<()> {
    tx.execute(
        "INSERT INTO shop_details (id, name, address, phone, email, receipt_footer) VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone,
             email = excluded.email, receipt_footer = excluded.receipt_footer",
        params![d.name, d.address, d.phone, d.email, d.receipt_footer],
    )
    .during("save the shop details")?;
    Ok(())
}

pub fn shop_details(conn: &Reader<'_>) -> Result<Option<ShopDetails>> {
    conn.query_row("SELECT name, address, phone, email, receipt_footer FROM shop_details WHERE id = 1", [], |r| {
        Ok(ShopDetails {
            name: r.get(0)?,
            address: r.get(1)?,
            phone: r.get(2)?,
            email: r.get(3)?,
            receipt_footer: r.get(4)?,
        })
    })
    .optional()
    .during("read the shop details")
}

/// Whether a sale may take stock below zero: the shop's choice (`None` until it made one).
pub fn stock_policy(conn: &Reader<'_>) -> Result<Option<StockPolicy>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM shop_preferences WHERE name = 'stock_policy'")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .during("read the stock policy")?;
    value
        .map(|v| match v.as_str() {
            "refuse" => Ok(StockPolicy::Refuse),
            "allow_negative" => Ok(StockPolicy::AllowNegative),
            _ => Err(Error::StoredValue { what: "a stock policy", value: v }),
        })
        .transpose()
}

/// Records the shop's stock policy (the caller writes the audit entry in the same transaction).
pub fn set_stock_policy(tx: &Tx<'_>, policy: StockPolicy, at: DateTime) -> Result<()> {
    let value = match policy {
        StockPolicy::Refuse => "refuse",
        StockPolicy::AllowNegative => "allow_negative",
    };
    tx.execute(
        "INSERT INTO shop_preferences (name, value, updated_at) VALUES ('stock_policy', ?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![value, at.kra()],
    )
    .during("save the stock policy")?;
    Ok(())
}

/// The `lastReqDt` to send for `list` (e.g. "selectCodeList"), if it was ever pulled.
pub fn sync_cursor(conn: &Reader<'_>, list: &str) -> Result<Option<String>> {
    conn.query_row("SELECT last_req_dt FROM sync_cursors WHERE list = ?1", [list], |r| r.get(0))
        .optional()
        .during("read a sync cursor")
}

/// Moves the cursor of `list` after a successful pull.
pub fn set_sync_cursor(tx: &Tx<'_>, list: &str, last_req_dt: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_cursors (list, last_req_dt) VALUES (?1, ?2)
         ON CONFLICT (list) DO UPDATE SET last_req_dt = excluded.last_req_dt",
        params![list, last_req_dt],
    )
    .during("move a sync cursor")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, testing::now};

    #[test]
    fn the_communication_key_never_shows() {
        let key = Secret::new("4EB1A3B9C0D2E5F6A7B8");
        assert_eq!(format!("{key:?}"), "Secret(<redacted, 20 characters>)");
        assert_eq!(key.to_string(), "<redacted>");
        assert!(!format!("{:?}", Some(&key)).contains("4EB1"));
        let store = Store::open_in_memory().unwrap();
        store.write(|tx| save_secret(tx, SecretName::CommunicationKey, &key, now())).unwrap();
        assert_eq!(store.read(|c| secret(c, SecretName::CommunicationKey)).unwrap().unwrap().expose(), key.expose());
        assert_eq!(store.read(|c| secret(c, SecretName::GatewayClientSecret)).unwrap(), None);
    }

    #[test]
    fn the_stock_policy_is_unset_until_chosen_then_round_trips() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(stock_policy).unwrap(), None);
        store.write(|tx| set_stock_policy(tx, StockPolicy::AllowNegative, now())).unwrap();
        assert_eq!(store.read(stock_policy).unwrap(), Some(StockPolicy::AllowNegative));
        store.write(|tx| set_stock_policy(tx, StockPolicy::Refuse, now())).unwrap();
        assert_eq!(store.read(stock_policy).unwrap(), Some(StockPolicy::Refuse));
    }

    #[test]
    fn settings_shop_and_cursors_round_trip() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(device_settings).unwrap(), None);
        let mut s = DeviceSettings {
            pin: KraPin::parse("P051234567X").unwrap(),
            branch_id: "00".into(),
            serial: "DUKA0001".into(),
            base_url: "https://etims-api-sbx.kra.go.ke/etims-api".into(),
            environment: Environment::Sandbox,
            front_door: FrontDoor::Direct,
            scu_id: None,
            mrc_no: None,
            device_id: None,
        };
        store.write(|tx| save_device_settings(tx, &s, now())).unwrap();
        s.scu_id = Some("KRACU0100000001".into());
        s.front_door = FrontDoor::Gateway;
        store.write(|tx| save_device_settings(tx, &s, now())).unwrap();
        assert_eq!(store.read(device_settings).unwrap(), Some(s));
        // The key is not among ordinary settings.
        let cols: String = store
            .read(|c| {
                c.query_row("SELECT group_concat(name) FROM pragma_table_info('device_settings')", [], |r| r.get(0))
                    .during("t")
            })
            .unwrap();
        assert!(!cols.contains("key"), "{cols}");
        let shop =
            ShopDetails { name: "Mama Njeri Stores".into(), phone: Some("0712345678".into()), ..Default::default() };
        store.write(|tx| save_shop_details(tx, &shop)).unwrap();
        assert_eq!(store.read(shop_details).unwrap(), Some(shop));
        assert_eq!(store.read(|c| sync_cursor(c, "selectCodeList")).unwrap(), None);
        store.write(|tx| set_sync_cursor(tx, "selectCodeList", "20261121100000")).unwrap();
        store.write(|tx| set_sync_cursor(tx, "selectCodeList", "20261121110000")).unwrap();
        assert_eq!(store.read(|c| sync_cursor(c, "selectCodeList")).unwrap().as_deref(), Some("20261121110000"));
    }
}
