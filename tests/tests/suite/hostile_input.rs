//! Hostile input from the caller: a customer id can never move a request to another
//! path. Each id is either refused before anything is sent, with an error naming
//! `customerId` and the rule, or percent-encoded so that the request path is
//! `/tms/v2/customers/<one segment>` whose decoded value is the id. Each case inspects
//! what reached the server (or that nothing did).

use std::sync::{Arc, Mutex};

use customer_client::{Error, types};
use httpmock::MockServer;
use tests::calls::{Call, call, client_for};
use tests::spec_operations;

const HOSTILE_IDS: &[&str] = &[
    "/", "..", "../x", "a/b", "?", "#", "%2F", "a b", " ", "a\r\nb", "\r\n", "a\0b", "é", "顧客",
    "", ".",
];

fn decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[tokio::test]
async fn a_customer_id_never_changes_the_request_path() {
    let long = "A".repeat(33);
    let mut ids: Vec<&str> = HOSTILE_IDS.to_vec();
    ids.push(&long);
    for op in spec_operations()
        .into_iter()
        .filter(|op| op.path.contains("{customerId}"))
    {
        for id in &ids {
            let server = MockServer::start_async().await;
            let seen = Arc::new(Mutex::new(Vec::new()));
            let recorder = seen.clone();
            let status = op.success().status;
            server
                .mock_async(move |when, then| {
                    when.is_true(move |request| {
                        recorder
                            .lock()
                            .unwrap()
                            .push(request.uri().path().to_owned());
                        true
                    });
                    then.status(status)
                        .body(if status == 204 { "" } else { "{}" });
                })
                .await;
            let inputs = Call::valid(&op, false).with("customerId", *id);
            let result = call(&client_for(&server.base_url()), &op, &inputs).await;
            let arrived = seen.lock().unwrap().clone();
            match result {
                Err(Error::InvalidRequest { parameter, rule }) => {
                    assert_eq!(parameter, "customerId", "{} {id:?}", op.operation_id);
                    assert!(!rule.is_empty());
                    assert!(
                        arrived.is_empty(),
                        "{} {id:?}: refused, yet sent: {arrived:?}",
                        op.operation_id
                    );
                }
                Ok(_) => {
                    assert_eq!(arrived.len(), 1, "{} {id:?}", op.operation_id);
                    // The same number of segments as the template, and the id in the
                    // segment of `{customerId}`.
                    let path = &arrived[0];
                    let template: Vec<&str> = op.path.split('/').collect();
                    let segments: Vec<&str> = path.split('/').collect();
                    assert_eq!(segments.len(), template.len(), "{id:?} went to {path}");
                    let at = template
                        .iter()
                        .position(|s| *s == "{customerId}")
                        .expect("every operation has a customer id");
                    let segment = segments[at];
                    assert!(!segment.is_empty(), "{id:?} went to {path}");
                    assert_eq!(
                        decode(segment).as_deref(),
                        Some(*id),
                        "{id:?} arrived as {path}"
                    );
                }
                Err(other) => panic!("{} {id:?}: {other:?}", op.operation_id),
            }
        }
    }
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).body("{}");
        })
        .await;
    let client = client_for(&server.base_url());
    for value in [
        "93B32398-AD51-4CC2-A682-EA3E9361\r\nX: y",
        "93B32398-AD51-4CC2-A682-EA3E93614E\n\n",
    ] {
        let error = client
            .get_customer()
            .customer_id("ABC")
            .profile_id(value)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidRequest { parameter, rule } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(parameter, "header");
        assert!(rule.contains("CR or LF"), "{rule}");
    }
    let error = client
        .patch_customer()
        .customer_id("ABC")
        .if_match("1\r\nInjected: yes")
        .body(types::Customer::builder())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(any.calls_async().await, 0, "nothing was sent");
}
