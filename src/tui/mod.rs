//! The full-screen wizard, a thin shell over the engine.
//!
//! * [`app`] holds the state and the one `update` function; [`screens`] has one module per
//!   screen (state, update, drawing, key bindings) and [`overlays`] the windows over them
//!   (help, go-to list, confirmations).
//! * [`keys`] is the key bindings as data and the one place where events become actions;
//!   [`chrome`] draws what every screen shares (header, progress, messages, footer).
//! * [`text`], [`textarea`], [`theme`] and [`words`] are pure helpers: measuring and
//!   wrapping text, the text field, the palettes, the verdict in words.
//! * [`session`] keeps every answer on disk, [`runtime`] owns the terminal (and runs the
//!   robustness analysis off the key path), [`safe`] is the one door from the screen to
//!   it, and [`plain`] is the accessible line-by-line mode.

pub mod app;
pub mod chrome;
pub mod keys;
pub mod overlays;
pub mod plain;
pub mod runtime;
pub mod safe;
pub mod screens;
pub mod session;
pub mod text;
pub mod textarea;
pub mod theme;
pub mod words;

pub use app::{Action, App, Command, ScreenId, StartOptions, update};
pub use runtime::{Ended, Options, Outcome, RunError, ThemeChoice, run};
