//! `customer-mock --port N`: the stateful TMS Customers mock as a process.

use std::net::{IpAddr, SocketAddr};

use clap::Parser;
use customer_mock::{CustomerMock, MerchantCertificate, MockConfig, MockCredentials};

/// A stateful local TMS Customers server (create, get, patch with if-match, delete).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// How many customers to keep; the oldest is forgotten first.
    #[arg(long, default_value_t = 10_000)]
    capacity: usize,
    /// Require requests signed for CYBERSOURCE_MERCHANT_ID: with CYBERSOURCE_KEY_ID and
    /// CYBERSOURCE_SECRET_KEY (HTTP Signature, JWT HS256), with the certificate of
    /// CYBERSOURCE_P12_PATH (a P12, with CYBERSOURCE_P12_PASSWORD; or a PEM or DER
    /// certificate) for JWT RS256, or both; others get 401.
    #[arg(long)]
    require_auth: bool,
    /// A host name a JWT's `request-host` claim may name besides the address the
    /// request reached (repeatable; CyberSource's hosts always count). Not `--host`,
    /// which is the address to listen on.
    #[arg(long = "request-host", value_name = "NAME")]
    request_hosts: Vec<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let credentials = if args.require_auth {
        match credentials_from_env() {
            Ok(credentials) => Some(credentials),
            Err(e) => {
                eprintln!("customer-mock: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let mut config = MockConfig {
        credentials,
        capacity: args.capacity,
        ..MockConfig::default()
    };
    config.stands_in_for.extend(args.request_hosts);
    let mock = match CustomerMock::serve(SocketAddr::new(args.host, args.port), config).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!(
                "customer-mock: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return std::process::ExitCode::from(1);
        }
    };
    // The line tests and scripts wait for.
    println!("customer-mock listening on {}", mock.base_url());
    tokio::select! {
        () = mock.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    std::process::ExitCode::SUCCESS
}

/// The credentials `--require-auth` takes from the `CYBERSOURCE_*` variables.
fn credentials_from_env() -> Result<MockCredentials, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let merchant = var("CYBERSOURCE_MERCHANT_ID").ok_or("CYBERSOURCE_MERCHANT_ID is not set")?;
    let certificate = match var("CYBERSOURCE_P12_PATH") {
        Some(path) => {
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("CYBERSOURCE_P12_PATH: cannot read `{path}`: {}", e.kind()))?;
            let password = var("CYBERSOURCE_P12_PASSWORD").unwrap_or_default();
            let certificate = MerchantCertificate::from_pkcs12(&bytes, &password, &merchant)
                .or_else(|p12| MerchantCertificate::from_certificate(&bytes).map_err(|_| p12))
                .map_err(|e| format!("CYBERSOURCE_P12_PATH: {e}"))?;
            Some(certificate)
        }
        None => None,
    };
    let shared = match (var("CYBERSOURCE_KEY_ID"), var("CYBERSOURCE_SECRET_KEY")) {
        (Some(key_id), Some(secret)) => Some(
            MockCredentials::new(&merchant, &key_id, &secret)
                .map_err(|e| format!("CYBERSOURCE_SECRET_KEY: {e}"))?,
        ),
        _ => None,
    };
    match (shared, certificate) {
        (Some(shared), Some(certificate)) => Ok(shared.with_certificate(certificate)),
        (Some(shared), None) => Ok(shared),
        (None, Some(certificate)) => Ok(MockCredentials::certificate_only(&merchant, certificate)),
        (None, None) => Err(
            "--require-auth needs CYBERSOURCE_KEY_ID and CYBERSOURCE_SECRET_KEY, or CYBERSOURCE_P12_PATH"
                .to_owned(),
        ),
    }
}
