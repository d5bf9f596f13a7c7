//! The blueprint's text and where each value sits in it.
//!
//! serde gives us typed values but forgets positions; this index remembers them. It is built from
//! the YAML event stream and keyed by a dotted path (`workloads.payments.environments[1]`), so
//! validation can point at the exact token it complains about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A position in a source file: 1-based line and column, and the length of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// One source file with a path → position index.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    values: HashMap<String, Span>,
    keys: HashMap<String, Span>,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        let text = text.into();
        let mut indexer = Indexer::default();
        let mut parser = Parser::new_from_str(&text);
        // A YAML syntax error is reported by serde later with its own position; the index is
        // best effort and simply stays partial then.
        let _ = parser.load(&mut indexer, false);
        Source {
            path: path.into(),
            text,
            values: indexer.values,
            keys: indexer.keys,
        }
    }

    /// The file name as the user gave it, for messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// Where the value at `path` starts.
    pub fn value(&self, path: &str) -> Option<Span> {
        self.values.get(path).copied()
    }

    /// Where the key of the mapping entry at `path` starts (falls back to the value).
    pub fn key(&self, path: &str) -> Option<Span> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }

    /// The text of line `line` (1-based), without its newline.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)?)
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    values: HashMap<String, Span>,
    keys: HashMap<String, Span>,
}

fn span(mark: Marker, len: usize) -> Span {
    Span {
        line: mark.line(),
        column: mark.col() + 1,
        len: len.max(1),
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Indexer {
    /// The path of the node that starts now, or None when the node is a mapping key.
    fn next_path(&mut self, scalar: Option<&str>, mark: Marker) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, index }) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                Some(k) => Some(join(path, &k)),
                None => {
                    // This node is a key.
                    let k = scalar.unwrap_or("?").to_string();
                    let full = join(path, &k);
                    self.keys.insert(full, span(mark, k.chars().count()));
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(path) = self.next_path(Some(&value), mark) {
                    self.values.insert(path, span(mark, value.chars().count()));
                }
            }
            Event::Alias(_) => {
                if let Some(path) = self.next_path(Some("*"), mark) {
                    self.values.insert(path, span(mark, 1));
                }
            }
            Event::MappingStart(..) => {
                let path = self.next_path(None, mark).unwrap_or_default();
                self.values.entry(path.clone()).or_insert(span(mark, 1));
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.next_path(None, mark).unwrap_or_default();
                self.values.entry(path.clone()).or_insert(span(mark, 1));
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_and_values() {
        let text = "version: 1\nworkloads:\n  payments: { environments: [dev, stagin] }\n";
        let src = Source::new("b.yaml", text);
        assert_eq!(
            src.value("workloads.payments.environments[1]"),
            Some(Span {
                line: 3,
                column: 35,
                len: 6
            })
        );
        assert_eq!(
            src.key("workloads.payments"),
            Some(Span {
                line: 3,
                column: 3,
                len: 8
            })
        );
        assert_eq!(
            src.value("version"),
            Some(Span {
                line: 1,
                column: 10,
                len: 1
            })
        );
    }
}
