//! Reading MLE keys from the files CyberSource issues (feature `mle`): CyberSource's
//! encryption certificate (PEM, or inside the merchant's P12) and the merchant's
//! response private key (PEM, encrypted PEM, or P12). Parsing only: X.509 by
//! x509-parser, PKCS#12 by p12-keystore, encrypted PKCS#8 by pkcs8; the keys
//! themselves are aws-lc-rs's. Errors are plain text naming what is wrong, never
//! key material; `mod.rs` names the setting.

use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use x509_parser::oid_registry::{OID_X509_COMMON_NAME, OID_X509_SERIALNUMBER};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::auth::credentials::subject_attribute;

/// CyberSource's encryption certificate, as request MLE uses it.
pub(crate) struct EncryptionCertificate {
    /// The subject's serialNumber attribute (OID 2.5.4.5): the JWE `kid`.
    pub kid: String,
    pub key: OaepPublicEncryptingKey,
    /// End of validity, Unix seconds.
    pub not_after: i64,
}

/// The DER of every `CERTIFICATE` block of a PEM file.
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut certificates = Vec::new();
    for block in Pem::iter_from_buffer(pem) {
        let block = block.map_err(|_| "is not a PEM file".to_owned())?;
        if block.label == "CERTIFICATE" {
            certificates.push(block.contents);
        }
    }
    if certificates.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned());
    }
    Ok(certificates)
}

/// The certificate among `certificates` whose subject CN is `alias` (compared without
/// case, as the official SDK compares it).
pub(crate) fn certificate_by_alias(
    certificates: &[Vec<u8>],
    alias: &str,
) -> Result<EncryptionCertificate, String> {
    for der in certificates {
        let Ok((_, certificate)) = X509Certificate::from_der(der) else {
            continue;
        };
        let matches = subject_attribute(&certificate, &OID_X509_COMMON_NAME)
            .is_some_and(|cn| cn.eq_ignore_ascii_case(alias));
        if !matches {
            continue;
        }
        let kid = subject_attribute(&certificate, &OID_X509_SERIALNUMBER).ok_or_else(|| {
            format!("the certificate with CN `{alias}` has no subject serialNumber, which MLE sends as the key id")
        })?;
        let key = PublicEncryptingKey::from_der(certificate.public_key().raw)
            .ok()
            .and_then(|key| OaepPublicEncryptingKey::new(key).ok())
            .ok_or_else(|| {
                format!("the certificate with CN `{alias}` does not hold an RSA key of 2048 to 8192 bits")
            })?;
        return Ok(EncryptionCertificate {
            kid,
            key,
            not_after: certificate.validity().not_after.timestamp(),
        });
    }
    Err(format!("holds no certificate with subject CN `{alias}`"))
}

/// The warning to log when a certificate ending at `not_after` has expired or ends
/// within 90 days of `now` (both Unix seconds); CyberSource's SDKs only warn too.
pub(crate) fn expiry_warning(not_after: i64, now: i64) -> Option<String> {
    const NINETY_DAYS: i64 = 90 * 24 * 60 * 60;
    if not_after <= now {
        Some("the MLE certificate has expired".to_owned())
    } else if not_after - now < NINETY_DAYS {
        let days = (not_after - now) / (24 * 60 * 60);
        Some(format!("the MLE certificate expires in {days} days"))
    } else {
        None
    }
}

/// The merchant's response private key, and the certificates that came with it (a P12
/// holds some; a PEM key none).
pub(crate) struct ResponseKeyFile {
    pub key: OaepPrivateDecryptingKey,
    pub certificates: Vec<Vec<u8>>,
}

/// Reads a private key from PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with
/// `password`) or from a P12 file with `password`, telling them apart by content.
pub(crate) fn response_key(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<ResponseKeyFile, String> {
    let text_start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    if text_start.is_some_and(|i| bytes[i..].starts_with(b"-----BEGIN")) {
        return pem_key(bytes, password).map(|key| ResponseKeyFile {
            key,
            certificates: Vec::new(),
        });
    }
    p12_key(bytes, password.unwrap_or_default())
}

fn pem_key(bytes: &[u8], password: Option<&str>) -> Result<OaepPrivateDecryptingKey, String> {
    for block in Pem::iter_from_buffer(bytes) {
        let block = block.map_err(|_| "is not a PEM file".to_owned())?;
        let pkcs8 = match block.label.as_str() {
            "PRIVATE KEY" => block.contents,
            "ENCRYPTED PRIVATE KEY" => {
                let password =
                    password.ok_or("is an encrypted private key, and no password is configured")?;
                let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(block.contents.as_slice())
                    .map_err(|_| "is not an encrypted PKCS#8 private key".to_owned())?;
                info.decrypt(password)
                    .map_err(|_| {
                        "cannot be decrypted: wrong password or an unsupported encryption scheme"
                            .to_owned()
                    })?
                    .as_bytes()
                    .to_vec()
            }
            "RSA PRIVATE KEY" => {
                return Err(
                    "is a PKCS#1 key; convert it to PKCS#8 with `openssl pkcs8 -topk8`".to_owned(),
                );
            }
            _ => continue,
        };
        return rsa_key(&pkcs8);
    }
    Err("holds no PEM private key (-----BEGIN PRIVATE KEY-----)".to_owned())
}

fn rsa_key(pkcs8: &[u8]) -> Result<OaepPrivateDecryptingKey, String> {
    PrivateDecryptingKey::from_pkcs8(pkcs8)
        .ok()
        .and_then(|key| OaepPrivateDecryptingKey::new(key).ok())
        .ok_or_else(|| "is not an RSA private key of 2048 to 8192 bits".to_owned())
}

fn p12_key(bytes: &[u8], password: &str) -> Result<ResponseKeyFile, String> {
    // The archive, not the key store: the store drops certificates without a key,
    // and CyberSource's certificate is one.
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password).map_err(|_| {
        "cannot be read: not PEM, and not a PKCS#12 file this password opens".to_owned()
    })?;
    let key = archive.keys.first().ok_or("holds no private key")?;
    Ok(ResponseKeyFile {
        key: rsa_key(key.key.as_der())?,
        certificates: archive
            .certs
            .iter()
            .map(|bag| bag.cert.as_der().to_vec())
            .collect(),
    })
}

/// The response kid a CyberSource-generated P12 implies: when it holds a certificate
/// whose CN is exactly `CyberSource_SJC_US`, the subject serialNumber of the one whose
/// CN is `owner` (the merchant id, or the portfolio id with MetaKey).
pub(crate) fn kid_from_cybersource_p12(certificates: &[Vec<u8>], owner: &str) -> Option<String> {
    let parsed: Vec<X509Certificate<'_>> = certificates
        .iter()
        .filter_map(|der| X509Certificate::from_der(der).ok().map(|(_, c)| c))
        .collect();
    let cn = |c: &X509Certificate<'_>| subject_attribute(c, &OID_X509_COMMON_NAME);
    // Case-sensitive, as the SDK's test for a CyberSource-generated file is.
    if !parsed
        .iter()
        .any(|c| cn(c).as_deref() == Some(super::DEFAULT_REQUEST_KEY_ALIAS))
    {
        return None;
    }
    parsed
        .iter()
        .find(|c| cn(c).is_some_and(|name| name.eq_ignore_ascii_case(owner)))
        .and_then(|c| subject_attribute(c, &OID_X509_SERIALNUMBER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_warned_about_within_ninety_days() {
        let day = 24 * 60 * 60;
        assert_eq!(expiry_warning(100 * day, 0), None);
        assert_eq!(
            expiry_warning(89 * day + 5, 0).as_deref(),
            Some("the MLE certificate expires in 89 days")
        );
        assert_eq!(
            expiry_warning(0, 1).as_deref(),
            Some("the MLE certificate has expired")
        );
    }
}
