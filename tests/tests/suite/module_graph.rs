//! The hand-written layers of customer-client and customer-mock are what
//! ARCHITECTURE.md says, and have no import cycles: every `crate::` path in their
//! source (comments aside) is an edge between top-level modules; each module's edges
//! are its row of the document's table, and the graph they form has no cycle. A
//! re-exported name (`crate::Error`) counts as the module it comes from (read from
//! lib.rs's `pub use` lines); `generated::types`, which names nothing of the crate, is
//! a node of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file below `crate_dir/src`, as (top-level module, text without comments).
fn modules(crate_dir: &str) -> Vec<(String, String)> {
    let source_dir = workspace().join(crate_dir).join("src");
    let mut out = Vec::new();
    let mut stack = vec![source_dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&source_dir).unwrap();
            let top = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n")
                // Paths inside macro calls are printed with spaces (`crate ::generated`).
                .replace("crate ::", "crate::");
            out.push((top, text));
        }
    }
    out
}

/// Which module each name re-exported at the crate root comes from.
fn re_exports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in lib.lines().filter(|l| l.starts_with("pub use ")) {
        let path = line.trim_start_matches("pub use ").trim_end_matches(';');
        let module = path.split("::").next().unwrap().to_owned();
        let names = match path.split_once('{') {
            Some((_, list)) => list.trim_end_matches('}').to_owned(),
            None => path.rsplit("::").next().unwrap().to_owned(),
        };
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let node = if name == "types" {
                "types"
            } else {
                module.as_str()
            };
            map.insert(name.to_owned(), node.to_owned());
        }
    }
    map
}

/// The top-level modules that `text` names through `crate::`.
fn edges(
    text: &str,
    names: &BTreeMap<String, String>,
    modules: &BTreeSet<String>,
) -> BTreeSet<String> {
    let node = |first: &str, rest: &str| -> Option<String> {
        if first == "generated" && rest.starts_with("::types") {
            return Some("types".to_owned());
        }
        if modules.contains(first) {
            return Some(first.to_owned());
        }
        names.get(first).cloned()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let after = &text[i + "crate::".len()..];
        if let Some(list) = after.strip_prefix('{') {
            // `use crate::{a, b::c, Name};`, one level of braces.
            let list = &list[..list.find('}').unwrap_or(list.len())];
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let first = item.split("::").next().unwrap();
                out.extend(node(first, &item[first.len()..]));
            }
            continue;
        }
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.extend(node(&after[..end], &after[end..]));
    }
    out
}

/// The import graph of a crate's top-level modules (lib.rs aside).
fn graph(crate_dir: &str) -> BTreeMap<String, BTreeSet<String>> {
    let sources = modules(crate_dir);
    let lib = &sources.iter().find(|(m, _)| m == "lib").unwrap().1;
    let names = re_exports(lib);
    let mut nodes: BTreeSet<String> = sources.iter().map(|(m, _)| m.clone()).collect();
    nodes.remove("lib");
    nodes.insert("types".to_owned());
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in sources.iter().filter(|(m, _)| m != "lib") {
        let targets = edges(text, &names, &nodes);
        graph
            .entry(module.clone())
            .or_default()
            .extend(targets.into_iter().filter(|t| t != module));
    }
    graph
}

/// The table of ARCHITECTURE.md's section `## {crate_name}`: module → its imports.
fn documented(crate_name: &str) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with(crate_name))
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no section {crate_name}"));
    let mut table = BTreeMap::new();
    for row in section
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let [_, file, imports] = cells[..] else {
            continue;
        };
        let module = file
            .trim_matches('`')
            .trim_end_matches(".rs")
            .trim_end_matches('/');
        let imports: BTreeSet<String> = if imports == "nothing" {
            BTreeSet::new()
        } else {
            imports
                .split(", ")
                .map(|i| i.trim_matches('`').to_owned())
                .collect()
        };
        table.insert(module.to_owned(), imports);
    }
    table
}

#[test]
fn the_architecture_document_is_each_crates_import_graph() {
    for (crate_dir, crate_name) in [
        ("customer-client", "customer-client"),
        ("customer-mock", "customer-mock"),
    ] {
        let graph = graph(crate_dir);
        let documented = documented(crate_name);
        assert_eq!(
            graph.keys().collect::<Vec<_>>(),
            documented.keys().collect::<Vec<_>>(),
            "{crate_name}: the modules of ARCHITECTURE.md's table"
        );
        for (module, imports) in &graph {
            assert_eq!(
                imports, &documented[module],
                "{crate_name}: the imports of `{module}` (ARCHITECTURE.md)"
            );
        }
    }
}

#[test]
fn the_hand_written_layers_have_no_import_cycles() {
    for crate_dir in ["customer-client", "customer-mock"] {
        no_cycle(&graph(crate_dir));
    }
    let graph = graph("customer-client");
    // The graph this test reads is the one the document describes: spot checks.
    assert!(graph["call"].contains("transport"), "{graph:#?}");
    assert!(graph["generated"].contains("call"), "{graph:#?}");
    assert!(graph["error"].contains("types"), "{graph:#?}");
    assert_eq!(
        graph["generated_rules"],
        BTreeSet::from(["rule_model".to_owned(), "types".to_owned()]),
        "the generated rule table depends only on the rules model (and the types it decodes)"
    );
    assert!(!graph["auth"].contains("call"), "{graph:#?}");
    assert!(!graph["call"].contains("generated"), "{graph:#?}");
}

fn no_cycle(graph: &BTreeMap<String, BTreeSet<String>>) {
    // Depth-first search for a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", path[start..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done);
    }
}
