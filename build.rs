//! Checks and compiles the built-in question tree (see `src/builtin.rs`).
//!
//! The loader and validator are the library's own modules, compiled into this script
//! too, so the built-in tree is held to exactly the rules of every other tree: a mistake
//! in `questions/mlops.toml` fails the build with the usual message, and so does a
//! warning. The tree is then written in postcard's compact form to `OUT_DIR`.

// The modules are the library's; this script uses only part of them.
#![allow(dead_code)]

#[path = "src/error.rs"]
mod error;
#[path = "src/load.rs"]
mod load;
#[path = "src/model.rs"]
mod model;
#[path = "src/sanitize.rs"]
mod sanitize;
#[path = "src/source.rs"]
mod source;
#[path = "src/validate.rs"]
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    for input in [
        "questions/mlops.toml",
        "src/error.rs",
        "src/load.rs",
        "src/model.rs",
        "src/sanitize.rs",
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
    let bytes = match postcard::to_allocvec(&tree) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot encode the built-in question tree: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::write(out.join("mlops-tree.postcard"), bytes) {
        eprintln!("cannot write the compiled tree to {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
