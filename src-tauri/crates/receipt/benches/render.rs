//! Render benchmark: one signed 10-line receipt, timed per render, printed as a markdown table
//! (metric | median | p99 | target | verdict). Timing is reported, never asserted.
//! Run with `cargo bench -p receipt`.
//!
//! Each render is measured twice: wall-clock time, and the time this thread actually spent on a
//! CPU (`/proc/thread-self/schedstat`), which stays meaningful when other jobs share the machine.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::time::{Duration, Instant};

use receipt::{Paper, Receipt, render_escpos, render_pdf};

const WARMUP: usize = 20;
const RUNS: usize = 300;

/// Nanoseconds this thread has run on a CPU, or `None` where /proc does not say.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

type Stats = (Duration, Duration);

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    (times[times.len() / 2], times[(times.len() * 99) / 100])
}

/// (wall median/p99, CPU median/p99 when available)
fn measure(mut f: impl FnMut()) -> (Stats, Option<Stats>) {
    for _ in 0..WARMUP {
        f();
    }
    let mut wall = Vec::with_capacity(RUNS);
    let mut cpu = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let cpu_start = cpu_ns();
        let start = Instant::now();
        f();
        wall.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, cpu_ns()) {
            cpu.push(Duration::from_nanos(b.saturating_sub(a)));
        }
    }
    let cpu = (cpu.len() == RUNS).then(|| stats(cpu));
    (stats(wall), cpu)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn line(metric: &str, (median, p99): Stats, target: Option<Duration>) {
    let (target_text, verdict) = match target {
        Some(t) => (format!("median < {}", ms(t)), if median < t { "PASS" } else { "MISS" }),
        None => ("-".to_owned(), "-"),
    };
    println!("| {metric} | {} | {} | {target_text} | {verdict} |", ms(median), ms(p99));
}

fn row(metric: &str, (wall, cpu): (Stats, Option<Stats>), target: Option<Duration>) {
    line(&format!("{metric} (wall)"), wall, target);
    if let Some(cpu) = cpu {
        line(&format!("{metric} (CPU)"), cpu, target);
    }
}

fn main() {
    let receipt: Receipt = fixtures::ten_lines();
    let size = render_pdf(&receipt, Paper::Roll80).unwrap().len();
    println!("receipt render benchmark: 10-line signed sale, {RUNS} runs after {WARMUP} warm-up, PDF {size} bytes\n");
    println!("| metric | median | p99 | target | verdict |");
    println!("|---|---|---|---|---|");
    row(
        "10-line receipt -> PDF, 80 mm",
        measure(|| {
            std::hint::black_box(render_pdf(&receipt, Paper::Roll80).unwrap());
        }),
        Some(Duration::from_millis(5)),
    );
    row(
        "10-line receipt -> PDF, 58 mm",
        measure(|| {
            std::hint::black_box(render_pdf(&receipt, Paper::Roll58).unwrap());
        }),
        None,
    );
    row(
        "10-line receipt -> PDF, A4",
        measure(|| {
            std::hint::black_box(render_pdf(&receipt, Paper::A4).unwrap());
        }),
        None,
    );
    row(
        "10-line receipt -> ESC/POS, 80 mm",
        measure(|| {
            std::hint::black_box(render_escpos(&receipt, Paper::Roll80).unwrap());
        }),
        None,
    );
}
