//! The meaning checks of a question tree: references, ordering, cycles, reachability,
//! criteria coverage and alternatives that cannot win. Every check is linear in the size of
//! the tree; none enumerates paths.

use std::collections::HashMap;

use crate::error::{Problem, ProblemKind};
use crate::model::{Condition, Effect, Kind, Question, Test, Tree};
use crate::source::{Origin, Source, Span};

/// Scale questions may have at most this many steps.
pub const MAX_SCALE_STEPS: i64 = 100;

/// No answers may make a criterion's weight larger than this (see
/// `Checker::weights_stay_finite`).
pub const MAX_WEIGHT: f64 = 1e100;

/// What [`check`] found: errors stop the tree from loading, warnings do not.
pub(crate) struct Checked {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Trees of this many questions and more are checked on two threads (see [`check_apart`]);
/// below it, starting a thread costs more than it saves.
const CHECK_APART: usize = 2_000;

/// Checks a freshly built tree and returns every problem found. The errors come in no
/// particular order (they are sorted before they are shown); the warnings in the order
/// they were found.
pub(crate) fn check(tree: &Tree, origin: &Origin<'_>) -> Checked {
    if tree.questions.len() >= CHECK_APART
        && let Some(checked) = check_apart(tree, origin)
    {
        return checked;
    }
    check_here(tree, origin)
}

/// [`check`], every pass on this thread.
fn check_here(tree: &Tree, origin: &Origin<'_>) -> Checked {
    let mut c = Checker::new(tree, origin);
    let possible = c.ids_and_conditions();
    let beats = c.the_other_passes();
    c.winnable(&possible, &beats);
    c.checked()
}

/// [`check`] on two threads: the passes share nothing but the tree, and their two groups
/// cost about the same on large generated trees ([`Checker::ids_and_conditions`] on a
/// thread of its own, [`Checker::the_other_passes`] here); the alternatives that cannot
/// win are found from what both give. `None` when no thread could be started.
fn check_apart(tree: &Tree, origin: &Origin<'_>) -> Option<Checked> {
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .name("tree check".into())
            .spawn_scoped(scope, || {
                let mut c = Checker::new(tree, origin);
                let possible = c.ids_and_conditions();
                (possible, c.checked())
            })
            .ok()?;
        let mut c = Checker::new(tree, origin);
        let beats = c.the_other_passes();
        let (possible, theirs) = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        c.winnable(&possible, &beats);
        let mut checked = c.checked();
        checked.errors.extend(theirs.errors);
        checked.warnings.extend(theirs.warnings);
        Some(checked)
    })
}

/// The problems of a condition over `tree`'s questions, written in `source`; `what` names
/// its owner in messages ("tool `x`"), `owner` is the id the problems concern.
pub(crate) fn condition_problems(
    tree: &Tree,
    source: &Source,
    what: &str,
    owner: &str,
    cond: &Condition,
) -> Vec<Problem> {
    let origin = Origin::Source(source);
    let mut c = Checker::new(tree, &origin);
    c.free_condition(what, owner, cond);
    c.problems
}

struct Checker<'a> {
    tree: &'a Tree,
    origin: &'a Origin<'a>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

/// Whether `id` is a valid identifier: letters, digits, `_`, `-`, `.`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl<'a> Checker<'a> {
    fn new(tree: &'a Tree, origin: &'a Origin<'a>) -> Self {
        Checker {
            tree,
            origin,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn checked(self) -> Checked {
        Checked {
            errors: self.problems,
            warnings: self.warnings,
        }
    }

    /// The ids, the conditions' cycles and the conditions; gives back, per question,
    /// whether it can be shown. One of the two groups of passes [`check`] runs, each on
    /// its own thread for a large tree.
    fn ids_and_conditions(&mut self) -> Vec<bool> {
        self.ids();
        let cycle_of = self.cycles();
        self.conditions(&cycle_of)
    }

    /// The passes [`Checker::ids_and_conditions`] leaves out, but for
    /// [`Checker::winnable`], which needs what both groups give: gives back which
    /// alternative beats which over every question (see [`OptionSums`]). The
    /// only warnings come from here, so they keep their order however the groups are run.
    ///
    /// The checks of each question's kinds and effects, the bounds of the weights and the
    /// options' sums share one walk of the questions, so that a question is read while it
    /// is in the cache rather than once per check; each keeps its problems in its own
    /// place in the order.
    fn the_other_passes(&mut self) -> Vec<bool> {
        self.completeness();
        let t = self.tree;
        let mut informed = vec![false; t.criteria.len()];
        let mut bounds = WeightBounds::new(t);
        let mut sums = OptionSums::new(t);
        for q in &t.questions {
            self.kinds_and_effects(q, &mut informed);
            bounds.question(q, t);
            if let Some(sums) = &mut sums {
                sums.question(q, self);
            }
        }
        self.risks();
        self.other_conditions();
        self.uninformed_criteria(&informed);
        self.weights_stay_finite(bounds);
        sums.map(|s| s.beats).unwrap_or_default()
    }

    fn problem(&mut self, span: &Span, kind: ProblemKind, id: Option<&str>, msg: String) {
        self.problems
            .push(Problem::at(self.origin.source(), span, kind, id, msg));
    }

    fn line(&self, span: &Span) -> usize {
        self.origin.source().position(span.start).line
    }

    fn completeness(&mut self) {
        let t = self.tree;
        let span = &t.meta_span;
        if t.alternatives.len() < 2 {
            self.problem(
                span,
                ProblemKind::Incomplete,
                Some(&t.meta.id),
                format!(
                    "the tree has {} alternative(s); a decision needs at least two `[[alternatives]]`",
                    t.alternatives.len()
                ),
            );
        }
        if t.criteria.is_empty() {
            self.problem(
                span,
                ProblemKind::Incomplete,
                Some(&t.meta.id),
                "the tree has no `[[criteria]]`".to_string(),
            );
        }
        if t.questions.is_empty() {
            self.problem(
                span,
                ProblemKind::Incomplete,
                Some(&t.meta.id),
                "the tree has no `[[questions]]`".to_string(),
            );
        }
        if !t.stages.is_empty() || !t.paths.is_empty() {
            if t.stages.is_empty() {
                self.problem(
                    span,
                    ProblemKind::Incomplete,
                    Some(&t.meta.id),
                    "the tree has `[[paths]]` but no `[[stages]]` to plan".to_string(),
                );
            }
            for (a, alt) in t.alternatives.iter().enumerate() {
                if t.alternative_index(&alt.id) == Some(a)
                    && !t.paths.iter().any(|p| p.alternative_at == Some(a))
                {
                    self.problem(
                        &alt.span,
                        ProblemKind::Incomplete,
                        Some(&alt.id),
                        format!(
                            "alternative `{}` has no `[[paths]]`, so the stack plan could never recommend it",
                            alt.id
                        ),
                    );
                }
            }
        }
        let priorities: Vec<&Question> = t
            .questions
            .iter()
            .filter(|q| q.kind == Kind::Priorities)
            .collect();
        for q in priorities.iter().skip(1) {
            self.problem(
                &q.span,
                ProblemKind::KindRule,
                Some(&q.id),
                format!(
                    "question `{}` is a second priorities question; a tree has at most one (`{}`)",
                    q.id, priorities[0].id
                ),
            );
        }
    }

    /// Bad characters in ids, and duplicate ids within each kind of item.
    fn ids(&mut self) {
        let t = self.tree;
        if !is_valid_id(&t.meta.id) {
            self.bad_id("tree", &t.meta.id, &t.meta_span.clone());
        }
        let groups: [(&str, Vec<(&str, &Span)>); 7] = [
            (
                "alternative",
                t.alternatives
                    .iter()
                    .map(|a| (a.id.as_str(), &a.span))
                    .collect(),
            ),
            (
                "criterion",
                t.criteria
                    .iter()
                    .map(|c| (c.id.as_str(), &c.span))
                    .collect(),
            ),
            (
                "question",
                t.questions
                    .iter()
                    .map(|q| (q.id.as_str(), &q.span))
                    .collect(),
            ),
            (
                "risk",
                t.risks.iter().map(|r| (r.id.as_str(), &r.span)).collect(),
            ),
            (
                "conflict",
                t.conflicts
                    .iter()
                    .map(|c| (c.id.as_str(), &c.span))
                    .collect(),
            ),
            (
                "stage",
                t.stages.iter().map(|c| (c.id.as_str(), &c.span)).collect(),
            ),
            (
                "path",
                t.paths.iter().map(|c| (c.id.as_str(), &c.span)).collect(),
            ),
        ];
        // Each effect that names a bad fact id is reported; the effects are walked only
        // when one of the distinct fact ids is bad.
        if !t.facts.iter().all(|f| is_valid_id(f)) {
            for e in t.questions.iter().flat_map(Question::effects) {
                if let Some(f) = &e.fact
                    && !is_valid_id(f)
                {
                    self.bad_id("fact", f, &e.fact_span.span());
                }
            }
        }
        for (what, items) in groups {
            self.unique(what, "", &items);
        }
        for q in &t.questions {
            // Most questions have a handful of options: compare them pairwise, and build
            // the message scope and the map of `unique` only when something is wrong.
            let options = &q.options;
            let clean = options.len() <= 16
                && options
                    .iter()
                    .enumerate()
                    .all(|(i, o)| is_valid_id(&o.id) && options[..i].iter().all(|p| p.id != o.id));
            if !clean {
                let items: Vec<(&str, &Span)> =
                    options.iter().map(|o| (o.id.as_str(), &o.span)).collect();
                self.unique("option", &format!(" in question `{}`", q.id), &items);
            }
        }
    }

    fn bad_id(&mut self, what: &str, id: &str, span: &Span) {
        self.problem(
            span,
            ProblemKind::BadId,
            Some(id),
            format!(
                "{what} id `{id}` is not valid: use letters, digits, `_`, `-` and `.`, and not nothing"
            ),
        );
    }

    /// Reports bad and repeated ids among `items`; `scope` ends the message (" in ...").
    fn unique(&mut self, what: &str, scope: &str, items: &[(&str, &Span)]) {
        let mut seen: HashMap<&str, &Span> = HashMap::with_capacity(items.len());
        for &(id, span) in items {
            if !is_valid_id(id) {
                self.bad_id(what, id, span);
            }
            if let Some(first) = seen.get(id) {
                let first_line = self.line(first);
                self.problem(
                    span,
                    ProblemKind::DuplicateId,
                    Some(id),
                    format!(
                        "duplicate {what} id `{id}`{scope} (first defined on line {first_line})"
                    ),
                );
            } else {
                seen.insert(id, span);
            }
        }
    }

    /// The rules of question `q`'s kind and the references of its options, effects and
    /// `weight_of`; notes in `informed` each criterion an effect names (for
    /// [`Checker::uninformed_criteria`], so that the effects are walked once).
    fn kinds_and_effects(&mut self, q: &Question, informed: &mut [bool]) {
        let t = self.tree;
        let id = q.id.as_str();
        match q.kind {
            Kind::Single | Kind::Multiple if q.options.len() < 2 => self.problem(
                &q.span,
                ProblemKind::KindRule,
                Some(id),
                format!(
                    "{} question `{id}` has {} option(s); it needs at least two",
                    q.kind.name(),
                    q.options.len()
                ),
            ),
            Kind::YesNo => {
                let mut ids: Vec<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
                ids.sort_unstable();
                if ids != ["no", "yes"] {
                    self.problem(
                        &q.span,
                        ProblemKind::KindRule,
                        Some(id),
                        format!(
                            "yes_no question `{id}` must have exactly two options, `yes` and `no` (it has: {})",
                            list(&ids)
                        ),
                    );
                }
            }
            Kind::Scale | Kind::Text | Kind::Priorities if !q.options.is_empty() => self
                .problem(
                    &q.options[0].span,
                    ProblemKind::KindRule,
                    Some(id),
                    format!(
                        "{} question `{id}` cannot have options; only single, multiple and yes_no questions do",
                        q.kind.name()
                    ),
                ),
            _ => {}
        }
        if let Some(s) = &q.scale {
            let steps = s.max.checked_sub(s.min).unwrap_or(i64::MAX);
            if s.min >= s.max || steps > MAX_SCALE_STEPS {
                self.problem(
                    &q.span,
                    ProblemKind::KindRule,
                    Some(id),
                    format!(
                        "scale question `{id}` goes from {} to {}; `min` must be below `max`, at most {MAX_SCALE_STEPS} steps apart",
                        s.min, s.max
                    ),
                );
            } else if !s.labels.is_empty() && s.labels.len() as i64 != steps + 1 {
                self.problem(
                    &q.span,
                    ProblemKind::KindRule,
                    Some(id),
                    format!(
                        "scale question `{id}` has {} labels for {} values from {} to {}; give one label per value or none",
                        s.labels.len(),
                        steps + 1,
                        s.min,
                        s.max
                    ),
                );
            }
            if let Some(c) = &s.weight_of
                && t.criterion_index(c).is_none()
            {
                self.problem(
                    &q.span,
                    ProblemKind::UnknownReference,
                    Some(id),
                    format!(
                        "`weight_of` of question `{id}` names criterion `{c}`, which the tree does not have{}",
                        self.suggest(c, t.criteria.iter().map(|c| c.id.as_str()))
                    ),
                );
            }
        }
        for r in q.options.iter().flat_map(|o| o.rules_out.iter()) {
            if let Some(a) = &r.alternative
                && t.alternative_index(a).is_none()
            {
                self.unknown_in_question(&r.span, id, "a `rules_out`", Named::Alternative, a);
            }
            if let Some(p) = &r.path
                && t.path_index(p).is_none()
            {
                self.unknown_in_question(&r.span, id, "a `rules_out`", Named::Path, p);
            }
        }
        for w in q.options.iter().flat_map(|o| o.weights.iter()) {
            if w.criterion_at.is_none() {
                self.unknown_in_question(&w.span, id, "a weight", Named::Criterion, &w.criterion);
            }
        }
        for e in q.effects() {
            let named = e.alternative_span.span();
            if let Some(a) = &e.alternative
                && e.alternative_at.is_none()
            {
                self.unknown_in_question(&named, id, "an effect", Named::Alternative, a);
            }
            if let Some(p) = &e.path
                && e.path_at.is_none()
            {
                self.unknown_in_question(&named, id, "an effect", Named::Path, p);
            }
            if let Some(c) = e.criterion_index() {
                informed[c] = true;
            } else {
                self.unknown_in_question(
                    &e.criterion_span.span(),
                    id,
                    "an effect",
                    Named::Criterion,
                    &e.criterion,
                );
            }
        }
    }

    /// Reports that `what` ("an effect") in question `qid` names the `kind` of id `name`,
    /// which the tree does not have, suggesting the ids it has.
    fn unknown_in_question(&mut self, span: &Span, qid: &str, what: &str, kind: Named, name: &str) {
        let t = self.tree;
        let (kind, known): (&str, Vec<&str>) = match kind {
            Named::Alternative => (
                "alternative",
                t.alternatives.iter().map(|a| a.id.as_str()).collect(),
            ),
            Named::Path => ("path", t.paths.iter().map(|p| p.id.as_str()).collect()),
            Named::Criterion => (
                "criterion",
                t.criteria.iter().map(|c| c.id.as_str()).collect(),
            ),
        };
        let msg = format!(
            "{what} in question `{qid}` names {kind} `{name}`, which the tree does not have{}",
            self.suggest(name, known.into_iter())
        );
        self.problem(span, ProblemKind::UnknownReference, Some(qid), msg);
    }

    fn suggest<'i>(&self, wrong: &str, ids: impl Iterator<Item = &'i str>) -> String {
        let known: Vec<&str> = ids.collect();
        if known.is_empty() {
            String::new()
        } else if known.len() <= 12 {
            format!(" (it has: {})", list(&known))
        } else {
            let close: Vec<&str> = known
                .into_iter()
                .filter(|k| k.contains(wrong) || wrong.contains(*k))
                .take(5)
                .collect();
            if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", list(&close))
            }
        }
    }

    /// Questions whose conditions depend on each other in a circle, found with Tarjan's
    /// strongly connected components (iterative, so deep trees cannot overflow the stack).
    /// Reports each cycle once and returns, per question, the id of its cycle, if any.
    fn cycles(&mut self) -> Vec<Option<usize>> {
        let t = self.tree;
        let n = t.questions.len();
        let edges: Vec<Vec<usize>> = t
            .questions
            .iter()
            .map(|q| {
                let mut out = Vec::new();
                if let Some(c) = &q.show_if {
                    c.for_each_position(&mut |i| out.push(i));
                }
                out
            })
            .collect();
        let mut cycle_of = vec![None; n];
        // A cycle needs an edge to the same or a later question. In the usual tree every
        // condition looks back, and the search is skipped.
        let looks_back = edges
            .iter()
            .enumerate()
            .all(|(i, out)| out.iter().all(|&j| j < i));
        if looks_back {
            return cycle_of;
        }
        for (id, comp) in strongly_connected(&edges).into_iter().enumerate() {
            let self_loop = comp.len() == 1 && edges[comp[0]].contains(&comp[0]);
            if comp.len() < 2 && !self_loop {
                continue;
            }
            let mut members = comp;
            members.sort_unstable();
            for &m in &members {
                cycle_of[m] = Some(id);
            }
            let first = &t.questions[members[0]];
            let span = first
                .show_if
                .as_ref()
                .map_or(&first.span, |c| c.span())
                .clone();
            let msg = if self_loop {
                format!(
                    "the condition of question `{}` depends on its own answer",
                    first.id
                )
            } else {
                let names: Vec<&str> = members
                    .iter()
                    .map(|&m| t.questions[m].id.as_str())
                    .collect();
                format!(
                    "the conditions of questions {} depend on each other in a cycle: none can be asked first",
                    list(&names)
                )
            };
            self.problem(&span, ProblemKind::Cycle, Some(&first.id), msg);
        }
        cycle_of
    }

    /// References and tests of every `show_if`, and which questions can ever be shown.
    fn conditions(&mut self, cycle_of: &[Option<usize>]) -> Vec<bool> {
        let t = self.tree;
        let mut possible = vec![true; t.questions.len()];
        for (i, q) in t.questions.iter().enumerate() {
            let Some(cond) = &q.show_if else { continue };
            let before = self.problems.len();
            cond.for_each_test(&mut |qid, at, test, span| {
                let Some(j) = at else {
                    self.problem(
                        span,
                        ProblemKind::UnknownReference,
                        Some(&q.id),
                        format!(
                            "the condition of question `{}` tests question `{qid}`, which the tree does not have",
                            q.id
                        ),
                    );
                    return;
                };
                if j >= i {
                    // A test within a cycle is reported with the cycle.
                    let in_cycle = cycle_of[i].is_some() && cycle_of[i] == cycle_of[j];
                    if !in_cycle {
                        let msg = if j == i {
                            format!("the condition of question `{}` tests its own answer", q.id)
                        } else {
                            format!(
                                "the condition of question `{}` tests question `{qid}`, which is asked after it (line {}); a condition can only test questions asked before",
                                q.id,
                                self.line(&t.questions[j].span)
                            )
                        };
                        self.problem(span, ProblemKind::NotAskedBefore, Some(&q.id), msg);
                    }
                    return;
                }
                self.check_test(&QuestionName(&q.id), &q.id, &t.questions[j], test, span);
            });
            let clean = self.problems.len() == before && cycle_of[i].is_none();
            possible[i] = !clean || satisfiable(t, cond, &possible, i);
            if !possible[i] {
                self.problem(
                    cond.span(),
                    ProblemKind::NeverShown,
                    Some(&q.id),
                    format!(
                        "question `{}` can never be shown: its `show_if` can never hold",
                        q.id
                    ),
                );
            }
        }
        possible
    }

    /// Whether a test fits the kind of the question it tests, and names real options;
    /// `what` names the condition's owner in messages, `owner` is its id.
    fn check_test(
        &mut self,
        what: &dyn std::fmt::Display,
        owner: &str,
        target: &Question,
        test: &Test,
        span: &Span,
    ) {
        let tid = target.id.as_str();
        match test {
            Test::AnyOf(opts) | Test::NoneOf(opts) => {
                if !target.kind.is_choice() {
                    self.problem(
                        span,
                        ProblemKind::BadCondition,
                        Some(owner),
                        format!(
                            "the condition of {what} tests options of `{tid}`, but `{tid}` is a {} question (use {})",
                            target.kind.name(),
                            if target.kind == Kind::Scale { "`at_least`/`at_most`" } else { "`answered = true`" }
                        ),
                    );
                    return;
                }
                for o in opts {
                    if target.option(o).is_none() {
                        let ids: Vec<&str> = target.options.iter().map(|o| o.id.as_str()).collect();
                        self.problem(
                            span,
                            ProblemKind::UnknownReference,
                            Some(owner),
                            format!(
                                "the condition of {what} names option `{o}` of question `{tid}`, which has no such option (it has: {})",
                                list(&ids)
                            ),
                        );
                    }
                }
            }
            Test::Range { .. } if target.kind != Kind::Scale => self.problem(
                span,
                ProblemKind::BadCondition,
                Some(owner),
                format!(
                    "the condition of {what} uses `at_least`/`at_most` on `{tid}`, which is a {} question, not a scale",
                    target.kind.name()
                ),
            ),
            _ => {}
        }
    }

    fn risks(&mut self) {
        let t = self.tree;
        for r in &t.risks {
            if t.alternative_index(&r.applies_to).is_none() && t.path_index(&r.applies_to).is_none()
            {
                let known = t
                    .alternatives
                    .iter()
                    .map(|a| a.id.as_str())
                    .chain(t.paths.iter().map(|p| p.id.as_str()));
                self.problem(
                    &r.span,
                    ProblemKind::UnknownReference,
                    Some(&r.id),
                    format!(
                        "risk `{}` applies to `{}`, which is neither an alternative nor a path of the tree{}",
                        r.id,
                        r.applies_to,
                        self.suggest(&r.applies_to, known)
                    ),
                );
            }
            let conditions = r.when.iter().chain(r.unless.iter()).chain(
                r.mitigations
                    .iter()
                    .flat_map(|m| m.when.iter().chain(m.unless.iter())),
            );
            for cond in conditions {
                self.free_condition(&format!("risk `{}`", r.id), &r.id, cond);
            }
        }
    }

    /// Conflicts, stage scopes and the plan's licence concern: conditions over any
    /// question of the tree.
    fn other_conditions(&mut self) {
        let t = self.tree;
        for c in &t.conflicts {
            self.free_condition(&format!("conflict `{}`", c.id), &c.id, &c.when);
        }
        for s in &t.stages {
            if let Some(cond) = &s.out_of_scope_if {
                self.free_condition(&format!("stage `{}`", s.id), &s.id, cond);
            }
        }
        if let Some(cond) = &t.licence_concern {
            self.free_condition("`[plan] licence_concern`", "plan", cond);
        }
    }

    /// Checks the references and tests of a condition that may test any question (not
    /// only earlier ones); `what` names its owner in messages.
    fn free_condition(&mut self, what: &str, owner: &str, cond: &Condition) {
        let t = self.tree;
        cond.for_each_test(&mut |qid, at, test, span| match at {
            Some(j) => self.check_test(&what, owner, &t.questions[j], test, span),
            None => self.problem(
                span,
                ProblemKind::UnknownReference,
                Some(owner),
                format!(
                    "the condition of {what} tests question `{qid}`, which the tree does not have"
                ),
            ),
        });
    }

    /// Weight multipliers chain (several answers can multiply one criterion's weight), so
    /// a tree could make weights, and then scores, overflow to infinity. The largest
    /// possible weight of each criterion, found by `bounds` over every question, must stay
    /// below [`MAX_WEIGHT`].
    fn weights_stay_finite(&mut self, bounds: WeightBounds) {
        let t = self.tree;
        for (c, l) in t.criteria.iter().zip(bounds.log_max) {
            // A weight that is itself out of range is reported as such.
            if c.weight.is_finite() && l > MAX_WEIGHT.log10() {
                self.problem(
                    &c.span,
                    ProblemKind::BadNumber,
                    Some(&c.id),
                    format!(
                        "the answers can multiply the weight of criterion `{}` up to about 1e{}; chained multipliers must keep every weight below 1e{} so that scores stay finite",
                        c.id,
                        l.round(),
                        MAX_WEIGHT.log10()
                    ),
                );
            }
        }
    }

    /// Which alternative beats which over every question (see [`OptionSums`]), in a walk
    /// of its own.
    #[cfg(test)]
    fn option_sums(&mut self) -> Vec<bool> {
        let t = self.tree;
        let Some(mut sums) = OptionSums::new(t) else {
            return Vec::new();
        };
        for q in &t.questions {
            sums.question(q, self);
        }
        sums.beats
    }

    /// Criteria no effect names; `informed` tells, per criterion, whether one does.
    fn uninformed_criteria(&mut self, informed: &[bool]) {
        let t = self.tree;
        if t.questions.is_empty() {
            return; // reported as an incomplete tree
        }
        for (i, (c, &informed)) in t.criteria.iter().zip(informed).enumerate() {
            // A duplicate is reported as such; its effects count for the first.
            if !informed && t.criterion_index(&c.id) == Some(i) {
                self.problem(
                    &c.span,
                    ProblemKind::UninformedCriterion,
                    Some(&c.id),
                    format!(
                        "criterion `{}` is informed by no question: no effect names it",
                        c.id
                    ),
                );
            }
        }
    }

    /// An alternative can win only if, for every other alternative, some answer gives it
    /// more points on some criterion that carries weight. Each option's effects are summed
    /// per criterion and compared pairwise: linear in the number of effects (times the
    /// square of the number of alternatives). `beats_anywhere` is that comparison over
    /// every question ([`OptionSums`]); it holds when every question can be
    /// shown, and otherwise the questions that can be (`possible`) are walked again.
    fn winnable(&mut self, possible: &[bool], beats_anywhere: &[bool]) {
        let t = self.tree;
        let n = t.alternatives.len();
        if n < 2 || t.questions.is_empty() {
            return; // reported as an incomplete tree
        }
        let walked;
        let beats = if possible.iter().all(|&p| p) {
            beats_anywhere
        } else {
            walked = beats_over(t, possible);
            &walked
        };
        // Duplicates are reported as such; effects count for the first of each id.
        let first = |a: usize| t.alternative_index(&t.alternatives[a].id) == Some(a);
        for (a, alt) in t.alternatives.iter().enumerate() {
            if !first(a) {
                continue;
            }
            if let Some(b) = (0..n).find(|&b| b != a && first(b) && !beats[a * n + b]) {
                self.problem(
                    &alt.span,
                    ProblemKind::CannotWin,
                    Some(&alt.id),
                    format!(
                        "alternative `{}` can never win: no answer gives it more points than `{}` on any weighted criterion",
                        alt.id, t.alternatives[b].id
                    ),
                );
            }
        }
    }
}

/// Which alternative beats which (`beats[a * n + b]`) on some weighted criterion in some
/// answer to the questions that can be shown (`possible`).
fn beats_over(t: &Tree, possible: &[bool]) -> Vec<bool> {
    let n = t.alternatives.len();
    let mut beats = vec![false; n * n];
    let mut weighted = Rows::new(n, t);
    for (q, _) in t.questions.iter().zip(possible).filter(|(_, p)| **p) {
        let bundles = q
            .options
            .iter()
            .map(|o| &o.effects)
            .chain(q.scale.iter().map(|s| &s.effects));
        for effects in bundles {
            weighted.add_bundle(effects, t);
            weighted.note_beats(&mut beats);
        }
    }
    beats
}

/// The sums of one bundle of effects (an option's, or a scale's): a row of `n` points
/// (one per alternative) per criterion the bundle touches, in the order first touched.
/// Cleared after each bundle, so nothing is allocated per bundle once the buffers have
/// grown.
struct Rows {
    n: usize,
    /// The row of each criterion, `usize::MAX` when untouched.
    row_of: Vec<usize>,
    touched: Vec<usize>,
    rows: Vec<f64>,
}

impl Rows {
    fn new(n: usize, t: &Tree) -> Self {
        Rows {
            n,
            row_of: vec![usize::MAX; t.criteria.len()],
            touched: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn add(&mut self, c: usize, a: usize, points: f64) {
        if self.row_of[c] == usize::MAX {
            self.row_of[c] = self.touched.len();
            self.touched.push(c);
            self.rows.resize(self.touched.len() * self.n, 0.0);
        }
        self.rows[self.row_of[c] * self.n + a] += points;
    }

    /// Adds the effects that count for winning: on a criterion that carries weight, with
    /// finite points.
    fn add_bundle<'e>(&mut self, effects: impl IntoIterator<Item = &'e Effect>, t: &Tree) {
        for e in effects {
            if let Some((a, c)) = e.target()
                && t.criteria[c].weight > 0.0
                && e.points.is_finite()
            {
                self.add(c, a, e.points);
            }
        }
    }

    /// Each touched criterion and its row.
    fn rows(&self) -> impl Iterator<Item = (usize, &[f64])> {
        self.touched
            .iter()
            .copied()
            .zip(self.rows.chunks_exact(self.n))
    }

    /// Notes in `beats` (`beats[a * n + b]`) each alternative `a` that gets more than `b`
    /// in some row, then clears the rows.
    fn note_beats(&mut self, beats: &mut [bool]) {
        let n = self.n;
        for (_, s) in self.rows() {
            for a in 0..n {
                for b in 0..n {
                    if s[a] > s[b] {
                        beats[a * n + b] = true;
                    }
                }
            }
        }
        self.clear();
    }

    fn clear(&mut self) {
        for c in self.touched.drain(..) {
            self.row_of[c] = usize::MAX;
        }
        self.rows.clear();
    }
}

/// The kind of id a reference names, for [`Checker::unknown_in_question`].
#[derive(Clone, Copy)]
enum Named {
    Alternative,
    Path,
    Criterion,
}

/// The largest possible weight of each criterion, as log10, gathered question by
/// question for [`Checker::weights_stay_finite`].
struct WeightBounds {
    log_max: Vec<f64>,
    /// Per question, the largest log10 multiplier any answer gives each criterion; only
    /// the criteria the question touches are visited and reset (the others would add 0),
    /// so the work follows the question's weights, not the number of criteria.
    best: Touched,
    per: Touched,
}

impl WeightBounds {
    fn new(t: &Tree) -> Self {
        WeightBounds {
            log_max: t
                .criteria
                .iter()
                .map(|c| c.weight.max(1.0).log10())
                .collect(),
            best: Touched::new(t.criteria.len()),
            per: Touched::new(t.criteria.len()),
        }
    }

    fn question(&mut self, q: &Question, t: &Tree) {
        let (best, per) = (&mut self.best, &mut self.per);
        for o in &q.options {
            for w in &o.weights {
                if let Some(c) = w.criterion_at {
                    *per.at(c) += w.multiplier.max(1.0).log10();
                }
            }
            per.drain(|c, p| {
                let b = best.at(c);
                *b = b.max(p);
            });
        }
        if let Some(c) = q
            .scale
            .as_ref()
            .and_then(|s| s.weight_of.as_deref())
            .and_then(|c| t.criterion_index(c))
        {
            let b = best.at(c);
            *b = b.max(2f64.log10());
        }
        if let Some(p) = &q.priorities {
            let top = p.levels.iter().fold(1.0f64, |m, l| m.max(l.multiplier));
            for &c in &p.criteria {
                let b = best.at(c);
                *b = b.max(top.log10());
            }
        }
        let log_max = &mut self.log_max;
        best.drain(|c, b| log_max[c] += b);
    }
}

/// Each option's effects summed per criterion and alternative, question by question, for
/// two checks: a warning for an option that gives every alternative the same points on a
/// criterion (the report would show reasons that change nothing), and which alternative
/// beats which on some weighted criterion in some answer, over every question, for
/// [`Checker::winnable`] (`beats[a * n + b]`, `n` alternatives).
struct OptionSums {
    beats: Vec<bool>,
    all: Rows,
    weighted: Rows,
}

impl OptionSums {
    /// `None` for a tree of fewer than two alternatives, where nothing beats anything.
    fn new(t: &Tree) -> Option<Self> {
        let n = t.alternatives.len();
        (n >= 2).then(|| OptionSums {
            beats: vec![false; n * n],
            all: Rows::new(n, t),
            weighted: Rows::new(n, t),
        })
    }

    fn question(&mut self, q: &Question, checker: &mut Checker) {
        let t = checker.tree;
        let (all, weighted, beats) = (&mut self.all, &mut self.weighted, &mut self.beats);
        for o in &q.options {
            for e in &o.effects {
                let Some((a, c)) = e.target() else { continue };
                all.add(c, a, e.points);
                if t.criteria[c].weight > 0.0 && e.points.is_finite() {
                    weighted.add(c, a, e.points);
                }
            }
            for (c, v) in all.rows() {
                if v.iter().all(|p| *p == v[0]) {
                    let msg = format!(
                        "option `{}` of question `{}` gives every alternative the same points on criterion `{}`: it has no effect on the verdict",
                        o.id, q.id, t.criteria[c].id
                    );
                    checker.warnings.push(Problem::at(
                        checker.origin.source(),
                        &o.span,
                        ProblemKind::NoEffect,
                        Some(&q.id),
                        msg,
                    ));
                }
            }
            all.clear();
            weighted.note_beats(beats);
        }
        weighted.add_bundle(q.scale.iter().flat_map(|s| &s.effects), t);
        weighted.note_beats(beats);
    }
}

/// "question `id`", written only when a message needs it.
struct QuestionName<'a>(&'a str);

impl std::fmt::Display for QuestionName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "question `{}`", self.0)
    }
}

/// Values per criterion that start at 0 and are reset after each use, with the list of
/// those touched since the last reset, so a reset costs what was touched.
struct Touched {
    values: Vec<f64>,
    touched: Vec<usize>,
    seen: Vec<bool>,
}

impl Touched {
    fn new(n: usize) -> Self {
        Touched {
            values: vec![0.0; n],
            touched: Vec::new(),
            seen: vec![false; n],
        }
    }

    /// The value of `c`, noted as touched.
    fn at(&mut self, c: usize) -> &mut f64 {
        if !self.seen[c] {
            self.seen[c] = true;
            self.touched.push(c);
        }
        &mut self.values[c]
    }

    /// Gives `f` each touched value, in the order they were first touched, and sets them
    /// back to 0.
    fn drain(&mut self, mut f: impl FnMut(usize, f64)) {
        for &c in &self.touched {
            self.seen[c] = false;
            f(c, std::mem::take(&mut self.values[c]));
        }
        self.touched.clear();
    }
}

/// Whether a condition can hold, given which earlier questions can be shown. Tests of
/// unknown or later questions count as possible: they are reported elsewhere.
fn satisfiable(t: &Tree, c: &Condition, possible: &[bool], upto: usize) -> bool {
    match c {
        Condition::Test { test, at, .. } => match *at {
            Some(j) if j < upto => possible[j] && test_satisfiable(&t.questions[j], test),
            _ => true,
        },
        Condition::Any(cs, _) => cs.iter().any(|c| satisfiable(t, c, possible, upto)),
        Condition::All(cs, _) => {
            cs.iter().all(|c| satisfiable(t, c, possible, upto)) && consistent(t, cs)
        }
    }
}

fn test_satisfiable(q: &Question, test: &Test) -> bool {
    match test {
        Test::AnyOf(opts) => !opts.is_empty(),
        Test::NoneOf(opts) => {
            q.kind == Kind::Multiple || q.options.iter().any(|o| !opts.contains(&o.id))
        }
        Test::Range { at_least, at_most } => q.scale.as_ref().is_none_or(|s| {
            at_least.unwrap_or(s.min).max(s.min) <= at_most.unwrap_or(s.max).min(s.max)
        }),
        Test::Answered => true,
    }
}

/// Whether the direct tests in an `all` can hold together: one option of a single-answer
/// question, one value of a scale.
fn consistent(t: &Tree, cs: &[Condition]) -> bool {
    let mut allowed: HashMap<usize, Vec<&str>> = HashMap::new();
    let mut ranges: HashMap<usize, (i64, i64)> = HashMap::new();
    for c in cs {
        let Condition::Test {
            test, at: Some(j), ..
        } = c
        else {
            continue;
        };
        let j = *j;
        let q = &t.questions[j];
        match (q.kind, test) {
            (Kind::Single | Kind::YesNo, Test::AnyOf(opts) | Test::NoneOf(opts)) => {
                let set = allowed
                    .entry(j)
                    .or_insert_with(|| q.options.iter().map(|o| o.id.as_str()).collect());
                let keep_listed = matches!(test, Test::AnyOf(_));
                set.retain(|o| opts.iter().any(|x| x == o) == keep_listed);
                if set.is_empty() {
                    return false;
                }
            }
            (Kind::Scale, Test::Range { at_least, at_most }) => {
                let Some(s) = &q.scale else { continue };
                let r = ranges.entry(j).or_insert((s.min, s.max));
                r.0 = r.0.max(at_least.unwrap_or(i64::MIN));
                r.1 = r.1.min(at_most.unwrap_or(i64::MAX));
                if r.0 > r.1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Strongly connected components of a graph given as adjacency lists (Tarjan's algorithm,
/// with an explicit stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    // Each frame: node and the position of the next edge to follow.
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        frames.push((root, 0));
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, e)) = frames.last() {
            if let Some(&w) = edges[v].get(e) {
                if let Some(frame) = frames.last_mut() {
                    frame.1 += 1;
                }
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                frames.pop();
                if let Some(&(parent, _)) = frames.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

/// `a`, `b`, `c` as one string of backquoted ids.
fn list(ids: &[&str]) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk of the options' sums also counts a scale's effects, and leaves out
    /// criteria without weight, for which alternative beats which.
    #[test]
    fn option_sums_find_who_beats_whom() {
        let text = r#"
[tree]
id = "t"
title = "T"
version = "1"
[[alternatives]]
id = "a"
title = "A"
[[alternatives]]
id = "b"
title = "B"
[[criteria]]
id = "c"
title = "C"
[[criteria]]
id = "free"
title = "Free"
weight = 0
[[questions]]
id = "q"
kind = "single"
prompt = "P"
help = "H"
[[questions.options]]
id = "x"
label = "X"
effects = [{ alternative = "a", criterion = "c", points = 1, reason = "r" }, { alternative = "b", criterion = "free", points = 5, reason = "r" }]
[[questions.options]]
id = "y"
label = "Y"
effects = [{ alternative = "a", criterion = "c", points = 1, reason = "r" }]
[[questions]]
id = "s"
kind = "scale"
prompt = "P"
help = "H"
min = 1
max = 5
effects = [{ alternative = "b", criterion = "c", points = 2, reason = "r" }]
"#;
        let source = Source::new("t.toml", text);
        let tree = crate::load::built_unchecked(&source).expect("the tree is read");
        let origin = Origin::Source(&source);
        let mut c = Checker::new(&tree, &origin);
        // a beats b through `q`; b beats a only through the scale (not through `free`).
        assert_eq!(c.option_sums(), vec![false, true, true, false]);
        assert_eq!(
            beats_over(&tree, &[true, true]),
            vec![false, true, true, false]
        );
        assert_eq!(
            beats_over(&tree, &[true, false]),
            vec![false, true, false, false]
        );
    }

    #[test]
    fn components_find_cycles_and_leave_chains() {
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let mut comps: Vec<Vec<usize>> = strongly_connected(&edges)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    /// Both ways of checking find the same errors and the same warnings in the same order,
    /// on every tree fixture, valid and invalid, and on the built-in tree.
    #[test]
    fn checked_on_two_threads_as_on_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = vec![root.join("questions/mlops.toml")];
        for folder in ["valid", "invalid"] {
            let dir = root.join("tests/fixtures/trees").join(folder);
            for entry in std::fs::read_dir(&dir).expect("the fixtures") {
                paths.push(entry.expect("a fixture").path());
            }
        }
        let (mut compared, mut with_errors, mut with_warnings) = (0, 0, 0);
        for path in &paths {
            let text = std::fs::read_to_string(path).expect("a fixture's text");
            let source = Source::new(path.display().to_string(), text);
            let Some(tree) = crate::load::built_unchecked(&source) else {
                continue;
            };
            let origin = Origin::Source(&source);
            let mut here = check_here(&tree, &origin);
            let mut apart = check_apart(&tree, &origin).expect("a thread starts");
            here.errors.sort();
            apart.errors.sort();
            assert_eq!(here.errors, apart.errors, "{}", path.display());
            // What the walk for the warnings finds about winning is what walking every
            // question for it alone finds.
            if tree.alternatives.len() >= 2 {
                let mut c = Checker::new(&tree, &origin);
                let all = vec![true; tree.questions.len()];
                assert_eq!(
                    c.option_sums(),
                    beats_over(&tree, &all),
                    "{}",
                    path.display()
                );
            }
            assert_eq!(here.warnings, apart.warnings, "{}", path.display());
            compared += 1;
            with_errors += usize::from(!here.errors.is_empty());
            with_warnings += usize::from(!here.warnings.is_empty());
        }
        assert!(
            compared >= 50 && with_errors >= 30 && with_warnings >= 1,
            "{compared} trees compared, {with_errors} with errors, {with_warnings} with warnings"
        );
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("team_oss-expertise.v2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id("ünï"));
    }
}
