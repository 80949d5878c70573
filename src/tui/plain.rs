//! The plain mode (`--plain`, and by itself when `TERM=dumb`): the same walk as the
//! full-screen wizard, one question at a time as numbered lines, answered by typing a line.
//! No alternate screen, no cursor movement, no colour: it works with a screen reader, in a
//! dumb terminal, and with answers piped in.
//!
//! It is driven by the same core as the wizard: the flow decides which question comes
//! next, answers are saved to the same (locked) session after each one, `--resume`
//! continues, the verdict is told in the same words ([`super::words`]), and the export
//! checks the path the same way ([`super::screens::export::targets`]).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::answers::{Answer, Answers, MAX_TEXT_CHARS};
use crate::atomic;
use crate::flow::Flow;
use crate::model::{Kind, Question, Tree, is_blank};
use crate::recommend::Recommendation;
use crate::report::{self, ReportInput};
use crate::sanitize;
use crate::tui::app::branching_notes;
use crate::tui::runtime::{self, Ended, Finish, Options, Outcome, Prepared, RunError};
use crate::tui::screens::{export, people};
use crate::tui::session::Session;
use crate::tui::text;
use crate::tui::words;

/// The commands that work at every question.
const HELP: &str = "\
At each question, type your answer and press Enter:
  a number      choose that option; several numbers, separated by spaces
                or commas, where the question takes several answers
  y or n        yes or no, where the question asks that
  Enter alone   keep the answer as it is (or leave the question unanswered)
  -             clear the answer
  b             back to the previous question
  r             review all answers so far
  v             the verdict so far
  ?             this help, and why the question is asked
  q             quit; every answer is saved, and
                mlops-wizard --plain --resume continues";

/// A text with each paragraph on one line: the terminal (or the screen reader) wraps it.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Why a line is not an answer.
type Invalid = String;

/// What a line typed at a question asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Answer(Option<Answer>),
    Keep,
    Back,
    Review,
    Verdict,
    Help,
    Quit,
}

/// Reads a line typed at question `q` (the current answer is `current`).
pub fn parse_reply(
    tree: &Tree,
    q: &Question,
    current: Option<&Answer>,
    line: &str,
) -> Result<Reply, Invalid> {
    let t = line.trim();
    match t {
        "" => return Ok(Reply::Keep),
        "?" | "help" => return Ok(Reply::Help),
        "-" => return Ok(Reply::Answer(None)),
        _ => {}
    }
    if q.kind != Kind::Text {
        match t.to_ascii_lowercase().as_str() {
            "b" | "back" => return Ok(Reply::Back),
            "r" | "review" => return Ok(Reply::Review),
            "v" | "verdict" => return Ok(Reply::Verdict),
            "q" | "quit" => return Ok(Reply::Quit),
            _ => {}
        }
    }
    let numbers = || -> Result<Vec<usize>, Invalid> {
        t.split([' ', ',', ';'])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<usize>()
                    .map_err(|_| format!("“{s}” is not a number."))
            })
            .collect()
    };
    let option_at = |n: usize| -> Result<String, Invalid> {
        q.options
            .get(n.wrapping_sub(1))
            .map(|o| o.id.to_string())
            .ok_or_else(|| format!("Choose a number from 1 to {}.", q.options.len()))
    };
    match q.kind {
        Kind::Single | Kind::YesNo => {
            let lower = t.to_ascii_lowercase();
            if let Some(o) = q.options.iter().find(|o| {
                o.id == lower
                    || (lower.len() == 1 && o.id.starts_with(&lower) && q.option("yes").is_some())
            }) {
                return Ok(Reply::Answer(Some(Answer::Choice(o.id.to_string()))));
            }
            match numbers()?.as_slice() {
                [n] => Ok(Reply::Answer(Some(Answer::Choice(option_at(*n)?)))),
                _ => Err(format!("Type one number from 1 to {}.", q.options.len())),
            }
        }
        Kind::Multiple => {
            let mut chosen: Vec<String> = Vec::new();
            for n in numbers()? {
                let id = option_at(n)?;
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            chosen.sort_by_key(|c| q.options.iter().position(|o| &o.id == c));
            Ok(Reply::Answer(Some(Answer::Choices(chosen))))
        }
        Kind::Scale => {
            let s = q.scale.as_ref().ok_or("This question has no scale.")?;
            match t.parse::<i64>() {
                Ok(v) if (s.min..=s.max).contains(&v) => Ok(Reply::Answer(Some(Answer::Scale(v)))),
                _ => Err(format!("Type a whole number from {} to {}.", s.min, s.max)),
            }
        }
        Kind::Text => {
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err(format!("At most {MAX_TEXT_CHARS} characters."));
            }
            Ok(Reply::Answer(Some(Answer::Text(t.to_string()))))
        }
        Kind::Priorities => {
            let p = q
                .priorities
                .as_ref()
                .ok_or("This question has no levels.")?;
            let mut levels = match current {
                Some(Answer::Priorities(l)) => l.clone(),
                _ => Default::default(),
            };
            for pair in t.split([' ', ',', ';']).filter(|s| !s.is_empty()) {
                let (c, l) = pair.split_once('=').ok_or_else(|| {
                    format!(
                        "“{pair}”: write criterion=level, such as 3=5 (criterion 3 at level 5)."
                    )
                })?;
                let c: usize = c
                    .trim()
                    .parse()
                    .ok()
                    .filter(|c| (1..=p.criteria.len()).contains(c))
                    .ok_or_else(|| {
                        format!("Criteria are numbered from 1 to {}.", p.criteria.len())
                    })?;
                let l: i64 = l
                    .trim()
                    .parse()
                    .ok()
                    .filter(|l| (1..=p.max_level()).contains(l))
                    .ok_or_else(|| format!("Levels are numbered from 1 to {}.", p.max_level()))?;
                let id = tree.criteria[p.criteria[c - 1]].id.as_str();
                if l == p.default {
                    levels.remove(id);
                } else {
                    levels.insert(id.to_string(), l);
                }
            }
            Ok(Reply::Answer(Some(Answer::Priorities(levels))))
        }
    }
}

/// The plain-mode conversation: lines in, lines out.
struct Talk<'a> {
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
}

impl Talk<'_> {
    fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.output.write_all(sanitize::terminal(text).as_bytes())?;
        self.output.write_all(b"\n")
    }

    /// Asks and reads a line; `None` at the end of the input.
    fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        self.output
            .write_all(sanitize::terminal(prompt).as_bytes())?;
        self.output.write_all(b" ")?;
        self.output.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            self.output.write_all(b"\n")?;
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
    }

    /// A yes-or-no question; `default` on Enter alone (and at the end of the input).
    fn confirm(&mut self, prompt: &str, default: bool) -> std::io::Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            match self.ask(&format!("{prompt} {hint}"))? {
                None => return Ok(default),
                Some(l) => match l.trim().to_ascii_lowercase().as_str() {
                    "" => return Ok(default),
                    "y" | "yes" => return Ok(true),
                    "n" | "no" => return Ok(false),
                    _ => self.say("Type y or n.")?,
                },
            }
        }
    }
}

/// State of a plain walk.
struct Walk<'t> {
    tree: &'t Tree,
    /// Every answer, hidden ones included.
    answers: Answers,
    flow: Flow,
    session: Option<Session>,
    unsaved: Option<String>,
    dirty: bool,
    exported: Vec<PathBuf>,
    catalog: Option<crate::catalog::Catalog>,
    /// How the export path offered first is made.
    export: crate::tui::app::ExportNaming,
}

impl Walk<'_> {
    fn effective(&self) -> Answers {
        let mut a = self.flow.effective(self.tree, &self.answers);
        a.stamp(self.tree);
        a
    }

    fn save(&mut self) {
        let hidden: std::collections::BTreeMap<String, Answer> = self
            .answers
            .values
            .iter()
            .filter(|(id, _)| {
                self.tree
                    .question_index(id)
                    .is_some_and(|i| !self.flow.is_shown(i))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut text = self.effective().to_toml(self.tree);
        text.push_str(&Answers::hidden_toml(self.tree, &hidden));
        let result = match self.session.as_mut() {
            Some(s) => s.save(&text),
            None => Err(self
                .unsaved
                .clone()
                .unwrap_or_else(|| "there is no folder for the session file".into())),
        };
        self.unsaved = result.err();
    }

    fn answered(&self) -> usize {
        self.flow
            .visible()
            .filter(|&i| {
                self.answers
                    .values
                    .contains_key(self.tree.questions[i].id.as_str())
            })
            .count()
    }
}

/// Runs the plain mode on standard input and output.
pub fn run(options: Options) -> Result<Outcome, RunError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout();
    run_with(options, &mut input, &mut output)
}

/// Runs the plain mode, reading lines from `input` and writing to `output`.
pub fn run_with(
    options: Options,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<Outcome, RunError> {
    let resume = options.resume;
    let brought_in = options.answers.is_some();
    let Some(Prepared {
        tree,
        start,
        session,
        main_path,
        separate,
        ..
    }) = runtime::prepare(options)?
    else {
        return Ok(Outcome {
            ended: Ended::Declined,
            ..Outcome::default()
        });
    };
    let mut talk = Talk { input, output };
    let mut answers = start.answers.clone().unwrap_or_default();
    if let Some(r) = &start.respondent {
        answers.meta.respondent = Some(r.clone());
    }
    let flow = Flow::new(&tree, &answers);
    let mut walk = Walk {
        tree: &tree,
        dirty: !flow.effective(&tree, &answers).values.is_empty(),
        flow,
        answers,
        session,
        unsaved: start.unsaved.clone(),
        exported: Vec::new(),
        catalog: start.catalog.clone(),
        export: start.export.clone(),
    };
    let ended = converse(&mut talk, &mut walk, &start, resume, brought_in)?;
    let answers = walk.effective();
    Ok(runtime::finish(Finish {
        tree: &tree,
        answers,
        session: walk.session.as_ref(),
        main_path: main_path.as_ref(),
        separate,
        ended,
        unsaved: walk.unsaved.clone(),
        exported: walk.exported.clone(),
        dirty: walk.dirty,
    }))
}

fn converse(
    talk: &mut Talk<'_>,
    walk: &mut Walk<'_>,
    start: &crate::tui::app::StartOptions,
    resume: bool,
    brought_in: bool,
) -> Result<Ended, RunError> {
    let tree = walk.tree;
    talk.say(&format!("mlops-wizard: {}", tree.meta.title))?;
    talk.say("")?;
    talk.say(&paragraphs(&tree.meta.description))?;
    talk.say("")?;
    for note in &start.notes {
        talk.say(&format!("Note: {note}"))?;
    }
    if let Some(saved) = &start.resumable
        && !resume
        && !brought_in
    {
        let n = Flow::new(tree, saved).effective(tree, saved).values.len();
        if talk.confirm(
            &format!(
                "A saved session has {}. Resume it?",
                text::count(n, "answer", "answers")
            ),
            true,
        )? {
            walk.answers = saved.clone();
            walk.flow = Flow::new(tree, &walk.answers);
            walk.dirty = n > 0;
        }
    }
    if !walk.answers.values.is_empty() {
        walk.save();
    }
    talk.say(&format!(
        "About {}. Every answer is saved as you go. Type ? at any question for help, q to quit.",
        text::count(walk.flow.len(), "question", "questions")
    ))?;
    let first_open = walk.flow.visible().find(|&i| {
        !walk
            .answers
            .values
            .contains_key(tree.questions[i].id.as_str())
    });
    let mut at = match first_open.or(walk.flow.next(None)) {
        Some(i) if first_open.is_some() || walk.answers.values.is_empty() => Some(i),
        _ => None,
    };
    while let Some(qi) = at {
        let q = &tree.questions[qi];
        show_question(talk, walk, qi)?;
        let current = walk.answers.values.get(q.id.as_str()).cloned();
        let Some(line) = talk.ask(&prompt_for(q))? else {
            talk.say("End of input: your answers so far are saved.")?;
            return Ok(Ended::Quit);
        };
        match parse_reply(tree, q, current.as_ref(), &line) {
            Err(why) => talk.say(&why)?,
            Ok(Reply::Help) => talk.say(HELP)?,
            Ok(Reply::Quit) => return Ok(Ended::Quit),
            Ok(Reply::Back) => match walk.flow.previous(qi) {
                Some(p) => at = Some(p),
                None => talk.say("This is the first question.")?,
            },
            Ok(Reply::Review) => review(talk, walk)?,
            Ok(Reply::Verdict) => verdict(talk, walk)?,
            Ok(Reply::Keep) => at = walk.flow.next(Some(qi)),
            Ok(Reply::Answer(answer)) => {
                let answer = answer.filter(|a| match a {
                    Answer::Choices(cs) => !cs.is_empty(),
                    Answer::Text(t) => !is_blank(t),
                    _ => true,
                });
                let before_flow = walk.flow.clone();
                let before = Recommendation::quick(tree, &walk.flow.effective(tree, &walk.answers));
                match answer {
                    Some(a) => walk.answers.values.insert(q.id.to_string(), a),
                    None => walk.answers.values.remove(q.id.as_str()),
                };
                walk.flow = Flow::new(tree, &walk.answers);
                walk.dirty = true;
                walk.save();
                if let Some(why) = &walk.unsaved {
                    talk.say(&format!(
                        "NOT SAVED: {why}. Export your answers at the end, or restart with MLOPS_WIZARD_STATE_DIR set to another folder."
                    ))?;
                }
                let after = Recommendation::quick(tree, &walk.flow.effective(tree, &walk.answers));
                for note in branching_notes(tree, &before_flow, &walk.flow, &walk.answers) {
                    talk.say(&note)?;
                }
                for c in &after.conflicts {
                    if !before.conflicts.contains(c) {
                        talk.say(&format!(
                            "These answers contradict each other: {}",
                            tree.conflicts[*c].message.trim()
                        ))?;
                    }
                }
                at = walk.flow.next(Some(qi));
            }
        }
    }
    ask_people(talk, walk)?;
    verdict(talk, walk)?;
    export_step(talk, walk)?;
    Ok(Ended::Quit)
}

fn show_question(talk: &mut Talk<'_>, walk: &Walk<'_>, qi: usize) -> std::io::Result<()> {
    let tree = walk.tree;
    let q = &tree.questions[qi];
    let section = q
        .section
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    talk.say("")?;
    talk.say(&format!(
        "Question {} of about {}{section}: {}",
        walk.flow.position(qi),
        walk.flow.len(),
        q.prompt.trim()
    ))?;
    talk.say(&paragraphs(&q.help))?;
    let rec = Recommendation::quick(tree, &walk.flow.effective(tree, &walk.answers));
    for e in rec.ruled_out.iter().filter(|e| e.question < qi) {
        let by = &tree.questions[e.question];
        talk.say(&format!(
            "Note: {} is ruled out by your answer “{}” to {}.",
            tree.alternatives[e.alternative].title,
            by.options[e.option].label,
            text::quoted(&by.prompt, 60)
        ))?;
    }
    let answer = walk.answers.values.get(q.id.as_str());
    match q.kind {
        Kind::Single | Kind::YesNo | Kind::Multiple => {
            for (i, o) in q.options.iter().enumerate() {
                let chosen = match answer {
                    Some(Answer::Choice(c)) => *c == o.id,
                    Some(Answer::Choices(cs)) => cs.iter().any(|c| *c == o.id),
                    _ => false,
                };
                let mark = if chosen { " (your answer)" } else { "" };
                let desc = o
                    .description
                    .as_deref()
                    .map(|d| format!(": {}", d.trim()))
                    .unwrap_or_default();
                talk.say(&format!("  {}. {}{mark}{desc}", i + 1, o.label))?;
            }
        }
        Kind::Scale => {
            if let Some(s) = &q.scale {
                for v in s.min..=s.max {
                    let chosen = answer == Some(&Answer::Scale(v));
                    let mark = if chosen { " (your answer)" } else { "" };
                    match s.label(v) {
                        Some(l) => talk.say(&format!("  {v}. {l}{mark}"))?,
                        None if chosen => talk.say(&format!("  {v}{mark}"))?,
                        None => {}
                    }
                }
            }
        }
        Kind::Priorities => {
            if let Some(p) = &q.priorities {
                let levels: Vec<String> = p
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{} {}", i + 1, l.label))
                    .collect();
                talk.say(&format!("Levels: {}.", levels.join(", ")))?;
                for (i, &c) in p.criteria.iter().enumerate() {
                    let id = &tree.criteria[c].id;
                    let level = answer.and_then(|a| a.priority(id)).unwrap_or(p.default);
                    let label = p.level(level).map_or("?", |l| l.label.as_str());
                    talk.say(&format!("  {}. {}: {label}", i + 1, tree.criteria[c].title))?;
                }
            }
        }
        Kind::Text => {
            if let Some(Answer::Text(t)) = answer {
                talk.say(&format!("Your answer: {}", t.replace('\n', " ")))?;
            }
        }
    }
    Ok(())
}

fn prompt_for(q: &Question) -> String {
    match q.kind {
        Kind::Single => format!("Your answer (1-{}, ? for help):", q.options.len()),
        Kind::YesNo => "Your answer (y or n, ? for help):".into(),
        Kind::Multiple => format!(
            "Your answers (numbers from 1 to {}, separated by spaces; ? for help):",
            q.options.len()
        ),
        Kind::Scale => {
            let (a, b) = q.scale.as_ref().map_or((1, 5), |s| (s.min, s.max));
            format!("Your answer ({a}-{b}, ? for help):")
        }
        Kind::Priorities => {
            "Change levels as criterion=level, such as 3=5 1=2 (Enter keeps them; ? for help):"
                .into()
        }
        Kind::Text => "Your answer (Enter alone skips; ? for help):".into(),
    }
}

fn review(talk: &mut Talk<'_>, walk: &Walk<'_>) -> std::io::Result<()> {
    let tree = walk.tree;
    talk.say("")?;
    talk.say(&format!(
        "Your answers ({} of {} answered):",
        walk.answered(),
        walk.flow.len()
    ))?;
    for (n, qi) in walk.flow.visible().enumerate() {
        let q = &tree.questions[qi];
        let a = walk
            .answers
            .values
            .get(q.id.as_str())
            .map_or("not answered".to_string(), |a| a.describe(q));
        talk.say(&format!(
            "  {}. {}: {}",
            n + 1,
            q.prompt.trim(),
            a.replace('\n', " ")
        ))?;
    }
    Ok(())
}

fn verdict(talk: &mut Talk<'_>, walk: &Walk<'_>) -> std::io::Result<()> {
    let tree = walk.tree;
    let answers = walk.effective();
    let rec = Recommendation::new(tree, &answers);
    talk.say("")?;
    talk.say("The verdict:")?;
    for (sentence, _, _) in words::summary(tree, &rec) {
        talk.say(&sentence)?;
    }
    if let Some(plan) = &rec.plan {
        talk.say("")?;
        if let Some(s) = words::plan_summary(tree, &rec) {
            talk.say(&format!("Stack plan: {s}"))?;
        }
        let input = ReportInput {
            tree,
            answers: &answers,
            recommendation: &rec,
            date: "",
            catalog: walk.catalog.as_ref(),
            team: None,
        };
        let shown = crate::catalog::shown_questions(tree, &answers);
        for s in plan.stages.iter().filter(|s| s.in_scope) {
            let path = s
                .path
                .map_or("no path possible", |p| tree.paths[p].title.as_str());
            let tools: Vec<String> = input
                .examples_shown(s, &shown)
                .iter()
                .take(2)
                .map(|t| t.name.to_string())
                .collect();
            let tools = if tools.is_empty() {
                String::new()
            } else {
                format!(" (for example {})", text::and_list(&tools))
            };
            talk.say(&format!("  {}: {path}{tools}", tree.stages[s.stage].title))?;
        }
    }
    Ok(())
}

fn ask_people(talk: &mut Talk<'_>, walk: &mut Walk<'_>) -> std::io::Result<()> {
    talk.say("")?;
    talk.say("Who takes part in this decision? Optional: names or roles, separated by commas; Enter alone skips.")?;
    let mut meta = walk.answers.meta.clone();
    for (i, (title, what)) in people::FIELDS.iter().enumerate() {
        let current = match i {
            0 => &meta.decision_makers,
            1 => &meta.consulted,
            _ => &meta.informed,
        };
        let now = if current.is_empty() {
            String::new()
        } else {
            format!(" [now: {}]", current.join(", "))
        };
        let Some(line) = talk.ask(&format!("{title}, {what}{now}:"))? else {
            break;
        };
        if line.trim().is_empty() {
            continue;
        }
        let names = people::names(&line);
        match i {
            0 => meta.decision_makers = names,
            1 => meta.consulted = names,
            _ => meta.informed = names,
        }
    }
    if meta != walk.answers.meta {
        walk.answers.meta = meta;
        walk.dirty = true;
        walk.save();
    }
    Ok(())
}

fn export_step(talk: &mut Talk<'_>, walk: &mut Walk<'_>) -> Result<(), RunError> {
    let tree = walk.tree;
    let home = runtime::home();
    let today = today_or(&walk.answers);
    let default_name = walk.export.path(
        &today,
        walk.answers.meta.respondent.as_deref(),
        &tree.meta.id,
    );
    talk.say("")?;
    loop {
        let Some(line) = talk.ask(&format!(
            "Write the report to which file? Enter for {default_name}, n to write nothing:"
        ))?
        else {
            return Ok(());
        };
        let line = line.trim();
        if line.eq_ignore_ascii_case("n") || line.eq_ignore_ascii_case("no") {
            talk.say("Nothing written.")?;
            return Ok(());
        }
        let typed = if line.is_empty() {
            default_name.as_str()
        } else {
            line
        };
        let is_dir = export::expand_home(typed, home.as_deref()).is_dir();
        let t = match export::targets(typed, home.as_deref(), is_dir, &default_name) {
            Ok(t) => t,
            Err(why) => {
                talk.say(&why)?;
                continue;
            }
        };
        let json = talk.confirm("Also write the JSON report?", false)?;
        let answers_file = talk.confirm("Also write the answers file?", false)?;
        if let Some(why) = export::clash(&t, json, answers_file) {
            talk.say(&why)?;
            continue;
        }
        let folder = t
            .markdown
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        if !folder.exists() {
            if !talk.confirm(
                &format!("The folder {} does not exist. Create it?", folder.display()),
                false,
            )? {
                continue;
            }
            if let Err(e) = std::fs::create_dir_all(&folder) {
                talk.say(&format!("Cannot create {}: {e}", folder.display()))?;
                continue;
            }
        }
        let outputs = t.outputs(json, answers_file);
        let existing: Vec<&PathBuf> = outputs.iter().filter(|p| p.exists()).collect();
        if !existing.is_empty() {
            let names: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
            let one = existing.len() == 1;
            if !talk.confirm(
                &format!(
                    "{} {} already. Replace {}?",
                    text::and_list(&names),
                    if one { "exists" } else { "exist" },
                    if one { "it" } else { "them" }
                ),
                false,
            )? {
                continue;
            }
        }
        let mut answers = walk.effective();
        answers.meta.date = Some(today.clone());
        let rec = Recommendation::new(tree, &answers);
        let input = ReportInput {
            tree,
            answers: &answers,
            recommendation: &rec,
            date: &today,
            catalog: walk.catalog.as_ref(),
            team: None,
        };
        let mut files = vec![(t.markdown.clone(), report::to_markdown(&input))];
        if json {
            files.push((t.json.clone(), report::to_json(&input)));
        }
        if answers_file {
            files.push((t.answers.clone(), answers.to_toml(tree)));
        }
        let mut ok = true;
        for (path, text) in &files {
            match atomic::write(path, text.as_bytes(), true) {
                Ok(()) => {
                    talk.say(&format!("Wrote {}.", path.display()))?;
                    walk.exported.push(path.clone());
                }
                Err(e) => {
                    talk.say(&format!("{e}"))?;
                    ok = false;
                }
            }
        }
        if ok {
            walk.dirty = false;
            return Ok(());
        }
    }
}

/// The decision's date: `[meta] date`, else today.
fn today_or(answers: &Answers) -> String {
    answers.meta.date.clone().unwrap_or_else(crate::date::today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        Tree::default_tree()
    }

    fn q(tree: &Tree, kind: Kind) -> &Question {
        tree.questions.iter().find(|q| q.kind == kind).unwrap()
    }

    #[test]
    fn lines_become_answers_or_commands() {
        let t = tree();
        let single = q(&t, Kind::Single);
        assert_eq!(
            parse_reply(&t, single, None, " 2 ").unwrap(),
            Reply::Answer(Some(Answer::Choice(single.options[1].id.to_string())))
        );
        assert!(parse_reply(&t, single, None, "99").is_err());
        assert!(parse_reply(&t, single, None, "1 2").is_err());
        assert_eq!(parse_reply(&t, single, None, "").unwrap(), Reply::Keep);
        assert_eq!(parse_reply(&t, single, None, "b").unwrap(), Reply::Back);
        assert_eq!(parse_reply(&t, single, None, "?").unwrap(), Reply::Help);
        assert_eq!(
            parse_reply(&t, single, None, "-").unwrap(),
            Reply::Answer(None)
        );
        let multiple = q(&t, Kind::Multiple);
        assert_eq!(
            parse_reply(&t, multiple, None, "2, 1 2").unwrap(),
            Reply::Answer(Some(Answer::Choices(vec![
                multiple.options[0].id.to_string(),
                multiple.options[1].id.to_string()
            ])))
        );
        let yes_no = q(&t, Kind::YesNo);
        assert_eq!(
            parse_reply(&t, yes_no, None, "Y").unwrap(),
            Reply::Answer(Some(Answer::Choice("yes".into())))
        );
        let text = q(&t, Kind::Text);
        assert_eq!(
            parse_reply(&t, text, None, "b").unwrap(),
            Reply::Answer(Some(Answer::Text("b".into())))
        );
    }

    #[test]
    fn priorities_take_criterion_level_pairs() {
        let t = tree();
        let p = q(&t, Kind::Priorities);
        let pr = p.priorities.as_ref().unwrap();
        let first = t.criteria[pr.criteria[0]].id.clone();
        match parse_reply(&t, p, None, "1=5").unwrap() {
            Reply::Answer(Some(Answer::Priorities(l))) => {
                assert_eq!(l.get(first.as_str()), Some(&5))
            }
            other => panic!("{other:?}"),
        }
        assert!(parse_reply(&t, p, None, "1=9").is_err());
        assert!(parse_reply(&t, p, None, "0=2").is_err());
        assert!(parse_reply(&t, p, None, "x").is_err());
    }
}
