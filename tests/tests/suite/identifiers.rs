//! Instrument identifiers through the generated client against customer-mock, as TMS
//! keeps them: one per card number (201, then 200 with the same id and ETag), ids of
//! digits, numbers masked everywhere and security codes nowhere, a payment instrument
//! naming only an identifier that exists, no deleting one in use (409), its payment
//! instruments paged, BIN details on request, `if-match` on update, enrollment
//! accepted; and what the spec does not define is not kept.

use customer_client::{Client, Error, ResponseExt, types};
use customer_mock::CustomerMock;
use serde_json::{Value, json};
use tests::{CARD_NUMBER, SECURITY_CODE, built, new_customer};

fn client(mock: &CustomerMock) -> Client {
    tests::client_for(&mock.base_url())
}

fn masked(number: &str) -> String {
    format!(
        "{}{}{}",
        &number[..6],
        "X".repeat(number.len() - 10),
        &number[number.len() - 4..]
    )
}

fn card(number: &str) -> types::InstrumentIdentifier {
    built(
        types::InstrumentIdentifier::builder().card(
            types::InstrumentIdentifierCard::builder()
                .number(number.to_owned())
                .expiration_month("12".to_owned())
                .expiration_year("2031".to_owned())
                .security_code(SECURITY_CODE.to_owned()),
        ),
    )
}

/// A payment instrument of `customer` naming identifier `identifier`.
async fn add_instrument(client: &Client, customer: &str, identifier: &str) -> String {
    let created = client
        .post_customer_payment_instrument()
        .customer_id(customer)
        .body(types::PaymentInstrument::builder().instrument_identifier(
            types::InstrumentIdentifierReference::builder().id(identifier.to_owned()),
        ))
        .send()
        .await
        .unwrap();
    created.into_inner().id.unwrap()
}

fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

#[tokio::test]
async fn one_identifier_per_card_number_with_cybersource_s_ids() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let first = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let id = first.id.clone().unwrap();
    assert!(
        (12..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(
        first.location(),
        Some(format!("/tms/v1/instrumentidentifiers/{id}").as_str())
    );
    let etag = first.etag().unwrap().to_owned();
    let again = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200, "the same number again");
    assert_eq!(again.id.as_deref(), Some(id.as_str()));
    assert_eq!(again.etag(), Some(etag.as_str()));
    assert_eq!(again.location(), None);
    let other = client
        .post_instrument_identifier()
        .body(card("4111111111111111"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 201);
    assert_ne!(other.id.as_deref(), Some(id.as_str()));
    // A bank account, with its routing number, is one identifier too.
    let account = || -> types::InstrumentIdentifier {
        built(
            types::InstrumentIdentifier::builder().bank_account(
                types::InstrumentIdentifierBankAccount::builder()
                    .number("4100000123".to_owned())
                    .routing_number("071923284".to_owned()),
            ),
        )
    };
    let bank = client
        .post_instrument_identifier()
        .body(account())
        .send()
        .await
        .unwrap();
    assert_eq!(bank.status().as_u16(), 201);
    let bank_again = client
        .post_instrument_identifier()
        .body(account())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (bank_again.status().as_u16(), &bank_again.id),
        (200, &bank.id)
    );
    assert_eq!(
        bank.bank_account.as_ref().and_then(|b| b.number.as_deref()),
        Some("XXXXXX0123")
    );
}

#[tokio::test]
async fn the_number_is_masked_everywhere_and_the_security_code_kept_nowhere() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let identifier = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = identifier.id.clone().unwrap();
    assert_eq!(
        identifier.card.as_ref().and_then(|c| c.number.as_deref()),
        Some(masked(CARD_NUMBER).as_str())
    );
    let customer = new_customer(&client).await;
    let instrument = add_instrument(&client, &customer, &id).await;
    let retrieved = client
        .get_instrument_identifier()
        .instrument_identifier_id(&id)
        .send()
        .await
        .unwrap();
    let shown_instrument = client
        .get_customer_payment_instrument()
        .customer_id(&customer)
        .payment_instrument_id(&instrument)
        .send()
        .await
        .unwrap();
    let shown_customer = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    // The instrument and the customer's default embed the identifier, masked.
    let embedded = shown_instrument
        .embedded
        .as_ref()
        .and_then(|e| e.instrument_identifier.as_ref())
        .expect("the instrument embeds its identifier");
    assert_eq!(embedded.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        embedded.card.as_ref().and_then(|c| c.number.as_deref()),
        Some(masked(CARD_NUMBER).as_str())
    );
    let default = shown_customer
        .embedded
        .as_ref()
        .and_then(|e| e.default_payment_instrument.as_ref())
        .and_then(|p| p.embedded.as_ref())
        .and_then(|e| e.instrument_identifier.as_ref())
        .expect("the customer's default embeds its identifier");
    assert_eq!(default.id.as_deref(), Some(id.as_str()));
    for shown in [
        serde_json::to_string(&identifier).unwrap(),
        serde_json::to_string(&*retrieved).unwrap(),
        serde_json::to_string(&*shown_instrument).unwrap(),
        serde_json::to_string(&*shown_customer).unwrap(),
    ] {
        assert!(!shown.contains(CARD_NUMBER), "{shown}");
        assert!(!shown.contains(SECURITY_CODE), "{shown}");
        assert!(!shown.contains("expirationYear\":\"2031"), "{shown}");
    }
}

#[tokio::test]
async fn a_payment_instrument_names_an_identifier_that_exists() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let refused = client
        .post_customer_payment_instrument()
        .customer_id(&customer)
        .body(types::PaymentInstrument::builder().instrument_identifier(
            types::InstrumentIdentifierReference::builder().id("7010000000099999999".to_owned()),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&refused), Some(400), "{refused:?}");
    let entry = &refused.error_body().unwrap().errors[0];
    assert_eq!(entry.type_.as_deref(), Some("invalidFields"));
    assert_eq!(
        entry.details[0].name.as_deref(),
        Some("instrumentIdentifier.id")
    );
    let unnamed = client
        .post_customer_payment_instrument()
        .customer_id(&customer)
        .body(types::PaymentInstrument::builder())
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&unnamed), Some(400));
    assert_eq!(
        unnamed.error_body().unwrap().errors[0].type_.as_deref(),
        Some("missingFields")
    );
    // An update may move the instrument to another identifier that exists, no other.
    let id = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let instrument = add_instrument(&client, &customer, &id).await;
    let moved = client
        .patch_customers_payment_instrument()
        .customer_id(&customer)
        .payment_instrument_id(&instrument)
        .body(types::PaymentInstrument::builder().instrument_identifier(
            types::InstrumentIdentifierReference::builder().id("7010000000099999999".to_owned()),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&moved), Some(400));
}

#[tokio::test]
async fn an_identifier_in_use_is_not_deleted_and_its_instruments_page() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let id = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let (alice, bob) = (new_customer(&client).await, new_customer(&client).await);
    let mut instruments = vec![
        (alice.clone(), add_instrument(&client, &alice, &id).await),
        (alice.clone(), add_instrument(&client, &alice, &id).await),
        (bob.clone(), add_instrument(&client, &bob, &id).await),
    ];
    // Two pages of two: X-Total-Count, the links, every instrument once.
    let mut seen = Vec::new();
    for offset in [0, 2] {
        let page = client
            .get_instrument_identifier_payment_instruments_list()
            .instrument_identifier_id(&id)
            .offset(offset)
            .limit(2)
            .send()
            .await
            .unwrap();
        assert_eq!(page.headers()["x-total-count"], "3");
        let body = serde_json::to_value(&*page).unwrap();
        assert_eq!(body["total"], 3);
        assert_eq!(body["_links"]["next"].is_object(), offset == 0, "{body}");
        let items = body["_embedded"]["paymentInstruments"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(items.len(), if offset == 0 { 2 } else { 1 });
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
    }
    let mut expected: Vec<String> = instruments.iter().map(|(_, i)| i.clone()).collect();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
    // In use: 409, CyberSource's type; gone once the last instrument is.
    let refused = client
        .delete_instrument_identifier()
        .instrument_identifier_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&refused), Some(409));
    assert_eq!(
        refused.error_body().unwrap().errors[0].type_.as_deref(),
        Some("instrumentIdentifierDeletionError")
    );
    // Bob's is his default and his only one; Alice's default goes last.
    instruments.reverse();
    for (customer, instrument) in instruments {
        client
            .delete_customer_payment_instrument()
            .customer_id(&customer)
            .payment_instrument_id(&instrument)
            .send()
            .await
            .unwrap();
    }
    let deleted = client
        .delete_instrument_identifier()
        .instrument_identifier_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = client
        .get_instrument_identifier()
        .instrument_identifier_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&gone), Some(404));
}

#[tokio::test]
async fn bin_details_on_request_if_match_on_update_and_enrollment_accepted() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let created = client
        .post_instrument_identifier()
        .retrieve_bin_details(true)
        .body(card("5555555555554444"))
        .send()
        .await
        .unwrap();
    let brand = |value: &types::InstrumentIdentifier| {
        serde_json::to_value(value).unwrap()["_embedded"]["binLookup"]["paymentAccountInformation"]
            ["card"]["brandName"]
            .clone()
    };
    assert_eq!(brand(&created), json!("MASTERCARD"));
    let id = created.id.clone().unwrap();
    let plain = client
        .get_instrument_identifier()
        .instrument_identifier_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(brand(&plain), Value::Null, "only when asked for");
    let etag = plain.etag().unwrap().to_owned();
    let update = || -> types::InstrumentIdentifier {
        built(
            types::InstrumentIdentifier::builder().processing_information(
                types::InstrumentIdentifierProcessingInformation::builder().authorization_options(
                    types::InstrumentIdentifierProcessingInformationAuthorizationOptions::builder()
                        .initiator(
                            types::InstrumentIdentifierProcessingInformationAuthorizationOptionsInitiator::builder()
                                .merchant_initiated_transaction(
                                    types::InstrumentIdentifierProcessingInformationAuthorizationOptionsInitiatorMerchantInitiatedTransaction::builder()
                                        .previous_transaction_id("123456789012345".to_owned()),
                                ),
                        ),
                ),
            ),
        )
    };
    let updated = client
        .patch_instrument_identifier()
        .instrument_identifier_id(&id)
        .if_match(&etag)
        .body(update())
        .send()
        .await
        .unwrap();
    assert_ne!(updated.etag(), Some(etag.as_str()));
    let body = serde_json::to_value(&*updated).unwrap();
    assert_eq!(
        body.pointer("/processingInformation/authorizationOptions/initiator/merchantInitiatedTransaction/previousTransactionId"),
        Some(&json!("123456789012345"))
    );
    let stale = client
        .patch_instrument_identifier()
        .instrument_identifier_id(&id)
        .if_match(&etag)
        .body(update())
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&stale), Some(412));
    let enrolled = client
        .post_instrument_identifier_enrollment()
        .instrument_identifier_id(&id)
        .body(card("5555555555554444"))
        .send()
        .await
        .unwrap();
    assert_eq!(enrolled.status().as_u16(), 202);
}

/// What the spec does not define is not kept: the Python SDK's `merchantCustomerId`
/// (the spec's field is `merchantCustomerID`) does not come back.
#[tokio::test]
async fn a_field_the_spec_does_not_define_is_not_kept() {
    let mock = CustomerMock::start().await.unwrap();
    let created: Value = reqwest::Client::new()
        .post(format!("{}/tms/v2/customers", mock.base_url()))
        .header("content-type", customer_client::JSON_MEDIA_TYPE)
        .body(
            json!({"buyerInformation": {"merchantCustomerId": "misspelled", "email": "a@cybs.com"}})
                .to_string(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        created["buyerInformation"],
        json!({"email": "a@cybs.com"}),
        "{created}"
    );
}

/// An identifier stands for one number: a body with a card and a bank account keeps the
/// card only (the account number neither kept nor shown), and a PATCH does not change
/// the number.
#[tokio::test]
async fn an_identifier_keeps_one_number() {
    let mock = CustomerMock::start().await.unwrap();
    let url = format!("{}/tms/v1/instrumentidentifiers", mock.base_url());
    let http = reqwest::Client::new();
    let post = |body: Value| {
        http.post(&url)
            .header("content-type", customer_client::JSON_MEDIA_TYPE)
            .body(body.to_string())
            .send()
    };
    let both = json!({
        "card": {"number": CARD_NUMBER},
        "bankAccount": {"number": "41000001234567", "routingNumber": "071923284"},
    });
    let created: Value = post(both).await.unwrap().json().await.unwrap();
    assert_eq!(created["card"]["number"], masked(CARD_NUMBER).as_str());
    assert_eq!(created.get("bankAccount"), None, "{created}");
    assert!(!created.to_string().contains("41000001234567"), "{created}");
    let id = created["id"].as_str().unwrap();
    let patched: Value = http
        .patch(format!("{url}/{id}"))
        .header("content-type", customer_client::JSON_MEDIA_TYPE)
        .body(json!({"card": {"number": "4111111111111111"}}).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        patched["card"]["number"],
        masked(CARD_NUMBER).as_str(),
        "{patched}"
    );
}

/// `retrieveBinDetails` is a boolean: `yes` is refused naming it; `True` (as the Python
/// SDK sends it) asks for the details like `true`.
#[tokio::test]
async fn retrieve_bin_details_is_a_boolean() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let id = client
        .post_instrument_identifier()
        .body(card(CARD_NUMBER))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let url = format!("{}/tms/v1/instrumentidentifiers/{id}", mock.base_url());
    let refused = reqwest::get(format!("{url}?retrieveBinDetails=yes"))
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["details"][0]["name"], "retrieveBinDetails",
        "{body}"
    );
    let shown: Value = reqwest::get(format!("{url}?retrieveBinDetails=True"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(shown["_embedded"]["binLookup"].is_object(), "{shown}");
}
