//! progenitor's error, for the one place it still arises: a generated builder that
//! cannot make its request (a required parameter missing, a value that does not
//! convert, a header value `http` refuses, a URL reqwest cannot build). Each generated
//! `send()` turns that into [`Error`] before anything is sent; everything after the
//! request exists is `call.rs`'s, which speaks [`Error`] itself.

use bytes::Bytes;
use progenitor_client::Error as GeneratedError;

use crate::Error;
use crate::types::ErrorResponse;
use crate::wire::{UNIQUE_TRANSACTION_ID, correlation_id, header};

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
            GeneratedError::InvalidRequest(text) if is_invalid_header_value(&text) => {
                Self::InvalidRequest {
                    parameter: "header".to_owned(),
                    rule: "header values must be visible ASCII text, without CR or LF".to_owned(),
                }
            }
            // progenitor's own checks: a missing required parameter or body.
            GeneratedError::InvalidRequest(text) | GeneratedError::Custom(text) => {
                Self::InvalidRequest {
                    parameter: "request".to_owned(),
                    rule: text,
                }
            }
            // A request reqwest could not build: nothing was sent.
            GeneratedError::CommunicationError(e)
            | GeneratedError::InvalidUpgrade(e)
            | GeneratedError::ResponseBodyError(e) => Self::no_answer(e),
            // The variants below carry an answer. No `send()` makes them now (call.rs
            // reads every answer), but a fetch handed to `paging::items` may answer
            // progenitor's error: mapped faithfully, correlation id kept, nothing invented.
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
            GeneratedError::UnexpectedResponse(response) => Self::InvalidResponse {
                status: Some(response.status()),
                reason: "an answer progenitor's code did not expect; its body was not read"
                    .to_owned(),
                correlation_id: correlation_id(response.headers()),
                raw_body: Bytes::new().into(),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

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
