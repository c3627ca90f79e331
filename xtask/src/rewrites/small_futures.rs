//! A change to progenitor's output that its settings cannot express: `send()` builds
//! the request before its future exists.
//!
//! progenitor's `send` is an `async fn` over the whole operation builder. Its future
//! keeps the builder (the body in it) and every value moved out of it for as long as
//! it lives (rust-lang/rust#62958), so a customer create is a 9.4 KB future that the
//! caller moves on every poll boundary: about 15,000 instructions of `memcpy` a call
//! (BENCHMARKS.md). Here `send` checks and builds the request at once, synchronously,
//! and returns a future that holds only the client and the request. Callers write
//! `.send().await` as before; an invalid request is still an error of that future.
//! That future answers `customer_client::Error`: progenitor's error, which the hooks
//! and the rest of the generated code speak, is turned into it at the end, once.

/// Rewrites every `async fn send` of the top-level `builder` module. Returns how many.
pub fn send_builds_before_awaiting(file: &mut syn::File) -> usize {
    let Some(builder) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, c)| c),
        _ => None,
    }) else {
        return 0;
    };
    let mut changed = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in block.items.iter_mut() {
            if let syn::ImplItem::Fn(function) = member
                && function.sig.ident == "send"
                && function.sig.asyncness.is_some()
                && rewrite(function)
            {
                changed += 1;
            }
        }
    }
    changed
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

/// `send` as a plain function: the statements up to the built request run now, the
/// rest in the returned future. `false` when the body has no such statement.
fn rewrite(function: &mut syn::ImplItemFn) -> bool {
    let stmts = &function.block.stmts;
    let Some(built) = stmts.iter().position(is_built_request) else {
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
    let (now, later) = stmts.split_at(built + 1);
    let output = output.clone();
    function.sig.asyncness = None;
    // The caller's error is this crate's one `Error`: progenitor's, which the hooks and
    // the generated code speak, is turned into it here, once.
    function.sig.output = syn::parse_quote! {
        -> impl ::std::future::Future<
            Output = ::std::result::Result<#value, crate::Error>,
        > + 'a
    };
    function.block = syn::parse_quote! {{
        let prepared = (move || -> ::std::result::Result<_, #error> {
            #(#now)*
            Ok((client, request))
        })();
        async move {
            let result: #output = async move {
                #[allow(unused_mut)]
                let (client, mut request) = prepared?;
                #(#later)*
            }
            .await;
            result.map_err(crate::Error::from)
        }
    }};
    true
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
        assert!(
            text.contains("result . map_err (crate :: Error :: from)"),
            "{text}"
        );
        assert!(text.contains("async move"), "{text}");
        let (now, later) = text.split_once("async move").unwrap();
        assert!(
            now.contains(". build () ?") && !now.contains(". await"),
            "{text}"
        );
        assert!(
            later.contains("client . pre (& mut request , & info) . await"),
            "{text}"
        );
    }
}
