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
    let report = engine.drain().await.map_err(|e| sync_error("send the waiting documents to KRA", e))?;
    let view = duka.outbox(0)?;
    let problems = view
        .rows
        .iter()
        .filter(|r| r.state == "parked")
        .map(|r| format!("{} ({}): {}", r.document, r.kind, r.last_error.clone().unwrap_or_default()))
        .collect();
    Ok(SyncResult {
        sent: report.accepted + report.already_recorded,
        parked: report.parked,
        retrying: report.retrying,
        outbox: view.summary,
        problems,
    })
}
