//! A change to progenitor's output that its settings cannot express: the resources an
//! answer embeds (HAL's `_embedded`) are boxed, `Option<Box<…Embedded>>`.
//!
//! typify lays every nested object out inline, so a type is as large as everything it
//! may hold. A customer may embed its default payment instrument, which may embed its
//! instrument identifier: inline, `Customer` was 3,864 bytes, 3,552 of them the
//! `_embedded` that a created or retrieved customer seldom carries, and every move of
//! a customer (out of a future, a task, a `Vec`) copied them all. Boxed, `Customer` is
//! 320 bytes (BENCHMARKS.md, session 12). The builders' setters keep their signatures
//! (they take what converts into `Option<…Embedded>`, and box it), and reading through
//! the box is reading the value (`customer.embedded.as_ref().map(|e| &e.…)`).

use serde_json::Value;

/// How many properties named `_embedded` the spec's component schemas have: each is a
/// field this rewrite boxes.
pub fn embedded_properties(spec: &Value) -> usize {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |schemas| {
            schemas
                .values()
                .filter(|schema| schema.pointer("/properties/_embedded").is_some())
                .count()
        })
}

/// Boxes every `_embedded` field of the `types` module's structs, with its builder's
/// field and setter. Returns how many fields it boxed in all three places.
pub fn embedded_resources_are_boxed(file: &mut syn::File) -> usize {
    let Some(types) = super::module_items(&mut file.items, "types") else {
        return 0;
    };
    // The type's field: `Option<X>` → `Option<Box<X>>`.
    let mut boxed = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        for field in structure.fields.iter_mut() {
            if is_embedded(field) && box_option(&mut field.ty) {
                boxed.push((structure.ident.clone(), field.ident.clone()));
            }
        }
    }
    let Some(builders) = super::module_items(types, "builder") else {
        return 0;
    };
    boxed
        .iter()
        .filter(|(structure, field)| {
            let Some(field) = field else {
                return false;
            };
            box_builder_field(builders, structure, field)
                && box_in_setter(builders, structure, field)
        })
        .count()
}

/// Whether serde names the field `_embedded`.
fn is_embedded(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .any(|attr| {
            let mut renamed = false;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.input.peek(syn::Token![=]) {
                    let value: syn::Expr = meta.value()?.parse()?;
                    if meta.path.is_ident("rename")
                        && matches!(&value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })
                            if name.value() == "_embedded")
                    {
                        renamed = true;
                    }
                }
                Ok(())
            });
            renamed
        })
}

/// `Option<X>` → `Option<::std::boxed::Box<X>>`, wherever that `Option` is in `ty`
/// (the builder's field is `Result<Option<X>, String>`). `false` when there is none.
fn box_option(ty: &mut syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last_mut() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    if last.ident == "Option" {
        let Some(syn::GenericArgument::Type(inner)) = args.args.first_mut() else {
            return false;
        };
        *inner = syn::parse_quote!(::std::boxed::Box<#inner>);
        return true;
    }
    args.args.iter_mut().any(|arg| match arg {
        syn::GenericArgument::Type(inner) => box_option(inner),
        _ => false,
    })
}

/// The builder's field of the same name: `Result<Option<X>, String>` → `Result<Option<Box<X>>, String>`.
fn box_builder_field(
    builders: &mut [syn::Item],
    structure: &syn::Ident,
    name: &syn::Ident,
) -> bool {
    builders.iter_mut().any(|item| match item {
        syn::Item::Struct(builder) if builder.ident == *structure => builder
            .fields
            .iter_mut()
            .find(|field| field.ident.as_ref() == Some(name))
            .is_some_and(|field| box_option(&mut field.ty)),
        _ => false,
    })
}

/// The builder's setter of the same name converts as before, then boxes:
/// `value.try_into()` → `value.try_into().map(|value| value.map(::std::boxed::Box::new))`.
fn box_in_setter(builders: &mut [syn::Item], structure: &syn::Ident, name: &syn::Ident) -> bool {
    use syn::visit_mut::VisitMut;
    struct BoxConverted(usize);
    impl VisitMut for BoxConverted {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "try_into"
                && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("value"))
            {
                *expr = syn::parse_quote!(#call.map(|value| value.map(::std::boxed::Box::new)));
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    builders.iter_mut().any(|item| {
        let syn::Item::Impl(block) = item else {
            return false;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            return false;
        };
        if block.trait_.is_some() || !self_ty.path.is_ident(structure) {
            return false;
        }
        block.items.iter_mut().any(|member| match member {
            syn::ImplItem::Fn(setter) if setter.sig.ident == *name => {
                let mut visitor = BoxConverted(0);
                visitor.visit_block_mut(&mut setter.block);
                visitor.0 == 1
            }
            _ => false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_field_is_boxed_in_the_type_its_builder_and_its_setter() {
        // Other modules come first, as in progenitor's output (`types::error`).
        let mut file: syn::File = syn::parse_quote! {
            pub mod other {}
            pub mod types {
                pub mod error {}
                pub struct Customer {
                    #[serde(rename = "_embedded", skip_serializing_if = "::std::option::Option::is_none")]
                    pub embedded: ::std::option::Option<CustomerEmbedded>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub id: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    pub struct Customer {
                        embedded: ::std::result::Result<::std::option::Option<super::CustomerEmbedded>, ::std::string::String>,
                        id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl Customer {
                        pub fn embedded<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<super::CustomerEmbedded>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.embedded = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                        pub fn id<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.id = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                    }
                }
            }
        };
        assert_eq!(embedded_resources_are_boxed(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("pub embedded : :: std :: option :: Option < :: std :: boxed :: Box < CustomerEmbedded > >"),
            "{text}"
        );
        assert!(
            text.contains("embedded : :: std :: result :: Result < :: std :: option :: Option < :: std :: boxed :: Box < super :: CustomerEmbedded > > , :: std :: string :: String >"),
            "{text}"
        );
        assert!(
            text.contains("self . embedded = value . try_into () . map (| value | value . map (:: std :: boxed :: Box :: new)) . map_err"),
            "{text}"
        );
        // The setter's signature is kept; other fields are not touched.
        assert!(
            text.contains("T : :: std :: convert :: TryInto < :: std :: option :: Option < super :: CustomerEmbedded > >"),
            "{text}"
        );
        assert_eq!(text.matches(":: std :: boxed :: Box").count(), 3, "{text}");
    }

    /// The registry's entry expects one boxed field per `_embedded` of the spec, so a
    /// field the rewrite missed fails `generate`.
    #[test]
    fn the_registry_expects_every_embedded_property() {
        use crate::rewrites::{Inputs, REWRITES};
        let rules = crate::normalise::Rules {
            operations: Vec::new(),
            bodies: Default::default(),
        };
        let inputs = Inputs {
            rules: &rules,
            ids: Default::default(),
            sensitive: Default::default(),
            patch_methods: Vec::new(),
            embedded: 2,
        };
        let entry = REWRITES
            .iter()
            .find(|r| r.name == "embedded resources are boxed")
            .expect("rewrite 15 is registered");
        assert_eq!(entry.number, 15);
        assert_eq!((entry.expects)(&inputs), 2);
    }

    #[test]
    fn the_spec_s_embedded_properties_are_counted() {
        let spec = serde_json::json!({"components": {"schemas": {
            "Customer": {"properties": {"_embedded": {"$ref": "#/x"}, "id": {}}},
            "Page": {"properties": {"_embedded": {"type": "object"}}},
            "Other": {"properties": {"embedded": {}}},
        }}});
        assert_eq!(embedded_properties(&spec), 2);
    }
}
