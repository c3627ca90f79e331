//! customer-mock behaves like TMS: the lifecycle through the generated client, the
//! spec's validation (400 naming the field), if-match (412), authentication (401) and
//! bounded state.

use customer_client::{Client, Credentials, ResponseExt, types};
use customer_mock::{CustomerMock, MockConfig, MockCredentials};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

fn client(mock: &CustomerMock, credentials: Option<Credentials>) -> Client {
    let mut builder = tests::builder_for(&mock.base_url());
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
    let change: types::Customer = tests::built(
        types::Customer::builder()
            .buyer_information(types::BuyerInformation::builder().email("new@cybs.com".to_owned())),
    );
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
                .body(types::Customer::builder())
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

/// The mock checks what a JWT claims against the request it came with, and its expiry:
/// a token signed with the right key for another path, method or host, or an expired
/// one, is a 401. Tokens are made here with jsonwebtoken, not with the client.
/// The mock's fixed clock in the freshness tests.
const NOW: u64 = 1_800_000_000;

fn fixed_now() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(NOW)
}

/// A mock that requires the test credentials and judges dates by [`fixed_now`].
async fn strict_mock() -> CustomerMock {
    CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap()),
        clock: fixed_now,
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// Claims are compared as CyberSource must, given what its own SDKs send: the method
/// in any case (Node SDK: `post`), the digest algorithm under either name (Node SDK:
/// `digest-algorithm`), `request-host` naming the host reached or a CyberSource host
/// the mock stands in for; everything else strict, and `iat` within the window.
#[tokio::test]
async fn a_jwt_is_judged_as_cybersource_judges_the_official_sdks_tokens() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mock = strict_mock().await;
    let create = tests::spec_operations()
        .into_iter()
        .find(|op| op.operation_id == "postCustomer")
        .expect("a create operation");
    let url = format!("{}{}", mock.base_url(), create.path);
    let reached = reqwest::Url::parse(&mock.base_url()).unwrap();
    let reached = format!(
        "{}:{}",
        reached.host_str().unwrap(),
        reached.port().unwrap()
    );
    let body = serde_json::to_vec(&sample()).unwrap();
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&body));
    let secret = base64::engine::general_purpose::STANDARD
        .decode(SECRET_B64)
        .unwrap();
    let claims = |iat: u64| {
        json!({
            "digest": digest, "digestAlgorithm": "SHA-256",
            "exp": iat + 120, "iat": iat, "iss": MERCHANT, "jti": uuid_like(iat),
            "request-host": reached, "request-method": "POST",
            "request-resource-path": create.path,
            "v-c-jwt-version": "2", "v-c-merchant-id": MERCHANT,
        })
    };
    let with = |iat: u64, change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut claims = claims(iat);
        change(claims.as_object_mut().unwrap());
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(KEY_ID.to_owned());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .unwrap()
    };
    let set = |name: &'static str, value: &'static str| {
        move |c: &mut serde_json::Map<String, Value>| {
            c.insert(name.to_owned(), json!(value));
        }
    };
    let other_path = format!("{}/other", create.path);
    let same = |_: &mut serde_json::Map<String, Value>| {};
    let cases: Vec<(&str, String, u16)> = vec![
        ("the request itself", with(NOW, &same), 201),
        (
            "the method in lower case (Node SDK)",
            with(NOW, &set("request-method", "post")),
            201,
        ),
        (
            "the digest algorithm as `digest-algorithm` (Node SDK)",
            with(NOW, &|c| {
                let algorithm = c.remove("digestAlgorithm").unwrap();
                c.insert("digest-algorithm".to_owned(), algorithm);
            }),
            201,
        ),
        (
            "the sandbox host the SDK was configured for",
            with(NOW, &set("request-host", "apitest.cybersource.com")),
            201,
        ),
        (
            "the India production host",
            with(NOW, &set("request-host", "api.in.cybersource.com")),
            201,
        ),
        (
            "a host the mock does not stand in for",
            with(NOW, &set("request-host", "api.example.com")),
            401,
        ),
        (
            "another method",
            with(NOW, &set("request-method", "PATCH")),
            401,
        ),
        (
            "another path",
            with(NOW, &|c| {
                c.insert("request-resource-path".to_owned(), json!(other_path));
            }),
            401,
        ),
        (
            "no digest algorithm",
            with(NOW, &|c| {
                c.remove("digestAlgorithm");
            }),
            401,
        ),
        (
            "another digest algorithm",
            with(NOW, &set("digestAlgorithm", "SHA-512")),
            401,
        ),
        (
            "issued 300 s ahead of the mock's clock",
            with(NOW + 300, &same),
            201,
        ),
        (
            "issued 301 s ahead of the mock's clock",
            with(NOW + 301, &same),
            401,
        ),
        (
            "another merchant's id",
            with(NOW, &set("v-c-merchant-id", "othermerchant")),
            401,
        ),
        ("expiring this second", with(NOW - 120, &same), 201),
        ("expired a second ago", with(NOW - 121, &same), 401),
        ("expired an hour ago", with(NOW - 3600, &same), 401),
    ];
    let http = reqwest::Client::new();
    for (label, token, expected) in cases {
        let response = http
            .post(&url)
            .header("authorization", format!("Bearer {token}"))
            .header("v-c-merchant-id", MERCHANT)
            .header("content-type", customer_client::JSON_MEDIA_TYPE)
            .header("accept", customer_client::JSON_MEDIA_TYPE)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected, "{label}");
    }
    // Signed with the shared secret, but naming another key id.
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("another-key-id".to_owned());
    let token = jsonwebtoken::encode(
        &header,
        &claims(NOW),
        &jsonwebtoken::EncodingKey::from_secret(&secret),
    )
    .unwrap();
    let response = http
        .post(&url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", customer_client::JSON_MEDIA_TYPE)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "another kid");
}

/// On every operation that takes a body (POST and PATCH), a JWT's digest must be the
/// body's: the same token over another body is refused.
#[tokio::test]
async fn a_jwt_s_digest_is_checked_on_every_operation_with_a_body() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mock = strict_mock().await;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(SECRET_B64)
        .unwrap();
    let reached = reqwest::Url::parse(&mock.base_url()).unwrap();
    let reached = format!(
        "{}:{}",
        reached.host_str().unwrap(),
        reached.port().unwrap()
    );
    let http = reqwest::Client::new();
    let mut checked = 0;
    for op in tests::spec_operations()
        .into_iter()
        .filter(|op| op.method == "POST" || op.method == "PATCH")
    {
        let path = op.path_with(|_| "7010000000016241111".to_owned());
        let signed = br#"{"buyerInformation": {"email": "a@example.com"}}"#;
        let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(signed));
        let claims = json!({
            "digest": digest, "digestAlgorithm": "SHA-256",
            "exp": NOW + 120, "iat": NOW, "iss": MERCHANT, "jti": uuid_like(NOW),
            "request-host": reached, "request-method": op.method,
            "request-resource-path": path,
            "v-c-jwt-version": "2", "v-c-merchant-id": MERCHANT,
        });
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(KEY_ID.to_owned());
        let token = jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .unwrap();
        let send = |body: &'static [u8]| {
            http.request(
                op.method.parse().unwrap(),
                format!("{}{path}", mock.base_url()),
            )
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", customer_client::JSON_MEDIA_TYPE)
            .body(body)
            .send()
        };
        let other = br#"{"buyerInformation": {"email": "b@example.com"}}"#;
        assert_eq!(
            send(other).await.unwrap().status().as_u16(),
            401,
            "{}: another body",
            op.operation_id
        );
        // The same token over the body it digests gets past the gate.
        assert_ne!(
            send(signed).await.unwrap().status().as_u16(),
            401,
            "{}: its own body",
            op.operation_id
        );
        checked += 1;
    }
    let with_body = tests::spec_operations()
        .iter()
        .filter(|op| op.method == "POST" || op.method == "PATCH")
        .count();
    assert_eq!(checked, with_body);
    assert!(checked >= 8, "{checked}");
}

/// An HTTP Signature's date must be within the window of the mock's clock, both ways.
#[tokio::test]
async fn an_http_signature_dated_outside_the_window_is_refused() {
    let mock = strict_mock().await;
    // Signed and fresh: through to the store, which has no such customer (404).
    for (offset, expected) in [
        (0i64, 404),
        (300, 404),
        (-300, 404),
        (301, 401),
        (-301, 401),
    ] {
        let client = tests::builder_for(&mock.base_url())
            .credentials(Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64).unwrap())
            .clock(move || {
                std::time::UNIX_EPOCH
                    + std::time::Duration::from_secs(NOW.checked_add_signed(offset).unwrap())
            })
            .build()
            .unwrap();
        let answer = client
            .get_customer()
            .customer_id("0123456789ABCDEF0123456789ABCDEF")
            .send()
            .await;
        let status = answer.unwrap_err().status().map(|s| s.as_u16());
        assert_eq!(
            status,
            Some(expected),
            "dated {offset} s from the mock's clock"
        );
    }
}

fn uuid_like(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// JWT signed with the merchant's P12 key (RS256, `kid` the certificate subject's
/// serialNumber), the official SDKs' default mode, end to end: the client signs with
/// the P12, the mock verifies with the merchant's certificate (from the same P12, or
/// the PEM certificate: the same `kid`). A certificate with another `kid`, and the
/// shared-secret modes with no secret configured, get 401.
#[tokio::test]
async fn a_p12_signed_jwt_is_verified_with_the_merchants_certificate() {
    use customer_client::P12Key;
    use customer_mock::MerchantCertificate;
    let p12 = std::fs::read(tests::fixture_path("auth/testrest.p12")).unwrap();
    let certificate = MerchantCertificate::from_pkcs12(&p12, "testpass", "testrest").unwrap();
    let pem = std::fs::read(tests::fixture_path("auth/testrest_cert.pem")).unwrap();
    assert_eq!(
        MerchantCertificate::from_certificate(&pem).unwrap().kid(),
        certificate.kid()
    );
    let signed_with_p12 = |mock: &CustomerMock| {
        let key = P12Key::from_pkcs12("testrest", &p12, "testpass").unwrap();
        tests::builder_for(&mock.base_url())
            .credentials(Credentials::JwtP12(key))
            .build()
            .unwrap()
    };
    let mock = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::certificate_only("testrest", certificate)),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = signed_with_p12(&mock);
    let created = client
        .post_customer()
        .body(types::Customer::builder())
        .send()
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    client.get_customer().customer_id(&id).send().await.unwrap();
    client
        .delete_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap();
    // No shared secret is configured: HS256 and HTTP Signature are refused.
    for credentials in [
        Credentials::jwt_shared_secret("testrest", KEY_ID, SECRET_B64).unwrap(),
        Credentials::http_signature("testrest", KEY_ID, SECRET_B64).unwrap(),
    ] {
        let refused = tests::builder_for(&mock.base_url())
            .credentials(credentials)
            .build()
            .unwrap()
            .get_customer()
            .customer_id(&id)
            .send()
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(StatusCode::UNAUTHORIZED));
    }
    // With no shared secret configured, an HS256 token signed with an empty key and
    // naming the empty key id is refused too, not verified against nothing.
    let reached = reqwest::Url::parse(&mock.base_url()).unwrap();
    let path = format!("/tms/v2/customers/{id}");
    let iat = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "iat": iat, "exp": iat + 120, "iss": "testrest", "jti": uuid_like(1),
        "request-host": format!("{}:{}", reached.host_str().unwrap(), reached.port().unwrap()),
        "request-method": "GET", "request-resource-path": path,
        "v-c-jwt-version": "2", "v-c-merchant-id": "testrest",
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(String::new());
    let token = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b""),
    )
    .unwrap();
    let forged = reqwest::Client::new()
        .get(format!("{}{path}", mock.base_url()))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status().as_u16(),
        401,
        "an HS256 token with no secret configured"
    );
    // A mock for another merchant with the same certificate: the token's
    // `v-c-merchant-id` names testrest, so it is refused.
    let p12_for_other = MerchantCertificate::from_pkcs12(&p12, "testpass", "testrest").unwrap();
    let other_merchant = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::certificate_only(
            "othermerchant",
            p12_for_other,
        )),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let refused = signed_with_p12(&other_merchant)
        .get_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.status(),
        Some(StatusCode::UNAUTHORIZED),
        "another merchant"
    );
    // Another certificate (another `kid`): the P12's token is refused.
    let other = std::fs::read(tests::fixture_path("mle/other_serial_request_cert.pem")).unwrap();
    let other_mock = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::certificate_only(
            "testrest",
            MerchantCertificate::from_certificate(&other).unwrap(),
        )),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let refused = signed_with_p12(&other_mock)
        .get_customer()
        .customer_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(StatusCode::UNAUTHORIZED));
    let body = refused.error_body().unwrap();
    assert!(
        body.errors[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("kid")),
        "{body:?}"
    );
}

/// customer-mock reads a body of up to 2 MiB (axum's default) and refuses a longer one
/// with 413, at the edge exactly.
#[tokio::test]
async fn a_body_over_two_mebibytes_is_refused_at_the_edge() {
    let mock = CustomerMock::start().await.unwrap();
    let url = format!("{}/tms/v2/customers", mock.base_url());
    let http = reqwest::Client::new();
    let status = |length: usize| {
        http.post(&url)
            .header("content-type", customer_client::JSON_MEDIA_TYPE)
            .body(vec![b' '; length])
            .send()
    };
    // Read whole: white space is no JSON object.
    assert_eq!(
        status(2 * 1024 * 1024).await.unwrap().status().as_u16(),
        400
    );
    assert_eq!(
        status(2 * 1024 * 1024 + 1).await.unwrap().status().as_u16(),
        413
    );
}

/// The mock's credentials show in `Debug` by merchant, with the key id and secret
/// redacted; a certificate by its `kid`.
#[test]
fn mock_credentials_show_the_merchant_and_hide_the_secret() {
    let credentials = MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap();
    let shown = format!("{credentials:?}");
    assert!(
        shown.contains(MERCHANT) && shown.contains("<redacted>"),
        "{shown}"
    );
    assert!(
        !shown.contains(KEY_ID) && !shown.contains(SECRET_B64),
        "{shown}"
    );
    let p12 = std::fs::read(tests::fixture_path("auth/testrest.p12")).unwrap();
    let certificate =
        customer_mock::MerchantCertificate::from_pkcs12(&p12, "testpass", "testrest").unwrap();
    let shown = format!("{certificate:?}");
    assert!(shown.contains(certificate.kid()), "{shown}");
}
