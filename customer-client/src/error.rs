//! The one error type callers match on: what it holds, how it reads, and whether a
//! repeat may succeed. How progenitor's error becomes this one is in
//! `progenitor_error.rs`.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::transport_error::TransportError;
use crate::types::ErrorResponse;

/// Everything that can go wrong with a call, with every reason kept.
///
/// Generated methods return progenitor's error; `?` (or `Error::from`) turns it into
/// this type, which is the one to match on:
///
/// ```no_run
/// # async fn example(client: &customer_client::Client) -> Result<(), customer_client::Error> {
/// use customer_client::Error;
/// match client.get_customer().customer_id("D9F340DD3DB9C276E053A2598D0A41A3").send().await.map_err(Error::from) {
///     Ok(customer) => println!("{:?}", customer.id),
///     Err(Error::Api { status, body, correlation_id, .. }) => {
///         eprintln!("{status}: {body:?} (correlation id {correlation_id:?})")
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
#[non_exhaustive]
pub enum Error {
    /// A request value breaks a rule of the spec. Nothing was sent.
    InvalidRequest {
        /// The parameter or body field, e.g. `customerId` or `buyerInformation.email`.
        parameter: String,
        /// The rule it breaks, e.g. `must be 1 to 32 characters (got 33)`.
        rule: String,
    },
    /// The client cannot be built as configured. Nothing was sent.
    Config {
        /// The setting at fault, e.g. `base URL`.
        setting: String,
        /// What is wrong with it.
        message: String,
    },
    /// CyberSource (or whatever answered) returned an error status.
    Api {
        /// The HTTP status, whatever the body.
        status: StatusCode,
        /// CyberSource's error body, when the body is one.
        body: Option<ErrorResponse>,
        /// The body exactly as received (kept whether it parsed or not).
        raw_body: Bytes,
        /// `v-c-correlation-id`, CyberSource's id for this exchange.
        correlation_id: Option<String>,
        /// `uniqueTransactionID`, when sent.
        unique_transaction_id: Option<String>,
    },
    /// A success status whose body does not decode as the spec documents.
    InvalidResponse {
        /// The HTTP status, when one arrived.
        status: Option<StatusCode>,
        /// Why decoding failed.
        reason: String,
        /// The body exactly as received.
        raw_body: Bytes,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The answer came encrypted (message-level encryption) and could not be
    /// decrypted: no response key is configured, or it is not the key the answer was
    /// encrypted to, or the ciphertext was altered.
    Decryption {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Why it could not be decrypted.
        reason: String,
        /// The answer's headers (boxed: they would double the size of every `Error`).
        headers: Box<reqwest::header::HeaderMap>,
        /// The body as received: the `{"encryptedResponse": …}` wrapper.
        raw_body: Bytes,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The connect timeout or the overall timeout struck (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)). Safe to retry for
    /// idempotent operations.
    Timeout {
        /// The status, when the answer had begun to arrive.
        status: Option<StatusCode>,
        /// `v-c-correlation-id`, when the headers had arrived.
        correlation_id: Option<String>,
    },
    /// The answer's body is longer than
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// reading stopped at the limit.
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
    },
    /// The connection failed while the answer's body was arriving.
    Interrupted {
        /// The HTTP status that had arrived.
        status: StatusCode,
        /// `v-c-correlation-id`, when sent.
        correlation_id: Option<String>,
        /// What failed.
        reason: String,
    },
    /// No answer: connecting, TLS, or sending failed.
    Transport(TransportError),
}

impl Error {
    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::Decryption { status, .. }
            | Self::ResponseTooLarge { status, .. }
            | Self::Interrupted { status, .. } => Some(*status),
            Self::InvalidResponse { status, .. } | Self::Timeout { status, .. } => *status,
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
            | Self::Interrupted { correlation_id, .. } => correlation_id.as_deref(),
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
            | Self::Decryption { raw_body, .. } => Some(raw_body),
            _ => None,
        }
    }
}

/// As derived, except that a body shows masked (`mask::body`): it may hold card data.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |raw: &Bytes| crate::mask::body(raw);
        match self {
            Self::InvalidRequest { parameter, rule } => f
                .debug_struct("InvalidRequest")
                .field("parameter", parameter)
                .field("rule", rule)
                .finish(),
            Self::Config { setting, message } => f
                .debug_struct("Config")
                .field("setting", setting)
                .field("message", message)
                .finish(),
            Self::Api {
                status,
                body,
                raw_body,
                correlation_id,
                unique_transaction_id,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("body", body)
                .field("raw_body", &masked(raw_body))
                .field("correlation_id", correlation_id)
                .field("unique_transaction_id", unique_transaction_id)
                .finish(),
            Self::InvalidResponse {
                status,
                reason,
                raw_body,
                correlation_id,
            } => f
                .debug_struct("InvalidResponse")
                .field("status", status)
                .field("reason", reason)
                .field("raw_body", &masked(raw_body))
                .field("correlation_id", correlation_id)
                .finish(),
            Self::Decryption {
                status,
                reason,
                headers,
                raw_body,
                correlation_id,
            } => f
                .debug_struct("Decryption")
                .field("status", status)
                .field("reason", reason)
                .field("headers", headers)
                .field("raw_body", &format_args!("<{} bytes>", raw_body.len()))
                .field("correlation_id", correlation_id)
                .finish(),
            Self::Timeout {
                status,
                correlation_id,
            } => f
                .debug_struct("Timeout")
                .field("status", status)
                .field("correlation_id", correlation_id)
                .finish(),
            Self::ResponseTooLarge {
                status,
                limit,
                correlation_id,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("limit", limit)
                .field("correlation_id", correlation_id)
                .finish(),
            Self::Interrupted {
                status,
                correlation_id,
                reason,
            } => f
                .debug_struct("Interrupted")
                .field("status", status)
                .field("correlation_id", correlation_id)
                .field("reason", reason)
                .finish(),
            Self::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest { parameter, rule } => {
                write!(f, "invalid request, nothing sent: {parameter} {rule}")
            }
            Self::Config { setting, message } => {
                write!(f, "invalid configuration of {setting}: {message}")
            }
            Self::Api {
                status,
                body,
                raw_body,
                correlation_id,
                ..
            } => {
                write!(f, "CyberSource answered {status}")?;
                match body.as_ref().and_then(|b| b.errors.first()) {
                    Some(entry) => write!(
                        f,
                        ": {} ({})",
                        entry.message.as_deref().unwrap_or("no message"),
                        entry.type_.as_deref().unwrap_or("no type")
                    )?,
                    None => write!(
                        f,
                        " with a body that is not a CyberSource error ({} bytes)",
                        raw_body.len()
                    )?,
                }
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::InvalidResponse {
                status,
                reason,
                correlation_id,
                ..
            } => {
                write!(f, "undecodable response")?;
                if let Some(status) = status {
                    write!(f, " with status {status}")?;
                }
                write!(f, ": {reason}")?;
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::Decryption {
                status,
                reason,
                correlation_id,
                ..
            } => {
                write!(
                    f,
                    "the encrypted answer (status {status}) cannot be decrypted: {reason}"
                )?;
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::Timeout {
                status,
                correlation_id,
            } => {
                write!(f, "timed out")?;
                if let Some(status) = status {
                    write!(f, " reading the answer (status {status})")?;
                }
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::ResponseTooLarge {
                status,
                limit,
                correlation_id,
            } => {
                write!(
                    f,
                    "the answer (status {status}) is longer than the limit of {limit} bytes"
                )?;
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::Interrupted {
                status,
                correlation_id,
                reason,
            } => {
                write!(
                    f,
                    "the connection failed while the answer (status {status}) arrived: {reason}"
                )?;
                if let Some(id) = correlation_id {
                    write!(f, "; correlation id {id}")?;
                }
                Ok(())
            }
            Self::Transport(_) => f.write_str("no answer"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            _ => None,
        }
    }
}
