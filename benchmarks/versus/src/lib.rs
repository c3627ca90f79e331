//! openapi-generator's side, as `benches/versus.rs` (timed) and
//! `examples/versus_calls.rs` (instructions) both call it.

use customer_bench as bench;
use tms_openapi_generator::apis::{configuration::Configuration, customer_api};
use tms_openapi_generator::models;

/// openapi-generator's client as a user of it runs it: its own default configuration
/// (`reqwest::Client::new()`: no timeouts, so no timer a request), pointed at the
/// server. `VERSUS_BASELINE=shared` gives it this project's reqwest client instead (30 s
/// timeout, 10 s connect timeout: what sessions 8 to 10 measured).
pub fn openapi_generator(base_url: &str) -> Configuration {
    let mut configuration = Configuration {
        base_path: base_url.to_owned(),
        ..Configuration::default()
    };
    if std::env::var("VERSUS_BASELINE").is_ok_and(|v| v == "shared") {
        configuration.client = bench::reqwest_client();
    }
    configuration
}

/// One `get_customer` through openapi-generator's client.
pub async fn oag_get(configuration: &Configuration) -> models::Customer {
    customer_api::get_customer(configuration, bench::CUSTOMER_ID, None)
        .await
        .expect("a customer")
}

/// One `post_customer` through openapi-generator's client, handed an owned customer.
pub async fn oag_post(
    configuration: &Configuration,
    customer: models::Customer,
) -> models::Customer {
    customer_api::post_customer(configuration, customer, None)
        .await
        .expect("a customer")
}

/// The quickstart body (the fields of `tests/fixtures/samples/create-customer.request.json`)
/// built in the call, as openapi-generator's users build a model: `new()` and its public
/// fields. The counterpart of `customer_bench::post_built`.
pub fn oag_quickstart_body() -> models::Customer {
    let mut buyer = models::BuyerInformation::new();
    buyer.merchant_customer_id = Some("Your customer identifier".to_owned());
    buyer.email = Some("test@cybs.com".to_owned());
    let mut reference = models::ClientReferenceInformation::new();
    reference.code = Some("TC50171_3".to_owned());
    let mut field = models::MerchantDefinedField::new();
    field.name = Some("data1".to_owned());
    field.value = Some("Your customer data".to_owned());
    let mut customer = models::Customer::new();
    customer.buyer_information = Some(Box::new(buyer));
    customer.client_reference_information = Some(Box::new(reference));
    customer.merchant_defined_information = Some(vec![field]);
    customer
}
