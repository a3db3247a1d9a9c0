//! The core's module layering (ARCHITECTURE.md, "Layers of the core"), read from the sources:
//! no module uses a module of a layer above its own, and no modules depend on each other in a
//! circle (beyond the known ones, none now).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers below the views, bottom first: a module may use modules of its own layer and
/// those below, never one above. A module listed in none is over the domain (the views, bulk
/// work and sync) and may use any of them.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "csv_file", "error", "hlc", "ids", "model", "money", "paths", "session", "sql",
            "times", "validate",
        ],
    ),
    ("storage", &["db"]),
    (
        "records",
        &["auth", "claims", "devices", "lookup", "numbers", "outbox"],
    ),
    (
        "domain",
        &[
            "catalog",
            "counts",
            "history",
            "kits",
            "purchasing",
            "sales",
            "stock",
        ],
    ),
];

/// The modules still in one dependency cycle (modules that call each other's functions): none
/// since #18. It must stay empty: a helper two modules share goes below both.
const KNOWN_CYCLE: &[&str] = &[];

/// Each top-level module of `src/` (a folder such as `sync/` counts as one module) and the
/// modules of the crate it names as `crate::name`, or inside a `crate::{a, b::c}` group (over
/// several lines too), outside comments and its unit tests.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => &text[..at],
            None => &text[..],
        };
        let code: String = code
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let uses = graph.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            for name in named_modules(&code[at + "crate::".len()..]) {
                if name != module {
                    uses.insert(name);
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

/// The top-level names a path after `crate::` starts with: `name` of `name::...`, or the
/// first name of each item of a `{a, b::{c, d}, e}` group.
fn named_modules(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
    };
    let mut names = Vec::new();
    let mut depth = 1;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if item_start && depth == 1 && !c.is_whitespace() => {
                item_start = false;
                let name = ident(&group[i..]);
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    names
}

/// Every module that `start` reaches through its uses, `start` itself excluded unless a path
/// leads back to it.
fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&String> = graph[start].iter().collect();
    while let Some(m) = stack.pop() {
        if seen.insert(m.clone()) {
            stack.extend(graph[m].iter());
        }
    }
    seen
}

#[test]
fn grouped_imports_name_each_module() {
    assert_eq!(named_modules("db::Store;"), ["db"]);
    assert_eq!(
        named_modules("{\n    db::{Store, Tx},\n    error::Error,\n    sql,\n};"),
        ["db", "error", "sql"]
    );
    assert!(named_modules("{self};").is_empty());
}

#[test]
fn each_layer_uses_no_module_above_it() {
    let graph = module_graph();
    for (i, (layer, modules)) in LAYERS.iter().enumerate() {
        let allowed: Vec<&str> = LAYERS[..=i]
            .iter()
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        for module in *modules {
            let above: Vec<&String> = graph[*module]
                .iter()
                .filter(|m| !allowed.contains(&m.as_str()))
                .collect();
            assert!(
                above.is_empty(),
                "{module} is in the {layer} layer and must not use {above:?}: move the shared \
                 helper down (to lookup.rs, sql.rs, validate.rs...) instead"
            );
        }
    }
}

#[test]
fn no_module_joins_the_known_dependency_cycle() {
    let graph = module_graph();
    let in_a_cycle: BTreeSet<&str> = graph
        .keys()
        .filter(|m| reachable(&graph, m).contains(*m))
        .map(String::as_str)
        .collect();
    let joined: Vec<&&str> = in_a_cycle
        .iter()
        .filter(|m| !KNOWN_CYCLE.contains(m))
        .collect();
    assert!(
        joined.is_empty(),
        "{joined:?} now depend on a module that depends back on them: give the shared \
         helper a home below both"
    );
    let left: Vec<&&str> = KNOWN_CYCLE
        .iter()
        .filter(|m| !in_a_cycle.contains(**m))
        .collect();
    assert!(
        left.is_empty(),
        "{left:?} are out of the cycle now: take them off KNOWN_CYCLE so they stay out"
    );
}
