//! `customer-mock`: a stateful local TMS Customers server, like stripe-mock but with state.
//!
//! - create answers 201 with a fresh 32-character id, `_links`, `metadata`, `Location`,
//!   `ETag` and the correlation headers; get answers 200 with an `ETag`;
//! - patch merges the given fields and answers a new `ETag`; a stale `if-match` gets 412;
//! - delete answers 204, and the customer is gone (404) from then on, with all it owns;
//! - a customer's shipping addresses and payment instruments live as TMS documents
//!   them (`wallet.rs`): defaults, paging, 409 for deleting a default while others
//!   exist, 412 for a stale `if-match`, card numbers kept masked;
//! - ids, headers and bodies are checked against the spec's types and limits (the same
//!   generated rules the client enforces); anything invalid gets 400 with CyberSource's
//!   error body, whose `details` name the field;
//! - with [`MockCredentials`], every request must carry a valid HTTP Signature or JWT
//!   (HS256) for them, or it gets 401;
//! - Message Level Encryption ([`MockMle`], on by default with [`test_keys`]): a
//!   `{"encryptedRequest": …}` body is decrypted and then checked as usual (one it
//!   cannot decrypt gets 400), and a JWT with `v-c-response-mle-kid` gets its answer
//!   as `{"encryptedResponse": …}`;
//! - state is in memory and bounded ([`MockConfig::capacity`]; the oldest customer is
//!   forgotten first).
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! let mock = customer_mock::CustomerMock::start().await?; // 127.0.0.1, ephemeral port
//! let environment = customer_client::Environment::custom(&mock.base_url()).unwrap();
//! let client = customer_client::Client::builder(environment).build().unwrap();
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod mle;
mod store;
mod verify;
mod wallet;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use customer_client::{rules, types};
use serde_json::{Map, Value, json};
use tokio::sync::oneshot;

pub use mle::{MockMle, test_keys};
use store::Store;
pub use verify::MockCredentials;

/// The collection path, as the spec gives it.
const CUSTOMERS: &str = "/tms/v2/customers";
/// Fields the server owns: never taken from a request body.
const SERVER_OWNED: &[&str] = &["id", "_links", "metadata", "_embedded"];

/// How the mock behaves.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// When set, every request must be signed with these credentials (else 401).
    pub credentials: Option<MockCredentials>,
    /// How many customers are kept; creating one more forgets the oldest.
    pub capacity: usize,
    /// Message Level Encryption keys; `None`: encrypted bodies are not understood.
    pub mle: Option<MockMle>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            credentials: None,
            capacity: 10_000,
            mle: Some(MockMle::test_keys()),
        }
    }
}

struct Shared {
    config: MockConfig,
    store: Mutex<Store>,
}

type AppState = Arc<Shared>;

/// A running mock; it stops when dropped or [shut down](Self::shutdown).
pub struct CustomerMock {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl CustomerMock {
    /// Starts a mock without authentication on 127.0.0.1 and an ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a mock with `config` on 127.0.0.1 and an ephemeral port.
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        Self::serve(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a mock with `config` on `address`.
    pub async fn serve(address: SocketAddr, config: MockConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(config);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            address,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting requests and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Runs until the server task ends (for the binary).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for CustomerMock {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The mock as an axum router, to embed in another server.
pub fn router(config: MockConfig) -> Router {
    let state = Arc::new(Shared {
        store: Mutex::new(Store::new(config.capacity)),
        config,
    });
    let mut router = Router::new().route(CUSTOMERS, post(create)).route(
        &format!("{CUSTOMERS}/{{customer_id}}"),
        get(retrieve).patch(update).delete(remove),
    );
    for kind in wallet::KINDS {
        router = router
            .route(
                &format!("{CUSTOMERS}/{{customer_id}}/{}", kind.collection),
                post(move |s, h, p, b| wallet::create(kind, s, h, p, b))
                    .get(move |s, u, h, p| wallet::list(kind, s, u, h, p)),
            )
            .route(
                &format!(
                    "{CUSTOMERS}/{{customer_id}}/{}/{{item_id}}",
                    kind.collection
                ),
                get(move |s, h, p| wallet::retrieve(kind, s, h, p))
                    .patch(move |s, h, p, b| wallet::update(kind, s, h, p, b))
                    .delete(move |s, h, p| wallet::remove(kind, s, h, p)),
            );
    }
    router
        .fallback(|| async { error(StatusCode::NOT_FOUND, "notFound", "No such resource", &[]) })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "methodNotAllowed",
                "Method not allowed",
                &[],
            )
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// The largest body the mock reads (axum's default limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// In front of every handler: authentication over the body exactly as it arrived,
/// then MLE (the handlers see the plaintext, and their answer is encrypted when the
/// JWT asks for it).
async fn gate(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(wire) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalidRequest",
            "The body is too large",
            &[],
        );
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
            return error(StatusCode::UNAUTHORIZED, "authenticationFailed", &why, &[]);
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
        return error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "v-c-response-mle-kid names no key this server knows",
            &[("v-c-response-mle-kid", "header")],
        );
    }
    let body = match keys.open_request(&wire) {
        Ok(Some(plaintext)) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(plaintext)
        }
        Ok(None) => wire,
        Err(why) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalidRequest",
                &format!("The encrypted request cannot be decrypted: {why}"),
                &[],
            );
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
        Err(why) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serverError",
            why.as_str(),
            &[],
        ),
    }
}

/// A JSON answer with the correlation headers every CyberSource answer carries.
fn answer(status: StatusCode, body: Option<&Value>, extra: &[(HeaderName, String)]) -> Response {
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

/// CyberSource's error body: `{"errors": [{"type", "message", "details": [{"name", "location"}]}]}`.
fn error(status: StatusCode, kind: &str, message: &str, details: &[(&str, &str)]) -> Response {
    let mut entry = json!({"type": kind, "message": message});
    if !details.is_empty() {
        entry["details"] = details
            .iter()
            .map(|(name, location)| json!({"name": name, "location": location}))
            .collect();
    }
    answer(status, Some(&json!({ "errors": [entry] })), &[])
}

/// An answer that ends a request early (boxed: responses are large).
type Refusal = Box<Response>;

/// Reads a JSON value as an operation's generated type, naming the field that fails.
type Decode = fn(&Value) -> Result<(), serde_path_to_error::Error<serde_json::Error>>;

/// The request as the checks need it.
struct Incoming<'a> {
    operation: &'static str,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

impl Incoming<'_> {
    /// Every documented header parameter (authentication is the `gate`'s).
    fn check(&self) -> Result<(), Refusal> {
        for name in rules::header_parameters(self.operation) {
            let value = match self.headers.get(name).map(|v| v.to_str()) {
                Some(Ok(text)) => Some(text),
                Some(Err(_)) => {
                    return Err(Box::new(error(
                        StatusCode::BAD_REQUEST,
                        "invalidHeaders",
                        "Header is not text",
                        &[(name, "header")],
                    )));
                }
                None => None,
            };
            rules::check_parameter(self.operation, name, value).map_err(|v| {
                Box::new(error(
                    StatusCode::BAD_REQUEST,
                    "invalidHeaders",
                    &format!("{} {}", v.parameter, v.rule),
                    &[(&v.parameter, "header")],
                ))
            })?;
        }
        Ok(())
    }

    /// [`check`](Self::check), then the customer id of the path.
    fn check_item(&self, path: Result<Path<String>, PathRejection>) -> Result<String, Refusal> {
        self.check()?;
        customer_id(self.operation, path)
    }

    /// The body as a customer: JSON, the documented types, the spec's limits.
    fn customer(&self) -> Result<Map<String, Value>, Refusal> {
        self.body_of(
            |value| serde_path_to_error::deserialize::<_, types::Customer>(value).map(drop),
            SERVER_OWNED,
        )
    }

    /// The body, checked: JSON, an object that `decode` (the operation's generated
    /// type) reads, the spec's limits; without the fields in `owned`, which the server
    /// sets.
    fn body_of(&self, decode: Decode, owned: &[&str]) -> Result<Map<String, Value>, Refusal> {
        let invalid_body = || {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalidRequest",
                "Invalid HTTP Body",
                &[],
            ))
        };
        let value: Value = serde_json::from_slice(self.body).map_err(|_| invalid_body())?;
        let Value::Object(map) = &value else {
            return Err(invalid_body());
        };
        // The spec types no field as nullable, but the generated types read `null` as
        // absent. Decoding a copy with every `null` replaced by `0` (a type no field has)
        // makes a `null` in a known field fail, while unknown fields stay free.
        let mut probe = value.clone();
        replace_nulls(&mut probe);
        if let Err(e) = decode(&probe) {
            let field = e.path().to_string();
            let message = if at_path(&value, e.path()).is_some_and(Value::is_null) {
                format!("{field} must not be null")
            } else {
                // serde quotes the value it could not read, which may be card data.
                format!(
                    "{field}: {}",
                    customer_client::mask::message(&e.inner().to_string())
                )
            };
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalidFields",
                &message,
                &[(&field, "body")],
            )));
        }
        rules::check_body(self.operation, &value).map_err(|v| {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalidFields",
                &format!("{} {}", v.parameter, v.rule),
                &[(&v.parameter, "body")],
            ))
        })?;
        let mut writable = map.clone();
        for owned in owned {
            writable.remove(*owned);
        }
        Ok(writable)
    }
}

/// The customer id from the path, checked against the spec.
fn customer_id(
    operation: &'static str,
    path: Result<Path<String>, PathRejection>,
) -> Result<String, Refusal> {
    let invalid = |message: &str| {
        error(
            StatusCode::BAD_REQUEST,
            "invalidFields",
            message,
            &[("customerId", "path")],
        )
    };
    let Path(id) = path.map_err(|_| invalid("customerId is not a valid path segment"))?;
    rules::check_parameter(operation, "customerId", Some(&id))
        .map_err(|v| invalid(&format!("{} {}", v.parameter, v.rule)))?;
    Ok(id)
}

/// A fresh token id: 32 upper-case hexadecimal digits, as TMS ids look.
fn new_id() -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "notFound", "Customer not found", &[])
}

fn links(id: &str) -> Value {
    json!({
        "self": {"href": format!("{CUSTOMERS}/{id}")},
        "paymentInstruments": {"href": format!("{CUSTOMERS}/{id}/payment-instruments")},
        "shippingAddress": {"href": format!("{CUSTOMERS}/{id}/shipping-addresses")},
    })
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let incoming = Incoming {
        operation: "postCustomer",
        headers: &headers,
        body: &body,
    };
    if let Err(response) = incoming.check() {
        return *response;
    }
    let mut customer = match incoming.customer() {
        Ok(customer) => customer,
        Err(response) => return *response,
    };
    let id = new_id();
    let creator = state
        .config
        .credentials
        .as_ref()
        .map_or("customer-mock", |c| c.merchant_id.as_str())
        .to_owned();
    customer.insert("_links".into(), links(&id));
    customer.insert("id".into(), Value::String(id.clone()));
    customer.insert("metadata".into(), json!({ "creator": creator }));
    let body = Value::Object(customer);
    let stored = match state.store.lock() {
        Ok(mut store) => store.insert(id.clone(), body),
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "serverError",
                "store unavailable",
                &[],
            );
        }
    };
    answer(
        StatusCode::CREATED,
        Some(&stored.body),
        &[
            (header::LOCATION, format!("{CUSTOMERS}/{id}")),
            (header::ETAG, stored.etag()),
        ],
    )
}

async fn retrieve(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let incoming = Incoming {
        operation: "getCustomer",
        headers: &headers,
        body: &[],
    };
    let id = match incoming.check_item(path) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let found = state
        .store
        .lock()
        .ok()
        .and_then(|store| store.get(&id).cloned());
    match found {
        Some(stored) => answer(
            StatusCode::OK,
            Some(&wallet::customer_shown(&stored, &id)),
            &[(header::ETAG, stored.etag())],
        ),
        None => not_found(),
    }
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let incoming = Incoming {
        operation: "patchCustomer",
        headers: &headers,
        body: &body,
    };
    let id = match incoming.check_item(path) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let mut changes = match incoming.customer() {
        Ok(changes) => changes,
        Err(response) => return *response,
    };
    let if_match = headers.get("if-match").and_then(|v| v.to_str().ok());
    let Ok(mut store) = state.store.lock() else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serverError",
            "store unavailable",
            &[],
        );
    };
    let Some(stored) = store.get_mut(&id) else {
        return not_found();
    };
    if let Some(refusal) = stale(if_match, &stored.etag()) {
        return refusal;
    }
    // `defaultShippingAddress.id` and the like move the default; the customer's
    // answers show the defaults from its sub-resources.
    if let Err(response) = wallet::take_defaults(stored, &mut changes) {
        return *response;
    }
    merge(&mut stored.body, Value::Object(changes));
    stored.version += 1;
    let shown = wallet::customer_shown(stored, &id);
    let etag = stored.etag();
    drop(store);
    answer(StatusCode::OK, Some(&shown), &[(header::ETAG, etag)])
}

async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let incoming = Incoming {
        operation: "deleteCustomer",
        headers: &headers,
        body: &[],
    };
    let id = match incoming.check_item(path) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let removed = state
        .store
        .lock()
        .ok()
        .and_then(|mut store| store.remove(&id));
    match removed {
        Some(_) => answer(StatusCode::NO_CONTENT, None, &[]),
        None => not_found(),
    }
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

/// The 412 for an `if-match` that names another version than `etag`, if it does.
fn stale(if_match: Option<&str>, etag: &str) -> Option<Response> {
    let expected = if_match?;
    (unquote(expected) != unquote(etag)).then(|| {
        error(
            StatusCode::PRECONDITION_FAILED,
            "conflict",
            "Action cannot be performed as the if-match header value does not match the token etag",
            &[],
        )
    })
}

/// `"3"`, `W/"3"` and `3` name the same version.
fn unquote(etag: &str) -> &str {
    etag.trim().trim_start_matches("W/").trim_matches('"')
}

/// Merges a patch: objects merge field by field, anything else replaces. (Bodies with
/// `null` are refused earlier, so nothing is removed.)
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": [1], "e": 1});
        merge(&mut target, json!({"a": {"b": 3}, "d": [2], "f": "new"}));
        assert_eq!(
            target,
            json!({"a": {"b": 3, "c": 2}, "d": [2], "e": 1, "f": "new"})
        );
        let mut nulls = json!({"a": [null, {"b": null}]});
        replace_nulls(&mut nulls);
        assert_eq!(nulls, json!({"a": [0, {"b": 0}]}));
    }

    #[test]
    fn etags_compare_without_quotes() {
        assert_eq!(unquote("\"3\""), "3");
        assert_eq!(unquote("W/\"3\""), "3");
        assert_eq!(unquote("3"), "3");
    }
}
