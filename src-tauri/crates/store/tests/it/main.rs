//! store's integration tests, one binary: backups and restores, and upgrades from an old schema.

mod backup;
mod upgrade;
