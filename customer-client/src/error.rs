//! The one error type callers match on: what it holds, how it reads, and whether a
//! repeat may succeed. Which failure of a call becomes which variant is decided in
//! `call.rs`, the one path of a call.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::transport_error::TransportError;
use crate::types::ErrorResponse;

/// Everything that can go wrong with a call, with every reason kept.
///
/// Every generated `send()` answers this type, the one to match on:
///
/// ```no_run
/// # async fn example(client: &customer_client::Client) -> Result<(), customer_client::Error> {
/// use customer_client::Error;
/// match client.get_customer().customer_id("D9F340DD3DB9C276E053A2598D0A41A3").send().await {
///     Ok(customer) => println!("{:?}", customer.id),
///     Err(Error::Api { status, body, correlation_id, .. }) => {
///         eprintln!("{status}: {body:?} (correlation id {correlation_id:?})")
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request value breaks a rule of the spec. Nothing was sent.
    #[error("invalid request, nothing sent: {parameter} {rule}")]
    InvalidRequest {
        /// The parameter or body field, e.g. `customerId` or `buyerInformation.email`.
        parameter: String,
        /// The rule it breaks, e.g. `must be 1 to 32 characters (got 33)`.
        rule: String,
    },
    /// The client cannot be built as configured. Nothing was sent.
    #[error("invalid configuration of {setting}: {message}")]
    Config {
        /// The setting at fault, e.g. `base URL`.
        setting: String,
        /// What is wrong with it.
        message: String,
    },
    /// CyberSource (or whatever answered) returned an error status.
    #[error("CyberSource answered {status}{}{}", api_reason(body.as_ref(), raw_body), Correlation(correlation_id))]
    Api {
        /// The HTTP status, whatever the body.
        status: StatusCode,
        /// CyberSource's error body, when the body is one.
        body: Option<ErrorResponse>,
        /// The body exactly as received (kept whether it parsed or not).
        raw_body: RawBody,
        /// `v-c-correlation-id`, CyberSource's id for this exchange.
        correlation_id: Option<String>,
        /// `uniqueTransactionID`, when sent.
        unique_transaction_id: Option<String>,
    },
    /// A success status whose body does not decode as the spec documents.
    #[error(
        "undecodable response{}: {reason}{}",
        IfStatus(" with status ", status, ""),
        Correlation(correlation_id)
    )]
    InvalidResponse {
        /// The HTTP status, when one arrived.
        status: Option<StatusCode>,
        /// Why decoding failed.
        reason: String,
        /// The body exactly as received.
        raw_body: RawBody,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The answer came encrypted (message-level encryption) and could not be
    /// decrypted: no response key is configured, or it is not the key the answer was
    /// encrypted to, or the ciphertext was altered.
    #[error(
        "the encrypted answer (status {status}) cannot be decrypted: {reason}{}",
        Correlation(correlation_id)
    )]
    Decryption {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Why it could not be decrypted.
        reason: String,
        /// The answer's headers (boxed: they would double the size of every `Error`).
        headers: Box<reqwest::header::HeaderMap>,
        /// The body as received: the `{"encryptedResponse": …}` wrapper.
        raw_body: RawBody,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The overall timeout struck once connected (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)): without a status,
    /// the request may have been sent ([`is_outcome_unknown`](Self::is_outcome_unknown)).
    /// A connect timeout is [`Error::Transport`], since nothing was sent. Safe to
    /// retry for idempotent operations.
    #[error(
        "timed out{}{}",
        IfStatus(" reading the answer (status ", status, ")"),
        Correlation(correlation_id)
    )]
    Timeout {
        /// The status, when the answer had begun to arrive.
        status: Option<StatusCode>,
        /// `v-c-correlation-id`, when the headers had arrived.
        correlation_id: Option<String>,
    },
    /// The answer's body is longer than
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// reading stopped at the limit.
    #[error(
        "the answer (status {status}) is longer than the limit of {limit} bytes{}",
        Correlation(correlation_id)
    )]
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The connection failed while the answer's body was arriving.
    #[error(
        "the connection failed while the answer (status {status}) arrived: {reason}{}",
        Correlation(correlation_id)
    )]
    Interrupted {
        /// The HTTP status that had arrived.
        status: StatusCode,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
        /// What failed.
        reason: String,
    },
    /// No answer: connecting, TLS, or sending failed.
    #[error("no answer")]
    Transport(#[source] TransportError),
    /// A read-modify-write ([`update::read_modify_write`](crate::update::read_modify_write),
    /// the `modify_*` methods) gave up: each of its writes met a newer version of the
    /// resource (412), because others kept writing to it.
    #[error(
        "the resource kept changing: {attempts} writes each met a newer version (412){}",
        Correlation(correlation_id)
    )]
    KeptChanging {
        /// The writes sent, each answered 412.
        attempts: usize,
        /// `v-c-correlation-id` of the last 412.
        correlation_id: Option<String>,
    },
}

impl Error {
    /// The error for an attempt that got no answer, as reqwest reported it: a timeout
    /// once connected is [`Error::Timeout`] (the request may have been sent); anything
    /// else, a connect timeout included, is [`Error::Transport`]. No status is made up.
    pub(crate) fn no_answer(error: reqwest::Error) -> Self {
        if error.is_timeout() && !error.is_connect() {
            Self::Timeout {
                status: None,
                correlation_id: None,
            }
        } else {
            Self::Transport(TransportError::from(error))
        }
    }

    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::Decryption { status, .. }
            | Self::ResponseTooLarge { status, .. }
            | Self::Interrupted { status, .. } => Some(*status),
            Self::InvalidResponse { status, .. } | Self::Timeout { status, .. } => *status,
            Self::KeptChanging { .. } => Some(StatusCode::PRECONDITION_FAILED),
            Self::Transport(_) | Self::InvalidRequest { .. } | Self::Config { .. } => None,
        }
    }

    /// `v-c-correlation-id` of the answer, when one arrived with it.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Self::Api { correlation_id, .. }
            | Self::InvalidResponse { correlation_id, .. }
            | Self::Decryption { correlation_id, .. }
            | Self::Timeout { correlation_id, .. }
            | Self::ResponseTooLarge { correlation_id, .. }
            | Self::Interrupted { correlation_id, .. }
            | Self::KeptChanging { correlation_id, .. } => correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Whether repeating the same request may succeed: a failed connection, a timeout,
    /// a connection that failed mid-answer, and the
    /// [`RETRYABLE_STATUSES`](crate::RETRYABLE_STATUSES). The same verdict as the
    /// client's own retries ([`RetryPolicy`](crate::RetryPolicy)). Whether it is *safe*
    /// to repeat depends on the request: those retry only GET, DELETE and a PATCH with
    /// `if-match`, since a POST may have reached the server.
    pub fn is_retryable(&self) -> bool {
        use crate::retry::{Outcome, is_transient, no_answer};
        is_transient(match self {
            Self::Timeout { .. } => Outcome::Timeout,
            Self::Interrupted { .. } => Outcome::Interrupted,
            Self::Transport(e) => no_answer(e.is_connect(), e.is_timeout()),
            Self::Api { status, .. } => Outcome::Status(status.as_u16()),
            _ => Outcome::Final,
        })
    }

    /// Whether the request was sent whole and no answer came back, so whether it took
    /// effect is unknown: the connection closed or failed after sending, or a timeout
    /// struck before the answer's head. Its opposite is a request that was certainly
    /// not sent (refused by the rules, a bad configuration, a failed connection or DNS
    /// lookup: [`TransportError::is_connect`]), or one that was answered.
    ///
    /// Such a request may have taken effect. The client never repeats a POST in this
    /// state (a second one could create a second resource); its retries repeat only
    /// GET, DELETE and a PATCH with `if-match`, which cannot apply twice. The
    /// `modify_*` methods read the resource again and stop when their change is
    /// already there. Elsewhere, read before you write again.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Self::Transport(e) => !e.is_connect(),
            Self::Timeout { status, .. } => status.is_none(),
            _ => false,
        }
    }

    /// CyberSource's parsed error body, when there is one.
    pub fn error_body(&self) -> Option<&ErrorResponse> {
        match self {
            Self::Api { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    /// The raw body of the answer, when one arrived.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Self::Api { raw_body, .. }
            | Self::InvalidResponse { raw_body, .. }
            | Self::Decryption { raw_body, .. } => Some(&raw_body.0),
            _ => None,
        }
    }
}

/// A body exactly as received. It may hold card data, so its `Debug` shows it masked
/// (`mask::body`); the bytes themselves are the caller's, through `Deref` or `.0`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl std::ops::Deref for RawBody {
    type Target = Bytes;
    fn deref(&self) -> &Bytes {
        &self.0
    }
}

impl From<Bytes> for RawBody {
    fn from(bytes: Bytes) -> Self {
        Self(bytes)
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&crate::mask::body(&self.0), f)
    }
}

/// `; correlation id X` when there is one: the end of every message of an answer.
struct Correlation<'a>(&'a Option<String>);

impl fmt::Display for Correlation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "; correlation id {id}"),
            None => Ok(()),
        }
    }
}

/// `before` + the status + `after`, when one arrived; nothing otherwise.
struct IfStatus<'a>(&'static str, &'a Option<StatusCode>, &'static str);

impl fmt::Display for IfStatus<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(status) => write!(f, "{}{status}{}", self.0, self.2),
            None => Ok(()),
        }
    }
}

/// `: message (type)` of CyberSource's first error entry, or what the body is instead.
fn api_reason(body: Option<&ErrorResponse>, raw_body: &RawBody) -> String {
    match body.and_then(|b| b.errors.first()) {
        Some(entry) => format!(
            ": {} ({})",
            entry.message.as_deref().unwrap_or("no message"),
            entry.type_.as_deref().unwrap_or("no type")
        ),
        None => format!(
            " with a body that is not a CyberSource error ({} bytes)",
            raw_body.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(body: &[u8]) -> Error {
        Error::Api {
            status: StatusCode::BAD_REQUEST,
            body: serde_json::from_slice::<ErrorResponse>(body).ok(),
            raw_body: Bytes::copy_from_slice(body).into(),
            correlation_id: Some("corr-1".to_owned()),
            unique_transaction_id: None,
        }
    }

    /// Each message says its layer, CyberSource's reason or what the body is instead,
    /// the status where one arrived, and the correlation id.
    #[test]
    fn messages_carry_the_reason_the_status_and_the_correlation_id() {
        assert_eq!(
            api(br#"{"errors": [{"type": "invalidRequest", "message": "bad email"}]}"#).to_string(),
            "CyberSource answered 400 Bad Request: bad email (invalidRequest); correlation id corr-1"
        );
        assert_eq!(
            api(b"<html>").to_string(),
            "CyberSource answered 400 Bad Request with a body that is not a CyberSource error (6 bytes); correlation id corr-1"
        );
        let timeout = |status| Error::Timeout {
            status,
            correlation_id: None,
        };
        assert_eq!(
            timeout(Some(StatusCode::OK)).to_string(),
            "timed out reading the answer (status 200 OK)"
        );
        assert_eq!(timeout(None).to_string(), "timed out");
    }

    /// A raw body shows in `Debug` as JSON with card data masked, not as bytes and not
    /// hidden altogether.
    #[test]
    fn a_raw_body_shows_masked_in_debug() {
        let body = RawBody(Bytes::from_static(
            br#"{"card": {"number": "4111111111111111"}, "id": "X1"}"#,
        ));
        let shown = format!("{body:?}");
        assert!(shown.contains("X1") && shown.contains("****"), "{shown}");
        assert!(!shown.contains("4111111111111111"), "{shown}");
    }
}
