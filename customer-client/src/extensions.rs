//! What the `exec` and `post` hooks attach to a response for [`Error`](crate::Error):
//! progenitor hands an error response to `Error::from` as a `reqwest::Response`, so
//! whatever the error needs beyond status and headers travels as an extension.

use bytes::Bytes;

/// The whole body of an answer, as read by `transport.rs` (progenitor's own copy of
/// the body is consumed when it decodes).
#[derive(Clone, Debug)]
pub(crate) struct WholeBody(pub Bytes);

/// Why a success body does not decode as documented.
#[derive(Clone, Debug)]
pub(crate) struct DecodeFailure(pub String);

/// Why an encrypted (MLE) answer could not be decrypted; its body stays the wrapper.
#[derive(Clone, Debug)]
pub(crate) struct DecryptionFailure(pub String);

/// The body attached to `response`, or empty.
pub(crate) fn whole_body(response: &reqwest::Response) -> Bytes {
    response
        .extensions()
        .get::<WholeBody>()
        .map(|b| b.0.clone())
        .unwrap_or_default()
}
