//! Checks a request's HTTP Signature or JWT against the mock's credentials, with code
//! of its own (RustCrypto's HMAC and SHA-256, jsonwebtoken), never the client's
//! signer: a signing bug in the client cannot also pass here. Claims are compared as
//! CyberSource must compare them, given what its official SDKs send (customer-mock's
//! README, "What it checks").

use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far a request's date (HTTP Signature) or a JWT's `iat` may be from the mock's
/// clock, either way. CyberSource documents no window; five minutes is the one the
/// HTTP Signatures draft's security review recommends, and the README says so.
pub const FRESHNESS_WINDOW: Duration = Duration::from_secs(300);

/// The host names a JWT's `request-host` may name besides the host the request
/// reached: those the mock stands in for. By default CyberSource's (sandbox,
/// production, India).
pub const CYBERSOURCE_HOSTS: [&str; 3] = [
    "apitest.cybersource.com",
    "api.cybersource.com",
    "api.in.cybersource.com",
];

/// Whether CyberSource expects a body digest for `method`.
fn digested(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// Standard base64 of the body's SHA-256.
fn body_digest(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The keys the mock accepts for one merchant: a shared secret, for HTTP Signature and
/// JWT (HS256), and the merchant's certificate, for JWT signed with its P12 key (RS256).
#[derive(Clone)]
pub struct MockCredentials {
    /// The merchant id requests must carry.
    pub merchant_id: String,
    /// The key id requests must name.
    pub key_id: String,
    /// The decoded shared secret; empty when only the certificate is accepted.
    pub secret: Vec<u8>,
    /// The merchant's certificate, for RS256 JWTs; `None`: RS256 is refused.
    pub certificate: Option<MerchantCertificate>,
}

impl MockCredentials {
    /// From the merchant id, key id and base64 secret, as CyberSource issues them.
    pub fn new(merchant_id: &str, key_id: &str, secret_base64: &str) -> Result<Self, String> {
        let secret = STANDARD
            .decode(secret_base64.trim())
            .map_err(|_| "the secret key is not valid base64".to_owned())?;
        if secret.is_empty() {
            return Err("the secret key is empty".to_owned());
        }
        Ok(Self {
            merchant_id: merchant_id.to_owned(),
            key_id: key_id.to_owned(),
            secret,
            certificate: None,
        })
    }

    /// Only the merchant's certificate: JWTs signed with its P12 key (RS256), nothing
    /// else.
    pub fn certificate_only(merchant_id: &str, certificate: MerchantCertificate) -> Self {
        Self {
            merchant_id: merchant_id.to_owned(),
            key_id: String::new(),
            secret: Vec::new(),
            certificate: Some(certificate),
        }
    }

    /// The same, accepting JWTs signed with the merchant's P12 key (RS256) too.
    pub fn with_certificate(mut self, certificate: MerchantCertificate) -> Self {
        self.certificate = Some(certificate);
        self
    }
}

impl std::fmt::Debug for MockCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockCredentials")
            .field("merchant_id", &self.merchant_id)
            .field("key_id", &"<redacted>")
            .field("secret", &"<redacted>")
            .field("certificate", &self.certificate)
            .finish()
    }
}

/// The merchant's certificate, as the mock needs it to verify RS256 JWTs: its RSA
/// public key, and the id the official SDKs send as `kid`, the certificate subject's
/// `serialNumber` attribute (the official vectors' `kid`).
#[derive(Clone)]
pub struct MerchantCertificate {
    kid: String,
    /// PKCS#1 `RSAPublicKey`, DER.
    public_key: Vec<u8>,
}

impl std::fmt::Debug for MerchantCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MerchantCertificate")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl MerchantCertificate {
    /// From a certificate, PEM or DER.
    pub fn from_certificate(bytes: &[u8]) -> Result<Self, String> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let der = match x509_parser::pem::parse_x509_pem(bytes) {
            Ok((_, pem)) => pem.contents,
            Err(_) => bytes.to_vec(),
        };
        let (_, certificate) = X509Certificate::from_der(&der)
            .map_err(|_| "not an X.509 certificate (PEM or DER)".to_owned())?;
        Self::of(&certificate)
    }

    /// From a P12 (PKCS#12) file: the certificate of the key whose certificate's
    /// subject CN is `merchant_id`, as CyberSource issues them.
    pub fn from_pkcs12(p12: &[u8], password: &str, merchant_id: &str) -> Result<Self, String> {
        use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy};
        use x509_parser::prelude::{FromDer, X509Certificate};
        let store = KeyStore::from_pkcs12(p12, password, Pkcs12ImportPolicy::Relaxed)
            .map_err(|_| "cannot be read: wrong password or not a PKCS#12 file".to_owned())?;
        for (_, entry) in store.entries() {
            let KeyStoreEntry::PrivateKeyChain(chain) = entry else {
                continue;
            };
            for cert in chain.certs() {
                let Ok((_, certificate)) = X509Certificate::from_der(cert.as_der()) else {
                    continue;
                };
                let cn = subject(
                    &certificate,
                    &x509_parser::oid_registry::OID_X509_COMMON_NAME,
                );
                if cn.as_deref() == Some(merchant_id) {
                    return Self::of(&certificate);
                }
            }
        }
        Err(format!(
            "holds no key with a certificate for merchant `{merchant_id}`"
        ))
    }

    fn of(certificate: &x509_parser::certificate::X509Certificate<'_>) -> Result<Self, String> {
        let kid = subject(
            certificate,
            &x509_parser::oid_registry::OID_X509_SERIALNUMBER,
        )
        .ok_or("the certificate's subject has no serialNumber")?;
        Ok(Self {
            kid,
            public_key: certificate.public_key().subject_public_key.data.to_vec(),
        })
    }

    /// The `kid` RS256 JWTs must name.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// A subject attribute of `certificate`, as text.
fn subject(
    certificate: &x509_parser::certificate::X509Certificate<'_>,
    oid: &x509_parser::der_parser::Oid<'_>,
) -> Option<String> {
    certificate
        .subject()
        .iter_attributes()
        .find(|a| a.attr_type() == oid)
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
}

/// What was sent, as the signature must cover it, and what it is judged against.
pub(crate) struct Signed<'a> {
    pub method: &'a Method,
    pub target: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The mock's clock, now.
    pub now: SystemTime,
    /// The host names `request-host` may name besides the one the request reached.
    pub stands_in_for: &'a [String],
}

/// Seconds since the Unix epoch (negative before it).
fn unix(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    }
}

/// `Ok` when `at` (seconds since the epoch) is within [`FRESHNESS_WINDOW`] of `now`.
fn fresh(what: &str, at: i64, now: SystemTime) -> Result<(), String> {
    let distance = at.abs_diff(unix(now));
    if distance > FRESHNESS_WINDOW.as_secs() {
        return Err(format!(
            "{what} is {distance} s from the server's clock (at most {} s)",
            FRESHNESS_WINDOW.as_secs()
        ));
    }
    Ok(())
}

/// `Ok` when the request is signed by `credentials`, else why not.
pub(crate) fn verify(credentials: &MockCredentials, request: &Signed<'_>) -> Result<(), String> {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(authorization) = header("authorization") {
        let token = authorization
            .strip_prefix("Bearer ")
            .ok_or("Authorization is not a bearer token")?;
        return verify_jwt(
            credentials,
            request,
            header("host").unwrap_or_default(),
            token,
        );
    }
    // The official SDKs send the date as `v-c-date` too; the signature covers `date`.
    let date = header("v-c-date")
        .or(header("date"))
        .ok_or("no date header")?;
    let date = httpdate::parse_http_date(date).map_err(|_| "the date is not an HTTP date")?;
    fresh("the request's date", unix(date), request.now)?;
    let signature = header("signature").ok_or("no Authorization or Signature header")?;
    if credentials.secret.is_empty() {
        return Err("no shared secret is configured: HTTP Signature is refused".to_owned());
    }
    let fields: Vec<(&str, &str)> = signature
        .split(", ")
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k, v.trim_matches('"')))
        .collect();
    let field = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    if field("keyid") != Some(credentials.key_id.as_str()) {
        return Err("unknown keyid".to_owned());
    }
    if field("algorithm") != Some("HmacSHA256") {
        return Err("the algorithm is not HmacSHA256".to_owned());
    }
    if header("v-c-merchant-id") != Some(credentials.merchant_id.as_str()) {
        return Err("v-c-merchant-id does not match the key".to_owned());
    }
    let expected_headers = if digested(request.method) {
        "host date request-target digest v-c-merchant-id"
    } else {
        "host date request-target v-c-merchant-id"
    };
    if field("headers") != Some(expected_headers) {
        return Err(format!("the signed headers must be `{expected_headers}`"));
    }
    if digested(request.method)
        && header("digest") != Some(format!("SHA-256={}", body_digest(request.body)).as_str())
    {
        return Err("Digest does not match the body".to_owned());
    }
    // The signing string: one `name: value` line per signed header, in their order.
    let mut lines = Vec::new();
    for name in expected_headers.split(' ') {
        let value = match name {
            "request-target" => format!(
                "{} {}",
                request.method.as_str().to_ascii_lowercase(),
                request.target
            ),
            "v-c-merchant-id" => credentials.merchant_id.clone(),
            other => header(other)
                .ok_or_else(|| format!("no {other} header"))?
                .to_owned(),
        };
        lines.push(format!("{name}: {value}"));
    }
    let signed = STANDARD
        .decode(field("signature").unwrap_or_default())
        .map_err(|_| "the signature is not base64".to_owned())?;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&credentials.secret)
        .map_err(|_| "the mock's secret is not an HMAC key".to_owned())?;
    mac.update(lines.join("\n").as_bytes());
    mac.verify_slice(&signed)
        .map_err(|_| "the signature does not verify".to_owned())
}

fn verify_jwt(
    credentials: &MockCredentials,
    request: &Signed<'_>,
    host: &str,
    token: &str,
) -> Result<(), String> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| "malformed JWT".to_owned())?;
    let kid = header.kid.as_deref();
    let key = match header.alg {
        Algorithm::HS256 if credentials.secret.is_empty() => {
            return Err("no shared secret is configured: HS256 is refused".to_owned());
        }
        Algorithm::HS256 if kid == Some(credentials.key_id.as_str()) => {
            DecodingKey::from_secret(&credentials.secret)
        }
        Algorithm::RS256 => {
            let certificate = credentials
                .certificate
                .as_ref()
                .ok_or("no merchant certificate is configured: RS256 is refused")?;
            if kid != Some(certificate.kid()) {
                return Err("unknown kid".to_owned());
            }
            DecodingKey::from_rsa_der(&certificate.public_key)
        }
        Algorithm::HS256 => return Err("unknown kid".to_owned()),
        other => return Err(format!("the JWT algorithm {other:?} is not accepted")),
    };
    let mut validation = Validation::new(header.alg);
    validation.set_required_spec_claims(&["exp"]);
    // Against the mock's clock, below, not the system's.
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|e| format!("the JWT does not verify: {e}"))?
        .claims;
    let claim = |name: &str| claims.get(name).and_then(Value::as_str);
    let number = |name: &str| claims.get(name).and_then(Value::as_i64);
    let mismatch = |name: &str| format!("the JWT claim `{name}` does not match the request");
    let checks = [
        ("v-c-merchant-id", Some(credentials.merchant_id.as_str())),
        ("request-resource-path", Some(request.target)),
    ];
    for (name, expected) in checks {
        if claim(name) != expected {
            return Err(mismatch(name));
        }
    }
    // The Python SDK claims `POST`, the Node SDK `post`: both ship, so both pass.
    if !claim("request-method").is_some_and(|m| m.eq_ignore_ascii_case(request.method.as_str())) {
        return Err(mismatch("request-method"));
    }
    // The SDKs claim the CyberSource host they were configured for, while the request
    // reaches the mock's own address.
    let claimed_host = claim("request-host").unwrap_or_default();
    if claimed_host != host && !request.stands_in_for.iter().any(|h| h == claimed_host) {
        return Err(mismatch("request-host"));
    }
    if digested(request.method) {
        if claim("digest") != Some(body_digest(request.body).as_str()) {
            return Err("the JWT digest does not match the body".to_owned());
        }
        // `digestAlgorithm` (Python SDK, this client) or `digest-algorithm` (Node SDK).
        if claim("digestAlgorithm").or(claim("digest-algorithm")) != Some("SHA-256") {
            return Err("the JWT names no digest algorithm SHA-256".to_owned());
        }
    }
    let now = unix(request.now);
    let exp = number("exp").ok_or("the JWT has no numeric exp")?;
    if now > exp {
        return Err("the JWT has expired".to_owned());
    }
    fresh(
        "the JWT's iat",
        number("iat").ok_or("the JWT has no numeric iat")?,
        request.now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mock clock may stand before the epoch: its seconds are negative then, so a
    /// date is still measured from it, not from its mirror image.
    #[test]
    fn seconds_before_the_epoch_are_negative() {
        assert_eq!(unix(UNIX_EPOCH + Duration::from_secs(5)), 5);
        assert_eq!(unix(UNIX_EPOCH - Duration::from_secs(5)), -5);
        assert!(fresh("a date", -5, UNIX_EPOCH - Duration::from_secs(5)).is_ok());
        assert!(fresh("a date", 5 + 301, UNIX_EPOCH + Duration::from_secs(5)).is_err());
    }
}
