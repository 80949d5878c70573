//! mlops-wizard: decide between an open-source and a proprietary MLOps stack.
//!
//! The engine is a pure library: [`model`] is the question tree, [`load`] reads it from
//! TOML and [`validate`] checks its meaning; [`flow`] decides which questions are asked;
//! [`answers`] reads and writes answers files; [`recommend`] turns answers into a verdict
//! explained criterion by criterion; [`report`] writes it as markdown or JSON; [`atomic`]
//! writes files so that they are never half-written; [`sanitize`] makes untrusted text safe
//! to show. The terminal wizard ([`tui`]) and the command line (`src/main.rs`) are thin
//! layers over it.

pub mod answers;
pub mod atomic;
pub mod builtin;
pub mod catalog;
pub mod config;
pub mod date;
pub mod diff;
pub mod error;
pub mod flow;
pub mod load;
pub mod model;
pub mod plan;
pub mod recommend;
pub mod report;
pub mod robustness;
pub mod sanitize;
pub mod schema;
pub(crate) mod scoring;
pub mod source;
pub mod team;
pub mod tui;
pub mod validate;

pub use answers::{Answer, Answers, Strictness};
pub use error::{LoadError, Problem, ProblemKind};
pub use flow::Flow;
pub use model::Tree;
pub use recommend::{Evaluation, Recommendation, Verdict};
pub use report::ReportInput;
