//! Message Level Encryption, proven against the official SDK's vectors
//! (`fixtures/mle/`, made by CyberSource's Python SDK) and on the wire. What the
//! client sends is opened with customer-mock's RustCrypto implementation
//! ([`MockMle::open_request`]), never with the client's own aws-lc-rs code.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use customer_client::auth::jwt;
use customer_client::mle::Source;
use customer_client::{Client, ClientBuilder, Credentials, Error, MleOperation, P12Key, types};
use customer_mock::{CustomerMock, MockConfig, MockCredentials, MockMle, test_keys};
use httpmock::MockServer;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::calls::{Call, call};
use tests::{fixture_path, json_fixture, spec, spec_operations};

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";
const RESPONSE_KID: &str = "testrestRespMle0001";
/// The vectors' pinned instant.
const NOW: u64 = 1_563_409_083;

fn vectors() -> Value {
    json_fixture("mle/vectors.json")
}

fn mle(name: &str) -> std::path::PathBuf {
    fixture_path(&format!("mle/{name}"))
}

fn shared_secret() -> Credentials {
    Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET_B64).unwrap()
}

fn builder(base_url: &str) -> ClientBuilder {
    tests::builder_for(base_url)
        .credentials(shared_secret())
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

/// A client whose answers come encrypted to the vectors' merchant key.
fn response_mle(base_url: &str) -> ClientBuilder {
    builder(base_url)
        .mle_response_key(mle("merchant_response_mle_private_key.pem"), None)
        .mle_response_kid(RESPONSE_KID)
}

fn sha256_b64(bytes: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(bytes))
}

/// The claims of a request's `Authorization: Bearer` JWT (not verified here).
fn claims(request: &http::Request<bytes::Bytes>) -> Value {
    let bearer = request.headers()["authorization"].to_str().unwrap();
    let payload = bearer
        .strip_prefix("Bearer ")
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The protected header of the JWE in a `{"encryptedRequest": …}` body, as text.
fn jwe_header(wrapper: &[u8]) -> String {
    let wrapper: Value = serde_json::from_slice(wrapper).unwrap();
    let compact = wrapper["encryptedRequest"].as_str().unwrap();
    String::from_utf8(
        URL_SAFE_NO_PAD
            .decode(compact.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// Operations whose request MLE the spec marks optional, read from the spec itself.
fn optional_mle_operations() -> Vec<tests::SpecOperation> {
    let spec = spec();
    spec_operations()
        .into_iter()
        .filter(|op| {
            let method = op.method.to_ascii_lowercase();
            spec["paths"][&op.path][&method]["x-devcenter-metaData"]["mleForRequest"] == "optional"
        })
        .collect()
}

/// An httpmock server that records every request and answers `status` with `body`.
async fn recording(
    status: u16,
    body: &str,
) -> (MockServer, Arc<Mutex<Vec<http::Request<bytes::Bytes>>>>) {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let body = body.to_owned();
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                recorder.lock().unwrap().push(request.to_http_request());
                true
            });
            then.status(status)
                .header("content-type", "application/json;charset=utf-8")
                .header("v-c-correlation-id", "corr-mle-1")
                .body(body);
        })
        .await;
    (server, seen)
}

#[test]
fn every_request_vector_opens_independently_and_digests_the_wrapper() {
    let vectors = vectors();
    let opener = MockMle::test_keys();
    let list = vectors["request_mle"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    for vector in list {
        let name = vector["name"].as_str().unwrap();
        let wire = vector["wire"]["body_utf8"].as_str().unwrap().as_bytes();
        let plaintext = opener
            .open_request(wire)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: not a wrapper"));
        assert_eq!(
            String::from_utf8(plaintext).unwrap(),
            vector["decrypted_plaintext_utf8"].as_str().unwrap(),
            "{name}"
        );
        let digest = vector["jwt"]["claims"]["digest"].as_str().unwrap();
        assert_eq!(
            digest,
            sha256_b64(wire),
            "{name}: the digest is over the wrapper"
        );
        assert_ne!(
            digest,
            sha256_b64(
                vector["decrypted_plaintext_utf8"]
                    .as_str()
                    .unwrap()
                    .as_bytes()
            ),
            "{name}"
        );
    }
}

/// The tokens of the vectors, made from the same inputs by the client's signer: the
/// `v-c-response-mle-kid` claim in its place, byte for byte.
#[test]
fn response_mle_tokens_match_the_sdks_byte_for_byte() {
    let vectors = vectors();
    let Credentials::JwtSharedSecret(key) = shared_secret() else {
        unreachable!()
    };
    let list = vectors["response_mle_jwt"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    for vector in list {
        let name = vector["name"].as_str().unwrap();
        let expected = &vector["jwt"]["claims"];
        let text = |n: &str| expected[n].as_str().unwrap();
        let claims = jwt::claims(&jwt::TokenInput {
            host: text("request-host"),
            method: text("request-method"),
            request_target: text("request-resource-path"),
            body: vector["wire_body_utf8"]
                .as_str()
                .unwrap_or_default()
                .as_bytes(),
            merchant_id: text("v-c-merchant-id"),
            issuer: text("iss"),
            issued_at: expected["iat"].as_u64().unwrap(),
            token_id: text("jti"),
            response_mle_kid: Some(text("v-c-response-mle-kid")),
        });
        // The claims segment byte for byte (the header's members are in another
        // order than the SDK's, as in every token of this client: same JSON object).
        let ours = key.jwt(&claims).unwrap();
        let theirs = vector["jwt"]["token"].as_str().unwrap();
        let segment = |token: &str, i: usize| token.split('.').nth(i).unwrap().to_owned();
        assert_eq!(segment(&ours, 1), segment(theirs, 1), "{name}");
        let header = |token: &str| {
            serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(segment(token, 0)).unwrap())
                .unwrap()
        };
        assert_eq!(header(&ours), header(theirs), "{name}");
    }
}

/// For every operation the spec offers request MLE on: the wrapper is all that is
/// sent, it opens independently to the plaintext the client would have sent, its
/// header is the SDK's, the JWT digests the wrapper, the headers are those of a
/// plaintext call, and the ciphertext differs on every call.
#[tokio::test]
async fn request_mle_on_the_wire_for_every_optional_operation() {
    let operations = optional_mle_operations();
    assert!(
        operations
            .iter()
            .any(|op| op.operation_id == "postCustomer"),
        "the spec's marker is read"
    );
    let opener = MockMle::test_keys();
    for op in operations {
        let id = &op.operation_id;
        let call_input = Call::valid(&op, true);
        let plaintext = tests::calls::body_bytes(&op, &call_input).unwrap();
        let success = op.success();
        let answer = tests::calls::sample_response(&op).map_or(String::new(), |v| v.to_string());
        let (plain_server, plain_seen) = recording(success.status, &answer).await;
        let plain_client = builder(&plain_server.base_url()).build().unwrap();
        call(&plain_client, &op, &call_input).await.unwrap();
        let (server, seen) = recording(success.status, &answer).await;
        let client = builder(&server.base_url())
            .mle_request(true)
            .mle_request_certificate(mle("cybs_request_mle_cert.pem"))
            .build()
            .unwrap();
        for _ in 0..2 {
            call(&client, &op, &call_input)
                .await
                .unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        let seen = seen.lock().unwrap();
        let plain = &plain_seen.lock().unwrap()[0];
        let (first, second) = (&seen[0], &seen[1]);
        assert_ne!(
            first.body(),
            second.body(),
            "{id}: fresh ciphertext per call"
        );
        for request in [first, second] {
            let wire = request.body();
            let wrapper: Value = serde_json::from_slice(wire).unwrap();
            assert_eq!(
                wrapper.as_object().unwrap().keys().collect::<Vec<_>>(),
                ["encryptedRequest"],
                "{id}"
            );
            let opened = opener.open_request(wire).unwrap().unwrap();
            assert_eq!(String::from_utf8(opened).unwrap(), plaintext, "{id}");
            assert!(
                !wire
                    .windows(plaintext.len())
                    .any(|w| w == plaintext.as_bytes()),
                "{id}: the plaintext is not sent"
            );
            assert_eq!(
                jwe_header(wire),
                format!(
                    "{{\"alg\": \"RSA-OAEP-256\", \"enc\": \"A256GCM\", \"kid\": \"{}\", \"iat\": {NOW}}}",
                    test_keys::REQUEST_KID
                ),
                "{id}: the SDK's protected header"
            );
            assert_eq!(claims(request)["digest"], sha256_b64(wire), "{id}");
            assert_eq!(request.method(), plain.method(), "{id}");
            assert_eq!(
                request.uri().path_and_query(),
                plain.uri().path_and_query(),
                "{id}"
            );
            let names = |r: &http::Request<bytes::Bytes>| {
                let mut names: Vec<_> = r.headers().keys().map(|k| k.as_str().to_owned()).collect();
                names.sort();
                names
            };
            assert_eq!(names(request), names(plain), "{id}: no MLE-specific header");
            for name in ["content-type", "accept", "v-c-client-id"] {
                assert_eq!(
                    request.headers()[name],
                    plain.headers()[name],
                    "{id}: {name}"
                );
            }
            assert_eq!(
                request.headers()["content-length"],
                wire.len().to_string().as_str(),
                "{id}"
            );
        }
    }
}

#[tokio::test]
async fn request_mle_follows_the_switch_and_the_per_operation_overrides() {
    let ops = spec_operations();
    let post = ops
        .iter()
        .find(|op| op.operation_id == "postCustomer")
        .unwrap();
    let patch = ops
        .iter()
        .find(|op| op.operation_id == "patchCustomer")
        .unwrap();
    let encrypted = |request: &http::Request<bytes::Bytes>| {
        serde_json::from_slice::<Value>(request.body()).unwrap()["encryptedRequest"].is_string()
    };
    let answer = tests::calls::sample_response(post).unwrap().to_string();
    type Configure = fn(ClientBuilder) -> ClientBuilder;
    let cases: [(&str, Configure, bool, bool); 4] = [
        ("off by default", |b| b, false, false),
        ("the switch", |b| b.mle_request(true), true, true),
        (
            "switch on, one operation off",
            |b| {
                b.mle_request(true)
                    .mle_operation("patchCustomer", MleOperation::Off)
            },
            true,
            false,
        ),
        (
            "switch off, one operation on",
            |b| b.mle_operation("postCustomer", MleOperation::Request),
            true,
            false,
        ),
    ];
    for (name, configure, post_encrypted, patch_encrypted) in cases {
        let (server, seen) = recording(200, &answer).await;
        let client = configure(
            builder(&server.base_url()).mle_request_certificate(mle("cybs_request_mle_cert.pem")),
        )
        .build()
        .unwrap();
        let _ = call(&client, post, &Call::valid(post, true)).await;
        let _ = call(&client, patch, &Call::valid(patch, true)).await;
        let seen = seen.lock().unwrap();
        assert_eq!(
            (encrypted(&seen[0]), encrypted(&seen[1])),
            (post_encrypted, patch_encrypted),
            "{name}"
        );
    }
}

/// Request MLE with a P12 key: the certificate comes from the merchant's P12 (the
/// SDK's RS256 vector), by subject CN.
#[tokio::test]
async fn request_mle_takes_the_certificate_from_the_merchants_p12() {
    let (server, seen) = recording(201, "{}").await;
    let p12 = std::fs::read(mle("p12/testrest.p12")).unwrap();
    let client = tests::builder_for(&server.base_url())
        .credentials(Credentials::JwtP12(
            P12Key::from_pkcs12(MERCHANT, &p12, "testpass").unwrap(),
        ))
        .mle_request(true)
        .build()
        .unwrap();
    client
        .post_customer()
        .body(types::Customer::builder())
        .send()
        .await
        .unwrap();
    let request = &seen.lock().unwrap()[0];
    let opened = MockMle::test_keys()
        .open_request(request.body())
        .unwrap()
        .unwrap();
    assert_eq!(opened, b"{}");
    assert!(jwe_header(request.body()).contains("\"kid\": \"7065432109876543210\""));
}

#[tokio::test]
async fn response_mle_claims_the_kid_on_every_operation_and_decrypts_each_vector() {
    let vectors = vectors();
    let ops = spec_operations();
    let mut decrypted = 0;
    for vector in vectors["encrypted_responses"].as_array().unwrap() {
        let name = vector["name"].as_str().unwrap();
        let method = vector["operation"].as_str().unwrap();
        let op = ops.iter().find(|op| op.method_name() == method).unwrap();
        let status = u16::try_from(vector["http_status"].as_u64().unwrap()).unwrap();
        let (server, seen) = recording(status, vector["wrapper_json"].as_str().unwrap()).await;
        let client = response_mle(&server.base_url()).build().unwrap();
        let outcome = call(&client, op, &Call::valid(op, true))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let plaintext: Value =
            serde_json::from_str(vector["plaintext_utf8"].as_str().unwrap()).unwrap();
        assert_eq!(
            outcome.body,
            tests::calls::as_read(op, &plaintext),
            "{name}"
        );
        assert_eq!(outcome.status, status);
        assert_eq!(
            claims(&seen.lock().unwrap()[0])["v-c-response-mle-kid"],
            RESPONSE_KID
        );
        decrypted += 1;
    }
    assert_eq!(decrypted, 3);
}

#[tokio::test]
async fn an_encrypted_error_body_is_the_api_error_in_plaintext() {
    let vectors = vectors();
    let case = &vectors["response_extra_cases"][0];
    assert_eq!(case["http_status"], 404);
    let (server, _) = recording(404, case["wrapper_json"].as_str().unwrap()).await;
    let client = response_mle(&server.base_url()).build().unwrap();
    let error = get(&client).await.unwrap_err();
    match &error {
        Error::Api {
            status,
            body,
            raw_body,
            correlation_id,
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(
                raw_body.as_ref(),
                case["plaintext_utf8"].as_str().unwrap().as_bytes()
            );
            let entry = &body.as_ref().unwrap().errors[0];
            assert_eq!(entry.message.as_deref(), Some("Token not found"));
            assert_eq!(correlation_id.as_deref(), Some("corr-mle-1"));
        }
        other => panic!("{other:?}"),
    }
}

/// Both negative vectors, and a wrapper arriving with no key configured: a typed error
/// keeping status, headers and correlation id.
#[tokio::test]
async fn undecryptable_answers_are_typed_errors_that_keep_the_status() {
    let vectors = vectors();
    let mut cases: Vec<(String, String, bool)> = vectors["negative_responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["wrapper_json"].as_str().unwrap().to_owned(),
                true,
            )
        })
        .collect();
    assert_eq!(cases.len(), 2);
    cases.push((
        "a wrapper while response MLE is not configured".into(),
        vectors["encrypted_responses"][1]["wrapper_json"]
            .as_str()
            .unwrap()
            .to_owned(),
        false,
    ));
    for (name, body, with_key) in cases {
        for status in [200, 400] {
            let (server, _) = recording(status, &body).await;
            let client = if with_key {
                response_mle(&server.base_url())
            } else {
                builder(&server.base_url())
            }
            .build()
            .unwrap();
            let error = get(&client).await.unwrap_err();
            match &error {
                Error::Decryption {
                    status: got,
                    headers,
                    correlation_id,
                    raw_body,
                    reason,
                } => {
                    assert_eq!(got.as_u16(), status, "{name}");
                    assert_eq!(correlation_id.as_deref(), Some("corr-mle-1"), "{name}");
                    assert_eq!(headers["v-c-correlation-id"], "corr-mle-1");
                    assert_eq!(raw_body.as_ref(), body.as_bytes(), "{name}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert!(!error.is_retryable());
            // What every error with an answer keeps, through the accessors too.
            assert_eq!(error.correlation_id(), Some("corr-mle-1"), "{name}");
            assert!(
                error.to_string().ends_with("; correlation id corr-mle-1"),
                "{name}: {error}"
            );
            assert_eq!(
                error.raw_body().map(|b| b.as_ref()),
                Some(body.as_bytes()),
                "{name}: the wrapper as received"
            );
        }
    }
}

/// The SDK's detection cases: only a single string member `encryptedResponse` is a
/// wrapper; everything else reaches the usual decoding untouched.
#[tokio::test]
async fn only_the_exact_wrapper_is_treated_as_encrypted() {
    let vectors = vectors();
    for case in vectors["response_detection"].as_array().unwrap() {
        let body = case["body"].as_str().unwrap();
        let is_wrapper = case["sdk_check_is_mle_encrypted_response"]
            .as_bool()
            .unwrap();
        let (server, _) = recording(200, body).await;
        let client = response_mle(&server.base_url()).build().unwrap();
        let error = get(&client).await.err();
        let decryption = matches!(error, Some(Error::Decryption { .. }));
        assert_eq!(decryption, is_wrapper, "{body:?}: {error:?}");
    }
    // A plaintext answer while response MLE is on passes through.
    let (server, _) = recording(200, r#"{"id":"F2F3ADA770102B51E053A2598D0A9078"}"#).await;
    let client = response_mle(&server.base_url()).build().unwrap();
    let customer = client
        .get_customer()
        .customer_id("ABC123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        customer.id.as_deref(),
        Some("F2F3ADA770102B51E053A2598D0A9078")
    );
}

/// A CyberSource-generated P12 names the kid itself (the SDK's fourth JWT vector);
/// an override turns response MLE off for one operation.
#[tokio::test]
async fn the_response_kid_comes_from_a_cybersource_p12_and_overrides_turn_it_off() {
    let (server, seen) = recording(200, "{}").await;
    let client = builder(&server.base_url())
        .mle_response_key(mle("merchant_response_mle.p12"), Some("testpass"))
        .mle_operation("deleteCustomer", MleOperation::Off)
        .build()
        .unwrap();
    let _ = client.get_customer().customer_id("ABC123").send().await;
    let _ = client.delete_customer().customer_id("ABC123").send().await;
    let seen = seen.lock().unwrap();
    assert_eq!(claims(&seen[0])["v-c-response-mle-kid"], RESPONSE_KID);
    assert_eq!(claims(&seen[1]).get("v-c-response-mle-kid"), None);
}

/// Retrieves customer `ABC123`, the error converted.
async fn get(client: &Client) -> Result<customer_client::ResponseValue<types::Customer>, Error> {
    client.get_customer().customer_id("ABC123").send().await
}

fn config_error(builder: ClientBuilder) -> (String, String) {
    match builder.build() {
        Err(Error::Config { setting, message }) => (setting, message),
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(_) => panic!("expected a configuration error, the client built"),
    }
}

/// The SDK's configuration errors that apply to this client (`configuration_errors`
/// in the vectors), each found when the client is built. Where the SDK sends
/// something anyway (HTTP Signature with a string "true" in its map; request MLE
/// forced on an operation without a body) this client refuses too.
#[test]
fn configuration_errors_are_caught_when_the_client_is_built() {
    let base = "http://127.0.0.1:9";
    let http_signature = || {
        tests::builder_for(base)
            .credentials(Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64).unwrap())
    };
    let cert = mle("cybs_request_mle_cert.pem");
    let p12_without_mle_cert = {
        let p12 = std::fs::read(fixture_path("auth/testrest.p12")).unwrap();
        Credentials::JwtP12(P12Key::from_pkcs12(MERCHANT, &p12, "testpass").unwrap())
    };
    let cases: Vec<(&str, ClientBuilder, &str, &str)> = vec![
        (
            "shared secret, request MLE on, no certificate",
            builder(base).mle_request(true),
            "MLE request certificate",
            "shared-secret JWT",
        ),
        (
            "P12 without the CyberSource certificate, no certificate path",
            builder(base)
                .credentials(p12_without_mle_cert)
                .mle_request(true),
            "MLE request certificate",
            "no certificate with subject CN `CyberSource_SJC_US`",
        ),
        (
            "certificate without subject serialNumber",
            builder(base)
                .mle_request(true)
                .mle_request_certificate(mle("cybs_request_mle_cert_no_subject_serial.pem")),
            "MLE request certificate",
            "no subject serialNumber",
        ),
        (
            "certificate path does not exist",
            builder(base)
                .mle_request(true)
                .mle_request_certificate("missing.pem"),
            "MLE request certificate",
            "cannot read `missing.pem`",
        ),
        (
            "no certificate with the configured alias",
            builder(base)
                .mle_request(true)
                .mle_request_certificate(cert.clone())
                .mle_request_key_alias("CyberSource_Other"),
            "MLE request certificate",
            "no certificate with subject CN `CyberSource_Other`",
        ),
        (
            "HTTP Signature with request MLE on",
            http_signature()
                .mle_request(true)
                .mle_request_certificate(cert.clone()),
            "MLE",
            "only for JWT",
        ),
        (
            "HTTP Signature with request MLE on for one operation",
            http_signature()
                .mle_operation("postCustomer", MleOperation::Request)
                .mle_request_certificate(cert.clone()),
            "MLE",
            "only for JWT",
        ),
        (
            "HTTP Signature with response MLE",
            http_signature()
                .mle_response_key(mle("merchant_response_mle_private_key.pem"), None)
                .mle_response_kid(RESPONSE_KID),
            "MLE",
            "only for JWT",
        ),
        (
            "response MLE for an operation, no private key",
            builder(base).mle_operation("getCustomer", MleOperation::Response),
            "MLE operations",
            "no response key",
        ),
        (
            "a response kid without a private key",
            builder(base).mle_response_kid(RESPONSE_KID),
            "MLE response kid",
            "without a response key",
        ),
        (
            "response MLE with a PEM key and no kid",
            builder(base).mle_response_key(mle("merchant_response_mle_private_key.pem"), None),
            "MLE response kid",
            "not a CyberSource-generated P12",
        ),
        (
            "response MLE with a P12 that is not CyberSource's, no kid",
            builder(base).mle_response_key(fixture_path("auth/testrest.p12"), Some("testpass")),
            "MLE response kid",
            "not a CyberSource-generated P12",
        ),
        (
            "response key path is not a file",
            builder(base)
                .mle_response_key("missing.pem", None)
                .mle_response_kid(RESPONSE_KID),
            "MLE response key",
            "cannot read `missing.pem`",
        ),
        (
            "response P12 with the wrong password",
            builder(base).mle_response_key(mle("merchant_response_mle.p12"), Some("wrong")),
            "MLE response key",
            "not a PKCS#12 file this password opens",
        ),
        (
            "request MLE forced on an operation without a body",
            builder(base)
                .mle_operation("getCustomer", MleOperation::Request)
                .mle_request_certificate(cert.clone()),
            "MLE operations",
            "`getCustomer` has no request body",
        ),
        (
            "an operation the spec does not have",
            builder(base).mle_operation("post_customer", MleOperation::Off),
            "MLE operations",
            "`post_customer` is not an operationId",
        ),
    ];
    for (name, builder, setting, fragment) in cases {
        let (got_setting, message) = config_error(builder);
        assert_eq!(got_setting, setting, "{name}: {message}");
        assert!(message.contains(fragment), "{name}: {message}");
    }
}

#[test]
fn the_environment_configures_mle_with_the_documented_names() {
    let cert = mle("cybs_request_mle_cert.pem");
    let key = mle("merchant_response_mle_private_key.pem");
    let pairs: Vec<(&str, String)> = vec![
        ("CYBERSOURCE_MERCHANT_ID", MERCHANT.into()),
        ("CYBERSOURCE_KEY_ID", KEY_ID.into()),
        ("CYBERSOURCE_SECRET_KEY", SECRET_B64.into()),
        ("CYBERSOURCE_BASE_URL", "http://127.0.0.1:9".into()),
        ("CYBERSOURCE_MLE_REQUEST", "true".into()),
        ("CYBERSOURCE_MLE_REQUEST_CERT", cert.display().to_string()),
        (
            "CYBERSOURCE_MLE_REQUEST_KEY_ALIAS",
            "cybersource_sjc_us".into(),
        ),
        ("CYBERSOURCE_MLE_RESPONSE_KEY", key.display().to_string()),
        ("CYBERSOURCE_MLE_RESPONSE_KID", RESPONSE_KID.into()),
        (
            "CYBERSOURCE_MLE_OPERATIONS",
            "postCustomer=request,patchCustomer=off".into(),
        ),
    ];
    let lookup = |pairs: Vec<(&'static str, String)>| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    };
    let built = ClientBuilder::from_lookup(lookup(pairs.clone()))
        .unwrap()
        .build()
        .unwrap();
    let debug = format!("{:?}", built.context());
    assert!(
        debug.contains(RESPONSE_KID) && debug.contains("7065432109876543210"),
        "{debug}"
    );
    for (variable, value, fragment) in [
        (
            "CYBERSOURCE_MLE_REQUEST",
            "yes",
            "not one of 1, true, 0, false",
        ),
        (
            "CYBERSOURCE_MLE_OPERATIONS",
            "postCustomer=yes",
            "postCustomer: `yes`",
        ),
        (
            "CYBERSOURCE_MLE_OPERATIONS",
            "postCustomer",
            "is not operationId=mode",
        ),
        (
            "CYBERSOURCE_MLE_OPERATIONS",
            "postCustomer=true::true::false",
            "is not one of off, request",
        ),
    ] {
        let mut pairs = pairs.clone();
        pairs.retain(|(k, _)| *k != variable);
        pairs.push((variable, value.into()));
        match ClientBuilder::from_lookup(lookup(pairs)) {
            Err(Error::Config { setting, message }) => {
                assert_eq!(setting, variable);
                assert!(message.contains(fragment), "{message}");
            }
            other => panic!("{variable}={value}: {other:?}"),
        }
    }
}

#[test]
fn keys_and_passwords_stay_out_of_debug_output() {
    let password = "p12-password-value";
    let builder = builder("http://127.0.0.1:9")
        .mle_response_key(mle("merchant_response_mle.p12"), Some(password))
        .mle_request_certificate(customer_client::mle::Source::Bytes(
            test_keys::REQUEST_CERTIFICATE_PEM.as_bytes().to_vec(),
        ));
    let shown = format!("{builder:?}");
    assert!(!shown.contains(password), "{shown}");
    assert!(!shown.contains("BEGIN CERTIFICATE"), "{shown}");
    let error = builder.build().unwrap_err();
    assert!(!format!("{error:?} {error}").contains(password));
}

/// The mock with MLE: the client encrypts to the mock's test certificate, the mock
/// decrypts, validates and stores the plaintext, and answers encrypted to the
/// merchant key; the client shows the decrypted customer. The mock verifies the JWT
/// (and its digest over the wrapper) with its own code.
#[tokio::test]
async fn end_to_end_against_the_mock() {
    let mock = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = tests::builder_for(&mock.base_url())
        .credentials(shared_secret())
        .mle_request(true)
        .mle_request_certificate(customer_client::mle::Source::Bytes(
            test_keys::REQUEST_CERTIFICATE_PEM.as_bytes().to_vec(),
        ))
        .mle_response_key(
            customer_client::mle::Source::Bytes(
                test_keys::RESPONSE_PRIVATE_KEY_PEM.as_bytes().to_vec(),
            ),
            None,
        )
        .mle_response_kid(test_keys::RESPONSE_KID)
        .build()
        .unwrap();
    let created = client
        .post_customer()
        .body(
            types::Customer::builder().buyer_information(
                types::BuyerInformation::builder()
                    .email("mle@example.com".to_owned())
                    .merchant_customer_id("mle-1".to_owned()),
            ),
        )
        .send()
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    assert_eq!(
        created.buyer_information.as_ref().unwrap().email.as_deref(),
        Some("mle@example.com")
    );
    let fetched = client.get_customer().customer_id(&id).send().await.unwrap();
    assert_eq!(fetched.id.as_deref(), Some(id.as_str()));
    mock.shutdown().await;
}

fn unsigned_token_with_kid(kid: &str) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        part(json!({"alg": "none"})),
        part(json!({ "v-c-response-mle-kid": kid }))
    )
}

/// The mock refuses a wrapper it cannot open with 400 and CyberSource's error shape,
/// and encrypts its answer, success or error, when the JWT names a key it knows.
#[tokio::test]
async fn the_mock_refuses_bad_wrappers_and_encrypts_when_asked() {
    let mock = CustomerMock::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/tms/v2/customers", mock.base_url());
    for body in [
        json!({"encryptedRequest": "a.b.c.d.e"}),
        json!({"encryptedRequest": 5}),
        json!({"encryptedRequest": "x", "id": "X"}),
    ] {
        let answer = http
            .post(&url)
            .header("content-type", "application/json;charset=utf-8")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{body}");
        let error: Value = answer.json().await.unwrap();
        assert_eq!(error["errors"][0]["type"], "invalidRequest", "{body}");
    }
    let merchant = MockMle::new(
        test_keys::RESPONSE_KID,
        test_keys::RESPONSE_PRIVATE_KEY_PEM,
        &[],
    )
    .unwrap();
    for (path, status) in [("", 201), ("/0123456789ABCDEF0123456789ABCDEF", 404)] {
        let request = if path.is_empty() {
            http.post(&url)
                .header("content-type", "application/json;charset=utf-8")
                .body("{}")
        } else {
            http.get(format!("{url}{path}"))
        };
        let answer = request
            .bearer_auth(unsigned_token_with_kid(test_keys::RESPONSE_KID))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), status);
        let wrapper: Value = answer.json().await.unwrap();
        // The merchant key opens it (a mock set up with it as its request key).
        let plaintext = merchant
            .open_request(
                json!({ "encryptedRequest": wrapper["encryptedResponse"] })
                    .to_string()
                    .as_bytes(),
            )
            .unwrap()
            .unwrap();
        let plaintext: Value = serde_json::from_slice(&plaintext).unwrap();
        assert!(
            plaintext.get("id").is_some() || plaintext.get("errors").is_some(),
            "{plaintext}"
        );
    }
    let unknown = http
        .get(format!("{url}/0123456789ABCDEF0123456789ABCDEF"))
        .bearer_auth(unsigned_token_with_kid("someone-else"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    mock.shutdown().await;
}

/// A request repeated by the retry policy is signed afresh and still claims the
/// response kid, so its answer comes encrypted too.
#[tokio::test]
async fn a_retried_request_claims_the_response_kid_again() {
    use tests::scripted::{answer, scripted};
    let server = scripted(vec![
        answer("503 Service Unavailable", "", "{}"),
        answer("200 OK", "", "{}"),
    ])
    .await;
    let client = response_mle(&server.url)
        .retry(customer_client::RetryPolicy {
            max_attempts: 2,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_total_delay: Duration::from_secs(5),
        })
        .build()
        .unwrap();
    client
        .get_customer()
        .customer_id("ABC123")
        .send()
        .await
        .unwrap();
    let heads = server.heads.lock().unwrap();
    assert_eq!(heads.len(), 2);
    for head in heads.iter() {
        let bearer = head
            .lines()
            .find_map(|line| line.strip_prefix("authorization: Bearer "))
            .unwrap_or_else(|| panic!("no bearer token in {head}"));
        let payload = bearer.trim().split('.').nth(1).unwrap();
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(claims["v-c-response-mle-kid"], RESPONSE_KID, "{head}");
    }
}

/// A kid the user configures wins over the one a CyberSource-generated P12 names.
#[tokio::test]
async fn a_configured_response_kid_wins_over_the_p12s() {
    let (server, seen) = recording(200, "{}").await;
    let client = builder(&server.base_url())
        .mle_response_key(mle("merchant_response_mle.p12"), Some("testpass"))
        .mle_response_kid("configured-kid")
        .build()
        .unwrap();
    let _ = client.get_customer().customer_id("ABC123").send().await;
    let seen = seen.lock().unwrap();
    assert_eq!(claims(&seen[0])["v-c-response-mle-kid"], "configured-kid");
}

/// An answer whose content key is wrapped with RSA-OAEP (SHA-1), which CyberSource's
/// SDKs accept beside RSA-OAEP-256, decrypts: made here with RustCrypto, not the
/// client's own code.
#[tokio::test]
async fn an_answer_wrapped_with_rsa_oaep_sha1_decrypts() {
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use rsa::pkcs8::DecodePublicKey as _;
    let public = rsa::PublicKey::from_public_key_pem(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../customer-mock/keys/mle_response_public_key.pem"),
        )
        .unwrap(),
    )
    .unwrap();
    let plaintext = json!({"id": "SHA1WRAPPED"}).to_string();
    let header = json!({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": RESPONSE_KID});
    let header_b64 = URL_SAFE_NO_PAD.encode(header.to_string());
    let (mut cek, mut iv) = ([0u8; 32], [0u8; 12]);
    getrandom::fill(&mut cek).unwrap();
    getrandom::fill(&mut iv).unwrap();
    let wrapped = public.oaep_encrypt::<sha1::Sha1>(&cek).unwrap();
    let mut ciphertext = plaintext.clone().into_bytes();
    let tag = aes_gcm::Aes256Gcm::new_from_slice(&cek)
        .unwrap()
        .encrypt_inout_detached(
            &aes_gcm::Nonce::from(iv),
            header_b64.as_bytes(),
            ciphertext.as_mut_slice().into(),
        )
        .unwrap();
    let compact = [
        header_b64,
        URL_SAFE_NO_PAD.encode(wrapped),
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag),
    ]
    .join(".");
    let (server, _) = recording(200, &json!({ "encryptedResponse": compact }).to_string()).await;
    let client = builder(&server.base_url())
        .mle_response_key(
            Source::Bytes(test_keys::RESPONSE_PRIVATE_KEY_PEM.into()),
            None,
        )
        .mle_response_kid(RESPONSE_KID)
        .build()
        .unwrap();
    let customer = get(&client).await.unwrap();
    assert_eq!(customer.id.as_deref(), Some("SHA1WRAPPED"));
}

/// The mock opens only wrappers whose `kid` is its certificate's serialNumber, as
/// CyberSource does: a client configured with another certificate over the same key
/// gets 400, the right certificate 201.
#[tokio::test]
async fn the_mock_refuses_a_wrapper_for_another_certificate() {
    let mock = CustomerMock::start().await.unwrap();
    for (certificate, expected) in [
        (
            Source::File(fixture_path("mle/other_serial_request_cert.pem")),
            400,
        ),
        (
            Source::Bytes(test_keys::REQUEST_CERTIFICATE_PEM.into()),
            201,
        ),
    ] {
        let client = builder(&mock.base_url())
            .mle_request(true)
            .mle_request_certificate(certificate)
            .build()
            .unwrap();
        let status = match client
            .post_customer()
            .body(types::Customer::builder())
            .send()
            .await
        {
            Ok(created) => created.status().as_u16(),
            Err(e) => e.status().map_or(0, |s| s.as_u16()),
        };
        assert_eq!(status, expected);
    }
    mock.shutdown().await;
}
