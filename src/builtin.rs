//! The built-in question tree, checked and compiled when the crate is built.
//!
//! `build.rs` runs the same loader and validator as every other tree on
//! `questions/mlops.toml` (an invalid built-in tree fails the build with the usual
//! message) and stores the result in postcard's compact binary form. Starting from that
//! form costs a small fraction of parsing the TOML; the TOML source stays embedded for
//! `mlops-wizard questions` and for the positions of problems.

use crate::model::Tree;

/// The built-in tree as `build.rs` compiled it.
const COMPILED_TREE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mlops-tree.postcard"));

impl Tree {
    /// The default MLOps tree embedded in the binary.
    pub fn default_tree() -> Tree {
        // The bytes were written from a valid tree by this very crate's build; not
        // reading them back is a build defect, never a user's mistake.
        postcard::from_bytes(COMPILED_TREE)
            .unwrap_or_else(|e| panic!("the compiled built-in question tree does not load: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use crate::load::{DEFAULT_TREE, DEFAULT_TREE_NAME};
    use crate::model::Tree;

    #[test]
    fn the_compiled_tree_is_the_parsed_tree() {
        let parsed = Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(Tree::default_tree(), parsed);
    }
}
