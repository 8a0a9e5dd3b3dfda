//! Backups: a pre-migration copy when an old database is upgraded, online copies without the
//! secrets, rotation, and restores that check the backup before anything is replaced.

use std::path::Path;

use rusqlite::Connection;
use store::{
    Error, SecretName, Store,
    backup::{self, BackupKind},
    migrations, sales, settings,
};

use crate::fixture::fixture_copy;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn sale_count(path: &Path) -> i64 {
    Connection::open(path)
        .expect("the copy opens")
        .query_row("SELECT count(*) FROM sales", [], |r| r.get(0))
        .expect("a count")
}

#[test]
fn upgrading_an_old_database_keeps_a_checked_copy_of_it_without_the_key() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest_version());
    let backups = backup::list_backups(&backup::backup_dir(&path)).unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].kind, BackupKind::PreMigration);
    let check = backup::check_backup(&backups[0].path).unwrap();
    assert_eq!((check.schema_version, check.sales), (1, 2));
    assert!(!contains(&std::fs::read(&backups[0].path).unwrap(), b"FIXTURE-KEY-0001"));
    // The live database still has its key; reopening takes no further backup.
    let key = store.read(|c| settings::secret(c, SecretName::CommunicationKey)).unwrap();
    assert_eq!(key.map(|k| k.expose().to_owned()), Some("FIXTURE-KEY-0001".into()));
    drop(store);
    drop(Store::open(&path).unwrap());
    assert_eq!(backup::list_backups(&backup::backup_dir(&path)).unwrap().len(), 1);
}

#[test]
fn a_backup_restores_after_the_next_open_and_the_replaced_database_is_kept() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let taken = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    // Something happens after the backup: it is what the restore takes away.
    store
        .write(|tx| tx.execute("DELETE FROM secrets", []).map_err(|source| Error::Db { operation: "t", source }))
        .unwrap();
    drop(store);
    let check = backup::stage_restore(&taken, &path).unwrap();
    assert_eq!(check.sales, 2);
    assert!(backup::staged_restore_path(&path).exists());

    let store = Store::open(&path).unwrap();
    assert!(!backup::staged_restore_path(&path).exists());
    let sale = store.read(|c| sales::load_sale(c, 1)).unwrap();
    assert_eq!(sale.trader_no, "INV-000001");
    let kept: Vec<_> = backup::list_backups(&backup::backup_dir(&path))
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BackupKind::BeforeRestore)
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(sale_count(&kept[0].path), 2);
    // The backup never held the key, so the restored database has none until it is restored apart.
    assert!(store.read(|c| settings::secret(c, SecretName::CommunicationKey)).unwrap().is_none());
}

#[test]
fn a_damaged_or_inconsistent_backup_is_refused_and_nothing_is_replaced() {
    let (dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let good = dir.path().join("good.db");
    store.read(|c| backup::copy_database(c, &good)).unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();

    // Damaged: bytes scribbled over the middle pages.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4096].fill(0xA5);
    std::fs::write(&damaged, &bytes).unwrap();
    let err = backup::stage_restore(&damaged, &path).unwrap_err();
    assert!(matches!(err, Error::BackupRefused { .. }), "{err}");
    assert!(err.to_string().contains("Nothing was replaced"), "{err}");

    // Gapped: a sales counter past the last invoice.
    let gapped = dir.path().join("gapped.db");
    std::fs::copy(&good, &gapped).unwrap();
    Connection::open(&gapped).unwrap().execute("UPDATE sequences SET last_value = 5 WHERE series = 'INV'", []).unwrap();
    let err = backup::stage_restore(&gapped, &path).unwrap_err();
    assert!(err.to_string().contains("INV numbers are not consistent"), "{err}");

    // A KRA counter behind a confirmed number.
    let behind = dir.path().join("behind.db");
    std::fs::copy(&good, &behind).unwrap();
    let c = Connection::open(&behind).unwrap();
    c.execute(
        "INSERT INTO kra_reservations (counter, number, outbox_id, state, reserved_at) \
         VALUES ('sales_invoice', 7, 1, 'confirmed', '20261121100000')",
        [],
    )
    .unwrap();
    drop(c);
    let err = backup::stage_restore(&behind, &path).unwrap_err();
    assert!(err.to_string().contains("KRA counter sales_invoice"), "{err}");

    // Not a database at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"shopping list: sugar, flour, and enough text to look like a header").unwrap();
    assert!(matches!(backup::stage_restore(&text, &path).unwrap_err(), Error::BackupRefused { .. }));

    assert!(!backup::staged_restore_path(&path).exists());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_restore_waits_while_another_program_has_the_database_open() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let taken = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    backup::stage_restore(&taken, &path).unwrap();
    // The first store is still open (as another Duka would be): the second open refuses.
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::DatabaseInUse { .. }), "{err}");
    assert!(backup::staged_restore_path(&path).exists());
    drop(store);
    drop(Store::open(&path).unwrap());
    assert!(!backup::staged_restore_path(&path).exists());
}

#[test]
fn rotation_keeps_the_newest_of_each_kind() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    for day in 1..=10 {
        store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, &format!("202611{day:02}120000"))).unwrap();
    }
    let all = backup::list_backups(&backup::backup_dir(&path)).unwrap();
    let daily: Vec<_> = all.iter().filter(|b| b.kind == BackupKind::Daily).map(|b| b.taken_at.as_str()).collect();
    assert_eq!(daily.len(), 7);
    assert_eq!((daily[0], daily[6]), ("20261110120000", "20261104120000"));
    // The pre-migration copy of the upgrade is kept apart from the daily rotation.
    assert_eq!(all.iter().filter(|b| b.kind == BackupKind::PreMigration).count(), 1);
}

#[cfg(unix)]
#[test]
fn the_database_its_wal_and_its_backups_are_readable_by_this_user_only() {
    use store::private::mode_of;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Duka");
    let path = folder.join("duka.db");
    let store = Store::open(&path).unwrap();
    store
        .write(|tx| {
            settings::save_secret(
                tx,
                SecretName::CommunicationKey,
                &store::Secret::new("PRIVATE-KEY-0001"),
                domain::DateTime::parse_kra("20261121080000").unwrap(),
            )
        })
        .unwrap();
    assert_eq!(mode_of(&folder).unwrap(), 0o700);
    assert_eq!(mode_of(&path).unwrap(), 0o600);
    assert_eq!(mode_of(&folder.join("duka.db-wal")).unwrap(), 0o600);
    let taken = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    assert_eq!(mode_of(&backup::backup_dir(&path)).unwrap(), 0o700);
    assert_eq!(mode_of(&taken).unwrap(), 0o600);
    drop(store);

    // A database made before Duka did this (world-readable) is made private when it opens.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(Store::open(&path).unwrap());
    assert_eq!(mode_of(&path).unwrap(), 0o600);
}

#[test]
fn a_backup_that_fails_half_way_leaves_no_file_that_could_hold_the_key() {
    let (dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    // The destination is a folder with something in it: the last step (rename) fails.
    let dest = dir.path().join("busy.db");
    std::fs::create_dir_all(dest.join("inside")).unwrap();
    let err = store.read(|c| backup::copy_database(c, &dest)).unwrap_err();
    assert!(matches!(err, Error::BackupIo { .. }), "{err}");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_databases_restores_replaced_are_never_rotated_away() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let taken = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    drop(store);
    // More restores than any rotation keeps, several within the same second.
    for _ in 0..6 {
        backup::stage_restore(&taken, &path).unwrap();
        drop(Store::open(&path).unwrap());
    }
    let kept = backup::list_backups(&backup::backup_dir(&path))
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BackupKind::BeforeRestore)
        .count();
    assert_eq!(kept, 6);
}

#[test]
fn an_older_backup_is_refused_with_the_list_of_what_it_would_lose() {
    let (dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let older = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    // After the backup: three more sales are numbered (and KRA's counter moves on).
    store
        .write(|tx| -> store::Result<()> {
            for _ in 0..3 {
                store::numbering::next_document_no(tx, store::numbering::Series::Sale)?;
            }
            tx.execute("UPDATE kra_counters SET next_value = next_value + 3 WHERE counter = 'sales_invoice'", [])
                .map_err(|source| Error::Db { operation: "t", source })?;
            Ok(())
        })
        .unwrap();
    let loss = backup::restore_loss(&older, &path).unwrap();
    assert_eq!(loss.documents.len(), 1, "{loss:?}");
    assert_eq!((loss.documents[0].first.as_str(), loss.documents[0].last.as_str()), ("INV-000003", "INV-000005"));
    assert_eq!(loss.kra_counters.len(), 1, "{loss:?}");
    drop(store);
    let before = std::fs::read(&path).unwrap();
    let err = backup::stage_restore(&older, &path).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::RestoreWouldLose { .. }), "{text}");
    assert!(text.contains("3 documents INV-000003 to INV-000005 would be lost"), "{text}");
    assert!(!backup::staged_restore_path(&path).exists());
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Another shop's (or a training) backup is refused even when it is ahead.
    let other = dir.path().join("other.db");
    std::fs::copy(&older, &other).unwrap();
    Connection::open(&other).unwrap().execute("UPDATE device_settings SET environment = 'training'", []).unwrap();
    let err = backup::stage_restore(&other, &path).unwrap_err();
    assert!(err.to_string().contains("another shop's or another environment's backup"), "{err}");
}

#[test]
fn a_restore_staged_before_more_sales_is_set_aside_at_the_next_open() {
    let (_dir, path) = fixture_copy();
    let store = Store::open(&path).unwrap();
    let taken = store.read(|c| backup::take_backup(c, &path, BackupKind::Daily, "20261121120000")).unwrap();
    backup::stage_restore(&taken, &path).unwrap();
    // The till keeps selling before it is restarted.
    store.write(|tx| store::numbering::next_document_no(tx, store::numbering::Series::Sale)).unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.read(|c| store::numbering::last_document_no(c, store::numbering::Series::Sale)).unwrap(), 3);
    assert!(!backup::staged_restore_path(&path).exists());
    let aside: Vec<_> = std::fs::read_dir(backup::backup_dir(&path))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("refused-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
}
