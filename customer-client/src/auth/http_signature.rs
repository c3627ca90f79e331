//! HTTP Signature (HmacSHA256), byte-compatible with CyberSource's official SDKs.
//!
//! Pure functions: everything that varies (date, body) is an argument, so the
//! official test vectors can be reproduced exactly.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::{digest, hmac};

/// What the signature covers. Field names follow the signing string's lines.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// `host`: the API host as sent, e.g. `apitest.cybersource.com` (with `:port` when not the default).
    pub host: &'a str,
    /// `date`: an RFC 7231 date, e.g. `Thu, 18 Jul 2019 00:18:03 GMT`.
    pub date: &'a str,
    /// The HTTP method, any case (signed in lower case).
    pub method: &'a str,
    /// The path with `?query` when there is one, e.g. `/tms/v2/customers/ABC123`.
    pub request_target: &'a str,
    /// The body bytes exactly as sent; digested on POST, PUT and PATCH.
    pub body: &'a [u8],
    /// The id on the signing string's `v-c-merchant-id` line: the merchant id, or the
    /// portfolio id with MetaKey.
    pub signing_merchant_id: &'a str,
    /// The key id (`keyid` of the Signature header).
    pub key_id: &'a str,
}

/// The headers HTTP Signature adds, and the string that was signed.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Digest` header value (`SHA-256=<base64>`), on POST, PUT and PATCH only.
    pub digest: Option<String>,
    /// The signing string (lines joined by `\n`, no trailing newline).
    pub signing_string: String,
    /// `Signature` header value.
    pub signature: String,
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("digest", &self.digest)
            .field("signing_string", &self.signing_string)
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Whether the method carries a `Digest` (POST, PUT, PATCH).
pub fn has_digest(method: &str) -> bool {
    ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// `SHA-256=<standard base64 of sha256(body)>`.
pub fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", sha256_base64(body))
}

/// Standard base64 of sha256(bytes) (ring, the provider the client's rustls uses).
pub(crate) fn sha256_base64(bytes: &[u8]) -> String {
    BASE64.encode(digest::digest(&digest::SHA256, bytes))
}

/// Signs `input` with the decoded shared secret.
pub fn sign(input: &SigningInput<'_>, secret: &[u8]) -> SignedHeaders {
    sign_with_key(input, &hmac::Key::new(hmac::HMAC_SHA256, secret))
}

/// Signs `input` with an HMAC key prepared once per credentials.
pub(crate) fn sign_with_key(input: &SigningInput<'_>, key: &hmac::Key) -> SignedHeaders {
    let digest = has_digest(input.method).then(|| digest(input.body));
    // One string, built in place: this runs for every request (BENCHMARKS.md).
    let mut signing_string = String::with_capacity(256);
    for part in [
        "host: ",
        input.host,
        "\ndate: ",
        input.date,
        "\nrequest-target: ",
    ] {
        signing_string.push_str(part);
    }
    signing_string.extend(input.method.chars().map(|c| c.to_ascii_lowercase()));
    signing_string.push(' ');
    signing_string.push_str(input.request_target);
    if let Some(digest) = &digest {
        signing_string.push_str("\ndigest: ");
        signing_string.push_str(digest);
    }
    signing_string.push_str("\nv-c-merchant-id: ");
    signing_string.push_str(input.signing_merchant_id);
    let headers = if digest.is_some() {
        "host date request-target digest v-c-merchant-id"
    } else {
        "host date request-target v-c-merchant-id"
    };
    let mut signature = String::with_capacity(160 + input.key_id.len());
    for part in [
        "keyid=\"",
        input.key_id,
        "\", algorithm=\"HmacSHA256\", headers=\"",
        headers,
        "\", signature=\"",
    ] {
        signature.push_str(part);
    }
    BASE64.encode_string(hmac::sign(key, signing_string.as_bytes()), &mut signature);
    signature.push('"');
    SignedHeaders {
        digest,
        signing_string,
        signature,
    }
}
