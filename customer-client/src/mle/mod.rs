//! Message Level Encryption (MLE), as CyberSource's official SDKs do it: which
//! operations encrypt their request body or ask for an encrypted answer (the spec's
//! marker, one switch, per-operation overrides), the `{"encryptedRequest": …}` and
//! `{"encryptedResponse": …}` wrappers, and the keys, resolved once when the client
//! is built. The JWE itself is `jwe.rs`, reading key files `keys.rs`: both only with
//! the `mle` feature, which brings aws-lc-rs (RSA-OAEP); without it no key can be
//! configured (`resolve` refuses), and the JWE stand-in below has nothing to compute.

#[cfg(feature = "mle")]
mod jwe;
#[cfg(feature = "mle")]
mod keys;

/// Without the `mle` feature: keys that cannot exist, so encrypting and decrypting
/// cannot be reached, and the policy above them compiles unchanged.
#[cfg(not(feature = "mle"))]
mod jwe {
    pub(crate) type OaepPublicEncryptingKey = std::convert::Infallible;
    pub(crate) type OaepPrivateDecryptingKey = std::convert::Infallible;

    pub(crate) fn encrypt(
        key: &OaepPublicEncryptingKey,
        _: &str,
        _: u64,
        _: &[u8],
    ) -> Result<String, std::convert::Infallible> {
        match *key {}
    }

    pub(crate) fn decrypt(
        key: &OaepPrivateDecryptingKey,
        _: &str,
    ) -> Result<Vec<u8>, std::convert::Infallible> {
        match *key {}
    }
}

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use jwe::{OaepPrivateDecryptingKey, OaepPublicEncryptingKey};
use serde::Deserialize;

use crate::Error;
use crate::rule_model::{Operation, RequestMle};

/// The key alias CyberSource's certificate goes by (its subject CN), unless configured;
/// also the CN of the certificate CyberSource puts in the P12 files it generates.
pub const DEFAULT_REQUEST_KEY_ALIAS: &str = "CyberSource_SJC_US";

/// What one operation encrypts, overriding the switches (see
/// [`ClientBuilder::mle_operation`](crate::ClientBuilder::mle_operation)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MleOperation {
    /// Neither the request nor the answer.
    Off,
    /// The request body only.
    Request,
    /// The answer only.
    Response,
    /// Both.
    RequestAndResponse,
}

impl MleOperation {
    fn request(self) -> bool {
        matches!(self, Self::Request | Self::RequestAndResponse)
    }

    fn response(self) -> bool {
        matches!(self, Self::Response | Self::RequestAndResponse)
    }
}

impl FromStr for MleOperation {
    type Err = String;

    /// `off`, `request`, `response` or `request+response`, in any case.
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "request" => Ok(Self::Request),
            "response" => Ok(Self::Response),
            "request+response" => Ok(Self::RequestAndResponse),
            other => Err(format!(
                "`{other}` is not one of off, request, response, request+response"
            )),
        }
    }
}

/// Where a certificate or key comes from: a file, or its bytes (PEM, or P12 for a
/// private key). A path string is a file.
#[derive(Clone)]
pub enum Source {
    /// A file, read when the client is built.
    File(PathBuf),
    /// The file's content.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            // May be a private key.
            Self::Bytes(bytes) => write!(f, "Bytes(<{} bytes>)", bytes.len()),
        }
    }
}

impl From<PathBuf> for Source {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

impl From<&std::path::Path> for Source {
    fn from(path: &std::path::Path) -> Self {
        Self::File(path.to_owned())
    }
}

impl From<&str> for Source {
    fn from(path: &str) -> Self {
        Self::File(path.into())
    }
}

impl From<String> for Source {
    fn from(path: String) -> Self {
        Self::File(path.into())
    }
}

/// The MLE settings of a [`ClientBuilder`](crate::ClientBuilder), as given; checked and
/// loaded by [`resolve`] when the client is built.
#[derive(Clone, Default)]
pub(crate) struct MleOptions {
    pub request_optional: bool,
    pub request_certificate: Option<Source>,
    pub request_key_alias: Option<String>,
    pub response_key: Option<Source>,
    pub response_key_password: Option<String>,
    pub response_kid: Option<String>,
    pub operations: Vec<(String, MleOperation)>,
}

impl MleOptions {
    /// Whether anything is set.
    fn is_empty(&self) -> bool {
        !self.request_optional
            && self.request_certificate.is_none()
            && self.response_key.is_none()
            && self.response_kid.is_none()
            && self.operations.is_empty()
    }
}

impl fmt::Debug for MleOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MleOptions")
            .field("request_optional", &self.request_optional)
            .field("request_certificate", &self.request_certificate)
            .field("request_key_alias", &self.request_key_alias)
            .field("response_key", &self.response_key)
            .field(
                "response_key_password",
                &self.response_key_password.as_ref().map(|_| "<redacted>"),
            )
            .field("response_kid", &self.response_kid)
            .field("operations", &self.operations)
            .finish()
    }
}

/// A key and the id CyberSource knows it by.
struct Keyed<K> {
    kid: String,
    key: K,
}

/// MLE as a built client applies it.
pub(crate) struct Mle {
    request: Option<Keyed<OaepPublicEncryptingKey>>,
    response: Option<Keyed<OaepPrivateDecryptingKey>>,
    request_optional: bool,
    operations: Vec<(&'static str, MleOperation)>,
}

impl fmt::Debug for Mle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mle")
            .field("request_kid", &self.request.as_ref().map(|k| &k.kid))
            .field("response_kid", &self.response.as_ref().map(|k| &k.kid))
            .field("request_optional", &self.request_optional)
            .field("operations", &self.operations)
            .finish()
    }
}

impl Mle {
    fn overridden(&self, operation: &Operation) -> Option<MleOperation> {
        self.operations
            .iter()
            .find(|(id, _)| *id == operation.operation_id)
            .map(|(_, mode)| *mode)
    }
}

/// Whether `operation`'s request body goes out encrypted: its override, else the spec's
/// mode (optional: the switch; mandatory: always).
pub(crate) fn request_on(mle: Option<&Mle>, operation: &Operation) -> bool {
    match mle.and_then(|mle| mle.overridden(operation)) {
        Some(mode) => mode.request(),
        None => match operation.request_mle {
            RequestMle::None => false,
            RequestMle::Optional => mle.is_some_and(|mle| mle.request_optional),
            RequestMle::Mandatory => true,
        },
    }
}

/// The `v-c-response-mle-kid` to claim for `operation`, when its answer is to come
/// encrypted: every operation's once a response key is configured, unless overridden.
pub(crate) fn response_kid<'a>(mle: Option<&'a Mle>, operation: &Operation) -> Option<&'a str> {
    let mle = mle?;
    let key = mle.response.as_ref()?;
    let on = mle.overridden(operation).is_none_or(MleOperation::response);
    on.then_some(key.kid.as_str())
}

/// `body` encrypted for `operation` as `{"encryptedRequest": "<JWE>"}`, with `iat` in
/// the JWE header.
pub(crate) fn encrypt_request(
    mle: Option<&Mle>,
    operation: &Operation,
    body: &[u8],
    iat: u64,
) -> Result<Vec<u8>, Error> {
    let key = mle.and_then(|mle| mle.request.as_ref()).ok_or_else(|| {
        config(
            setting::REQUEST_CERTIFICATE,
            format!(
                "`{}` takes its request encrypted, and no MLE certificate is configured",
                operation.operation_id
            ),
        )
    })?;
    let compact = jwe::encrypt(&key.key, &key.kid, iat, body)
        .map_err(|e| config(setting::REQUEST_CERTIFICATE, e.to_string()))?;
    // The SDK's own spacing; the member name is what CyberSource reads.
    let mut wrapper = Vec::with_capacity(compact.len() + 24);
    wrapper.extend_from_slice(b"{\"encryptedRequest\": \"");
    wrapper.extend_from_slice(compact.as_bytes());
    wrapper.extend_from_slice(b"\"}");
    Ok(wrapper)
}

/// The JWE of an encrypted answer: a body that is a JSON object with exactly one
/// member, `encryptedResponse`, whose value is a string. Any other body is plaintext.
pub(crate) fn encrypted_response(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wrapper {
        #[serde(rename = "encryptedResponse")]
        encrypted_response: String,
    }
    const MEMBER: &[u8] = b"\"encryptedResponse\"";
    // Most answers are plaintext. The wrapper's one member is its first: look there
    // (a constant cost, whatever the body's length) before parsing.
    let after_brace = body.trim_ascii_start().strip_prefix(b"{")?;
    if !after_brace.trim_ascii_start().starts_with(MEMBER) {
        return None;
    }
    serde_json::from_slice::<Wrapper>(body)
        .ok()
        .map(|w| w.encrypted_response)
}

/// Decrypts the JWE of an encrypted answer with the configured response key.
pub(crate) fn decrypt_response(mle: Option<&Mle>, compact: &str) -> Result<Vec<u8>, String> {
    let key = mle.and_then(|mle| mle.response.as_ref()).ok_or_else(|| {
        "the answer is encrypted (MLE) and no response key is configured to decrypt it".to_owned()
    })?;
    jwe::decrypt(&key.key, compact).map_err(|e| e.to_string())
}

/// The names MLE settings go by in [`Error::Config`].
pub(crate) mod setting {
    pub const MLE: &str = "MLE";
    pub const REQUEST_CERTIFICATE: &str = "MLE request certificate";
    #[cfg_attr(not(feature = "mle"), allow(dead_code))]
    pub const RESPONSE_KEY: &str = "MLE response key";
    pub const RESPONSE_KID: &str = "MLE response kid";
    pub const OPERATIONS: &str = "MLE operations";
}

fn config(setting: &str, message: String) -> Error {
    Error::Config {
        setting: setting.to_owned(),
        message,
    }
}

/// Checks `options` against the credentials and loads the keys they name: `None` when
/// MLE is not configured. Every problem is an [`Error::Config`] naming the setting.
pub(crate) fn resolve(
    options: &MleOptions,
    credentials: Option<&crate::Credentials>,
    now: std::time::SystemTime,
) -> Result<Option<Mle>, Error> {
    if options.is_empty() {
        return Ok(None);
    }
    let mut operations = Vec::with_capacity(options.operations.len());
    for (id, mode) in &options.operations {
        let operation = crate::rules::operation(id)
            .filter(|op| op.operation_id == id)
            .ok_or_else(|| {
                config(
                    setting::OPERATIONS,
                    format!("`{id}` is not an operationId of the spec"),
                )
            })?;
        if mode.request() && operation.body.is_none() {
            return Err(config(
                setting::OPERATIONS,
                format!("`{id}` has no request body to encrypt"),
            ));
        }
        if mode.response() && options.response_key.is_none() {
            return Err(config(
                setting::OPERATIONS,
                format!("`{id}` asks for an encrypted answer, and no response key is configured"),
            ));
        }
        operations.push((operation.operation_id, *mode));
    }
    let request_wanted = options.operations.iter().any(|(_, mode)| mode.request())
        || (options.request_optional
            && crate::generated_rules::OPERATIONS
                .iter()
                .any(|op| op.request_mle == RequestMle::Optional));
    let jwt = match credentials {
        Some(crate::Credentials::HttpSignature(_)) => {
            Err("is only for JWT authentication; HTTP Signature requests would go out in plaintext")
        }
        None => Err("needs JWT credentials: the answer's key id travels in the JWT"),
        Some(_) => Ok(()),
    };
    if let Err(message) = jwt
        && (request_wanted || options.response_key.is_some())
    {
        return Err(config(setting::MLE, message.to_owned()));
    }
    if options.response_kid.is_some() && options.response_key.is_none() {
        return Err(config(
            setting::RESPONSE_KID,
            "is set without a response key to decrypt the answers".to_owned(),
        ));
    }
    #[cfg(feature = "mle")]
    {
        let request = if request_wanted {
            Some(load::request_certificate(options, credentials, now)?)
        } else {
            None
        };
        let response = match &options.response_key {
            Some(source) => Some(load::response_key(source, options, credentials)?),
            None => None,
        };
        Ok(Some(Mle {
            request,
            response,
            request_optional: options.request_optional,
            operations,
        }))
    }
    #[cfg(not(feature = "mle"))]
    {
        // The builder's MLE methods need the feature; nothing sets options without it.
        let _ = (now, request_wanted, operations);
        Err(config(
            setting::MLE,
            "needs the `mle` feature of customer-client, which this build does not have".to_owned(),
        ))
    }
}

/// Reading the configured files into keys.
#[cfg(feature = "mle")]
mod load {
    use super::*;

    fn read(source: &Source, setting_name: &str) -> Result<Vec<u8>, Error> {
        match source {
            Source::Bytes(bytes) => Ok(bytes.clone()),
            Source::File(path) => std::fs::read(path).map_err(|e| {
                config(
                    setting_name,
                    format!("cannot read `{}`: {}", path.display(), e.kind()),
                )
            }),
        }
    }

    fn named(source: &Source) -> String {
        match source {
            Source::File(path) => format!("`{}`", path.display()),
            Source::Bytes(_) => "the given bytes".to_owned(),
        }
    }

    pub(super) fn request_certificate(
        options: &MleOptions,
        credentials: Option<&crate::Credentials>,
        now: std::time::SystemTime,
    ) -> Result<Keyed<OaepPublicEncryptingKey>, Error> {
        let alias = options
            .request_key_alias
            .as_deref()
            .unwrap_or(DEFAULT_REQUEST_KEY_ALIAS);
        let problem = |message: String| config(setting::REQUEST_CERTIFICATE, message);
        let certificate = match (&options.request_certificate, credentials) {
            (Some(source), _) => {
                let pem = read(source, setting::REQUEST_CERTIFICATE)?;
                let certificates = keys::pem_certificates(&pem)
                    .map_err(|why| problem(format!("{} {why}", named(source))))?;
                keys::certificate_by_alias(&certificates, alias)
                    .map_err(|why| problem(format!("{} {why}", named(source))))?
            }
            (None, Some(crate::Credentials::JwtP12(p12))) => {
                keys::certificate_by_alias(&p12.certificates, alias)
                    .map_err(|why| problem(format!("the merchant's P12 {why}")))?
            }
            _ => {
                return Err(problem(
                    "is not set: with a shared-secret JWT, request MLE needs the path of CyberSource's MLE certificate (PEM)".to_owned(),
                ));
            }
        };
        let now = crate::auth::unix_seconds(now) as i64;
        if let Some(warning) = keys::expiry_warning(certificate.not_after, now) {
            tracing::warn!(kid = %certificate.kid, "{warning}");
        }
        Ok(Keyed {
            kid: certificate.kid,
            key: certificate.key,
        })
    }

    pub(super) fn response_key(
        source: &Source,
        options: &MleOptions,
        credentials: Option<&crate::Credentials>,
    ) -> Result<Keyed<OaepPrivateDecryptingKey>, Error> {
        let bytes = read(source, setting::RESPONSE_KEY)?;
        let file = keys::response_key(&bytes, options.response_key_password.as_deref())
            .map_err(|why| config(setting::RESPONSE_KEY, format!("{} {why}", named(source))))?;
        let owner = credentials
            .map(|c| c.portfolio_id().unwrap_or(c.merchant_id()))
            .unwrap_or_default();
        let extracted = keys::kid_from_cybersource_p12(&file.certificates, owner);
        let kid = match (&options.response_kid, extracted) {
            (Some(configured), Some(extracted)) => {
                if *configured != extracted {
                    tracing::warn!(
                        configured = %configured,
                        in_p12 = %extracted,
                        "the configured MLE response kid differs from the P12's; the configured one is sent"
                    );
                }
                configured.clone()
            }
            (Some(configured), None) => configured.clone(),
            (None, Some(extracted)) => extracted,
            (None, None) => {
                return Err(config(
                    setting::RESPONSE_KID,
                    format!(
                        "is not set, and {} is not a CyberSource-generated P12 to read it from",
                        named(source)
                    ),
                ));
            }
        };
        Ok(Keyed { kid, key: file.key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation the spec marks mandatory is encrypted whatever the switch says, and
    /// without a certificate the call fails before sending, naming the operation.
    #[test]
    fn a_mandatory_operation_is_encrypted_or_refused() {
        let mandatory = Operation {
            operation_id: "postSomething",
            method_name: "post_something",
            path: "/tms/v2/something",
            params: &[],
            body: Some(&[]),
            writable: &[],
            #[cfg(feature = "schemars")]
            body_schema: None,
            request_mle: RequestMle::Mandatory,
            responses: &[],
        };
        assert!(request_on(None, &mandatory));
        match encrypt_request(None, &mandatory, b"{}", 0) {
            Err(Error::Config { setting, message }) => {
                assert_eq!(setting, setting::REQUEST_CERTIFICATE);
                assert!(message.contains("`postSomething` takes its request encrypted"));
            }
            other => panic!("{other:?}"),
        }
        let optional = Operation {
            request_mle: RequestMle::Optional,
            ..mandatory
        };
        assert!(!request_on(None, &optional));
    }

    #[test]
    fn operation_modes_read_as_written() {
        for (text, mode) in [
            ("off", MleOperation::Off),
            ("Request", MleOperation::Request),
            ("response", MleOperation::Response),
            (" request+response ", MleOperation::RequestAndResponse),
        ] {
            assert_eq!(text.parse::<MleOperation>(), Ok(mode));
        }
        for bad in ["yes", "true", "", "request::response", "true::true::false"] {
            assert!(bad.parse::<MleOperation>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_a_single_string_member_named_encrypted_response_is_encrypted() {
        assert_eq!(
            encrypted_response(br#"{"encryptedResponse":"a.b.c.d.e"}"#).as_deref(),
            Some("a.b.c.d.e")
        );
        assert_eq!(
            encrypted_response(br#" { "encryptedResponse" : "x" } "#).as_deref(),
            Some("x")
        );
        for plaintext in [
            &br#"{"encryptedResponse":"a","id":"X"}"#[..],
            br#"{"encryptedResponse":5}"#,
            br#"{"encryptedRequest":"a"}"#,
            br#"[{"encryptedResponse":"x"}]"#,
            br#"{"id":"encryptedResponse"}"#,
            b"",
            b"not json",
        ] {
            assert_eq!(encrypted_response(plaintext), None, "{plaintext:?}");
        }
    }
}
