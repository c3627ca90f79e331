//! The settings every request of a client shares: progenitor's inner type of the
//! generated [`Client`](crate::Client), read by the hooks.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::auth::credentials::Credentials;
use crate::environment::Environment;
use crate::mle::Mle;
use crate::retry::RetryPolicy;

/// Where signing takes the current time from.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
/// Where signing takes a fresh JWT id (`jti`) from.
pub type IdSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Settings every request of a [`Client`](crate::Client) shares. Immutable once the client is built,
/// and shared: cloning a client (to move it into a task) copies a pointer, not the
/// credentials.
#[derive(Clone)]
pub struct ClientContext(pub(crate) Arc<Settings>);

/// What a [`ClientContext`] shares.
pub(crate) struct Settings {
    pub(crate) environment: Environment,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) clock: Clock,
    pub(crate) ids: IdSource,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: Option<RetryPolicy>,
    /// Message-level encryption, when configured.
    pub(crate) mle: Option<Mle>,
}

impl ClientContext {
    /// The environment the client was built for.
    pub fn environment(&self) -> &Environment {
        &self.0.environment
    }

    /// The credentials requests are signed with, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.0.credentials.as_ref()
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext")
            .field("environment", &self.0.environment)
            .field("credentials", &self.0.credentials)
            .field("retry", &self.0.retry)
            .field("mle", &self.0.mle)
            .finish_non_exhaustive()
    }
}
