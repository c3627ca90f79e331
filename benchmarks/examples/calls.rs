//! Calls for counting instructions (`benchmarks/instructions.sh`, which runs this under
//! valgrind's callgrind): `calls <contender> <batches>` makes 64 calls per batch after
//! a warm-up, on the benchmarks' loopback server, and exits.
//!
//! Instruction counts do not move with this machine's noise the way timings do, so
//! they show what a change saves even where the timed ratios cannot (BENCHMARKS.md).
//! One thread runs everything (a current-thread runtime), so the count does not depend
//! on when idle worker threads park and wake.

use bytes::Bytes;
use customer_bench::{self as bench, Contenders, IN_FLIGHT};

/// The contenders, as `instructions.sh` names them.
const CONTENDERS: &[&str] = &[
    "generated-64",
    "raw-hyper-64",
    "reqwest-64",
    "get",
    "get-jwt",
    "get-http-signature",
    "reqwest-get",
    "post",
    "reqwest-post",
];

fn main() {
    let (contender, batches) = bench::contender_and_batches("calls", CONTENDERS);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async {
        let base_url = bench::start_server(Bytes::from_static(bench::RETRIEVED_CUSTOMER)).await;
        let contenders = Contenders::new(&base_url);
        let jwt = bench::client(&base_url, Some(bench::credentials(false)));
        let http_signature = bench::client(&base_url, Some(bench::credentials(true)));
        let http = bench::reqwest_client();
        let customer: customer_client::types::Customer =
            serde_json::from_value(bench::full_create_request()).expect("a customer");
        // The warm-up opens the pooled connections (64 for the concurrent contenders).
        for _ in 0..2 + batches {
            match contender.as_str() {
                "generated-64" => contenders.generated().await,
                "raw-hyper-64" => contenders.raw().await,
                "reqwest-64" => contenders.reqwest().await,
                sequential => {
                    for _ in 0..IN_FLIGHT {
                        match sequential {
                            "get" => drop(bench::get(contenders.generated_client()).await),
                            "get-jwt" => drop(bench::get(&jwt).await),
                            "get-http-signature" => drop(bench::get(&http_signature).await),
                            "post" => drop(
                                bench::post(contenders.generated_client(), customer.clone()).await,
                            ),
                            "reqwest-post" => {
                                drop(bench::reqwest_post(&http, &base_url, customer.clone()).await)
                            }
                            _ => drop(bench::reqwest_get(&http, &base_url).await),
                        }
                    }
                }
            }
        }
    });
}
