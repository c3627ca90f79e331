//! Updates that lose nothing. What reaches the wire is RFC 7396 to the byte (a removed
//! field `null`, an untouched one absent, an array whole, a removed group a `null`
//! container), a `null` the spec does not allow is refused before sending, naming the
//! field; customer-mock applies merge patches exactly (RFC 7396's own examples, and an
//! independent implementation on generated documents) on all four PATCH operations; the
//! `modify_*` read-modify-writes keep every change of concurrent writers, send nothing
//! when nothing changes, give up with `KeptChanging`; and a write whose answer was lost
//! ("sent, outcome unknown") is told apart from one never sent, never repeated when it
//! is a POST, and not applied twice by a read-modify-write.

use std::sync::Arc;
use std::sync::mpsc;

use customer_client::update::MergePatch;
use customer_client::{Client, Error, ResponseExt, RetryPolicy, types};
use customer_mock::CustomerMock;
use proptest::prelude::*;
use serde_json::{Value, json};
use tests::hostile::{Behaviour, hostile, hostile_in_turn};
use tests::{built, client_for};

fn customer(value: Value) -> types::Customer {
    serde_json::from_value(value).unwrap()
}

// ── what reaches the wire ───────────────────────────────────────────────────────

/// Sends `patch` as `patchCustomer` to a server that answers only when the body
/// that arrives is exactly `expected`, and returns what arrived.
async fn arrives(patch: MergePatch<types::Customer>) -> String {
    let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}".to_vec();
    let server = hostile(Behaviour::Reply(answer)).await;
    client_for(&server.url)
        .patch_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .if_match("\"1\"")
        .merge_patch(patch)
        .send()
        .await
        .unwrap();
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert!(
        request.starts_with("PATCH /tms/v2/customers/D9F340DD3DB9C276E053A2598D0A41A3 "),
        "{request}"
    );
    request.split_once("\r\n\r\n").unwrap().1.to_owned()
}

#[tokio::test]
async fn a_removed_field_is_null_and_an_untouched_one_absent() {
    let before = customer(json!({
        "id": "D9F340DD3DB9C276E053A2598D0A41A3",
        "buyerInformation": {"email": "old@example.com", "merchantCustomerID": "c-1"},
        "objectInformation": {"title": "Ms"},
    }));
    let mut after = before.clone();
    after.buyer_information.as_mut().unwrap().email = None;
    let body = arrives(MergePatch::between(&before, &after)).await;
    assert_eq!(body, r#"{"buyerInformation":{"email":null}}"#);
}

#[tokio::test]
async fn a_removed_group_is_a_null_container() {
    let before = customer(json!({
        "buyerInformation": {"email": "old@example.com", "merchantCustomerID": "c-1"},
        "objectInformation": {"title": "Ms"},
    }));
    let mut after = before.clone();
    after.buyer_information = None;
    let body = arrives(MergePatch::between(&before, &after)).await;
    assert_eq!(body, r#"{"buyerInformation":null}"#);
}

#[tokio::test]
async fn an_array_is_sent_whole_and_a_changed_field_carries_its_value() {
    let before = customer(json!({
        "merchantDefinedInformation": [{"name": "data1", "value": "a"}],
        "objectInformation": {"title": "Ms", "comment": "kept"},
    }));
    let mut after = before.clone();
    after
        .merchant_defined_information
        .push(serde_json::from_value(json!({"name": "data2", "value": "b"})).unwrap());
    after.object_information.as_mut().unwrap().title = Some("Dr".to_owned());
    let body = arrives(MergePatch::between(&before, &after)).await;
    assert_eq!(
        body,
        r#"{"merchantDefinedInformation":[{"name":"data1","value":"a"},{"name":"data2","value":"b"}],"objectInformation":{"title":"Dr"}}"#
    );
}

#[tokio::test]
async fn a_patch_lies_over_the_typed_body_and_a_removal_by_name_nests() {
    let body = arrives(
        MergePatch::new()
            .remove("buyerInformation.email")
            .remove("objectInformation"),
    )
    .await;
    assert_eq!(
        body,
        r#"{"buyerInformation":{"email":null},"objectInformation":null}"#
    );
}

/// The request rules apply to every value a merge patch sends, and a `null` is refused
/// where the spec requires a value or where the request cannot change the field:
/// before anything is sent, naming the field.
#[tokio::test]
async fn a_null_the_spec_does_not_allow_is_refused_before_sending() {
    let server = hostile(Behaviour::Reply(Vec::new())).await;
    let client = client_for(&server.url);
    let refused = |error: Error| match error {
        Error::InvalidRequest { parameter, rule } => (parameter, rule),
        other => panic!("{other:?}"),
    };
    let error = client
        .patch_instrument_identifier()
        .instrument_identifier_id("7010000000016241111")
        .merge_patch(MergePatch::new().remove("pointOfSaleInformation.emvTags"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused(error),
        (
            "pointOfSaleInformation.emvTags".to_owned(),
            "is required: it cannot be removed (null)".to_owned()
        )
    );
    for (path, shown) in [
        ("buyerInformation.emial", "buyerInformation.emial"),
        ("_links.self", "_links.self"),
        ("metadata.creator", "metadata.creator"),
    ] {
        let error = client
            .patch_customer()
            .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
            .merge_patch(MergePatch::new().remove(path))
            .send()
            .await
            .unwrap_err();
        let (parameter, rule) = refused(error);
        assert_eq!(parameter, shown, "{path}");
        assert!(rule.contains("cannot be removed"), "{path}: {rule}");
    }
    // A value a patch sets keeps the spec's limits.
    let before = customer(json!({"buyerInformation": {"email": "a@example.com"}}));
    let mut after = before.clone();
    after.buyer_information.as_mut().unwrap().email = Some("x".repeat(256));
    let error = client
        .patch_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .merge_patch(MergePatch::between(&before, &after))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused(error),
        (
            "buyerInformation.email".to_owned(),
            "must be at most 255 characters (got 256)".to_owned()
        )
    );
    assert_eq!(server.requests.load(std::sync::atomic::Ordering::SeqCst), 0);
}

// ── customer-mock applies RFC 7396 exactly ─────────────────────────────────────

/// Every example of RFC 7396's appendix A, as the mock merges.
#[test]
fn the_mock_merges_as_rfc_7396_s_examples() {
    let examples = tests::json_fixture("rfc7396-examples.json");
    let examples = examples.as_array().unwrap();
    assert_eq!(examples.len(), 15, "the appendix has fifteen examples");
    for example in examples {
        let mut target = example["target"].clone();
        customer_mock::merge_patch(&mut target, example["patch"].clone());
        assert_eq!(target, example["result"], "{example}");
    }
}

/// JSON documents of up to four levels, with `null`s where a patch may hold them.
fn document() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0i64..5).prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-d]", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// An object document without `null`s: what a generated type serialises to.
fn typed_document() -> impl Strategy<Value = Value> {
    document().prop_map(|mut value| {
        fn drop_nulls(value: &mut Value) {
            match value {
                Value::Object(map) => {
                    map.retain(|_, v| !v.is_null());
                    map.values_mut().for_each(drop_nulls);
                }
                Value::Array(items) => {
                    items.retain(|v| !v.is_null());
                    items.iter_mut().for_each(drop_nulls);
                }
                _ => {}
            }
        }
        drop_nulls(&mut value);
        match value {
            Value::Object(_) => value,
            Value::Null => json!({}),
            other => json!({ "a": other }),
        }
    })
}

/// How many generated cases each property runs (the close of issue 30 quotes it).
const PROPERTY_CASES: u32 = 2048;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(PROPERTY_CASES))]

    /// The mock's merge is json-patch's (an independent implementation of RFC 7396).
    #[test]
    fn the_mock_merges_as_an_independent_implementation(target in document(), patch in document()) {
        let mut ours = target.clone();
        customer_mock::merge_patch(&mut ours, patch.clone());
        let mut theirs = target;
        json_patch::merge(&mut theirs, &patch);
        prop_assert_eq!(ours, theirs);
    }

    /// The client's patch between two values turns the first into the second, as
    /// json-patch applies it.
    #[test]
    fn the_client_s_patch_turns_before_into_after(before in typed_document(), after in typed_document()) {
        let patch = serde_json::to_value(MergePatch::<Value>::between(&before, &after)).unwrap();
        let mut applied = before;
        json_patch::merge(&mut applied, &patch);
        prop_assert_eq!(applied, after);
    }
}

/// Raw HTTP to the mock, for what the client refuses to send.
async fn raw_patch(url: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .patch(url)
        .header("content-type", "application/json;charset=utf-8")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn new_customer(client: &Client, body: Value) -> String {
    client
        .post_customer()
        .body(customer(body))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap()
}

/// A customer: `null` removes a field and a group, `null` on an absent field is
/// ignored, an array is replaced whole, what is untouched stays; and the spec's
/// required fields stay required (400 naming the field).
#[tokio::test]
async fn the_mock_applies_a_customer_s_merge_patch() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());
    let id = new_customer(
        &client,
        json!({
            "buyerInformation": {"email": "a@example.com", "merchantCustomerID": "c-1"},
            "objectInformation": {"title": "Ms", "comment": "note"},
            "merchantDefinedInformation": [{"name": "data1", "value": "a"}, {"name": "data2", "value": "b"}],
        }),
    )
    .await;
    let url = format!("{}/tms/v2/customers/{id}", mock.base_url());
    let (status, shown) = raw_patch(
        &url,
        r#"{"buyerInformation": {"email": null, "merchantCustomerId": "not in the spec"}, "objectInformation": null, "clientReferenceInformation": null,
            "merchantDefinedInformation": [{"name": "data3", "value": "c"}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(
        shown["buyerInformation"],
        json!({"merchantCustomerID": "c-1"})
    );
    assert!(shown.get("objectInformation").is_none(), "{shown}");
    assert!(shown.get("clientReferenceInformation").is_none(), "{shown}");
    assert_eq!(
        shown["merchantDefinedInformation"],
        json!([{"name": "data3", "value": "c"}])
    );
    // The same through a plain read: it is kept, not only answered.
    let read = client.get_customer().customer_id(&id).send().await.unwrap();
    let read = serde_json::to_value(read.into_inner()).unwrap();
    assert_eq!(read["buyerInformation"], shown["buyerInformation"]);
    assert!(read.get("objectInformation").is_none());
    assert_eq!(read["id"], json!(id), "what the server owns stays");
}

#[tokio::test]
async fn the_mock_refuses_a_null_the_spec_does_not_allow() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());
    let number = "4111111111111111";
    let identifier = client
        .post_instrument_identifier()
        .body(built::<types::InstrumentIdentifier, _>(
            types::InstrumentIdentifier::builder()
                .card(types::InstrumentIdentifierCard::builder().number(number.to_owned())),
        ))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let url = format!(
        "{}/tms/v1/instrumentidentifiers/{identifier}",
        mock.base_url()
    );
    for (body, field) in [
        (
            r#"{"pointOfSaleInformation": {"emvTags": null}}"#,
            "pointOfSaleInformation.emvTags",
        ),
        (
            r#"{"pointOfSaleInformation": {"emvTags": [null]}}"#,
            "pointOfSaleInformation.emvTags[0]",
        ),
        (
            r#"{"pointOfSaleInformation": {"emvTags": [{"tag": "9F", "value": null, "source": "x"}]}}"#,
            "pointOfSaleInformation.emvTags[0].value",
        ),
    ] {
        let (status, refusal) = raw_patch(&url, body).await;
        assert_eq!(status, 400, "{body}: {refusal}");
        assert_eq!(
            refusal["errors"][0]["details"][0]["name"],
            json!(field),
            "{body}: {refusal}"
        );
    }
}

/// Shipping address, payment instrument, instrument identifier: each removes a field
/// and a group through its `modify_*`, and keeps the rest.
#[tokio::test]
async fn every_patch_operation_removes_through_the_typed_api() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());
    let id = new_customer(
        &client,
        json!({"buyerInformation": {"email": "a@example.com"}}),
    )
    .await;

    let address = client
        .post_customer_shipping_address()
        .customer_id(&id)
        .body(serde_json::from_value::<types::ShippingAddress>(json!({
            "shipTo": {"firstName": "Ada", "address1": "1 Main St", "address2": "Flat 2", "country": "US"}
        })).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let modified = client
        .modify_customer_shipping_address()
        .customer_id(&id)
        .shipping_address_id(&address)
        .apply(|a| a.ship_to.as_mut().unwrap().address2 = None)
        .await
        .unwrap();
    let ship_to = serde_json::to_value(modified.ship_to.clone()).unwrap();
    assert_eq!(
        ship_to,
        json!({"firstName": "Ada", "address1": "1 Main St", "country": "US"})
    );
    assert_eq!(modified.attempts, 1);

    let identifier = client
        .post_instrument_identifier()
        .body(serde_json::from_value::<types::InstrumentIdentifier>(json!({
            "card": {"number": "4111111111111111"},
            "tokenProvisioningInformation": {"consumerConsentObtained": true, "multiFactorAuthenticated": true},
            "source": "CONTACTLESS_TAP",
        })).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let modified = client
        .modify_instrument_identifier()
        .instrument_identifier_id(&identifier)
        .apply(|i| {
            i.token_provisioning_information
                .as_mut()
                .unwrap()
                .multi_factor_authenticated = None
        })
        .await
        .unwrap();
    let shown = serde_json::to_value(&**modified).unwrap();
    assert_eq!(
        shown["tokenProvisioningInformation"],
        json!({"consumerConsentObtained": true})
    );
    assert_eq!(
        shown["card"]["number"],
        json!("411111XXXXXX1111"),
        "the number stays"
    );
    let modified = client
        .modify_instrument_identifier()
        .instrument_identifier_id(&identifier)
        .apply(|i| i.token_provisioning_information = None)
        .await
        .unwrap();
    let shown = serde_json::to_value(&**modified).unwrap();
    assert!(
        shown.get("tokenProvisioningInformation").is_none(),
        "{shown}"
    );
    assert_eq!(shown["source"], json!("CONTACTLESS_TAP"));

    let instrument = client
        .post_customer_payment_instrument()
        .customer_id(&id)
        .body(
            serde_json::from_value::<types::PaymentInstrument>(json!({
                "instrumentIdentifier": {"id": identifier},
                "billTo": {"firstName": "Ada", "email": "ada@example.com"},
                "buyerInformation": {"companyTaxID": "12345"},
            }))
            .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let modified = client
        .modify_customer_payment_instrument()
        .customer_id(&id)
        .payment_instrument_id(&instrument)
        .apply(|p| {
            p.bill_to.as_mut().unwrap().email = None;
            p.buyer_information = None;
        })
        .await
        .unwrap();
    let shown = serde_json::to_value(&**modified).unwrap();
    assert_eq!(shown["billTo"], json!({"firstName": "Ada"}));
    assert!(shown.get("buyerInformation").is_none(), "{shown}");
    assert_eq!(shown["instrumentIdentifier"]["id"], json!(identifier));
    // A payment instrument cannot lose its instrument identifier.
    let error = client
        .patch_customers_payment_instrument()
        .customer_id(&id)
        .payment_instrument_id(&instrument)
        .merge_patch(MergePatch::new().remove("instrumentIdentifier"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
}

// ── the read-modify-write ──────────────────────────────────────────────────────

/// An answer that closes its connection, with an ETag.
fn answer(status: &str, etag: &str, body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\netag: {etag}\r\nv-c-correlation-id: corr-{etag}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn methods(seen: &[String]) -> Vec<String> {
    seen.iter()
        .map(|r| r.split(' ').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn nothing_is_sent_when_nothing_changes() {
    let resource = json!({"buyerInformation": {"email": "a@example.com"}});
    let server = hostile(Behaviour::Reply(answer("200 OK", "\"1\"", &resource))).await;
    let modified = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .apply(|c| c.buyer_information.as_mut().unwrap().email = Some("a@example.com".to_owned()))
        .await
        .unwrap();
    assert_eq!(modified.attempts, 0);
    assert_eq!(modified.etag(), Some("\"1\""));
    assert_eq!(methods(&server.seen.lock().unwrap()), ["GET"]);
}

#[tokio::test]
async fn a_resource_that_keeps_changing_is_a_typed_error_with_the_attempts() {
    let resource = json!({"buyerInformation": {"email": "a@example.com"}});
    let conflict = answer(
        "412 Precondition Failed",
        "\"2\"",
        &json!({"errors": [{"type": "conflict", "message": "changed"}]}),
    );
    let mut turns = Vec::new();
    for _ in 0..3 {
        turns.push(Behaviour::Reply(answer("200 OK", "\"1\"", &resource)));
        turns.push(Behaviour::Reply(conflict.clone()));
    }
    let server = hostile_in_turn(turns).await;
    let error = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .max_attempts(3)
        .apply(|c| c.buyer_information = None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::KeptChanging { attempts: 3, correlation_id: Some(id) } if id == "corr-\"2\""),
        "{error:?}"
    );
    assert!(error.to_string().contains("3 writes"), "{error}");
    assert_eq!(
        methods(&server.seen.lock().unwrap()),
        ["GET", "PATCH", "GET", "PATCH", "GET", "PATCH"]
    );
    // Each write carried the ETag it read.
    for request in server
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.starts_with("PATCH"))
    {
        assert!(request.contains("if-match: \"1\""), "{request}");
    }
}

#[tokio::test]
async fn other_errors_come_back_unchanged() {
    let resource = json!({"buyerInformation": {"email": "a@example.com"}});
    let refused = answer(
        "400 Bad Request",
        "\"1\"",
        &json!({"errors": [{"type": "invalidRequest", "message": "no"}]}),
    );
    let server = hostile_in_turn(vec![
        Behaviour::Reply(answer("200 OK", "\"1\"", &resource)),
        Behaviour::Reply(refused),
    ])
    .await;
    let error = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .apply(|c| c.buyer_information = None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api { status, .. } if status.as_u16() == 400),
        "{error:?}"
    );
    assert_eq!(methods(&server.seen.lock().unwrap()), ["GET", "PATCH"]);
}

// ── "sent, outcome unknown" ────────────────────────────────────────────────────

/// A server that reads the whole request, then closes without a word.
const CLOSES: Behaviour = Behaviour::Reply(Vec::new());

#[tokio::test]
async fn a_post_whose_answer_was_lost_is_outcome_unknown_and_not_repeated() {
    let server = hostile(CLOSES).await;
    let client = tests::builder_for(&server.url)
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let error = client
        .post_customer()
        .body(customer(
            json!({"buyerInformation": {"email": "a@example.com"}}),
        ))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(
        matches!(error, Error::Transport(ref e) if !e.is_connect()),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
    assert_eq!(
        methods(&server.seen.lock().unwrap()),
        ["POST"],
        "sent once, never repeated"
    );
}

#[tokio::test]
async fn a_request_never_sent_is_not_outcome_unknown() {
    // A refused connection: a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_for(&format!("http://127.0.0.1:{port}"));
    let error = client
        .post_customer()
        .body(customer(json!({})))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport(ref e) if e.is_connect()),
        "{error:?}"
    );
    assert!(!error.is_outcome_unknown());
    // Refused by the rules.
    let error = client
        .get_customer()
        .customer_id("x".repeat(33))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(!error.is_outcome_unknown());
    // A failed DNS lookup: `transport.rs`, `no_answer_is_a_retryable_connect_error_with_no_status`.
}

#[tokio::test]
async fn a_timeout_after_sending_is_outcome_unknown() {
    let server = hostile(Behaviour::ReplyThenStall(Vec::new())).await;
    let client = tests::builder_for(&server.url)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .post_customer()
        .body(customer(json!({})))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { status: None, .. }),
        "{error:?}"
    );
    assert!(error.is_outcome_unknown());
}

/// The PATCH's answer is lost after the server read it; the next read shows the
/// change there: done, without a second write.
#[tokio::test]
async fn a_lost_write_that_landed_is_not_applied_twice() {
    let before = json!({"merchantDefinedInformation": [{"name": "data1", "value": "a"}]});
    let landed = json!({"merchantDefinedInformation": [{"name": "data1", "value": "a"}, {"name": "data2", "value": "b"}]});
    let server = hostile_in_turn(vec![
        Behaviour::Reply(answer("200 OK", "\"1\"", &before)),
        CLOSES,
        Behaviour::Reply(answer("200 OK", "\"2\"", &landed)),
    ])
    .await;
    let appended = serde_json::from_value::<types::MerchantDefinedField>(
        json!({"name": "data2", "value": "b"}),
    )
    .unwrap();
    let modified = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .apply(|c| c.merchant_defined_information.push(appended.clone()))
        .await
        .unwrap();
    assert_eq!(
        methods(&server.seen.lock().unwrap()),
        ["GET", "PATCH", "GET"]
    );
    assert_eq!(modified.attempts, 1);
    assert_eq!(modified.etag(), Some("\"2\""));
    assert_eq!(modified.merchant_defined_information.len(), 2);
}

/// The PATCH's answer is lost and the next read shows it did not land: the change
/// is applied to the fresh read and sent again, with the fresh ETag.
#[tokio::test]
async fn a_lost_write_that_did_not_land_is_sent_again() {
    let before = json!({"merchantDefinedInformation": [{"name": "data1", "value": "a"}]});
    let after = json!({"merchantDefinedInformation": [{"name": "data1", "value": "a"}, {"name": "data2", "value": "b"}]});
    let server = hostile_in_turn(vec![
        Behaviour::Reply(answer("200 OK", "\"1\"", &before)),
        CLOSES,
        Behaviour::Reply(answer("200 OK", "\"1\"", &before)),
        Behaviour::Reply(answer("200 OK", "\"2\"", &after)),
    ])
    .await;
    let appended = serde_json::from_value::<types::MerchantDefinedField>(
        json!({"name": "data2", "value": "b"}),
    )
    .unwrap();
    let modified = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .apply(|c| c.merchant_defined_information.push(appended.clone()))
        .await
        .unwrap();
    let seen = server.seen.lock().unwrap();
    assert_eq!(methods(&seen), ["GET", "PATCH", "GET", "PATCH"]);
    assert_eq!(
        seen[1].split_once("\r\n\r\n").unwrap().1,
        seen[3].split_once("\r\n\r\n").unwrap().1,
        "the same patch"
    );
    assert_eq!(modified.attempts, 2);
    assert_eq!(modified.etag(), Some("\"2\""));
}

// ── concurrent writers against customer-mock ───────────────────────────────────

const TASKS: usize = 16;
const CHANGES: usize = 10;

fn entry(task: usize, change: usize) -> types::MerchantDefinedField {
    serde_json::from_value(json!({"name": format!("t{task}"), "value": format!("{change}")}))
        .unwrap()
}

/// 16 tasks each append 10 entries of their own to one customer's
/// `merchantDefinedInformation` through `modify_customer`: all 160 are there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_no_entry() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());
    let id: Arc<str> = new_customer(&client, json!({})).await.into();
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (client, id) = (client.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            for change in 0..CHANGES {
                let mine = entry(task, change);
                client
                    .modify_customer()
                    .customer_id(&*id)
                    .max_attempts(1000)
                    .apply(|c| {
                        if !c.merchant_defined_information.contains(&mine) {
                            c.merchant_defined_information.push(mine.clone());
                        }
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let kept = client
        .get_customer()
        .customer_id(&*id)
        .send()
        .await
        .unwrap();
    let kept = &kept.merchant_defined_information;
    assert_eq!(kept.len(), TASKS * CHANGES);
    for task in 0..TASKS {
        for change in 0..CHANGES {
            assert!(kept.contains(&entry(task, change)), "t{task} {change} lost");
        }
    }
}

/// The same workload on a shipping address: each change adds one to a count kept in
/// `shipTo.address2`, so a lost update shows as a count below 160.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_no_change_of_a_shipping_address() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());
    let id: Arc<str> = new_customer(&client, json!({})).await.into();
    let address: Arc<str> = client
        .post_customer_shipping_address()
        .customer_id(&*id)
        .body(
            serde_json::from_value::<types::ShippingAddress>(json!({"shipTo": {"address2": "0"}}))
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap()
        .into();
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (client, id, address) = (client.clone(), id.clone(), address.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..CHANGES {
                client
                    .modify_customer_shipping_address()
                    .customer_id(&*id)
                    .shipping_address_id(&*address)
                    .max_attempts(1000)
                    .apply(|a| {
                        let ship_to = a.ship_to.get_or_insert_with(Default::default);
                        let count: usize =
                            ship_to.address2.as_deref().unwrap_or("0").parse().unwrap();
                        ship_to.address2 = Some((count + 1).to_string());
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let kept = client
        .get_customer_shipping_address()
        .customer_id(&*id)
        .shipping_address_id(&*address)
        .send()
        .await
        .unwrap();
    let count = kept.ship_to.as_ref().unwrap().address2.clone().unwrap();
    assert_eq!(count, (TASKS * CHANGES).to_string());
}

/// Two writers both read before either writes. Written in that order by hand,
/// without `if-match`, the second loses the first's entry; through `modify_customer`
/// (each on a runtime of its own, held after its read until told to go on), the
/// second meets a 412, reads again, and both entries stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_loses_a_change_and_the_helper_does_not() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client_for(&mock.base_url());

    // Without if-match: read, read, write, write.
    let id = new_customer(&client, json!({})).await;
    let first = client
        .get_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let second = client
        .get_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    for (read, mine) in [(first, entry(0, 0)), (second, entry(1, 0))] {
        let mut wanted = read.clone();
        wanted.merchant_defined_information.push(mine);
        client
            .patch_customer()
            .customer_id(&id)
            .merge_patch(MergePatch::between(&read, &wanted))
            .send()
            .await
            .unwrap();
    }
    let kept = client.get_customer().customer_id(&id).send().await.unwrap();
    assert_eq!(
        kept.merchant_defined_information,
        [entry(1, 0)],
        "without if-match the first writer's entry is lost"
    );

    // Through the helper: the same order, forced.
    let id = new_customer(&client, json!({})).await;
    let (read_tx, read_rx) = mpsc::channel::<usize>();
    let mut go = Vec::new();
    let mut writers = Vec::new();
    for writer in 0..2 {
        let (go_tx, go_rx) = mpsc::channel::<()>();
        go.push(go_tx);
        let (url, id, read_tx) = (mock.base_url(), id.clone(), read_tx.clone());
        writers.push(std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut first_read = true;
                client_for(&url)
                    .modify_customer()
                    .customer_id(&id)
                    .apply(|c| {
                        if std::mem::take(&mut first_read) {
                            read_tx.send(writer).unwrap();
                            go_rx.recv().unwrap();
                        }
                        c.merchant_defined_information.push(entry(writer, 0));
                    })
                    .await
                    .unwrap()
            })
        }));
    }
    let mut read = [read_rx.recv().unwrap(), read_rx.recv().unwrap()];
    read.sort_unstable();
    assert_eq!(read, [0, 1], "both read before either writes");
    go[0].send(()).unwrap();
    let first = writers.remove(0).join().unwrap();
    go[1].send(()).unwrap();
    let second = writers.remove(0).join().unwrap();
    assert_eq!((first.attempts, first.conflicts), (1, 0));
    assert_eq!(
        (second.attempts, second.conflicts),
        (2, 1),
        "the second met a 412 and read again"
    );
    let kept = client.get_customer().customer_id(&id).send().await.unwrap();
    assert_eq!(
        kept.merchant_defined_information,
        [entry(0, 0), entry(1, 0)]
    );
}

/// With no attempt left, a write whose answer was lost is returned as it is (outcome
/// unknown), not sent again.
#[tokio::test]
async fn a_lost_write_with_no_attempt_left_is_returned_as_it_is() {
    let before = json!({"merchantDefinedInformation": [{"name": "data1", "value": "a"}]});
    let server = hostile_in_turn(vec![
        Behaviour::Reply(answer("200 OK", "\"1\"", &before)),
        CLOSES,
        Behaviour::Reply(answer("200 OK", "\"1\"", &before)),
        Behaviour::Reply(answer("200 OK", "\"2\"", &before)),
    ])
    .await;
    let error = client_for(&server.url)
        .modify_customer()
        .customer_id("D9F340DD3DB9C276E053A2598D0A41A3")
        .max_attempts(1)
        .apply(|c| c.merchant_defined_information.clear())
        .await
        .unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(methods(&server.seen.lock().unwrap()), ["GET", "PATCH"]);
}
