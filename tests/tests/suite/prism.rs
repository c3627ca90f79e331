//! An independent check of the wire: Stoplight Prism, serving openapi/tms-customers.yaml
//! on 127.0.0.1, validates every request the client sends against the spec.
//! Prism answers a request that breaks the spec with 400 (and an `sl-violations`
//! header) or 422; a valid one gets the documented success status.
//!
//! Prism comes from the pinned `package-lock.json`: run `npm ci` once (`.ci/run` and
//! `scripts/test` do).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use tests::calls::{Call, call};
use tests::{spec_operations, spec_path};

struct Prism {
    _child: Child,
    base_url: String,
}

async fn start_prism() -> Prism {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "Prism is not installed at {}: run `npm ci` in the workspace root",
        bin.display()
    );
    // Ask the OS for a free loopback port, then hand it to Prism.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec_path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start prism");
    // Ready when Prism says so on stdout (no sleeping).
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(Duration::from_secs(90), async {
        while let Some(line) = lines.next_line().await.expect("read prism output") {
            if line.contains("Prism is listening") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "Prism did not start");
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Prism {
        _child: child,
        base_url: format!("http://127.0.0.1:{port}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_accepts_every_request_the_client_sends() {
    let prism = start_prism().await;
    // Prism hangs on malformed JSON: a timeout turns that into a failure, not a stall.
    let client = tests::builder_for(&prism.base_url)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();

    // Control: Prism does reject a request that breaks the spec.
    let too_long = "A".repeat(33);
    let rejected = reqwest::Client::new()
        .get(format!("{}/tms/v2/customers/{too_long}", prism.base_url))
        .header("accept", customer_client::JSON_MEDIA_TYPE)
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 400);
    assert!(rejected.headers().contains_key("sl-violations"));

    for op in spec_operations() {
        for with_optional in [true, false] {
            let inputs = Call::valid(&op, with_optional);
            match call(&client, &op, &inputs).await {
                Ok(outcome) => {
                    assert_eq!(outcome.status, op.success().status, "{}", op.operation_id)
                }
                Err(e) => panic!(
                    "Prism refused {} (optional params: {with_optional}): {e}",
                    op.operation_id
                ),
            }
        }
    }
}
