//! The blueprint's text and where each value sits in it.
//!
//! serde gives us typed values but forgets positions; this index remembers them. It is built from
//! the YAML event stream and keyed by a dotted path (`workloads.payments.environments[1]`), so
//! validation can point at the exact token it complains about.
//!
//! Reading a file checks only what must be checked before deserializing (duplicate keys, nesting
//! depth); the path index is built the first time a position is asked for, which on a valid
//! input is never (a 10,000-account lock would otherwise cost a map of 100,000 paths per run).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// A position in a source file: 1-based line and column, and the length of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// The deepest nesting of mappings and sequences landform reads. A blueprint needs fewer than ten
/// levels; the limit stops a hostile file (tens of thousands of levels) before anything recursive
/// sees it — serde's loader and drop glue would overflow the stack or take gigabytes.
pub(crate) const MAX_DEPTH: usize = 64;

/// A leading UTF-8 byte order mark, which some Windows editors write; YAML allows it.
const BOM: char = '\u{feff}';

/// A mapping key written twice in the same mapping. YAML forbids it, and serde would silently keep
/// one of the two values, so landform reports it (at the second occurrence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The dotted path of the entry (`accounts.security`).
    pub path: String,
    /// The key as written.
    pub key: String,
    /// Where the key first appears.
    pub first: Span,
    /// Where it appears again.
    pub second: Span,
}

/// One source file with a path → position index.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The text as parsed: the file's text without a leading byte order mark.
    pub text: String,
    /// Built on the first lookup (see the module comment).
    index: OnceLock<Index>,
    /// Keys written twice in one mapping, in file order of the second occurrence.
    duplicates: Vec<DuplicateKey>,
    /// Where nesting first goes deeper than [`MAX_DEPTH`]; indexing stopped there.
    too_deep: Option<Span>,
}

impl Source {
    /// Indexes `text` (a leading byte order mark is dropped). Never recursive, so any input is
    /// safe; indexing stops at the first node nested deeper than [`MAX_DEPTH`].
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        let mut text = text.into();
        if text.starts_with(BOM) {
            text.drain(..BOM.len_utf8());
        }
        let indexer = Indexer::scan(&text, false);
        Source {
            path: path.into(),
            text,
            index: OnceLock::new(),
            duplicates: indexer.duplicates,
            too_deep: indexer.too_deep,
        }
    }

    /// A source for text the caller has proven to be in a form landform itself writes (no
    /// duplicate key, shallow nesting, no byte order mark): the duplicate and depth scan is
    /// skipped; the position index is still built on the first lookup.
    pub(crate) fn prechecked(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
            index: OnceLock::new(),
            duplicates: Vec::new(),
            too_deep: None,
        }
    }

    fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Indexer::scan(&self.text, true).index)
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
        self.index().values.get(path).copied()
    }

    /// Where the key of the mapping entry at `path` starts (falls back to the value).
    pub fn key(&self, path: &str) -> Option<Span> {
        self.index()
            .keys
            .get(path)
            .copied()
            .or_else(|| self.value(path))
    }

    /// The text of line `line` (1-based), without its newline.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)?)
    }

    /// Every mapping key that appears twice in the same mapping, located at the second
    /// occurrence with the first's position. Works for any YAML text landform reads (the
    /// blueprint, `landform.lock`): serde would keep one of the values without a word, so check
    /// this before deserializing — [`crate::load::structure_errors`] turns it into diagnostics.
    /// Plain keys are compared as written (`a` and `"a"` are the same key; `1` and `01` are not).
    pub(crate) fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// Where the nesting first goes deeper than [`MAX_DEPTH`], if it does.
    pub(crate) fn too_deep(&self) -> Option<Span> {
        self.too_deep
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        /// The keys seen so far in this mapping, for duplicate detection.
        seen: HashMap<String, Span>,
    },
    Seq {
        path: String,
        index: usize,
    },
}

/// Path → position, for keys and for values.
#[derive(Debug, Clone, Default)]
struct Index {
    values: HashMap<String, Span>,
    keys: HashMap<String, Span>,
}

#[derive(Default)]
struct Indexer {
    /// Whether to build `index` (the duplicate and depth checks always run).
    indexing: bool,
    stack: Vec<Frame>,
    index: Index,
    duplicates: Vec<DuplicateKey>,
    too_deep: Option<Span>,
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
    /// Runs the YAML event parser over `text`, one event at a time (its own `load` recurses
    /// once per nesting level). A syntax error ends the scan: serde reports it later with its own
    /// position, and the index simply stays partial.
    fn scan(text: &str, indexing: bool) -> Indexer {
        let mut indexer = Indexer {
            indexing,
            ..Indexer::default()
        };
        let mut parser = Parser::new_from_str(text);
        loop {
            match parser.next_token() {
                Ok((Event::StreamEnd, _)) => break,
                Ok((event, mark)) => {
                    indexer.on_event(event, mark);
                    if indexer.stack.len() > MAX_DEPTH {
                        indexer.too_deep = Some(span(mark, 1));
                        break;
                    }
                }
                Err(e) => {
                    // The scanner has its own limit for `[[[…` (it looks ahead past our check).
                    if e.info().contains("recursion limit") {
                        indexer.too_deep = Some(span(*e.marker(), 1));
                    }
                    break;
                }
            }
        }
        indexer
    }

    /// The path of the node that starts now, or None when the node is a mapping key. `want`
    /// says whether the caller uses the path: a scalar's path is only needed for the index,
    /// a collection's always (its children's paths, and a duplicate key's report, start there).
    fn next_path(&mut self, scalar: Option<&str>, mark: Marker, want: bool) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, index }) => {
                let p = if want {
                    format!("{path}[{index}]")
                } else {
                    String::new()
                };
                *index += 1;
                Some(p)
            }
            Some(Frame::Map { path, key, seen }) => match key.take() {
                Some(k) => Some(if want { join(path, &k) } else { String::new() }),
                None => {
                    // This node is a key.
                    let k = scalar.unwrap_or("?").to_string();
                    let at = span(mark, k.chars().count());
                    if scalar.is_some() {
                        if let Some(first) = seen.get(&k) {
                            self.duplicates.push(DuplicateKey {
                                path: join(path, &k),
                                key: k.clone(),
                                first: *first,
                                second: at,
                            });
                        } else {
                            seen.insert(k.clone(), at);
                        }
                    }
                    if self.indexing {
                        // The first occurrence stays the indexed one (both are reported).
                        self.index.keys.entry(join(path, &k)).or_insert(at);
                    }
                    *key = Some(k);
                    None
                }
            },
        }
    }

    fn on_event(&mut self, ev: Event, mark: Marker) {
        let indexing = self.indexing;
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(path) = self.next_path(Some(&value), mark, indexing)
                    && indexing
                {
                    let at = span(mark, value.chars().count());
                    self.index.values.insert(path, at);
                }
            }
            Event::Alias(_) => {
                if let Some(path) = self.next_path(None, mark, indexing)
                    && indexing
                {
                    self.index.values.insert(path, span(mark, 1));
                }
            }
            Event::MappingStart(..) => {
                let path = self.next_path(None, mark, true).unwrap_or_default();
                if indexing {
                    self.index
                        .values
                        .entry(path.clone())
                        .or_insert(span(mark, 1));
                }
                self.stack.push(Frame::Map {
                    path,
                    key: None,
                    seen: HashMap::default(),
                });
            }
            Event::SequenceStart(..) => {
                let path = self.next_path(None, mark, true).unwrap_or_default();
                if indexing {
                    self.index
                        .values
                        .entry(path.clone())
                        .or_insert(span(mark, 1));
                }
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
    fn reading_checks_duplicates_and_depth_without_building_the_index() {
        let src = Source::new("l.lock", "accounts:\n  a: {email: x}\n  b: 1\n  a: 2\n");
        assert!(src.index.get().is_none(), "a plain read must not index");
        let d = &src.duplicates()[0];
        assert_eq!(
            (d.path.as_str(), d.first.line, d.second.line),
            ("accounts.a", 2, 4)
        );
        // The first lookup builds it, and it agrees with the scan.
        assert_eq!(src.key("accounts.b").map(|s| s.line), Some(3));
        assert!(src.index.get().is_some());
        let deep = format!("{}x", "[".repeat(MAX_DEPTH + 5));
        assert!(Source::new("d.yaml", deep).too_deep().is_some());
    }

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
