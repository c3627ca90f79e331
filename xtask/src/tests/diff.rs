//! `cargo xtask diff`: every kind of change, each way round, as a pair of spec variants
//! (the committed spec and a copy with one planted change) with the expected report.

use serde_json::{Value, json};

use crate::diff::{self, Change};
use crate::facts::Kind;
use crate::workspace;

fn spec() -> Value {
    let text = std::fs::read_to_string(workspace::workspace_root().join(workspace::SPEC)).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn yaml(value: &Value) -> String {
    serde_norway::to_string(value).unwrap()
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has no {pointer}"))
}

fn object<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at(spec, pointer).as_object_mut().unwrap()
}

const ITEM: &str = "/paths/~1tms~1v2~1customers~1{customerId}";
const COLLECTION: &str = "/paths/~1tms~1v2~1customers";

/// What one report line must say: classification, change, kind, JSON path, detail.
type Expected<'a> = (&'a str, &'a str, Kind, &'a str, &'a str);

fn summary(changes: &[Change]) -> Vec<(String, String, Kind, String, String)> {
    changes
        .iter()
        .map(|c| {
            (
                if c.breaking { "breaking" } else { "compatible" }.to_owned(),
                c.change.to_owned(),
                c.kind,
                c.location.clone(),
                c.detail.clone(),
            )
        })
        .collect()
}

fn owned(expected: &[Expected]) -> Vec<(String, String, Kind, String, String)> {
    let mut expected: Vec<_> = expected
        .iter()
        .map(|(class, change, kind, location, detail)| {
            (
                class.to_string(),
                change.to_string(),
                *kind,
                location.to_string(),
                detail.to_string(),
            )
        })
        .collect();
    // The report lists breaking changes first.
    expected.sort_by_key(|e| e.0 != "breaking");
    expected
}

/// Diffs base → variant and variant → base, each against its expected report.
fn pair(
    base: &Value,
    plant: impl FnOnce(&mut Value),
    forward: &[Expected],
    backward: &[Expected],
) -> Vec<Change> {
    let mut variant = base.clone();
    plant(&mut variant);
    let changes = diff::changes(&yaml(base), &yaml(&variant)).unwrap();
    assert_eq!(summary(&changes), owned(forward), "base → variant");
    let reverse = diff::changes(&yaml(&variant), &yaml(base)).unwrap();
    assert_eq!(summary(&reverse), owned(backward), "variant → base");
    changes
}

#[test]
fn the_same_spec_has_no_changes() {
    let spec = spec();
    assert!(
        diff::changes(&yaml(&spec), &yaml(&spec))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn descriptions_and_moves_into_components_are_not_changes() {
    let base = spec();
    pair(
        &base,
        |s| {
            at(
                s,
                "/components/schemas/BuyerInformation/properties/email/description",
            )
            .clone_from(&json!("Where to write to the customer."));
            // The same schema inline instead of through $ref.
            let inline = at(s, "/components/schemas/BuyerInformation").clone();
            *at(
                s,
                "/components/schemas/Customer/properties/buyerInformation",
            ) = inline;
        },
        &[],
        &[],
    );
}

#[test]
fn operations_added_removed_and_renamed() {
    let base = spec();
    let changes = pair(
        &base,
        |s| {
            object(s, ITEM).remove("delete");
        },
        &[(
            "breaking",
            "removed",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].delete",
            "operationId deleteCustomer",
        )],
        &[(
            "compatible",
            "added",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].delete",
            "operationId deleteCustomer",
        )],
    );
    // One line for the operation, not one per parameter, status and header under it.
    assert_eq!(changes.len(), 1);
    pair(
        &base,
        |s| *at(s, &format!("{ITEM}/get/operationId")) = json!("fetchCustomer"),
        &[(
            "breaking",
            "changed",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].get",
            "operationId getCustomer → fetchCustomer",
        )],
        &[(
            "breaking",
            "changed",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].get",
            "operationId fetchCustomer → getCustomer",
        )],
    );
}

#[test]
fn parameters_added_and_removed() {
    let base = spec();
    let optional =
        json!({"name": "fields", "in": "query", "required": false, "schema": {"type": "string"}});
    pair(
        &base,
        |s| {
            at(s, &format!("{ITEM}/get/parameters"))
                .as_array_mut()
                .unwrap()
                .push(optional)
        },
        &[(
            "compatible",
            "added",
            Kind::Parameter,
            "$.paths['/tms/v2/customers/{customerId}'].get.parameters[2]",
            "in query, type string",
        )],
        &[(
            "breaking",
            "removed",
            Kind::Parameter,
            "$.paths['/tms/v2/customers/{customerId}'].get.parameters[2]",
            "in query, type string",
        )],
    );
    let required = json!({"name": "x-request-purpose", "in": "header", "required": true, "schema": {"type": "string"}});
    pair(
        &base,
        |s| {
            at(s, &format!("{COLLECTION}/post/parameters"))
                .as_array_mut()
                .unwrap()
                .push(required)
        },
        &[(
            "breaking",
            "added",
            Kind::Parameter,
            "$.paths['/tms/v2/customers'].post.parameters[1]",
            "in header, required true, type string",
        )],
        &[(
            "breaking",
            "removed",
            Kind::Parameter,
            "$.paths['/tms/v2/customers'].post.parameters[1]",
            "in header, required true, type string",
        )],
    );
}

#[test]
fn parameter_location_required_flag_and_limits() {
    let base = spec();
    let profile = "$.components.parameters.ProfileId";
    let changes = pair(
        &base,
        |s| *at(s, "/components/parameters/ProfileId/in") = json!("query"),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            profile,
            "in header → query",
        )],
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            profile,
            "in query → header",
        )],
    );
    // One definition, every operation: one line naming them all.
    let operations: usize = base["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        changes[0].places.len(),
        operations,
        "{:?}",
        changes[0].places
    );
    pair(
        &base,
        |s| *at(s, "/components/parameters/IfMatch/required") = json!(true),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.IfMatch",
            "required false → true",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Parameter,
            "$.components.parameters.IfMatch",
            "required true → false",
        )],
    );
    pair(
        &base,
        |s| *at(s, "/components/parameters/CustomerId/schema/maxLength") = json!(16),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "maxLength 32 → 16",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "maxLength 16 → 32",
        )],
    );
    pair(
        &base,
        |s| *at(s, "/components/parameters/CustomerId/schema/type") = json!("integer"),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "type string → integer",
        )],
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "type integer → string",
        )],
    );
}

/// A raised lower limit refuses values that passed (breaking); a lowered one is looser.
#[test]
fn raised_lower_limits_are_breaking() {
    let base = spec();
    pair(
        &base,
        |s| *at(s, "/components/parameters/CustomerId/schema/minLength") = json!(5),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "minLength 1 → 5",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Parameter,
            "$.components.parameters.CustomerId",
            "minLength 5 → 1",
        )],
    );
    pair(
        &base,
        |s| *at(s, "/components/parameters/Limit/schema/minimum") = json!(5),
        &[(
            "breaking",
            "changed",
            Kind::Parameter,
            "$.components.parameters.Limit",
            "minimum 1 → 5",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Parameter,
            "$.components.parameters.Limit",
            "minimum 5 → 1",
        )],
    );
}

const EMAIL: &str = "/components/schemas/BuyerInformation/properties/email";
const EMAIL_PATH: &str = "$.components.schemas.BuyerInformation.properties.email";

#[test]
fn fields_added_and_removed() {
    let base = spec();
    let changes = pair(
        &base,
        |s| {
            object(s, "/components/schemas/BuyerInformation/properties").insert(
                "nickname".into(),
                json!({"type": "string", "maxLength": 40}),
            );
        },
        &[(
            "compatible",
            "added",
            Kind::Field,
            "$.components.schemas.BuyerInformation.properties.nickname",
            "maxLength 40, type string",
        )],
        &[(
            "breaking",
            "removed",
            Kind::Field,
            "$.components.schemas.BuyerInformation.properties.nickname",
            "maxLength 40, type string",
        )],
    );
    // The customer schema is sent by two operations and returned by three.
    assert_eq!(
        changes[0].places,
        [
            "getCustomer 200 $.buyerInformation.nickname",
            "patchCustomer request $.buyerInformation.nickname",
            "patchCustomer 200 $.buyerInformation.nickname",
            "postCustomer request $.buyerInformation.nickname",
            "postCustomer 201 $.buyerInformation.nickname",
        ]
    );
    pair(
        &base,
        |s| {
            object(s, "/components/schemas/BuyerInformation/properties")
                .insert("nickname".into(), json!({"type": "string"}));
            object(s, "/components/schemas/BuyerInformation")
                .insert("required".into(), json!(["nickname"]));
        },
        &[(
            "breaking",
            "added",
            Kind::Field,
            "$.components.schemas.BuyerInformation.properties.nickname",
            "required true, type string",
        )],
        &[(
            "breaking",
            "removed",
            Kind::Field,
            "$.components.schemas.BuyerInformation.properties.nickname",
            "required true, type string",
        )],
    );
    // A removed object is one change, not one per field inside it.
    let changes = pair(
        &base,
        |s| {
            object(s, "/components/schemas/Customer/properties").remove("buyerInformation");
        },
        &[(
            "breaking",
            "removed",
            Kind::Field,
            "$.components.schemas.BuyerInformation",
            "type object",
        )],
        &[(
            "compatible",
            "added",
            Kind::Field,
            "$.components.schemas.BuyerInformation",
            "type object",
        )],
    );
    assert_eq!(changes.len(), 1);
}

#[test]
fn field_type_limits_format_and_read_only() {
    let base = spec();
    pair(
        &base,
        |s| *at(s, &format!("{EMAIL}/type")) = json!("integer"),
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "type string → integer",
        )],
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "type integer → string",
        )],
    );
    pair(
        &base,
        |s| *at(s, &format!("{EMAIL}/maxLength")) = json!(100),
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "maxLength 255 → 100",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "maxLength 100 → 255",
        )],
    );
    pair(
        &base,
        |s| {
            object(s, EMAIL).insert("minLength".into(), json!(3));
        },
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "minLength unset → 3",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "minLength 3 → unset",
        )],
    );
    pair(
        &base,
        |s| {
            object(s, EMAIL).insert("format".into(), json!("email"));
        },
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "format unset → email",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "format email → unset",
        )],
    );
    pair(
        &base,
        |s| {
            object(s, EMAIL).insert("readOnly".into(), json!(true));
        },
        &[(
            "breaking",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "readOnly false → true",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Field,
            EMAIL_PATH,
            "readOnly true → false",
        )],
    );
}

#[test]
fn response_only_fields_are_read_leniently() {
    // Base and variant both return their own copy of the customer from GET, so the
    // planted change reaches a response and no request.
    let mut base = spec();
    let copy = at(&mut base, "/components/schemas/Customer").clone();
    object(&mut base, "/components/schemas").insert("CustomerRead".into(), copy);
    *at(
        &mut base,
        &format!("{ITEM}/get/responses/200/content/application~1json;charset=utf-8/schema/$ref"),
    ) = json!("#/components/schemas/CustomerRead");
    let id = "$.components.schemas.CustomerRead.properties.id";
    pair(
        &base,
        |s| {
            *at(
                s,
                "/components/schemas/CustomerRead/properties/id/maxLength",
            ) = json!(16)
        },
        &[(
            "compatible",
            "changed",
            Kind::Field,
            id,
            "maxLength 32 → 16",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Field,
            id,
            "maxLength 16 → 32",
        )],
    );
    pair(
        &base,
        |s| {
            object(s, "/components/schemas/CustomerRead/properties").remove("id");
        },
        &[(
            "breaking",
            "removed",
            Kind::Field,
            id,
            "maxLength 32, minLength 1, type string",
        )],
        &[(
            "compatible",
            "added",
            Kind::Field,
            id,
            "maxLength 32, minLength 1, type string",
        )],
    );
}

#[test]
fn status_codes_added_and_removed() {
    let base = spec();
    let error = json!({"$ref": "#/components/responses/InternalServerError"});
    pair(
        &base,
        |s| {
            object(s, &format!("{ITEM}/get/responses")).insert("429".into(), error);
        },
        &[(
            "compatible",
            "added",
            Kind::Status,
            "$.components.responses.InternalServerError",
            "",
        )],
        &[(
            "compatible",
            "removed",
            Kind::Status,
            "$.components.responses.InternalServerError",
            "",
        )],
    );
    let accepted = json!({"description": "Accepted."});
    pair(
        &base,
        |s| {
            object(s, &format!("{ITEM}/patch/responses")).insert("202".into(), accepted);
        },
        &[(
            "breaking",
            "added",
            Kind::Status,
            "$.paths['/tms/v2/customers/{customerId}'].patch.responses['202']",
            "",
        )],
        &[(
            "breaking",
            "removed",
            Kind::Status,
            "$.paths['/tms/v2/customers/{customerId}'].patch.responses['202']",
            "",
        )],
    );
}

#[test]
fn response_headers_added_removed_and_changed() {
    let base = spec();
    let headers = format!("{ITEM}/get/responses/200/headers");
    pair(
        &base,
        |s| {
            object(s, &headers).insert(
                "x-rate-limit".into(),
                json!({"schema": {"type": "integer"}}),
            );
        },
        &[(
            "compatible",
            "added",
            Kind::ResponseHeader,
            "$.paths['/tms/v2/customers/{customerId}'].get.responses['200'].headers['x-rate-limit']",
            "type integer",
        )],
        &[(
            "breaking",
            "removed",
            Kind::ResponseHeader,
            "$.paths['/tms/v2/customers/{customerId}'].get.responses['200'].headers['x-rate-limit']",
            "type integer",
        )],
    );
    pair(
        &base,
        |s| *at(s, "/components/headers/ETag/schema/type") = json!("integer"),
        &[(
            "breaking",
            "changed",
            Kind::ResponseHeader,
            "$.components.headers.ETag",
            "type string → integer",
        )],
        &[(
            "breaking",
            "changed",
            Kind::ResponseHeader,
            "$.components.headers.ETag",
            "type integer → string",
        )],
    );
}

#[test]
fn content_types_added_removed_and_changed() {
    let base = spec();
    let content = format!("{COLLECTION}/post/requestBody/content");
    let post = "$.paths['/tms/v2/customers'].post";
    pair(
        &base,
        |s| {
            let media = object(s, &content)["application/json;charset=utf-8"].clone();
            object(s, &content).insert("application/json".into(), media);
        },
        &[("compatible", "added", Kind::ContentType, post, "")],
        &[("breaking", "removed", Kind::ContentType, post, "")],
    );
    // A changed content type is the old one removed and the new one added.
    let changes = pair(
        &base,
        |s| {
            let media = object(s, &content)
                .remove("application/json;charset=utf-8")
                .unwrap();
            object(s, &content).insert("application/hal+json".into(), media);
        },
        &[
            ("breaking", "removed", Kind::ContentType, post, ""),
            ("compatible", "added", Kind::ContentType, post, ""),
        ],
        &[
            ("breaking", "removed", Kind::ContentType, post, ""),
            ("compatible", "added", Kind::ContentType, post, ""),
        ],
    );
    assert_eq!(
        changes[0].places,
        ["postCustomer request application/json;charset=utf-8"]
    );
}

#[test]
fn semver_follows_the_worst_change() {
    let change = |breaking| Change {
        breaking,
        kind: Kind::Field,
        change: "added",
        location: String::new(),
        detail: String::new(),
        places: Vec::new(),
        reason: "",
    };
    let next = |v, changes: &[Change], code| diff::next_version(v, changes, code).1;
    assert_eq!(next("0.1.0", &[change(false), change(true)], true), "0.2.0");
    assert_eq!(next("0.1.3", &[change(false)], true), "0.1.4");
    assert_eq!(next("0.1.3", &[], true), "0.1.4");
    assert_eq!(next("0.1.3", &[], false), "0.1.3");
    assert_eq!(next("1.4.2", &[change(true)], true), "2.0.0");
    assert_eq!(next("1.4.2", &[change(false)], true), "1.5.0");
    assert_eq!(next("1.4.2", &[], true), "1.4.3");
}

#[test]
fn the_report_ends_with_the_bump_and_the_generated_code_diff() {
    let base = spec();
    let mut head = base.clone();
    object(&mut head, "/components/schemas/BuyerInformation/properties").insert(
        "nickname".into(),
        json!({"type": "string", "maxLength": 40}),
    );
    let (base, head) = (yaml(&base), yaml(&head));
    let changes = diff::changes(&base, &head).unwrap();
    let generated = diff::generated_diff(&base, &head).unwrap();
    let client = generated
        .iter()
        .find(|(path, ..)| path == "customer-client/src/generated.rs")
        .expect("a new field changes the generated client");
    assert!(client.1 > 0, "{generated:?}");
    let (level, next) = diff::next_version("0.1.0", &changes, true);
    let report = diff::text_report("main", &changes, "0.1.0", level, &next, &generated);
    let lines: Vec<&str> = report.lines().collect();
    assert!(lines[1].starts_with("compatible  added field  $.components.schemas.BuyerInformation.properties.nickname  maxLength 40, type string  [$.buyerInformation.nickname in "), "{report}");
    assert!(
        report.contains("1 changes: 0 breaking, 1 compatible\n"),
        "{report}"
    );
    assert!(
        report.contains("semver: patch (compatible, before 1.0): customer-client 0.1.0 → 0.1.1\n"),
        "{report}"
    );
    assert!(
        report.contains("customer-client/src/generated.rs: +"),
        "{report}"
    );
}

#[test]
fn the_committed_spec_is_readable_at_head() {
    // The git plumbing `cargo xtask diff` uses, on this repository.
    let root = workspace::workspace_root();
    let options = diff::Options {
        base: Some("HEAD".into()),
        fail_on_breaking: true,
        json: true,
    };
    diff::run(&root, &options).expect("the spec at HEAD can be compared with the working tree");
}

/// Request encryption (MLE) turning mandatory breaks callers that send plain bodies;
/// anything else about it is compatible (it is off unless asked for).
#[test]
fn the_request_encryption_marker() {
    let base = spec();
    pair(
        &base,
        |s| {
            *at(
                s,
                &format!("{ITEM}/patch/x-devcenter-metaData/mleForRequest"),
            ) = json!("mandatory")
        },
        &[(
            "breaking",
            "changed",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].patch",
            "mleForRequest optional → mandatory",
        )],
        &[(
            "compatible",
            "changed",
            Kind::Operation,
            "$.paths['/tms/v2/customers/{customerId}'].patch",
            "mleForRequest mandatory → optional",
        )],
    );
}

/// A renamed path placeholder is one change, reaching every operation on the path,
/// with both verdicts: the wire is unchanged, the Rust API breaks.
#[test]
fn a_renamed_path_placeholder_is_one_breaking_change() {
    let base = spec();
    let mut head = base.clone();
    *at(&mut head, "/components/parameters/CustomerId/name") = json!("customerTokenId");
    let paths = object(&mut head, "/paths");
    let renamed: serde_json::Map<String, Value> = std::mem::take(paths)
        .into_iter()
        .map(|(path, item)| (path.replace("{customerId}", "{customerTokenId}"), item))
        .collect();
    *paths = renamed;
    let changes = diff::changes(&yaml(&base), &yaml(&head)).unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let change = &changes[0];
    assert!(change.breaking);
    assert_eq!(change.kind, Kind::Parameter);
    assert_eq!(change.detail, "name customerId → customerTokenId");
    assert!(
        change.reason.contains("wire: unchanged") && change.reason.contains("Rust API: breaking")
    );
    // Thirteen operations have the placeholder.
    assert_eq!(change.places.len(), 13, "{:?}", change.places);
}

/// Enumeration values, on a request field and on a field only answers carry: values
/// removed are breaking, values added compatible.
#[test]
fn enumeration_values_removed_and_added() {
    let verdicts = |base: &Value, plant: &dyn Fn(&mut Value)| {
        let mut variant = base.clone();
        plant(&mut variant);
        let forward = diff::changes(&yaml(base), &yaml(&variant)).unwrap();
        let backward = diff::changes(&yaml(&variant), &yaml(base)).unwrap();
        let enum_changes = |changes: &[Change]| -> Vec<bool> {
            changes
                .iter()
                .filter(|c| c.detail.contains("enum"))
                .map(|c| c.breaking)
                .collect()
        };
        (enum_changes(&forward), enum_changes(&backward))
    };
    // A request field (the customer's email, sent on create and update).
    let mut base = spec();
    object(&mut base, EMAIL).insert("enum".into(), json!(["a@example.com", "b@example.com"]));
    let (added, removed) = verdicts(&base, &|s| {
        *at(s, &format!("{EMAIL}/enum")) =
            json!(["a@example.com", "b@example.com", "c@example.com"])
    });
    assert!(
        !added.is_empty() && added.iter().all(|b| !b),
        "added: {added:?}"
    );
    assert!(
        !removed.is_empty() && removed.iter().all(|b| *b),
        "removed: {removed:?}"
    );
    // A field only answers carry: GET returns its own copy of the customer.
    let mut base = spec();
    let copy = at(&mut base, "/components/schemas/Customer").clone();
    object(&mut base, "/components/schemas").insert("CustomerRead".into(), copy);
    *at(
        &mut base,
        &format!("{ITEM}/get/responses/200/content/application~1json;charset=utf-8/schema/$ref"),
    ) = json!("#/components/schemas/CustomerRead");
    let id = "/components/schemas/CustomerRead/properties/id";
    object(&mut base, id).insert("enum".into(), json!(["A", "B"]));
    let (added, removed) = verdicts(&base, &|s| {
        *at(s, &format!("{id}/enum")) = json!(["A", "B", "C"])
    });
    assert!(
        !added.is_empty() && added.iter().all(|b| !b),
        "added: {added:?}"
    );
    assert!(
        !removed.is_empty() && removed.iter().all(|b| *b),
        "removed: {removed:?}"
    );
}
