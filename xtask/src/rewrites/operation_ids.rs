//! A change to progenitor's output: operations are named by the spec's operationId.
//!
//! progenitor names an operation by its method name (`get_customer`) wherever it
//! reports one: `OperationInfo::operation_id`, which normalisation 12 hands to
//! `call::send`, and the CLI's `CliCommand::operation_id()`. The spec, CyberSource, the rule table, the MLE settings
//! and the mock name it by its operationId (`getCustomer`). So that the crate has one
//! key for an operation, the method-name literals in those two places are replaced by
//! the operationIds they stand for; the method name stays a field of the rule table.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

/// Replaces, in `file`, progenitor's method names by operationIds (`ids`: method name →
/// operationId) inside `OperationInfo { operation_id: … }` and `fn operation_id`.
/// Returns how many literals it replaced.
pub fn spec_operation_ids(file: &mut syn::File, ids: &BTreeMap<String, String>) -> usize {
    let mut renamer = Renamer {
        ids,
        inside: false,
        replaced: 0,
    };
    renamer.visit_file_mut(file);
    renamer.replaced
}

struct Renamer<'a> {
    ids: &'a BTreeMap<String, String>,
    /// Whether the literals visited now name an operation.
    inside: bool,
    replaced: usize,
}

impl VisitMut for Renamer<'_> {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        let is_info = expr
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "OperationInfo");
        if !is_info {
            return syn::visit_mut::visit_expr_struct_mut(self, expr);
        }
        for field in &mut expr.fields {
            if matches!(&field.member, syn::Member::Named(name) if name == "operation_id") {
                self.inside = true;
                self.visit_expr_mut(&mut field.expr);
                self.inside = false;
            }
        }
    }

    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        let was = self.inside;
        self.inside = function.sig.ident == "operation_id";
        syn::visit_mut::visit_impl_item_fn_mut(self, function);
        self.inside = was;
    }

    fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
        if !self.inside {
            return;
        }
        if let Some(id) = self.ids.get(&literal.value()) {
            *literal = syn::LitStr::new(id, literal.span());
            self.replaced += 1;
        }
    }
}
