//! Colours and emphasis. With `NO_COLOR` set, only bold, dim, reverse and underline remain.

use ratatui::style::{Color, Modifier, Style};

/// The styles the wizard draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    pub title: Style,
    pub accent: Style,
    pub muted: Style,
    pub selected: Style,
    pub answered: Style,
    pub good: Style,
    pub warn: Style,
    pub error: Style,
    pub key: Style,
    pub border: Style,
}

impl Theme {
    /// The colour theme, or a monochrome one when `no_color`.
    pub fn new(no_color: bool) -> Theme {
        if no_color {
            let plain = Style::default();
            return Theme {
                text: plain,
                title: plain.add_modifier(Modifier::BOLD),
                accent: plain.add_modifier(Modifier::BOLD),
                muted: plain.add_modifier(Modifier::DIM),
                selected: plain.add_modifier(Modifier::REVERSED),
                answered: plain.add_modifier(Modifier::BOLD),
                good: plain.add_modifier(Modifier::BOLD),
                warn: plain.add_modifier(Modifier::UNDERLINED),
                error: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                key: plain.add_modifier(Modifier::BOLD),
                border: plain,
            };
        }
        Theme {
            text: Style::default(),
            title: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            accent: Style::default().fg(Color::Cyan),
            muted: Style::default().fg(Color::DarkGray),
            selected: Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            answered: Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
            good: Style::default().fg(Color::Green),
            warn: Style::default().fg(Color::Yellow),
            error: Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            key: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            border: Style::default().fg(Color::DarkGray),
        }
    }

    /// Whether the `NO_COLOR` convention asks for no colour (set and not empty).
    pub fn no_color_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}
