//! The spec agrees with what the documentation says, and the documentation table
//! agrees with the document: two independent sources that must not drift apart.

use std::collections::BTreeMap;

use serde_json::Value;
use tests::documentation::{self, OPERATIONS as DOCUMENTED};
use tests::{fixture, resolve, spec, spec_operations, spec_operations_by_method};

#[test]
fn every_spec_operation_is_documented_and_every_documented_one_is_in_the_spec() {
    let spec_ops = spec_operations_by_method();
    for name in spec_ops.keys() {
        assert!(
            documentation::operation(name).is_some(),
            "spec has undocumented `{name}`"
        );
    }
    for doc in DOCUMENTED {
        assert!(
            spec_ops.contains_key(doc.method_name),
            "spec lacks `{}`",
            doc.method_name
        );
    }
    assert_eq!(spec_ops.len(), DOCUMENTED.len());
}

#[test]
fn verbs_paths_and_summaries_agree() {
    for op in spec_operations() {
        let doc = documentation::operation(&op.method_name()).unwrap();
        assert_eq!(op.method, doc.verb, "{}", doc.method_name);
        assert_eq!(op.path, doc.path, "{}", doc.method_name);
        let summary = spec()["paths"][&op.path][op.method.to_lowercase()]["summary"].as_str();
        assert_eq!(summary, Some(doc.summary), "{}", doc.method_name);
    }
}

#[test]
fn parameters_agree_in_name_location_and_required_flag() {
    for op in spec_operations() {
        let doc = documentation::operation(&op.method_name()).unwrap();
        let mut documented: Vec<_> = doc
            .params
            .iter()
            .filter(|p| p.location != "body")
            .map(|p| (p.wire_name.to_owned(), p.location.to_owned(), p.required))
            .collect();
        let mut specified: Vec<_> = op
            .params
            .iter()
            .map(|p| (p.name.clone(), p.location.clone(), p.required))
            .collect();
        documented.sort();
        specified.sort();
        assert_eq!(specified, documented, "{}", doc.method_name);

        let documents_body = doc
            .params
            .iter()
            .any(|p| p.location == "body" && p.required);
        let body_required = spec()["paths"][&op.path][op.method.to_lowercase()]
            .pointer("/requestBody/required")
            .and_then(Value::as_bool);
        assert_eq!(
            body_required == Some(true),
            documents_body,
            "{}",
            doc.method_name
        );
    }
}

#[test]
fn parameter_limits_are_the_published_ones() {
    // Limits come from the reference definition (the document gives none).
    for op in spec_operations() {
        let profile = op
            .param("profile-id")
            .expect("profile-id on every operation");
        assert_eq!(
            (profile.min_length, profile.max_length),
            (Some(36), Some(36))
        );
        if let Some(id) = op.param("customerId") {
            assert_eq!((id.min_length, id.max_length), (Some(1), Some(32)));
        }
        if let Some(if_match) = op.param("if-match") {
            assert_eq!(op.method, "PATCH");
            assert_eq!(
                (if_match.min_length, if_match.max_length),
                (Some(1), Some(32))
            );
        }
    }
}

#[test]
fn media_types_are_the_documented_ones() {
    for op in spec_operations() {
        let doc = documentation::operation(&op.method_name()).unwrap();
        if let Some(media) = &op.request_media_type {
            assert_eq!(media, doc.content_type, "{} request", doc.method_name);
        }
        for response in &op.responses {
            if let Some(media) = &response.media_type {
                assert_eq!(media, doc.accept, "{} {}", doc.method_name, response.status);
            }
        }
        // A body-less success is exactly what the document calls `void`.
        assert_eq!(
            op.success().schema.is_none(),
            doc.returns == "void",
            "{}",
            doc.method_name
        );
    }
}

#[test]
fn statuses_and_response_headers_are_the_published_ones() {
    let expected: BTreeMap<&str, &[u16]> = BTreeMap::from([
        ("post_customer", &[201, 400, 403, 409, 424, 500][..]),
        ("get_customer", &[200, 400, 403, 404, 410, 424, 500][..]),
        (
            "patch_customer",
            &[200, 400, 403, 404, 410, 412, 424, 500][..],
        ),
        ("delete_customer", &[204, 400, 403, 404, 410, 424, 500][..]),
        (
            "post_customer_shipping_address",
            &[201, 400, 403, 409, 424, 500][..],
        ),
        (
            "get_customer_shipping_addresses_list",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "get_customer_shipping_address",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "patch_customers_shipping_address",
            &[200, 400, 403, 404, 410, 412, 424, 500][..],
        ),
        (
            "delete_customer_shipping_address",
            &[204, 400, 403, 404, 409, 410, 424, 500][..],
        ),
        (
            "post_customer_payment_instrument",
            &[201, 400, 403, 409, 424, 500][..],
        ),
        (
            "get_customer_payment_instruments_list",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "get_customer_payment_instrument",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "patch_customers_payment_instrument",
            &[200, 400, 403, 404, 410, 412, 424, 500][..],
        ),
        (
            "delete_customer_payment_instrument",
            &[204, 400, 403, 404, 409, 410, 424, 500][..],
        ),
        // 200 for a number seen before, 201 for a new one.
        (
            "post_instrument_identifier",
            &[200, 201, 400, 403, 409, 424, 500][..],
        ),
        (
            "get_instrument_identifier",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "patch_instrument_identifier",
            &[200, 400, 403, 404, 410, 412, 424, 500][..],
        ),
        // No 400: CyberSource documents none.
        (
            "delete_instrument_identifier",
            &[204, 403, 404, 409, 410, 424, 500][..],
        ),
        (
            "get_instrument_identifier_payment_instruments_list",
            &[200, 400, 403, 404, 410, 424, 500][..],
        ),
        (
            "post_instrument_identifier_enrollment",
            &[202, 204, 400, 403, 404, 410, 424, 500][..],
        ),
    ]);
    assert_eq!(
        expected.len(),
        spec_operations().len(),
        "every operation's statuses"
    );
    for op in spec_operations() {
        let statuses: Vec<u16> = op.responses.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            expected[op.method_name().as_str()],
            "{}",
            op.operation_id
        );
        for response in &op.responses {
            let mut want = vec!["v-c-correlation-id", "uniqueTransactionID"];
            // A list's page announces its total; a resource its version.
            let list = response
                .schema
                .as_deref()
                .is_some_and(|s| s.ends_with("List"));
            match response.status {
                201 => want.extend(["Location", "ETag"]),
                200 if list => want.push("X-Total-Count"),
                200 => want.push("ETag"),
                _ => {}
            }
            let mut have: Vec<&str> = response.headers.iter().map(String::as_str).collect();
            want.sort_unstable();
            have.sort_unstable();
            assert_eq!(have, want, "{} {}", op.operation_id, response.status);
            if response.status >= 400 {
                assert_eq!(
                    response.schema.as_deref(),
                    Some("ErrorResponse"),
                    "one shared error schema"
                );
            }
        }
    }
}

/// The documentation table is what the documents say (summary table, parameter
/// tables and "HTTP request headers" of each section).
#[test]
fn documentation_table_matches_the_sdk_documents() {
    for doc in DOCUMENTED {
        let text = fixture(doc.document);
        let file = doc.document.rsplit('/').next().unwrap_or(doc.document);
        let row = format!(
            "[**{name}**]({file}#{name}) | **{verb}** {path} | {summary}",
            name = doc.method_name,
            verb = doc.verb,
            path = doc.path,
            summary = doc.summary
        );
        assert!(text.contains(&row), "summary row missing: {row}");

        let start = text
            .find(&format!("# **{}**", doc.method_name))
            .unwrap_or_else(|| panic!("no section for {}", doc.method_name));
        let section = &text[start..];
        let section = &section[..section[1..].find("\n# **").map_or(section.len(), |i| i + 1)];
        let params_start = section.find("### Parameters").expect("parameter table");
        let params_end = section.find("### Return type").expect("return type");
        let rows: Vec<(String, bool)> = section[params_start..params_end]
            .lines()
            .filter_map(|line| {
                let name = line.trim().strip_prefix("**")?.split("**").next()?;
                Some((name.to_owned(), !line.contains("[optional]")))
            })
            .collect();
        let table: Vec<(String, bool)> = doc
            .params
            .iter()
            .map(|p| (p.sdk_name.to_owned(), p.required))
            .collect();
        assert_eq!(rows, table, "{} parameters", doc.method_name);

        let returns = &section[params_end..];
        let returns = returns.lines().nth(2).unwrap_or_default();
        assert!(
            returns.contains(doc.returns),
            "{}: return type {returns}",
            doc.method_name
        );
        assert!(section.contains(&format!(" - **Content-Type**: {}", doc.content_type)));
        assert!(section.contains(&format!(" - **Accept**: {}", doc.accept)));
    }
}

/// One line of `customer-field-tree.md`: the published facts of one field.
#[derive(Debug, PartialEq, Eq, Clone, Default)]
struct FieldFacts {
    kind: String,
    min_length: Option<u64>,
    max_length: Option<u64>,
    format: Option<String>,
    pattern: Option<String>,
    read_only: bool,
    min_items: Option<u64>,
    max_items: Option<u64>,
    required: Vec<String>,
}

fn parse_field_tree(text: &str) -> BTreeMap<String, FieldFacts> {
    let mut fields = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("- `") else {
            continue;
        };
        let (path, rest) = rest.split_once("` : ").expect("path and type");
        let (kind, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let mut facts = FieldFacts {
            kind: kind.to_owned(),
            ..FieldFacts::default()
        };
        if let Some(attributes) = rest.strip_prefix('[') {
            // Attributes end at the first `]` outside quotes and outside a list.
            let (mut depth, mut quoted, mut end) = (0, false, attributes.len());
            for (i, c) in attributes.char_indices() {
                match c {
                    '"' => quoted = !quoted,
                    '[' if !quoted => depth += 1,
                    ']' if !quoted && depth == 0 => {
                        end = i;
                        break;
                    }
                    ']' if !quoted => depth -= 1,
                    _ => {}
                }
            }
            let attributes = &attributes[..end];
            let number = |key: &str| {
                attributes
                    .split(", ")
                    .find_map(|a| a.strip_prefix(&format!("{key}=")))
                    .map(|n| n.parse::<u64>().expect("number"))
            };
            facts.min_length = number("minLength");
            facts.max_length = number("maxLength");
            facts.min_items = number("minItems");
            facts.max_items = number("maxItems");
            facts.read_only = attributes.split(", ").any(|a| a == "readOnly");
            facts.format = attributes
                .split(", ")
                .find_map(|a| a.strip_prefix("format="))
                .map(str::to_owned);
            facts.pattern = attributes
                .split(", ")
                .find_map(|a| a.strip_prefix("pattern="))
                .map(str::to_owned);
            if let Some(list) = attributes.split("required=[").nth(1) {
                facts.required = list
                    .split(']')
                    .next()
                    .unwrap_or_default()
                    .split(", ")
                    .map(|s| s.trim_matches('\'').to_owned())
                    .collect();
            }
        }
        fields.insert(path.to_owned(), facts);
    }
    fields
}

fn walk_spec(schema: &Value, path: &str, out: &mut BTreeMap<String, FieldFacts>) {
    let schema = resolve(schema);
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    for (name, child) in properties {
        let child_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        // `allOf: [X]` with `readOnly` beside it: X, read-only here.
        let (child, wrapper_read_only) = match child["allOf"].as_array().map(Vec::as_slice) {
            Some([inner]) => (resolve(inner), child["readOnly"].as_bool() == Some(true)),
            _ => (resolve(child), false),
        };
        let number = |v: &Value, key: &str| v[key].as_u64();
        let kind = match child["type"].as_str().unwrap_or("?") {
            "array" => format!(
                "array<{}>",
                resolve(&child["items"])["type"].as_str().unwrap_or("?")
            ),
            other => other.to_owned(),
        };
        out.insert(
            child_path.clone(),
            FieldFacts {
                kind,
                min_length: number(child, "minLength"),
                max_length: number(child, "maxLength"),
                format: child["format"].as_str().map(str::to_owned),
                pattern: child["pattern"].as_str().map(str::to_owned),
                read_only: wrapper_read_only || child["readOnly"].as_bool() == Some(true),
                min_items: number(child, "minItems"),
                max_items: number(child, "maxItems"),
                required: child["required"]
                    .as_array()
                    .map(|r| {
                        r.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            },
        );
        if child["type"] == "array" {
            walk_spec(&child["items"], &format!("{child_path}[]"), out);
        } else {
            walk_spec(child, &child_path, out);
        }
    }
}

/// Every one of the published customer fields is in the spec with the published
/// type, limits, format and readOnly flag, and the spec has no others.
#[test]
fn customer_schema_matches_the_published_field_tree() {
    let published = parse_field_tree(&fixture("customer-field-tree.md"));
    let mut specified = BTreeMap::new();
    walk_spec(
        &spec()["components"]["schemas"]["Customer"],
        "",
        &mut specified,
    );
    assert_eq!(published.len(), 280, "field tree fixture parsed");
    let missing: Vec<_> = published
        .keys()
        .filter(|k| !specified.contains_key(*k))
        .collect();
    let extra: Vec<_> = specified
        .keys()
        .filter(|k| !published.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    for (path, facts) in &published {
        assert_eq!(&specified[path], facts, "{path}");
    }
    // The items of emvTags carry the published `required` list.
    let emv = resolve(
        &spec()["components"]["schemas"]["PointOfSaleInformation"]["properties"]["emvTags"]["items"],
    );
    assert_eq!(
        emv["required"],
        serde_json::json!(["tag", "value", "source"])
    );
}

/// Each resource is one named component, used by reference: the body of create and
/// update and the answer of create, retrieve and update are the same schema, `Customer`
/// for the customer's operations and the sub-resource's own for the others; a list's
/// page holds that same schema (an instrument identifier's list is of payment
/// instruments, in the customer's list component, which CyberSource's definition makes
/// equal).
#[test]
fn each_resource_is_one_component_used_by_reference() {
    for op in spec_operations() {
        let (resource, listed) = if op.path.contains("/shipping-addresses") {
            ("ShippingAddress", "ShippingAddress")
        } else if op.path.contains("/payment-instruments") {
            ("PaymentInstrument", "PaymentInstrument")
        } else if op.path.contains("/instrumentidentifiers") {
            ("InstrumentIdentifier", "PaymentInstrument")
        } else {
            ("Customer", "Customer")
        };
        if op.request_media_type.is_some() {
            assert_eq!(
                op.request_schema.as_deref(),
                Some(resource),
                "{}",
                op.operation_id
            );
        }
        let success = op.success();
        match success.schema.as_deref() {
            Some(list) if list.ends_with("List") => {
                let resource = listed;
                assert_eq!(list, format!("{resource}List"), "{}", op.operation_id);
                let items =
                    spec()["components"]["schemas"][list]["properties"]["_embedded"]["properties"]
                        .as_object()
                        .and_then(|p| p.values().next())
                        .map(|p| p["items"]["$ref"].clone());
                assert_eq!(
                    items,
                    Some(Value::from(format!("#/components/schemas/{resource}"))),
                    "{}",
                    op.operation_id
                );
            }
            other => assert_eq!(
                other,
                success.media_type.is_some().then_some(resource),
                "{}",
                op.operation_id
            ),
        }
    }
}

/// The environments are the spec's servers, in its order: sandbox, production, India.
#[test]
fn environments_are_the_specs_servers() {
    use customer_client::Environment;
    let servers: Vec<&str> = spec()["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|server| server["url"].as_str().unwrap())
        .collect();
    let environments = [
        Environment::Sandbox,
        Environment::Production,
        Environment::India,
    ];
    let hosts: Vec<&str> = environments.iter().map(Environment::base_url).collect();
    assert_eq!(hosts, servers);
}
