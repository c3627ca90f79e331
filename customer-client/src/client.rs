//! Building a [`Client`]: environment, credentials, retries, and the settings of the
//! one `reqwest::Client` every request goes through (timeouts, proxy, trusted roots).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::auth::credentials::Credentials;
use crate::context::{ClientContext, Clock, IdSource, Settings};
use crate::environment::Environment;
use crate::error::Error;
use crate::generated::Client;
use crate::mle::MleOptions;
#[cfg(feature = "mle")]
use crate::mle::{MleOperation, Source};
use crate::retry::RetryPolicy;

/// Builds a [`Client`]; start from [`Client::builder`] or [`ClientBuilder::from_env`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) environment: Environment,
    pub(crate) credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    clock: Clock,
    ids: IdSource,
    max_response_bytes: usize,
    retry: Option<RetryPolicy>,
    proxy: Option<String>,
    extra_roots: Vec<Vec<u8>>,
    pub(crate) mle: MleOptions,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            // A proxy URL may carry credentials.
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("mle", &self.mle)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Default for the whole exchange, from connecting to the last byte of the answer.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default for establishing a connection (TCP and TLS).
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default limit on an answer's body: far above the largest customer (a few KiB).
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

    /// Repeats failed requests that are safe to repeat, as `policy` says (off by
    /// default). See [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Reads at most `bytes` of an answer's body; a longer one is
    /// [`Error::ResponseTooLarge`] (default 1 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Signs every request with `credentials`. Without credentials nothing is signed,
    /// which only a mock or a signing proxy accepts.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Replaces the clock used for `Date` and JWT `iat` (for tests).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the source of JWT ids, `jti` (for tests; the default is a random UUID).
    pub fn id_source(mut self, ids: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.ids = Arc::new(ids);
        self
    }

    /// Limits the whole exchange of one request, from connecting to the last byte of
    /// the answer (default 30 s); exceeding it is [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limits connecting, TCP and TLS (default 10 s); exceeding it is [`Error::Timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends every request through the HTTP(S) proxy at `url` (for example
    /// `http://user:password@proxy.internal:3128`). Without this, the proxy the
    /// environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, minus `NO_PROXY`)
    /// is used, if any.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Trusts the certificate authority `der` (a DER-encoded certificate) besides the
    /// operating system's, e.g. the private CA of a TLS-inspecting proxy or a test
    /// server.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Encrypts the request body of every operation whose request MLE the spec marks
    /// optional (off by default). Needs JWT credentials, and CyberSource's certificate:
    /// [`mle_request_certificate`](Self::mle_request_certificate), or with P12
    /// credentials the one in the merchant's P12. Per operation:
    /// [`mle_operation`](Self::mle_operation).
    #[cfg(feature = "mle")]
    pub fn mle_request(mut self, on: bool) -> Self {
        self.mle.request_optional = on;
        self
    }

    /// CyberSource's MLE certificate (PEM, one or more certificates), read when the
    /// client is built; the one whose subject CN is the key alias is used.
    #[cfg(feature = "mle")]
    pub fn mle_request_certificate(mut self, certificate: impl Into<Source>) -> Self {
        self.mle.request_certificate = Some(certificate.into());
        self
    }

    /// The subject CN of CyberSource's MLE certificate, in the PEM file or the P12
    /// (default [`DEFAULT_REQUEST_KEY_ALIAS`](crate::mle::DEFAULT_REQUEST_KEY_ALIAS)).
    #[cfg(feature = "mle")]
    pub fn mle_request_key_alias(mut self, alias: impl Into<String>) -> Self {
        self.mle.request_key_alias = Some(alias.into());
        self
    }

    /// The merchant's private key for encrypted answers (PEM, encrypted PEM with
    /// `password`, or P12 with `password`), read when the client is built. Turns
    /// response MLE on for every operation; [`mle_operation`](Self::mle_operation)
    /// turns it off for one. Needs JWT credentials, and
    /// [`mle_response_kid`](Self::mle_response_kid) unless the key is a
    /// CyberSource-generated P12.
    #[cfg(feature = "mle")]
    pub fn mle_response_key(mut self, key: impl Into<Source>, password: Option<&str>) -> Self {
        self.mle.response_key = Some(key.into());
        self.mle.response_key_password = password.map(str::to_owned);
        self
    }

    /// The key id CyberSource knows the response key by, sent as the JWT claim
    /// `v-c-response-mle-kid`.
    #[cfg(feature = "mle")]
    pub fn mle_response_kid(mut self, kid: impl Into<String>) -> Self {
        self.mle.response_kid = Some(kid.into());
        self
    }

    /// What `operation_id` (the spec's, e.g. `postCustomer`) encrypts, whatever the
    /// switches say: both directions, on or off. Checked when the client is built.
    #[cfg(feature = "mle")]
    pub fn mle_operation(mut self, operation_id: &str, mode: MleOperation) -> Self {
        self.mle.operations.retain(|(id, _)| id != operation_id);
        self.mle.operations.push((operation_id.to_owned(), mode));
        self
    }

    /// Builds the client: one `reqwest::Client` (rustls with ring, the operating
    /// system's trust store, HTTP/2 by ALPN), whose connection pool every clone shares.
    pub fn build(self) -> Result<Client, Error> {
        let config = |setting: &str, message: &str| Error::Config {
            setting: setting.to_owned(),
            message: message.to_owned(),
        };
        let tls =
            crate::tls::config(&self.extra_roots).map_err(|message| config("TLS", &message))?;
        let mut http = reqwest::Client::builder()
            .user_agent(crate::wire::USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .tls_backend_preconfigured(tls);
        if let Some(proxy) = &self.proxy {
            // reqwest's message would repeat the URL, which may hold a password.
            let proxy = reqwest::Proxy::all(proxy).map_err(|_| {
                config(
                    "proxy",
                    "not a valid proxy URL (http://[user:password@]host:port)",
                )
            })?;
            http = http.proxy(proxy);
        }
        let http = http.build().map_err(|e| {
            // Only the builder's setting problems come here (TLS roots, proxy); the
            // proxy's URL was checked above, so its text cannot reach the message.
            config("HTTP client", &crate::transport_error::chain(&e))
        })?;
        let mle = crate::mle::resolve(&self.mle, self.credentials.as_ref(), (self.clock)())?;
        let base_url = self.environment.base_url().to_owned();
        // `Environment::custom` checked its URL; a `Custom` made directly was not.
        let parsed_base_url = crate::context::parse_base_url(&base_url)
            .map_err(|message| config("base URL", &message))?;
        Ok(Client::new_with_client(
            &base_url,
            http,
            ClientContext(Arc::new(Settings {
                environment: self.environment,
                base_url: parsed_base_url,
                credentials: self.credentials,
                clock: self.clock,
                ids: self.ids,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                mle,
            })),
        ))
    }
}

/// A random (version 4) UUID for a JWT's `jti`, from the operating system's generator
/// (reseeded across fork and snapshot restore, so no id repeats; see BENCHMARKS.md).
fn random_token_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Client {
    /// Starts building a client for `environment`.
    ///
    /// ```
    /// use customer_client::{Client, Environment};
    /// let client = Client::builder(Environment::Sandbox).build()?;
    /// # Ok::<(), customer_client::Error>(())
    /// ```
    pub fn builder(environment: Environment) -> ClientBuilder {
        ClientBuilder {
            environment,
            credentials: None,
            timeout: ClientBuilder::DEFAULT_TIMEOUT,
            connect_timeout: ClientBuilder::DEFAULT_CONNECT_TIMEOUT,
            clock: Arc::new(SystemTime::now),
            ids: Arc::new(random_token_id),
            max_response_bytes: ClientBuilder::DEFAULT_MAX_RESPONSE_BYTES,
            retry: None,
            proxy: None,
            extra_roots: Vec::new(),
            mle: MleOptions::default(),
        }
    }

    /// The settings shared by every request of this client.
    pub fn context(&self) -> &ClientContext {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::SystemTime;

    use crate::context::Settings;
    use crate::{Client, Environment, Error};

    // `ClientContext::url` (context.rs), tried through built clients.

    /// What reqwest made of progenitor's text before: the base and the path joined,
    /// parsed whole.
    fn parsed_whole(base: &str, path: &str) -> reqwest::Url {
        reqwest::Url::parse(&format!("{base}{path}")).unwrap()
    }

    #[test]
    fn a_url_is_the_path_set_on_the_base_as_if_parsed_whole() {
        let paths = [
            "/tms/v2/customers",
            "/tms/v2/customers/F2F3ADA770102B51E053A2598D0A9078/payment-instruments",
            // Escaped by the generated builder: kept as they are.
            "/tms/v2/customers/a%2Fb%3Fc%23d%25",
            "/tms/v2/customers/%C3%A9t%C3%A9",
            // What the builder's escaping leaves: dots, spaces and non-ASCII in the raw.
            "/tms/v2/customers/./x/../y",
            "/tms/v2/customers/a b/é",
        ];
        let bases = [
            Environment::Sandbox,
            Environment::custom("http://127.0.0.1:4010").unwrap(),
            Environment::custom("https://proxy.example/cs/").unwrap(),
            Environment::custom("http://[::1]:8080/a/b").unwrap(),
        ];
        for environment in bases {
            let base = environment.base_url().to_owned();
            let client = Client::builder(environment).build().unwrap();
            for path in paths {
                let url = client.context().url(&base, path).unwrap();
                assert_eq!(url, parsed_whole(&base, path), "{base} + {path}");
                assert_eq!(url.as_str(), parsed_whole(&base, path).as_str());
            }
        }
    }

    /// progenitor's own constructors take any base URL with a context: that base is
    /// parsed, not the environment's.
    #[test]
    fn a_base_url_other_than_the_environments_is_the_one_used() {
        let client = Client::builder(Environment::Sandbox).build().unwrap();
        let context = client.context();
        let url = context
            .url("http://127.0.0.1:9/stem", "/tms/v2/customers/x")
            .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/stem/tms/v2/customers/x");
        for bad in [
            "",
            "not a url",
            "ftp://x",
            "mailto:someone@example.com",
            "/relative",
        ] {
            assert_eq!(
                context.url(bad, "/tms/v2/customers").unwrap_err(),
                "the client's base URL is not an absolute http or https URL",
                "{bad:?}"
            );
        }
    }

    /// The environment's base URL is the one parsed when the client was built, not
    /// parsed again: a context whose parsed base differs from its environment's text
    /// (which `build` never makes) shows which one a URL is made from.
    #[test]
    fn the_environments_base_url_is_not_parsed_again() {
        let context = crate::ClientContext(Arc::new(Settings {
            environment: Environment::custom("http://127.0.0.1:1").unwrap(),
            base_url: reqwest::Url::parse("http://127.0.0.2:2/parsed").unwrap(),
            credentials: None,
            clock: Arc::new(SystemTime::now),
            ids: Arc::new(String::new),
            max_response_bytes: 1,
            retry: None,
            mle: None,
        }));
        let url = context
            .url("http://127.0.0.1:1", "/tms/v2/customers")
            .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.2:2/parsed/tms/v2/customers");
    }

    /// An `Environment::Custom` made without `Environment::custom` is checked when the
    /// client is built, not on its first call.
    #[test]
    fn a_custom_environment_that_is_no_url_is_refused_by_build() {
        let error = Client::builder(Environment::Custom("no url".to_owned()))
            .build()
            .unwrap_err();
        assert!(
            matches!(&error, Error::Config { setting, message }
                if setting == "base URL"
                    && message == "the client's base URL is not an absolute http or https URL"),
            "{error:?}"
        );
    }
}
