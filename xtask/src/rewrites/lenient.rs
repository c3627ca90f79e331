//! A change to progenitor's output that its settings cannot express: a `null` list
//! reads as an empty one.
//!
//! typify makes an optional array a `Vec<T>` with `#[serde(default)]`, which accepts
//! a missing member but not `null`. CyberSource answers may carry `null` for an
//! absent field (openapi/README.md), and the crate promises that `null` in any
//! optional field reads as absent; `Option<T>` fields do that already. Making the
//! arrays nullable in the spec would turn every `Vec<T>` into `Option<Vec<T>>` for
//! users; instead each such field gets `deserialize_with` a helper emitted beside the
//! types. Sending is unchanged.

use quote::quote;
use syn::visit_mut::VisitMut;

/// The helper's name, as the attribute refers to it (it lives in `types`).
const HELPER: &str = "null_as_empty";

/// Adds the helper to the `types` module of the generated client and points every
/// defaulted `Vec` field at it. Returns how many fields it changed.
pub fn null_lists_read_as_empty(file: &mut syn::File) -> usize {
    let mut changed = 0;
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        let mut fields = VecFields(0);
        for item in items.iter_mut() {
            fields.visit_item_mut(item);
        }
        changed += fields.0;
        items.push(syn::parse_quote! {
            /// Reads `null` as an empty list (lenient reading; added by `cargo xtask generate`).
            fn null_as_empty<'de, D, T>(
                deserializer: D,
            ) -> ::std::result::Result<::std::vec::Vec<T>, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de>,
            {
                let value: ::std::option::Option<::std::vec::Vec<T>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        });
    }
    changed
}

/// Whether `#[serde(..)]` holds `default` and `skip_serializing_if =
/// "::std::vec::Vec::is_empty"`, read as its items, not as text.
fn defaults_and_skips_empty(list: &syn::MetaList) -> bool {
    use syn::punctuated::Punctuated;
    let Ok(items) = list.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
    else {
        return false;
    };
    let default = items.iter().any(|m| m.path().is_ident("default"));
    let skips_empty = items.iter().any(|m| match m {
        syn::Meta::NameValue(pair) if pair.path.is_ident("skip_serializing_if") => {
            matches!(&pair.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                if s.value() == "::std::vec::Vec::is_empty")
        }
        _ => false,
    });
    default && skips_empty
}

/// Visits struct fields; counts the ones it changed.
struct VecFields(usize);

impl VisitMut for VecFields {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        let is_vec = matches!(&field.ty, syn::Type::Path(path)
            if path.path.segments.last().is_some_and(|s| s.ident == "Vec"));
        if !is_vec {
            return;
        }
        for attribute in &mut field.attrs {
            let syn::Meta::List(list) = &mut attribute.meta else {
                continue;
            };
            if list.path.is_ident("serde") && defaults_and_skips_empty(list) {
                list.tokens.extend(quote! { , deserialize_with = #HELPER });
                self.0 += 1;
            }
        }
    }
}
