//! `cargo xtask conformance PATH... [-v] [--format json]`: every fact of our operations
//! compared with CyberSource's published Swagger 2.0 definition (the whole merged file,
//! or fragments of it, read as one): paths and operation ids, parameters, the field
//! tree of request, success and error bodies, status codes, response headers and
//! content types. Each difference is an item of the maintainer's to-do list.
//!
//! The comparison covers our paths and every path of CyberSource's below one of our
//! collections (`/tms/v1/instrumentidentifiers`, `/tms/v2/customers`): an operation
//! CyberSource publishes there and our spec lacks is a difference; the rest of the
//! merged definition is not our API.
//! Operations are matched by verb and path shape, placeholder names aside: a renamed
//! placeholder is one finding, and the operation is compared all the same. A change
//! found in several places (the same component, used in many bodies) is reported once,
//! with its places.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::facts::{self, Difference, Fact, Facts, Kind, Side};
use crate::workspace;

/// One difference between our spec and CyberSource's definition, in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `missing` (CyberSource has it, we do not), `extra` (we have it, CyberSource
    /// does not), `differs`, or `renamed` (a path placeholder).
    pub what: &'static str,
    pub kind: Kind,
    /// `postCustomer request $.buyerInformation.email`.
    pub subject: String,
    pub detail: String,
    /// JSON path in our spec, when we have it.
    pub ours: Option<String>,
    /// JSON path in CyberSource's definition, when it has it.
    pub theirs: Option<String>,
    pub section: Section,
    /// What the finding is about, the same in every place: our component and field
    /// (`TokenizedCard.expirationMonth`) where the spec has one, else the subject
    /// without its place (`$.bankAccount.type`, `409`, `header ETag`).
    pub label: String,
    /// Where in the API: `postCustomer request`, `getCustomer 200`, `deleteCustomer`.
    pub place: String,
}

/// The part of the API a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Operations, parameters, request and success bodies, statuses, headers, content
    /// types: what the generated client relies on.
    Contract,
    /// The fields of 4xx and 5xx bodies.
    ErrorBodies,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Contract => "contract",
            Section::ErrorBodies => "error bodies",
        }
    }
}

/// What was compared, for the report's first lines.
pub struct Compared {
    pub counts: Vec<(Kind, usize)>,
    /// Our collections: the paths of ours no other of ours lies below
    /// (`/tms/v1/instrumentidentifiers`, `/tms/v2/customers`).
    pub roots: Vec<String>,
}

/// Compares two parsed documents: ours (OpenAPI 3) and CyberSource's (Swagger 2.0),
/// the latter read on our paths and on its own paths below one of our collections.
pub fn findings(ours: &Value, official: &Value) -> anyhow::Result<(Vec<Finding>, Compared)> {
    let our_facts = facts::extract(ours, None).map_err(|e| anyhow::anyhow!("our spec: {e}"))?;
    let mut paths = facts::paths_of(ours);
    let roots = roots(&paths);
    for path in facts::paths_of(official) {
        if below_any(&path, &roots) && !paths.contains(&path) {
            paths.push(path);
        }
    }
    let their_facts = facts::extract(official, Some(&paths))
        .map_err(|e| anyhow::anyhow!("CyberSource's definition: {e}"))?;
    let mut findings: Vec<Finding> = facts::compare(&our_facts, &their_facts)
        .into_iter()
        .map(|difference| finding(difference, &our_facts))
        .collect();
    // Grouped by section and operation, for working through the list.
    findings.sort_by(|a, b| (a.section, &a.subject, a.what).cmp(&(b.section, &b.subject, b.what)));
    Ok((
        findings,
        Compared {
            counts: counts(&our_facts),
            roots,
        },
    ))
}

/// The finding for one difference; `ours` gives a missing fact's parent in our spec.
fn finding(difference: Difference<'_>, ours: &Facts) -> Finding {
    let (what, fact, detail, our_location, their_location) = match difference {
        Difference::Removed(fact) => (
            "extra",
            fact,
            facts::describe(&fact.attributes),
            Some(fact.location.clone()),
            None,
        ),
        Difference::Added(fact) => (
            "missing",
            fact,
            facts::describe(&fact.attributes),
            None,
            Some(fact.location.clone()),
        ),
        Difference::Changed {
            old,
            new,
            attribute,
            before,
            after,
        } => {
            let (before, after) = (before.unwrap_or("unset"), after.unwrap_or("unset"));
            let (what, detail) = if attribute == "name" && old.kind == Kind::Parameter {
                (
                    "renamed",
                    format!("path parameter renamed: {before} → {after}"),
                )
            } else {
                (
                    "differs",
                    format!("{attribute}: ours {before}, CyberSource {after}"),
                )
            };
            (
                what,
                old,
                detail,
                Some(old.location.clone()),
                Some(new.location.clone()),
            )
        }
    };
    let place = fact.scope.clone();
    let rest = fact
        .subject
        .strip_prefix(&fact.scope)
        .map(str::trim)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&fact.subject)
        .to_owned();
    let label = match &our_location {
        Some(location) => component_label(location),
        // Missing: named after its parent in our spec, when that is a component.
        None => fact
            .parent
            .as_ref()
            .and_then(|parent| ours.get(parent))
            .and_then(|parent| component_label(&parent.location))
            .map(|parent| format!("{parent}{}", last_segment(&rest))),
    }
    .unwrap_or(rest);
    Finding {
        what,
        kind: fact.kind,
        subject: fact.subject.clone(),
        detail,
        ours: our_location,
        theirs: their_location,
        section: section_of(fact),
        label,
        place,
    }
}

fn section_of(fact: &Fact) -> Section {
    if fact.side == Side::Failure && fact.kind == Kind::Field {
        Section::ErrorBodies
    } else {
        Section::Contract
    }
}

/// `TokenizedCard.expirationMonth` for a location in a named component
/// (`$.components.schemas.TokenizedCard.properties.expirationMonth`, or Swagger's
/// `$.definitions…`), `parameters.CustomerId` for a named parameter; `None` elsewhere.
fn component_label(location: &str) -> Option<String> {
    let rest = location
        .strip_prefix("$.components.schemas.")
        .or_else(|| location.strip_prefix("$.definitions."));
    if let Some(rest) = rest {
        return Some(
            rest.replace(".properties.", ".")
                .replace(".properties[", "[")
                .replace(".items", "[*]"),
        );
    }
    location
        .strip_prefix("$.components.parameters.")
        .or_else(|| location.strip_prefix("$.parameters."))
        .map(|name| format!("parameters.{name}"))
}

/// The last member of a field path (`.number` of `$.card.number`, `[*]` of `$.tags[*]`).
fn last_segment(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(at) => &path[at..],
        None => path,
    }
}

fn below(path: &str, prefix: &str) -> bool {
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

fn below_any(path: &str, roots: &[String]) -> bool {
    roots.iter().any(|root| below(path, root))
}

/// The paths no other of `paths` lies below, sorted: the collections of a spec
/// (`/tms/v1/instrumentidentifiers`, `/tms/v2/customers`). A shared prefix would not do
/// once the spec covers two APIs: theirs is `/tms`, below which CyberSource publishes
/// much that this spec does not mean to cover.
fn roots(paths: &[String]) -> Vec<String> {
    let mut roots: Vec<String> = paths
        .iter()
        .filter(|path| {
            !paths
                .iter()
                .any(|other| other != *path && below(path, other))
        })
        .cloned()
        .collect();
    roots.sort();
    roots.dedup();
    roots
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

fn counts(facts: &Facts) -> Vec<(Kind, usize)> {
    let mut counts: Vec<(Kind, usize)> = Vec::new();
    for fact in facts.values() {
        match counts.iter_mut().find(|(k, _)| *k == fact.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((fact.kind, 1)),
        }
    }
    counts.sort();
    counts
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

/// A definition file as read: its name, size, SHA-256, `info.version`, how many of its
/// paths lie below one of our collections, and whether it is a fixture the
/// spec was last checked against.
pub struct FileRead {
    pub name: String,
    pub bytes: usize,
    pub sha256: String,
    pub version: String,
    pub paths_below: usize,
    /// The fixture (`tests/fixtures/official-….json`) with the same bytes, if any.
    pub fixture: Option<&'static str>,
}

/// Output options.
pub struct Options {
    pub json: bool,
    /// Every place of each finding, with its JSON paths on both sides.
    pub verbose: bool,
}

/// Runs the command; `Ok(false)` means differences were found in the contract (the
/// error bodies' are reported, not counted: see `text_report`).
pub fn run(
    root: &Path,
    official_paths: &[std::path::PathBuf],
    options: &Options,
) -> anyhow::Result<bool> {
    // A fixture is read and hashed only when it is as long as the file at hand.
    let fixture_of = |bytes: usize, sha256: &str| {
        workspace::OFFICIAL_DEFINITION.into_iter().find(|fixture| {
            let path = root.join(fixture);
            std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes as u64)
                && std::fs::read(&path).is_ok_and(|b| workspace::sha256(&b) == sha256)
        })
    };
    let mut documents = Vec::new();
    let mut files = Vec::new();
    for path in official_paths {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let name = path.display().to_string();
        let text =
            String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{name} is not UTF-8 text"))?;
        let document = parse_document(&text, &name)?;
        let sha256 = workspace::sha256(text.as_bytes());
        files.push(FileRead {
            fixture: fixture_of(text.len(), &sha256),
            bytes: text.len(),
            version: document["info"]["version"]
                .as_str()
                .unwrap_or("(none)")
                .to_owned(),
            paths_below: 0,
            name,
            sha256,
        });
        documents.push((path.display().to_string(), document));
    }
    let ours = read_document(&root.join(workspace::SPEC))?;
    let roots = roots(&facts::paths_of(&ours));
    for (file, (_, document)) in files.iter_mut().zip(&documents) {
        file.paths_below = facts::paths_of(document)
            .iter()
            .filter(|path| below_any(path, &roots))
            .count();
    }
    let (findings, compared) = check(&ours, documents)?;
    if options.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_report(&files, &findings, &compared))
                .expect("a JSON value serialises")
        );
    } else {
        print!(
            "{}",
            text_report(&files, &findings, &compared, options.verbose)
        );
    }
    Ok(!findings.iter().any(|f| f.section == Section::Contract))
}

/// The report for scripts: the files, what was compared, and one entry per place.
pub fn json_report(files: &[FileRead], findings: &[Finding], compared: &Compared) -> Value {
    json!({
        "spec": workspace::SPEC,
        "official": files.iter().map(|f| json!({
            "file": f.name,
            "bytes": f.bytes,
            "sha256": f.sha256,
            "info.version": f.version,
            "paths below our collections": f.paths_below,
            "fixture": f.fixture,
        })).collect::<Vec<_>>(),
        "collections": compared.roots,
        "compared": compared.counts.iter().map(|(k, n)| (k.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "differences": findings.iter().map(|f| json!({
            "difference": f.what,
            "kind": f.kind.name(),
            "subject": f.subject,
            "detail": f.detail,
            "ours": f.ours,
            "theirs": f.theirs,
            "section": f.section.name(),
            "group": f.label,
            "place": f.place,
        })).collect::<Vec<_>>(),
    })
}

/// One change, and every place it was found.
pub struct Group<'a> {
    pub first: &'a Finding,
    pub places: Vec<&'a Finding>,
}

/// The findings grouped: one group per section, kind of difference, kind of fact,
/// label and detail, in the order the findings come.
pub fn groups(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut index: BTreeMap<(Section, &str, Kind, &str, &str), usize> = BTreeMap::new();
    let mut groups: Vec<Group<'_>> = Vec::new();
    for f in findings {
        let key = (
            f.section,
            f.what,
            f.kind,
            f.label.as_str(),
            f.detail.as_str(),
        );
        match index.get(&key) {
            Some(&at) => groups[at].places.push(f),
            None => {
                index.insert(key, groups.len());
                groups.push(Group {
                    first: f,
                    places: vec![f],
                });
            }
        }
    }
    groups.sort_by(|a, b| {
        (a.first.section, a.first.what, a.first.kind, &a.first.label).cmp(&(
            b.first.section,
            b.first.what,
            b.first.kind,
            &b.first.label,
        ))
    });
    groups
}

/// The widest a line of the text report is, in characters.
pub const WIDTH: usize = 160;

/// What each kind of difference means.
const LEGEND: &str = "legend: missing = in CyberSource's definition, not in our spec; \
extra = in our spec, not in CyberSource's;\n        differs = in both, unlike; renamed = a path placeholder named otherwise\n";

/// The human report: the files read, the legend, counts per kind and direction, then
/// each change once with its places, the contract first and the error bodies after.
/// Lines stay within [`WIDTH`] characters; `verbose` adds every place's JSON paths.
pub fn text_report(
    files: &[FileRead],
    findings: &[Finding],
    compared: &Compared,
    verbose: bool,
) -> String {
    let mut out = format!("{} against CyberSource's definition:\n", workspace::SPEC);
    for f in files {
        out.push_str(&fit(&format!(
            "  {}: {} bytes, sha256 {}…, info.version {}, {} paths below {}",
            f.name,
            f.bytes,
            &f.sha256[..12],
            f.version,
            f.paths_below,
            compared.roots.join(", ")
        )));
        if let Some(fixture) = f.fixture {
            out.push_str(&fit(&format!(
                "    the definition the spec was last checked against ({fixture})"
            )));
        }
    }
    let counts: Vec<String> = compared
        .counts
        .iter()
        .map(|(kind, n)| format!("{n} {}", plural(kind.name(), *n)))
        .collect();
    out.push_str(&fit(&format!("compared: {}", counts.join(", "))));
    out.push_str(LEGEND);
    let groups = groups(findings);
    for section in [Section::Contract, Section::ErrorBodies] {
        let in_section: Vec<&Group<'_>> = groups
            .iter()
            .filter(|g| g.first.section == section)
            .collect();
        let places: usize = in_section.iter().map(|g| g.places.len()).sum();
        out.push_str(&format!(
            "{}: {} {}, in {places} {}\n",
            section.name(),
            in_section.len(),
            plural("difference", in_section.len()),
            plural("place", places)
        ));
        for what in ["missing", "extra", "differs", "renamed"] {
            let mut by_kind: Vec<(Kind, usize, usize)> = Vec::new();
            for g in in_section.iter().filter(|g| g.first.what == what) {
                match by_kind.iter_mut().find(|(k, _, _)| *k == g.first.kind) {
                    Some((_, n, p)) => {
                        *n += 1;
                        *p += g.places.len();
                    }
                    None => by_kind.push((g.first.kind, 1, g.places.len())),
                }
            }
            if by_kind.is_empty() {
                continue;
            }
            let parts: Vec<String> = by_kind
                .iter()
                .map(|(kind, n, p)| format!("{} {n} ({p} {})", kind.name(), plural("place", *p)))
                .collect();
            out.push_str(&fit(&format!("  {what:<8} {}", parts.join(", "))));
        }
    }
    for section in [Section::Contract, Section::ErrorBodies] {
        let in_section: Vec<&Group<'_>> = groups
            .iter()
            .filter(|g| g.first.section == section)
            .collect();
        if in_section.is_empty() {
            continue;
        }
        out.push_str(&format!("\n== {}\n", section.name()));
        if section == Section::ErrorBodies {
            out.push_str(&fit(
                "(not in the exit status: the spec has one error schema for every status; openapi/README.md, \"One error schema\")",
            ));
        }
        for g in in_section {
            out.push_str(&group_lines(g, verbose));
        }
    }
    let contract = findings
        .iter()
        .filter(|f| f.section == Section::Contract)
        .count();
    out.push_str(&format!(
        "\n{contract} {} in the contract\n",
        plural("difference", contract)
    ));
    out
}

/// A group's line (`what kind label: detail, in N places`) and its places: packed into
/// lines, at most two unless `verbose`, which lists each with its JSON paths instead.
fn group_lines(group: &Group<'_>, verbose: bool) -> String {
    let f = group.first;
    let mut line = format!("{:<8} {}  {}", f.what, f.kind.name(), f.label);
    if !f.detail.is_empty() {
        line.push_str(&format!(": {}", f.detail));
    }
    let n = group.places.len();
    if n > 1 {
        line.push_str(&format!(", in {n} places"));
    }
    // A long label: the detail on a line of its own.
    let mut out = if line.chars().count() > WIDTH && !f.detail.is_empty() {
        let mut detail = format!("    {}", f.detail);
        if n > 1 {
            detail.push_str(&format!(", in {n} places"));
        }
        fit(&format!("{:<8} {}  {}", f.what, f.kind.name(), f.label)) + &fit(&detail)
    } else {
        fit(&line)
    };
    if verbose {
        for place in &group.places {
            out.push_str(&format!("    {}\n", place.subject));
            if let Some(ours) = &place.ours {
                out.push_str(&format!("      ours: {ours}\n"));
            }
            if let Some(theirs) = &place.theirs {
                out.push_str(&format!("      CyberSource: {theirs}\n"));
            }
        }
        return out;
    }
    if n == 1 && f.label == f.place {
        return out;
    }
    let mut lines: Vec<String> = vec![String::new()];
    let mut shown = 0;
    for place in &group.places {
        let last = lines.last_mut().expect("one line at least");
        let addition = if last.is_empty() {
            place.place.clone()
        } else {
            format!(", {}", place.place)
        };
        if 4 + last.chars().count() + addition.chars().count() > WIDTH - 30 {
            if lines.len() == 2 {
                break;
            }
            lines.push(place.place.clone());
        } else {
            last.push_str(&addition);
        }
        shown += 1;
    }
    for (i, text) in lines.iter().enumerate() {
        let more = if i + 1 == lines.len() && shown < n {
            format!(", … and {} more (-v lists them)", n - shown)
        } else {
            String::new()
        };
        out.push_str(&fit(&format!("    {text}{more}")));
    }
    out
}

/// `line` cut to [`WIDTH`] characters (with `…`), and a newline.
fn fit(line: &str) -> String {
    if line.chars().count() <= WIDTH {
        return format!("{line}\n");
    }
    let cut: String = line.chars().take(WIDTH - 1).collect();
    format!("{cut}…\n")
}

fn plural(word: &str, n: usize) -> String {
    match (n, word) {
        (1, _) => word.to_owned(),
        (_, "status code") => "status codes".to_owned(),
        _ => format!("{word}s"),
    }
}
