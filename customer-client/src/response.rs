//! Typed access to the documented response headers.

use crate::ResponseValue;

/// The documented response headers of a successful call, without matching header names.
///
/// ```no_run
/// # async fn example(client: &customer_client::Client) -> Result<(), customer_client::Error> {
/// use customer_client::ResponseExt;
/// let customer = client.get_customer().customer_id("D9F340DD3DB9C276E053A2598D0A41A3").send().await?;
/// let etag = customer.etag(); // for a later `if-match`
/// println!("{:?} {:?}", etag, customer.correlation_id());
/// # Ok(()) }
/// ```
pub trait ResponseExt {
    /// `ETag`: the version of the customer, to send back as `if-match`.
    fn etag(&self) -> Option<&str>;
    /// `v-c-correlation-id`: CyberSource's id for this exchange; quote it to support.
    fn correlation_id(&self) -> Option<&str>;
    /// `uniqueTransactionID`: a globally unique id of the request.
    fn unique_transaction_id(&self) -> Option<&str>;
    /// `Location`: the path of a newly created customer (create only).
    fn location(&self) -> Option<&str>;
}

/// Header names, as the spec documents them (HTTP header names are case-insensitive).
/// Kept as `HeaderName`s: a lookup by `&str` parses the name again on every call.
pub(crate) mod names {
    use reqwest::header::HeaderName;

    pub const ETAG: HeaderName = HeaderName::from_static("etag");
    pub const CORRELATION_ID: HeaderName = HeaderName::from_static("v-c-correlation-id");
    pub const UNIQUE_TRANSACTION_ID: HeaderName = HeaderName::from_static("uniquetransactionid");
    pub const LOCATION: HeaderName = HeaderName::from_static("location");
}

/// A header's value as text, when present and printable.
pub(crate) fn header<'a>(
    headers: &'a reqwest::header::HeaderMap,
    name: &reqwest::header::HeaderName,
) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

impl<T> ResponseExt for ResponseValue<T> {
    fn etag(&self) -> Option<&str> {
        header(self.headers(), &names::ETAG)
    }

    fn correlation_id(&self) -> Option<&str> {
        header(self.headers(), &names::CORRELATION_ID)
    }

    fn unique_transaction_id(&self) -> Option<&str> {
        header(self.headers(), &names::UNIQUE_TRANSACTION_ID)
    }

    fn location(&self) -> Option<&str> {
        header(self.headers(), &names::LOCATION)
    }
}
