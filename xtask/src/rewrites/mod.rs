//! Every change `cargo xtask generate` makes to progenitor's output that its settings
//! cannot express, in one list ([`REWRITES`]), numbered as openapi/README.md
//! ("Normalisations for the generator") numbers and explains them. Each rewrite
//! matches on syn's tree, reports how many places it changed, and says how many it
//! expects: one that changes fewer (progenitor's output changed shape, say) fails
//! `generate` with its number and name instead of doing nothing silently.

pub mod boxed;
pub mod growable;
pub mod headers;
pub mod json_body_stdin;
pub mod lenient;
pub mod merge_patch;
pub mod operation_ids;
pub mod optional_schemars;
pub mod parsed_base;
pub mod sensitive;
pub mod small_futures;

use std::collections::{BTreeMap, BTreeSet};

use crate::normalise::Rules;

/// The generated file a rewrite changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `customer-client/src/generated.rs`: the client and its types.
    Client,
    /// `customer-client/src/generated_httpmock.rs`: the typed mocks.
    Mocks,
    /// `customer-cli/src/generated_cli.rs`: the command tree.
    Cli,
}

/// What the rewrites read besides the file they change, all taken from the spec.
pub struct Inputs<'a> {
    pub rules: &'a Rules,
    /// progenitor's method name of each operation → the spec's operationId.
    pub ids: BTreeMap<String, String>,
    /// The names of the fields the spec marks `x-sensitive`.
    pub sensitive: BTreeSet<String>,
    /// progenitor's method names of the PATCH operations that take a body.
    pub patch_methods: Vec<String>,
    /// How many `_embedded` properties the spec's schemas have.
    pub embedded: usize,
}

/// One rewrite of progenitor's output.
pub struct Rewrite {
    /// Its number in openapi/README.md (a number may name rewrites of two files).
    pub number: u8,
    /// What it makes true, as openapi/README.md titles it.
    pub name: &'static str,
    pub target: Target,
    /// The fewest places it must change for this spec.
    pub expects: fn(&Inputs) -> usize,
    /// Changes the file; returns how many places it changed.
    pub apply: fn(&mut syn::File, &Inputs) -> usize,
}

fn one(_: &Inputs) -> usize {
    1
}

/// One place at least when the spec marks a field `x-sensitive` (an older spec may not).
fn any_sensitive(inputs: &Inputs) -> usize {
    usize::from(!inputs.sensitive.is_empty())
}

fn every_operation(inputs: &Inputs) -> usize {
    inputs.ids.len()
}

fn every_patch(inputs: &Inputs) -> usize {
    inputs.patch_methods.len()
}

fn every_embedded(inputs: &Inputs) -> usize {
    inputs.embedded
}

/// Every rewrite, in the order `generate` applies them to each file.
pub const REWRITES: &[Rewrite] = &[
    Rewrite {
        number: 3,
        name: "null lists read as empty",
        target: Target::Client,
        expects: one,
        apply: |file, _| lenient::null_lists_read_as_empty(file),
    },
    Rewrite {
        number: 8,
        name: "generated types can grow (#[non_exhaustive])",
        target: Target::Client,
        expects: one,
        apply: |file, _| growable::types_can_grow(file),
    },
    Rewrite {
        // Before 12, which reads the operationId this writes.
        number: 2,
        name: "one key for an operation: the spec's operationId",
        target: Target::Client,
        expects: every_operation,
        apply: |file, inputs| operation_ids::spec_operation_ids(file, &inputs.ids),
    },
    Rewrite {
        // Before 12, which checks the body `.json(…)` serialises, merge patch included.
        number: 14,
        name: "PATCH builders take a merge patch",
        target: Target::Client,
        expects: every_patch,
        apply: |file, _| merge_patch::patch_builders_take_merge_patches(file),
    },
    Rewrite {
        // Before 12, which keeps these statements among those that build the request.
        number: 17,
        name: "the builders leave Accept and api-version to the call's headers phase",
        target: Target::Client,
        expects: every_operation,
        apply: |file, _| headers::builders_leave_headers_to_the_call(file),
    },
    Rewrite {
        // Before 12, which keeps this statement among those that build the request.
        number: 16,
        name: "a request's URL is its path set on the base URL parsed once",
        target: Target::Client,
        expects: every_operation,
        apply: |file, _| parsed_base::urls_join_the_parsed_base(file),
    },
    Rewrite {
        number: 12,
        name: "send() hands its request to the one path of a call (call::send), which answers customer_client::Error",
        target: Target::Client,
        expects: every_operation,
        apply: |file, _| small_futures::send_builds_before_awaiting(file),
    },
    Rewrite {
        number: 14,
        name: "modify_* read-modify-writes for every PATCH with a GET on its path",
        target: Target::Client,
        expects: one,
        apply: |file, inputs| merge_patch::read_modify_write_methods(file, inputs.rules),
    },
    Rewrite {
        number: 15,
        name: "embedded resources are boxed",
        target: Target::Client,
        expects: every_embedded,
        apply: |file, _| boxed::embedded_resources_are_boxed(file),
    },
    Rewrite {
        number: 13,
        name: "JsonSchema only with the schemars feature",
        target: Target::Client,
        expects: one,
        apply: |file, _| optional_schemars::json_schema_behind_feature(file),
    },
    Rewrite {
        number: 11,
        name: "card data does not show in Debug",
        target: Target::Client,
        expects: any_sensitive,
        apply: |file, inputs| sensitive::debug_hides_sensitive_fields(file, &inputs.sensitive),
    },
    Rewrite {
        number: 8,
        name: "the typed mocks' MockServerExt is sealed",
        target: Target::Mocks,
        expects: one,
        apply: |file, _| usize::from(growable::mock_trait_is_sealed(file)),
    },
    Rewrite {
        number: 2,
        name: "one key for an operation: the spec's operationId (CLI)",
        target: Target::Cli,
        expects: every_operation,
        apply: |file, inputs| operation_ids::spec_operation_ids(file, &inputs.ids),
    },
    Rewrite {
        number: 10,
        name: "--json-body - reads standard input",
        target: Target::Cli,
        expects: one,
        apply: |file, _| json_body_stdin::json_body_reads_stdin(file),
    },
    Rewrite {
        number: 12,
        name: "the CLI reports customer_client::Error",
        target: Target::Cli,
        expects: one,
        apply: |file, _| small_futures::cli_reports_the_clients_error(file),
    },
    Rewrite {
        number: 14,
        name: "PATCH commands take --remove and keep a --json-body's nulls",
        target: Target::Cli,
        expects: every_patch,
        apply: |file, inputs| {
            merge_patch::cli_patch_commands_remove_fields(file, &inputs.patch_methods)
        },
    },
];

/// The items of the inline module `name` among `items` (typify's `types`, its
/// `builder`).
fn module_items<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// Calls `rewrite` on every `send` of the top-level `builder` module (progenitor's
/// operation builders, one `impl` each); returns how many it changed.
fn each_send(file: &mut syn::File, mut rewrite: impl FnMut(&mut syn::ImplItemFn) -> bool) -> usize {
    let Some(builder) = module_items(&mut file.items, "builder") else {
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
                && rewrite(function)
            {
                changed += 1;
            }
        }
    }
    changed
}

/// What one rewrite changed.
pub struct Applied {
    pub rewrite: &'static Rewrite,
    pub changed: usize,
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rewrite {:>2} {:<6} {:>4} changed  {}",
            self.rewrite.number,
            format!("{:?}", self.rewrite.target),
            self.changed,
            self.rewrite.name
        )
    }
}

/// Applies every rewrite of `target` to `file`, in the list's order. Fails, naming the
/// rewrite, when one changes fewer places than it expects.
pub fn apply(
    target: Target,
    file: &mut syn::File,
    inputs: &Inputs,
) -> anyhow::Result<Vec<Applied>> {
    let mut applied = Vec::new();
    for rewrite in REWRITES.iter().filter(|r| r.target == target) {
        let changed = (rewrite.apply)(file, inputs);
        let expected = (rewrite.expects)(inputs);
        anyhow::ensure!(
            changed >= expected,
            "rewrite {} ({}) changed {changed} places of {target:?}'s generated code, \
             where this spec needs at least {expected}: progenitor's output changed shape \
             (openapi/README.md, normalisation {})",
            rewrite.number,
            rewrite.name,
            rewrite.number
        );
        applied.push(Applied { rewrite, changed });
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rewrite whose target is gone fails, with its number and name.
    #[test]
    fn a_rewrite_that_changes_nothing_fails_generate_with_its_name() {
        let rules = Rules {
            operations: Vec::new(),
            bodies: BTreeMap::new(),
        };
        let inputs = Inputs {
            rules: &rules,
            ids: BTreeMap::new(),
            sensitive: BTreeSet::new(),
            patch_methods: Vec::new(),
            embedded: 0,
        };
        let mut empty: syn::File = syn::parse_quote! {};
        let error = apply(Target::Mocks, &mut empty, &inputs)
            .err()
            .expect("nothing to seal");
        assert!(
            error.to_string().starts_with(
                "rewrite 8 (the typed mocks' MockServerExt is sealed) changed 0 places"
            ),
            "{error}"
        );
    }

    /// Every number is one openapi/README.md explains.
    #[test]
    fn every_rewrite_is_numbered_as_the_readme_explains_it() {
        let readme =
            std::fs::read_to_string(crate::workspace::workspace_root().join("openapi/README.md"))
                .unwrap();
        for rewrite in REWRITES {
            assert!(
                readme.contains(&format!("\n{}. **", rewrite.number)),
                "normalisation {} ({}) is not in openapi/README.md",
                rewrite.number,
                rewrite.name
            );
        }
    }
}
