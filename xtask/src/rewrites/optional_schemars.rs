//! A change to progenitor's output that its settings cannot express: the generated
//! types derive `schemars::JsonSchema` only with customer-client's `schemars` feature.
//!
//! progenitor's CLI prints bodies through bounds that need `JsonSchema`, so the types
//! derive it (`with_derive`). Users of the client alone do not need it, and schemars with
//! its derive is the largest piece of the first build that openapi-generator's client
//! does not pay for (BENCHMARKS.md, "Build cost"). Each derive of it becomes a
//! `cfg_attr` on the feature, which the CLI turns on.

use quote::quote;
use syn::punctuated::Punctuated;

/// Moves `schemars::JsonSchema` out of every `derive` of `file` into a
/// `cfg_attr(feature = "schemars", derive(..))`. Returns how many items it changed.
pub fn json_schema_behind_feature(file: &mut syn::File) -> usize {
    let mut changed = 0;
    visit(&mut file.items, &mut changed);
    changed
}

fn visit(items: &mut [syn::Item], changed: &mut usize) {
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    visit(content, changed);
                }
            }
            syn::Item::Struct(s) => *changed += usize::from(gate(&mut s.attrs)),
            syn::Item::Enum(e) => *changed += usize::from(gate(&mut e.attrs)),
            _ => {}
        }
    }
}

fn is_json_schema(path: &syn::Path) -> bool {
    let text = quote!(#path).to_string().replace(' ', "");
    text == "schemars::JsonSchema"
}

/// `true` when a derive of `attrs` had `schemars::JsonSchema`.
fn gate(attrs: &mut Vec<syn::Attribute>) -> bool {
    let mut found = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        if !paths.iter().any(is_json_schema) {
            continue;
        }
        found = true;
        let kept = paths.into_iter().filter(|p| !is_json_schema(p));
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
    }
    if found {
        attrs.push(syn::parse_quote! {
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derive_moves_behind_the_feature() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, schemars::JsonSchema)]
                pub struct Thing { pub a: Option<String> }
                #[derive(Clone)]
                pub struct Other;
            }
        };
        assert_eq!(json_schema_behind_feature(&mut file), 1);
        let text = quote!(#file).to_string();
        assert!(text.contains("# [derive (Clone , Debug)] # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] pub struct Thing"), "{text}");
        assert!(
            text.contains("# [derive (Clone)] pub struct Other"),
            "{text}"
        );
    }
}
