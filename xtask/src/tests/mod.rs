//! Tests of `cargo xtask diff` and `cargo xtask conformance`, against the committed spec
//! and CyberSource's published fragment (tests/fixtures/official-customers.json).

mod conformance;
mod diff;
