//! Calls each generated method by its spec operation, so tests can loop over the spec.
//! The dispatch is generated from the spec (`generated_calls.rs`, by
//! `cargo xtask generate`): an operation added to the spec is called by every test that
//! loops, with no hand-written code for it.

use std::collections::BTreeMap;

use customer_client::{Client, Error, ResponseExt, ResponseValue, types};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SpecOperation;

/// The inputs of one call: parameters by their wire name, and the body as JSON.
#[derive(Debug, Clone, Default)]
pub struct Call {
    pub params: BTreeMap<String, String>,
    pub body: Option<serde_json::Value>,
}

impl Call {
    /// Valid inputs for `op`: every required parameter, the optional ones only when
    /// `with_optional`, and the sample request body when it takes one.
    pub fn valid(op: &SpecOperation, with_optional: bool) -> Self {
        let mut call = Self::default();
        for param in &op.params {
            if param.required || with_optional {
                call.params.insert(param.name.clone(), sample_value(param));
            }
        }
        if op.request_media_type.is_some() {
            call.body = Some(sample_body(op));
        }
        call
    }

    /// The same inputs with the parameter `name` set to `value`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The same inputs with `body` (any serialisable value) as the body.
    pub fn with_body(mut self, body: impl Serialize) -> Self {
        self.body = Some(serde_json::to_value(body).expect("a JSON body"));
        self
    }

    /// The value this call gives the wire parameter `name`.
    pub fn value_of(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The body as the operation's generated type (for the generated dispatch).
    pub fn body_as<T: DeserializeOwned>(&self) -> Option<T> {
        self.body.as_ref().map(|body| {
            serde_json::from_value(body.clone())
                .unwrap_or_else(|e| panic!("the test's body is not the operation's type: {e}"))
        })
    }
}

/// A valid sample value for `param`, made from its schema: a boolean `true`, a number
/// its default or minimum, a string of upper-case hexadecimal digits as long as its
/// limits allow (at most 32, the length of a TMS id).
pub fn sample_value(param: &crate::SpecParam) -> String {
    if param.kind == "boolean" {
        return "true".to_owned();
    }
    if param.kind != "string" {
        return param
            .default
            .clone()
            .or_else(|| param.minimum.clone())
            .unwrap_or_else(|| "1".to_owned());
    }
    let min = param.min_length.unwrap_or(1).max(1);
    let length = param.max_length.unwrap_or(32).min(32).max(min);
    "0123456789ABCDEF"
        .chars()
        .cycle()
        .take(length as usize)
        .collect()
}

/// The sample request body of a body-taking operation, by its schema: the customer's
/// documented create and update samples, else `samples/<schema>.request.json` (the
/// published definition's first example).
pub fn sample_body(op: &SpecOperation) -> serde_json::Value {
    let schema = op.request_schema.as_deref().unwrap_or_default();
    let fixture = match (schema, op.method.as_str()) {
        ("Customer", "POST") => "samples/create-customer.request.json".to_owned(),
        ("Customer", _) => "samples/update-customer.request.spec-x-example.json".to_owned(),
        (other, _) => format!("samples/{}.request.json", kebab(other)),
    };
    crate::json_fixture(&fixture)
}

/// The sample answer of an operation's success status with a body, by its schema: the
/// developer guide's customers, else `samples/<schema>.response.json`.
pub fn sample_response(op: &SpecOperation) -> Option<serde_json::Value> {
    let schema = op.success().schema.as_deref()?;
    let fixture = match (schema, op.method.as_str()) {
        ("Customer", "POST") => "samples/create-customer.response.devguide.json".to_owned(),
        ("Customer", "PATCH") => "samples/update-customer.response.devguide.json".to_owned(),
        ("Customer", _) => "samples/retrieve-customer.response.devguide.json".to_owned(),
        (other, _) => format!("samples/{}.response.json", kebab(other)),
    };
    Some(crate::json_fixture(&fixture))
}

/// `ShippingAddressList` → `shipping-address-list`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `body` as the client reads it for `op`'s success status: decoded into the generated
/// type and written back as JSON (unknown fields dropped).
pub fn as_read(op: &SpecOperation, body: &serde_json::Value) -> Option<serde_json::Value> {
    crate::generated_calls::as_read(&op.operation_id, body)
}

/// What came back from a successful call.
#[derive(Debug)]
pub struct Outcome {
    pub status: u16,
    /// The decoded body as JSON (`None` when the operation documents no body).
    pub body: Option<serde_json::Value>,
    pub etag: Option<String>,
    pub correlation_id: Option<String>,
    pub unique_transaction_id: Option<String>,
    pub location: Option<String>,
}

impl Outcome {
    /// The decoded body as `T`.
    pub fn body_as<T: DeserializeOwned>(&self) -> Option<T> {
        self.body
            .clone()
            .map(|body| serde_json::from_value(body).expect("the decoded body re-reads"))
    }
}

/// The outcome of a call (for the generated dispatch).
pub fn outcome<T: Serialize>(value: ResponseValue<T>) -> Outcome {
    let owned = |s: Option<&str>| s.map(str::to_owned);
    let body = serde_json::to_value(&*value).expect("a decoded body serialises");
    Outcome {
        status: value.status().as_u16(),
        etag: owned(value.etag()),
        correlation_id: owned(value.correlation_id()),
        unique_transaction_id: owned(value.unique_transaction_id()),
        location: owned(value.location()),
        body: (!body.is_null()).then_some(body),
    }
}

/// A parameter's text as the type its generated setter takes (for the generated dispatch).
pub fn parsed<T: std::str::FromStr>(name: &str, value: &str) -> T {
    value.parse().unwrap_or_else(|_| {
        panic!(
            "the test's `{name}` is not a {}",
            std::any::type_name::<T>()
        )
    })
}

/// Calls the generated method for `op` with `call`'s inputs.
pub async fn call(client: &Client, op: &SpecOperation, call: &Call) -> Result<Outcome, Error> {
    crate::generated_calls::call_operation(client, &op.operation_id, call).await
}

/// The typed httpmock mock (`customer_client::mock`) of `op`'s documented success,
/// matching `call`'s path parameters and answering `op`'s sample answer.
pub fn typed_mock<'a>(
    server: &'a httpmock::MockServer,
    op: &SpecOperation,
    call: &Call,
) -> httpmock::Mock<'a> {
    let answer = sample_response(op);
    crate::generated_calls::typed_mock(server, &op.operation_id, call, answer.as_ref())
        .unwrap_or_else(|| panic!("{}: the sample answer does not decode", op.operation_id))
}

/// The exact bytes the client sends as `call`'s body to `op`.
pub fn body_bytes(op: &SpecOperation, call: &Call) -> Option<String> {
    crate::generated_calls::body_bytes(&op.operation_id, call)
}

/// A builder for a local test server that signs with JWT (the official vectors'
/// throwaway key) and numbers its token ids `jti-0`, `jti-1`, ... so attempts differ.
pub fn signing_builder(base_url: &str) -> customer_client::ClientBuilder {
    let counter = std::sync::atomic::AtomicU64::new(0);
    let environment = customer_client::Environment::custom(base_url).expect("test base URL");
    Client::builder(environment)
        .credentials(
            customer_client::Credentials::jwt_shared_secret(
                "testrest",
                "key",
                "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=",
            )
            .expect("test credentials"),
        )
        .id_source(move || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            format!("jti-{n}")
        })
}

/// A client for a local test server.
pub fn client_for(base_url: &str) -> Client {
    let environment = customer_client::Environment::custom(base_url).expect("test base URL");
    Client::builder(environment).build().expect("client builds")
}

/// Builds a client from `builder` and retrieves customer `id`, the error converted.
pub async fn built_and_get(
    builder: customer_client::ClientBuilder,
    id: &str,
) -> Result<ResponseValue<types::Customer>, Error> {
    builder
        .build()
        .expect("client builds")
        .get_customer()
        .customer_id(id)
        .send()
        .await
}
