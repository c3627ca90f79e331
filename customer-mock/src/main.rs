//! `customer-mock --port N`: the stateful TMS Customers mock as a process.

use std::net::{IpAddr, SocketAddr};

use clap::Parser;
use customer_mock::{CustomerMock, MockConfig, MockCredentials};

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
    /// Require requests signed for CYBERSOURCE_MERCHANT_ID, CYBERSOURCE_KEY_ID and
    /// CYBERSOURCE_SECRET_KEY (HTTP Signature or JWT); others get 401.
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
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        match MockCredentials::new(
            &var("CYBERSOURCE_MERCHANT_ID"),
            &var("CYBERSOURCE_KEY_ID"),
            &var("CYBERSOURCE_SECRET_KEY"),
        ) {
            Ok(credentials) => Some(credentials),
            Err(e) => {
                eprintln!("customer-mock: CYBERSOURCE_SECRET_KEY: {e}");
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
