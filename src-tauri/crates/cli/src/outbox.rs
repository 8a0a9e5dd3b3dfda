//! What waits for KRA and sending it: `outbox` and `sync`.

use std::process::ExitCode;

use anyhow::Context as _;
use app::Duka;
use clap::Args;

use crate::output::{emit, say};

#[derive(Debug, Args)]
pub(crate) struct OutboxArgs {
    /// Also show this many of the newest sent calls.
    #[arg(long, default_value_t = 0)]
    done: usize,
}

#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Drain once and exit: 0 when nothing is left pending or parked, 1 otherwise.
    #[arg(long)]
    pub(crate) once: bool,
}

pub(crate) fn outbox(duka: &Duka, json: bool, a: OutboxArgs) -> anyhow::Result<()> {
    let view = duka.outbox(a.done)?;
    emit(json, &view, |v| {
        let mut lines = vec![format!(
            "{} pending, {} sending, {} refused",
            v.summary.pending, v.summary.in_flight, v.summary.parked
        )];
        lines.extend(v.rows.iter().map(|r| {
            format!(
                "#{:<6} {:<18} {:<20} {:<9} attempts {}{}",
                r.id,
                r.kind,
                r.document,
                r.state,
                r.attempts,
                r.last_error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default()
            )
        }));
        lines.join("\n")
    })
}

/// `sync --once` drains once (exit code 1 when something is left); `sync` follows until Ctrl-C
/// (the shop was opened with the background worker).
pub(crate) async fn sync(duka: &Duka, json: bool, a: SyncArgs) -> anyhow::Result<ExitCode> {
    if !a.once {
        let first = duka.sync_now().await?;
        eprintln!("Syncing until Ctrl-C (sent {} now, {} pending)", first.sent, first.outbox.pending);
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        return Ok(ExitCode::SUCCESS);
    }
    let r = duka.sync_now().await?;
    let clean = r.outbox.pending == 0 && r.outbox.parked == 0 && r.outbox.in_flight == 0;
    if json {
        emit(true, &r, |_| String::new())?;
    } else {
        say(&format!(
            "Sent {}; {} waiting to retry, {} refused by KRA; left: {} pending, {} refused",
            r.sent, r.retrying, r.parked, r.outbox.pending, r.outbox.parked
        ))?;
        for line in &r.waiting {
            say(&format!("  {line}"))?;
        }
    }
    if !clean {
        eprintln!(
            "not everything reached KRA: {} still pending, {} refused{}",
            r.outbox.pending,
            r.outbox.parked,
            if r.problems.is_empty() { String::new() } else { format!(": {}", r.problems.join("; ")) }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
