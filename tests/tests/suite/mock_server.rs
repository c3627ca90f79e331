//! customer-mock behaves like TMS: the lifecycle through the generated client, the
//! spec's validation (400 naming the field), if-match (412), authentication (401) and
//! bounded state.

use customer_client::{Client, Credentials, Environment, Error, ResponseExt, types};
use customer_mock::{CustomerMock, MockConfig, MockCredentials};
use reqwest::StatusCode;
use serde_json::json;

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

fn client(mock: &CustomerMock, credentials: Option<Credentials>) -> Client {
    let mut builder = Client::builder(Environment::custom(&mock.base_url()).unwrap());
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    builder.build().unwrap()
}

fn sample() -> types::Customer {
    serde_json::from_value(tests::json_fixture("samples/create-customer.request.json")).unwrap()
}

#[tokio::test]
async fn the_full_lifecycle() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock, None);

    let created = client.post_customer().body(sample()).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.id.clone().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(
        created.location(),
        Some(format!("/tms/v2/customers/{id}").as_str())
    );
    assert!(created.correlation_id().is_some() && created.unique_transaction_id().is_some());
    let links = created.links.as_ref().unwrap();
    assert_eq!(
        links.self_.as_ref().unwrap().href.as_deref(),
        Some(format!("/tms/v2/customers/{id}").as_str())
    );
    assert_eq!(
        created.metadata.as_ref().unwrap().creator.as_deref(),
        Some("customer-mock")
    );
    assert_eq!(created.buyer_information, sample().buyer_information);
    let first_etag = created.etag().unwrap().to_owned();

    let fetched = client.get_customer().customer_id(&id).send().await.unwrap();
    assert_eq!(fetched.etag(), Some(first_etag.as_str()));
    assert_eq!(fetched.into_inner(), created.into_inner());

    // A patch merges: the email changes, the rest stays.
    let change = types::Customer {
        buyer_information: Some(types::BuyerInformation {
            email: Some("new@cybs.com".into()),
            merchant_customer_id: None,
        }),
        ..Default::default()
    };
    let patched = client
        .patch_customer()
        .customer_id(&id)
        .if_match(&first_etag)
        .body(change.clone())
        .send()
        .await
        .unwrap();
    let buyer = patched.buyer_information.clone().unwrap();
    assert_eq!(buyer.email.as_deref(), Some("new@cybs.com"));
    assert_eq!(
        buyer.merchant_customer_id.as_deref(),
        Some("Your customer identifier")
    );
    assert_ne!(patched.etag(), Some(first_etag.as_str()), "a new ETag");

    // The old ETag is stale now.
    let stale = client
        .patch_customer()
        .customer_id(&id)
        .if_match(&first_etag)
        .body(change)
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(stale.status(), Some(StatusCode::PRECONDITION_FAILED));
    assert_eq!(
        stale.error_body().unwrap().errors[0].type_.as_deref(),
        Some("conflict")
    );
    assert!(stale.correlation_id().is_some());

    let deleted = client
        .delete_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    for _ in 0..2 {
        let gone = client
            .get_customer()
            .customer_id(&id)
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();
        assert_eq!(gone.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(
            gone.error_body().unwrap().errors[0].type_.as_deref(),
            Some("notFound")
        );
    }
    let again = client
        .delete_customer()
        .customer_id(&id)
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(again.status(), Some(StatusCode::NOT_FOUND));
}

/// The mock checks what the client would refuse to send, so these go raw.
#[tokio::test]
async fn invalid_input_gets_400_naming_the_field() {
    let mock = CustomerMock::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", mock.base_url());
    let created: serde_json::Value = http
        .post(url("/tms/v2/customers"))
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let cases: Vec<(reqwest::RequestBuilder, &str, &str, &str)> = vec![
        (
            http.post(url("/tms/v2/customers")).body(json!({"buyerInformation": {"email": "e".repeat(256)}}).to_string()),
            "invalidFields",
            "buyerInformation.email",
            "body",
        ),
        (
            http.post(url("/tms/v2/customers")).body(json!({"buyerInformation": {"email": 5}}).to_string()),
            "invalidFields",
            "buyerInformation.email",
            "body",
        ),
        (
            http.post(url("/tms/v2/customers"))
                .body(json!({"merchantDefinedInformation": [{"name": "data1", "value": "v".repeat(101)}]}).to_string()),
            "invalidFields",
            "merchantDefinedInformation[0].value",
            "body",
        ),
        (
            http.post(url("/tms/v2/customers")).header("profile-id", "short").body("{}"),
            "invalidHeaders",
            "profile-id",
            "header",
        ),
        (
            http.patch(url(&format!("/tms/v2/customers/{id}"))).header("if-match", "x".repeat(33)).body("{}"),
            "invalidHeaders",
            "if-match",
            "header",
        ),
        (
            http.get(url(&format!("/tms/v2/customers/{}", "A".repeat(33)))),
            "invalidFields",
            "customerId",
            "path",
        ),
    ];
    for (request, kind, field, location) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 400, "{field}");
        assert!(response.headers().contains_key("v-c-correlation-id"));
        let body: serde_json::Value = response.json().await.unwrap();
        let entry = &body["errors"][0];
        assert_eq!(entry["type"], kind, "{field}: {body}");
        assert_eq!(entry["details"][0]["name"], field, "{body}");
        assert_eq!(entry["details"][0]["location"], location, "{body}");
    }
    for malformed in ["{\"id\": ", "[]", "not json"] {
        let response = http
            .post(url("/tms/v2/customers"))
            .body(malformed)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{malformed}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["type"], "invalidRequest");
    }
}

#[tokio::test]
async fn with_credentials_only_signed_requests_pass() {
    let mock = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    for credentials in [
        Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
        Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
    ] {
        let mode = credentials.mode();
        let signed = client(&mock, Some(credentials));
        let created = signed
            .post_customer()
            .body(sample())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        let id = created.id.clone().unwrap();
        signed.get_customer().customer_id(&id).send().await.unwrap();
        signed
            .patch_customer()
            .customer_id(&id)
            .body(sample())
            .send()
            .await
            .unwrap();
        signed
            .delete_customer()
            .customer_id(&id)
            .send()
            .await
            .unwrap();
    }
    let wrong_secret = "c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1vbmU=";
    for (label, credentials) in [
        ("unsigned", None),
        (
            "wrong secret (JWT)",
            Some(Credentials::jwt_shared_secret(MERCHANT, KEY_ID, wrong_secret).unwrap()),
        ),
        (
            "wrong secret (HTTP Signature)",
            Some(Credentials::http_signature(MERCHANT, KEY_ID, wrong_secret).unwrap()),
        ),
        (
            "wrong merchant",
            Some(Credentials::http_signature("someone", KEY_ID, SECRET_B64).unwrap()),
        ),
    ] {
        let error = client(&mock, credentials)
            .post_customer()
            .body(sample())
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED), "{label}");
    }
}

#[tokio::test]
async fn state_is_bounded() {
    let mock = CustomerMock::start_with(MockConfig {
        capacity: 3,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = client(&mock, None);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            client
                .post_customer()
                .body(types::Customer::default())
                .send()
                .await
                .unwrap()
                .id
                .clone()
                .unwrap(),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        let found = client.get_customer().customer_id(id).send().await.is_ok();
        assert_eq!(
            found,
            i >= 2,
            "customer {i}: only the newest three are kept"
        );
    }
}
