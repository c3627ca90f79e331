//! In front of every handler: authentication (HTTP Signature, JWT) over the body exactly
//! as it arrived, then Message Level Encryption: the handlers see the plaintext, and
//! their answer is encrypted when the JWT asks for it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;

use crate::mle::{self, MockMle};
use crate::reply::Refusal;
use crate::state::AppState;
use crate::verify::{self, MockCredentials};

/// The largest body the mock reads (axum's default limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// In front of every handler: authentication over the body exactly as it arrived,
/// then MLE (the handlers see the plaintext, and their answer is encrypted when the
/// JWT asks for it).
pub(crate) async fn gate(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, Refusal> {
    let (mut parts, body) = request.into_parts();
    let wire = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalidRequest",
            "The body is too large",
        )
    })?;
    if let Some(credentials) = &state.config.credentials {
        authenticate(&state.config, credentials, &parts, &wire)?;
    }
    let Some(keys) = &state.config.mle else {
        return Ok(next
            .run(axum::extract::Request::from_parts(parts, wire.into()))
            .await);
    };
    let response_kid = mle::response_kid(&parts.headers);
    if let Some(kid) = &response_kid
        && !keys.knows_response_kid(kid)
    {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "v-c-response-mle-kid names no key this server knows",
        )
        .at("v-c-response-mle-kid", "header"));
    }
    let body = match keys.open_request(&wire).map_err(|why| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            format!("The encrypted request cannot be decrypted: {why}"),
        )
    })? {
        Some(plaintext) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(plaintext)
        }
        None => wire,
    };
    let response = next
        .run(axum::extract::Request::from_parts(parts, body.into()))
        .await;
    match response_kid {
        Some(kid) => sealed(keys, &kid, response).await,
        None => Ok(response),
    }
}

/// 401 unless the request carries a valid HTTP Signature or JWT for `credentials`,
/// over the body as it arrived.
fn authenticate(
    config: &crate::MockConfig,
    credentials: &MockCredentials,
    parts: &axum::http::request::Parts,
    wire: &[u8],
) -> Result<(), Refusal> {
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_else(|| parts.uri.path());
    let signed = verify::Signed {
        method: &parts.method,
        target,
        headers: &parts.headers,
        body: wire,
        now: (config.clock)(),
        stands_in_for: &config.stands_in_for,
    };
    verify::verify(credentials, &signed)
        .map_err(|why| Refusal::new(StatusCode::UNAUTHORIZED, "authenticationFailed", why))
}

/// `response` with its body encrypted to the merchant key `kid` (an empty body stays
/// empty).
async fn sealed(keys: &MockMle, kid: &str, response: Response) -> Result<Response, Refusal> {
    let (mut parts, body) = response.into_parts();
    let plaintext = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if plaintext.is_empty() {
        return Ok(Response::from_parts(parts, axum::body::Body::empty()));
    }
    let sealed = keys
        .seal_response(kid, &plaintext)
        .map_err(|why| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "serverError", why))?;
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(parts, sealed.into()))
}
