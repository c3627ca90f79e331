//! What `benches/versus.rs` and `examples/versus_calls.rs` share on openapi-generator's
//! side.

use tms_openapi_generator::models;

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
