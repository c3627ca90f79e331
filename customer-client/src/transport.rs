//! How a request reaches CyberSource and its answer comes back whole.
//!
//! progenitor builds each request as a `reqwest::Request` and hands it to the `exec`
//! hook (`hooks.rs`), which sends it one of two ways:
//!
//! - **directly through hyper** (the default): hyper-util's pooled client with rustls
//!   (the operating system's trust store, HTTP/2 by ALPN), the same connection
//!   settings reqwest uses, and the client's timeouts. reqwest's own request path
//!   (its service stack, header copies, boxed bodies and timers) cost about 30 % of a
//!   loopback round trip against raw hyper, more than this crate's whole budget
//!   (BENCHMARKS.md); this path spends only what the exchange needs.
//! - **through reqwest** when a proxy applies to the base URL, set with
//!   [`ClientBuilder::proxy`](crate::ClientBuilder::proxy) or in the environment
//!   (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, read as reqwest reads them),
//!   because reqwest handles proxies (CONNECT tunnels, credentials) and hyper does not.
//!
//! Either way the answer is read whole, up to the client's limit, before the hooks
//! see it, and a failure to get one becomes a [`TransportError`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::BodyExt as _;
use hyper_util::client::legacy::connect::HttpConnector;

use crate::error::TransportError;
use crate::hooks::BodyFailure;

type Connector = ConnectTimeout<hyper_rustls::HttpsConnector<HttpConnector>>;

/// hyper-util's pooled client, sending reqwest's request bodies as they are.
pub(crate) type DirectClient = hyper_util::client::legacy::Client<Connector, reqwest::Body>;

/// The way a client's requests go out; chosen when the client is built.
#[derive(Clone)]
pub(crate) enum Transport {
    /// hyper directly (no proxy applies). Shared: clones of a client share its pool.
    Direct(Arc<DirectClient>),
    /// The `reqwest::Client` progenitor holds, which applies the proxy.
    Reqwest,
}

impl Transport {
    /// The transport for `base_url`: reqwest when `proxy` is set or the environment
    /// names a proxy for it, hyper otherwise.
    pub(crate) fn for_base_url(
        base_url: &str,
        explicit_proxy: bool,
        connect_timeout: Duration,
        tls: rustls::ClientConfig,
    ) -> Result<Self, String> {
        let from_env = hyper_util::client::proxy::matcher::Matcher::from_env();
        if explicit_proxy || proxied(base_url, &from_env)? {
            return Ok(Self::Reqwest);
        }
        Ok(Self::Direct(Arc::new(direct_client(connect_timeout, tls))))
    }

    /// Which way requests go, for Debug output.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Direct(_) => "hyper",
            Self::Reqwest => "reqwest (proxy)",
        }
    }
}

/// Whether `proxies` (reqwest's reading of the environment) send `base_url` through a
/// proxy.
fn proxied(
    base_url: &str,
    proxies: &hyper_util::client::proxy::matcher::Matcher,
) -> Result<bool, String> {
    let uri: Uri = base_url
        .parse()
        .map_err(|e| format!("base URL `{base_url}`: {e}"))?;
    Ok(proxies.intercept(&uri).is_some())
}

/// rustls as reqwest configures it: the process's crypto provider (aws-lc-rs unless
/// the application installed another), the safe protocol versions, and the operating
/// system's certificate verifier, trusting `extra_roots` (DER) as well.
pub(crate) fn tls_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, String> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let roots = extra_roots
        .iter()
        .map(|der| rustls::pki_types::CertificateDer::from(der.clone()));
    #[cfg(not(target_os = "android"))]
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|e| e.to_string())?;
    #[cfg(target_os = "android")]
    let verifier = match roots.len() {
        0 => {
            rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| e.to_string())?
        }
        _ => return Err("extra root certificates are not supported on Android".to_owned()),
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous() // Not dangerous: the platform's verifier, as `with_platform_verifier` sets it.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// hyper-util's client configured as reqwest configures its own (TCP no-delay and
/// keep-alive, 90 s idle pool, HTTP/1.1 and HTTP/2 by ALPN, `tls`), with a connect
/// timeout that covers TCP and TLS.
fn direct_client(connect_timeout: Duration, tls: rustls::ClientConfig) -> DirectClient {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_keepalive(Some(Duration::from_secs(15)));
    http.set_keepalive_interval(Some(Duration::from_secs(15)));
    http.set_keepalive_retries(Some(3));
    http.set_connect_timeout(Some(connect_timeout));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    let mut builder =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new());
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .pool_timer(hyper_util::rt::TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90));
    builder.build(ConnectTimeout {
        inner: https,
        timeout: connect_timeout,
    })
}

/// An answer read whole (or as far as it could be), or no answer.
pub(crate) enum Exchange {
    /// The status and headers arrived; the body is whole unless `failure` says why not.
    Answered(Answer),
    /// No answer arrived.
    Failed(TransportError),
}

/// What arrived of an answer.
pub(crate) struct Answer {
    pub head: http::response::Parts,
    pub body: Body,
    pub failure: Option<BodyFailure>,
}

/// A body read into memory: one chunk as it arrived (not copied), or the chunks joined.
pub(crate) enum Body {
    Chunk(Bytes),
    Joined(Vec<u8>),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Self::Chunk(bytes) => bytes,
            Self::Joined(bytes) => bytes,
        }
    }
}

impl From<Body> for Bytes {
    fn from(body: Body) -> Self {
        match body {
            Body::Chunk(bytes) => bytes,
            Body::Joined(bytes) => Bytes::from(bytes),
        }
    }
}

/// Sends `request` directly and reads the answer, all within `timeout`; reads at most
/// `limit` bytes of body.
pub(crate) async fn send_direct(
    client: &DirectClient,
    request: reqwest::Request,
    timeout: Duration,
    limit: usize,
) -> Exchange {
    let request = match http::Request::<reqwest::Body>::try_from(request) {
        Ok(request) => request,
        Err(e) => return Exchange::Failed(TransportError::from_reqwest(e)),
    };
    // Filled in as the answer arrives, so a timeout keeps what had come.
    let mut head = None;
    let mut body = Body::Joined(Vec::new());
    let exchange = async {
        let response = client.request(request).await?;
        let (parts, incoming) = response.into_parts();
        head = Some(parts);
        Ok::<_, hyper_util::client::legacy::Error>(read_body(incoming, limit, &mut body).await)
    };
    let outcome = tokio::time::timeout(timeout, exchange).await;
    match (outcome, head) {
        (Ok(Ok(failure)), Some(head)) => Exchange::Answered(Answer {
            head,
            body,
            failure,
        }),
        (Ok(Err(e)), _) => Exchange::Failed(TransportError::from_hyper(e)),
        (Err(_elapsed), Some(head)) => Exchange::Answered(Answer {
            head,
            body,
            failure: Some(BodyFailure::TimedOut),
        }),
        (Err(_elapsed), None) => Exchange::Failed(TransportError::timed_out()),
        // An answer is only ever complete after its head arrived.
        (Ok(Ok(_)), None) => Exchange::Failed(TransportError::timed_out()),
    }
}

/// Sends `request` through reqwest (the proxy path) and reads the answer; reqwest
/// applies the timeouts.
pub(crate) async fn send_via_reqwest(
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> Exchange {
    let response = match client.execute(request).await {
        Ok(response) => response,
        Err(e) => return Exchange::Failed(TransportError::from_reqwest(e)),
    };
    let (head, incoming) = http::Response::<reqwest::Body>::from(response).into_parts();
    let mut body = Body::Joined(Vec::new());
    let failure = read_body(incoming, limit, &mut body).await;
    Exchange::Answered(Answer {
        head,
        body,
        failure,
    })
}

/// Reads `incoming` into `body`, up to `limit` bytes; a body announced as longer is
/// refused before reading. A single chunk is kept as it arrived, without a copy.
/// Returns why the body is not whole, if it is not.
async fn read_body<B>(mut incoming: B, limit: usize, body: &mut Body) -> Option<BodyFailure>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: std::error::Error + 'static,
{
    let declared = incoming.size_hint().exact();
    if declared.is_some_and(|length| length > limit as u64) {
        return Some(BodyFailure::TooLarge { limit });
    }
    let mut length = 0usize;
    while let Some(frame) = incoming.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            // reqwest reports its own timeout through the body.
            Err(e) if is_reqwest_timeout(&e) => return Some(BodyFailure::TimedOut),
            Err(e) => return Some(BodyFailure::Interrupted(crate::hooks::error_chain(&e))),
        };
        // Trailers carry nothing the client reads; an empty frame (HTTP/2 often
        // ends a body with one) would only force a copy of the first chunk.
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        if chunk.is_empty() {
            continue;
        }
        length += chunk.len();
        if length > limit {
            return Some(BodyFailure::TooLarge { limit });
        }
        *body = match std::mem::replace(body, Body::Joined(Vec::new())) {
            Body::Joined(joined) if joined.is_empty() => Body::Chunk(chunk),
            Body::Chunk(first) => {
                let mut joined = Vec::with_capacity(
                    declared
                        .map_or(0, |d| d as usize)
                        .max(first.len() + chunk.len()),
                );
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
                Body::Joined(joined)
            }
            Body::Joined(mut joined) => {
                joined.extend_from_slice(&chunk);
                Body::Joined(joined)
            }
        };
    }
    None
}

fn is_reqwest_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<reqwest::Error>()
        .is_some_and(reqwest::Error::is_timeout)
}

/// A connector that gives up after `timeout`: TCP and TLS together, as reqwest's
/// `connect_timeout` does (hyper-util's own covers TCP only).
#[derive(Clone)]
pub(crate) struct ConnectTimeout<C> {
    inner: C,
    timeout: Duration,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<C> tower_service::Service<Uri> for ConnectTimeout<C>
where
    C: tower_service::Service<Uri> + Send + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connecting (TCP and TLS) timed out",
                )) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use hyper_util::client::proxy::matcher::Matcher;

    use super::proxied;

    #[test]
    fn a_proxy_named_for_the_scheme_applies_unless_no_proxy_excludes_the_host() {
        let https = Matcher::builder()
            .https("http://proxy.internal:3128")
            .build();
        assert!(proxied("https://apitest.cybersource.com", &https).unwrap());
        assert!(!proxied("http://127.0.0.1:8080", &https).unwrap());
        let all_but_local = Matcher::builder()
            .all("http://proxy.internal:3128")
            .no("127.0.0.1,.cybersource.com")
            .build();
        assert!(proxied("http://localhost:8080", &all_but_local).unwrap());
        assert!(!proxied("http://127.0.0.1:8080", &all_but_local).unwrap());
        assert!(!proxied("https://api.cybersource.com", &all_but_local).unwrap());
        assert!(!proxied("https://api.cybersource.com", &Matcher::builder().build()).unwrap());
    }
}
