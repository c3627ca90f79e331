//! JWT authentication (HS256 with the shared secret, RS256 with a P12 key), with the
//! header and claims CyberSource's official SDKs send, laid out as they lay them out
//! (members sorted, compact), so a token is byte for byte the official SDK's.
//!
//! The JWS compact form is three base64url segments around a signature that ring
//! computes (`credentials.rs`); this file only lays them out. Not jsonwebtoken's
//! `encode`: it signs through a process-wide provider chosen by its cargo features,
//! and panics when a user's other dependencies turn on both of them (README.md,
//! "Features").
//!
//! Pure functions: the issue time and token id are arguments, so the official test
//! vectors can be reproduced.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

/// The JOSE header every token carries, members in the official SDK's (sorted) order.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    typ: &'a str,
}

/// `base64url(header).`: the first segment of every token a key signs as `kid` with
/// `alg` (`HS256`, `RS256`), made once per key.
pub(crate) fn header_segment(alg: &str, kid: &str) -> String {
    let header = Header {
        alg,
        kid,
        typ: "JWT",
    };
    // A struct of strings always serialises.
    let json = serde_json::to_vec(&header).unwrap_or_default();
    let mut segment = URL_SAFE_NO_PAD.encode(json);
    segment.push('.');
    segment
}

/// `header.claims`, the bytes a token's signature covers: `header_segment` as made by
/// [`header_segment`], then the claims' compact JSON in base64url.
pub(crate) fn signing_input(header_segment: &str, claims: &Claims<'_>) -> String {
    // Claims are strings and integers: they always serialise.
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let mut token = String::with_capacity(header_segment.len() + json.len() * 4 / 3 + 350);
    token.push_str(header_segment);
    URL_SAFE_NO_PAD.encode_string(json, &mut token);
    token
}

/// Completes the token begun by [`signing_input`] with its signature.
pub(crate) fn append_signature(token: &mut String, signature: &[u8]) {
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, token);
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
}
