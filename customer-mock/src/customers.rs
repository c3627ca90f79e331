//! The customer handlers: create answers 201 with a fresh id, `_links`, `metadata`,
//! `Location` and `ETag`; retrieve 200 with its `ETag` and its defaults; update merges
//! its merge patch (RFC 7396: `null` removes; and moves the defaults it names) under
//! `if-match`; delete 204,
//! with all the customer owns.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use customer_client::rules::ids;
use customer_client::types;
use serde_json::{Map, Value, json};

use crate::checks::{Incoming, as_type};
use crate::reply::{Refusal, answer, fresh, not_found, store_unavailable};
use crate::state::{AppState, CUSTOMERS};
use crate::store::{merge, new_id};
use crate::wallet;

/// Fields the server owns: never taken from a request body.
const SERVER_OWNED: &[&str] = &["id", "_links", "metadata", "_embedded"];

/// The body as a customer: JSON, the documented types, the spec's limits.
fn customer_fields(incoming: &Incoming<'_>) -> Result<Map<String, Value>, Refusal> {
    incoming.body(as_type::<types::Customer>, SERVER_OWNED)
}

fn links(id: &str) -> Value {
    json!({
        "self": {"href": format!("{CUSTOMERS}/{id}")},
        "paymentInstruments": {"href": format!("{CUSTOMERS}/{id}/payment-instruments")},
        "shippingAddress": {"href": format!("{CUSTOMERS}/{id}/shipping-addresses")},
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = Incoming::new(ids::POST_CUSTOMER, &headers, &body);
    incoming.check()?;
    let mut customer = customer_fields(&incoming)?;
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
    let stored = state
        .store
        .lock()
        .map_err(|_| store_unavailable())?
        .insert(id.clone(), Value::Object(customer));
    Ok(answer(
        StatusCode::CREATED,
        Some(&stored.body),
        &[
            (header::LOCATION, format!("{CUSTOMERS}/{id}")),
            (header::ETAG, stored.etag()),
        ],
    ))
}

pub(crate) async fn retrieve(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = Incoming::new(ids::GET_CUSTOMER, &headers, &[]);
    let id = incoming.customer(path)?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    let stored = store.get(&id).ok_or_else(|| not_found("Customer"))?;
    let shown = wallet::customer_shown(stored, &id, &store.identifiers);
    let etag = stored.etag();
    drop(store);
    Ok(answer(
        StatusCode::OK,
        Some(&shown),
        &[(header::ETAG, etag)],
    ))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = Incoming::new(ids::PATCH_CUSTOMER, &headers, &body);
    let id = incoming.customer(path)?;
    let mut patch = incoming.patch(as_type::<types::Customer>, SERVER_OWNED)?;
    let if_match = incoming.if_match();
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    let stored = store.get_mut(&id).ok_or_else(|| not_found("Customer"))?;
    fresh(if_match, &stored.etag())?;
    // `defaultShippingAddress.id` and the like move the default; the customer's
    // answers show the defaults from its sub-resources.
    wallet::take_defaults(stored, &mut patch)?;
    let mut next = stored.body.clone();
    merge(&mut next, Value::Object(patch));
    stored.body = incoming.patched(next, as_type::<types::Customer>)?;
    stored.version += 1;
    let etag = stored.etag();
    let stored = store.get(&id).ok_or_else(|| not_found("Customer"))?;
    let shown = wallet::customer_shown(stored, &id, &store.identifiers);
    drop(store);
    Ok(answer(
        StatusCode::OK,
        Some(&shown),
        &[(header::ETAG, etag)],
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = Incoming::new(ids::DELETE_CUSTOMER, &headers, &[]);
    let id = incoming.customer(path)?;
    state
        .store
        .lock()
        .map_err(|_| store_unavailable())?
        .remove(&id)
        .ok_or_else(|| not_found("Customer"))?;
    Ok(answer(StatusCode::NO_CONTENT, None, &[]))
}
