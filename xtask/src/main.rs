//! Workspace automation. The one generator entry point:
//!
//! ```text
//! cargo xtask generate            write the generated sources from openapi/tms-customers.yaml
//! cargo xtask generate --check    fail with a unified diff when a committed file is stale
//! cargo xtask generate -v         also print timings and file sizes
//! ```

mod generate;
mod normalise;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] [-v|--verbose]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, flags)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    match command.as_str() {
        "generate" => {
            let mut mode = generate::Mode::Write;
            let mut verbose = false;
            for flag in flags {
                match flag.as_str() {
                    "--check" => mode = generate::Mode::Check,
                    "-v" | "--verbose" => verbose = true,
                    other => {
                        eprintln!("unknown flag `{other}`\n{USAGE}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            match generate::run(mode, verbose) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("{message}");
                    ExitCode::FAILURE
                }
            }
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown command `{other}`\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
