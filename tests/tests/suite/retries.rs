//! Opt-in retries: only of requests safe to repeat, each attempt signed afresh,
//! bounded, honouring Retry-After; and one verdict on what is worth repeating, shared
//! by the client's retries and `Error::is_retryable`.

use std::time::{Duration, Instant};

use customer_client::{Client, RetryPolicy, types};
use tests::scripted::{answer, scripted};

fn quick_retries(max_attempts: usize) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_total_delay: Duration::from_secs(5),
    }
}

fn client(url: &str, policy: Option<RetryPolicy>) -> Client {
    let mut builder = tests::calls::signing_builder(url);
    if let Some(policy) = policy {
        builder = builder.retry(policy);
    }
    builder.build().unwrap()
}

fn authorization(head: &str) -> String {
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_get_is_retried_on_503_and_each_attempt_is_signed_afresh() {
    let server = scripted(vec![
        answer("503 Service Unavailable", "", "{}"),
        answer("502 Bad Gateway", "", "{}"),
        answer("200 OK", "", r#"{"id": "ABC"}"#),
    ])
    .await;
    let customer = client(&server.url, Some(quick_retries(3)))
        .get_customer()
        .customer_id("ABC")
        .send()
        .await
        .unwrap();
    assert_eq!(customer.id.as_deref(), Some("ABC"));
    let heads = server.heads.lock().unwrap();
    assert_eq!(heads.len(), 3);
    let tokens: Vec<String> = heads.iter().map(|h| authorization(h)).collect();
    assert!(
        tokens[0] != tokens[1] && tokens[1] != tokens[2],
        "each attempt carries a new token"
    );
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_answer_is_kept() {
    let server = scripted(vec![answer(
        "503 Service Unavailable",
        "",
        r#"{"errors": [{"type": "serverError"}]}"#,
    )])
    .await;
    let error = client(&server.url, Some(quick_retries(3)))
        .delete_customer()
        .customer_id("ABC")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.correlation_id(), Some("corr-503"));
    assert_eq!(server.heads.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn post_and_unconditional_patch_are_never_retried() {
    let script = || {
        vec![
            answer("503 Service Unavailable", "", "{}"),
            answer("200 OK", "", "{}"),
        ]
    };
    let server = scripted(script()).await;
    let result = client(&server.url, Some(quick_retries(3)))
        .post_customer()
        .body(types::Customer::builder())
        .send()
        .await;
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.heads.lock().unwrap().len(), 1, "POST went once");

    for conditional in [false, true] {
        let server = scripted(script()).await;
        let client = client(&server.url, Some(quick_retries(3)));
        let mut patch = client
            .patch_customer()
            .customer_id("ABC")
            .body(types::Customer::builder());
        if conditional {
            patch = patch.if_match("\"1\"");
        }
        let result = patch.send().await;
        assert_eq!(
            result.is_ok(),
            conditional,
            "PATCH with if-match is retried, without it is not"
        );
        assert_eq!(
            server.heads.lock().unwrap().len(),
            if conditional { 2 } else { 1 }
        );
    }
}

#[tokio::test]
async fn without_a_policy_nothing_is_retried() {
    let server = scripted(vec![
        answer("503 Service Unavailable", "", "{}"),
        answer("200 OK", "", "{}"),
    ])
    .await;
    let result = client(&server.url, None)
        .get_customer()
        .customer_id("ABC")
        .send()
        .await;
    assert!(result.is_err());
    assert_eq!(server.heads.lock().unwrap().len(), 1);
}

/// The client's fixed clock for the HTTP-date cases: 2025-01-01T00:00:00Z.
fn fixed_clock() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

fn signing_client_at_fixed_clock(url: &str, policy: RetryPolicy) -> Client {
    tests::calls::signing_builder(url)
        .clock(fixed_clock)
        .retry(policy)
        .build()
        .unwrap()
}

/// A 429 asking for `retry_after`, then a 200.
async fn busy_then_ok(retry_after: &str) -> tests::scripted::Scripted {
    scripted(vec![
        answer(
            "429 Too Many Requests",
            &format!("retry-after: {retry_after}\r\n"),
            "{}",
        ),
        answer("200 OK", "", "{}"),
    ])
    .await
}

/// `Retry-After` in seconds, and as an HTTP date one second after the client's clock.
#[tokio::test]
async fn retry_after_is_honoured() {
    for retry_after in ["1", "Wed, 01 Jan 2025 00:00:01 GMT"] {
        let server = busy_then_ok(retry_after).await;
        let started = Instant::now();
        signing_client_at_fixed_clock(&server.url, quick_retries(2))
            .get_customer()
            .customer_id("ABC")
            .send()
            .await
            .unwrap();
        // A lower bound only: the second attempt cannot come before the server asked
        // (the backoff alone is at most 5 ms).
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{retry_after}: {:?}",
            started.elapsed()
        );
        assert_eq!(server.heads.lock().unwrap().len(), 2, "{retry_after}");
    }
}

/// A server that asks for more than the policy's whole budget (5 s) gets its answer
/// back at once, whether it asks in seconds or by a date an hour after the client's
/// clock: one request, the 429 kept.
#[tokio::test]
async fn a_retry_after_beyond_the_budget_returns_the_answer_at_once() {
    for retry_after in ["3600", "Wed, 01 Jan 2025 01:00:00 GMT"] {
        let server = busy_then_ok(retry_after).await;
        let client = signing_client_at_fixed_clock(&server.url, quick_retries(3));
        let call = client.get_customer().customer_id("ABC").send();
        // Only a guard against waiting the hour out; the assertions are below.
        let Ok(outcome) = tokio::time::timeout(Duration::from_secs(60), call).await else {
            panic!("{retry_after}: waited instead of answering");
        };
        let error = outcome.unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(429),
            "{retry_after}"
        );
        assert_eq!(error.correlation_id(), Some("corr-429"), "{retry_after}");
        assert_eq!(server.heads.lock().unwrap().len(), 1, "{retry_after}");
    }
}

/// The one verdict, both ways, over one table of outcomes: for each, a client with
/// retries repeats a GET exactly when `Error::is_retryable` (of a client without them,
/// against the same server) calls the outcome worth repeating.
#[tokio::test]
async fn the_retries_and_is_retryable_share_one_verdict() {
    use tests::hostile::{Behaviour, hostile};
    let head = |status: &str, length: usize| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json;charset=utf-8\r\nv-c-correlation-id: corr\r\ncontent-length: {length}\r\n\r\n"
        )
    };
    let whole = |status: &str, body: &str| {
        Behaviour::Reply(format!("{}{body}", head(status, body.len())).into_bytes())
    };
    let cases: Vec<(&str, Behaviour, bool)> = vec![
        ("503", whole("503 Service Unavailable", "{}"), true),
        ("429", whole("429 Too Many Requests", "{}"), true),
        ("502", whole("502 Bad Gateway", "{}"), true),
        ("504", whole("504 Gateway Timeout", "{}"), true),
        ("500", whole("500 Internal Server Error", "{}"), false),
        ("404", whole("404 Not Found", "{}"), false),
        (
            "a body cut short",
            Behaviour::Reply(format!("{}{{\"id\"", head("200 OK", 100)).into_bytes()),
            true,
        ),
        (
            "a timeout while the body arrives",
            Behaviour::ReplyThenStall(head("200 OK", 100).into_bytes()),
            true,
        ),
        (
            "a timeout before any answer",
            Behaviour::ReplyThenStall(Vec::new()),
            true,
        ),
        (
            "a body over the limit",
            Behaviour::Reply(head("200 OK", 10_000_000).into_bytes()),
            false,
        ),
        ("an undecodable success", whole("200 OK", "[1]"), false),
    ];
    for (name, behaviour, transient) in cases {
        let server = hostile(behaviour).await;
        let builder = |retries: bool| {
            let builder =
                tests::calls::signing_builder(&server.url).timeout(Duration::from_millis(300));
            if retries {
                builder.retry(quick_retries(2))
            } else {
                builder
            }
        };
        let retried = builder(true).build().unwrap();
        let result = retried.get_customer().customer_id("ABC").send().await;
        assert!(result.is_err(), "{name}");
        let attempts = server.requests.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(attempts, if transient { 2 } else { 1 }, "{name}: attempts");
        let plain = builder(false).build().unwrap();
        let error = plain
            .get_customer()
            .customer_id("ABC")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.is_retryable(), transient, "{name}: {error:?}");
    }
    // No answer at all: a refused connection. Attempts cannot be counted; the verdict is
    // the same as the retries' (which `retry.rs`' table holds).
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = tests::calls::signing_builder(&refused)
        .build()
        .unwrap()
        .get_customer()
        .customer_id("ABC")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}
