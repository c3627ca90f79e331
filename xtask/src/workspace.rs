//! The workspace the commands work on: where it is, the spec's path, its version,
//! and git.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec, relative to the workspace root.
pub const SPEC: &str = "openapi/tms-customers.yaml";

/// CyberSource's published definition the spec was last checked against (CI runs
/// `cargo xtask conformance` on them; a release records them).
pub const OFFICIAL_DEFINITION: [&str; 3] = [
    "tests/fixtures/official-customers.json",
    "tests/fixtures/official-customer-subresources.json",
    "tests/fixtures/official-instrument-identifiers.json",
];

/// The SHA-256 of `bytes`, in hexadecimal.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Runs git in `root`; its standard output, or its error message.
pub fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git: {e}"))?;
    if !output.status.success() {
        anyhow::bail!("{}", String::from_utf8_lossy(&output.stderr).trim());
    }
    String::from_utf8(output.stdout)
        .map_err(|_| anyhow::anyhow!("git printed something that is not UTF-8"))
}

/// `[workspace.package] version` from the root Cargo.toml (every crate inherits it).
pub fn workspace_version(root: &Path) -> anyhow::Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| anyhow::anyhow!("cannot read Cargo.toml: {e}"))?;
    version_line(&manifest)
        .map(|(_, version)| version)
        .ok_or_else(|| anyhow::anyhow!("Cargo.toml has no [workspace.package] version"))
}

/// The index of the `version` line of `[workspace.package]` in `manifest`, and the
/// version it sets.
pub fn version_line(manifest: &str) -> Option<(usize, String)> {
    let mut in_package = false;
    for (index, line) in manifest.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && let Some(value) = line.strip_prefix("version") {
            let version = value
                .trim_start_matches([' ', '='])
                .trim()
                .trim_matches('"');
            return Some((index, version.to_owned()));
        }
    }
    None
}
