//! The one transport (reqwest): a request through a proxy carries the same headers as
//! one sent straight; a request that gets no answer fails with no status, through
//! this crate's `Error` and through progenitor's; the timeouts cover what they
//! promise; TLS trusts what it is told to and nothing else.

use std::time::{Duration, SystemTime};

use customer_client::{Client, Environment, Error, types};
use tests::calls::{built_and_get, signing_builder};
use tests::scripted::{answer, scripted};

const ID: &str = "F2F3ADA770102B51E053A2598D0A9078";

fn fixed_clock() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000)
}

/// The request head's lines: the request line, then the header lines sorted (their
/// order is not part of the contract), names lowercased.
fn lines(head: &str) -> (String, Vec<String>) {
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut headers: Vec<String> = lines
        .map(|line| match line.split_once(':') {
            Some((name, value)) => format!("{}:{}", name.to_ascii_lowercase(), value),
            None => line.to_owned(),
        })
        .collect();
    headers.sort();
    (request_line, headers)
}

#[tokio::test]
async fn the_direct_and_the_proxied_request_carry_the_same_headers() {
    let body = format!("{{\"id\": \"{ID}\"}}");
    let server = scripted(vec![answer("200 OK", "", &body)]).await;
    // Same clock, same token ids: the signatures must be byte-identical too.
    let direct = signing_builder(&server.url)
        .clock(fixed_clock)
        .build()
        .unwrap();
    let proxied = signing_builder(&server.url)
        .clock(fixed_clock)
        .proxy(&server.url)
        .build()
        .unwrap();
    for client in [&direct, &proxied] {
        let customer = client.get_customer().customer_id(ID).send().await.unwrap();
        assert_eq!(customer.id.as_deref(), Some(ID));
        let created = client
            .post_customer()
            .body(types::Customer::builder().buyer_information(
                types::BuyerInformation::builder().email("test@cybs.com".to_owned()),
            ))
            .send()
            .await;
        // The scripted answer is a 200, which create does not document: an error,
        // but only after the request went out.
        assert!(created.is_err());
    }
    let heads = server.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 4, "{heads:#?}");
    for (direct, proxied) in [(&heads[0], &heads[2]), (&heads[1], &heads[3])] {
        let (direct_line, direct_headers) = lines(direct);
        let (proxied_line, proxied_headers) = lines(proxied);
        assert_eq!(direct_headers, proxied_headers, "{direct}\n---\n{proxied}");
        // Through a proxy the target is the absolute URL of the same path.
        let (method, rest) = direct_line.split_once(' ').unwrap();
        assert_eq!(
            proxied_line,
            format!("{method} {}{rest}", server.url),
            "{direct_line}"
        );
        assert!(
            direct_headers
                .iter()
                .any(|h| h.starts_with("authorization: Bearer ")),
            "signed: {direct_headers:?}"
        );
        assert!(
            direct_headers
                .iter()
                .any(|h| h == &format!("user-agent: {}", customer_client::USER_AGENT)),
            "{direct_headers:?}"
        );
    }
}

/// A port nobody listens on: bound, then released.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// Where no answer can come from: a refused port, straight and through a proxy, and a
/// host name that cannot resolve (`.invalid` is reserved for that, RFC 6761).
fn unanswered() -> Vec<(&'static str, customer_client::ClientBuilder)> {
    let refused = refused_url();
    vec![
        ("refused", tests::builder_for(&refused)),
        (
            "refused proxy",
            tests::builder_for("http://tms.test").proxy(&refused),
        ),
        (
            "unresolvable",
            tests::builder_for("http://tms-customers.invalid"),
        ),
    ]
}

#[tokio::test]
async fn no_answer_is_a_retryable_connect_error_with_no_status() {
    for (way, builder) in unanswered() {
        let error = built_and_get(builder, ID).await.unwrap_err();
        let Error::Transport(cause) = &error else {
            panic!("{way}: {error:?}");
        };
        assert!(cause.is_connect(), "{way}: {cause:?}");
        assert!(!cause.is_timeout(), "{way}: {cause:?}");
        assert!(error.is_retryable(), "{way}");
        assert!(!error.is_outcome_unknown(), "{way}: never sent");
        assert_eq!(error.status(), None, "{way}");
        assert_eq!(error.to_string(), "no answer", "{way}");
        // Each layer says its part once; reqwest's error is behind this crate's.
        let source = std::error::Error::source(&error).expect("a cause");
        assert_eq!(source.to_string(), "could not connect", "{way}");
        let reqwest = std::error::Error::source(source).expect("reqwest's error");
        assert!(reqwest.downcast_ref::<reqwest::Error>().is_some(), "{way}");
    }
}

#[tokio::test]
async fn no_answer_through_the_generated_send_is_this_crate_s_transport_error() {
    for (way, builder) in unanswered() {
        let client = builder.build().unwrap();
        // `send()` answers `customer_client::Error` itself: no conversion.
        let error: Error = client
            .get_customer()
            .customer_id(ID)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status(), None, "{way}: {error:?}");
        let Error::Transport(cause) = &error else {
            panic!("{way}: not a transport error: {error:?}");
        };
        assert!(cause.is_connect(), "{way}: {cause:?}");
    }
}

#[tokio::test]
async fn the_connect_timeout_covers_the_tls_handshake() {
    // Accepts TCP, then never says a word of TLS.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let (held, mut released) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = held.send(stream);
        }
    });
    let started = std::time::Instant::now();
    let builder = tests::builder_for(&url)
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(120));
    let error = built_and_get(builder, ID).await.unwrap_err();
    // Nothing was sent: a connect timeout is a failed connection, not an unknown outcome.
    let Error::Transport(cause) = &error else {
        panic!("{error:?}");
    };
    assert!(cause.is_connect() && cause.is_timeout(), "{cause:?}");
    assert_eq!(cause.to_string(), "could not connect: timed out");
    assert!(!error.is_outcome_unknown());
    assert!(error.is_retryable());
    // The connect timeout struck, not the 120 s one.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert!(released.try_recv().is_ok(), "TCP was accepted");
}

#[test]
fn a_proxy_url_stays_out_of_debug_output_and_errors() {
    let builder =
        Client::builder(Environment::Sandbox).proxy("http://user:s3cret@proxy.internal:3128");
    assert!(!format!("{builder:?}").contains("s3cret"), "{builder:?}");
    let error = Client::builder(Environment::Sandbox)
        .proxy("ftp://user:s3cret@[proxy")
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config { setting, .. } if setting == "proxy"),
        "{error:?}"
    );
    assert!(
        !format!("{error} {error:?}").contains("s3cret"),
        "{error:?}"
    );
}

/// A TLS server on 127.0.0.1 with the fixture certificate (`tests/fixtures/tls/`:
/// a test CA and a server certificate for 127.0.0.1 it signed, valid until 2126),
/// offering `alpn`, answering every request with a customer. Returns its base URL and
/// the HTTP versions of the requests it served.
async fn tls_server(
    alpn: &[&[u8]],
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<http::Version>>>) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let certificate = rustls::pki_types::CertificateDer::from(
        std::fs::read(tests::fixture_path("tls/server.der")).unwrap(),
    );
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
        std::fs::read(tests::fixture_path("tls/server.key.der"))
            .unwrap()
            .into(),
    );
    let mut config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certificate], key)
    .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let versions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = versions.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                    seen.lock().unwrap().push(request.version());
                    async move {
                        let body = format!("{{\"id\": \"{ID}\"}}");
                        hyper::Response::builder()
                            .header("content-type", "application/json;charset=utf-8")
                            .header("v-c-correlation-id", "corr-tls")
                            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    }
                });
                let io = TokioIo::new(tls);
                let _ = if h2 {
                    hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, service)
                        .await
                } else {
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await
                };
            });
        }
    });
    (url, versions)
}

fn test_ca() -> Vec<u8> {
    std::fs::read(tests::fixture_path("tls/ca.der")).unwrap()
}

#[tokio::test]
async fn tls_goes_to_http2_when_offered_and_http1_otherwise() {
    for (alpn, expected) in [
        (&[&b"h2"[..], b"http/1.1"][..], http::Version::HTTP_2),
        (&[&b"http/1.1"[..]][..], http::Version::HTTP_11),
    ] {
        let (url, versions) = tls_server(alpn).await;
        let builder = tests::builder_for(&url).add_root_certificate(test_ca());
        let customer = built_and_get(builder, ID).await.unwrap();
        assert_eq!(customer.id.as_deref(), Some(ID));
        assert_eq!(
            customer_client::ResponseExt::correlation_id(&customer),
            Some("corr-tls")
        );
        assert_eq!(*versions.lock().unwrap(), vec![expected]);
    }
}

#[tokio::test]
async fn a_certificate_the_client_does_not_trust_is_refused() {
    let (url, versions) = tls_server(&[b"http/1.1"]).await;
    // Not the test CA: only the operating system's roots, which never signed it.
    let error = built_and_get(tests::builder_for(&url), ID)
        .await
        .unwrap_err();
    let Error::Transport(cause) = &error else {
        panic!("{error:?}");
    };
    assert!(cause.is_connect(), "{cause:?}");
    assert!(
        format!("{cause:?}").contains("certificate"),
        "names the certificate problem: {cause:?}"
    );
    assert!(versions.lock().unwrap().is_empty(), "nothing was served");
    // A certificate that is not DER is a configuration error, not a silent no-op.
    let error = Client::builder(Environment::Sandbox)
        .add_root_certificate(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}
