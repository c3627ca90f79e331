//! Strict on what it sends: values outside the spec's limits are refused before
//! anything reaches the server, with an error naming the parameter and the rule.
//! Limits are read from the spec; values at the limit are sent.

use customer_client::{Error, types};
use httpmock::MockServer;
use tests::calls::{Call, call, client_for, sample_value};
use tests::{SpecOperation, built, spec_operations};

/// Runs `inputs` against a server that accepts anything; returns the result and
/// how many requests arrived.
async fn attempt(
    op: &SpecOperation,
    inputs: &Call,
) -> (Result<tests::calls::Outcome, Error>, usize) {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(op.success().status)
                .body(if op.success().media_type.is_some() {
                    "{}"
                } else {
                    ""
                });
        })
        .await;
    let result = call(&client_for(&server.base_url()), op, inputs).await;
    (result, any.calls_async().await)
}

fn with_param(inputs: &Call, name: &str, value: String) -> Call {
    inputs.clone().with(name, value)
}

fn assert_refused(
    result: Result<tests::calls::Outcome, Error>,
    arrived: usize,
    parameter: &str,
    rule_part: &str,
) {
    assert_eq!(arrived, 0, "{parameter}: nothing may be sent");
    match result {
        Err(Error::InvalidRequest { parameter: p, rule }) => {
            assert_eq!(p, parameter);
            assert!(
                rule.contains(rule_part),
                "{parameter}: rule `{rule}` lacks `{rule_part}`"
            );
        }
        other => panic!("{parameter}: expected InvalidRequest, got {other:?}"),
    }
}

/// Every length-limited parameter of every operation: one character too many or too
/// few is refused; the limits themselves are sent.
#[tokio::test]
async fn parameter_lengths_are_enforced_before_sending() {
    let mut refused = 0;
    let mut expected = 0;
    for op in spec_operations() {
        for param in &op.params {
            if let (Some(min), Some(_)) = (param.min_length, param.max_length) {
                expected += if min > 0 { 2 } else { 1 };
            }
        }
        let base = Call::valid(&op, true);
        for param in &op.params {
            let (Some(min), Some(max)) = (param.min_length, param.max_length) else {
                continue;
            };
            let (min, max) = (min as usize, max as usize);
            for good in [min, max] {
                let (result, arrived) =
                    attempt(&op, &with_param(&base, &param.name, "A".repeat(good))).await;
                assert_eq!(
                    arrived, 1,
                    "{} {} of length {good}",
                    op.operation_id, param.name
                );
                result.unwrap();
            }
            let mut bad = vec![max + 1];
            if min > 0 {
                bad.push(min - 1);
            }
            for length in bad {
                let (result, arrived) =
                    attempt(&op, &with_param(&base, &param.name, "A".repeat(length))).await;
                if length == 0 && param.location == "path" {
                    // An empty path segment changes the path shape; it is refused all the same.
                    assert_refused(result, arrived, &param.name, "");
                } else {
                    assert_refused(result, arrived, &param.name, &format!("got {length}"));
                }
                refused += 1;
            }
        }
    }
    assert_eq!(refused, expected);
    // profile-id, customerId and if-match of the customer's own operations at least.
    assert!(refused >= 8 + 6 + 2, "{refused}");
}

/// Every number parameter with a maximum (a list's `limit`): one more is refused,
/// naming the parameter and the bounds; the maximum itself is sent.
#[tokio::test]
async fn number_parameters_beyond_their_maximum_are_refused() {
    let mut checked = 0;
    for op in spec_operations() {
        let base = Call::valid(&op, true);
        for param in op.params.iter().filter(|p| p.kind == "integer") {
            let Some(max) = param.maximum.as_deref().and_then(|m| m.parse::<i64>().ok()) else {
                continue;
            };
            let (result, arrived) =
                attempt(&op, &with_param(&base, &param.name, max.to_string())).await;
            assert_eq!(arrived, 1, "{} {} = {max}", op.operation_id, param.name);
            result.unwrap();
            let (result, arrived) =
                attempt(&op, &with_param(&base, &param.name, (max + 1).to_string())).await;
            assert_refused(result, arrived, &param.name, &format!("got {}", max + 1));
            checked += 1;
        }
    }
    assert!(checked > 0, "no number parameter has a maximum");
}

/// For every operation with a body, whatever its schema: the first writable string
/// field with a length limit (found in the spec), one character too long, is refused
/// naming its path.
#[tokio::test]
async fn every_body_schema_has_its_limits_enforced() {
    let mut checked = 0;
    for op in spec_operations() {
        let Some(schema) = &op.request_schema else {
            continue;
        };
        let (path, max) = first_limited_field(&tests::spec()["components"]["schemas"][schema], "")
            .unwrap_or_else(|| panic!("{schema} has no length-limited field"));
        let mut body = serde_json::Value::String("x".repeat(max as usize + 1));
        for part in path.rsplit('.') {
            body = serde_json::json!({ part: body });
        }
        let inputs = Call::valid(&op, false).with_body(&body);
        let (result, arrived) = attempt(&op, &inputs).await;
        assert_refused(result, arrived, &path, &format!("got {}", max + 1));
        checked += 1;
    }
    assert!(checked >= 2, "{checked}");
}

/// The first writable string property with a `maxLength` under `schema`, depth first,
/// as a dotted path, with its limit.
fn first_limited_field(schema: &serde_json::Value, at: &str) -> Option<(String, u64)> {
    let schema = tests::resolve(schema);
    if schema["readOnly"].as_bool() == Some(true) {
        return None;
    }
    if let Some(max) = schema["maxLength"].as_u64().filter(|_| !at.is_empty()) {
        return Some((at.to_owned(), max));
    }
    for (name, property) in schema["properties"].as_object()? {
        let path = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        if let Some(found) = first_limited_field(property, &path) {
            return Some(found);
        }
    }
    None
}

#[tokio::test]
async fn a_customer_id_cannot_change_the_request_path() {
    let op = spec_operations()
        .into_iter()
        .find(|op| op.operation_id == "getCustomer")
        .unwrap();
    let base = Call::valid(&op, false);
    // `..` would climb to `/tms/v2/`; `.` would leave an empty last segment.
    for (hostile, rule) in [("..", "single path segment"), (".", "got 0")] {
        let (result, arrived) =
            attempt(&op, &with_param(&base, "customerId", hostile.to_owned())).await;
        assert_refused(result, arrived, "customerId", rule);
    }
}

/// A path value is measured as the caller wrote it, not as it is escaped in the URL:
/// 32 `é` are 32 characters (192 once escaped), within `customerId`'s 32.
#[tokio::test]
async fn an_escaped_path_value_is_measured_unescaped() {
    let op = spec_operations()
        .into_iter()
        .find(|op| op.operation_id == "getCustomer")
        .unwrap();
    let base = Call::valid(&op, false);
    let (result, arrived) = attempt(&op, &with_param(&base, "customerId", "é".repeat(32))).await;
    assert_eq!(arrived, 1, "{result:?}");
    assert!(result.is_ok(), "{result:?}");
    let (result, arrived) = attempt(&op, &with_param(&base, "customerId", "é".repeat(33))).await;
    assert_refused(result, arrived, "customerId", "1 to 32 characters (got 33)");
}

#[tokio::test]
async fn body_fields_beyond_their_limits_are_refused() {
    for op in spec_operations()
        .into_iter()
        .filter(|op| op.request_schema.as_deref() == Some("Customer"))
    {
        let base = Call::valid(&op, true);
        let cases: Vec<(types::Customer, &str, &str)> =
            vec![
                (
                    built(
                        types::Customer::builder().buyer_information(
                            types::BuyerInformation::builder()
                                .email(format!("{}@cybs.com", "e".repeat(247))),
                        ),
                    ),
                    "buyerInformation.email",
                    "at most 255 characters (got 256)",
                ),
                (
                    built(
                        types::Customer::builder().merchant_defined_information(vec![
                            built::<types::MerchantDefinedField, _>(
                                types::MerchantDefinedField::builder()
                                    .name("data1".to_owned())
                                    .value("ok".to_owned()),
                            ),
                            built(
                                types::MerchantDefinedField::builder()
                                    .name("data2".to_owned())
                                    .value("v".repeat(101)),
                            ),
                        ]),
                    ),
                    "merchantDefinedInformation[1].value",
                    "at most 100 characters",
                ),
                (
                    built(types::Customer::builder().id("I".repeat(33))),
                    "id",
                    "1 to 32 characters",
                ),
                (
                    built(types::Customer::builder().id(String::new())),
                    "id",
                    "1 to 32 characters (got 0)",
                ),
                (
                    built(types::Customer::builder().object_information(
                        types::ObjectInformation::builder().title("t".repeat(61)),
                    )),
                    "objectInformation.title",
                    "at most 60",
                ),
            ];
        for (body, field, rule) in cases {
            let inputs = base.clone().with_body(&body);
            let (result, arrived) = attempt(&op, &inputs).await;
            assert_refused(result, arrived, field, rule);
        }
    }
}

/// Limits count characters, not bytes: 255 two-byte characters is a valid email length.
#[tokio::test]
async fn limits_count_characters_not_bytes() {
    let op = spec_operations()
        .into_iter()
        .find(|op| op.method == "POST")
        .unwrap();
    let body: types::Customer = built(
        types::Customer::builder()
            .buyer_information(types::BuyerInformation::builder().email("é".repeat(255))),
    );
    let (result, arrived) = attempt(&op, &Call::valid(&op, false).with_body(&body)).await;
    assert_eq!(arrived, 1);
    result.unwrap();
}

/// Read-only fields (returned by the server, ignored when sent) are not checked, so a
/// customer read from a lenient response can be sent back as it is.
#[tokio::test]
async fn read_only_fields_are_passed_through() {
    let op = spec_operations()
        .into_iter()
        .find(|op| op.method == "PATCH")
        .unwrap();
    let body: types::Customer = serde_json::from_value(serde_json::json!({
        "_links": {"self": {"href": "x".repeat(500)}},
        "metadata": {"creator": "c".repeat(500)}
    }))
    .unwrap();
    let (result, arrived) = attempt(&op, &Call::valid(&op, true).with_body(&body)).await;
    assert_eq!(arrived, 1);
    result.unwrap();
}

#[test]
fn sample_values_fit_the_spec() {
    for op in spec_operations() {
        for param in &op.params {
            let length = sample_value(param).chars().count() as u64;
            assert!(
                param.min_length.is_none_or(|min| length >= min),
                "{}",
                param.name
            );
            assert!(
                param.max_length.is_none_or(|max| length <= max),
                "{}",
                param.name
            );
        }
    }
}

/// The rule table knows which operations take an encrypted request body (MLE), as the
/// spec's `x-devcenter-metaData.mleForRequest` says: every create and update, and
/// nothing else (CyberSource's definition marks those `optional`).
#[test]
fn the_rule_table_knows_which_operations_take_an_encrypted_body() {
    use customer_client::rules::{RequestMle, request_mle};
    for op in spec_operations() {
        let marker = tests::spec()["paths"][&op.path][op.method.to_lowercase()]
            ["x-devcenter-metaData"]["mleForRequest"]
            .as_str();
        let expected = match marker {
            Some("optional") => RequestMle::Optional,
            Some("mandatory") => RequestMle::Mandatory,
            _ => RequestMle::None,
        };
        assert_eq!(
            request_mle(&op.operation_id),
            Some(expected),
            "{}",
            op.operation_id
        );
        assert_eq!(
            expected == RequestMle::Optional,
            matches!(op.method.as_str(), "POST" | "PATCH"),
            "{}",
            op.operation_id
        );
    }
    assert_eq!(request_mle("noSuchOperation"), None);
}
