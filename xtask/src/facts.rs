//! The facts of an API definition that matter to the crate's users, flattened into a
//! sorted map: operations, parameters, body fields, status codes, response headers and
//! content types. Reads both our OpenAPI 3.0 spec and CyberSource's Swagger 2.0
//! definition, so `cargo xtask diff` (spec against spec) and `cargo xtask conformance`
//! (spec against CyberSource) compare the same things.
//!
//! A fact is keyed by what it means (`PATCH /tms/v2/customers/{customerId} request
//! $.buyerInformation.email`), not by where it is written, so moving a field into a
//! named component is not a change. Each fact remembers where it is written (a JSON
//! path into its document) for the report. `$ref`s are followed.

use std::collections::BTreeMap;

use serde_json::Value;

/// What a fact describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Operation,
    Parameter,
    Field,
    Status,
    ResponseHeader,
    ContentType,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Field => "field",
            Kind::Status => "status code",
            Kind::ResponseHeader => "response header",
            Kind::ContentType => "content type",
        }
    }
}

/// Which way the described value travels: what the client sends is checked strictly,
/// what it reads is decoded leniently, so the same change can break one and not the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The operation itself.
    Operation,
    /// Parameters, the request body and its content type.
    Request,
    /// A 2xx response.
    Success,
    /// A 4xx/5xx response.
    Failure,
}

/// One fact: its identity, the operation it belongs to, and its compared attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub kind: Kind,
    pub side: Side,
    /// What a reader calls it: `postCustomer request $.buyerInformation.email`.
    pub subject: String,
    /// The place in the API the subject starts with: the operation, `postCustomer
    /// request` or `getCustomer 200`; the rest of the subject names the fact there.
    pub scope: String,
    /// The fact this one belongs to (a field's object, a header's status, an
    /// operation's parts): a removed object is one change, not one per field.
    pub parent: Option<String>,
    /// Where the fact is written in its document, as a JSON path.
    pub location: String,
    /// Compared attributes (`type`, `maxLength`, `readOnly`, ...); absent means unset.
    pub attributes: BTreeMap<&'static str, String>,
}

/// Facts keyed by meaning.
pub type Facts = BTreeMap<String, Fact>;

/// Schema keywords compared on parameters and fields.
const SCHEMA_ATTRIBUTES: [&str; 10] = [
    "type",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Flattens an OpenAPI 3.0 or Swagger 2.0 document. With `paths`, only those paths
/// are read (CyberSource's merged definition holds hundreds of others).
pub fn extract(doc: &Value, paths: Option<&[String]>) -> anyhow::Result<Facts> {
    let swagger2 = match (doc.get("swagger"), doc.get("openapi")) {
        (Some(v), _) if v.as_str().is_some_and(|v| v.starts_with("2.")) => true,
        (_, Some(v)) if v.as_str().is_some_and(|v| v.starts_with("3.")) => false,
        _ => anyhow::bail!("neither an OpenAPI 3 nor a Swagger 2.0 document"),
    };
    let mut reader = Reader {
        doc,
        swagger2,
        facts: Facts::new(),
    };
    let Some(all_paths) = doc.get("paths").and_then(Value::as_object) else {
        anyhow::bail!("the document has no `paths`");
    };
    for (path, item) in all_paths {
        if paths.is_some_and(|wanted| !wanted.iter().any(|w| w == path)) {
            continue;
        }
        let item_location = format!("$.paths{}", member(path));
        let (item, item_location) = reader.follow(item, &item_location)?;
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let location = format!("{item_location}.{method}");
                reader.operation(path, method, item, &item_location, op, &location)?;
            }
        }
    }
    Ok(reader.facts)
}

/// The paths a document defines, for restricting another document to them.
pub fn paths_of(doc: &Value) -> Vec<String> {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

struct Reader<'a> {
    doc: &'a Value,
    swagger2: bool,
    facts: Facts,
}

/// Enough to stop a self-referencing schema; the customer tree is 7 levels deep.
const MAX_DEPTH: usize = 24;

impl<'a> Reader<'a> {
    fn add(&mut self, key: String, fact: Fact) {
        self.facts.insert(key, fact);
    }

    /// Follows `$ref`s (to any depth) to the object they name, with its JSON path.
    fn follow(&self, value: &'a Value, location: &str) -> anyhow::Result<(&'a Value, String)> {
        let mut value = value;
        let mut location = location.to_owned();
        for _ in 0..MAX_DEPTH {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok((value, location));
            };
            let pointer = reference.strip_prefix('#').ok_or_else(|| {
                anyhow::anyhow!("{location}: only local $refs are supported: {reference}")
            })?;
            value = self
                .doc
                .pointer(pointer)
                .ok_or_else(|| anyhow::anyhow!("{location}: $ref {reference} names nothing"))?;
            location = json_path_of_pointer(pointer);
        }
        Err(anyhow::anyhow!("{location}: $ref chain too long"))
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a Value,
        item_location: &str,
        op: &'a Value,
        location: &str,
    ) -> anyhow::Result<()> {
        // Keyed by the path's shape: a renamed placeholder is the same operation.
        let prefix = format!("{} {}", method.to_uppercase(), path_shape(path));
        let name = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| prefix.clone());
        let mut attributes = BTreeMap::new();
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            attributes.insert("operationId", id.to_owned());
        }
        // Whether CyberSource accepts (or requires) the request body encrypted (MLE).
        if let Some(mle) = op
            .pointer("/x-devcenter-metaData/mleForRequest")
            .and_then(Value::as_str)
        {
            attributes.insert("mleForRequest", mle.to_owned());
        }
        self.add(
            prefix.clone(),
            fact(
                Kind::Operation,
                Side::Operation,
                (&name, ""),
                "",
                location.to_owned(),
                attributes,
            ),
        );
        let this = Operation {
            prefix,
            name,
            path: path.to_owned(),
            op,
            location: location.to_owned(),
        };
        let body_parameter = self.parameters(&this, item, item_location)?;
        self.request_body(&this, body_parameter)?;
        self.responses(&this)
    }

    /// The parameters: the path item's, then the operation's (which override). Returns
    /// Swagger 2.0's `in: body` parameter, which is the request body.
    fn parameters(
        &mut self,
        this: &Operation<'a>,
        item: &'a Value,
        item_location: &str,
    ) -> anyhow::Result<Option<(&'a Value, String)>> {
        let mut params: BTreeMap<(String, String), (&Value, String)> = BTreeMap::new();
        let mut request_body = None;
        for (list, list_location) in [
            (item.get("parameters"), item_location),
            (this.op.get("parameters"), this.location.as_str()),
        ] {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let (param, param_location) =
                    self.follow(param, &format!("{list_location}.parameters[{i}]"))?;
                let name = str_of(param, "name");
                let place = str_of(param, "in");
                if place == "body" {
                    request_body = Some((param, param_location));
                    continue;
                }
                // A header's identity ignores case, as HTTP does; a path parameter's is
                // its place in the path, so a renamed placeholder is the same parameter.
                let identity = match place.as_str() {
                    "header" => name.to_ascii_lowercase(),
                    "path" => match placeholder_index(&this.path, &name) {
                        Some(index) => format!("{{{index}}}"),
                        None => name.clone(),
                    },
                    _ => name.clone(),
                };
                params.insert((identity, place), (param, param_location));
            }
        }
        for ((identity, place), (param, param_location)) in params {
            let schema = if self.swagger2 {
                param
            } else {
                match param.get("schema") {
                    Some(s) => self.follow(s, &format!("{param_location}.schema"))?.0,
                    None => param,
                }
            };
            let mut attributes = schema_attributes(schema);
            attributes.insert("in", str_of(param, "in"));
            attributes.insert("required", bool_of(param, "required").to_string());
            let name = str_of(param, "name");
            let subject = if place == "path" {
                attributes.insert("name", name.clone());
                format!("path parameter {name}")
            } else {
                format!("parameter {identity}")
            };
            self.add(
                format!("{} parameter {identity}", this.prefix),
                fact(
                    Kind::Parameter,
                    Side::Request,
                    (&this.name, &subject),
                    &this.prefix,
                    param_location,
                    attributes,
                ),
            );
        }
        Ok(request_body)
    }

    /// The request body: its content types and fields (Swagger 2.0: the `in: body`
    /// parameter and `consumes`; OpenAPI 3: `requestBody`).
    fn request_body(
        &mut self,
        this: &Operation<'a>,
        body_parameter: Option<(&'a Value, String)>,
    ) -> anyhow::Result<()> {
        let (op, location) = (this.op, this.location.as_str());
        let (types, schema) = if self.swagger2 {
            let Some((param, param_location)) = body_parameter else {
                return Ok(());
            };
            (
                media_types(op, self.doc, "consumes"),
                param
                    .get("schema")
                    .map(|s| (s, format!("{param_location}.schema"))),
            )
        } else {
            let Some(rb) = op.get("requestBody") else {
                return Ok(());
            };
            let (rb, rb_location) = self.follow(rb, &format!("{location}.requestBody"))?;
            oas3_content(rb, &rb_location)
        };
        for media_type in types {
            self.add(
                format!("{} request content-type {media_type}", this.prefix),
                fact(
                    Kind::ContentType,
                    Side::Request,
                    (&format!("{} request", this.name), &media_type),
                    &this.prefix,
                    location.to_owned(),
                    BTreeMap::new(),
                ),
            );
        }
        if let Some((schema, schema_location)) = schema {
            self.fields(
                &format!("{} request", this.prefix),
                &this.prefix,
                &format!("{} request", this.name),
                Side::Request,
                schema,
                &schema_location,
                "$",
                false,
                0,
            )?;
        }
        Ok(())
    }

    /// The responses: status codes, headers, content types, and the fields of their
    /// bodies, error bodies included (their facts are on the `Failure` side).
    fn responses(&mut self, this: &Operation<'a>) -> anyhow::Result<()> {
        let Some(responses) = this.op.get("responses").and_then(Value::as_object) else {
            return Ok(());
        };
        for (status, response) in responses {
            let side = if status.starts_with('2') {
                Side::Success
            } else {
                Side::Failure
            };
            let response_location = format!("{}.responses{}", this.location, member(status));
            let (response, response_location) = self.follow(response, &response_location)?;
            let response_prefix = format!("{} response {status}", this.prefix);
            let subject = format!("{} {status}", this.name);
            self.add(
                response_prefix.clone(),
                fact(
                    Kind::Status,
                    side,
                    (&this.name, status),
                    &this.prefix,
                    response_location.clone(),
                    BTreeMap::new(),
                ),
            );
            self.response_headers(
                response,
                &response_location,
                &response_prefix,
                &subject,
                side,
            )?;
            let (types, schema) = if self.swagger2 {
                match response.get("schema") {
                    Some(s) => (
                        media_types(this.op, self.doc, "produces"),
                        Some((s, format!("{response_location}.schema"))),
                    ),
                    None => (Vec::new(), None),
                }
            } else {
                oas3_content(response, &response_location)
            };
            for media_type in types {
                self.add(
                    format!("{response_prefix} content-type {media_type}"),
                    fact(
                        Kind::ContentType,
                        side,
                        (&subject, &media_type),
                        &response_prefix,
                        response_location.clone(),
                        BTreeMap::new(),
                    ),
                );
            }
            if let Some((schema, schema_location)) = schema {
                self.fields(
                    &response_prefix,
                    &response_prefix,
                    &subject,
                    side,
                    schema,
                    &schema_location,
                    "$",
                    false,
                    0,
                )?;
            }
        }
        Ok(())
    }

    /// A response's headers, with their types.
    fn response_headers(
        &mut self,
        response: &'a Value,
        response_location: &str,
        response_prefix: &str,
        subject: &str,
        side: Side,
    ) -> anyhow::Result<()> {
        let Some(headers) = response.get("headers").and_then(Value::as_object) else {
            return Ok(());
        };
        for (name, header) in headers {
            let header_location = format!("{response_location}.headers{}", member(name));
            let (header, header_location) = self.follow(header, &header_location)?;
            let schema = match header.get("schema") {
                Some(s) if !self.swagger2 => {
                    self.follow(s, &format!("{header_location}.schema"))?.0
                }
                _ => header,
            };
            let mut attributes = BTreeMap::new();
            if let Some(t) = schema.get("type").and_then(Value::as_str) {
                attributes.insert("type", t.to_owned());
            }
            self.add(
                format!("{response_prefix} header {}", name.to_ascii_lowercase()),
                fact(
                    Kind::ResponseHeader,
                    side,
                    (subject, &format!("header {name}")),
                    response_prefix,
                    header_location,
                    attributes,
                ),
            );
        }
        Ok(())
    }

    /// One fact per node below the body's root (the root itself is the body).
    #[allow(clippy::too_many_arguments)]
    fn fields(
        &mut self,
        prefix: &str,
        parent: &str,
        scope: &str,
        side: Side,
        schema: &'a Value,
        location: &str,
        path: &str,
        required: bool,
        depth: usize,
    ) -> anyhow::Result<()> {
        if depth > MAX_DEPTH {
            return Err(anyhow::anyhow!(
                "{location}: schema nested too deeply (a cycle?)"
            ));
        }
        // `allOf: [$ref]` with `readOnly` beside it: the referenced schema, read-only here
        // (OpenAPI 3.0 ignores keywords beside a `$ref`, so the spec writes it this way).
        let (schema, wrapper_read_only) = match single_all_of(schema) {
            Some(inner) => (inner, bool_of(schema, "readOnly")),
            None => (schema, false),
        };
        let (schema, location) = self.follow(schema, location)?;
        let key = format!("{prefix} {path}");
        if path != "$" {
            let mut attributes = schema_attributes(schema);
            let read_only = wrapper_read_only || bool_of(schema, "readOnly");
            attributes.insert("readOnly", read_only.to_string());
            attributes.insert("required", required.to_string());
            self.add(
                key.clone(),
                Fact {
                    kind: Kind::Field,
                    side,
                    subject: format!("{scope} {path}"),
                    scope: scope.to_owned(),
                    parent: Some(parent.to_owned()),
                    location: location.clone(),
                    attributes,
                },
            );
        }
        // Children belong to this node; the body root's children to the operation/status.
        let parent = if path == "$" { parent.to_owned() } else { key };
        let required_names: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                self.fields(
                    prefix,
                    &parent,
                    scope,
                    side,
                    property,
                    &format!("{location}.properties{}", member(name)),
                    &format!("{path}{}", member(name)),
                    required_names.contains(&name.as_str()),
                    depth + 1,
                )?;
            }
        }
        if let Some(items) = schema.get("items") {
            self.fields(
                prefix,
                &parent,
                scope,
                side,
                items,
                &format!("{location}.items"),
                &format!("{path}[*]"),
                false,
                depth + 1,
            )?;
        }
        for combinator in ["allOf", "oneOf", "anyOf"] {
            if schema.get(combinator).is_some() {
                // Not used by either definition today; refuse rather than miss fields.
                return Err(anyhow::anyhow!(
                    "{location}: `{combinator}` is not supported by the fact reader"
                ));
            }
        }
        Ok(())
    }
}

/// The schema keywords we compare, as text (enum values sorted, so order is no change).
/// The one schema of an `allOf` that only wraps it (no type or properties of its own).
pub fn single_all_of(schema: &Value) -> Option<&Value> {
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([inner]) if schema.get("properties").is_none() && schema.get("type").is_none() => {
            Some(inner)
        }
        _ => None,
    }
}

fn schema_attributes(schema: &Value) -> BTreeMap<&'static str, String> {
    let mut attributes = BTreeMap::new();
    for keyword in SCHEMA_ATTRIBUTES {
        let Some(value) = schema.get(keyword) else {
            if keyword == "type" && schema.get("properties").is_some() {
                attributes.insert("type", "object".to_owned());
            }
            continue;
        };
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Array(values) if keyword == "enum" => {
                let mut values: Vec<String> = values.iter().map(plain).collect();
                values.sort();
                values.join(", ")
            }
            other => plain(other),
        };
        attributes.insert(keyword, text);
    }
    attributes
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The operation whose facts are being read: its fact key prefix (`GET /path`), its
/// name (operationId), its definition and where that is.
struct Operation<'a> {
    prefix: String,
    name: String,
    /// The path as written, placeholders named.
    path: String,
    op: &'a Value,
    location: String,
}

/// A fact of `kind` on `side`, under `parent` (none when empty).
/// The subject is `scope` and `name`, e.g. `getCustomer 200` and `header ETag`.
fn fact(
    kind: Kind,
    side: Side,
    (scope, name): (&str, &str),
    parent: &str,
    location: String,
    attributes: BTreeMap<&'static str, String>,
) -> Fact {
    Fact {
        kind,
        side,
        subject: if name.is_empty() {
            scope.to_owned()
        } else {
            format!("{scope} {name}")
        },
        scope: scope.to_owned(),
        parent: Some(parent.to_owned()).filter(|p| !p.is_empty()),
        location,
        attributes,
    }
}

fn str_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn bool_of(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A path with its placeholders unnamed: `/customers/{customerId}` → `/customers/{}`.
pub fn path_shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Which placeholder of `path` (from 0) is `{name}`.
fn placeholder_index(path: &str, name: &str) -> Option<usize> {
    path.split('/')
        .filter(|segment| segment.starts_with('{') && segment.ends_with('}'))
        .position(|segment| &segment[1..segment.len() - 1] == name)
}

/// Swagger 2.0 `consumes`/`produces`: the operation's, else the document's.
fn media_types(op: &Value, doc: &Value, key: &str) -> Vec<String> {
    op.get(key)
        .or_else(|| doc.get(key))
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// OpenAPI 3 `content`: its media types, and the schema of the first one.
#[allow(clippy::type_complexity)]
fn oas3_content<'a>(
    holder: &'a Value,
    location: &str,
) -> (Vec<String>, Option<(&'a Value, String)>) {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return (Vec::new(), None);
    };
    let types = content.keys().cloned().collect();
    let schema = content.iter().find_map(|(media_type, media)| {
        media.get("schema").map(|s| {
            (
                s,
                format!("{location}.content{}.schema", member(media_type)),
            )
        })
    });
    (types, schema)
}

/// `.name` for plain names, `['name']` otherwise (JSONPath's two spellings).
pub fn member(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        format!(".{name}")
    } else {
        format!("['{}']", name.replace('\'', "\\'"))
    }
}

fn json_path_of_pointer(pointer: &str) -> String {
    let mut path = String::from("$");
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        path.push_str(&member(&token));
    }
    path
}

/// One difference between two sets of facts.
#[derive(Debug)]
pub enum Difference<'a> {
    /// In the old (or our) facts only.
    Removed(&'a Fact),
    /// In the new (or the other) facts only.
    Added(&'a Fact),
    /// In both, with one attribute different (`None`: unset on that side).
    Changed {
        old: &'a Fact,
        new: &'a Fact,
        attribute: &'static str,
        before: Option<&'a str>,
        after: Option<&'a str>,
    },
}

/// Every difference from `old` to `new`, one per attribute. A fact whose parent is
/// itself added or removed is not listed again: a removed object is one difference.
pub fn compare<'a>(old: &'a Facts, new: &'a Facts) -> Vec<Difference<'a>> {
    let only_in = |facts: &Facts, other: &Facts, key: &str| {
        facts.contains_key(key) && !other.contains_key(key)
    };
    let mut differences = Vec::new();
    for (key, fact) in old {
        match new.get(key) {
            None => {
                if !fact.parent.as_deref().is_some_and(|p| only_in(old, new, p)) {
                    differences.push(Difference::Removed(fact));
                }
            }
            Some(other) => {
                let names: std::collections::BTreeSet<&&'static str> = fact
                    .attributes
                    .keys()
                    .chain(other.attributes.keys())
                    .collect();
                for name in names {
                    let before = fact.attributes.get(*name).map(String::as_str);
                    let after = other.attributes.get(*name).map(String::as_str);
                    if before != after {
                        differences.push(Difference::Changed {
                            old: fact,
                            new: other,
                            attribute: name,
                            before,
                            after,
                        });
                    }
                }
            }
        }
    }
    for (key, fact) in new {
        if !old.contains_key(key) && !fact.parent.as_deref().is_some_and(|p| only_in(new, old, p)) {
            differences.push(Difference::Added(fact));
        }
    }
    differences
}

/// Attributes as `key value, key value`, for reports.
pub fn describe(attributes: &BTreeMap<&'static str, String>) -> String {
    attributes
        .iter()
        .filter(|(k, v)| !((**k == "readOnly" || **k == "required") && v.as_str() == "false"))
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_quote_what_needs_quoting() {
        assert_eq!(member("email"), ".email");
        assert_eq!(member("_links"), "._links");
        assert_eq!(member("/tms/v2/customers"), "['/tms/v2/customers']");
        assert_eq!(member("201"), "['201']");
        assert_eq!(
            json_path_of_pointer("/components/schemas/Customer"),
            "$.components.schemas.Customer"
        );
        assert_eq!(json_path_of_pointer("/paths/~1a~1b"), "$.paths['/a/b']");
    }
}
