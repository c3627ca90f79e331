//! `cargo xtask release [--dry-run]`: turns the spec changes merged since the last
//! release tag (`customer-client-vX.Y.Z`) into the next version. Two verdicts decide
//! it, and the stricter wins: `cargo xtask diff`'s, on the wire (a tighter limit is
//! breaking), and the Rust API check's (cargo-semver-checks, a pinned version installed
//! on first use: a renamed type is breaking). It derives the version (Cargo's 0.x
//! rules), checks the spec against CyberSource's definition, sets the version in the
//! manifests, writes a CHANGELOG.md entry with both verdicts and their reasons, and
//! prints the tag to create. It pushes nothing and creates no tag. It refuses only
//! when the API check cannot run.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::conformance;
use crate::diff::{self, Change};
use crate::workspace::{self, git};

/// Release tags are `customer-client-v` and the version.
pub const TAG_PREFIX: &str = "customer-client-v";
/// The cargo-semver-checks release the API check runs (installed on first use).
pub const SEMVER_CHECKS_VERSION: &str = "0.51.0";
/// Manifests that carry the version: the workspace's, and the mock's dependency on
/// the client (both crates are released together).
const MOCK_MANIFEST: &str = "customer-mock/Cargo.toml";
pub const CHANGELOG: &str = "CHANGELOG.md";

pub struct Options {
    pub dry_run: bool,
}

/// What the Rust API check found between the last release and the working tree.
pub struct ApiVerdict {
    /// Each breaking change, as `lint: item` (`struct_missing: struct
    /// customer_client::types::BuyerInformation`); empty: none.
    pub breaking: Vec<String>,
}

/// Why the Rust API check could not run, and the command that fixes it.
pub struct CannotCheck {
    pub reason: String,
    pub fix: String,
}

/// Checks the Rust API of customer-client between a release tag and the working tree.
pub trait ApiCheck {
    fn check(&self, root: &Path, baseline_tag: &str) -> Result<ApiVerdict, CannotCheck>;
}

/// A version as (major, minor, patch).
pub type Version = (u64, u64, u64);

/// The last release: the highest `customer-client-vX.Y.Z` tag, with its version.
pub fn last_release(root: &Path) -> anyhow::Result<Option<(String, Version)>> {
    let tags = git(root, &["tag", "--list", &format!("{TAG_PREFIX}*")])?;
    Ok(tags
        .lines()
        .filter_map(|tag| {
            Some((
                tag.to_owned(),
                parse_version(tag.strip_prefix(TAG_PREFIX)?)?,
            ))
        })
        .max_by_key(|(_, version)| *version))
}

fn parse_version(text: &str) -> Option<Version> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

fn show((major, minor, patch): Version) -> String {
    format!("{major}.{minor}.{patch}")
}

/// Runs the command; `Ok(false)` means the release was refused (printed why).
pub fn run(root: &Path, options: &Options, api: &dyn ApiCheck) -> anyhow::Result<bool> {
    let head_spec = read(root, workspace::SPEC)?;
    let conformance = conformance_line(root, &head_spec)?;
    let spec_version = spec_version(&head_spec);
    let current = workspace::workspace_version(root)?;
    let Some((tag, released)) = last_release(root)? else {
        // The first release: nothing to compare with.
        let entry = format!(
            "## customer-client {current}\n\nFirst release: spec `info.version` {spec_version}; {conformance}.\n"
        );
        return finish(root, options, &current, &current, &entry);
    };
    let base_spec = git(root, &["show", &format!("{tag}:{}", workspace::SPEC)])
        .map_err(|e| anyhow::anyhow!("cannot read {} at {tag}: {e}", workspace::SPEC))?;
    let changes = diff::changes(&base_spec, &head_spec)?;
    let generated = diff::generated_diff(&base_spec, &head_spec)?;
    let (level, next) = diff::next_version(&show(released), &changes, !generated.is_empty());
    println!(
        "{} since {tag}: {} changes, {} breaking; generated code: {} files",
        workspace::SPEC,
        changes.len(),
        changes.iter().filter(|c| c.breaking).count(),
        generated.len(),
    );
    if level == "none" {
        println!("nothing to release: the spec and the generated code are those of {tag}");
        return Ok(true);
    }
    let api = match api.check(root, &tag) {
        Ok(verdict) => verdict,
        Err(CannotCheck { reason, fix }) => {
            println!(
                "release refused: the Rust API check (cargo-semver-checks {SEMVER_CHECKS_VERSION}) could not run.\n\
                 reason: {}\nfix: {fix}",
                reason.trim_end()
            );
            return Ok(false);
        }
    };
    let spec_breaking = changes.iter().any(|c| c.breaking);
    let (level, next) = if !api.breaking.is_empty() && !spec_breaking {
        // The stricter verdict: the API check found a break the spec diff cannot see.
        diff::bump(released, true, false, true)
    } else {
        (level, next)
    };
    let verdicts = verdicts(&changes, &api);
    println!(
        "{verdicts}semver: {level}: customer-client {} → {next}",
        show(released)
    );
    let entry = changelog_entry(
        &next,
        &tag,
        &changes,
        &generated,
        &spec_version,
        &conformance,
        &verdicts,
    );
    finish(root, options, &current, &next, &entry)
}

/// Writes (or, dry, prints) the version and the changelog entry, then the tag.
fn finish(
    root: &Path,
    options: &Options,
    current: &str,
    next: &str,
    entry: &str,
) -> anyhow::Result<bool> {
    let tag = format!("{TAG_PREFIX}{next}");
    if options.dry_run {
        println!(
            "\n(dry run: nothing written)\nversion: {current} → {next}\n{CHANGELOG} entry:\n\n{entry}"
        );
    } else {
        set_version(root, current, next)?;
        let path = root.join(CHANGELOG);
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, prepend(&old, entry))
            .map_err(|e| anyhow::anyhow!("cannot write {CHANGELOG}: {e}"))?;
        println!("\nversion set to {next} (Cargo.toml, {MOCK_MANIFEST}); {CHANGELOG} updated");
    }
    println!(
        "\nnext: review, commit, then tag:\n  git commit -am 'Release customer-client {next}'\n  git tag {tag}\n(nothing is pushed)"
    );
    Ok(true)
}

/// The changelog with `entry` after its title, above the older entries.
fn prepend(changelog: &str, entry: &str) -> String {
    const TITLE: &str = "# Changelog\n";
    let older = changelog
        .strip_prefix(TITLE)
        .unwrap_or(changelog)
        .trim_start_matches('\n');
    if older.is_empty() {
        format!("{TITLE}\n{entry}")
    } else {
        format!("{TITLE}\n{entry}\n{older}")
    }
}

/// The entry for `next`: breaking changes first, each with its JSON path and what it
/// reaches, then the compatible ones.
pub fn changelog_entry(
    next: &str,
    tag: &str,
    changes: &[Change],
    generated: &[(String, usize, usize)],
    spec_version: &str,
    conformance: &str,
    verdicts: &str,
) -> String {
    let mut out = format!(
        "## customer-client {next}\n\nSpec `info.version` {spec_version}; {conformance}.\n\n{verdicts}\nChanges since {tag}:\n"
    );
    for (title, breaking) in [("Breaking", true), ("Compatible", false)] {
        let listed: Vec<&Change> = changes.iter().filter(|c| c.breaking == breaking).collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for c in listed {
            out.push_str(&format!(
                "- {} {} `{}`: {}; affects {} ({})\n",
                c.change,
                c.kind.name(),
                c.location,
                c.detail,
                if c.places.is_empty() {
                    "no operation".to_owned()
                } else {
                    c.places.join(", ")
                },
                c.reason
            ));
        }
    }
    if changes.is_empty() {
        out.push_str("\nNo change to the operations; the generated code changed.\n");
    }
    let (added, removed) = generated
        .iter()
        .fold((0, 0), |(a, r), (_, fa, fr)| (a + fa, r + fr));
    out.push_str(&format!(
        "\nGenerated code: {} files, +{added} −{removed} lines.\n",
        generated.len(),
    ));
    out
}

/// The two verdicts, each with its reasons: the spec diff's breaking changes (JSON path
/// and what changed) and the Rust API check's breaking lints. One line each, then the
/// reasons as a list.
pub fn verdicts(changes: &[Change], api: &ApiVerdict) -> String {
    let spec: Vec<String> = changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| {
            format!(
                "{} {} {}: {}",
                c.change,
                c.kind.name(),
                c.location,
                c.detail
            )
        })
        .collect();
    let mut out = String::new();
    for (name, reasons) in [
        ("spec (cargo xtask diff)".to_owned(), &spec),
        (
            format!("Rust API (cargo-semver-checks {SEMVER_CHECKS_VERSION})"),
            &api.breaking,
        ),
    ] {
        if reasons.is_empty() {
            out.push_str(&format!("- {name}: compatible\n"));
            continue;
        }
        out.push_str(&format!("- {name}: breaking\n"));
        for reason in reasons {
            out.push_str(&format!("  - `{reason}`\n"));
        }
    }
    out
}

/// `info.version` of the spec text.
fn spec_version(spec: &str) -> String {
    serde_norway::from_str::<serde_json::Value>(spec)
        .ok()
        .and_then(|v| v["info"]["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(none)".to_owned())
}

/// Which CyberSource definition the spec was checked against, and the outcome.
fn conformance_line(root: &Path, spec: &str) -> anyhow::Result<String> {
    let mut documents = Vec::new();
    let mut named = Vec::new();
    for path in workspace::OFFICIAL_DEFINITION {
        let text = read(root, path)?;
        let digest = workspace::sha256(text.as_bytes());
        let short = &digest[..12];
        let document = conformance::parse_document(&text, path)?;
        let version = document["info"]["version"].as_str().unwrap_or("?");
        named.push(format!(
            "`{path}` (info.version {version}, sha256 {short}…)"
        ));
        documents.push((path.to_owned(), document));
    }
    let ours = conformance::parse_document(spec, workspace::SPEC)?;
    let (findings, _) = conformance::check(&ours, documents)?;
    let (contract, error_bodies): (Vec<_>, Vec<_>) = findings
        .iter()
        .partition(|f| f.section == conformance::Section::Contract);
    Ok(format!(
        "checked against CyberSource's definition {}: {} differences (and {} places in error bodies, which share one schema)",
        named.join(" and "),
        contract.len(),
        error_bodies.len()
    ))
}

/// Sets `[workspace.package] version` and the mock's `version` requirement on the
/// client, from `current` to `next`.
pub fn set_version(root: &Path, current: &str, next: &str) -> anyhow::Result<()> {
    let manifest = read(root, "Cargo.toml")?;
    let (index, _) = workspace::version_line(&manifest)
        .ok_or_else(|| anyhow::anyhow!("Cargo.toml has no [workspace.package] version"))?;
    let mut lines: Vec<&str> = manifest.lines().collect();
    let version = format!("version = \"{next}\"");
    lines[index] = &version;
    write(root, "Cargo.toml", &(lines.join("\n") + "\n"))?;
    let mock = read(root, MOCK_MANIFEST)?;
    let from = format!("version = \"{current}\"");
    if !mock.contains(&from) {
        return Err(anyhow::anyhow!(
            "{MOCK_MANIFEST} does not require customer-client {current}"
        ));
    }
    write(
        root,
        MOCK_MANIFEST,
        &mock.replace(&from, &format!("version = \"{next}\"")),
    )
}

fn read(root: &Path, path: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(root.join(path)).map_err(|e| anyhow::anyhow!("cannot read {path}: {e}"))
}

fn write(root: &Path, path: &str, text: &str) -> anyhow::Result<()> {
    std::fs::write(root.join(path), text).map_err(|e| anyhow::anyhow!("cannot write {path}: {e}"))
}

/// The real API check: cargo-semver-checks, pinned, installed the first time it is
/// needed into this workspace's `target/tools` (where xtask was built, so one install
/// serves every repository it checks). A breaking change is what it reports for a
/// release that promises none (`--release-type minor`, under which only breaking lints
/// fail).
#[derive(Default)]
pub struct SemverChecks {
    /// Where its builds go (`CARGO_TARGET_DIR`); default: the checked workspace's.
    pub target_dir: Option<PathBuf>,
}

impl SemverChecks {
    fn binary() -> Result<PathBuf, CannotCheck> {
        let tools = workspace::workspace_root().join("target/tools");
        let binary = tools.join("bin/cargo-semver-checks");
        let installed = Command::new(&binary)
            .args(["semver-checks", "--version"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(SEMVER_CHECKS_VERSION));
        if installed {
            return Ok(binary);
        }
        let install = format!(
            "cargo install --locked --version ={SEMVER_CHECKS_VERSION} --root {} cargo-semver-checks",
            tools.display()
        );
        eprintln!("installing cargo-semver-checks {SEMVER_CHECKS_VERSION} (first use): {install}");
        let status = Command::new("cargo")
            .args(["install", "--locked", "--quiet", "--version"])
            .arg(format!("={SEMVER_CHECKS_VERSION}"))
            .arg("--root")
            .arg(&tools)
            .arg("cargo-semver-checks")
            .status();
        match status {
            Ok(status) if status.success() => Ok(binary),
            Ok(status) => Err(CannotCheck {
                reason: format!(
                    "installing cargo-semver-checks {SEMVER_CHECKS_VERSION} failed ({status})"
                ),
                fix: format!("run `{install}` and fix what it reports, then release again"),
            }),
            Err(e) => Err(CannotCheck {
                reason: format!("cannot run cargo install: {e}"),
                fix: format!("put cargo on PATH and run `{install}`"),
            }),
        }
    }
}

impl ApiCheck for SemverChecks {
    fn check(&self, root: &Path, baseline_tag: &str) -> Result<ApiVerdict, CannotCheck> {
        let binary = Self::binary()?;
        let args = [
            "semver-checks",
            "check-release",
            "-p",
            "customer-client",
            "--all-features",
            "--release-type",
            "minor",
            "--baseline-rev",
            baseline_tag,
        ];
        let rerun = format!("cargo {}", args.join(" "));
        let mut command = Command::new(binary);
        command.args(args).current_dir(root);
        if let Some(dir) = &self.target_dir {
            command.env("CARGO_TARGET_DIR", dir);
        }
        let output = command.output().map_err(|e| CannotCheck {
            reason: format!("cannot run cargo-semver-checks: {e}"),
            fix: "remove target/tools and release again (it is installed anew)".to_owned(),
        })?;
        verdict(
            output.status.success(),
            &String::from_utf8_lossy(&output.stdout),
            &String::from_utf8_lossy(&output.stderr),
        )
        .map_err(|reason| CannotCheck {
            reason,
            fix: format!(
                "run `{rerun}` in {} for the whole report; the release tag and the working tree must both build with --all-features",
                root.display()
            ),
        })
    }
}

/// What cargo-semver-checks' run says: its breaking lints (a non-zero exit that names
/// lints is a verdict, not a failure), or, for a failure that names none (a build that
/// failed, a tag it cannot check out), the end of its output as the reason there is no
/// verdict. The report is read from both streams: the failures are on stdout and the
/// summary on stderr today, and a tool that moved them must not turn a verdict into a
/// refusal.
pub fn verdict(success: bool, stdout: &str, stderr: &str) -> Result<ApiVerdict, String> {
    // A blank line between: the last `Failed in:` list ends with stdout, and the
    // progress lines on stderr are not its items.
    let report = format!("{stdout}\n\n{stderr}");
    let breaking = breaking_lints(&report);
    if !success && breaking.is_empty() {
        let tail: Vec<&str> = report.lines().rev().take(15).collect();
        return Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    Ok(ApiVerdict { breaking })
}

/// The breaking changes in cargo-semver-checks' report, as `lint: item`: each
/// `--- failure <lint>: … ---` block lists its items under `Failed in:`.
pub fn breaking_lints(report: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lint = None;
    let mut listing = false;
    for line in report.lines() {
        if let Some(rest) = line.trim().strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_owned);
            listing = false;
            continue;
        }
        let Some(name) = &lint else { continue };
        if line.trim() == "Failed in:" {
            listing = true;
        } else if listing && line.trim().is_empty() {
            listing = false;
        } else if listing {
            // `  struct a::B, previously in file …` or `  field x of struct a::B, in …`.
            let item = line.trim();
            // Or `  variant E:V in /path/lib.rs:40`: the place goes, whichever way
            // the lint's template writes it.
            let item = item
                .split_once(", previously in file ")
                .or_else(|| item.rsplit_once(" in file "))
                .or_else(|| item.rsplit_once(", in "))
                .or_else(|| {
                    item.rsplit_once(" in ")
                        .filter(|(_, place)| place.contains('/') || place.contains('\\'))
                })
                .map_or(item, |(item, _)| item);
            found.push(format!("{name}: {item}"));
        }
    }
    found
}
