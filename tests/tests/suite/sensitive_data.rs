//! Card data is never printed: a card number and a security code, sent through every
//! way the client and customer-mock can show a body or a message, appear in none of
//! them. Here: errors' Display and Debug (an undecodable success body, a non-CyberSource
//! error body, CyberSource's error from the mock) and the mock's own 400 message; an
//! instrument identifier's body (card number, security code, expiry) in `Debug` of its
//! type and builder, and in the client's refusal of it. TRACE logs: `../tracing.rs`;
//! the CLI's error output and standard input: `customer-cli/tests/cli.rs`.

use customer_client::Error;
use customer_mock::CustomerMock;
use tests::scripted::{answer, scripted};
use tests::{CARD_NUMBER, SECURITY_CODE};

fn card() -> String {
    format!(r#"{{"number": "{CARD_NUMBER}", "securityCode": "{SECURITY_CODE}"}}"#)
}

fn assert_hidden(label: &str, shown: &str) {
    for secret in [CARD_NUMBER, SECURITY_CODE] {
        assert!(
            !shown.contains(secret),
            "{label}: `{secret}` shown in {shown}"
        );
    }
}

/// Every way an error can be printed: Display, Debug, and its source chain.
fn printed(error: &Error) -> String {
    let mut shown = format!("{error} | {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push_str(&format!(" | {cause} | {cause:?}"));
        source = cause.source();
    }
    shown
}

#[tokio::test]
async fn card_data_in_an_answer_is_in_no_error_message() {
    let answers = [
        // A success body that does not decode: the decoder's message quotes the value.
        (
            "200 OK",
            format!(
                r#"{{"merchantDefinedInformation": "{CARD_NUMBER}", "_embedded": {{"defaultPaymentInstrument": {{"card": {}}}}}}}"#,
                card()
            ),
        ),
        // An error status whose body is not CyberSource's error.
        ("400 Bad Request", format!(r#"{{"card": {}}}"#, card())),
        // CyberSource's error shape, with card data beside the entries.
        (
            "409 Conflict",
            format!(
                r#"{{"errors": [{{"type": "conflict", "message": "in use"}}], "card": {}}}"#,
                card()
            ),
        ),
    ];
    for (status, body) in answers {
        let server = scripted(vec![answer(status, "", &body)]).await;
        let error = tests::calls::built_and_get(
            tests::calls::signing_builder(&server.url),
            "F2F3ADA770102B51E053A2598D0A9078",
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            status.split(' ').next().and_then(|s| s.parse().ok()),
            "{error:?}"
        );
        assert_hidden(status, &printed(&error));
        // The raw body is kept whole for the caller who asks for it.
        assert!(
            error
                .raw_body()
                .is_some_and(|raw| raw.as_ref() == body.as_bytes())
        );
    }
}

#[tokio::test]
async fn the_mock_does_not_echo_card_data_in_its_400() {
    let mock = CustomerMock::start().await.unwrap();
    let create = tests::spec_operations()
        .into_iter()
        .find(|op| op.operation_id == "postCustomer")
        .unwrap();
    // A card number where the spec wants a list: refused, naming the field.
    let response = reqwest::Client::new()
        .post(format!("{}{}", mock.base_url(), create.path))
        .header("content-type", customer_client::JSON_MEDIA_TYPE)
        .body(format!(
            r#"{{"merchantDefinedInformation": "{CARD_NUMBER}", "objectInformation": {{"title": {}}}}}"#,
            card()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let text = response.text().await.unwrap();
    assert!(text.contains("merchantDefinedInformation"), "{text}");
    assert_hidden("customer-mock 400", &text);
}

/// An instrument identifier's card number, security code and expiry date show in
/// neither `Debug` of the generated type nor of its builder (the spec marks them
/// `x-sensitive`), nor in the client's refusal of a number that breaks the spec's
/// limits, nor in the mock's answer.
#[tokio::test]
async fn an_instrument_identifier_s_card_data_is_in_no_debug_or_error() {
    use customer_client::types;
    const EXPIRY: &str = "2039";
    let card = || {
        types::InstrumentIdentifierCard::builder()
            .number(CARD_NUMBER.to_owned())
            .security_code(SECURITY_CODE.to_owned())
            .expiration_month("07".to_owned())
            .expiration_year(EXPIRY.to_owned())
    };
    let builder = types::InstrumentIdentifier::builder().card(card());
    let body: types::InstrumentIdentifier =
        tests::built(types::InstrumentIdentifier::builder().card(card()));
    for shown in [
        format!("{builder:?}"),
        format!("{body:?}"),
        format!("{:?}", card()),
    ] {
        assert_hidden("Debug", &shown);
        assert!(!shown.contains(EXPIRY), "{shown}");
        assert!(shown.contains("****"), "{shown}");
    }
    // The serialised body still carries the number: it is for CyberSource.
    assert!(serde_json::to_string(&body).unwrap().contains(CARD_NUMBER));

    let mock = CustomerMock::start().await.unwrap();
    let client = tests::client_for(&mock.base_url());
    // 20 digits: over the spec's 19, refused before sending, naming the field only.
    let too_long = format!("{CARD_NUMBER}0123");
    let refused = client
        .post_instrument_identifier()
        .body(
            types::InstrumentIdentifier::builder()
                .card(types::InstrumentIdentifierCard::builder().number(too_long.clone())),
        )
        .send()
        .await
        .unwrap_err();
    let shown = printed(&refused);
    assert!(shown.contains("card.number"), "{shown}");
    assert!(
        !shown.contains(&too_long) && !shown.contains(CARD_NUMBER),
        "{shown}"
    );
    let created = client
        .post_instrument_identifier()
        .body(body)
        .send()
        .await
        .unwrap();
    let answered = format!(
        "{:?} {}",
        *created,
        serde_json::to_string(&*created).unwrap()
    );
    assert_hidden("the mock's answer", &answered);
    assert!(!answered.contains(EXPIRY), "{answered}");
}
