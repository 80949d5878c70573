//! The full-screen wizard, a thin shell over the engine: [`app`] holds the state and the one
//! `update` function, [`keys`] turns events into actions, [`view`] draws the state,
//! [`session`] keeps every answer on disk, [`runtime`] owns the terminal, and [`safe`] is
//! the one door from the screen to it.

pub mod app;
pub mod keys;
pub mod runtime;
pub mod safe;
pub mod session;
pub mod theme;
pub mod view;

pub use app::{Action, App, Command, StartOptions, update};
pub use runtime::{Ended, Options, Outcome, RunError, run};
