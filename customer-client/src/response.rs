//! Typed access to the documented response headers of a successful call.

use crate::ResponseValue;
use crate::wire::{CORRELATION_ID, ETAG, LOCATION, UNIQUE_TRANSACTION_ID, header};

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

impl<T> ResponseExt for ResponseValue<T> {
    fn etag(&self) -> Option<&str> {
        header(self.headers(), &ETAG)
    }

    fn correlation_id(&self) -> Option<&str> {
        header(self.headers(), &CORRELATION_ID)
    }

    fn unique_transaction_id(&self) -> Option<&str> {
        header(self.headers(), &UNIQUE_TRANSACTION_ID)
    }

    fn location(&self) -> Option<&str> {
        header(self.headers(), &LOCATION)
    }
}
