//! A change to progenitor's CLI that its settings cannot express: `--json-body -` reads
//! the body from standard input.
//!
//! progenitor's CLI reads `--json-body <FILE>` with `std::fs::read_to_string`. A body
//! can carry a card number (`postInstrumentIdentifier`), which should sit neither in a
//! file nor in shell history; `-` for standard input lets it come from a pipe. Every
//! such read is pointed at `crate::read_json_body` (customer-cli/src/main.rs), which
//! reads standard input for `-` and the file otherwise.

use syn::visit_mut::VisitMut;

/// The hand-written reader the generated CLI calls instead.
const READER: &str = "crate::read_json_body";

/// Points every `std::fs::read_to_string(..)` of the generated CLI at the reader.
/// Returns how many calls it changed.
pub fn json_body_reads_stdin(file: &mut syn::File) -> usize {
    let mut reads = Reads(0);
    reads.visit_file_mut(file);
    reads.0
}

/// Visits calls; counts the ones it changed.
struct Reads(usize);

impl VisitMut for Reads {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments == ["std", "fs", "read_to_string"] {
                *call.func = syn::parse_str(READER).expect("a path");
                self.0 += 1;
            }
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_file_read_goes_through_the_reader() {
        let mut file: syn::File = syn::parse_quote! {
            fn body(value: &std::path::Path) {
                let text = std::fs::read_to_string(value).unwrap();
                let other = std::fs::read(value).unwrap();
            }
        };
        assert_eq!(json_body_reads_stdin(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("crate :: read_json_body (value)"), "{text}");
        assert!(text.contains("std :: fs :: read (value)"), "{text}");
    }
}
