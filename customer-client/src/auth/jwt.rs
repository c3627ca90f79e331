//! JWT authentication (HS256 with the shared secret, RS256 with a P12 key), with the
//! header and claims CyberSource's official SDKs send.
//!
//! Pure functions: the issue time and token id are arguments, so the official test
//! vectors can be reproduced.

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

/// The JOSE header every token carries: `{typ: "JWT", alg, kid}`.
pub fn header(algorithm: Algorithm, kid: &str) -> Header {
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    header.typ = Some("JWT".to_owned());
    header
}

/// An HS256 signer prepared once per credentials: the encoded header and the HMAC key
/// are computed when the credentials are made, so each token costs one claims
/// serialisation, two base64 encodings and one HMAC. jsonwebtoken's `encode` rebuilds
/// both for every token (about a third of its time, BENCHMARKS.md); the tokens are
/// byte-identical (tested against it).
pub(crate) struct Hs256 {
    /// `base64url(header JSON) + "."`.
    encoded_header: String,
    key: aws_lc_rs::hmac::Key,
}

impl Hs256 {
    pub(crate) fn new(kid: &str, secret: &[u8]) -> Result<Self, serde_json::Error> {
        let mut encoded_header =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header(Algorithm::HS256, kid))?);
        encoded_header.push('.');
        Ok(Self {
            encoded_header,
            key: aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret),
        })
    }

    /// The compact token for `claims`, after `prefix` (e.g. `Bearer `).
    pub(crate) fn token(&self, prefix: &str, claims: &Claims) -> Result<String, serde_json::Error> {
        let claims = serde_json::to_vec(claims)?;
        let mut token = String::with_capacity(
            prefix.len() + self.encoded_header.len() + claims.len() * 4 / 3 + 48,
        );
        token.push_str(prefix);
        token.push_str(&self.encoded_header);
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let tag = aws_lc_rs::hmac::sign(&self.key, &token.as_bytes()[prefix.len()..]);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
        Ok(token)
    }
}

/// Signs `claims` into a compact JWT with header `{alg, kid, typ: "JWT"}`.
pub fn token(
    claims: &Claims,
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
