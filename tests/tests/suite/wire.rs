//! What each generated method puts on the wire: path, verb, every documented header
//! and the body bytes, with the expectations read from the spec (which
//! `spec_vs_documentation.rs` proves agrees with CustomerApi.md).

use httpmock::MockServer;
use tests::calls::{Call, call, client_for};
use tests::{SpecOperation, spec_operations};

/// The media type the spec gives the operation's response bodies (all agree).
fn response_media_type(op: &SpecOperation) -> String {
    let mut types: Vec<&str> = op
        .responses
        .iter()
        .filter_map(|r| r.media_type.as_deref())
        .collect();
    types.dedup();
    assert_eq!(
        types.len(),
        1,
        "{}: one response media type",
        op.operation_id
    );
    types[0].to_owned()
}

/// `then` answering `op`'s documented success: its status and, when it has a body, its
/// media type and sample answer.
fn documented_success(then: httpmock::Then, op: &SpecOperation) -> httpmock::Then {
    let success = op.success();
    let then = then.status(success.status);
    match (&success.media_type, tests::calls::sample_response(op)) {
        (Some(media), Some(body)) => then
            .header("content-type", media.as_str())
            .body(body.to_string()),
        _ => then,
    }
}

async fn check_operation(op: &SpecOperation, with_optional: bool) {
    let server = MockServer::start_async().await;
    let client = client_for(&server.base_url());
    let inputs = Call::valid(op, with_optional);
    let path = op.path_with(|name| inputs.value_of(name).expect("path value").to_owned());
    let accept = response_media_type(op);
    let body_bytes = tests::calls::body_bytes(op, &inputs);
    let success = op.success();
    let response = tests::calls::sample_response(op);

    // Matched on verb and path only, and recorded: a wrong header or body is named by
    // the assertions below rather than answered with a 404.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let mock = server
        .mock_async(|when, then| {
            when.method(op.method.as_str())
                .path(path.as_str())
                .is_true(move |request| {
                    recorder.lock().unwrap().push(request.to_http_request());
                    true
                });
            let mut then = documented_success(then, op)
                .header("v-c-correlation-id", "corr-1")
                .header("uniqueTransactionID", "utx-1");
            if success.headers.iter().any(|h| h == "ETag") {
                then = then.header("ETag", "\"7\"");
            }
            if success.headers.iter().any(|h| h == "Location") {
                then.header(
                    "Location",
                    "/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078",
                );
            }
        })
        .await;

    let outcome = call(&client, op, &inputs).await.unwrap_or_else(|e| {
        panic!(
            "{} (optional params: {with_optional}): {e}",
            op.operation_id
        )
    });
    mock.assert_calls_async(1).await;
    let request = seen
        .lock()
        .unwrap()
        .pop()
        .expect("the request was recorded");
    let header = |name: &str| {
        let values: Vec<_> = request.headers().get_all(name).iter().collect();
        assert!(
            values.len() <= 1,
            "{}: {name} sent {} times",
            op.operation_id,
            values.len()
        );
        values
            .first()
            .map(|v| v.to_str().expect("header text").to_owned())
    };
    let label = format!("{} (optional params: {with_optional})", op.operation_id);
    assert_eq!(
        header("accept").as_deref(),
        Some(accept.as_str()),
        "{label}: Accept"
    );
    assert_eq!(header("api-version"), None, "{label}: api-version");
    match (&op.request_media_type, &body_bytes) {
        (Some(media), Some(bytes)) => {
            assert_eq!(
                header("content-type").as_deref(),
                Some(media.as_str()),
                "{label}: Content-Type"
            );
            assert_eq!(
                std::str::from_utf8(request.body()).ok(),
                Some(bytes.as_str()),
                "{label}: body"
            );
        }
        _ => {
            assert_eq!(header("content-type"), None, "{label}: Content-Type");
            assert!(request.body().is_empty(), "{label}: body");
        }
    }
    for param in op.params.iter().filter(|p| p.location == "header") {
        assert_eq!(
            header(&param.name).as_deref(),
            inputs.value_of(&param.name),
            "{label}: {}",
            param.name
        );
    }

    assert_eq!(outcome.status, success.status);
    assert_eq!(outcome.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(outcome.unique_transaction_id.as_deref(), Some("utx-1"));
    let has = |name: &str| success.headers.iter().any(|h| h == name);
    assert_eq!(outcome.etag.as_deref(), has("ETag").then_some("\"7\""));
    assert_eq!(
        outcome.location.as_deref(),
        has("Location").then_some("/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078")
    );
    match response {
        Some(expected) => {
            // What arrived decodes to what the sample decodes to, and that is not
            // nothing: the sample's id made it through.
            let expected = tests::calls::as_read(op, &expected).expect("the sample decodes");
            assert_eq!(
                outcome.body.as_ref(),
                Some(&expected),
                "{}",
                op.operation_id
            );
            assert!(
                expected
                    .to_string()
                    .contains("F2F3ADA770102B51E053A2598D0A90"),
                "{}: {expected}",
                op.operation_id
            );
        }
        None => assert!(outcome.body.is_none()),
    }
}

#[tokio::test]
async fn every_operation_sends_the_documented_request_with_all_parameters() {
    for op in spec_operations() {
        check_operation(&op, true).await;
    }
}

#[tokio::test]
async fn every_operation_sends_only_the_parameters_given() {
    for op in spec_operations() {
        check_operation(&op, false).await;
    }
}

/// The request body is the documented JSON: every sample field arrives under its
/// documented name (`merchantCustomerID`, which the official Python SDK misspells).
#[tokio::test]
async fn request_bodies_carry_every_sample_field_under_its_documented_name() {
    for op in spec_operations()
        .into_iter()
        .filter(|op| op.request_media_type.is_some())
    {
        let server = MockServer::start_async().await;
        let inputs = Call::valid(&op, false);
        let sample = tests::calls::sample_body(&op);
        if op.request_schema.as_deref() == Some("Customer") {
            assert!(sample.to_string().contains("\"merchantCustomerID\""));
        }
        let answer = tests::calls::sample_response(&op).unwrap_or_default();
        let mock = server
            .mock_async(|when, then| {
                when.json_body(sample.clone());
                then.status(op.success().status).body(answer.to_string());
            })
            .await;
        call(&client_for(&server.base_url()), &op, &inputs)
            .await
            .unwrap();
        mock.assert_calls_async(1).await;
    }
}

/// A base URL with a path stem (a proxy) keeps the stem in front of the spec's path,
/// for every operation (each builds its URL on the base parsed once: normalisation 16).
#[tokio::test]
async fn a_base_url_path_stem_is_kept() {
    let server = MockServer::start_async().await;
    let client = client_for(&format!("{}/proxy/", server.base_url()));
    for op in spec_operations() {
        let inputs = Call::valid(&op, false);
        let path = format!(
            "/proxy{}",
            op.path_with(|n| inputs.value_of(n).unwrap().to_owned())
        );
        let mock = server
            .mock_async(|when, then| {
                when.method(op.method.as_str()).path(path.as_str());
                documented_success(then, &op);
            })
            .await;
        call(&client, &op, &inputs)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.operation_id));
        mock.assert_calls_async(1).await;
        mock.delete_async().await;
    }
}

#[test]
fn client_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<customer_client::Client>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<customer_client::Error>();
}
