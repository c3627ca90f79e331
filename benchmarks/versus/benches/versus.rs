//! `cargo bench --manifest-path benchmarks/versus/Cargo.toml`: the
//! generated client against what a user would pick instead, openapi-generator 7.26.0's
//! reqwest client for the same spec (`benchmarks/openapi-generator/`, which signs and
//! checks nothing), and hand-written reqwest; interleaved round by round on the same
//! loopback server. Prints, for each call, the median of the per-round throughput
//! ratios with a 95 % interval for it and the quartiles, and the same of the rounds'
//! CPU time ratios (the process's, the in-process server's included, the same for
//! all). Numbers go to BENCHMARKS.md.

use std::time::Instant;

use customer_bench::{self as bench};
use customer_bench_versus as versus;
use customer_client::{Client, types};
use tms_openapi_generator::models;
use tokio::runtime::Runtime;

/// Rounds and calls per round; `VERSUS_ROUNDS` and `VERSUS_CALLS` override them (the
/// peer benchmark of issue 32 ran 21 × 500).
fn rounds() -> usize {
    setting("VERSUS_ROUNDS", 101)
}
fn calls() -> usize {
    setting("VERSUS_CALLS", 200)
}
const BATCHES: usize = 10;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The quickstart's create body (CustomerApi.md's example).
const SMALL_CREATE: &str =
    include_str!("../../../tests/fixtures/samples/create-customer.request.json");

/// tokio's multi-thread runtime, as most services run; `VERSUS_RUNTIME=current_thread`
/// puts client and loopback server on one thread, where a round's time is their work
/// alone rather than also the kernel waking threads for each other (BENCHMARKS.md,
/// session 13: over 40 % of the multi-thread rounds' time is thread switching).
fn runtime() -> Runtime {
    let mut builder = if std::env::var("VERSUS_RUNTIME").is_ok_and(|v| v == "current_thread") {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    builder.enable_all().build().expect("a tokio runtime")
}

/// What one contender's round cost: wall time and process CPU time, in seconds.
#[derive(Clone, Copy)]
struct Cost {
    wall: f64,
    cpu: f64,
}

/// Per round, `per_round` calls of `a` (ours) and of `b`, the order alternating; the
/// per-round throughput ratios `wall(b) / wall(a)` and CPU ratios `cpu(a) / cpu(b)`,
/// each sorted.
fn ratios<FA, RA, FB, RB>(
    rt: &Runtime,
    per_round: usize,
    mut a: FA,
    mut b: FB,
) -> (Vec<f64>, Vec<f64>)
where
    FA: FnMut() -> RA,
    RA: std::future::Future,
    FB: FnMut() -> RB,
    RB: std::future::Future,
{
    let mut throughput = Vec::with_capacity(rounds());
    let mut cpu = Vec::with_capacity(rounds());
    for round in 0..rounds() {
        let (cost_a, cost_b) = if round % 2 == 0 {
            let cost_a = measured(rt, per_round, &mut a);
            (cost_a, measured(rt, per_round, &mut b))
        } else {
            let cost_b = measured(rt, per_round, &mut b);
            (measured(rt, per_round, &mut a), cost_b)
        };
        throughput.push(cost_b.wall / cost_a.wall);
        cpu.push(cost_a.cpu / cost_b.cpu);
    }
    throughput.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    (throughput, cpu)
}

fn measured<F, R>(rt: &Runtime, calls: usize, f: &mut F) -> Cost
where
    F: FnMut() -> R,
    R: std::future::Future,
{
    let cpu_before = cpu_seconds();
    let wall = rt.block_on(async {
        let started = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(f().await);
        }
        started.elapsed().as_secs_f64()
    });
    Cost {
        wall,
        cpu: cpu_seconds() - cpu_before,
    }
}

/// The process's user and system CPU time (every thread: the client's runtime and the
/// loopback server), in seconds.
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn quartiles(sorted: &[f64]) -> (f64, f64, f64) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

/// A 95 % confidence interval for the median, from the order statistics alone (no
/// assumption on how the rounds are distributed): the values at ranks
/// n/2 ± 0.98·√n. A budget is met when the whole interval is on its side.
fn median_interval(sorted: &[f64]) -> (f64, f64) {
    let n = sorted.len() as f64;
    let half_width = 0.98 * n.sqrt();
    let low = (n / 2.0 - half_width).floor().max(0.0) as usize;
    let high = ((n / 2.0 + half_width).ceil() as usize).min(sorted.len() - 1);
    (sorted[low], sorted[high])
}

fn line(label: &str, sorted: &[f64]) -> String {
    let (q1, median, q3) = quartiles(sorted);
    let (low, high) = median_interval(sorted);
    format!("| {label} | **{median:.3}** | {low:.3}–{high:.3} | {q1:.3}–{q3:.3} |")
}

fn main() {
    let rt = runtime();
    // `VERSUS_STUB=thread`: the server on a thread and runtime of its own, off the
    // client runtime's workers (as a stub in another process would be).
    let customer = bytes::Bytes::from_static(bench::RETRIEVED_CUSTOMER);
    let base_url = if std::env::var("VERSUS_STUB").is_ok_and(|v| v == "thread") {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let stub = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            stub.block_on(async {
                let _ = sender.send(bench::start_server(customer).await);
                std::future::pending::<()>().await
            })
        });
        receiver.recv().expect("the stub's address")
    } else {
        rt.block_on(bench::start_server(customer))
    };
    let ours: Client = bench::client(&base_url, None);
    let jwt: Client = bench::client(&base_url, Some(bench::credentials(false)));
    let http_signature: Client = bench::client(&base_url, Some(bench::credentials(true)));
    let theirs = versus::openapi_generator(&base_url);
    let http = bench::reqwest_client();
    let small: types::Customer = serde_json::from_str(SMALL_CREATE).expect("a customer");
    let small_theirs: models::Customer = serde_json::from_str(SMALL_CREATE).expect("a customer");
    let large: types::Customer =
        serde_json::from_value(bench::full_create_request()).expect("a customer");
    let large_theirs: models::Customer =
        serde_json::from_value(bench::full_create_request()).expect("a customer");

    let mut rows = Vec::new();
    let mut cpu_rows = Vec::new();
    let mut pair = |label: &str, (throughput, cpu): (Vec<f64>, Vec<f64>)| {
        rows.push(line(label, &throughput));
        cpu_rows.push(line(label, &cpu));
    };
    pair(
        "get_customer, sequential: ours / openapi-generator",
        ratios(
            &rt,
            calls(),
            || bench::get(&ours),
            || versus::oag_get(&theirs),
        ),
    );
    pair(
        "get_customer, sequential: ours / hand-written reqwest",
        ratios(
            &rt,
            calls(),
            || bench::get(&ours),
            || bench::reqwest_get(&http, &base_url),
        ),
    );
    pair(
        "post_customer (quickstart body): ours / openapi-generator",
        ratios(
            &rt,
            calls(),
            || bench::post(&ours, small.clone()),
            || versus::oag_post(&theirs, small_theirs.clone()),
        ),
    );
    pair(
        "post_customer (quickstart body): ours / hand-written reqwest",
        ratios(
            &rt,
            calls(),
            || bench::post(&ours, small.clone()),
            || bench::reqwest_post(&http, &base_url, small.clone()),
        ),
    );
    pair(
        "post_customer (quickstart body built in the call, as the README does): ours / openapi-generator",
        ratios(
            &rt,
            calls(),
            || bench::post_built(&ours),
            || versus::oag_post(&theirs, versus::oag_quickstart_body()),
        ),
    );
    pair(
        "post_customer (largest body): ours / openapi-generator",
        ratios(
            &rt,
            calls(),
            || bench::post(&ours, large.clone()),
            || versus::oag_post(&theirs, large_theirs.clone()),
        ),
    );
    let batch_ours = || {
        bench::batch(|| {
            let client = ours.clone();
            async move { bench::get(&client).await }
        })
    };
    let batch_theirs = || {
        bench::batch(|| {
            let configuration = theirs.clone();
            async move { versus::oag_get(&configuration).await }
        })
    };
    pair(
        "get_customer, 64 in flight: ours / openapi-generator",
        ratios(&rt, BATCHES, batch_ours, batch_theirs),
    );
    pair(
        "get_customer: JWT-signed / unsigned (ours)",
        ratios(&rt, calls(), || bench::get(&jwt), || bench::get(&ours)),
    );
    pair(
        "get_customer: HTTP-Signature / unsigned (ours)",
        ratios(
            &rt,
            calls(),
            || bench::get(&http_signature),
            || bench::get(&ours),
        ),
    );
    println!(
        "\n| throughput ratio (interleaved, {} rounds × {} calls) | median | its 95 % interval | quartiles |",
        rounds(),
        calls()
    );
    println!("|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    // The same rounds' CPU time (client and loopback server, every thread of the
    // process), ours over the other's: the budget's "CPU per call" ratio.
    println!("\n| CPU time ratio (the same rounds) | median | its 95 % interval | quartiles |");
    println!("|---|---|---|---|");
    for row in &cpu_rows {
        println!("{row}");
    }
}
