//! The integration suite, one module per thing it proves. One test binary rather
//! than one per file: each binary links the client, tokio, hyper and httpmock again,
//! and that linking dominated CI time. `tracing.rs` and `load.rs` stay separate
//! binaries because they read process-wide state (tracing's callsite cache, open
//! file descriptors and resident memory).

mod auth_vectors;
mod auth_wire;
mod decoding;
mod dependencies;
mod hostile_input;
mod hostile_server;
mod identifiers;
mod mle;
mod mock_records;
mod mock_server;
mod module_graph;
mod official_sdks;
mod prism;
mod properties;
mod request_rules;
mod retries;
mod sensitive_data;
mod spec_vs_documentation;
mod transport;
mod typed_mocks;
mod updates;
mod wallet;
mod wire;
