//! The one place where key and mouse events become [`Action`]s, and the table of key
//! bindings that the help overlay and the footer print.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use tui_input::InputRequest;

use super::app::{Action, App, Overlay, Screen};
use super::view;
use crate::model::Kind;

/// Where a key binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Everywhere,
    Welcome,
    Question,
    TextField,
    Review,
    Verdict,
    Export,
    PathField,
    Jump,
    Dialog,
    Help,
}

impl Context {
    /// Every context, in the order the help overlay lists them after the current one.
    pub const ALL: [Context; 11] = [
        Context::Everywhere,
        Context::Welcome,
        Context::Question,
        Context::TextField,
        Context::Review,
        Context::Verdict,
        Context::Export,
        Context::PathField,
        Context::Jump,
        Context::Dialog,
        Context::Help,
    ];

    /// The heading of the group in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Everywhere => "Everywhere",
            Context::Welcome => "Welcome",
            Context::Question => "Questions",
            Context::TextField => "Text answers",
            Context::Review => "Review",
            Context::Verdict => "Verdict",
            Context::Export => "Export",
            Context::PathField => "Export file name",
            Context::Jump => "Go-to list",
            Context::Dialog => "Confirmations",
            Context::Help => "This help",
        }
    }
}

/// One key binding, as the help overlay shows it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    /// The keys, most usual first; the footer shows the first.
    pub keys: &'static str,
    /// What they do; the footer shows the text before the first comma or parenthesis.
    pub what: &'static str,
    /// Shown in the footer of its screen.
    pub footer: bool,
}

const fn b(context: Context, keys: &'static str, what: &'static str, footer: bool) -> Binding {
    Binding {
        context,
        keys,
        what,
        footer,
    }
}

/// Every key binding of the wizard, most important first within each context (the footer
/// shows as many as fit, in this order).
pub const BINDINGS: &[Binding] = &[
    b(Context::Everywhere, "?", "help (this list)", true),
    b(
        Context::Everywhere,
        "q Esc",
        "quit (asks if not exported)",
        true,
    ),
    b(Context::Everywhere, "g", "go to any question", true),
    b(
        Context::Everywhere,
        "Ctrl-C",
        "quit at once, without asking",
        false,
    ),
    b(
        Context::Everywhere,
        "Ctrl-Z",
        "suspend (fg comes back)",
        false,
    ),
    b(
        Context::Everywhere,
        "mouse",
        "click to choose, wheel to move",
        false,
    ),
    b(Context::Welcome, "Enter", "start", true),
    b(Context::Welcome, "r", "resume the saved session", true),
    b(Context::Question, "Enter", "choose (and go on)", true),
    b(
        Context::Question,
        "Space",
        "tick (multiple choice; elsewhere choose and stay)",
        true,
    ),
    b(Context::Question, "i", "type (text answers)", true),
    b(
        Context::Question,
        "← h S-Tab",
        "back (previous question)",
        true,
    ),
    b(
        Context::Question,
        "→ l Tab",
        "next (keeps the answer)",
        true,
    ),
    b(Context::Question, "↑↓ j k", "move", true),
    b(Context::Question, "1-9 y n", "choose directly", false),
    b(Context::Question, "c", "clear the answer", false),
    b(Context::Question, "r v", "review answers, verdict", false),
    b(Context::TextField, "Enter", "save (and go on)", true),
    b(
        Context::TextField,
        "Tab S-Tab",
        "next, previous question",
        true,
    ),
    b(
        Context::TextField,
        "Esc",
        "stop typing (i types again)",
        true,
    ),
    b(
        Context::TextField,
        "← → Home End",
        "move in the text",
        false,
    ),
    b(
        Context::TextField,
        "Ctrl-W Ctrl-U",
        "delete word, delete all",
        false,
    ),
    b(Context::TextField, "F1", "help", true),
    b(Context::Review, "Enter", "change this answer", true),
    b(Context::Review, "v →", "verdict", true),
    b(Context::Review, "e", "export", true),
    b(Context::Review, "↑↓ j k", "move", true),
    b(
        Context::Verdict,
        "Tab S-Tab",
        "panel (why, risks, unanswered)",
        true,
    ),
    b(Context::Verdict, "↑↓ j k", "criterion", true),
    b(Context::Verdict, "PgDn PgUp", "scroll the panel", true),
    b(Context::Verdict, "e → Enter", "export", true),
    b(Context::Verdict, "r ←", "review answers", true),
    b(Context::Export, "w", "write the files", true),
    b(
        Context::Export,
        "Enter Space",
        "use the row (edit, tick, write)",
        true,
    ),
    b(Context::Export, "↑↓ j k", "move", true),
    b(Context::Export, "← v", "back to the verdict", true),
    b(Context::PathField, "Enter Esc", "done", true),
    b(Context::PathField, "← → Home End", "move in the text", true),
    b(
        Context::PathField,
        "Ctrl-W Ctrl-U",
        "delete word, delete all",
        false,
    ),
    b(Context::Jump, "Enter", "go to the question", true),
    b(Context::Jump, "↑↓ j k", "move", true),
    b(Context::Jump, "Esc g", "close", true),
    b(Context::Dialog, "y", "yes", true),
    b(Context::Dialog, "n Esc", "no", true),
    b(Context::Help, "↑↓ PgUp PgDn", "scroll", true),
    b(Context::Help, "Esc", "close (any other key too)", true),
];

/// Whether a binding means something on the current screen (the footer leaves out the
/// others).
pub fn relevant(app: &App, binding: &Binding) -> bool {
    match (binding.context, binding.keys) {
        (Context::Welcome, "r") => app.resumable.is_some(),
        (Context::Question, "Space") => app.current().kind == Kind::Multiple,
        (Context::Question, "i") => app.current().kind == Kind::Text,
        (Context::Question, "Enter" | "↑↓ j k") => app.current().kind != Kind::Text,
        (Context::Everywhere, _) => !editing_text(app) && app.overlay.is_none(),
        _ => true,
    }
}

/// The contexts whose bindings apply now, most specific first.
pub fn contexts(app: &App) -> Vec<Context> {
    let specific = match (&app.overlay, app.screen) {
        (Some(Overlay::Help { .. }), _) => Context::Help,
        (Some(Overlay::Jump { .. }), _) => Context::Jump,
        (Some(_), _) => Context::Dialog,
        (None, Screen::Welcome) => Context::Welcome,
        (None, Screen::Question) if app.current().kind == Kind::Text && app.editing => {
            Context::TextField
        }
        (None, Screen::Question) => Context::Question,
        (None, Screen::Review) => Context::Review,
        (None, Screen::Verdict) => Context::Verdict,
        (None, Screen::Export) if app.export.editing => Context::PathField,
        (None, Screen::Export) => Context::Export,
    };
    vec![specific, Context::Everywhere]
}

/// Whether a text field has the keyboard.
pub fn editing_text(app: &App) -> bool {
    app.overlay.is_none()
        && match app.screen {
            Screen::Question => app.current().kind == Kind::Text && app.editing,
            Screen::Export => app.export.editing,
            _ => false,
        }
}

/// Turns a terminal event into an action; `area` is the size of the screen (for clicks).
pub fn action_for_event(app: &App, event: &Event, area: Rect) -> Option<Action> {
    if area.width < view::MIN_WIDTH || area.height < view::MIN_HEIGHT {
        // Nothing is shown but the "make the window larger" note: only Ctrl-C works, so no
        // answer changes unseen and no dialog opens unseen.
        return match event {
            Event::Key(key) => action_for_key(app, *key).filter(|a| *a == Action::ForceQuit),
            Event::Resize(width, height) => Some(Action::Resize(Rect::new(0, 0, *width, *height))),
            _ => None,
        };
    }
    match event {
        Event::Key(key) => action_for_key(app, *key),
        Event::Mouse(mouse) => action_for_mouse(app, *mouse, area),
        Event::Paste(text) if editing_text(app) => Some(Action::Paste(text.clone())),
        Event::Resize(width, height) => Some(Action::Resize(Rect::new(0, 0, *width, *height))),
        _ => None,
    }
}

/// Turns a key press into an action. Releases and repeats of other kinds are ignored.
pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::ForceQuit);
    }
    if let Some(overlay) = &app.overlay {
        return overlay_key(overlay, key);
    }
    if editing_text(app) {
        return text_key(app, key, ctrl, alt);
    }
    if ctrl {
        return None;
    }
    let screen = app.screen;
    let action = match key.code {
        KeyCode::Char('?') | KeyCode::F(1) => Action::Help,
        KeyCode::Char('q') | KeyCode::Esc => Action::Quit,
        KeyCode::Char('g') => Action::JumpList,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Home => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Enter => Action::Confirm,
        KeyCode::Char(' ') => Action::Toggle,
        KeyCode::Tab if screen == Screen::Verdict => Action::NextPanel,
        KeyCode::BackTab if screen == Screen::Verdict => Action::PrevPanel,
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => Action::Next,
        KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab | KeyCode::Backspace => Action::Back,
        KeyCode::Char('r') if screen == Screen::Welcome => Action::Resume,
        KeyCode::Char('r') => Action::Review,
        KeyCode::Char('v') => Action::Verdict,
        KeyCode::Char('e') => Action::Export,
        KeyCode::Char('w') if screen == Screen::Export => Action::Next,
        KeyCode::Char('i') => Action::Edit,
        KeyCode::Char('c') | KeyCode::Delete => Action::Clear,
        KeyCode::Char('y') => Action::Yes,
        KeyCode::Char('n') => Action::No,
        KeyCode::Char(d @ '0'..='9') => return digit(app, d),
        _ => return None,
    };
    Some(action)
}

/// A digit picks the n-th option, or the value n of a scale.
fn digit(app: &App, d: char) -> Option<Action> {
    let n = i64::from(d.to_digit(10)?);
    if app.screen == Screen::Question && app.current().priorities.is_some() {
        return Some(Action::Level(n));
    }
    if app.screen == Screen::Question
        && let Some(s) = &app.current().scale
    {
        return usize::try_from(n - s.min).ok().map(Action::Pick);
    }
    usize::try_from(n - 1).ok().map(Action::Pick)
}

fn overlay_key(overlay: &Overlay, key: KeyEvent) -> Option<Action> {
    let action = match (overlay, key.code) {
        (Overlay::Help { .. }, KeyCode::Up | KeyCode::Char('k')) => Action::Up,
        (Overlay::Help { .. }, KeyCode::Down | KeyCode::Char('j')) => Action::Down,
        (Overlay::Help { .. }, KeyCode::PageUp) => Action::PageUp,
        (Overlay::Help { .. }, KeyCode::PageDown | KeyCode::Char(' ')) => Action::PageDown,
        (Overlay::Help { .. }, _) => Action::Cancel,
        (Overlay::ConfirmQuit | Overlay::ConfirmOverwrite { .. }, KeyCode::Char('y' | 'Y')) => {
            Action::Yes
        }
        (Overlay::ConfirmQuit | Overlay::ConfirmOverwrite { .. }, _) => Action::No,
        (Overlay::Jump { .. }, code) => match code {
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Home => Action::Top,
            KeyCode::End | KeyCode::Char('G') => Action::Bottom,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Action::Confirm,
            KeyCode::Esc | KeyCode::Char('q' | 'g') | KeyCode::Left => Action::Cancel,
            _ => return None,
        },
    };
    Some(action)
}

fn text_key(app: &App, key: KeyEvent, ctrl: bool, alt: bool) -> Option<Action> {
    use InputRequest as R;
    let req = match key.code {
        KeyCode::Enter => return Some(Action::Confirm),
        KeyCode::Esc => return Some(Action::StopEditing),
        KeyCode::Tab if app.screen == Screen::Export => return Some(Action::Down),
        KeyCode::Tab => return Some(Action::Next),
        KeyCode::BackTab if app.screen == Screen::Export => return Some(Action::StopEditing),
        KeyCode::BackTab => return Some(Action::Back),
        KeyCode::F(1) => return Some(Action::Help),
        KeyCode::Down if app.screen == Screen::Export => return Some(Action::Down),
        KeyCode::Left if ctrl || alt => R::GoToPrevWord,
        KeyCode::Right if ctrl || alt => R::GoToNextWord,
        KeyCode::Left => R::GoToPrevChar,
        KeyCode::Right => R::GoToNextChar,
        KeyCode::Home => R::GoToStart,
        KeyCode::End => R::GoToEnd,
        KeyCode::Backspace if ctrl || alt => R::DeletePrevWord,
        KeyCode::Backspace => R::DeletePrevChar,
        KeyCode::Delete => R::DeleteNextChar,
        KeyCode::Char('a') if ctrl => R::GoToStart,
        KeyCode::Char('e') if ctrl => R::GoToEnd,
        KeyCode::Char('b') if ctrl => R::GoToPrevChar,
        KeyCode::Char('f') if ctrl => R::GoToNextChar,
        KeyCode::Char('w') if ctrl => R::DeletePrevWord,
        KeyCode::Char('u') if ctrl => R::DeleteLine,
        KeyCode::Char('k') if ctrl => R::DeleteTillEnd,
        KeyCode::Char(c) if !ctrl && !alt => R::InsertChar(c),
        _ => return None,
    };
    Some(Action::Input(req))
}

/// A click chooses what is under it; the wheel moves like the arrow keys.
fn action_for_mouse(app: &App, mouse: MouseEvent, area: Rect) -> Option<Action> {
    let dialog = matches!(
        app.overlay,
        Some(Overlay::ConfirmQuit | Overlay::ConfirmOverwrite { .. })
    );
    match mouse.kind {
        _ if dialog => None,
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::Down(MouseButton::Left) => view::hit(app, area, mouse.column, mouse.row),
        _ => None,
    }
}
