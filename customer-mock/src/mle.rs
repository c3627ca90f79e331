//! Message Level Encryption on the server's side, with RustCrypto's RSA and AES-GCM
//! (never the client's aws-lc-rs code: an encryption bug in the client cannot also
//! pass here). Takes `{"encryptedRequest": "<JWE>"}` bodies encrypted to the mock's
//! key, and encrypts answers as `{"encryptedResponse": "<JWE>"}` to the merchant key
//! a JWT names in `v-c-response-mle-kid`.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::sha2::Sha256;
use rsa::{PrivateKey, PublicKey};
use serde_json::Value;

/// The mock's throwaway MLE keys (`customer-mock/keys/`, from the official SDK's test
/// vectors): what a client talking to the mock configures.
pub mod test_keys {
    /// The certificate to encrypt requests to (stands in for CyberSource's; subject
    /// `CN=CyberSource_SJC_US, serialNumber=7065432109876543210`).
    pub const REQUEST_CERTIFICATE_PEM: &str = include_str!("../keys/mle_request_cert.pem");
    /// The key id requests carry: the certificate's subject serialNumber.
    pub const REQUEST_KID: &str = "7065432109876543210";
    /// The merchant's private key that decrypts the mock's encrypted answers.
    pub const RESPONSE_PRIVATE_KEY_PEM: &str = include_str!("../keys/mle_response_private_key.pem");
    /// Its key id, for `v-c-response-mle-kid`.
    pub const RESPONSE_KID: &str = "testrestRespMle0001";
    pub(crate) const REQUEST_PRIVATE_KEY_PEM: &str =
        include_str!("../keys/mle_request_private_key.pem");
    pub(crate) const RESPONSE_PUBLIC_KEY_PEM: &str =
        include_str!("../keys/mle_response_public_key.pem");
}

/// The keys the mock decrypts requests with and encrypts answers to.
#[derive(Clone)]
pub struct MockMle {
    request_kid: String,
    request_key: PrivateKey,
    response_keys: Vec<(String, PublicKey)>,
}

impl std::fmt::Debug for MockMle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockMle")
            .field("request_kid", &self.request_kid)
            .field("request_key", &"<redacted>")
            .field(
                "response_kids",
                &self
                    .response_keys
                    .iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl MockMle {
    /// The keys of [`test_keys`].
    pub fn test_keys() -> Self {
        Self::new(
            test_keys::REQUEST_KID,
            test_keys::REQUEST_PRIVATE_KEY_PEM,
            &[(test_keys::RESPONSE_KID, test_keys::RESPONSE_PUBLIC_KEY_PEM)],
        )
        .unwrap_or_else(|e| unreachable!("the embedded test keys are valid: {e}"))
    }

    /// Requests encrypted to `request_kid` open with `request_private_key_pem`
    /// (PKCS#8); answers are encrypted to the public key (SPKI PEM) of the kid a JWT
    /// asks for.
    pub fn new(
        request_kid: &str,
        request_private_key_pem: &str,
        response_public_keys_pem: &[(&str, &str)],
    ) -> Result<Self, String> {
        let request_key = PrivateKey::from_pkcs8_pem(request_private_key_pem)
            .map_err(|e| format!("the request key is not a PKCS#8 RSA key: {e}"))?;
        let response_keys = response_public_keys_pem
            .iter()
            .map(|(kid, pem)| {
                PublicKey::from_public_key_pem(pem)
                    .map(|key| ((*kid).to_owned(), key))
                    .map_err(|e| {
                        format!("the response key of `{kid}` is not an RSA public key: {e}")
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            request_kid: request_kid.to_owned(),
            request_key,
            response_keys,
        })
    }

    /// The plaintext of a `{"encryptedRequest": …}` body; `Ok(None)` for any other
    /// body; `Err` (why) for a wrapper it cannot open. Public so that tests can check
    /// what a client sent with this independent implementation.
    pub fn open_request(&self, body: &[u8]) -> Result<Option<Vec<u8>>, String> {
        // Most bodies are plaintext: look for the member's name before parsing.
        const MEMBER: &[u8] = b"\"encryptedRequest\"";
        if !body.windows(MEMBER.len()).any(|w| w == MEMBER) {
            return Ok(None);
        }
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Ok(None);
        };
        let Some(wrapped) = map.get("encryptedRequest") else {
            return Ok(None);
        };
        if map.len() != 1 {
            return Err("the MLE wrapper must have encryptedRequest as its only member".to_owned());
        }
        let compact = wrapped
            .as_str()
            .ok_or("encryptedRequest must be a string")?;
        self.decrypt(compact).map(Some)
    }

    fn decrypt(&self, compact: &str) -> Result<Vec<u8>, String> {
        let segments: Vec<&str> = compact.split('.').collect();
        let [header_b64, wrapped, iv, ciphertext, tag] = segments[..] else {
            return Err("encryptedRequest is not a compact JWE (five segments)".to_owned());
        };
        let decode = |segment: &str| {
            URL_SAFE_NO_PAD
                .decode(segment)
                .map_err(|_| "a JWE segment is not base64url".to_owned())
        };
        let header: Value = serde_json::from_slice(&decode(header_b64)?)
            .map_err(|_| "the JWE header is not JSON".to_owned())?;
        let text = |name: &str| header.get(name).and_then(Value::as_str);
        if text("alg") != Some("RSA-OAEP-256") || text("enc") != Some("A256GCM") {
            return Err("the JWE must be RSA-OAEP-256 with A256GCM".to_owned());
        }
        if text("kid") != Some(self.request_kid.as_str()) {
            return Err("the JWE kid is not the serialNumber of the MLE certificate".to_owned());
        }
        if !header.get("iat").is_some_and(Value::is_u64) {
            return Err("the JWE header has no integer iat".to_owned());
        }
        let cek = self
            .request_key
            .oaep_decrypt::<Sha256>(&decode(wrapped)?)
            .map_err(|_| "the content key does not unwrap with the mock's key".to_owned())?;
        let cipher =
            Aes256Gcm::new_from_slice(&cek).map_err(|_| "the content key is not 256 bits")?;
        let iv = decode(iv)?;
        let nonce = Nonce::try_from(iv.as_slice()).map_err(|_| "the IV is not 96 bits")?;
        let tag = decode(tag)?;
        let tag = aes_gcm::Tag::try_from(tag.as_slice()).map_err(|_| "the tag is not 128 bits")?;
        let mut plaintext = decode(ciphertext)?;
        cipher
            .decrypt_inout_detached(
                &nonce,
                header_b64.as_bytes(),
                plaintext.as_mut_slice().into(),
                &tag,
            )
            .map_err(|_| "the ciphertext does not authenticate".to_owned())?;
        Ok(plaintext)
    }

    /// Whether the mock has a key for `kid`.
    pub(crate) fn knows_response_kid(&self, kid: &str) -> bool {
        self.response_keys.iter().any(|(k, _)| k == kid)
    }

    /// `body` as `{"encryptedResponse": "<JWE>"}` for the merchant key `kid`.
    pub(crate) fn seal_response(&self, kid: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let key = self
            .response_keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key)
            .ok_or("unknown response kid")?;
        let iat = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header =
            serde_json::json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid, "iat": iat});
        let header_b64 = URL_SAFE_NO_PAD.encode(header.to_string());
        let mut cek = [0u8; 32];
        let mut iv = [0u8; 12];
        getrandom::fill(&mut cek).map_err(|_| "no randomness")?;
        getrandom::fill(&mut iv).map_err(|_| "no randomness")?;
        let wrapped = key
            .oaep_encrypt::<Sha256>(&cek)
            .map_err(|_| "the content key does not wrap")?;
        let cipher = Aes256Gcm::new_from_slice(&cek).map_err(|_| "bad content key")?;
        let mut ciphertext = body.to_vec();
        let tag = cipher
            .encrypt_inout_detached(
                &Nonce::from(iv),
                header_b64.as_bytes(),
                ciphertext.as_mut_slice().into(),
            )
            .map_err(|_| "encryption failed")?;
        let compact = [
            header_b64,
            URL_SAFE_NO_PAD.encode(wrapped),
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag),
        ]
        .join(".");
        Ok(serde_json::json!({ "encryptedResponse": compact })
            .to_string()
            .into_bytes())
    }
}

/// The `v-c-response-mle-kid` claim of the request's JWT, read without verifying it
/// (authentication, when configured, has verified it already).
pub(crate) fn response_kid(headers: &axum::http::HeaderMap) -> Option<String> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let claims = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let claims: Value = serde_json::from_slice(&claims).ok()?;
    claims
        .get("v-c-response-mle-kid")?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mocks_own_answers_open_with_the_merchant_key() {
        let mle = MockMle::test_keys();
        let merchant = PrivateKey::from_pkcs8_pem(test_keys::RESPONSE_PRIVATE_KEY_PEM).unwrap();
        let sealed = mle
            .seal_response(test_keys::RESPONSE_KID, b"{\"id\":\"X\"}")
            .unwrap();
        let wrapper: Value = serde_json::from_slice(&sealed).unwrap();
        let compact = wrapper["encryptedResponse"].as_str().unwrap();
        // Open it as a request to a mock whose key is the merchant's.
        let opener = MockMle {
            request_kid: test_keys::RESPONSE_KID.to_owned(),
            request_key: merchant,
            response_keys: Vec::new(),
        };
        assert_eq!(opener.decrypt(compact).unwrap(), b"{\"id\":\"X\"}");
        assert!(mle.decrypt(compact).is_err(), "not the request key");
    }
}
