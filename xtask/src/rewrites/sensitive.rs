//! A change to progenitor's output that its settings cannot express: card data does
//! not show in `Debug`.
//!
//! typify derives `Debug` for every type and builder, so `{:?}` of an instrument
//! identifier would print its card number. The spec marks the fields that hold card or
//! account data with `x-sensitive: true` (a fact of the field, so it lives in the
//! spec); every generated struct with such a field (the type and its builder) gets a
//! `Debug` of its own instead, which prints `"****"` for them and the rest as derived.
//! Serialisation is unchanged: the number still goes to CyberSource.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use quote::quote;
use serde_json::Value;

/// What a sensitive field shows in `Debug`.
const HIDDEN: &str = "****";

/// The Rust field names (snake case, as typify names them) of every property the spec
/// marks `x-sensitive: true`.
pub fn sensitive_fields(spec: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    collect(spec, &mut names);
    names
}

fn collect(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, property) in properties {
                    if property.get("x-sensitive") == Some(&Value::Bool(true)) {
                        names.insert(name.to_snake_case());
                    }
                }
            }
            map.values().for_each(|v| collect(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
        _ => {}
    }
}

/// Gives every struct of `file` (at any depth of modules) with a field in `sensitive`
/// a `Debug` that hides those fields. Returns how many structs it changed.
pub fn debug_hides_sensitive_fields(file: &mut syn::File, sensitive: &BTreeSet<String>) -> usize {
    hide_in(&mut file.items, sensitive)
}

fn hide_in(items: &mut Vec<syn::Item>, sensitive: &BTreeSet<String>) -> usize {
    let mut changed = 0;
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    changed += hide_in(content, sensitive);
                }
            }
            syn::Item::Struct(structure) => {
                if let Some(debug) = hidden_debug(structure, sensitive) {
                    impls.push(debug);
                    changed += 1;
                }
            }
            _ => {}
        }
    }
    items.extend(impls);
    changed
}

/// The `Debug` impl for `structure` when it has a sensitive field (and `Debug` taken
/// out of its derives); `None` when it has none.
fn hidden_debug(
    structure: &mut syn::ItemStruct,
    sensitive: &BTreeSet<String>,
) -> Option<syn::Item> {
    let syn::Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let idents: Vec<&syn::Ident> = fields
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .collect();
    if !idents.iter().any(|i| sensitive.contains(&i.to_string())) {
        return None;
    }
    let lines = idents.iter().map(|ident| {
        let name = ident.to_string();
        if sensitive.contains(&name) {
            quote! { .field(#name, &#HIDDEN) }
        } else {
            quote! { .field(#name, &self.#ident) }
        }
    });
    let ty = &structure.ident;
    let title = ty.to_string();
    let derives = without_debug(&structure.attrs);
    structure.attrs = derives;
    Some(syn::parse_quote! {
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#title) #(#lines)* .finish()
            }
        }
    })
}

/// `attrs` with `Debug` taken out of their `derive`s.
fn without_debug(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    use syn::punctuated::Punctuated;
    attrs
        .iter()
        .map(|attr| {
            if !attr.path().is_ident("derive") {
                return attr.clone();
            }
            let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                return attr.clone();
            };
            let kept = paths
                .into_iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Debug"));
            syn::parse_quote! { #[derive(#(#kept),*)] }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_fields_are_found_at_any_depth() {
        let spec = serde_json::json!({"components": {"schemas": {"Card": {
            "properties": {
                "number": {"type": "string", "x-sensitive": true},
                "type": {"type": "string"},
                "inner": {"properties": {"securityCode": {"x-sensitive": true}}},
            }
        }}}});
        let names: Vec<String> = sensitive_fields(&spec).into_iter().collect();
        assert_eq!(names, ["number", "security_code"]);
    }

    #[test]
    fn a_struct_with_a_sensitive_field_gets_a_debug_that_hides_it() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, PartialEq)]
                pub struct Card { pub number: Option<String>, pub kind: Option<String> }
                #[derive(Clone, Debug)]
                pub struct Other { pub kind: Option<String> }
            }
        };
        let sensitive = BTreeSet::from(["number".to_owned()]);
        assert_eq!(debug_hides_sensitive_fields(&mut file, &sensitive), 1);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("# [derive (Clone , PartialEq)] pub struct Card"),
            "{text}"
        );
        assert!(
            text.contains("# [derive (Clone , Debug)] pub struct Other"),
            "{text}"
        );
        assert!(text.contains(". field (\"number\" , & \"****\")"), "{text}");
        assert!(
            text.contains(". field (\"kind\" , & self . kind)"),
            "{text}"
        );
    }
}
