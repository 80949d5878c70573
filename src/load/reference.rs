//! The reference path: the file read by the `toml` crate straight into the raw structs,
//! as the loader did before it read the events of `toml_parser`. Kept for tests and
//! fuzzing, which check that both paths give the same result.

use super::{RawFile, build};
use crate::error::LoadError;
use crate::model::Tree;
use crate::source::{Origin, Source};

/// Parses and validates a tree through the `toml` crate.
pub fn tree(source: &Source) -> Result<Tree, LoadError> {
    let raw: RawFile =
        toml::from_str(source.text()).map_err(|e| LoadError::from_toml(source, &e))?;
    build(&Origin::Source(source), raw)
}
