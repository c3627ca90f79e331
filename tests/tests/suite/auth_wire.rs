//! Authentication on the wire: for every operation and every mode, the headers that
//! arrive verify under an independent re-computation from the bytes that arrived
//! (hmac/sha2/jsonwebtoken used directly here, not the client's signing code).

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use customer_client::{Client, Credentials, Environment, P12Key};
use hmac::{KeyInit, Mac};
use httpmock::MockServer;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tests::calls::{Call, call};
use tests::{SpecOperation, fixture_path, spec_operations};

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";
const PORTFOLIO: &str = "testportfolio";
/// 2019-07-18T00:18:03Z, the vectors' instant.
const NOW: u64 = 1_563_409_083;

#[derive(Clone, Copy, Debug)]
enum Mode {
    Jwt,
    HttpSignature,
    HttpSignatureMetaKey,
    JwtMetaKey,
    JwtP12,
}

fn credentials(mode: Mode) -> Credentials {
    match mode {
        Mode::Jwt => Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
        Mode::HttpSignature => Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
        Mode::HttpSignatureMetaKey => Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64)
            .unwrap()
            .with_portfolio_id(PORTFOLIO)
            .unwrap(),
        Mode::JwtMetaKey => Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET_B64)
            .unwrap()
            .with_portfolio_id(PORTFOLIO)
            .unwrap(),
        Mode::JwtP12 => {
            let p12 = std::fs::read(fixture_path("auth/testrest.p12")).unwrap();
            Credentials::JwtP12(P12Key::from_pkcs12(MERCHANT, &p12, "testpass").unwrap())
        }
    }
}

/// Sends one call through a signing client and returns the request as it arrived.
async fn captured(op: &SpecOperation, mode: Mode, token_id: &str) -> http::Request<bytes::Bytes> {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                recorder.lock().unwrap().push(request.to_http_request());
                true
            });
            then.status(op.success().status)
                .body(if op.success().media_type.is_some() {
                    "{}"
                } else {
                    ""
                });
        })
        .await;
    let token_id = token_id.to_owned();
    let client = tests::builder_for(&server.base_url())
        .credentials(credentials(mode))
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .id_source(move || token_id.clone())
        .build()
        .unwrap();
    call(&client, op, &Call::valid(op, true))
        .await
        .unwrap_or_else(|e| panic!("{} {mode:?}: {e}", op.operation_id));
    mock.assert_calls_async(1).await;
    let mut seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    seen.remove(0)
}

fn header<'a>(request: &'a http::Request<bytes::Bytes>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

fn body_digest(request: &http::Request<bytes::Bytes>) -> String {
    STANDARD.encode(Sha256::digest(request.body()))
}

fn has_body(op: &SpecOperation) -> bool {
    op.request_media_type.is_some()
}

fn path_and_query(request: &http::Request<bytes::Bytes>) -> String {
    request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap()
}

/// Re-derives the HTTP Signature from what arrived and compares.
fn verify_http_signature(op: &SpecOperation, request: &http::Request<bytes::Bytes>, signer: &str) {
    let name = &op.operation_id;
    let signature = header(request, "signature").unwrap_or_else(|| panic!("{name}: no Signature"));
    let fields: Vec<(&str, &str)> = signature
        .split(", ")
        .map(|item| {
            let (k, v) = item.split_once('=').unwrap();
            (k, v.trim_matches('"'))
        })
        .collect();
    let field = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
            .unwrap()
    };
    assert_eq!(field("keyid"), KEY_ID);
    assert_eq!(field("algorithm"), "HmacSHA256");
    let expected_headers = if has_body(op) {
        "host date request-target digest v-c-merchant-id"
    } else {
        "host date request-target v-c-merchant-id"
    };
    assert_eq!(field("headers"), expected_headers, "{name}");
    assert_eq!(
        header(request, "v-c-merchant-id"),
        Some(MERCHANT),
        "{name}: header carries the merchant"
    );
    assert_eq!(
        header(request, "date"),
        Some("Thu, 18 Jul 2019 00:18:03 GMT"),
        "{name}: RFC 7231 date"
    );
    let mut lines = vec![
        format!("host: {}", header(request, "host").expect("Host")),
        format!("date: {}", header(request, "date").unwrap()),
        format!(
            "request-target: {} {}",
            request.method().as_str().to_lowercase(),
            path_and_query(request)
        ),
    ];
    if has_body(op) {
        let digest = header(request, "digest").unwrap_or_else(|| panic!("{name}: no Digest"));
        assert_eq!(
            digest,
            format!("SHA-256={}", body_digest(request)),
            "{name}: digest of the bytes that arrived"
        );
        lines.push(format!("digest: {digest}"));
    } else {
        assert!(
            header(request, "digest").is_none(),
            "{name}: no Digest without a body"
        );
    }
    lines.push(format!("v-c-merchant-id: {signer}"));
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(&STANDARD.decode(SECRET_B64).unwrap()).unwrap();
    mac.update(lines.join("\n").as_bytes());
    assert_eq!(
        field("signature"),
        STANDARD.encode(mac.finalize().into_bytes()),
        "{name}: signature"
    );
    assert!(header(request, "authorization").is_none());
}

/// Verifies the bearer token and checks each claim against what arrived.
fn verify_jwt(
    op: &SpecOperation,
    request: &http::Request<bytes::Bytes>,
    mode: Mode,
    token_id: &str,
) {
    let name = &op.operation_id;
    let token = header(request, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_else(|| panic!("{name}: no bearer token"));
    let (algorithm, key, kid) = match mode {
        Mode::JwtP12 => {
            let pem = std::fs::read(fixture_path("auth/testrest_cert.pem")).unwrap();
            let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
            let cert = pem.parse_x509().unwrap();
            (
                Algorithm::RS256,
                DecodingKey::from_rsa_der(&cert.public_key().subject_public_key.data),
                "1234567890123456789",
            )
        }
        _ => (
            Algorithm::HS256,
            DecodingKey::from_secret(&STANDARD.decode(SECRET_B64).unwrap()),
            KEY_ID,
        ),
    };
    let mut validation = Validation::new(algorithm);
    validation.validate_exp = false; // the pinned clock is in 2019
    validation.required_spec_claims.clear();
    let decoded = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap_or_else(|e| panic!("{name} {mode:?}: token does not verify: {e}"));
    assert_eq!(decoded.header.kid.as_deref(), Some(kid));
    assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));
    let claims = decoded.claims;
    let issuer = if matches!(mode, Mode::JwtMetaKey) {
        PORTFOLIO
    } else {
        MERCHANT
    };
    assert_eq!(claims["iss"], issuer, "{name}");
    assert_eq!(claims["v-c-merchant-id"], MERCHANT);
    assert_eq!(claims["v-c-jwt-version"], "2");
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 120);
    assert_eq!(claims["jti"], token_id);
    assert_eq!(
        claims["request-host"],
        header(request, "host").unwrap(),
        "{name}"
    );
    assert_eq!(
        claims["request-method"],
        request.method().as_str(),
        "{name}"
    );
    assert_eq!(
        claims["request-resource-path"],
        path_and_query(request),
        "{name}"
    );
    if has_body(op) {
        assert_eq!(
            claims["digest"],
            body_digest(request),
            "{name}: digest of the bytes that arrived"
        );
        assert_eq!(claims["digestAlgorithm"], "SHA-256");
    } else {
        assert!(
            claims.get("digest").is_none() && claims.get("digestAlgorithm").is_none(),
            "{name}"
        );
    }
    for absent in ["signature", "digest", "v-c-merchant-id", "date"] {
        assert!(
            header(request, absent).is_none(),
            "{name} {mode:?}: JWT sends no `{absent}`"
        );
    }
}

#[tokio::test]
async fn every_operation_is_signed_verifiably_in_every_mode() {
    let modes = [
        Mode::Jwt,
        Mode::HttpSignature,
        Mode::HttpSignatureMetaKey,
        Mode::JwtMetaKey,
        Mode::JwtP12,
    ];
    for op in spec_operations() {
        for mode in modes {
            let request = captured(&op, mode, "00000000-0000-4000-8000-000000000001").await;
            match mode {
                Mode::HttpSignature => verify_http_signature(&op, &request, MERCHANT),
                Mode::HttpSignatureMetaKey => verify_http_signature(&op, &request, PORTFOLIO),
                _ => verify_jwt(&op, &request, mode, "00000000-0000-4000-8000-000000000001"),
            }
            let identity = concat!("customer-client/", env!("CARGO_PKG_VERSION"));
            assert_eq!(header(&request, "user-agent"), Some(identity));
            assert_eq!(header(&request, "v-c-client-id"), Some(identity));
        }
    }
}

/// Each call is signed afresh: a new token id and the clock's current time.
#[tokio::test]
async fn each_call_is_signed_afresh() {
    let op = spec_operations()
        .into_iter()
        .find(|op| op.method == "GET")
        .unwrap();
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                recorder.lock().unwrap().push(request.to_http_request());
                true
            });
            then.status(200).body("{}");
        })
        .await;
    let ticks = Arc::new(Mutex::new(0u64));
    let clock_ticks = ticks.clone();
    let client = tests::builder_for(&server.base_url())
        .credentials(credentials(Mode::Jwt))
        .clock(move || {
            let mut t = clock_ticks.lock().unwrap();
            *t += 1;
            UNIX_EPOCH + Duration::from_secs(NOW + *t)
        })
        .build()
        .unwrap();
    for _ in 0..2 {
        call(&client, &op, &Call::valid(&op, false)).await.unwrap();
    }
    let seen = seen.lock().unwrap();
    let claims: Vec<Value> = seen
        .iter()
        .map(|r| {
            let token = header(r, "authorization")
                .unwrap()
                .strip_prefix("Bearer ")
                .unwrap();
            let payload = token.split('.').nth(1).unwrap();
            serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .unwrap(),
            )
            .unwrap()
        })
        .collect();
    assert_eq!(claims.len(), 2);
    assert_ne!(
        claims[0]["jti"], claims[1]["jti"],
        "a fresh random jti per request"
    );
    assert_eq!(
        claims[1]["iat"].as_u64().unwrap(),
        claims[0]["iat"].as_u64().unwrap() + 1
    );
}

/// Secrets never show in Debug or Display output.
#[test]
fn secrets_stay_out_of_debug_output() {
    let p12 = std::fs::read(fixture_path("auth/testrest.p12")).unwrap();
    for credentials in [
        credentials(Mode::Jwt),
        credentials(Mode::HttpSignature),
        Credentials::JwtP12(P12Key::from_pkcs12(MERCHANT, &p12, "testpass").unwrap()),
    ] {
        let client = Client::builder(Environment::Sandbox)
            .credentials(credentials.clone())
            .build()
            .unwrap();
        let shown = format!("{credentials:?} {client:?} {:?}", client.context());
        for secret in [SECRET_B64, KEY_ID, "testpass"] {
            assert!(!shown.contains(secret), "`{secret}` leaked: {shown}");
        }
        let raw = STANDARD.decode(SECRET_B64).unwrap();
        assert!(
            !shown.contains(&format!("{raw:?}")),
            "raw secret bytes leaked"
        );
        assert!(shown.contains("<redacted>"));
    }
}

/// A token id is drawn from the client's id source only for a JWT, once per attempt:
/// an HTTP Signature carries none, so it draws none (a user's deterministic ids stay
/// in step with the tokens that carry them).
#[tokio::test]
async fn only_a_jwt_draws_a_token_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET);
            then.status(200).body(r#"{"id": "ABC"}"#);
        })
        .await;
    for (mode, drawn) in [(Mode::HttpSignature, 0), (Mode::Jwt, 1)] {
        let draws = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = draws.clone();
        let client = Client::builder(Environment::custom(&server.base_url()).unwrap())
            .credentials(credentials(mode))
            .id_source(move || {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                "jti-1".to_owned()
            })
            .build()
            .unwrap();
        client
            .get_customer()
            .customer_id("ABC")
            .send()
            .await
            .unwrap();
        assert_eq!(
            draws.load(std::sync::atomic::Ordering::SeqCst),
            drawn,
            "{mode:?}"
        );
    }
}
