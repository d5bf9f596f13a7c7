//! load: blueprint text → typed [`Blueprint`], with located errors.

use std::path::Path;

use indexmap::IndexMap;

use crate::blueprint::Blueprint;
use crate::diagnostic::{Diagnostic, did_you_mean, list};
use crate::lock::{self as lockfile, Lock};
use crate::source::{Source, Span};

/// A parsed blueprint and the source it came from (for locating later diagnostics).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub blueprint: Blueprint,
    pub source: Source,
    /// Files the blueprint refers to (policy documents, inline policies), by the path written in the blueprint:
    /// their text, or why they could not be read.
    pub files: IndexMap<String, Result<String, String>>,
    /// `landform.lock` beside the blueprint, when there is one (see the `lock` module).
    pub lock: Option<Lock>,
}

impl Loaded {
    /// A referenced JSON document, parsed; None when missing or invalid (validation says why).
    pub fn document(&self, file: &str) -> Option<serde_json::Value> {
        let text = self.files.get(file)?.as_ref().ok()?;
        serde_json::from_str(text).ok()
    }
}

/// Reads and parses the blueprint at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![
            Diagnostic::error(format!("cannot read blueprint {}: {e}", path.display()))
                .with_help("pass the blueprint path, or run `landform init` to create one"),
        ]
    })?;
    let mut loaded = load_source(Source::new(path, text))?;
    loaded.lock = lockfile::read(&lockfile::path_for(path))?;
    Ok(loaded)
}

/// Parses blueprint text; `path` is used in messages only.
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load_source(Source::new(path, text))
}

/// Parses an indexed blueprint (the file's text is moved in, not copied: it may be large).
fn load_source(source: Source) -> Result<Loaded, Vec<Diagnostic>> {
    let structure = structure_errors(&source);
    if !structure.is_empty() {
        return Err(structure);
    }
    match serde_yaml::from_str::<Blueprint>(&source.text) {
        Ok(blueprint) => {
            if blueprint.version != 1 {
                let d = Diagnostic::error(format!(
                    "unsupported blueprint version {}",
                    blueprint.version
                ))
                .at_value(&source, "version")
                .with_help("this landform reads schema version 1: write `version: 1`");
                return Err(vec![d]);
            }
            let files = referenced_files(&blueprint, source.dir());
            Ok(Loaded {
                blueprint,
                source,
                files,
                lock: None,
            })
        }
        Err(e) => Err(vec![yaml_error(&source, &e)]),
    }
}

/// What makes a YAML file unreadable before serde sees it: nesting deeper than
/// [`MAX_DEPTH`](crate::source::MAX_DEPTH), and keys written twice in one mapping (each located at
/// the second occurrence, with the first in a note). Empty when the file may be deserialized.
/// For every YAML input landform reads: the blueprint here, `landform.lock` too.
pub(crate) fn structure_errors(source: &Source) -> Vec<Diagnostic> {
    if let Some(span) = source.too_deep() {
        return vec![
            Diagnostic::error(format!(
                "nesting deeper than {} levels",
                crate::source::MAX_DEPTH
            ))
            .at(source, Some(span))
            .with_help("a landform file needs only a few levels of mappings and lists; this file is damaged or not one"),
        ];
    }
    source
        .duplicates()
        .iter()
        .map(|dup| {
            let parent = dup.path.strip_suffix(&dup.key).unwrap_or("").trim_end_matches('.');
            let message = if parent.is_empty() {
                format!("duplicate key `{}`", dup.key)
            } else {
                format!("duplicate key `{}` in `{parent}`", dup.key)
            };
            Diagnostic::error(message)
                .at(source, Some(dup.second))
                .with_note(format!(
                    "`{}` is first written at {}:{}:{}",
                    dup.key,
                    source.name(),
                    dup.first.line,
                    dup.first.column
                ))
                .with_help("keep one of the two entries (merge their contents); YAML does not allow a key twice")
        })
        .collect()
}

/// Reads every file the blueprint names, relative to the blueprint's folder.
fn referenced_files(bp: &Blueprint, dir: &Path) -> IndexMap<String, Result<String, String>> {
    let mut files = IndexMap::new();
    let inline = bp
        .identity_center
        .iter()
        .flat_map(|ic| ic.permission_sets.values())
        .filter_map(|ps| ps.inline.as_ref());
    for rel in bp.policies.values().map(|p| &p.file).chain(inline) {
        if files.contains_key(rel) {
            continue;
        }
        let read = std::fs::read_to_string(dir.join(rel)).map_err(|e| e.to_string());
        files.insert(rel.clone(), read);
    }
    files
}

/// Turns a serde_yaml error into a located diagnostic with a suggestion where one fits.
fn yaml_error(source: &Source, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; the location is shown separately.
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let (message, help) = explain(&message);
    let help = help.or_else(|| indentation_hint(source, e.location().map(|l| l.line())));
    let help = match (wrong_level_hint(&full), help) {
        (Some(level), Some(h)) => Some(format!("{level}; {h}")),
        (Some(level), None) => Some(level),
        (None, h) => h,
    };
    let help = help.map(|h| {
        match missing_key_elsewhere(source, &full, e.location().map(|l| (l.line(), l.column()))) {
            Some(line) => format!(
                "{h} (`{}:` is written at line {line}: check its indentation)",
                missing_field(&full).unwrap_or_default()
            ),
            None => h,
        }
    });
    let span = e.location().map(|loc| {
        let len = token_len(source, loc.line(), loc.column());
        Span {
            line: loc.line(),
            column: loc.column(),
            len,
        }
    });
    let mut d = Diagnostic::error(message).at(source, span);
    d.help = help;
    d
}

/// The sections of the blueprint and the keys each one takes directly (maps of named entries,
/// such as `workloads:`, take none), from the same schema `landform schema` prints.
fn sections() -> Vec<(String, Vec<String>)> {
    let schema: serde_json::Value =
        serde_json::from_str(&crate::cli::schema::text()).unwrap_or_default();
    let defs = &schema["$defs"];
    let resolve = |v: &serde_json::Value| -> Vec<String> {
        let mut candidates = vec![v.clone()];
        candidates.extend(v["anyOf"].as_array().cloned().unwrap_or_default());
        candidates
            .iter()
            .filter_map(|c| c["$ref"].as_str())
            .filter_map(|r| r.strip_prefix("#/$defs/"))
            .flat_map(|name| {
                defs[name]["properties"]
                    .as_object()
                    .map(|p| p.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
            })
            .collect()
    };
    schema["properties"]
        .as_object()
        .map(|top| top.iter().map(|(k, v)| (k.clone(), resolve(v))).collect())
        .unwrap_or_default()
}

/// For an unknown key: where it belongs when it is a key of another level (a top-level section
/// indented under another, or a section's key written at the top level).
fn wrong_level_hint(full: &str) -> Option<String> {
    let rest = full.split("unknown field `").nth(1)?;
    let field = rest.split('`').next()?;
    let at = full
        .split("unknown field")
        .next()?
        .trim_end_matches(": ")
        .trim();
    let sections = sections();
    if !at.is_empty() && sections.iter().any(|(k, _)| k == field) {
        return Some(format!(
            "`{field}` is a top-level section: start its line in the first column, not \
             indented under `{at}`"
        ));
    }
    if at.is_empty() {
        let owners: Vec<&str> = sections
            .iter()
            .filter(|(_, keys)| keys.iter().any(|k| k == field))
            .map(|(k, _)| k.as_str())
            .collect();
        if !owners.is_empty() {
            let owners: Vec<String> = owners.iter().map(|o| format!("`{o}:`")).collect();
            return Some(format!(
                "`{field}` belongs under {}: indent it there",
                owners.join(" or ")
            ));
        }
    }
    None
}

fn missing_field(full: &str) -> Option<&str> {
    full.split("missing field `").nth(1)?.split('`').next()
}

/// For a missing key: the line below the mapping that does write that key, at another
/// indentation (before the next top-level section), e.g. `home_region:` indented one space.
fn missing_key_elsewhere(source: &Source, full: &str, at: Option<(usize, usize)>) -> Option<usize> {
    let field = missing_field(full)?;
    let (line, column) = at?;
    let expected = column.saturating_sub(1);
    (line + 1..)
        .map_while(|n| source.line(n).map(|l| (n, l)))
        .take_while(|(_, l)| !(l.starts_with(|c: char| !c.is_whitespace() && c != '#')))
        .find(|(_, l)| {
            let t = l.trim_start();
            l.len() - t.len() != expected && writes_key(t, field)
        })
        .map(|(n, _)| n)
        // Or written at the top level, out of its section.
        .or_else(|| {
            (1..)
                .map_while(|n| source.line(n).map(|l| (n, l)))
                .find(|(_, l)| expected > 0 && writes_key(l, field))
                .map(|(n, _)| n)
        })
}

/// Whether a line (from its first character) is the block key `field:`.
fn writes_key(line: &str, field: &str) -> bool {
    line.strip_prefix(field)
        .is_some_and(|r| r.trim_start().starts_with(':'))
}

/// For a YAML syntax error: what is wrong with the indentation of its line, if anything is.
fn indentation_hint(source: &Source, line: Option<usize>) -> Option<String> {
    let line = line?;
    let text = source.line(line)?;
    let lead: String = text.chars().take_while(|c| c.is_whitespace()).collect();
    if lead.contains('\t') {
        return Some("this line is indented with a tab: YAML indents with spaces only".to_string());
    }
    let indent = lead.len();
    // The nearest line above that holds content.
    let above = (1..line).rev().find_map(|n| {
        let l = source.line(n)?;
        let t = l.trim_start();
        (!t.is_empty() && !t.starts_with('#'))
            .then(|| (l.len() - t.len(), t.trim_end().ends_with(':')))
    })?;
    let (prev, opens) = above;
    if indent == prev || (opens && indent > prev) {
        return None;
    }
    Some(format!(
        "this line is indented {indent} space{}, the line above {prev}: YAML nests by \
         indentation, so the keys of one mapping start in the same column",
        if indent == 1 { "" } else { "s" }
    ))
}

/// Rewrites serde's wording into ours and works out a suggestion.
fn explain(message: &str) -> (String, Option<String>) {
    // "path: unknown field `x`, expected one of `a`, `b`" / "expected `a` or `b`"
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        let prefix = message.split("unknown field").next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let at = prefix.trim_end_matches(": ").trim();
        let msg = if at.is_empty() {
            format!("unknown key `{field}`")
        } else {
            format!("unknown key `{field}` in `{at}`")
        };
        let help = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? (keys here: {})", list(expected)),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!("keys here: {}", list(expected)),
        };
        return (msg, Some(help));
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        return (
            format!("missing key `{field}`"),
            Some(format!(
                "add `{field}:`; see the blueprint reference in the README"
            )),
        );
    }
    if let Some(rest) = message.split("unknown variant `").nth(1) {
        let value = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let help = match did_you_mean(value, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? (one of {})", list(expected)),
            None => format!("one of {}", list(expected)),
        };
        return (format!("unknown value `{value}`"), Some(help));
    }
    (message.to_string(), None)
}

/// The length of the token at a position, for the caret.
fn token_len(source: &Source, line: usize, column: usize) -> usize {
    source
        .line(line)
        .and_then(|l| l.get(column.saturating_sub(1)..))
        .map(|rest| {
            rest.chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, ':' | ',' | '}' | ']'))
                .count()
        })
        .unwrap_or(1)
        .max(1)
}
