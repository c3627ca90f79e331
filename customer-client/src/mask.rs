//! Masking of sensitive values in bodies written to TRACE logs.

use serde_json::Value;

/// Field names whose values CyberSource's SDKs mask in logs (reference README).
const SENSITIVE: &[&str] = &[
    "securityCode",
    "cardNumber",
    "number",
    "expirationMonth",
    "expirationYear",
    "routingNumber",
    "account",
    "prefix",
    "bin",
    "email",
    "firstName",
    "lastName",
    "phoneNumber",
    "token",
    "keyid",
    "signature",
    "encryptedRequest",
    "encryptedResponse",
];

const MASK: &str = "****";

/// The body as text for a log line, with sensitive values replaced by `****`.
/// A body that is not JSON is not shown at all, only its length.
pub(crate) fn body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            mask(&mut value, None);
            value.to_string()
        }
        Err(_) => format!("<{} bytes, not JSON>", bytes.len()),
    }
}

fn mask(value: &mut Value, parent: Option<&str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                // `type` names the card brand inside `card` objects.
                let card_type = key == "type" && parent == Some("card");
                if (SENSITIVE.contains(&key.as_str()) || card_type)
                    && !child.is_object()
                    && !child.is_array()
                {
                    *child = Value::String(MASK.to_owned());
                    continue;
                }
                mask(child, Some(key));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mask(item, parent)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_are_masked_at_any_depth() {
        let shown = body(
            br#"{"buyerInformation": {"email": "a@b.c", "merchantCustomerID": "M1"},
                "_embedded": {"defaultPaymentInstrument": {"card": {"type": "001", "expirationYear": "2031"},
                "billTo": {"firstName": "Jane", "lastName": "Doe", "phoneNumber": "555"}}}}"#,
        );
        for secret in ["a@b.c", "001", "2031", "Jane", "Doe", "555"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("M1") && shown.contains(MASK));
        assert_eq!(body(b"<html>"), "<6 bytes, not JSON>");
    }
}
