//! Calls each generated method by its spec operation, so tests can loop over the spec.
//! An operation of the spec that is missing here fails every test that loops.

use customer_client::{Client, Error, ResponseExt, ResponseValue, types};

use crate::SpecOperation;

/// Sample values that satisfy the spec's limits.
pub const CUSTOMER_ID: &str = "D9F340DD3DB9C276E053A2598D0A41A3";
pub const PROFILE_ID: &str = "93B32398-AD51-4CC2-A682-EA3E93614EB1";
pub const IF_MATCH: &str = "2";

/// The inputs of one call.
#[derive(Debug, Clone, Default)]
pub struct Call {
    pub customer_id: Option<String>,
    pub profile_id: Option<String>,
    pub if_match: Option<String>,
    pub body: Option<types::Customer>,
}

impl Call {
    /// Valid inputs for `op`: every required parameter, the optional ones only when
    /// `with_optional`, and the sample request body when it takes one.
    pub fn valid(op: &SpecOperation, with_optional: bool) -> Self {
        let mut call = Self::default();
        for param in &op.params {
            if !param.required && !with_optional {
                continue;
            }
            let value = Some(sample_value(&param.name));
            match param.name.as_str() {
                "customerId" => call.customer_id = value,
                "profile-id" => call.profile_id = value,
                "if-match" => call.if_match = value,
                other => panic!("no sample for parameter `{other}`: add it to tests/src/calls.rs"),
            }
        }
        if op.request_media_type.is_some() {
            call.body = Some(sample_body(op));
        }
        call
    }

    /// The value this call gives the wire parameter `name`.
    pub fn value_of(&self, name: &str) -> Option<&str> {
        match name {
            "customerId" => self.customer_id.as_deref(),
            "profile-id" => self.profile_id.as_deref(),
            "if-match" => self.if_match.as_deref(),
            _ => None,
        }
    }
}

/// A valid sample value for the wire parameter `name`.
pub fn sample_value(name: &str) -> String {
    match name {
        "customerId" => CUSTOMER_ID,
        "profile-id" => PROFILE_ID,
        "if-match" => IF_MATCH,
        other => panic!("no sample for parameter `{other}`"),
    }
    .to_owned()
}

/// The documented sample request body of a body-taking operation.
pub fn sample_body(op: &SpecOperation) -> types::Customer {
    let fixture = match op.method.as_str() {
        "POST" => "samples/create-customer.request.json",
        _ => "samples/update-customer.request.spec-x-example.json",
    };
    serde_json::from_value(crate::json_fixture(fixture)).expect("sample body decodes")
}

/// What came back from a successful call.
#[derive(Debug)]
pub struct Outcome {
    pub status: u16,
    pub body: Option<types::Customer>,
    pub etag: Option<String>,
    pub correlation_id: Option<String>,
    pub unique_transaction_id: Option<String>,
    pub location: Option<String>,
}

fn outcome<T>(value: ResponseValue<T>, body: impl FnOnce(T) -> Option<types::Customer>) -> Outcome {
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Outcome {
        status: value.status().as_u16(),
        etag: owned(value.etag()),
        correlation_id: owned(value.correlation_id()),
        unique_transaction_id: owned(value.unique_transaction_id()),
        location: owned(value.location()),
        body: body(value.into_inner()),
    }
}

/// Calls the generated method for `op` with `call`'s inputs.
pub async fn call(client: &Client, op: &SpecOperation, call: &Call) -> Result<Outcome, Error> {
    let id = || call.customer_id.clone().unwrap_or_default();
    let body = || call.body.clone().unwrap_or_default();
    match op.method_name().as_str() {
        "post_customer" => {
            let mut builder = client.post_customer().body(body());
            if let Some(profile_id) = &call.profile_id {
                builder = builder.profile_id(profile_id);
            }
            Ok(outcome(builder.send().await?, Some))
        }
        "get_customer" => {
            let mut builder = client.get_customer().customer_id(id());
            if let Some(profile_id) = &call.profile_id {
                builder = builder.profile_id(profile_id);
            }
            Ok(outcome(builder.send().await?, Some))
        }
        "patch_customer" => {
            let mut builder = client.patch_customer().customer_id(id()).body(body());
            if let Some(profile_id) = &call.profile_id {
                builder = builder.profile_id(profile_id);
            }
            if let Some(if_match) = &call.if_match {
                builder = builder.if_match(if_match);
            }
            Ok(outcome(builder.send().await?, Some))
        }
        "delete_customer" => {
            let mut builder = client.delete_customer().customer_id(id());
            if let Some(profile_id) = &call.profile_id {
                builder = builder.profile_id(profile_id);
            }
            Ok(outcome(builder.send().await?, |()| None))
        }
        other => panic!("spec operation `{other}` has no call in tests/src/calls.rs"),
    }
}

/// A builder for a local test server that signs with JWT (the official vectors'
/// throwaway key) and numbers its token ids `jti-0`, `jti-1`, ... so attempts differ.
pub fn signing_builder(base_url: &str) -> customer_client::ClientBuilder {
    let counter = std::sync::atomic::AtomicU64::new(0);
    let environment = customer_client::Environment::custom(base_url).expect("test base URL");
    Client::builder(environment)
        .credentials(
            customer_client::Credentials::jwt_shared_secret(
                "testrest",
                "key",
                "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=",
            )
            .expect("test credentials"),
        )
        .id_source(move || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            format!("jti-{n}")
        })
}

/// A client for a local test server.
pub fn client_for(base_url: &str) -> Client {
    let environment = customer_client::Environment::custom(base_url).expect("test base URL");
    Client::builder(environment).build().expect("client builds")
}

/// Builds a client from `builder` and retrieves customer `id`, the error converted.
pub async fn built_and_get(
    builder: customer_client::ClientBuilder,
    id: &str,
) -> Result<ResponseValue<types::Customer>, Error> {
    builder
        .build()
        .expect("client builds")
        .get_customer()
        .customer_id(id)
        .send()
        .await
        .map_err(Error::from)
}
