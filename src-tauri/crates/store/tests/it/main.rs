//! The store crate's integration tests, one binary: upgrades from the first schema and backups.

mod backup;
mod fixture;
mod upgrade;
