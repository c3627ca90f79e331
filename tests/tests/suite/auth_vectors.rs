//! The signing functions reproduce every vector that the official Python SDK
//! (cybersource-rest-client-python 0.0.80) produced: HTTP Signature byte for byte,
//! JWT by decoded header and claims plus a verifying signature.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use customer_client::auth::{http_signature, jwt};
use customer_client::{Credentials, P12Key};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tests::{fixture_path, json_fixture};

fn vectors() -> Value {
    json_fixture("auth/signature-vectors.json")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` missing in {value}"))
}

#[test]
fn every_http_signature_vector_is_reproduced_byte_for_byte() {
    let vectors = vectors();
    let list = vectors["vectors"].as_array().unwrap();
    for vector in list {
        let name = text(vector, "name");
        let inputs = &vector["inputs"];
        // Low-level vectors carry method, target and body in `inputs`; end-to-end ones
        // beside it, with the body as captured on the wire.
        let method = inputs["method"]
            .as_str()
            .unwrap_or_else(|| text(vector, "method"));
        let target = inputs["request_target"]
            .as_str()
            .unwrap_or_else(|| text(vector, "request_target"));
        let body = inputs["body_utf8"]
            .as_str()
            .or_else(|| vector["wire"]["body_utf8"].as_str())
            .unwrap_or_default();
        let merchant_id = text(inputs, "merchant_id");
        let signing_merchant_id = inputs["merchant_config_extra"]["portfolio_id"]
            .as_str()
            .unwrap_or(merchant_id);
        let secret = STANDARD.decode(text(inputs, "shared_secret_b64")).unwrap();
        let signed = http_signature::sign(
            &http_signature::SigningInput {
                host: text(inputs, "host"),
                date: text(inputs, "date"),
                method,
                request_target: target,
                body: body.as_bytes(),
                signing_merchant_id,
                key_id: text(inputs, "key_id"),
            },
            &secret,
        );
        assert_eq!(
            signed.digest.as_deref(),
            vector["digest_header"].as_str(),
            "{name}: digest"
        );
        assert_eq!(
            signed.signing_string,
            text(vector, "signing_string"),
            "{name}: signing string"
        );
        assert_eq!(
            signed.signature,
            text(vector, "signature_header"),
            "{name}: Signature header"
        );
        // End-to-end vectors also show the headers on the wire.
        if let Some(wire) = vector["wire"]["headers_in_wire_order"].as_array() {
            let header = |n: &str| {
                wire.iter()
                    .find(|h| h[0].as_str().is_some_and(|k| k.eq_ignore_ascii_case(n)))
                    .and_then(|h| h[1].as_str())
            };
            assert_eq!(
                header("Signature"),
                Some(signed.signature.as_str()),
                "{name}"
            );
            assert_eq!(header("Digest"), signed.digest.as_deref(), "{name}");
            assert_eq!(header("v-c-merchant-id"), Some(merchant_id), "{name}");
        }
    }
    assert_eq!(list.len(), 15, "all HTTP Signature vectors");
}

/// Splits a compact JWT into its decoded header and claims.
fn decode_parts(token: &str) -> (Value, Value, String) {
    let mut parts = token.split('.');
    let mut json = || {
        serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap())
            .unwrap()
    };
    let header = json();
    let claims = json();
    let claims_segment = token.split('.').nth(1).unwrap().to_owned();
    (header, claims, claims_segment)
}

fn rsa_public_key() -> DecodingKey {
    let pem = std::fs::read(fixture_path("auth/testrest_cert.pem")).unwrap();
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
    let cert = pem.parse_x509().unwrap();
    DecodingKey::from_rsa_der(&cert.public_key().subject_public_key.data)
}

#[test]
fn every_jwt_vector_is_reproduced_and_verifies() {
    let vectors = vectors();
    let secret = STANDARD
        .decode(text(&vectors["vectors"][0]["inputs"], "shared_secret_b64"))
        .unwrap();
    let p12 = std::fs::read(fixture_path("auth/testrest.p12")).unwrap();
    let list = vectors["jwt_vectors"].as_array().unwrap();
    for vector in list {
        let name = text(vector, "name");
        let inputs = &vector["inputs"];
        let expected_claims = &vector["jwt_claims"];
        let expected_header = &vector["jwt_header"];
        let claims = jwt::claims(&jwt::TokenInput {
            host: text(expected_claims, "request-host"),
            method: text(inputs, "method"),
            request_target: text(inputs, "request_target"),
            body: inputs["body_utf8"].as_str().unwrap_or_default().as_bytes(),
            merchant_id: text(expected_claims, "v-c-merchant-id"),
            issuer: text(expected_claims, "iss"),
            issued_at: inputs["iat_pinned"].as_u64().unwrap(),
            token_id: text(inputs, "jti_pinned"),
            response_mle_kid: None,
        });
        let kid = text(expected_header, "kid");
        // Sign through the client's own credential types, as its hook does.
        let (token, algorithm, verify_key) = match text(expected_header, "alg") {
            "HS256" => {
                let Credentials::JwtSharedSecret(key) =
                    Credentials::jwt_shared_secret("testrest", kid, &STANDARD.encode(&secret))
                        .unwrap()
                else {
                    unreachable!()
                };
                (
                    key.jwt(&claims).unwrap(),
                    Algorithm::HS256,
                    DecodingKey::from_secret(&secret),
                )
            }
            "RS256" => {
                let key = P12Key::from_pkcs12("testrest", &p12, "testpass").unwrap();
                assert_eq!(key.kid(), kid, "{name}: kid is the subject serialNumber");
                (
                    key.jwt(&claims).unwrap(),
                    Algorithm::RS256,
                    rsa_public_key(),
                )
            }
            other => panic!("{name}: unexpected alg {other}"),
        };
        let (header, decoded_claims, claims_segment) = decode_parts(&token);
        assert_eq!(&header, expected_header, "{name}: header");
        assert_eq!(&decoded_claims, expected_claims, "{name}: claims");
        // Header and claims are serialised as the SDK does (sorted keys, compact), and
        // HS256 and RS256 (PKCS#1 v1.5) are deterministic: the whole token is the
        // official one, byte for byte.
        let official = text(vector, "authorization_header")
            .strip_prefix("Bearer ")
            .unwrap();
        assert_eq!(
            claims_segment,
            official.split('.').nth(1).unwrap(),
            "{name}: claims bytes"
        );
        assert_eq!(token, official, "{name}: the token, byte for byte");
        // Our token verifies, and so does the official one, under the same key.
        let mut validation = Validation::new(algorithm);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        for candidate in [token.as_str(), official] {
            jsonwebtoken::decode::<Value>(candidate, &verify_key, &validation)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    assert_eq!(list.len(), 5, "all JWT vectors");
    assert!(
        list.iter()
            .any(|v| text(&v["inputs"], "request_target").contains("?offset=")),
        "one JWT vector covers a path with a query"
    );
}

#[test]
fn the_p12_loader_finds_the_merchant_certificate_and_refuses_bad_input() {
    let p12 = std::fs::read(fixture_path("auth/testrest.p12")).unwrap();
    let key = P12Key::from_pkcs12("testrest", &p12, "testpass").unwrap();
    assert_eq!(
        key.kid(),
        "1234567890123456789",
        "subject serialNumber, not the X.509 serial 1234"
    );
    let debug = format!("{key:?}");
    assert!(
        debug.contains("<redacted>") && !debug.contains("PRIVATE"),
        "{debug}"
    );
    for (merchant, password, bytes) in [
        ("testrest", "wrong", &p12[..]),
        ("someone-else", "testpass", &p12[..]),
        ("testrest", "testpass", &b"not a p12"[..]),
    ] {
        let error = P12Key::from_pkcs12(merchant, bytes, password).unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains("P12 file"), "{shown}");
        assert!(!shown.contains("testpass"), "{shown}");
    }
}
