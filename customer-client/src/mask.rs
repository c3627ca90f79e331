//! Masking of sensitive values (card and account numbers, security codes, personal
//! data) wherever this crate shows a body or a decoder's message: TRACE logs, error
//! messages and Debug output. Public so that the CLI, the mock and users' own logs can
//! show bodies the same way.

use serde_json::Value;

/// Field names whose values are masked: those CyberSource's SDKs mask in logs
/// (reference README), and the card data of payment instruments that they do not list
/// (cryptograms, the card prefix of a BIN lookup).
const SENSITIVE: &[&str] = &[
    "cryptogram",
    "accountPrefix",
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

/// The body as text for a log line or a message, with sensitive values replaced by
/// `****`. A body that is not JSON is not shown at all, only its length.
pub fn body(bytes: &[u8]) -> String {
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
                // `type` names the card brand inside `card` objects; an EMV tag's
                // `value` can hold the card number.
                let by_parent = (key == "type" && parent == Some("card"))
                    || (key == "value" && parent == Some("emvTags"));
                if (SENSITIVE.contains(&key.as_str()) || by_parent)
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
        // A card number in a field that is not named for one is masked all the same.
        Value::String(text) if looks_like_card_number(text) => *text = MASK.to_owned(),
        _ => {}
    }
}

/// 13 to 19 digits, spaces and dashes between them allowed: the length of card numbers.
fn looks_like_card_number(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    (13..=19).contains(&digits)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-')
}

/// A message (a JSON decoder's, say) with every quoted value masked: serde's messages
/// quote the value they could not read (`invalid type: string "4111…", expected …`).
pub fn message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    for c in text.chars() {
        match open {
            Some(quote) if c == quote => {
                out.push_str(MASK);
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    open = Some(c);
                }
            }
        }
    }
    if open.is_some() {
        out.push_str(MASK);
    }
    out
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
        let card = body(
            br#"{"card": {"number": "4111111111111111", "securityCode": "123"},
                "tokenizedCard": {"cryptogram": "AceY+igABPs3jdwNaDg3MAACAAA="},
                "pointOfSaleInformation": {"emvTags": [{"tag": "5A", "value": "4111111111111111"}]},
                "bankAccount": {"number": "4100", "routingNumber": "071923284"}}"#,
        );
        for secret in ["4111111111111111", "123", "AceY", "071923284", "4100"] {
            assert!(!card.contains(secret), "{secret} in {card}");
        }
        assert!(card.contains("5A"), "{card}");
        // `type` is masked only inside a card (the brand); elsewhere it stays.
        let typed = body(br#"{"type": "enrollable card", "card": {"type": "001"}}"#);
        assert!(
            typed.contains("enrollable card") && !typed.contains("001"),
            "{typed}"
        );
        // A number inside other text is not a card number's shape.
        let reference = body(br#"{"code": "ref4622943127013705"}"#);
        assert!(reference.contains("ref4622943127013705"), "{reference}");
        // Wherever a card number is, by its shape; shorter numbers and other text stay.
        let elsewhere =
            body(br#"{"note": "4622 9431 2701 3705", "code": "123456", "id": "ABC-1"}"#);
        assert!(!elsewhere.contains("4622"), "{elsewhere}");
        assert!(
            elsewhere.contains("123456") && elsewhere.contains("ABC-1"),
            "{elsewhere}"
        );
    }

    /// An EMV tag's `value` is masked whatever it looks like (track data, a name, a
    /// short hex string), by its place, not its shape; a `value` elsewhere is not.
    #[test]
    fn an_emv_tag_s_value_is_masked_whatever_it_looks_like() {
        let shown = body(
            br#"{"pointOfSaleInformation": {"emvTags": [
                    {"tag": "57", "value": "D2512201"},
                    {"tag": "5F20", "value": "DOE/JANE"},
                    {"tag": "9F02", "value": "42"}]},
                "merchantDefinedInformation": [{"name": "data1", "value": "D2512201-visible"}]}"#,
        );
        for secret in ["\"D2512201\"", "DOE/JANE", "\"42\""] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("D2512201-visible"), "{shown}");
        assert!(shown.contains("5F20") && shown.contains("9F02"), "{shown}");
    }

    /// Card numbers are 13 to 19 digits long: every length is masked, wherever it
    /// stands, and 12 or 20 digits are not taken for one.
    #[test]
    fn every_card_number_length_is_masked() {
        let digits = "4622943127013705123456";
        for length in 13..=19 {
            let number = &digits[..length];
            for shown in [
                body(format!(r#"{{"note": "{number}"}}"#).as_bytes()),
                message(&format!("invalid value \"{number}\"")),
            ] {
                assert!(!shown.contains(&number[6..]), "{length} digits: {shown}");
            }
        }
        for length in [12, 20] {
            let number = &digits[..length];
            let shown = body(format!(r#"{{"note": "{number}"}}"#).as_bytes());
            assert!(shown.contains(number), "{length} digits: {shown}");
        }
    }

    #[test]
    fn quoted_values_in_messages_are_masked() {
        let e = serde_json::from_str::<Vec<u8>>(r#""4111111111111111""#).unwrap_err();
        let shown = message(&e.to_string());
        assert!(!shown.contains("4111"), "{shown}");
        assert!(
            shown.starts_with("invalid type: string \"****\""),
            "{shown}"
        );
        assert_eq!(
            message("unknown variant `VISA`, expected one of"),
            "unknown variant `****`, expected one of"
        );
        assert_eq!(message("cut \"short"), "cut \"****");
        assert_eq!(message("no quotes"), "no quotes");
    }
}
