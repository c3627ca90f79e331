//! A crate outside the workspace that depends on the packaged customer-client (and
//! customer-mock), as a user's would: `scripts/package-check` builds it with default
//! features and with `mock`, and runs it.

// With the `mock` feature, the typed mocks are there.
#[cfg(feature = "mock")]
#[allow(unused_imports)]
use customer_client::mock::MockServerExt as _;
use customer_client::{Client, Environment, types};

#[tokio::main]
async fn main() {
    let mock = customer_mock::CustomerMock::start()
        .await
        .expect("customer-mock starts");
    let client = Client::builder(Environment::custom(&mock.base_url()).expect("a base URL"))
        .build()
        .expect("a client");
    let created = client
        .post_customer()
        .body(
            types::Customer::builder().buyer_information(
                types::BuyerInformation::builder().email("downstream@cybs.com".to_owned()),
            ),
        )
        .send()
        .await
        .expect("the mock creates the customer");
    assert_eq!(
        created.buyer_information.as_ref().and_then(|b| b.email.as_deref()),
        Some("downstream@cybs.com")
    );
    println!(
        "downstream: created customer {}",
        created.id.clone().unwrap_or_default()
    );
    mock.shutdown().await;
}
