//! The user's configuration file: the defaults a person wants on every run (the question
//! tree and tool catalog, where exported reports go and how they are named, the colours,
//! plain mode). Command-line flags win over the file, and the file over the built-in
//! defaults. The file is checked like every other file mlops-wizard reads: each mistake is
//! a [`Problem`] with its line and column.
//!
//! Where the file is ([`default_path`]) is the only thing this module asks of the
//! environment; reading it and checking the files it names is up to the caller's
//! [`Config::load`].

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{LoadError, Problem, ProblemKind};
use crate::source::{Source, Span};

/// The environment variable that names another configuration file; set and empty, no
/// file is read.
pub const CONFIG_ENV: &str = "MLOPS_WIZARD_CONFIG";

/// A commented configuration file with every setting, to copy and adapt.
pub const TEMPLATE: &str = include_str!("../examples/config.toml");

/// The export file name when the configuration gives none.
pub const DEFAULT_FILE_NAME: &str = "mlops-recommendation-{date}-{respondent}.md";

/// The file read when neither `--config` nor [`CONFIG_ENV`] names one:
/// `mlops-wizard/config.toml` in the platform's configuration folder
/// (`$XDG_CONFIG_HOME`, else `~/.config`, on Linux). `None` when there is no home folder.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mlops-wizard")
        .map(|d| d.config_dir().join("config.toml"))
}

/// Colours, as the file names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Ask the terminal for its background colour.
    Auto,
    /// Colours for a light background.
    Light,
    /// Colours for a dark background.
    Dark,
}

/// The settings of a configuration file; `None` where the file says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file the settings were read from; `None` for no file.
    pub file: Option<PathBuf>,
    /// The question tree to use instead of the built-in one.
    pub questions: Option<PathBuf>,
    /// The tool catalog to use instead of the built-in one.
    pub tools: Option<PathBuf>,
    pub theme: Option<Theme>,
    /// Plain mode (numbered lines) instead of the full-screen wizard.
    pub plain: Option<bool>,
    /// The folder the wizard offers for exported reports, as written (`~` kept) or
    /// made absolute against the configuration file's folder.
    pub export_folder: Option<String>,
    /// How exported reports are named.
    pub file_name: FileName,
}

/// mlops-wizard's configuration file: the defaults for every run. Flags on the command
/// line win over it.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mlops-wizard configuration")]
pub(crate) struct RawConfig {
    /// A question tree to use instead of the built-in one. `~` is the home folder; a
    /// relative path is relative to this file's folder.
    #[schemars(with = "Option<String>")]
    questions: Option<Spanned<String>>,
    /// A tool catalog to use instead of the built-in one (paths as for `questions`).
    #[schemars(with = "Option<String>")]
    tools: Option<Spanned<String>>,
    /// `auto` asks the terminal for its background; `light` or `dark` say it.
    theme: Option<Theme>,
    /// `true` for plain mode: one question at a time as numbered lines.
    plain: Option<bool>,
    /// Where exported reports go and how they are named.
    export: Option<RawExport>,
}

/// The `[export]` table.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExport {
    /// The folder the wizard offers for the report (`~` and relative paths as for
    /// `questions`).
    #[schemars(with = "Option<String>")]
    folder: Option<Spanned<String>>,
    /// The report's file name: `{date}`, `{respondent}` and `{tree}` are replaced; a
    /// placeholder with nothing to put in takes the separator before it along.
    #[schemars(with = "Option<String>")]
    file_name: Option<Spanned<String>>,
}

impl Config {
    /// Parses the configuration in `source`, read from `path`: relative paths in it are
    /// taken from `path`'s folder, `~` from `home`. The files it names must exist.
    pub fn parse(source: &Source, path: &Path, home: Option<&Path>) -> Result<Config, LoadError> {
        let raw: RawConfig =
            toml::from_str(source.text()).map_err(|e| LoadError::from_toml(source, &e))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut problems = Vec::new();
        let mut file = |value: Option<Spanned<String>>, what: &str| {
            let value = value?;
            let resolved = resolve(value.get_ref(), base, home);
            if !resolved.is_file() {
                let shown = if resolved.as_os_str() == value.get_ref().as_str() {
                    String::new()
                } else {
                    format!(" ({})", resolved.display())
                };
                problems.push(Problem::at(
                    source,
                    &value.span(),
                    ProblemKind::BadValue,
                    None,
                    format!(
                        "the {what} `{}`{shown} is not a file that exists",
                        value.get_ref()
                    ),
                ));
            }
            Some(resolved)
        };
        let questions = file(raw.questions, "question tree");
        let tools = file(raw.tools, "tool catalog");
        let export = raw.export.unwrap_or(RawExport {
            folder: None,
            file_name: None,
        });
        let export_folder = export.folder.map(|f| {
            let text = f.get_ref();
            if text.trim().is_empty() {
                problems.push(blank(source, &f.span(), "export folder"));
            }
            if text == "~" || text.starts_with("~/") || Path::new(text).is_absolute() {
                text.clone()
            } else {
                tidy(&base.join(text)).display().to_string()
            }
        });
        let file_name = match export.file_name {
            None => FileName::default(),
            Some(name) => FileName::parse(name.get_ref()).unwrap_or_else(|why| {
                problems.push(Problem::at(
                    source,
                    &name.span(),
                    ProblemKind::BadValue,
                    None,
                    format!("the export file name `{}` {why}", name.get_ref()),
                ));
                FileName::default()
            }),
        };
        if !problems.is_empty() {
            return Err(LoadError::invalid(source, problems));
        }
        Ok(Config {
            file: Some(path.to_path_buf()),
            questions,
            tools,
            theme: raw.theme,
            plain: raw.plain,
            export_folder,
            file_name,
        })
    }

    /// Reads and parses the configuration file at `path` (see [`Config::parse`]).
    pub fn load(path: &Path, home: Option<&Path>) -> Result<Config, LoadError> {
        let source = crate::load::read_source(path)?;
        Config::parse(&source, path, home)
    }
}

fn blank(source: &Source, span: &Span, what: &str) -> Problem {
    Problem::at(
        source,
        span,
        ProblemKind::EmptyText,
        None,
        format!("the {what} is empty"),
    )
}

/// `~` and `~/...` as the home folder; other relative paths from `base`.
fn resolve(text: &str, base: &Path, home: Option<&Path>) -> PathBuf {
    tidy(&base.join(expand_home(text, home)))
}

/// `~` and `~/...` as the home folder (when there is one); other text as it is.
pub fn expand_home(text: &str, home: Option<&Path>) -> PathBuf {
    match (text, home) {
        ("~", Some(h)) => h.to_path_buf(),
        (t, Some(h)) if t.starts_with("~/") => h.join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

/// `path` without `.` components, and without `..` where a named folder before it can be
/// dropped (lexically: `a/b/../c` is `a/c`).
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// A file name pattern with placeholders: `{date}`, `{respondent}`, `{tree}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pattern: String,
    parts: Vec<Part>,
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pattern)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Date,
    Respondent,
    Tree,
}

/// Characters that a placeholder with nothing to put in takes along from before it.
const SEPARATORS: [char; 4] = ['-', '_', '.', ' '];

impl Default for FileName {
    fn default() -> Self {
        // The built-in pattern is valid; a test keeps it so.
        FileName::parse(DEFAULT_FILE_NAME).unwrap_or(FileName {
            pattern: String::new(),
            parts: Vec::new(),
        })
    }
}

impl FileName {
    /// Parses a pattern; the error says what is wrong with it, to follow "the export file
    /// name `...`".
    pub fn parse(pattern: &str) -> Result<FileName, String> {
        if pattern.trim().is_empty() {
            return Err("is empty".into());
        }
        if pattern.contains(['/', '\\']) {
            return Err("has a path separator; put the folder in `folder`".into());
        }
        if pattern.chars().any(char::is_control) {
            return Err("has a control character".into());
        }
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err("has a `}` that closes nothing".into());
            }
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err("has a `{` that is not closed".into());
            };
            let name = &rest[open + 1..open + close];
            parts.push(match name {
                "date" => Part::Date,
                "respondent" => Part::Respondent,
                "tree" => Part::Tree,
                _ => {
                    return Err(format!(
                        "has the placeholder `{{{name}}}`; the placeholders are `{{date}}`, `{{respondent}}` and `{{tree}}`"
                    ));
                }
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(FileName {
            pattern: pattern.to_string(),
            parts,
        })
    }

    /// The file name for a report of `date`, answered by `respondent` (a file-name-safe
    /// form of the name, or empty), on the tree with id `tree`. A placeholder with nothing
    /// to put in takes one separator (`-`, `_`, `.`, space) before it along.
    pub fn render(&self, date: &str, respondent: &str, tree: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            let value = match part {
                Part::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                Part::Date => date,
                Part::Respondent => respondent,
                Part::Tree => tree,
            };
            if value.is_empty() {
                if out.ends_with(SEPARATORS) {
                    out.pop();
                }
            } else {
                out.push_str(value);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pattern_names_files_as_before() {
        let f = FileName::default();
        assert_eq!(
            f.render("2026-12-03", "", "mlops"),
            "mlops-recommendation-2026-12-03.md"
        );
        assert_eq!(
            f.render("2026-12-03", "dana", "mlops"),
            "mlops-recommendation-2026-12-03-dana.md"
        );
        assert_eq!(FileName::parse(DEFAULT_FILE_NAME).unwrap(), f);
    }

    #[test]
    fn placeholders_and_their_separators() {
        let f = FileName::parse("{tree}_{respondent} {date}.md").unwrap();
        assert_eq!(f.render("2026-01-02", "", "t"), "t 2026-01-02.md");
        assert_eq!(f.render("2026-01-02", "ann", "t"), "t_ann 2026-01-02.md");
        let f = FileName::parse("{respondent}-decision").unwrap();
        assert_eq!(f.render("d", "", "t"), "-decision");
    }

    #[test]
    fn bad_patterns_say_why() {
        for (pattern, why) in [
            ("", "is empty"),
            ("a/b.md", "path separator"),
            ("{date", "not closed"),
            ("date}", "closes nothing"),
            ("{when}.md", "`{when}`"),
            ("a\tb", "control"),
        ] {
            let e = FileName::parse(pattern).unwrap_err();
            assert!(e.contains(why), "{pattern}: {e}");
        }
    }

    fn parse(text: &str, dir: &Path) -> Result<Config, LoadError> {
        let path = dir.join("config.toml");
        Config::parse(
            &Source::new(path.display().to_string(), text),
            &path,
            Some(Path::new("/home/dana")),
        )
    }

    #[test]
    fn relative_paths_are_taken_from_the_file_s_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tree.toml"), "").unwrap();
        let c = parse(
            "questions = \"tree.toml\"\n[export]\nfolder = \"reports\"\n",
            dir.path(),
        )
        .unwrap();
        assert_eq!(c.questions, Some(dir.path().join("tree.toml")));
        assert_eq!(
            c.export_folder,
            Some(dir.path().join("reports").display().to_string())
        );
        let c = parse("[export]\nfolder = \"~/decisions\"\n", dir.path()).unwrap();
        assert_eq!(
            c.export_folder.as_deref(),
            Some("~/decisions"),
            "`~` is kept"
        );
        let c = parse(&format!("questions = \"~/{}\"\n", "tree.toml"), dir.path());
        // Resolved from the home folder given, not from the file's folder.
        assert!(
            c.unwrap_err()
                .to_string()
                .contains("(/home/dana/tree.toml)")
        );
    }

    #[test]
    fn mistakes_have_a_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let e = parse("theme = \"dark\"\nquestions = \"nope.toml\"\n", dir.path()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(":2:13"), "{text}");
        assert!(text.contains("is not a file that exists"), "{text}");
        let e = parse("theme = \"blue\"\n", dir.path()).unwrap_err();
        assert!(e.to_string().contains(":1:9"), "{e}");
        assert!(e.to_string().contains("unknown variant `blue`"), "{e}");
        let e = parse("colour = 1\n", dir.path()).unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
        let e = parse("[export]\nfile_name = \"{who}.md\"\n", dir.path()).unwrap_err();
        assert!(e.to_string().contains(":2:13"), "{e}");
    }

    #[test]
    fn the_template_is_a_valid_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let c = parse(TEMPLATE, dir.path()).unwrap();
        let defaults = Config {
            file: c.file.clone(),
            theme: Some(Theme::Auto),
            plain: Some(false),
            ..Config::default()
        };
        assert_eq!(
            c, defaults,
            "the template's settings are the built-in defaults"
        );
    }
}
