//! The Rust names progenitor and typify give to things of the spec, so that tables
//! generated here name the same methods and types as progenitor's own output.
//!
//! progenitor derives a method name with `sanitize(operation_id, Case::Snake)`
//! (progenitor-impl `util.rs`), typify a type name with `Case::Pascal`. Both are
//! private to those crates; this is the same function over the same crate (heck), and
//! a test below checks it against names progenitor itself generates.

use heck::{ToPascalCase, ToSnakeCase};

/// progenitor's method name (and `OperationInfo::operation_id`) for `operation_id`,
/// e.g. `getHTTPStatus` → `get_http_status`.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, str::to_snake_case)
}

/// typify's type name for the component schema `schema`, e.g. `ErrorResponse`.
pub fn type_name(schema: &str) -> String {
    sanitize(schema, str::to_pascal_case)
}

/// The typed httpmock `Then` method for a status, as progenitor names it: the status's
/// canonical reason in snake case (`201` → `created`, `204` → `no_content`).
pub fn status_method(status: u16) -> Option<String> {
    let reason = http::StatusCode::from_u16(status)
        .ok()?
        .canonical_reason()?;
    Some(sanitize(reason, str::to_snake_case))
}

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    // Keywords (and `gen`, which typify also avoids) get a trailing underscore.
    if out == "gen" || out == "_" || syn::parse_str::<syn::Ident>(&out).is_err() {
        format!("{out}_")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names progenitor generates for a spec with awkward operationIds are the
    /// names this module derives.
    #[test]
    fn method_names_are_progenitors() {
        let ids = [
            "getHTTPStatus",
            "patchCustomersShippingAddress",
            "postCustomerPaymentInstrument",
            "get-thing_by.id",
            "type",
            "ListV2Items",
        ];
        let paths: serde_json::Map<String, serde_json::Value> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    format!("/p{i}"),
                    serde_json::json!({"get": {"operationId": id, "responses": {"204": {"description": "ok"}}}}),
                )
            })
            .collect();
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
        }))
        .unwrap();
        let tokens = progenitor::Generator::default()
            .generate_tokens(&spec)
            .unwrap()
            .to_string();
        for id in ids {
            let name = method_name(id);
            // `fn name (` or `fn name <'a> (` as the tokens print.
            assert!(
                tokens.contains(&format!("fn {name} ("))
                    || tokens.contains(&format!("fn {name} <")),
                "progenitor has no method `{name}` for `{id}`"
            );
        }
        assert_eq!(method_name("getHTTPStatus"), "get_http_status");
        assert_eq!(
            method_name("patchCustomersShippingAddress"),
            "patch_customers_shipping_address"
        );
    }

    #[test]
    fn type_names_are_typifys() {
        assert_eq!(type_name("Customer"), "Customer");
        assert_eq!(type_name("ErrorResponse"), "ErrorResponse");
        assert_eq!(type_name("shippingAddress"), "ShippingAddress");
    }
}
