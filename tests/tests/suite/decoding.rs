//! What the client makes of every answer: documented samples, every documented
//! error status, and the answers the documentation does not promise.

use customer_client::{Error, types};
use httpmock::MockServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::calls::{Call, call, client_for};
use tests::{SpecOperation, json_fixture, spec_operations};

const JSON: &str = "application/json;charset=utf-8";

/// The customer's own operation with `method` (`postCustomer`, `getCustomer`, ...).
fn operation(method: &str) -> SpecOperation {
    let id = format!("{}Customer", method.to_ascii_lowercase());
    spec_operations()
        .into_iter()
        .find(|op| op.operation_id == id)
        .unwrap()
}

/// Serves one answer to any request and returns what the client made of it.
async fn answer(
    op: &SpecOperation,
    status: u16,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> Result<tests::calls::Outcome, Error> {
    answer_call(op, &Call::valid(op, true), status, content_type, body).await
}

async fn answer_call(
    op: &SpecOperation,
    inputs: &Call,
    status: u16,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> Result<tests::calls::Outcome, Error> {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(status)
                .header("content-type", content_type)
                .header("v-c-correlation-id", "corr-42")
                .header("uniqueTransactionID", "utx-42")
                .body(body.as_ref());
        })
        .await;
    let result = call(&client_for(&server.base_url()), op, inputs).await;
    mock.assert_calls_async(1).await;
    result
}

#[tokio::test]
async fn developer_guide_responses_decode() {
    for (method, fixture) in [
        ("POST", "samples/create-customer.response.devguide.json"),
        ("GET", "samples/retrieve-customer.response.devguide.json"),
        ("PATCH", "samples/update-customer.response.devguide.json"),
    ] {
        let op = operation(method);
        let sample = json_fixture(fixture);
        let outcome = answer(&op, op.success().status, JSON, &sample.to_string())
            .await
            .unwrap();
        let customer: types::Customer = outcome.body_as().unwrap();
        assert_eq!(
            customer.id.as_deref(),
            Some("F2F3ADA770102B51E053A2598D0A9078")
        );
        let buyer = customer.buyer_information.unwrap();
        assert_eq!(
            buyer.merchant_customer_id.as_deref(),
            Some("Your customer identifier")
        );
        assert_eq!(buyer.email.as_deref(), Some("test@cybs.com"));
        assert_eq!(customer.merchant_defined_information.len(), 1);
        assert_eq!(
            customer.metadata.unwrap().creator.as_deref(),
            Some("testrest")
        );
        // The guide says `_links.shippingAddresses` where the definition says
        // `shippingAddress`: the unknown name is tolerated, the known ones decode.
        let links = customer.links.unwrap();
        assert!(links.shipping_address.is_none());
        assert_eq!(
            links.self_.unwrap().href.as_deref(),
            Some("/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078")
        );
        assert_eq!(outcome.correlation_id.as_deref(), Some("corr-42"));
    }
}

/// Every documented error status of every operation ends in `Error::Api` with the
/// status, CyberSource's parsed body and the correlation id.
#[tokio::test]
async fn every_documented_error_status_decodes_into_the_error_type() {
    let examples = json_fixture("samples/spec-error-response-examples.json");
    let mut checked = 0;
    for op in spec_operations() {
        for response in op.errors() {
            // The operation's own published example, else another operation's for the
            // same status: every error status shares one error body.
            let key = format!("{} {} {}", op.method, op.path, response.status);
            let same_status = format!(" {}", response.status);
            let example: &Value = examples[&key]
                .as_object()
                .or_else(|| {
                    examples
                        .as_object()?
                        .iter()
                        .find(|(k, _)| k.ends_with(&same_status))?
                        .1
                        .as_object()
                })
                .and_then(|e| e.values().next())
                .unwrap_or_else(|| panic!("no example for {key}"));
            let media = response.media_type.as_deref().unwrap();
            let error = answer(&op, response.status, media, &example.to_string())
                .await
                .unwrap_err();
            let Error::Api {
                status,
                body,
                raw_body,
                correlation_id,
                unique_transaction_id,
            } = &error
            else {
                panic!("{key}: {error:?}");
            };
            assert_eq!(status.as_u16(), response.status, "{key}");
            let expected: types::ErrorResponse = serde_json::from_value(example.clone()).unwrap();
            assert!(!expected.errors.is_empty());
            assert_eq!(body.as_ref(), Some(&expected), "{key}");
            assert_eq!(serde_json::from_slice::<Value>(raw_body).unwrap(), *example);
            assert_eq!(correlation_id.as_deref(), Some("corr-42"));
            assert_eq!(unique_transaction_id.as_deref(), Some("utx-42"));
            assert_eq!(error.status(), Some(*status));
            assert_eq!(error.correlation_id(), Some("corr-42"));
            let shown = error.to_string();
            assert!(
                shown.contains(&response.status.to_string()) && shown.contains("corr-42"),
                "{shown}"
            );
            checked += 1;
        }
    }
    let documented: usize = spec_operations().iter().map(|op| op.errors().count()).sum();
    assert_eq!(checked, documented, "every documented error status");
    assert!(checked >= 5 + 6 + 7 + 6, "the customer's own: {checked}");
}

#[tokio::test]
async fn a_400_keeps_the_field_details() {
    let op = operation("POST");
    let body = json!({"errors": [{"type": "invalidFields", "message": "Invalid email",
        "details": [{"name": "buyerInformation.email", "location": "body"}]}]});
    let error = answer(&op, 400, JSON, &body.to_string()).await.unwrap_err();
    let entry = &error.error_body().unwrap().errors[0];
    assert_eq!(entry.type_.as_deref(), Some("invalidFields"));
    assert_eq!(
        entry.details[0].name.as_deref(),
        Some("buyerInformation.email")
    );
    assert_eq!(entry.details[0].location.as_deref(), Some("body"));
}

/// A PATCH whose `if-match` is stale is answered 412, and the caller sees exactly that.
#[tokio::test]
async fn a_stale_if_match_is_a_412() {
    let op = operation("PATCH");
    let server = MockServer::start_async().await;
    let stale = server
        .mock_async(|when, then| {
            when.method("PATCH").header("if-match", "1");
            then.status(412).header("content-type", JSON).header("v-c-correlation-id", "corr-412").body(
                json!({"errors": [{"type": "conflict", "message": "Action cannot be performed as the if-match header value does not match the token etag"}]})
                    .to_string(),
            );
        })
        .await;
    let inputs = Call::valid(&op, true).with("if-match", "1");
    let error = call(&client_for(&server.base_url()), &op, &inputs)
        .await
        .unwrap_err();
    stale.assert_calls_async(1).await;
    assert_eq!(error.status(), Some(StatusCode::PRECONDITION_FAILED));
    assert_eq!(
        error.error_body().unwrap().errors[0].type_.as_deref(),
        Some("conflict")
    );
    assert_eq!(error.correlation_id(), Some("corr-412"));
}

#[tokio::test]
async fn delete_answers_204_without_a_body() {
    let op = operation("DELETE");
    let outcome = answer(&op, 204, JSON, "").await.unwrap();
    assert_eq!(outcome.status, 204);
    assert!(outcome.body.is_none());
    assert_eq!(outcome.correlation_id.as_deref(), Some("corr-42"));
}

#[tokio::test]
async fn an_undocumented_error_status_keeps_status_and_body() {
    let op = operation("GET");
    let body = json!({"errors": [{"type": "tooManyRequests", "message": "slow down"}]}).to_string();
    let error = answer(&op, 429, JSON, &body).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(
        error.error_body().unwrap().errors[0].type_.as_deref(),
        Some("tooManyRequests")
    );
    assert_eq!(error.correlation_id(), Some("corr-42"));
}

#[tokio::test]
async fn an_undocumented_success_status_is_reported_not_guessed() {
    let op = operation("GET");
    let error = answer(&op, 202, JSON, "{}").await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::ACCEPTED));
    assert_eq!(error.correlation_id(), Some("corr-42"));
}

#[tokio::test]
async fn malformed_json_keeps_status_correlation_id_and_raw_body() {
    let op = operation("GET");
    for body in ["{\"id\": \"F2F3", "", "not json", "{\"id\": 5}", "[]"] {
        let error = answer(&op, 200, JSON, body).await.unwrap_err();
        let Error::InvalidResponse {
            status,
            raw_body,
            correlation_id,
            reason,
        } = &error
        else {
            panic!("{body:?}: {error:?}");
        };
        assert_eq!(*status, Some(StatusCode::OK), "{body:?}");
        assert_eq!(raw_body.as_ref(), body.as_bytes());
        assert_eq!(correlation_id.as_deref(), Some("corr-42"));
        // An empty body is named as the missing document; anything else as not it.
        let expected = if body.trim().is_empty() {
            "the body is empty; the documented Customer is missing"
        } else {
            "the body is not the documented JSON: "
        };
        assert!(reason.starts_with(expected), "{body:?}: {reason}");
    }
    // A body that is not UTF-8, in a string or outside one, is not JSON at all (the
    // client checks the body whole before parsing it; a byte the check missed would
    // reach a `String` of the decoded value).
    for body in [
        &b"{\"id\": \"F2F3\xff\"}"[..],
        b"\xef\xbb{}",
        b"{\"id\": \"\xc3\"}",
    ] {
        let error = answer(&op, 200, JSON, body).await.unwrap_err();
        let Error::InvalidResponse {
            raw_body, reason, ..
        } = &error
        else {
            panic!("{body:?}: {error:?}");
        };
        assert_eq!(raw_body.as_ref(), body);
        assert!(
            reason.starts_with("the body is not the documented JSON: it is not UTF-8 text"),
            "{body:?}: {reason}"
        );
    }
    // Whitespace is empty too.
    let error = answer(&op, 200, JSON, " \n").await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the body is empty; the documented Customer is missing"),
        "{error}"
    );
}

#[tokio::test]
async fn a_500_with_an_html_body_still_reports_500() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    for op in spec_operations() {
        let error = answer(&op, 500, "text/html", html).await.unwrap_err();
        let Error::Api {
            status,
            body,
            raw_body,
            correlation_id,
            ..
        } = &error
        else {
            panic!("{}: {error:?}", op.operation_id);
        };
        assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.is_none());
        assert_eq!(raw_body.as_ref(), html.as_bytes());
        assert_eq!(correlation_id.as_deref(), Some("corr-42"));
        assert!(error.to_string().contains("500"), "{error}");
    }
}

#[tokio::test]
async fn an_error_status_with_a_json_body_that_is_not_cybersource_s_keeps_the_raw_body() {
    let op = operation("POST");
    let error = answer(&op, 400, JSON, "{\"message\": \"gateway says no\"}")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert!(error.error_body().is_none());
    assert_eq!(
        error.raw_body().unwrap().as_ref(),
        b"{\"message\": \"gateway says no\"}"
    );
}

/// Lenient on what it reads: values outside the documented limits, unknown fields
/// and unknown nested objects still decode.
#[tokio::test]
async fn answers_outside_the_documented_limits_still_decode() {
    let op = operation("GET");
    let long_id = "X".repeat(40);
    let body = json!({
        "id": long_id,
        "buyerInformation": {"email": "e".repeat(300), "somethingNew": true},
        "objectInformation": {"title": "t".repeat(61)},
        "_embedded": {"defaultPaymentInstrument": {
            "buyerInformation": {"dateOfBirth": "30/12/1960"},
            "_embedded": {"instrumentIdentifier": {"pointOfSaleInformation": {}}},
            "card": {"hash": "short"}
        }},
        "brandNewTopLevel": {"x": 1}
    });
    let customer: types::Customer = answer(&op, 200, JSON, &body.to_string())
        .await
        .unwrap()
        .body_as()
        .unwrap();
    assert_eq!(customer.id.as_deref(), Some(long_id.as_str()));
    assert_eq!(
        customer.buyer_information.unwrap().email.unwrap().len(),
        300
    );
    let instrument = customer
        .embedded
        .unwrap()
        .default_payment_instrument
        .unwrap();
    assert_eq!(
        instrument
            .buyer_information
            .unwrap()
            .date_of_birth
            .as_deref(),
        Some("30/12/1960")
    );
}

#[tokio::test]
async fn a_wrong_content_type_on_a_valid_body_still_decodes() {
    let op = operation("GET");
    let sample = json_fixture("samples/retrieve-customer.response.devguide.json");
    let outcome = answer(&op, 200, "text/plain", &sample.to_string())
        .await
        .unwrap();
    assert!(outcome.body.is_some());
}
