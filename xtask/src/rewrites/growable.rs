//! A change to progenitor's output that its settings cannot express: generated types
//! that can grow, so that a new optional field in CyberSource's definition is a patch
//! release of the crate and not a break of its users' code.
//!
//! - Every struct and enum of `types` is `#[non_exhaustive]`: outside the crate it cannot
//!   be written as a literal (or matched exhaustively), so adding a field or a variant
//!   breaks nobody. typify has a setting for extra attributes, but progenitor 0.15 does
//!   not pass it through, and a per-type patch would need every name typify invents.
//! - Users build values with the generated builders (`types::Customer::builder()`). A
//!   builder setter of an optional nested field takes anything that converts into
//!   `Option<T>`; each builder gets that conversion, so builders nest without a
//!   `try_into()` at every level. A failed conversion surfaces when the request is sent.
//! - The typed mocks' `MockServerExt` is sealed: a new operation adds a method to it,
//!   which breaks only code that implements the trait, and only httpmock's `MockServer`
//!   does. Sealed (a supertrait outside users' reach), the added method is no break.

use quote::format_ident;

/// Marks every type of `types` non-exhaustive and lets every builder stand for an
/// optional value of its type. Returns how many types it marked.
pub fn types_can_grow(file: &mut syn::File) -> usize {
    let Some(types) = super::module_items(&mut file.items, "types") else {
        return 0;
    };
    let non_exhaustive: syn::Attribute = syn::parse_quote!(#[non_exhaustive]);
    let mut marked = 0;
    let mut built = Vec::new();
    for item in types.iter_mut() {
        let attrs = match item {
            syn::Item::Struct(s) => {
                built.push(s.ident.clone());
                &mut s.attrs
            }
            syn::Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            attrs.push(non_exhaustive.clone());
            marked += 1;
        }
    }
    let Some(builders) = super::module_items(types, "builder") else {
        return marked;
    };
    let defined: Vec<syn::Ident> = builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.clone()),
            _ => None,
        })
        .collect();
    for name in built.iter().filter(|name| defined.contains(name)) {
        let name = format_ident!("{name}");
        builders.push(syn::parse_quote! {
            /// A builder stands for a present optional value (added by `cargo xtask generate`).
            impl ::std::convert::TryFrom<#name> for ::std::option::Option<super::#name> {
                type Error = super::error::ConversionError;
                fn try_from(
                    value: #name,
                ) -> ::std::result::Result<Self, super::error::ConversionError> {
                    super::#name::try_from(value).map(Some)
                }
            }
        });
    }
    marked
}

/// Seals the typed mocks' extension trait: `MockServerExt: sealed::Sealed`, implemented
/// for httpmock's `MockServer` alone. Returns whether it found the trait.
pub fn mock_trait_is_sealed(file: &mut syn::File) -> bool {
    let mut found = false;
    for item in &mut file.items {
        if let syn::Item::Trait(tr) = item
            && tr.ident == "MockServerExt"
        {
            tr.supertraits.push(syn::parse_quote!(sealed::Sealed));
            found = true;
        }
    }
    if found {
        file.items.push(syn::parse_quote! {
            /// Only httpmock's `MockServer` has the extensions (added by `cargo xtask
            /// generate`), so a new operation's method breaks no one's code.
            mod sealed {
                pub trait Sealed {}
                impl Sealed for ::httpmock::MockServer {}
            }
        });
    }
    found
}
