//! A change to progenitor's output that its settings cannot express: the builders
//! leave `Accept` and `api-version` to the call's headers phase.
//!
//! progenitor's `send` adds `Accept: application/json` and an `api-version` header
//! (the spec's `info.version`) to every request. CyberSource documents neither that
//! `Accept` value nor `api-version`, so the headers phase of `call.rs` replaced the one
//! and removed the other: six header-map operations on every call that left the
//! request as if they had not been made. Here `send` no longer makes them; the headers
//! phase sets the documented `Accept` (openapi/README.md, "Things progenitor does").

/// Removes progenitor's `api-version` and `Accept` from every `send` of the top-level
/// `builder` module. Returns how many `send`s lost both.
pub fn builders_leave_headers_to_the_call(file: &mut syn::File) -> usize {
    super::each_send(file, |function| {
        let before = function.block.stmts.len();
        function
            .block
            .stmts
            .retain(|stmt| !appends_api_version(stmt));
        let version_removed = function.block.stmts.len() < before;
        let accept_removed = function.block.stmts.iter_mut().any(remove_accept);
        version_removed && accept_removed
    })
}

/// `header_map.append(HeaderName::from_static("api-version"), …);`
fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"))
        && call.args.first().is_some_and(|name| {
            matches!(name, syn::Expr::Call(from_static)
                if matches!(&*from_static.func, syn::Expr::Path(f)
                    if f.path.segments.last().is_some_and(|s| s.ident == "from_static"))
                && matches!(from_static.args.first(), Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name), ..
                })) if name.value() == "api-version"))
        })
}

/// Takes `.header(…::ACCEPT, …)` out of the request's builder chain in `stmt`.
/// Whether it did.
fn remove_accept(stmt: &mut syn::Stmt) -> bool {
    use syn::visit_mut::VisitMut;
    struct Accept(bool);
    impl VisitMut for Accept {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "header"
                && call.args.first().is_some_and(|name| {
                    matches!(name, syn::Expr::Path(p)
                        if p.path.segments.last().is_some_and(|s| s.ident == "ACCEPT"))
                })
            {
                *expr = (*call.receiver).clone();
                self.0 = true;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut accept = Accept(false);
    accept.visit_stmt_mut(stmt);
    accept.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_and_api_version_are_left_to_the_call() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<(), Error<()>> {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        if let Some(value) = profile_id {
                            header_map.append("profile-id", value.to_string().try_into()?);
                        }
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("if-match"),
                            ::reqwest::header::HeaderValue::from_static("x"),
                        );
                        #[allow(unused_mut)]
                        let mut request = client
                            .client
                            .get(url)
                            .header(
                                ::reqwest::header::ACCEPT,
                                ::reqwest::header::HeaderValue::from_static("application/json"),
                            )
                            .header(::reqwest::header::CONTENT_TYPE, "x")
                            .headers(header_map)
                            .build()?;
                        Ok(())
                    }
                }
            }
        };
        assert_eq!(builders_leave_headers_to_the_call(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(!text.contains("ACCEPT"), "{text}");
        // Everything else stays: other headers, the header map, the chain around it.
        assert!(
            text.contains("header_map . append (\"profile-id\""),
            "{text}"
        );
        assert!(text.contains("from_static (\"if-match\")"), "{text}");
        assert!(
            text.contains(
                "let mut request = client . client . get (url) . header (:: reqwest :: header :: CONTENT_TYPE , \"x\") . headers (header_map) . build () ? ;"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_send_that_keeps_either_header_is_not_counted() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> OnlyVersion<'a> {
                    pub async fn send(self) {
                        header_map.append(HeaderName::from_static("api-version"), v);
                        let request = client.client.get(url).build()?;
                    }
                }
                impl<'a> OnlyAccept<'a> {
                    pub async fn send(self) {
                        let request = client.client.get(url).header(ACCEPT, v).build()?;
                    }
                }
            }
        };
        assert_eq!(builders_leave_headers_to_the_call(&mut file), 0);
    }
}
