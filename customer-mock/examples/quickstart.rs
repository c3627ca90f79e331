//! `cargo run --example quickstart`: a customer's whole life, printed step by step.
//!
//! - the customer: create, get, patch with if-match, patch with a stale if-match (412);
//! - its wallet: add two shipping addresses, list them (every page), make the second
//!   address the default, try to delete the default (409), delete the other address,
//!   then the default;
//! - a card on file from its number: create its instrument identifier, post the same
//!   number again (200, the same id), attach it to the customer as a payment
//!   instrument, list the identifier's payment instruments, try to delete the
//!   identifier while the card uses it (409);
//! - the end: delete the customer, get it (404);
//! - against the local mock, one more: a customer created with Message Level
//!   Encryption both ways (the mock's test keys), shown decrypted.
//!
//! With no `CYBERSOURCE_*` variables set it starts customer-mock in-process (requiring
//! signed requests, with throwaway credentials); with them set (see the README) it runs
//! the same steps against that environment, normally the sandbox.

use std::process::ExitCode;

use customer_client::MleOperation;
use customer_client::mle::Source;
use customer_client::{
    Client, ClientBuilder, Credentials, Environment, Error, ResponseExt, ResponseValue, types,
};
use customer_mock::{CustomerMock, MockConfig, MockCredentials, test_keys};

/// Throwaway credentials for the local mock only (the test vectors' key).
const LOCAL_MERCHANT: &str = "quickstart";
const LOCAL_KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const LOCAL_SECRET: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("<not printable: {e}>"))
}

fn request<T: serde::Serialize>(step: u32, title: &str, line: &str, body: Option<&T>) {
    println!("\n── {step}. {title}");
    println!("→ {line}");
    if let Some(body) = body {
        println!("{}", indent(&pretty(body)));
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn response<T: serde::Serialize>(value: &ResponseValue<T>, show_body: bool) {
    println!(
        "← {} (ETag {}, v-c-correlation-id {})",
        value.status(),
        value.etag().unwrap_or("-"),
        value.correlation_id().unwrap_or("-")
    );
    if show_body {
        println!("{}", indent(&pretty(value.as_ref())));
    }
}

fn failure(error: &Error) {
    println!(
        "← {} (v-c-correlation-id {})",
        error
            .status()
            .map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
        error.correlation_id().unwrap_or("-")
    );
    match error.error_body() {
        Some(body) => println!("{}", indent(&pretty(body))),
        None => println!("  {error}"),
    }
}

/// A body from its builder (the generated types are built this way; see the crate docs).
fn built<T>(builder: impl TryInto<T, Error = types::error::ConversionError>) -> Result<T, String> {
    builder.try_into().map_err(|e| e.to_string())
}

/// Fails the run when a step does not end as the walkthrough expects.
fn expect(condition: bool, what: &str) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(format!("unexpected: {what}"))
    }
}

async fn walkthrough(client: &Client) -> Result<(), String> {
    let new_customer: types::Customer = built(
        types::Customer::builder()
            .buyer_information(
                types::BuyerInformation::builder()
                    .merchant_customer_id("Your customer identifier".to_owned())
                    .email("test@cybs.com".to_owned()),
            )
            .client_reference_information(
                types::ClientReferenceInformation::builder().code("TC50171_3".to_owned()),
            )
            .merchant_defined_information(vec![built(
                types::MerchantDefinedField::builder()
                    .name("data1".to_owned())
                    .value("Your customer data".to_owned()),
            )?]),
    )?;
    let fail = |e: Error| {
        failure(&e);
        e.to_string()
    };

    request(
        1,
        "Create a customer",
        "POST /tms/v2/customers",
        Some(&new_customer),
    );
    let created = client
        .post_customer()
        .body(new_customer)
        .send()
        .await
        .map_err(fail)?;
    response(&created, true);
    let id = created.id.clone().ok_or("the new customer has no id")?;

    request::<()>(
        2,
        "Retrieve it",
        &format!("GET /tms/v2/customers/{id}"),
        None,
    );
    let fetched = client
        .get_customer()
        .customer_id(&id)
        .send()
        .await
        .map_err(fail)?;
    response(&fetched, true);
    let etag = fetched.etag().ok_or("no ETag on the customer")?.to_owned();

    let change: types::Customer = built(
        types::Customer::builder().object_information(
            types::ObjectInformation::builder()
                .title("Gold member".to_owned())
                .comment("Updated by the quickstart".to_owned()),
        ),
    )?;
    request(
        3,
        "Update it, only if unchanged since step 2",
        &format!("PATCH /tms/v2/customers/{id}  if-match: {etag}"),
        Some(&change),
    );
    let patched = client
        .patch_customer()
        .customer_id(&id)
        .if_match(&etag)
        .body(change.clone())
        .send()
        .await
        .map_err(fail)?;
    response(&patched, true);

    request(
        4,
        "Update again with the now stale ETag",
        &format!("PATCH /tms/v2/customers/{id}  if-match: {etag}"),
        Some(&change),
    );
    match client
        .patch_customer()
        .customer_id(&id)
        .if_match(&etag)
        .body(change)
        .send()
        .await
    {
        Ok(unexpected) => {
            response(&unexpected, false);
            return Err("a stale if-match was accepted".into());
        }
        Err(e) => {
            failure(&e);
            expect(
                e.status().map(|s| s.as_u16()) == Some(412),
                "expected 412 Precondition Failed",
            )?;
        }
    }

    remove_a_field(client, &id).await?;
    wallet(client, &id).await?;
    card_on_file(client, &id).await?;

    request::<()>(
        16,
        "Delete the customer (and all it owns)",
        &format!("DELETE /tms/v2/customers/{id}"),
        None,
    );
    let deleted = client
        .delete_customer()
        .customer_id(&id)
        .send()
        .await
        .map_err(fail)?;
    response(&deleted, false);

    request::<()>(
        17,
        "Retrieve it again",
        &format!("GET /tms/v2/customers/{id}"),
        None,
    );
    match client.get_customer().customer_id(&id).send().await {
        Ok(unexpected) => {
            response(&unexpected, true);
            Err("the deleted customer is still there".into())
        }
        Err(e) => {
            failure(&e);
            expect(
                e.status().map(|s| s.as_u16()) == Some(404),
                "expected 404 Not Found",
            )
        }
    }
}

/// Step 5: remove a field. `modify_customer` reads the customer, applies the change to
/// the typed value (the email set to `None`), and sends exactly the difference as a
/// JSON Merge Patch (`{"buyerInformation":{"email":null}}`) with `if-match`, reading
/// again on 412.
async fn remove_a_field(client: &Client, id: &str) -> Result<(), String> {
    request::<()>(
        5,
        "Remove the email: read, change, send the difference (a merge patch) with if-match",
        &format!(
            "GET then PATCH /tms/v2/customers/{id}  body {{\"buyerInformation\":{{\"email\":null}}}}"
        ),
        None,
    );
    let modified = client
        .modify_customer()
        .customer_id(id)
        .apply(|customer| {
            if let Some(buyer) = customer.buyer_information.as_mut() {
                buyer.email = None;
            }
        })
        .await
        .map_err(|e| {
            failure(&e);
            e.to_string()
        })?;
    response(&modified.resource, true);
    let buyer = modified.buyer_information.as_ref();
    expect(
        buyer.is_some_and(|b| b.email.is_none() && b.merchant_customer_id.is_some()),
        "the email gone and the merchant's customer id kept",
    )?;
    println!(
        "  email gone, merchantCustomerID kept; {} write(s), {} conflict(s)",
        modified.attempts, modified.conflicts
    );
    Ok(())
}

/// Steps 6 to 10: the customer's shipping addresses.
async fn wallet(client: &Client, id: &str) -> Result<(), String> {
    let fail = |e: Error| {
        failure(&e);
        e.to_string()
    };
    let addresses = format!("/tms/v2/customers/{id}/shipping-addresses");
    let mut address_ids = Vec::new();
    for (name, city) in [("Home", "San Francisco"), ("Office", "Austin")] {
        let address: types::ShippingAddress = built(
            types::ShippingAddress::builder().ship_to(
                types::ShipTo::builder()
                    .first_name("John".to_owned())
                    .last_name("Doe".to_owned())
                    .company(name.to_owned())
                    .address1("1 Market St".to_owned())
                    .locality(city.to_owned())
                    .country("US".to_owned()),
            ),
        )?;
        request(
            6,
            &format!("Add a shipping address ({name})"),
            &format!("POST {addresses}"),
            Some(&address),
        );
        let added = client
            .post_customer_shipping_address()
            .customer_id(id)
            .body(address)
            .send()
            .await
            .map_err(fail)?;
        response(&added, true);
        address_ids.push(added.id.clone().ok_or("the new address has no id")?);
    }
    expect(address_ids.len() == 2, "two addresses")?;

    request::<()>(
        7,
        "List the shipping addresses, one page of 1 at a time",
        &format!("GET {addresses}?offset=…&limit=1"),
        None,
    );
    let pages = customer_client::paging::items(1, |offset, limit| {
        client
            .get_customer_shipping_addresses_list()
            .customer_id(id)
            .offset(offset)
            .limit(limit)
            .send()
    });
    let listed: Vec<types::ShippingAddress> = futures_util::StreamExt::collect::<Vec<_>>(pages)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    for address in &listed {
        println!(
            "  {} default={} {}",
            address.id.as_deref().unwrap_or("-"),
            address.default.unwrap_or(false),
            address
                .ship_to
                .as_ref()
                .and_then(|s| s.company.as_deref())
                .unwrap_or("-")
        );
    }
    expect(listed.len() == 2, "two addresses listed")?;
    expect(
        listed[0].default == Some(true),
        "the first address is the default",
    )?;

    let (first, second) = (&address_ids[0], &address_ids[1]);
    let make_default: types::ShippingAddress =
        built(types::ShippingAddress::builder().default(true))?;
    request(
        8,
        "Make the second address the default",
        &format!("PATCH {addresses}/{second}"),
        Some(&make_default),
    );
    let switched = client
        .patch_customers_shipping_address()
        .customer_id(id)
        .shipping_address_id(second)
        .body(make_default)
        .send()
        .await
        .map_err(fail)?;
    response(&switched, true);
    expect(
        switched.default == Some(true),
        "the second address is now the default",
    )?;

    request::<()>(
        9,
        "Try to delete the default while another address exists",
        &format!("DELETE {addresses}/{second}"),
        None,
    );
    match client
        .delete_customer_shipping_address()
        .customer_id(id)
        .shipping_address_id(second)
        .send()
        .await
    {
        Ok(unexpected) => {
            response(&unexpected, false);
            return Err("the default address was deleted while another existed".into());
        }
        Err(e) => {
            failure(&e);
            expect(
                e.status().map(|s| s.as_u16()) == Some(409),
                "expected 409 Conflict",
            )?;
        }
    }

    for (which, address) in [
        ("the other address", first),
        ("the default, now the last one", second),
    ] {
        request::<()>(
            10,
            &format!("Delete {which}"),
            &format!("DELETE {addresses}/{address}"),
            None,
        );
        let deleted = client
            .delete_customer_shipping_address()
            .customer_id(id)
            .shipping_address_id(address)
            .send()
            .await
            .map_err(fail)?;
        response(&deleted, false);
    }
    Ok(())
}

/// A test card number of CyberSource's sandbox.
const CARD_NUMBER: &str = "4111111111111111";

/// `body` as the steps print it: card numbers, security codes and expiry dates masked
/// as the client masks them in its logs (`customer_client::mask`).
fn masked<T: serde::Serialize>(body: &T) -> serde_json::Value {
    let text = customer_client::mask::body(&serde_json::to_vec(body).unwrap_or_default());
    serde_json::from_str(&text).unwrap_or_default()
}

/// Steps 11 to 15: a card on file from its number. The number goes to the instrument
/// identifiers, which answer with the identifier's id (the same id for the same
/// number); the customer's payment instrument names that id, never the number.
async fn card_on_file(client: &Client, customer: &str) -> Result<(), String> {
    let fail = |e: Error| {
        failure(&e);
        e.to_string()
    };
    let identifiers = "/tms/v1/instrumentidentifiers";
    let card = || -> Result<types::InstrumentIdentifier, String> {
        built(
            types::InstrumentIdentifier::builder()
                .card(types::InstrumentIdentifierCard::builder().number(CARD_NUMBER.to_owned())),
        )
    };
    request(
        11,
        "Create the card's instrument identifier from its number",
        &format!("POST {identifiers}"),
        Some(&masked(&card()?)),
    );
    let created = client
        .post_instrument_identifier()
        .body(card()?)
        .send()
        .await
        .map_err(fail)?;
    response(&created, true);
    // 201 for a number new to the merchant; 200 when it already has an identifier
    // (a second run against the sandbox).
    expect(
        matches!(created.status().as_u16(), 200 | 201),
        "expected 201 Created (or 200 for a known number)",
    )?;
    let identifier = created.id.clone().ok_or("the identifier has no id")?;

    request(
        12,
        "Post the same number again",
        &format!("POST {identifiers}"),
        Some(&masked(&card()?)),
    );
    let again = client
        .post_instrument_identifier()
        .body(card()?)
        .send()
        .await
        .map_err(fail)?;
    response(&again, true);
    expect(
        again.status().as_u16() == 200 && again.id.as_deref() == Some(identifier.as_str()),
        "expected 200 OK with the same identifier",
    )?;

    let instrument: types::PaymentInstrument = built(
        types::PaymentInstrument::builder()
            .card(
                types::PaymentInstrumentCard::builder()
                    .expiration_month("12".to_owned())
                    .expiration_year("2031".to_owned())
                    .type_("001".to_owned()),
            )
            .instrument_identifier(
                types::InstrumentIdentifierReference::builder().id(identifier.clone()),
            ),
    )?;
    request(
        13,
        "Attach it to the customer as a payment instrument",
        &format!("POST /tms/v2/customers/{customer}/payment-instruments"),
        Some(&instrument),
    );
    let attached = client
        .post_customer_payment_instrument()
        .customer_id(customer)
        .body(instrument)
        .send()
        .await
        .map_err(fail)?;
    response(&attached, true);

    request::<()>(
        14,
        "List the identifier's payment instruments",
        &format!("GET {identifiers}/{identifier}/paymentinstruments"),
        None,
    );
    let listed = client
        .get_instrument_identifier_payment_instruments_list()
        .instrument_identifier_id(&identifier)
        .send()
        .await
        .map_err(fail)?;
    response(&listed, true);
    expect(
        listed.total.is_some_and(|total| total >= 1),
        "the customer's card is listed",
    )?;

    request::<()>(
        15,
        "Try to delete the identifier while the customer's card uses it",
        &format!("DELETE {identifiers}/{identifier}"),
        None,
    );
    match client
        .delete_instrument_identifier()
        .instrument_identifier_id(&identifier)
        .send()
        .await
    {
        Ok(unexpected) => {
            response(&unexpected, false);
            Err("an identifier in use was deleted".into())
        }
        Err(e) => {
            failure(&e);
            expect(
                e.status().map(|s| s.as_u16()) == Some(409),
                "expected 409 Conflict",
            )
        }
    }
}

/// A client for the local mock at `base_url`, signing with the throwaway credentials.
fn local_builder(base_url: &str) -> Result<ClientBuilder, Error> {
    Ok(
        Client::builder(Environment::custom(base_url)?).credentials(
            Credentials::jwt_shared_secret(LOCAL_MERCHANT, LOCAL_KEY_ID, LOCAL_SECRET)?,
        ),
    )
}

/// Step 18 (local mock only): the create body goes out as `{"encryptedRequest": …}`
/// to the mock's test certificate, and the answer comes back as
/// `{"encryptedResponse": …}` for the merchant's test key; the client shows plaintext.
async fn encrypted(base_url: &str) -> Result<(), String> {
    let client = local_builder(base_url)
        .and_then(|builder| {
            builder
                .mle_operation("postCustomer", MleOperation::RequestAndResponse)
                .mle_request_certificate(Source::Bytes(test_keys::REQUEST_CERTIFICATE_PEM.into()))
                .mle_response_key(
                    Source::Bytes(test_keys::RESPONSE_PRIVATE_KEY_PEM.into()),
                    None,
                )
                .mle_response_kid(test_keys::RESPONSE_KID)
                .build()
        })
        .map_err(|e| e.to_string())?;
    let customer: types::Customer = built(
        types::Customer::builder().buyer_information(
            types::BuyerInformation::builder()
                .merchant_customer_id("Encrypted customer".to_owned())
                .email("mle@cybs.com".to_owned()),
        ),
    )?;
    request(
        18,
        &format!(
            "Create a customer with Message Level Encryption (sent as {{\"encryptedRequest\": …}}, kid {})",
            test_keys::REQUEST_KID
        ),
        "POST /tms/v2/customers",
        Some(&customer),
    );
    let created = client
        .post_customer()
        .body(customer)
        .send()
        .await
        .map_err(|e| {
            failure(&e);
            e.to_string()
        })?;
    println!(
        "  (answered as {{\"encryptedResponse\": …}} for kid {}, decrypted by the client)",
        test_keys::RESPONSE_KID
    );
    response(&created, true);
    expect(
        created
            .buyer_information
            .as_ref()
            .and_then(|b| b.email.as_deref())
            == Some("mle@cybs.com"),
        "the decrypted customer has the email sent",
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let configured = std::env::vars().any(|(name, _)| name.starts_with("CYBERSOURCE_"));
    // Keeps the in-process mock alive for the whole walkthrough.
    let mut local_mock = None;
    let built = if configured {
        println!("Using the CYBERSOURCE_* configuration from the environment.");
        ClientBuilder::from_env().and_then(ClientBuilder::build)
    } else {
        let config = MockConfig {
            credentials: MockCredentials::new(LOCAL_MERCHANT, LOCAL_KEY_ID, LOCAL_SECRET).ok(),
            ..MockConfig::default()
        };
        match CustomerMock::start_with(config).await {
            Ok(mock) => {
                println!(
                    "No CYBERSOURCE_* configuration: started customer-mock at {}.",
                    mock.base_url()
                );
                let built = local_builder(&mock.base_url()).and_then(ClientBuilder::build);
                local_mock = Some(mock);
                built
            }
            Err(e) => {
                eprintln!("cannot start customer-mock: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let client = match built {
        Ok(client) => client,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut outcome = walkthrough(&client).await;
    let mut steps = "seventeen";
    if let Some(mock) = local_mock {
        if outcome.is_ok() {
            outcome = encrypted(&mock.base_url()).await;
            steps = "eighteen";
        }
        mock.shutdown().await;
    }
    match outcome {
        Ok(()) => {
            println!("\nAll {steps} steps behaved as documented.");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("\n{why}");
            ExitCode::FAILURE
        }
    }
}
