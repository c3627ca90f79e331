//! Any bytes, decoded as every body an answer can carry, then checked against the
//! request rules: a value or an error, never a panic.
#![no_main]

use customer_client::{rules, types};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(customer) = serde_json::from_slice::<types::Customer>(data) {
        // What decodes must encode again and decode to the same value.
        let again = serde_json::to_vec(&customer).expect("a decoded customer encodes");
        let back: types::Customer = serde_json::from_slice(&again).expect("and decodes");
        assert_eq!(back, customer);
    }
    let _ = serde_json::from_slice::<types::ErrorResponse>(data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        for operation in ["postCustomer", "patchCustomer"] {
            let _ = rules::check_body(operation, &value);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for (operation, name) in [
            ("getCustomer", "customerId"),
            ("patchCustomer", "if-match"),
            ("postCustomer", "profile-id"),
        ] {
            let _ = rules::check_parameter(operation, name, Some(text));
        }
    }
});
