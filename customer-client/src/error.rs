//! The one error type callers match on.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::hooks::{BodyFailure, BufferedBody, DecodeFailure, NoAnswer, error_chain};
use crate::response::{header, names};
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
#[derive(Debug)]
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

/// Why no answer arrived: connecting, TLS, sending the request or reading the
/// answer's head failed. Its `source` chain keeps the underlying errors.
#[derive(Clone)]
pub struct TransportError {
    connect: bool,
    timeout: bool,
    cause: Arc<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// Whether connecting (TCP, TLS) failed, so the request never reached a server:
    /// always safe to retry.
    pub fn is_connect(&self) -> bool {
        self.connect
    }

    /// Whether a timeout struck.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        Self {
            connect: error.is_connect(),
            timeout: error.is_timeout(),
            cause: Arc::new(error),
        }
    }

    pub(crate) fn from_hyper(error: hyper_util::client::legacy::Error) -> Self {
        let mut timeout = false;
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(cause) = source {
            timeout |= cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut);
            source = cause.source();
        }
        Self {
            connect: error.is_connect(),
            timeout,
            cause: Arc::new(error),
        }
    }

    /// A connection that could not be made (for unit tests of what follows one).
    #[cfg(test)]
    pub(crate) fn connect_failed() -> Self {
        Self {
            connect: true,
            timeout: false,
            cause: Arc::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        }
    }

    /// No answer within the client's timeout.
    pub(crate) fn timed_out() -> Self {
        Self {
            connect: false,
            timeout: true,
            cause: Arc::new(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no answer within the client's timeout",
            )),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("connect", &self.connect)
            .field("timeout", &self.timeout)
            .field("cause", &error_chain(&*self.cause))
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.source()
    }
}

impl Error {
    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
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
            | Self::Timeout { correlation_id, .. }
            | Self::ResponseTooLarge { correlation_id, .. }
            | Self::Interrupted { correlation_id, .. } => correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Whether repeating the same request may succeed: timeouts, connection failures,
    /// and the statuses 429, 502, 503 and 504. (Whether it is *safe* to repeat depends
    /// on the operation: a POST may have reached the server.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Interrupted { .. } => true,
            Self::Transport(e) => e.is_connect() || e.is_timeout(),
            Self::Api { status, .. } => matches!(status.as_u16(), 429 | 502 | 503 | 504),
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
            Self::Api { raw_body, .. } | Self::InvalidResponse { raw_body, .. } => Some(raw_body),
            _ => None,
        }
    }

    /// A timeout is [`Error::Timeout`], whatever timed out; anything else is transport.
    fn no_answer(error: TransportError) -> Self {
        if error.is_timeout() {
            Self::Timeout {
                status: None,
                correlation_id: None,
            }
        } else {
            Self::Transport(error)
        }
    }

    /// Builds the error for a complete answer that is not a documented success.
    fn from_response(response: reqwest::Response) -> Self {
        if let Some(NoAnswer(error)) = response.extensions().get::<NoAnswer>() {
            return Self::no_answer(error.clone());
        }
        let status = response.status();
        let headers = response.headers();
        let correlation_id = header(headers, &names::CORRELATION_ID).map(str::to_owned);
        match response.extensions().get::<BodyFailure>() {
            Some(BodyFailure::TooLarge { limit }) => {
                return Self::ResponseTooLarge {
                    status,
                    limit: *limit,
                    correlation_id,
                };
            }
            Some(BodyFailure::TimedOut) => {
                return Self::Timeout {
                    status: Some(status),
                    correlation_id,
                };
            }
            Some(BodyFailure::Interrupted(reason)) => {
                return Self::Interrupted {
                    status,
                    correlation_id,
                    reason: reason.clone(),
                };
            }
            None => {}
        }
        let raw_body = response
            .extensions()
            .get::<BufferedBody>()
            .map(|b| b.0.clone())
            .unwrap_or_default();
        if status.is_success() {
            let reason = response
                .extensions()
                .get::<DecodeFailure>()
                .map(|failure| failure.0.clone())
                .unwrap_or_else(|| format!("status {status} is not documented for this operation"));
            return Self::InvalidResponse {
                status: Some(status),
                reason,
                raw_body,
                correlation_id,
            };
        }
        Self::Api {
            status,
            // Only a body with at least one error entry counts as CyberSource's.
            body: serde_json::from_slice::<ErrorResponse>(&raw_body)
                .ok()
                .filter(|body| !body.errors.is_empty()),
            unique_transaction_id: header(headers, &names::UNIQUE_TRANSACTION_ID)
                .map(str::to_owned),
            raw_body,
            correlation_id,
        }
    }
}

/// How `http` words a header value it refuses (progenitor passes it on as text).
const INVALID_HEADER_VALUE: &str = "failed to parse header value";

impl From<progenitor_client::Error<ErrorResponse>> for Error {
    fn from(error: progenitor_client::Error<ErrorResponse>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            // A header value progenitor could not turn into a header (CR, LF, ...).
            Generated::InvalidRequest(message) if message == INVALID_HEADER_VALUE => {
                Self::InvalidRequest {
                    parameter: "header".to_owned(),
                    rule: "header values must be visible ASCII text, without CR or LF".to_owned(),
                }
            }
            // The request hook reports broken rules as "parameter: rule".
            Generated::InvalidRequest(message) | Generated::Custom(message) => {
                match message.split_once(": ") {
                    Some((parameter, rule)) if !parameter.contains(' ') => Self::InvalidRequest {
                        parameter: parameter.to_owned(),
                        rule: rule.to_owned(),
                    },
                    _ => Self::InvalidRequest {
                        parameter: "request".to_owned(),
                        rule: message,
                    },
                }
            }
            Generated::CommunicationError(e)
            | Generated::InvalidUpgrade(e)
            | Generated::ResponseBodyError(e) => Self::no_answer(TransportError::from_reqwest(e)),
            // The hooks route every error status here, with the body kept (hooks.rs).
            Generated::UnexpectedResponse(response) => Self::from_response(response),
            // Not reached through this crate's hooks, which route every error status
            // to `UnexpectedResponse`; mapped faithfully all the same.
            Generated::ErrorResponse(value) => {
                let status = value.status();
                let correlation_id =
                    header(value.headers(), &names::CORRELATION_ID).map(str::to_owned);
                let unique_transaction_id =
                    header(value.headers(), &names::UNIQUE_TRANSACTION_ID).map(str::to_owned);
                let body = value.into_inner();
                Self::Api {
                    status,
                    raw_body: serde_json::to_vec(&body)
                        .map(Bytes::from)
                        .unwrap_or_default(),
                    body: Some(body),
                    correlation_id,
                    unique_transaction_id,
                }
            }
            // A success body that did not decode: its status and correlation id are
            // found by the body's address while it lives (hooks.rs, `registered`).
            Generated::InvalidResponsePayload(raw_body, e) => {
                let answer = crate::hooks::answer_of(&raw_body);
                Self::InvalidResponse {
                    status: answer.as_ref().map(|a| a.status),
                    reason: format!("the body is not the documented JSON: {e}"),
                    correlation_id: answer.and_then(|a| a.correlation_id),
                    raw_body,
                }
            }
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
            Self::Transport(e) => write!(f, "no answer: {}", error_chain(e)),
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
