//! What customer-mock records, pinned where a slip would go unnoticed: a bank account's
//! identifier is its account and routing numbers together; an instrument identifier
//! keeps and shows exactly the fields of the table in customer-mock's README ("What an
//! instrument identifier keeps"), and no more; deleting one that does not exist is
//! 404; identifier ids are 19 digits every time; read-only fields of a payment
//! instrument are the mock's, never the request's; a customer's `metadata.creator` is
//! the merchant the request was signed for.

use std::collections::BTreeSet;

use customer_client::{Client, Credentials, types};
use customer_mock::{CustomerMock, MockConfig, MockCredentials};
use serde_json::{Value, json};

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

fn client(mock: &CustomerMock) -> Client {
    tests::client_for(&mock.base_url())
}

async fn identifier(client: &Client, body: Value) -> (u16, types::InstrumentIdentifier) {
    let answer = client
        .post_instrument_identifier()
        .body(serde_json::from_value::<types::InstrumentIdentifier>(body).unwrap())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.into_inner())
}

#[tokio::test]
async fn a_bank_account_is_its_number_and_its_routing_number() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let account =
        |routing: &str| json!({"bankAccount": {"number": "4100000123", "routingNumber": routing}});
    let (status, first) = identifier(&client, account("071923284")).await;
    assert_eq!(status, 201);
    let (status, same) = identifier(&client, account("071923284")).await;
    assert_eq!(
        (status, &same.id),
        (200, &first.id),
        "the same account and routing number"
    );
    let (status, elsewhere) = identifier(&client, account("121000358")).await;
    assert_eq!(
        status, 201,
        "the same account at another bank is another identifier"
    );
    assert_ne!(elsewhere.id, first.id);
    let (status, other) = identifier(
        &client,
        json!({"bankAccount": {"number": "4100000999", "routingNumber": "071923284"}}),
    )
    .await;
    assert_eq!(status, 201, "another account at the same bank");
    assert_ne!(other.id, first.id);
}

/// Every leaf path of a JSON value (`a.b`, array items as `a[]`).
fn leaves(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                let child_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                leaves(child, &child_path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                leaves(item, &format!("{path}[]"), out);
            }
        }
        _ => {
            out.insert(path.to_owned());
        }
    }
}

/// The rows of customer-mock's README table "What an instrument identifier keeps":
/// each field's path (`x.*`: everything below `x`), and what it shows.
fn readme_table() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../customer-mock/README.md"
    ))
    .unwrap();
    let (_, table) = readme
        .split_once("<!-- identifier-fields -->")
        .expect("the README marks the table");
    let (table, _) = table
        .split_once("<!-- /identifier-fields -->")
        .expect("and its end");
    table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let path = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((path.to_owned(), cells.get(2)?.to_string()))
        })
        .collect()
}

fn covered(leaf: &str, rows: &[(String, String)]) -> bool {
    rows.iter().any(|(path, _)| match path.strip_suffix(".*") {
        Some(group) => leaf.starts_with(&format!("{group}.")),
        None => leaf == path,
    })
}

/// A create body with every field of the spec set, read-only ones included: the answer
/// shows exactly the README's rows (the conditional one only when asked for), and
/// each row's value as the table says.
#[tokio::test]
async fn an_identifier_keeps_exactly_what_the_readme_table_says() {
    let rows = readme_table();
    assert!(rows.len() >= 10, "{rows:?}");
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let mut everything = tests::json_fixture("samples/instrument-identifier.request.json");
    let extra = json!({
        "id": "7010000000016241111", "object": "fake", "state": "CLOSED",
        "source": "CONTACTLESS_TAP",
        "_links": {"self": {"href": "/elsewhere"}},
        "metadata": {"creator": "someone"},
        "issuer": {"paymentAccountReference": "V0010013019326121174070403"},
        "pointOfSaleInformation": {"emvTags": [{"tag": "5A", "value": "4622943123116478", "source": "CONTACTLESS"}]},
        "tokenizedCard": {"number": "4622943123116478", "expirationMonth": "12", "expirationYear": "2031", "cryptogram": "AceY+igABPs3jdwNaDg3MAACAAA="},
    });
    for (name, value) in extra.as_object().unwrap() {
        everything[name] = value.clone();
    }
    let answer = client
        .post_instrument_identifier()
        .retrieve_bin_details(true)
        .body(serde_json::from_value::<types::InstrumentIdentifier>(everything).unwrap())
        .send()
        .await
        .unwrap();
    let shown = serde_json::to_value(answer.into_inner()).unwrap();
    let mut shown_leaves = BTreeSet::new();
    leaves(&shown, "", &mut shown_leaves);
    for leaf in &shown_leaves {
        assert!(
            covered(leaf, &rows),
            "`{leaf}` is kept but not in the README's table: {shown}"
        );
    }
    // Every unconditional row of a card's fields is there.
    for (path, what) in &rows {
        if path.starts_with("bankAccount") {
            continue;
        }
        let present = shown_leaves
            .iter()
            .any(|leaf| covered(leaf, &[(path.clone(), String::new())]));
        assert!(
            present,
            "`{path}` ({what}) is in the table but not shown: {shown}"
        );
    }
    assert_eq!(shown["object"], json!("instrumentIdentifier"));
    assert_eq!(shown["state"], json!("ACTIVE"));
    assert_eq!(shown["card"]["number"], json!("462294XXXXXX6478"));
    assert_ne!(shown["id"], json!("7010000000016241111"));
    assert_eq!(
        shown["_links"]["self"]["href"],
        json!(format!(
            "/tms/v1/instrumentidentifiers/{}",
            shown["id"].as_str().unwrap()
        ))
    );
    // A bank account shows its rows.
    let (_, bank) = identifier(
        &client,
        json!({"bankAccount": {"number": "4100000123", "routingNumber": "071923284"}}),
    )
    .await;
    let bank = serde_json::to_value(bank).unwrap();
    let mut bank_leaves = BTreeSet::new();
    leaves(&bank, "", &mut bank_leaves);
    for leaf in &bank_leaves {
        assert!(
            covered(leaf, &rows),
            "`{leaf}` kept but not in the table: {bank}"
        );
    }
    assert_eq!(
        bank["bankAccount"],
        json!({"number": "XXXXXX0123", "routingNumber": "071923284"})
    );
}

#[tokio::test]
async fn deleting_an_identifier_that_does_not_exist_is_404() {
    let mock = CustomerMock::start().await.unwrap();
    let error = client(&mock)
        .delete_instrument_identifier()
        .instrument_identifier_id("7019999999999999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
}

/// 19 digits, starting 701, for each of many identifiers (a missing zero pad shows
/// in about one id of ten).
#[tokio::test]
async fn identifier_ids_have_cybersource_s_form_every_time() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let mut ids = BTreeSet::new();
    for n in 0..200u64 {
        let number = format!("4111{n:012}");
        let (status, created) = identifier(&client, json!({"card": {"number": number}})).await;
        assert_eq!(status, 201);
        let id = created.id.unwrap();
        assert!(
            id.len() == 19 && id.starts_with("701") && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        ids.insert(id);
    }
    assert_eq!(ids.len(), 200, "every id its own");
}

/// A payment instrument's read-only fields (`card.hash`, `id`, `state`, `object`,
/// `metadata`, `_links`) are the mock's, on create and on update.
#[tokio::test]
async fn a_payment_instrument_s_read_only_fields_are_the_mock_s() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = client
        .post_customer()
        .body(types::Customer::builder())
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let (_, card) = identifier(&client, json!({"card": {"number": "4111111111111111"}})).await;
    let forged = json!({
        "id": "FORGEDFORGEDFORGEDFORGEDFORGED12", "object": "forged", "state": "CLOSED", "type": "forged",
        "card": {"expirationMonth": "12", "expirationYear": "2031", "type": "001", "hash": "FORGEDHASH"},
        "metadata": {"creator": "someone"},
        "_links": {"self": {"href": "/elsewhere"}},
        "instrumentIdentifier": {"id": card.id.clone().unwrap()},
    });
    let created = client
        .post_customer_payment_instrument()
        .customer_id(&customer)
        .body(serde_json::from_value::<types::PaymentInstrument>(forged.clone()).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created.id.clone().unwrap();
    let check = |shown: &types::PaymentInstrument| {
        let shown = serde_json::to_value(shown).unwrap();
        assert_ne!(shown["id"], forged["id"], "{shown}");
        for field in ["object", "state", "type"] {
            assert_ne!(shown.get(field), Some(&forged[field]), "{field}: {shown}");
        }
        assert_ne!(
            shown["card"].get("hash"),
            Some(&json!("FORGEDHASH")),
            "{shown}"
        );
        assert_ne!(
            shown.pointer("/metadata/creator"),
            Some(&json!("someone")),
            "{shown}"
        );
        assert_eq!(
            shown["_links"]["self"]["href"],
            json!(format!(
                "/tms/v2/customers/{customer}/payment-instruments/{id}"
            )),
            "{shown}"
        );
        assert_eq!(
            shown["card"]["expirationYear"],
            json!("2031"),
            "what may be written is"
        );
    };
    check(&created);
    let updated = client
        .patch_customers_payment_instrument()
        .customer_id(&customer)
        .payment_instrument_id(&id)
        .body(serde_json::from_value::<types::PaymentInstrument>(forged.clone()).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    check(&updated);
    let read = client
        .get_customer_payment_instrument()
        .customer_id(&customer)
        .payment_instrument_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    check(&read);
}

/// `metadata.creator` names the merchant the request was signed for, as CyberSource's
/// samples show, and never the key id.
#[tokio::test]
async fn a_customer_s_creator_is_the_merchant_it_was_signed_for() {
    let mock = CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    for credentials in [
        Credentials::jwt_shared_secret(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
        Credentials::http_signature(MERCHANT, KEY_ID, SECRET_B64).unwrap(),
    ] {
        let client = tests::builder_for(&mock.base_url())
            .credentials(credentials)
            .build()
            .unwrap();
        let created = client
            .post_customer()
            .body(types::Customer::builder())
            .send()
            .await
            .unwrap()
            .into_inner();
        let shown = serde_json::to_value(&created).unwrap();
        assert_eq!(shown["metadata"]["creator"], json!(MERCHANT), "{shown}");
    }
}

/// The made-up BIN lookup names the brand the networks assign to a number's first
/// digits, at the edges of each range.
#[tokio::test]
async fn the_bin_lookup_names_the_brand_of_the_first_digits() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    for (prefix, brand) in [
        ("4111", "VISA"),
        ("5100", "MASTERCARD"),
        ("5500", "MASTERCARD"),
        ("5600", "UNKNOWN"),
        ("2221", "MASTERCARD"),
        ("2720", "MASTERCARD"),
        ("2721", "UNKNOWN"),
        ("3400", "AMERICAN EXPRESS"),
        ("3700", "AMERICAN EXPRESS"),
        ("6011", "DISCOVER"),
        ("6500", "DISCOVER"),
        ("6440", "DISCOVER"),
        ("6499", "DISCOVER"),
        ("6430", "UNKNOWN"),
        ("3530", "JCB"),
        ("3000", "DINERS CLUB"),
        ("3600", "DINERS CLUB"),
        ("3800", "DINERS CLUB"),
        ("9999", "UNKNOWN"),
    ] {
        let number = format!("{prefix}000000001234");
        let answer = client
            .post_instrument_identifier()
            .retrieve_bin_details(true)
            .body(
                serde_json::from_value::<types::InstrumentIdentifier>(
                    json!({"card": {"number": number}}),
                )
                .unwrap(),
            )
            .send()
            .await
            .unwrap();
        let shown = serde_json::to_value(answer.into_inner()).unwrap();
        assert_eq!(
            shown.pointer("/_embedded/binLookup/paymentAccountInformation/card/brandName"),
            Some(&json!(brand)),
            "{prefix}"
        );
    }
}
