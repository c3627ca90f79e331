//! Changes to progenitor's output for updates that lose nothing (normalisation 14).
//!
//! TMS PATCH is JSON Merge Patch (RFC 7396): a `null` removes a field. progenitor's
//! PATCH builders send their typed body, whose absent fields are skipped, so they can
//! never send a `null`. Here:
//! - every builder whose `send` makes a PATCH with a body gains
//!   `merge_patch(customer_client::update::MergePatch<T>)`, and sends its typed body
//!   with the patch laid over it (`crate::update::Body`);
//! - every PATCH that has a GET on the same path answering the same type gains a
//!   read-modify-write: `Client::modify_<resource>()` (named after the GET:
//!   `get_customer` → `modify_customer`), a builder of the path parameters and the
//!   header parameters both operations take, whose `apply(change)` calls
//!   `crate::update::read_modify_write` with the two generated calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use crate::naming;
use crate::normalise::{Location, OperationRules, Rules};

/// Gives every PATCH builder of the `builder` module a `merge_patch`. Returns how many.
pub fn patch_builders_take_merge_patches(file: &mut syn::File) -> usize {
    let Some(builder) = builder_module(file) else {
        return 0;
    };
    let patches: Vec<(syn::Ident, syn::Type)> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if sends_patch(block) => {
                let name = self_ident(block)?;
                let body = body_type(builder, &name)?;
                Some((name, body))
            }
            _ => None,
        })
        .collect();
    let mut changed = 0;
    for (name, body) in &patches {
        let mut done = [false; 4];
        for item in builder.iter_mut() {
            match item {
                syn::Item::Struct(s) if s.ident == *name => {
                    if let syn::Fields::Named(fields) = &mut s.fields {
                        fields.named.push(syn::parse_quote! {
                            merge_patch: ::std::option::Option<crate::update::MergePatch<#body>>
                        });
                        done[0] = true;
                    }
                }
                syn::Item::Impl(block) if self_ident(block).as_ref() == Some(name) => {
                    for member in block.items.iter_mut() {
                        let syn::ImplItem::Fn(function) = member else {
                            continue;
                        };
                        if function.sig.ident == "new" {
                            done[1] |= add_field_to_self_literal(&mut function.block);
                        } else if function.sig.ident == "send" {
                            let mut send = SendBody::default();
                            send.visit_block_mut(&mut function.block);
                            done[2] |= send.destructured && send.body_replaced;
                        }
                    }
                    block.items.push(syn::parse_quote! {
                        /// Sends this JSON Merge Patch (RFC 7396) laid over the body: its
                        /// `null`s remove fields, its values set them; what it does not name is
                        /// left alone. [`MergePatch::between`](crate::update::MergePatch::between)
                        /// makes one from what you had and what you want.
                        pub fn merge_patch(mut self, patch: crate::update::MergePatch<#body>) -> Self {
                            self.merge_patch = ::std::option::Option::Some(patch);
                            self
                        }
                    });
                    done[3] = true;
                }
                _ => {}
            }
        }
        if done.iter().all(|d| *d) {
            changed += 1;
        }
    }
    changed
}

/// Adds one `modify_*` method and its builder for every PATCH with a GET on the same
/// path answering the PATCH body's type. Returns how many.
pub fn read_modify_write_methods(file: &mut syn::File, rules: &Rules) -> usize {
    let pairs: Vec<(&OperationRules, &OperationRules, &str)> = rules
        .operations
        .iter()
        .filter(|op| op.method == "PATCH")
        .filter_map(|patch| {
            let body = patch.body.as_deref()?;
            let get = rules.operations.iter().find(|get| {
                get.method == "GET"
                    && get.path == patch.path
                    && get
                        .responses
                        .iter()
                        .any(|r| r.status == 200 && r.schema.as_deref() == Some(body))
            })?;
            Some((get, patch, body))
        })
        .collect();
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for (get, patch, body) in &pairs {
        let (method, builder) = modify_tokens(get, patch, body);
        methods.push(method);
        builders.push(builder);
    }
    if pairs.is_empty() {
        return 0;
    }
    file.items.push(syn::parse_quote! {
        impl Client {
            #(#methods)*
        }
    });
    let Some(builder) = builder_module(file) else {
        return 0;
    };
    for tokens in builders {
        builder.extend(
            syn::parse2::<syn::File>(tokens)
                .map(|f| f.items)
                .unwrap_or_default(),
        );
    }
    pairs.len()
}

/// The `Client` method and the builder of one read-modify-write.
fn modify_tokens(
    get: &OperationRules,
    patch: &OperationRules,
    body: &str,
) -> (TokenStream, TokenStream) {
    let get_method = naming::method_name(&get.operation_id);
    let resource = get_method.strip_prefix("get_").unwrap_or(&get_method);
    let method = format_ident!("modify_{resource}");
    let builder = format_ident!("Modify{}", naming::type_name(resource));
    let get_call = format_ident!("{get_method}");
    let patch_call = format_ident!("{}", naming::method_name(&patch.operation_id));
    let body = format_ident!("{}", naming::type_name(body));
    // Path parameters, then the header parameters both take (`if-match` is the loop's).
    let params: Vec<&str> = get
        .params
        .iter()
        .filter(|p| match p.location {
            Location::Path => true,
            Location::Header => {
                !p.name.eq_ignore_ascii_case("if-match")
                    && patch.params.iter().any(|q| {
                        q.location == Location::Header && q.name.eq_ignore_ascii_case(&p.name)
                    })
            }
            Location::Query => false,
        })
        .map(|p| p.name.as_str())
        .collect();
    let fields: Vec<syn::Ident> = params
        .iter()
        .map(|p| format_ident!("{}", naming::method_name(p)))
        .collect();
    let method_doc = format!(
        "Changes a resource without losing a concurrent change: reads it (`{}`), applies \
         your change to it, and sends exactly the difference as a merge patch with \
         `if-match` (`{}`), again from a fresh read on 412. See [`builder::{builder}::apply`].",
        get.operation_id, patch.operation_id
    );
    let builder_doc = format!(
        "Builder for [`Client::{method}`](super::Client::{method}): the resource's {}, then \
         [`apply`](Self::apply).",
        params
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let setters = params.iter().zip(&fields).map(|(name, field)| {
        let doc = format!("`{name}`, as for `{}` and `{}`.", get.operation_id, patch.operation_id);
        quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#field = ::std::option::Option::Some(value.into());
                self
            }
        }
    });
    let set_each = quote! {
        #(if let ::std::option::Option::Some(value) = &#fields {
            request = request.#fields(value.clone());
        })*
    };
    let method = quote! {
        #[doc = #method_doc]
        pub fn #method(&self) -> builder::#builder<'_> {
            builder::#builder::new(self)
        }
    };
    let builder = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        pub struct #builder<'a> {
            client: &'a super::Client,
            #(#fields: ::std::option::Option<::std::string::String>,)*
            max_attempts: usize,
        }
        impl<'a> #builder<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self {
                    client,
                    #(#fields: ::std::option::Option::None,)*
                    max_attempts: crate::update::DEFAULT_MAX_ATTEMPTS,
                }
            }
            #(#setters)*
            /// The most writes to send before giving up with
            /// [`Error::KeptChanging`](crate::Error::KeptChanging) (default
            /// [`DEFAULT_MAX_ATTEMPTS`](crate::update::DEFAULT_MAX_ATTEMPTS); at least 1).
            pub fn max_attempts(mut self, attempts: usize) -> Self {
                self.max_attempts = attempts.max(1);
                self
            }
            /// Reads the resource, applies `change` to it, and sends exactly the merge
            /// patch between the two with `if-match`; on 412 it reads again and applies
            /// `change` again, up to [`max_attempts`](Self::max_attempts) writes. Sends
            /// nothing when `change` changes nothing. Returns the resource as last
            /// answered, with its ETag. See [`crate::update::read_modify_write`].
            pub async fn apply(
                self,
                change: impl ::std::ops::FnMut(&mut types::#body),
            ) -> ::std::result::Result<crate::update::Modified<types::#body>, crate::Error> {
                let Self { client, #(#fields,)* max_attempts } = self;
                let read = || {
                    let mut request = client.#get_call();
                    #set_each
                    request.send()
                };
                let write = |patch: crate::update::MergePatch<types::#body>, etag: ::std::string::String| {
                    let mut request = client.#patch_call().if_match(etag).merge_patch(patch);
                    #set_each
                    request.send()
                };
                crate::update::read_modify_write(max_attempts, change, read, write).await
            }
        }
    };
    (method, builder)
}

/// In the generated CLI, every PATCH command (`methods`: progenitor's method names)
/// gains `--remove FIELD` (repeatable), and its `--json-body` is read as a merge patch,
/// `null`s kept, instead of as the typed body (which would drop them): both go to
/// `crate::merge_patch_from` (customer-cli/src/main.rs). Returns how many commands.
pub fn cli_patch_commands_remove_fields(file: &mut syn::File, methods: &[String]) -> usize {
    let mut changed = 0;
    for method in methods {
        let command = format_ident!("cli_{method}");
        let execute = format_ident!("execute_{method}");
        let mut done = [false; 2];
        for item in file.items.iter_mut() {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            for member in block.items.iter_mut() {
                let syn::ImplItem::Fn(function) = member else {
                    continue;
                };
                if function.sig.ident == command
                    && let Some(syn::Stmt::Expr(tree, None)) = function.block.stmts.last_mut()
                {
                    *tree = syn::parse_quote! {
                        (#tree).arg(
                            ::clap::Arg::new("remove")
                                .long("remove")
                                .value_name("FIELD")
                                .action(::clap::ArgAction::Append)
                                .value_parser(::clap::value_parser!(::std::string::String))
                                .help("Removes a field or a group, by its JSON path (e.g. buyerInformation.email): sent as null in the merge patch. Repeatable."),
                        )
                    };
                    done[0] = true;
                }
                if function.sig.ident == execute {
                    for stmt in function.block.stmts.iter_mut() {
                        if let Some(body) = json_body_type(stmt) {
                            *stmt = syn::parse_quote! {
                                if let ::std::option::Option::Some(patch) =
                                    crate::merge_patch_from::<#body>(matches)?
                                {
                                    request = request.merge_patch(patch);
                                }
                            };
                            done[1] = true;
                        }
                    }
                }
            }
        }
        if done == [true, true] {
            changed += 1;
        }
    }
    changed
}

/// The `T` of `serde_json::from_str::<T>` when `stmt` is the generated
/// `if let Some(value) = matches.get_one::<..>("json-body") { .. }`.
fn json_body_type(stmt: &syn::Stmt) -> Option<syn::Type> {
    let syn::Stmt::Expr(syn::Expr::If(branch), _) = stmt else {
        return None;
    };
    let syn::Expr::Let(condition) = &*branch.cond else {
        return None;
    };
    let syn::Expr::MethodCall(get_one) = &*condition.expr else {
        return None;
    };
    let names_json_body = matches!(get_one.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) if name.value() == "json-body");
    if get_one.method != "get_one" || !names_json_body {
        return None;
    }
    struct Parsed(Option<syn::Type>);
    impl Visit<'_> for Parsed {
        fn visit_expr_call(&mut self, call: &syn::ExprCall) {
            if let syn::Expr::Path(path) = &*call.func
                && let [.., module, function] =
                    path.path.segments.iter().collect::<Vec<_>>().as_slice()
                && module.ident == "serde_json"
                && function.ident == "from_str"
                && let syn::PathArguments::AngleBracketed(args) = &function.arguments
                && let Some(syn::GenericArgument::Type(ty)) = args.args.first()
            {
                self.0 = Some(ty.clone());
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut parsed = Parsed(None);
    parsed.visit_block(&branch.then_branch);
    parsed.0
}

fn builder_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, c)| c),
        _ => None,
    })
}

fn self_ident(block: &syn::ItemImpl) -> Option<syn::Ident> {
    match &*block.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// Whether the block's `send` calls `.patch(..)` (the request builder's method).
fn sends_patch(block: &syn::ItemImpl) -> bool {
    struct Finds(bool);
    impl Visit<'_> for Finds {
        fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
            self.0 |= call.method == "patch";
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    block.items.iter().any(|member| match member {
        syn::ImplItem::Fn(function) if function.sig.ident == "send" => {
            let mut finds = Finds(false);
            finds.visit_block(&function.block);
            finds.0
        }
        _ => false,
    })
}

/// `types::X` for a struct whose `body` field is `Result<types::builder::X, String>`.
fn body_type(items: &[syn::Item], name: &syn::Ident) -> Option<syn::Type> {
    let fields = items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == *name => match &s.fields {
            syn::Fields::Named(fields) => Some(fields),
            _ => None,
        },
        _ => None,
    })?;
    let body = fields
        .named
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    // Result<types::builder::X, String>
    let syn::Type::Path(result) = &body.ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &result.path.segments.last()?.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(syn::Type::Path(ok)) = args.args.first()? else {
        return None;
    };
    let segments: Vec<&syn::Ident> = ok.path.segments.iter().map(|s| &s.ident).collect();
    match segments.as_slice() {
        [types, builder, ty] if *types == "types" && *builder == "builder" => {
            Some(syn::parse_quote!(types::#ty))
        }
        _ => None,
    }
}

/// Adds `merge_patch: None` to the `Self { .. }` literal of `new`.
fn add_field_to_self_literal(block: &mut syn::Block) -> bool {
    struct Adds(bool);
    impl VisitMut for Adds {
        fn visit_expr_struct_mut(&mut self, literal: &mut syn::ExprStruct) {
            if literal.path.is_ident("Self") {
                literal
                    .fields
                    .push(syn::parse_quote!(merge_patch: ::std::option::Option::None));
                self.0 = true;
            }
        }
    }
    let mut adds = Adds(false);
    adds.visit_block_mut(block);
    adds.0
}

/// In `send`: takes `merge_patch` out of `self` with the other fields, and sends the
/// body through `crate::update::Body`.
#[derive(Default)]
struct SendBody {
    destructured: bool,
    body_replaced: bool,
}

impl VisitMut for SendBody {
    fn visit_pat_struct_mut(&mut self, pattern: &mut syn::PatStruct) {
        if pattern.path.is_ident("Self") {
            pattern.fields.push(syn::FieldPat {
                attrs: Vec::new(),
                member: syn::Member::Named(format_ident!("merge_patch")),
                colon_token: None,
                pat: Box::new(syn::parse_quote!(merge_patch)),
            });
            self.destructured = true;
        }
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        let is_body = matches!(call.args.first(), Some(syn::Expr::Reference(r))
            if matches!(&*r.expr, syn::Expr::Path(p) if p.path.is_ident("body")));
        if call.method == "json" && call.args.len() == 1 && is_body {
            call.args[0] =
                syn::parse_quote!(&crate::update::Body::new(&body, merge_patch.as_ref()));
            self.body_replaced = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_builder_takes_a_merge_patch() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct PatchThing<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Thing, String>,
                }
                impl<'a> PatchThing<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client, body: Ok(Default::default()) }
                    }
                    pub fn send(self) -> impl Future {
                        let Self { client, body } = self;
                        let request = client.client.patch(url).json(&body).build()?;
                    }
                }
                pub struct PostThing<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Thing, String>,
                }
                impl<'a> PostThing<'a> {
                    pub fn send(self) -> impl Future {
                        let Self { client, body } = self;
                        let request = client.client.post(url).json(&body).build()?;
                    }
                }
            }
        };
        assert_eq!(patch_builders_take_merge_patches(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert_eq!(text.matches("merge_patch : :: std :: option :: Option < crate :: update :: MergePatch < types :: Thing > >").count(), 1, "{text}");
        assert!(
            text.contains("merge_patch : :: std :: option :: Option :: None"),
            "{text}"
        );
        assert!(
            text.contains("let Self { client , body , merge_patch } = self"),
            "{text}"
        );
        assert!(
            text.contains(
                ". json (& crate :: update :: Body :: new (& body , merge_patch . as_ref ()))"
            ),
            "{text}"
        );
        assert!(
            text.contains(". post (url) . json (& body)"),
            "a POST is left alone: {text}"
        );
        assert!(text.contains("pub fn merge_patch (mut self"), "{text}");
    }
}
