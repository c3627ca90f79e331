//! What each feature of customer-client compiles (README.md, "Features"): the default
//! build signs with ring and speaks rustls on ring, so neither aws-lc nor jsonwebtoken
//! is in it, nor schemars (feature `schemars`); only `mle` brings aws-lc-rs, for the JWE.

use std::process::Command;

/// The packages `cargo tree` lists for customer-client's normal dependencies with
/// `features` (a comma-separated list, or empty for the defaults).
fn packages(features: &str) -> Vec<String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--locked", "-p", "customer-client", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"]);
    if !features.is_empty() {
        command.args(["--features", features]);
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_default_build_has_one_crypto_library_and_mle_adds_aws_lc() {
    let has = |list: &[String], name: &str| list.iter().any(|p| p == name);
    let default = packages("");
    for absent in [
        "aws-lc-rs",
        "aws-lc-sys",
        "jsonwebtoken",
        "openssl-sys",
        "schemars",
    ] {
        assert!(!has(&default, absent), "{absent} is in the default build");
    }
    for present in ["ring", "rustls", "reqwest"] {
        assert!(has(&default, present), "{present} is missing");
    }
    let p12 = packages("p12");
    assert!(!has(&p12, "aws-lc-sys"), "p12 signs RS256 with ring");
    let mle = packages("mle");
    assert!(has(&mle, "aws-lc-rs"), "mle's JWE is aws-lc-rs");
}
