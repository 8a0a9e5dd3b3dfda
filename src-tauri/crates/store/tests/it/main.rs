//! The store crate's integration tests, one binary: backups and restores, and upgrades from the first schema.

mod backup;
mod fixture;
mod upgrade;
