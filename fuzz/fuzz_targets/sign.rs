//! Any request parts signed both ways: never a panic, the HTTP Signature's digest
//! always covers exactly the body, and the client's HS256 token (laid out by the
//! client, signed with ring) verifies under jsonwebtoken with the claims it was given.
#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use customer_client::Credentials;
use customer_client::auth::{authenticate, http_signature, jwt};
use libfuzzer_sys::fuzz_target;

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

static CREDENTIALS: LazyLock<Credentials> =
    LazyLock::new(|| Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET).unwrap());
static ORACLE: LazyLock<jsonwebtoken::DecodingKey> = LazyLock::new(|| {
    jsonwebtoken::DecodingKey::from_secret(
        &base64::engine::general_purpose::STANDARD
            .decode(SECRET)
            .unwrap(),
    )
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(5, '\u{1f}');
    let method = parts.next().unwrap_or("GET");
    let target = parts.next().unwrap_or("/");
    let host = parts.next().unwrap_or("apitest.cybersource.com");
    let merchant = parts.next().unwrap_or("m");
    let body = parts.next().unwrap_or("").as_bytes();
    let signed = http_signature::sign(
        &http_signature::SigningInput {
            host,
            date: "Thu, 18 Jul 2019 00:18:03 GMT",
            method,
            request_target: target,
            body,
            signing_merchant_id: merchant,
            key_id: "key",
        },
        data,
    );
    if http_signature::has_digest(method) {
        assert_eq!(
            signed.digest.as_deref(),
            Some(http_signature::digest(body).as_str())
        );
    }
    let claims = jwt::claims(&jwt::TokenInput {
        host,
        method,
        request_target: target,
        body,
        merchant_id: merchant,
        issuer: merchant,
        issued_at: data.len() as u64,
        token_id: "id",
        response_mle_kid: None,
    });
    assert_eq!(claims.exp, claims.iat + jwt::LIFETIME_SECONDS);
    let _ = serde_json::to_string(&claims);

    // Any token id (escapes, controls, any Unicode) and body, through the client's
    // signer, against jsonwebtoken.
    let post = data.first().is_some_and(|b| b % 2 == 1);
    let method = if post { "POST" } else { "GET" };
    let token_id = &*text;
    let url = reqwest::Url::parse("https://apitest.cybersource.com/tms/v2/customers").unwrap();
    let mut request = reqwest::Request::new(method.parse().unwrap(), url);
    if post {
        *request.body_mut() = Some(reqwest::Body::from(data.to_vec()));
    }
    let now = UNIX_EPOCH + Duration::from_secs(data.len() as u64);
    authenticate(&CREDENTIALS, &mut request, now, token_id).unwrap();
    let bearer = request.headers()["authorization"].to_str().unwrap();
    let expected = jwt::claims(&jwt::TokenInput {
        host: "apitest.cybersource.com",
        method,
        request_target: "/tms/v2/customers",
        body: if post { data } else { b"" },
        merchant_id: MERCHANT,
        issuer: MERCHANT,
        issued_at: data.len() as u64,
        token_id,
        response_mle_kid: None,
    });
    let token = bearer.strip_prefix("Bearer ").unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let decoded = jsonwebtoken::decode::<serde_json::Value>(token, &ORACLE, &validation).unwrap();
    assert_eq!(decoded.claims, serde_json::to_value(&expected).unwrap());
    assert_eq!(decoded.header.kid.as_deref(), Some(KEY_ID));
});
