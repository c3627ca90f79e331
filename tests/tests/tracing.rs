//! The tracing span of every operation, and bodies at TRACE with sensitive values
//! masked. (Its own test binary: tracing caches per-callsite interest process-wide,
//! so a scoped subscriber must not race other tests.)

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use customer_client::{Client, types};
use tests::scripted::{answer, scripted};

/// `_embedded` of a customer holding a card number and a security code.
fn card_data() -> String {
    format!(
        r#""_embedded": {{"defaultPaymentInstrument": {{"_embedded": {{"instrumentIdentifier": {{"card": {{"number": "{}", "securityCode": "{}"}}}}}}}}}}"#,
        tests::CARD_NUMBER,
        tests::SECURITY_CODE
    )
}

/// A customer as read back, with card data in its (read-only) embedded parts, an
/// email that must not be logged, and `merchant_customer_id`, which may be.
fn customer_with_card_data(merchant_customer_id: &str) -> types::Customer {
    let mut body: types::Customer = serde_json::from_str(&format!("{{{}}}", card_data())).unwrap();
    body.buyer_information = Some(tests::built(
        types::BuyerInformation::builder()
            .email("hidden@cybs.com".to_owned())
            .merchant_customer_id(merchant_customer_id.to_owned()),
    ));
    body
}

fn client(url: &str) -> Client {
    tests::calls::signing_builder(url).build().unwrap()
}

/// Captures span fields and event text, as a subscriber a user installs would.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
    events: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
}

impl<S> tracing_subscriber::Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(
        &self,
        id: &tracing::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<BTreeMap<String, String>>()
        {
            values.record(&mut Fields(fields));
        }
    }

    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }

    fn on_close(&self, id: tracing::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(fields) = span.extensions().get::<BTreeMap<String, String>>()
        {
            self.spans.lock().unwrap().push(fields.clone());
        }
    }
}

/// A capture installed as this thread's subscriber (until the guard drops), and a
/// runtime on this thread to make calls in, so that the calls are seen.
fn traced() -> (
    Capture,
    tracing::subscriber::DefaultGuard,
    tokio::runtime::Runtime,
) {
    use tracing_subscriber::layer::SubscriberExt as _;
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (capture, guard, runtime)
}

#[test]
fn each_operation_has_a_span_and_bodies_are_masked_at_trace() {
    let (capture, _guard, runtime) = traced();
    runtime.block_on(async {
        let server = scripted(vec![answer(
            "200 OK",
            "",
            &format!(
                r#"{{"id": "ABC", "buyerInformation": {{"email": "secret@cybs.com"}}, {}}}"#,
                card_data()
            ),
        )])
        .await;
        let body = customer_with_card_data("M-1");
        client(&server.url)
            .patch_customer()
            .customer_id("ABC")
            .body(body)
            .send()
            .await
            .unwrap();
    });
    let spans = capture.spans.lock().unwrap();
    let span = spans
        .iter()
        .find(|s| s.get("operation_id").map(String::as_str) == Some("patchCustomer"))
        .unwrap_or_else(|| panic!("no operation span in {spans:?}"));
    assert_eq!(span["method"], "PATCH");
    assert_eq!(span["path"], "/tms/v2/customers/ABC");
    assert_eq!(span["status"], "200");
    assert_eq!(span["correlation_id"], "corr-200");
    assert_eq!(span["attempt"], "1");
    assert!(span["duration_ms"].parse::<u64>().is_ok());
    let events = capture.events.lock().unwrap().join("\n");
    assert!(
        events.contains("request body") && events.contains("response body"),
        "{events}"
    );
    for secret in [
        "hidden@cybs.com",
        "secret@cybs.com",
        "Bearer",
        "yBJxy6",
        tests::CARD_NUMBER,
        tests::SECURITY_CODE,
    ] {
        assert!(!events.contains(secret), "`{secret}` logged: {events}");
    }
    assert!(
        events.contains("M-1") && events.contains("****"),
        "{events}"
    );
    drop((events, spans));
    capture.events.lock().unwrap().clear();

    // With request MLE, the plaintext is logged masked before it is encrypted; what
    // goes out is the wrapper.
    runtime.block_on(async {
        let server = scripted(vec![answer("200 OK", "", r#"{"id": "ABC"}"#)]).await;
        let body = customer_with_card_data("M-2");
        tests::calls::signing_builder(&server.url)
            .mle_request(true)
            .mle_request_certificate(tests::fixture_path("mle/cybs_request_mle_cert.pem"))
            .build()
            .unwrap()
            .patch_customer()
            .customer_id("ABC")
            .body(body)
            .send()
            .await
            .unwrap();
    });
    let events = capture.events.lock().unwrap().join("\n");
    assert!(
        events.contains("request body, before encryption")
            && events.contains("M-2")
            && events.contains("encryptedRequest"),
        "{events}"
    );
    for secret in ["hidden@cybs.com", tests::CARD_NUMBER, tests::SECURITY_CODE] {
        assert!(!events.contains(secret), "`{secret}` logged: {events}");
    }
    drop(events);
    capture.events.lock().unwrap().clear();

    // A certificate within 90 days of its end (the fixture's ends 2036-11-27) is a
    // warning when the client is built, not an error; further away, nothing.
    for (now, warned) in [(2_110_000_000, true), (2_000_000_000, false)] {
        tests::calls::signing_builder("http://127.0.0.1:9")
            .clock(move || std::time::UNIX_EPOCH + std::time::Duration::from_secs(now))
            .mle_request(true)
            .mle_request_certificate(tests::fixture_path("mle/cybs_request_mle_cert.pem"))
            .build()
            .unwrap();
        let events = std::mem::take(&mut *capture.events.lock().unwrap()).join("\n");
        assert_eq!(
            events.contains("the MLE certificate expires in"),
            warned,
            "{now}: {events}"
        );
    }
}

/// An instrument identifier's body, logged at TRACE: masked, card number, security code
/// and expiry date included.
#[test]
fn an_instrument_identifier_body_is_masked_at_trace() {
    let (capture, _guard, runtime) = traced();
    runtime.block_on(async {
        let server = scripted(vec![answer(
            "201 Created",
            "",
            &format!(
                r#"{{"id": "7010000000016241111", "card": {{"number": "{}", "securityCode": "{}"}}}}"#,
                tests::CARD_NUMBER,
                tests::SECURITY_CODE
            ),
        )])
        .await;
        let body: types::InstrumentIdentifier = tests::built(
            types::InstrumentIdentifier::builder().card(
                types::InstrumentIdentifierCard::builder()
                    .number(tests::CARD_NUMBER.to_owned())
                    .security_code(tests::SECURITY_CODE.to_owned())
                    .expiration_year("2039".to_owned()),
            ),
        );
        client(&server.url)
            .post_instrument_identifier()
            .body(body)
            .send()
            .await
            .unwrap();
    });
    let events = capture.events.lock().unwrap().join("\n");
    assert!(
        events.contains("request body") && events.contains("response body"),
        "{events}"
    );
    for secret in [tests::CARD_NUMBER, tests::SECURITY_CODE, "2039"] {
        assert!(!events.contains(secret), "`{secret}` logged: {events}");
    }
}

/// The span counts the attempts a call took: a 503, then the answer, is attempt 2; and
/// it records the status and correlation id of the answer returned, not the first one.
#[test]
fn the_span_counts_the_attempts() {
    let (capture, _guard, runtime) = traced();
    runtime.block_on(async {
        let server = scripted(vec![
            answer("503 Service Unavailable", "", "{}"),
            answer("200 OK", "", r#"{"id": "ABC"}"#),
        ])
        .await;
        let policy = customer_client::RetryPolicy {
            min_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(1),
            ..customer_client::RetryPolicy::default()
        };
        tests::calls::signing_builder(&server.url)
            .retry(policy)
            .build()
            .unwrap()
            .get_customer()
            .customer_id("ABC")
            .send()
            .await
            .unwrap();
    });
    let spans = capture.spans.lock().unwrap();
    let span = spans
        .iter()
        .find(|s| s.get("operation_id").map(String::as_str) == Some("getCustomer"))
        .unwrap_or_else(|| panic!("no operation span in {spans:?}"));
    assert_eq!(span["attempt"], "2", "{span:?}");
    assert_eq!(span["status"], "200", "{span:?}");
    assert_eq!(span["correlation_id"], "corr-200", "{span:?}");
}
