//! JSON Schemas of the files mlops-wizard reads (question trees, answers files, tool
//! catalogs, the configuration file), generated from the very types that read them, so that they cannot drift.
//! Editors that read a `#:schema` directive (taplo, Even Better TOML) check and complete
//! these files while they are written; `mlops-wizard schema tree|answers|tools|config` prints
//! them, and `schemas/` holds the committed copies.

use std::collections::BTreeMap;

use schemars::JsonSchema;

/// What an answer in an answers file can be: an option id, a list of option ids, a
/// number (a scale value), `true`/`false` (a yes-no question), or a table of criterion
/// levels (a priorities question). Used only to describe the file.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum AnswerValue {
    /// The id of one option, or a free-text answer.
    Text(String),
    /// The ids of the options ticked.
    Options(Vec<String>),
    /// A scale value.
    Number(i64),
    /// A yes-no answer.
    YesNo(bool),
    /// Criterion ids and their levels.
    Levels(BTreeMap<String, i64>),
}

/// The files that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    Tree,
    Answers,
    Tools,
    Config,
}

impl File {
    /// Every file that has a schema, with its committed name under `schemas/`.
    pub const ALL: [(File, &'static str); 4] = [
        (File::Tree, "tree.schema.json"),
        (File::Answers, "answers.schema.json"),
        (File::Tools, "tools.schema.json"),
        (File::Config, "config.schema.json"),
    ];
}

/// The JSON Schema of a file, pretty-printed, ending in a newline.
pub fn schema(file: File) -> String {
    let schema = match file {
        File::Tree => schemars::schema_for!(crate::load::RawFile),
        File::Answers => schemars::schema_for!(crate::answers::RawAnswersFile),
        File::Tools => schemars::schema_for!(crate::catalog::RawCatalog),
        File::Config => schemars::schema_for!(crate::config::RawConfig),
    };
    // A schema is plain JSON: serializing it cannot fail.
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
