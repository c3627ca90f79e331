//! Workspace automation for openapi/tms-customers.yaml:
//!
//! ```text
//! cargo xtask generate [--check] [-v]     write (or check) the generated sources
//! cargo xtask diff [BASE] [--fail-on-breaking] [--format json]
//!                                         what a spec change means for the crate's users
//! cargo xtask conformance PATH... [-v] [--format json]
//!                                         our spec against CyberSource's published definition
//! cargo xtask release [--dry-run]
//!                                         the next version, its changelog entry and tag
//! ```
//!
//! The four commands: `generate.rs` (with `normalise.rs`, the spec as progenitor reads
//! it, and `rewrites/`, every change to progenitor's output, listed once in
//! `rewrites/mod.rs`), `diff.rs`, `conformance.rs`, `release.rs`; beside them, `facts.rs`
//! (specs read into comparable facts), `naming.rs` (progenitor's names) and
//! `workspace.rs` (paths).

mod checks;
mod conformance;
mod diff;
mod facts;
mod generate;
mod naming;
mod normalise;
mod release;
mod rewrites;
#[cfg(test)]
mod tests;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Generate and review the TMS Customers client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the generated sources from openapi/tms-customers.yaml.
    Generate {
        /// Write nothing; fail with a unified diff when a committed file is stale.
        #[arg(long)]
        check: bool,
        /// Also print timings and file sizes.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Classify every change to openapi/tms-customers.yaml since BASE as breaking or
    /// compatible, with the version bump and the generated-code diff it causes.
    Diff {
        /// The git revision to compare with (default: the merge base with `main`).
        base: Option<String>,
        /// Exit with status 1 when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List every difference between our four operations and CyberSource's published
    /// Swagger 2.0 definition (the merged file, or a fragment of it). Exits with
    /// status 1 when there is any.
    Conformance {
        /// CyberSource's definition, JSON or YAML: the merged file, or fragments of it
        /// (read as one).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// List every place of each difference, with its JSON path on both sides.
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// After a spec change is merged: derive the next version since the last
    /// `customer-client-vX.Y.Z` tag from the stricter of two verdicts, the spec diff's
    /// and the Rust API check's (cargo-semver-checks, installed on first use), set the
    /// version in the manifests, write the CHANGELOG.md entry and print the tag to
    /// create. Refuses only when the API check cannot run.
    Release {
        /// Print the version and the changelog entry; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// 0: all good; 1: stale code, breaking changes or differences; 2: could not run.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace::workspace_root();
    let outcome = match cli.command {
        Command::Generate { check, verbose } => {
            let mode = if check {
                generate::Mode::Check
            } else {
                generate::Mode::Write
            };
            generate::run(mode, verbose)
        }
        Command::Diff {
            base,
            fail_on_breaking,
            format,
        } => diff::run(
            &root,
            &diff::Options {
                base,
                fail_on_breaking,
                json: format == Format::Json,
            },
        ),
        Command::Release { dry_run } => release::run(
            &root,
            &release::Options { dry_run },
            &release::SemverChecks::default(),
        ),
        Command::Conformance {
            paths,
            verbose,
            format,
        } => {
            // Relative paths are the caller's, not the workspace root's.
            conformance::run(
                &root,
                &paths,
                &conformance::Options {
                    json: format == Format::Json,
                    verbose,
                },
            )
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("{message:#}");
            ExitCode::from(2)
        }
    }
}
