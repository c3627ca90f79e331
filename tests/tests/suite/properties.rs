//! Properties, checked over generated inputs (proptest):
//! - any bytes as an answer's body decode to a value or a typed error, never a panic;
//! - for any body, the HTTP Signature verifies under an independent re-computation;
//! - any valid customer survives serialising and deserialising unchanged.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use customer_client::auth::http_signature;
use customer_client::types;
use hmac::{KeyInit, Mac};
use httpmock::MockServer;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tests::built;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn server() -> &'static MockServer {
    static SERVER: OnceLock<MockServer> = OnceLock::new();
    SERVER.get_or_init(MockServer::start)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, .. ProptestConfig::default() })]

    #[test]
    fn any_answer_body_decodes_to_a_value_or_a_typed_error(
        body in prop::collection::vec(any::<u8>(), 0..512),
        status in prop::sample::select(vec![200u16, 201, 204, 400, 404, 412, 500, 503]),
    ) {
        let server = server();
        let mut mock = server.mock(|when, then| {
            when.any_request();
            then.status(status).header("v-c-correlation-id", "corr-prop").body(body.clone());
        });
        let client = tests::client_for(&server.base_url());
        let result = runtime().block_on(async {
            client.get_customer().customer_id("ABC").send().await
        });
        mock.delete();
        match result {
            Ok(customer) => prop_assert_eq!(customer.status().as_u16(), status),
            Err(error) => {
                prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{:?}", error);
                prop_assert_eq!(error.correlation_id(), Some("corr-prop"));
                // A 204 carries no body, whatever the server tried to send.
                let expected = if status == 204 { Vec::new() } else { body.clone() };
                prop_assert_eq!(error.raw_body().map(|b| b.to_vec()), Some(expected));
            }
        }
    }

    #[test]
    fn the_http_signature_verifies_for_any_body(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        method in prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE"]),
        id in "[A-Za-z0-9]{1,32}",
        secret in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let target = format!("/tms/v2/customers/{id}");
        let signed = http_signature::sign(
            &http_signature::SigningInput {
                host: "apitest.cybersource.com",
                date: "Thu, 18 Jul 2019 00:18:03 GMT",
                method,
                request_target: &target,
                body: &body,
                signing_merchant_id: "testrest",
                key_id: "key",
            },
            &secret,
        );
        let has_body = matches!(method, "POST" | "PUT" | "PATCH");
        let digest = format!("SHA-256={}", STANDARD.encode(Sha256::digest(&body)));
        prop_assert_eq!(signed.digest.as_deref(), has_body.then_some(digest.as_str()));
        let mut lines = vec![
            "host: apitest.cybersource.com".to_owned(),
            "date: Thu, 18 Jul 2019 00:18:03 GMT".to_owned(),
            format!("request-target: {} {target}", method.to_lowercase()),
        ];
        if has_body {
            lines.push(format!("digest: {digest}"));
        }
        lines.push("v-c-merchant-id: testrest".to_owned());
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&secret).unwrap();
        mac.update(lines.join("\n").as_bytes());
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        prop_assert!(signed.signature.ends_with(&format!("signature=\"{expected}\"")), "{}", signed.signature);
    }

    #[test]
    fn any_valid_customer_round_trips_losslessly(customer in customer()) {
        let json = serde_json::to_vec(&customer).unwrap();
        let back: types::Customer = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(&back, &customer);
        // And through a JSON value, as the mock and the CLI handle it.
        let value = serde_json::to_value(&customer).unwrap();
        prop_assert_eq!(serde_json::from_value::<types::Customer>(value).unwrap(), customer);
    }
}

fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(".{0,40}")
}

fn customer() -> impl Strategy<Value = types::Customer> {
    let writable = (
        text(),
        text(),
        text(),
        text(),
        text(),
        text(),
        prop::collection::vec((text(), text()), 0..4),
        text(),
        text(),
    );
    let read_only = (
        text(),
        text(),
        text(),
        text(),
        proptest::option::of(any::<bool>()),
    );
    (writable, read_only).prop_map(
        |(
            (id, title, comment, merchant_customer_id, email, code, fields, instrument, address),
            (creator, href, first, country, default),
        )| {
            let field =
                |(name, value): (Option<String>, Option<String>)| -> types::MerchantDefinedField {
                    built(
                        types::MerchantDefinedField::builder()
                            .name(name)
                            .value(value),
                    )
                };
            built(
                types::Customer::builder()
                    .id(id)
                    .object_information(
                        types::ObjectInformation::builder()
                            .title(title)
                            .comment(comment),
                    )
                    .buyer_information(
                        types::BuyerInformation::builder()
                            .merchant_customer_id(merchant_customer_id)
                            .email(email),
                    )
                    .client_reference_information(
                        types::ClientReferenceInformation::builder().code(code),
                    )
                    .merchant_defined_information(fields.into_iter().map(field).collect::<Vec<_>>())
                    .default_payment_instrument(
                        types::PaymentInstrumentReference::builder().id(instrument),
                    )
                    .default_shipping_address(
                        types::ShippingAddressReference::builder().id(address),
                    )
                    .metadata(types::Metadata::builder().creator(creator))
                    .links(types::CustomerLinks::builder().self_(types::Link::builder().href(href)))
                    .embedded(
                        types::CustomerEmbedded::builder().default_shipping_address(
                            types::ShippingAddress::builder().default(default).ship_to(
                                types::ShipTo::builder().first_name(first).country(country),
                            ),
                        ),
                    ),
            )
        },
    )
}

/// A JSON document of `schema` (from the spec, `$ref`s followed) in which each
/// property is, independently, `null` or a value of its own schema.
fn document(schema: &serde_json::Value, depth: usize) -> BoxedStrategy<serde_json::Value> {
    use serde_json::Value;
    let schema = tests::resolve(schema);
    // `allOf: [X]` marking X read-only where it is used: X.
    if let Some([inner]) = schema["allOf"].as_array().map(Vec::as_slice) {
        return document(inner, depth);
    }
    if let Some(properties) = schema["properties"].as_object() {
        if depth > 12 {
            return Just(Value::Object(Default::default())).boxed();
        }
        let members: Vec<BoxedStrategy<(String, Value)>> = properties
            .iter()
            .map(|(name, property)| {
                let name = name.clone();
                prop_oneof![Just(Value::Null), document(property, depth + 1)]
                    .prop_map(move |value| (name.clone(), value))
                    .boxed()
            })
            .collect();
        return members
            .prop_map(|members| Value::Object(members.into_iter().collect()))
            .boxed();
    }
    match schema["type"].as_str() {
        Some("array") => prop::collection::vec(document(&schema["items"], depth + 1), 0..2)
            .prop_map(Value::Array)
            .boxed(),
        Some("integer") => Just(Value::from(1)).boxed(),
        Some("number") => Just(Value::from(1.5)).boxed(),
        Some("boolean") => Just(Value::Bool(true)).boxed(),
        _ => Just(match schema["enum"].as_array().and_then(|e| e.first()) {
            Some(first) => first.clone(),
            None => Value::from("x"),
        })
        .boxed(),
    }
}

/// The JSON paths (`a.b[0].c`) of the members of `document` that are `null`.
fn null_paths(document: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    match document {
        serde_json::Value::Object(members) => {
            for (name, value) in members {
                let path = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                if value.is_null() {
                    out.push(path);
                } else {
                    null_paths(value, &path, out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                null_paths(item, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Whether `value` has a member at `path` (as `null_paths` writes it).
fn has_member(value: &serde_json::Value, path: &str) -> bool {
    let mut current = value;
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some(next) = current.get(name) else {
            return false;
        };
        current = match index {
            Some(i) => match next.get(i) {
                Some(item) => item,
                None => return false,
            },
            None => next,
        };
    }
    true
}

/// A server of its own: the other properties' mocks answer any request on theirs, and
/// proptests run side by side.
fn null_server() -> &'static MockServer {
    static SERVER: OnceLock<MockServer> = OnceLock::new();
    SERVER.get_or_init(MockServer::start)
}

/// Every documented response of the spec that has a body: (operation, status, schema).
fn response_schemas() -> Vec<(tests::SpecOperation, u16, serde_json::Value)> {
    let mut out = Vec::new();
    for op in tests::spec_operations() {
        for response in &op.responses {
            if let Some(schema) = &response.schema {
                let schema = tests::spec()["components"]["schemas"][schema].clone();
                out.push((op.clone(), response.status, schema));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Lenient reading: `null` in any optional field of any response schema reads as
    /// absent, through the client (success bodies) and as CyberSource's error body.
    #[test]
    fn null_in_any_optional_response_field_reads_as_absent(
        (index, doc) in (0..response_schemas().len()).prop_flat_map(|i| {
            (Just(i), document(&response_schemas()[i].2, 0))
        })
    ) {
        let (op, status, _) = &response_schemas()[index];
        let mut nulls = Vec::new();
        null_paths(&doc, "", &mut nulls);
        let body = serde_json::to_vec(&doc).unwrap();
        if (200..300).contains(status) {
            let server = null_server();
            let mut mock = server.mock(|when, then| {
                when.any_request();
                then.status(*status).header("content-type", "application/json").body(body.clone());
            });
            let client = tests::client_for(&server.base_url());
            let outcome = runtime().block_on(tests::calls::call(
                &client,
                op,
                &tests::calls::Call::valid(op, false),
            ));
            mock.delete();
            let outcome = outcome.map_err(|e| TestCaseError::fail(format!("{}: {e:?}\n{doc}", op.operation_id)))?;
            let decoded = serde_json::to_value(&outcome.body).unwrap();
            for path in &nulls {
                prop_assert!(!has_member(&decoded, path), "{}: `{path}` is not absent: {decoded}", op.operation_id);
            }
        } else {
            let decoded: types::ErrorResponse = serde_json::from_slice(&body)
                .map_err(|e| TestCaseError::fail(format!("{}: {e}\n{doc}", op.operation_id)))?;
            let decoded = serde_json::to_value(&decoded).unwrap();
            for path in &nulls {
                prop_assert!(!has_member(&decoded, path), "`{path}` is not absent: {decoded}");
            }
        }
    }
}
