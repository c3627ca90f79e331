//! Shared helpers for the integration tests: the spec, read at test time, and the
//! table of what CustomerApi.md documents. Tests take their expectations from here and
//! never restate a path, verb or header name themselves.

pub mod calls;
pub mod documentation;
pub mod hostile;
#[rustfmt::skip]
mod generated_calls;
pub mod scripted;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// A card number and a security code that must never be printed (a test Visa number,
/// and a code that occurs in nothing else the tests print).
pub const CARD_NUMBER: &str = "4622943127013705";
pub const SECURITY_CODE: &str = "8273";

/// A generated type from its builder, as users build one (the types are
/// `#[non_exhaustive]`); a builder the tests fill cannot fail to convert.
pub fn built<T, B>(builder: B) -> T
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder
        .try_into()
        .unwrap_or_else(|e| panic!("a builder the test filled does not convert: {e}"))
}

/// A client builder for the server at `base_url` (customer-mock, a stub or a hostile
/// server): unsigned, every other setting the default. The tests' one way to point a
/// client at a server.
pub fn builder_for(base_url: &str) -> customer_client::ClientBuilder {
    customer_client::Client::builder(
        customer_client::Environment::custom(base_url).expect("a test server's URL"),
    )
}

/// A client for the server at `base_url`, built from [`builder_for`].
pub fn client_for(base_url: &str) -> customer_client::Client {
    builder_for(base_url)
        .build()
        .expect("a client with the default settings")
}

/// A new, empty customer on the server `client` talks to; its id.
pub async fn new_customer(client: &customer_client::Client) -> String {
    client
        .post_customer()
        .body(customer_client::types::Customer::builder())
        .send()
        .await
        .expect("a customer is created")
        .into_inner()
        .id
        .expect("with an id")
}

/// A file below `tests/fixtures/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A JSON fixture, parsed.
pub fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Path of the committed spec.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/tms-customers.yaml")
}

/// The committed spec, as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(spec_path()).expect("read openapi/tms-customers.yaml");
        serde_norway::from_str(&text).expect("openapi/tms-customers.yaml is YAML")
    })
}

/// One parameter of an operation, as the spec defines it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecParam {
    /// Wire name, e.g. `profile-id`.
    pub name: String,
    /// `header`, `path` or `query`.
    pub location: String,
    pub required: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// The schema's `type` (`string` when it gives none).
    pub kind: String,
    /// The schema's `default`, `minimum` and `maximum`, as text.
    pub default: Option<String>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
}

/// One response of an operation, as the spec defines it.
#[derive(Debug, Clone)]
pub struct SpecResponse {
    pub status: u16,
    /// Media type of the body, if it has one.
    pub media_type: Option<String>,
    /// Component schema name of the body.
    pub schema: Option<String>,
    /// Names of the documented response headers.
    pub headers: Vec<String>,
}

/// One operation of the spec, with every `$ref` resolved.
#[derive(Debug, Clone)]
pub struct SpecOperation {
    pub operation_id: String,
    /// Upper-case verb.
    pub method: String,
    /// Path template.
    pub path: String,
    pub params: Vec<SpecParam>,
    /// Media type of the request body, if the operation takes one.
    pub request_media_type: Option<String>,
    /// Component schema name of the request body, if the operation takes one.
    pub request_schema: Option<String>,
    pub responses: Vec<SpecResponse>,
}

impl SpecOperation {
    /// progenitor's method name, as the generated rule table records it.
    pub fn method_name(&self) -> String {
        customer_client::rules::method_name(&self.operation_id)
            .unwrap_or_else(|| panic!("`{}` is not in the generated rule table", self.operation_id))
            .to_owned()
    }

    pub fn param(&self, name: &str) -> Option<&SpecParam> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The documented success responses (2xx): one, or several with one schema
    /// (`postInstrumentIdentifier`: 200 for a number seen before, 201 for a new one;
    /// its enrollment: 202 or 204, both without a body).
    pub fn successes(&self) -> Vec<&SpecResponse> {
        let ok: Vec<&SpecResponse> = self
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect();
        assert!(
            !ok.is_empty(),
            "{} documents no success status",
            self.operation_id
        );
        for other in &ok[1..] {
            assert_eq!(
                (&other.schema, &other.media_type),
                (&ok[0].schema, &ok[0].media_type),
                "{}: its success statuses carry different bodies",
                self.operation_id
            );
        }
        ok
    }

    /// The first documented success response; the others carry the same body.
    pub fn success(&self) -> &SpecResponse {
        self.successes()[0]
    }

    /// The documented error responses.
    pub fn errors(&self) -> impl Iterator<Item = &SpecResponse> {
        self.responses.iter().filter(|r| r.status >= 400)
    }

    /// The request path with each `{name}` replaced by `value(name)`.
    pub fn path_with(&self, value: impl Fn(&str) -> String) -> String {
        self.path
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => value(name),
                    None => segment.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Follows a local `$ref`.
pub fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(
            spec()
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {reference}")),
        ),
        None => value,
    }
}

/// Every operation of the spec, in document order.
pub fn spec_operations() -> Vec<SpecOperation> {
    let mut operations = Vec::new();
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let params = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let p = resolve(p);
                    let schema = resolve(&p["schema"]);
                    SpecParam {
                        name: p["name"].as_str().expect("name").to_owned(),
                        location: p["in"].as_str().expect("in").to_owned(),
                        required: p["required"].as_bool() == Some(true),
                        min_length: schema["minLength"].as_u64(),
                        max_length: schema["maxLength"].as_u64(),
                        kind: schema["type"].as_str().unwrap_or("string").to_owned(),
                        default: schema.get("default").map(|v| v.to_string()),
                        minimum: schema.get("minimum").map(|v| v.to_string()),
                        maximum: schema.get("maximum").map(|v| v.to_string()),
                    }
                })
                .collect();
            let request_media_type = operation
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|content| content.keys().next().cloned());
            let request_schema = operation
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|content| content.values().next())
                .and_then(|media| media.pointer("/schema/$ref"))
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned());
            let responses = operation["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .map(|(status, response)| {
                    let response = resolve(response);
                    let content = response["content"].as_object();
                    let media = content.and_then(|c| c.iter().next());
                    SpecResponse {
                        status: status.parse().expect("numeric status"),
                        media_type: media.map(|(name, _)| name.clone()),
                        schema: media
                            .and_then(|(_, m)| m.pointer("/schema/$ref"))
                            .and_then(Value::as_str)
                            .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned()),
                        headers: response["headers"]
                            .as_object()
                            .map(|h| h.keys().cloned().collect())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            operations.push(SpecOperation {
                operation_id: operation_id.to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                params,
                request_media_type,
                request_schema,
                responses,
            });
        }
    }
    operations
}

/// The spec's operations by method name.
pub fn spec_operations_by_method() -> BTreeMap<String, SpecOperation> {
    spec_operations()
        .into_iter()
        .map(|op| (op.method_name(), op))
        .collect()
}

/// The workspace README's examples compile (they run as doctests of this crate).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
