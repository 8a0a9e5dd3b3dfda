//! The communication key stays in the database's `secrets` table and nowhere else: not in the log
//! at trace level, not in backups (with or without the passphrase), reports, exports, partial
//! files, nor in any answer a front receives.

use std::{
    io::Write,
    path::Path,
    sync::{Arc, Mutex},
};

use app::{AppOptions, Duka, StockLineRequest};
use domain::{ItemType, Qty};
use store::SecretName;

use crate::common;

/// Every log line, whatever the thread.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() { files_under(&path, out)? } else { out.push(path) }
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_day_the_key_is_only_in_the_database() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // This binary's only global subscriber: every thread's events (the store thread, the sync
    // worker, the HTTP client) land in `log`.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let sim = common::sim("DUKA-KEY-1").await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let duka = Duka::open(&db, AppOptions::default()).await.unwrap();
    duka.create_owner("Wanjiku", "2468").unwrap();
    let mut answers: Vec<String> = vec![];
    let mut answer = |value: &dyn erased::Json| answers.push(value.json());

    let device = duka.initialise_device(&common::init(&sim, "DUKA-KEY-1")).await.unwrap();
    answer(&device);
    let key = duka.store().read(|c| store::settings::secret(c, SecretName::CommunicationKey)).unwrap().unwrap();
    let key = key.expose().as_bytes().to_vec();
    assert!(key.len() >= 8);

    answer(&duka.refresh().await.unwrap());
    let item = duka.register_item(&common::new_item("Sugar 1kg", ItemType::Finished, 18_500)).unwrap();
    answer(&item);
    answer(&duka.record_opening_stock(&[StockLineRequest { item: item.code.clone(), qty: Qty::whole(50) }]).unwrap());
    for n in 1..=3 {
        let mut request = common::sale(item.code.as_str(), n);
        request.buyer_name = Some(format!("Customer {n}"));
        let sale = duka.make_sale(&request).unwrap();
        answer(&sale);
    }
    answer(&duka.sync_now().await.unwrap());
    for sale in duka.sales(10).unwrap() {
        answer(&duka.sale_detail(sale.sale_id).unwrap());
        answer(&sale);
    }
    answer(&duka.outbox(50).unwrap());
    answer(&duka.status().unwrap());
    answer(&duka.settings().unwrap());
    answer(&duka.x_report().unwrap());
    answer(&duka.backup_now(None).unwrap());
    answer(&duka.backup_now(Some("correct horse battery")).unwrap());
    duka.backup_to(&dir.path().join("usb").join("copy.db"), Some("correct horse battery")).unwrap();
    let day = duka.now().date();
    answer(&duka.export_file(app::files::ExportKind::Sales, app::exchange::Accounting::Xero, day, day).unwrap());
    answer(&format!("{duka:?}"));
    duka.shutdown().await;
    sim.shutdown().await;

    let log = log.0.lock().unwrap().clone();
    assert!(contains(&log, b"TRACE") || contains(&log, b"DEBUG"), "the log was captured at trace level");
    assert!(!contains(&log, &key), "the key is in the log");
    for (n, text) in answers.iter().enumerate() {
        assert!(!contains(text.as_bytes(), &key), "answer {n} shows the key: {text}");
    }
    let mut files = vec![];
    files_under(dir.path(), &mut files).unwrap();
    let live = ["shop.db", "shop.db-wal", "shop.db-shm"];
    let mut scanned = 0;
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if live.contains(&name.as_str()) {
            continue;
        }
        assert!(!name.ends_with(".partial"), "a partial file was left: {}", file.display());
        assert!(!contains(&std::fs::read(&file).unwrap(), &key), "{} holds the key", file.display());
        scanned += 1;
    }
    assert!(scanned >= 5, "backups, key files and the export were scanned ({scanned})");
    // The database itself does hold it (the check above is not vacuous).
    assert!(
        contains(&std::fs::read(&db).unwrap(), &key)
            || contains(&std::fs::read(dir.path().join("shop.db-wal")).unwrap_or_default(), &key)
    );
}

/// What a front would receive, as JSON.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|e| format!("(not JSON: {e})"))
        }
    }
}
