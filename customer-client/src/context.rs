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
    /// The environment's base URL, parsed once: every request's URL is a copy of it
    /// with the operation's path set ([`ClientContext::url`]).
    pub(crate) base_url: reqwest::Url,
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

    /// A request's URL: `path` (the operation's path, its parameters escaped by the
    /// generated builder) after the path of `baseurl`, the generated client's base URL.
    /// The same URL as parsing `baseurl` and `path` joined, without parsing the scheme
    /// and host again for every call: that base is the environment's, parsed when the
    /// client was built, unless the client came from progenitor's own constructors with
    /// another. The generated `send()` calls this (openapi/README.md, normalisation 16).
    pub(crate) fn url(&self, baseurl: &str, path: &str) -> Result<reqwest::Url, String> {
        let parsed;
        let base = if baseurl == self.0.environment.base_url() {
            &self.0.base_url
        } else {
            parsed = parse_base_url(baseurl)?;
            &parsed
        };
        let mut url = base.clone();
        match base.path().trim_end_matches('/') {
            "" => url.set_path(path),
            prefix => url.set_path(&format!("{prefix}{path}")),
        }
        Ok(url)
    }
}

/// `baseurl` parsed, when it is one requests can be made to: http or https, with a host.
pub(crate) fn parse_base_url(baseurl: &str) -> Result<reqwest::Url, String> {
    reqwest::Url::parse(baseurl)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
        .ok_or_else(|| "the client's base URL is not an absolute http or https URL".to_owned())
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
