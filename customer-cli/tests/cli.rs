//! `tms-customers` end to end against customer-mock (requiring signed requests),
//! including every error path: API errors, authentication, invalid input, bad
//! configuration, an unreadable body file and an unreachable server.

use std::path::PathBuf;
use std::process::Output;

use customer_mock::{CustomerMock, MockConfig, MockCredentials};
use serde_json::Value;

const MERCHANT: &str = "testrest";
const KEY_ID: &str = "08c94330-f618-42a3-b09d-e1e43be5efda";
const SECRET_B64: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

async fn signed_mock() -> CustomerMock {
    CustomerMock::start_with(MockConfig {
        credentials: Some(MockCredentials::new(MERCHANT, KEY_ID, SECRET_B64).unwrap()),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// Runs `tms-customers args` with the given `CYBERSOURCE_*` variables (and no others).
async fn run(vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tms-customers"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("CYBERSOURCE_")) {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied()).args(args);
    command.output().await.expect("run tms-customers")
}

fn env(mock: &CustomerMock, auth: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("CYBERSOURCE_BASE_URL", mock.base_url()),
        ("CYBERSOURCE_MERCHANT_ID", MERCHANT.to_owned()),
        ("CYBERSOURCE_KEY_ID", KEY_ID.to_owned()),
        ("CYBERSOURCE_SECRET_KEY", SECRET_B64.to_owned()),
        ("CYBERSOURCE_AUTH", auth.to_owned()),
    ]
}

fn pairs<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn body_file(name: &str, contents: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("tms-customers-{}-{name}.json", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_from_the_command_line_in_both_modes() {
    let mock = signed_mock().await;
    let create = body_file("create", &tests_sample());
    for auth in ["jwt", "http-signature"] {
        let vars = env(&mock, auth);
        let vars = pairs(&vars);
        let created = run(
            &vars,
            &["post-customer", "--json-body", create.to_str().unwrap()],
        )
        .await;
        assert!(created.status.success(), "{auth}: {}", stderr(&created));
        let customer = stdout_json(&created);
        let id = customer["id"].as_str().unwrap().to_owned();
        assert_eq!(customer["buyerInformation"]["email"], "test@cybs.com");

        let fetched = run(&vars, &["get-customer", "--customer-id", &id]).await;
        assert!(fetched.status.success(), "{}", stderr(&fetched));
        assert_eq!(stdout_json(&fetched), customer);

        let patch = body_file("patch", r#"{"objectInformation": {"title": "Gold"}}"#);
        // The same conditional update twice: the second carries a stale ETag.
        let patch_args = [
            "patch-customer",
            "--customer-id",
            &id,
            "--if-match",
            "\"1\"",
            "--json-body",
            patch.to_str().unwrap(),
        ];
        let patched = run(&vars, &patch_args).await;
        assert!(patched.status.success(), "{}", stderr(&patched));
        assert_eq!(stdout_json(&patched)["objectInformation"]["title"], "Gold");

        let stale = run(&vars, &patch_args).await;
        assert_eq!(stale.status.code(), Some(1));
        let message = stderr(&stale);
        for part in [
            "412",
            "type: conflict",
            "message: Action cannot be performed",
            "correlation id: ",
        ] {
            assert!(message.contains(part), "`{part}` missing from: {message}");
        }
        assert!(!message.contains("correlation id: -"), "{message}");
        assert!(stale.stdout.is_empty());

        let deleted = run(&vars, &["delete-customer", "--customer-id", &id]).await;
        assert!(deleted.status.success(), "{}", stderr(&deleted));
        assert!(deleted.stdout.is_empty());

        let gone = run(&vars, &["get-customer", "--customer-id", &id]).await;
        assert_eq!(gone.status.code(), Some(1));
        assert!(
            stderr(&gone).contains("404") && stderr(&gone).contains("type: notFound"),
            "{}",
            stderr(&gone)
        );
    }
}

fn tests_sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/samples/create-customer.request.json"
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_reported_with_status_and_correlation_id() {
    let mock = signed_mock().await;
    let mut vars = env(&mock, "jwt");
    vars[3].1 = "c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1vbmU=".to_owned();
    let output = run(&pairs(&vars), &["get-customer", "--customer-id", "ABC"]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("401") && message.contains("authenticationFailed"),
        "{message}"
    );
    assert!(
        message.contains("correlation id: ") && !message.contains("correlation id: -"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_is_refused_before_sending() {
    let mock = signed_mock().await;
    let vars = env(&mock, "jwt");
    let long_id = "A".repeat(33);
    let output = run(&pairs(&vars), &["get-customer", "--customer-id", &long_id]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("customerId") && stderr(&output).contains("32"),
        "{}",
        stderr(&output)
    );

    let bad_type = body_file("bad-type", r#"{"buyerInformation": {"email": 5}}"#);
    let output = run(
        &pairs(&vars),
        &["post-customer", "--json-body", bad_type.to_str().unwrap()],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("failed to parse"),
        "{}",
        stderr(&output)
    );

    let output = run(
        &pairs(&vars),
        &["post-customer", "--json-body", "/nonexistent/body.json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("failed to read"),
        "{}",
        stderr(&output)
    );

    let output = run(&pairs(&vars), &["get-customer"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap refuses a missing --customer-id"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_and_connection_errors_have_their_own_messages() {
    let output = run(
        &[("CYBERSOURCE_BASE_URL", "http://127.0.0.1:1")],
        &["get-customer", "--customer-id", "ABC"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("configuration")
            && stderr(&output).contains("CYBERSOURCE_MERCHANT_ID")
    );

    let output = run(
        &[
            ("CYBERSOURCE_MERCHANT_ID", MERCHANT),
            ("CYBERSOURCE_KEY_ID", KEY_ID),
            ("CYBERSOURCE_SECRET_KEY", "not base64!"),
        ],
        &["get-customer", "--customer-id", "ABC"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("CYBERSOURCE_SECRET_KEY"),
        "{}",
        stderr(&output)
    );
    assert!(
        !stderr(&output).contains("not base64!"),
        "the secret is not echoed"
    );

    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = run(
        &[
            ("CYBERSOURCE_BASE_URL", url.as_str()),
            ("CYBERSOURCE_MERCHANT_ID", MERCHANT),
            ("CYBERSOURCE_KEY_ID", KEY_ID),
            ("CYBERSOURCE_SECRET_KEY", SECRET_B64),
        ],
        &["get-customer", "--customer-id", "ABC"],
    )
    .await;
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("cannot reach CyberSource"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_a_subcommand() {
    let output = run(&[], &["--help"]).await;
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "post-customer",
        "get-customer",
        "patch-customer",
        "delete-customer",
    ] {
        assert!(help.contains(name), "{name} missing from --help");
    }
    let output = run(&[], &["patch-customer", "--help"]).await;
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in ["--customer-id", "--profile-id", "--if-match", "--json-body"] {
        assert!(
            help.contains(flag),
            "{flag} missing from patch-customer --help"
        );
    }
}

/// Card data is never printed: a card number and a security code in the answer to an
/// undecodable success and to a non-CyberSource error body appear nowhere in
/// `tms-customers`' error output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_data_in_an_answer_stays_out_of_the_error_output() {
    use tests::{CARD_NUMBER, SECURITY_CODE};
    let card = format!(r#"{{"number": "{CARD_NUMBER}", "securityCode": "{SECURITY_CODE}"}}"#);
    for (status, body) in [
        (
            "200 OK",
            format!(r#"{{"merchantDefinedInformation": "{CARD_NUMBER}", "card": {card}}}"#),
        ),
        ("400 Bad Request", format!(r#"{{"card": {card}}}"#)),
    ] {
        let server =
            tests::scripted::scripted(vec![tests::scripted::answer(status, "", &body)]).await;
        let vars = [
            ("CYBERSOURCE_BASE_URL", server.url.as_str()),
            ("CYBERSOURCE_MERCHANT_ID", MERCHANT),
            ("CYBERSOURCE_KEY_ID", KEY_ID),
            ("CYBERSOURCE_SECRET_KEY", SECRET_B64),
        ];
        let output = run(&vars, &["get-customer", "--customer-id", "ABC"]).await;
        assert!(!output.status.success(), "{status}");
        let printed = format!(
            "{}{}",
            stderr(&output),
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(printed.contains("error"), "{status}: {printed}");
        for secret in [CARD_NUMBER, SECURITY_CODE] {
            assert!(
                !printed.contains(secret),
                "{status}: `{secret}` in {printed}"
            );
        }
    }
}

/// `--json-body-template` prints the JSON Schema of the operation's own body type, for
/// every operation that takes a body (read from the spec).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_template_is_the_operations_body_schema() {
    let mut checked = 0;
    for op in tests::spec_operations() {
        let Some(schema) = tests::spec()["paths"][&op.path][op.method.to_lowercase()]
            .pointer("/requestBody/content")
            .and_then(|content| {
                content
                    .as_object()?
                    .values()
                    .next()?
                    .pointer("/schema/$ref")
            })
            .and_then(Value::as_str)
        else {
            continue;
        };
        let name = schema.rsplit('/').next().unwrap();
        let subcommand = op.method_name().replace('_', "-");
        // Required parameters must be given even here: `--customer-id X`, ...
        let mut args = vec![subcommand.clone(), "--json-body-template".to_owned()];
        for param in op.params.iter().filter(|p| p.required) {
            let mut flag = String::from("--");
            for c in param.name.chars() {
                if c.is_ascii_uppercase() {
                    flag.push('-');
                }
                flag.push(c.to_ascii_lowercase());
            }
            args.extend([flag, "X".to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&[], &args).await;
        assert!(output.status.success(), "{subcommand}: {}", stderr(&output));
        let template = stdout_json(&output);
        assert_eq!(template["title"], name, "{subcommand}: {template}");
        assert!(template["properties"].is_object(), "{subcommand}");
        checked += 1;
    }
    assert!(checked > 0, "no operation of the spec takes a body");
}

/// A list prints one JSON item per line; `--all-pages` follows every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_print_one_item_per_line_and_can_follow_every_page() {
    let mock = signed_mock().await;
    let vars = env(&mock, "jwt");
    let vars = pairs(&vars);
    let create = body_file("wallet-customer", "{}");
    let created = run(
        &vars,
        &["post-customer", "--json-body", create.to_str().unwrap()],
    )
    .await;
    let customer = stdout_json(&created)["id"].as_str().unwrap().to_owned();
    for name in ["Ann", "Bob", "Cy"] {
        let address = body_file(
            &format!("address-{name}"),
            &format!(r#"{{"shipTo": {{"firstName": "{name}"}}}}"#),
        );
        let added = run(
            &vars,
            &[
                "post-customer-shipping-address",
                "--customer-id",
                &customer,
                "--json-body",
                address.to_str().unwrap(),
            ],
        )
        .await;
        assert!(added.status.success(), "{}", stderr(&added));
    }
    let list = [
        "get-customer-shipping-addresses-list",
        "--customer-id",
        &customer,
        "--limit",
        "2",
    ];
    let names = |output: &Output| -> Vec<String> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                let item: Value = serde_json::from_str(line).expect("one JSON item per line");
                item["shipTo"]["firstName"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let one_page = run(&vars, &list).await;
    assert!(one_page.status.success(), "{}", stderr(&one_page));
    assert_eq!(names(&one_page), ["Ann", "Bob"]);
    let every_page = run(&vars, &[&list[..], &["--all-pages"]].concat()).await;
    assert!(every_page.status.success(), "{}", stderr(&every_page));
    assert_eq!(names(&every_page), ["Ann", "Bob", "Cy"]);
    let from_one = run(
        &vars,
        &[&list[..], &["--offset", "1", "--all-pages"]].concat(),
    )
    .await;
    assert_eq!(names(&from_one), ["Bob", "Cy"]);
}

/// The `CYBERSOURCE_MLE_*` variables: a post-customer with request and response MLE
/// against the mock prints the decrypted customer; a certificate the mock has no key
/// for gets the mock's 400, which shows the body really went out encrypted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_level_encryption_from_the_environment() {
    let mock = signed_mock().await;
    let keys = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../customer-mock/keys");
    let create = body_file("mle-create", &tests_sample());
    let mut vars = env(&mock, "jwt");
    vars.extend([
        ("CYBERSOURCE_MLE_REQUEST", "1".to_owned()),
        (
            "CYBERSOURCE_MLE_REQUEST_CERT",
            keys.join("mle_request_cert.pem").display().to_string(),
        ),
        (
            "CYBERSOURCE_MLE_RESPONSE_KEY",
            keys.join("mle_response_private_key.pem")
                .display()
                .to_string(),
        ),
        (
            "CYBERSOURCE_MLE_RESPONSE_KID",
            customer_mock::test_keys::RESPONSE_KID.to_owned(),
        ),
    ]);
    let args = ["post-customer", "--json-body", create.to_str().unwrap()];
    let created = run(&pairs(&vars), &args).await;
    assert!(created.status.success(), "{}", stderr(&created));
    let customer = stdout_json(&created);
    assert_eq!(customer["buyerInformation"]["email"], "test@cybs.com");
    assert!(customer["id"].is_string());

    let mut wrong = vars.clone();
    wrong.retain(|(k, _)| *k != "CYBERSOURCE_MLE_REQUEST_CERT");
    let other_cert = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/mle/merchant_response_mle_cert.pem");
    wrong.push((
        "CYBERSOURCE_MLE_REQUEST_CERT",
        other_cert.display().to_string(),
    ));
    wrong.push(("CYBERSOURCE_MLE_REQUEST_KEY_ALIAS", MERCHANT.to_owned()));
    let refused = run(&pairs(&wrong), &args).await;
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("400") && message.contains("cannot be decrypted"),
        "{message}"
    );

    let mut bad = vars.clone();
    bad.push((
        "CYBERSOURCE_MLE_OPERATIONS",
        "postCustomer=sometimes".to_owned(),
    ));
    let misconfigured = run(&pairs(&bad), &args).await;
    assert_eq!(
        misconfigured.status.code(),
        Some(2),
        "{}",
        stderr(&misconfigured)
    );
    assert!(
        stderr(&misconfigured).contains("CYBERSOURCE_MLE_OPERATIONS"),
        "{}",
        stderr(&misconfigured)
    );
}

/// A card number from standard input (`--json-body -`), so it need sit neither in a
/// file nor in shell history: the identifier comes back with the number masked, and
/// the full number is in neither output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_number_read_from_standard_input() {
    use tests::{CARD_NUMBER, SECURITY_CODE};
    use tokio::io::AsyncWriteExt as _;
    let mock = signed_mock().await;
    let vars = env(&mock, "jwt");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tms-customers"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("CYBERSOURCE_")) {
        command.env_remove(name);
    }
    let mut child = command
        .envs(pairs(&vars))
        .args(["post-instrument-identifier", "--json-body", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let body =
        format!(r#"{{"card": {{"number": "{CARD_NUMBER}", "securityCode": "{SECURITY_CODE}"}}}}"#);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(body.as_bytes()).await.unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout_json(&output);
    let masked = format!("{}XXXXXX{}", &CARD_NUMBER[..6], &CARD_NUMBER[12..]);
    assert_eq!(shown["card"]["number"], masked.as_str(), "{shown}");
    for text in [
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ] {
        assert!(!text.contains(CARD_NUMBER), "{text}");
        assert!(!text.contains(SECURITY_CODE), "{text}");
    }
}

/// A PATCH command removes fields: `--remove FIELD` (repeatable) and a `null` in
/// `--json-body` are both sent as `null` (RFC 7396), and the mock shows them gone; a
/// field the spec requires, or one the request cannot change, is refused before
/// sending, naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_command_removes_fields() {
    let mock = signed_mock().await;
    let vars = env(&mock, "jwt");
    let vars = pairs(&vars);
    let create = body_file(
        "remove-create",
        r#"{"buyerInformation": {"email": "a@example.com", "merchantCustomerID": "c-1"},
            "objectInformation": {"title": "Ms", "comment": "note"},
            "clientReferenceInformation": {"code": "r-1"}}"#,
    );
    let created = run(
        &vars,
        &["post-customer", "--json-body", create.to_str().unwrap()],
    )
    .await;
    assert!(created.status.success(), "{}", stderr(&created));
    let id = stdout_json(&created)["id"].as_str().unwrap().to_owned();

    let removed = run(
        &vars,
        &[
            "patch-customer",
            "--customer-id",
            &id,
            "--remove",
            "buyerInformation.email",
            "--remove",
            "objectInformation",
        ],
    )
    .await;
    assert!(removed.status.success(), "{}", stderr(&removed));
    let shown = stdout_json(&removed);
    assert_eq!(
        shown["buyerInformation"],
        serde_json::json!({"merchantCustomerID": "c-1"})
    );
    assert!(shown.get("objectInformation").is_none(), "{shown}");

    let patch = body_file(
        "remove-null",
        r#"{"clientReferenceInformation": null, "buyerInformation": {"merchantCustomerID": "c-2"}}"#,
    );
    let patched = run(
        &vars,
        &[
            "patch-customer",
            "--customer-id",
            &id,
            "--json-body",
            patch.to_str().unwrap(),
        ],
    )
    .await;
    assert!(patched.status.success(), "{}", stderr(&patched));
    let shown = stdout_json(&patched);
    assert!(shown.get("clientReferenceInformation").is_none(), "{shown}");
    assert_eq!(
        shown["buyerInformation"],
        serde_json::json!({"merchantCustomerID": "c-2"})
    );

    for (field, rule) in [
        (
            "buyerInformation.emial",
            "is not a field this request can change",
        ),
        ("metadata", "is not a field this request can change"),
    ] {
        let refused = run(
            &vars,
            &["patch-customer", "--customer-id", &id, "--remove", field],
        )
        .await;
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
        let message = stderr(&refused);
        assert!(
            message.contains(field) && message.contains(rule),
            "{message}"
        );
    }
}
