//! One sender per database: an OS advisory lock on a file beside the database, held by the
//! engine for as long as it may send. A second process on the same database (a `duka sync` in a
//! terminal while the desktop app is open) does not drain: each drain's restart recovery would
//! put the other's in-flight calls back to pending. Engines of one process on the same database
//! share one lock and one drain at a time.

use std::{
    collections::HashMap,
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock, PoisonError, Weak},
};

use store::Store;

use crate::{Error, Result};

/// The lock file beside `db`: `duka.db` → `duka.db.sending.lock`. Never deleted (deleting a
/// lock file lets two processes lock two different files).
pub fn lock_file_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".sending.lock");
    db.with_file_name(name)
}

/// The right to send for one database, shared by the engines of this process.
#[derive(Debug)]
pub(crate) struct SenderLock {
    /// Held open while locked (`None` for an in-memory store: no other process can reach it).
    _file: Option<File>,
    /// One drain at a time across the engines of this process. A drain's store work on the
    /// engine's store thread holds it too, so a drain that was dropped midway keeps it until that
    /// work has finished.
    pub(crate) draining: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    File(PathBuf),
    Memory(usize),
}

fn registry() -> &'static Mutex<HashMap<Key, Weak<SenderLock>>> {
    static LOCKS: OnceLock<Mutex<HashMap<Key, Weak<SenderLock>>>> = OnceLock::new();
    LOCKS.get_or_init(Default::default)
}

/// Takes (or shares, inside this process) the right to send for `store`'s database. Refused with
/// [`Error::AnotherSender`] while another process holds it.
pub(crate) fn acquire(store: &Arc<Store>) -> Result<Arc<SenderLock>> {
    let key = match store.path() {
        Some(path) => Key::File(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())),
        None => Key::Memory(Arc::as_ptr(store) as usize),
    };
    let mut locks = registry().lock().unwrap_or_else(PoisonError::into_inner);
    locks.retain(|_, weak| weak.strong_count() > 0);
    if let Some(held) = locks.get(&key).and_then(Weak::upgrade) {
        return Ok(held);
    }
    let file = match &key {
        Key::File(db) => Some(lock_file(db)?),
        Key::Memory(_) => None,
    };
    let lock = Arc::new(SenderLock { _file: file, draining: Arc::new(tokio::sync::Mutex::new(())) });
    locks.insert(key, Arc::downgrade(&lock));
    Ok(lock)
}

fn lock_file(db: &Path) -> Result<File> {
    let path = lock_file_path(db);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| Error::SenderLock { path: path.clone(), source })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(Error::AnotherSender),
        Err(TryLockError::Error(source)) => Err(Error::SenderLock { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        assert_eq!(lock_file_path(Path::new("/data/duka.db")), PathBuf::from("/data/duka.db.sending.lock"));
        assert_eq!(lock_file_path(Path::new("shop.sqlite")), PathBuf::from("shop.sqlite.sending.lock"));
    }

    #[test]
    fn engines_of_one_process_share_the_lock_and_another_holder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("duka.db");
        let store = Arc::new(Store::open(&db).unwrap());
        let first = acquire(&store).unwrap();
        let second = acquire(&store).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        // Another open file description (as another process would have) cannot take it.
        let other = OpenOptions::new().write(true).open(lock_file_path(&db)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop((first, second));
        other.try_lock().unwrap();
        assert!(matches!(acquire(&store), Err(Error::AnotherSender)));
        drop(other);
        acquire(&store).unwrap();
    }
}
