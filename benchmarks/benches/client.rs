//! `cargo bench -p customer-bench`: the generated client against hand-written
//! baselines measured in the same run, then a table of ratios against the targets of
//! BENCHMARKS.md. The server is `customer_bench::start_server` on loopback.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use criterion::{BatchSize, Criterion};
use customer_bench::{self as bench, Ratio, Target};
use customer_client::types;
use tokio::runtime::Runtime;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// 1 and 3c: sequential GET latency, generated vs reqwest, and signed vs unsigned.
fn get_customer(c: &mut Criterion, rt: &Runtime, base_url: &str) {
    let http = bench::reqwest_client();
    let mut group = c.benchmark_group("get_customer");
    for (name, credentials) in [
        ("generated", None),
        ("generated_jwt", Some(bench::credentials(false))),
        ("generated_http_signature", Some(bench::credentials(true))),
    ] {
        let client = bench::client(base_url, credentials);
        group.bench_function(name, |b| b.to_async(rt).iter(|| bench::get(&client)));
    }
    group.bench_function("reqwest", |b| {
        b.to_async(rt).iter(|| bench::reqwest_get(&http, base_url))
    });
    let raw = bench::raw_hyper_client();
    group.bench_function("raw_hyper", |b| {
        b.to_async(rt).iter(|| bench::raw_hyper_get(&raw, base_url))
    });
    group.finish();
}

/// The create body of benchmark 2, after checking that it fills every writable field.
fn full_customer() -> types::Customer {
    let request = bench::full_create_request();
    assert_eq!(
        bench::leaf_paths(&request),
        bench::writable_paths(),
        "the create body must fill every writable field of the spec"
    );
    serde_json::from_value(request).expect("a customer")
}

/// 2: create with every writable field, generated vs reqwest.
fn post_customer(c: &mut Criterion, rt: &Runtime, base_url: &str) {
    let customer = full_customer();
    let unsigned = bench::client(base_url, None);
    let http = bench::reqwest_client();
    let mut group = c.benchmark_group("post_customer");
    group.bench_function("generated", |b| {
        b.to_async(rt)
            .iter(|| bench::post(&unsigned, customer.clone()))
    });
    group.bench_function("reqwest", |b| {
        b.to_async(rt)
            .iter(|| bench::reqwest_post(&http, base_url, customer.clone()))
    });
    group.finish();
}

/// 3a, 3b: the signing step alone, on the request the client is about to send.
fn signing(c: &mut Criterion) {
    let body = serde_json::to_vec(&bench::full_create_request()).expect("JSON");
    let template = || {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "https://apitest.cybersource.com/tms/v2/customers"
                .parse()
                .expect("a URL"),
        );
        *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        request
    };
    let mut group = c.benchmark_group("signing");
    for (name, http_signature) in [("http_signature", true), ("jwt_hs256", false)] {
        let credentials = bench::credentials(http_signature);
        group.bench_function(name, |b| {
            b.iter_batched(
                template,
                |mut request| {
                    customer_client::auth::authenticate(
                        &credentials,
                        &mut request,
                        bench::fixed_now(),
                        "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d",
                        None,
                    )
                    .expect("signed");
                    request
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// 4: 64 requests in flight on one client, against raw hyper (and, for reference, reqwest).
fn concurrency(c: &mut Criterion, rt: &Runtime, base_url: &str) {
    let contenders = bench::Contenders::new(base_url);
    let mut group = c.benchmark_group("concurrency_64");
    group.throughput(criterion::Throughput::Elements(bench::IN_FLIGHT as u64));
    group.bench_function("generated", |b| {
        b.to_async(rt).iter(|| contenders.generated())
    });
    group.bench_function("reqwest", |b| b.to_async(rt).iter(|| contenders.reqwest()));
    group.bench_function("raw_hyper", |b| b.to_async(rt).iter(|| contenders.raw()));
    group.finish();
}

/// 5: decoding the largest customer into the generated type, and into a JSON value.
fn decode(c: &mut Criterion) {
    let body = serde_json::to_vec(&bench::largest_customer()).expect("JSON");
    let typed: types::Customer =
        serde_json::from_slice(&body).expect("the largest customer decodes");
    // Every field made it into the type: nothing was dropped as unknown.
    assert_eq!(
        serde_json::to_value(&typed).expect("JSON"),
        serde_json::from_slice::<serde_json::Value>(&body).expect("JSON")
    );
    let mut group = c.benchmark_group("decode_largest");
    group.throughput(criterion::Throughput::Bytes(body.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_slice::<types::Customer>(&body).expect("a customer"))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&body).expect("JSON"))
    });
    group.finish();
    println!("largest customer: {} bytes of JSON", body.len());
    // What the decode phase (call.rs) adds to a call that answers the benchmark
    // server's customer: one typed decode of the body.
    let mut group = c.benchmark_group("decode_answer");
    group.throughput(criterion::Throughput::Bytes(
        bench::RETRIEVED_CUSTOMER.len() as u64,
    ));
    group.bench_function("typed", |b| {
        b.iter(|| {
            serde_json::from_slice::<types::Customer>(bench::RETRIEVED_CUSTOMER)
                .expect("a customer")
        })
    });
    group.finish();
}

const RATIOS: &[Ratio] = &[
    Ratio {
        label: "1 get_customer: generated / reqwest",
        subject: "get_customer/generated",
        baseline: "get_customer/reqwest",
        target: Target::TimeRatioAtMost(1.15),
    },
    Ratio {
        label: "2 post_customer (full): generated / reqwest",
        subject: "post_customer/generated",
        baseline: "post_customer/reqwest",
        target: Target::TimeRatioAtMost(1.15),
    },
    Ratio {
        label: "3a signing: HTTP Signature per request",
        subject: "signing/http_signature",
        baseline: "",
        target: Target::MedianAtMostNs(5_000.0),
    },
    Ratio {
        label: "3b signing: JWT HS256 per request",
        subject: "signing/jwt_hs256",
        baseline: "",
        target: Target::MedianAtMostNs(15_000.0),
    },
    Ratio {
        label: "3c get_customer: JWT-signed / unsigned",
        subject: "get_customer/generated_jwt",
        baseline: "get_customer/generated",
        target: Target::TimeRatioAtMost(1.10),
    },
    Ratio {
        label: "3c get_customer: HTTP-Signature / unsigned",
        subject: "get_customer/generated_http_signature",
        baseline: "get_customer/generated",
        target: Target::TimeRatioAtMost(1.10),
    },
    Ratio {
        label: "4 64 in flight: generated vs raw hyper",
        subject: "concurrency_64/generated",
        baseline: "concurrency_64/raw_hyper",
        target: Target::ThroughputOnly,
    },
    Ratio {
        label: "4 (reference) 64 in flight: reqwest vs raw",
        subject: "concurrency_64/reqwest",
        baseline: "concurrency_64/raw_hyper",
        target: Target::ThroughputOnly,
    },
    Ratio {
        label: "5 decode largest: typed / serde_json::Value",
        subject: "decode_largest/typed",
        baseline: "decode_largest/value",
        target: Target::None,
    },
    Ratio {
        label: "1 (reference) get_customer: generated / raw hyper",
        subject: "get_customer/generated",
        baseline: "get_customer/raw_hyper",
        target: Target::None,
    },
    Ratio {
        label: "4 (reference) 64 in flight: generated vs reqwest",
        subject: "concurrency_64/generated",
        baseline: "concurrency_64/reqwest",
        target: Target::ThroughputOnly,
    },
];

/// Whether the run was asked for every benchmark (no name filter on the command line).
fn criterion_filter_is_empty() -> bool {
    std::env::args().skip(1).all(|arg| arg.starts_with('-'))
}

/// The ratio pairs again, interleaved round by round (see `bench::interleaved`).
fn measure_interleaved(
    rt: &Runtime,
    base_url: &str,
) -> std::collections::HashMap<&'static str, f64> {
    const ROUNDS: usize = 41;
    const CALLS: usize = 200;
    let unsigned = bench::client(base_url, None);
    let jwt = bench::client(base_url, Some(bench::credentials(false)));
    let http_signature = bench::client(base_url, Some(bench::credentials(true)));
    let http = bench::reqwest_client();
    let customer = full_customer();
    let contenders = bench::Contenders::new(base_url);
    let mut results = std::collections::HashMap::new();
    results.insert(
        RATIOS[0].label,
        bench::interleaved(
            rt,
            ROUNDS,
            CALLS,
            || bench::get(&unsigned),
            || bench::reqwest_get(&http, base_url),
        ),
    );
    results.insert(
        RATIOS[1].label,
        bench::interleaved(
            rt,
            ROUNDS,
            CALLS,
            || bench::post(&unsigned, customer.clone()),
            || bench::reqwest_post(&http, base_url, customer.clone()),
        ),
    );
    results.insert(
        RATIOS[4].label,
        bench::interleaved(
            rt,
            ROUNDS,
            CALLS,
            || bench::get(&jwt),
            || bench::get(&unsigned),
        ),
    );
    results.insert(
        RATIOS[5].label,
        bench::interleaved(
            rt,
            ROUNDS,
            CALLS,
            || bench::get(&http_signature),
            || bench::get(&unsigned),
        ),
    );
    results.insert(
        RATIOS[6].label,
        bench::interleaved(
            rt,
            ROUNDS,
            10,
            || contenders.generated(),
            || contenders.raw(),
        ),
    );
    let raw = bench::raw_hyper_client();
    results.insert(
        RATIOS[9].label,
        bench::interleaved(
            rt,
            ROUNDS,
            CALLS,
            || bench::get(&unsigned),
            || bench::raw_hyper_get(&raw, base_url),
        ),
    );
    results.insert(
        RATIOS[10].label,
        bench::interleaved(
            rt,
            ROUNDS,
            10,
            || contenders.generated(),
            || contenders.reqwest(),
        ),
    );
    results
}

/// Message Level Encryption: one call with and without it, on the same loopback
/// server (its answer encrypted for `get_encrypted_answer`); the difference is the cost
/// of one encryption (post) or one decryption (get).
fn mle(c: &mut Criterion, rt: &Runtime, base_url: &str) {
    let encrypted_url = rt.block_on(bench::start_server(bench::encrypted_customer()));
    let customer = full_customer();
    let plain = bench::mle_client(base_url, false, false);
    let request = bench::mle_client(base_url, true, false);
    let response = bench::mle_client(&encrypted_url, false, true);
    let mut group = c.benchmark_group("mle");
    group.bench_function("post_plain", |b| {
        b.to_async(rt)
            .iter(|| bench::post(&plain, customer.clone()))
    });
    group.bench_function("post_encrypted", |b| {
        b.to_async(rt)
            .iter(|| bench::post(&request, customer.clone()))
    });
    group.bench_function("get_plain", |b| b.to_async(rt).iter(|| bench::get(&plain)));
    group.bench_function("get_encrypted_answer", |b| {
        b.to_async(rt).iter(|| bench::get(&response))
    });
    group.finish();
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .output_directory(&bench::criterion_dir())
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let rt = runtime();
    let base_url = rt.block_on(bench::start_server(Bytes::from_static(
        bench::RETRIEVED_CUSTOMER,
    )));
    get_customer(&mut criterion, &rt, &base_url);
    post_customer(&mut criterion, &rt, &base_url);
    signing(&mut criterion);
    concurrency(&mut criterion, &rt, &base_url);
    decode(&mut criterion);
    mle(&mut criterion, &rt, &base_url);
    criterion.final_summary();
    let interleaved = if criterion_filter_is_empty() {
        measure_interleaved(&rt, &base_url)
    } else {
        Default::default()
    };
    print!("{}", bench::report(RATIOS, started, &interleaved));
}
