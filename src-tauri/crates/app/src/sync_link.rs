//! The app's side of `sync`: the engine built over the shop's `oscu::Client` (either front door;
//! sync calls its typed functions, so the tested path is the shipped one),
//! reference-data refresh and "sync now" with plain-language results.

use std::sync::Arc;

use store::{DeviceSettings, Environment};
use sync::{Engine, PullList, SyncConfig};

use crate::{
    Duka, Error, Result,
    views::{RefreshResult, SyncResult},
};

fn sync_error(operation: &'static str, source: sync::Error) -> Error {
    Error::Sync { operation, source: Box::new(source) }
}

/// The engine for this shop's device.
pub(crate) fn engine(duka: &Duka, settings: &DeviceSettings, client: Arc<oscu::Client>) -> Result<Engine> {
    let user = &duka.options().user;
    let id: String = user.chars().take(20).collect();
    let name: String = user.chars().take(60).collect();
    let mut config = SyncConfig::new(&id, &name);
    if settings.environment == Environment::Training {
        config.practice_records = Some(crate::training::state_file(duka.db_path()));
    }
    Ok(Engine::new(duka.store().clone(), client, duka.options().clock.clone(), config))
}

pub(crate) async fn refresh(duka: &Duka) -> Result<RefreshResult> {
    let engine = duka.link(|l| l.engine.clone())?;
    let report = engine.pull(&[PullList::All]).await.map_err(|e| sync_error("download KRA's lists", e))?;
    let stored = |list: PullList| report.stored.iter().filter(|(l, _)| *l == list).map(|(_, n)| *n).sum::<usize>();
    let rates = duka.store().read(|c| Ok(store::reference::tax_rates(c).is_ok()))?;
    let mut detail: Vec<String> =
        report.stored.iter().map(|(list, n)| format!("{}: {n} stored", list.cursor_name())).collect();
    detail.extend(report.failed.iter().map(|(list, why)| format!("{} failed: {why}", list.cursor_name())));
    if !report.failed.is_empty() && !rates {
        let why = report.failed.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join("; ");
        return Err(Error::invalid(
            "reference data",
            format!("KRA's lists could not be downloaded ({why}): check the connection and refresh again"),
        ));
    }
    Ok(RefreshResult {
        code_classes: stored(PullList::CodeList),
        item_classes: stored(PullList::ItemClasses),
        tax_rates_ready: rates,
        detail: detail.join(", "),
    })
}

pub(crate) async fn sync_now(duka: &Duka) -> Result<SyncResult> {
    // The engine drains one caller at a time, so this is safe beside the worker.
    let engine = duka.link(|l| l.engine.clone())?;
    let (_, report) = engine.drain_now().await.map_err(|e| sync_error("send the waiting documents to KRA", e))?;
    let view = duka.outbox(0)?;
    let problems = view
        .rows
        .iter()
        .filter(|r| r.state == "parked")
        .map(|r| format!("{} ({}): {}", r.document, r.kind, r.last_error.clone().unwrap_or_default()))
        .collect();
    let now = duka.now();
    let waits = duka.store().read(|c| store::outbox::waiting(c, now, WAITING_SHOWN))?;
    let name = |id: i64| document_name(duka, id);
    let waiting = waits.iter().map(|w| waiting_line(&name(w.id), &w.reason, &name)).collect::<Vec<_>>();
    Ok(SyncResult {
        sent: report.accepted + report.already_recorded,
        parked: report.parked,
        retrying: waits.len(),
        outbox: view.summary,
        problems,
        waiting,
    })
}

/// The document of outbox row `id` as the shop knows it: its trader number (INV-000012,
/// CN-000003, STK-000004), else its kind and id.
fn document_name(duka: &Duka, id: i64) -> String {
    duka.store()
        .read(|c| {
            let document = store::outbox::row(c, id)?.document;
            Ok(store::queries::trader_no(c, document)?.unwrap_or_else(|| format!("{} {}", document.kind, document.id)))
        })
        .unwrap_or_else(|_| format!("call {id}"))
}

/// How many waiting documents a sync summary names.
const WAITING_SHOWN: usize = 50;

/// One waiting document in plain words: what it waits for, and until when.
fn waiting_line(document: &str, reason: &store::outbox::WaitReason, name: &dyn Fn(i64) -> String) -> String {
    let at = |t: &domain::DateTime| format!("{:02}:{:02}", t.hour(), t.minute());
    match reason {
        // The first clause of the last failure ("could not reach KRA for saveTrnsSalesOsdc").
        store::outbox::WaitReason::Retry { until, last_error } => format!(
            "{document}: tried again at {} ({})",
            at(until),
            last_error.as_deref().and_then(|e| e.split(": ").next()).unwrap_or("KRA did not answer")
        ),
        store::outbox::WaitReason::RateLimited { until } => {
            format!("{document}: KRA asked Duka to slow down; sent again at {}", at(until))
        }
        store::outbox::WaitReason::Behind { behind, parked: true } => {
            format!("{document}: waits for {}, which KRA refused: fix that one first", name(*behind))
        }
        store::outbox::WaitReason::Behind { behind, parked: false } => {
            format!("{document}: goes out right after {}", name(*behind))
        }
    }
}
