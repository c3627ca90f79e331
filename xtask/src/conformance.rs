//! `cargo xtask conformance PATH`: every fact of our four operations compared with
//! CyberSource's published Swagger 2.0 definition (the whole merged file or a fragment
//! of it): paths and operation ids, parameters, the field tree, status codes, response
//! headers and content types. Each difference is a line of the maintainer's to-do list.

use std::path::Path;

use serde_json::{Value, json};

use crate::facts::{self, Difference, Facts, Kind};
use crate::generate;

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
/// the latter read only on the paths ours defines.
pub fn findings(ours: &Value, official: &Value) -> Result<(Vec<Finding>, Compared), String> {
    let our_facts = facts::extract(ours, None).map_err(|e| format!("our spec: {e}"))?;
    let paths = facts::paths_of(ours);
    let their_facts = facts::extract(official, Some(&paths))
        .map_err(|e| format!("CyberSource's definition: {e}"))?;
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
pub fn read_document(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .or_else(|_| serde_norway::from_str(&text))
        .map_err(|e| format!("{} is neither JSON nor YAML: {e}", path.display()))
}

/// Runs the command; `Ok(false)` means differences were found.
pub fn run(root: &Path, official_path: &Path, json_output: bool) -> Result<bool, String> {
    let ours = read_document(&root.join(generate::SPEC))?;
    let official = read_document(official_path)?;
    let (findings, compared) = findings(&ours, &official)?;
    if json_output {
        let report = json!({
            "spec": generate::SPEC,
            "official": official_path.display().to_string(),
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
        print!("{}", text_report(official_path, &findings, &compared));
    }
    Ok(findings.is_empty())
}

pub fn text_report(official: &Path, findings: &[Finding], compared: &Compared) -> String {
    let counts: Vec<String> = compared
        .counts
        .iter()
        .map(|(kind, n)| format!("{n} {}", plural(kind.name(), *n)))
        .collect();
    let mut out = format!(
        "{} against {}\ncompared: {}\n",
        generate::SPEC,
        official.display(),
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
