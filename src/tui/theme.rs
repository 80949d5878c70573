//! Colours and emphasis: a palette for dark backgrounds, one for light backgrounds, and a
//! monochrome one for `NO_COLOR` (only bold, dim, reverse and underline). The runtime picks
//! the palette from `--theme`, or asks the terminal for its background colour
//! ([`parse_background`] reads the answer).

use ratatui::style::{Color, Modifier, Style};

/// Which palette to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Dark,
    Light,
    /// `NO_COLOR`: no colours at all.
    Mono,
}

/// The styles the wizard draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub palette: Palette,
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

impl Default for Theme {
    fn default() -> Self {
        Theme::new(Palette::Dark)
    }
}

impl Theme {
    /// The styles of a palette.
    pub fn new(palette: Palette) -> Theme {
        let plain = Style::default();
        match palette {
            Palette::Mono => Theme {
                palette,
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
            },
            Palette::Dark => Theme {
                palette,
                text: plain,
                title: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
                accent: plain.fg(Color::Cyan),
                muted: plain.fg(Color::Gray),
                selected: plain
                    .bg(Color::Blue)
                    .fg(Color::White)
                    .add_modifier(Modifier::BOLD),
                answered: plain.fg(Color::LightGreen).add_modifier(Modifier::BOLD),
                good: plain.fg(Color::LightGreen),
                warn: plain.fg(Color::Yellow),
                error: plain.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                key: plain.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                border: plain.fg(Color::DarkGray),
            },
            // Dark colours on a light background: no yellow or light grey, which vanish
            // on white.
            Palette::Light => Theme {
                palette,
                text: plain,
                title: plain.fg(Color::Blue).add_modifier(Modifier::BOLD),
                accent: plain.fg(Color::Blue),
                muted: plain.fg(Color::DarkGray),
                selected: plain
                    .bg(Color::Blue)
                    .fg(Color::White)
                    .add_modifier(Modifier::BOLD),
                answered: plain.fg(Color::Green).add_modifier(Modifier::BOLD),
                good: plain.fg(Color::Green),
                warn: plain.fg(Color::Magenta),
                error: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
                key: plain.fg(Color::Magenta).add_modifier(Modifier::BOLD),
                border: plain.fg(Color::Gray),
            },
        }
    }

    /// Whether the `NO_COLOR` convention asks for no colour (set and not empty).
    pub fn no_color_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}

/// The palette for a background colour given as red, green and blue from 0 to 1: light
/// backgrounds (relative luminance above one half) get the light palette.
pub fn palette_for_background(rgb: (f64, f64, f64)) -> Palette {
    let (r, g, b) = rgb;
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    if luminance > 0.5 {
        Palette::Light
    } else {
        Palette::Dark
    }
}

/// Reads a terminal's answer to the OSC 11 query (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by
/// BEL or ST; each part 1 to 4 hexadecimal digits) anywhere in `bytes`: the background as
/// red, green and blue from 0 to 1.
pub fn parse_background(bytes: &[u8]) -> Option<(f64, f64, f64)> {
    let text = String::from_utf8_lossy(bytes);
    let start = text.find("]11;")? + 4;
    let rest = &text[start..];
    let end = rest.find(['\u{7}', '\u{1b}']).unwrap_or(rest.len());
    let spec = rest[..end]
        .strip_prefix("rgb:")
        .or_else(|| rest[..end].strip_prefix("rgba:"))?;
    let mut parts = spec.split('/').map(|p| {
        let digits = p.len();
        if digits == 0 || digits > 4 {
            return None;
        }
        let v = u32::from_str_radix(p, 16).ok()?;
        Some(f64::from(v) / f64::from((1u32 << (4 * digits)) - 1))
    });
    Some((parts.next()??, parts.next()??, parts.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_answers_are_read() {
        let white = parse_background(b"\x1b]11;rgb:ffff/ffff/ffff\x07").unwrap();
        assert_eq!(palette_for_background(white), Palette::Light);
        let black = parse_background(b"\x1b]11;rgb:0000/0000/0000\x1b\\").unwrap();
        assert_eq!(palette_for_background(black), Palette::Dark);
        let solarized = parse_background(b"junk\x1b]11;rgb:fd/f6/e3\x07\x1b[?62c").unwrap();
        assert_eq!(palette_for_background(solarized), Palette::Light);
        assert_eq!(parse_background(b"\x1b[?62c"), None);
        assert_eq!(parse_background(b"\x1b]11;rgb:zz/00/00\x07"), None);
    }

    #[test]
    fn palettes_differ() {
        assert_ne!(Theme::new(Palette::Dark), Theme::new(Palette::Light));
        assert_eq!(Theme::new(Palette::Mono).accent.fg, None);
    }
}
