//! Ferrio's layers point one way. This test reads every `crate::` path in the non-test code of
//! `src/` and fails when a module reaches into a layer above its own, or when a new top-level
//! module has no layer yet. The list below is the rule; `src/lib.rs` explains it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use its own layer and the layers below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "settings",
            "telemetry",
            "metrics",
            "error",
            "protocol",
            "clock",
            "client_address",
            "keyed_hash",
        ],
    ),
    ("upstream", &["upstream"]),
    ("cache", &["cache"]),
    ("sources", &["sources"]),
    ("ranking and catalogs", &["ranking", "catalog", "discovery"]),
    ("debrid", &["debrid"]),
    ("streams", &["streams"]),
    ("routes", &["routes", "state", "startup", "main", "lib"]),
];

/// Modules of the floor that must not know the web framework.
const FRAMEWORK_FREE: &[&str] = &["protocol", "clock", "client_address", "keyed_hash"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/debrid/mark.rs` → `debrid`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src/");
    let first = relative.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// The code a build without tests compiles: test-only files are skipped, and a file's
/// `#[cfg(test)]` tail (where its unit tests live) is cut.
fn production_code(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_string_lossy().into_owned();
    if name == "tests.rs" || name.ends_with("_tests.rs") || name == "testing.rs" {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    Some(match text.find("#[cfg(test)]") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    })
}

/// The top-level modules named after `crate::`, in paths (`crate::cache::Cache`) and in
/// groups (`use crate::{cache::Cache, clock::now_ms}`).
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (start, _) in code.match_indices("crate::") {
        let rest = &code[start + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            found.insert(identifier(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

/// The first segment of every path at the top level of a `{…}` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    for (index, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            c if at_item_start && depth == 0 && !c.is_whitespace() => {
                heads.push(identifier(&group[index..]));
                at_item_start = false;
            }
            _ => {}
        }
    }
    heads
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every module's references to other top-level modules.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(code) = production_code(&file) else {
            continue;
        };
        let module = module_of(&src, &file);
        let mut used = crate_references(&code);
        used.remove(&module);
        graph.entry(module).or_default().extend(used);
    }
    graph
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let graph = dependencies();
    let mut violations = Vec::new();
    for (module, used) in &graph {
        let Some(own) = layer_of(module) else {
            violations.push(format!("{module} has no layer: add it to LAYERS"));
            continue;
        };
        for target in used {
            match layer_of(target) {
                Some(layer) if layer > own => violations.push(format!(
                    "{module} ({}) imports {target} ({})",
                    LAYERS[own].0, LAYERS[layer].0
                )),
                Some(_) => {}
                None => violations.push(format!("{module} imports {target}, which has no layer")),
            }
        }
    }
    let listing: Vec<String> = graph
        .iter()
        .map(|(module, used)| {
            let used: Vec<&str> = used.iter().map(String::as_str).collect();
            format!("{module} -> {}", used.join(", "))
        })
        .collect();
    assert!(
        violations.is_empty(),
        "{}\n\nmodule dependencies:\n{}",
        violations.join("\n"),
        listing.join("\n")
    );
}

#[test]
fn the_floor_knows_no_web_framework() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let module = module_of(&src, &file);
        if !FRAMEWORK_FREE.contains(&module.as_str()) {
            continue;
        }
        let code = production_code(&file).unwrap_or_default();
        assert!(
            !code.contains("actix"),
            "{} uses actix, which belongs to the routes layer",
            file.display()
        );
    }
}

#[test]
fn the_reader_sees_paths_and_groups() {
    let code = "use crate::{cache::{Cache, Policy}, clock::now_ms};\nlet x = crate::debrid::y();";
    let found: Vec<String> = crate_references(code).into_iter().collect();
    assert_eq!(found, ["cache", "clock", "debrid"]);
}
