//! A customer's shipping addresses and payment instruments, kept as TMS keeps them:
//! create, list (paged), retrieve, update (with `if-match`) and delete. The first of a
//! collection becomes the customer's default, `default: true` moves the default, and
//! the default cannot be deleted while others exist (409). A sub-resource of another
//! customer is not found (404). A payment instrument names its card by an instrument
//! identifier that exists (`identifiers.rs`), and shows it, masked, under `_embedded`.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, Uri, header};
use axum::response::Response;
use customer_client::rules::ids;
use customer_client::types;
use serde_json::{Map, Value, json};

use crate::checks::{Decode, Incoming, as_type};
use crate::paging::{page_answer, page_of};
use crate::reply::{Refusal, answer, fresh, not_found, store_unavailable};
use crate::state::{AppState, CUSTOMERS};
use crate::store::{Child, Children, Identifiers, Store, Stored, merge, new_id};

/// One collection of a customer's sub-resources: its path, its names in bodies, and the
/// spec's operations on it.
pub(crate) struct Kind {
    /// The path segment after the customer, e.g. `shipping-addresses`.
    pub collection: &'static str,
    /// The path parameter naming one item, e.g. `shippingAddressId`.
    id_param: &'static str,
    /// The array under a page's `_embedded`, e.g. `shippingAddresses`.
    list_key: &'static str,
    /// The customer's field naming the default, e.g. `defaultShippingAddress`.
    pub default_field: &'static str,
    create: &'static str,
    list: &'static str,
    retrieve: &'static str,
    update: &'static str,
    delete: &'static str,
    decode: Decode,
    /// What the server adds to an item it shows, beyond id, links, metadata and default.
    shown: fn(&mut Map<String, Value>, &Identifiers),
    /// What the server changes in a body's fields before keeping them.
    kept: fn(&mut Map<String, Value>),
    /// Whether an item names an instrument identifier (`instrumentIdentifier.id`),
    /// which must exist: required on create, checked on update.
    names_identifier: bool,
}

pub(crate) static SHIPPING_ADDRESSES: Kind = Kind {
    collection: "shipping-addresses",
    id_param: "shippingAddressId",
    list_key: "shippingAddresses",
    default_field: "defaultShippingAddress",
    create: ids::POST_CUSTOMER_SHIPPING_ADDRESS,
    list: ids::GET_CUSTOMER_SHIPPING_ADDRESSES_LIST,
    retrieve: ids::GET_CUSTOMER_SHIPPING_ADDRESS,
    update: ids::PATCH_CUSTOMERS_SHIPPING_ADDRESS,
    delete: ids::DELETE_CUSTOMER_SHIPPING_ADDRESS,
    decode: as_type::<types::ShippingAddress>,
    shown: |_, _| {},
    kept: |_| {},
    names_identifier: false,
};

pub(crate) static PAYMENT_INSTRUMENTS: Kind = Kind {
    collection: "payment-instruments",
    id_param: "paymentInstrumentId",
    list_key: "paymentInstruments",
    default_field: "defaultPaymentInstrument",
    create: ids::POST_CUSTOMER_PAYMENT_INSTRUMENT,
    list: ids::GET_CUSTOMER_PAYMENT_INSTRUMENTS_LIST,
    retrieve: ids::GET_CUSTOMER_PAYMENT_INSTRUMENT,
    update: ids::PATCH_CUSTOMERS_PAYMENT_INSTRUMENT,
    delete: ids::DELETE_CUSTOMER_PAYMENT_INSTRUMENT,
    decode: as_type::<types::PaymentInstrument>,
    shown: |item, identifiers| {
        item.insert("object".into(), json!("paymentInstrument"));
        item.insert("state".into(), json!("ACTIVE"));
        let named = item
            .get("instrumentIdentifier")
            .and_then(|i| i.get("id"))
            .and_then(Value::as_str)
            .and_then(|id| identifiers.get(id));
        if let Some(identifier) = named {
            item.insert(
                "_embedded".into(),
                json!({"instrumentIdentifier": identifier.body}),
            );
        }
    },
    // `card.hash` is the server's (read-only): not taken from a request.
    kept: |fields| {
        if let Some(card) = fields.get_mut("card").and_then(Value::as_object_mut) {
            card.remove("hash");
        }
    },
    names_identifier: true,
};

/// Both collections, for the customer's own answers.
pub(crate) static KINDS: [&Kind; 2] = [&SHIPPING_ADDRESSES, &PAYMENT_INSTRUMENTS];

/// Fields of an item the server sets: never taken from a request body.
const ITEM_OWNED: &[&str] = &[
    "id",
    "_links",
    "metadata",
    "_embedded",
    "object",
    "state",
    "type",
];

/// An item as the server shows it: its fields, with id, links, the customer's default
/// flag and metadata.
pub(crate) fn shown(
    kind: &Kind,
    customer: &str,
    children: &Children,
    child: &Child,
    identifiers: &Identifiers,
) -> Value {
    let mut item = child.body.as_object().cloned().unwrap_or_default();
    item.insert("id".into(), json!(child.id));
    item.insert(
        "_links".into(),
        json!({
            "self": {"href": format!("{CUSTOMERS}/{customer}/{}/{}", kind.collection, child.id)},
            "customer": {"href": format!("{CUSTOMERS}/{customer}")},
        }),
    );
    item.insert(
        "default".into(),
        json!(children.default.as_deref() == Some(child.id.as_str())),
    );
    (kind.shown)(&mut item, identifiers);
    Value::Object(item)
}

/// The customer's answer with its defaults: `default...: {id}` and the default items
/// under `_embedded`.
pub(crate) fn customer_shown(stored: &Stored, customer: &str, identifiers: &Identifiers) -> Value {
    let mut body = stored.body.clone();
    for kind in KINDS {
        let Some(children) = stored.children.get(kind.collection) else {
            continue;
        };
        let Some(default) = children.default.as_deref().and_then(|id| children.get(id)) else {
            continue;
        };
        body[kind.default_field] = json!({"id": default.id});
        body["_embedded"][kind.default_field] =
            shown(kind, customer, children, default, identifiers);
    }
    body
}

/// Moves the customer's defaults to the items a customer update names
/// (`defaultShippingAddress.id`, ...); 404 for an item the customer does not have.
pub(crate) fn take_defaults(
    stored: &mut Stored,
    changes: &mut Map<String, Value>,
) -> Result<(), Refusal> {
    for kind in KINDS {
        let Some(named) = changes.remove(kind.default_field) else {
            continue;
        };
        let Some(id) = named.get("id").and_then(Value::as_str) else {
            continue;
        };
        let children = stored.children.entry(kind.collection).or_default();
        if children.get(id).is_none() {
            return Err(not_found(&format!(
                "{}.id: the customer's {} item `{id}`",
                kind.default_field, kind.collection
            )));
        }
        children.default = Some(id.to_owned());
    }
    Ok(())
}

/// The fields of a create or update body; `default` taken out (the customer keeps it).
fn fields_of(
    kind: &Kind,
    incoming: &Incoming<'_>,
) -> Result<(Map<String, Value>, Option<bool>), Refusal> {
    let mut fields = incoming.body(kind.decode, ITEM_OWNED)?;
    let default = fields.remove("default").and_then(|v| v.as_bool());
    (kind.kept)(&mut fields);
    Ok((fields, default))
}

/// 400 unless `fields` name an instrument identifier the mock holds; naming none is
/// refused only when `required` (on create). 400, not 404: the path's resource exists,
/// a field of the body is wrong, and both create and update document 400.
fn check_identifier(
    identifiers: &Identifiers,
    fields: &Map<String, Value>,
    required: bool,
) -> Result<(), Refusal> {
    const FIELD: &str = "instrumentIdentifier.id";
    let named = fields
        .get("instrumentIdentifier")
        .and_then(|i| i.get("id"))
        .and_then(Value::as_str);
    match named {
        None if required => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "missingFields",
            format!(
                "{FIELD} is required: create the instrument identifier of the card number first"
            ),
        )
        .at(FIELD, "body")),
        Some(id) if identifiers.get(id).is_none() => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalidFields",
            format!("{FIELD}: no instrument identifier `{id}`"),
        )
        .at(FIELD, "body")),
        _ => Ok(()),
    }
}

fn incoming<'a>(operation: &'static str, headers: &'a HeaderMap, body: &'a [u8]) -> Incoming<'a> {
    Incoming::new(operation, headers, body)
}

pub(crate) async fn create(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = incoming(kind.create, &headers, &body);
    let customer = incoming.customer(path)?;
    let (fields, default) = fields_of(kind, &incoming)?;
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    if store.get(&customer).is_some() && kind.names_identifier {
        check_identifier(&store.identifiers, &fields, true)?;
    }
    let stored = store
        .get_mut(&customer)
        .ok_or_else(|| not_found("Customer"))?;
    let children = stored.children.entry(kind.collection).or_default();
    if children.items.len() >= Children::CAPACITY {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("the customer has the most {} the mock keeps", kind.list_key),
        ));
    }
    let id = new_id();
    children.items.push(Child {
        id: id.clone(),
        body: Value::Object(fields),
        version: 1,
    });
    // The first becomes the default; `default: true` makes a later one the default.
    if children.default.is_none() || default == Some(true) {
        children.default = Some(id.clone());
    }
    let children = children.clone();
    stored.version += 1;
    let location = format!("{CUSTOMERS}/{customer}/{}/{id}", kind.collection);
    item_answer(
        StatusCode::CREATED,
        kind,
        &customer,
        (&children, &store),
        &id,
        vec![(header::LOCATION, location)],
    )
}

/// The answer showing item `id` of `children` (with the store's identifiers), with
/// its `ETag` (and `extra` headers).
fn item_answer(
    status: StatusCode,
    kind: &Kind,
    customer: &str,
    (children, store): (&Children, &Store),
    id: &str,
    mut extra: Vec<(HeaderName, String)>,
) -> Result<Response, Refusal> {
    let child = children.get(id).ok_or_else(|| not_found(kind.list_key))?;
    extra.push((header::ETAG, child.etag()));
    Ok(answer(
        status,
        Some(&shown(kind, customer, children, child, &store.identifiers)),
        &extra,
    ))
}

pub(crate) async fn list(
    kind: &'static Kind,
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(kind.list, &headers, &[]);
    let customer = incoming.customer(path)?;
    let (offset, limit) = page_of(kind.list, &uri)?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    let children = store
        .get(&customer)
        .ok_or_else(|| not_found("Customer"))?
        .children
        .get(kind.collection)
        .cloned()
        .unwrap_or_default();
    let items: Vec<Value> = children
        .items
        .iter()
        .map(|child| shown(kind, &customer, &children, child, &store.identifiers))
        .collect();
    drop(store);
    let path = format!("{CUSTOMERS}/{customer}/{}", kind.collection);
    Ok(page_answer(&path, kind.list_key, items, offset, limit))
}

pub(crate) async fn retrieve(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(kind.retrieve, &headers, &[]);
    let (customer, item) = incoming.customer_and_item(kind.id_param, path)?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    let stored = store.get(&customer).ok_or_else(|| not_found("Customer"))?;
    let children = stored
        .children
        .get(kind.collection)
        .cloned()
        .unwrap_or_default();
    item_answer(
        StatusCode::OK,
        kind,
        &customer,
        (&children, &store),
        &item,
        Vec::new(),
    )
}

pub(crate) async fn update(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = incoming(kind.update, &headers, &body);
    let (customer, item) = incoming.customer_and_item(kind.id_param, path)?;
    let mut patch = incoming.patch(kind.decode, ITEM_OWNED)?;
    let default = patch.remove("default").and_then(|v| v.as_bool());
    (kind.kept)(&mut patch);
    let if_match = incoming.if_match();
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    let Store { identifiers, .. } = &*store;
    let stored = store.get(&customer).ok_or_else(|| not_found("Customer"))?;
    let child = stored
        .children
        .get(kind.collection)
        .and_then(|children| children.get(&item))
        .ok_or_else(|| not_found(kind.list_key))?;
    fresh(if_match, &child.etag())?;
    let mut next = child.body.clone();
    merge(&mut next, Value::Object(patch));
    let next = incoming.patched(next, kind.decode)?;
    if kind.names_identifier {
        // A payment instrument keeps naming an identifier that exists.
        let fields = next.as_object().cloned().unwrap_or_default();
        check_identifier(identifiers, &fields, true)?;
    }
    let stored = store
        .get_mut(&customer)
        .ok_or_else(|| not_found("Customer"))?;
    let children = stored.children.entry(kind.collection).or_default();
    let child = children
        .get_mut(&item)
        .ok_or_else(|| not_found(kind.list_key))?;
    child.body = next;
    child.version += 1;
    if default == Some(true) {
        children.default = Some(item.clone());
    }
    let children = children.clone();
    stored.version += 1;
    item_answer(
        StatusCode::OK,
        kind,
        &customer,
        (&children, &store),
        &item,
        Vec::new(),
    )
}

pub(crate) async fn remove(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(kind.delete, &headers, &[]);
    let (customer, item) = incoming.customer_and_item(kind.id_param, path)?;
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    let stored = store
        .get_mut(&customer)
        .ok_or_else(|| not_found("Customer"))?;
    let children = stored.children.entry(kind.collection).or_default();
    let at = children
        .items
        .iter()
        .position(|c| c.id == item)
        .ok_or_else(|| not_found(kind.list_key))?;
    let is_default = children.default.as_deref() == Some(item.as_str());
    if is_default && children.items.len() > 1 {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "The default cannot be deleted while the customer has other {}; make another one the default first",
                kind.list_key
            ),
        ));
    }
    children.items.remove(at);
    if is_default {
        children.default = None;
    }
    stored.version += 1;
    Ok(answer(StatusCode::NO_CONTENT, None, &[]))
}
