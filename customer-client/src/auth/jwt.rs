//! JWT authentication (HS256 with the shared secret, RS256 with a P12 key), with the
//! header and claims CyberSource's official SDKs send.
//!
//! Pure functions: the issue time and token id are arguments, so the official test
//! vectors can be reproduced.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use super::http_signature::has_digest;

/// Lifetime of a token: `exp = iat + 120`.
pub const LIFETIME_SECONDS: u64 = 120;

/// What the token covers.
#[derive(Debug, Clone, Copy)]
pub struct TokenInput<'a> {
    /// `request-host`, e.g. `apitest.cybersource.com`.
    pub host: &'a str,
    /// The HTTP method, any case (claimed in upper case).
    pub method: &'a str,
    /// `request-resource-path`: the path with `?query` when there is one.
    pub request_target: &'a str,
    /// The body bytes exactly as sent; digested on POST, PUT and PATCH.
    pub body: &'a [u8],
    /// `v-c-merchant-id`.
    pub merchant_id: &'a str,
    /// `iss`: the merchant id, or the portfolio id with MetaKey.
    pub issuer: &'a str,
    /// `iat`, seconds since the Unix epoch.
    pub issued_at: u64,
    /// `jti`, a fresh UUID per request.
    pub token_id: &'a str,
    /// `v-c-response-mle-kid`: asks for the answer encrypted to this key (MLE).
    pub response_mle_kid: Option<&'a str>,
}

/// The claims of a CyberSource request token. Fields are in sorted order, as the
/// official SDK serialises them. The strings borrow from the [`TokenInput`] they were
/// made from, so signing a request copies none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims<'a> {
    /// Base64 SHA-256 of the body (POST, PUT, PATCH).
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub digest: Option<Cow<'a, str>>,
    /// `SHA-256` when there is a digest.
    #[serde(
        rename = "digestAlgorithm",
        skip_serializing_if = "Option::is_none",
        default,
        borrow
    )]
    pub digest_algorithm: Option<Cow<'a, str>>,
    /// Expiry: `iat + 120`.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch.
    pub iat: u64,
    /// Issuer: the merchant id, or the portfolio id with MetaKey.
    #[serde(borrow)]
    pub iss: Cow<'a, str>,
    /// Token id.
    #[serde(borrow)]
    pub jti: Cow<'a, str>,
    /// The API host.
    #[serde(rename = "request-host", borrow)]
    pub request_host: Cow<'a, str>,
    /// Upper-case HTTP method.
    #[serde(rename = "request-method", borrow)]
    pub request_method: Cow<'a, str>,
    /// Path with query.
    #[serde(rename = "request-resource-path", borrow)]
    pub request_resource_path: Cow<'a, str>,
    /// Always `"2"`.
    #[serde(rename = "v-c-jwt-version", borrow)]
    pub jwt_version: Cow<'a, str>,
    /// The merchant id.
    #[serde(rename = "v-c-merchant-id", borrow)]
    pub merchant_id: Cow<'a, str>,
    /// The key id the answer is to be encrypted to, when response MLE is on.
    #[serde(
        rename = "v-c-response-mle-kid",
        skip_serializing_if = "Option::is_none",
        default,
        borrow
    )]
    pub response_mle_kid: Option<Cow<'a, str>>,
}

/// The claims for `input`, borrowing its strings.
pub fn claims<'a>(input: &TokenInput<'a>) -> Claims<'a> {
    let digest = has_digest(input.method).then(|| super::http_signature::sha256_base64(input.body));
    // Standard methods are upper case already; only an extension method is copied.
    let request_method = if input.method.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(input.method.to_ascii_uppercase())
    } else {
        Cow::Borrowed(input.method)
    };
    Claims {
        digest_algorithm: digest.as_ref().map(|_| Cow::Borrowed("SHA-256")),
        digest: digest.map(Cow::Owned),
        exp: input.issued_at + LIFETIME_SECONDS,
        iat: input.issued_at,
        iss: Cow::Borrowed(input.issuer),
        jti: Cow::Borrowed(input.token_id),
        request_host: Cow::Borrowed(input.host),
        request_method,
        request_resource_path: Cow::Borrowed(input.request_target),
        jwt_version: Cow::Borrowed("2"),
        merchant_id: Cow::Borrowed(input.merchant_id),
        response_mle_kid: input.response_mle_kid.map(Cow::Borrowed),
    }
}

/// The JOSE header every token carries: `{typ: "JWT", alg, kid}`.
pub fn header(algorithm: Algorithm, kid: &str) -> Header {
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    header.typ = Some("JWT".to_owned());
    header
}

/// An HS256 signer prepared once per credentials: the encoded header, and the HMAC
/// state after the key and that header, are computed when the credentials are made,
/// so each token costs one claims serialisation, two base64 encodings and the HMAC of
/// the claims alone. jsonwebtoken's `encode` rebuilds all of it for every token
/// (BENCHMARKS.md); the tokens are byte-identical (tested against it).
pub(crate) struct Hs256 {
    /// `base64url(header JSON) + "."`.
    encoded_header: String,
    /// HMAC-SHA256 under the secret, having absorbed `encoded_header`.
    after_header: aws_lc_rs::hmac::Context,
}

impl Hs256 {
    pub(crate) fn new(kid: &str, secret: &[u8]) -> Result<Self, serde_json::Error> {
        let mut encoded_header =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header(Algorithm::HS256, kid))?);
        encoded_header.push('.');
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        let mut after_header = aws_lc_rs::hmac::Context::with_key(&key);
        after_header.update(encoded_header.as_bytes());
        Ok(Self {
            encoded_header,
            after_header,
        })
    }

    /// The compact token for `claims`, after `prefix` (e.g. `Bearer `).
    pub(crate) fn token(
        &self,
        prefix: &str,
        claims: &Claims<'_>,
    ) -> Result<String, serde_json::Error> {
        let mut json = Vec::with_capacity(384);
        write_claims(&mut json, claims)?;
        let mut token = String::with_capacity(
            prefix.len() + self.encoded_header.len() + json.len() * 4 / 3 + 48,
        );
        token.push_str(prefix);
        token.push_str(&self.encoded_header);
        let claims_start = token.len();
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        let mut hmac = self.after_header.clone();
        hmac.update(&token.as_bytes()[claims_start..]);
        let tag = hmac.sign();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
        Ok(token)
    }
}

/// Writes `claims` as the JSON `serde_json` makes of them (same keys, order and
/// escapes; tested), without its serialiser: the keys are written as they are and a
/// value is escaped only when it holds a character JSON escapes. Runs for every
/// request signed with a shared-secret JWT (BENCHMARKS.md).
fn write_claims(out: &mut Vec<u8>, claims: &Claims<'_>) -> Result<(), serde_json::Error> {
    let mut separator = b'{';
    let mut key = |out: &mut Vec<u8>, name: &str| {
        out.push(separator);
        separator = b',';
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    };
    if let Some(digest) = &claims.digest {
        key(out, "digest");
        write_str(out, digest)?;
    }
    if let Some(algorithm) = &claims.digest_algorithm {
        key(out, "digestAlgorithm");
        write_str(out, algorithm)?;
    }
    key(out, "exp");
    out.extend_from_slice(itoa::Buffer::new().format(claims.exp).as_bytes());
    key(out, "iat");
    out.extend_from_slice(itoa::Buffer::new().format(claims.iat).as_bytes());
    for (name, value) in [
        ("iss", &claims.iss),
        ("jti", &claims.jti),
        ("request-host", &claims.request_host),
        ("request-method", &claims.request_method),
        ("request-resource-path", &claims.request_resource_path),
        ("v-c-jwt-version", &claims.jwt_version),
        ("v-c-merchant-id", &claims.merchant_id),
    ] {
        key(out, name);
        write_str(out, value)?;
    }
    if let Some(kid) = &claims.response_mle_kid {
        key(out, "v-c-response-mle-kid");
        write_str(out, kid)?;
    }
    out.push(b'}');
    Ok(())
}

/// A JSON string: as it is between quotes, or escaped by serde_json when it holds a
/// control character, a quote or a backslash (the characters serde_json escapes).
fn write_str(out: &mut Vec<u8>, text: &str) -> Result<(), serde_json::Error> {
    if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return serde_json::to_writer(out, text);
    }
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
    Ok(())
}

/// Signs `claims` into a compact JWT with header `{alg, kid, typ: "JWT"}`.
pub fn token(
    claims: &Claims<'_>,
    algorithm: Algorithm,
    kid: &str,
    key: &EncodingKey,
) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(&header(algorithm, kid), claims, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_borrow_the_input_and_claim_the_method_in_upper_case() {
        let input = TokenInput {
            host: "apitest.cybersource.com",
            method: "GET",
            request_target: "/tms/v2/customers/A",
            body: b"",
            merchant_id: "testrest",
            issuer: "testrest",
            issued_at: 1_764_000_000,
            token_id: "id",
            response_mle_kid: None,
        };
        let get = claims(&input);
        assert!(matches!(get.request_method, Cow::Borrowed("GET")));
        assert!(matches!(get.request_resource_path, Cow::Borrowed(_)));
        assert_eq!((get.digest, get.digest_algorithm), (None, None));
        let patch = claims(&TokenInput {
            method: "patch",
            body: b"{}",
            ..input
        });
        assert_eq!(patch.request_method, "PATCH");
        assert_eq!(patch.digest_algorithm.as_deref(), Some("SHA-256"));
        assert_eq!(
            patch.digest.as_deref(),
            Some(super::super::http_signature::sha256_base64(b"{}").as_str())
        );
    }

    #[test]
    fn claims_are_written_as_serde_json_writes_them() {
        let texts = [
            "",
            "testrest",
            "/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078?x=\"1\"&y=\\",
            "tab\there, newline\n, bell\u{7}, delete\u{7f}, é, 💳",
            "\u{0}\u{1f}",
        ];
        for (i, text) in texts.iter().enumerate() {
            for digest in [None, Some(Cow::Borrowed(*text))] {
                let response_mle_kid = digest.as_ref().map(|_| Cow::Borrowed(*text));
                let claims = Claims {
                    digest_algorithm: digest.as_ref().map(|_| Cow::Borrowed("SHA-256")),
                    digest,
                    exp: u64::MAX - i as u64,
                    iat: i as u64,
                    iss: Cow::Borrowed(text),
                    jti: Cow::Borrowed("a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d"),
                    request_host: Cow::Borrowed(text),
                    request_method: Cow::Borrowed("PATCH"),
                    request_resource_path: Cow::Borrowed(text),
                    jwt_version: Cow::Borrowed("2"),
                    merchant_id: Cow::Borrowed(text),
                    response_mle_kid,
                };
                let mut written = Vec::new();
                write_claims(&mut written, &claims).unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    serde_json::to_string(&claims).unwrap(),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn prepared_hs256_tokens_are_byte_identical_to_jsonwebtokens() {
        let secret = b"a shared secret of some length, as CyberSource issues";
        let signer = Hs256::new("08c94330-f618-42a3-b09d-e1e43be5efda", secret).unwrap();
        let oracle = EncodingKey::from_secret(secret);
        for (method, body) in [("GET", &b""[..]), ("POST", "{\"id\": \"é\"}".as_bytes())] {
            let claims = claims(&TokenInput {
                host: "apitest.cybersource.com",
                method,
                request_target: "/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078?x=\"1\"",
                body,
                merchant_id: "testrest",
                issuer: "portfolio",
                issued_at: 1_764_000_000,
                token_id: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d",
                response_mle_kid: Some("testrestRespMle0001"),
            });
            let expected = token(
                &claims,
                Algorithm::HS256,
                "08c94330-f618-42a3-b09d-e1e43be5efda",
                &oracle,
            )
            .unwrap();
            assert_eq!(signer.token("", &claims).unwrap(), expected, "{method}");
            assert_eq!(
                signer.token("Bearer ", &claims).unwrap(),
                format!("Bearer {expected}")
            );
        }
    }
}
