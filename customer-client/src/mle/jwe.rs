//! JWE compact serialisation (RFC 7516) as CyberSource's MLE uses it: the content key
//! wrapped with RSA-OAEP-256, the content sealed with AES-GCM. Every cryptographic
//! step is an aws-lc-rs primitive (OAEP, AES-GCM, the random generator); this file
//! only lays out the five base64url segments around them (no maintained JWE crate
//! fits: openapi/README.md, "Message Level Encryption").

use aws_lc_rs::aead::{
    AES_128_GCM, AES_192_GCM, AES_256_GCM, Aad, Algorithm, LessSafeKey, NONCE_LEN, Nonce,
    RandomizedNonceKey, UnboundKey,
};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm};
pub(crate) use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, OaepPublicEncryptingKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

/// Length of an AES-GCM tag, in bytes.
const TAG_LEN: usize = 16;

/// Why a compact JWE could not be made or opened. Never holds key material or
/// plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JweError {
    /// Not five base64url segments with a JSON protected header.
    Malformed(&'static str),
    /// An `alg`, `enc` or `zip` this client does not implement.
    Unsupported(String),
    /// The content key does not unwrap with this private key (another key, or altered).
    KeyUnwrap,
    /// The ciphertext, tag, IV or header was altered, or the key is not the sender's.
    Authentication,
    /// The random generator or the RSA key refused to encrypt.
    Encrypt,
}

impl std::fmt::Display for JweError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "not a compact JWE: {what}"),
            Self::Unsupported(what) => write!(f, "unsupported JWE parameter: {what}"),
            Self::KeyUnwrap => f.write_str(
                "the content key does not unwrap with the configured private key (encrypted to another key?)",
            ),
            Self::Authentication => f.write_str(
                "the ciphertext does not authenticate (altered in transit, or another key)",
            ),
            Self::Encrypt => f.write_str("encryption failed"),
        }
    }
}

/// Encrypts `plaintext` to `key` as the official SDK does: protected header
/// `{"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": <kid>, "iat": <iat>}` (its
/// members, order and spacing), a fresh 256-bit content key and 96-bit IV.
pub(crate) fn encrypt(
    key: &OaepPublicEncryptingKey,
    kid: &str,
    iat: u64,
    plaintext: &[u8],
) -> Result<String, JweError> {
    let kid_json = serde_json::to_string(kid).map_err(|_| JweError::Encrypt)?;
    let header = format!(
        "{{\"alg\": \"RSA-OAEP-256\", \"enc\": \"A256GCM\", \"kid\": {kid_json}, \"iat\": {iat}}}"
    );
    let mut cek = [0u8; 32];
    aws_lc_rs::rand::fill(&mut cek).map_err(|_| JweError::Encrypt)?;
    let mut wrapped = vec![0u8; key.ciphertext_size()];
    let wrapped = key
        .encrypt(&OAEP_SHA256_MGF1SHA256, &cek, &mut wrapped, None)
        .map_err(|_| JweError::Encrypt)?;
    let sealer = RandomizedNonceKey::new(&AES_256_GCM, &cek).map_err(|_| JweError::Encrypt)?;
    let encoded_header = URL_SAFE_NO_PAD.encode(header);
    let mut content = plaintext.to_vec();
    let (nonce, tag) = sealer
        .seal_in_place_separate_tag(Aad::from(encoded_header.as_bytes()), &mut content)
        .map_err(|_| JweError::Encrypt)?;
    let mut compact = encoded_header;
    for segment in [&wrapped[..], nonce.as_ref(), &content[..], tag.as_ref()] {
        compact.push('.');
        URL_SAFE_NO_PAD.encode_string(segment, &mut compact);
    }
    Ok(compact)
}

/// The protected header members that decide how to open a JWE.
#[derive(Deserialize)]
struct Header {
    alg: String,
    enc: String,
    zip: Option<String>,
}

/// Opens a compact JWE with `key`: `alg` RSA-OAEP-256 or RSA-OAEP, `enc` A128GCM,
/// A192GCM or A256GCM (what the official SDK's decrypter accepts, but the CBC modes).
/// `kid` and `iat` are not checked, as the SDK does not check them.
pub(crate) fn decrypt(key: &OaepPrivateDecryptingKey, compact: &str) -> Result<Vec<u8>, JweError> {
    let segments: Vec<&str> = compact.trim().split('.').collect();
    let [header_b64, wrapped, iv, ciphertext, tag] = segments[..] else {
        return Err(JweError::Malformed("it does not have five segments"));
    };
    let decode = |segment: &str, name: &'static str| {
        URL_SAFE_NO_PAD
            .decode(segment)
            .map_err(|_| JweError::Malformed(name))
    };
    let header: Header =
        serde_json::from_slice(&decode(header_b64, "the header is not base64url")?)
            .map_err(|_| JweError::Malformed("the header is not a JSON object with alg and enc"))?;
    if let Some(zip) = header.zip {
        return Err(JweError::Unsupported(format!("zip {zip}")));
    }
    let oaep: &'static OaepAlgorithm = match header.alg.as_str() {
        "RSA-OAEP-256" => &OAEP_SHA256_MGF1SHA256,
        "RSA-OAEP" => &OAEP_SHA1_MGF1SHA1,
        other => return Err(JweError::Unsupported(format!("alg {other}"))),
    };
    let (aead, key_len): (&'static Algorithm, usize) = match header.enc.as_str() {
        "A256GCM" => (&AES_256_GCM, 32),
        "A192GCM" => (&AES_192_GCM, 24),
        "A128GCM" => (&AES_128_GCM, 16),
        other => return Err(JweError::Unsupported(format!("enc {other}"))),
    };
    let wrapped = decode(wrapped, "the encrypted key is not base64url")?;
    let iv = decode(iv, "the IV is not base64url")?;
    let mut sealed = decode(ciphertext, "the ciphertext is not base64url")?;
    let tag = decode(tag, "the tag is not base64url")?;
    if iv.len() != NONCE_LEN || tag.len() != TAG_LEN {
        return Err(JweError::Malformed("the IV or tag has the wrong length"));
    }
    if wrapped.len() != key.key_size_bytes() {
        return Err(JweError::KeyUnwrap);
    }
    let mut cek = vec![0u8; key.min_output_size()];
    let cek = key
        .decrypt(oaep, &wrapped, &mut cek, None)
        .map_err(|_| JweError::KeyUnwrap)?;
    if cek.len() != key_len {
        return Err(JweError::KeyUnwrap);
    }
    let opener = LessSafeKey::new(UnboundKey::new(aead, cek).map_err(|_| JweError::KeyUnwrap)?);
    let nonce = Nonce::try_assume_unique_for_key(&iv).map_err(|_| JweError::Authentication)?;
    sealed.extend_from_slice(&tag);
    let plaintext_len = opener
        .open_in_place(nonce, Aad::from(header_b64.as_bytes()), &mut sealed)
        .map_err(|_| JweError::Authentication)?
        .len();
    sealed.truncate(plaintext_len);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::rsa::{KeySize, PrivateDecryptingKey};

    use super::*;

    fn keys() -> (OaepPublicEncryptingKey, OaepPrivateDecryptingKey) {
        let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let public = private.public_key();
        let public =
            aws_lc_rs::rsa::PublicEncryptingKey::from_der(public.as_der().unwrap().as_ref())
                .unwrap();
        (
            OaepPublicEncryptingKey::new(public).unwrap(),
            OaepPrivateDecryptingKey::new(private).unwrap(),
        )
    }

    #[test]
    fn round_trip_with_the_sdks_header_and_segment_sizes() {
        let (public, private) = keys();
        let plaintext = "{\"buyerInformation\":{\"email\":\"é@example.com\"}}".as_bytes();
        let compact = encrypt(&public, "7065432109876543210", 1_563_409_083, plaintext).unwrap();
        let segments: Vec<Vec<u8>> = compact
            .split('.')
            .map(|s| URL_SAFE_NO_PAD.decode(s).unwrap())
            .collect();
        assert_eq!(
            String::from_utf8(segments[0].clone()).unwrap(),
            "{\"alg\": \"RSA-OAEP-256\", \"enc\": \"A256GCM\", \"kid\": \"7065432109876543210\", \"iat\": 1563409083}"
        );
        assert_eq!(
            segments[1..].iter().map(Vec::len).collect::<Vec<_>>(),
            [256, 12, plaintext.len(), 16]
        );
        assert_eq!(decrypt(&private, &compact).unwrap(), plaintext);
        assert_ne!(
            compact,
            encrypt(&public, "7065432109876543210", 1_563_409_083, plaintext).unwrap(),
            "fresh key and IV every time"
        );
    }

    #[test]
    fn tampering_and_foreign_keys_fail_as_what_they_are() {
        let (public, private) = keys();
        let (_, other) = keys();
        let compact = encrypt(&public, "k", 1, b"{}").unwrap();
        assert_eq!(decrypt(&other, &compact), Err(JweError::KeyUnwrap));
        let mut segments: Vec<String> = compact.split('.').map(str::to_owned).collect();
        let mut ciphertext = URL_SAFE_NO_PAD.decode(&segments[3]).unwrap();
        ciphertext[0] ^= 1;
        segments[3] = URL_SAFE_NO_PAD.encode(ciphertext);
        assert_eq!(
            decrypt(&private, &segments.join(".")),
            Err(JweError::Authentication)
        );
        assert!(matches!(
            decrypt(&private, "a.b.c"),
            Err(JweError::Malformed(_))
        ));
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RSA1_5","enc":"A256GCM"}"#);
        assert_eq!(
            decrypt(&private, &format!("{header}.a.b.c.d")),
            Err(JweError::Unsupported("alg RSA1_5".into()))
        );
    }
}
