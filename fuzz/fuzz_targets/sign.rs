//! Any request parts signed both ways: never a panic, and the HTTP Signature's digest
//! always covers exactly the body.
#![no_main]

use customer_client::auth::{http_signature, jwt};
use libfuzzer_sys::fuzz_target;

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
    });
    assert_eq!(claims.exp, claims.iat + jwt::LIFETIME_SECONDS);
    let _ = serde_json::to_string(&claims);
});
