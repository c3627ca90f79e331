//! A hand-written client's least: one reqwest call, one JSON decode. Only built, to
//! compare a cold `cargo build --release` of it with one of `customer-client`.

/// Fetches a customer as untyped JSON.
pub async fn get_customer(
    client: &reqwest::Client,
    base_url: &str,
    customer_id: &str,
) -> reqwest::Result<serde_json::Value> {
    client
        .get(format!("{base_url}/tms/v2/customers/{customer_id}"))
        .header("accept", "application/json;charset=utf-8")
        .send()
        .await?
        .json()
        .await
}
