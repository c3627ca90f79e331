//! progenitor's error type, both ways.
//!
//! The hooks can only fail with progenitor's `Error<E>`, and the variants a hook can
//! make carry a `String`. This module is the one place that writes this crate's
//! request failures (rule violations, signing and configuration problems) into that
//! string and reads them back, so they stay typed from where they arise to [`Error`];
//! and it turns each of progenitor's other variants into [`Error`] with nothing lost.

use bytes::Bytes;
use progenitor_client::Error as GeneratedError;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::exchange::{Exchange, Failure};
use crate::transport_error::TransportError;
use crate::types::ErrorResponse;
use crate::wire::{UNIQUE_TRANSACTION_ID, correlation_id, header};

/// A failure of the `pre` hook, as it travels inside progenitor's `Custom(String)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Encoded {
    InvalidRequest { parameter: String, rule: String },
    Config { setting: String, message: String },
}

/// progenitor's error for a failure of the `pre` hook: nothing was sent.
pub(crate) fn encode<E>(error: Error) -> GeneratedError<E> {
    let encoded = match error {
        Error::InvalidRequest { parameter, rule } => Encoded::InvalidRequest { parameter, rule },
        Error::Config { setting, message } => Encoded::Config { setting, message },
        // `pre` fails only before sending; anything else would be a bug, kept as text.
        other => Encoded::Config {
            setting: "request".to_owned(),
            message: other.to_string(),
        },
    };
    // Serialising two strings cannot fail.
    GeneratedError::Custom(serde_json::to_string(&encoded).unwrap_or_default())
}

/// The failure `encode` wrote into `text`, or `None` for text it did not write.
fn decode(text: &str) -> Option<Error> {
    Some(match serde_json::from_str::<Encoded>(text).ok()? {
        Encoded::InvalidRequest { parameter, rule } => Error::InvalidRequest { parameter, rule },
        Encoded::Config { setting, message } => Error::Config { setting, message },
    })
}

/// Whether progenitor's `InvalidRequest` text is its report of a header value that
/// `http` refuses (CR, LF, other control characters). progenitor passes on only the
/// text of `http`'s error, so it is compared with that error's own text, made here,
/// rather than with a copy of its wording.
fn is_invalid_header_value(text: &str) -> bool {
    http::HeaderValue::from_bytes(b"\n").is_err_and(|e| e.to_string() == text)
}

impl From<GeneratedError<ErrorResponse>> for Error {
    fn from(error: GeneratedError<ErrorResponse>) -> Self {
        match error {
            GeneratedError::Custom(text) => decode(&text).unwrap_or(Self::InvalidRequest {
                parameter: "request".to_owned(),
                rule: text,
            }),
            GeneratedError::InvalidRequest(text) if is_invalid_header_value(&text) => {
                Self::InvalidRequest {
                    parameter: "header".to_owned(),
                    rule: "header values must be visible ASCII text, without CR or LF".to_owned(),
                }
            }
            // progenitor's own checks: a missing required parameter or body.
            GeneratedError::InvalidRequest(text) => Self::InvalidRequest {
                parameter: "request".to_owned(),
                rule: text,
            },
            // No answer arrived: no status, only reqwest's error.
            GeneratedError::CommunicationError(e)
            | GeneratedError::InvalidUpgrade(e)
            | GeneratedError::ResponseBodyError(e) => no_answer(e),
            // The hooks route every error status, cut-short body and undecodable
            // success body here, with the whole body kept (hooks.rs).
            GeneratedError::UnexpectedResponse(response) => from_response(&response),
            // Not reached through this crate's hooks, which route every error status
            // to `UnexpectedResponse`; mapped faithfully all the same.
            GeneratedError::ErrorResponse(value) => {
                let status = value.status();
                let correlation_id = correlation_id(value.headers());
                let unique_transaction_id =
                    header(value.headers(), &UNIQUE_TRANSACTION_ID).map(str::to_owned);
                let body = value.into_inner();
                Self::Api {
                    status,
                    raw_body: serde_json::to_vec(&body)
                        .map(Bytes::from)
                        .unwrap_or_default()
                        .into(),
                    body: Some(body),
                    correlation_id,
                    unique_transaction_id,
                }
            }
            // The `post` hook decodes every documented success body first and routes
            // a failure to `UnexpectedResponse` with its status; this is reached only
            // for a body that changed in between, and says so rather than invent one.
            GeneratedError::InvalidResponsePayload(raw_body, e) => Self::InvalidResponse {
                status: None,
                reason: format!(
                    "the body is not the documented JSON: {}",
                    crate::mask::message(&e.to_string())
                ),
                correlation_id: None,
                raw_body: raw_body.into(),
            },
        }
    }
}

/// A timeout once connected is [`Error::Timeout`] (the request may have been sent);
/// anything else, a connect timeout included, is transport.
fn no_answer(error: reqwest::Error) -> Error {
    if error.is_timeout() && !error.is_connect() {
        Error::Timeout {
            status: None,
            correlation_id: None,
        }
    } else {
        Error::Transport(TransportError::from(error))
    }
}

/// The error for an answer that is not a documented, decodable success.
fn from_response(response: &reqwest::Response) -> Error {
    let status = response.status();
    let headers = response.headers();
    let correlation_id = correlation_id(headers);
    let Exchange { body, failure, .. } = Exchange::of(response);
    match failure {
        Some(Failure::TooLarge { limit }) => Error::ResponseTooLarge {
            status,
            limit,
            correlation_id,
        },
        Some(Failure::TimedOut) => Error::Timeout {
            status: Some(status),
            correlation_id,
        },
        Some(Failure::Interrupted(reason)) => Error::Interrupted {
            status,
            correlation_id,
            reason,
        },
        Some(Failure::Undecryptable(reason)) => Error::Decryption {
            status,
            reason,
            headers: Box::new(headers.clone()),
            raw_body: body.into(),
            correlation_id,
        },
        Some(Failure::Undecodable(reason)) => Error::InvalidResponse {
            status: Some(status),
            reason,
            raw_body: body.into(),
            correlation_id,
        },
        None if status.is_success() => Error::InvalidResponse {
            status: Some(status),
            reason: format!("status {status} is not documented for this operation"),
            raw_body: body.into(),
            correlation_id,
        },
        None => Error::Api {
            status,
            // Only a body with at least one error entry counts as CyberSource's.
            body: serde_json::from_slice::<ErrorResponse>(&body)
                .ok()
                .filter(|parsed| !parsed.errors.is_empty()),
            unique_transaction_id: header(headers, &UNIQUE_TRANSACTION_ID).map(str::to_owned),
            raw_body: body.into(),
            correlation_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(error: Error) -> Error {
        Error::from(encode::<ErrorResponse>(error))
    }

    #[test]
    fn hook_failures_round_trip_through_progenitors_error() {
        let awkward = "a: b, \"quoted\"\n{not: json} \\ é";
        for (parameter, rule) in [
            ("customerId", "must be 1 to 32 characters (got 33)"),
            ("buyerInformation.email", awkward),
            ("tags[1]: x", "rule: with colons"),
            ("", ""),
        ] {
            match round_trip(Error::InvalidRequest {
                parameter: parameter.into(),
                rule: rule.into(),
            }) {
                Error::InvalidRequest {
                    parameter: p,
                    rule: r,
                } => {
                    assert_eq!((p.as_str(), r.as_str()), (parameter, rule));
                }
                other => panic!("{other:?}"),
            }
        }
        match round_trip(Error::Config {
            setting: "credentials".into(),
            message: awkward.into(),
        }) {
            Error::Config { setting, message } => {
                assert_eq!(
                    (setting.as_str(), message.as_str()),
                    ("credentials", awkward)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn progenitors_own_request_errors_stay_invalid_requests() {
        let refused = http::HeaderValue::from_bytes(b"a\r\nb").unwrap_err();
        let error = Error::from(GeneratedError::<ErrorResponse>::from(refused));
        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == "header"),
            "{error:?}"
        );
        let error = Error::from(GeneratedError::<ErrorResponse>::InvalidRequest(
            "customer_id was not initialized".into(),
        ));
        assert!(
            matches!(&error, Error::InvalidRequest { parameter, rule } if parameter == "request" && rule == "customer_id was not initialized"),
            "{error:?}"
        );
    }
}
