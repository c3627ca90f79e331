//! Where requests go: CyberSource's hosts, or any base URL.

use crate::Error;

/// The CyberSource environment (base URL) a [`Client`](crate::Client) talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// The test environment, `https://apitest.cybersource.com`.
    Sandbox,
    /// Production, `https://api.cybersource.com`.
    Production,
    /// Production in India, `https://api.in.cybersource.com`.
    India,
    /// Any other base URL: a mock, a proxy, a local test server.
    /// Build it with [`Environment::custom`], which checks it.
    Custom(String),
}

impl Environment {
    /// Base URL of the sandbox.
    pub const SANDBOX_URL: &'static str = "https://apitest.cybersource.com";
    /// Base URL of production.
    pub const PRODUCTION_URL: &'static str = "https://api.cybersource.com";
    /// Base URL of production in India.
    pub const INDIA_URL: &'static str = "https://api.in.cybersource.com";

    /// A custom base URL such as `http://127.0.0.1:4010` or `https://proxy.example/cybersource`.
    ///
    /// It must be an absolute `http` or `https` URL with a host and without query or
    /// fragment; a trailing `/` is dropped so paths join cleanly.
    pub fn custom(base_url: &str) -> Result<Self, Error> {
        let invalid = |why: &str| Error::Config {
            setting: "base URL".to_owned(),
            message: format!("`{base_url}` {why}"),
        };
        let url =
            reqwest::Url::parse(base_url).map_err(|e| invalid(&format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("must use http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not have a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not carry credentials"));
        }
        Ok(Self::Custom(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The base URL that operation paths are appended to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Sandbox => Self::SANDBOX_URL,
            Self::Production => Self::PRODUCTION_URL,
            Self::India => Self::INDIA_URL,
            Self::Custom(url) => url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_urls_are_checked() {
        assert_eq!(
            Environment::custom("http://127.0.0.1:4010/")
                .unwrap()
                .base_url(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            Environment::custom("https://proxy.example/cs/")
                .unwrap()
                .base_url(),
            "https://proxy.example/cs"
        );
        for bad in [
            "",
            "127.0.0.1:80",
            "ftp://x",
            "http://x/?q=1",
            "http://u:p@x",
            "http://x/#f",
        ] {
            let err = Environment::custom(bad).unwrap_err();
            assert!(err.to_string().contains("base URL"), "{bad}: {err}");
        }
    }
}
