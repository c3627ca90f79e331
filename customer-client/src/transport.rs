//! The one way a request goes out: through the `reqwest::Client` progenitor holds
//! (timeouts, proxies from the builder or the environment, rustls), with the answer
//! read whole into memory, up to the client's limit, before any hook looks at it.

use bytes::Bytes;

use crate::extensions::WholeBody;
use crate::transport_error::{BodyFailure, chain};

/// Sends `request` and reads the answer's body whole, at most `limit` bytes of it.
///
/// `Err` is reqwest's own error when no answer arrived (nothing about it is
/// invented). An answer whose body could not be read whole keeps its status and
/// headers and carries a [`BodyFailure`]; every answer carries its [`WholeBody`].
pub(crate) async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> reqwest::Result<reqwest::Response> {
    let mut response = client.execute(request).await?;
    let (body, failure) = read_whole(&mut response, limit).await;
    let url = response.url().clone();
    let (head, _) = http::Response::from(response).into_parts();
    let mut answer = with_url(url, body.clone());
    *answer.status_mut() = head.status;
    *answer.version_mut() = head.version;
    *answer.headers_mut() = head.headers;
    answer.extensions_mut().insert(WholeBody(body));
    if let Some(failure) = failure {
        answer.extensions_mut().insert(failure);
    }
    Ok(reqwest::Response::from(answer))
}

/// Reads the body of `response`, up to `limit` bytes; a body announced as longer is
/// refused before reading. A body that arrives in one chunk is kept as it is.
/// Returns what arrived, and why it is not the whole body, if it is not.
async fn read_whole(
    response: &mut reqwest::Response,
    limit: usize,
) -> (Bytes, Option<BodyFailure>) {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return (Bytes::new(), Some(BodyFailure::TooLarge { limit }));
    }
    let mut first = Bytes::new();
    let mut joined: Vec<u8> = Vec::new();
    let failure = loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break None,
            // reqwest reports its own timeout through the body.
            Err(e) if e.is_timeout() => break Some(BodyFailure::TimedOut),
            Err(e) => break Some(BodyFailure::Interrupted(chain(&e))),
        };
        if first.len() + joined.len() + chunk.len() > limit {
            break Some(BodyFailure::TooLarge { limit });
        }
        if first.is_empty() && joined.is_empty() {
            first = chunk;
        } else {
            if joined.is_empty() {
                joined.reserve(first.len() + chunk.len());
                joined.extend_from_slice(&std::mem::take(&mut first));
            }
            joined.extend_from_slice(&chunk);
        }
    };
    let body = if joined.is_empty() {
        first
    } else {
        Bytes::from(joined)
    };
    (body, failure)
}

/// A response carrying `body` and the URL it came from (without one, reqwest would
/// parse a placeholder URL for every response).
pub(crate) fn with_url(url: reqwest::Url, body: Bytes) -> http::Response<reqwest::Body> {
    use reqwest::ResponseBuilderExt as _;
    http::Response::builder()
        .url(url)
        .body(reqwest::Body::from(body.clone()))
        // Only an extension is set, which cannot fail; still, never panic.
        .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(body)))
}
