//! `cargo xtask conformance`: the committed spec against CyberSource's published
//! fragment reports nothing; copies of the fragment with planted changes report exactly
//! those.

use serde_json::{Value, json};

use crate::conformance::{self, Finding, Section};
use crate::facts::Kind;
use crate::workspace;

fn ours() -> Value {
    conformance::read_document(&workspace::workspace_root().join(workspace::SPEC)).unwrap()
}

/// The customers fragment alone (the planted changes are made to it).
fn customers_fragment() -> Value {
    conformance::read_document(
        &workspace::workspace_root().join("tests/fixtures/official-customers.json"),
    )
    .unwrap()
}

/// The three published fragments, read as one.
fn official() -> Value {
    conformance::merge(vec![
        ("customers".into(), customers_fragment()),
        ("sub-resources".into(), subresources()),
        ("instrument identifiers".into(), identifiers()),
    ])
    .unwrap()
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the fragment has no {pointer}"))
}

fn object<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at(doc, pointer).as_object_mut().unwrap()
}

const ITEM: &str = "/paths/~1tms~1v2~1customers~1{customerId}";
const POST_BODY: &str = "/paths/~1tms~1v2~1customers/post/parameters/1/schema/properties";

/// (difference, kind, subject, detail) of each finding.
fn summary(findings: &[Finding]) -> Vec<(&str, Kind, &str, &str)> {
    findings
        .iter()
        .map(|f| (f.what, f.kind, f.subject.as_str(), f.detail.as_str()))
        .collect()
}

/// The findings in the contract (the error bodies' are the one shared error schema's;
/// `the_spec_matches_the_published_fragment` shows them).
fn planted(plant: impl FnOnce(&mut Value)) -> Vec<Finding> {
    let mut official = official();
    plant(&mut official);
    contract(conformance::findings(&ours(), &official).unwrap().0)
}

fn contract(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.section == Section::Contract)
        .collect()
}

#[test]
fn the_spec_matches_the_published_fragment() {
    let (findings, compared) = conformance::findings(&ours(), &official()).unwrap();
    let (contract, error_bodies): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.section == Section::Contract);
    assert_eq!(
        summary(&contract),
        [],
        "the spec drifted from CyberSource's definition"
    );
    // Error bodies: the one shared error schema lists `details`, which CyberSource's
    // documents on 400 only (openapi/README.md, "One error schema").
    assert!(!error_bodies.is_empty());
    for f in &error_bodies {
        assert_eq!(
            (f.what, f.label.as_str()),
            ("extra", "ErrorEntry.details"),
            "{f:?}"
        );
        assert!(!f.subject.contains(" 400 "), "{f:?}");
    }
    // It compared something: every operation of ours, their parameters and statuses,
    // the customer tree five times over and the other trees several times each.
    let count = |kind| {
        compared
            .counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
    };
    let operations: usize = ours()["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(count(Kind::Operation), Some(operations));
    assert!(count(Kind::Parameter).unwrap() > 2 * operations);
    assert!(count(Kind::Status).unwrap() > 5 * operations);
    assert!(
        count(Kind::Field).unwrap() > 5 * 250,
        "{:?}",
        count(Kind::Field)
    );
}

#[test]
fn a_different_limit_is_reported() {
    let findings = planted(|d| {
        *at(
            d,
            &format!("{POST_BODY}/buyerInformation/properties/email/maxLength"),
        ) = json!(100)
    });
    assert_eq!(
        summary(&findings),
        [(
            "differs",
            Kind::Field,
            "postCustomer request $.buyerInformation.email",
            "maxLength: ours 255, CyberSource 100"
        )]
    );
    assert_eq!(
        findings[0].ours.as_deref(),
        Some("$.components.schemas.BuyerInformation.properties.email")
    );
    assert_eq!(
        findings[0].theirs.as_deref(),
        Some(
            "$.paths['/tms/v2/customers'].post.parameters[1].schema.properties.buyerInformation.properties.email"
        )
    );
}

#[test]
fn fields_missing_on_either_side_are_reported() {
    let findings = planted(|d| {
        object(
            d,
            &format!("{ITEM}/get/responses/200/schema/properties/buyerInformation/properties"),
        )
        .remove("merchantCustomerID");
        object(
            d,
            &format!("{ITEM}/patch/parameters/3/schema/properties/buyerInformation/properties"),
        )
        .insert(
            "nickname".into(),
            json!({"type": "string", "maxLength": 40}),
        );
    });
    assert_eq!(
        summary(&findings),
        [
            (
                "extra",
                Kind::Field,
                "getCustomer 200 $.buyerInformation.merchantCustomerID",
                "maxLength 100, type string"
            ),
            (
                "missing",
                Kind::Field,
                "patchCustomer request $.buyerInformation.nickname",
                "maxLength 40, type string"
            ),
        ]
    );
}

#[test]
fn type_format_and_read_only_differences_are_reported() {
    let findings = planted(|d| {
        *at(d, &format!("{POST_BODY}/id/type")) = json!("integer");
        object(d, &format!("{POST_BODY}/buyerInformation/properties/email"))
            .insert("format".into(), json!("email"));
        *at(
            d,
            &format!("{POST_BODY}/metadata/properties/creator/readOnly"),
        ) = json!(false);
    });
    assert_eq!(
        summary(&findings),
        [
            (
                "differs",
                Kind::Field,
                "postCustomer request $.buyerInformation.email",
                "format: ours unset, CyberSource email"
            ),
            (
                "differs",
                Kind::Field,
                "postCustomer request $.id",
                "type: ours string, CyberSource integer"
            ),
            (
                "differs",
                Kind::Field,
                "postCustomer request $.metadata.creator",
                "readOnly: ours true, CyberSource false"
            ),
        ]
    );
}

#[test]
fn operations_parameters_statuses_headers_and_content_types_are_reported() {
    let findings = planted(|d| {
        *at(d, &format!("{ITEM}/patch/operationId")) = json!("updateCustomer");
        *at(d, &format!("{ITEM}/get/parameters/0/required")) = json!(true);
        *at(d, &format!("{ITEM}/delete/parameters/1/maxLength")) = json!(64);
        object(d, &format!("{ITEM}/delete/responses"))
            .insert("429".into(), json!({"description": "Too many requests."}));
        object(d, "/paths/~1tms~1v2~1customers/post/responses/201/headers").remove("ETag");
        *at(d, "/paths/~1tms~1v2~1customers/post/consumes") = json!(["application/json"]);
    });
    assert_eq!(
        summary(&findings),
        [
            ("missing", Kind::Status, "deleteCustomer 429", ""),
            (
                "differs",
                Kind::Parameter,
                "deleteCustomer path parameter customerId",
                "maxLength: ours 32, CyberSource 64"
            ),
            (
                "differs",
                Kind::Parameter,
                "getCustomer parameter profile-id",
                "required: ours false, CyberSource true"
            ),
            (
                "differs",
                Kind::Operation,
                "patchCustomer",
                "operationId: ours patchCustomer, CyberSource updateCustomer"
            ),
            (
                "extra",
                Kind::ResponseHeader,
                "postCustomer 201 header ETag",
                "type string"
            ),
            (
                "missing",
                Kind::ContentType,
                "postCustomer request application/json",
                ""
            ),
            (
                "extra",
                Kind::ContentType,
                "postCustomer request application/json;charset=utf-8",
                ""
            ),
        ]
    );
}

#[test]
fn other_paths_of_the_merged_definition_are_ignored() {
    let findings = planted(|d| {
        let other = json!({"get": {"operationId": "getPaymentInstrument", "responses": {"200": {"description": "OK"}}}});
        object(d, "/paths").insert("/tms/v1/paymentinstruments/{id}".into(), other.clone());
        // Below `/tms` too, like both of our collections, and below neither.
        object(d, "/paths").insert("/tms/v2/tokenized-cards/{id}".into(), other);
    });
    assert_eq!(summary(&findings), []);
}

#[test]
fn a_removed_operation_is_one_finding() {
    let findings = planted(|d| {
        object(d, ITEM).remove("delete");
    });
    assert_eq!(
        summary(&findings),
        [(
            "extra",
            Kind::Operation,
            "deleteCustomer",
            "operationId deleteCustomer"
        )]
    );
}

fn subresources() -> Value {
    conformance::read_document(
        &workspace::workspace_root().join("tests/fixtures/official-customer-subresources.json"),
    )
    .unwrap()
}

fn identifiers() -> Value {
    conformance::read_document(
        &workspace::workspace_root().join("tests/fixtures/official-instrument-identifiers.json"),
    )
    .unwrap()
}

/// Each fragment alone reports what only the others publish: against the customers
/// fragment, the ten sub-resource operations and the six instrument-identifier ones
/// are extra (the prefix rule reads no more of CyberSource's than it is given).
#[test]
fn one_fragment_alone_reports_the_others_operations_as_extra() {
    let findings = contract(
        conformance::findings(&ours(), &customers_fragment())
            .unwrap()
            .0,
    );
    let extra: Vec<&str> = findings
        .iter()
        .map(|f| {
            assert_eq!((f.what, f.kind), ("extra", Kind::Operation), "{f:?}");
            f.subject.as_str()
        })
        .collect();
    let published: Vec<String> = [subresources(), identifiers()]
        .iter()
        .flat_map(|fragment| fragment["paths"].as_object().unwrap().values())
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        published.len(),
        16,
        "the other fragments' ten and six operations"
    );
    let mut published: Vec<&str> = published.iter().map(String::as_str).collect();
    published.sort();
    assert_eq!(extra, published);
}

#[test]
fn fragments_that_disagree_on_a_path_are_refused() {
    let mut changed = official();
    at(
        &mut changed,
        "/paths/~1tms~1v2~1customers~1{customerId}/get/operationId",
    )
    .clone_from(&json!("somethingElse"));
    let error =
        conformance::merge(vec![("a".into(), official()), ("b".into(), changed)]).unwrap_err();
    assert!(
        error.to_string().contains("/tms/v2/customers/{customerId}"),
        "{error}"
    );
}

/// Which operations take an encrypted request body (MLE) is compared too.
#[test]
fn the_request_encryption_marker_is_compared() {
    let findings = planted(|d| {
        object(d, "/paths/~1tms~1v2~1customers/post").remove("x-devcenter-metaData");
        *at(
            d,
            &format!("{ITEM}/patch/x-devcenter-metaData/mleForRequest"),
        ) = json!("mandatory");
    });
    assert_eq!(
        summary(&findings),
        [
            (
                "differs",
                Kind::Operation,
                "patchCustomer",
                "mleForRequest: ours optional, CyberSource mandatory"
            ),
            (
                "differs",
                Kind::Operation,
                "postCustomer",
                "mleForRequest: ours optional, CyberSource unset"
            ),
        ]
    );
}

/// CyberSource's definition as published in 2020 (`tests/fixtures/history/`) against
/// today's fixtures, as a maintainer meets a definition that moved. The figures below
/// were checked by an independent script over the two files (statuses, placeholders,
/// request encryption); the rest are the tool's, so that noise shows as a changed count.
#[test]
fn the_2020_definition_against_todays() {
    let history = conformance::read_document(
        &workspace::workspace_root().join("tests/fixtures/history/0.0.1_2020-07-31.json"),
    )
    .unwrap();
    let (findings, compared) = conformance::findings(&history, &official()).unwrap();
    let has = |what: &str, kind: Kind, subject: &str, detail: &str| {
        findings
            .iter()
            .any(|f| f.what == what && f.kind == kind && f.subject == subject && f.detail == detail)
    };
    // Each of the thirteen operations with a placeholder: renamed, not missing and extra.
    let operations: std::collections::BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.what == "renamed")
        .map(|f| f.place.as_str())
        .collect();
    assert_eq!(operations.len(), 13, "{operations:?}");
    assert!(!operations.contains("postCustomer"));
    assert!(
        !findings
            .iter()
            .any(|f| f.kind == Kind::Operation && f.what != "differs"),
        "no operation is missing or extra"
    );
    assert!(has(
        "renamed",
        Kind::Parameter,
        "getCustomer path parameter customerTokenId",
        "path parameter renamed: customerTokenId → customerId"
    ));
    // Found inside them:
    for operation in [
        "deleteCustomerShippingAddress",
        "deleteCustomerPaymentInstrument",
    ] {
        assert!(
            has("missing", Kind::Status, &format!("{operation} 409"), ""),
            "{operation}"
        );
    }
    for place in [
        "postCustomerPaymentInstrument request",
        "getCustomerPaymentInstrument 200",
    ] {
        assert!(
            has(
                "differs",
                Kind::Field,
                &format!("{place} $.bankAccount.type"),
                "maxLength: ours 1, CyberSource 18"
            ),
            "{place}"
        );
    }
    for operation in [
        "postCustomer",
        "patchCustomer",
        "postCustomerShippingAddress",
        "patchCustomersShippingAddress",
        "postCustomerPaymentInstrument",
        "patchCustomersPaymentInstrument",
    ] {
        assert!(
            has(
                "differs",
                Kind::Operation,
                operation,
                "mleForRequest: ours unset, CyberSource optional"
            ),
            "{operation}"
        );
    }
    for place in [
        "postCustomerPaymentInstrument request",
        "postCustomerShippingAddress request",
    ] {
        assert!(
            has(
                "missing",
                Kind::Field,
                &format!("{place} $.default"),
                "type boolean"
            ),
            "{place}"
        );
    }
    // Counts per section, kind of difference and kind of fact: (changes, places).
    let mut counts: std::collections::BTreeMap<(&str, &str, &str), (usize, usize)> =
        std::collections::BTreeMap::new();
    for group in conformance::groups(&findings) {
        let entry = counts
            .entry((
                group.first.section.name(),
                group.first.what,
                group.first.kind.name(),
            ))
            .or_default();
        entry.0 += 1;
        entry.1 += group.places.len();
    }
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [
            (("contract", "differs", "field"), (24, 88)),
            (("contract", "differs", "operation"), (6, 6)),
            (("contract", "missing", "content type"), (1, 3)),
            (("contract", "missing", "field"), (92, 341)),
            (("contract", "missing", "status code"), (5, 12)),
            (("contract", "renamed", "parameter"), (3, 19)),
            (("error bodies", "extra", "field"), (1, 57)),
            (("error bodies", "missing", "field"), (1, 3)),
        ]
    );
    // The text report stays readable.
    let report = conformance::text_report(&[], &findings, &compared, false);
    for line in report.lines() {
        assert!(line.chars().count() <= conformance::WIDTH, "{line}");
    }
}

/// The exit status: differences in error bodies are reported but leave it at success;
/// a contract difference fails it.
#[test]
fn only_contract_differences_fail_the_command() {
    let root = workspace::workspace_root();
    let options = conformance::Options {
        json: false,
        verbose: false,
    };
    let fixtures: Vec<std::path::PathBuf> = workspace::OFFICIAL_DEFINITION
        .iter()
        .map(|f| root.join(f))
        .collect();
    let dir = std::env::temp_dir().join(format!("xtask-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let with = |name: &str, plant: &dyn Fn(&mut Value)| {
        let mut fragment = customers_fragment();
        plant(&mut fragment);
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(&fragment).unwrap()).unwrap();
        let mut paths = fixtures.clone();
        paths[0] = path;
        paths
    };
    // An extra field in a documented error body: an error-body difference only.
    let error_body = |d: &mut Value| {
        object(
            d,
            &format!("{ITEM}/get/responses/404/schema/properties/errors/items/properties"),
        )
        .insert("hint".into(), json!({"type": "string"}));
    };
    let mut planted = official();
    let before = conformance::findings(&ours(), &planted).unwrap().0;
    error_body(&mut planted);
    let after = conformance::findings(&ours(), &planted).unwrap().0;
    let count = |findings: &[Finding], section: Section| {
        findings.iter().filter(|f| f.section == section).count()
    };
    assert!(count(&after, Section::ErrorBodies) > count(&before, Section::ErrorBodies));
    assert_eq!(count(&after, Section::Contract), 0);
    assert!(
        conformance::run(&root, &fixtures, &options).unwrap(),
        "as published"
    );
    assert!(
        conformance::run(&root, &with("error-body.json", &error_body), &options).unwrap(),
        "an error-body difference is reported, not failed"
    );
    let contract = |d: &mut Value| {
        object(d, &format!("{ITEM}/delete/responses"))
            .insert("429".into(), json!({"description": "Too many requests."}));
    };
    assert!(
        !conformance::run(&root, &with("contract.json", &contract), &options).unwrap(),
        "a contract difference fails"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Header parameters are one parameter whatever the case of their names, as HTTP
/// says: `If-Match` there and `if-match` here are not a difference; a header that is
/// another name is.
#[test]
fn header_parameters_are_compared_without_regard_to_case() {
    let findings = planted(|d| {
        *at(d, &format!("{ITEM}/patch/parameters/2/name")) = json!("If-Match");
        *at(d, &format!("{ITEM}/patch/parameters/0/name")) = json!("Profile-ID");
    });
    assert!(findings.is_empty(), "{:?}", summary(&findings));
    let findings = planted(|d| {
        *at(d, &format!("{ITEM}/patch/parameters/2/name")) = json!("If-None-Match");
    });
    assert!(
        summary(&findings)
            .iter()
            .any(|(_, kind, place, _)| *kind == Kind::Parameter && place.contains("if-match")),
        "{:?}",
        summary(&findings)
    );
}
