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
use std::io::Write;

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
    let text = printable(&text);
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
    fn json_is_ascii_and_round_trips() {
        let v = serde_json::json!({ "name": "Prod\u{202e}x \u{1F600} \n" });
        let text = super::json(&v);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("\\u202e"), "{text}");
        assert_eq!(super::printable(&text), text);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }
}
