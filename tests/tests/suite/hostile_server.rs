//! A loopback server that misbehaves on purpose, at the byte level. Every case ends in
//! a typed error that keeps the status (where one arrived) and the correlation id, or
//! in a decoded answer; none panics.

use std::time::Duration;

use customer_client::{Client, ClientBuilder, Environment, Error, ResponseExt};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ID: &str = "F2F3ADA770102B51E053A2598D0A9078";

/// What the server does after reading a request.
#[derive(Clone)]
enum Behaviour {
    /// Write these bytes, then close normally.
    Reply(Vec<u8>),
    /// Write these bytes, then reset the connection (RST).
    ReplyThenReset(Vec<u8>),
    /// Write these bytes, then keep the connection open without a word more.
    ReplyThenStall(Vec<u8>),
}

/// Serves every connection with `behaviour`; returns the base URL.
async fn hostile(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, behaviour.clone()));
        }
    });
    format!("http://{address}")
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour) {
    // Read the request head and whatever body its Content-Length announces.
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buffer[..n]);
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    match behaviour {
        Behaviour::Reply(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Behaviour::ReplyThenReset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Behaviour::ReplyThenStall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // Hold the connection until the client gives up and closes it.
            let _ = stream.read(&mut buffer).await;
        }
    }
}

fn head(status: &str, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json;charset=utf-8\r\nv-c-correlation-id: corr-hostile\r\n{extra}"
    )
}

fn client(base_url: &str) -> ClientBuilder {
    Client::builder(Environment::custom(base_url).unwrap()).timeout(Duration::from_millis(400))
}

/// The client for the hostile server at `url`, named for the assertion messages.
fn both(url: &str) -> [(&'static str, ClientBuilder); 1] {
    [("reqwest", client(url))]
}

async fn get(
    builder: ClientBuilder,
) -> Result<customer_client::ResponseValue<customer_client::types::Customer>, Error> {
    tests::calls::built_and_get(builder, ID).await
}

#[tokio::test]
async fn a_body_cut_short_keeps_status_and_correlation_id() {
    let bytes = format!(
        "{}content-length: 100\r\n\r\n{{\"id\": \"F2F3",
        head("200 OK", "")
    )
    .into_bytes();
    for behaviour in [
        Behaviour::Reply(bytes.clone()),
        Behaviour::ReplyThenReset(bytes),
    ] {
        for (way, builder) in both(&hostile(behaviour).await) {
            let error = get(builder).await.unwrap_err();
            assert!(
                matches!(error, Error::Interrupted { .. }),
                "{way}: {error:?}"
            );
            assert_eq!(error.status(), Some(StatusCode::OK), "{way}");
            assert_eq!(error.correlation_id(), Some("corr-hostile"), "{way}");
            assert!(error.is_retryable(), "{way}");
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    for (way, builder) in both(&hostile(Behaviour::ReplyThenStall(Vec::new())).await) {
        let error = get(builder).await.unwrap_err();
        assert!(
            matches!(error, Error::Timeout { status: None, .. }),
            "{way}: {error:?}"
        );
        assert!(error.is_retryable(), "{way}");
        assert!(error.to_string().contains("timed out"), "{way}: {error}");
    }
}

#[tokio::test]
async fn a_body_that_stalls_is_a_timeout_with_the_status() {
    let bytes = format!("{}content-length: 100\r\n\r\n{{\"id\":", head("200 OK", "")).into_bytes();
    for (way, builder) in both(&hostile(Behaviour::ReplyThenStall(bytes)).await) {
        let error = get(builder).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "{way}: {error:?}");
        assert_eq!(error.status(), Some(StatusCode::OK), "{way}");
        assert_eq!(error.correlation_id(), Some("corr-hostile"), "{way}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_reading_it_all() {
    let big = format!("{{\"id\": \"{}\"}}", "x".repeat(4096));
    // Announced by Content-Length, and streamed in chunks without one.
    let announced = format!(
        "{}content-length: {}\r\n\r\n{big}",
        head("200 OK", ""),
        big.len()
    );
    let chunked = format!(
        "{}transfer-encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        head("500 Internal Server Error", ""),
        big.len()
    );
    for (bytes, status) in [
        (announced, StatusCode::OK),
        (chunked, StatusCode::INTERNAL_SERVER_ERROR),
    ] {
        let url = hostile(Behaviour::Reply(bytes.into_bytes())).await;
        for (way, builder) in both(&url) {
            let error = get(builder.max_response_bytes(1024)).await.unwrap_err();
            let Error::ResponseTooLarge { limit, .. } = &error else {
                panic!("{way}: {error:?}");
            };
            assert_eq!(*limit, 1024, "{way}");
            assert_eq!(error.status(), Some(status), "{way}");
            assert_eq!(error.correlation_id(), Some("corr-hostile"), "{way}");
        }
    }
    // A length announced past the limit is refused on the head alone: a server that
    // announces 10 MB, sends a few bytes and stalls is not waited for until the timeout.
    let stalling = format!(
        "{}content-length: 10000000\r\n\r\n{{\"id\"",
        head("200 OK", "")
    );
    let url = hostile(Behaviour::ReplyThenStall(stalling.into_bytes())).await;
    // Without the check this ends in the client's timeout (400 ms) instead.
    let error = get(client(&url)).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == customer_client::ClientBuilder::DEFAULT_MAX_RESPONSE_BYTES),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(error.correlation_id(), Some("corr-hostile"));
    // The same body under the default limit decodes.
    let body = format!("{{\"id\": \"{ID}\"}}");
    let url = hostile(Behaviour::Reply(
        format!(
            "{}content-length: {}\r\n\r\n{body}",
            head("200 OK", ""),
            body.len()
        )
        .into_bytes(),
    ))
    .await;
    for (way, builder) in both(&url) {
        assert_eq!(get(builder).await.unwrap().id.as_deref(), Some(ID), "{way}");
    }
}

#[tokio::test]
async fn duplicate_and_invalid_headers_do_not_break_decoding() {
    let body = format!("{{\"id\": \"{ID}\"}}");
    let bytes = [
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".to_vec(),
        b"v-c-correlation-id: first\r\nv-c-correlation-id: second\r\n".to_vec(),
        b"etag: \"1\"\r\netag: \"2\"\r\n".to_vec(),
        b"uniqueTransactionID: \xff\xfe-not-utf8\r\n".to_vec(),
        format!("content-length: {}\r\n\r\n{body}", body.len()).into_bytes(),
    ]
    .concat();
    for (way, builder) in both(&hostile(Behaviour::Reply(bytes)).await) {
        let customer = get(builder).await.unwrap();
        assert_eq!(customer.id.as_deref(), Some(ID), "{way}");
        assert_eq!(customer.correlation_id(), Some("first"), "{way}");
        assert_eq!(customer.etag(), Some("\"1\""), "{way}");
        assert_eq!(
            customer.unique_transaction_id(),
            None,
            "{way}: not text, so not offered as text"
        );
    }
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let url = hostile(Behaviour::Reply(
        b"this is not HTTP at all\r\n\r\n".to_vec(),
    ))
    .await;
    for (way, builder) in both(&url) {
        let error = get(builder).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{way}: {error:?}");
        assert_eq!(error.status(), None, "{way}");
    }
}

#[tokio::test]
async fn an_error_status_with_a_truncated_body_keeps_the_status() {
    let bytes = format!(
        "{}content-length: 80\r\n\r\n{{\"errors\": [",
        head("503 Service Unavailable", "")
    )
    .into_bytes();
    for (way, builder) in both(&hostile(Behaviour::Reply(bytes)).await) {
        let error = get(builder).await.unwrap_err();
        assert_eq!(
            error.status(),
            Some(StatusCode::SERVICE_UNAVAILABLE),
            "{way}: {error:?}"
        );
        assert_eq!(error.correlation_id(), Some("corr-hostile"), "{way}");
        assert!(error.is_retryable(), "{way}");
    }
}
