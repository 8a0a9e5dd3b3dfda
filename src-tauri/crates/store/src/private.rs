//! Files only the shop's own user may read: Duka's folders are created `0700` and the files it
//! writes (database, WAL, backups, key files, reports, exports) `0600`, because the database holds
//! the communication key and every customer's PIN. No-ops on platforms without Unix modes.

use std::{fs::File, io, path::Path};

/// Creates `dir` (and missing parents) and makes `dir` itself `0700`. Only for Duka's own
/// folders: the parents are left as they are.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)
}

/// Creates (or truncates) `path` as a file only its owner can read and write.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // `mode` applies only when the file is created: an older file keeps its mode otherwise.
    restrict(path, 0o600)?;
    Ok(file)
}

/// Writes `bytes` to `path` through [`create_file`] and flushes them to the disk.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = create_file(path)?;
    io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

/// Makes an existing file `0600` (a database created before Duka did this, a file SQLite made).
pub fn restrict_file(path: &Path) -> io::Result<()> {
    restrict(path, 0o600)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// The permission bits of `path` (tests and checks).
#[cfg(unix)]
pub fn mode_of(path: &Path) -> io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}
