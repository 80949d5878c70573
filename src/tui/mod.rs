//! The full-screen wizard, a thin shell over the engine: [`app`] holds the state and the one
//! `update` function, [`keys`] turns events into actions, [`view`] draws the state,
//! [`session`] keeps every answer on disk, and [`runtime`] owns the terminal.

pub mod app;
pub mod keys;
pub mod runtime;
pub mod session;
pub mod theme;
pub mod view;

pub use app::{Action, App, Command, StartOptions, update};
pub use runtime::{Options, Outcome, RunError, run};
