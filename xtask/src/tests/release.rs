//! `cargo xtask release`, in a temporary git repository holding what it reads (the
//! spec, CyberSource's definition, the manifests, the changelog) with a release tag,
//! and a planted spec change of each kind. The Rust API check is a stand-in that
//! reports what it is told (the real one, cargo-semver-checks, is the ignored test at
//! the end): what is tested here is what the command makes of its verdict.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::release::{self, ApiCheck, ApiVerdict, Options};
use crate::{diff, generate};

struct Stub {
    breaking: bool,
}

impl ApiCheck for Stub {
    fn check(&self, _root: &Path, baseline_tag: &str) -> Result<ApiVerdict, String> {
        Ok(ApiVerdict {
            breaking: self.breaking,
            report: format!(
                "stand-in API check against {baseline_tag}: {}",
                if self.breaking {
                    "--- failure struct_missing: pub struct removed or renamed"
                } else {
                    "no breaking change"
                }
            ),
        })
    }
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// A repository with the committed spec and definition, version 0.1.0, tagged
/// `customer-client-v0.1.0` unless `tagged` is false.
fn repository(tagged: bool) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "xtask-release-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let workspace = generate::workspace_root();
    for path in [
        generate::SPEC,
        release::OFFICIAL_DEFINITION[0],
        release::OFFICIAL_DEFINITION[1],
    ] {
        std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        std::fs::copy(workspace.join(path), root.join(path)).unwrap();
    }
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("customer-mock")).unwrap();
    std::fs::write(
        root.join("customer-mock/Cargo.toml"),
        "[dependencies]\ncustomer-client = { path = \"../customer-client\", version = \"0.1.0\" }\n",
    )
    .unwrap();
    std::fs::write(
        root.join(release::CHANGELOG),
        "# Changelog\n\n## customer-client 0.1.0\n\nFirst release.\n",
    )
    .unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "0.1.0"]);
    if tagged {
        git(&root, &["tag", "customer-client-v0.1.0"]);
    }
    root
}

/// Plants a change in the repository's spec and commits it (a merged change).
fn plant(root: &Path, change: impl FnOnce(&mut Value)) {
    let path = root.join(generate::SPEC);
    let mut spec: Value = serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    change(&mut spec);
    std::fs::write(&path, serde_norway::to_string(&spec).unwrap()).unwrap();
    git(root, &["commit", "-qam", "spec change"]);
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

const EMAIL: &str = "/components/schemas/BuyerInformation/properties/email";

/// A looser limit on a request field: compatible.
fn loosen(spec: &mut Value) {
    *at(spec, &format!("{EMAIL}/maxLength")) = json!(320);
}

/// A tighter limit on a request field: breaking.
fn tighten(spec: &mut Value) {
    *at(spec, &format!("{EMAIL}/maxLength")) = json!(100);
}

fn options(dry_run: bool) -> Options {
    Options {
        dry_run,
        accept_runtime_breaks: false,
    }
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn version(root: &Path) -> String {
    diff::workspace_version(root).unwrap()
}

#[test]
fn a_compatible_change_is_a_patch_with_a_changelog_entry() {
    let root = repository(true);
    plant(&root, loosen);
    let released = release::run(&root, &options(false), &Stub { breaking: false }).unwrap();
    assert!(released);
    assert_eq!(version(&root), "0.1.1");
    assert!(read(&root, "customer-mock/Cargo.toml").contains("version = \"0.1.1\""));
    let changelog = read(&root, release::CHANGELOG);
    assert!(
        changelog.starts_with("# Changelog\n\n## customer-client 0.1.1\n"),
        "{changelog}"
    );
    assert!(changelog.contains("### Compatible\n"), "{changelog}");
    assert!(!changelog.contains("### Breaking"), "{changelog}");
    assert!(
        changelog.contains("maxLength 255 → 320")
            && changelog.contains("$.components.schemas.BuyerInformation.properties.email")
            && changelog.contains("postCustomer request $.buyerInformation.email"),
        "{changelog}"
    );
    assert!(
        changelog.contains("Spec `info.version` 2.0.0"),
        "{changelog}"
    );
    assert!(
        changelog.contains("tests/fixtures/official-customers.json` (info.version 0.0.1, sha256")
            // The planted limit is not CyberSource's: the conformance count says so.
            && changelog.contains("): 5 differences."),
        "{changelog}"
    );
    // The older entry stays, below.
    assert!(
        changelog.find("## customer-client 0.1.1") < changelog.find("## customer-client 0.1.0")
    );
}

#[test]
fn a_breaking_change_is_the_next_minor_before_1_0_listed_first() {
    let root = repository(true);
    plant(&root, |spec| {
        tighten(spec);
        // And a compatible one, to be listed after it.
        *at(spec, "/info/version") = json!("2.1.0");
        at(spec, "/components/schemas/BuyerInformation/properties")
            .as_object_mut()
            .unwrap()
            .insert(
                "nickname".into(),
                json!({"type": "string", "maxLength": 40}),
            );
    });
    assert!(release::run(&root, &options(false), &Stub { breaking: true }).unwrap());
    assert_eq!(version(&root), "0.2.0");
    let changelog = read(&root, release::CHANGELOG);
    let breaking = changelog.find("### Breaking").expect(&changelog);
    let compatible = changelog.find("### Compatible").expect(&changelog);
    assert!(breaking < compatible, "{changelog}");
    assert!(
        changelog[breaking..compatible].contains("maxLength 255 → 100"),
        "{changelog}"
    );
    assert!(changelog[compatible..].contains("nickname"), "{changelog}");
    assert!(
        changelog.contains("Spec `info.version` 2.1.0"),
        "{changelog}"
    );
}

/// Renaming a component changes no field, parameter or status: the spec diff calls it
/// compatible, while the generated type's name, and so the Rust API, changes. The API
/// check's verdict refuses the release and nothing is written.
#[test]
fn a_generated_api_break_the_spec_diff_calls_compatible_is_refused() {
    let root = repository(true);
    plant(&root, |spec| {
        let schemas = at(spec, "/components/schemas").as_object_mut().unwrap();
        let buyer = schemas.remove("BuyerInformation").unwrap();
        schemas.insert("CustomerBuyerInformation".into(), buyer);
        *at(
            spec,
            "/components/schemas/Customer/properties/buyerInformation/$ref",
        ) = json!("#/components/schemas/CustomerBuyerInformation");
    });
    // The spec diff sees no change; the generated code does change.
    let base = read(&generate::workspace_root(), generate::SPEC);
    let head = read(&root, generate::SPEC);
    assert!(diff::changes(&base, &head).unwrap().is_empty());
    let generated = diff::generated_diff(&base, &head).unwrap();
    assert!(!generated.is_empty());
    let before = (read(&root, "Cargo.toml"), read(&root, release::CHANGELOG));
    let released = release::run(&root, &options(false), &Stub { breaking: true }).unwrap();
    assert!(!released, "refused");
    assert_eq!(
        before,
        (read(&root, "Cargo.toml"), read(&root, release::CHANGELOG))
    );
}

#[test]
fn a_breaking_spec_change_the_api_does_not_show_needs_the_flag() {
    let root = repository(true);
    plant(&root, tighten);
    assert!(!release::run(&root, &options(false), &Stub { breaking: false }).unwrap());
    assert_eq!(version(&root), "0.1.0");
    let accept = Options {
        dry_run: false,
        accept_runtime_breaks: true,
    };
    assert!(release::run(&root, &accept, &Stub { breaking: false }).unwrap());
    assert_eq!(version(&root), "0.2.0");
}

#[test]
fn a_dry_run_writes_nothing_and_no_change_releases_nothing() {
    let root = repository(true);
    let before = || {
        (
            read(&root, "Cargo.toml"),
            read(&root, release::CHANGELOG),
            read(&root, "customer-mock/Cargo.toml"),
        )
    };
    let untouched = before();
    // Nothing changed since the tag.
    assert!(release::run(&root, &options(false), &Stub { breaking: false }).unwrap());
    assert_eq!(before(), untouched);
    plant(&root, loosen);
    assert!(release::run(&root, &options(true), &Stub { breaking: false }).unwrap());
    assert_eq!(before(), untouched);
}

#[test]
fn the_last_release_is_the_highest_tag_and_a_first_release_needs_none() {
    let root = repository(false);
    assert_eq!(release::last_release(&root).unwrap(), None);
    assert!(release::run(&root, &options(true), &Stub { breaking: true }).unwrap());
    for tag in [
        "customer-client-v0.1.0",
        "customer-client-v0.10.0",
        "customer-client-v0.9.3",
        "other-v9.0.0",
        "customer-client-vx",
    ] {
        git(&root, &["tag", tag]);
    }
    assert_eq!(
        release::last_release(&root).unwrap(),
        Some(("customer-client-v0.10.0".to_owned(), (0, 10, 0)))
    );
}

/// The real check on this workspace: installs cargo-semver-checks (pinned) on first use
/// and compares HEAD with itself. Minutes of building; run by hand:
/// `cargo test -p xtask -- --ignored semver_checks`.
#[test]
#[ignore]
fn semver_checks_runs_against_a_tag_of_this_repository() {
    let root = generate::workspace_root();
    let tag = "customer-client-vsemver-check-probe";
    let _ = Command::new("git")
        .args(["tag", "-d", tag])
        .current_dir(&root)
        .output();
    git(&root, &["tag", tag, "HEAD"]);
    let verdict = release::SemverChecks.check(&root, tag);
    git(&root, &["tag", "-d", tag]);
    let verdict = verdict.unwrap();
    assert!(!verdict.breaking, "{}", verdict.report);
}
