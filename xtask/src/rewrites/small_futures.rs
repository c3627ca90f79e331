//! A change to progenitor's output that its settings cannot express: `send()` builds
//! the request, then hands it to the one path of a call, `customer_client`'s
//! `call::send`, and answers `customer_client::Error`.
//!
//! progenitor's `send` is an `async fn` that builds the request, calls its three hooks
//! (`pre`, `exec`, `post`) and decodes by status. Its hooks cannot carry a typed
//! failure or an answer read whole, so the hand-written layer had to smuggle them
//! through (the URL's fragment, JSON in a string, rebuilt responses). Here `send` keeps
//! progenitor's statements up to the built request, run at once, synchronously; the
//! rest (hooks and status match) is replaced by `crate::call::send(prepared,
//! "<operationId>")`, where `prepared` holds the client's pool and context, the request
//! and `body`, the typed body's rules checked on the value `.json(…)` serialises
//! (`TypedRules`, generated for each body type). `call::send` runs every phase of the
//! call and decodes the documented success; its boxed future is what `send()` returns
//! (an `async fn` over the builder kept the whole builder alive, rust-lang/rust#62958,
//! and each `async` layer moved the decoded value once more). Callers write
//! `.send().await` as before; an invalid request is still an error of that future.

/// Rewrites every `async fn send` of the top-level `builder` module. Returns how many.
pub fn send_builds_before_awaiting(file: &mut syn::File) -> usize {
    super::each_send(file, |function| {
        function.sig.asyncness.is_some() && rewrite(function)
    })
}

/// The generated CLI reports a failed call through `CliConfig::error`, which progenitor
/// types with its own error; `send()` answers `customer_client::Error`, so the method
/// takes that. Returns how many signatures it changed (one).
pub fn cli_reports_the_clients_error(file: &mut syn::File) -> usize {
    let mut changed = 0;
    for item in file.items.iter_mut() {
        let syn::Item::Trait(config) = item else {
            continue;
        };
        if config.ident != "CliConfig" {
            continue;
        }
        for member in config.items.iter_mut() {
            if let syn::TraitItem::Fn(method) = member
                && method.sig.ident == "error"
            {
                *method = syn::parse_quote! {
                    fn error(&self, value: &customer_client::Error);
                };
                changed += 1;
            }
        }
    }
    changed
}

/// `send` as a plain function: the statements up to the built request run now, and
/// the returned future hands the request to `crate::call::send`. `false` when the
/// body has no built request or names no operation.
fn rewrite(function: &mut syn::ImplItemFn) -> bool {
    let stmts = &function.block.stmts;
    let Some(built) = stmts.iter().position(is_built_request) else {
        return false;
    };
    let Some(operation_id) = stmts[built + 1..].iter().find_map(operation_id) else {
        return false;
    };
    let syn::ReturnType::Type(_, output) = &function.sig.output else {
        return false;
    };
    let Some(error) = error_type(output) else {
        return false;
    };
    let Some(value) = ok_type(output) else {
        return false;
    };
    let now = &stmts[..=built];
    // The body's rules, on the typed value `.json(…)` serialises (the code generated for
    // its type: generated_checks.rs); a bodiless request is checked on the wire.
    let body_check = match json_argument(&stmts[built]) {
        Some(body) => quote::quote!(crate::rules::TypedRules::typed_check(#body)),
        None => quote::quote!(crate::rules::BodyCheck::OnTheWire),
    };
    function.sig.asyncness = None;
    function.sig.output = syn::parse_quote! {
        -> impl ::std::future::Future<
            Output = ::std::result::Result<#value, crate::Error>,
        > + 'a
    };
    // progenitor's error arises only while building (a missing parameter, a value
    // that does not convert); it becomes this crate's `Error` before anything is sent.
    function.block = syn::parse_quote! {{
        let prepared = (move || -> ::std::result::Result<_, #error> {
            #(#now)*
            let body = #body_check;
            Ok(crate::call::Prepared {
                http: &client.client,
                context: &client.inner,
                request,
                body,
            })
        })();
        crate::call::send(prepared.map_err(crate::Error::from), #operation_id)
    }};
    true
}

/// The argument of the request builder's `.json(…)` in the built-request statement.
fn json_argument(stmt: &syn::Stmt) -> Option<syn::Expr> {
    use syn::visit::Visit;
    struct Json(Option<syn::Expr>);
    impl<'ast> Visit<'ast> for Json {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "json" && call.args.len() == 1 {
                self.0 = call.args.first().cloned();
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut json = Json(None);
    json.visit_stmt(stmt);
    json.0
}

/// The operationId literal of `let info = OperationInfo { operation_id: "…" };`.
fn operation_id(stmt: &syn::Stmt) -> Option<syn::LitStr> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else {
        return None;
    };
    if info
        .path
        .segments
        .last()
        .is_none_or(|s| s.ident != "OperationInfo")
    {
        return None;
    }
    info.fields
        .iter()
        .find_map(|field| match (&field.member, &field.expr) {
            (
                syn::Member::Named(name),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id),
                    ..
                }),
            ) if name == "operation_id" => Some(id.clone()),
            _ => None,
        })
}

/// `T` of `Result<T, E>`.
fn ok_type(output: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = output else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

/// `let [mut] request = ….build()?;`, read as syn's tree.
fn is_built_request(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else {
        return false;
    };
    let named = match &local.pat {
        syn::Pat::Ident(p) => p.ident == "request",
        _ => false,
    };
    let built = local.init.as_ref().is_some_and(|init| {
        matches!(&*init.expr, syn::Expr::Try(tried)
            if matches!(&*tried.expr, syn::Expr::MethodCall(call) if call.method == "build"))
    });
    named && built
}

/// `E` of `Result<T, E>`.
fn error_type(output: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = output else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().nth(1)? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_built_before_the_future() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> PostThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::ErrorResponse>> {
                        let Self { client, body } = self;
                        let body = body.map_err(Error::InvalidRequest)?;
                        #[allow(unused_mut)]
                        let mut request = client.client.post(url).json(&body).build()?;
                        let info = OperationInfo { operation_id: "postThing" };
                        client.pre(&mut request, &info).await?;
                        Ok(())
                    }
                }
            }
        };
        assert_eq!(send_builds_before_awaiting(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("pub fn send (self) -> impl :: std :: future :: Future"),
            "{text}"
        );
        assert!(
            text.contains("Result < _ , Error < types :: ErrorResponse > >"),
            "{text}"
        );
        assert!(
            text.contains("Output = :: std :: result :: Result < ResponseValue < types :: Thing > , crate :: Error >"),
            "send answers this crate's Error: {text}"
        );
        // The request is built now; the one future is `call::send`'s.
        let (now, later) = text
            .split_once("crate :: call :: send (")
            .expect("send() hands its request to call::send");
        assert!(
            now.contains(". build () ?") && !now.contains(". await") && !now.contains("async"),
            "{text}"
        );
        assert!(
            now.contains("crate :: call :: Prepared { http : & client . client , context : & client . inner , request , body , }"),
            "{text}"
        );
        assert!(
            later.starts_with("prepared . map_err (crate :: Error :: from) , \"postThing\")"),
            "the request goes to the one path of a call, named by its operation: {text}"
        );
        assert!(
            !later.contains("client . pre"),
            "progenitor's hooks are gone: {text}"
        );
    }
}
