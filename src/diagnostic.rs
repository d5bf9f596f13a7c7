//! Errors and warnings about the user's input, rendered with the offending source line and a
//! caret under the token, the way compilers do.

use std::fmt;

use crate::output::printable;
use crate::source::{Source, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A located message about the blueprint (or another input file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// File name and position; None when the problem has no single place (rare).
    pub location: Option<(String, Span)>,
    /// The source line, kept so the diagnostic renders without the source at hand.
    pub snippet: Option<String>,
    /// Related context, such as where a duplicated key first appears.
    pub note: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// The diagnostic as a JSON object (`--format json`): severity, message, file, line,
    /// column, length, note, help (absent parts are null).
    pub fn to_json(&self) -> serde_json::Value {
        let (file, span) = match &self.location {
            Some((file, span)) => (Some(file.as_str()), Some(span)),
            None => (None, None),
        };
        serde_json::json!({
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "message": self.message,
            "file": file,
            "line": span.map(|s| s.line),
            "column": span.map(|s| s.column),
            "length": span.map(|s| s.len),
            "note": self.note,
            "help": self.help,
        })
    }

    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            snippet: None,
            note: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at a span of `source`.
    pub fn at(mut self, source: &Source, span: Option<Span>) -> Diagnostic {
        if let Some(span) = span {
            self.snippet = source.line(span.line).map(str::to_string);
            self.location = Some((source.name(), span));
        } else if self.location.is_none() {
            self.location = Some((
                source.name(),
                Span {
                    line: 1,
                    column: 1,
                    len: 1,
                },
            ));
            self.snippet = source.line(1).map(str::to_string);
        }
        self
    }

    /// Points at the value found at `path` in the blueprint.
    pub fn at_value(self, source: &Source, path: &str) -> Diagnostic {
        let span = source.value(path).or_else(|| nearest(source, path, false));
        self.at(source, span)
    }

    /// Points at the key of the entry found at `path` in the blueprint.
    pub fn at_key(self, source: &Source, path: &str) -> Diagnostic {
        let span = source.key(path).or_else(|| nearest(source, path, true));
        self.at(source, span)
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.note = Some(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The closest ancestor of `path` that the index knows.
fn nearest(source: &Source, path: &str, key: bool) -> Option<Span> {
    let mut p = path;
    while let Some(cut) = p.rfind(['.', '[']) {
        p = &p[..cut];
        let found = if key { source.key(p) } else { source.value(p) };
        if found.is_some() {
            return found;
        }
    }
    None
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", printable(&self.message))?;
        if let Some((file, span)) = &self.location {
            let num = span.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(
                f,
                "{pad}--> {}:{}:{}",
                printable(file),
                span.line,
                span.column
            )?;
            if let Some(line) = &self.snippet {
                let (shown, caret) = excerpt(line, *span);
                writeln!(f, "{pad} |")?;
                writeln!(f, "{num} | {shown}")?;
                writeln!(f, "{pad} | {caret}")?;
            }
            if let Some(note) = &self.note {
                writeln!(f, "{pad} = note: {}", printable(note))?;
            }
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {}", printable(help))?;
            }
        } else {
            if let Some(note) = &self.note {
                writeln!(f, "  = note: {}", printable(note))?;
            }
            if let Some(help) = &self.help {
                writeln!(f, "  = help: {}", printable(help))?;
            }
        }
        Ok(())
    }
}

/// The longest source line shown whole; a longer one is cut to a window around the caret.
const SNIPPET_WIDTH: usize = 100;

/// The source line as shown (escaped by [`printable`], tabs as spaces, cut around the span when
/// long) and the caret line under the span.
fn excerpt(line: &str, span: Span) -> (String, String) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let width = chars.len();
    let start = span.column.saturating_sub(1).min(width);
    let len = span.len.min(width.saturating_sub(start)).max(1);
    let (from, to) = if width <= SNIPPET_WIDTH {
        (0, width)
    } else {
        let from = start.saturating_sub(SNIPPET_WIDTH / 3);
        (from, (from + SNIPPET_WIDTH).min(width))
    };
    let len = len.min(to.saturating_sub(start)).max(1);
    let text = |a: usize, b: usize| printable(&chars[a..b].iter().collect::<String>()).into_owned();
    let lead = if from > 0 { "…" } else { "" };
    let trail = if to < width { "…" } else { "" };
    let before = format!("{lead}{}", text(from, start));
    let token = text(start, (start + len).min(to));
    let shown = format!("{before}{token}{}{trail}", text((start + len).min(to), to));
    let caret = format!(
        "{}{}",
        " ".repeat(before.chars().count()),
        "^".repeat(token.chars().count().max(1))
    );
    (shown, caret)
}

/// The best match for `word` among `candidates`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// "a, b and c", with each item in backticks.
pub fn list<'a, I>(items: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => "none".to_string(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The help text for a reference to an unknown name.
pub fn unknown_help<'a, I>(word: &str, what: &str, known: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    match did_you_mean(word, known.clone()) {
        Some(s) => format!("did you mean `{s}`? (known {what}: {})", list(known)),
        None => format!("known {what}: {}", list(known)),
    }
}
