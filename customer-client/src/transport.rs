//! The one way a request goes out: through the `reqwest::Client` progenitor holds
//! (timeouts, proxies from the builder or the environment, rustls), with the answer
//! read whole into memory, up to the client's limit, as one [`Answer`]. What can go
//! wrong once an answer has begun to arrive is named here ([`Failure`]); `call.rs`
//! turns it into [`Error`](crate::Error).

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::transport_error::chain;

/// An answer as it arrived: its head, its whole body (or what arrived of it), and why
/// it is not whole, when it is not.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub failure: Option<Failure>,
}

/// Why an answer that arrived cannot be used as it is (its status and headers stand).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The body is longer than the client's limit (announced or counted); reading
    /// stopped there.
    TooLarge { limit: usize },
    /// The client's timeout struck while the body was arriving.
    TimedOut,
    /// The connection failed while the body was arriving: the causes, on one line.
    Interrupted(String),
}

/// Sends `request` and reads the answer's body whole, at most `limit` bytes of it.
///
/// `Err` is reqwest's own error when no answer arrived (nothing about it is
/// invented). An answer whose body could not be read whole carries its [`Failure`].
///
/// The request is handed to reqwest when this is called (so it must be called in a
/// task, where reqwest's timer can start); the future holds reqwest's handle on it
/// rather than the request, and is smaller for it (BENCHMARKS.md, session 13).
pub(crate) fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> impl Future<Output = reqwest::Result<Answer>> {
    answer(client.execute(request), limit)
}

/// The answer `pending` (reqwest's future of a sent request) brings, its body read
/// whole up to `limit`.
async fn answer(
    pending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    limit: usize,
) -> reqwest::Result<Answer> {
    let mut response = pending.await?;
    let (body, failure) = read_whole(&mut response, limit).await;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    Ok(Answer {
        status,
        headers,
        body,
        failure,
    })
}

/// Reads the body of `response`, up to `limit` bytes; a body announced as longer is
/// refused before reading. A body that arrives in one chunk is kept as it is.
/// Returns what arrived, and why it is not the whole body, if it is not.
async fn read_whole(response: &mut reqwest::Response, limit: usize) -> (Bytes, Option<Failure>) {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return (Bytes::new(), Some(Failure::TooLarge { limit }));
    }
    let mut first = Bytes::new();
    let mut joined: Vec<u8> = Vec::new();
    let failure = loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break None,
            // reqwest reports its own timeout through the body.
            Err(e) if e.is_timeout() => break Some(Failure::TimedOut),
            Err(e) => break Some(Failure::Interrupted(chain(&e))),
        };
        if first.len() + joined.len() + chunk.len() > limit {
            break Some(Failure::TooLarge { limit });
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
