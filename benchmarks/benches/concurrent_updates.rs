//! Concurrent writers through the read-modify-write helpers (issue 30): 16 tasks make
//! 10 changes each to one resource of customer-mock, over real HTTP on loopback, and
//! this counts what it took: writes sent (attempts), 412s met, and what was kept. A
//! measurement, not a test: `cargo bench -p customer-bench --bench concurrent_updates`;
//! the figures go to BENCHMARKS.md. (The same workload, asserted, is
//! `tests/tests/suite/updates.rs`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use customer_client::{Client, Environment, types};
use customer_mock::CustomerMock;

const TASKS: usize = 16;
const CHANGES: usize = 10;
const ROUNDS: usize = 5;

#[derive(Default)]
struct Counts {
    attempts: AtomicUsize,
    conflicts: AtomicUsize,
    most_attempts: AtomicUsize,
}

impl Counts {
    fn add(&self, attempts: usize, conflicts: usize) {
        self.attempts.fetch_add(attempts, Ordering::Relaxed);
        self.conflicts.fetch_add(conflicts, Ordering::Relaxed);
        self.most_attempts.fetch_max(attempts, Ordering::Relaxed);
    }
}

fn entry(task: usize, change: usize) -> types::MerchantDefinedField {
    types::MerchantDefinedField::builder()
        .name(format!("t{task}"))
        .value(format!("{change}"))
        .try_into()
        .expect("a filled builder")
}

async fn new_customer(client: &Client) -> Arc<str> {
    let created = client
        .post_customer()
        .body(types::Customer::builder())
        .send()
        .await
        .expect("create");
    created.into_inner().id.expect("an id").into()
}

/// Every task appends its own entries to the customer's `merchantDefinedInformation`.
async fn customer_round(client: &Client) -> (Counts, usize) {
    let id = new_customer(client).await;
    let counts = Arc::new(Counts::default());
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (client, id, counts) = (client.clone(), id.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            for change in 0..CHANGES {
                let mine = entry(task, change);
                let modified = client
                    .modify_customer()
                    .customer_id(&*id)
                    .max_attempts(1000)
                    .apply(|c| {
                        if !c.merchant_defined_information.contains(&mine) {
                            c.merchant_defined_information.push(mine.clone());
                        }
                    })
                    .await
                    .expect("modify");
                counts.add(modified.attempts, modified.conflicts);
            }
        }));
    }
    for task in tasks {
        task.await.expect("a task");
    }
    let kept = client
        .get_customer()
        .customer_id(&*id)
        .send()
        .await
        .expect("read");
    let kept = kept.merchant_defined_information.len();
    (Arc::into_inner(counts).expect("tasks done"), kept)
}

/// Every change adds one to a count kept in the address's `shipTo.address2`.
async fn address_round(client: &Client) -> (Counts, usize) {
    let id = new_customer(client).await;
    let address: Arc<str> = client
        .post_customer_shipping_address()
        .customer_id(&*id)
        .body(
            types::ShippingAddress::builder()
                .ship_to(types::ShipTo::builder().address2("0".to_owned())),
        )
        .send()
        .await
        .expect("create")
        .into_inner()
        .id
        .expect("an id")
        .into();
    let counts = Arc::new(Counts::default());
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (client, id, address, counts) =
            (client.clone(), id.clone(), address.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..CHANGES {
                let modified = client
                    .modify_customer_shipping_address()
                    .customer_id(&*id)
                    .shipping_address_id(&*address)
                    .max_attempts(1000)
                    .apply(|a| {
                        let ship_to = a.ship_to.get_or_insert_with(Default::default);
                        let count: usize = ship_to
                            .address2
                            .as_deref()
                            .unwrap_or("0")
                            .parse()
                            .unwrap_or(0);
                        ship_to.address2 = Some((count + 1).to_string());
                    })
                    .await
                    .expect("modify");
                counts.add(modified.attempts, modified.conflicts);
            }
        }));
    }
    for task in tasks {
        task.await.expect("a task");
    }
    let kept = client
        .get_customer_shipping_address()
        .customer_id(&*id)
        .shipping_address_id(&*address)
        .send()
        .await
        .expect("read");
    let kept = kept
        .ship_to
        .as_ref()
        .and_then(|s| s.address2.as_deref())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (Arc::into_inner(counts).expect("tasks done"), kept)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing else.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mock = CustomerMock::start().await.expect("customer-mock");
        let client = Client::builder(Environment::custom(&mock.base_url()).expect("url"))
            .build()
            .expect("client");
        println!(
            "{TASKS} tasks x {CHANGES} changes through modify_*, {ROUNDS} rounds per resource"
        );
        println!(
            "resource          round  kept  writes  412s  writes/change  most writes for one change"
        );
        for (name, round) in [("customer", 0), ("shipping address", 1)] {
            for n in 1..=ROUNDS {
                let (counts, kept) = if round == 0 {
                    customer_round(&client).await
                } else {
                    address_round(&client).await
                };
                let attempts = counts.attempts.load(Ordering::Relaxed);
                println!(
                    "{name:<17} {n:>5}  {kept:>4}  {attempts:>6}  {:>4}  {:>13.2}  {:>26}",
                    counts.conflicts.load(Ordering::Relaxed),
                    attempts as f64 / (TASKS * CHANGES) as f64,
                    counts.most_attempts.load(Ordering::Relaxed),
                );
            }
        }
        mock.shutdown().await;
    });
}
