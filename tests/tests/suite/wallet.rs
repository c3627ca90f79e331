//! A customer's shipping addresses and payment instruments through the generated client
//! against customer-mock: the first becomes the default, `default: true` moves it, the
//! customer's answer embeds its defaults, the default cannot be deleted while others
//! exist (409), lists page (and `paging::items` walks them), `if-match` guards updates,
//! another customer's items are not found, and deleting a customer removes what it
//! owns. (Card numbers, through instrument identifiers: `identifiers.rs`.)

use customer_client::paging;
use customer_client::{Client, Error, ResponseExt, types};
use customer_mock::CustomerMock;
use futures_util::StreamExt as _;
use reqwest::StatusCode;
use tests::{built, new_customer};

fn client(mock: &CustomerMock) -> Client {
    tests::client_for(&mock.base_url())
}

fn address(name: &str) -> types::ShippingAddress {
    built(
        types::ShippingAddress::builder().ship_to(
            types::ShipTo::builder()
                .first_name(name.to_owned())
                .country("US".to_owned()),
        ),
    )
}

async fn add_address(client: &Client, customer: &str, name: &str) -> types::ShippingAddress {
    client
        .post_customer_shipping_address()
        .customer_id(customer)
        .body(address(name))
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// Every shipping address of `customer`, by the paging helper, `limit` a page.
async fn all_addresses(client: &Client, customer: &str, limit: u64) -> Vec<types::ShippingAddress> {
    let pages = paging::items(limit, |offset, limit| {
        client
            .get_customer_shipping_addresses_list()
            .customer_id(customer)
            .offset(offset)
            .limit(limit)
            .send()
    });
    pages.map(Result::unwrap).collect().await
}

#[tokio::test]
async fn defaults_follow_what_tms_documents() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let first = add_address(&client, &customer, "First").await;
    let second = add_address(&client, &customer, "Second").await;
    assert_eq!(first.default, Some(true), "the first becomes the default");
    assert_eq!(second.default, Some(false));
    let (first_id, second_id) = (first.id.clone().unwrap(), second.id.clone().unwrap());

    // The customer embeds its default and names it.
    let shown = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown
            .default_shipping_address
            .as_ref()
            .and_then(|d| d.id.as_deref()),
        Some(first_id.as_str())
    );
    let embedded = shown
        .embedded
        .clone()
        .unwrap()
        .default_shipping_address
        .unwrap();
    assert_eq!(embedded.id.as_deref(), Some(first_id.as_str()));
    assert_eq!(
        embedded.ship_to.and_then(|s| s.first_name).as_deref(),
        Some("First")
    );

    // `default: true` moves the default.
    let moved = client
        .patch_customers_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&second_id)
        .body(types::ShippingAddress::builder().default(true))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.default, Some(true));
    let shown = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown
            .default_shipping_address
            .as_ref()
            .and_then(|d| d.id.as_deref()),
        Some(second_id.as_str())
    );

    // `default: true` on create moves it too.
    let third = client
        .post_customer_shipping_address()
        .customer_id(&customer)
        .body(types::builder::ShippingAddress::from(address("Third")).default(true))
        .send()
        .await
        .unwrap();
    assert_eq!(third.default, Some(true));
    let third_id = third.into_inner().id.unwrap();
    let shown = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown
            .default_shipping_address
            .as_ref()
            .and_then(|d| d.id.as_deref()),
        Some(third_id.as_str())
    );
    client
        .patch_customers_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&second_id)
        .body(types::ShippingAddress::builder().default(true))
        .send()
        .await
        .unwrap();
    client
        .delete_customer_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&third_id)
        .send()
        .await
        .unwrap();

    // The default cannot go while another exists; the other can.
    let refused = client
        .delete_customer_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&second_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(StatusCode::CONFLICT));
    assert_eq!(
        refused.error_body().unwrap().errors[0].type_.as_deref(),
        Some("conflict")
    );
    for id in [&first_id, &second_id] {
        client
            .delete_customer_shipping_address()
            .customer_id(&customer)
            .shipping_address_id(id)
            .send()
            .await
            .unwrap();
    }
    assert!(all_addresses(&client, &customer, 20).await.is_empty());
}

#[tokio::test]
async fn lists_page_and_the_helper_walks_every_page() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let mut names = Vec::new();
    for i in 0..5 {
        names.push(format!("Name{i}"));
        add_address(&client, &customer, &names[i]).await;
    }
    for limit in [1, 2, 5, 100] {
        let walked: Vec<String> = all_addresses(&client, &customer, limit)
            .await
            .into_iter()
            .filter_map(|a| a.ship_to.and_then(|s| s.first_name))
            .collect();
        assert_eq!(walked, names, "limit {limit}");
    }
    // One page: count, total, links and the header.
    let page = client
        .get_customer_shipping_addresses_list()
        .customer_id(&customer)
        .offset(2u64)
        .limit(2u64)
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["x-total-count"], "5");
    let page = page.into_inner();
    assert_eq!(
        (page.offset, page.limit, page.count, page.total),
        (Some(2), Some(2), Some(2), Some(5))
    );
    let links = page.links.unwrap();
    assert!(links.next.is_some() && links.prev.is_some() && links.last.is_some());
    // Past the end: an empty page.
    let past = client
        .get_customer_shipping_addresses_list()
        .customer_id(&customer)
        .offset(50u64)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((past.count, past.total), (Some(0), Some(5)));
    // A limit beyond the spec's bound: the client refuses before sending, the mock too.
    let refused = client
        .get_customer_shipping_addresses_list()
        .customer_id(&customer)
        .limit(101u64)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidRequest { parameter, .. } if parameter == "limit"),
        "{refused:?}"
    );
    let answer = reqwest::get(format!(
        "{}/tms/v2/customers/{customer}/shipping-addresses?limit=101",
        mock.base_url()
    ))
    .await
    .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await.unwrap().contains("\"name\":\"limit\""));
}

#[tokio::test]
async fn if_match_other_customers_and_deleting_the_customer() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let (owner, other) = (new_customer(&client).await, new_customer(&client).await);
    let created = client
        .post_customer_shipping_address()
        .customer_id(&owner)
        .body(address("Owner"))
        .send()
        .await
        .unwrap();
    let etag = created.etag().unwrap().to_owned();
    let id = created.into_inner().id.unwrap();
    // A stale ETag is refused; the current one is taken.
    let stale = client
        .patch_customers_shipping_address()
        .customer_id(&owner)
        .shipping_address_id(&id)
        .if_match("\"999\"")
        .body(address("Changed"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(stale.status(), Some(StatusCode::PRECONDITION_FAILED));
    client
        .patch_customers_shipping_address()
        .customer_id(&owner)
        .shipping_address_id(&id)
        .if_match(&etag)
        .body(address("Changed"))
        .send()
        .await
        .unwrap();
    // Another customer's item is not found, never shown.
    let leak = client
        .get_customer_shipping_address()
        .customer_id(&other)
        .shipping_address_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(leak.status(), Some(StatusCode::NOT_FOUND));
    // Deleting the customer removes what it owns.
    client
        .delete_customer()
        .customer_id(&owner)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_customer_shipping_address()
        .customer_id(&owner)
        .shipping_address_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(StatusCode::NOT_FOUND));
}

/// A deleted default names nothing: the next item created becomes the default, and the
/// customer shows it.
#[tokio::test]
async fn after_the_default_is_deleted_the_next_item_is_the_default() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let first = add_address(&client, &customer, "First").await.id.unwrap();
    client
        .delete_customer_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&first)
        .send()
        .await
        .unwrap();
    let shown = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    assert!(shown.default_shipping_address.is_none(), "{shown:?}");
    let next = add_address(&client, &customer, "Next").await;
    assert_eq!(next.default, Some(true));
    let shown = client
        .get_customer()
        .customer_id(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown
            .default_shipping_address
            .as_ref()
            .and_then(|d| d.id.as_deref()),
        next.id.as_deref()
    );
}

/// An item's ETag changes with each update: two updates under the first ETag, and the
/// second is refused (412).
#[tokio::test]
async fn an_items_etag_changes_on_update() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let id = add_address(&client, &customer, "Ann").await.id.unwrap();
    let fetched = client
        .get_customer_shipping_address()
        .customer_id(&customer)
        .shipping_address_id(&id)
        .send()
        .await
        .unwrap();
    let first_etag = fetched.etag().unwrap().to_owned();
    let patch = || {
        client
            .patch_customers_shipping_address()
            .customer_id(&customer)
            .shipping_address_id(&id)
            .if_match(&first_etag)
            .body(address("Bob"))
            .send()
    };
    let updated = patch().await.unwrap();
    assert_ne!(updated.etag(), Some(first_etag.as_str()));
    let error = patch().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::PRECONDITION_FAILED));
}

/// The links of a page: `next` only while items follow, `prev` only after the first.
#[tokio::test]
async fn only_pages_with_items_after_them_link_to_a_next_page() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    for name in ["A", "B", "C", "D", "E"] {
        add_address(&client, &customer, name).await;
    }
    for (offset, next, prev) in [(0, true, false), (2, true, true), (4, false, true)] {
        let page = client
            .get_customer_shipping_addresses_list()
            .customer_id(&customer)
            .offset(offset)
            .limit(std::num::NonZeroU64::new(2).unwrap())
            .send()
            .await
            .unwrap()
            .into_inner();
        let links = serde_json::to_value(page.links.unwrap()).unwrap();
        assert_eq!(
            links.get("next").is_some(),
            next,
            "offset {offset}: {links}"
        );
        assert_eq!(
            links.get("prev").is_some(),
            prev,
            "offset {offset}: {links}"
        );
    }
}

/// A customer update naming another address as `defaultShippingAddress` moves the
/// default there; naming one the customer does not have is 404.
#[tokio::test]
async fn a_customer_update_moves_the_default() {
    let mock = CustomerMock::start().await.unwrap();
    let client = client(&mock);
    let customer = new_customer(&client).await;
    let first = add_address(&client, &customer, "First").await.id.unwrap();
    let second = add_address(&client, &customer, "Second").await.id.unwrap();
    let naming = |id: &str| {
        types::Customer::builder()
            .default_shipping_address(types::ShippingAddressReference::builder().id(id.to_owned()))
    };
    let updated = client
        .patch_customer()
        .customer_id(&customer)
        .body(naming(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated
            .default_shipping_address
            .as_ref()
            .and_then(|d| d.id.as_deref()),
        Some(second.as_str())
    );
    let listed = all_addresses(&client, &customer, 10).await;
    let defaults: Vec<_> = listed
        .iter()
        .filter(|a| a.default == Some(true))
        .map(|a| a.id.clone().unwrap())
        .collect();
    assert_eq!(defaults, std::slice::from_ref(&second));
    assert_ne!(first, second);
    let error = client
        .patch_customer()
        .customer_id(&customer)
        .body(naming("0123456789ABCDEF0123456789ABCDEF"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
}
