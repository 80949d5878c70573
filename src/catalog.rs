//! The tool catalog: real tools for each stage and path of the stack plan, with their
//! licence, who governs them and any licence change, so that the report can name examples
//! and flag licence-change risk. A catalog is data (`questions/tools.toml` is built in)
//! and is checked against the tree whose stages and paths it names.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::answers::Answers;
use crate::error::{LoadError, Problem, ProblemKind};
use crate::flow::Flow;
use crate::load::RawCondition;
use crate::model::{Condition, Text, Tree};
use crate::source::{Source, Span};
use crate::validate::is_valid_id;

/// The built-in catalog, for the built-in tree.
pub const DEFAULT_CATALOG: &str = include_str!("../questions/tools.toml");

/// The name under which the built-in catalog is reported.
pub const DEFAULT_CATALOG_NAME: &str = "questions/tools.toml (built in)";

/// The licence id of tools that are not open source.
pub const PROPRIETARY: &str = "proprietary";

/// Example tools named per stage at most.
pub const MAX_EXAMPLES: usize = 4;

/// A loaded, validated catalog.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Catalog {
    /// The date the entries were checked, `YYYY-MM-DD`.
    pub checked: Text,
    /// Licence ids that are source-available rather than open source.
    pub source_available: Vec<Text>,
    pub tools: Vec<Tool>,
}

/// One tool (or managed offering) of the catalog.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Tool {
    pub id: Text,
    pub name: Text,
    /// Positions of the tree's stages the tool serves.
    pub stages: Vec<usize>,
    /// Position of the tree's path the tool belongs to.
    pub path: usize,
    /// An SPDX licence id of the software, or [`PROPRIETARY`].
    pub licence: Text,
    pub governance: Governance,
    /// Who governs it: the foundation, company or cloud vendor.
    pub steward: Text,
    /// A past relicensing, or an open-core structure.
    pub licence_change: Option<Text>,
    pub homepage: Text,
    /// For a managed offering: the id of the open-source tool it runs.
    pub based_on: Option<Text>,
    /// The date the entry was checked, `YYYY-MM-DD`.
    pub checked: Text,
    /// The tool is an example only when this holds (for example, a service of one cloud
    /// for projects on that cloud).
    pub when: Option<Condition>,
    pub span: Span,
}

/// Who governs a tool.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Governance {
    /// A foundation such as the Linux Foundation, CNCF or Apache.
    Foundation,
    /// An independent community.
    Community,
    /// A cloud vendor.
    CloudVendor,
    /// A single company.
    Company,
}

impl Governance {
    pub fn name(self) -> &'static str {
        match self {
            Governance::Foundation => "foundation",
            Governance::Community => "community",
            Governance::CloudVendor => "cloud_vendor",
            Governance::Company => "company",
        }
    }
}

/// A reason a tool's licence terms could change under its users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenceRisk {
    /// The licence is source-available, not open source.
    SourceAvailable,
    /// A single company controls the project and could relicense it.
    SingleCompany,
    /// The project has changed its licence, or keeps features for a paid edition.
    Changed(String),
}

impl Tool {
    /// Whether the tool's licence is not [`PROPRIETARY`].
    pub fn has_source(&self) -> bool {
        self.licence != PROPRIETARY
    }

    /// The licence-change risks of a tool whose source is available (none for
    /// proprietary tools, whose terms are the vendor's by nature). A managed offering
    /// carries the risks of the project it runs (`based_on`), plus its own notes.
    ///
    /// Only one `based_on` step is followed: a validated catalog refuses a tool based on
    /// itself or on another managed offering, and a catalog built by hand with such a
    /// loop cannot make this recurse.
    pub fn licence_risks(&self, catalog: &Catalog) -> Vec<LicenceRisk> {
        let mut out = Vec::new();
        if !self.has_source() {
            return out;
        }
        let project = self
            .based_on
            .as_deref()
            .and_then(|b| catalog.tools.iter().find(|t| t.id == b))
            .filter(|p| p.based_on.is_none());
        match project {
            Some(p) => {
                if p.has_source() {
                    out.extend(p.own_risks(catalog));
                    out.extend(
                        p.licence_change
                            .as_ref()
                            .map(|c| LicenceRisk::Changed(c.to_string())),
                    );
                }
            }
            None => out.extend(self.own_risks(catalog)),
        }
        if let Some(note) = &self.licence_change {
            out.push(LicenceRisk::Changed(note.to_string()));
        }
        out
    }

    /// The risks that come from the tool's own licence and governance.
    fn own_risks(&self, catalog: &Catalog) -> Vec<LicenceRisk> {
        let mut out = Vec::new();
        if catalog.source_available.contains(&self.licence) {
            out.push(LicenceRisk::SourceAvailable);
        }
        if matches!(
            self.governance,
            Governance::Company | Governance::CloudVendor
        ) {
            out.push(LicenceRisk::SingleCompany);
        }
        out
    }
}

impl Catalog {
    /// Parses and validates a catalog against `tree` (its stages and paths).
    pub fn parse(source: &Source, tree: &Tree) -> Result<Catalog, LoadError> {
        let raw: RawCatalog = crate::load::read(source)?;
        Self::build(source, tree, raw)
    }

    /// [`Catalog::parse`] through the `toml` crate, the reference for the loader.
    #[doc(hidden)]
    pub fn parse_reference(source: &Source, tree: &Tree) -> Result<Catalog, LoadError> {
        let raw: RawCatalog =
            toml::from_str(source.text()).map_err(|e| LoadError::from_toml(source, &e))?;
        Self::build(source, tree, raw)
    }

    /// Checks the raw catalog against `tree` and builds it.
    fn build(source: &Source, tree: &Tree, raw: RawCatalog) -> Result<Catalog, LoadError> {
        let mut problems = Vec::new();
        let problem =
            |problems: &mut Vec<Problem>, span: &Span, kind, id: Option<&str>, msg: String| {
                problems.push(Problem::at(source, span, kind, id, msg));
            };
        if let Some(f) = &raw.format
            && *f.get_ref() != 1
        {
            problem(
                &mut problems,
                &f.span(),
                ProblemKind::Syntax,
                None,
                format!(
                    "unsupported format version {}; this mlops-wizard reads format 1",
                    f.get_ref()
                ),
            );
        }
        let checked_span = raw.catalog.checked.span();
        let checked = raw.catalog.checked.into_inner();
        let stage_ids: Vec<&str> = tree.stages.iter().map(|s| s.id.as_str()).collect();
        let path_ids: Vec<&str> = tree.paths.iter().map(|p| p.id.as_str()).collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Every tool's id and what it is based on, so that `based_on` can be checked
        // against tools further down the file.
        let bases: Vec<(String, Option<String>)> = raw
            .tools
            .iter()
            .map(|t| {
                let t = t.get_ref();
                (
                    t.id.get_ref().clone(),
                    t.based_on.as_ref().map(|b| b.get_ref().clone()),
                )
            })
            .collect();
        let mut tools = Vec::with_capacity(raw.tools.len());
        for t in raw.tools {
            let t = t.into_inner();
            let span = t.id.span();
            let id = t.id.into_inner();
            if !is_valid_id(&id) {
                problem(
                    &mut problems,
                    &span,
                    ProblemKind::BadId,
                    Some(&id),
                    format!("tool id `{id}` is not valid: use letters, digits, `_`, `-` and `.`"),
                );
            }
            let line = source.position(span.start).line;
            if let Some(first) = seen.insert(id.clone(), line) {
                problem(
                    &mut problems,
                    &span,
                    ProblemKind::DuplicateId,
                    Some(&id),
                    format!("duplicate tool id `{id}` (first defined on line {first})"),
                );
                seen.insert(id.clone(), first);
            }
            // Missing keys are reported here, with the tool's id, rather than by serde,
            // which would stop at the first one and hide every other problem of the file.
            for (key, present) in [
                ("name", t.name.is_some()),
                ("stages", t.stages.is_some()),
                ("path", t.path.is_some()),
                ("licence", t.licence.is_some()),
                ("governance", t.governance.is_some()),
                ("steward", t.steward.is_some()),
                ("homepage", t.homepage.is_some()),
                ("checked", t.checked.is_some()),
            ] {
                if !present {
                    problem(
                        &mut problems,
                        &span,
                        ProblemKind::Syntax,
                        Some(&id),
                        format!("tool `{id}` has no `{key}`"),
                    );
                }
            }
            for (what, value) in [
                ("name", &t.name),
                ("licence", &t.licence),
                ("steward", &t.steward),
                ("homepage", &t.homepage),
            ] {
                if let Some(value) = value
                    && crate::model::is_blank(value.get_ref())
                {
                    problem(
                        &mut problems,
                        &value.span(),
                        ProblemKind::EmptyText,
                        Some(&id),
                        format!("the {what} of tool `{id}` is empty"),
                    );
                }
            }
            let mut stages = Vec::new();
            if let Some(list) = t.stages {
                if list.get_ref().is_empty() {
                    problem(
                        &mut problems,
                        &list.span(),
                        ProblemKind::EmptyText,
                        Some(&id),
                        format!("tool `{id}` names no stage"),
                    );
                }
                for s in list.into_inner() {
                    match tree.stage_index(s.get_ref()) {
                        Some(i) => stages.push(i),
                        None => problem(
                            &mut problems,
                            &s.span(),
                            ProblemKind::UnknownReference,
                            Some(&id),
                            format!(
                                "tool `{id}` names stage `{}`, which the tree does not have (it has: {})",
                                s.get_ref(),
                                quoted(&stage_ids)
                            ),
                        ),
                    }
                }
            }
            let path = match &t.path {
                None => 0,
                Some(p) => match tree.path_index(p.get_ref()) {
                    Some(i) => i,
                    None => {
                        problem(
                            &mut problems,
                            &p.span(),
                            ProblemKind::UnknownReference,
                            Some(&id),
                            format!(
                                "tool `{id}` names path `{}`, which the tree does not have (it has: {})",
                                p.get_ref(),
                                quoted(&path_ids)
                            ),
                        );
                        0
                    }
                },
            };
            if let Some(homepage) = &t.homepage {
                let url = homepage.get_ref();
                let scheme_ok = ["http://", "https://"]
                    .iter()
                    .any(|p| url.len() > p.len() && url.to_ascii_lowercase().starts_with(p));
                // A blank homepage is reported as empty.
                if !crate::model::is_blank(url) && (!scheme_ok || url.contains(char::is_whitespace))
                {
                    problem(
                        &mut problems,
                        &homepage.span(),
                        ProblemKind::BadValue,
                        Some(&id),
                        format!(
                            "the homepage of tool `{id}` is \"{url}\"; give an http:// or https:// address"
                        ),
                    );
                }
            }
            if let Some(checked) = &t.checked
                && !is_date(checked.get_ref())
            {
                problem(
                    &mut problems,
                    &checked.span(),
                    ProblemKind::BadValue,
                    Some(&id),
                    format!(
                        "tool `{id}` was checked on \"{}\"; give the date as YYYY-MM-DD",
                        checked.get_ref()
                    ),
                );
            }
            if let Some(b) = &t.based_on {
                let base = b.get_ref();
                match bases.iter().find(|(i, _)| i == base) {
                    None => problem(
                        &mut problems,
                        &b.span(),
                        ProblemKind::UnknownReference,
                        Some(&id),
                        format!(
                            "tool `{id}` is based on `{base}`, which is not a tool of this catalog"
                        ),
                    ),
                    Some(_) if *base == id => problem(
                        &mut problems,
                        &b.span(),
                        ProblemKind::BadValue,
                        Some(&id),
                        format!(
                            "tool `{id}` is based on itself; `based_on` names the project a managed offering runs"
                        ),
                    ),
                    Some((_, Some(next))) => problem(
                        &mut problems,
                        &b.span(),
                        ProblemKind::BadValue,
                        Some(&id),
                        format!(
                            "tool `{id}` is based on `{base}`, which is itself based on `{next}`; name the project it runs"
                        ),
                    ),
                    Some((_, None)) => {}
                }
            }
            let when = t.when.and_then(|c| {
                let what = format!("tool `{id}`");
                crate::load::foreign_condition(source, tree, c, &what, &id, &mut problems)
            });
            // A missing key leaves its field empty; the catalog is refused anyway.
            let text = |v: Option<Spanned<String>>| v.map(Spanned::into_inner).unwrap_or_default();
            tools.push(Tool {
                when,
                id: id.into(),
                name: text(t.name).into(),
                stages,
                path,
                licence: text(t.licence).into(),
                governance: t.governance.unwrap_or(Governance::Company),
                steward: text(t.steward).into(),
                licence_change: t.licence_change.map(Text::from),
                homepage: text(t.homepage).into(),
                based_on: t.based_on.map(Spanned::into_inner).map(Text::from),
                checked: text(t.checked).into(),
                span,
            });
        }
        if !is_date(&checked) {
            problems.push(Problem::at(
                source,
                &checked_span,
                ProblemKind::BadValue,
                None,
                format!("the catalog was checked on \"{checked}\"; give the date as YYYY-MM-DD"),
            ));
        }
        if !problems.is_empty() {
            return Err(LoadError::invalid(source, problems));
        }
        Ok(Catalog {
            checked: checked.into(),
            source_available: raw
                .catalog
                .source_available
                .into_iter()
                .map(Text::from)
                .collect(),
            tools,
        })
    }

    /// Reads and validates a catalog file against `tree`.
    pub fn load(path: &Path, tree: &Tree) -> Result<Catalog, LoadError> {
        Catalog::parse(&crate::load::read_source(path)?, tree)
    }

    /// The built-in catalog, when it fits `tree` (it names the built-in tree's stages and
    /// paths); `None` for a tree it does not fit. For the built-in tree itself,
    /// [`Catalog::default_catalog`] has it ready.
    pub fn built_in(tree: &Tree) -> Option<Catalog> {
        Catalog::parse(&Source::new(DEFAULT_CATALOG_NAME, DEFAULT_CATALOG), tree).ok()
    }

    /// Example tools for a stage on a path, for these answers: at most [`MAX_EXAMPLES`]
    /// whose `when` holds, in catalog order, source-available tools last; when licence
    /// changes concern the user, ordered by licence-change risk instead, least first.
    pub fn examples(
        &self,
        tree: &Tree,
        answers: &Answers,
        stage: usize,
        path: usize,
        concern: bool,
    ) -> Vec<&Tool> {
        let shown = shown_questions(tree, answers);
        self.examples_shown(tree, answers, &shown, stage, path, concern)
    }

    /// [`Catalog::examples`], given which questions the answers show
    /// ([`shown_questions`]), for callers that ask for several stages.
    pub fn examples_shown(
        &self,
        tree: &Tree,
        answers: &Answers,
        shown: &[bool],
        stage: usize,
        path: usize,
        concern: bool,
    ) -> Vec<&Tool> {
        let mut found: Vec<&Tool> = self
            .tools
            .iter()
            .filter(|t| t.path == path && t.stages.contains(&stage))
            .filter(|t| {
                t.when
                    .as_ref()
                    .is_none_or(|c| crate::flow::holds(tree, c, answers, shown))
            })
            .collect();
        if concern {
            found.sort_by_key(|t| self.risk_rank(t));
        } else {
            found.sort_by_key(|t| {
                t.licence_risks(self)
                    .contains(&LicenceRisk::SourceAvailable)
            });
        }
        found.truncate(MAX_EXAMPLES);
        found
    }

    /// How much licence-change risk a tool carries, for ordering: source-available
    /// licences first, then past changes, then single-company control.
    fn risk_rank(&self, t: &Tool) -> u8 {
        t.licence_risks(self)
            .iter()
            .map(|r| match r {
                LicenceRisk::SourceAvailable => 4,
                LicenceRisk::Changed(_) => 2,
                LicenceRisk::SingleCompany => 1,
            })
            .sum()
    }
}

/// Whether `s` is a calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

fn quoted(ids: &[&str]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalog {
    #[schemars(with = "Option<i64>")]
    format: Option<Spanned<i64>>,
    catalog: RawMeta,
    #[serde(default)]
    #[schemars(with = "Vec<RawTool>")]
    tools: Vec<Spanned<RawTool>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    #[schemars(with = "String")]
    checked: Spanned<String>,
    #[serde(default)]
    source_available: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTool {
    #[schemars(with = "String")]
    id: Spanned<String>,
    // Required, but optional here so that a missing key is reported with the tool's id
    // and with the file's other problems (see `Catalog::parse`).
    #[schemars(with = "String", required)]
    name: Option<Spanned<String>>,
    #[schemars(with = "Vec<String>", required)]
    stages: Option<Spanned<Vec<Spanned<String>>>>,
    #[schemars(with = "String", required)]
    path: Option<Spanned<String>>,
    #[schemars(with = "String", required)]
    licence: Option<Spanned<String>>,
    #[schemars(with = "Governance", required)]
    governance: Option<Governance>,
    #[schemars(with = "String", required)]
    steward: Option<Spanned<String>>,
    licence_change: Option<String>,
    #[schemars(with = "String", required)]
    homepage: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    based_on: Option<Spanned<String>>,
    #[schemars(with = "String", required)]
    checked: Option<Spanned<String>>,
    #[schemars(with = "Option<RawCondition>")]
    when: Option<Spanned<RawCondition>>,
}

/// Per question, whether `answers` show it: what the tools' `when` conditions are judged
/// with.
pub fn shown_questions(tree: &Tree, answers: &Answers) -> Vec<bool> {
    let flow = Flow::new(tree, answers);
    (0..tree.questions.len())
        .map(|i| flow.is_shown(i))
        .collect()
}
