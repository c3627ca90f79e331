//! progenitor's `ClientHooks` for the generated [`Client`]: the work every operation
//! shares, so that no operation needs hand-written code. This is the top of the
//! hand-written layer; it uses the modules below it and none of them uses it.
//!
//! - `pre`: gives a bodiless POST, PUT or PATCH the empty object the official SDKs
//!   send, checks the request against the spec's rules (`rules.rs`; nothing is sent
//!   when one is broken), puts exactly the documented headers on it, encrypts its body
//!   when request MLE is on for the operation (`mle/`), and signs what goes out
//!   (`auth/`) when the client has credentials;
//! - `exec`: sends it (`transport.rs`) and repeats it as the retry policy allows
//!   (`retry.rs`), inside the operation's span; then decrypts an encrypted answer,
//!   so that everything after it reads plaintext;
//! - `post`: hands every error status and every body that could not be read whole or
//!   decrypted to progenitor as `UnexpectedResponse`, status, headers and body intact,
//!   for [`Error`](crate::Error) (`progenitor_error.rs`). A documented success body is
//!   decoded next, once, by `exchange::decoded`, which the generated methods call.

use progenitor_client::{ClientHooks, ClientInfo as _, Error as GeneratedError, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use tracing::Instrument as _;

use crate::auth::credentials::Credentials;
use crate::exchange::{self, Exchange, Failure, Head};
use crate::progenitor_error::encode;
use crate::rule_model::Operation;
use crate::wire::{API_VERSION, CLIENT_ID, CLIENT_ID_VALUE, JSON_UTF8};
use crate::{Client, ClientContext, Error, auth, mask, mle, retry, rules, transport};

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), GeneratedError<E>> {
        // The one lookup of the call: `exec` and `post` are handed the entry.
        let (index, operation) = rules::entry(info.operation_id).ok_or_else(|| {
            encode(Error::InvalidRequest {
                parameter: "operation".to_owned(),
                rule: format!("`{}` is not in the spec", info.operation_id),
            })
        })?;
        fill_empty_body(request);
        rules::check_request(operation, request).map_err(|v| encode(v.into()))?;
        let has_body = request.body().is_some();
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(ACCEPT, JSON_UTF8);
        headers.insert(CLIENT_ID, CLIENT_ID_VALUE);
        if has_body {
            headers.insert(CONTENT_TYPE, JSON_UTF8);
        }
        let mle = self.inner.0.mle.as_ref();
        if mle::request_on(mle, operation) {
            self.encrypt(request, operation).map_err(encode)?;
        }
        // Last, so the signature covers the request exactly as it goes out.
        self.sign(request, mle::response_kid(mle, operation))
            .map_err(encode)?;
        hand_on(request, index);
        Ok(())
    }

    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let operation = handed_on(&mut request);
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
        Box::pin(self.attempts(request, operation).instrument(span)).await
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), GeneratedError<E>> {
        // No answer: progenitor reports reqwest's error itself, with no status.
        let Ok(response) = result else {
            return Ok(());
        };
        let status = response.status();
        let exchange = Exchange::of(response);
        if !status.is_success() || exchange.failure.is_some() {
            return Err(GeneratedError::UnexpectedResponse(exchange::response(
                Head::of(response),
                exchange,
            )));
        }
        // A documented success body is decoded next, once, by `exchange::decoded`.
        Ok(())
    }
}

impl Client {
    /// Replaces the request's body by its MLE wrapper (a bodiless request is left
    /// as it is); the plaintext is logged at TRACE, masked, before it is encrypted.
    fn encrypt(&self, request: &mut reqwest::Request, operation: &Operation) -> Result<(), Error> {
        let settings = &self.inner.0;
        let Some(plaintext) = request.body().and_then(reqwest::Body::as_bytes) else {
            return Ok(());
        };
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(body = %mask::body(plaintext), "request body, before encryption");
        }
        let iat = auth::unix_seconds((settings.clock)());
        let wrapper = mle::encrypt_request(settings.mle.as_ref(), operation, plaintext, iat)?;
        *request.body_mut() = Some(reqwest::Body::from(wrapper));
        Ok(())
    }

    /// Adds the authentication headers for now, when the client has credentials,
    /// with `response_kid` claimed when the answer is to come encrypted.
    fn sign(
        &self,
        request: &mut reqwest::Request,
        response_kid: Option<&str>,
    ) -> Result<(), Error> {
        let settings = &self.inner.0;
        let Some(credentials) = &settings.credentials else {
            return Ok(());
        };
        // Only a JWT has an id; HTTP Signature requests do not draw one.
        let token_id = match credentials {
            Credentials::HttpSignature(_) => String::new(),
            _ => (settings.ids)(),
        };
        auth::authenticate(
            credentials,
            request,
            (settings.clock)(),
            &token_id,
            response_kid,
        )
    }

    /// Sends `request`, and repeats it as the retry policy allows; inside the
    /// operation's span, which records the outcome.
    async fn attempts(
        &self,
        request: reqwest::Request,
        operation: Option<&'static Operation>,
    ) -> reqwest::Result<reqwest::Response> {
        let settings = &self.inner.0;
        let span = tracing::Span::current();
        // Without a subscriber the span is disabled, and nothing reads the clock for it.
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        if tracing::enabled!(tracing::Level::TRACE)
            && let Some(bytes) = request.body().and_then(|b| b.as_bytes())
        {
            tracing::trace!(body = %mask::body(bytes), "request body");
        }
        let policy = settings
            .retry
            .as_ref()
            .filter(|_| retry::is_safe_to_repeat(&request));
        let mut delays = policy.map(|p| p.delays());
        let mut attempt = 1usize;
        let mut next = request;
        loop {
            span.record("attempt", attempt);
            let spare = policy.and_then(|_| next.try_clone());
            let outcome = transport::send(self.client(), next, settings.max_response_bytes).await;
            if let (Some(policy), Some(delays), Some(mut spare)) = (policy, delays.as_mut(), spare)
                && retry::is_transient(retry::outcome(&outcome))
                && let Some(delay) = delays.next()
                && let Some(wait) = policy.wait(
                    delay,
                    outcome.as_ref().ok().map(reqwest::Response::headers),
                    (settings.clock)(),
                )
            {
                tracing::debug!(attempt, delay_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
                // A fresh signature: new date, new token id, the same response kid.
                let response_kid = operation
                    .and_then(|operation| mle::response_kid(settings.mle.as_ref(), operation));
                if self.sign(&mut spare, response_kid).is_ok() {
                    next = spare;
                    attempt += 1;
                    continue;
                }
            }
            if let Some(started) = started {
                span.record("duration_ms", started.elapsed().as_millis() as u64);
            }
            let outcome = outcome.map(|response| {
                let mut response = self.decrypt(response);
                if let Some(exchange) = response.extensions_mut().get_mut::<Exchange>() {
                    exchange.operation = operation;
                }
                response
            });
            if let Ok(response) = &outcome {
                span.record("status", response.status().as_u16());
                if let Some(id) =
                    crate::wire::header(response.headers(), &crate::wire::CORRELATION_ID)
                {
                    span.record("correlation_id", id);
                }
                if tracing::enabled!(tracing::Level::TRACE) {
                    tracing::trace!(body = %mask::body(&Exchange::of(response).body), "response body");
                }
            }
            return outcome;
        }
    }
}

impl Client {
    /// The answer with its body decrypted, when it is an MLE wrapper; else as it is.
    /// A wrapper that does not decrypt stays, marked with why, for `post`.
    fn decrypt(&self, response: reqwest::Response) -> reqwest::Response {
        let exchange = Exchange::of(&response);
        if exchange.failure.is_some() {
            return response;
        }
        let Some(compact) = mle::encrypted_response(&exchange.body) else {
            return response;
        };
        let mut head = Head::taken_from(response);
        match mle::decrypt_response(self.inner.0.mle.as_ref(), &compact) {
            Ok(plaintext) => {
                head.headers
                    .insert(reqwest::header::CONTENT_LENGTH, plaintext.len().into());
                exchange::response(
                    head,
                    Exchange {
                        body: plaintext.into(),
                        failure: None,
                        ..exchange
                    },
                )
            }
            Err(reason) => exchange::response(
                head,
                Exchange {
                    failure: Some(Failure::Undecryptable(reason)),
                    ..exchange
                },
            ),
        }
    }
}

/// Hands the call's operation (its place in the rule table) from `pre` to `exec`: progenitor
/// gives each hook only the operation's name, and a `reqwest::Request` carries no
/// extensions, so it travels as the URL's fragment, which no request sends and no
/// signature covers; `exec` takes it off before sending.
fn hand_on(request: &mut reqwest::Request, index: usize) {
    request.url_mut().set_fragment(Some(&index.to_string()));
}

/// The operation `pre` handed on, taken off the request.
fn handed_on(request: &mut reqwest::Request) -> Option<&'static Operation> {
    let index = request.url().fragment()?.parse().ok();
    request.url_mut().set_fragment(None);
    rules::operation_at(index?)
}

/// A POST, PUT or PATCH without a body is sent as `{}`, as the official SDKs send it,
/// so that there is something to digest. (Every operation of the spec has a body
/// today; this keeps a future one that has none signed the way CyberSource expects.)
fn fill_empty_body(request: &mut reqwest::Request) {
    if auth::http_signature::has_digest(request.method().as_str()) && request.body().is_none() {
        *request.body_mut() = Some(reqwest::Body::from("{}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operation `pre` looked up reaches `exec`, and the request goes out without
    /// the fragment that carried it.
    #[test]
    fn the_operation_is_handed_on_and_taken_off() {
        let url = reqwest::Url::parse("http://x/tms/v2/customers/A?x=1").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
        let (index, operation) = rules::entry("getCustomer").unwrap();
        hand_on(&mut request, index);
        let handed = handed_on(&mut request).unwrap();
        assert!(std::ptr::eq(handed, operation));
        assert_eq!(request.url(), &url);
        assert!(handed_on(&mut request).is_none(), "taken off once");
    }

    #[test]
    fn a_write_without_a_body_is_sent_as_an_empty_object() {
        let url = reqwest::Url::parse("http://x/tms/v2/customers").unwrap();
        for (method, expected) in [
            (reqwest::Method::POST, Some(&b"{}"[..])),
            (reqwest::Method::PATCH, Some(&b"{}"[..])),
            (reqwest::Method::GET, None),
            (reqwest::Method::DELETE, None),
        ] {
            let mut request = reqwest::Request::new(method.clone(), url.clone());
            fill_empty_body(&mut request);
            assert_eq!(
                request.body().and_then(|b| b.as_bytes()),
                expected,
                "{method}"
            );
        }
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        *request.body_mut() = Some(reqwest::Body::from("{\"a\":1}"));
        fill_empty_body(&mut request);
        assert_eq!(
            request.body().and_then(|b| b.as_bytes()),
            Some(&b"{\"a\":1}"[..]),
            "a body is left as it is"
        );
    }
}
