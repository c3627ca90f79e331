//! Updates that lose nothing: TMS PATCH bodies are JSON Merge Patches (RFC 7396), and a
//! read-modify-write sends only the difference, under `if-match`, again on 412.
//!
//! - [`MergePatch`]: the body of a PATCH as RFC 7396 reads it. `null` removes a field,
//!   an absent field is left alone, a changed field carries its value, an array is
//!   sent whole. [`MergePatch::between`] computes it from two values of the same
//!   generated type (what you had and what you want), so a removal is just a field set
//!   to `None`. Every generated PATCH builder takes one with `.merge_patch(..)`.
//! - [`read_modify_write`]: the loop behind the generated `modify_*` methods (for every
//!   PATCH that has a GET on the same path): read with the ETag, apply the caller's
//!   change, send the difference with `if-match`, and on 412 read again.
//!
//! A write whose answer was lost after it was sent ([`Error::is_outcome_unknown`]) is
//! never repeated blindly: the loop reads again, and stops when what it sent is
//! already there.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::rules::{BodyCheck, TypedRules};
use crate::wire::{ETAG, header};
use progenitor_client::ResponseValue;

/// The attempts a [`read_modify_write`] makes by default: writes sent, the first
/// included, before it gives up on a resource that keeps changing.
pub const DEFAULT_MAX_ATTEMPTS: usize = 5;

/// A JSON Merge Patch (RFC 7396) for a resource of type `T`: the exact body a PATCH
/// sends.
///
/// ```
/// use customer_client::types;
/// use customer_client::update::MergePatch;
///
/// let before: types::Customer = serde_json::from_str(
///     r#"{"buyerInformation": {"email": "a@example.com", "merchantCustomerID": "c1"}}"#,
/// ).unwrap();
/// let mut after = before.clone();
/// if let Some(buyer) = after.buyer_information.as_mut() {
///     buyer.email = None; // remove it
/// }
/// let patch = MergePatch::between(&before, &after);
/// assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"buyerInformation":{"email":null}}"#);
/// ```
pub struct MergePatch<T> {
    document: Map<String, Value>,
    of: PhantomData<fn() -> T>,
}

impl<T> MergePatch<T> {
    /// An empty patch: changes nothing.
    pub fn new() -> Self {
        Self {
            document: Map::new(),
            of: PhantomData,
        }
    }

    /// A patch that removes the field at `path` (wire names joined by dots, e.g.
    /// `buyerInformation.email`), or a whole group (`buyerInformation`). The request
    /// rules refuse, before sending, a path that is not a writable field and a field
    /// the spec requires.
    pub fn remove(mut self, path: &str) -> Self {
        let mut names = path.split('.');
        let Some(mut last) = names.next() else {
            return self;
        };
        let mut object = &mut self.document;
        for next in names {
            let entry = object
                .entry(last.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(inner) = entry else {
                unreachable!("made an object just above");
            };
            object = inner;
            last = next;
        }
        object.insert(last.to_owned(), Value::Null);
        self
    }

    /// Whether the patch changes nothing (an empty object).
    pub fn is_empty(&self) -> bool {
        self.document.is_empty()
    }

    /// Whether applying the patch to `current` would change nothing: what it sets is
    /// there, what it removes is absent.
    fn is_applied_to(&self, current: &Value) -> bool {
        fn holds(patch: &Map<String, Value>, current: Option<&Map<String, Value>>) -> bool {
            patch.iter().all(|(name, wanted)| {
                let now = current.and_then(|c| c.get(name));
                match wanted {
                    Value::Null => now.is_none_or(Value::is_null),
                    Value::Object(inner) => holds(inner, now.and_then(Value::as_object)),
                    other => now == Some(other),
                }
            })
        }
        holds(&self.document, current.as_object())
    }
}

impl<T: Serialize> MergePatch<T> {
    /// The patch that turns `before` into `after`: a field `after` lacks is `null`,
    /// a field that differs carries `after`'s value (objects field by field, arrays
    /// whole), a field that is the same is absent.
    pub fn between(before: &T, after: &T) -> Self {
        let mut document = Map::new();
        if let (Value::Object(before), Value::Object(after)) = (to_json(before), to_json(after)) {
            diff(&before, after, &mut document);
        }
        Self {
            document,
            of: PhantomData,
        }
    }
}

impl<T: serde::de::DeserializeOwned> MergePatch<T> {
    /// A patch from its JSON text, `null`s kept. The text must be an object whose
    /// values read as `T` (a `null` reads as absent there).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let invalid = |rule: String| Error::InvalidRequest {
            parameter: "body".to_owned(),
            rule,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "must be JSON: {}",
                crate::mask::message(&e.to_string())
            ))
        })?;
        let Value::Object(document) = value else {
            return Err(invalid("must be a JSON object".to_owned()));
        };
        serde_json::from_value::<T>(Value::Object(document.clone())).map_err(|e| {
            invalid(format!(
                "does not read as the operation's body: {}",
                crate::mask::message(&e.to_string())
            ))
        })?;
        Ok(Self {
            document,
            of: PhantomData,
        })
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    // The generated types are strings, numbers, booleans, lists and objects: they
    // always serialise.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Writes into `patch` what turns `before` into `after`.
fn diff(
    before: &Map<String, Value>,
    mut after: Map<String, Value>,
    patch: &mut Map<String, Value>,
) {
    for name in before.keys() {
        if !after.contains_key(name) {
            patch.insert(name.clone(), Value::Null);
        }
    }
    for (name, wanted) in std::mem::take(&mut after) {
        match (before.get(name.as_str()), wanted) {
            (Some(had), wanted) if *had == wanted => {}
            (Some(Value::Object(had)), Value::Object(wanted)) => {
                let mut inner = Map::new();
                diff(had, wanted, &mut inner);
                patch.insert(name, Value::Object(inner));
            }
            (_, wanted) => {
                patch.insert(name, wanted);
            }
        }
    }
}

impl<T> Default for MergePatch<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for MergePatch<T> {
    fn clone(&self) -> Self {
        Self {
            document: self.document.clone(),
            of: PhantomData,
        }
    }
}

/// Masked: a patch may carry card data.
impl<T> fmt::Debug for MergePatch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_vec(&self.document).unwrap_or_default();
        f.debug_tuple("MergePatch")
            .field(&crate::mask::body(&text))
            .finish()
    }
}

impl<T> Serialize for MergePatch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(serializer)
    }
}

/// The body a generated PATCH builder sends: its typed body, with a merge patch laid
/// over it when one was given (the patch's fields, `null`s included, win).
#[doc(hidden)]
pub struct Body<'a, T> {
    typed: &'a T,
    patch: Option<&'a MergePatch<T>>,
}

impl<'a, T> Body<'a, T> {
    #[doc(hidden)]
    pub fn new(typed: &'a T, patch: Option<&'a MergePatch<T>>) -> Self {
        Self { typed, patch }
    }
}

impl<T: Serialize> Serialize for Body<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(patch) = self.patch else {
            return self.typed.serialize(serializer);
        };
        let mut body = match to_json(self.typed) {
            Value::Object(body) => body,
            _ => Map::new(),
        };
        overlay(&mut body, &patch.document);
        body.serialize(serializer)
    }
}

/// The typed body alone is checked on its type; with a merge patch laid over it, the
/// bytes that go out are walked instead (a patch is JSON, `null`s and all).
impl<T: TypedRules> TypedRules for Body<'_, T> {
    fn typed_check(&self) -> BodyCheck {
        match self.patch {
            None => self.typed.typed_check(),
            Some(_) => BodyCheck::OnTheWire,
        }
    }
}

/// Lays `patch` over `body`: objects field by field, anything else replaces.
fn overlay(body: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (name, value) in patch {
        match (body.get_mut(name), value) {
            (Some(Value::Object(inner)), Value::Object(patch)) => overlay(inner, patch),
            _ => {
                body.insert(name.clone(), value.clone());
            }
        }
    }
}

/// What a [`read_modify_write`] ended with: the resource as the last answer showed it
/// (its ETag in its headers: [`ResponseExt::etag`](crate::ResponseExt::etag)), and
/// what it took.
#[derive(Debug)]
#[non_exhaustive]
pub struct Modified<T> {
    /// The answer of the write, or of the last read when nothing needed writing.
    pub resource: ResponseValue<T>,
    /// Writes sent (0 when the change was already there).
    pub attempts: usize,
    /// Writes refused with 412 because the resource had changed since the read.
    pub conflicts: usize,
}

impl<T> std::ops::Deref for Modified<T> {
    type Target = ResponseValue<T>;
    fn deref(&self) -> &ResponseValue<T> {
        &self.resource
    }
}

/// Reads the resource, applies `change` to it, and writes back exactly the merge patch
/// between the two with `if-match`; on 412 (someone wrote in between) it reads and
/// applies `change` again, up to `max_attempts` writes. When nothing differs it sends
/// nothing. A write whose outcome is unknown ([`Error::is_outcome_unknown`]) is
/// followed by a read: when what it sent is there, it is done, and `change` is not
/// applied twice. Any other error comes back as it is.
///
/// The generated `modify_*` methods call this with the resource's GET and PATCH.
pub async fn read_modify_write<T, Read, ReadFuture, Write, WriteFuture>(
    max_attempts: usize,
    mut change: impl FnMut(&mut T),
    read: Read,
    write: Write,
) -> Result<Modified<T>, Error>
where
    T: Serialize + Clone,
    Read: Fn() -> ReadFuture,
    ReadFuture: Future<Output = Result<ResponseValue<T>, Error>>,
    Write: Fn(MergePatch<T>, String) -> WriteFuture,
    WriteFuture: Future<Output = Result<ResponseValue<T>, Error>>,
{
    let mut attempts = 0;
    let mut conflicts = 0;
    // The last patch sent whose outcome is unknown.
    let mut unknown: Option<MergePatch<T>> = None;
    loop {
        let current = read().await?;
        if unknown
            .take()
            .is_some_and(|sent| sent.is_applied_to(&to_json(&*current)))
        {
            return Ok(Modified {
                resource: current,
                attempts,
                conflicts,
            });
        }
        let Some(etag) = header(current.headers(), &ETAG).map(str::to_owned) else {
            return Err(Error::InvalidResponse {
                status: Some(current.status()),
                reason: "the answer has no ETag, so no update can be made conditional on it"
                    .to_owned(),
                raw_body: Default::default(),
                correlation_id: crate::wire::correlation_id(current.headers()),
            });
        };
        let mut wanted = (*current).clone();
        change(&mut wanted);
        let patch = MergePatch::between(&*current, &wanted);
        if patch.is_empty() {
            return Ok(Modified {
                resource: current,
                attempts,
                conflicts,
            });
        }
        attempts += 1;
        match write(patch.clone(), etag).await {
            Ok(resource) => {
                return Ok(Modified {
                    resource,
                    attempts,
                    conflicts,
                });
            }
            Err(error) if error.status() == Some(reqwest::StatusCode::PRECONDITION_FAILED) => {
                conflicts += 1;
                if attempts >= max_attempts {
                    return Err(Error::KeptChanging {
                        attempts,
                        correlation_id: error.correlation_id().map(str::to_owned),
                    });
                }
            }
            Err(error) if error.is_outcome_unknown() && attempts < max_attempts => {
                unknown = Some(patch);
            }
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn between(before: Value, after: Value) -> Value {
        serde_json::to_value(MergePatch::<Value>::between(&before, &after)).unwrap()
    }

    #[test]
    fn the_difference_is_exactly_rfc_7396() {
        assert_eq!(
            between(
                json!({"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "same", "g": {"h": 1}}),
                json!({"a": {"b": 1, "c": 3}, "d": [1], "e": "same", "f": true}),
            ),
            json!({"a": {"c": 3}, "d": [1], "f": true, "g": null})
        );
        assert_eq!(between(json!({"a": 1}), json!({"a": 1})), json!({}));
    }

    #[test]
    fn removal_by_path_nests_nulls() {
        let patch = MergePatch::<Value>::new()
            .remove("a.b")
            .remove("a.c")
            .remove("d");
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"a": {"b": null, "c": null}, "d": null})
        );
    }

    #[test]
    fn removal_by_path_turns_a_removed_group_into_an_object_again() {
        let patch = MergePatch::<Value>::new().remove("a").remove("a.b");
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"a": {"b": null}})
        );
    }

    #[test]
    fn a_patch_from_json_keeps_its_nulls_and_must_read_as_the_type() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            name: Option<String>,
        }
        let patch = MergePatch::<Body>::from_json(r#"{"name": null, "other": 1}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"name":null,"other":1}"#
        );
        for (text, rule) in [
            ("[1]", "must be a JSON object"),
            ("{", "must be JSON"),
            (r#"{"name": 5}"#, "does not read as the operation's body"),
        ] {
            match MergePatch::<Body>::from_json(text) {
                Err(Error::InvalidRequest {
                    parameter,
                    rule: got,
                }) => {
                    assert_eq!(parameter, "body");
                    assert!(got.starts_with(rule), "{text}: {got}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn debug_shows_the_patch_masked() {
        let patch = MergePatch::<Value>::new().remove("buyerInformation.email");
        let shown = format!("{patch:?}");
        assert!(
            shown.starts_with("MergePatch(") && shown.contains("buyerInformation"),
            "{shown}"
        );
        let card = MergePatch::<Value>::between(
            &json!({}),
            &json!({"card": {"number": "4111111111111111"}}),
        );
        let shown = format!("{card:?}");
        assert!(
            !shown.contains("4111111111111111") && shown.contains("****"),
            "{shown}"
        );
    }

    #[test]
    fn a_patch_is_applied_when_its_values_are_there() {
        let patch = MergePatch::<Value>::between(&json!({"a": 1, "b": 2}), &json!({"a": 3}));
        assert!(patch.is_applied_to(&json!({"a": 3, "c": 1})));
        assert!(!patch.is_applied_to(&json!({"a": 3, "b": 2})));
        assert!(!patch.is_applied_to(&json!({"a": 1})));
    }

    #[test]
    fn the_patch_lies_over_the_typed_body() {
        let typed = json!({"a": {"b": 1, "c": 2}, "d": 1});
        let patch = MergePatch::<Value>::new().remove("a.b");
        let body = serde_json::to_value(Body::new(&typed, Some(&patch))).unwrap();
        assert_eq!(body, json!({"a": {"b": null, "c": 2}, "d": 1}));
        let plain = serde_json::to_value(Body::new(&typed, None)).unwrap();
        assert_eq!(plain, typed);
    }
}
