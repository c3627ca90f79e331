//! `cargo xtask diff [BASE]`: what changed in openapi/tms-customers.yaml between a git
//! revision and the working tree, whether each change breaks code that uses
//! `customer-client`, the version bump that follows, and how much generated code moves.
//!
//! The classification follows how the crate treats each side of the wire (see
//! openapi/README.md): requests are checked strictly before sending, so anything that
//! refuses a value that passed before is breaking; responses are decoded leniently, so
//! only a removed field, a changed type or a new success shape breaks a reader.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::facts::{self, Difference, Fact, Kind, Side};
use crate::generate;
use crate::workspace::{self, git};

/// One line of the report: a change, where it is written, and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub breaking: bool,
    pub kind: Kind,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// JSON path of the changed definition, in the document that has it.
    pub location: String,
    /// `maxLength 100 → 50`, or the attributes of what was added or removed.
    pub detail: String,
    /// Every place the change reaches (`postCustomer request $.buyerInformation.email`).
    pub places: Vec<String>,
    pub reason: &'static str,
}

/// Every change from `base` to `head` (spec texts), merged per definition and sorted:
/// breaking first, then by kind and location.
pub fn changes(base: &str, head: &str) -> anyhow::Result<Vec<Change>> {
    let base = facts::extract(&parse(base, "the base spec")?, None)?;
    let head = facts::extract(&parse(head, "the working tree's spec")?, None)?;
    let mut merged: BTreeMap<(Kind, &'static str, String, String), Change> = BTreeMap::new();
    for difference in facts::compare(&base, &head) {
        let (fact, change, detail) = match &difference {
            Difference::Removed(fact) => (*fact, "removed", facts::describe(&fact.attributes)),
            Difference::Added(fact) => (*fact, "added", facts::describe(&fact.attributes)),
            Difference::Changed {
                new,
                attribute,
                before,
                after,
                ..
            } => (
                *new,
                "changed",
                format!(
                    "{attribute} {} → {}",
                    before.unwrap_or("unset"),
                    after.unwrap_or("unset")
                ),
            ),
        };
        let (breaking, reason) = classify(&difference);
        let entry = merged
            .entry((fact.kind, change, fact.location.clone(), detail.clone()))
            .or_insert_with(|| Change {
                breaking,
                kind: fact.kind,
                change,
                location: fact.location.clone(),
                detail,
                places: Vec::new(),
                reason,
            });
        if breaking && !entry.breaking {
            entry.breaking = true;
            entry.reason = reason;
        }
        entry.places.push(fact.subject.clone());
    }
    let mut changes: Vec<Change> = merged.into_values().collect();
    changes.sort_by(|a, b| {
        (!a.breaking, a.kind, &a.location, a.change, &a.detail).cmp(&(
            !b.breaking,
            b.kind,
            &b.location,
            b.change,
            &b.detail,
        ))
    });
    Ok(changes)
}

fn parse(text: &str, what: &str) -> anyhow::Result<Value> {
    serde_norway::from_str(text).map_err(|e| anyhow::anyhow!("{what} is not valid YAML: {e}"))
}

/// Is this difference breaking for code that uses the crate, and why.
pub fn classify(difference: &Difference) -> (bool, &'static str) {
    match *difference {
        Difference::Added(fact) => added(fact),
        Difference::Removed(fact) => removed(fact),
        Difference::Changed {
            old,
            attribute,
            before,
            after,
            ..
        } => changed(old, attribute, before, after),
    }
}

const COMPATIBLE: bool = false;
const BREAKING: bool = true;

fn added(fact: &Fact) -> (bool, &'static str) {
    let required = fact.attributes.get("required").is_some_and(|r| r == "true");
    match (fact.kind, fact.side) {
        (Kind::Operation, _) => (COMPATIBLE, "a new method on the client"),
        (Kind::Parameter | Kind::Field, Side::Request) if required => (
            BREAKING,
            "existing calls lack a now-required value and are refused before sending",
        ),
        (Kind::Parameter, _) => (COMPATIBLE, "a new optional builder method"),
        (Kind::Field, Side::Request) => (COMPATIBLE, "a new optional field"),
        (Kind::Field, _) => (COMPATIBLE, "a new optional field in what the client reads"),
        (Kind::Status, Side::Success) => (
            BREAKING,
            "a new success status can change the method's success type",
        ),
        (Kind::Status, _) => (COMPATIBLE, "one more status reported as Error::Api"),
        (Kind::ResponseHeader, _) => (COMPATIBLE, "a new response header"),
        (Kind::ContentType, _) => (COMPATIBLE, "one more accepted content type"),
    }
}

fn removed(fact: &Fact) -> (bool, &'static str) {
    match (fact.kind, fact.side) {
        (Kind::Operation, _) => (BREAKING, "a method disappears from the client"),
        (Kind::Parameter, _) => (BREAKING, "a builder method disappears"),
        (Kind::Field, Side::Request) => (BREAKING, "callers that set the field no longer compile"),
        (Kind::Field, _) => (BREAKING, "callers that read the field no longer compile"),
        (Kind::Status, Side::Success) => (
            BREAKING,
            "the method's success type changes, and callers lose that answer",
        ),
        (Kind::Status, _) => (
            COMPATIBLE,
            "an error status no longer documented; matching it is harmless",
        ),
        (Kind::ResponseHeader, _) => (
            BREAKING,
            "callers that read the header (etag(), correlation_id()) get nothing",
        ),
        (Kind::ContentType, _) => (
            BREAKING,
            "the content type the client sends or expects is no longer documented",
        ),
    }
}

fn changed(
    fact: &Fact,
    attribute: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> (bool, &'static str) {
    let number = |v: Option<&str>| v.and_then(|v| v.parse::<f64>().ok());
    let (before_n, after_n) = (number(before), number(after));
    match attribute {
        "operationId" => return (BREAKING, "the generated method is renamed"),
        // A path placeholder renamed: the same requests go out, the builder method that
        // sets the value is named after it.
        "name" if fact.kind == Kind::Parameter => {
            return (
                BREAKING,
                "wire: unchanged (the same path); Rust API: breaking (the builder method is renamed)",
            );
        }
        "type" => return (BREAKING, "the generated Rust type changes"),
        "in" => return (BREAKING, "existing calls send the value somewhere else"),
        "mleForRequest" => {
            return match after {
                Some("mandatory") => (BREAKING, "the server now requires encrypted request bodies"),
                _ => (
                    COMPATIBLE,
                    "request encryption becomes possible or is dropped; it is off unless asked for",
                ),
            };
        }
        _ => {}
    }
    // Enumerations are strings in the types and a rule on requests (normalisation 7).
    // On any field, values removed are breaking: a request with one is refused before
    // sending, and code written for an answer's value waits for one that no longer
    // comes. Values added are compatible: the field is a string either way.
    if attribute == "enum" {
        let values = |v: Option<&str>| -> Vec<String> {
            v.map(|v| v.split(", ").map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let (old, new) = (values(before), values(after));
        let request = fact.side == Side::Request;
        return match (before, after) {
            (_, None) => (COMPATIBLE, "the list of values is gone: any value passes"),
            (Some(_), Some(_)) if old.iter().all(|v| new.contains(v)) => {
                (COMPATIBLE, "more values pass")
            }
            _ if request => (
                BREAKING,
                "values that passed are now refused before sending",
            ),
            _ => (
                BREAKING,
                "values that answers carried are no longer documented",
            ),
        };
    }
    if fact.side != Side::Request {
        return (
            COMPATIBLE,
            "responses are decoded leniently: limits, formats and flags are not enforced on reads",
        );
    }
    match attribute {
        "minLength" | "minimum" | "minItems" => match (before_n, after_n) {
            (None, Some(_)) => (BREAKING, "a new lower limit refuses values that passed"),
            (Some(b), Some(a)) if a > b => {
                (BREAKING, "a higher lower limit refuses values that passed")
            }
            _ => (COMPATIBLE, "a looser lower limit"),
        },
        "maxLength" | "maximum" | "maxItems" => match (before_n, after_n) {
            (None, Some(_)) => (BREAKING, "a new upper limit refuses values that passed"),
            (Some(b), Some(a)) if a < b => {
                (BREAKING, "a tighter upper limit refuses values that passed")
            }
            _ => (COMPATIBLE, "a looser upper limit"),
        },
        "pattern" | "format" => match after {
            Some(_) => (
                BREAKING,
                "a new or different rule may refuse values that passed",
            ),
            None => (COMPATIBLE, "a rule removed: more values pass"),
        },
        "required" => match after {
            Some("true") => (
                BREAKING,
                "calls without the value are now refused before sending",
            ),
            _ => (COMPATIBLE, "no longer required"),
        },
        "readOnly" => match after {
            Some("true") => (BREAKING, "a value callers set is now ignored by the server"),
            _ => (COMPATIBLE, "callers may now set the field"),
        },
        _ => (BREAKING, "an unclassified change: treated as breaking"),
    }
}

/// The semver bump a set of changes needs, Cargo's rules: before 1.0 the minor number
/// is the breaking one.
pub fn next_version(
    current: &str,
    changes: &[Change],
    code_changed: bool,
) -> (&'static str, String) {
    let mut parts = current
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0))
        .chain(std::iter::repeat(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    let breaking = changes.iter().any(|c| c.breaking);
    let additive = changes.iter().any(|c| !c.breaking);
    bump((major, minor, patch), breaking, additive, code_changed)
}

/// The next version from `current` (major, minor, patch): breaking wins, then an
/// additive change, then a change of the generated code alone.
pub fn bump(
    (major, minor, patch): (u64, u64, u64),
    breaking: bool,
    additive: bool,
    code_changed: bool,
) -> (&'static str, String) {
    let (level, next) = match (breaking, additive || code_changed, major) {
        (true, _, 0) => ("minor (breaking, before 1.0)", (0, minor + 1, 0)),
        (true, _, _) => ("major (breaking)", (major + 1, 0, 0)),
        (false, true, 0) if additive => ("patch (compatible, before 1.0)", (0, minor, patch + 1)),
        (false, true, _) if additive => ("minor (compatible)", (major, minor + 1, 0)),
        (false, true, _) => ("patch (documentation only)", (major, minor, patch + 1)),
        (false, false, _) => ("none", (major, minor, patch)),
    };
    (level, format!("{}.{}.{}", next.0, next.1, next.2))
}

/// Lines added and removed per generated file between two specs.
pub fn generated_diff(base: &str, head: &str) -> anyhow::Result<Vec<(String, usize, usize)>> {
    let before = generate::render_spec(base).map_err(|e| anyhow::anyhow!("base spec: {e}"))?;
    let after = generate::render_spec(head)?;
    let mut files = Vec::new();
    for (old, new) in before.iter().zip(&after) {
        let (mut added, mut removed) = (0, 0);
        for change in similar::TextDiff::from_lines(&old.contents, &new.contents).iter_all_changes()
        {
            match change.tag() {
                similar::ChangeTag::Insert => added += 1,
                similar::ChangeTag::Delete => removed += 1,
                similar::ChangeTag::Equal => {}
            }
        }
        if added + removed > 0 {
            files.push((new.path.to_owned(), added, removed));
        }
    }
    Ok(files)
}

/// Options of `cargo xtask diff`.
pub struct Options {
    pub base: Option<String>,
    pub fail_on_breaking: bool,
    pub json: bool,
}

/// Runs the command; `Ok(false)` means breaking changes under `--fail-on-breaking`.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<bool> {
    let (revision, described) = match &options.base {
        Some(base) => (base.clone(), base.clone()),
        None => {
            let base = merge_base(root)?;
            let short = base.chars().take(10).collect::<String>();
            (base, format!("{short} (merge base with main)"))
        }
    };
    let base_text = git(root, &["show", &format!("{revision}:{}", workspace::SPEC)])
        .map_err(|e| anyhow::anyhow!("cannot read {} at {revision}: {e}", workspace::SPEC))?;
    let head_path = root.join(workspace::SPEC);
    let head_text = std::fs::read_to_string(&head_path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", head_path.display()))?;

    let changes = changes(&base_text, &head_text)?;
    let generated = generated_diff(&base_text, &head_text)?;
    let current = workspace::workspace_version(root)?;
    let (level, next) = next_version(&current, &changes, !generated.is_empty());
    let breaking = changes.iter().filter(|c| c.breaking).count();

    if options.json {
        let report = json!({
            "base": described,
            "head": "working tree",
            "changes": changes.iter().map(|c| json!({
                "classification": if c.breaking { "breaking" } else { "compatible" },
                "kind": c.kind.name(),
                "change": c.change,
                "path": c.location,
                "detail": c.detail,
                "places": c.places,
                "reason": c.reason,
            })).collect::<Vec<_>>(),
            "breaking": breaking,
            "compatible": changes.len() - breaking,
            "semver": { "current": current, "bump": level, "next": next },
            "generated": generated.iter().map(|(path, added, removed)| json!({
                "path": path, "added": added, "removed": removed,
            })).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a JSON value serialises")
        );
    } else {
        print!(
            "{}",
            text_report(&described, &changes, &current, level, &next, &generated)
        );
    }
    Ok(!(options.fail_on_breaking && breaking > 0))
}

/// The human report: one line per change, then the totals, the bump and the code diff.
pub fn text_report(
    base: &str,
    changes: &[Change],
    current: &str,
    level: &str,
    next: &str,
    generated: &[(String, usize, usize)],
) -> String {
    let mut out = format!("{} at {base} → working tree\n", workspace::SPEC);
    for c in changes {
        out.push_str(&format!(
            "{:<10}  {} {}  {}  {}  [{}]  ({})\n",
            if c.breaking { "BREAKING" } else { "compatible" },
            c.change,
            c.kind.name(),
            c.location,
            c.detail,
            places(&c.places),
            c.reason,
        ));
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    if changes.is_empty() {
        out.push_str(
            "no change to any operation, parameter, field, status, header or content type\n",
        );
    }
    out.push_str(&format!(
        "{} changes: {breaking} breaking, {} compatible\n",
        changes.len(),
        changes.len() - breaking
    ));
    out.push_str(&format!(
        "semver: {level}: customer-client {current} → {next}\n"
    ));
    let (added, removed) = generated
        .iter()
        .fold((0, 0), |(a, r), (_, fa, fr)| (a + fa, r + fr));
    out.push_str(&format!(
        "generated code: {} files changed, +{added} −{removed} lines\n",
        generated.len()
    ));
    for (path, added, removed) in generated {
        out.push_str(&format!("  {path}: +{added} −{removed}\n"));
    }
    out
}

/// `$.x in postCustomer request, getCustomer 200` when the places share their field.
fn places(places: &[String]) -> String {
    let split: Vec<Option<(&str, &str)>> = places
        .iter()
        .map(|p| p.find(" $").map(|i| (&p[..i], &p[i + 1..])))
        .collect();
    if let Some(Some((_, field))) = split.first()
        && split.iter().all(|s| s.is_some_and(|(_, f)| f == *field))
    {
        let scopes: Vec<&str> = split.iter().flatten().map(|(scope, _)| *scope).collect();
        return format!("{field} in {}", scopes.join(", "));
    }
    places.join(", ")
}

fn merge_base(root: &Path) -> anyhow::Result<String> {
    for main in ["main", "origin/main"] {
        if let Ok(base) = git(root, &["merge-base", main, "HEAD"]) {
            return Ok(base.trim().to_owned());
        }
    }
    Err(anyhow::anyhow!(
        "no merge base with `main` or `origin/main`: pass a revision, e.g. `cargo xtask diff HEAD~1`"
    ))
}
