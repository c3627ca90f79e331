//! Building a [`Client`]: environment, timeouts, one shared connection pool.

use std::time::Duration;

use crate::{Client, Environment, Error};

/// Settings every request of a [`Client`] shares. Immutable once the client is built.
#[derive(Clone, Debug)]
pub struct ClientContext {
    environment: Environment,
}

impl ClientContext {
    /// The environment the client was built for.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }
}

/// Builds a [`Client`]; start from [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// Default for the whole exchange, from connecting to the last byte of the answer.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default for establishing a connection (TCP and TLS).
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Limits the whole exchange of one request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limits connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Builds the client: one connection pool (rustls TLS), shared by every clone.
    pub fn build(self) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config {
                setting: "HTTP client".to_owned(),
                message: e.to_string(),
            })?;
        let base_url = self.environment.base_url().to_owned();
        Ok(Client::new_with_client(
            &base_url,
            http,
            ClientContext {
                environment: self.environment,
            },
        ))
    }
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
            timeout: ClientBuilder::DEFAULT_TIMEOUT,
            connect_timeout: ClientBuilder::DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// The settings shared by every request of this client.
    pub fn context(&self) -> &ClientContext {
        &self.inner
    }
}
