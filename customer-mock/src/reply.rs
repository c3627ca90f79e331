//! What the mock answers: a JSON body with the correlation headers every CyberSource
//! answer carries ([`answer`]), and [`Refusal`], CyberSource's error shape as an axum
//! response, so that handlers return `Result<Response, Refusal>` and use `?`.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A JSON answer with the correlation headers every CyberSource answer carries.
pub(crate) fn answer(
    status: StatusCode,
    body: Option<&Value>,
    extra: &[(HeaderName, String)],
) -> Response {
    let mut headers = HeaderMap::new();
    let id = || uuid::Uuid::new_v4().to_string();
    // Header names are case-insensitive; `uniqueTransactionID` goes out in lower case.
    for (name, value) in [("v-c-correlation-id", id()), ("uniquetransactionid", id())] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    for (name, value) in extra {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name.clone(), value);
        }
    }
    match body {
        Some(body) => {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(customer_client::JSON_MEDIA_TYPE),
            );
            (status, headers, body.to_string()).into_response()
        }
        None => (status, headers).into_response(),
    }
}

/// A request refused: CyberSource's error body,
/// `{"errors": [{"type", "message", "details": [{"name", "location"}]}]}`.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    kind: &'static str,
    message: String,
    details: Vec<(String, &'static str)>,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Names the field at fault and where it is (`body`, `path`, `query`, `header`).
    pub(crate) fn at(mut self, name: impl Into<String>, location: &'static str) -> Self {
        self.details.push((name.into(), location));
        self
    }

    /// 400 for a value that breaks a rule of the spec, naming it.
    pub(crate) fn invalid(
        kind: &'static str,
        violation: customer_client::rules::Violation,
        location: &'static str,
    ) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            kind,
            format!("{} {}", violation.parameter, violation.rule),
        )
        .at(violation.parameter, location)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut entry = json!({"type": self.kind, "message": self.message});
        if !self.details.is_empty() {
            entry["details"] = self
                .details
                .iter()
                .map(|(name, location)| json!({"name": name, "location": location}))
                .collect();
        }
        answer(self.status, Some(&json!({ "errors": [entry] })), &[])
    }
}

/// 404 for `what` (a customer, one of its items).
pub(crate) fn not_found(what: &str) -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "notFound",
        format!("{what} not found"),
    )
}

/// 500 when the store's lock was poisoned by a panic elsewhere.
pub(crate) fn store_unavailable() -> Refusal {
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "serverError",
        "store unavailable",
    )
}

/// 412 for an `if-match` that names another version than `etag`.
pub(crate) fn fresh(if_match: Option<&str>, etag: &str) -> Result<(), Refusal> {
    match if_match {
        Some(expected) if unquote(expected) != unquote(etag) => Err(Refusal::new(
            StatusCode::PRECONDITION_FAILED,
            "conflict",
            "Action cannot be performed as the if-match header value does not match the token etag",
        )),
        _ => Ok(()),
    }
}

/// `"3"`, `W/"3"` and `3` name the same version.
fn unquote(etag: &str) -> &str {
    etag.trim().trim_start_matches("W/").trim_matches('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_compare_without_quotes() {
        assert_eq!(unquote("\"3\""), "3");
        assert_eq!(unquote("W/\"3\""), "3");
        assert_eq!(unquote("3"), "3");
        assert!(fresh(Some("W/\"3\""), "\"3\"").is_ok());
        assert!(fresh(Some("\"2\""), "\"3\"").is_err());
        assert!(fresh(None, "\"3\"").is_ok());
    }
}
