//! Load: one `Client` shared by 64 tasks sends 10,000 requests to the local mock with
//! zero failures, and neither file descriptors nor memory grow across the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use customer_client::{Client, types};
use customer_mock::CustomerMock;

const TASKS: usize = 64;
const REQUESTS: usize = 10_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Resident memory in KiB.
fn rss_kib() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

async fn round(client: &Client, ids: &Arc<Vec<String>>, requests: usize) -> usize {
    let failures = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (client, ids, failures, next) =
            (client.clone(), ids.clone(), failures.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let id = &ids[n % ids.len()];
                if client.get_customer().customer_id(id).send().await.is_err() {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    failures.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_64_tasks_10000_requests_no_failures_no_growth() {
    let mock = CustomerMock::start().await.unwrap();
    let client = tests::client_for(&mock.base_url());
    let mut ids = Vec::new();
    for _ in 0..16 {
        let created = client
            .post_customer()
            .body(types::Customer::builder())
            .send()
            .await
            .unwrap();
        ids.push(created.id.clone().unwrap());
    }
    let ids = Arc::new(ids);

    // Warm up: the pool opens its connections, allocators reach their working size.
    assert_eq!(round(&client, &ids, 2_000).await, 0);
    let (fds_before, rss_before) = (open_fds(), rss_kib());

    let failures = round(&client, &ids, REQUESTS).await;
    let (fds_after, rss_after) = (open_fds(), rss_kib());
    eprintln!("fds {fds_before} -> {fds_after}; RSS {rss_before} KiB -> {rss_after} KiB");

    assert_eq!(failures, 0, "every request succeeded");
    // The pool reuses its connections: no descriptor per request.
    assert!(
        fds_after <= fds_before + 8,
        "file descriptors grew: {fds_before} -> {fds_after}"
    );
    // No per-request retention (10,000 requests of a few KiB each would be tens of MiB).
    assert!(
        rss_after <= rss_before + 16 * 1024,
        "memory grew: {rss_before} KiB -> {rss_after} KiB"
    );
}
