//! The request rules compiled for each request body type: writes
//! `customer-client/src/generated_checks.rs` (openapi/README.md, normalisation 1).
//!
//! For every request body schema, an `impl TypedRules` walks the typed value field by
//! field, in the order the type serialises, and applies the rule table's entry for each
//! field that has one (`CUSTOMER_FIELDS[3].limits`, say): the table stays the one
//! source, which the client's walk over bytes and customer-mock read too. What is
//! present follows serde's attributes, as the bytes would show it: `None` is absent, and
//! so is an empty list that is skipped when empty. The shape of each type is read from
//! progenitor's output (the `types` module), so a field's Rust name and wrapping come
//! from the code they check.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::normalise::{FieldRule, Limits, Rules};

/// The checks of every request body type, given the rule table and progenitor's client.
pub fn checks_tokens(rules: &Rules, client: &syn::File) -> anyhow::Result<TokenStream> {
    let structs = structs(client)?;
    let mut impls = Vec::new();
    for (schema, fields) in &rules.bodies {
        let ruled: Vec<&FieldRule> = fields
            .iter()
            .filter(|f| f.limits != Limits::default())
            .collect();
        let type_name = crate::naming::type_name(schema);
        let table = crate::generate::body_ident(schema);
        let compiler = Compiler {
            structs: &structs,
            ruled: &ruled,
            table: &table,
        };
        let root = format_ident!("v0");
        let body = compiler
            .object(&type_name, &root, "", &mut Scope::default())
            .map_err(|e| anyhow::anyhow!("the checks of `{schema}`: {e}"))?;
        let ty = format_ident!("{type_name}");
        let check = format_ident!(
            "check_{}",
            crate::generate::screaming_snake(schema).to_lowercase()
        );
        let doc = format!(
            "The rules of `{schema}` ({table}), on the typed value, in the order it serialises."
        );
        impls.push(quote! {
            impl TypedRules for types::#ty {
                fn typed_check(&self) -> BodyCheck {
                    BodyCheck::Typed(#check(self))
                }
            }
            #[doc = #doc]
            #[allow(unused_variables)]
            fn #check(v0: &types::#ty) -> Result<(), Violation> {
                #body
                Ok(())
            }
        });
    }
    let tables = rules
        .bodies
        .keys()
        .map(|schema| crate::generate::body_ident(schema));
    // For the tests: each body type with its table, read from JSON and checked both
    // ways (typed here, and by the walk over the bytes it serialises to).
    let bodies = rules.bodies.keys().map(|schema| {
        let ty = format_ident!("{}", crate::naming::type_name(schema));
        let table = crate::generate::body_ident(schema);
        let writable = crate::generate::writable_ident(schema);
        quote! {
            TypedBody {
                schema: #schema,
                fields: crate::generated_rules::#table,
                writable: crate::generated_rules::#writable,
                read: |json| {
                    let value: types::#ty = serde_json::from_slice(json).ok()?;
                    let BodyCheck::Typed(checked) = value.typed_check() else {
                        return None;
                    };
                    Some((checked, serde_json::to_vec(&value).ok()?))
                },
            }
        }
    });
    Ok(quote! {
        #[allow(unused_imports)]
        use crate::generated_rules::{#(#tables),*};
        #[allow(unused_imports)]
        use crate::rules::{BodyCheck, TypedRules, Violation, check_items, check_string_at, missing};
        use crate::types;
        #(#impls)*
        /// What a body type makes of JSON: its typed check, and the bytes it serialises to.
        #[cfg(test)]
        pub(crate) type Read = fn(&[u8]) -> Option<(Result<(), Violation>, Vec<u8>)>;
        /// A request body type with its table (for the tests that hold the checks to the walk).
        #[cfg(test)]
        pub(crate) struct TypedBody {
            pub schema: &'static str,
            pub fields: &'static [crate::rule_model::Field],
            pub writable: &'static [&'static str],
            /// JSON read as the type: its typed check, and the bytes it serialises to.
            pub read: Read,
        }
        /// Every request body type of the spec.
        #[cfg(test)]
        pub(crate) static TYPED_BODIES: &[TypedBody] = &[#(#bodies),*];
    })
}

/// One field of a generated struct, as serde writes it.
struct Member {
    ident: syn::Ident,
    /// Its JSON name (serde's `rename`, else the Rust name).
    json: String,
    shape: Shape,
    /// Whether serde leaves it out when `None` (an `Option`) or empty (a `Vec`).
    skipped_when_empty: bool,
}

/// What a field's Rust type is, as far as the rules go.
#[derive(Clone, Debug)]
enum Shape {
    Option(Box<Shape>),
    List(Box<Shape>),
    Text,
    /// A struct of the `types` module.
    Struct(String),
    /// Anything else (numbers, booleans, maps): no rule of the table applies to it.
    Other(String),
}

/// The struct definitions of progenitor's `types` module, by name.
fn structs(client: &syn::File) -> anyhow::Result<BTreeMap<String, Vec<Member>>> {
    let types = client
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, c)| c),
            _ => None,
        })
        .ok_or_else(|| anyhow::anyhow!("progenitor's output has no `types` module"))?;
    let mut out = BTreeMap::new();
    for item in types {
        let syn::Item::Struct(definition) = item else {
            continue;
        };
        let syn::Fields::Named(named) = &definition.fields else {
            continue;
        };
        let mut members = Vec::new();
        for field in &named.named {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let (rename, skip) = serde_attributes(&field.attrs)?;
            members.push(Member {
                json: rename.unwrap_or_else(|| ident.to_string()),
                ident,
                shape: shape(&field.ty),
                skipped_when_empty: skip.is_some(),
            });
        }
        out.insert(definition.ident.to_string(), members);
    }
    Ok(out)
}

/// A field's `#[serde(rename = "…", skip_serializing_if = "…")]`.
fn serde_attributes(attrs: &[syn::Attribute]) -> anyhow::Result<(Option<String>, Option<String>)> {
    let (mut rename, mut skip) = (None, None);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("skip_serializing_if") {
                skip = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("a serde attribute does not parse: {e}"))?;
    }
    Ok((rename, skip))
}

fn shape(ty: &syn::Type) -> Shape {
    let syn::Type::Path(path) = ty else {
        return Shape::Other(quote!(#ty).to_string());
    };
    let Some(last) = path.path.segments.last() else {
        return Shape::Other(quote!(#ty).to_string());
    };
    let inner = || match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first() {
            Some(syn::GenericArgument::Type(inner)) => Some(shape(inner)),
            _ => None,
        },
        _ => None,
    };
    match last.ident.to_string().as_str() {
        "Option" => inner().map_or(Shape::Other("Option".into()), |s| {
            Shape::Option(Box::new(s))
        }),
        "Vec" => inner().map_or(Shape::Other("Vec".into()), |s| Shape::List(Box::new(s))),
        "Box" => inner().unwrap_or(Shape::Other("Box".into())),
        "String" => Shape::Text,
        name if path.path.segments.len() == 1 => Shape::Struct(name.to_owned()),
        _ => Shape::Other(quote!(#ty).to_string()),
    }
}

/// The index variables of the arrays the code is inside, outermost first.
#[derive(Default)]
struct Scope {
    indices: Vec<syn::Ident>,
    /// How many value variables are taken (`v0` is the body).
    values: usize,
}

impl Scope {
    fn value(&mut self) -> syn::Ident {
        self.values += 1;
        format_ident!("v{}", self.values)
    }
}

struct Compiler<'a> {
    structs: &'a BTreeMap<String, Vec<Member>>,
    ruled: &'a [&'a FieldRule],
    table: &'a syn::Ident,
}

impl Compiler<'_> {
    /// The table entry at `path`, as `TABLE[i].limits`, with the rule itself.
    fn rule(&self, path: &str) -> Option<(TokenStream, &Limits)> {
        let index = self.ruled.iter().position(|f| f.path == path)?;
        let table = self.table;
        Some((quote!(&#table[#index].limits), &self.ruled[index].limits))
    }

    /// Whether a rule applies at `path` or anywhere below it.
    fn ruled_at_or_below(&self, path: &str) -> bool {
        self.ruled.iter().any(|f| {
            path.is_empty()
                || f.path == path
                || (f.path.starts_with(path)
                    && matches!(f.path.as_bytes().get(path.len()), Some(b'.' | b'[')))
        })
    }

    /// The place as a message names it (`a.b[1].c`), as an expression making a `String`.
    fn shown(&self, path: &str, scope: &Scope) -> TokenStream {
        if path.is_empty() {
            return quote!("body".to_owned());
        }
        if !path.contains("[]") {
            return quote!(#path.to_owned());
        }
        let format = path.replace("[]", "[{}]");
        let indices = &scope.indices[..path.matches("[]").count()];
        quote!(format!(#format, #(#indices),*))
    }

    /// The checks of the struct `name`, held by `value`, at `path`.
    fn object(
        &self,
        name: &str,
        value: &syn::Ident,
        path: &str,
        scope: &mut Scope,
    ) -> anyhow::Result<TokenStream> {
        let members = self.structs.get(name).ok_or_else(|| {
            anyhow::anyhow!("no struct `{name}` in progenitor's types (at `{path}`)")
        })?;
        let mut out = Vec::new();
        for member in members {
            let place = if path.is_empty() {
                member.json.clone()
            } else {
                format!("{path}.{}", member.json)
            };
            if !self.ruled_at_or_below(&place) {
                continue;
            }
            let ident = &member.ident;
            let inner = scope.value();
            match &member.shape {
                Shape::Option(shape) => {
                    let code = self.value(shape, &inner, &place, scope)?;
                    out.push(quote! { if let Some(#inner) = &#value.#ident { #code } });
                }
                Shape::List(_) if member.skipped_when_empty => {
                    let code = self.value(&member.shape, &inner, &place, scope)?;
                    out.push(quote! {
                        if !#value.#ident.is_empty() { let #inner = &#value.#ident; #code }
                    });
                }
                shape => {
                    let code = self.value(shape, &inner, &place, scope)?;
                    out.push(quote! { { let #inner = &#value.#ident; #code } });
                }
            }
        }
        // A required field is checked after the others, as the walk over bytes finds
        // it missing only at the object's end; the first missing one, in the spec's order.
        if let Some((_, limits)) = self.rule(path) {
            for required in &limits.required {
                let member = members
                    .iter()
                    .find(|m| &m.json == required)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "`{name}` has no field `{required}`, which `{path}` requires"
                        )
                    })?;
                let ident = &member.ident;
                let place = if path.is_empty() {
                    required.clone()
                } else {
                    format!("{path}.{required}")
                };
                let shown = self.shown(&place, scope);
                let absent = match (&member.shape, member.skipped_when_empty) {
                    (Shape::Option(_), _) => quote!(#value.#ident.is_none()),
                    (Shape::List(_), true) => quote!(#value.#ident.is_empty()),
                    _ => continue,
                };
                out.push(quote! { if #absent { return Err(missing(#shown)); } });
            }
        }
        Ok(quote!(#(#out)*))
    }

    /// The checks of a value of `shape`, held by `value` (a reference), at `path`.
    fn value(
        &self,
        shape: &Shape,
        value: &syn::Ident,
        path: &str,
        scope: &mut Scope,
    ) -> anyhow::Result<TokenStream> {
        match shape {
            Shape::Text => Ok(match self.rule(path) {
                Some((limits, _)) => {
                    let shown = self.shown(path, scope);
                    quote! { check_string_at(|| #shown, #value, #limits)?; }
                }
                None => TokenStream::new(),
            }),
            Shape::Struct(name) if self.structs.contains_key(name) => {
                self.object(name, value, path, scope)
            }
            // A one-word type that is no struct of `types`: a number, a boolean.
            Shape::Struct(name) => self.value(&Shape::Other(name.clone()), value, path, scope),
            Shape::Option(inner) => {
                let unwrapped = scope.value();
                let code = self.value(inner, &unwrapped, path, scope)?;
                Ok(quote! { if let Some(#unwrapped) = #value { #code } })
            }
            Shape::List(item) => {
                let items = format!("{path}[]");
                let index = format_ident!("i{}", scope.indices.len());
                let element = scope.value();
                scope.indices.push(index.clone());
                let each = if self.ruled_at_or_below(&items) {
                    self.value(item, &element, &items, scope)?
                } else {
                    TokenStream::new()
                };
                scope.indices.pop();
                let each = if each.is_empty() {
                    TokenStream::new()
                } else {
                    quote! { for (#index, #element) in #value.iter().enumerate() { #each } }
                };
                let count = match self.rule(path) {
                    Some((limits, rule))
                        if rule.min_items.is_some() || rule.max_items.is_some() =>
                    {
                        let shown = self.shown(path, scope);
                        quote! { check_items(|| #shown, #value.len(), #limits)?; }
                    }
                    _ => TokenStream::new(),
                };
                Ok(quote! { #each #count })
            }
            Shape::Other(ty) => match self.rule(path) {
                Some(_) => Err(anyhow::anyhow!(
                    "`{path}` has a rule, but its Rust type `{ty}` is not one the checks apply rules to"
                )),
                None => Ok(TokenStream::new()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(fields: Vec<FieldRule>) -> Rules {
        Rules {
            operations: Vec::new(),
            bodies: BTreeMap::from([("Thing".to_owned(), fields)]),
        }
    }

    fn field(path: &str, limits: Limits) -> FieldRule {
        FieldRule {
            path: path.to_owned(),
            limits,
        }
    }

    fn client() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct Thing {
                    #[serde(rename = "itemList", default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub item_list: ::std::vec::Vec<Item>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub count: ::std::option::Option<i64>,
                }
                pub struct Item {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub name: ::std::option::Option<::std::string::String>,
                }
            }
        }
    }

    /// Each field is reached through its serde name, its `Option` and its list, with
    /// the index of its item in the message and the table entry it has.
    #[test]
    fn a_rule_is_applied_where_serde_puts_its_field() {
        let limits = Limits {
            max_length: Some(3),
            ..Limits::default()
        };
        let items = Limits {
            max_items: Some(2),
            ..Limits::default()
        };
        let tokens = checks_tokens(
            &rules(vec![
                field("itemList", items),
                field("itemList[].name", limits),
            ]),
            &client(),
        )
        .unwrap()
        .to_string();
        for expected in [
            "if ! v0 . item_list . is_empty ()",
            "for (i0 , v2) in v1 . iter () . enumerate ()",
            "format ! (\"itemList[{}].name\" , i0)",
            "& THING_FIELDS [1usize] . limits",
            "check_items (|| \"itemList\" . to_owned () , v1 . len () , & THING_FIELDS [0usize] . limits) ?",
        ] {
            assert!(tokens.contains(expected), "{expected}\n{tokens}");
        }
    }

    /// A rule on a field the checks cannot apply it to stops generation, naming it.
    #[test]
    fn a_rule_on_a_number_stops_generation() {
        let limits = Limits {
            max_length: Some(3),
            ..Limits::default()
        };
        let error = checks_tokens(&rules(vec![field("count", limits)]), &client())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`count` has a rule") && error.contains("i64"),
            "{error}"
        );
    }
}
