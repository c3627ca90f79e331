//! Tests only: the request rules compiled for each body type (`generated_checks.rs`)
//! hold to the walk over bytes (`rules.rs`), which customer-mock applies too.

use serde_json::Value;

use crate::generated_checks::TYPED_BODIES;
use crate::rule_model::Field;
use crate::rules::check_json;

/// The checks `cargo xtask generate` writes for each body type (generated_checks.rs)
/// find what the walk over the bytes that type serialises to finds: the same first
/// broken rule, named the same way, or none. Every field of every table is put at
/// the edges of each of its limits, in a body that sets nothing else.
#[test]
fn the_typed_checks_find_what_the_walk_over_the_bytes_finds() {
    let (mut compared, mut broken) = (0, 0);
    for body in TYPED_BODIES {
        for field in body.fields {
            for value in edge_values(body.fields, field) {
                let json = placed(field.path, value);
                let bytes = serde_json::to_vec(&json).unwrap();
                let Some((typed, serialised)) = (body.read)(&bytes) else {
                    panic!("{}: {json} does not read as the type", body.schema);
                };
                let walked = check_json(&serialised, body.fields, body.writable);
                assert_eq!(typed, walked, "{}: {json}", body.schema);
                compared += 1;
                broken += usize::from(typed.is_err());
            }
        }
    }
    println!("{compared} bodies compared, {broken} refused");
    // Both outcomes, many times over: the comparison is not of empty bodies.
    assert!(
        compared >= 60 && broken >= 25 && compared - broken >= 25,
        "{compared} bodies, {broken} refused"
    );
}

/// Values for the field `field` of `fields`: at, below and above each of its limits.
fn edge_values(fields: &[Field], field: &Field) -> Vec<Value> {
    let limits = &field.limits;
    let mut out = Vec::new();
    let text = |length: usize| Value::String("1".repeat(length));
    for bound in [limits.min_length, limits.max_length].into_iter().flatten() {
        for length in [bound.saturating_sub(1), bound, bound + 1] {
            out.push(text(length));
        }
    }
    if let Some(allowed) = limits.allowed.first() {
        out.extend([Value::String((*allowed).to_owned()), text(3)]);
    }
    if limits.format == Some("date") {
        out.extend(["2020-01-31", "2020-02-30", "31/01/2020"].map(Value::from));
    }
    if limits.pattern.is_some() {
        out.extend(["1", "g", ""].map(Value::from));
    }
    let item = sample(fields, &format!("{}[]", field.path));
    for bound in [limits.min_items, limits.max_items].into_iter().flatten() {
        for count in [bound.saturating_sub(1), bound, bound + 1] {
            out.push(Value::Array(vec![item.clone(); count]));
        }
    }
    if !limits.required.is_empty() {
        let whole: serde_json::Map<String, Value> = limits
            .required
            .iter()
            .map(|name| {
                let path = format!("{}.{name}", field.path);
                (
                    (*name).to_owned(),
                    sample(fields, path.trim_start_matches('.')),
                )
            })
            .collect();
        let mut short = whole.clone();
        short.remove(*limits.required.last().unwrap_or(&""));
        out.extend([
            serde_json::json!({}),
            Value::Object(short),
            Value::Object(whole),
        ]);
    }
    out
}

/// A value of the shape the table gives `path` that breaks none of its rules: a
/// list when it names items there, an object (with the fields it requires) when it
/// names fields inside, else text.
fn sample(fields: &[Field], path: &str) -> Value {
    let below = |suffix: &str| {
        let prefix = format!("{path}{suffix}");
        fields.iter().any(|f| f.path.starts_with(&prefix))
    };
    if below("[]") {
        Value::Array(vec![sample(fields, &format!("{path}[]"))])
    } else if below(".") {
        let required = fields
            .iter()
            .find(|f| f.path == path)
            .map_or(&[][..], |f| f.limits.required);
        Value::Object(
            required
                .iter()
                .map(|name| {
                    (
                        (*name).to_owned(),
                        sample(fields, &format!("{path}.{name}")),
                    )
                })
                .collect(),
        )
    } else {
        Value::from("1")
    }
}

/// A body that sets `value` at `path` (`a.b[].c`: each `[]` an array of one item).
fn placed(path: &str, value: Value) -> Value {
    let mut out = value;
    for segment in path.rsplit('.').filter(|s| !s.is_empty()) {
        let (name, array) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        if array {
            out = Value::Array(vec![out]);
        }
        out = serde_json::json!({ name: out });
    }
    out
}
