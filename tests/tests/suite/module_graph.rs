//! The hand-written layer of customer-client has no import cycles: every `crate::`
//! path in its source (comments aside) is an edge between top-level modules, and the
//! graph they form has no cycle. A re-exported name (`crate::Error`) counts as the
//! module it comes from (read from lib.rs's `pub use` lines); `generated::types`,
//! which names nothing of the crate, is a node of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../customer-client/src")
}

/// Every `.rs` file below `src`, as (top-level module, text without comments).
fn modules() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![source_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(source_dir()).unwrap();
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
                .join("\n");
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

#[test]
fn the_hand_written_layer_has_no_import_cycles() {
    let sources = modules();
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
    // The graph this test reads is the one the crate docs describe: spot checks.
    assert!(graph["hooks"].contains("transport"), "{graph:#?}");
    assert!(graph["error"].contains("types"), "{graph:#?}");
    assert_eq!(
        graph["generated_rules"],
        BTreeSet::from(["rule_model".to_owned(), "types".to_owned()]),
        "the generated rule table depends only on the rules model (and the types it decodes)"
    );
    assert!(!graph["auth"].contains("hooks"), "{graph:#?}");
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
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}
