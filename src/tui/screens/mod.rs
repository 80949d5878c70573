//! One module per screen. Each owns its state (a field of [`super::app::App`]), its
//! `update`, its `render` and its key bindings (a table of [`super::keys::Binding`] and a
//! `bindings` function saying which apply at the moment).

pub mod export;
pub mod people;
pub mod question;
pub mod review;
pub mod verdict;
pub mod welcome;
