//! `cargo xtask release`, in a temporary git repository holding what it reads (the
//! spec, CyberSource's definition, the manifests, the changelog) with a release tag,
//! and a planted spec change of each kind. The Rust API check is a stand-in that
//! reports what it is told (the real one, cargo-semver-checks, runs in the ignored
//! tests at the end, on every common kind of change): what is tested here is what the
//! command makes of the two verdicts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::release::{self, ApiCheck, ApiVerdict, CannotCheck, Options};
use crate::workspace;
use crate::{diff, generate};

/// What the stand-in API check answers.
enum Stub {
    Compatible,
    Breaking,
    CannotRun,
    /// What the real tool printed (stdout, stderr) and whether it exited with success,
    /// read as the real check reads it.
    Ran(bool, &'static str, &'static str),
}

const API_BREAK: &str = "struct_missing: struct customer_client::types::BuyerInformation";

impl ApiCheck for Stub {
    fn check(&self, _root: &Path, baseline_tag: &str) -> Result<ApiVerdict, CannotCheck> {
        match self {
            Stub::Compatible => Ok(ApiVerdict { breaking: vec![] }),
            Stub::Breaking => Ok(ApiVerdict {
                breaking: vec![API_BREAK.to_owned()],
            }),
            Stub::CannotRun => Err(CannotCheck {
                reason: format!("the baseline {baseline_tag} does not build"),
                fix: "run `cargo semver-checks check-release …`".to_owned(),
            }),
            Stub::Ran(success, stdout, stderr) => release::verdict(*success, stdout, stderr)
                .map_err(|reason| CannotCheck {
                    reason,
                    fix: "run it again".to_owned(),
                }),
        }
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
    let workspace = workspace::workspace_root();
    for path in std::iter::once(workspace::SPEC).chain(workspace::OFFICIAL_DEFINITION) {
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
    let path = root.join(workspace::SPEC);
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
    Options { dry_run }
}

const SPEC_COMPATIBLE: &str = "- spec (cargo xtask diff): compatible\n";
const SPEC_BREAKING: &str = "- spec (cargo xtask diff): breaking\n";
const API_COMPATIBLE: &str = "- Rust API (cargo-semver-checks 0.51.0): compatible\n";
const API_BREAKING: &str = "- Rust API (cargo-semver-checks 0.51.0): breaking\n";

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn version(root: &Path) -> String {
    workspace::workspace_version(root).unwrap()
}

#[test]
fn a_compatible_change_is_a_patch_with_a_changelog_entry() {
    let root = repository(true);
    plant(&root, loosen);
    let released = release::run(&root, &options(false), &Stub::Compatible).unwrap();
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
        changelog.contains(&format!("{SPEC_COMPATIBLE}{API_COMPATIBLE}")),
        "{changelog}"
    );
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
            && changelog.contains("): 5 differences (and ")
            && changelog.contains(" places in error bodies"),
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
    assert!(release::run(&root, &options(false), &Stub::Breaking).unwrap());
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
    // Both verdicts, each with its reasons.
    assert!(
        changelog.contains(&format!(
            "{SPEC_BREAKING}  - `changed field $.components.schemas.BuyerInformation.properties.email: maxLength 255 → 100`\n{API_BREAKING}  - `{API_BREAK}`\n"
        )),
        "{changelog}"
    );
    assert!(
        changelog.contains("Spec `info.version` 2.1.0"),
        "{changelog}"
    );
}

/// Renaming a component changes no field, parameter or status: the spec diff calls it
/// compatible, while the generated type's name, and so the Rust API, changes. The
/// stricter verdict, the API check's, makes it a breaking release.
#[test]
fn a_generated_api_break_the_spec_diff_calls_compatible_is_breaking() {
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
    let base = read(&workspace::workspace_root(), workspace::SPEC);
    let head = read(&root, workspace::SPEC);
    assert!(diff::changes(&base, &head).unwrap().is_empty());
    let generated = diff::generated_diff(&base, &head).unwrap();
    assert!(!generated.is_empty());
    assert!(release::run(&root, &options(false), &Stub::Breaking).unwrap());
    assert_eq!(version(&root), "0.2.0");
    let changelog = read(&root, release::CHANGELOG);
    assert!(
        changelog.contains(&format!(
            "{SPEC_COMPATIBLE}{API_BREAKING}  - `{API_BREAK}`\n"
        )),
        "{changelog}"
    );
}

/// A tighter limit breaks calls at run time while the Rust API is unchanged: the
/// stricter verdict, the spec diff's, makes it a breaking release, with no flag.
#[test]
fn a_breaking_spec_change_the_api_does_not_show_is_breaking() {
    let root = repository(true);
    plant(&root, tighten);
    assert!(release::run(&root, &options(false), &Stub::Compatible).unwrap());
    assert_eq!(version(&root), "0.2.0");
    let changelog = read(&root, release::CHANGELOG);
    assert!(
        changelog.contains(&format!(
            "{SPEC_BREAKING}  - `changed field $.components.schemas.BuyerInformation.properties.email: maxLength 255 → 100`\n{API_COMPATIBLE}"
        )),
        "{changelog}"
    );
}

/// The one refusal: the API check cannot run. Nothing is written.
#[test]
fn a_release_is_refused_only_when_the_api_check_cannot_run() {
    let root = repository(true);
    plant(&root, loosen);
    let before = (read(&root, "Cargo.toml"), read(&root, release::CHANGELOG));
    assert!(!release::run(&root, &options(false), &Stub::CannotRun).unwrap());
    assert_eq!(
        before,
        (read(&root, "Cargo.toml"), read(&root, release::CHANGELOG))
    );
}

/// The next version follows the last tag, not the manifest: a release run twice with
/// no tag in between proposes the same version.
#[test]
fn the_next_version_follows_the_last_tag_not_the_manifest() {
    let root = repository(true);
    plant(&root, loosen);
    assert!(release::run(&root, &options(false), &Stub::Compatible).unwrap());
    assert_eq!(version(&root), "0.1.1");
    git(&root, &["commit", "-qam", "release 0.1.1 (not tagged)"]);
    assert!(release::run(&root, &options(false), &Stub::Compatible).unwrap());
    assert_eq!(version(&root), "0.1.1");
}

/// cargo-semver-checks' report, as 0.51.0 prints it, read into `lint: item` reasons.
#[test]
fn the_api_checks_report_is_read_into_reasons() {
    let report = "\
     Parsing customer-client v0.1.1 (current)
--- failure struct_missing: pub struct removed or renamed ---

Description:
A publicly-visible struct cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html
       impl: https://github.com/obi1kenobi/cargo-semver-checks/tree/v0.51.0/src/lints/struct_missing.ron

Failed in:
  struct customer_client::types::BuyerInformation, previously in file /tmp/x/generated.rs:460
  struct customer_client::types::builder::BuyerInformation, previously in file /tmp/x/generated.rs:2900

--- failure method_parameter_count_changed: pub method parameter count changed ---

Failed in:
  customer_client::Client::get_customer now takes 2 parameters instead of 1, in /tmp/x/generated.rs:9000

--- failure trait_method_added: pub trait method added ---

Failed in:
  trait method customer_client::mock::MockServerExt::get_customer_again in file /tmp/x/generated_httpmock.rs:1772

     Summary semver requires new major version: 3 major and 0 minor checks failed
";
    assert_eq!(
        release::breaking_lints(report),
        [
            "struct_missing: struct customer_client::types::BuyerInformation",
            "struct_missing: struct customer_client::types::builder::BuyerInformation",
            "method_parameter_count_changed: customer_client::Client::get_customer now takes 2 parameters instead of 1",
            "trait_method_added: trait method customer_client::mock::MockServerExt::get_customer_again",
        ]
    );
    assert!(release::breaking_lints("     Summary no semver update required").is_empty());
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
    assert!(release::run(&root, &options(false), &Stub::Compatible).unwrap());
    assert_eq!(before(), untouched);
    plant(&root, loosen);
    assert!(release::run(&root, &options(true), &Stub::Compatible).unwrap());
    assert_eq!(before(), untouched);
}

#[test]
fn the_last_release_is_the_highest_tag_and_a_first_release_needs_none() {
    let root = repository(false);
    assert_eq!(release::last_release(&root).unwrap(), None);
    assert!(release::run(&root, &options(true), &Stub::Breaking).unwrap());
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

/// The real API check, cargo-semver-checks, on every common kind of spec change. Each
/// row plants one change in a clone of this repository's HEAD (tagged as the last
/// release), regenerates, commits and releases; the version and both verdicts are
/// asserted. Minutes of building (one target directory is shared by the rows); run by
/// hand: `cargo test -p xtask -- --ignored --nocapture every_common_kind_of_change`.
#[test]
#[ignore]
fn every_common_kind_of_change_gets_the_stricter_verdict() {
    use Verdict::{Breaking as B, Compatible as C};
    let rows: [Row; 10] = [
        (
            "optional field added to a response schema",
            |spec| {
                add_property(
                    spec,
                    "PageLinks",
                    "help",
                    json!({"$ref": "#/components/schemas/Link"}),
                )
            },
            "0.1.1",
            C,
            C,
        ),
        (
            "optional field added to a request schema, nested two levels deep",
            |spec| {
                // PaymentInstrument.merchantInformation.merchantDescriptor, a request body.
                at(spec, "/components/schemas/MerchantInformation/properties/merchantDescriptor/properties")
                .as_object_mut()
                .unwrap()
                .insert("phone".into(), json!({"type": "string", "maxLength": 20}));
            },
            "0.1.1",
            C,
            C,
        ),
        ("operation added", add_operation, "0.1.1", C, C),
        (
            "optional query parameter added",
            |spec| {
                at(spec, "/paths/~1tms~1v2~1customers~1{customerId}/get/parameters")
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "retrieveBinDetails", "in": "query", "required": false, "schema": {"type": "boolean"}}));
            },
            "0.1.1",
            C,
            C,
        ),
        (
            "response header added",
            |spec| {
                at(
                    spec,
                    "/paths/~1tms~1v2~1customers~1{customerId}/get/responses/200/headers",
                )
                .as_object_mut()
                .unwrap()
                .insert("X-Request-Id".into(), json!({"schema": {"type": "string"}}));
            },
            "0.1.1",
            C,
            C,
        ),
        (
            "field removed",
            |spec| {
                at(spec, "/components/schemas/BuyerInformation/properties")
                    .as_object_mut()
                    .unwrap()
                    .remove("email");
            },
            "0.2.0",
            B,
            B,
        ),
        ("maxLength tightened", tighten, "0.2.0", B, C),
        (
            "request field made required",
            |spec| {
                at(spec, "/components/schemas/BuyerInformation")
                    .as_object_mut()
                    .unwrap()
                    .insert("required".into(), json!(["email"]));
            },
            "0.2.0",
            B,
            C,
        ),
        (
            "operation removed",
            |spec| {
                at(spec, "/paths/~1tms~1v2~1customers~1{customerId}~1shipping-addresses~1{shippingAddressId}")
                .as_object_mut()
                .unwrap()
                .remove("delete");
            },
            "0.2.0",
            B,
            B,
        ),
        (
            "component renamed (no spec diff)",
            |spec| {
                let schemas = at(spec, "/components/schemas").as_object_mut().unwrap();
                let buyer = schemas.remove("BuyerInformation").unwrap();
                schemas.insert("CustomerBuyerInformation".into(), buyer);
                *at(
                    spec,
                    "/components/schemas/Customer/properties/buyerInformation/$ref",
                ) = json!("#/components/schemas/CustomerBuyerInformation");
            },
            "0.2.0",
            C,
            B,
        ),
    ];
    let shared_target = workspace::workspace_root().join("target/release-rows");
    let mut table = String::from(
        "| planted change | version | spec | Rust API | seconds |\n|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for (name, change, expected, spec, api) in rows {
        let started = std::time::Instant::now();
        let root = clone_of_head();
        plant(&root, change);
        regenerate(&root);
        let check = release::SemverChecks {
            target_dir: Some(shared_target.clone()),
        };
        let released = release::run(&root, &options(false), &check).unwrap();
        let changelog = read(&root, release::CHANGELOG);
        let got = (
            version(&root),
            spec.seen(&changelog, SPEC_BREAKING),
            api.seen(&changelog, API_BREAKING),
        );
        let seconds = started.elapsed().as_secs();
        table.push_str(&format!(
            "| {name} | {} | {} | {} | {seconds} |\n",
            got.0,
            got.1.name(),
            got.2.name()
        ));
        if !released || got != (expected.to_owned(), spec, api) {
            failures.push(format!(
                "{name}: expected {expected} {spec:?}/{api:?}, got {got:?}\n{changelog}"
            ));
        }
        if failures.is_empty() {
            let _ = std::fs::remove_dir_all(&root);
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A planted change: its name, the change, the expected version and verdicts (spec, API).
type Row = (&'static str, fn(&mut Value), &'static str, Verdict, Verdict);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Verdict {
    Compatible,
    Breaking,
}

impl Verdict {
    /// The verdict the changelog entry records on the line `breaking_line` starts.
    fn seen(self, changelog: &str, breaking_line: &str) -> Verdict {
        let entry = changelog.split("\n## ").nth(1).unwrap_or_default();
        if entry.contains(breaking_line) {
            Verdict::Breaking
        } else {
            Verdict::Compatible
        }
    }

    fn name(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Breaking => "breaking",
        }
    }
}

fn add_property(spec: &mut Value, schema: &str, name: &str, property: Value) {
    at(spec, &format!("/components/schemas/{schema}/properties"))
        .as_object_mut()
        .unwrap()
        .insert(name.into(), property);
}

/// A new read-only operation beside the customer's.
fn add_operation(spec: &mut Value) {
    let get = at(spec, "/paths/~1tms~1v2~1customers~1{customerId}/get").clone();
    let mut operation = get;
    operation["operationId"] = json!("getCustomerAgain");
    operation["summary"] = json!("Retrieve a customer once more");
    at(spec, "/paths").as_object_mut().unwrap().insert(
        "/tms/v2/customers/{customerId}/again".into(),
        json!({"get": operation}),
    );
}

/// A clone of this repository's HEAD, set to version 0.1.0 and tagged
/// `customer-client-v0.1.0` (its own release tags dropped), as the last release.
fn clone_of_head() -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "xtask-release-row-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let workspace = workspace::workspace_root();
    let status = Command::new("git")
        .args(["clone", "-q", "--no-hardlinks"])
        .arg(&workspace)
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    // The rows start from 0.1.0, whatever this repository's last release is.
    let tags = workspace::git(&root, &["tag", "--list", "customer-client-v*"]).unwrap();
    for tag in tags.lines() {
        git(&root, &["tag", "-d", tag]);
    }
    let current = workspace::workspace_version(&root).unwrap();
    if current != "0.1.0" {
        release::set_version(&root, &current, "0.1.0").unwrap();
        git(&root, &["commit", "-qam", "at 0.1.0"]);
    }
    git(&root, &["tag", "customer-client-v0.1.0"]);
    assert_eq!(
        version(&root),
        "0.1.0",
        "the rows expect the workspace at 0.1.0"
    );
    root
}

/// Writes every generated file from the repository's spec and commits it.
fn regenerate(root: &Path) {
    for output in generate::render(root).unwrap() {
        std::fs::write(root.join(output.path), output.contents).unwrap();
    }
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root)
        .output()
        .unwrap();
    if !status.stdout.is_empty() {
        git(root, &["commit", "-qam", "cargo xtask generate"]);
    }
}

/// cargo-semver-checks' stdout when it finds breaking changes (0.51.0's format), and
/// its stderr: it exits with 1 then.
const BREAKING_STDOUT: &str = "\
--- failure enum_variant_added: enum variant added on exhaustive enum ---

Description:
A publicly-visible enum without #[non_exhaustive] has a new variant.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#enum-variant-new
       impl: https://github.com/obi1kenobi/cargo-semver-checks/tree/v0.51.0/src/lints/enum_variant_added.ron

Failed in:
  variant Mode:Verbose in /tmp/x/customer-client/src/lib.rs:40
";
const BREAKING_STDERR: &str = "\
     Parsing customer-client v0.1.0 (current)
      Parsed [   2.101s] (current)
     Parsing customer-client v0.1.0 (baseline)
      Parsed [   2.044s] (baseline)
    Checking customer-client v0.1.0 -> v0.1.0 (no change; assume minor)
     Checked [   0.101s] 152 checks: 151 pass, 1 fail, 0 warn, 19 skip
     Summary semver requires new major version: 1 major and 0 minor checks failed
    Finished [   4.320s] customer-client
";

/// The real check's exit status and output: a non-zero exit that names lints is a
/// verdict (the next minor, the lints as reasons), never a refusal; one that names
/// none is a refusal; a success is the compatible verdict. And the lints count from
/// either stream.
#[test]
fn a_failing_api_check_that_names_lints_is_a_breaking_verdict() {
    let root = repository(true);
    plant(&root, loosen);
    let reported = Stub::Ran(false, BREAKING_STDOUT, BREAKING_STDERR);
    assert!(release::run(&root, &options(false), &reported).unwrap());
    assert_eq!(version(&root), "0.2.0");
    let changelog = read(&root, release::CHANGELOG);
    assert!(
        changelog.contains("enum_variant_added: variant Mode:Verbose"),
        "{changelog}"
    );
    assert_eq!(
        release::verdict(false, BREAKING_STDOUT, BREAKING_STDERR)
            .unwrap()
            .breaking,
        ["enum_variant_added: variant Mode:Verbose"],
        "the last list ends with stdout: stderr's progress lines are not items"
    );
    assert_eq!(
        release::verdict(false, "", BREAKING_STDOUT)
            .unwrap()
            .breaking,
        ["enum_variant_added: variant Mode:Verbose"],
        "on stderr too"
    );
    assert!(release::verdict(false, "", "error: the baseline does not build").is_err());
    assert!(
        release::verdict(true, "", "     Summary no semver update required")
            .unwrap()
            .breaking
            .is_empty()
    );
}
