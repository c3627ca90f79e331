//! What `cargo xtask generate` makes of the spec's types: every generated type can grow
//! (`#[non_exhaustive]`, builders that nest), and an enumeration is a string in the
//! types and a rule on requests, so an answer with a value CyberSource adds later
//! still reads.

use serde_json::{Value, json};

use crate::generate;
use crate::workspace;

fn spec() -> Value {
    let text = std::fs::read_to_string(workspace::workspace_root().join(workspace::SPEC)).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn render(spec: &Value) -> Vec<generate::Output> {
    generate::render_spec(&serde_norway::to_string(spec).unwrap()).unwrap()
}

fn file<'a>(outputs: &'a [generate::Output], path: &str) -> &'a str {
    &outputs.iter().find(|o| o.path == path).unwrap().contents
}

/// The item of the `types` module named `name` (struct or enum), as text.
fn type_item(client: &str, name: &str) -> String {
    let file = syn::parse_file(client).unwrap();
    for item in &file.items {
        let syn::Item::Mod(types) = item else {
            continue;
        };
        if types.ident != "types" {
            continue;
        }
        for item in &types.content.as_ref().unwrap().1 {
            match item {
                syn::Item::Struct(s) if s.ident == name => return quote::quote!(#s).to_string(),
                syn::Item::Enum(e) if e.ident == name => return quote::quote!(#e).to_string(),
                _ => {}
            }
        }
    }
    panic!("no type {name} in types");
}

#[test]
fn every_generated_type_is_non_exhaustive_and_its_builder_nests() {
    let outputs = render(&spec());
    let client = file(&outputs, "customer-client/src/generated.rs");
    let file = syn::parse_file(client).unwrap();
    let syn::Item::Mod(types) = file
        .items
        .iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        .unwrap()
    else {
        unreachable!()
    };
    let compact = client
        .split_whitespace()
        .collect::<String>()
        .replace(",>", ">");
    let mut structs = 0;
    for item in &types.content.as_ref().unwrap().1 {
        let (name, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &s.attrs),
            syn::Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        structs += 1;
        assert!(
            attrs.iter().any(|a| a.path().is_ident("non_exhaustive")),
            "types::{name} is not #[non_exhaustive]"
        );
        // Its builder stands for a present optional value, so builders nest.
        assert!(
            compact.contains(&format!(
                "impl::std::convert::TryFrom<{name}>for::std::option::Option<super::{name}>"
            )),
            "builder::{name} does not convert into Option<{name}>"
        );
    }
    assert!(structs > 40, "{structs} types");
}

/// An `enum` planted on a response field and on a request field: both fields are
/// strings in the generated types (so a value added later still decodes), and the
/// request field's values are a rule the client checks before sending.
#[test]
fn an_enumeration_is_a_string_in_the_types_and_a_rule_on_requests() {
    let mut spec = spec();
    let customer = spec
        .pointer_mut("/components/schemas/Metadata/properties")
        .unwrap();
    customer["state"] = json!({"type": "string", "enum": ["ACTIVE", "CLOSED"]});
    let buyer = spec
        .pointer_mut("/components/schemas/BuyerInformation/properties")
        .unwrap();
    buyer["tier"] = json!({"type": "string", "enum": ["GOLD", "SILVER"]});
    let outputs = render(&spec);
    let client = file(&outputs, "customer-client/src/generated.rs");
    let metadata = type_item(client, "Metadata");
    assert!(
        metadata.contains("pub state : :: std :: option :: Option < :: std :: string :: String >"),
        "{metadata}"
    );
    let buyer = type_item(client, "BuyerInformation");
    assert!(
        buyer.contains("pub tier : :: std :: option :: Option < :: std :: string :: String >"),
        "{buyer}"
    );
    // No Rust enum was generated for either.
    assert_eq!(
        client.matches("pub enum").count(),
        committed_client().matches("pub enum").count()
    );
    let rules = file(&outputs, "customer-client/src/generated_rules.rs");
    assert!(
        rules.contains("path: \"buyerInformation.tier\"")
            && rules.contains("allowed: &[\"GOLD\", \"SILVER\"]"),
        "the request field's values are not in the rule table"
    );
    // The response-only field is read-only (under `metadata`): no rule.
    assert!(!rules.contains("\"ACTIVE\""));
}

fn committed_client() -> String {
    std::fs::read_to_string(workspace::workspace_root().join("customer-client/src/generated.rs"))
        .unwrap()
}
