//! Charge → signed receipt printed (issue 16, item 8), against the simulator on loopback with 0 and
//! 200 ms of added latency on KRA's sales call: a sandbox shop initialised with the simulator, its
//! sync worker running (as the desktop runs it), the printer an ESC/POS device (`/dev/null`, a
//! character device: the receipt is rendered and written as to a thermal printer). Each sale is
//! charged through the till's store thread (`Duka::till().charge`), then `print_after_charge`
//! waits for KRA's signature (the default 3 s bound) and prints; the clock stops when the receipt
//! is written. The worker is idle before each sale.
//!
//! KRA's call is the simulator's own time for each `saveTrnsSalesOsdc` (request received → answer
//! sent, from its call log, so loopback TCP counts against the margin). Target: Charge → signed
//! receipt printed within that + 50 ms (median).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use app::{AppOptions, CartId, Duka, InitRequest, NewItem, SaleLineRequest, SaleRequest, handover::SignatureWait};
use domain::{Discount, ItemType, Money, PaymentType, Qty, TaxBand};
use oscu_sim::{DeviceSpec, Fault, FaultRule, SimConfig, Simulator};

const PIN: &str = "P051234567X";

/// The machine's steal and total CPU ticks so far (/proc/stat's first line).
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    Some((*fields.get(7)?, fields.iter().take(8).sum()))
}

fn steal_percent(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> String {
    match (before, after) {
        (Some((s0, t0)), Some((s1, t1))) => {
            format!("{:.1} %", s1.saturating_sub(s0) as f64 * 100.0 / t1.saturating_sub(t0).max(1) as f64)
        }
        _ => "not readable".to_owned(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Waits (unmeasured) until nothing is waiting in the outbox.
async fn idle(duka: &Duka) -> anyhow::Result<()> {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let outbox = duka.status()?.outbox;
        if outbox.pending == 0 && outbox.in_flight == 0 {
            return Ok(());
        }
        if Instant::now() > until {
            bail!("the worker did not settle: {outbox:?}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let sales: usize = std::env::var("SIGNED_BENCH_SALES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let sim = Simulator::start(SimConfig::loopback(vec![DeviceSpec {
        tin: PIN.into(),
        bhf_id: "00".into(),
        serial: "DUKA-BENCH-01".into(),
    }]))
    .await?;
    let dir = tempfile::tempdir()?;
    let options = AppOptions { spawn_sync_worker: true, ..AppOptions::default() };
    let duka = Duka::open(dir.path().join("shop.db"), options).await?;
    duka.initialise_device(&InitRequest {
        pin: PIN.into(),
        branch_id: "00".into(),
        serial: "DUKA-BENCH-01".into(),
        base_url: sim.base_url_direct(),
        environment: app::Environment::Sandbox,
        gateway: None,
        shop_name: Some("Bench Kiosk".into()),
    })
    .await?;
    duka.refresh().await?;
    // A service: the sale is KRA's only call (no stock movement behind it).
    let item = duka
        .register_item(&NewItem {
            name: "Delivery".into(),
            class_code: "7810000000".into(),
            item_type: ItemType::Service,
            origin: "KE".into(),
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
            tax_band: TaxBand::B,
            price: Money::from_cents(25_000),
            barcode: None,
        })?
        .code;
    duka.save_printer(&app::printing::Printer::from_form(Some("escpos_device"), Some("mm80"), Some("/dev/null"))?)?;
    idle(&duka).await?;

    println!("Charge → signed receipt printed, {sales} sales per row, the worker idle before each sale;");
    println!("printer: ESC/POS rendered and written to /dev/null (a character device); bound 3 s.\n");
    println!(
        "| added latency | KRA's sales call (median) | Charge → signed receipt printed (median) | p90 | margin (median − call) | signed | CPU steal | target (call + 50 ms) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut cart = 0_u64;
    for latency in [0_u64, 200] {
        if latency == 0 {
            sim.clear_faults();
        } else {
            sim.set_faults(vec![FaultRule {
                function: "saveTrnsSalesOsdc".into(),
                call: None,
                fault: Fault::LatencyMs { ms: latency },
            }])?;
        }
        let before = cpu_ticks();
        let mut totals = Vec::with_capacity(sales);
        let mut calls = Vec::with_capacity(sales);
        let mut signed = 0;
        for _ in 0..sales {
            idle(&duka).await?;
            sim.record_calls();
            cart += 1;
            let request = SaleRequest {
                lines: vec![SaleLineRequest {
                    item: item.clone(),
                    qty: Qty::whole(1),
                    price: None,
                    discount: Discount::None,
                }],
                buyer_pin: None,
                buyer_name: None,
                payment: PaymentType::Cash,
            };
            let started = Instant::now();
            let charged = duka.till().charge(CartId::parse(&format!("bench-cart-{cart:08}"))?, request).await?;
            let printed = duka.print_after_charge(&charged.sale.trader_no).await?;
            totals.push(started.elapsed());
            if printed.signed && printed.wait.outcome == SignatureWait::Signed {
                signed += 1;
            }
            let call = sim
                .calls_of("saveTrnsSalesOsdc")
                .into_iter()
                .find(|c| c.result_cd.as_deref() == Some("000"))
                .context("the sale reached KRA")?;
            calls.push(call.answered.duration_since(call.received));
            sim.stop_recording();
        }
        let after = cpu_ticks();
        let (call, total) = (median(calls), median(totals.clone()));
        totals.sort();
        let p90 = totals.get(totals.len() * 9 / 10).copied().unwrap_or_default();
        let margin = total.saturating_sub(call);
        let verdict = if margin <= Duration::from_millis(50) { "met" } else { "missed" };
        println!(
            "| {latency} ms | {} | {} | {} | {} | {signed}/{sales} | {} | {verdict} |",
            ms(call),
            ms(total),
            ms(p90),
            ms(margin),
            steal_percent(before, after)
        );
    }
    duka.shutdown().await;
    sim.shutdown().await;
    Ok(())
}
