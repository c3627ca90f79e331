//! JWT authentication (HS256 with the shared secret, RS256 with a P12 key), with the
//! header and claims CyberSource's official SDKs send.
//!
//! Pure functions: the issue time and token id are arguments, so the official test
//! vectors can be reproduced.

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
}

/// The claims of a CyberSource request token. Fields are in sorted order, as the
/// official SDK serialises them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Base64 SHA-256 of the body (POST, PUT, PATCH).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub digest: Option<String>,
    /// `SHA-256` when there is a digest.
    #[serde(
        rename = "digestAlgorithm",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub digest_algorithm: Option<String>,
    /// Expiry: `iat + 120`.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch.
    pub iat: u64,
    /// Issuer: the merchant id, or the portfolio id with MetaKey.
    pub iss: String,
    /// Token id.
    pub jti: String,
    /// The API host.
    #[serde(rename = "request-host")]
    pub request_host: String,
    /// Upper-case HTTP method.
    #[serde(rename = "request-method")]
    pub request_method: String,
    /// Path with query.
    #[serde(rename = "request-resource-path")]
    pub request_resource_path: String,
    /// Always `"2"`.
    #[serde(rename = "v-c-jwt-version")]
    pub jwt_version: String,
    /// The merchant id.
    #[serde(rename = "v-c-merchant-id")]
    pub merchant_id: String,
}

/// The claims for `input`.
pub fn claims(input: &TokenInput<'_>) -> Claims {
    let digest = has_digest(input.method).then(|| super::http_signature::sha256_base64(input.body));
    Claims {
        digest_algorithm: digest.as_ref().map(|_| "SHA-256".to_owned()),
        digest,
        exp: input.issued_at + LIFETIME_SECONDS,
        iat: input.issued_at,
        iss: input.issuer.to_owned(),
        jti: input.token_id.to_owned(),
        request_host: input.host.to_owned(),
        request_method: input.method.to_ascii_uppercase(),
        request_resource_path: input.request_target.to_owned(),
        jwt_version: "2".to_owned(),
        merchant_id: input.merchant_id.to_owned(),
    }
}

/// Signs `claims` into a compact JWT with header `{alg, kid, typ: "JWT"}`.
pub fn token(
    claims: &Claims,
    algorithm: Algorithm,
    kid: &str,
    key: &EncodingKey,
) -> Result<String, jsonwebtoken::errors::Error> {
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    header.typ = Some("JWT".to_owned());
    jsonwebtoken::encode(&header, claims, key)
}
