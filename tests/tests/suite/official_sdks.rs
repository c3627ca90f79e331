//! customer-mock driven by CyberSource's official SDKs, as a user of the mock with one
//! would: the Python SDK (cybersource-rest-client-python 0.0.80, pinned in
//! customer-mock/interop/requirements-python-sdk.txt; `scripts/test` installs it into
//! `.venv-python-sdk`) through `customer-mock/interop/python_sdk.py`, and the Node SDK
//! (cybersource-rest-client 0.0.83, pinned in package.json; `npm ci`) through
//! `customer-mock/interop/node_sdk.js`: every operation the mock serves, in every mode each
//! SDK has, each answer decoded into the SDK's model, encryption checked on the wire. A
//! wrong secret is the negative control: every call gets 401.
//!
//! Alone: `cargo test -p tests --test suite official_sdks`.

use std::path::PathBuf;
use std::process::Command;

use customer_mock::{CustomerMock, MerchantCertificate, MockConfig, MockCredentials};

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The mock as the SDK's modes need it: the shared secret, and the certificate of the
/// P12 the SDK signs with in its default JWT mode.
async fn mock() -> CustomerMock {
    let p12 = std::fs::read(tests::fixture_path("auth/testrest.p12")).unwrap();
    let certificate = MerchantCertificate::from_pkcs12(&p12, "testpass", MERCHANT).unwrap();
    CustomerMock::start_with(MockConfig {
        credentials: Some(
            MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64)
                .unwrap()
                .with_certificate(certificate),
        ),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

const MODES: [&str; 8] = [
    "http_signature",
    "jwt_shared_secret",
    "jwt_p12",
    "request_mle",
    "response_mle",
    "mle_both",
    "mle_map",
    "wrong_secret",
];

/// Runs `program script BASE_URL MODE FIXTURES KEYS` for every mode against one mock;
/// every run must succeed. Returns each run's summary line.
async fn every_mode(program: PathBuf, script: &str) -> Vec<String> {
    assert!(
        program.exists(),
        "{} is missing: scripts/test installs the pinned SDKs",
        program.display()
    );
    let mock = mock().await;
    let mut report = Vec::new();
    for mode in MODES {
        let mut command = Command::new(&program);
        command
            .current_dir(workspace())
            .arg(workspace().join(script))
            .args([mock.base_url().as_str(), mode])
            .arg(workspace().join("tests/fixtures"))
            .arg(workspace().join("customer-mock/keys"));
        // The mock answers on this runtime while the SDK's process runs.
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .expect("the SDK's script runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{script} {mode}:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let last = stdout.lines().last().unwrap_or_default().to_owned();
        assert!(last.ends_with("calls as documented"), "{mode}: {stdout}");
        report.push(last);
    }
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_passes_against_the_mock_in_every_mode() {
    let python = workspace().join(".venv-python-sdk/bin/python");
    let report = every_mode(python, "customer-mock/interop/python_sdk.py").await;
    println!("{}", report.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_node_sdk_passes_against_the_mock_in_every_mode() {
    let node =
        PathBuf::from(std::env::var_os("NODE").unwrap_or_else(|| which("node").into_os_string()));
    let report = every_mode(node, "customer-mock/interop/node_sdk.js").await;
    println!("{}", report.join("\n"));
}

/// `program` on the `PATH`.
fn which(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(program))
}
