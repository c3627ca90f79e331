//! Who the client signs as. Secret material never shows in `Debug` output or errors.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::hmac;

use super::jwt;
use crate::Error;

/// How requests are authenticated.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// JWT signed with the shared secret (HS256): CyberSource's recommended mode.
    JwtSharedSecret(SharedSecret),
    /// HTTP Signature (HmacSHA256) with the shared secret: the older mode, still accepted.
    HttpSignature(SharedSecret),
    /// JWT signed with the private key of a P12 certificate (RS256).
    #[cfg(feature = "p12")]
    JwtP12(P12Key),
}

impl Credentials {
    /// JWT (HS256) credentials from the merchant id, the key id and the base64 secret key.
    pub fn jwt_shared_secret(
        merchant_id: &str,
        key_id: &str,
        secret_key_base64: &str,
    ) -> Result<Self, Error> {
        SharedSecret::new(merchant_id, key_id, secret_key_base64).map(Self::JwtSharedSecret)
    }

    /// HTTP Signature credentials from the merchant id, the key id and the base64 secret key.
    pub fn http_signature(
        merchant_id: &str,
        key_id: &str,
        secret_key_base64: &str,
    ) -> Result<Self, Error> {
        SharedSecret::new(merchant_id, key_id, secret_key_base64).map(Self::HttpSignature)
    }

    /// Signs on behalf of the merchant with a portfolio's key (MetaKey): the portfolio id
    /// goes where CyberSource expects the signer, the merchant id where it expects the
    /// merchant.
    pub fn with_portfolio_id(mut self, portfolio_id: &str) -> Result<Self, Error> {
        let id = non_empty("portfolio id", portfolio_id)?;
        match &mut self {
            Self::JwtSharedSecret(s) | Self::HttpSignature(s) => s.portfolio_id = Some(id),
            #[cfg(feature = "p12")]
            Self::JwtP12(k) => k.portfolio_id = Some(id),
        }
        Ok(self)
    }

    /// The merchant the requests are for.
    pub fn merchant_id(&self) -> &str {
        match self {
            Self::JwtSharedSecret(s) | Self::HttpSignature(s) => &s.merchant_id,
            #[cfg(feature = "p12")]
            Self::JwtP12(k) => &k.merchant_id,
        }
    }

    /// The portfolio id, when signing with MetaKey.
    pub fn portfolio_id(&self) -> Option<&str> {
        match self {
            Self::JwtSharedSecret(s) | Self::HttpSignature(s) => s.portfolio_id.as_deref(),
            #[cfg(feature = "p12")]
            Self::JwtP12(k) => k.portfolio_id.as_deref(),
        }
    }

    /// A JWT carrying `claims`, for the JWT modes (`None` for HTTP Signature).
    pub(crate) fn jwt(&self, claims: &jwt::Claims<'_>) -> Option<Result<String, Error>> {
        match self {
            Self::JwtSharedSecret(key) => Some(key.jwt(claims)),
            #[cfg(feature = "p12")]
            Self::JwtP12(key) => Some(key.jwt(claims)),
            Self::HttpSignature(_) => None,
        }
    }

    /// `Bearer <JWT>` for `claims`; `None` for HTTP Signature.
    pub(crate) fn bearer(&self, claims: &jwt::Claims<'_>) -> Option<Result<String, Error>> {
        self.jwt(claims)
            .map(|token| token.map(|token| format!("Bearer {token}")))
    }

    /// The name of the mode, as `CYBERSOURCE_AUTH` spells it.
    pub fn mode(&self) -> &'static str {
        match self {
            Self::JwtSharedSecret(_) => "jwt",
            Self::HttpSignature(_) => "http-signature",
            #[cfg(feature = "p12")]
            Self::JwtP12(_) => "jwt-p12",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::JwtSharedSecret(s) => f.debug_tuple("JwtSharedSecret").field(s).finish(),
            Self::HttpSignature(s) => f.debug_tuple("HttpSignature").field(s).finish(),
            #[cfg(feature = "p12")]
            Self::JwtP12(k) => f.debug_tuple("JwtP12").field(k).finish(),
        }
    }
}

/// A shared-secret key: merchant id, key id and the decoded secret.
#[derive(Clone)]
pub struct SharedSecret {
    pub(crate) merchant_id: String,
    pub(crate) key_id: String,
    /// Built once: the HMAC-SHA256 key, for HTTP Signature and for HS256 JWTs.
    pub(crate) hmac_key: hmac::Key,
    /// Built once: the first segment of this key's JWTs.
    jwt_header: String,
    pub(crate) portfolio_id: Option<String>,
}

impl SharedSecret {
    /// Checks and decodes the parts; the secret key is standard base64, as CyberSource issues it.
    pub fn new(merchant_id: &str, key_id: &str, secret_key_base64: &str) -> Result<Self, Error> {
        let merchant_id = non_empty("merchant id", merchant_id)?;
        let key_id = non_empty("key id", key_id)?;
        let secret = BASE64
            .decode(secret_key_base64.trim())
            .map_err(|_| Error::Config {
                setting: "secret key".to_owned(),
                message: "is not valid base64".to_owned(),
            })?;
        if secret.is_empty() {
            return Err(Error::Config {
                setting: "secret key".to_owned(),
                message: "is empty".to_owned(),
            });
        }
        Ok(Self {
            jwt_header: jwt::header_segment("HS256", &key_id),
            merchant_id,
            key_id,
            hmac_key: hmac::Key::new(hmac::HMAC_SHA256, &secret),
            portfolio_id: None,
        })
    }
}

impl SharedSecret {
    /// A JWT (HS256) carrying `claims`, with this key's id as `kid`.
    pub fn jwt(&self, claims: &jwt::Claims<'_>) -> Result<String, Error> {
        let mut token = jwt::signing_input(&self.jwt_header, claims);
        let tag = hmac::sign(&self.hmac_key, token.as_bytes());
        jwt::append_signature(&mut token, tag.as_ref());
        Ok(token)
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSecret")
            .field("merchant_id", &self.merchant_id)
            .field("key_id", &"<redacted>")
            .field("secret", &"<redacted>")
            .field("portfolio_id", &self.portfolio_id)
            .finish()
    }
}

/// The RSA key and key id taken from a merchant's P12 certificate file.
#[cfg(feature = "p12")]
#[derive(Clone)]
pub struct P12Key {
    pub(crate) merchant_id: String,
    /// The `serialNumber` attribute of the certificate's subject (not the X.509 serial).
    pub(crate) kid: String,
    key: std::sync::Arc<ring::signature::RsaKeyPair>,
    /// Built once: the first segment of this key's JWTs.
    jwt_header: String,
    pub(crate) portfolio_id: Option<String>,
    /// Every certificate in the file (DER): CyberSource's P12 files also carry its
    /// message-level encryption certificate.
    #[cfg(feature = "mle")]
    pub(crate) certificates: std::sync::Arc<Vec<Vec<u8>>>,
}

#[cfg(feature = "p12")]
impl P12Key {
    /// Reads the key and certificate of `merchant_id` (the certificate whose subject CN is
    /// the merchant id) from the bytes of a P12 (PKCS#12) file.
    pub fn from_pkcs12(merchant_id: &str, p12: &[u8], password: &str) -> Result<Self, Error> {
        use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy};
        use x509_parser::prelude::{FromDer, X509Certificate};

        let merchant_id = non_empty("merchant id", merchant_id)?;
        let invalid = |message: String| Error::Config {
            setting: "P12 file".to_owned(),
            message,
        };
        let store =
            KeyStore::from_pkcs12(p12, password, Pkcs12ImportPolicy::Relaxed).map_err(|_| {
                invalid("cannot be read: wrong password or not a PKCS#12 file".to_owned())
            })?;
        // Every certificate bag, those without a key too (the key store skips them):
        // CyberSource's MLE certificate is one.
        #[cfg(feature = "mle")]
        let certificates: std::sync::Arc<Vec<Vec<u8>>> = std::sync::Arc::new(
            p12_keystore::Pkcs12Archive::from_pkcs12(p12, password)
                .map(|archive| {
                    archive
                        .certs
                        .iter()
                        .map(|bag| bag.cert.as_der().to_vec())
                        .collect()
                })
                .unwrap_or_default(),
        );
        for (_, entry) in store.entries() {
            let KeyStoreEntry::PrivateKeyChain(chain) = entry else {
                continue;
            };
            for cert in chain.certs() {
                let Ok((_, parsed)) = X509Certificate::from_der(cert.as_der()) else {
                    continue;
                };
                use x509_parser::oid_registry::{OID_X509_COMMON_NAME, OID_X509_SERIALNUMBER};
                if subject_attribute(&parsed, &OID_X509_COMMON_NAME).as_deref()
                    != Some(merchant_id.as_str())
                {
                    continue;
                }
                let kid = subject_attribute(&parsed, &OID_X509_SERIALNUMBER).ok_or_else(|| {
                    invalid("the merchant's certificate has no subject serialNumber".to_owned())
                })?;
                let pkcs1 = pkcs8::PrivateKeyInfoRef::try_from(chain.key().as_der())
                    .map_err(|_| invalid("the private key is not PKCS#8".to_owned()))?
                    .private_key
                    .as_bytes()
                    .to_vec();
                let rsa = ring::signature::RsaKeyPair::from_der(&pkcs1).map_err(|_| {
                    invalid(
                        "the private key is not an RSA key this client can sign with".to_owned(),
                    )
                })?;
                let key = Self {
                    merchant_id,
                    jwt_header: jwt::header_segment("RS256", &kid),
                    kid,
                    key: std::sync::Arc::new(rsa),
                    portfolio_id: None,
                    #[cfg(feature = "mle")]
                    certificates: certificates.clone(),
                };
                // Sign once now, so an unusable key fails here rather than on a request.
                key.jwt(&jwt::claims(&jwt::TokenInput {
                    host: "check",
                    method: "GET",
                    request_target: "/",
                    body: b"",
                    merchant_id: &key.merchant_id,
                    issuer: &key.merchant_id,
                    issued_at: 0,
                    token_id: "check",
                    response_mle_kid: None,
                }))
                .map_err(|_| invalid("the private key is not a usable RSA key".to_owned()))?;
                return Ok(key);
            }
        }
        Err(invalid(format!(
            "holds no key with a certificate for merchant `{merchant_id}`"
        )))
    }

    /// The key id sent as the JWT `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// A JWT (RS256) carrying `claims`, with the certificate's serialNumber as `kid`.
    pub fn jwt(&self, claims: &jwt::Claims<'_>) -> Result<String, Error> {
        use ring::signature::RSA_PKCS1_SHA256;
        let mut token = jwt::signing_input(&self.jwt_header, claims);
        let mut signature = vec![0; self.key.public().modulus_len()];
        // PKCS#1 v1.5 takes no randomness; ring asks for a generator all the same.
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .map_err(|_| signing_error("the RSA key refused to sign"))?;
        jwt::append_signature(&mut token, &signature);
        Ok(token)
    }
}

#[cfg(feature = "p12")]
impl fmt::Debug for P12Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P12Key")
            .field("merchant_id", &self.merchant_id)
            .field("kid", &self.kid)
            .field("key", &"<redacted>")
            .field("portfolio_id", &self.portfolio_id)
            .finish()
    }
}

/// A signing failure; `reason` says what failed, never with key material in it.
#[cfg(feature = "p12")]
fn signing_error(reason: impl fmt::Display) -> Error {
    Error::Config {
        setting: "credentials".to_owned(),
        message: format!("cannot sign the JWT: {reason}"),
    }
}

fn non_empty(setting: &str, value: &str) -> Result<String, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::Config {
            setting: setting.to_owned(),
            message: "is empty".to_owned(),
        });
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::Config {
            setting: setting.to_owned(),
            message: "contains control characters".to_owned(),
        });
    }
    Ok(value.to_owned())
}

/// A subject attribute of `certificate` (CN, serialNumber), as text.
#[cfg(feature = "p12")]
pub(crate) fn subject_attribute(
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
