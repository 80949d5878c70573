//! The command line: arguments (clap) and the headless subcommands.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};

use mlops_wizard::answers::{Answers, Strictness, answers_source};
use mlops_wizard::catalog::{Catalog, DEFAULT_CATALOG, DEFAULT_CATALOG_NAME};
use mlops_wizard::config::{self, Config};
use mlops_wizard::diff::Diff;
use mlops_wizard::error::LoadError;
use mlops_wizard::load::{self, DEFAULT_TREE, DEFAULT_TREE_NAME};
use mlops_wizard::source::Source;
use mlops_wizard::team::{Respondent, Team};
use mlops_wizard::{Recommendation, ReportInput, Tree, atomic, report, schema, tui};

use crate::out;

/// Decide between an open-source and a proprietary MLOps stack before a project kicks off.
///
/// Run without a command to start the full-screen wizard. The commands below do the same
/// work without a terminal, for scripts and CI.
#[derive(Debug, Parser)]
#[command(
    name = "mlops-wizard",
    version,
    about,
    long_about,
    max_term_width = 100
)]
#[command(
    after_help = "Exit status: 0 success, 2 bad input (invalid tree, answers, configuration or arguments), 1 other failures.\n\nDefaults come from mlops-wizard/config.toml in your configuration folder, if it exists; `mlops-wizard config` shows them. Flags win over it.\n\nExamples:\n  mlops-wizard                                   walk through the questions\n  mlops-wizard --resume                          continue the last walk\n  mlops-wizard recommend --answers answers.toml  print the recommendation as markdown\n  mlops-wizard recommend -a alice.toml -a bob.toml   a team report\n  mlops-wizard diff old.md new.toml              what changed between two decisions\n  mlops-wizard validate my-tree.toml             check a custom question tree"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Question tree to use instead of the built-in one.
    #[arg(long, short = 'q', value_name = "FILE", global = true)]
    pub questions: Option<PathBuf>,

    /// Tool catalog for the stack plan's examples, instead of the built-in one.
    #[arg(long, short = 't', value_name = "FILE", global = true)]
    pub tools: Option<PathBuf>,

    /// Read this configuration file instead of the usual one (see `mlops-wizard config`).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Read no configuration file: the built-in defaults and the flags given.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,

    /// Start the wizard from an existing answers file.
    #[arg(long, short = 'a', value_name = "FILE", conflicts_with = "resume")]
    pub answers: Option<PathBuf>,

    /// Continue the last wizard session where it stopped.
    #[arg(long)]
    pub resume: bool,

    /// One question at a time as numbered lines, answered by typing (screen readers,
    /// dumb terminals, answers piped in); chosen by itself when TERM=dumb.
    #[arg(long, overrides_with = "no_plain")]
    pub plain: bool,

    /// The full-screen wizard, even when the configuration file asks for plain mode.
    #[arg(long, overrides_with = "plain")]
    pub no_plain: bool,

    /// Colours for a light or dark terminal; auto (the default, unless the configuration
    /// file says otherwise) asks the terminal. NO_COLOR turns colours off.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<Theme>,

    /// Answer as this person, in a session and answers file of your own (sets
    /// [meta] respondent), so that each person of a team answers alone.
    #[arg(long, value_name = "NAME")]
    pub respondent: Option<String>,
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score an answers file and write the recommendation (markdown or JSON).
    ///
    /// Answers that do not fit the tree (unknown questions or options, wrong types,
    /// questions hidden by the other answers) are errors unless --lenient is given. An
    /// exported markdown report works as an answers file: its answers block is read back.
    ///
    /// Several --answers (or a folder of answers files) give a team report: each
    /// person's verdict, who answered what, the merged answers (the majority per question,
    /// ties left open; medians for scales and priorities) and the disagreements that alone
    /// would flip the merged verdict.
    Recommend {
        /// An answers file (TOML) or exported report (markdown); `-` reads standard input.
        /// Repeat it, or give a folder, for a team.
        #[arg(long, short = 'a', value_name = "FILE", required = true, num_args = 1)]
        answers: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(long)]
        force: bool,
        /// Skip answers that do not fit the tree, with a warning, instead of failing.
        #[arg(long)]
        lenient: bool,
        /// The date printed in the report (YYYY-MM-DD); by default the answers' `[meta]
        /// date`, else today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: Option<String>,
    },
    /// Compare two decisions: what changed in the answers, the points and the verdict.
    ///
    /// OLD and NEW are answers files or exported reports. The report lists the answers
    /// that changed, each criterion's and stage's points before and after, and whether the
    /// verdict, its kind or its robustness changed.
    Diff {
        /// The earlier answers file or report.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The later answers file or report.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(long)]
        force: bool,
        /// Exit with status 1 when the verdict changed (for CI).
        #[arg(long)]
        exit_code: bool,
    },
    /// Check question trees and tool catalogs, printing every problem.
    ///
    /// Without files, the built-in tree and catalog are checked.
    ///
    /// A file with a `[catalog]` table is checked as a tool catalog, against the tree given
    /// with --questions (or the built-in one); any other file as a question tree.
    Validate {
        /// Question-tree or tool-catalog files (TOML).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the built-in question tree, to copy and adapt.
    Questions,
    /// Print a shell completion script.
    ///
    /// bash: `mlops-wizard completions bash > ~/.local/share/bash-completion/completions/mlops-wizard`;
    /// zsh: `mlops-wizard completions zsh > ~/.zfunc/_mlops-wizard` (with `~/.zfunc` in `fpath`);
    /// fish: `mlops-wizard completions fish > ~/.config/fish/completions/mlops-wizard.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the JSON Schema of a question tree, an answers file, a tool catalog or the
    /// configuration file.
    ///
    /// Editors that read a `#:schema` directive (taplo, Even Better TOML) then check and
    /// complete the file as you type: put `#:schema ./tree.schema.json` on its first line.
    Schema {
        /// Which file.
        #[arg(value_enum)]
        file: SchemaFile,
    },
    /// Check the configuration file and show the settings in effect.
    ///
    /// The file is `mlops-wizard/config.toml` in your configuration folder (on Linux
    /// `$XDG_CONFIG_HOME/mlops-wizard/config.toml`, else `~/.config/mlops-wizard/config.toml`).
    /// MLOPS_WIZARD_CONFIG or --config name another file; --no-config (or
    /// MLOPS_WIZARD_CONFIG set to nothing) reads none. Flags win over the file, and the file
    /// over the built-in defaults. Start one with
    /// `mlops-wizard config --default > "$(mlops-wizard config --path)"`.
    Config {
        /// Print only the path of the configuration file (which need not exist).
        #[arg(long, conflicts_with = "default")]
        path: bool,
        /// Print a commented configuration file with every setting, to start from.
        #[arg(long)]
        default: bool,
    },
    /// Print the manual page (roff), with every command.
    ///
    /// `mlops-wizard man > ~/.local/share/man/man1/mlops-wizard.1`, then `man mlops-wizard`.
    Man,
}

/// The files that have a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFile {
    /// A question tree.
    Tree,
    /// An answers file (also the wizard's session file).
    Answers,
    /// A tool catalog.
    Tools,
    /// The configuration file.
    Config,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A decision record in markdown (CommonMark with GitHub tables).
    Markdown,
    /// The same content as JSON.
    Json,
}

/// How a command failed: decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: invalid tree, answers or arguments (exit 2).
    BadInput(String),
    /// Anything else (exit 1).
    Other(String),
    /// This exit status, with everything already said.
    Quiet(u8),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Other(_) => 1,
            Failure::Quiet(code) => *code,
        }
    }

    /// What to print, if anything is left to say.
    pub fn message(&self) -> Option<&str> {
        match self {
            Failure::BadInput(m) | Failure::Other(m) => Some(m),
            Failure::Quiet(_) => None,
        }
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

fn parse_date(s: &str) -> Result<String, String> {
    s.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%Y-%m-%d").to_string())
        .map_err(|_| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// Today's date in the local time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    mlops_wizard::date::today()
}

/// The tree given with `--questions`, or the built-in one.
pub fn load_tree(path: Option<&Path>) -> Result<Tree, Failure> {
    match path {
        Some(p) => Ok(Tree::load(p)?),
        None => Ok(Tree::default_tree()),
    }
}

/// The catalog given with `--tools` (checked against `tree`), or the built-in one when it
/// fits the tree; `questions` is the file `tree` came from (`None`: the built-in tree, for
/// which the built-in catalog is ready compiled).
pub fn load_catalog(
    path: Option<&Path>,
    tree: &Tree,
    questions: Option<&Path>,
) -> Result<Option<Catalog>, Failure> {
    match (path, questions) {
        (Some(p), _) => Ok(Some(Catalog::load(p, tree)?)),
        (None, None) => Ok(Some(Catalog::default_catalog())),
        (None, Some(_)) => Ok(Catalog::built_in(tree)),
    }
}

/// Runs a headless subcommand.
pub fn run(
    command: Command,
    questions: Option<&Path>,
    tools: Option<&Path>,
) -> Result<(), Failure> {
    match command {
        Command::Questions => out::stdout(DEFAULT_TREE),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mlops-wizard", &mut buf);
            out::stdout(&String::from_utf8_lossy(&buf))
        }
        Command::Man => out::stdout(&man_page()),
        Command::Schema { file } => out::stdout(&schema::schema(match file {
            SchemaFile::Tree => schema::File::Tree,
            SchemaFile::Answers => schema::File::Answers,
            SchemaFile::Tools => schema::File::Tools,
            SchemaFile::Config => schema::File::Config,
        })),
        Command::Config { .. } => Ok(()),
        Command::Validate { mut files } => {
            // `--questions FILE validate` checks that file, like `validate FILE`; likewise
            // `--tools FILE`.
            if files.is_empty() {
                files.extend(questions.map(Path::to_path_buf));
                files.extend(tools.map(Path::to_path_buf));
            }
            validate(&files, questions)
        }
        Command::Recommend {
            answers,
            format,
            output,
            force,
            lenient,
            date,
        } => {
            let tree = load_tree(questions)?;
            let catalog = load_catalog(tools, &tree, questions)?;
            let strictness = if lenient {
                Strictness::Lenient
            } else {
                Strictness::Strict
            };
            let files = answer_files(&answers)?;
            let mut people: Vec<Respondent> = Vec::with_capacity(files.len());
            for f in &files {
                let answers = read_answers(f, &tree, strictness)?;
                people.push(Respondent {
                    name: respondent_name(&answers, f, &people),
                    answers,
                });
            }
            let team = (people.len() > 1).then(|| Team::new(&tree, people.clone()));
            let (answers, recommendation) = match &team {
                Some(t) => (t.merged.clone(), t.recommendation.clone()),
                None => {
                    let a = people.remove(0).answers;
                    let r = Recommendation::new(&tree, &a);
                    (a, r)
                }
            };
            let date = report_date(date, &answers);
            let input = ReportInput {
                tree: &tree,
                answers: &answers,
                recommendation: &recommendation,
                date: &date,
                catalog: catalog.as_ref(),
                team: team.as_ref(),
            };
            let text = match format {
                Format::Markdown => report::to_markdown(&input),
                Format::Json => report::to_json(&input),
            };
            let written = write_output(&text, output.as_deref(), force);
            // The process ends here: handing the memory back piece by piece would only
            // add to the run.
            std::mem::forget((tree, catalog, answers, recommendation, team, text));
            written
        }
        Command::Diff {
            old,
            new,
            format,
            output,
            force,
            exit_code,
        } => {
            let tree = load_tree(questions)?;
            let before = read_answers(&old, &tree, Strictness::Strict)?;
            let after = read_answers(&new, &tree, Strictness::Strict)?;
            let diff = Diff::new(&tree, &before, &after);
            let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
            let input = report::DiffInput {
                tree: &tree,
                diff: &diff,
                old_name: &old_name,
                new_name: &new_name,
            };
            let text = match format {
                Format::Markdown => report::diff_to_markdown(&input),
                Format::Json => report::diff_to_json(&input),
            };
            write_output(&text, output.as_deref(), force)?;
            if exit_code && diff.verdict_changed() {
                return Err(Failure::Quiet(1));
            }
            Ok(())
        }
    }
}

/// The manual page: the command's page, then a section per subcommand with its synopsis,
/// description and options.
fn man_page() -> String {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    // Writing into a vector cannot fail.
    let _ = man.render(&mut buf);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("mlops-wizard {}", sub.get_name());
        let sub = sub.clone().bin_name(name.clone());
        let page = clap_mangen::Man::new(sub.clone());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let _ = page.render_synopsis_section(&mut buf);
        let _ = page.render_description_section(&mut buf);
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            let _ = page.render_options_section(&mut buf);
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Writes a report to standard output, or atomically to `path`.
fn write_output(text: &str, path: Option<&Path>, force: bool) -> Result<(), Failure> {
    match path {
        None => out::stdout(text),
        Some(path) => atomic::write(path, text.as_bytes(), force).map_err(|e| match e {
            atomic::WriteError::Exists { .. } => Failure::BadInput(e.to_string()),
            atomic::WriteError::Io { .. } => Failure::Other(e.to_string()),
        }),
    }
}

/// The answers files given: each file as it is, a folder as its `.toml` and `.md` files
/// in name order.
fn answer_files(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in given {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| {
                Failure::BadInput(format!("cannot read the folder {}: {e}", p.display()))
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .is_some_and(|x| x == "toml" || x == "md" || x == "markdown")
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Failure::BadInput(format!(
                    "the folder {} has no answers files (.toml) or reports (.md)",
                    p.display()
                )));
            }
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads one answers file, exported report or standard input (`-`), checks it against
/// `tree`, and prints its notes and (with --lenient) the answers set aside.
fn read_answers(path: &Path, tree: &Tree, strictness: Strictness) -> Result<Answers, Failure> {
    let source = if path.as_os_str() == "-" {
        read_stdin()?
    } else {
        load::read_source(path)?
    };
    let source = answers_source(&source)?;
    let checked = Answers::parse(&source, tree, strictness)?;
    for note in &checked.notes {
        out::eprintln(&format!("note: {}: {note}", source.name()));
    }
    for p in &checked.dropped {
        out::eprintln(&format!(
            "{}\n  = note: the answer is ignored (--lenient)\n",
            p.as_warning()
        ));
    }
    Ok(checked.answers)
}

/// A respondent's name: `[meta] respondent`, else the file's name; made unique among
/// `taken` by adding the file name.
fn respondent_name(answers: &Answers, file: &Path, taken: &[Respondent]) -> String {
    let stem = file.file_stem().map_or_else(
        || file.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let name = answers
        .meta
        .respondent
        .as_deref()
        .filter(|r| !mlops_wizard::model::is_blank(r))
        .map_or_else(|| stem.clone(), |r| r.trim().to_string());
    if taken.iter().any(|t| t.name == name) {
        format!("{name} ({stem})")
    } else {
        name
    }
}

/// The report's date: `--date`, else the answers' `[meta] date` when it is a date, else
/// today.
fn report_date(given: Option<String>, answers: &Answers) -> String {
    given
        .or_else(|| {
            answers
                .meta
                .date
                .clone()
                .filter(|d| mlops_wizard::catalog::is_date(d))
        })
        .unwrap_or_else(today)
}

/// Runs the full-screen wizard, or its plain mode.
pub fn wizard(
    questions: Option<&Path>,
    tools: Option<&Path>,
    answers: Option<&Path>,
    resume: bool,
    (plain, theme, respondent, export): (bool, Theme, Option<&str>, tui::app::ExportNaming),
) -> Result<(), Failure> {
    let tree = load_tree(questions)?;
    let catalog = load_catalog(tools, &tree, questions)?;
    let answers =
        match answers {
            None => None,
            Some(path) => {
                let source = answers_source(&load::read_source(path)?)?;
                let checked = Answers::parse(&source, &tree, Strictness::Lenient)?;
                let mut notes = checked.notes;
                notes.extend(checked.dropped.iter().map(|p| {
                    format!("{}: an answer could not be used: {}", p.location, p.message)
                }));
                Some((checked.answers, notes))
            }
        };
    let options = tui::Options {
        tree,
        questions_path: questions.map(Path::to_path_buf),
        answers,
        resume,
        date: today(),
        catalog,
        theme: match theme {
            Theme::Auto => tui::ThemeChoice::Auto,
            Theme::Light => tui::ThemeChoice::Light,
            Theme::Dark => tui::ThemeChoice::Dark,
        },
        respondent: respondent.map(str::to_string),
        export,
    };
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let outcome = if plain || dumb {
        tui::plain::run(options)
    } else {
        tui::run(options)
    }
    .map_err(|e| match e {
        tui::RunError::NotATerminal(_) => Failure::BadInput(e.to_string()),
        tui::RunError::Io(_) => Failure::Other(e.to_string()),
    })?;
    let status = last_words(&outcome);
    match status {
        0 => Ok(()),
        n => Err(Failure::Quiet(n)),
    }
}

/// What the wizard prints when it has ended, on the normal screen, and its exit status: 0,
/// or 128 + the signal that stopped it, or 1 when the answers are neither saved nor
/// exported (they are then printed as an answers file, so nothing is lost), or when the
/// terminal went away.
fn last_words(outcome: &tui::Outcome) -> u8 {
    for path in &outcome.exported {
        out::eprintln(&format!("mlops-wizard: wrote {}", path.display()));
    }
    let mut status = 0;
    match outcome.ended {
        tui::Ended::Quit => {}
        tui::Ended::Declined => {
            out::eprintln("mlops-wizard: nothing was opened and nothing changed.");
            return 0;
        }
        tui::Ended::Signal(sig) => {
            out::eprintln(&format!(
                "mlops-wizard: stopped by signal {sig} ({}).",
                signal_name(sig)
            ));
            status = u8::try_from(128 + sig).unwrap_or(1);
        }
        tui::Ended::TerminalLost => {
            out::eprintln("mlops-wizard: the terminal went away.");
            status = 1;
        }
    }
    let n = outcome.answered;
    if n == 0 {
        return status;
    }
    let answers = if n == 1 {
        "1 answer".to_string()
    } else {
        format!("{n} answers")
    };
    match (&outcome.session, &outcome.unsaved) {
        (Some(path), _) if outcome.separate => out::eprintln(&format!(
            "mlops-wizard: {answers} saved in {}, a separate session: `mlops-wizard --answers {}` continues from them.",
            path.display(),
            path.display()
        )),
        (Some(path), _) => out::eprintln(&format!(
            "mlops-wizard: {answers} saved in {}; `mlops-wizard --resume` continues.",
            path.display()
        )),
        (None, unsaved) if !outcome.dirty => out::eprintln(&format!(
            "mlops-wizard: the session could not be saved ({}), but the answers are in the files written above.",
            unsaved
                .as_deref()
                .unwrap_or("the session file does not hold them")
        )),
        (None, unsaved) => {
            out::eprintln(&format!(
                "mlops-wizard: your {answers} {} NOT saved: {}.\n\
                 To keep them, save the answers file below (for example as answers.toml) and continue with\n\
                 `mlops-wizard --answers answers.toml`, or run the wizard with MLOPS_WIZARD_STATE_DIR set to a\n\
                 folder that can be written.\n\n\
                 # --- the answers, as an answers file ---\n{}# --- end ---",
                if n == 1 { "is" } else { "are" },
                unsaved
                    .as_deref()
                    .unwrap_or("the session file does not hold them"),
                outcome.answers_file
            ));
            status = status.max(1);
        }
    }
    status
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// What a file given to `validate` holds.
enum Checked {
    Tree(Box<Tree>),
    Catalog(Catalog),
}

fn validate(files: &[PathBuf], questions: Option<&Path>) -> Result<(), Failure> {
    let mut failed = 0;
    let mut report = |result: Result<Checked, LoadError>, name: &str| match result {
        Ok(Checked::Tree(t)) => {
            for w in &t.warnings {
                out::eprintln(&format!("{}\n", w.as_warning()));
            }
            let warnings = match t.warnings.len() {
                0 => String::new(),
                1 => " (1 warning)".to_string(),
                n => format!(" ({n} warnings)"),
            };
            out::stdout(&format!(
                "ok: {name}: {} questions, {} criteria, {} alternatives, {} risks, {} stages{warnings}\n",
                t.questions.len(),
                t.criteria.len(),
                t.alternatives.len(),
                t.risks.len(),
                t.stages.len()
            ))
        }
        Ok(Checked::Catalog(c)) => out::stdout(&format!(
            "ok: {name}: tool catalog, {} tools, checked on {}\n",
            c.tools.len(),
            c.checked
        )),
        Err(e) => {
            failed += 1;
            match e {
                LoadError::Read { .. } => out::eprintln(&format!("error: {e}\n")),
                LoadError::Invalid { .. } => out::eprintln(&format!("{e}\n")),
            }
            Ok(())
        }
    };
    // Catalogs are checked against the tree given with --questions, or the built-in one.
    let tree = || -> Result<Tree, LoadError> {
        match questions {
            Some(q) => Tree::load(q),
            None => Ok(Tree::default_tree()),
        }
    };
    if files.is_empty() {
        report(
            Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).map(|t| Checked::Tree(Box::new(t))),
            DEFAULT_TREE_NAME,
        )?;
        let tree = Tree::default_tree();
        report(
            Catalog::parse(&Source::new(DEFAULT_CATALOG_NAME, DEFAULT_CATALOG), &tree)
                .map(Checked::Catalog),
            DEFAULT_CATALOG_NAME,
        )?;
    }
    for f in files {
        let name = f.display().to_string();
        let result = load::read_source(f).and_then(|source| {
            if is_catalog(&source) {
                Catalog::parse(&source, &tree()?).map(Checked::Catalog)
            } else {
                Tree::from_source(&source).map(|t| Checked::Tree(Box::new(t)))
            }
        });
        report(result, &name)?;
    }
    match failed {
        0 => Ok(()),
        n => Err(Failure::BadInput(format!(
            "{n} of {} file(s) invalid",
            files.len().max(1)
        ))),
    }
}

/// Whether a file is a tool catalog: it has a top-level `[catalog]` table. Decided on the
/// lines alone, so that a file with a syntax error still gets the right kind of check.
fn is_catalog(source: &Source) -> bool {
    // A line that starts with `[catalog]`, after blanks: found by searching the text for
    // the header, so that a large tree is not walked line by line.
    let text = source.text();
    memchr::memmem::find_iter(text.as_bytes(), b"[catalog]").any(|at| {
        let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1);
        text[line_start..at].trim_start().is_empty()
    })
}

fn read_stdin() -> Result<Source, Failure> {
    if out::was_closed(out::Stream::In) {
        return Err(Failure::BadInput(
            "--answers - reads the answers file from standard input, but standard input is closed"
                .into(),
        ));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::BadInput(
            "--answers - reads the answers file from standard input, but standard input is a terminal; pipe a file in or give its path".into(),
        ));
    }
    // Capped while reading; a pipe is waited on like `cat` does.
    let bytes = load::read_capped(stdin.lock(), None).map_err(|e| {
        Failure::BadInput(format!("cannot read the answers from standard input: {e}"))
    })?;
    if bytes.len() as u64 > load::MAX_FILE_BYTES {
        return Err(Failure::BadInput(format!(
            "the answers on standard input are larger than the limit of {} bytes",
            load::MAX_FILE_BYTES
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::BadInput(format!(
            "the answers on standard input are not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Source::new("<stdin>", text))
}

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// A file named with `--config` or MLOPS_WIZARD_CONFIG: it must exist.
    Named(PathBuf),
    /// The usual file: read when it exists.
    Usual(PathBuf),
    /// No file, and why.
    Nothing(&'static str),
}

impl ConfigFile {
    /// The file to read for `--config` (`flag`) and `--no-config`, else MLOPS_WIZARD_CONFIG
    /// (`env`), else the usual place.
    pub fn locate(flag: Option<&Path>, no_config: bool, env: Option<std::ffi::OsString>) -> Self {
        if no_config {
            return ConfigFile::Nothing("--no-config");
        }
        if let Some(f) = flag {
            return ConfigFile::Named(f.to_path_buf());
        }
        match env {
            Some(e) if e.is_empty() => ConfigFile::Nothing("MLOPS_WIZARD_CONFIG is set to nothing"),
            Some(e) => ConfigFile::Named(PathBuf::from(e)),
            None => config::default_path().map_or(
                ConfigFile::Nothing("there is no home folder"),
                ConfigFile::Usual,
            ),
        }
    }

    /// Reads and checks the file: the built-in defaults when there is none.
    pub fn load(&self) -> Result<Config, Failure> {
        let home = tui::runtime::home();
        let path = match self {
            ConfigFile::Nothing(_) => return Ok(Config::default()),
            ConfigFile::Usual(p) if !p.exists() => return Ok(Config::default()),
            ConfigFile::Named(p) | ConfigFile::Usual(p) => p,
        };
        Config::load(path, home.as_deref()).map_err(|e| match e {
            LoadError::Read { path, source } => Failure::BadInput(format!(
                "cannot read the configuration file {}: {source}",
                path.display()
            )),
            e @ LoadError::Invalid { .. } => Failure::from(e),
        })
    }
}

/// `mlops-wizard config`: the file's path, the template, or the settings in effect.
pub fn show_config(
    file: &ConfigFile,
    path_only: bool,
    template: bool,
    (questions, tools): (Option<&Path>, Option<&Path>),
) -> Result<(), Failure> {
    if template {
        let body = config::TEMPLATE
            .split_once('\n')
            .filter(|(first, _)| first.starts_with("#:schema"))
            .map_or(config::TEMPLATE, |(_, rest)| rest);
        return out::stdout(body);
    }
    if path_only {
        return match file {
            ConfigFile::Named(p) | ConfigFile::Usual(p) => {
                out::stdout(&format!("{}\n", p.display()))
            }
            ConfigFile::Nothing(why) => Err(Failure::BadInput(format!(
                "no configuration file is read: {why}"
            ))),
        };
    }
    let config = file.load()?;
    let mut text = match file {
        ConfigFile::Nothing(why) => format!("file: none ({why})\n"),
        ConfigFile::Usual(p) if config.file.is_none() => format!(
            "file: {} (does not exist: the built-in defaults apply)\n",
            p.display()
        ),
        ConfigFile::Named(p) | ConfigFile::Usual(p) => format!("file: {} (ok)\n", p.display()),
    };
    let from_file = |set: bool| {
        if set {
            " (from the file)"
        } else {
            " (built in)"
        }
    };
    let path_or = |flag: Option<&Path>, file: Option<&PathBuf>, name: &str| match (flag, file) {
        (Some(p), _) => format!("{} (from --{name})", p.display()),
        (None, Some(p)) => format!("{} (from the file)", p.display()),
        (None, None) => "built in".to_string(),
    };
    text.push_str(&format!(
        "questions: {}\n",
        path_or(questions, config.questions.as_ref(), "questions")
    ));
    text.push_str(&format!(
        "tools: {}\n",
        path_or(tools, config.tools.as_ref(), "tools")
    ));
    let theme = match config.theme.unwrap_or(config::Theme::Auto) {
        config::Theme::Auto => "auto",
        config::Theme::Light => "light",
        config::Theme::Dark => "dark",
    };
    text.push_str(&format!(
        "theme: {theme}{}\n",
        from_file(config.theme.is_some())
    ));
    text.push_str(&format!(
        "plain: {}{}\n",
        config.plain.unwrap_or(false),
        from_file(config.plain.is_some())
    ));
    let naming = export_naming(&config);
    text.push_str(&format!(
        "export folder: {}\n",
        config.export_folder.as_deref().map_or(
            "the folder the wizard runs in (built in)".to_string(),
            |f| { format!("{f} (from the file)") }
        )
    ));
    // The examples name the tree in effect; one that does not load is named by its file.
    let tree_path = questions.or(config.questions.as_deref());
    let tree_id = match load_tree(tree_path) {
        Ok(tree) => String::from(tree.meta.id),
        Err(_) => tree_path
            .and_then(Path::file_stem)
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    };
    let today = today();
    text.push_str(&format!(
        "export file name: {}{}\n  today's report: {}; Dana's: {}\n",
        config.file_name,
        from_file(config.file_name != config::FileName::default()),
        naming.path(&today, None, &tree_id),
        naming.path(&today, Some("Dana"), &tree_id)
    ));
    out::stdout(&text)
}

/// The export naming of a configuration.
pub fn export_naming(config: &Config) -> tui::app::ExportNaming {
    tui::app::ExportNaming {
        folder: config.export_folder.clone(),
        file_name: config.file_name.clone(),
    }
}
