//! `cargo xtask generate`: spec in, formatted Rust out (or, with `--check`, a diff).
//!
//! load openapi/tms-customers.yaml → normalise (normalise.rs) → progenitor (client, typed
//! mocks, CLI; lenient.rs, growable.rs and operation_ids.rs adjust them) and this file (the rule table, the tests'
//! dispatch) → prettyplease → write every generated file, or compare them.

use std::path::Path;
use std::time::Instant;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use quote::{format_ident, quote};

use crate::normalise::{self, Limits, Rules};
use crate::rewrites::{self, Target};
use crate::workspace::{SPEC, workspace_root};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// One output file: where it goes and what it must contain.
pub struct Output {
    pub path: &'static str,
    pub contents: String,
}

/// Writes or checks every generated file; `Ok(false)` means stale (the diff is printed).
pub fn run(mode: Mode, verbose: bool) -> anyhow::Result<bool> {
    let root = workspace_root();
    let started = Instant::now();
    let (outputs, rewrites) = render_reporting(&root)?;
    let rendered = started.elapsed();
    let fresh = match mode {
        Mode::Write => {
            for output in &outputs {
                let path = root.join(output.path);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(&output.contents) {
                    std::fs::write(&path, &output.contents)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    println!("wrote {}", output.path);
                }
            }
            true
        }
        Mode::Check => match stale(&root, &outputs) {
            Some(message) => {
                eprintln!("{message}");
                false
            }
            None => true,
        },
    };
    if verbose {
        for line in &rewrites {
            eprintln!("{line}");
        }
        for output in &outputs {
            eprintln!("{}: {} lines", output.path, output.contents.lines().count());
        }
        eprintln!(
            "generated in {:.1} ms (total {:.1} ms)",
            rendered.as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(fresh)
}

/// `--check`: the diff of every committed file that differs from `outputs`, and the
/// command that fixes it; `None` when all are fresh.
fn stale(root: &Path, outputs: &[Output]) -> Option<String> {
    let diffs: Vec<String> = outputs
        .iter()
        .filter_map(|output| {
            let current = std::fs::read_to_string(root.join(output.path)).unwrap_or_default();
            (current != output.contents)
                .then(|| unified_diff(output.path, &current, &output.contents))
        })
        .collect();
    (!diffs.is_empty()).then(|| stale_message(&diffs))
}

fn stale_message(diffs: &[String]) -> String {
    format!(
        "{}\ngenerated code is stale: run `cargo xtask generate` and commit the result",
        diffs.join("\n")
    )
}

/// Renders every generated file from the spec under `root`, without touching the disk.
#[cfg(test)]
pub fn render(root: &Path) -> anyhow::Result<Vec<Output>> {
    Ok(render_reporting(root)?.0)
}

/// Every generated file, rendered, with what each rewrite of progenitor's output changed (one line each,
/// in the registry's order: `rewrites::REWRITES`).
fn render_reporting(root: &Path) -> anyhow::Result<(Vec<Output>, Vec<String>)> {
    let spec_path = root.join(SPEC);
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", spec_path.display()))?;
    render_spec_reporting(&text)
}

/// Renders every generated file from a spec's text (also used by `cargo xtask diff`).
pub fn render_spec(text: &str) -> anyhow::Result<Vec<Output>> {
    Ok(render_spec_reporting(text)?.0)
}

fn render_spec_reporting(text: &str) -> anyhow::Result<(Vec<Output>, Vec<String>)> {
    let spec: serde_json::Value = serde_norway::from_str(text)
        .map_err(|e| anyhow::anyhow!("{SPEC} is not valid YAML: {e}"))?;
    let normalised = normalise::normalise(&spec)?;
    let pages = pages_tokens(&normalised.spec)?;
    let openapi: openapiv3::OpenAPI = serde_json::from_value(normalised.spec)
        .map_err(|e| anyhow::anyhow!("{SPEC} is not an OpenAPI 3.0 document: {e}"))?;

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // No hooks: every `send()` hands its request to `call::send` (normalisation 12),
        // so progenitor's empty default impl is all it needs.
        .with_hooks(progenitor::HooksMode::Optional)
        .with_inner_type(quote! { crate::ClientContext })
        .with_derive("PartialEq")
        // progenitor's CLI prints values through bounds that require JsonSchema.
        .with_derive("schemars::JsonSchema");
    let failed = |what: &str, e: progenitor::Error| {
        anyhow::anyhow!("progenitor failed on {SPEC} ({what}): {e}")
    };
    let client = Generator::new(&settings)
        .generate_tokens(&openapi)
        .map_err(|e| failed("client", e))?;
    let mut client: syn::File =
        syn::parse2(client).map_err(|e| anyhow::anyhow!("generated client does not parse: {e}"))?;
    let patch_methods: Vec<String> = normalised
        .rules
        .operations
        .iter()
        .filter(|op| op.method == "PATCH" && op.body.is_some())
        .map(|op| crate::naming::method_name(&op.operation_id))
        .collect();
    let ids: std::collections::BTreeMap<String, String> = normalised
        .rules
        .operations
        .iter()
        .map(|op| {
            (
                crate::naming::method_name(&op.operation_id),
                op.operation_id.clone(),
            )
        })
        .collect();
    let inputs = rewrites::Inputs {
        rules: &normalised.rules,
        ids,
        sensitive: rewrites::sensitive::sensitive_fields(&spec),
        patch_methods,
        embedded: rewrites::boxed::embedded_properties(&spec),
    };
    let mut applied = rewrites::apply(Target::Client, &mut client, &inputs)?;
    let setters = setter_types(&client);
    // The request rules compiled for each body type, from the types just generated.
    let checks = crate::checks::checks_tokens(&normalised.rules, &client)?;
    let client = quote! { #client };
    // Typed httpmock extensions, compiled into customer-client behind its `mock` feature.
    let httpmock = Generator::new(&settings)
        .httpmock(&openapi, "crate")
        .map_err(|e| failed("httpmock", e))?;
    let mut httpmock: syn::File =
        syn::parse2(httpmock).map_err(|e| anyhow::anyhow!("generated mocks do not parse: {e}"))?;
    applied.extend(rewrites::apply(Target::Mocks, &mut httpmock, &inputs)?);
    let httpmock = quote! { #httpmock };
    // The clap command tree of the `tms-customers` binary.
    let cli = Generator::new(&settings)
        .cli(&openapi, "customer_client::generated")
        .map_err(|e| failed("CLI", e))?;
    let mut cli: syn::File =
        syn::parse2(cli).map_err(|e| anyhow::anyhow!("generated CLI does not parse: {e}"))?;
    applied.extend(rewrites::apply(Target::Cli, &mut cli, &inputs)?);
    let cli = quote! { #cli };

    let outputs = vec![
        Output {
            path: "customer-client/src/generated.rs",
            contents: format_file(client, "the progenitor client")?,
        },
        Output {
            path: "customer-client/src/generated_httpmock.rs",
            contents: format_file(httpmock, "progenitor's typed httpmock extensions")?,
        },
        Output {
            path: "customer-cli/src/generated_cli.rs",
            contents: format_file(cli, "progenitor's clap command tree")?,
        },
        Output {
            path: "customer-client/src/generated_rules.rs",
            contents: format_file(rules_tokens(&normalised.rules), "the request rules")?,
        },
        Output {
            path: "customer-client/src/generated_checks.rs",
            contents: format_file(checks, "the request rules compiled for each body type")?,
        },
        Output {
            path: "customer-client/src/generated_pages.rs",
            contents: format_file(
                pages,
                "the paging helper's view of every list-shaped answer",
            )?,
        },
        Output {
            path: "tests/src/generated_calls.rs",
            contents: format_file(
                calls_tokens(&normalised.rules, &setters),
                "the tests' call of every operation by its operationId",
            )?,
        },
    ];
    Ok((outputs, applied.iter().map(ToString::to_string).collect()))
}

fn format_file(tokens: TokenStream, what: &str) -> anyhow::Result<String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| anyhow::anyhow!("generated {what} does not parse: {e}"))?;
    Ok(format!(
        "// @generated by `cargo xtask generate` from {SPEC}: do not edit by hand.\n\
         // This file holds {what}; change the spec or xtask/src, then regenerate.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The rule table's entry for one operation.
fn operation_tokens(op: &normalise::OperationRules) -> TokenStream {
    let operation_id = &op.operation_id;
    let method_name = crate::naming::method_name(operation_id);
    let path = &op.path;
    let params = op.params.iter().map(|p| {
        let name = &p.name;
        let location = match p.location {
            normalise::Location::Header => quote! { Location::Header },
            normalise::Location::Path => quote! { Location::Path },
            normalise::Location::Query => quote! { Location::Query },
        };
        let required = p.required;
        let limits = limits_tokens(&p.limits);
        quote! { Param { name: #name, location: #location, required: #required, limits: #limits } }
    });
    let body = match &op.body {
        Some(name) => {
            let ident = body_ident(name);
            quote! { Some(#ident) }
        }
        None => quote! { None },
    };
    let writable = match &op.body {
        Some(name) => {
            let ident = writable_ident(name);
            quote! { #ident }
        }
        None => quote! { &[] },
    };
    let request_mle = match op.request_mle {
        Some(normalise::RequestMle::Optional) => quote! { RequestMle::Optional },
        Some(normalise::RequestMle::Mandatory) => quote! { RequestMle::Mandatory },
        None => quote! { RequestMle::None },
    };
    let body_schema = match &op.body {
        Some(name) => {
            let ident = schema_ident(name);
            quote! { Some(#ident) }
        }
        None => quote! { None },
    };
    let responses = op.responses.iter().map(|r| {
        let status = r.status;
        let schema = match &r.schema {
            Some(schema) => quote! { Some(#schema) },
            None => quote! { None },
        };
        quote! { Response { status: #status, schema: #schema } }
    });
    quote! {
        Operation {
            operation_id: #operation_id,
            method_name: #method_name,
            path: #path,
            params: &[#(#params),*],
            body: #body,
            writable: #writable,
            #[cfg(feature = "schemars")]
            body_schema: #body_schema,
            request_mle: #request_mle,
            responses: &[#(#responses),*],
        }
    }
}

/// The static holding a body schema's writable field paths, e.g. `CUSTOMER_WRITABLE`.
pub(crate) fn writable_ident(name: &str) -> proc_macro2::Ident {
    format_ident!("{}_WRITABLE", screaming_snake(name))
}

/// The static holding a body schema's field rules, e.g. `CUSTOMER_FIELDS`.
pub(crate) fn body_ident(name: &str) -> proc_macro2::Ident {
    format_ident!("{}_FIELDS", screaming_snake(name))
}

/// The rule table the client's request hook enforces (see customer-client/src/rules.rs).
fn rules_tokens(rules: &Rules) -> TokenStream {
    let operations = rules.operations.iter().map(operation_tokens);
    let bodies = rules.bodies.iter().map(|(name, fields)| {
        let ident = body_ident(name);
        let doc = format!("Writable fields of `{name}` that carry a rule, sorted by path.");
        let ruled = fields.iter().filter(|f| f.limits != Limits::default()).map(|f| {
            let path = &f.path;
            let limits = limits_tokens(&f.limits);
            quote! { Field { path: #path, limits: #limits } }
        });
        let writable_ident = writable_ident(name);
        let writable_doc = format!(
            "Every writable field of `{name}`, sorted by path: what a merge patch may set or remove."
        );
        let writable = fields.iter().map(|f| &f.path).filter(|path| !path.is_empty());
        quote! {
            #[doc = #doc]
            pub(crate) static #ident: &[Field] = &[#(#ruled),*];
            #[doc = #writable_doc]
            pub(crate) static #writable_ident: &[&str] = &[#(#writable),*];
        }
    });
    let schemas = rules.bodies.keys().map(|schema| {
        let ident = schema_ident(schema);
        let ty = format_ident!("{}", crate::naming::type_name(schema));
        let doc = format!("The JSON Schema of `{schema}` as a request body.");
        quote! {
            #[doc = #doc]
            #[cfg(feature = "schemars")]
            fn #ident() -> schemars::schema::RootSchema {
                schemars::schema_for!(crate::generated::types::#ty)
            }
        }
    });
    let ids = rules.operations.iter().map(|op| {
        let id = &op.operation_id;
        let ident = format_ident!("{}", screaming_snake(id));
        let doc = format!("`{id}`: {} {}.", op.method, op.path);
        quote! {
            #[doc = #doc]
            pub const #ident: &str = #id;
        }
    });
    quote! {
        use crate::rule_model::{Field, Limits, Location, Operation, Param, RequestMle, Response};

        /// The spec's operationIds, one constant each: a server or a test names an
        /// operation through these, so one the spec drops stops compiling.
        pub mod ids {
            #(#ids)*
        }

        /// Every operation of the spec with its parameters, body and documented statuses.
        pub(crate) static OPERATIONS: &[Operation] = &[#(#operations),*];

        #(#bodies)*


        #(#schemas)*
    }
}

fn schema_ident(schema: &str) -> proc_macro2::Ident {
    format_ident!("schema_of_{}", screaming_snake(schema).to_lowercase())
}

/// The integration tests' dispatch (tests/src/calls.rs): one arm per operation that
/// calls its generated method with the test's parameters (by wire name) and body, so a
/// new operation in the spec is exercised by every spec-driven test without a line of
/// hand-written code.
/// `paging::Page` for every list-shaped schema of the spec: an object with an integer
/// `total` and an `_embedded` object holding one array of a component. The paging
/// helper then walks any list operation without code of its own.
fn pages_tokens(spec: &serde_json::Value) -> anyhow::Result<TokenStream> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("the spec has no component schemas"))?;
    let mut impls = Vec::new();
    for (name, schema) in schemas {
        let properties = &schema["properties"];
        if properties["total"]["type"] != "integer" {
            continue;
        }
        let Some(embedded) = properties["_embedded"]["properties"].as_object() else {
            continue;
        };
        let [(list_key, list)] = embedded.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let Some(item) = list["items"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
        else {
            continue;
        };
        let page = format_ident!("{}", crate::naming::type_name(name));
        let item = format_ident!("{}", crate::naming::type_name(item));
        let field = format_ident!("{}", crate::naming::method_name(list_key));
        let doc = format!("A page of `{name}`: its `_embedded.{list_key}`, and `total`.");
        impls.push(quote! {
            #[doc = #doc]
            impl Page for types::#page {
                type Item = types::#item;
                fn into_items(self) -> Vec<types::#item> {
                    self.embedded.map(|embedded| embedded.#field).unwrap_or_default()
                }
                fn total(&self) -> Option<u64> {
                    self.total.and_then(|total| u64::try_from(total).ok())
                }
            }
        });
    }
    Ok(quote! {
        use crate::generated::types;
        use crate::paging::Page;

        #(#impls)*
    })
}

/// The type each builder setter of the generated client converts its value into
/// (`V: TryInto<T>`), by (builder, setter): progenitor's own choice, read from its output.
type SetterTypes = std::collections::BTreeMap<(String, String), TokenStream>;

fn setter_types(client: &syn::File) -> SetterTypes {
    let mut types = SetterTypes::new();
    let builder_items = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
        _ => None,
    });
    for item in builder_items
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default()
    {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(builder) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for impl_item in &block.items {
            let syn::ImplItem::Fn(method) = impl_item else {
                continue;
            };
            let predicates = method
                .sig
                .generics
                .where_clause
                .iter()
                .flat_map(|w| &w.predicates);
            for predicate in predicates {
                let syn::WherePredicate::Type(bound) = predicate else {
                    continue;
                };
                for bound in &bound.bounds {
                    let syn::TypeParamBound::Trait(tr) = bound else {
                        continue;
                    };
                    let Some(last) = tr.path.segments.last() else {
                        continue;
                    };
                    if last.ident != "TryInto" {
                        continue;
                    }
                    if let syn::PathArguments::AngleBracketed(args) = &last.arguments
                        && let Some(syn::GenericArgument::Type(target)) = args.args.first()
                    {
                        types.insert(
                            (builder.clone(), method.sig.ident.to_string()),
                            quote! { #target },
                        );
                    }
                }
            }
        }
    }
    types
}

/// The tests' dispatch: every operation by its operationId (tests/src/calls.rs).
fn calls_tokens(rules: &Rules, setters: &SetterTypes) -> TokenStream {
    let arms = call_arms(rules, setters);
    let body_arms = body_arms(rules);
    let read_arms = read_arms(rules);
    let mock_arms = mock_arms(rules);
    // `parsed` turns a test's text into a number or a boolean; only for such parameters.
    let typed_params = rules
        .operations
        .iter()
        .flat_map(|op| &op.params)
        .any(|p| p.kind != normalise::Kind::String);
    let parsed = typed_params.then(|| quote! { , parsed });
    quote! {
        use customer_client::{Client, Error, types};
        use customer_client::mock::MockServerExt as _;

        use crate::calls::{Call, Outcome, outcome #parsed};

        /// A typed httpmock mock (`customer_client::mock`) of `operation_id`'s success:
        /// it matches `call`'s path parameters and answers `answer` (the documented
        /// success body) with the documented status; `None` when `answer` does not
        /// decode as that body.
        pub fn typed_mock<'a>(
            server: &'a httpmock::MockServer,
            operation_id: &str,
            call: &Call,
            answer: Option<&serde_json::Value>,
        ) -> Option<httpmock::Mock<'a>> {
            match operation_id {
                #(#mock_arms)*
                other => panic!("`{other}` is not an operation of the spec"),
            }
        }

        /// `body` decoded as the type of `operation_id`'s success answer and written back
        /// as JSON; `None` when it does not decode or the answer has no body.
        pub fn as_read(operation_id: &str, body: &serde_json::Value) -> Option<serde_json::Value> {
            match operation_id {
                #(#read_arms)*
                _ => None,
            }
        }

        /// The bytes the client sends for `call`'s body to `operation_id`: the body as
        /// the operation's generated type, serialised as progenitor serialises it.
        pub fn body_bytes(operation_id: &str, call: &Call) -> Option<String> {
            match operation_id {
                #(#body_arms)*
                _ => None,
            }
        }

        /// Calls the generated method of `operation_id` with `call`'s parameters and body.
        pub async fn call_operation(
            client: &Client,
            operation_id: &str,
            call: &Call,
        ) -> Result<Outcome, Error> {
            match operation_id {
                #(#arms)*
                other => panic!("`{other}` is not an operation of the spec"),
            }
        }
    }
}

/// `call_operation`'s arms: the generated method with the call's parameters and body.
fn call_arms(rules: &Rules, setters: &SetterTypes) -> Vec<TokenStream> {
    rules
        .operations
        .iter()
        .map(|op| {
            let operation_id = &op.operation_id;
            let method = format_ident!("{}", crate::naming::method_name(operation_id));
            let builder = crate::naming::type_name(operation_id);
            let params = op.params.iter().map(|p| {
                let name = &p.name;
                let setter_name = crate::naming::method_name(name);
                let setter = format_ident!("{}", setter_name);
                // A string is handed over as it is; anything else is parsed from the test's
                // text into the type progenitor's setter takes.
                let value = match setters.get(&(builder.clone(), setter_name)) {
                    Some(target) if p.kind != normalise::Kind::String => {
                        quote! { parsed::<#target>(#name, value) }
                    }
                    _ => quote! { value },
                };
                quote! {
                    if let Some(value) = call.value_of(#name) {
                        builder = builder.#setter(#value);
                    }
                }
            });
            let body = op.body.as_ref().map(|schema| {
                let ty = format_ident!("{}", crate::naming::type_name(schema));
                quote! {
                    if let Some(body) = call.body_as::<types::#ty>() {
                        builder = builder.body(body);
                    }
                }
            });
            quote! {
                #operation_id => {
                    #[allow(unused_mut)]
                    let mut builder = client.#method();
                    #(#params)*
                    #body
                    Ok(outcome(builder.send().await?))
                }
            }
        })
        .collect()
}

/// `body_bytes`' arms: the body as the operation's generated type, serialised.
fn body_arms(rules: &Rules) -> Vec<TokenStream> {
    rules
        .operations
        .iter()
        .filter_map(|op| {
            let operation_id = &op.operation_id;
            let ty = format_ident!("{}", crate::naming::type_name(op.body.as_ref()?));
            Some(quote! {
                #operation_id => call.body_as::<types::#ty>().map(|body| {
                    serde_json::to_string(&body).expect("a typed body serialises")
                }),
            })
        })
        .collect()
}

/// `as_read`'s arms: a success body decoded as its generated type and written back.
fn read_arms(rules: &Rules) -> Vec<TokenStream> {
    rules
        .operations
        .iter()
        .filter_map(|op| {
            let operation_id = &op.operation_id;
            let schema = op
                .responses
                .iter()
                .find(|r| (200..300).contains(&r.status))?
                .schema
                .as_ref()?;
            let ty = format_ident!("{}", crate::naming::type_name(schema));
            Some(quote! {
                #operation_id => serde_json::from_value::<types::#ty>(body.clone())
                    .ok()
                    .and_then(|read| serde_json::to_value(read).ok()),
            })
        })
        .collect()
}

/// `typed_mock`'s arms: the operation's typed httpmock mock of its success.
fn mock_arms(rules: &Rules) -> Vec<TokenStream> {
    rules
        .operations
        .iter()
        .filter_map(|op| {
            let operation_id = &op.operation_id;
            let method = format_ident!("{}", crate::naming::method_name(operation_id));
            let success = op
                .responses
                .iter()
                .find(|r| (200..300).contains(&r.status))?;
            let then = format_ident!("{}", crate::naming::status_method(success.status)?);
            let paths = op
                .params
                .iter()
                .filter(|p| p.location == normalise::Location::Path)
                .map(|p| {
                    let name = &p.name;
                    let setter = format_ident!("{}", crate::naming::method_name(name));
                    quote! {
                        let when = match call.value_of(#name) {
                            Some(value) => when.#setter(value),
                            None => when,
                        };
                    }
                });
            let respond = match &success.schema {
                Some(schema) => {
                    let ty = format_ident!("{}", crate::naming::type_name(schema));
                    quote! {
                        let answer: types::#ty = serde_json::from_value(answer?.clone()).ok()?;
                        Some(server.#method(move |when, then| {
                            #(#paths)*
                            let _ = when;
                            then.#then(&answer);
                        }))
                    }
                }
                None => quote! {
                    Some(server.#method(move |when, then| {
                        #(#paths)*
                        let _ = when;
                        then.#then();
                    }))
                },
            };
            Some(quote! {
                #operation_id => { #respond }
            })
        })
        .collect()
}

fn limits_tokens(limits: &Limits) -> TokenStream {
    let option_u64 = |v: Option<u64>| match v {
        Some(n) => {
            let n = n as usize;
            quote! { Some(#n) }
        }
        None => quote! { None },
    };
    let option_str = |v: &Option<String>| match v {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    };
    let min_length = option_u64(limits.min_length);
    let max_length = option_u64(limits.max_length);
    let min_items = option_u64(limits.min_items);
    let max_items = option_u64(limits.max_items);
    let option_i64 = |v: Option<i64>| match v {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    let minimum = option_i64(limits.minimum);
    let maximum = option_i64(limits.maximum);
    let pattern = option_str(&limits.pattern);
    let format = option_str(&limits.format);
    let required = &limits.required;
    let allowed = &limits.allowed;
    quote! {
        Limits {
            min_length: #min_length,
            max_length: #max_length,
            pattern: #pattern,
            format: #format,
            min_items: #min_items,
            max_items: #max_items,
            minimum: #minimum,
            maximum: #maximum,
            required: &[#(#required),*],
            allowed: &[#(#allowed),*],
        }
    }
}

pub(crate) fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn unified_diff(path: &str, current: &str, expected: &str) -> String {
    similar::TextDiff::from_lines(current, expected)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{path} (committed)"),
            &format!("b/{path} (from the spec)"),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rust-analyzer style: a plain `cargo test` fails when committed code is stale,
    /// through the same check as `cargo xtask generate --check`.
    #[test]
    fn generated_code_is_fresh() {
        let root = workspace_root();
        if let Some(message) = stale(&root, &render(&root).unwrap()) {
            panic!("{message}");
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let root = workspace_root();
        let first = render(&root).unwrap();
        let second = render(&root).unwrap();
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.contents, b.contents, "{} differs between runs", a.path);
        }
    }
}
