//! Everything landform prints to a terminal goes through here.
//!
//! Blueprint values (names, tags, descriptions, file names) end up in diagnostics and in the
//! lines commands print. A value holding terminal escape bytes or other control characters must
//! not reach the terminal raw: it could rewrite the screen, hide a line or fake a message. So
//! [`printable`] is the one escaping function, and the crate's `print!`, `println!`, `eprint!` and
//! `eprintln!` are this module's macros (they shadow the standard ones crate-wide: `lib.rs` declares
//! this module first, with `#[macro_use]`), which pass every line through it.
//!
//! The same macros end quietly on a closed stdout or stderr (`landform diff | head`): a failed
//! write is dropped and the command goes on to finish its work (a print never interrupts a write
//! to disk), instead of the standard macros' panic.

use std::borrow::Cow;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static QUIET: AtomicBool = AtomicBool::new(false);
static VERBOSE: AtomicBool = AtomicBool::new(false);
static COLOUR_OUT: AtomicBool = AtomicBool::new(false);
static COLOUR_ERR: AtomicBool = AtomicBool::new(false);

/// `--color`: when to colour errors, warnings and diffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColourChoice {
    /// On a terminal, unless `NO_COLOR` is set to something non-empty.
    #[default]
    Auto,
    /// Always, even into a pipe or file, and even with `NO_COLOR` (the flag is the more
    /// specific request).
    Always,
    /// Never, even on a terminal.
    Never,
}

/// Whether to colour a stream: `always` and `never` say so; `auto` colours a terminal when
/// `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn use_colour(
    choice: ColourChoice,
    terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColourChoice::Always => true,
        ColourChoice::Never => false,
        ColourChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// Sets the run's output options (once, from the global flags): `quiet` prints only errors
/// (and the document a command exists to print); `verbose` adds per-stage timings and counts
/// on stderr.
pub fn configure(quiet: bool, verbose: bool, colour: ColourChoice) {
    QUIET.store(quiet, Ordering::Relaxed);
    VERBOSE.store(verbose && !quiet, Ordering::Relaxed);
    let no_color = std::env::var_os("NO_COLOR");
    let out = use_colour(colour, std::io::stdout().is_terminal(), no_color.as_deref());
    let err = use_colour(colour, std::io::stderr().is_terminal(), no_color.as_deref());
    COLOUR_OUT.store(out, Ordering::Relaxed);
    COLOUR_ERR.store(err, Ordering::Relaxed);
}

/// `-q`: status lines and warnings are not printed.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `-v`: per-stage timings and counts go to stderr.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// With `-v`, one line on stderr: `landform: <stage> <ms> ms (<detail>)`.
pub fn stage(name: &str, started: Instant, detail: fmt::Arguments<'_>) {
    if verbose() {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        write(
            Stream::Err,
            format_args!("landform: {name} {ms:.1} ms ({detail})\n"),
        );
    }
}

/// What a painted text is, for which parts get which colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Errors and warnings: the severity word, the `-->` location, the gutter, the carets and
    /// `= help`.
    Diagnostics,
    /// A unified diff: headers, hunks, added and removed lines.
    Diff,
}

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const PLAIN_RED: &str = "\x1b[31m";
const BOLD: &str = "\x1b[1m";

/// `text` (already escaped by [`printable`], so it holds no escape byte of its own) with colour
/// codes added by line: the only escape sequences in the result are these.
pub fn paint(text: &str, kind: Paint) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    // The caret colour follows the last severity seen.
    let mut severity = RED;
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        match kind {
            Paint::Diff => {
                let colour = if body.starts_with("+++") || body.starts_with("---") {
                    Some(BOLD)
                } else if body.starts_with("@@") {
                    Some(CYAN)
                } else if body.starts_with('+') {
                    Some(GREEN)
                } else if body.starts_with('-') {
                    Some(PLAIN_RED)
                } else {
                    None
                };
                match colour {
                    Some(c) if !body.is_empty() => out.push_str(&format!("{c}{body}{RESET}")),
                    _ => out.push_str(body),
                }
            }
            Paint::Diagnostics => out.push_str(&paint_diagnostic_line(body, &mut severity)),
        }
        out.push_str(nl);
    }
    out
}

fn paint_diagnostic_line(body: &str, severity: &mut &'static str) -> String {
    for (word, colour) in [("error", RED), ("warning", YELLOW)] {
        if let Some(rest) = body.strip_prefix(word)
            && (rest.starts_with(':') || rest.starts_with('['))
        {
            *severity = colour;
            return format!("{colour}{word}{RESET}{rest}");
        }
    }
    let trimmed = body.trim_start();
    let indent = &body[..body.len() - trimmed.len()];
    if let Some(rest) = trimmed.strip_prefix("-->") {
        return format!("{indent}{BLUE}-->{RESET}{rest}");
    }
    if let Some(rest) = trimmed.strip_prefix("= ") {
        // `= help: ...`, `= note: ...`
        if let Some((label, tail)) = rest.split_once(':')
            && label.chars().all(|c| c.is_ascii_lowercase())
        {
            return format!("{indent}{BLUE}={RESET} {BOLD}{label}{RESET}:{tail}");
        }
        return body.to_string();
    }
    // The gutter: `12 | source` or `   | ^^^ label`.
    if let Some(bar) = body.find('|') {
        let (num, rest) = body.split_at(bar);
        if num.chars().all(|c| c.is_ascii_digit() || c == ' ') && !num.is_empty() {
            let rest = &rest[1..];
            let is_marker = rest.trim_start().starts_with('^');
            let rest = if is_marker {
                let t = rest.trim_start();
                let pad = &rest[..rest.len() - t.len()];
                let carets = t.len() - t.trim_start_matches('^').len();
                format!("{pad}{}{}{RESET}{}", severity, &t[..carets], &t[carets..])
            } else {
                rest.to_string()
            };
            return format!("{BLUE}{num}|{RESET}{rest}");
        }
    }
    body.to_string()
}

/// Writes `text` escaped by [`printable`], then painted when colour is on for that stream.
pub fn write_painted(stream: Stream, text: &str, kind: Paint) {
    let colour = match stream {
        Stream::Out => COLOUR_OUT.load(Ordering::Relaxed),
        Stream::Err => COLOUR_ERR.load(Ordering::Relaxed),
    };
    let escaped = printable(text);
    let text: Cow<'_, str> = if colour {
        Cow::Owned(paint(&escaped, kind))
    } else {
        escaped
    };
    write_raw(stream, &text);
}

/// Whether `c` must not reach a terminal raw: C0 and C1 control characters (escape, carriage
/// return, backspace, bell, …) except newline and tab, DEL, and the Unicode bidirectional
/// overrides and isolates that reorder what a line appears to say.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character a terminal would act on written as a visible `\u{..}` escape
/// (escape → `\u{1b}`). Newlines, tabs and CRLF line ends are kept. Borrowed when nothing needs escaping.
/// Idempotent: an escaped string is plain ASCII where it was changed.
pub fn printable(s: &str) -> Cow<'_, str> {
    // A carriage return right before a newline is a CRLF line end (CSV output): harmless, kept.
    let unsafe_at =
        |i: usize, c: char| unsafe_char(c) && !(c == '\r' && s[i + 1..].starts_with('\n'));
    if !s.char_indices().any(|(i, c)| unsafe_at(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if unsafe_at(i, c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Which stream a print goes to.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Stream {
    Out,
    Err,
}

/// Writes formatted text, escaped by [`printable`], to stdout or stderr; a failed write (a closed
/// pipe) is ignored. Use the `print!` family, which call this.
#[doc(hidden)]
pub fn write(stream: Stream, args: fmt::Arguments<'_>) {
    let text = match args.as_str() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(args.to_string()),
    };
    write_raw(stream, &printable(&text));
}

/// Writes text that is already safe for a terminal.
fn write_raw(stream: Stream, text: &str) {
    let _ = match stream {
        Stream::Out => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|()| out.flush())
        }
        Stream::Err => std::io::stderr().lock().write_all(text.as_bytes()),
    };
}

/// `print!`, escaped and quiet on a closed stdout (see the module documentation).
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::output::write($crate::output::Stream::Out, format_args!($($arg)*))
    };
}

/// `println!`, escaped and quiet on a closed stdout (see the module documentation).
macro_rules! println {
    () => {
        $crate::output::write($crate::output::Stream::Out, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(
            $crate::output::Stream::Out,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

/// `println!` for status lines (what was written, what is up to date): not printed with `-q`.
macro_rules! info {
    ($($arg:tt)*) => {
        if !$crate::output::quiet() {
            println!($($arg)*)
        }
    };
}

/// `eprint!`, escaped and quiet on a closed stderr (see the module documentation).
#[allow(unused_macros)]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::output::write($crate::output::Stream::Err, format_args!($($arg)*))
    };
}

/// `eprintln!`, escaped and quiet on a closed stderr (see the module documentation).
macro_rules! eprintln {
    () => {
        $crate::output::write($crate::output::Stream::Err, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(
            $crate::output::Stream::Err,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

/// A value as pretty JSON that [`printable`] leaves as it is: every character outside ASCII is a
/// `\uXXXX` escape (serde_json already escapes control characters), so a bidi override in a
/// blueprint string cannot reach the terminal and the printed text stays valid JSON.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\ry\u{7}\u{8}"), "x\\u{d}y\\u{7}\\u{8}");
        assert_eq!(printable("a,b\r\nc\r"), "a,b\r\nc\\u{d}");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(printable("\u{7f}"), "\\u{7f}");
        assert_eq!(printable("ab\u{202e}cd"), "ab\\u{202e}cd");
        assert_eq!(printable("é — ü 日本"), "é — ü 日本");
        let once = printable("\u{1b}]0;title\u{7}").into_owned();
        assert_eq!(printable(&once), once);
    }

    #[test]
    fn colour_follows_the_flag_then_the_terminal_then_no_color() {
        use std::ffi::OsStr;
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        for terminal in [false, true] {
            for no_color in [None, set, empty] {
                assert!(use_colour(ColourChoice::Always, terminal, no_color));
                assert!(!use_colour(ColourChoice::Never, terminal, no_color));
            }
        }
        assert!(use_colour(ColourChoice::Auto, true, None));
        // NO_COLOR set to anything non-empty turns auto off; empty counts as unset.
        assert!(!use_colour(ColourChoice::Auto, true, set));
        assert!(use_colour(ColourChoice::Auto, true, empty));
        // Never into a pipe or a file.
        assert!(!use_colour(ColourChoice::Auto, false, None));
    }

    #[test]
    fn paint_colours_only_its_own_parts() {
        let diag = "warning: w\n  --> f.yaml:1:2\n   |\n 1 | a: b\n   |    ^^ here\n   = help: do x\nplain\n";
        let painted = paint(diag, Paint::Diagnostics);
        assert!(
            painted.starts_with("\x1b[1;33mwarning\x1b[0m: w\n"),
            "{painted:?}"
        );
        assert!(painted.contains("\x1b[1;33m^^\x1b[0m here"), "{painted:?}");
        assert!(painted.contains("\x1b[1mhelp\x1b[0m: do x"), "{painted:?}");
        assert!(painted.ends_with("\nplain\n"), "{painted:?}");
        // Without its codes, the text is unchanged.
        let stripped: String = painted
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find('m').unwrap() + 1..]
                }
            })
            .collect();
        assert_eq!(stripped, diag);
        let diff = paint(
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n",
            Paint::Diff,
        );
        assert_eq!(
            diff,
            "\x1b[1m--- a/x\x1b[0m\n\x1b[1m+++ b/x\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n"
        );
        // A hostile string is escaped before painting: its escape never survives.
        let hostile = printable("error: \u{1b}[2J gone");
        assert_eq!(
            paint(&hostile, Paint::Diagnostics),
            "\x1b[1;31merror\x1b[0m: \\u{1b}[2J gone"
        );
    }

    #[test]
    fn json_is_ascii_and_round_trips() {
        let v = serde_json::json!({ "name": "Prod\u{202e}x \u{1F600} \n" });
        let text = super::json(&v);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("\\u202e"), "{text}");
        assert_eq!(super::printable(&text), text);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }
}
