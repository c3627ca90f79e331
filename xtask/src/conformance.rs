//! `cargo xtask conformance PATH...`: every fact of our operations compared with
//! CyberSource's published Swagger 2.0 definition (the whole merged file, or fragments
//! of it, read as one): paths and operation ids, parameters, the field tree, status
//! codes, response headers and content types. Each difference is a line of the
//! maintainer's to-do list.
//!
//! The comparison covers our paths and every path of CyberSource's below the prefix
//! they share (`/tms/v2/customers`): an operation CyberSource publishes there and our
//! spec lacks is a difference; the rest of the merged definition is not our API.

use std::path::Path;

use serde_json::{Value, json};

use crate::facts::{self, Difference, Facts, Kind};
use crate::workspace;

/// One difference between our spec and CyberSource's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `missing` (CyberSource has it, we do not), `extra` (we have it, CyberSource
    /// does not) or `differs`.
    pub what: &'static str,
    pub kind: Kind,
    /// `postCustomer request $.buyerInformation.email`.
    pub subject: String,
    pub detail: String,
    /// JSON path in our spec, when we have it.
    pub ours: Option<String>,
    /// JSON path in CyberSource's definition, when it has it.
    pub theirs: Option<String>,
}

/// What was compared, for the report's first line.
pub struct Compared {
    pub counts: Vec<(Kind, usize)>,
}

/// Compares two parsed documents: ours (OpenAPI 3) and CyberSource's (Swagger 2.0),
/// the latter read on our paths and on its own paths below the prefix ours share.
pub fn findings(ours: &Value, official: &Value) -> anyhow::Result<(Vec<Finding>, Compared)> {
    let our_facts = facts::extract(ours, None).map_err(|e| anyhow::anyhow!("our spec: {e}"))?;
    let mut paths = facts::paths_of(ours);
    let prefix = common_prefix(&paths);
    for path in facts::paths_of(official) {
        let below = path == prefix || path.starts_with(&format!("{prefix}/"));
        if !prefix.is_empty() && below && !paths.contains(&path) {
            paths.push(path);
        }
    }
    let their_facts = facts::extract(official, Some(&paths))
        .map_err(|e| anyhow::anyhow!("CyberSource's definition: {e}"))?;
    let mut findings: Vec<Finding> = facts::compare(&our_facts, &their_facts)
        .into_iter()
        .map(|difference| match difference {
            Difference::Removed(fact) => Finding {
                what: "extra",
                kind: fact.kind,
                subject: fact.subject.clone(),
                detail: facts::describe(&fact.attributes),
                ours: Some(fact.location.clone()),
                theirs: None,
            },
            Difference::Added(fact) => Finding {
                what: "missing",
                kind: fact.kind,
                subject: fact.subject.clone(),
                detail: facts::describe(&fact.attributes),
                ours: None,
                theirs: Some(fact.location.clone()),
            },
            Difference::Changed {
                old,
                new,
                attribute,
                before,
                after,
            } => Finding {
                what: "differs",
                kind: old.kind,
                subject: old.subject.clone(),
                detail: format!(
                    "{attribute}: ours {}, CyberSource {}",
                    before.unwrap_or("unset"),
                    after.unwrap_or("unset")
                ),
                ours: Some(old.location.clone()),
                theirs: Some(new.location.clone()),
            },
        })
        .collect();
    // Grouped by operation, for working through the list.
    findings.sort_by(|a, b| (&a.subject, a.what).cmp(&(&b.subject, b.what)));
    Ok((findings, counts(&our_facts)))
}

/// The longest run of whole path segments every path starts with (`/tms/v2/customers`).
fn common_prefix(paths: &[String]) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut segments: Vec<&str> = first.split('/').collect();
    for path in &paths[1..] {
        let shared = segments
            .iter()
            .zip(path.split('/'))
            .take_while(|(a, b)| **a == *b)
            .count();
        segments.truncate(shared);
    }
    segments.join("/")
}

/// Several documents as one: the first, with the path items of the others added (a
/// path given twice must be the same).
pub fn merge(documents: Vec<(String, Value)>) -> anyhow::Result<Value> {
    let mut documents = documents.into_iter();
    let Some((_, mut merged)) = documents.next() else {
        anyhow::bail!("no definition given");
    };
    for (name, document) in documents {
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow::anyhow!("{name} has no `paths`"))?;
        let into = merged
            .get_mut("paths")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| anyhow::anyhow!("the first definition has no `paths`"))?;
        for (path, item) in paths {
            match into.get(path) {
                Some(existing) if existing != item => {
                    return Err(anyhow::anyhow!("{name} defines {path} differently"));
                }
                _ => {
                    into.insert(path.clone(), item.clone());
                }
            }
        }
    }
    Ok(merged)
}

fn counts(facts: &Facts) -> Compared {
    let mut counts: Vec<(Kind, usize)> = Vec::new();
    for fact in facts.values() {
        match counts.iter_mut().find(|(k, _)| *k == fact.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((fact.kind, 1)),
        }
    }
    counts.sort();
    Compared { counts }
}

/// Reads a definition as JSON (CyberSource publishes JSON), else YAML.
pub fn read_document(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    parse_document(&text, &path.display().to_string())
}

/// `text` (of the file `name`) as JSON, else YAML.
pub fn parse_document(text: &str, name: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text)
        .or_else(|_| serde_norway::from_str(text))
        .map_err(|e| anyhow::anyhow!("{name} is neither JSON nor YAML: {e}"))
}

/// `ours` against CyberSource's definition, given as `(name, document)` fragments
/// (read as one).
pub fn check(
    ours: &Value,
    official: Vec<(String, Value)>,
) -> anyhow::Result<(Vec<Finding>, Compared)> {
    findings(ours, &merge(official)?)
}

/// Runs the command; `Ok(false)` means differences were found.
pub fn run(
    root: &Path,
    official_paths: &[std::path::PathBuf],
    json_output: bool,
) -> anyhow::Result<bool> {
    let documents = official_paths
        .iter()
        .map(|path| Ok((path.display().to_string(), read_document(path)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ours = read_document(&root.join(workspace::SPEC))?;
    let (findings, compared) = check(&ours, documents)?;
    let names: Vec<String> = official_paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if json_output {
        let report = json!({
            "spec": workspace::SPEC,
            "official": names,
            "compared": compared.counts.iter().map(|(k, n)| (k.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "differences": findings.iter().map(|f| json!({
                "difference": f.what,
                "kind": f.kind.name(),
                "subject": f.subject,
                "detail": f.detail,
                "ours": f.ours,
                "theirs": f.theirs,
            })).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a JSON value serialises")
        );
    } else {
        print!("{}", text_report(&names.join(" + "), &findings, &compared));
    }
    Ok(findings.is_empty())
}

pub fn text_report(official: &str, findings: &[Finding], compared: &Compared) -> String {
    let counts: Vec<String> = compared
        .counts
        .iter()
        .map(|(kind, n)| format!("{n} {}", plural(kind.name(), *n)))
        .collect();
    let mut out = format!(
        "{} against {}\ncompared: {}\n",
        workspace::SPEC,
        official,
        counts.join(", ")
    );
    for f in findings {
        let mut line = format!("{:<8} {}  {}", f.what, f.kind.name(), f.subject);
        if !f.detail.is_empty() {
            line.push_str(&format!(": {}", f.detail));
        }
        if let Some(ours) = &f.ours {
            line.push_str(&format!("  [ours: {ours}]"));
        }
        if let Some(theirs) = &f.theirs {
            line.push_str(&format!("  [CyberSource: {theirs}]"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "{} {}\n",
        findings.len(),
        plural("difference", findings.len())
    ));
    out
}

fn plural(word: &str, n: usize) -> String {
    match (n, word) {
        (1, _) => word.to_owned(),
        (_, "status code") => "status codes".to_owned(),
        _ => format!("{word}s"),
    }
}
