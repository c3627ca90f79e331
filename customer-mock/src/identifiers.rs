//! Instrument identifiers, kept as TMS keeps them: one per card number, or per bank
//! account number with its routing number (a number posted again answers 200 with the
//! same identifier); ids of 19 digits; numbers shown masked (a card's first six and last
//! four digits, a bank account's last four), and never kept whole (the store keys them
//! by their SHA-256); what CyberSource does not keep (expiry, security code, billing
//! address, EMV tags) not kept either. One a payment instrument names cannot be deleted
//! (409); its payment instruments list like a customer's.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use customer_client::rules::{self, ids};
use customer_client::types;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::checks::{Incoming, as_type};
use crate::paging;
use crate::reply::{Refusal, answer, fresh, not_found, store_unavailable};
use crate::state::AppState;
use crate::store::{Identifier, Store, merge, new_identifier_id};
use crate::wallet::{self, PAYMENT_INSTRUMENTS};

/// The collection path, as the spec gives it.
pub(crate) const INSTRUMENT_IDENTIFIERS: &str = "/tms/v1/instrumentidentifiers";

/// Fields of a request body the mock does not keep: the server's own, and what
/// CyberSource sends on to the issuer without keeping (expiry, security code, billing
/// address) or that can carry the card number (EMV tags, a network token's card).
const NOT_KEPT: &[&str] = &[
    "id",
    "_links",
    "object",
    "state",
    "metadata",
    "issuer",
    "_embedded",
    "billTo",
    "pointOfSaleInformation",
    "tokenizedCard",
];

fn incoming<'a>(operation: &'static str, headers: &'a HeaderMap, body: &'a [u8]) -> Incoming<'a> {
    Incoming::new(operation, headers, body)
}

/// The headers, then the identifier id of the path.
fn identifier_id(
    incoming: &Incoming<'_>,
    path: Result<Path<String>, PathRejection>,
) -> Result<String, Refusal> {
    incoming.check()?;
    let Ok(Path(id)) = path else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalidFields",
            "instrumentIdentifierId is not a valid path segment",
        )
        .at("instrumentIdentifierId", "path"));
    };
    incoming.path_parameter("instrumentIdentifierId", &id)?;
    Ok(id)
}

/// Whether the query asks for `retrieveBinDetails`, checked against the spec.
fn bin_details(operation: &'static str, uri: &Uri) -> Result<bool, Refusal> {
    let mut wanted = false;
    for pair in uri.query().unwrap_or_default().split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == "retrieveBinDetails" {
            // The spec's rule, `true` or `false`, in any case: the Python SDK sends `True`.
            let value = value.to_ascii_lowercase();
            rules::check_parameter(operation, name, Some(&value))
                .map_err(|v| Refusal::invalid("invalidParameters", v, "query"))?;
            wanted = value == "true";
        }
    }
    Ok(wanted)
}

/// `number` masked as CyberSource shows a card number: its first six and last four
/// characters, `X` between (the number may be an encoded account number, not digits).
fn masked_card(number: &str) -> String {
    let length = number.chars().count();
    number
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 6 || i + 4 >= length { c } else { 'X' })
        .collect()
}

/// A bank account number with all but its last four characters masked.
fn masked_account(number: &str) -> String {
    let keep = number.chars().count().saturating_sub(4);
    number
        .chars()
        .enumerate()
        .map(|(i, c)| if i < keep { 'X' } else { c })
        .collect()
}

/// The fields kept of a create body, with the number masked, and the number's key;
/// 400 when it names neither a card number nor a bank account number.
fn kept_and_key(mut fields: Map<String, Value>) -> Result<(Map<String, Value>, [u8; 32]), Refusal> {
    for name in NOT_KEPT {
        fields.remove(*name);
    }
    let text = |value: Option<&Value>, name: &str| {
        value
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let card_number = text(fields.get("card"), "number").filter(|n| !n.is_empty());
    let account = text(fields.get("bankAccount"), "number").filter(|n| !n.is_empty());
    let routing = text(fields.get("bankAccount"), "routingNumber").unwrap_or_default();
    // One identifier stands for one number: the card's, else the bank account's; the
    // other is not kept.
    let key = if let Some(number) = card_number {
        // Expiry and security code go to the issuer; CyberSource does not keep them.
        fields.insert("card".into(), json!({"number": masked_card(&number)}));
        fields.remove("bankAccount");
        Sha256::digest(format!("card:{number}"))
    } else if let Some(number) = account {
        fields.insert(
            "bankAccount".into(),
            json!({"number": masked_account(&number), "routingNumber": routing}),
        );
        fields.remove("card");
        Sha256::digest(format!("bank:{number}:{routing}"))
    } else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "missingFields",
            "card.number or bankAccount.number is required",
        )
        .at("card.number", "body"));
    };
    Ok((fields, key.into()))
}

/// A made-up BIN lookup for a masked card number: the brand follows from its first
/// digits (as the networks assign them), the rest is plausible filler.
fn bin_lookup(masked: &str) -> Value {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| masked.starts_with(p));
    let two: u32 = masked.get(..2).and_then(|d| d.parse().ok()).unwrap_or(0);
    let four: u32 = masked.get(..4).and_then(|d| d.parse().ok()).unwrap_or(0);
    let (kind, brand) = if starts(&["4"]) {
        ("001", "VISA")
    } else if (51..=55).contains(&two) || (2221..=2720).contains(&four) {
        ("002", "MASTERCARD")
    } else if starts(&["34", "37"]) {
        ("003", "AMERICAN EXPRESS")
    } else if starts(&["6011", "65"]) || (644..=649).contains(&(four / 10)) {
        ("004", "DISCOVER")
    } else if starts(&["35"]) {
        ("007", "JCB")
    } else if starts(&["30", "36", "38"]) {
        ("005", "DINERS CLUB")
    } else {
        ("000", "UNKNOWN")
    };
    json!({
        "paymentAccountInformation": {
            "card": {
                "type": kind,
                "brandName": brand,
                "currency": "USD",
                "maxLength": masked.len().to_string(),
                "credentialType": "PAN",
                "brands": [{"type": kind, "brandName": brand}],
            },
            "features": {"accountFundingSource": "CREDIT", "cardPlatform": "CONSUMER"},
            "network": {"id": "0002"},
        },
        "issuerInformation": {
            "name": "CUSTOMER-MOCK ISSUER",
            "country": "US",
            "binLength": "6",
            "accountPrefix": masked.get(..6).unwrap_or_default(),
        },
    })
}

/// The answer showing `identifier`, with its `ETag` (and `extra` headers); the BIN
/// lookup embedded when asked for.
fn identifier_answer(
    status: StatusCode,
    identifier: &Identifier,
    bin: bool,
    mut extra: Vec<(header::HeaderName, String)>,
) -> Response {
    let mut body = identifier.body.clone();
    if bin && let Some(masked) = body.pointer("/card/number").and_then(Value::as_str) {
        body["_embedded"] = json!({"binLookup": bin_lookup(masked)});
    }
    extra.push((header::ETAG, identifier.etag()));
    answer(status, Some(&body), &extra)
}

/// The payment instruments of every customer that name identifier `id`, as shown,
/// in a stable order (by customer id, then creation).
fn instruments_naming(store: &Store, id: &str) -> Vec<Value> {
    let mut customers: Vec<_> = store.customers().collect();
    customers.sort_by(|a, b| a.0.cmp(b.0));
    let mut items = Vec::new();
    for (customer, stored) in customers {
        let Some(children) = stored.children.get(PAYMENT_INSTRUMENTS.collection) else {
            continue;
        };
        for child in &children.items {
            if child
                .body
                .pointer("/instrumentIdentifier/id")
                .and_then(Value::as_str)
                == Some(id)
            {
                items.push(wallet::shown(
                    &PAYMENT_INSTRUMENTS,
                    customer,
                    children,
                    child,
                    &store.identifiers,
                ));
            }
        }
    }
    items
}

pub(crate) async fn create(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = incoming(ids::POST_INSTRUMENT_IDENTIFIER, &headers, &body);
    incoming.check()?;
    let bin = bin_details(incoming.operation, &uri)?;
    let fields = incoming.body(as_type::<types::InstrumentIdentifier>, &[])?;
    let (mut fields, key) = kept_and_key(fields)?;
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    if let Some(existing) = store.identifiers.by_number(&key) {
        return Ok(identifier_answer(StatusCode::OK, existing, bin, Vec::new()));
    }
    if store.identifiers.len() >= store.capacity {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "conflict",
            "the mock holds the most instrument identifiers it keeps",
        ));
    }
    let id = new_identifier_id();
    let location = format!("{INSTRUMENT_IDENTIFIERS}/{id}");
    fields.insert("id".into(), json!(id));
    fields.insert("object".into(), json!("instrumentIdentifier"));
    fields.insert("state".into(), json!("ACTIVE"));
    fields.insert(
        "_links".into(),
        json!({
            "self": {"href": location},
            "paymentInstruments": {"href": format!("{location}/paymentinstruments")},
        }),
    );
    let identifier = Identifier {
        id,
        body: Value::Object(fields),
        version: 1,
    };
    let answer = identifier_answer(
        StatusCode::CREATED,
        &identifier,
        bin,
        vec![(header::LOCATION, location)],
    );
    store.identifiers.insert(key, identifier);
    Ok(answer)
}

pub(crate) async fn retrieve(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(ids::GET_INSTRUMENT_IDENTIFIER, &headers, &[]);
    let id = identifier_id(&incoming, path)?;
    let bin = bin_details(incoming.operation, &uri)?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    let identifier = store
        .identifiers
        .get(&id)
        .ok_or_else(|| not_found("Instrument identifier"))?;
    Ok(identifier_answer(
        StatusCode::OK,
        identifier,
        bin,
        Vec::new(),
    ))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = incoming(ids::PATCH_INSTRUMENT_IDENTIFIER, &headers, &body);
    let id = identifier_id(&incoming, path)?;
    let bin = bin_details(incoming.operation, &uri)?;
    let mut patch = incoming.patch(as_type::<types::InstrumentIdentifier>, NOT_KEPT)?;
    // An identifier stands for one number: a PATCH neither changes nor removes it (a
    // new number is posted for an identifier of its own); expiry and security code are
    // not kept.
    patch.remove("card");
    patch.remove("bankAccount");
    let if_match = incoming.if_match();
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    let identifier = store
        .identifiers
        .get_mut(&id)
        .ok_or_else(|| not_found("Instrument identifier"))?;
    fresh(if_match, &identifier.etag())?;
    let mut next = identifier.body.clone();
    merge(&mut next, Value::Object(patch));
    identifier.body = incoming.patched(next, as_type::<types::InstrumentIdentifier>)?;
    identifier.version += 1;
    Ok(identifier_answer(
        StatusCode::OK,
        identifier,
        bin,
        Vec::new(),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(ids::DELETE_INSTRUMENT_IDENTIFIER, &headers, &[]);
    let id = identifier_id(&incoming, path)?;
    let mut store = state.store.lock().map_err(|_| store_unavailable())?;
    if store.identifiers.get(&id).is_none() {
        return Err(not_found("Instrument identifier"));
    }
    if !instruments_naming(&store, &id).is_empty() {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "instrumentIdentifierDeletionError",
            "The instrument identifier cannot be deleted: a payment instrument uses it",
        ));
    }
    store.identifiers.remove(&id);
    Ok(answer(StatusCode::NO_CONTENT, None, &[]))
}

pub(crate) async fn list_instruments(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let incoming = incoming(
        ids::GET_INSTRUMENT_IDENTIFIER_PAYMENT_INSTRUMENTS_LIST,
        &headers,
        &[],
    );
    let id = identifier_id(&incoming, path)?;
    bin_details(incoming.operation, &uri)?;
    let (offset, limit) = paging::page_of(incoming.operation, &uri)?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    if store.identifiers.get(&id).is_none() {
        return Err(not_found("Instrument identifier"));
    }
    let items = instruments_naming(&store, &id);
    drop(store);
    let path = format!("{INSTRUMENT_IDENTIFIERS}/{id}/paymentinstruments");
    Ok(paging::page_answer(
        &path,
        "paymentInstruments",
        items,
        offset,
        limit,
    ))
}

/// Enrollment for a network token: 202, and nothing recorded (the mock has no card
/// network to ask, so there is nothing to show later).
pub(crate) async fn enroll(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let incoming = incoming(ids::POST_INSTRUMENT_IDENTIFIER_ENROLLMENT, &headers, &body);
    let id = identifier_id(&incoming, path)?;
    incoming.body(as_type::<types::InstrumentIdentifier>, &[])?;
    let store = state.store.lock().map_err(|_| store_unavailable())?;
    if store.identifiers.get(&id).is_none() {
        return Err(not_found("Instrument identifier"));
    }
    Ok(answer(StatusCode::ACCEPTED, None, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_as_cybersource_shows_them() {
        assert_eq!(masked_card("4111111111111111"), "411111XXXXXX1111");
        assert_eq!(masked_card("411111111111"), "411111XX1111");
        assert_eq!(masked_account("4100000123"), "XXXXXX0123");
    }

    #[test]
    fn the_brand_follows_from_the_first_digits() {
        let brand =
            |n: &str| bin_lookup(n)["paymentAccountInformation"]["card"]["brandName"].clone();
        assert_eq!(brand("411111XXXXXX1111"), "VISA");
        assert_eq!(brand("555555XXXXXX4444"), "MASTERCARD");
        assert_eq!(brand("222300XXXXXX0010"), "MASTERCARD");
        assert_eq!(brand("378282XXXXX0005"), "AMERICAN EXPRESS");
        assert_eq!(brand("601111XXXXXX1117"), "DISCOVER");
        assert_eq!(brand("353011XXXXXX0000"), "JCB");
        assert_eq!(brand("900000XXXXXX0000"), "UNKNOWN");
    }
}
