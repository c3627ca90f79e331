//! In front of every handler: authentication (HTTP Signature, JWT) over the body exactly
//! as it arrived, then Message Level Encryption: the handlers see the plaintext, and
//! their answer is encrypted when the JWT asks for it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::reply::Refusal;
use crate::state::AppState;
use crate::{mle, verify};

/// The largest body the mock reads (axum's default limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// In front of every handler: authentication over the body exactly as it arrived,
/// then MLE (the handlers see the plaintext, and their answer is encrypted when the
/// JWT asks for it).
pub(crate) async fn gate(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(wire) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalidRequest",
            "The body is too large",
        )
        .into_response();
    };
    if let Some(credentials) = &state.config.credentials {
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_else(|| parts.uri.path());
        let signed = verify::Signed {
            method: &parts.method,
            target,
            headers: &parts.headers,
            body: &wire,
        };
        if let Err(why) = verify::verify(credentials, &signed) {
            return Refusal::new(StatusCode::UNAUTHORIZED, "authenticationFailed", why)
                .into_response();
        }
    }
    let Some(keys) = &state.config.mle else {
        return next
            .run(axum::extract::Request::from_parts(parts, wire.into()))
            .await;
    };
    let response_kid = mle::response_kid(&parts.headers);
    if let Some(kid) = &response_kid
        && !keys.knows_response_kid(kid)
    {
        return Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "v-c-response-mle-kid names no key this server knows",
        )
        .at("v-c-response-mle-kid", "header")
        .into_response();
    }
    let body = match keys.open_request(&wire) {
        Ok(Some(plaintext)) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(plaintext)
        }
        Ok(None) => wire,
        Err(why) => {
            return Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalidRequest",
                format!("The encrypted request cannot be decrypted: {why}"),
            )
            .into_response();
        }
    };
    let response = next
        .run(axum::extract::Request::from_parts(parts, body.into()))
        .await;
    let Some(kid) = response_kid else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let plaintext = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if plaintext.is_empty() {
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    match keys.seal_response(&kid, &plaintext) {
        Ok(sealed) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, sealed.into())
        }
        Err(why) => {
            Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "serverError", why).into_response()
        }
    }
}
