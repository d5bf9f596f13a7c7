//! The corpus: real public policy documents (AWS samples, AWS documentation examples) under
//! `tests/corpus/policies/<type>/`, each with its expected verdict in `expected.tsv`; SOURCES.md
//! says where each came from and under which licence. Every valid document must pass the lint
//! and every invalid one must fail with the expected message.

use std::collections::BTreeMap;
use std::path::Path;

use landform::PolicyType;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/policies");

fn kind(dir: &str) -> PolicyType {
    PolicyType::ALL
        .into_iter()
        .find(|k| k.key() == dir)
        .unwrap_or_else(|| panic!("no policy type `{dir}`"))
}

#[test]
fn every_corpus_document_gets_the_expected_verdict() {
    let expected: BTreeMap<String, String> =
        std::fs::read_to_string(Path::new(DIR).join("expected.tsv"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (file, verdict) = l.split_once('\t').expect("file<TAB>verdict");
                (file.to_string(), verdict.to_string())
            })
            .collect();
    let mut seen = 0;
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for type_dir in std::fs::read_dir(DIR).unwrap() {
        let type_dir = type_dir.unwrap();
        if !type_dir.file_type().unwrap().is_dir() {
            continue;
        }
        let dir_name = type_dir.file_name().to_string_lossy().to_string();
        let kind = kind(&dir_name);
        for file in std::fs::read_dir(type_dir.path()).unwrap() {
            let file = file.unwrap();
            let rel = format!("{dir_name}/{}", file.file_name().to_string_lossy());
            seen += 1;
            let text = std::fs::read_to_string(file.path()).unwrap();
            let findings: Vec<landform::LintFinding> = match serde_json::from_str(&text) {
                Ok(doc) => landform::lint_policy(kind, &doc),
                Err(e) => vec![landform::LintFinding {
                    path: String::new(),
                    message: format!("not JSON: {e}"),
                    warning: false,
                }],
            };
            let rendered: Vec<String> = findings
                .iter()
                .map(|f| format!("{}: {f}", if f.warning { "warning" } else { "error" }))
                .collect();
            let Some(verdict) = expected.get(&rel) else {
                failures.push(format!("{rel}: not in expected.tsv; found {rendered:?}"));
                continue;
            };
            let ok = match verdict.split_once(": ") {
                None if verdict == "ok" => rendered.is_empty(),
                Some(("warning", text)) => {
                    !rendered.is_empty()
                        && rendered.iter().all(|r| r.starts_with("warning: "))
                        && rendered.iter().any(|r| r.contains(text))
                }
                Some(("error", text)) => rendered
                    .iter()
                    .any(|r| r.starts_with("error: ") && r.contains(text)),
                _ => false,
            };
            *counts
                .entry(match verdict.split_once(": ") {
                    Some(("warning", _)) => "valid with warnings",
                    Some(("error", _)) => "invalid",
                    _ => "valid",
                })
                .or_default() += 1;
            if !ok {
                failures.push(format!("{rel}: expected {verdict}, found {rendered:?}"));
            }
        }
    }
    println!("corpus: {seen} documents: {counts:?}");
    // Every document says where it came from and under which licence.
    let sources = std::fs::read_to_string(Path::new(DIR).join("SOURCES.md")).unwrap();
    for file in expected.keys() {
        if !sources.contains(&format!("| `{file}` |")) {
            failures.push(format!("{file}: no row in SOURCES.md"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        seen,
        expected.len(),
        "expected.tsv lists files that are gone"
    );
}
