//! Deterministic adjustments that turn the hand-written spec into what progenitor
//! should see, plus the request rules the client enforces before sending.
//!
//! Why: typify turns `minLength`, `maxLength`, `pattern`, `format` and `required`
//! into constrained types that are checked on *deserialisation* as well. CyberSource's
//! answers do not always match its own definition (openapi/README.md lists the known
//! discrepancies), so a strict response type would turn a harmless surprise into a
//! failed call. We therefore generate lenient types (those keywords removed) and carry
//! the keywords over into a rule table (`generated_rules.rs`) that the client's
//! request hook checks before anything is sent: strict on what it sends, lenient on
//! what it reads. Each step is listed in openapi/README.md.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Schema keywords enforced by the request hook instead of by generated types.
const VALIDATION_KEYWORDS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "required",
    "enum",
];

// `minimum` and `maximum` stay on the types too: typify turns them into unsigned and
// non-zero integer types (`u64`, `NonZeroU64`), which read every documented value.

/// HTTP methods in the order OpenAPI lists them.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The spec as progenitor should see it, and the rules taken out of it.
pub struct Normalised {
    pub spec: Value,
    pub rules: Rules,
}

/// Every request rule of the spec, in spec order.
pub struct Rules {
    pub operations: Vec<OperationRules>,
    /// Every writable field per request-body schema name, with its rules (often none),
    /// sorted by field path.
    pub bodies: BTreeMap<String, Vec<FieldRule>>,
}

pub struct OperationRules {
    pub operation_id: String,
    /// The HTTP method, upper case.
    pub method: String,
    pub path: String,
    pub params: Vec<ParamRule>,
    /// Component name of the request body schema, when the operation takes one.
    pub body: Option<String>,
    /// `x-devcenter-metaData.mleForRequest`, when present.
    pub request_mle: Option<RequestMle>,
    pub responses: Vec<ResponseRule>,
}

pub struct ParamRule {
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// The schema's `type` (`string` when the spec gives none).
    pub kind: Kind,
    pub limits: Limits,
}

/// Where a parameter goes (a cookie parameter is refused: the client sends none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Header,
    Path,
    Query,
}

/// `x-devcenter-metaData.mleForRequest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestMle {
    Optional,
    Mandatory,
}

/// A parameter schema's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
}

/// A documented status and the component schema its body decodes into (None: no body).
pub struct ResponseRule {
    pub status: u16,
    pub schema: Option<String>,
}

#[derive(Default, PartialEq)]
pub struct Limits {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub format: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub required: Vec<String>,
    /// The schema's `enum`, as text: the values a request may send (empty: any).
    pub allowed: Vec<String>,
}

/// The limits of one body field, addressed by its JSON path (`a.b[].c`).
pub struct FieldRule {
    pub path: String,
    pub limits: Limits,
}

pub fn normalise(spec: &Value) -> anyhow::Result<Normalised> {
    let rules = extract_rules(spec)?;
    let mut spec = spec.clone();
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            strip_validation(schema);
            strip_defaults(schema);
            unwrap_single_all_of(schema);
        }
    }
    if let Some(params) = spec
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for param in params.values_mut() {
            if let Some(schema) = param.get_mut("schema") {
                strip_validation(schema);
            }
        }
    }
    Ok(Normalised { spec, rules })
}

/// Replaces every `allOf: [X]` that only wraps X (to mark it read-only where it is
/// used) with X itself, so typify names the same type wherever X is used rather than a
/// wrapper of its own. Reading is lenient anyway, and the rule table reads `readOnly`
/// from the spec as written.
fn unwrap_single_all_of(schema: &mut Value) {
    if let Some(inner) = crate::facts::single_all_of(schema).cloned() {
        *schema = inner;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(unwrap_single_all_of);
    }
    if let Some(items) = object.get_mut("items") {
        unwrap_single_all_of(items);
    }
}

/// Removes `default` from a schema and every schema nested in it. typify makes a field
/// with a default a plain value (`i64`), which refuses `null`; without it the field is
/// an `Option`, and an absent or `null` value reads as absent, as the crate promises.
/// (The defaults are the server's: the list fields `offset` and `limit`.)
fn strip_defaults(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.remove("default");
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(strip_defaults);
    }
    if let Some(items) = object.get_mut("items") {
        strip_defaults(items);
    }
}

/// Removes the validation keywords from a schema and every schema nested in it.
fn strip_validation(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for keyword in VALIDATION_KEYWORDS {
        object.remove(*keyword);
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(strip_validation);
    }
    if let Some(items) = object.get_mut("items") {
        strip_validation(items);
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = object.get_mut(combinator) {
            parts.iter_mut().for_each(strip_validation);
        }
    }
}

fn extract_rules(spec: &Value) -> anyhow::Result<Rules> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("spec has no `paths`"))?;
    let mut operations = Vec::new();
    let mut bodies = BTreeMap::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow::anyhow!("{method} {path} has no operationId"))?;
            let params = operation
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|param| param_rule(spec, operation_id, param))
                .collect::<anyhow::Result<_>>()?;
            let body = match operation.pointer("/requestBody/content") {
                Some(content) => {
                    let name = json_schema_ref(content).ok_or_else(|| {
                        anyhow::anyhow!("{operation_id}: request body is not a $ref")
                    })?;
                    if !bodies.contains_key(&name) {
                        let mut fields = Vec::new();
                        collect_fields(spec, &component(spec, &name)?, "", &mut fields, 0)?;
                        fields.sort_by(|a, b| a.path.cmp(&b.path));
                        bodies.insert(name.clone(), fields);
                    }
                    Some(name)
                }
                None => None,
            };
            operations.push(OperationRules {
                request_mle: request_mle(operation_id, operation)?,
                responses: response_rules(spec, operation_id, operation)?,
                operation_id: operation_id.to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                params,
                body,
            });
        }
    }
    Ok(Rules { operations, bodies })
}

/// One parameter of `operation_id`: where it goes, whether it is required, its type and
/// its limits.
fn param_rule(spec: &Value, operation_id: &str, param: &Value) -> anyhow::Result<ParamRule> {
    let param = resolve(spec, param)?;
    let text = |key: &str| {
        param
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("{operation_id}: a parameter has no `{key}`"))
    };
    let schema = resolve(spec, param.get("schema").unwrap_or(&Value::Null))?;
    let name = text("name")?;
    let location = match text("in")?.as_str() {
        "header" => Location::Header,
        "path" => Location::Path,
        "query" => Location::Query,
        other => anyhow::bail!(
            "{operation_id}: parameter `{name}` in `{other}` is not supported (header, path or query)"
        ),
    };
    let kind = match schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
    {
        "string" => Kind::String,
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "boolean" => Kind::Boolean,
        "array" => Kind::Array,
        other => {
            anyhow::bail!("{operation_id}: parameter `{name}` of type `{other}` is not supported")
        }
    };
    let mut limits = limits_of(schema);
    // A boolean parameter travels as text: `true` or `false`, nothing else.
    if kind == Kind::Boolean && limits.allowed.is_empty() {
        limits.allowed = vec!["true".to_owned(), "false".to_owned()];
    }
    Ok(ParamRule {
        name,
        location,
        required: param.get("required").and_then(Value::as_bool) == Some(true),
        kind,
        limits,
    })
}

/// The documented statuses of an operation, with the component schema of each body.
fn response_rules(
    spec: &Value,
    operation_id: &str,
    operation: &Value,
) -> anyhow::Result<Vec<ResponseRule>> {
    let mut responses = Vec::new();
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("{operation_id} has no responses"))?
    {
        let status: u16 = status
            .parse()
            .map_err(|_| anyhow::anyhow!("{operation_id}: status `{status}` is not a number"))?;
        let response = resolve(spec, response)?;
        let schema = response.get("content").and_then(json_schema_ref);
        responses.push(ResponseRule { status, schema });
    }
    Ok(responses)
}

/// `x-devcenter-metaData.mleForRequest`, when the operation has it.
fn request_mle(operation_id: &str, operation: &Value) -> anyhow::Result<Option<RequestMle>> {
    Ok(
        match operation
            .pointer("/x-devcenter-metaData/mleForRequest")
            .and_then(Value::as_str)
        {
            None => None,
            Some("optional") => Some(RequestMle::Optional),
            Some("mandatory") => Some(RequestMle::Mandatory),
            Some(other) => anyhow::bail!(
                "{operation_id}: x-devcenter-metaData.mleForRequest `{other}` is not optional or mandatory"
            ),
        },
    )
}

/// Walks a body schema, recording every writable field with its limits.
/// Read-only fields are skipped with everything under them: the server ignores them
/// on input, and a value read from a lenient response must be sendable back.
fn collect_fields(
    spec: &Value,
    schema: &Value,
    path: &str,
    out: &mut Vec<FieldRule>,
    depth: usize,
) -> anyhow::Result<()> {
    if depth > 64 {
        return Err(anyhow::anyhow!(
            "schema nesting too deep (a cycle?) at `{path}`"
        ));
    }
    let schema = resolve(spec, schema)?;
    if schema.get("readOnly").and_then(Value::as_bool) == Some(true) {
        return Ok(());
    }
    // Every writable field, with or without limits: the table of what a request may
    // change (and so remove) is the same walk.
    if !path.is_empty() || limits_of(schema) != Limits::default() {
        out.push(FieldRule {
            path: path.to_owned(),
            limits: limits_of(schema),
        });
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            collect_fields(spec, child, &child_path, out, depth + 1)?;
        }
    }
    if let Some(items) = schema.get("items") {
        collect_fields(spec, items, &format!("{path}[]"), out, depth + 1)?;
    }
    Ok(())
}

fn limits_of(schema: &Value) -> Limits {
    let number = |key: &str| schema.get(key).and_then(Value::as_u64);
    let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
    Limits {
        min_length: number("minLength"),
        max_length: number("maxLength"),
        pattern: text("pattern"),
        format: text("format"),
        min_items: number("minItems"),
        max_items: number("maxItems"),
        minimum: schema.get("minimum").and_then(Value::as_i64),
        maximum: schema.get("maximum").and_then(Value::as_i64),
        required: schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        allowed: schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The component name behind `content[*].schema.$ref` (the first JSON media type).
fn json_schema_ref(content: &Value) -> Option<String> {
    let content: &Map<String, Value> = content.as_object()?;
    content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))
        .and_then(|(_, media)| media.pointer("/schema/$ref"))
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

fn component(spec: &Value, name: &str) -> anyhow::Result<Value> {
    spec.pointer(&format!("/components/schemas/{name}"))
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no schema component `{name}`"))
}

/// Follows a local `$ref` (one level is all this spec uses; chains are followed too).
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> anyhow::Result<&'a Value> {
    let mut current = value;
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').ok_or_else(|| {
                    anyhow::anyhow!("only local references are supported: {reference}")
                })?;
                current = spec
                    .pointer(pointer)
                    .ok_or_else(|| anyhow::anyhow!("dangling reference {reference}"))?;
            }
            None => return Ok(current),
        }
    }
    Err(anyhow::anyhow!("reference chain too long"))
}
