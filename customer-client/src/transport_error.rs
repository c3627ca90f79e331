//! No answer at all ([`TransportError`]): what can go wrong before an answer's head
//! arrives. (An answer whose body could not be read whole is `transport::Failure`.)

use std::fmt;
use std::sync::Arc;

/// Why no answer arrived: connecting, TLS, sending the request or reading the
/// answer's head failed. No status exists; [`source`](std::error::Error::source) is
/// reqwest's error, with its own causes behind it.
#[derive(Clone)]
pub struct TransportError(Arc<reqwest::Error>);

impl TransportError {
    /// Whether connecting (DNS, TCP, TLS, or the connect timeout) failed, so the request
    /// never reached a server: always safe to retry. Otherwise the request may have been
    /// sent ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)).
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }

    /// Whether a timeout struck.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(error: reqwest::Error) -> Self {
        Self(Arc::new(error))
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_connect() && self.is_timeout() {
            "could not connect: timed out"
        } else if self.is_connect() {
            "could not connect"
        } else if self.is_timeout() {
            "timed out before the answer's head"
        } else {
            "the exchange failed before the answer's head"
        })
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("connect", &self.is_connect())
            .field("timeout", &self.is_timeout())
            .field("cause", &chain(&*self.0))
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// An error with its causes, on one line (for Debug output and a cut-short body's
/// reason, which outlive the error itself).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
