//! The JSON Schemas of the question tree, the answers file and the tool catalog: generated
//! from the types that read the files, committed under schemas/ (a test fails when a
//! committed copy differs), and agreeing with the loaders on the built-in files, the
//! examples, the valid fixtures and a handful of invalid ones.

use std::fs;
use std::path::{Path, PathBuf};

use mlops_wizard::schema::{File, schema};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn validator(file: File) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&schema(file)).unwrap();
    jsonschema::validator_for(&schema).expect("the generated schema is a valid JSON Schema")
}

/// The TOML file as JSON, for the schema.
fn as_json(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap();
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()));
    serde_json::to_value(value).unwrap()
}

fn errors(v: &jsonschema::Validator, path: &Path) -> Vec<String> {
    v.iter_errors(&as_json(path))
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for (file, name) in File::ALL {
        let committed = fs::read_to_string(root().join("schemas").join(name))
            .unwrap_or_else(|e| panic!("schemas/{name}: {e}"));
        assert!(
            committed == schema(file),
            "schemas/{name} is out of date: run `mlops-wizard schema {} > schemas/{name}`",
            name.trim_end_matches(".schema.json")
        );
    }
}

#[test]
fn the_built_in_files_and_examples_name_their_schema_and_pass_it() {
    for (path, file, directive) in [
        (
            "questions/mlops.toml",
            File::Tree,
            "#:schema ../schemas/tree.schema.json",
        ),
        (
            "questions/tools.toml",
            File::Tools,
            "#:schema ../schemas/tools.schema.json",
        ),
    ] {
        let p = root().join(path);
        let first = fs::read_to_string(&p).unwrap();
        assert_eq!(first.lines().next(), Some(directive), "{path}");
        assert_eq!(errors(&validator(file), &p), Vec::<String>::new(), "{path}");
    }
    for p in files("examples") {
        // Every example is an answers file but the configuration template.
        let (file, name) = if p.ends_with("config.toml") {
            (File::Config, "config")
        } else {
            (File::Answers, "answers")
        };
        let text = fs::read_to_string(&p).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(format!("#:schema ../schemas/{name}.schema.json").as_str()),
            "{}",
            p.display()
        );
        assert_eq!(
            errors(&validator(file), &p),
            Vec::<String>::new(),
            "{}",
            p.display()
        );
    }
}

#[test]
fn every_valid_fixture_passes_its_schema() {
    let sets = [
        ("tests/fixtures/trees/valid", File::Tree),
        ("tests/fixtures/answers/valid", File::Answers),
        ("tests/fixtures/scenarios", File::Answers),
        ("tests/fixtures/team", File::Answers),
        ("tests/fixtures/tools/valid", File::Tools),
    ];
    for (dir, file) in sets {
        let v = validator(file);
        for p in files(dir) {
            assert_eq!(errors(&v, &p), Vec::<String>::new(), "{}", p.display());
        }
    }
}

#[test]
fn invalid_files_are_refused_by_the_schema_and_by_validate() {
    let tree = mlops_wizard::Tree::default_tree();
    let cases = [
        ("tests/fixtures/trees/invalid/unknown-key.toml", File::Tree),
        ("tests/fixtures/trees/invalid/missing-key.toml", File::Tree),
        ("tests/fixtures/trees/invalid/wrong-type.toml", File::Tree),
        ("tests/fixtures/trees/invalid/wrong-kind.toml", File::Tree),
        (
            "tests/fixtures/answers/invalid/unknown-meta-key.toml",
            File::Answers,
        ),
        (
            "tests/fixtures/fuzz/answers-float-for-scale.toml",
            File::Answers,
        ),
        ("tests/fixtures/tools/invalid/unknown-key.toml", File::Tools),
        (
            "tests/fixtures/tools/invalid/missing-licence.toml",
            File::Tools,
        ),
        ("tests/fixtures/config/unknown-key.toml", File::Config),
        ("tests/fixtures/config/bad-theme.toml", File::Config),
    ];
    for (path, file) in cases {
        let p = root().join(path);
        assert!(
            !errors(&validator(file), &p).is_empty(),
            "the schema accepts {path}"
        );
        let source = mlops_wizard::load::read_source(&p).unwrap();
        let refused = match file {
            File::Tree => mlops_wizard::Tree::from_source(&source).is_err(),
            File::Answers => {
                mlops_wizard::Answers::parse(&source, &tree, mlops_wizard::Strictness::Strict)
                    .is_err()
            }
            File::Tools => mlops_wizard::catalog::Catalog::parse(&source, &tree).is_err(),
            File::Config => mlops_wizard::config::Config::parse(&source, &p, None).is_err(),
        };
        assert!(refused, "the loader accepts {path}");
    }
}
