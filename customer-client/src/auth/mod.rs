//! Request authentication as CyberSource's official SDKs perform it: who signs
//! (`credentials.rs`: [`Credentials`]), the two algorithms
//! ([`http_signature`], [`jwt`]: pure functions of the request and the clock, tested
//! against the official vectors), and [`authenticate`], which adds their headers to a
//! request about to be sent. It signs the request as it is and changes nothing but
//! headers.

pub(crate) mod credentials;
pub mod http_signature;
pub mod jwt;

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, DATE, HeaderValue};

use crate::Error;
use crate::wire::{DIGEST, MERCHANT_ID, SIGNATURE};
use credentials::Credentials;

/// The `Host` value the request goes out with: host, plus `:port` when the URL names
/// one (a default port is dropped when the URL is parsed). Borrowed from the URL.
pub fn host_of(url: &reqwest::Url) -> &str {
    &url[url::Position::BeforeHost..url::Position::AfterPort]
}

/// The path with `?query` when there is one, as signed. Borrowed from the URL.
pub fn request_target_of(url: &reqwest::Url) -> &str {
    &url[url::Position::BeforePath..url::Position::AfterQuery]
}

/// Adds the authentication headers of `credentials` to `request`, for `now`, with
/// `token_id` as the JWT id and, for a JWT, `response_mle_kid` as the key id its
/// answer is to be encrypted to (message-level encryption; `None`: plaintext).
///
/// The client calls this for every attempt of every operation; it is public for
/// signing requests the generated client does not make, and for benchmarks. A
/// failure is [`Error::Config`] naming what could not be signed (a streaming body, a
/// value that is not header text), never with secret values.
pub fn authenticate(
    credentials: &Credentials,
    request: &mut reqwest::Request,
    now: SystemTime,
    token_id: &str,
    response_mle_kid: Option<&str>,
) -> Result<(), Error> {
    // The body and URL are read in place (no copies): the headers are computed
    // first, added after.
    let url = request.url();
    let (host, target) = (host_of(url), request_target_of(url));
    let method = request.method().as_str();
    let body: &[u8] = match request.body() {
        Some(body) => body
            .as_bytes()
            .ok_or_else(|| failure("request body", "a streaming body cannot be signed"))?,
        None => &[],
    };
    let mut added = Vec::with_capacity(4);
    match credentials {
        Credentials::HttpSignature(key) => {
            let date = httpdate::fmt_http_date(now);
            let signed = http_signature::sign_with_key(
                &http_signature::SigningInput {
                    host,
                    date: &date,
                    method,
                    request_target: target,
                    body,
                    signing_merchant_id: key.portfolio_id.as_deref().unwrap_or(&key.merchant_id),
                    key_id: &key.key_id,
                },
                &key.hmac_key,
            );
            added.push((MERCHANT_ID, value(&key.merchant_id, false)?));
            added.push((DATE, owned_value(date, false)?));
            if let Some(digest) = signed.digest {
                added.push((DIGEST, owned_value(digest, true)?));
            }
            added.push((SIGNATURE, owned_value(signed.signature, true)?));
        }
        jwt_credentials => {
            let claims = jwt::claims(&token_input(
                host,
                method,
                target,
                body,
                jwt_credentials.merchant_id(),
                jwt_credentials.portfolio_id(),
                now,
                token_id,
                response_mle_kid,
            ));
            let bearer = jwt_credentials
                .bearer(&claims)
                .ok_or_else(|| failure("credentials", "these credentials do not sign JWTs"))??;
            added.push((AUTHORIZATION, owned_value(bearer, true)?));
        }
    }
    // Insert, not append: a retried request is signed again over its old headers.
    let headers = request.headers_mut();
    for (name, value) in added {
        headers.insert(name, value);
    }
    Ok(())
}

/// Seconds since the Unix epoch (0 for a clock set before it): JWT `iat`, the JWE
/// header's `iat`, certificate expiry.
pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[allow(clippy::too_many_arguments)]
fn token_input<'a>(
    host: &'a str,
    method: &'a str,
    target: &'a str,
    body: &'a [u8],
    merchant_id: &'a str,
    portfolio_id: Option<&'a str>,
    now: SystemTime,
    token_id: &'a str,
    response_mle_kid: Option<&'a str>,
) -> jwt::TokenInput<'a> {
    jwt::TokenInput {
        host,
        method,
        request_target: target,
        body,
        merchant_id,
        issuer: portfolio_id.unwrap_or(merchant_id),
        issued_at: unix_seconds(now),
        token_id,
        response_mle_kid,
    }
}

fn failure(setting: &str, message: &str) -> Error {
    Error::Config {
        setting: setting.to_owned(),
        message: message.to_owned(),
    }
}

fn not_header_text() -> Error {
    failure(
        "credentials",
        "an authentication header would not be valid header text",
    )
}

/// Like [`value`], keeping the string's memory instead of copying it.
fn owned_value(text: String, sensitive: bool) -> Result<HeaderValue, Error> {
    let mut value =
        HeaderValue::from_maybe_shared(bytes::Bytes::from(text)).map_err(|_| not_header_text())?;
    value.set_sensitive(sensitive);
    Ok(value)
}

fn value(text: &str, sensitive: bool) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(text).map_err(|_| not_header_text())?;
    value.set_sensitive(sensitive);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

    fn signed(
        credentials: &Credentials,
        method: reqwest::Method,
        body: Option<&str>,
    ) -> reqwest::Request {
        let url = reqwest::Url::parse("https://apitest.cybersource.com/tms/v2/customers").unwrap();
        let mut request = reqwest::Request::new(method, url);
        if let Some(body) = body {
            *request.body_mut() = Some(reqwest::Body::from(body.to_owned()));
        }
        authenticate(credentials, &mut request, UNIX_EPOCH, "id", None).unwrap();
        request
    }

    #[test]
    fn secret_bearing_headers_are_marked_sensitive() {
        let http = Credentials::http_signature("m", "k", SECRET).unwrap();
        let request = signed(&http, reqwest::Method::POST, Some("{}"));
        for name in ["signature", "digest"] {
            assert!(request.headers()[name].is_sensitive(), "{name}");
        }
        assert!(!request.headers()["v-c-merchant-id"].is_sensitive());
        let jwt = Credentials::jwt_shared_secret("m", "k", SECRET).unwrap();
        let request = signed(&jwt, reqwest::Method::GET, None);
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
        // reqwest's own Debug of the headers hides sensitive values.
        assert!(format!("{:?}", request.headers()).contains("Sensitive"));
    }

    #[test]
    fn signing_changes_headers_only() {
        let http = Credentials::http_signature("m", "k", SECRET).unwrap();
        let request = signed(&http, reqwest::Method::POST, None);
        assert!(request.body().is_none(), "the body is left as it was");
        assert_eq!(
            request.headers()["digest"],
            http_signature::digest(b"").as_str()
        );
        let request = signed(&http, reqwest::Method::POST, Some("{\"a\":1}"));
        assert_eq!(
            request.body().and_then(|b| b.as_bytes()),
            Some(&b"{\"a\":1}"[..])
        );
    }

    /// A JWT covers the query string: the list operations page with `?offset=&limit=`.
    #[test]
    fn a_jwt_covers_the_path_with_its_query() {
        let jwt = Credentials::jwt_shared_secret("m", "k", SECRET).unwrap();
        let url = reqwest::Url::parse(
            "https://apitest.cybersource.com/tms/v2/customers/A/shipping-addresses?offset=20&limit=10",
        )
        .unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        authenticate(&jwt, &mut request, UNIX_EPOCH, "id", None).unwrap();
        let bearer = request.headers()[AUTHORIZATION].to_str().unwrap();
        let token = bearer.strip_prefix("Bearer ").unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            claims["request-resource-path"],
            "/tms/v2/customers/A/shipping-addresses?offset=20&limit=10"
        );
    }

    #[test]
    fn host_and_target_include_port_and_query() {
        let url = reqwest::Url::parse("http://127.0.0.1:4010/tms/v2/customers/A?x=1").unwrap();
        assert_eq!(host_of(&url), "127.0.0.1:4010");
        assert_eq!(request_target_of(&url), "/tms/v2/customers/A?x=1");
        let url = reqwest::Url::parse("https://api.cybersource.com:443/tms").unwrap();
        assert_eq!(host_of(&url), "api.cybersource.com");
        // Slices of the URL: user info is not part of the host, brackets are, and an
        // empty query still shows its `?`, as it goes out on the request line.
        let url = reqwest::Url::parse("https://user:secret@[::1]:8443/tms/v2?").unwrap();
        assert_eq!(host_of(&url), "[::1]:8443");
        assert_eq!(request_target_of(&url), "/tms/v2?");
        let url = reqwest::Url::parse("https://apitest.cybersource.com/tms#fragment").unwrap();
        assert_eq!(host_of(&url), "apitest.cybersource.com");
        assert_eq!(request_target_of(&url), "/tms");
    }
}
