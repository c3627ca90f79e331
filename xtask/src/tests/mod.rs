//! Tests of `cargo xtask diff`, `conformance` and `release`, against the committed spec
//! and CyberSource's published fragment (tests/fixtures/official-customers.json).

mod conformance;
mod diff;
mod release;
mod types;
