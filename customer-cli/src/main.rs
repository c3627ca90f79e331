//! `tms-customers`: one subcommand per operation of openapi/tms-customers.yaml.
//!
//! The command tree is generated (`generated_cli.rs`, by `cargo xtask generate`); this
//! file holds configuration (the `CYBERSOURCE_*` variables) and output: the response
//! body as JSON on stdout (a list's page as one JSON item per line; `--all-pages`
//! follows every page), or on stderr the status, CyberSource's error type and message
//! and the correlation id, with a non-zero exit status.

#[rustfmt::skip]
#[allow(dead_code, unused_imports, unused_variables, clippy::all)]
mod generated_cli;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use customer_client::paging::{self, Page};
use customer_client::{ClientBuilder, Error, ResponseValue};
use futures_util::StreamExt as _;
use generated_cli::{Cli, CliCommand, CliConfig};

/// Exit statuses: 0 success, 1 the API answered with an error, 2 bad usage or
/// configuration, 3 no usable answer (connection, timeout, undecodable response).
const EXIT_API_ERROR: u8 = 1;
const EXIT_CONFIG: u8 = 2;
const EXIT_TRANSPORT: u8 = 3;

/// Prints successes as JSON on stdout; failures are reported by `main`. With
/// `--all-pages` it keeps each list page instead, for `paging::items`.
#[derive(Clone, Default)]
struct Output {
    /// `Some` while following pages: the last page answered.
    pages: Option<Arc<Mutex<Option<ResponseValue<JsonPage>>>>>,
}

/// A list page as JSON: an object with a `count` or `total` whose `_embedded`, when
/// there is one, holds one array, or none on an empty page (every list operation of
/// the spec answers so).
struct JsonPage(serde_json::Value);

impl JsonPage {
    fn of(value: serde_json::Value) -> Result<Self, serde_json::Value> {
        let is_page = (value.get("count").is_some() || value.get("total").is_some())
            && value.get("_embedded").is_none_or(|embedded| {
                embedded
                    .as_object()
                    .is_some_and(|e| e.len() <= 1 && e.values().all(|v| v.is_array()))
            });
        if is_page { Ok(Self(value)) } else { Err(value) }
    }
}

impl Page for JsonPage {
    type Item = serde_json::Value;

    fn into_items(self) -> Vec<serde_json::Value> {
        let mut value = self.0;
        value
            .get_mut("_embedded")
            .and_then(serde_json::Value::as_object_mut)
            .and_then(|embedded| embedded.values_mut().next().map(std::mem::take))
            .and_then(|items| match items {
                serde_json::Value::Array(items) => Some(items),
                _ => None,
            })
            .unwrap_or_default()
    }

    fn total(&self) -> Option<u64> {
        self.0.get("total").and_then(serde_json::Value::as_u64)
    }
}

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        let json = match serde_json::to_value(value.as_ref()) {
            Ok(json) => json,
            Err(e) => return eprintln!("cannot print the response as JSON: {e}"),
        };
        let json = match (JsonPage::of(json), &self.pages) {
            // Following pages: kept for `paging::items`, which prints the items.
            (Ok(page), Some(pages)) => {
                if let Ok(mut last) = pages.lock() {
                    *last = Some(ResponseValue::new(
                        page,
                        value.status(),
                        value.headers().clone(),
                    ));
                }
                return;
            }
            // A list's page: one JSON item per line.
            (Ok(page), None) => {
                for item in page.into_items() {
                    println!("{item}");
                }
                return;
            }
            (Err(json), _) => json,
        };
        match serde_json::to_string_pretty(&json) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("cannot print the response as JSON: {e}"),
        }
    }

    fn success_no_item(&self, _value: &ResponseValue<()>) {}

    fn error(&self, _value: &Error) {
        // Reported once, with everything kept, by `report` below.
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        if let Ok(json) = serde_json::to_string(value) {
            println!("{json}");
        }
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, _value: &progenitor_client::Error<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }
}

/// The subcommand name of an operation: its documented method name in kebab case.
fn subcommand_name(command: CliCommand) -> String {
    customer_client::rules::method_name(command.operation_id())
        .unwrap_or(command.operation_id())
        .replace('_', "-")
}

fn command_tree() -> clap::Command {
    let mut root = clap::Command::new("tms-customers")
        .version(env!("CARGO_PKG_VERSION"))
        .about("CyberSource TMS Customers from the command line")
        .long_about(
            "CyberSource TMS Customers from the command line.\n\n\
             Configured by CYBERSOURCE_MERCHANT_ID, CYBERSOURCE_KEY_ID, CYBERSOURCE_SECRET_KEY,\n\
             CYBERSOURCE_AUTH (jwt | http-signature), CYBERSOURCE_ENVIRONMENT (sandbox | production | india)\n\
             or CYBERSOURCE_BASE_URL, CYBERSOURCE_P12_PATH and CYBERSOURCE_P12_PASSWORD.",
        )
        .subcommand_required(true);
    for command in CliCommand::iter() {
        let mut subcommand = Cli::<Output>::get_command(command).name(subcommand_name(command));
        // A list operation (it takes `offset`) can follow every page.
        if subcommand.get_arguments().any(|a| a.get_id() == "offset") {
            subcommand = subcommand.arg(
                clap::Arg::new("all-pages")
                    .long("all-pages")
                    .action(clap::ArgAction::SetTrue)
                    .help("Follow every page from --offset on, printing every item"),
            );
        }
        root = root.subcommand(subcommand);
    }
    root
}

/// The command line with `--offset` set to `offset` (any given one taken out).
fn with_offset(args: &[String], offset: u64) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len() + 2);
    let mut skip_next = false;
    for arg in args {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if arg == "--offset" {
            skip_next = true;
            continue;
        }
        if arg.starts_with("--offset=") {
            continue;
        }
        out.push(arg.clone());
    }
    out.extend(["--offset".to_owned(), offset.to_string()]);
    out
}

/// The text of `--json-body`: the file it names, or standard input for `-`, so that a
/// body with a card number need sit neither in a file nor in shell history. The
/// generated command tree reads every body through this (openapi/README.md,
/// normalisation 10).
pub(crate) fn read_json_body(path: &std::path::Path) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
}

/// The merge patch of a PATCH command: `--json-body` read as JSON with its `null`s
/// kept (each removes a field; it must otherwise read as the operation's body), and a
/// `null` for each `--remove FIELD`. `None` when neither is given. The generated
/// PATCH commands call this (openapi/README.md, normalisation 14).
pub(crate) fn merge_patch_from<T: serde::de::DeserializeOwned>(
    matches: &clap::ArgMatches,
) -> anyhow::Result<Option<customer_client::update::MergePatch<T>>> {
    use anyhow::Context as _;
    let mut patch = match matches.get_one::<std::path::PathBuf>("json-body") {
        Some(path) => {
            let text = read_json_body(path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            Some(
                customer_client::update::MergePatch::from_json(&text)
                    .with_context(|| format!("failed to parse {}", path.display()))?,
            )
        }
        None => None,
    };
    for field in matches.get_many::<String>("remove").into_iter().flatten() {
        patch = Some(patch.unwrap_or_default().remove(field));
    }
    Ok(patch)
}

/// Prints a failure on stderr and returns the exit status for it.
fn report(error: anyhow::Error) -> u8 {
    match error.downcast::<Error>() {
        Ok(error) => report_error(error),
        Err(other) => {
            // Reading or parsing `--json-body`, and the like.
            eprintln!("error: {other:#}");
            EXIT_CONFIG
        }
    }
}

/// Prints an error of the client on stderr and returns the exit status for it.
fn report_error(error: Error) -> u8 {
    match &error {
        Error::Api {
            status,
            body,
            correlation_id,
            raw_body,
            ..
        } => {
            eprintln!("error: CyberSource answered {status}");
            match body.as_ref().map(|b| &b.errors[..]) {
                Some(entries) if !entries.is_empty() => {
                    for entry in entries {
                        eprintln!(
                            "  type: {}\n  message: {}",
                            entry.type_.as_deref().unwrap_or("-"),
                            entry.message.as_deref().unwrap_or("-")
                        );
                        for detail in &entry.details {
                            eprintln!(
                                "  field: {} ({})",
                                detail.name.as_deref().unwrap_or("-"),
                                detail.location.as_deref().unwrap_or("-")
                            );
                        }
                    }
                }
                // Masked: the body may hold card data.
                _ => eprintln!("  body: {}", customer_client::mask::body(raw_body)),
            }
            eprintln!(
                "  correlation id: {}",
                correlation_id.as_deref().unwrap_or("-")
            );
            EXIT_API_ERROR
        }
        Error::InvalidRequest { parameter, rule } => {
            eprintln!("error: invalid {parameter}: {rule} (nothing was sent)");
            EXIT_CONFIG
        }
        Error::Config { .. } => {
            eprintln!("error: {error}");
            EXIT_CONFIG
        }
        Error::InvalidResponse { correlation_id, .. } => {
            eprintln!("error: {error}");
            eprintln!(
                "  correlation id: {}",
                correlation_id.as_deref().unwrap_or("-")
            );
            EXIT_TRANSPORT
        }
        Error::Transport(e) => {
            eprintln!("error: cannot reach CyberSource: {e}");
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            EXIT_TRANSPORT
        }
        _ => {
            eprintln!("error: {error}");
            EXIT_API_ERROR
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let matches = command_tree().get_matches();
    let Some((name, sub_matches)) = matches.subcommand() else {
        return ExitCode::from(EXIT_CONFIG);
    };
    let Some(command) = CliCommand::iter().find(|c| subcommand_name(*c) == name) else {
        return ExitCode::from(EXIT_CONFIG);
    };
    if sub_matches.get_flag_if_present("json-body-template") {
        // The flag exists only on operations that take a body.
        let schema = customer_client::rules::body_schema(command.operation_id());
        println!(
            "{}",
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let client = match ClientBuilder::from_env().and_then(ClientBuilder::build) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let all_pages = sub_matches.get_flag_if_present("all-pages");
    let pages = Arc::new(Mutex::new(None));
    let output = Output {
        pages: all_pages.then(|| pages.clone()),
    };
    let cli = Cli::new(client, output);
    if !all_pages {
        return match cli.execute(command, sub_matches).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => ExitCode::from(report(e)),
        };
    }
    // Every page from --offset on, as paging::items walks them: the same command with
    // each page's offset (the server's page size, or --limit).
    let args: Vec<String> = std::env::args().collect();
    let start = sub_matches
        .try_get_one::<u64>("offset")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(0);
    let limit = sub_matches
        .try_get_one::<std::num::NonZeroU64>("limit")
        .ok()
        .flatten()
        .map_or(20, |l| l.get());
    let fetch = |offset: u64, _limit: u64| {
        let (cli, args, pages) = (&cli, &args, &pages);
        async move {
            let matches = command_tree().get_matches_from(with_offset(args, start + offset));
            let invalid = |rule: String| Error::InvalidRequest {
                parameter: "command".to_owned(),
                rule,
            };
            let (_, page_matches) = matches
                .subcommand()
                .ok_or_else(|| invalid("no subcommand".to_owned()))?;
            cli.execute(command, page_matches).await.map_err(|e| {
                e.downcast::<Error>()
                    .unwrap_or_else(|other| invalid(format!("{other:#}")))
            })?;
            pages
                .lock()
                .ok()
                .and_then(|mut last| last.take())
                .ok_or_else(|| invalid("the answer is not a list page".to_owned()))
        }
    };
    let mut items = std::pin::pin!(paging::items(limit, fetch));
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => println!("{item}"),
            Err(error) => return ExitCode::from(report_error(error)),
        }
    }
    ExitCode::SUCCESS
}

/// `ArgMatches::get_flag` panics for an argument the subcommand does not define.
trait FlagIfPresent {
    fn get_flag_if_present(&self, id: &str) -> bool;
}

impl FlagIfPresent for clap::ArgMatches {
    fn get_flag_if_present(&self, id: &str) -> bool {
        self.try_get_one::<bool>(id)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    }
}
