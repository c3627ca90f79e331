//! progenitor's `ClientHooks` for the generated [`Client`]: the cross-cutting work of
//! every operation, so that no operation needs hand-written code.
//!
//! - `pre`: checks the request against the spec's rules (nothing is sent when one
//!   is broken), puts exactly the documented headers on it, and signs it
//!   (`auth/`) when the client has credentials;
//! - `exec`: sends it (`transport.rs`), reads the whole answer into memory, and
//!   repeats it as the retry policy allows; registers a success
//!   body so that, if progenitor cannot decode it, the error still finds its status
//!   and correlation id (progenitor reports only the bytes);
//! - `post`: hands every error status, every body that could not be read whole, and
//!   every empty success body to [`Error`](crate::Error) with status, headers and
//!   body intact.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error as GeneratedError, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};

use tracing::Instrument as _;

use crate::error::TransportError;
use crate::transport::{self, Exchange, Transport};
use crate::{Client, ClientContext, rules};

/// The media type CustomerApi.md documents for `Accept` and `Content-Type`.
pub(crate) const JSON_UTF8: HeaderValue = HeaderValue::from_static(crate::JSON_MEDIA_TYPE);

/// Identifies this crate to CyberSource, as the official SDKs do with their own name.
const CLIENT_ID: HeaderName = HeaderName::from_static("v-c-client-id");
const CLIENT_ID_VALUE: HeaderValue = HeaderValue::from_static(crate::USER_AGENT);

/// progenitor adds `api-version` to every request; CyberSource does not document it.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The whole body of an answer, kept on the response for [`Error`](crate::Error).
#[derive(Clone)]
pub(crate) struct BufferedBody(pub Bytes);

/// Why a success body did not decode, kept on the response for [`Error`](crate::Error).
#[derive(Clone)]
pub(crate) struct DecodeFailure(pub String);

/// Why the body of an answer could not be read whole, kept on the response.
#[derive(Clone, Debug)]
pub(crate) enum BodyFailure {
    /// Longer than the client's limit; reading stopped there.
    TooLarge { limit: usize },
    /// The configured timeout struck while the body was arriving.
    TimedOut,
    /// The connection failed while the body was arriving.
    Interrupted(String),
}

/// No answer arrived: kept on a placeholder response (progenitor's `exec` can only
/// return reqwest's errors, which cannot be made outside reqwest), turned into
/// [`Error::Transport`](crate::Error::Transport) or a timeout by `post`.
#[derive(Clone)]
pub(crate) struct NoAnswer(pub TransportError);

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), GeneratedError<E>> {
        let operation = rules::operation(info.operation_id).ok_or_else(|| {
            GeneratedError::Custom(format!(
                "operation: `{}` is not in the spec",
                info.operation_id
            ))
        })?;
        rules::check_request(operation, request)
            .map_err(|violation| GeneratedError::InvalidRequest(violation.to_string()))?;

        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(ACCEPT, JSON_UTF8);
        headers.insert(CLIENT_ID, CLIENT_ID_VALUE);
        // reqwest adds it as a default header; the direct transport does not.
        headers.insert(USER_AGENT, CLIENT_ID_VALUE);
        if request.body().is_some() {
            request.headers_mut().insert(CONTENT_TYPE, JSON_UTF8);
        }
        // Last, so the signature covers the request exactly as it goes out.
        self.sign(request)
            .map_err(|e| GeneratedError::Custom(format!("authentication: {e}")))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "tms_customers",
            operation_id = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            correlation_id = tracing::field::Empty,
            attempt = tracing::field::Empty,
        );
        // Boxed: the exchange is most of the state of a call, and an unboxed future
        // this size is copied whole each time a caller moves it (into a task, a
        // timeout, a span).
        Ok(Box::pin(self.attempts(request).instrument(span)).await)
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), GeneratedError<E>> {
        let Ok(response) = result else {
            return Ok(());
        };
        let status = response.status();
        let body = buffered_body(response);
        let extensions = response.extensions();
        if !status.is_success()
            || extensions.get::<BodyFailure>().is_some()
            || extensions.get::<NoAnswer>().is_some()
        {
            return Err(GeneratedError::UnexpectedResponse(copy(
                response, body, None,
            )));
        }
        // progenitor decodes the body next, once. An empty body cannot be told apart
        // after that (progenitor hands back shared empty bytes), so it is caught here;
        // any other body that fails to decode is matched to its status through
        // `answer_of` (see `registered`), without decoding twice.
        let documented = rules::operation(info.operation_id)
            .and_then(|op| op.responses.iter().find(|r| r.status == status.as_u16()));
        if let Some(schema) = documented.and_then(|r| r.schema)
            && body.iter().all(u8::is_ascii_whitespace)
        {
            let failure = DecodeFailure(format!(
                "the body is empty; the documented {schema} is missing"
            ));
            return Err(GeneratedError::UnexpectedResponse(copy(
                response,
                body,
                Some(failure),
            )));
        }
        Ok(())
    }
}

impl Client {
    /// Adds the authentication headers for now, when the client has credentials.
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String> {
        match &self.inner.0.credentials {
            Some(credentials) => {
                let now = (self.inner.0.clock)();
                // Only a JWT has an id; HTTP Signature requests do not draw one.
                let token_id = match credentials {
                    crate::Credentials::HttpSignature(_) => String::new(),
                    _ => (self.inner.0.ids)(),
                };
                crate::auth::authenticate(credentials, request, now, &token_id)
            }
            None => Ok(()),
        }
    }

    /// Sends `request` once and reads the answer whole; no answer is a placeholder
    /// response carrying [`NoAnswer`].
    async fn send(&self, request: reqwest::Request) -> reqwest::Response {
        let settings = &self.inner.0;
        let url = request.url().clone();
        let limit = settings.max_response_bytes;
        let exchange = match &settings.transport {
            Transport::Direct(client) => {
                transport::send_direct(client, request, settings.timeout, limit).await
            }
            Transport::Reqwest => transport::send_via_reqwest(self.client(), request, limit).await,
        };
        match exchange {
            Exchange::Answered(answer) => assemble(url, answer),
            Exchange::Failed(error) => no_answer(url, error),
        }
    }

    /// Sends `request`, and repeats it as the retry policy allows; inside the
    /// operation's span, which records the outcome.
    async fn attempts(&self, request: reqwest::Request) -> reqwest::Response {
        let span = tracing::Span::current();
        let started = std::time::Instant::now();
        if tracing::enabled!(tracing::Level::TRACE)
            && let Some(bytes) = request.body().and_then(|b| b.as_bytes())
        {
            tracing::trace!(body = %crate::mask::body(bytes), "request body");
        }
        let policy = self
            .inner
            .0
            .retry
            .as_ref()
            .filter(|_| crate::retry::is_safe_to_repeat(&request));
        let mut delays = policy.map(|p| p.delays());
        let mut attempt = 1usize;
        let mut next = request;
        loop {
            span.record("attempt", attempt);
            let spare = delays.as_ref().and_then(|_| next.try_clone());
            let result = self.send(next).await;
            if let (Some(delays), Some(policy), Some(mut spare)) = (delays.as_mut(), policy, spare)
                && crate::retry::should_retry(&result)
                && let Some(mut delay) = delays.next()
            {
                let asked = crate::retry::retry_after(&result, (self.inner.0.clock)());
                // A server asking for more than the whole budget gets its answer back.
                if asked.is_none_or(|asked| asked <= policy.max_total_delay) {
                    delay = delay.max(asked.unwrap_or_default());
                    tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    // A fresh signature: new date, new token id.
                    if self.sign(&mut spare).is_ok() {
                        next = spare;
                        attempt += 1;
                        continue;
                    }
                }
            }
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if result.extensions().get::<NoAnswer>().is_none() {
                span.record("status", result.status().as_u16());
                if let Some(id) = crate::response::header(
                    result.headers(),
                    &crate::response::names::CORRELATION_ID,
                ) {
                    span.record("correlation_id", id);
                }
                if tracing::enabled!(tracing::Level::TRACE) {
                    tracing::trace!(body = %crate::mask::body(&buffered_body(&result)), "response body");
                }
            }
            return result;
        }
    }
}

/// The response progenitor and the hooks see: the answer's status and headers, its
/// whole body (registered when it is a success, see `registered`), and its URL.
fn assemble(url: reqwest::Url, answer: transport::Answer) -> reqwest::Response {
    let transport::Answer {
        head,
        body,
        failure,
    } = answer;
    let status = head.status;
    let body = if status.is_success() && failure.is_none() {
        registered(
            body,
            Answer {
                status,
                correlation_id: crate::response::header(
                    &head.headers,
                    &crate::response::names::CORRELATION_ID,
                )
                .map(str::to_owned),
            },
        )
    } else {
        Bytes::from(body)
    };
    let mut response = with_url(url, body.clone());
    *response.status_mut() = status;
    *response.version_mut() = head.version;
    *response.headers_mut() = head.headers;
    response.extensions_mut().insert(BufferedBody(body));
    if let Some(failure) = failure {
        response.extensions_mut().insert(failure);
    }
    reqwest::Response::from(response)
}

/// The placeholder response for an exchange that got no answer (see [`NoAnswer`]).
pub(crate) fn no_answer(url: reqwest::Url, error: TransportError) -> reqwest::Response {
    let mut response = with_url(url, Bytes::new());
    // Never seen by callers: `post` turns every `NoAnswer` into an error first.
    *response.status_mut() = reqwest::StatusCode::BAD_GATEWAY;
    response.extensions_mut().insert(NoAnswer(error));
    reqwest::Response::from(response)
}

/// The status and correlation id of a success answer, for an error about its body.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub status: reqwest::StatusCode,
    pub correlation_id: Option<String>,
}

/// Success answers whose body is still in memory, by the address of that body.
///
/// progenitor decodes a success body itself and, when that fails, reports only the
/// bytes (`InvalidResponsePayload`), not the status or headers. Rather than decode
/// every body twice (once in `post` to catch failures with their status, once in
/// progenitor), each success body is registered here while it lives; the error
/// conversion looks the bytes up by address. An entry is removed when its body's
/// memory is freed, so an address always names the answer that owns it.
static ANSWERS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<usize, Answer>>> =
    std::sync::LazyLock::new(Default::default);

fn answers() -> std::sync::MutexGuard<'static, std::collections::HashMap<usize, Answer>> {
    // The map stays consistent even if a holder panicked: every operation is one call.
    ANSWERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Owns a registered body; unregisters it when the last `Bytes` of it is dropped.
struct RegisteredBody(transport::Body);

impl AsRef<[u8]> for RegisteredBody {
    fn as_ref(&self) -> &[u8] {
        self.0.as_ref()
    }
}

impl Drop for RegisteredBody {
    fn drop(&mut self) {
        answers().remove(&(self.0.as_ref().as_ptr() as usize));
    }
}

/// The body as `Bytes`, registered with its answer (empty bodies have no address of
/// their own and are not registered; `post` handles them).
fn registered(body: transport::Body, answer: Answer) -> Bytes {
    if body.as_ref().is_empty() {
        return Bytes::new();
    }
    answers().insert(body.as_ref().as_ptr() as usize, answer);
    Bytes::from_owner(RegisteredBody(body))
}

/// The answer whose body `bytes` is, while that body is alive.
pub(crate) fn answer_of(bytes: &Bytes) -> Option<Answer> {
    if bytes.is_empty() {
        return None;
    }
    answers().get(&(bytes.as_ptr() as usize)).cloned()
}

/// An error with its causes, on one line.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn buffered_body(response: &reqwest::Response) -> Bytes {
    response
        .extensions()
        .get::<BufferedBody>()
        .map(|b| b.0.clone())
        .unwrap_or_default()
}

/// A response carrying `body` and the URL it came from (without one, reqwest would
/// parse a placeholder URL for every response).
fn with_url(url: reqwest::Url, body: Bytes) -> http::Response<reqwest::Body> {
    use reqwest::ResponseBuilderExt as _;
    http::Response::builder()
        .url(url)
        .body(reqwest::Body::from(body.clone()))
        // Only an extension is set, which cannot fail; still, never panic.
        .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(body)))
}

/// A fresh response with the same status, headers and (buffered) body.
fn copy(
    response: &reqwest::Response,
    body: Bytes,
    failure: Option<DecodeFailure>,
) -> reqwest::Response {
    let mut copy = with_url(response.url().clone(), body.clone());
    *copy.status_mut() = response.status();
    *copy.version_mut() = response.version();
    *copy.headers_mut() = response.headers().clone();
    copy.extensions_mut().insert(BufferedBody(body));
    if let Some(failure) = failure {
        copy.extensions_mut().insert(failure);
    }
    if let Some(failure) = response.extensions().get::<BodyFailure>() {
        copy.extensions_mut().insert(failure.clone());
    }
    if let Some(no_answer) = response.extensions().get::<NoAnswer>() {
        copy.extensions_mut().insert(no_answer.clone());
    }
    reqwest::Response::from(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_body_is_found_while_it_lives_and_forgotten_after() {
        let answer = Answer {
            status: reqwest::StatusCode::CREATED,
            correlation_id: Some("corr-1".into()),
        };
        let body = registered(transport::Body::Joined(b"{\"id\": 5}".to_vec()), answer);
        let shared = body.clone();
        let found = answer_of(&shared).expect("registered while alive");
        assert_eq!(found.status, reqwest::StatusCode::CREATED);
        assert_eq!(found.correlation_id.as_deref(), Some("corr-1"));
        // Equal bytes elsewhere are another body.
        assert!(answer_of(&Bytes::from_static(b"{\"id\": 5}")).is_none());
        let address = body.as_ptr() as usize;
        drop((body, shared));
        assert!(!answers().contains_key(&address), "unregistered when freed");
        assert!(registered(transport::Body::Joined(Vec::new()), found.clone()).is_empty());
        // A chunk kept as it arrived is registered by its own address.
        let chunk = Bytes::from_static(b"{\"id\": 6}");
        let body = registered(transport::Body::Chunk(chunk.clone()), found);
        assert_eq!(body.as_ptr(), chunk.as_ptr(), "not copied");
        assert!(answer_of(&body).is_some());
    }
}
