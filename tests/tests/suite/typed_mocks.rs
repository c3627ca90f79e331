//! The typed httpmock extensions (`customer_client::mock::MockServerExt`, feature
//! `mock`): every operation of the spec, through a dispatch generated from it
//! (`tests/src/generated_calls.rs`), answers the client through its typed mock; and a
//! few written out as a user would in their own tests, to copy as a starting point.

use customer_client::mock::MockServerExt;
use customer_client::{Client, ResponseExt, types};
use httpmock::MockServer;

const ID: &str = "F2F3ADA770102B51E053A2598D0A9078";
const PROFILE: &str = "93B32398-AD51-4CC2-A682-EA3E93614EB1";

fn client(server: &MockServer) -> Client {
    tests::client_for(&server.base_url())
}

fn stored() -> types::Customer {
    serde_json::from_value(tests::json_fixture(
        "samples/retrieve-customer.response.devguide.json",
    ))
    .unwrap()
}

#[tokio::test]
async fn post_customer_with_a_typed_mock() {
    let server = MockServer::start_async().await;
    let request: types::Customer =
        serde_json::from_value(tests::json_fixture("samples/create-customer.request.json"))
            .unwrap();
    let mock = server.post_customer(|when, then| {
        when.profile_id(PROFILE).body(&request);
        then.created(&stored());
    });
    let created = client(&server)
        .post_customer()
        .profile_id(PROFILE)
        .body(request.clone())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(created.id.as_deref(), Some(ID));
}

#[tokio::test]
async fn get_customer_with_a_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.get_customer(|when, then| {
        when.customer_id(ID).profile_id(None);
        then.ok(&stored());
    });
    let customer = client(&server)
        .get_customer()
        .customer_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(customer.into_inner(), stored());
}

#[tokio::test]
async fn patch_customer_with_a_typed_mock_answering_412() {
    let server = MockServer::start_async().await;
    let conflict: types::ErrorResponse = tests::built(types::ErrorResponse::builder().errors(
        vec![tests::built::<types::ErrorEntry, _>(
            types::ErrorEntry::builder()
                .type_("conflict".to_owned())
                .message("stale etag".to_owned()),
        )],
    ));
    let mock = server.patch_customer(|when, then| {
        when.customer_id(ID).if_match("1");
        then.precondition_failed(&conflict);
    });
    let error = client(&server)
        .patch_customer()
        .customer_id(ID)
        .if_match("1")
        .body(types::Customer::builder())
        .send()
        .await
        .unwrap_err();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(412));
    assert_eq!(error.error_body(), Some(&conflict));
}

#[tokio::test]
async fn delete_customer_with_a_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.delete_customer(|when, then| {
        when.customer_id(ID);
        then.no_content();
    });
    let deleted = client(&server)
        .delete_customer()
        .customer_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert!(
        deleted.correlation_id().is_none(),
        "the typed mock sends no correlation id"
    );
}

/// Every operation of the spec, through its typed mock: the documented success status
/// arrives, the body decodes as documented, and the mock saw the request.
#[tokio::test]
async fn every_operation_has_a_typed_mock_that_answers_the_client() {
    use tests::calls::{Call, as_read, call, sample_response, typed_mock};
    let operations = tests::spec_operations();
    assert!(!operations.is_empty());
    for op in operations {
        let server = MockServer::start_async().await;
        let inputs = Call::valid(&op, false);
        let mock = typed_mock(&server, &op, &inputs);
        let outcome = call(&client(&server), &op, &inputs)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", op.operation_id));
        mock.assert_async().await;
        assert_eq!(outcome.status, op.success().status, "{}", op.operation_id);
        let expected = sample_response(&op).and_then(|answer| as_read(&op, &answer));
        assert_eq!(outcome.body, expected, "{}", op.operation_id);
    }
}
