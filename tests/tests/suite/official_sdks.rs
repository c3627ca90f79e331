//! customer-mock driven by CyberSource's official Python SDK (cybersource-rest-client-python
//! 0.0.80, pinned in customer-mock/interop/requirements-python-sdk.txt; `scripts/test`
//! installs it into `.venv-python-sdk`), as a user of the mock with that SDK would, through
//! `customer-mock/interop/python_sdk.py`: every operation the mock serves, in every mode the
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_passes_against_the_mock_in_every_mode() {
    let python = workspace().join(".venv-python-sdk/bin/python");
    assert!(
        python.exists(),
        "{} is missing: scripts/test installs the pinned SDK",
        python.display()
    );
    let mock = mock().await;
    let base_url = mock.base_url();
    let script = workspace().join("customer-mock/interop/python_sdk.py");
    let fixtures = workspace().join("tests/fixtures");
    let keys = workspace().join("customer-mock/keys");
    let modes = [
        "http_signature",
        "jwt_shared_secret",
        "jwt_p12",
        "request_mle",
        "response_mle",
        "mle_both",
        "mle_map",
        "wrong_secret",
    ];
    let mut report = Vec::new();
    for mode in modes {
        let (python, script, fixtures, keys, base_url) = (
            python.clone(),
            script.clone(),
            fixtures.clone(),
            keys.clone(),
            base_url.clone(),
        );
        // The mock answers on this runtime while the SDK's process waits.
        let output = tokio::task::spawn_blocking(move || {
            Command::new(python)
                .arg("-W")
                .arg("ignore")
                .arg(script)
                .args([base_url.as_str(), mode])
                .arg(fixtures)
                .arg(keys)
                .output()
                .expect("the SDK's script runs")
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{mode}:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let last = stdout.lines().last().unwrap_or_default().to_owned();
        assert!(last.ends_with("calls as documented"), "{mode}: {stdout}");
        report.push(last);
    }
    println!("{}", report.join("\n"));
}
