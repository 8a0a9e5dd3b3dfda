//! Store benchmark: prints a markdown table, asserts nothing.
//!
//! ```text
//! cargo bench -p store
//! ```
//!
//! Measures, in one run and on the same disk: this disk's fsync latency (4 KiB overwrite + fsync
//! in the bench folder; fdatasync beside it), a durable 5-line sale commit (WAL, synchronous=FULL) into a
//! database already holding 1,000,000 sales, a barcode lookup among 100,000 items and a name
//! search among 100,000 items (FTS5, with a LIKE scan beside it to show what FTS5 earns).
//! Each timed commit follows one fsync probe, so the ratio compares the commit with fsyncs made at
//! the same moments (this VM's fsync swings between about 0.06 ms and 4 ms with the host's load).
//! A second table shows where one commit's WAL pages go, by table and index (`dbstat`).
//!
//! The big database is built once with the real `commit_sale` (synchronous=OFF, 10,000 sales per
//! transaction) and cached in `$CARGO_TARGET_DIR/store-bench/` (default `target/store-bench/`);
//! delete that folder to rebuild. `DUKA_BENCH_SALES` overrides the 1,000,000.

use std::{
    fs::OpenOptions,
    io::{Seek, SeekFrom, Write},
    path::PathBuf,
    time::{Duration, Instant},
};

use domain::{
    DateTime, Discount, Item, ItemCode, ItemCodeParts, ItemType, Money, PaymentType, Qty, SaleDraft, SaleLineDraft,
    StockPolicy, TaxBand, TaxRates,
};
use store::{CommitMeta, LoadedCatalogue, Store, items, sales};

const ITEMS: u32 = 100_000;
const LINES_PER_SALE: usize = 5;
const BATCH: usize = 10_000;
/// Bumped when what `commit_sale` writes changes, so the cached database is rebuilt.
const DATA_VERSION: u32 = 2;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
}

const BRANDS: &[&str] = &[
    "Kabras",
    "Mumias",
    "Jogoo",
    "Pembe",
    "Soko",
    "Ndovu",
    "Exe",
    "Kasuku",
    "Elianto",
    "Fresh Fri",
    "Golden Fry",
    "Ketepa",
    "Kericho Gold",
    "Brookside",
    "KCC",
    "Daima",
    "Tuzo",
    "Omo",
    "Sunlight",
    "Ariel",
    "Menengai",
    "Geisha",
    "Tropical Heat",
    "Bidco",
    "Royco",
    "Blue Band",
    "Nutro",
    "Dola",
    "Raha",
    "Highlands",
];
const PRODUCTS: &[&str] = &[
    "Sugar",
    "Maize Flour",
    "Wheat Flour",
    "Cooking Oil",
    "Tea Leaves",
    "Milk",
    "Yoghurt",
    "Bar Soap",
    "Washing Powder",
    "Rice Pishori",
    "Salt",
    "Margarine",
    "Drinking Water",
    "Juice",
    "Biscuits",
    "Bread",
    "Spaghetti",
    "Toothpaste",
    "Matchbox",
    "Candles",
    "Tissue",
    "Sanitary Pads",
    "Baking Flour",
    "Cocoa",
    "Coffee",
    "Beans",
    "Green Grams",
    "Lentils",
    "Peanut Butter",
    "Jam",
    "Tomato Sauce",
    "Chilli Sauce",
    "Soda",
    "Energy Drink",
    "Crisps",
    "Sweets",
    "Chewing Gum",
    "Detergent",
    "Bleach",
    "Shoe Polish",
    "Body Lotion",
    "Petroleum Jelly",
    "Hair Oil",
    "Razor",
    "Batteries",
    "Bulb",
    "Gas Refill",
    "Charcoal",
    "Paraffin",
    "Airtime",
];
const SIZES: &[&str] = &["250g", "500g", "1kg", "2kg", "5kg", "10kg", "300ml", "500ml", "1L", "2L"];

fn item_code(seq: u32) -> ItemCode {
    ItemCode::build(&ItemCodeParts {
        origin: "KE".into(),
        item_type: ItemType::Finished,
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        sequence: seq,
    })
    .unwrap_or_else(|e| panic!("item code {seq}: {e}"))
}

fn item(seq: u32) -> Item {
    let i = seq as usize;
    let name = format!(
        "{} {} {} No.{}",
        BRANDS[i % BRANDS.len()],
        PRODUCTS[(i / BRANDS.len()) % PRODUCTS.len()],
        SIZES[(i / (BRANDS.len() * PRODUCTS.len())) % SIZES.len()],
        seq
    );
    Item {
        code: item_code(seq),
        name,
        class_code: "5020230500".into(),
        item_type: ItemType::Finished,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: if i.is_multiple_of(5) { TaxBand::A } else { TaxBand::B },
        default_price: Money::from_cents(5_000 + (i as i64 % 997) * 100),
        barcode: Some(format!("616{seq:010}")),
        active: true,
    }
}

fn rates() -> TaxRates {
    TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")])
        .unwrap_or_else(|e| panic!("rates: {e}"))
}

fn draft(rng: &mut Rng, lines: usize) -> SaleDraft {
    SaleDraft {
        lines: (0..lines)
            .map(|_| SaleLineDraft {
                item: item_code(rng.below(ITEMS) + 1),
                qty: Qty::whole(i64::from(rng.below(3) + 1)),
                unit_price: None,
                discount: Discount::None,
            })
            .collect(),
        buyer_pin: None,
        buyer_name: None,
        payment: PaymentType::Cash,
    }
}

fn now(offset_secs: u64) -> DateTime {
    let s = offset_secs % 86_400;
    let day = 1 + (offset_secs / 86_400 % 28) as u8;
    DateTime::new(
        domain::Date::new(2026, 11, day).unwrap_or_else(|| panic!("day {day}")),
        (s / 3600) as u8,
        (s / 60 % 60) as u8,
        (s % 60) as u8,
    )
    .unwrap_or_else(|| panic!("time {s}"))
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../target"));
    let dir = target.join("store-bench");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// How the probe flushes: `fsync` (what the bundled SQLite calls on every WAL commit: it is built
/// without `HAVE_FDATASYNC`) or `fdatasync`.
#[derive(Clone, Copy, PartialEq)]
enum Flush {
    Fsync,
    Fdatasync,
}

/// A file in the bench folder that is overwritten in place and flushed, as SQLite overwrites its
/// WAL in place once the WAL has its working size.
struct Probe {
    file: std::fs::File,
    block: Vec<u8>,
    flush: Flush,
    round: u8,
}

impl Probe {
    fn new(dir: &std::path::Path, size: usize, flush: Flush) -> Probe {
        let path = dir.join(format!("fsync-probe-{size}"));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let block = vec![0xA5u8; size];
        file.write_all(&block).and_then(|_| file.sync_all()).unwrap_or_else(|e| panic!("prime probe: {e}"));
        Probe { file, block, flush, round: 0 }
    }

    /// One overwrite of the block and its flush, timed.
    fn once(&mut self) -> Duration {
        self.round = self.round.wrapping_add(1);
        self.block[0] = self.round;
        let t = Instant::now();
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.write_all(&self.block))
            .and_then(|_| if self.flush == Flush::Fsync { self.file.sync_all() } else { self.file.sync_data() })
            .unwrap_or_else(|e| panic!("fsync probe: {e}"));
        t.elapsed()
    }
}

/// Overwrites `size` bytes at the start of a file and flushes it, `n` times.
fn fsync_sized(dir: &std::path::Path, n: usize, size: usize, flush: Flush) -> Vec<Duration> {
    let mut probe = Probe::new(dir, size, flush);
    (0..n).map(|_| probe.once()).collect()
}

/// The page numbers of the first `count` frames of the WAL's current generation (frames whose
/// salt matches the WAL header's; older frames further on are leftovers of an earlier generation).
fn wal_pages(wal: &std::path::Path, page_size: usize, count: usize) -> Vec<u32> {
    let bytes = std::fs::read(wal).unwrap_or_else(|e| panic!("read {}: {e}", wal.display()));
    let salt = bytes.get(16..24).unwrap_or_else(|| panic!("{} has no WAL header", wal.display())).to_vec();
    bytes[32..]
        .chunks_exact(24 + page_size)
        .take(count)
        .take_while(|frame| frame[8..16] == salt[..])
        .map(|frame| u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]))
        .collect()
}

/// Which table or index (and whether a leaf or an interior page) each page of the database belongs to.
fn page_owners(store: &Store) -> std::collections::HashMap<u32, String> {
    store
        .read(|c| {
            let mut stmt = c.prepare("SELECT pageno, name, pagetype FROM dbstat").map_err(db_err("dbstat"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, u32>(0)?, format!("{} ({})", r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
                })
                .map_err(db_err("dbstat"))?;
            rows.collect::<Result<_, _>>().map_err(db_err("dbstat"))
        })
        .unwrap_or_else(|e| panic!("{e}"))
}

fn db_err(operation: &'static str) -> impl Fn(rusqlite::Error) -> store::Error {
    move |source| store::Error::Db { operation, source }
}

/// Columns of `table` in order, with `overrides` replacing some by SQL expressions.
fn copy_select(conn: &rusqlite::Connection, table: &str, overrides: &[(&str, String)]) -> String {
    let mut stmt = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    let cols: Vec<String> =
        stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).unwrap_or_else(|e| panic!("{table}: {e}"));
    let exprs: Vec<String> = cols
        .iter()
        .map(|c| overrides.iter().find(|(name, _)| name == c).map_or_else(|| c.clone(), |(_, e)| e.clone()))
        .collect();
    format!("INSERT INTO {table} ({}) SELECT {} FROM {table}", cols.join(", "), exprs.join(", "))
}

/// Doubles every sale (with its lines, stock document, movements, outbox rows, dependencies and
/// audit entries) under fresh ids and trader numbers, in one statement per table.
fn double(tx: &store::Tx<'_>) -> store::Result<()> {
    let max = |sql: &str| -> store::Result<i64> { tx.query_row(sql, [], |r| r.get(0)).map_err(db_err("bulk")) };
    let s = max("SELECT max(id) FROM sales")?;
    let d = max("SELECT max(id) FROM stock_documents")?;
    let m = max("SELECT max(id) FROM stock_movements")?;
    let o = max("SELECT max(id) FROM outbox")?;
    let items_rows = max("SELECT coalesce(max(id), 0) FROM outbox WHERE kind = 'save_item'")?;
    let statements = [
        copy_select(
            tx,
            "sales",
            &[("id", format!("id + {s}")), ("trader_no", format!("printf('INV-%06d', id + {s})"))],
        ),
        copy_select(tx, "sale_lines", &[("sale_id", format!("sale_id + {s}"))]),
        copy_select(
            tx,
            "stock_documents",
            &[
                ("id", format!("id + {d}")),
                ("trader_no", format!("printf('STK-%06d', id + {d})")),
                ("source_id", format!("source_id + {s}")),
            ],
        ) + " WHERE source_kind = 'sale'",
        copy_select(
            tx,
            "stock_movements",
            &[("id", format!("id + {m}")), ("document_id", format!("document_id + {d}"))],
        ) + " WHERE document_id IN (SELECT id FROM stock_documents WHERE source_kind = 'sale')",
        copy_select(
            tx,
            "outbox",
            &[
                ("id", format!("id + {o}")),
                (
                    "document_id",
                    format!("CASE document_kind WHEN 'sale' THEN document_id + {s} ELSE document_id + {d} END"),
                ),
            ],
        ) + " WHERE kind != 'save_item'",
        format!(
            "INSERT INTO outbox_deps (outbox_id, depends_on)
             SELECT outbox_id + {o}, CASE WHEN depends_on <= {items_rows} THEN depends_on ELSE depends_on + {o} END
             FROM outbox_deps WHERE outbox_id > {items_rows}"
        ),
        format!(
            "INSERT INTO audit_log (at, user_name, action, document_kind, document_id, detail)
             SELECT at, user_name, action, document_kind, document_id + {s}, printf('INV-%06d', document_id + {s})
             FROM audit_log WHERE action = 'sell'"
        ),
        "UPDATE sequences SET last_value = (SELECT max(id) FROM sales) WHERE series = 'INV'".to_owned(),
        "UPDATE sequences SET last_value = (SELECT max(id) FROM stock_documents) WHERE series = 'STK'".to_owned(),
    ];
    for sql in statements {
        tx.execute(&sql, []).map_err(db_err("bulk"))?;
    }
    Ok(())
}

/// Builds the bench database: 100,000 items and a base of sales through the real `commit_sale`
/// (synchronous=OFF), then doubled in SQL until it holds `sales_wanted` sales.
fn build(path: &std::path::Path, sales_wanted: u64) {
    let tmp = path.with_extension("building");
    for p in [&tmp, &tmp.with_extension("building-wal"), &tmp.with_extension("building-shm")] {
        let _ = std::fs::remove_file(p);
    }
    let mut base = sales_wanted;
    let mut doublings = 0;
    while base.is_multiple_of(2) && base / 2 >= 10_000 {
        base /= 2;
        doublings += 1;
    }
    let started = Instant::now();
    let store = Store::open(&tmp).unwrap_or_else(|e| panic!("open {}: {e}", tmp.display()));
    store
        .read(|c| c.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -400000;").map_err(db_err("bulk")))
        .unwrap_or_else(|e| panic!("{e}"));
    let meta = CommitMeta { at: now(0), user: "bench", approver: None, training: false };
    store
        .write(|tx| -> store::Result<()> {
            for seq in 1..=ITEMS {
                items::register_item(tx, &item(seq), &meta)?;
            }
            tx.execute("UPDATE outbox SET state = 'done', done_at = '20261101000000'", []).map_err(db_err("bulk"))?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("items: {e}"));
    eprintln!("  {ITEMS} items in {:.1}s", started.elapsed().as_secs_f64());
    let rates = rates();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut done = 0u64;
    while done < base {
        let n = BATCH.min((base - done) as usize);
        store
            .write(|tx| -> store::Result<_> {
                for k in 0..n {
                    let d = draft(&mut rng, 1 + (k % LINES_PER_SALE));
                    let catalogue = LoadedCatalogue::for_sale(tx, &d)?;
                    let invoice = d
                        .finalise(&catalogue, &rates, StockPolicy::AllowNegative)
                        .unwrap_or_else(|v| panic!("draft: {v}"));
                    let meta = CommitMeta { at: now(done + k as u64), user: "bench", approver: None, training: false };
                    sales::commit_sale(tx, &invoice, &meta)?;
                }
                // A shop that has been syncing: everything already sent.
                tx.execute("UPDATE outbox SET state = 'done', done_at = '20261101000000' WHERE state = 'pending'", [])
                    .map_err(db_err("bulk"))?;
                Ok(())
            })
            .unwrap_or_else(|e| panic!("sales: {e}"));
        done += n as u64;
    }
    eprintln!("  {base} sales through commit_sale after {:.0}s", started.elapsed().as_secs_f64());
    for _ in 0..doublings {
        store.write(double).unwrap_or_else(|e| panic!("doubling: {e}"));
        let n: i64 = store
            .read(|c| c.query_row("SELECT count(*) FROM sales", [], |r| r.get(0)).map_err(db_err("count")))
            .unwrap_or_else(|e| panic!("{e}"));
        eprintln!("  {n} sales after {:.0}s", started.elapsed().as_secs_f64());
    }
    store
        .read(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;").map_err(db_err("bulk")))
        .unwrap_or_else(|e| panic!("{e}"));
    drop(store);
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("rename: {e}"));
    eprintln!("  built in {:.0}s", started.elapsed().as_secs_f64());
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    let sales_wanted: u64 = std::env::var("DUKA_BENCH_SALES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = bench_dir();
    let path =
        dir.join(format!("sales-{sales_wanted}-schema{}-data{DATA_VERSION}.db", store::migrations::latest_version()));
    let cached = path.exists();
    if !cached {
        eprintln!("building {} (once; cached afterwards)", path.display());
        build(&path, sales_wanted);
    }
    let open_started = Instant::now();
    let store = Store::open(&path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let open_time = open_started.elapsed();
    let (sales_in_db, items_in_db, size): (i64, i64, i64) = store
        .read(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM items),
                        (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|source| store::Error::Db { operation: "count", source })
        })
        .unwrap_or_else(|e| panic!("{e}"));

    // This disk's fsync, measured now, in the same folder.
    let (fsync_med, fsync_p99) = stats(fsync_sized(&dir, 500, 4096, Flush::Fsync));
    let (fdatasync_med, fdatasync_p99) = stats(fsync_sized(&dir, 500, 4096, Flush::Fdatasync));

    // How many WAL bytes one 5-line sale commit writes (measured on a freshly truncated WAL).
    let rates = rates();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ sales_in_db as u64);
    let commit_once = |k: u64, rng: &mut Rng| -> Duration {
        let d = draft(rng, LINES_PER_SALE);
        let catalogue = store.read(|c| LoadedCatalogue::for_sale(c, &d)).unwrap_or_else(|e| panic!("{e}"));
        let invoice =
            d.finalise(&catalogue, &rates, StockPolicy::AllowNegative).unwrap_or_else(|v| panic!("draft: {v}"));
        let meta = CommitMeta { at: now(2_500_000 + k), user: "bench", approver: None, training: false };
        let t = Instant::now();
        store.write(|tx| sales::commit_sale(tx, &invoice, &meta)).unwrap_or_else(|e| panic!("commit: {e}"));
        t.elapsed()
    };
    // WAL frames one commit writes: checkpoint, commit, and read the frame count back.
    let wal_frames = |store: &Store| -> i64 {
        store
            .read(|c| c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1)).map_err(db_err("checkpoint")))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let page_size: i64 = store
        .read(|c| c.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(db_err("page size")))
        .unwrap_or_else(|e| panic!("{e}"));
    let wal_path = PathBuf::from(format!("{}-wal", path.display()));
    let sampled_commits: u32 = 20;
    let mut frames = Vec::new();
    let mut pages_written = Vec::new();
    for k in 0..sampled_commits {
        wal_frames(&store);
        commit_once(u64::from(k), &mut rng);
        let n = wal_frames(&store);
        frames.push(n);
        pages_written.extend(wal_pages(&wal_path, page_size as usize, n as usize));
    }
    frames.sort_unstable();
    let wal_per_commit = (frames[frames.len() / 2] * (page_size + 24)) as u64;
    // Where those frames go: pages per commit by table or index.
    let owners = page_owners(&store);
    let mut by_owner: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for page in &pages_written {
        *by_owner.entry(owners.get(page).cloned().unwrap_or_else(|| "free-list or header page".into())).or_default() +=
            1;
    }
    let mut by_owner: Vec<(String, usize)> = by_owner.into_iter().collect();
    by_owner.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Warm up as a till that has been selling: the WAL reaches its working size and is then
    // reused from the start after each checkpoint instead of growing on every commit.
    let warm_up = 600u64;
    for k in 0..warm_up {
        commit_once(100 + k, &mut rng);
    }
    // Then a quiet moment, as between customers: the background checkpoint catches up and the next
    // commit starts writing the WAL from its beginning again, in place.
    std::thread::sleep(store::CHECKPOINT_IDLE * 3);

    let load_before = load_average();
    // Durable 5-line sale commits, each right after one fsync probe, so the commits and the fsyncs
    // they are compared with see the disk in the same state (this VM's fsync swings with the load).
    let mut probe = Probe::new(&dir, 4096, Flush::Fsync);
    let mut paired_fsync = Vec::new();
    let commit: Vec<Duration> = (0..300u64)
        .map(|k| {
            paired_fsync.push(probe.once());
            commit_once(1_000 + k, &mut rng)
        })
        .collect();
    let (commit_med, commit_p99) = stats(commit);
    let (paired_med, paired_p99) = stats(paired_fsync);
    // The same commits without the fsync: what the commit costs besides the disk flush.
    let set_sync = |mode: &str| {
        store
            .read(|c| c.pragma_update(None, "synchronous", mode).map_err(db_err("synchronous")))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    set_sync("OFF");
    let unsynced: Vec<Duration> = (0..300u64).map(|k| commit_once(2_000 + k, &mut rng)).collect();
    set_sync("FULL");
    let (unsynced_med, unsynced_p99) = stats(unsynced);
    // The same disk flushing a write as large as one commit's WAL frames.
    let (big_fsync_med, big_fsync_p99) = stats(fsync_sized(&dir, 300, wal_per_commit.max(4096) as usize, Flush::Fsync));

    // Barcode lookups.
    let mut barcode = Vec::new();
    for _ in 0..20_000 {
        let code = format!("616{:010}", rng.below(ITEMS) + 1);
        let t = Instant::now();
        let found = store.read(|c| items::item_by_barcode(c, &code)).unwrap_or_else(|e| panic!("{e}"));
        barcode.push(t.elapsed());
        assert!(found.is_some(), "barcode {code} not found");
    }
    let (barcode_med, barcode_p99) = stats(barcode);

    // Name searches: what a cashier types (a word prefix, or two).
    let queries: Vec<String> = (0..2_000)
        .map(|i| {
            let brand = BRANDS[rng.below(BRANDS.len() as u32) as usize];
            let product = PRODUCTS[rng.below(PRODUCTS.len() as u32) as usize];
            let p = &product[..product.len().min(4)];
            match i % 3 {
                0 => p.to_lowercase(),
                1 => format!("{} {}", &brand[..brand.len().min(3)], p).to_lowercase(),
                _ => format!("{product} {}", SIZES[rng.below(SIZES.len() as u32) as usize]),
            }
        })
        .collect();
    let mut search = Vec::new();
    for q in &queries {
        let t = Instant::now();
        let found = store.read(|c| items::search_items(c, q, 20)).unwrap_or_else(|e| panic!("{e}"));
        search.push(t.elapsed());
        assert!(!found.is_empty(), "search {q:?} found nothing");
    }
    let (search_med, search_p99) = stats(search);
    let mut like = Vec::new();
    for q in queries.iter().take(200) {
        let word = q.split(' ').next().unwrap_or_default().to_owned();
        let t = Instant::now();
        let n: i64 = store
            .read(|c| {
                c.query_row(
                    "SELECT count(*) FROM (SELECT id FROM items WHERE name LIKE ?1 ORDER BY name LIMIT 20)",
                    [format!("%{word}%")],
                    |r| r.get(0),
                )
                .map_err(|source| store::Error::Db { operation: "like", source })
            })
            .unwrap_or_else(|e| panic!("{e}"));
        like.push(t.elapsed());
        assert!(n > 0);
    }
    let (like_med, like_p99) = stats(like);

    let load_after = load_average();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!();
    println!(
        "Database: {} ({} sales, {} items, {:.0} MiB; {}). Opened (with quick_check) in {}.",
        path.display(),
        sales_in_db,
        items_in_db,
        size as f64 / 1_048_576.0,
        if cached { "cached from an earlier run" } else { "built in this run" },
        ms(open_time)
    );
    println!(
        "Existing sales have 1 to {LINES_PER_SALE} lines each; every benchmark commit has {LINES_PER_SALE} and writes \
         {:.0} KiB of WAL. {warm_up} untimed commits and a 3 s pause ran first (a till that has been \
         selling: the WAL has its working size and is reused in place; checkpoints run in the background). Every \
         durable commit is one fsync() of the WAL (checked with strace). Load average {load_before} before the timed commits, \
         {load_after} at the end (2 cores shared with other builds).",
        wal_per_commit as f64 / 1024.0
    );
    println!();
    println!("| metric | median | p99 | target | verdict |");
    println!("|---|---|---|---|---|");
    println!(
        "| this disk's fsync (4 KiB overwrite + fsync, the call SQLite makes per commit), 500× | {} | {} | reference | - |",
        ms(fsync_med),
        ms(fsync_p99)
    );
    println!(
        "| same disk, 4 KiB overwrite + fdatasync, 500× | {} | {} | reference | - |",
        ms(fdatasync_med),
        ms(fdatasync_p99)
    );
    println!(
        "| same disk, {:.0} KiB overwrite + fsync (one commit's WAL), 300× | {} | {} | reference | - |",
        wal_per_commit as f64 / 1024.0,
        ms(big_fsync_med),
        ms(big_fsync_p99)
    );
    println!(
        "| this disk's fsync (4 KiB), one just before each timed commit below, 300× | {} | {} | reference | - |",
        ms(paired_med),
        ms(paired_p99)
    );
    println!(
        "| durable 5-line sale commit (WAL, synchronous=FULL), 300× | {} ({:.2}× the paired fsync, {:.2}× the first) | {} ({:.2}× / {:.2}×) | median ≤ 1.3× fsync ({}), p99 ≤ 3× fsync ({}) | {} / {} |",
        ms(commit_med),
        commit_med.as_secs_f64() / paired_med.as_secs_f64(),
        commit_med.as_secs_f64() / fsync_med.as_secs_f64(),
        ms(commit_p99),
        commit_p99.as_secs_f64() / paired_med.as_secs_f64(),
        commit_p99.as_secs_f64() / fsync_med.as_secs_f64(),
        ms(paired_med.mul_f64(1.3)),
        ms(paired_med.mul_f64(3.0)),
        verdict(commit_med.as_secs_f64() <= paired_med.as_secs_f64() * 1.3),
        verdict(commit_p99.as_secs_f64() <= paired_med.as_secs_f64() * 3.0),
    );
    println!(
        "| same commit without the fsync (synchronous=OFF, not durable), 300× | {} | {} | - | - |",
        ms(unsynced_med),
        ms(unsynced_p99)
    );
    println!(
        "| barcode lookup among {items_in_db} items, 20000× | {} | {} | < 1 ms | {} |",
        ms(barcode_med),
        ms(barcode_p99),
        verdict(barcode_p99 < Duration::from_millis(1))
    );
    println!(
        "| name search among {items_in_db} items (FTS5 word prefixes, first 20 by name), 2000× | {} | {} | < 10 ms | {} |",
        ms(search_med),
        ms(search_p99),
        verdict(search_p99 < Duration::from_millis(10))
    );
    println!("| for comparison: name LIKE '%word%' scan, 200× | {} | {} | - | - |", ms(like_med), ms(like_p99));
    println!();
    println!(
        "WAL pages one 5-line sale commit writes ({} bytes each with its frame header), by table or index, averaged \
         over {sampled_commits} commits:",
        page_size + 24
    );
    println!();
    println!("| table or index (page type) | pages per commit |");
    println!("|---|---|");
    for (owner, n) in &by_owner {
        println!("| {owner} | {:.2} |", *n as f64 / f64::from(sampled_commits));
    }
    println!("| **total** | {:.2} |", pages_written.len() as f64 / f64::from(sampled_commits));
}
