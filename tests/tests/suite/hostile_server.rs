//! A loopback server that misbehaves on purpose, at the byte level. Every case ends in
//! a typed error that keeps the status (where one arrived) and the correlation id, or
//! in a decoded answer; none panics.

use std::time::Duration;

use customer_client::{ClientBuilder, Error, ResponseExt};
use reqwest::StatusCode;
use tests::hostile::{Behaviour, hostile};

const ID: &str = "F2F3ADA770102B51E053A2598D0A9078";

fn head(status: &str, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json;charset=utf-8\r\nv-c-correlation-id: corr-hostile\r\n{extra}"
    )
}

fn client(base_url: &str) -> ClientBuilder {
    tests::builder_for(base_url).timeout(Duration::from_millis(400))
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
        {
            let builder = client(&hostile(behaviour).await.url);
            let error = get(builder).await.unwrap_err();
            assert!(matches!(error, Error::Interrupted { .. }), "{error:?}");
            assert_eq!(error.status(), Some(StatusCode::OK));
            assert_eq!(error.correlation_id(), Some("corr-hostile"));
            assert!(error.is_retryable());
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    {
        let builder = client(&hostile(Behaviour::ReplyThenStall(Vec::new())).await.url);
        let error = get(builder).await.unwrap_err();
        assert!(
            matches!(error, Error::Timeout { status: None, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable());
        assert!(error.is_outcome_unknown(), "sent, and no answer came");
        assert!(error.to_string().contains("timed out"), "{error}");
    }
}

#[tokio::test]
async fn a_body_that_stalls_is_a_timeout_with_the_status() {
    let bytes = format!("{}content-length: 100\r\n\r\n{{\"id\":", head("200 OK", "")).into_bytes();
    {
        let builder = client(&hostile(Behaviour::ReplyThenStall(bytes)).await.url);
        let error = get(builder).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert!(
            !error.is_outcome_unknown(),
            "the status says it was answered"
        );
        assert_eq!(error.correlation_id(), Some("corr-hostile"));
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
        let url = hostile(Behaviour::Reply(bytes.into_bytes())).await.url;
        {
            let builder = client(&url);
            let error = get(builder.max_response_bytes(1024)).await.unwrap_err();
            let Error::ResponseTooLarge { limit, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(*limit, 1024);
            assert_eq!(error.status(), Some(status));
            assert_eq!(error.correlation_id(), Some("corr-hostile"));
        }
    }
    // A length announced past the limit is refused on the head alone: a server that
    // announces 10 MB, sends a few bytes and stalls is not waited for until the timeout.
    let stalling = format!(
        "{}content-length: 10000000\r\n\r\n{{\"id\"",
        head("200 OK", "")
    );
    let url = hostile(Behaviour::ReplyThenStall(stalling.into_bytes()))
        .await
        .url;
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
    .await
    .url;
    {
        let builder = client(&url);
        assert_eq!(get(builder).await.unwrap().id.as_deref(), Some(ID));
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
    {
        let builder = client(&hostile(Behaviour::Reply(bytes)).await.url);
        let customer = get(builder).await.unwrap();
        assert_eq!(customer.id.as_deref(), Some(ID));
        assert_eq!(customer.correlation_id(), Some("first"));
        assert_eq!(customer.etag(), Some("\"1\""));
        assert_eq!(
            customer.unique_transaction_id(),
            None,
            "not text, so not offered as text"
        );
    }
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let url = hostile(Behaviour::Reply(
        b"this is not HTTP at all\r\n\r\n".to_vec(),
    ))
    .await
    .url;
    {
        let builder = client(&url);
        let error = get(builder).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_eq!(error.status(), None);
    }
}

#[tokio::test]
async fn an_error_status_with_a_truncated_body_keeps_the_status() {
    let bytes = format!(
        "{}content-length: 80\r\n\r\n{{\"errors\": [",
        head("503 Service Unavailable", "")
    )
    .into_bytes();
    {
        let builder = client(&hostile(Behaviour::Reply(bytes)).await.url);
        let error = get(builder).await.unwrap_err();
        assert_eq!(
            error.status(),
            Some(StatusCode::SERVICE_UNAVAILABLE),
            "{error:?}"
        );
        assert_eq!(error.correlation_id(), Some("corr-hostile"));
        assert!(error.is_retryable());
    }
}

/// The limit is inclusive: a body of exactly `max_response_bytes` is read, one byte more
/// is refused; with the length announced and without (chunked, counted as it arrives).
#[tokio::test]
async fn the_response_limit_is_inclusive_at_its_edge() {
    let limit = 64;
    for announced in [true, false] {
        for size in [limit - 1, limit, limit + 1] {
            // `{"id": "…"}` padded with spaces to `size` bytes.
            let json = format!("{{\"id\": \"{ID}\"}}");
            let body = format!("{json}{}", " ".repeat(size - json.len()));
            let framing = if announced {
                format!("content-length: {size}\r\n\r\n{body}")
            } else {
                format!("transfer-encoding: chunked\r\n\r\n{size:x}\r\n{body}\r\n0\r\n\r\n")
            };
            let bytes = format!("{}{framing}", head("200 OK", "")).into_bytes();
            let url = hostile(Behaviour::Reply(bytes)).await.url;
            let result = get(client(&url).max_response_bytes(limit)).await;
            let case = format!("{size} bytes, announced: {announced}");
            if size <= limit {
                assert_eq!(result.unwrap().id.as_deref(), Some(ID), "{case}");
            } else {
                let error = result.unwrap_err();
                assert!(
                    matches!(error, Error::ResponseTooLarge { limit: l, .. } if l == limit),
                    "{case}: {error:?}"
                );
            }
        }
    }
}
