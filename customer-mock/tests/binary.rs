//! The `customer-mock` binary does what its `--help` says: `--require-auth` takes the
//! credentials from `CYBERSOURCE_*`, and `--request-host NAME` adds NAME to the hosts a
//! JWT's `request-host` may name (CyberSource's still count; one the mock does not
//! stand in for is refused). Tokens are made here with jsonwebtoken.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";
const PATH: &str = "/tms/v2/customers/D9F340DD3DB9C276E053A2598D0A41A3";

/// The running binary, stopped when dropped (its standard output held open until then).
struct Running(
    Child,
    Option<std::io::Lines<BufReader<std::process::ChildStdout>>>,
);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and the test credentials; returns it and its URL.
fn start(args: &[&str]) -> (Running, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_customer-mock"))
        .args(["--port", "0"])
        .args(args)
        .env("CYBERSOURCE_MERCHANT_ID", MERCHANT)
        .env("CYBERSOURCE_KEY_ID", KEY_ID)
        .env("CYBERSOURCE_SECRET_KEY", SECRET_B64)
        .env_remove("CYBERSOURCE_P12_PATH")
        .stdout(Stdio::piped())
        .spawn()
        .expect("customer-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut running = Running(child, None);
    // The first line it prints is its address.
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("a line before exit").expect("stdout");
        if let Some(url) = line.strip_prefix("customer-mock listening on ") {
            break url.to_owned();
        }
    };
    running.1 = Some(lines);
    (running, url)
}

/// A GET signed with a JWT claiming `request-host`.
async fn get_claiming(url: &str, request_host: &str) -> u16 {
    let iat = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "iat": iat, "exp": iat + 120, "iss": MERCHANT, "jti": "00000000-0000-4000-8000-000000000001",
        "request-host": request_host, "request-method": "GET", "request-resource-path": PATH,
        "v-c-jwt-version": "2", "v-c-merchant-id": MERCHANT,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(KEY_ID.to_owned());
    let secret = STANDARD.decode(SECRET_B64).unwrap();
    let token = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&secret),
    )
    .unwrap();
    reqwest::Client::new()
        .get(format!("{url}{PATH}"))
        .header("authorization", format!("Bearer {token}"))
        .header("v-c-merchant-id", MERCHANT)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn request_host_adds_to_cybersource_s_hosts() {
    let (_mock, url) = start(&["--require-auth", "--request-host", "tms.example.test"]);
    let reached = url.trim_start_matches("http://");
    // Authenticated requests reach the handler, which finds no such customer: 404.
    for host in [
        "tms.example.test",
        "apitest.cybersource.com",
        "api.cybersource.com",
        "api.in.cybersource.com",
        reached,
    ] {
        assert_eq!(get_claiming(&url, host).await, 404, "{host}");
    }
    assert_eq!(get_claiming(&url, "other.example.test").await, 401);
}

#[tokio::test]
async fn without_request_host_only_cybersource_s_hosts_and_the_one_reached_count() {
    let (_mock, url) = start(&["--require-auth"]);
    assert_eq!(get_claiming(&url, "apitest.cybersource.com").await, 404);
    assert_eq!(get_claiming(&url, "tms.example.test").await, 401);
}

#[tokio::test]
async fn require_auth_refuses_an_unsigned_request() {
    let (_mock, url) = start(&["--require-auth"]);
    let status = reqwest::Client::new()
        .get(format!("{url}{PATH}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);
    // Without the flag the same request reaches the handler.
    let (_open, url) = start(&[]);
    let status = reqwest::Client::new()
        .get(format!("{url}{PATH}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 404);
}
