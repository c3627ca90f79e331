//! What this crate puts on the wire and reads back by name: the media type, the
//! client's identity, and the header names the spec documents. Constants only.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// `User-Agent` and `v-c-client-id` of every request: this crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The exact media type sent as `Accept` (and as `Content-Type` with a body).
pub const JSON_MEDIA_TYPE: &str = "application/json;charset=utf-8";

/// [`JSON_MEDIA_TYPE`] as a header value.
pub(crate) const JSON_UTF8: HeaderValue = HeaderValue::from_static(JSON_MEDIA_TYPE);

/// Identifies this crate to CyberSource, as the official SDKs do with their own name.
pub(crate) const CLIENT_ID: HeaderName = HeaderName::from_static("v-c-client-id");
/// [`USER_AGENT`] as a header value.
pub(crate) const CLIENT_ID_VALUE: HeaderValue = HeaderValue::from_static(USER_AGENT);

/// Request headers that authentication adds.
pub(crate) const MERCHANT_ID: HeaderName = HeaderName::from_static("v-c-merchant-id");
pub(crate) const DIGEST: HeaderName = HeaderName::from_static("digest");
pub(crate) const SIGNATURE: HeaderName = HeaderName::from_static("signature");
/// Makes a PATCH safe to repeat (retry.rs).
pub(crate) const IF_MATCH: HeaderName = HeaderName::from_static("if-match");

/// Response headers, as the spec documents them (names are case-insensitive). Kept as
/// `HeaderName`s: a lookup by `&str` parses the name again on every call.
pub(crate) const ETAG: HeaderName = HeaderName::from_static("etag");
pub(crate) const CORRELATION_ID: HeaderName = HeaderName::from_static("v-c-correlation-id");
pub(crate) const UNIQUE_TRANSACTION_ID: HeaderName = HeaderName::from_static("uniquetransactionid");
pub(crate) const LOCATION: HeaderName = HeaderName::from_static("location");

/// A header's value as text, when present and printable.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `v-c-correlation-id` as an owned string, for errors that outlive the response.
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<String> {
    header(headers, &CORRELATION_ID).map(str::to_owned)
}
