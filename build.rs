//! Checks and compiles the built-in question tree and tool catalog (see `src/builtin.rs`).
//!
//! The loaders and the validator are the library's own modules, compiled into this script
//! too, so the built-in files are held to exactly the rules of every other file: a mistake
//! in `questions/mlops.toml` or `questions/tools.toml` fails the build with the usual
//! message, and so does a warning of the tree. Both are then written in postcard's compact
//! form to `OUT_DIR`.

// The modules are the library's; this script uses only part of them.
#![allow(dead_code)]

#[path = "src/answers.rs"]
mod answers;
#[path = "src/catalog.rs"]
mod catalog;
#[path = "src/config.rs"]
mod config;
#[path = "src/error.rs"]
mod error;
#[path = "src/flow.rs"]
mod flow;
#[path = "src/load/mod.rs"]
mod load;
#[path = "src/model.rs"]
mod model;
#[path = "src/sanitize.rs"]
mod sanitize;
#[path = "src/schema.rs"]
mod schema;
#[path = "src/source.rs"]
mod source;
#[path = "src/validate.rs"]
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The inputs, and the library's files compiled in here (the modules above).
    for input in [
        "questions/mlops.toml",
        "questions/tools.toml",
        "src/answers.rs",
        "src/catalog.rs",
        "src/config.rs",
        "src/error.rs",
        "src/flow.rs",
        "src/load",
        "src/model.rs",
        "src/sanitize.rs",
        "src/schema.rs",
        "src/source.rs",
        "src/validate.rs",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    let tree = match model::Tree::parse(load::DEFAULT_TREE_NAME, load::DEFAULT_TREE) {
        Ok(tree) => tree,
        Err(e) => {
            eprintln!("the built-in question tree is invalid:\n{e}");
            return ExitCode::FAILURE;
        }
    };
    if !tree.warnings.is_empty() {
        eprintln!("the built-in question tree has warnings; it must have none:");
        for w in &tree.warnings {
            eprintln!("{}\n", w.as_warning());
        }
        return ExitCode::FAILURE;
    }
    let source = source::Source::new(catalog::DEFAULT_CATALOG_NAME, catalog::DEFAULT_CATALOG);
    let catalog = match catalog::Catalog::parse(&source, &tree) {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("the built-in tool catalog is invalid:\n{e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    let written = write(&out.join("mlops-tree.postcard"), &tree)
        .and_then(|()| write(&out.join("mlops-tools.postcard"), &catalog));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `value` in postcard's form to `path`.
fn write(path: &std::path::Path, value: &impl serde::Serialize) -> Result<(), String> {
    let bytes = postcard::to_allocvec(value)
        .map_err(|e| format!("cannot encode {}: {e}", path.display()))?;
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
