//! Backups and restores: the daily automatic backup ([`Duka::backup_if_due`]), backups by hand
//! (into the backups folder or to any file, e.g. a USB stick), the list of backups, and restoring
//! one. A backup never holds the communication key in the clear: it is left out, and put beside
//! the backup (`<backup>.key`) only when the user gives a passphrase, encrypted with
//! XChaCha20-Poly1305 under a key derived from the passphrase with Argon2id.
//!
//! A restore is checked first (`integrity_check`, gap-free numbers, KRA counters) and staged; it
//! replaces the database the next time Duka opens it (the CLI does that at once), keeping the
//! replaced database in the backups folder.

use std::path::{Path, PathBuf};

use argon2::Argon2;
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit, Payload},
};
use serde::{Deserialize, Serialize};
use store::{
    Secret, SecretName,
    backup::{self, BackupCheck, BackupFile, BackupKind},
};

use crate::{Duka, Error, Result};

/// Checks every `backup_recheck` whether the daily backup is due and takes it, for as long as the
/// shop stays open (the task ends when the last clone of `duka` is dropped). The copy runs on a
/// blocking thread so the till's async work never waits for it.
pub(crate) fn spawn_daily_backups(duka: &Duka) {
    let every = duka.options().backup_recheck;
    let shop = std::sync::Arc::downgrade(&duka.inner);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(inner) = shop.upgrade() else { return };
            let duka = Duka { inner, session: crate::actor::Session::new() };
            match tokio::task::spawn_blocking(move || duka.backup_if_due()).await {
                Ok(Ok(Some(taken))) => tracing::info!("daily backup taken: {}", taken.path),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::warn!("the daily backup could not be taken: {e}"),
                Err(e) => tracing::warn!("the daily backup stopped unexpectedly: {e}"),
            }
        }
    });
}

/// A backup as listed to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupView {
    pub path: String,
    /// `daily`, `pre-migration` or `before-restore`.
    pub kind: String,
    pub taken_at: String,
    pub bytes: u64,
    /// The encrypted communication key lies beside it.
    pub has_key: bool,
}

impl From<BackupFile> for BackupView {
    fn from(b: BackupFile) -> BackupView {
        BackupView {
            path: b.path.display().to_string(),
            kind: b.kind.as_str().to_owned(),
            taken_at: b.taken_at,
            bytes: b.bytes,
            has_key: b.has_key,
        }
    }
}

/// What a staged restore brings back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestorePlan {
    pub backup: String,
    pub schema_version: i64,
    pub sales: i64,
    pub credit_notes: i64,
    pub purchases: i64,
    pub z_reports: i64,
    /// The communication key was restored too (the right passphrase was given).
    pub key_restored: bool,
    /// What the user must do to finish.
    pub next_step: String,
}

/// The encrypted secrets beside a backup.
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    kdf: String,
    salt: String,
    nonce: String,
    ciphertext: String,
}

const KEY_FORMAT: &str = "duka-backup-key-1";
const KEY_AAD: &[u8] = b"duka-backup-key-1";
const MIN_PASSPHRASE: usize = 8;

fn derive_key(passphrase: &str, salt: &[u8]) -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    Argon2::default()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| Error::invalid("passphrase", format!("could not derive the key ({e})")))?;
    Ok(key)
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::invalid("backup key", format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// Encrypts `secrets` under `passphrase` as the JSON of a key file.
fn seal(secrets: &[(SecretName, Secret)], passphrase: &str) -> Result<String> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(Error::invalid(
            "passphrase",
            format!("it needs at least {MIN_PASSPHRASE} characters to protect the communication key"),
        ));
    }
    let plain: std::collections::BTreeMap<&str, &str> = secrets.iter().map(|(n, s)| (n.as_str(), s.expose())).collect();
    let plain = serde_json::to_vec(&plain).map_err(|e| Error::invalid("backup key", e.to_string()))?;
    let salt: [u8; 16] = random()?;
    let nonce: [u8; 24] = random()?;
    let cipher = XChaCha20Poly1305::new(&derive_key(passphrase, &salt)?.into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: KEY_AAD })
        .map_err(|_| Error::invalid("backup key", "encryption failed"))?;
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    let file = KeyFile {
        format: KEY_FORMAT.into(),
        kdf: "argon2id-19456-2-1".into(),
        salt: b64(&salt),
        nonce: b64(&nonce),
        ciphertext: b64(&ciphertext),
    };
    serde_json::to_string_pretty(&file).map_err(|e| Error::invalid("backup key", e.to_string()))
}

/// Decrypts a key file; a wrong passphrase is refused.
fn open_sealed(json: &str, passphrase: &str) -> Result<Vec<(SecretName, Secret)>> {
    let damaged = |what: &str| Error::invalid("backup key", format!("the key file is damaged ({what})"));
    let file: KeyFile = serde_json::from_str(json).map_err(|_| damaged("not a Duka key file"))?;
    if file.format != KEY_FORMAT {
        return Err(damaged("unknown format"));
    }
    let b64 = |s: &str| data_encoding::BASE64.decode(s.as_bytes()).map_err(|_| damaged("bad encoding"));
    let (salt, nonce, ciphertext) = (b64(&file.salt)?, b64(&file.nonce)?, b64(&file.ciphertext)?);
    if nonce.len() != 24 {
        return Err(damaged("bad nonce"));
    }
    let cipher = XChaCha20Poly1305::new(&derive_key(passphrase, &salt)?.into());
    let plain =
        cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: KEY_AAD }).map_err(|_| {
            Error::invalid(
                "passphrase",
                "it does not open this backup's key: type the passphrase used when the backup was taken",
            )
        })?;
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&plain).map_err(|_| damaged("unreadable contents"))?;
    let mut out = vec![];
    for name in [SecretName::CommunicationKey, SecretName::GatewayClientSecret] {
        if let Some(value) = map.get(name.as_str()) {
            out.push((name, Secret::new(value.clone())));
        }
    }
    Ok(out)
}

impl Duka {
    /// The backups folder next to the database.
    pub fn backup_dir(&self) -> PathBuf {
        backup::backup_dir(self.db_path())
    }

    /// Every backup in the backups folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupView>> {
        Ok(backup::list_backups(&self.backup_dir())?.into_iter().map(BackupView::from).collect())
    }

    /// Takes a backup now into the backups folder (daily rotation). With a passphrase, the
    /// communication key is put beside it, encrypted.
    pub fn backup_now(&self, key_passphrase: Option<&str>) -> Result<BackupView> {
        self.authorize(&[backup_action(key_passphrase)])?;
        self.take_backup(key_passphrase)
    }

    fn take_backup(&self, key_passphrase: Option<&str>) -> Result<BackupView> {
        // Check the passphrase before spending time on the copy.
        let sealed = key_passphrase.map(|p| self.sealed_secrets(p)).transpose()?;
        let stamp = self.now().kra();
        let source = backup::open_source(self.db_path())?;
        let path = backup::take_backup(&source, self.db_path(), BackupKind::Daily, &stamp)
            .map_err(|e| self.audit_refused_backup(e.into()))?;
        if let Some(sealed) = sealed {
            write_key_file(&path, &sealed)?;
        }
        let listed = backup::list_backups(&self.backup_dir())?;
        listed.into_iter().find(|b| b.path == path).map(BackupView::from).ok_or_else(|| Error::NotFound {
            what: "backup",
            id: path.display().to_string(),
            hint: "the backups folder changed while the backup was taken: try again",
        })
    }

    /// Copies the database to `dest` (e.g. a USB stick), with the encrypted key beside it when a
    /// passphrase is given.
    pub fn backup_to(&self, dest: &Path, key_passphrase: Option<&str>) -> Result<()> {
        self.authorize(&[backup_action(key_passphrase)])?;
        let sealed = key_passphrase.map(|p| self.sealed_secrets(p)).transpose()?;
        backup::copy_database(&backup::open_source(self.db_path())?, dest)
            .map_err(|e| self.audit_refused_backup(e.into()))?;
        match sealed {
            Some(sealed) => write_key_file(dest, &sealed),
            None => Ok(()),
        }
    }

    /// Takes the daily backup when the newest daily one is a day old or more (or there is none):
    /// a long-running app calls this when it opens and then every
    /// [`AppOptions::backup_recheck`](crate::AppOptions::backup_recheck) ([`spawn_daily_backups`]).
    pub fn backup_if_due(&self) -> Result<Option<BackupView>> {
        let newest = backup::list_backups(&self.backup_dir())?.into_iter().find(|b| b.kind == BackupKind::Daily);
        let now = self.now();
        let due = match newest.and_then(|b| domain::DateTime::parse_kra(&b.taken_at).ok()) {
            None => true,
            Some(at) => elapsed_days(at, now) >= 1 || at > now,
        };
        if !due {
            return Ok(None);
        }
        self.store().verify_integrity()?;
        self.take_backup(None).map(Some)
    }

    /// Checks `backup` and stages it to replace this shop's database the next time Duka opens it.
    /// With the passphrase, the communication key beside the backup is restored too; a wrong
    /// passphrase stages nothing.
    pub fn stage_restore(&self, backup_file: &Path, key_passphrase: Option<&str>) -> Result<RestorePlan> {
        self.authorize(&[domain::Action::Restore])?;
        stage_restore(self.db_path(), backup_file, key_passphrase, self.now())
    }

    /// [`Duka::stage_restore`] of a backup in this shop's backups folder (what the window offers):
    /// any other path is refused, so the window cannot be made to restore an arbitrary file.
    pub fn stage_listed_restore(&self, backup_file: &Path, key_passphrase: Option<&str>) -> Result<RestorePlan> {
        let wanted = backup_file.canonicalize().ok();
        let listed = backup::list_backups(&self.backup_dir())?
            .into_iter()
            .any(|b| wanted.is_some() && b.path.canonicalize().ok() == wanted);
        if !listed {
            return Err(Error::invalid(
                "backup",
                format!(
                    "only a backup listed in Duka's backups folder can be restored here: copy the file into {} and \
                     choose it from the list",
                    self.backup_dir().display()
                ),
            ));
        }
        self.stage_restore(backup_file, key_passphrase)
    }

    fn sealed_secrets(&self, passphrase: &str) -> Result<String> {
        let secrets = self.store().read(|c| {
            let mut out = vec![];
            for name in [SecretName::CommunicationKey, SecretName::GatewayClientSecret] {
                if let Some(s) = store::settings::secret(c, name)? {
                    out.push((name, s));
                }
            }
            Ok(out)
        })?;
        if secrets.is_empty() {
            return Err(Error::invalid("passphrase", "this till has no communication key to include yet"));
        }
        seal(&secrets, passphrase)
    }
}

/// A backup with the communication key is the owner's; one without, a supervisor's too.
fn backup_action(key_passphrase: Option<&str>) -> domain::Action {
    if key_passphrase.is_some() { domain::Action::BackupWithKey } else { domain::Action::Backup }
}

fn write_key_file(backup_path: &Path, sealed: &str) -> Result<()> {
    store::private::write_file(&backup::key_file(backup_path), sealed.as_bytes())
        .map_err(|source| Error::Io { operation: "write the encrypted key beside the backup", source })
}

/// Whole days from `from` to `to` (by calendar date and time of day).
fn elapsed_days(from: domain::DateTime, to: domain::DateTime) -> i64 {
    let days = |d: domain::Date| {
        // Days since 2000-03-01 (civil calendar), enough to compare two dates.
        let (y, m) = if d.month() <= 2 {
            (i64::from(d.year()) - 1, i64::from(d.month()) + 9)
        } else {
            (i64::from(d.year()), i64::from(d.month()) - 3)
        };
        y * 365 + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + i64::from(d.day())
    };
    let secs = |t: domain::DateTime| {
        days(t.date()) * 86_400 + i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
    };
    (secs(to) - secs(from)).div_euclid(86_400)
}

/// Stages a restore of `backup_file` over the database at `db_path` (see [`Duka::stage_restore`]).
/// Used directly by `duka restore`, which then opens the database to swap it in.
pub fn stage_restore(
    db_path: &Path,
    backup_file: &Path,
    key_passphrase: Option<&str>,
    now: domain::DateTime,
) -> Result<RestorePlan> {
    let key_path = backup::key_file(backup_file);
    let secrets = match key_passphrase {
        Some(passphrase) => {
            let json = std::fs::read_to_string(&key_path).map_err(|_| {
                Error::invalid("passphrase", "this backup was taken without the key: restore it without a passphrase")
            })?;
            Some(open_sealed(&json, passphrase)?)
        }
        None => None,
    };
    let check: BackupCheck = backup::stage_restore(backup_file, db_path)?;
    if let Some(secrets) = &secrets {
        backup::put_secrets(&backup::staged_restore_path(db_path), secrets, now)?;
    }
    Ok(RestorePlan {
        backup: backup_file.display().to_string(),
        schema_version: check.schema_version,
        sales: check.sales,
        credit_notes: check.credit_notes,
        purchases: check.purchases,
        z_reports: check.z_reports,
        key_restored: secrets.is_some(),
        next_step: "Close Duka on this computer and open it again: the backup replaces the database then (the \
                    current one is kept in the backups folder)"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AppOptions, ManualClock,
        testing::{OWNER, OWNER_PIN},
    };

    #[test]
    fn sealed_secrets_open_only_with_the_right_passphrase() {
        let secrets = vec![(SecretName::CommunicationKey, Secret::new("CMC-KEY-1234567890"))];
        let sealed = seal(&secrets, "correct horse battery").unwrap();
        assert!(!sealed.contains("CMC-KEY"), "{sealed}");
        let opened = open_sealed(&sealed, "correct horse battery").unwrap();
        assert_eq!(opened[0].1.expose(), "CMC-KEY-1234567890");
        let wrong = open_sealed(&sealed, "wrong horse battery").unwrap_err();
        assert!(wrong.to_string().contains("does not open"), "{wrong}");
        assert!(!wrong.to_string().contains("CMC-KEY"));
        assert!(seal(&secrets, "short").unwrap_err().to_string().contains("at least 8"));
    }

    #[test]
    fn elapsed_days_counts_whole_days_across_months() {
        let t = |s: &str| domain::DateTime::parse_kra(s).unwrap();
        for (from, to, days) in [
            ("20261121100000", "20261122095959", 0),
            ("20261121100000", "20261122100000", 1),
            ("20261231230000", "20270101230000", 1),
            ("20260228120000", "20260301120000", 1),
            ("20240228120000", "20240301120000", 2),
        ] {
            assert_eq!(elapsed_days(t(from), t(to)), days, "{from} -> {to}");
        }
    }

    #[tokio::test]
    async fn a_till_left_open_takes_the_next_daily_backup_when_it_falls_due() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        let clock = std::sync::Arc::new(ManualClock::new(domain::DateTime::parse_kra("20261121080000").unwrap()));
        let options = AppOptions {
            clock: clock.clone(),
            spawn_sync_worker: true,
            backup_recheck: std::time::Duration::from_millis(10),
            ..AppOptions::default()
        };
        let duka = Duka::open(&db, options).await.unwrap();
        duka.create_owner(OWNER, OWNER_PIN).unwrap();
        let dailies = || duka.backups().unwrap().into_iter().filter(|b| b.kind == "daily").count();
        assert_eq!(dailies(), 1, "the backup taken when the till opens");
        // Many rechecks within the day take nothing more.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(dailies(), 1);

        clock.advance(std::time::Duration::from_secs(24 * 3600));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while dailies() < 2 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(dailies(), 2, "a day later the open till takes the next daily backup by itself");
    }

    #[tokio::test]
    async fn the_daily_backup_is_taken_once_a_day_and_a_restore_round_trips_with_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        let clock = std::sync::Arc::new(ManualClock::new(domain::DateTime::parse_kra("20261121080000").unwrap()));
        let options = AppOptions { clock: clock.clone(), ..AppOptions::default() };
        let duka = Duka::open(&db, options.clone()).await.unwrap();
        duka.create_owner(OWNER, OWNER_PIN).unwrap();
        duka.set_shop_details(&store::ShopDetails { name: "Mama Njeri".into(), ..Default::default() }).unwrap();
        duka.store()
            .write(|tx| {
                store::settings::save_secret(
                    tx,
                    SecretName::CommunicationKey,
                    &Secret::new("CMC-SECRET-42"),
                    duka.now(),
                )
            })
            .unwrap();

        let first = duka.backup_if_due().unwrap().expect("no backup yet, so one is due");
        assert!(duka.backup_if_due().unwrap().is_none());
        clock.advance(std::time::Duration::from_secs(23 * 3600));
        assert!(duka.backup_if_due().unwrap().is_none());
        clock.advance(std::time::Duration::from_secs(3600));
        assert!(duka.backup_if_due().unwrap().is_some());
        assert!(!first.has_key);

        let with_key = dir.path().join("usb").join("shop-backup.db");
        std::fs::create_dir_all(with_key.parent().unwrap()).unwrap();
        duka.backup_to(&with_key, Some("correct horse battery")).unwrap();
        let bytes = [std::fs::read(&with_key).unwrap(), std::fs::read(backup::key_file(&with_key)).unwrap()].concat();
        assert!(!bytes.windows(13).any(|w| w == b"CMC-SECRET-42"), "the key must never be stored in the clear");

        // After the backup the shop name changes; the restore brings the old one back.
        duka.set_shop_details(&store::ShopDetails { name: "Changed".into(), ..Default::default() }).unwrap();
        let wrong = duka.stage_restore(&with_key, Some("not the passphrase")).unwrap_err();
        assert!(wrong.to_string().contains("does not open"), "{wrong}");
        assert!(!backup::staged_restore_path(&db).exists(), "a wrong passphrase stages nothing");
        // The window restores only what the backups folder lists.
        let outside = duka.stage_listed_restore(&with_key, Some("correct horse battery")).unwrap_err();
        assert_eq!(outside.code(), crate::ErrorCode::InvalidInput, "{outside}");
        assert!(outside.to_string().contains("listed in Duka's backups folder"), "{outside}");
        assert!(duka.stage_listed_restore(Path::new(&first.path), None).is_ok());
        std::fs::remove_file(backup::staged_restore_path(&db)).unwrap();
        let plan = duka.stage_restore(&with_key, Some("correct horse battery")).unwrap();
        assert!(plan.key_restored);
        drop(duka);

        let duka = Duka::open(&db, options).await.unwrap();
        duka.sign_in(OWNER, OWNER_PIN).unwrap();
        let restored = duka.store().read(store::settings::shop_details).unwrap().unwrap();
        assert_eq!(restored.name, "Mama Njeri");
        let key = duka.store().read(|c| store::settings::secret(c, SecretName::CommunicationKey)).unwrap();
        assert_eq!(key.map(|k| k.expose().to_owned()), Some("CMC-SECRET-42".into()));
        assert!(duka.backups().unwrap().iter().any(|b| b.kind == "before-restore"));
    }
}
