//! A customer's shipping addresses and payment instruments, kept as TMS keeps them:
//! create, list (paged), retrieve, update (with `if-match`) and delete. The first of a
//! collection becomes the customer's default, `default: true` moves the default, and
//! the default cannot be deleted while others exist (409). A sub-resource of another
//! customer is not found (404). Card numbers are kept masked, security codes not at all.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, Uri, header};
use axum::response::Response;
use customer_client::{rules, types};
use serde_json::{Map, Value, json};

use crate::store::{Child, Children, Stored};
use crate::{AppState, CUSTOMERS, Decode, Incoming, Refusal, answer, error, merge, stale};

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
    shown: fn(&mut Map<String, Value>),
    /// What the server changes in a body's fields before keeping them.
    kept: fn(&mut Map<String, Value>),
}

pub(crate) static SHIPPING_ADDRESSES: Kind = Kind {
    collection: "shipping-addresses",
    id_param: "shippingAddressId",
    list_key: "shippingAddresses",
    default_field: "defaultShippingAddress",
    create: "postCustomerShippingAddress",
    list: "getCustomerShippingAddressesList",
    retrieve: "getCustomerShippingAddress",
    update: "patchCustomersShippingAddress",
    delete: "deleteCustomerShippingAddress",
    decode: |value| serde_path_to_error::deserialize::<_, types::ShippingAddress>(value).map(drop),
    shown: |_| {},
    kept: |_| {},
};

pub(crate) static PAYMENT_INSTRUMENTS: Kind = Kind {
    collection: "payment-instruments",
    id_param: "paymentInstrumentId",
    list_key: "paymentInstruments",
    default_field: "defaultPaymentInstrument",
    create: "postCustomerPaymentInstrument",
    list: "getCustomerPaymentInstrumentsList",
    retrieve: "getCustomerPaymentInstrument",
    update: "patchCustomersPaymentInstrument",
    delete: "deleteCustomerPaymentInstrument",
    decode: |value| {
        serde_path_to_error::deserialize::<_, types::PaymentInstrument>(value).map(drop)
    },
    shown: |item| {
        item.insert("object".into(), json!("paymentInstrument"));
        item.insert("state".into(), json!("ACTIVE"));
    },
    kept: keep_card_data_masked,
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

fn store_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "serverError",
        "store unavailable",
        &[],
    )
}

fn not_found(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "notFound",
        &format!("{what} not found"),
        &[],
    )
}

/// A path parameter checked against the spec: 400 naming it when it breaks a rule.
fn checked(operation: &str, name: &str, value: &str) -> Result<(), Refusal> {
    rules::check_parameter(operation, name, Some(value)).map_err(|v| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalidFields",
            &format!("{} {}", v.parameter, v.rule),
            &[(&v.parameter, "path")],
        ))
    })
}

/// An item as the server shows it: its fields, with id, links, the customer's default
/// flag and metadata.
fn shown(kind: &Kind, customer: &str, children: &Children, child: &Child) -> Value {
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
    (kind.shown)(&mut item);
    Value::Object(item)
}

/// The customer's answer with its defaults: `default...: {id}` and the default items
/// under `_embedded`.
pub(crate) fn customer_shown(stored: &Stored, customer: &str) -> Value {
    let mut body = stored.body.clone();
    for kind in KINDS {
        let Some(children) = stored.children.get(kind.collection) else {
            continue;
        };
        let Some(default) = children.default.as_deref().and_then(|id| children.get(id)) else {
            continue;
        };
        body[kind.default_field] = json!({"id": default.id});
        body["_embedded"][kind.default_field] = shown(kind, customer, children, default);
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
            return Err(Box::new(not_found(&format!(
                "{}.id: the customer's {} item `{id}`",
                kind.default_field, kind.collection
            ))));
        }
        children.default = Some(id.to_owned());
    }
    Ok(())
}

/// Keeps card data as TMS keeps it: a card number given through
/// `instrumentIdentifier.card.number` only masked (first six and last four digits, under
/// `_embedded.instrumentIdentifier`), and no security code anywhere.
fn keep_card_data_masked(fields: &mut Map<String, Value>) {
    fn drop_security_codes(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("securityCode");
                map.values_mut().for_each(drop_security_codes);
            }
            Value::Array(items) => items.iter_mut().for_each(drop_security_codes),
            _ => {}
        }
    }
    // `card.hash` is the server's (read-only): not taken from a request.
    if let Some(card) = fields.get_mut("card").and_then(Value::as_object_mut) {
        card.remove("hash");
    }
    let card = fields
        .get_mut("instrumentIdentifier")
        .and_then(Value::as_object_mut)
        .and_then(|identifier| identifier.remove("card"));
    fields.remove("securityCode");
    fields.values_mut().for_each(drop_security_codes);
    let Some(number) = card
        .as_ref()
        .and_then(|c| c.get("number"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let masked: String = digits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 6 || i + 4 >= digits.len() {
                *c
            } else {
                'X'
            }
        })
        .collect();
    fields.insert(
        "_embedded".into(),
        json!({"instrumentIdentifier": {
            "object": "instrumentIdentifier",
            "state": "ACTIVE",
            "card": {"number": masked},
        }}),
    );
}

/// The fields of a create or update body; `default` taken out (the customer keeps it).
fn fields_of(
    kind: &Kind,
    incoming: &Incoming<'_>,
) -> Result<(Map<String, Value>, Option<bool>), Refusal> {
    let mut fields = incoming.body_of(kind.decode, ITEM_OWNED)?;
    let default = fields.remove("default").and_then(|v| v.as_bool());
    (kind.kept)(&mut fields);
    Ok((fields, default))
}

fn incoming<'a>(operation: &'static str, headers: &'a HeaderMap, body: &'a [u8]) -> Incoming<'a> {
    Incoming {
        operation,
        headers,
        body,
    }
}

pub(crate) async fn create(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let incoming = incoming(kind.create, &headers, &body);
    let customer = match incoming.check_item(path) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let (fields, default) = match fields_of(kind, &incoming) {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let Ok(mut store) = state.store.lock() else {
        return store_error();
    };
    let Some(stored) = store.get_mut(&customer) else {
        return not_found("Customer");
    };
    let children = stored.children.entry(kind.collection).or_default();
    if children.items.len() >= Children::CAPACITY {
        return error(
            StatusCode::CONFLICT,
            "conflict",
            &format!("the customer has the most {} the mock keeps", kind.list_key),
            &[],
        );
    }
    let id = crate::new_id();
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
    drop(store);
    let child = children.get(&id).expect("just added");
    answer(
        StatusCode::CREATED,
        Some(&shown(kind, &customer, &children, child)),
        &[
            (
                header::LOCATION,
                format!("{CUSTOMERS}/{customer}/{}/{id}", kind.collection),
            ),
            (header::ETAG, child.etag()),
        ],
    )
}

/// `offset` and `limit` of a list request, checked against the spec.
fn page_of(kind: &Kind, uri: &Uri) -> Result<(usize, usize), Refusal> {
    let mut offset = 0usize;
    let mut limit = 20usize;
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "offset" && name != "limit" {
            continue;
        }
        rules::check_parameter(kind.list, name, Some(value)).map_err(|v| {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalidParameters",
                &format!("{} {}", v.parameter, v.rule),
                &[(&v.parameter, "query")],
            ))
        })?;
        let number = value.parse::<usize>().unwrap_or_default();
        if name == "offset" {
            offset = number;
        } else {
            limit = number;
        }
    }
    Ok((offset, limit))
}

pub(crate) async fn list(
    kind: &'static Kind,
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let incoming = incoming(kind.list, &headers, &[]);
    let customer = match incoming.check_item(path) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let (offset, limit) = match page_of(kind, &uri) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let Some(children) = state.store.lock().ok().and_then(|store| {
        let stored = store.get(&customer)?;
        Some(
            stored
                .children
                .get(kind.collection)
                .cloned()
                .unwrap_or_default(),
        )
    }) else {
        return not_found("Customer");
    };
    let total = children.items.len();
    let page: Vec<Value> = children
        .items
        .iter()
        .skip(offset)
        .take(limit)
        .map(|child| shown(kind, &customer, &children, child))
        .collect();
    let href = |offset: usize| json!({"href": format!("{CUSTOMERS}/{customer}/{}?offset={offset}&limit={limit}", kind.collection)});
    let mut links = Map::new();
    links.insert("self".into(), href(offset));
    links.insert("first".into(), href(0));
    if offset > 0 {
        links.insert("prev".into(), href(offset.saturating_sub(limit)));
    }
    if offset + limit < total {
        links.insert("next".into(), href(offset + limit));
    }
    links.insert("last".into(), href(total.saturating_sub(1) / limit * limit));
    let body = json!({
        "_links": links,
        "offset": offset,
        "limit": limit,
        "count": page.len(),
        "total": total,
        "_embedded": {kind.list_key: page},
    });
    answer(
        StatusCode::OK,
        Some(&body),
        &[(HeaderName::from_static("x-total-count"), total.to_string())],
    )
}

/// The headers ([`Incoming::check`]), then the customer and item ids of
/// an item path, checked against the spec.
fn item_request(
    kind: &Kind,
    incoming: &Incoming<'_>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), Refusal> {
    incoming.check()?;
    let operation = incoming.operation;
    let Ok(Path((customer, item))) = path else {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalidFields",
            "the path is not valid",
            &[],
        )));
    };
    checked(operation, "customerId", &customer)?;
    checked(operation, kind.id_param, &item)?;
    Ok((customer, item))
}

pub(crate) async fn retrieve(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let incoming = incoming(kind.retrieve, &headers, &[]);
    let (customer, item) = match item_request(kind, &incoming, path) {
        Ok(ids) => ids,
        Err(response) => return *response,
    };
    let found = state.store.lock().ok().and_then(|store| {
        let children = store.get(&customer)?.children.get(kind.collection)?.clone();
        let child = children.get(&item)?.clone();
        Some((children, child))
    });
    match found {
        Some((children, child)) => answer(
            StatusCode::OK,
            Some(&shown(kind, &customer, &children, &child)),
            &[(header::ETAG, child.etag())],
        ),
        None => not_found(kind.list_key),
    }
}

pub(crate) async fn update(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Response {
    let incoming = incoming(kind.update, &headers, &body);
    let (customer, item) = match item_request(kind, &incoming, path) {
        Ok(ids) => ids,
        Err(response) => return *response,
    };
    let (fields, default) = match fields_of(kind, &incoming) {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let if_match = headers.get("if-match").and_then(|v| v.to_str().ok());
    let Ok(mut store) = state.store.lock() else {
        return store_error();
    };
    let Some(stored) = store.get_mut(&customer) else {
        return not_found("Customer");
    };
    let children = stored.children.entry(kind.collection).or_default();
    let Some(child) = children.get_mut(&item) else {
        return not_found(kind.list_key);
    };
    if let Some(refusal) = stale(if_match, &child.etag()) {
        return refusal;
    }
    merge(&mut child.body, Value::Object(fields));
    child.version += 1;
    if default == Some(true) {
        children.default = Some(item.clone());
    }
    let children = children.clone();
    stored.version += 1;
    drop(store);
    let child = children.get(&item).expect("still there");
    answer(
        StatusCode::OK,
        Some(&shown(kind, &customer, &children, child)),
        &[(header::ETAG, child.etag())],
    )
}

pub(crate) async fn remove(
    kind: &'static Kind,
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let incoming = incoming(kind.delete, &headers, &[]);
    let (customer, item) = match item_request(kind, &incoming, path) {
        Ok(ids) => ids,
        Err(response) => return *response,
    };
    let Ok(mut store) = state.store.lock() else {
        return store_error();
    };
    let Some(stored) = store.get_mut(&customer) else {
        return not_found("Customer");
    };
    let children = stored.children.entry(kind.collection).or_default();
    let Some(at) = children.items.iter().position(|c| c.id == item) else {
        return not_found(kind.list_key);
    };
    let is_default = children.default.as_deref() == Some(item.as_str());
    if is_default && children.items.len() > 1 {
        return error(
            StatusCode::CONFLICT,
            "conflict",
            &format!(
                "The default cannot be deleted while the customer has other {}; make another one the default first",
                kind.list_key
            ),
            &[],
        );
    }
    children.items.remove(at);
    if is_default {
        children.default = None;
    }
    stored.version += 1;
    answer(StatusCode::NO_CONTENT, None, &[])
}
