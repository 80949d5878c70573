//! Key bindings as data, and the one place where terminal events become [`Action`]s.
//!
//! A [`Binding`] is an id ([`Cmd`]), the key events that trigger it, the keys as the help
//! prints them, and what it does. Each screen and overlay owns a table of them and says
//! which apply at the moment; the dispatcher ([`action_for_event`]), the footer and the
//! help all read those same tables, so what the footer offers is what the keys do.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::app::{Action, App, ScreenId};
use super::chrome;
use super::overlays;
use super::screens::{export, people, question, review, verdict, welcome};

/// What a key binding does: the id that `update` matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Help,
    Quit,
    GoTo,
    Undo,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// Enter: choose, open, save, confirm.
    Choose,
    /// Space: tick.
    Tick,
    /// Choose without moving on.
    ChooseStay,
    Next,
    Back,
    /// Esc: drop the edit, close, or go back.
    Cancel,
    Clear,
    /// `/`: type to filter a list.
    Filter,
    Start,
    Resume,
    Review,
    Verdict,
    Export,
    People,
    Write,
    NextTab,
    PrevTab,
    NextField,
    PrevField,
    /// Open `$VISUAL` / `$EDITOR` on a text.
    Editor,
    LevelUp,
    LevelDown,
    Yes,
    No,
    /// Digits (the binding documents them; the dispatcher sends [`Action::Number`]).
    Number,
    /// Editing keys of text fields (documented; the dispatcher sends [`Action::Edit`]).
    Editing,
    /// Ctrl-C: handled before any table ([`Action::ForceQuit`]).
    ForceQuit,
    /// Ctrl-Z: handled by the runtime.
    Suspend,
    /// A mouse click or wheel (documented).
    Mouse,
}

/// A key event a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chord {
    /// This key with exactly these modifiers (Shift is ignored for characters and
    /// Shift-Tab, where terminals differ).
    Key(KeyCode, KeyModifiers),
    /// Any digit without modifiers.
    Digit,
    /// Documentation only: no key event matches it.
    None,
}

impl Chord {
    pub fn matches(self, key: &KeyEvent) -> bool {
        match self {
            Chord::Key(code, mods) => {
                let mut got = key.modifiers;
                if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
                    got.remove(KeyModifiers::SHIFT);
                }
                key.code == code && got == mods
            }
            Chord::Digit => {
                matches!(key.code, KeyCode::Char('0'..='9'))
                    && (key.modifiers - KeyModifiers::SHIFT).is_empty()
            }
            Chord::None => false,
        }
    }
}

/// A key without modifiers.
pub const fn k(code: KeyCode) -> Chord {
    Chord::Key(code, KeyModifiers::NONE)
}

/// A character key without modifiers.
pub const fn c(ch: char) -> Chord {
    Chord::Key(KeyCode::Char(ch), KeyModifiers::NONE)
}

/// A character with Ctrl.
pub const fn ctrl(ch: char) -> Chord {
    Chord::Key(KeyCode::Char(ch), KeyModifiers::CONTROL)
}

/// One key binding.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub cmd: Cmd,
    pub chords: &'static [Chord],
    /// The keys as the help shows them, most usual first; the footer shows the first word.
    pub keys: &'static str,
    /// What they do, as the help shows it.
    pub what: &'static str,
    /// The footer's short form of `what`; `None` keeps the binding out of the footer.
    pub footer: Option<&'static str>,
}

/// A binding (for the tables below and in the screens).
pub const fn bind(
    cmd: Cmd,
    chords: &'static [Chord],
    keys: &'static str,
    what: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        cmd,
        chords,
        keys,
        what,
        footer,
    }
}

/// Bindings of every screen that has no text field focused.
pub const GLOBAL: &[Binding] = &[
    bind(
        Cmd::Help,
        &[c('?'), k(KeyCode::F(1))],
        "? F1",
        "the keys of this screen, then every key",
        Some("help"),
    ),
    bind(
        Cmd::Quit,
        &[c('q')],
        "q",
        "quit (asks first when the answers were not exported)",
        Some("quit"),
    ),
    bind(
        Cmd::GoTo,
        &[c('g'), ctrl('g')],
        "g Ctrl-G",
        "go to any question (/ filters the list; Ctrl-G works while typing)",
        None,
    ),
    bind(
        Cmd::Undo,
        &[c('u')],
        "u",
        "undo the last change of an answer",
        None,
    ),
    bind(
        Cmd::ForceQuit,
        &[ctrl('c')],
        "Ctrl-C",
        "quit at once, without asking (the text being typed is kept)",
        None,
    ),
    bind(
        Cmd::Suspend,
        &[ctrl('z')],
        "Ctrl-Z",
        "suspend; fg comes back",
        None,
    ),
    bind(
        Cmd::Mouse,
        &[Chord::None],
        "mouse",
        "click to choose, wheel to move",
        None,
    ),
];

/// Bindings while a text field has the keyboard, beside the field's own.
pub const TYPING: &[Binding] = &[
    bind(Cmd::Help, &[k(KeyCode::F(1))], "F1", "help", Some("help")),
    bind(
        Cmd::GoTo,
        &[ctrl('g')],
        "Ctrl-G",
        "go to any question",
        None,
    ),
    bind(
        Cmd::ForceQuit,
        &[ctrl('c')],
        "Ctrl-C",
        "quit at once (the text is kept)",
        Some("quit"),
    ),
];

/// The editing keys of every text field (documented for the help; the field handles
/// them).
pub const EDITING: &[Binding] = &[
    bind(
        Cmd::Editing,
        &[Chord::None],
        "← → Home End",
        "move in the text (Ctrl-← Ctrl-→ by word)",
        None,
    ),
    bind(
        Cmd::Editing,
        &[Chord::None],
        "Backspace Ctrl-W Ctrl-U Ctrl-K",
        "delete a letter, a word, to the start, to the end",
        None,
    ),
];

/// Where a table of bindings belongs, for the help's headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Welcome,
    Question,
    Choices,
    Priorities,
    TextAnswer,
    Filter,
    People,
    Review,
    Verdict,
    Export,
    ExportPath,
    Jump,
    Dialog,
    Help,
    Everywhere,
    TextFields,
}

impl Context {
    /// Every context, in the order the help lists them after the current one.
    pub const ALL: [Context; 16] = [
        Context::Welcome,
        Context::Question,
        Context::Choices,
        Context::Priorities,
        Context::TextAnswer,
        Context::Filter,
        Context::People,
        Context::Review,
        Context::Verdict,
        Context::Export,
        Context::ExportPath,
        Context::Jump,
        Context::Dialog,
        Context::Help,
        Context::Everywhere,
        Context::TextFields,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Welcome => "Welcome",
            Context::Question => "Questions",
            Context::Choices => "Multiple choice",
            Context::Priorities => "Priorities",
            Context::TextAnswer => "Text answers",
            Context::Filter => "Filtering a list",
            Context::People => "Who takes part",
            Context::Review => "Review",
            Context::Verdict => "Verdict",
            Context::Export => "Export",
            Context::ExportPath => "Export file name",
            Context::Jump => "Go-to list",
            Context::Dialog => "Confirmations",
            Context::Help => "This help",
            Context::Everywhere => "Everywhere (when not typing)",
            Context::TextFields => "Editing text",
        }
    }

    /// The whole table of a context.
    pub fn table(self) -> &'static [Binding] {
        match self {
            Context::Welcome => welcome::BINDINGS,
            Context::Question => question::BINDINGS,
            Context::Choices => question::MULTIPLE,
            Context::Priorities => question::PRIORITIES,
            Context::TextAnswer => question::TEXT,
            Context::Filter => question::FILTER,
            Context::People => people::BINDINGS,
            Context::Review => review::BINDINGS,
            Context::Verdict => verdict::BINDINGS,
            Context::Export => export::BINDINGS,
            Context::ExportPath => export::PATH,
            Context::Jump => overlays::jump::BINDINGS,
            Context::Dialog => overlays::confirm::BINDINGS,
            Context::Help => overlays::help::BINDINGS,
            Context::Everywhere => GLOBAL,
            Context::TextFields => EDITING,
        }
    }
}

/// The bindings that work now, in the order the footer offers them: the overlay's or
/// screen's first, then the global ones.
pub fn active(app: &App, area: Rect) -> Vec<&'static Binding> {
    let mut out: Vec<&'static Binding> = match &app.overlay {
        Some(o) => o.bindings(app),
        None => match app.screen {
            ScreenId::Welcome => welcome::bindings(app),
            ScreenId::Question => question::bindings(app, area),
            ScreenId::People => people::bindings(app),
            ScreenId::Review => review::bindings(app),
            ScreenId::Verdict => verdict::bindings(app),
            ScreenId::Export => export::bindings(app),
        },
    };
    if app.typing() {
        out.extend(TYPING.iter());
    } else if app.overlay.is_none() {
        out.extend(
            GLOBAL
                .iter()
                .filter(|b| b.cmd != Cmd::GoTo || !app.flow.is_empty()),
        );
    }
    out
}

/// The contexts that describe the current screen, most specific first (for the help).
pub fn contexts(app: &App) -> Vec<Context> {
    match &app.overlay {
        Some(o) => vec![o.context()],
        None => screen_contexts(app),
    }
}

/// The contexts of the screen under any overlay (the help lists them first).
pub fn screen_contexts(app: &App) -> Vec<Context> {
    let mut out = match app.screen {
        ScreenId::Welcome => vec![Context::Welcome],
        ScreenId::Question => question::contexts(app),
        ScreenId::People => vec![Context::People, Context::TextFields],
        ScreenId::Review => vec![Context::Review],
        ScreenId::Verdict => vec![Context::Verdict],
        ScreenId::Export if app.export.typing() => {
            vec![Context::ExportPath, Context::TextFields]
        }
        ScreenId::Export => vec![Context::Export],
    };
    let typing = match app.screen {
        ScreenId::Question => super::screens::question::typing(app),
        ScreenId::People => true,
        ScreenId::Export => app.export.typing(),
        _ => false,
    };
    if !typing {
        out.push(Context::Everywhere);
    }
    out
}

/// Turns a terminal event into an action; `area` is the size of the screen.
pub fn action_for_event(app: &App, event: &Event, area: Rect) -> Option<Action> {
    if area.width < chrome::MIN_WIDTH || area.height < chrome::MIN_HEIGHT {
        // Nothing is shown but the "make the window larger" note: only Ctrl-C works, so no
        // answer changes unseen and no dialog opens unseen.
        return match event {
            Event::Key(key) if ctrl('c').matches(key) && key.kind == KeyEventKind::Press => {
                Some(Action::ForceQuit)
            }
            Event::Resize(width, height) => Some(Action::Resize(Rect::new(0, 0, *width, *height))),
            _ => None,
        };
    }
    match event {
        Event::Key(key) => action_for_key(app, *key, area),
        Event::Mouse(mouse) => action_for_mouse(app, *mouse, area),
        Event::Paste(text) if app.typing() => Some(Action::Paste(text.clone())),
        Event::Resize(width, height) => Some(Action::Resize(Rect::new(0, 0, *width, *height))),
        _ => None,
    }
}

/// Turns a key press into an action, through the bindings that work now. Releases are
/// ignored.
pub fn action_for_key(app: &App, key: KeyEvent, area: Rect) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if ctrl('c').matches(&key) {
        return Some(Action::ForceQuit);
    }
    let binding = active(app, area)
        .into_iter()
        .find(|b| b.chords.iter().any(|ch| ch.matches(&key)));
    match binding.map(|b| b.cmd) {
        Some(Cmd::Number) => match key.code {
            KeyCode::Char(d) => d.to_digit(10).map(|d| Action::Number(d as u8)),
            _ => None,
        },
        Some(Cmd::PageUp) => Some(page(app, area, false)),
        Some(Cmd::PageDown) => Some(page(app, area, true)),
        Some(Cmd::ForceQuit | Cmd::Suspend | Cmd::Mouse | Cmd::Editing) => None,
        Some(cmd) => Some(Action::Cmd(cmd)),
        None if app.typing() => Some(Action::Edit {
            key,
            width: field_width(app, area),
        }),
        None => None,
    }
}

/// A page up or down, as far as the current list or panel shows.
fn page(app: &App, area: Rect, down: bool) -> Action {
    match &app.overlay {
        Some(o) => o.page(app, area, down),
        None => match app.screen {
            ScreenId::Question => question::page(app, area, down),
            ScreenId::Review => review::page(app, area, down),
            ScreenId::Verdict => verdict::page(app, area, down),
            _ => Action::Page { down, rows: 10 },
        },
    }
}

/// The width of the focused text field.
fn field_width(app: &App, area: Rect) -> u16 {
    match (&app.overlay, app.screen) {
        (Some(_), _) => area.width,
        (None, ScreenId::Question) => question::field_width(app, area),
        (None, _) => chrome::readable(chrome::frame(app, area).body).width,
    }
}

/// A click chooses what is under it; the wheel moves like the arrow keys.
fn action_for_mouse(app: &App, mouse: MouseEvent, area: Rect) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::ScrollUp if !app.typing() => Some(Action::Cmd(Cmd::Up)),
        MouseEventKind::ScrollDown if !app.typing() => Some(Action::Cmd(Cmd::Down)),
        MouseEventKind::Down(MouseButton::Left) => chrome::hit(app, area, mouse.column, mouse.row),
        _ => None,
    }
}
