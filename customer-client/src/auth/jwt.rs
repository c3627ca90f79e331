//! JWT authentication (HS256 with the shared secret, RS256 with a P12 key), with the
//! header and claims CyberSource's official SDKs send.
//!
//! Pure functions: the issue time and token id are arguments, so the official test
//! vectors can be reproduced.

use std::borrow::Cow;

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
}
