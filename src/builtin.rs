//! The built-in question tree and tool catalog, checked and compiled when the crate is
//! built.
//!
//! `build.rs` runs the same loader and validator as every other tree on
//! `questions/mlops.toml`, and the same catalog loader on `questions/tools.toml` against
//! it (a mistake in either fails the build with the usual message), and stores the results
//! in postcard's compact binary form. Starting from that form costs a small fraction of
//! parsing the TOML; the TOML sources stay embedded for `mlops-wizard questions`,
//! `validate` and the positions of problems.

use crate::catalog::Catalog;
use crate::model::Tree;

/// The built-in tree as `build.rs` compiled it.
const COMPILED_TREE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mlops-tree.postcard"));

/// The built-in catalog as `build.rs` compiled it, against the built-in tree.
const COMPILED_CATALOG: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mlops-tools.postcard"));

impl Catalog {
    /// The built-in catalog, checked against the built-in tree (whose stage and path
    /// positions it holds): only for use with [`Tree::default_tree`].
    pub fn default_catalog() -> Catalog {
        // Written from a valid catalog by this crate's build, as the tree is.
        postcard::from_bytes(COMPILED_CATALOG)
            .unwrap_or_else(|e| panic!("the compiled built-in tool catalog does not load: {e}"))
    }
}

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
    use crate::catalog::Catalog;
    use crate::load::{DEFAULT_TREE, DEFAULT_TREE_NAME};
    use crate::model::Tree;

    #[test]
    fn the_compiled_tree_is_the_parsed_tree() {
        let parsed = Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(Tree::default_tree(), parsed);
    }

    #[test]
    fn the_compiled_tree_borrows_its_texts() {
        let compiled = Tree::default_tree();
        let texts = || {
            compiled.questions.iter().flat_map(|q| {
                [&q.id, &q.prompt, &q.help]
                    .into_iter()
                    .chain(q.options.iter().flat_map(|o| [&o.id, &o.label]))
                    .chain(q.effects().map(|e| &e.reason))
            })
        };
        assert!(texts().count() > 100);
        assert!(texts().all(|t| !t.is_allocated()));
        let catalog = Catalog::default_catalog();
        assert!(catalog.tools.iter().all(|t| !t.name.is_allocated()));
        // A tree read from its TOML allocates its long texts, and keeps its short ones
        // (ids) inline.
        let parsed = Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).unwrap();
        assert!(parsed.questions.iter().all(|q| q.prompt.is_allocated()));
        assert!(parsed.questions.iter().all(|q| !q.id.is_allocated()));
        let options = || parsed.questions.iter().flat_map(|q| &q.options);
        assert!(options().all(|o| o.id.len() > 24 || !o.id.is_allocated()));
    }

    #[test]
    fn the_compiled_catalog_is_the_parsed_catalog() {
        let parsed = Catalog::built_in(&Tree::default_tree()).unwrap();
        assert_eq!(Catalog::default_catalog(), parsed);
    }
}
