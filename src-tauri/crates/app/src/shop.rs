//! [`Duka`]: the open shop (store, clock, the KRA link and its sync engine, the training
//! simulator), shared cheaply by every use case.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::Duration,
};

use domain::{DateTime, StockPolicy};
use store::{CommitMeta, DeviceSettings, Environment, Store};

use crate::{Clock, Error, Result, SystemClock, device::Link, views::ShopStatus};

/// How to open a shop.
#[derive(Clone)]
pub struct AppOptions {
    /// Who commits documents (audit log, KRA `regrId`/`regrNm`).
    pub user: String,
    /// Start the background sync worker (the desktop app). The CLI drains on demand instead.
    pub spawn_sync_worker: bool,
    /// The clock (East Africa Time); the system clock unless a test injects one.
    pub clock: Arc<dyn Clock>,
    /// How long to wait for KRA on one call.
    pub kra_timeout: Duration,
    /// The stock policy until the shop chooses one in its settings ([`Duka::set_stock_policy`]);
    /// each sale reads the shop's setting ([`Duka::stock_policy`]).
    pub stock_policy: StockPolicy,
    /// How often a long-running app (the desktop, `duka sync`) checks whether the daily backup is
    /// due; it also checks when it opens.
    pub backup_recheck: Duration,
    /// How long printing a receipt may take before the till says the printer did not answer
    /// (the sale is saved either way; the shopkeeper prints again).
    pub print_timeout: Duration,
}

impl Default for AppOptions {
    fn default() -> AppOptions {
        AppOptions {
            user: "duka".into(),
            spawn_sync_worker: false,
            clock: Arc::new(SystemClock),
            kra_timeout: Duration::from_secs(120),
            stock_policy: StockPolicy::Refuse,
            backup_recheck: Duration::from_secs(15 * 60),
            print_timeout: Duration::from_secs(8),
        }
    }
}

impl fmt::Debug for AppOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppOptions")
            .field("user", &self.user)
            .field("spawn_sync_worker", &self.spawn_sync_worker)
            .field("kra_timeout", &self.kra_timeout)
            .field("stock_policy", &self.stock_policy)
            .field("backup_recheck", &self.backup_recheck)
            .field("print_timeout", &self.print_timeout)
            .finish_non_exhaustive()
    }
}

/// The open shop. Clone it freely: clones share everything.
#[derive(Clone, Debug)]
pub struct Duka {
    pub(crate) inner: Arc<Inner>,
    /// Who acts on this handle and its clones ([`crate::actor`]).
    pub(crate) session: Arc<crate::actor::Session>,
}

pub(crate) struct Inner {
    pub(crate) store: Arc<Store>,
    pub(crate) db_path: PathBuf,
    pub(crate) options: AppOptions,
    /// The KRA client, sync engine and worker, once the device is set up.
    pub(crate) link: RwLock<Option<Link>>,
    /// The in-process simulator of a training shop.
    pub(crate) training_sim: tokio::sync::Mutex<Option<oscu_sim::RunningSim>>,
    /// Serialises set-up steps (initialise, import key, training) against each other.
    pub(crate) setup: tokio::sync::Mutex<()>,
    /// The till's store thread: its writing use cases run there, off the async runtime's workers
    /// and never queued behind the drain's group commits ([`crate::till`]).
    pub(crate) till_thread: store::bridge::StoreThread,
    /// What KRA answered an initialisation whose key could not be saved (a full disk): kept in
    /// memory so setting up again saves it instead of asking KRA, which issues the key only once.
    pub(crate) issued: std::sync::Mutex<Option<crate::device::Issued>>,
    /// Set while a receipt is at the printer (possibly stuck there past the timeout).
    pub(crate) printing: Arc<std::sync::atomic::AtomicBool>,
    /// What the last tamper check of the fiscal records found ([`crate::fiscal_check`]).
    pub(crate) fiscal_check: std::sync::Mutex<Option<String>>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Duka").field("db", &self.db_path).field("options", &self.options).finish_non_exhaustive()
    }
}

impl Duka {
    /// Opens (or creates) the shop database at `db_path`. A set-up shop gets its KRA client and
    /// sync engine (and worker, when asked); a training shop restarts its in-process simulator
    /// from the state file next to the database, on a new port.
    pub async fn open(db_path: impl AsRef<Path>, options: AppOptions) -> Result<Duka> {
        let db_path = db_path.as_ref().to_owned();
        let store = Arc::new(Store::open(&db_path)?);
        // Rows a crash left in flight go back to pending; their frozen bytes make the resend identical.
        store.write(store::outbox::requeue_in_flight)?;
        let duka = Duka {
            inner: Arc::new(Inner {
                store,
                db_path,
                options,
                link: RwLock::new(None),
                training_sim: tokio::sync::Mutex::new(None),
                setup: tokio::sync::Mutex::new(()),
                till_thread: store::bridge::StoreThread::foreground(),
                issued: std::sync::Mutex::default(),
                printing: Arc::default(),
                fiscal_check: std::sync::Mutex::default(),
            }),
            session: crate::actor::Session::new(),
        };
        duka.report_chain_at_open()?;
        if let Some(settings) = duka.device_settings()? {
            let settings = if settings.environment == Environment::Training {
                crate::training::restart(&duka, settings).await?
            } else {
                settings
            };
            if duka.store().read(|c| store::settings::secret(c, store::SecretName::CommunicationKey))?.is_some() {
                duka.connect(&settings)?;
            }
        }
        // A long-running app (the desktop) takes the daily backup when it opens and then whenever it
        // falls due while the till stays open; a failed backup never stops the till.
        if duka.inner.options.spawn_sync_worker {
            if let Err(e) = duka.backup_if_due() {
                tracing::warn!("the daily backup could not be taken: {e}");
            }
            crate::backup::spawn_daily_backups(&duka);
        }
        Ok(duka)
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.inner.store
    }

    pub fn db_path(&self) -> &Path {
        &self.inner.db_path
    }

    pub fn options(&self) -> &AppOptions {
        &self.inner.options
    }

    /// Now, in East Africa Time.
    pub fn now(&self) -> DateTime {
        self.inner.options.clock.now()
    }

    pub(crate) fn device_settings(&self) -> Result<Option<DeviceSettings>> {
        Ok(self.store().read(store::settings::device_settings)?)
    }

    /// True when this shop runs in training mode.
    pub fn is_training(&self) -> Result<bool> {
        Ok(self.device_settings()?.is_some_and(|s| s.environment == Environment::Training))
    }

    /// Runs `f` with the commit metadata (now, the signed-in user or else `AppOptions::user`,
    /// training mode). Use cases the role table governs use [`Duka::acting`] instead; every use
    /// case of today is governed, and this stays for commits the table does not cover.
    #[allow(dead_code)]
    pub(crate) fn with_meta<T>(&self, f: impl FnOnce(&CommitMeta<'_>) -> Result<T>) -> Result<T> {
        let training = self.is_training()?;
        let user = self.acting_name();
        let meta = CommitMeta::new(self.now(), &user, training);
        f(&meta)
    }

    /// Where the till stands.
    pub fn status(&self) -> Result<ShopStatus> {
        let settings = self.device_settings()?;
        let (shop, key, counts, rates) = self.store().read(|c| {
            Ok((
                store::settings::shop_details(c)?,
                store::settings::secret(c, store::SecretName::CommunicationKey)?.is_some(),
                store::outbox::counts(c)?,
                store::reference::tax_rates(c).is_ok(),
            ))
        })?;
        Ok(ShopStatus {
            configured: settings.is_some() && key,
            training: settings.as_ref().is_some_and(|s| s.environment == Environment::Training),
            environment: settings.as_ref().map(|s| s.environment.as_str().to_owned()),
            pin: settings.as_ref().map(|s| s.pin.to_string()),
            branch_id: settings.as_ref().map(|s| s.branch_id.clone()),
            serial: settings.as_ref().map(|s| s.serial.clone()),
            base_url: settings.as_ref().map(|s| s.base_url.clone()),
            front_door: settings.as_ref().map(|s| s.front_door.as_str().to_owned()),
            scu_id: settings.as_ref().and_then(|s| s.scu_id.clone()),
            mrc_no: settings.as_ref().and_then(|s| s.mrc_no.clone()),
            shop_name: shop.map(|s| s.name),
            has_communication_key: key,
            reference_data_loaded: rates,
            outbox: counts.into(),
            fiscal_check: self.fiscal_check(),
        })
    }

    /// Changes the shop details printed on receipts.
    pub fn set_shop_details(&self, details: &store::ShopDetails) -> Result<()> {
        self.authorize(&[domain::Action::Settings])?;
        if details.name.trim().is_empty() {
            return Err(Error::invalid("shop name", "the shop needs a name for its receipts"));
        }
        self.store().write(|tx| store::settings::save_shop_details(tx, details))?;
        Ok(())
    }

    /// Whether a sale may take stock below zero: the shop's setting (default: refuse, with a
    /// clear message), or `AppOptions::stock_policy` until the shop has chosen.
    pub fn stock_policy(&self) -> Result<StockPolicy> {
        Ok(self.store().read(store::settings::stock_policy)?.unwrap_or(self.inner.options.stock_policy))
    }

    /// Changes the stock policy for every sale from now on (audited).
    pub fn set_stock_policy(&self, policy: StockPolicy) -> Result<()> {
        let now = self.now();
        let detail = match policy {
            StockPolicy::Refuse => "refuse sales of more than is on hand",
            StockPolicy::AllowNegative => "allow selling more than is on hand",
        };
        self.acting(&[domain::Action::Settings], |meta| {
            self.store().write(|tx| -> Result<_> {
                store::settings::set_stock_policy(tx, policy, now)?;
                store::audit::append_as(tx, meta, "set stock policy", None, Some(detail))?;
                Ok(())
            })
        })
    }

    /// Stops the sync worker and the training simulator (the app is closing).
    pub async fn shutdown(&self) {
        let link = self.inner.link.write().ok().and_then(|mut l| l.take());
        if let Some(link) = link {
            link.shutdown().await;
        }
        if let Some(sim) = self.inner.training_sim.lock().await.take() {
            sim.shutdown().await;
        }
    }
}
