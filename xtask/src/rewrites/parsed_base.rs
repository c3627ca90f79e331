//! A change to progenitor's output that its settings cannot express: a request's URL is
//! the client's base URL, parsed once when the client is built, with the operation's
//! path set on it, instead of the whole text parsed again for every call.
//!
//! progenitor writes `let url = format!("{}/tms/…/{}", client.baseurl, …);` and hands
//! the text to reqwest, which parses it whole: scheme, host (through IDNA), port and
//! path, some 8,000 instructions a call (BENCHMARKS.md). The statement becomes
//! `client.inner.url(&client.baseurl, &format!("/tms/…/{}", …))` (the literal alone
//! when the path has no parameter), which sets the formatted path on the parsed base
//! (`ClientContext::url`); the path's text is progenitor's, unchanged, so what reaches
//! the wire is the same.

/// Rewrites the `let url = format!("{}…", client.baseurl, …)` of every `send` in the
/// top-level `builder` module. Returns how many.
pub fn urls_join_the_parsed_base(file: &mut syn::File) -> usize {
    super::each_send(file, |function| {
        let mut joined = false;
        for stmt in function.block.stmts.iter_mut() {
            if let Some(on_the_base) = joined_url(stmt) {
                *stmt = on_the_base;
                joined = true;
            }
        }
        joined
    })
}

/// `let url = format!("{}<path>", client.baseurl, <args>);` as
/// `let url = client.inner.url(&client.baseurl, &format!("<path>", <args>))…?;`, or
/// `None` for any other statement.
fn joined_url(stmt: &syn::Stmt) -> Option<syn::Stmt> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url") {
        return None;
    }
    let syn::Expr::Macro(call) = &*local.init.as_ref()?.expr else {
        return None;
    };
    if !call.mac.path.is_ident("format") {
        return None;
    }
    let args = call
        .mac
        .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    }) = args.next()?
    else {
        return None;
    };
    let path = template.value().strip_prefix("{}")?.to_owned();
    if !path.starts_with('/') || !is_client_baseurl(&args.next()?) {
        return None;
    }
    let path = syn::LitStr::new(&path, template.span());
    let rest: Vec<syn::Expr> = args.collect();
    let path: syn::Expr = if rest.is_empty() {
        syn::parse_quote!(#path)
    } else {
        syn::parse_quote!(&format!(#path, #(#rest),*))
    };
    Some(syn::parse_quote! {
        let url = client
            .inner
            .url(&client.baseurl, #path)
            .map_err(Error::InvalidRequest)?;
    })
}

/// `client.baseurl`.
fn is_client_baseurl(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Field(field)
        if matches!(&field.member, syn::Member::Named(name) if name == "baseurl")
            && matches!(&*field.base, syn::Expr::Path(p) if p.path.is_ident("client")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_formatted_alone_and_set_on_the_parsed_base() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<(), Error<()>> {
                        let url = format!(
                            "{}/things/{}/parts/{}",
                            client.baseurl,
                            encode_path(&thing_id.to_string()),
                            encode_path(&part_id.to_string()),
                        );
                        let other = format!("{}/not-a-url", client.baseurl);
                        Ok(())
                    }
                }
                impl<'a> ListThings<'a> {
                    pub async fn send(self) -> Result<(), Error<()>> {
                        let url = format!("{}/things", client.baseurl);
                        Ok(())
                    }
                    pub async fn other(self) {
                        let url = format!("{}/things", client.baseurl);
                    }
                }
            }
        };
        assert_eq!(urls_join_the_parsed_base(&mut file), 2);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains(
                "let url = client . inner . url (& client . baseurl , & format ! (\"/things/{}/parts/{}\" , encode_path (& thing_id . to_string ()) , encode_path (& part_id . to_string ()))) . map_err (Error :: InvalidRequest) ? ;"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "let url = client . inner . url (& client . baseurl , \"/things\") . map_err (Error :: InvalidRequest) ? ;"
            ),
            "{text}"
        );
        // Only `url` in `send`: other statements and other methods keep progenitor's text.
        assert!(
            text.contains("let other = format ! (\"{}/not-a-url\" , client . baseurl) ;"),
            "{text}"
        );
        assert!(
            text.contains("pub async fn other (self) { let url = format ! (\"{}/things\" , client . baseurl) ; }"),
            "{text}"
        );
    }

    #[test]
    fn a_url_not_made_from_the_base_is_left_alone() {
        for stmt in [
            quote::quote!(let url = format!("/things/{}", client.baseurl);),
            quote::quote!(let url = format!("{}/things", other.baseurl);),
            quote::quote!(let url = format!("{}things", client.baseurl);),
            quote::quote!(let url = concat!("{}/things", client.baseurl);),
            quote::quote!(let path = format!("{}/things", client.baseurl);),
        ] {
            let stmt: syn::Stmt = syn::parse2(stmt).unwrap();
            assert!(joined_url(&stmt).is_none(), "{}", quote::quote!(#stmt));
        }
    }
}
