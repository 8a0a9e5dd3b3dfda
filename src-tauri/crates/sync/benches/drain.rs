//! Drain benchmark against the in-process simulator (`cargo bench -p sync`), printing a markdown
//! table:
//! - drain rate of queued sales (10,000 at 0 ms added latency, 300 at 200 ms: 10,000 × 200 ms
//!   would take over half an hour; `DRAIN_BENCH_SALES=N` changes the 10,000) as a ratio to the
//!   ideal = number of invoices × the median round trip of the drain's own `saveTrnsSalesOsdc`
//!   calls (timed by the simulator's call log, from the request's arrival to its answer leaving,
//!   so KRA's validation work is part of it), with where the sales lane's time went: inside KRA
//!   calls, or local work (claims, fsyncs, settling, the client's own HTTP work);
//! - commit-to-signature latency with the line up and the worker idle.
//!
//! Every sale has a goods line and a service line, so each sale also queues a stock movement and
//! a stock balance, which flow in the stock lane behind the sales. The store is a real file
//! (WAL, synchronous=FULL). Nothing is asserted: the numbers are printed.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use domain::{
    DateTime, Discount, Item, ItemCode, ItemCodeParts, ItemType, Money, PaymentType, Qty, SaleDraft, SaleLineDraft,
    StockMoveType, StockMovement, StockPolicy, TaxBand,
};
use oscu_sim::{DeviceSpec, Fault, FaultRule, RunningSim, SimConfig, Simulator};
use store::{CommitMeta, LoadedCatalogue, Store};
use sync::{Clock, Engine, PullList, SyncConfig, SystemClock};

/// The sales lane's calls, as the simulator logged them.
const SALE: &str = "saveTrnsSalesOsdc";

const TIN: &str = "P051234567X";
const BHF: &str = "00";
const SERIAL: &str = "SIM-BENCH-1";

struct Shop {
    /// Shared with the watcher that waits for the last sale's call in the log.
    sim: Arc<RunningSim>,
    store: Arc<Store>,
    engine: Engine,
    client: Arc<oscu::Client>,
    items: Vec<Item>,
    _dir: tempfile::TempDir,
}

fn item(seq: u32, name: &str, item_type: ItemType, band: TaxBand, cents: i64) -> Item {
    Item {
        code: ItemCode::build(&ItemCodeParts {
            origin: "KE".into(),
            item_type,
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
            sequence: seq,
        })
        .unwrap(),
        name: name.into(),
        class_code: "5010000000".into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: band,
        default_price: Money::from_cents(cents),
        barcode: None,
        active: true,
    }
}

fn meta(at: DateTime) -> CommitMeta<'static> {
    CommitMeta { at, user: "bench", approver: None, training: false }
}

async fn open_shop(stock: i64) -> Shop {
    let sim = Simulator::start(SimConfig::loopback(vec![DeviceSpec {
        tin: TIN.into(),
        bhf_id: BHF.into(),
        serial: SERIAL.into(),
    }]))
    .await
    .unwrap();
    let mut config = oscu::ClientConfig::new(oscu::FrontDoor::Direct { base_url: sim.base_url_direct() }, TIN, BHF);
    config.timeout = Duration::from_secs(30);
    let client = oscu::Client::new(config).unwrap();
    let info = client.initialize(SERIAL).await.unwrap();
    client.set_cmc_key(info.cmc_key.unwrap());
    let client = Arc::new(client);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("duka.db")).unwrap());
    let engine =
        Engine::new(store.clone(), client.clone(), Arc::new(SystemClock), SyncConfig::new("bench", "Bench User"));
    engine.pull(&[PullList::CodeList]).await.unwrap();
    let items = vec![
        item(1, "Sugar 1kg", ItemType::Finished, TaxBand::B, 18_000),
        item(2, "Delivery", ItemType::Service, TaxBand::B, 10_000),
    ];
    let now = SystemClock.now();
    store
        .write(|tx| -> store::Result<_> {
            for it in &items {
                store::items::register_item(tx, it, &meta(now))?;
            }
            let opening = StockMovement::new(&items[0], StockMoveType::AdjustmentIn, Qty::whole(stock)).unwrap();
            store::stock::commit_stock_adjustment(tx, &[opening], Some("opening stock"), &meta(now))?;
            Ok(())
        })
        .unwrap();
    engine.drain().await.unwrap();
    assert_eq!(engine.progress().pending, 0);
    Shop { sim: Arc::new(sim), store, engine, client, items, _dir: dir }
}

fn invoice(shop: &Shop) -> domain::Invoice {
    let draft = SaleDraft {
        lines: shop
            .items
            .iter()
            .map(|i| SaleLineDraft {
                item: i.code.clone(),
                qty: Qty::whole(1),
                unit_price: None,
                discount: Discount::None,
            })
            .collect(),
        buyer_pin: None,
        buyer_name: None,
        payment: PaymentType::Cash,
    };
    let (catalogue, rates) =
        shop.store.read(|c| Ok((LoadedCatalogue::for_sale(c, &draft)?, store::reference::tax_rates(c)?))).unwrap();
    draft.finalise(&catalogue, &rates, StockPolicy::Refuse).unwrap()
}

/// Mean round trip of one call to the simulator (`selectInvoiceDetails`, a read of a sale).
async fn round_trip(shop: &Shop, samples: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..samples {
        shop.client.select_invoice_details(1).await.unwrap();
    }
    start.elapsed() / samples
}

fn set_latency(shop: &Shop, ms: u64) {
    if ms == 0 {
        shop.sim.clear_faults();
    } else {
        shop.sim
            .set_faults(vec![FaultRule { function: "*".into(), call: None, fault: Fault::LatencyMs { ms } }])
            .unwrap();
    }
}

struct DrainRow {
    latency_ms: u64,
    sales: usize,
    rtt: Duration,
    /// Until the last sale was signed (the invoice series done).
    sales_done: Duration,
    /// Until everything, stock movements and balances included, was accepted.
    elapsed: Duration,
    /// The drain's own `saveTrnsSalesOsdc` exchanges, in order: (start, end).
    sales_calls: Vec<(Instant, Instant)>,
    /// Share of the machine's CPU time the hypervisor gave to other guests while the sales were
    /// drained (`steal` in `/proc/stat`); `None` where the kernel does not report it.
    steal: Option<f64>,
}

/// The machine's CPU time so far, from the first line of `/proc/stat`: (steal, all), in ticks.
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).map_while(|f| f.parse().ok()).collect();
    Some((*fields.get(7)?, fields.iter().take(8).sum()))
}

/// Steal between two [`cpu_ticks`] readings, as a share of all CPU time.
fn steal_between(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> Option<f64> {
    let ((s0, t0), (s1, t1)) = (before?, after?);
    (t1 > t0).then(|| s1.saturating_sub(s0) as f64 / (t1 - t0) as f64)
}

/// Where the sales lane's time went between its calls: the gap from one answer to the next
/// request (local work on the critical path: claims, settles, building the signature).
struct Gaps {
    median: Duration,
    p99: Duration,
    total: Duration,
    /// Gaps over 1 ms (the lane waited: a claim, the disk, the other lanes) and their sum.
    stalls: usize,
    stalled: Duration,
}

fn gaps(calls: &[(Instant, Instant)]) -> Gaps {
    let mut gaps: Vec<Duration> = calls.windows(2).map(|w| w[1].0.saturating_duration_since(w[0].1)).collect();
    gaps.sort();
    let at = |q: f64| gaps.get(((gaps.len() as f64 * q) as usize).min(gaps.len().saturating_sub(1))).copied();
    let slow: Vec<Duration> = gaps.iter().copied().filter(|g| *g > Duration::from_millis(1)).collect();
    Gaps {
        median: at(0.5).unwrap_or_default(),
        p99: at(0.99).unwrap_or_default(),
        total: gaps.iter().sum(),
        stalls: slow.len(),
        stalled: slow.iter().sum(),
    }
}

async fn drain_rate(latency_ms: u64, sales: usize) -> DrainRow {
    let shop = open_shop(i64::try_from(sales).unwrap() + 10).await;
    // One sale first so the round-trip probe reads a real invoice.
    let inv = invoice(&shop);
    shop.store.write(|tx| store::sales::commit_sale(tx, &inv, &meta(SystemClock.now()))).unwrap();
    shop.engine.drain().await.unwrap();
    set_latency(&shop, latency_ms);
    let rtt = round_trip(&shop, if latency_ms == 0 { 200 } else { 5 }).await;
    let now = SystemClock.now();
    shop.store
        .write(|tx| -> store::Result<_> {
            for _ in 0..sales {
                store::sales::commit_sale(tx, &inv, &meta(now))?;
            }
            Ok(())
        })
        .unwrap();
    let last_sale = shop.store.read(|c| store::sales::list_sales(c, None, 1)).unwrap()[0].id;
    // Every call of the drain, timed at the simulator.
    shop.sim.record_calls();
    let ticks = cpu_ticks();
    let start = Instant::now();
    // Watch for the last sale's signature: once KRA has answered the last sale (the series is
    // strict, so every sale before it is answered too), one indexed read every 0.5 ms on a blocking
    // thread (the store's lock is held through every claim and settle, and a read waiting for it on
    // a runtime worker would hold up the calls being timed). Nothing polls before that answer: the
    // watcher's own reads would compete with the drain for the two cores.
    let watcher = {
        let store = shop.store.clone();
        let sim = shop.sim.clone();
        tokio::spawn(async move {
            sim.wait_for_calls(SALE, sales).await;
            loop {
                let store = store.clone();
                let signed = tokio::task::spawn_blocking(move || {
                    store.read(|c| store::sales::sale_signature(c, last_sale)).unwrap().is_some()
                })
                .await
                .unwrap();
                if signed {
                    return start.elapsed();
                }
                tokio::time::sleep(Duration::from_micros(500)).await;
            }
        })
    };
    let report = shop.engine.drain().await.unwrap();
    let elapsed = start.elapsed();
    let sales_done = watcher.await.unwrap();
    let steal = steal_between(ticks, cpu_ticks());
    let p = shop.engine.progress();
    assert_eq!((p.pending, p.parked), (0, 0), "{p:?} {report:?}");
    assert_eq!(report.accepted, sales * 3, "{report:?}");
    let calls = shop.sim.calls();
    Arc::into_inner(shop.sim).unwrap().shutdown().await;
    let sales_calls: Vec<(Instant, Instant)> =
        calls.iter().filter(|c| c.function == SALE).map(|c| (c.received, c.answered)).collect();
    // DRAIN_BENCH_CALLS=<file>: each sales call's start (ms from the drain's start) and duration
    // (ms), one per line, to see where the time went; every other call in `<file>.others`, after
    // its function's name. The drain with added latency writes `<file>.<latency>ms` (and its
    // `.others`), so a full run keeps both.
    if let Some(path) = std::env::var_os("DRAIN_BENCH_CALLS") {
        let mut path = path.to_string_lossy().into_owned();
        if latency_ms > 0 {
            path = format!("{path}.{latency_ms}ms");
        }
        let timing = |a: &Instant, b: &Instant| {
            format!("{:.3} {:.3}", ms(a.saturating_duration_since(start)), ms(b.saturating_duration_since(*a)))
        };
        let lines: String = sales_calls.iter().map(|(a, b)| format!("{}\n", timing(a, b))).collect();
        std::fs::write(&path, lines).unwrap();
        let others: String = calls
            .iter()
            .filter(|c| c.function != SALE && c.received >= start)
            .map(|c| format!("{} {}\n", c.function, timing(&c.received, &c.answered)))
            .collect();
        std::fs::write(format!("{path}.others"), others).unwrap();
    }
    DrainRow { latency_ms, sales, rtt, sales_done, elapsed, sales_calls, steal }
}

struct LatencyRow {
    latency_ms: u64,
    rtt: Duration,
    samples: Vec<Duration>,
}

/// Commit a sale, wake the idle worker, and time until its signature is stored (polled every
/// 0.5 ms, so the figures carry up to 0.5 ms of polling).
async fn commit_to_signature(latency_ms: u64, samples: usize) -> LatencyRow {
    let shop = open_shop(1000).await;
    let inv = invoice(&shop);
    set_latency(&shop, latency_ms);
    let handle = shop.engine.clone().spawn();
    let mut progress = handle.subscribe();
    // Let the worker finish its start-up pull and go idle.
    handle.sync_now().await.unwrap();
    let rtt = round_trip(&shop, 5).await;
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        let sale = shop.store.write(|tx| store::sales::commit_sale(tx, &inv, &meta(SystemClock.now()))).unwrap();
        handle.wake();
        loop {
            if shop.store.read(|c| store::sales::sale_signature(c, sale.id)).unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        out.push(start.elapsed());
        // Idle again: the stock lane has finished and progress was published.
        while shop.engine.progress().pending + shop.engine.progress().in_flight > 0 {
            let _ = tokio::time::timeout(Duration::from_millis(50), progress.changed()).await;
        }
    }
    handle.shutdown().await;
    Arc::into_inner(shop.sim).unwrap().shutdown().await;
    LatencyRow { latency_ms, rtt, samples: out }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        // DRAIN_BENCH=latency runs only the commit-to-signature part.
        let only_latency = std::env::var("DRAIN_BENCH").is_ok_and(|v| v == "latency");
        let sales = std::env::var("DRAIN_BENCH_SALES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
        // DRAIN_BENCH=zero runs only the drain at 0 ms added latency.
        let only_zero = std::env::var("DRAIN_BENCH").is_ok_and(|v| v == "zero");
        let drains = if only_latency {
            Vec::new()
        } else if only_zero {
            vec![drain_rate(0, sales).await]
        } else {
            vec![drain_rate(0, sales).await, drain_rate(200, 300).await]
        };
        println!("\n### Drain rate (each sale also queues a stock movement and a stock balance)\n");
        println!(
            "| added latency | sales queued | saveTrnsSalesOsdc round trip (median in the drain) | ideal (sales × \
             round trip) | last sale signed | sales/s | ratio to ideal | sales lane: in KRA calls | sales lane: local \
             work per sale | everything accepted (stock tail) | selectInvoiceDetails probe | CPU stolen by other \
             guests during the drain |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in &drains {
            let mut calls: Vec<Duration> = r.sales_calls.iter().map(|(a, b)| b.saturating_duration_since(*a)).collect();
            calls.sort();
            let median = calls.get(calls.len() / 2).copied().unwrap_or_default();
            let in_calls: Duration = calls.iter().sum();
            let ideal = median * u32::try_from(r.sales).unwrap();
            let local = r.sales_done.saturating_sub(in_calls) / u32::try_from(r.sales).unwrap();
            println!(
                "| {} ms | {} | {:.2} ms | {:.1} s | {:.1} s | {:.0} | {:.2} | {:.1} s | {:.2} ms | {:.1} s | {:.2} ms | {} |",
                r.latency_ms,
                r.sales,
                ms(median),
                ideal.as_secs_f64(),
                r.sales_done.as_secs_f64(),
                r.sales as f64 / r.sales_done.as_secs_f64(),
                ideal.as_secs_f64() / r.sales_done.as_secs_f64(),
                in_calls.as_secs_f64(),
                ms(local),
                r.elapsed.as_secs_f64(),
                ms(r.rtt),
                r.steal.map_or_else(|| "n/a".to_owned(), |s| format!("{:.0} %", s * 100.0)),
            );
        }
        println!("\n### Sales lane between its calls (answer of one sale to the request of the next)\n");
        println!("| added latency | gaps | median gap | p99 gap | sum of gaps | gaps over 1 ms | their sum |");
        println!("|---|---|---|---|---|---|---|");
        for r in &drains {
            let g = gaps(&r.sales_calls);
            println!(
                "| {} ms | {} | {:.3} ms | {:.2} ms | {:.2} s | {} | {:.2} s |",
                r.latency_ms,
                r.sales_calls.len().saturating_sub(1),
                ms(g.median),
                ms(g.p99),
                g.total.as_secs_f64(),
                g.stalls,
                g.stalled.as_secs_f64(),
            );
        }
        let lat = if only_zero {
            Vec::new()
        } else {
            vec![commit_to_signature(0, 50).await, commit_to_signature(200, 10).await]
        };
        println!("\n### Commit to signature stored, line up, worker idle\n");
        println!("| added latency | round trip | samples | median | p90 | max | median − round trip |");
        println!("|---|---|---|---|---|---|---|");
        for r in lat {
            let mut s = r.samples.clone();
            s.sort();
            let median = s[s.len() / 2];
            let p90 = s[(s.len() * 9 / 10).min(s.len() - 1)];
            println!(
                "| {} ms | {:.2} ms | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
                r.latency_ms,
                ms(r.rtt),
                s.len(),
                ms(median),
                ms(p90),
                ms(*s.last().unwrap()),
                ms(median) - ms(r.rtt),
            );
        }
    });
}
