//! What the benchmarks in `benches/client.rs` and the instruction counts of
//! `examples/calls.rs` share: a minimal hyper server on loopback that answers like TMS,
//! the bodies (a full create request, the largest possible customer), the contenders
//! (the generated client, the hand-written baselines: reqwest, raw hyper), and the
//! ratio report read back from criterion's estimates.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use customer_client::{Client, ClientBuilder, Environment, types};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};

/// The documented media type, sent by every client here.
pub const JSON_UTF8: &str = "application/json;charset=utf-8";
/// The customer id every benchmark asks for.
pub const CUSTOMER_ID: &str = "F2F3ADA770102B51E053A2598D0A9078";

/// What TMS returns for a GET: the developer guide's retrieve-customer response.
pub const RETRIEVED_CUSTOMER: &[u8] =
    include_bytes!("../../tests/fixtures/samples/retrieve-customer.response.devguide.json");
const SPEC: &str = include_str!("../../openapi/tms-customers.yaml");

/// The official SDK's encrypted retrieve answer (`{"encryptedResponse": …}`, RSA-2048,
/// for the merchant key of `tests/fixtures/mle/`).
pub fn encrypted_customer() -> Bytes {
    let vectors: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/mle/vectors.json"))
            .expect("the MLE vectors");
    let wrapper = vectors["encrypted_responses"][1]["wrapper_json"]
        .as_str()
        .expect("a wrapper");
    Bytes::from(wrapper.to_owned())
}

/// A JWT-signing client for `base_url` with request MLE (`request`) and response MLE
/// (`response`) configured with the vectors' keys.
pub fn mle_client(base_url: &str, request: bool, response: bool) -> Client {
    let fixture = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/mle/{name}"))
    };
    let mut builder = Client::builder(Environment::custom(base_url).expect("a base URL"))
        .credentials(credentials(false))
        .mle_request(request)
        .mle_request_certificate(fixture("cybs_request_mle_cert.pem"));
    if response {
        builder = builder
            .mle_response_key(fixture("merchant_response_mle_private_key.pem"), None)
            .mle_response_kid("testrestRespMle0001");
    }
    builder.build().expect("an MLE client")
}

/// Starts the server on 127.0.0.1 (an ephemeral port) on the current tokio runtime,
/// answering every request with `customer`, and returns its base URL.
///
/// Like TMS: it reads the whole request, then answers 201 (with `Location`) to POST,
/// 200 otherwise, with the documented content type, `ETag`, `v-c-correlation-id` and
/// `uniqueTransactionID`.
pub async fn start_server(customer: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let customer = customer.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request| answer(request, customer.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{address}")
}

async fn answer(
    request: Request<Incoming>,
    customer: Bytes,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let created = request.method() == Method::POST;
    // Read what was sent, as a real server must.
    let _ = request.into_body().collect().await;
    let mut response = Response::builder()
        .status(if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        })
        .header("content-type", JSON_UTF8)
        .header("etag", "\"B3F7E1B09B7A4A1D\"")
        .header("v-c-correlation-id", "3d0d1c4e-0b4f-4b0e-9f57-3b6b2b7c2f10")
        .header("uniquetransactionid", "6a2b7c1d9e8f4a3b2c1d0e9f8a7b6c5d");
    if created {
        response = response.header("location", format!("/tms/v2/customers/{CUSTOMER_ID}"));
    }
    Ok(response
        .body(Full::new(customer))
        .expect("a valid response"))
}

/// A create request with every writable field of the customer filled (checked
/// against the spec by [`writable_paths`] before the benchmark runs).
pub fn full_create_request() -> Value {
    json!({
        "id": CUSTOMER_ID,
        "objectInformation": {
            "title": "Customer of the month",
            "comment": "Prefers delivery before noon; card on file since 2019."
        },
        "buyerInformation": {
            "merchantCustomerID": "Your customer identifier",
            "email": "test@cybs.com"
        },
        "clientReferenceInformation": { "code": "TC50171_3" },
        "merchantDefinedInformation": [
            { "name": "data1", "value": "Your customer data" },
            { "name": "data2", "value": "More of your customer data" }
        ],
        "defaultPaymentInstrument": { "id": "F2F3B9B0F6A4B41CE053A2598D0A8C3C" },
        "defaultShippingAddress": { "id": "F2F3C6FB59A0CE5EE053A2598D0A9B8E" }
    })
}

/// The paths (`$.a.b`, `$.list[*].c`) of every writable leaf of the spec's customer.
pub fn writable_paths() -> Vec<String> {
    let mut paths = Vec::new();
    walk(&customer_schema(), "$", &mut |path, schema| {
        if !is_read_only(schema) && !is_container(schema) {
            paths.push(path.to_owned());
        }
        !is_read_only(schema)
    });
    paths.sort();
    paths
}

/// The paths of every leaf of a JSON value, arrays as `[*]`.
pub fn leaf_paths(value: &Value) -> Vec<String> {
    fn visit(value: &Value, path: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| visit(v, &format!("{path}.{k}"), out)),
            Value::Array(items) => items
                .iter()
                .for_each(|v| visit(v, &format!("{path}[*]"), out)),
            _ => out.push(path.to_owned()),
        }
    }
    let mut out = Vec::new();
    visit(value, "$", &mut out);
    out.sort();
    out.dedup();
    out
}

/// The largest customer the spec allows: every field of the tree, `_embedded`
/// included, strings at their maximum length (64 characters when unbounded), arrays
/// with two items.
pub fn largest_customer() -> Value {
    fill(&customer_schema())
}

fn fill(schema: &Value) -> Value {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let mut object = Map::new();
        for (name, property) in properties {
            object.insert(name.clone(), fill(&resolve(property)));
        }
        return Value::Object(object);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = fill(&resolve(&schema["items"]));
            Value::Array(vec![item.clone(), item])
        }
        Some("integer") => json!(123456),
        Some("number") => json!(1234.5),
        Some("boolean") => json!(true),
        _ => {
            if let Some(first) = schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
            {
                return first.clone();
            }
            let length = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .unwrap_or(64)
                .min(256) as usize;
            json!("7".repeat(length))
        }
    }
}

fn spec() -> &'static Value {
    static SPEC_VALUE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC_VALUE.get_or_init(|| serde_norway::from_str(SPEC).expect("the spec is YAML"))
}

fn customer_schema() -> Value {
    spec()["components"]["schemas"]["Customer"].clone()
}

/// `schema` with its `$ref` followed, and a one-element `allOf` (how the spec marks a
/// shared component read-only where it is embedded) merged with its siblings.
fn resolve(schema: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.trim_start_matches('#');
        return resolve(spec().pointer(pointer).expect("a $ref the spec defines"));
    }
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        let mut merged = resolve(only);
        if let (Value::Object(merged), Value::Object(siblings)) = (&mut merged, schema) {
            for (key, value) in siblings.iter().filter(|(key, _)| *key != "allOf") {
                merged.insert(key.clone(), value.clone());
            }
        }
        return merged;
    }
    schema.clone()
}

fn is_read_only(schema: &Value) -> bool {
    schema.get("readOnly").and_then(Value::as_bool) == Some(true)
}

fn is_container(schema: &Value) -> bool {
    schema.get("properties").is_some() || schema.get("items").is_some()
}

/// Visits every node below `schema`; `visit` returns whether to descend.
fn walk(schema: &Value, path: &str, visit: &mut dyn FnMut(&str, &Value) -> bool) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let property = resolve(property);
            let child = format!("{path}.{name}");
            if visit(&child, &property) {
                walk(&property, &child, visit);
            }
        }
    }
    if let Some(items) = schema.get("items") {
        let items = resolve(items);
        let child = format!("{path}[*]");
        if visit(&child, &items) {
            walk(&items, &child, visit);
        }
    }
}

/// Requests in flight in the concurrency benchmark.
pub const IN_FLIGHT: usize = 64;

/// A generated client for `base_url`, signing with `credentials` when given.
pub fn client(base_url: &str, credentials: Option<customer_client::Credentials>) -> Client {
    let mut builder = Client::builder(Environment::custom(base_url).expect("a base URL"));
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    builder.build().expect("a client")
}

/// One `get_customer` through the generated client (borrowed, as the baselines
/// borrow theirs).
pub async fn get(client: &Client) -> types::Customer {
    client
        .get_customer()
        .customer_id(CUSTOMER_ID)
        .send()
        .await
        .expect("a customer")
        .into_inner()
}

/// One `post_customer` through the generated client, handed an owned customer as
/// the baseline is.
pub async fn post(client: &Client, customer: types::Customer) -> types::Customer {
    client
        .post_customer()
        .body(customer)
        .send()
        .await
        .expect("a customer")
        .into_inner()
}

/// One `post_customer` as the README writes it: the quickstart body (the fields of
/// `tests/fixtures/samples/create-customer.request.json`) built with the generated
/// builders in the call, as a user builds a body from data of their own.
pub async fn post_built(client: &Client) -> types::Customer {
    client
        .post_customer()
        .body(quickstart_body())
        .send()
        .await
        .expect("a customer")
        .into_inner()
}

/// The quickstart body, as the README builds a body.
pub fn quickstart_body() -> types::builder::Customer {
    types::Customer::builder()
        .buyer_information(
            types::BuyerInformation::builder()
                .merchant_customer_id("Your customer identifier".to_owned())
                .email("test@cybs.com".to_owned()),
        )
        .client_reference_information(
            types::ClientReferenceInformation::builder().code("TC50171_3".to_owned()),
        )
        .merchant_defined_information(vec![
            types::MerchantDefinedField::builder()
                .name("data1".to_owned())
                .value("Your customer data".to_owned())
                .try_into()
                .expect("a field"),
        ])
}

/// The `<contender> <batches>` arguments of an instruction-counting example (`program`,
/// one of `contenders`); prints the usage and exits with 2 when they are not.
pub fn contender_and_batches(program: &str, contenders: &[&str]) -> (String, usize) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (
        args.first().filter(|c| contenders.contains(&c.as_str())),
        args.get(1).map(|b| b.parse::<usize>()),
    ) {
        (Some(contender), Some(Ok(batches))) => (contender.clone(), batches),
        _ => {
            eprintln!("usage: {program} <{}> <batches>", contenders.join("|"));
            std::process::exit(2);
        }
    }
}

/// `IN_FLIGHT` calls at once, each a task of its own, until all have finished.
pub async fn batch<F, R>(call: F)
where
    F: Fn() -> R,
    R: std::future::Future + Send + 'static,
    R::Output: Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        tasks.spawn(call());
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("the task finished");
    }
}

/// The three contenders of the concurrency benchmark, as batch makers.
pub struct Contenders {
    generated: Client,
    reqwest: reqwest::Client,
    raw: RawClient,
    base_url: String,
}

impl Contenders {
    /// One client of each kind for `base_url`.
    pub fn new(base_url: &str) -> Self {
        Self {
            generated: client(base_url, None),
            reqwest: reqwest_client(),
            raw: raw_hyper_client(),
            base_url: base_url.to_owned(),
        }
    }

    /// The generated client the concurrent calls share.
    pub fn generated_client(&self) -> &Client {
        &self.generated
    }

    /// One batch through the generated client.
    pub async fn generated(&self) {
        batch(|| {
            let client = self.generated.clone();
            async move { get(&client).await }
        })
        .await
    }

    /// One batch through hand-written reqwest.
    pub async fn reqwest(&self) {
        batch(|| {
            let (http, base_url) = (self.reqwest.clone(), self.base_url.clone());
            async move { reqwest_get(&http, &base_url).await }
        })
        .await
    }

    /// One batch through raw hyper.
    pub async fn raw(&self) {
        batch(|| {
            let (raw, base_url) = (self.raw.clone(), self.base_url.clone());
            async move { raw_hyper_get(&raw, &base_url).await }
        })
        .await
    }
}

/// The hand-written reqwest baseline: the same GET the generated client sends
/// (path, `Accept`, `v-c-client-id`, user agent), the same typed decode.
pub async fn reqwest_get(http: &reqwest::Client, base_url: &str) -> types::Customer {
    let response = http
        .get(format!("{base_url}/tms/v2/customers/{CUSTOMER_ID}"))
        .header(reqwest::header::ACCEPT, JSON_UTF8)
        .header("v-c-client-id", customer_client::USER_AGENT)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("a whole body");
    serde_json::from_slice(&body).expect("a customer")
}

/// The hand-written reqwest baseline of create: serialise, POST, decode. Handed an
/// owned customer, as the generated client's builder is.
pub async fn reqwest_post(
    http: &reqwest::Client,
    base_url: &str,
    customer: types::Customer,
) -> types::Customer {
    let response = http
        .post(format!("{base_url}/tms/v2/customers"))
        .header(reqwest::header::ACCEPT, JSON_UTF8)
        .header(reqwest::header::CONTENT_TYPE, JSON_UTF8)
        .header("v-c-client-id", customer_client::USER_AGENT)
        .body(serde_json::to_vec(&customer).expect("a customer serialises"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 201);
    let body = response.bytes().await.expect("a whole body");
    serde_json::from_slice(&body).expect("a customer")
}

/// reqwest configured as carefully as the generated client is (the same user agent,
/// the same 30 s request and 10 s connect timeouts), for the baselines.
pub fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(customer_client::USER_AGENT)
        .timeout(ClientBuilder::DEFAULT_TIMEOUT)
        .connect_timeout(ClientBuilder::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .expect("a reqwest client")
}

/// A raw hyper client (hyper-util's pooled client), the floor for concurrency. Like
/// every contender it sends the same request and decodes the same body within the
/// same 30 s timeout ([`raw_hyper_get`]).
pub type RawClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Empty<Bytes>,
>;

pub fn raw_hyper_client() -> RawClient {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector)
}

/// The same GET through raw hyper, with the same typed decode, within the same 30 s
/// timeout as the other contenders (a production client has one; it costs a timer).
pub async fn raw_hyper_get(client: &RawClient, base_url: &str) -> types::Customer {
    tokio::time::timeout(ClientBuilder::DEFAULT_TIMEOUT, raw_get(client, base_url))
        .await
        .expect("an answer within 30 s")
}

async fn raw_get(client: &RawClient, base_url: &str) -> types::Customer {
    let request = Request::get(format!("{base_url}/tms/v2/customers/{CUSTOMER_ID}"))
        .header("accept", JSON_UTF8)
        .header("user-agent", customer_client::USER_AGENT)
        .header("v-c-client-id", customer_client::USER_AGENT)
        .body(Empty::new())
        .expect("a valid request");
    let response = client.request(request).await.expect("the server answers");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a whole body")
        .to_bytes();
    serde_json::from_slice(&body).expect("a customer")
}

/// Test credentials (the secret is the official vectors' throwaway key).
pub fn credentials(http_signature: bool) -> customer_client::Credentials {
    let (merchant, key, secret) = (
        "testrest",
        "08c94330-f618-42a3-b09d-e1e43be5efda",
        "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=",
    );
    if http_signature {
        customer_client::Credentials::http_signature(merchant, key, secret)
    } else {
        customer_client::Credentials::jwt_shared_secret(merchant, key, secret)
    }
    .expect("valid test credentials")
}

/// A fixed instant, so signing benchmarks do the same work every time.
pub fn fixed_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_764_000_000)
}

/// The median, over `rounds` rounds, of `time(a) / time(b)`, where each round times
/// `per_round` calls of `a` and of `b` back to back (which goes first alternates).
/// Criterion measures one benchmark after the other, seconds apart, and this machine's
/// speed drifts by more than the differences being judged (BENCHMARKS.md); pairs
/// measured together cancel it.
pub fn interleaved<FA, RA, FB, RB>(
    rt: &tokio::runtime::Runtime,
    rounds: usize,
    per_round: usize,
    mut a: FA,
    mut b: FB,
) -> f64
where
    FA: FnMut() -> RA,
    RA: std::future::Future,
    FB: FnMut() -> RB,
    RB: std::future::Future,
{
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (time_a, time_b) = if round % 2 == 0 {
            let time_a = timed(rt, per_round, &mut a);
            (time_a, timed(rt, per_round, &mut b))
        } else {
            let time_b = timed(rt, per_round, &mut b);
            (timed(rt, per_round, &mut a), time_b)
        };
        ratios.push(time_a / time_b);
    }
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

fn timed<F, R>(rt: &tokio::runtime::Runtime, calls: usize, f: &mut F) -> f64
where
    F: FnMut() -> R,
    R: std::future::Future,
{
    rt.block_on(async {
        let started = std::time::Instant::now();
        for _ in 0..calls {
            std::hint::black_box(f().await);
        }
        started.elapsed().as_secs_f64()
    })
}

/// One comparison of the report: `subject` against `baseline` (criterion ids
/// `group/function`), with a target on the ratio `subject / baseline`.
pub struct Ratio {
    pub label: &'static str,
    pub subject: &'static str,
    pub baseline: &'static str,
    /// The ratio must be at most this (times) or, for throughput, at least this.
    pub target: Target,
}

/// What a ratio or a figure must meet.
pub enum Target {
    /// `subject / baseline` time at most this.
    TimeRatioAtMost(f64),
    /// Throughput `baseline time / subject time` at least this.
    ThroughputRatioAtLeast(f64),
    /// The subject's median at most this many nanoseconds (no baseline).
    MedianAtMostNs(f64),
    /// Throughput `baseline time / subject time`, reported only.
    ThroughputOnly,
    /// Reported only.
    None,
}

/// Where criterion writes its estimates: `target/criterion` of this workspace.
pub fn criterion_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("criterion")
}

/// The median (ns) criterion measured for `id` (`group/function`) since `since`:
/// older estimates belong to an earlier run and are not used.
pub fn median_ns(id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir().join(id).join("new").join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let estimates: Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// The report printed after the run: each median, each ratio, and whether its target
/// holds. Comparisons whose benchmarks did not run (a filter) are left out.
pub fn report(
    ratios: &[Ratio],
    since: SystemTime,
    interleaved: &std::collections::HashMap<&str, f64>,
) -> String {
    let mut out = String::from("\nratios (criterion medians of this run)\n");
    for ratio in ratios {
        let Some(subject) = median_ns(ratio.subject, since) else {
            continue;
        };
        let baseline = median_ns(ratio.baseline, since);
        let line = match (&ratio.target, baseline) {
            (Target::TimeRatioAtMost(max), Some(base)) => {
                let r = subject / base;
                format!(
                    "{:<44} {:>10} vs {:>10}  ratio {r:.3}  target ≤ {max:.2}  {}",
                    ratio.label,
                    time(subject),
                    time(base),
                    verdict(r <= *max)
                )
            }
            (Target::ThroughputRatioAtLeast(min), Some(base)) => {
                let r = base / subject;
                format!(
                    "{:<44} {:>10} vs {:>10}  throughput ratio {r:.3}  target ≥ {min:.2}  {}",
                    ratio.label,
                    time(subject),
                    time(base),
                    verdict(r >= *min)
                )
            }
            (Target::MedianAtMostNs(max), _) => format!(
                "{:<44} {:>10}  target ≤ {}  {}",
                ratio.label,
                time(subject),
                time(*max),
                verdict(subject <= *max)
            ),
            (Target::ThroughputOnly, Some(base)) => format!(
                "{:<44} {:>10} vs {:>10}  throughput ratio {:.3}",
                ratio.label,
                time(subject),
                time(base),
                base / subject
            ),
            (Target::None, Some(base)) => format!(
                "{:<44} {:>10} vs {:>10}  ratio {:.3}",
                ratio.label,
                time(subject),
                time(base),
                subject / base
            ),
            (_, None) => format!("{:<44} {:>10}", ratio.label, time(subject)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !interleaved.is_empty() {
        out.push_str("\nratios measured interleaved (median of per-round ratios)\n");
    }
    for ratio in ratios {
        let Some(r) = interleaved.get(ratio.label) else {
            continue;
        };
        let line = match ratio.target {
            Target::TimeRatioAtMost(max) => format!(
                "{:<44} ratio {r:.3}  target ≤ {max:.2}  {}",
                ratio.label,
                verdict(*r <= max)
            ),
            Target::ThroughputRatioAtLeast(min) => format!(
                "{:<44} throughput ratio {:.3}  target ≥ {min:.2}  {}",
                ratio.label,
                1.0 / r,
                verdict(1.0 / r >= min)
            ),
            Target::ThroughputOnly => {
                format!("{:<44} throughput ratio {:.3}", ratio.label, 1.0 / r)
            }
            _ => format!("{:<44} ratio {r:.3}", ratio.label),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

#[cfg(test)]
mod tests {
    /// The body built with the builders is the quickstart fixture, byte for byte once
    /// parsed (`benchmarks/versus` posts it against openapi-generator's).
    #[test]
    fn the_built_quickstart_body_is_the_fixture() {
        let built: customer_client::types::Customer =
            super::quickstart_body().try_into().expect("a customer");
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/samples/create-customer.request.json"
        ))
        .expect("JSON");
        assert_eq!(serde_json::to_value(built).expect("JSON"), fixture);
    }
}
