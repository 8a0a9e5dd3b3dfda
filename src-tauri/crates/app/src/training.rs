//! Training mode: a shop without a KRA device runs against an `oscu-sim` started inside the
//! process, whose books live in a state file next to the database (so a restart keeps the same
//! training KRA books). Every document takes the training series and receipts say TRAINING.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use oscu_sim::{DeviceSpec, SimConfig, Simulator};
use store::{DeviceSettings, Environment, FrontDoor, ShopDetails};

use crate::{
    Duka, Error, Result,
    views::{DeviceResult, RefreshResult},
};

/// Starting training mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainingRequest {
    /// The shop's name; receipts show it marked as training.
    pub shop_name: String,
}

/// The simulator's state file for the database at `db`: `<db>.training-kra`.
pub fn state_file(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".training-kra");
    db.with_file_name(name)
}

fn random_digits(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| Error::invalid("training device", format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| char::from(b'0' + b % 10)).collect())
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn start_sim(db: &Path, device: DeviceSpec) -> Result<oscu_sim::RunningSim> {
    Ok(Simulator::start(SimConfig {
        listen: loopback(),
        devices: vec![device],
        state: Some(state_file(db)),
        gateway: None,
    })
    .await?)
}

/// Restarts a training shop's simulator from its state file on a new port and points the
/// settings at it.
pub(crate) async fn restart(duka: &Duka, settings: DeviceSettings) -> Result<DeviceSettings> {
    let spec = DeviceSpec {
        tin: settings.pin.to_string(),
        bhf_id: settings.branch_id.clone(),
        serial: settings.serial.clone(),
    };
    let sim = start_sim(duka.db_path(), spec).await?;
    let settings = DeviceSettings { base_url: sim.base_url_direct(), ..settings };
    let now = duka.now();
    duka.store().write(|tx| store::settings::save_device_settings(tx, &settings, now))?;
    if let Some(old) = duka.inner.training_sim.lock().await.replace(sim) {
        old.shutdown().await;
    }
    Ok(settings)
}

impl Duka {
    /// Starts training mode: an in-process KRA simulator with a generated device, initialised,
    /// with reference data downloaded. Nothing reaches KRA.
    pub async fn start_training(&self, request: &TrainingRequest) -> Result<(DeviceResult, RefreshResult)> {
        self.authorize(&[domain::Action::DeviceSetup])?;
        let name = request.shop_name.trim();
        if name.is_empty() {
            return Err(Error::invalid("shop name", "give the shop a name for its practice receipts"));
        }
        let device = {
            let _setup = self.inner.setup.lock().await;
            if let Some(s) = self.device_settings()? {
                return Err(Error::AlreadyInitialised {
                    pin: s.pin.to_string(),
                    branch: s.branch_id,
                    hint: "training uses a database of its own: open a new one for practice",
                });
            }
            let pin = domain::KraPin::parse(&format!("P{}T", random_digits(9)?))?;
            let serial = format!("DUKA-TRAINING-{}", random_digits(8)?);
            let spec = DeviceSpec { tin: pin.to_string(), bhf_id: "00".into(), serial: serial.clone() };
            let sim = start_sim(self.db_path(), spec).await?;
            let settings = DeviceSettings {
                pin,
                branch_id: "00".into(),
                serial,
                base_url: sim.base_url_direct(),
                environment: Environment::Training,
                front_door: FrontDoor::Direct,
                scu_id: None,
                mrc_no: None,
                device_id: None,
            };
            let mut config = oscu::ClientConfig::new(
                oscu::FrontDoor::Direct { base_url: settings.base_url.clone() },
                settings.pin.as_str(),
                &settings.branch_id,
            );
            config.timeout = self.options().kra_timeout;
            let client = oscu::Client::new(config).map_err(|e| Error::kra("reach the training simulator", e))?;
            let info = client
                .initialize(&settings.serial)
                .await
                .map_err(|e| Error::kra("initialise the training device", e))?;
            let key = info
                .cmc_key
                .clone()
                .ok_or_else(|| Error::kra("initialise the training device", oscu::Error::InitWithoutKey))?;
            let settings =
                DeviceSettings { scu_id: info.sdc_id, mrc_no: info.mrc_no, device_id: info.dvc_id, ..settings };
            let shop = ShopDetails {
                name: format!("TRAINING - {name}"),
                address: None,
                phone: None,
                email: None,
                receipt_footer: Some("TRAINING - NOT A TAX INVOICE".into()),
            };
            self.save_device(&settings, key.expose(), None, &shop)?;
            if let Some(old) = self.inner.training_sim.lock().await.replace(sim) {
                old.shutdown().await;
            }
            self.connect(&settings)?;
            self.device_result(&settings, &shop)
        };
        let refreshed = self.refresh().await?;
        Ok((device, refreshed))
    }

    /// The running training simulator's admin base (`http://127.0.0.1:PORT/_sim`), for tests and
    /// demos; `None` outside training mode.
    pub async fn training_admin_url(&self) -> Option<String> {
        self.inner.training_sim.lock().await.as_ref().map(oscu_sim::RunningSim::admin_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_file_sits_next_to_the_database() {
        assert_eq!(state_file(Path::new("/shop/duka.db")), PathBuf::from("/shop/duka.db.training-kra"));
        assert_eq!(state_file(Path::new("duka.db")), PathBuf::from("duka.db.training-kra"));
    }
}
