//! Calls for counting instructions against openapi-generator's client (run under
//! valgrind's callgrind by `benchmarks/versus/instructions.sh`): `versus_calls
//! <contender> <batches>` makes 64 calls per batch after a warm-up, on the benchmarks'
//! loopback server, on one thread, and exits. The counts repeat from run to run where
//! the timed ratios of `benches/versus.rs` drift (BENCHMARKS.md).

use bytes::Bytes;
use customer_bench::{self as bench, IN_FLIGHT};
use tms_openapi_generator::apis::{configuration::Configuration, customer_api};
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(contender), Some(Ok(batches))) = (
        args.first().filter(|c| CONTENDERS.contains(&c.as_str())),
        args.get(1).map(|b| b.parse::<usize>()),
    ) else {
        eprintln!("usage: versus_calls <{}> <batches>", CONTENDERS.join("|"));
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async {
        let base_url = bench::start_server(Bytes::from_static(bench::RETRIEVED_CUSTOMER)).await;
        let ours = bench::client(&base_url, None);
        // openapi-generator as its users run it (as benches/versus.rs does).
        let theirs = Configuration {
            base_path: base_url.clone(),
            ..Configuration::default()
        };
        let small: customer_client::types::Customer =
            serde_json::from_str(SMALL_CREATE).expect("a customer");
        let small_theirs: models::Customer =
            serde_json::from_str(SMALL_CREATE).expect("a customer");
        // Both sides post the same body when they build it in the call.
        let fixture: serde_json::Value = serde_json::from_str(SMALL_CREATE).expect("JSON");
        assert_eq!(
            serde_json::to_value(customer_bench_versus::oag_quickstart_body()).expect("JSON"),
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
                        async move {
                            customer_api::get_customer(&configuration, bench::CUSTOMER_ID, None)
                                .await
                                .expect("a customer")
                        }
                    })
                    .await
                }
                sequential => {
                    for _ in 0..IN_FLIGHT {
                        match sequential {
                            "ours-get" => drop(bench::get(&ours).await),
                            "oag-get" => drop(
                                customer_api::get_customer(&theirs, bench::CUSTOMER_ID, None)
                                    .await
                                    .expect("a customer"),
                            ),
                            "ours-post" => drop(bench::post(&ours, small.clone()).await),
                            "ours-post-built" => drop(bench::post_built(&ours).await),
                            "oag-post-built" => drop(
                                customer_api::post_customer(&theirs, customer_bench_versus::oag_quickstart_body(), None)
                                    .await
                                    .expect("a customer"),
                            ),
                            _ => drop(
                                customer_api::post_customer(&theirs, small_theirs.clone(), None)
                                    .await
                                    .expect("a customer"),
                            ),
                        }
                    }
                }
            }
        }
    });
}
