//! A change to progenitor's output: a success body is decoded once, by the hand-written
//! layer, so that a body that does not decode keeps its status, headers and correlation
//! id.
//!
//! progenitor decodes a documented success body with `ResponseValue::from_response`,
//! whose failure (`InvalidResponsePayload`) keeps only the bytes. Every such call in a
//! 2xx arm of a generated method becomes `crate::exchange::decoded(response)`, which
//! decodes the whole body the transport read and, when it does not decode, hands the
//! answer to `customer_client::Error` as `InvalidResponse` with everything kept.

use syn::visit_mut::VisitMut;

/// Points the success arms of every generated method at the one decoder. Returns how
/// many it changed.
pub fn success_bodies_decoded_once(file: &mut syn::File) -> usize {
    let mut arms = SuccessArms(0);
    arms.visit_file_mut(file);
    arms.0
}

struct SuccessArms(usize);

impl VisitMut for SuccessArms {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let is_success = matches!(&arm.pat, syn::Pat::Lit(lit)
            if matches!(&lit.lit, syn::Lit::Int(int)
                if int.base10_parse::<u16>().is_ok_and(|s| (200..300).contains(&s))));
        if is_success && is_from_response(&arm.body) {
            *arm.body = syn::parse_quote!(crate::exchange::decoded(response).await);
            self.0 += 1;
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }
}

/// Whether `expr` is `ResponseValue::from_response(response).await` (in a block or
/// parentheses, as the generator may write it).
fn is_from_response(expr: &syn::Expr) -> bool {
    let expr = match expr {
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, None)] => inner,
            _ => return false,
        },
        syn::Expr::Paren(paren) => &paren.expr,
        other => other,
    };
    let syn::Expr::Await(awaited) = expr else {
        return false;
    };
    let syn::Expr::Call(call) = &*awaited.base else {
        return false;
    };
    matches!(&*call.func, syn::Expr::Path(path)
        if path.path.segments.len() == 2
            && path.path.segments[0].ident == "ResponseValue"
            && path.path.segments[1].ident == "from_response")
}
