//! The one path of a call. Every generated `send()` builds its `reqwest::Request`
//! (progenitor writes each operation's path, query, headers and body) and hands it to
//! [`send`] with the spec's operationId (openapi/README.md, normalisation 12). [`send`]
//! runs the phases of a call in order, over one [`Call`]:
//!
//! check → headers → encrypt → sign → attempts (send, classify, back off) → decrypt → decode
//!
//! Every failure of a call becomes an [`Error`] in the phase that finds it, in this
//! file or in the module that phase calls (ARCHITECTURE.md, "The life of a failure").

use std::future::Future;
use std::pin::Pin;

use progenitor_client::ResponseValue;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::auth::credentials::Credentials;
use crate::context::Settings;
use crate::error::RawBody;
use crate::rule_model::Operation;
use crate::rules::BodyCheck;
use crate::transport::{Answer, Failure};
use crate::types::ErrorResponse;
use crate::wire::{
    CLIENT_ID, CLIENT_ID_VALUE, CORRELATION_ID, JSON_UTF8, UNIQUE_TRANSACTION_ID, correlation_id,
    header,
};
use crate::{ClientContext, Error, auth, mask, mle, retry, rules, transport};

/// What a generated builder hands to [`send`]: the connection pool and the client's
/// context (the generated `Client`'s two fields rather than the client itself, so that
/// this module does not import the generated one, which imports it), the request as
/// progenitor built it, and how its body met the rules on the typed value, before it
/// was serialised.
pub(crate) struct Prepared<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) context: &'a ClientContext,
    pub(crate) request: reqwest::Request,
    pub(crate) body: BodyCheck,
}

/// The future of one call of the operation `operation_id`: `prepared`, or the error
/// that kept the builder from preparing it, through every phase, answering the
/// documented success decoded as `T`.
///
/// It is the future a generated `send()` returns, boxed: one allocation holds the whole
/// call, so the caller's future is a pointer wide, and the decoded value is moved out
/// of one future only, rather than out of each of the `async` layers that were around
/// it (BENCHMARKS.md, session 12).
pub(crate) fn send<'a, T: DeserializeOwned + 'a>(
    prepared: Result<Prepared<'a>, Error>,
    operation_id: &'static str,
) -> Pin<Box<impl Future<Output = Result<ResponseValue<T>, Error>> + 'a>> {
    // The span covers the whole call. Made here, around the one future, rather than
    // around the attempts inside it: wrapping a future moves it, and the attempts'
    // future is most of the call's (BENCHMARKS.md, session 13).
    let span = match &prepared {
        Ok(prepared) => span(operation_id, &prepared.request),
        Err(_) => tracing::Span::none(),
    };
    Box::pin(try_op(prepared, operation_id).instrument(span))
}

/// The span a call runs in; the attempts record how it ended.
fn span(operation_id: &str, request: &reqwest::Request) -> tracing::Span {
    tracing::info_span!(
        "tms_customers",
        operation_id,
        method = %request.method(),
        path = request.url().path(),
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        correlation_id = tracing::field::Empty,
        attempt = tracing::field::Empty,
    )
}

/// The phases of a call, in order.
async fn try_op<T: DeserializeOwned>(
    prepared: Result<Prepared<'_>, Error>,
    operation_id: &'static str,
) -> Result<ResponseValue<T>, Error> {
    // The request lives in this block only, so that the future keeps it once, in the
    // attempts (a variable in scope across an `.await` takes room in the future even
    // when it has been moved out: BENCHMARKS.md, session 13).
    let (call, request) = {
        let Prepared {
            http,
            context,
            mut request,
            body,
        } = prepared?;
        let call = Call::start(http, context, operation_id)?;
        call.check(&mut request, body)?;
        call.headers(&mut request);
        call.encrypt(&mut request)?;
        call.sign(&mut request)?;
        (call, request)
    };
    let answer = call.attempts(request).await?;
    let answer = call.decrypt(answer)?;
    call.decode(answer)
}

/// What every phase of one call reads: the client's settings and connection pool, and
/// the operation's entry in the rule table (looked up once). The answer, with its
/// head, body and failure, is the [`Answer`] the phases hand on.
#[derive(Clone, Copy)]
struct Call<'c> {
    settings: &'c Settings,
    http: &'c reqwest::Client,
    operation: &'static Operation,
}

impl<'c> Call<'c> {
    /// The operation's entry; an operationId the spec lacks is refused, nothing sent.
    fn start(
        http: &'c reqwest::Client,
        context: &'c ClientContext,
        operation_id: &str,
    ) -> Result<Self, Error> {
        let operation = rules::operation(operation_id).ok_or_else(|| Error::InvalidRequest {
            parameter: "operation".to_owned(),
            rule: format!("`{operation_id}` is not in the spec"),
        })?;
        Ok(Self {
            settings: &context.0,
            http,
            operation,
        })
    }

    /// check: a POST, PUT or PATCH without a body gets `{}`, as the official SDKs send
    /// it, so that there is something to digest; then the spec's rules (`rules.rs`):
    /// the parameters, and the body unless its typed check (`body`) already ran.
    fn check(&self, request: &mut reqwest::Request, body: BodyCheck) -> Result<(), Error> {
        if auth::http_signature::has_digest(request.method().as_str()) && request.body().is_none() {
            *request.body_mut() = Some(reqwest::Body::from("{}"));
        }
        rules::check_request(self.operation, request, body)?;
        Ok(())
    }

    /// headers: exactly the documented ones (the builders add none of their own:
    /// openapi/README.md, normalisation 17).
    fn headers(&self, request: &mut reqwest::Request) {
        let has_body = request.body().is_some();
        let headers = request.headers_mut();
        headers.insert(ACCEPT, JSON_UTF8);
        headers.insert(CLIENT_ID, CLIENT_ID_VALUE);
        if has_body {
            headers.insert(CONTENT_TYPE, JSON_UTF8);
        }
    }

    /// encrypt: when request MLE is on for the operation, the body becomes its
    /// wrapper (a bodiless request is left as it is); the plaintext is logged at TRACE,
    /// masked, first.
    fn encrypt(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        let mle = self.settings.mle.as_ref();
        if !mle::request_on(mle, self.operation) {
            return Ok(());
        }
        let Some(plaintext) = request.body().and_then(reqwest::Body::as_bytes) else {
            return Ok(());
        };
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(body = %mask::body(plaintext), "request body, before encryption");
        }
        let iat = auth::unix_seconds((self.settings.clock)());
        let wrapper = mle::encrypt_request(mle, self.operation, plaintext, iat)?;
        *request.body_mut() = Some(reqwest::Body::from(wrapper));
        Ok(())
    }

    /// sign: the authentication headers for now, when the client has credentials (last,
    /// so the signature covers the request exactly as it goes out), with the response
    /// key claimed when the answer is to come encrypted. Each attempt signs afresh.
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        let Some(credentials) = &self.settings.credentials else {
            return Ok(());
        };
        // Only a JWT has an id; HTTP Signature requests do not draw one.
        let token_id = match credentials {
            Credentials::HttpSignature(_) => String::new(),
            _ => (self.settings.ids)(),
        };
        let response_kid = mle::response_kid(self.settings.mle.as_ref(), self.operation);
        auth::authenticate(
            credentials,
            request,
            (self.settings.clock)(),
            &token_id,
            response_kid,
        )
    }

    /// attempts: send (`transport.rs`), classify the outcome with the one verdict
    /// (`retry::is_transient`), and back off and repeat as the retry policy allows,
    /// for requests safe to repeat. The last answer comes back whatever its status; no
    /// answer at all is the error reqwest gave.
    async fn attempts(self, mut next: reqwest::Request) -> Result<Answer, Error> {
        let span = tracing::Span::current();
        // Without a subscriber the span is disabled, and nothing reads the clock for it.
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        if tracing::enabled!(tracing::Level::TRACE)
            && let Some(bytes) = next.body().and_then(|b| b.as_bytes())
        {
            tracing::trace!(body = %mask::body(bytes), "request body");
        }
        let policy = self
            .settings
            .retry
            .as_ref()
            .filter(|_| retry::is_safe_to_repeat(&next));
        let mut delays = policy.map(|p| p.delays());
        let mut attempt = 1usize;
        // The request is not kept in the future (the copy for another attempt is boxed,
        // and made only when one may follow), nor the timer of a back-off: a call
        // without retries carries neither (BENCHMARKS.md, session 13).
        loop {
            span.record("attempt", attempt);
            let spare = policy.and_then(|_| next.try_clone()).map(Box::new);
            let sent = transport::send(self.http, next, self.settings.max_response_bytes).await;
            if let (Some(policy), Some(delays), Some(mut spare)) = (policy, delays.as_mut(), spare)
                && retry::is_transient(retry::outcome(&sent))
                && let Some(delay) = delays.next()
                && let Some(wait) = policy.wait(
                    delay,
                    sent.as_ref().ok().map(|answer| &answer.headers),
                    (self.settings.clock)(),
                )
            {
                tracing::debug!(attempt, delay_ms = wait.as_millis() as u64, "retrying");
                Box::pin(tokio::time::sleep(wait)).await;
                // A fresh signature: new date, new token id, the same response kid.
                if self.sign(&mut spare).is_ok() {
                    next = *spare;
                    attempt += 1;
                    continue;
                }
            }
            if let Some(started) = started {
                span.record("duration_ms", started.elapsed().as_millis() as u64);
            }
            let answer = sent.map_err(Error::no_answer)?;
            if !span.is_disabled() {
                span.record("status", answer.status.as_u16());
                if let Some(id) = header(&answer.headers, &CORRELATION_ID) {
                    span.record("correlation_id", id);
                }
            }
            return Ok(answer);
        }
    }

    /// decrypt: an MLE wrapper becomes its plaintext, so that everything after reads
    /// plaintext; one that does not decrypt is [`Error::Decryption`], wrapper kept.
    fn decrypt(&self, mut answer: Answer) -> Result<Answer, Error> {
        if answer.failure.is_none()
            && let Some(compact) = mle::encrypted_response(&answer.body)
        {
            match mle::decrypt_response(self.settings.mle.as_ref(), &compact) {
                Ok(plaintext) => {
                    answer
                        .headers
                        .insert(CONTENT_LENGTH, plaintext.len().into());
                    answer.body = plaintext.into();
                }
                Err(reason) => {
                    return Err(Error::Decryption {
                        status: answer.status,
                        reason,
                        correlation_id: correlation_id(&answer.headers),
                        headers: Box::new(answer.headers),
                        raw_body: answer.body.into(),
                    });
                }
            }
        }
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(body = %mask::body(&answer.body), "response body");
        }
        Ok(answer)
    }

    /// decode: a body cut short, an error status, an undocumented status and a body
    /// that is not the documented JSON each become their [`Error`], with the status,
    /// the body as received and the correlation id; a documented success is decoded
    /// once, as `T` (a documented success without a body as `null`, which is `()`).
    fn decode<T: DeserializeOwned>(&self, answer: Answer) -> Result<ResponseValue<T>, Error> {
        let Answer {
            status,
            headers,
            body,
            failure,
        } = answer;
        // Read for a failure only: a success carries it in its headers.
        let correlation_id = || correlation_id(&headers);
        match failure {
            Some(Failure::TooLarge { limit }) => {
                return Err(Error::ResponseTooLarge {
                    status,
                    limit,
                    correlation_id: correlation_id(),
                });
            }
            Some(Failure::TimedOut) => {
                return Err(Error::Timeout {
                    status: Some(status),
                    correlation_id: correlation_id(),
                });
            }
            Some(Failure::Interrupted(reason)) => {
                return Err(Error::Interrupted {
                    status,
                    correlation_id: correlation_id(),
                    reason,
                });
            }
            None => {}
        }
        if !status.is_success() {
            return Err(Error::Api {
                status,
                // Only a body with at least one error entry counts as CyberSource's.
                body: serde_json::from_slice::<ErrorResponse>(&body)
                    .ok()
                    .filter(|parsed| !parsed.errors.is_empty()),
                unique_transaction_id: header(&headers, &UNIQUE_TRANSACTION_ID).map(str::to_owned),
                raw_body: body.into(),
                correlation_id: correlation_id(),
            });
        }
        let invalid = |reason: String, body: bytes::Bytes| Error::InvalidResponse {
            status: Some(status),
            reason,
            raw_body: RawBody::from(body),
            correlation_id: correlation_id(),
        };
        let Some(documented) = self
            .operation
            .responses
            .iter()
            .find(|r| r.status == status.as_u16())
        else {
            return Err(invalid(
                format!("status {status} is not documented for this operation"),
                body,
            ));
        };
        let Some(schema) = documented.schema else {
            return match serde_json::from_slice::<T>(b"null") {
                Ok(unit) => Ok(ResponseValue::new(unit, status, headers)),
                Err(e) => Err(invalid(e.to_string(), body)),
            };
        };
        // The body is checked to be UTF-8 once, whole: `from_slice` checks each string
        // apart, which costs more (BENCHMARKS.md, session 12).
        let decoded = match std::str::from_utf8(&body) {
            Ok(text) => serde_json::from_str::<T>(text).map_err(|e| e.to_string()),
            Err(e) => Err(format!("it is not UTF-8 text ({e})")),
        };
        match decoded {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(_) if body.iter().all(u8::is_ascii_whitespace) => Err(invalid(
                format!("the body is empty; the documented {schema} is missing"),
                body,
            )),
            Err(reason) => Err(invalid(
                format!(
                    "the body is not the documented JSON: {}",
                    mask::message(&reason)
                ),
                body,
            )),
        }
    }
}
