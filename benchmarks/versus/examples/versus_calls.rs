//! Calls for counting instructions against openapi-generator's client (run under
//! valgrind's callgrind by `benchmarks/versus/instructions.sh`): `versus_calls
//! <contender> <batches>` makes 64 calls per batch after a warm-up, on the benchmarks'
//! loopback server, on one thread, and exits. The counts repeat from run to run where
//! the timed ratios of `benches/versus.rs` drift (BENCHMARKS.md).

use bytes::Bytes;
use customer_bench::{self as bench, IN_FLIGHT};
use customer_bench_versus as versus;
use tms_openapi_generator::models;

const CONTENDERS: &[&str] = &[
    "ours-get",
    "oag-get",
    "ours-post",
    "oag-post",
    "ours-post-built",
    "oag-post-built",
    "ours-64",
    "oag-64",
];

/// The quickstart's create body, as `benches/versus.rs` posts it.
const SMALL_CREATE: &str =
    include_str!("../../../tests/fixtures/samples/create-customer.request.json");

fn main() {
    let (contender, batches) = bench::contender_and_batches("versus_calls", CONTENDERS);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async {
        let base_url = bench::start_server(Bytes::from_static(bench::RETRIEVED_CUSTOMER)).await;
        let ours = bench::client(&base_url, None);
        // openapi-generator as its users run it (as benches/versus.rs does).
        let theirs = versus::openapi_generator(&base_url);
        let small: customer_client::types::Customer =
            serde_json::from_str(SMALL_CREATE).expect("a customer");
        let small_theirs: models::Customer =
            serde_json::from_str(SMALL_CREATE).expect("a customer");
        // Both sides post the same body when they build it in the call.
        let fixture: serde_json::Value = serde_json::from_str(SMALL_CREATE).expect("JSON");
        assert_eq!(
            serde_json::to_value(versus::oag_quickstart_body()).expect("JSON"),
            fixture
        );
        // The warm-up (two batches) opens the pooled connections.
        for _ in 0..2 + batches {
            match contender.as_str() {
                "ours-64" => {
                    bench::batch(|| {
                        let client = ours.clone();
                        async move { bench::get(&client).await }
                    })
                    .await
                }
                "oag-64" => {
                    bench::batch(|| {
                        let configuration = theirs.clone();
                        async move { versus::oag_get(&configuration).await }
                    })
                    .await
                }
                sequential => {
                    for _ in 0..IN_FLIGHT {
                        match sequential {
                            "ours-get" => drop(bench::get(&ours).await),
                            "oag-get" => drop(versus::oag_get(&theirs).await),
                            "ours-post" => drop(bench::post(&ours, small.clone()).await),
                            "ours-post-built" => drop(bench::post_built(&ours).await),
                            "oag-post-built" => {
                                drop(versus::oag_post(&theirs, versus::oag_quickstart_body()).await)
                            }
                            _ => drop(versus::oag_post(&theirs, small_theirs.clone()).await),
                        }
                    }
                }
            }
        }
    });
}
