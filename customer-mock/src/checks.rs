//! What a request must be before a handler acts on it, checked against the spec with
//! the client's own rule table: its documented headers, the ids in its path, and its
//! body (JSON, the operation's generated type, the spec's limits).

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderMap, StatusCode};
use customer_client::rules;
use serde_json::{Map, Value};

use crate::reply::Refusal;

/// Reads a JSON value as an operation's generated type, naming the field that fails,
/// and gives it back as that type writes it: only the fields the spec defines.
pub(crate) type Decode = fn(&Value) -> Result<Value, serde_path_to_error::Error<serde_json::Error>>;

/// The [`Decode`] of generated type `T`.
pub(crate) fn as_type<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: &Value,
) -> Result<Value, serde_path_to_error::Error<serde_json::Error>> {
    let typed: T = serde_path_to_error::deserialize(value)?;
    // A generated type of strings, numbers and objects always writes.
    Ok(serde_json::to_value(typed).unwrap_or_default())
}

/// The request as the checks need it.
pub(crate) struct Incoming<'a> {
    /// The operationId (`rules::ids`).
    pub operation: &'static str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl<'a> Incoming<'a> {
    /// The request to the operation `operation` (an operationId, `rules::ids`).
    pub(crate) fn new(operation: &'static str, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            operation,
            headers,
            body,
        }
    }

    /// `if-match`, when sent as text: the one place the header is read.
    pub(crate) fn if_match(&self) -> Option<&'a str> {
        self.headers.get("if-match").and_then(|v| v.to_str().ok())
    }

    /// Every documented header parameter (authentication is the gate's).
    pub(crate) fn check(&self) -> Result<(), Refusal> {
        for name in rules::header_parameters(self.operation) {
            let value = match self.headers.get(name).map(|v| v.to_str()) {
                Some(Ok(text)) => Some(text),
                Some(Err(_)) => {
                    return Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "invalidHeaders",
                        "Header is not text",
                    )
                    .at(name, "header"));
                }
                None => None,
            };
            rules::check_parameter(self.operation, name, value)
                .map_err(|v| Refusal::invalid("invalidHeaders", v, "header"))?;
        }
        Ok(())
    }

    /// A path parameter checked against the spec.
    pub(crate) fn path_parameter(&self, name: &str, value: &str) -> Result<(), Refusal> {
        rules::check_parameter(self.operation, name, Some(value))
            .map_err(|v| Refusal::invalid("invalidFields", v, "path"))
    }

    /// The headers ([`check`](Self::check)), then the customer id of the path.
    pub(crate) fn customer(
        &self,
        path: Result<Path<String>, PathRejection>,
    ) -> Result<String, Refusal> {
        self.check()?;
        let Path(id) = path.map_err(|_| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalidFields",
                "customerId is not a valid path segment",
            )
            .at("customerId", "path")
        })?;
        self.path_parameter("customerId", &id)?;
        Ok(id)
    }

    /// The headers, then the customer id and the item id (`id_param`) of an item path.
    pub(crate) fn customer_and_item(
        &self,
        id_param: &str,
        path: Result<Path<(String, String)>, PathRejection>,
    ) -> Result<(String, String), Refusal> {
        self.check()?;
        let Ok(Path((customer, item))) = path else {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalidFields",
                "the path is not valid",
            ));
        };
        self.path_parameter("customerId", &customer)?;
        self.path_parameter(id_param, &item)?;
        Ok((customer, item))
    }

    /// The body, checked: JSON, an object that `decode` (the operation's generated
    /// type) reads, the spec's limits; as that type writes it, so that a field the spec
    /// does not define is neither kept nor echoed (CyberSource would not keep it); and
    /// without the fields in `owned`, which the server sets.
    pub(crate) fn body(
        &self,
        decode: Decode,
        owned: &[&str],
    ) -> Result<Map<String, Value>, Refusal> {
        let value = Value::Object(self.json_object()?);
        // The spec types no field as nullable, but the generated types read `null` as
        // absent. Decoding a copy with every `null` replaced by `0` (a type no field has)
        // makes a `null` in a known field fail, while unknown fields stay free.
        let mut probe = value.clone();
        replace_nulls(&mut probe);
        if let Err(e) = decode(&probe) {
            return Err(refusal_at(&value, &e));
        }
        rules::check_body(self.operation, &value)
            .map_err(|v| Refusal::invalid("invalidFields", v, "body"))?;
        // The probe decoded, so the value does (its nulls are in unknown fields).
        let Ok(Value::Object(mut writable)) = decode(&value) else {
            return Err(invalid_body());
        };
        for owned in owned {
            writable.remove(*owned);
        }
        Ok(writable)
    }
}

impl Incoming<'_> {
    /// The body as a JSON object, or 400 `Invalid HTTP Body`.
    fn json_object(&self) -> Result<Map<String, Value>, Refusal> {
        match serde_json::from_slice(self.body) {
            Ok(Value::Object(object)) => Ok(object),
            _ => Err(invalid_body()),
        }
    }

    /// The body of a PATCH, checked: a JSON object, as JSON Merge Patch (RFC 7396) reads
    /// it. A `null` removes a field, and is refused where the spec requires the field
    /// or the request cannot change it (the rule table's check, naming the field); every
    /// other value must read as `decode`'s type and keep the spec's limits. The fields in
    /// `owned`, which the server sets, are taken out. Fields the spec does not define
    /// are dropped when the result is read as its type ([`patched`](Self::patched)).
    pub(crate) fn patch(
        &self,
        decode: Decode,
        owned: &[&str],
    ) -> Result<Map<String, Value>, Refusal> {
        let mut patch = self.json_object()?;
        rules::check_body(self.operation, &Value::Object(patch.clone()))
            .map_err(|v| Refusal::invalid("invalidFields", v, "body"))?;
        // What it sets must read as the type (which reads a removal's `null` as absent).
        let value = Value::Object(patch.clone());
        decode(&value).map_err(|e| refusal_at(&value, &e))?;
        for owned in owned {
            patch.remove(*owned);
        }
        Ok(patch)
    }

    /// A resource with a checked patch applied (RFC 7396, by the handler), read as
    /// `decode`'s type, so that only the fields the spec defines are kept. (What the
    /// spec requires stays: [`patch`](Self::patch) refuses a `null` for it, and an
    /// object sent without it.)
    pub(crate) fn patched(&self, next: Value, decode: Decode) -> Result<Value, Refusal> {
        decode(&next).map_err(|e| refusal_at(&next, &e))
    }
}

/// 400 `invalidRequest`: the body is not a JSON object.
fn invalid_body() -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        "invalidRequest",
        "Invalid HTTP Body",
    )
}

/// 400 naming the field a deserialisation error points at (its value masked).
fn refusal_at(value: &Value, e: &serde_path_to_error::Error<serde_json::Error>) -> Refusal {
    let field = e.path().to_string();
    let message = if at_path(value, e.path()).is_some_and(Value::is_null) {
        format!("{field} must not be null")
    } else {
        // serde quotes the value it could not read, which may be card data.
        format!(
            "{field}: {}",
            customer_client::mask::message(&e.inner().to_string())
        )
    };
    Refusal::new(StatusCode::BAD_REQUEST, "invalidFields", message).at(field, "body")
}

fn replace_nulls(value: &mut Value) {
    match value {
        Value::Null => *value = Value::from(0),
        Value::Object(map) => map.values_mut().for_each(replace_nulls),
        Value::Array(items) => items.iter_mut().for_each(replace_nulls),
        _ => {}
    }
}

/// The value a deserialisation error points at.
fn at_path<'a>(value: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter()
        .try_fold(value, |current, segment| match segment {
            Segment::Map { key } => current.get(key.as_str()),
            Segment::Seq { index } => current.get(*index),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nulls_are_replaced_for_the_probe() {
        let mut nulls = json!({"a": [null, {"b": null}]});
        replace_nulls(&mut nulls);
        assert_eq!(nulls, json!({"a": [0, {"b": 0}]}));
    }
}
