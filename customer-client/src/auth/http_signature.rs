//! HTTP Signature (HmacSHA256), byte-compatible with CyberSource's official SDKs.
//!
//! Pure functions: everything that varies (date, body) is an argument, so the
//! official test vectors can be reproduced exactly.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit, Mac};
use sha2::{Digest as _, Sha256};

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
    format!("SHA-256={}", BASE64.encode(Sha256::digest(body)))
}

/// Signs `input` with the decoded shared secret.
pub fn sign(input: &SigningInput<'_>, secret: &[u8]) -> SignedHeaders {
    let digest = has_digest(input.method).then(|| digest(input.body));
    let method = input.method.to_ascii_lowercase();
    let mut lines = vec![
        format!("host: {}", input.host),
        format!("date: {}", input.date),
        format!("request-target: {method} {}", input.request_target),
    ];
    if let Some(digest) = &digest {
        lines.push(format!("digest: {digest}"));
    }
    lines.push(format!("v-c-merchant-id: {}", input.signing_merchant_id));
    let signing_string = lines.join("\n");
    let headers = if digest.is_some() {
        "host date request-target digest v-c-merchant-id"
    } else {
        "host date request-target v-c-merchant-id"
    };
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC takes keys of any length");
    mac.update(signing_string.as_bytes());
    let signature_b64 = BASE64.encode(mac.finalize().into_bytes());
    let signature = format!(
        "keyid=\"{}\", algorithm=\"HmacSHA256\", headers=\"{headers}\", signature=\"{signature_b64}\"",
        input.key_id
    );
    SignedHeaders {
        digest,
        signing_string,
        signature,
    }
}
