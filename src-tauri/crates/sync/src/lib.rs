//! Duka's sync engine: a tokio worker that drains the KRA outbox in dependency order (sales
//! series, stock lane, purchase lane and the rest running side by side, each strictly in order),
//! assigns KRA numbers at send time, settles unknown outcomes exactly once by asking KRA before a
//! resend, realigns drifted counters, backs off with jitter, pulls KRA's lists with one cursor
//! each, and publishes [`Progress`] for the UI.
//!
//! It reaches KRA only through `oscu::Client`'s typed calls (either front door): requests are
//! frozen by `oscu` and resent byte for byte, answers and refusals come back typed. Device
//! identity (PIN, branch, communication key) lives in the client; sync reads the shop's name and
//! address, and the device's SDC id and MRC number, from the store settings for the receipt fields
//! and the stored signature.

mod backoff;
mod clock;
mod engine;
mod error;
mod explain;
mod feeds;
mod pull;
mod requests;
mod sender_lock;
mod worker;

pub use clock::{Clock, ManualClock, SystemClock, add as add_duration, seconds_between, sub as sub_duration};
pub use engine::{DrainReport, Engine, Progress, SyncConfig};
pub use error::{Error, Result};
pub use explain::{ExplainContext, Explanation, explain};
pub use pull::{PullList, PullReport};
pub use sender_lock::lock_file_path;
pub use worker::SyncHandle;
