//! The request rules of the spec, checked before anything is sent.
//!
//! The generated types are deliberately lenient (see openapi/README.md, "Normalisations"),
//! so the limits of the spec live in a generated table (`generated_rules.rs`) instead.
//! The client checks a typed body with the code `cargo xtask generate` writes from the
//! table for its type (`generated_checks.rs`, `TypedRules`), before it is serialised,
//! and walks the bytes that go out where there is no typed value to check (a merge
//! patch); servers (such as `customer-mock`) apply the same table with
//! [`check_parameter`] and [`check_body`].

use std::fmt;
use std::fmt::Write as _;

use percent_encoding::percent_decode;
use serde_json::Value;

use crate::generated_rules::OPERATIONS;
pub use crate::generated_rules::ids;
pub use crate::rule_model::RequestMle;
use crate::rule_model::{Field, Limits, Location, Operation, Param};

/// The operation whose operationId this is: the one key of an operation, which every
/// generated `send()` names (openapi/README.md, normalisations 2 and 12).
pub(crate) fn operation(operation_id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.operation_id == operation_id)
}

/// The name of the generated method (and CLI subcommand, in kebab case) for the spec's
/// `operation_id`, as progenitor derived it; `None` when the spec has no such operation.
pub fn method_name(operation_id: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|op| op.operation_id == operation_id)
        .map(|op| op.method_name)
}

/// The JSON Schema of the request body of the operation `operation` (an operationId),
/// as its generated type reads it; `None` when the operation takes no body (or is not in
/// the spec). The CLI prints it for `--json-body-template`. Feature `schemars`.
#[cfg(feature = "schemars")]
pub fn body_schema(operation: &str) -> Option<schemars::schema::RootSchema> {
    self::operation(operation)?
        .body_schema
        .map(|schema| schema())
}

/// A broken rule: which parameter or field, and what the rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The parameter (`customerId`, `profile-id`) or body field (`buyerInformation.email`).
    pub parameter: String,
    /// What the rule says, e.g. `must be at most 255 characters (got 256)`.
    pub rule: String,
}

/// Whether the operation `operation` (an operationId) takes its request body encrypted
/// (MLE), as the spec says; `None` for an operation not in the spec.
pub fn request_mle(operation: &str) -> Option<RequestMle> {
    Some(self::operation(operation)?.request_mle)
}

/// The wire names of the header parameters of the operation `operation` (an
/// operationId), in the spec's order; empty for an operation not in the spec. Servers (such as
/// `customer-mock`) check each with [`check_parameter`].
pub fn header_parameters(operation: &str) -> Vec<&'static str> {
    self::operation(operation)
        .map(|op| {
            op.params
                .iter()
                .filter(|p| p.location == Location::Header)
                .map(|p| p.name)
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one header or path parameter of the operation `operation` (an operationId)
/// against the spec; `None` means the parameter is absent.
pub fn check_parameter(operation: &str, name: &str, value: Option<&str>) -> Result<(), Violation> {
    let op = self::operation(operation)
        .ok_or_else(|| Violation::new("operation", format!("`{operation}` is not in the spec")))?;
    let Some(param) = op.params.iter().find(|p| p.name.eq_ignore_ascii_case(name)) else {
        return Ok(());
    };
    match value {
        Some(text) => check_string(param.name, text, &param.limits),
        None if param.required => Err(Violation::new(param.name, "is required")),
        None => Ok(()),
    }
}

/// Checks a request body of the operation `operation` (an operationId) against the
/// spec's field rules, as a server reads it. Read-only and unknown fields are not
/// checked (a `null` in one is ignored, as RFC 7396 ignores the removal of a field the
/// record does not have); a `null` for a field the spec requires, or as an item of an
/// array the request writes, is refused.
pub fn check_body(operation: &str, body: &Value) -> Result<(), Violation> {
    let op = self::operation(operation)
        .ok_or_else(|| Violation::new("operation", format!("`{operation}` is not in the spec")))?;
    match op.body {
        // The same walker as the client's over bytes, reading the value as it is.
        Some(fields) => walk(fields, op.writable, false, |node| {
            serde::de::DeserializeSeed::deserialize(node, body)
        }),
        None => Ok(()),
    }
}

impl Violation {
    fn new(parameter: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            parameter: parameter.into(),
            rule: rule.into(),
        }
    }
}

impl From<Violation> for crate::Error {
    fn from(violation: Violation) -> Self {
        Self::InvalidRequest {
            parameter: violation.parameter,
            rule: violation.rule,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.parameter, self.rule)
    }
}

/// How a request's body met its rules before it was serialised: the generated
/// `send()` asks its body ([`TypedRules`]) and hands the answer to the call's check
/// phase with the request.
pub(crate) enum BodyCheck {
    /// Checked on the typed value, field by field, by the code generated for its type.
    Typed(Result<(), Violation>),
    /// Not checked on a typed value (no body, or a merge patch laid over one): the
    /// check phase walks the bytes that go out against the table.
    OnTheWire,
}

/// A request body whose rules can be checked on the typed value. `generated_checks.rs`
/// implements it for every request body type of the spec, from the rule table.
pub(crate) trait TypedRules {
    /// The body's rules, checked; the first broken one, in the order the body
    /// serialises, as the walk over its bytes would find it.
    fn typed_check(&self) -> BodyCheck;
}

/// The rule `limits` sets on the number of items of an array of `count` items, if broken.
pub(crate) fn check_items(
    name: impl Fn() -> String,
    count: usize,
    limits: &Limits,
) -> Result<(), Violation> {
    if let Some(min) = limits.min_items.filter(|min| count < *min) {
        return Err(Violation::new(
            name(),
            format!("must have at least {min} items (has {count})"),
        ));
    }
    if let Some(max) = limits.max_items.filter(|max| count > *max) {
        return Err(Violation::new(
            name(),
            format!("must have at most {max} items (has {count})"),
        ));
    }
    Ok(())
}

/// A field its object requires is absent.
pub(crate) fn missing(name: String) -> Violation {
    Violation::new(name, "is required")
}

/// Checks a built request against its operation's rules: its parameters as they go
/// out, and its body as `body` says (walked here when no typed check ran).
pub(crate) fn check_request(
    op: &Operation,
    request: &reqwest::Request,
    body: BodyCheck,
) -> Result<(), Violation> {
    for param in op.params {
        match param.location {
            Location::Header => match request.headers().get(param.name) {
                Some(value) => {
                    let text = value
                        .to_str()
                        .map_err(|_| Violation::new(param.name, "must be printable ASCII text"))?;
                    check_string(param.name, text, &param.limits)?;
                }
                None if param.required => return Err(Violation::new(param.name, "is required")),
                None => {}
            },
            Location::Path => check_path_param(op, param, request.url().path())?,
            Location::Query => {
                let value = request
                    .url()
                    .query_pairs()
                    .find(|(name, _)| name == param.name)
                    .map(|(_, value)| value);
                match value {
                    Some(text) => check_string(param.name, &text, &param.limits)?,
                    None if param.required => {
                        return Err(Violation::new(param.name, "is required"));
                    }
                    None => {}
                }
            }
        }
    }
    match (body, op.body) {
        (BodyCheck::Typed(checked), _) => checked,
        (BodyCheck::OnTheWire, Some(fields)) => {
            let bytes = request
                .body()
                .and_then(|body| body.as_bytes())
                .unwrap_or_default();
            check_json(bytes, fields, op.writable)
        }
        (BodyCheck::OnTheWire, None) => Ok(()),
    }
}

/// The request path must be the template with each `{name}` one segment wide, so
/// no value can move the request to another resource (`..`, `/`, `?` and the like).
fn check_path_param(op: &Operation, param: &Param, url_path: &str) -> Result<(), Violation> {
    let shape_error = || Violation::new(param.name, "must be a single path segment");
    // The base URL may carry a path stem of its own, so match from the end. (Split
    // as bytes: paths are short, and a plain loop beats `str::rsplit`'s search.)
    let slash = |b: &u8| *b == b'/';
    let mut actual = url_path.as_bytes().rsplit(slash);
    let mut value = None;
    for expected in op.path.trim_start_matches('/').as_bytes().rsplit(slash) {
        let got = actual.next().ok_or_else(shape_error)?;
        match expected
            .strip_prefix(b"{")
            .and_then(|e| e.strip_suffix(b"}"))
        {
            Some(name) if name == param.name.as_bytes() => value = Some(got),
            Some(_) => {}
            None if expected != got => return Err(shape_error()),
            None => {}
        }
    }
    let raw = value.ok_or_else(shape_error)?;
    let not_utf8 = || Violation::new(param.name, "must be UTF-8 text");
    // A URL's path is ASCII; only an escaped value needs decoding.
    let decoded = if raw.contains(&b'%') {
        percent_decode(raw).decode_utf8().map_err(|_| not_utf8())?
    } else {
        std::str::from_utf8(raw).map_err(|_| not_utf8())?.into()
    };
    check_string(param.name, &decoded, &param.limits)
}

/// Checks a JSON body against `fields` while parsing it, without building a tree
/// (this runs on every request that has a body; see BENCHMARKS.md). Strict about
/// removals, as the client is about what it sends: a `null` anywhere but on a writable
/// field is refused, so a misspelt or read-only field in a merge patch is an error
/// rather than a removal that does nothing.
pub(crate) fn check_json(
    bytes: &[u8],
    fields: &'static [Field],
    writable: &'static [&'static str],
) -> Result<(), Violation> {
    let mut parser = serde_json::Deserializer::from_slice(bytes);
    walk(fields, writable, true, |node| {
        serde::de::DeserializeSeed::deserialize(node, &mut parser).and_then(|()| parser.end())
    })
}

/// Runs `read` (a deserializer fed the walk's root node) and returns the first broken
/// rule, or that the input is not JSON.
fn walk(
    fields: &'static [Field],
    writable: &'static [&'static str],
    strict: bool,
    read: impl FnOnce(Node<'_>) -> Result<(), serde_json::Error>,
) -> Result<(), Violation> {
    let mut walk = Walk {
        fields,
        writable,
        strict,
        required_here: false,
        rule_path: String::with_capacity(64),
        depth: 0,
        indices: Vec::new(),
        violation: None,
    };
    let parsed = read(Node(&mut walk));
    match (parsed, walk.violation) {
        (_, Some(violation)) => Err(violation),
        (Err(_), None) => Err(Violation::new("body", "must be a JSON document")),
        (Ok(()), None) => Ok(()),
    }
}

/// The walk's state: where it is, as the rules name it (`a.b[].c`, grown and shrunk
/// in place) with the index of each array it is in, so that a message can show the
/// place as `a.b[1].c` (made only when a rule is broken); and the first broken rule.
/// A `null` is a merge patch's removal (RFC 7396): refused on a field its object
/// requires (`required_here`) and as an item of an array the request writes; with
/// `strict`, also anywhere but on a writable field (`writable`).
struct Walk {
    fields: &'static [Field],
    writable: &'static [&'static str],
    strict: bool,
    required_here: bool,
    rule_path: String,
    /// How many keys deep the walk is (an empty key leaves `rule_path` as it was).
    depth: usize,
    indices: Vec<usize>,
    violation: Option<Violation>,
}

impl Walk {
    /// Whether the request writes the field at the current place.
    fn writes_here(&self) -> bool {
        self.writable
            .binary_search(&self.rule_path.as_str())
            .is_ok()
    }

    /// Whether the request writes the current place or anything below it (the table
    /// is sorted, so the paths below it follow the first path not less than it).
    fn writes_here_or_below(&self) -> bool {
        let path = self.rule_path.as_str();
        if path.is_empty() {
            return true;
        }
        let first = self.writable.partition_point(|p| *p < path);
        self.writable[first..]
            .iter()
            .take_while(|p| p.starts_with(path))
            .any(|p| {
                p.len() == path.len() || matches!(p.as_bytes().get(path.len()), Some(b'.' | b'['))
            })
    }

    /// The limits of the current place, if it has any (the table is sorted by path).
    fn limits_here(&self) -> Option<&'static Limits> {
        let path = self.rule_path.as_str();
        self.fields
            .binary_search_by(|f| f.path.cmp(path))
            .ok()
            .map(|i| &self.fields[i].limits)
    }

    /// The current place as a message names it: each `[]` with its index.
    fn shown(&self) -> String {
        if self.rule_path.is_empty() {
            return "body".to_owned();
        }
        let mut shown = String::with_capacity(self.rule_path.len() + 8);
        let mut parts = self.rule_path.split("[]");
        shown.push_str(parts.next().unwrap_or_default());
        for (part, index) in parts.zip(&self.indices) {
            let _ = write!(shown, "[{index}]{part}");
        }
        shown
    }

    /// Records a broken rule and stops the parse.
    fn broken<E: serde::de::Error>(&mut self, violation: Violation) -> E {
        self.violation = Some(violation);
        E::custom("a rule is broken")
    }

    /// Enters `key`; returns the path's length before, to leave it by.
    fn enter_key(&mut self, key: &str) -> usize {
        let length = self.rule_path.len();
        if !self.rule_path.is_empty() {
            self.rule_path.push('.');
        }
        self.rule_path.push_str(key);
        self.depth += 1;
        length
    }

    fn leave(&mut self, length: usize) {
        self.rule_path.truncate(length);
        self.depth -= 1;
    }
}

/// A value at the walk's current path.
struct Node<'w>(&'w mut Walk);

impl<'de> serde::de::DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // A `null` is told apart first (`visit_none`); any other value goes on as itself.
        deserializer.deserialize_option(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    /// A `null`: a removal, refused where the field cannot be removed.
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        let walk = self.0;
        let rule = if walk.depth == 0 {
            Some("must be a JSON object, not null")
        } else if walk.rule_path.ends_with("[]") && (walk.strict || walk.writes_here()) {
            Some("must not be null: an array is sent whole, with every item")
        } else if walk.required_here {
            Some("is required: it cannot be removed (null)")
        } else if walk.strict && !walk.writes_here() {
            Some("is not a field this request can change, so it cannot be removed (null)")
        } else {
            None
        };
        match rule {
            Some(rule) => {
                let violation = Violation::new(walk.shown(), rule);
                Err(walk.broken(violation))
            }
            None => Ok(()),
        }
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let limits = self.0.limits_here();
        // Read-only parts and unknown fields: walked only when strict (a `null` in
        // one is refused), else parsed and passed over.
        if limits.is_none() && !self.0.strict && !self.0.writes_here_or_below() {
            return deserializer
                .deserialize_ignored_any(serde::de::IgnoredAny)
                .map(drop);
        }
        deserializer.deserialize_any(Checked {
            walk: self.0,
            limits,
        })
    }
}

/// A value with its place's own limits, if any.
struct Checked<'w> {
    walk: &'w mut Walk,
    limits: Option<&'static Limits>,
}

impl<'de> serde::de::Visitor<'de> for Checked<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        match self.limits {
            Some(limits) => check_string_at(|| self.walk.shown(), text, limits)
                .map_err(|violation| self.walk.broken(violation)),
            None => Ok(()),
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let (walk, limits) = (self.walk, self.limits);
        let length = walk.rule_path.len();
        walk.rule_path.push_str("[]");
        walk.indices.push(0);
        let mut count = 0usize;
        loop {
            if let Some(index) = walk.indices.last_mut() {
                *index = count;
            }
            if items.next_element_seed(Node(walk))?.is_none() {
                break;
            }
            count += 1;
        }
        walk.indices.pop();
        walk.rule_path.truncate(length);
        let Some(limits) = limits else {
            return Ok(());
        };
        check_items(|| walk.shown(), count, limits).map_err(|violation| walk.broken(violation))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let required = self.limits.map(|limits| limits.required).unwrap_or(&[]);
        let mut seen = vec![false; required.len()];
        while let Some(length) = map.next_key_seed(Key(walk))? {
            let key_start = if length == 0 { 0 } else { length + 1 };
            let key = &walk.rule_path[key_start..];
            let is_required = match required.iter().position(|name| *name == key) {
                Some(i) => {
                    seen[i] = true;
                    true
                }
                None => false,
            };
            walk.required_here = is_required;
            let value = map.next_value_seed(Node(walk));
            walk.required_here = false;
            walk.leave(length);
            value?;
        }
        if let Some(missing) = required.iter().zip(&seen).find(|(_, seen)| !**seen) {
            let length = walk.enter_key(missing.0);
            let violation = self::missing(walk.shown());
            walk.leave(length);
            return Err(walk.broken(violation));
        }
        Ok(())
    }
}

/// An object's key: enters it on the walk's path, and returns how to leave.
struct Key<'w>(&'w mut Walk);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.enter_key(key))
    }
}

/// Length limits count characters (Unicode scalar values), as JSON Schema does.
fn check_string(name: &str, text: &str, limits: &Limits) -> Result<(), Violation> {
    check_string_at(|| name.to_owned(), text, limits)
}

/// Like `check_string`, naming the value only when a rule is broken.
pub(crate) fn check_string_at(
    name: impl Fn() -> String,
    text: &str,
    limits: &Limits,
) -> Result<(), Violation> {
    let length = text.chars().count() as i64;
    let as_i64 = |n: Option<usize>| n.map(|n| n as i64);
    if let Some(rule) = bounds(
        length,
        as_i64(limits.min_length),
        as_i64(limits.max_length),
        " characters",
    ) {
        return Err(Violation::new(name(), rule));
    }
    if let Some(pattern) = limits.pattern {
        // An invalid pattern in the spec is reported rather than ignored.
        if compiled(pattern).is_none_or(|re| !re.is_match(text)) {
            return Err(Violation::new(
                name(),
                format!("must match the pattern {pattern}"),
            ));
        }
    }
    if !limits.allowed.is_empty() && !limits.allowed.contains(&text) {
        return Err(Violation::new(
            name(),
            format!("must be one of {}", limits.allowed.join(", ")),
        ));
    }
    if limits.format == Some("date") && !is_date(text) {
        return Err(Violation::new(name(), "must be a date written YYYY-MM-DD"));
    }
    if limits.minimum.is_some() || limits.maximum.is_some() {
        let Ok(number) = text.parse::<i64>() else {
            return Err(Violation::new(name(), "must be a whole number"));
        };
        if let Some(rule) = bounds(number, limits.minimum, limits.maximum, "") {
            return Err(Violation::new(name(), rule));
        }
    }
    Ok(())
}

/// The rule `value` breaks against the bounds `min` and `max` (inclusive), in `unit`
/// (` characters` for a length), if it breaks one.
fn bounds(value: i64, min: Option<i64>, max: Option<i64>, unit: &str) -> Option<String> {
    let rule = match (min, max) {
        (Some(min), Some(max)) if min == max && value != min => {
            format!("must be exactly {min}{unit}")
        }
        (Some(min), Some(max)) if value < min || value > max => {
            format!("must be {min} to {max}{unit}")
        }
        (Some(min), None) if value < min => format!("must be at least {min}{unit}"),
        (None, Some(max)) if value > max => format!("must be at most {max}{unit}"),
        _ => return None,
    };
    Some(format!("{rule} (got {value})"))
}

/// The spec's patterns, compiled once each; `None` for one that does not compile (an
/// invalid pattern refuses every value rather than being ignored).
fn compiled(pattern: &'static str) -> Option<regex_lite::Regex> {
    static PATTERNS: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashMap<&'static str, Option<regex_lite::Regex>>>,
    > = std::sync::LazyLock::new(Default::default);
    let mut patterns = PATTERNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    patterns
        .entry(pattern)
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok())
        .clone()
}

/// RFC 3339 full-date: YYYY-MM-DD with a real month and day.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Limits = Limits {
        min_length: None,
        max_length: None,
        pattern: None,
        format: None,
        min_items: None,
        max_items: None,
        minimum: None,
        maximum: None,
        required: &[],
        allowed: &[],
    };

    /// A body with every kind of rule the walker applies, sorted by path as generated.
    static FIELDS: &[Field] = &[
        Field {
            path: "",
            limits: Limits {
                required: &["id"],
                ..NONE
            },
        },
        Field {
            path: "id",
            limits: Limits {
                max_length: Some(4),
                ..NONE
            },
        },
        Field {
            path: "kind",
            limits: Limits {
                allowed: &["CARD", "BANK"],
                ..NONE
            },
        },
        Field {
            path: "tags",
            limits: Limits {
                min_items: Some(1),
                max_items: Some(2),
                ..NONE
            },
        },
        Field {
            path: "tags[].name",
            limits: Limits {
                pattern: Some("^[a-z]+$"),
                ..NONE
            },
        },
    ];

    /// Every writable field of the body `FIELDS` rules (`nick` has no rule).
    const WRITABLE: &[&str] = &["id", "kind", "nick", "tags", "tags[]", "tags[].name"];

    fn broken(body: &str) -> Option<(String, String)> {
        check_json(body.as_bytes(), FIELDS, WRITABLE)
            .err()
            .map(|v| (v.parameter, v.rule))
    }

    /// A `null` is a merge patch's removal: allowed on a writable field its object does
    /// not require, refused elsewhere, naming the field.
    #[test]
    fn a_server_ignores_a_null_where_the_record_has_nothing_to_remove() {
        use serde_json::json;
        let lenient =
            |body: Value| check_body(ids::PATCH_CUSTOMER, &body).map_err(|v| (v.parameter, v.rule));
        for ignored in [
            json!({"": null, "buyerInformation": {"": null, "email": null, "emial": null}}),
            json!({"unknown": null, "other": {"x": [null]}, "": [null]}),
            json!({"_links": {"self": null}, "metadata": null}),
        ] {
            assert_eq!(lenient(ignored.clone()), Ok(()), "{ignored}");
        }
        assert_eq!(
            lenient(json!({"merchantDefinedInformation": [null]})),
            Err((
                "merchantDefinedInformation[0]".to_owned(),
                "must not be null: an array is sent whole, with every item".to_owned()
            ))
        );
        assert_eq!(
            lenient(json!({"buyerInformation": {"email": "x".repeat(256)}})).map_err(|e| e.0),
            Err("buyerInformation.email".to_owned()),
            "the limits still apply"
        );
    }

    #[test]
    fn a_null_removes_only_what_may_be_removed() {
        assert_eq!(
            broken(r#"{"id": "a", "nick": null, "kind": null, "tags": null}"#),
            None
        );
        assert_eq!(
            broken(r#"{"id": null}"#),
            Some((
                "id".into(),
                "is required: it cannot be removed (null)".into()
            ))
        );
        assert_eq!(
            broken(r#"{"id": "a", "nikc": null}"#),
            Some((
                "nikc".into(),
                "is not a field this request can change, so it cannot be removed (null)".into()
            ))
        );
        assert_eq!(
            broken(r#"{"id": "a", "tags": [{"name": "x"}, null]}"#),
            Some((
                "tags[1]".into(),
                "must not be null: an array is sent whole, with every item".into()
            ))
        );
        assert_eq!(
            broken("null"),
            Some(("body".into(), "must be a JSON object, not null".into()))
        );
        // Inside a field the request cannot change, no more than at its top.
        assert_eq!(
            broken(r#"{"id": "a", "other": {"b": null}}"#),
            Some((
                "other.b".into(),
                "is not a field this request can change, so it cannot be removed (null)".into()
            ))
        );
    }

    #[test]
    fn the_body_walker_applies_every_kind_of_rule() {
        assert_eq!(
            broken(r#"{"id": "ab", "tags": [{"name": "x"}], "other": [1, {"a": 2}]}"#),
            None
        );
        assert_eq!(
            broken(r#"{"tags": [{"name": "x"}]}"#),
            Some(("id".into(), "is required".into()))
        );
        assert_eq!(
            broken(r#"{"id": "abcde"}"#),
            Some(("id".into(), "must be at most 4 characters (got 5)".into()))
        );
        assert_eq!(
            broken(r#"{"id": "a", "tags": []}"#),
            Some(("tags".into(), "must have at least 1 items (has 0)".into()))
        );
        assert_eq!(
            broken(r#"{"id": "a", "tags": [{}, {}, {}]}"#),
            Some(("tags".into(), "must have at most 2 items (has 3)".into()))
        );
        assert_eq!(
            broken(r#"{"id": "a", "tags": [{"name": "ok"}, {"name": "NO"}]}"#),
            Some((
                "tags[1].name".into(),
                "must match the pattern ^[a-z]+$".into()
            ))
        );
        assert_eq!(broken(r#"{"id": "a", "kind": "BANK"}"#), None);
        assert_eq!(
            broken(r#"{"id": "a", "kind": "card"}"#),
            Some(("kind".into(), "must be one of CARD, BANK".into()))
        );
        // Escaped keys and values are read as what they mean.
        assert_eq!(
            broken(r#"{"\u0069d": "ab\u0063de"}"#),
            Some(("id".into(), "must be at most 4 characters (got 5)".into()))
        );
        // A part no rule reaches is skipped, but must still be JSON.
        assert_eq!(
            broken(r#"{"id": "a", "other": {"id": "too long for the root rule", "x": [1, {}]}}"#),
            None
        );
        for not_json in [
            "",
            "{",
            "{\"id\": \"a\"} x",
            "nul",
            r#"{"id": "a", "other": {"x": }}"#,
        ] {
            assert_eq!(
                broken(not_json),
                Some(("body".into(), "must be a JSON document".into())),
                "{not_json:?}"
            );
        }
    }

    #[test]
    fn numbers_keep_their_bounds() {
        let limit = Limits {
            minimum: Some(1),
            maximum: Some(100),
            ..NONE
        };
        assert!(check_string("limit", "100", &limit).is_ok());
        assert_eq!(
            check_string("limit", "101", &limit)
                .unwrap_err()
                .to_string(),
            "limit: must be 1 to 100 (got 101)"
        );
        assert_eq!(
            check_string("limit", "0", &limit).unwrap_err().rule,
            "must be 1 to 100 (got 0)"
        );
        assert_eq!(
            check_string("limit", "ten", &limit).unwrap_err().rule,
            "must be a whole number"
        );
        let offset = Limits {
            minimum: Some(0),
            ..NONE
        };
        assert_eq!(
            check_string("offset", "-1", &offset).unwrap_err().rule,
            "must be at least 0 (got -1)"
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("1960-12-30"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-1-01"));
        assert!(!is_date("２０２３-01-01"));
    }

    #[test]
    fn string_rules_name_the_rule() {
        let exact = Limits {
            min_length: Some(36),
            max_length: Some(36),
            ..NONE
        };
        let err = check_string("profile-id", "short", &exact).unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile-id: must be exactly 36 characters (got 5)"
        );
        let hex = Limits {
            pattern: Some("^[0-9A-Fa-f]{1,10}$"),
            ..NONE
        };
        assert!(check_string("tag", "9F1A", &hex).is_ok());
        assert!(check_string("tag", "9G", &hex).is_err());
        let date = Limits {
            format: Some("date"),
            ..NONE
        };
        assert!(check_string("dateOfBirth", "30/12/1960", &date).is_err());
    }

    #[test]
    fn operations_are_found_by_operation_id_only() {
        for op in OPERATIONS {
            assert!(std::ptr::eq(operation(op.operation_id).unwrap(), op));
            assert!(operation(op.method_name).is_none(), "one key");
            assert_eq!(method_name(op.operation_id), Some(op.method_name));
            let headers: Vec<_> = op
                .params
                .iter()
                .filter(|p| p.location == Location::Header)
                .map(|p| p.name)
                .collect();
            assert_eq!(header_parameters(op.operation_id), headers);
            #[cfg(feature = "schemars")]
            assert_eq!(body_schema(op.operation_id).is_some(), op.body.is_some());
        }
        assert!(header_parameters("no_such_operation").is_empty());
        assert!(operation("no_such_operation").is_none());
        assert_eq!(method_name("get_customer"), None, "takes operationIds only");
    }
}
