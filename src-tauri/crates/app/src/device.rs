//! The KRA device: initialising it (or importing a communication key KRA issued earlier, since it
//! is issued only once), the link to KRA (client, sync engine, worker) built from the settings,
//! reference-data refresh, PIN lookup and "sync now".

use std::sync::Arc;

use domain::KraPin;
use serde::{Deserialize, Serialize};
use store::{DeviceSettings, Environment, FrontDoor, Secret, SecretName, ShopDetails};

use crate::{
    Duka, Error, Result,
    views::{BuyerView, DeviceResult, RefreshResult, SyncResult},
};

/// KRA's initialisation answer (with the communication key) that could not be saved yet, for
/// the device (PIN, branch, serial) it was issued to.
pub(crate) struct Issued {
    device: (String, String, String),
    info: oscu::wire::InitInfo,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued").field("device", &self.device).finish_non_exhaustive()
    }
}

/// GavaConnect gateway access (when the device talks to KRA through the API gateway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayAccess {
    pub token_url: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub apigee_app_id: String,
}

/// What KRA gave the shop to set up a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitRequest {
    pub pin: String,
    pub branch_id: String,
    pub serial: String,
    /// The direct host's base (`.../etims-api`) or the gateway's (`.../etims-oscu/api/v1`).
    pub base_url: String,
    /// Sandbox or production (training has its own use case).
    pub environment: Environment,
    pub gateway: Option<GatewayAccess>,
    /// The name on receipts; KRA's taxpayer name when `None`.
    pub shop_name: Option<String>,
}

/// A device initialised before (on another computer, or before a reinstall): KRA will not issue
/// its communication key again, so it is typed in with the SCU id and MRC number from an earlier
/// receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyImport {
    pub device: InitRequest,
    pub communication_key: String,
    pub scu_id: String,
    pub mrc_no: Option<String>,
}

/// The KRA client, the sync engine and (in the desktop app) its worker.
pub(crate) struct Link {
    pub(crate) client: Arc<oscu::Client>,
    pub(crate) engine: sync::Engine,
    pub(crate) worker: Option<sync::SyncHandle>,
}

impl Link {
    pub(crate) async fn shutdown(self) {
        if let Some(worker) = self.worker {
            worker.shutdown().await;
        }
    }
}

fn check_identity(req: &InitRequest) -> Result<KraPin> {
    let pin = KraPin::parse(&req.pin).map_err(|e| Error::invalid("PIN", e.to_string()))?;
    let b = req.branch_id.trim();
    if b.len() != 2 || !b.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("branch", "the branch id is two digits, 00 for the head office"));
    }
    if req.serial.trim().is_empty() {
        return Err(Error::invalid("serial", "give the device serial number KRA approved"));
    }
    if req.environment == Environment::Training {
        return Err(Error::invalid("environment", "training mode is started with `training`, not set up by hand"));
    }
    Ok(pin)
}

fn front_door(settings: &DeviceSettings, gateway: Option<&GatewayAccess>) -> Result<oscu::FrontDoor> {
    Ok(match (settings.front_door, gateway) {
        (FrontDoor::Direct, _) => oscu::FrontDoor::Direct { base_url: settings.base_url.clone() },
        (FrontDoor::Gateway, Some(g)) => oscu::FrontDoor::Gateway {
            base_url: settings.base_url.clone(),
            token_url: g.token_url.clone(),
            consumer_key: g.consumer_key.clone(),
            consumer_secret: oscu::SecretText::new(g.consumer_secret.clone()),
            apigee_app_id: g.apigee_app_id.clone(),
        },
        (FrontDoor::Gateway, None) => {
            return Err(Error::invalid(
                "gateway",
                "this till talks to KRA's gateway but its client id and secret are missing: set the device up again",
            ));
        }
    })
}

impl Duka {
    fn client_for(&self, settings: &DeviceSettings, gateway: Option<&GatewayAccess>) -> Result<oscu::Client> {
        let mut config =
            oscu::ClientConfig::new(front_door(settings, gateway)?, settings.pin.as_str(), &settings.branch_id);
        config.timeout = self.options().kra_timeout;
        config.connect_timeout = config.connect_timeout.min(self.options().kra_timeout);
        oscu::Client::new(config).map_err(|e| Error::kra("connect to KRA", e))
    }

    fn gateway_access(&self) -> Result<Option<GatewayAccess>> {
        let raw = self.store().read(|c| store::settings::secret(c, SecretName::GatewayClientSecret))?;
        match raw {
            None => Ok(None),
            Some(s) => serde_json::from_str(s.expose()).map(Some).map_err(|_| {
                Error::invalid("gateway", "the stored gateway credentials are unreadable: set the device up again")
            }),
        }
    }

    /// Builds the KRA client and sync engine from the stored settings (and spawns the worker
    /// when the options ask for it).
    pub(crate) fn connect(&self, settings: &DeviceSettings) -> Result<()> {
        let key = self
            .store()
            .read(|c| store::settings::secret(c, SecretName::CommunicationKey))?
            .ok_or(Error::NotInitialised)?;
        let client = self.client_for(settings, self.gateway_access()?.as_ref())?;
        client.set_cmc_key(oscu::CmcKey::new(key.expose()));
        let client = Arc::new(client);
        let engine = crate::sync_link::engine(self, settings, client.clone())?;
        let worker = self.options().spawn_sync_worker.then(|| engine.clone().spawn());
        let old = self.inner.link.write().map_err(|_| Error::Poisoned { what: "the KRA link" })?.replace(Link {
            client,
            engine,
            worker,
        });
        if let Some(old) = old {
            tokio::spawn(old.shutdown());
        }
        Ok(())
    }

    pub(crate) fn link<T>(&self, f: impl FnOnce(&Link) -> T) -> Result<T> {
        let guard = self.inner.link.read().map_err(|_| Error::Poisoned { what: "the KRA link" })?;
        guard.as_ref().map(f).ok_or(Error::NotInitialised)
    }

    /// Tells the sync worker a document was committed (no-op without a worker).
    pub(crate) fn wake(&self) {
        if let Ok(guard) = self.inner.link.read()
            && let Some(worker) = guard.as_ref().and_then(|l| l.worker.as_ref())
        {
            worker.wake();
        }
    }

    /// Sync progress (counts, online, last success and error), pushed by the worker as it changes;
    /// `None` when no worker runs (not set up, or opened without one).
    pub fn subscribe_progress(&self) -> Option<tokio::sync::watch::Receiver<sync::Progress>> {
        let guard = self.inner.link.read().ok()?;
        guard.as_ref()?.worker.as_ref().map(sync::SyncHandle::subscribe)
    }

    /// Sync progress now (from the store and the engine), whether or not a worker runs.
    pub fn progress(&self) -> Result<sync::Progress> {
        self.link(|l| l.engine.progress())
    }

    /// Initialises the device with KRA (`selectInitOsdcInfo`): stores the settings, the
    /// communication key (issued once), the SCU id and MRC number, and connects.
    pub async fn initialise_device(&self, request: &InitRequest) -> Result<DeviceResult> {
        self.authorize(&[domain::Action::DeviceSetup])?;
        let _setup = self.inner.setup.lock().await;
        let pin = check_identity(request)?;
        self.refuse_if_set_up()?;
        let settings = DeviceSettings {
            pin,
            branch_id: request.branch_id.trim().to_owned(),
            serial: request.serial.trim().to_owned(),
            base_url: request.base_url.trim().to_owned(),
            environment: request.environment,
            front_door: if request.gateway.is_some() { FrontDoor::Gateway } else { FrontDoor::Direct },
            scu_id: None,
            mrc_no: None,
            device_id: None,
        };
        let client = self.client_for(&settings, request.gateway.as_ref())?;
        let info = match self.take_issued(&settings) {
            Some(info) => info,
            None => client.initialize(&settings.serial).await.map_err(|e| Error::kra("initialise the device", e))?,
        };
        let key =
            info.cmc_key.clone().ok_or_else(|| Error::kra("initialise the device", oscu::Error::InitWithoutKey))?;
        let settings = DeviceSettings {
            scu_id: info.sdc_id.clone(),
            mrc_no: info.mrc_no.clone(),
            device_id: info.dvc_id.clone(),
            ..settings
        };
        let shop = ShopDetails {
            name: request
                .shop_name
                .clone()
                .or_else(|| info.taxpr_nm.clone())
                .unwrap_or_else(|| settings.pin.to_string()),
            address: info.loc_desc.clone().or_else(|| info.dstrt_nm.clone()),
            phone: info.mgr_tel_no.clone(),
            email: info.mgr_email.clone(),
            receipt_footer: None,
        };
        // The key is saved (synchronous=FULL) before anything else is done with it; if that
        // fails, it stays in memory for the next attempt.
        if let Err(e) = self.save_device(&settings, key.expose(), request.gateway.as_ref(), &shop) {
            self.hold_issued(&settings, info);
            return Err(Error::KeyNotSaved { source: Box::new(e) });
        }
        self.connect(&settings)?;
        Ok(self.device_result(&settings, &shop))
    }

    fn hold_issued(&self, settings: &DeviceSettings, info: oscu::wire::InitInfo) {
        let device = (settings.pin.to_string(), settings.branch_id.clone(), settings.serial.clone());
        *self.inner.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Issued { device, info });
    }

    /// KRA's answer held for this device (same PIN, branch and serial), if any.
    fn take_issued(&self, settings: &DeviceSettings) -> Option<oscu::wire::InitInfo> {
        let device = (settings.pin.to_string(), settings.branch_id.clone(), settings.serial.clone());
        let mut held = self.inner.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.as_ref().is_some_and(|h| h.device == device) { held.take().map(|h| h.info) } else { None }
    }

    /// Sets the device up with a communication key KRA issued earlier (no call to KRA).
    pub async fn import_communication_key(&self, import: &KeyImport) -> Result<DeviceResult> {
        self.authorize(&[domain::Action::DeviceSetup])?;
        let _setup = self.inner.setup.lock().await;
        let pin = check_identity(&import.device)?;
        self.refuse_if_set_up()?;
        let key = import.communication_key.trim();
        if key.len() < 8 || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid(
                "communication key",
                "the key KRA issued is a long run of letters and digits: copy it exactly",
            ));
        }
        if import.scu_id.trim().is_empty() {
            return Err(Error::invalid("SCU id", "copy the SCU ID printed on an earlier signed receipt"));
        }
        let settings = DeviceSettings {
            pin,
            branch_id: import.device.branch_id.trim().to_owned(),
            serial: import.device.serial.trim().to_owned(),
            base_url: import.device.base_url.trim().to_owned(),
            environment: import.device.environment,
            front_door: if import.device.gateway.is_some() { FrontDoor::Gateway } else { FrontDoor::Direct },
            scu_id: Some(import.scu_id.trim().to_owned()),
            mrc_no: import.mrc_no.clone(),
            device_id: None,
        };
        // Checks the URL and gateway settings before anything is stored.
        self.client_for(&settings, import.device.gateway.as_ref())?;
        let shop = ShopDetails {
            name: import.device.shop_name.clone().unwrap_or_else(|| settings.pin.to_string()),
            ..ShopDetails::default()
        };
        self.save_device(&settings, key, import.device.gateway.as_ref(), &shop)?;
        self.connect(&settings)?;
        Ok(self.device_result(&settings, &shop))
    }

    fn refuse_if_set_up(&self) -> Result<()> {
        let existing = self.device_settings()?;
        let key = self.store().read(|c| store::settings::secret(c, SecretName::CommunicationKey))?;
        match (existing, key) {
            (Some(s), Some(_)) => Err(Error::AlreadyInitialised {
                pin: s.pin.to_string(),
                branch: s.branch_id,
                hint: "KRA issues the communication key only once; use a new database for another device",
            }),
            _ => Ok(()),
        }
    }

    pub(crate) fn save_device(
        &self,
        settings: &DeviceSettings,
        key: &str,
        gateway: Option<&GatewayAccess>,
        shop: &ShopDetails,
    ) -> Result<()> {
        let now = self.now();
        let gateway_json = gateway
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::invalid("gateway", format!("cannot store the gateway settings: {e}")))?;
        let user = self.acting_name();
        self.store().write(|tx| -> Result<_> {
            store::settings::save_device_settings(tx, settings, now)?;
            store::settings::save_secret(tx, SecretName::CommunicationKey, &Secret::new(key), now)?;
            if let Some(g) = &gateway_json {
                store::settings::save_secret(tx, SecretName::GatewayClientSecret, &Secret::new(g.clone()), now)?;
            }
            if store::settings::shop_details(tx)?.is_none() {
                store::settings::save_shop_details(tx, shop)?;
            }
            store::audit::append(
                tx,
                now,
                &user,
                "set up device",
                None,
                Some(&format!("{} branch {} ({})", settings.pin, settings.branch_id, settings.environment.as_str())),
            )?;
            Ok(())
        })?;
        Ok(())
    }

    pub(crate) fn device_result(&self, s: &DeviceSettings, shop: &ShopDetails) -> DeviceResult {
        DeviceResult {
            pin: s.pin.to_string(),
            branch_id: s.branch_id.clone(),
            serial: s.serial.clone(),
            environment: s.environment.as_str(),
            base_url: s.base_url.clone(),
            scu_id: s.scu_id.clone(),
            mrc_no: s.mrc_no.clone(),
            device_id: s.device_id.clone(),
            shop_name: shop.name.clone(),
        }
    }

    /// Looks a buyer's PIN up with KRA.
    pub async fn lookup_buyer_pin(&self, pin: &str) -> Result<BuyerView> {
        self.authorize(&[domain::Action::BuyerPinLookup])?;
        let pin = KraPin::parse(pin).map_err(|e| Error::invalid("buyer PIN", e.to_string()))?;
        let client = self.link(|l| l.client.clone())?;
        let found = client.select_customer(pin.as_str()).await.map_err(|e| Error::kra("look up the PIN", e))?;
        let c = found.into_iter().next().ok_or_else(|| Error::NotFound {
            what: "KRA PIN",
            id: pin.to_string(),
            hint: "check the PIN with the buyer; KRA does not know this one",
        })?;
        Ok(BuyerView {
            pin: c.tin.unwrap_or_else(|| pin.to_string()),
            name: c.taxpr_nm,
            status: c.taxpr_stts_cd,
            location: [c.loc_desc, c.dstrt_nm, c.prvnc_nm].into_iter().flatten().next(),
        })
    }

    /// Downloads KRA's reference data (code lists with the tax rates, item classifications,
    /// branches, notices) and the purchase and import feeds.
    pub async fn refresh(&self) -> Result<RefreshResult> {
        crate::sync_link::refresh(self).await
    }

    /// Sends everything that is ready now, once; returns what happened.
    pub async fn sync_now(&self) -> Result<SyncResult> {
        crate::sync_link::sync_now(self).await
    }
}
