//! The formatter against real `terraform fmt` on a corpus of real, permissively licensed
//! `.tf` files from public repositories (`tests/public/`, sources and licences in
//! `tests/public/SOURCES.md`), both as published and whitespace-mangled (indentation
//! stripped, doubled or made tabs, spaces around `=` collapsed and widened, spaces doubled,
//! spaces after commas removed, trailing spaces added, CRLF line ends). For every text: `hclfmt::format` equals `terraform fmt`
//! of the same text, formatting is idempotent, and the parse is kept.
//!
//! terraform runs once for all texts (a scratch folder, `terraform fmt .`). Without terraform
//! on PATH the terraform comparison skips loudly; where tools are required (CI, or
//! LANDFORM_REQUIRE_TOOLS set) it fails instead.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var_os("LANDFORM_REQUIRE_TOOLS").is_some() || std::env::var_os("CI").is_some()
}

fn terraform_available(test: &str) -> bool {
    let ok = Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if required() {
            panic!("{test}: terraform is required here (CI / LANDFORM_REQUIRE_TOOLS) but missing");
        }
        eprintln!(
            "\n!!!!! SKIPPED {test}: terraform not found on PATH. This test did NOT run. !!!!!\n"
        );
    }
    ok
}

fn public_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public")
}

/// Files SOURCES.md keeps out of the exact-equality check (a line `- excluded: <path>: why`).
fn excluded() -> Vec<String> {
    let sources = std::fs::read_to_string(public_dir().join("SOURCES.md")).expect("SOURCES.md");
    sources
        .lines()
        .filter_map(|l| l.strip_prefix("- excluded: "))
        .filter_map(|l| l.split(':').next())
        .map(|p| p.trim().trim_matches('`').to_string())
        .collect()
}

/// Every `.tf` file under tests/public, as (path relative to it, text), sorted.
fn corpus() -> Vec<(String, String)> {
    let root = public_dir();
    let mut out = Vec::new();
    for repo in std::fs::read_dir(&root).expect("tests/public").flatten() {
        if !repo.file_type().unwrap().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(repo.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "tf") {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read_to_string(&p).expect("UTF-8 corpus file")));
            }
        }
    }
    out.sort();
    out
}

/// Line-wise rewrite of `src`, keeping its line ends.
fn map_lines(src: &str, f: impl Fn(&str) -> String) -> String {
    src.split_inclusive('\n')
        .map(|l| {
            let (body, eol) = match l.strip_suffix("\r\n") {
                Some(b) => (b, "\r\n"),
                None => match l.strip_suffix('\n') {
                    Some(b) => (b, "\n"),
                    None => (l, ""),
                },
            };
            format!("{}{eol}", f(body))
        })
        .collect()
}

/// The whitespace manglings each file is also checked under, by name.
fn variants(src: &str) -> Vec<(&'static str, String)> {
    vec![
        ("as published", src.to_string()),
        (
            "indentation stripped",
            map_lines(src, |l| l.trim_start().to_string()),
        ),
        (
            "indentation doubled",
            map_lines(src, |l| {
                let body = l.trim_start();
                format!("{}{body}", " ".repeat(2 * (l.len() - body.len())))
            }),
        ),
        ("spaces around = collapsed", src.replace(" = ", "=")),
        ("spaces around = widened", src.replace(" = ", "   =    ")),
        (
            "single spaces doubled",
            map_lines(src, |l| {
                let body = l.trim_start();
                format!("{}{}", &l[..l.len() - body.len()], body.replace(' ', "  "))
            }),
        ),
        (
            // (not after a heredoc opener or a lone word, which may close one: `<<EOT   ` and
            // `EOT   ` are not heredoc markers)
            "trailing spaces",
            map_lines(src, |l| {
                let word = l.trim();
                let marker =
                    !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_');
                if marker || word.contains("<<") {
                    l.to_string()
                } else {
                    format!("{l}   ")
                }
            }),
        ),
        ("spaces after commas removed", src.replace(", ", ",")),
        (
            "indentation as tabs",
            map_lines(src, |l| {
                let body = l.trim_start();
                format!("{}{body}", "\t".repeat((l.len() - body.len()) / 2))
            }),
        ),
        (
            "CRLF line ends",
            src.replace("\r\n", "\n").replace('\n', "\r\n"),
        ),
    ]
}

/// `terraform fmt` of each text (`None` where terraform refuses it), one terraform run.
fn terraform_fmt(texts: &[String]) -> Vec<Option<String>> {
    let scratch = tempfile::tempdir().expect("scratch dir");
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(scratch.path().join(format!("f{i:06}.tf")), t).expect("write");
    }
    let out = Command::new("terraform")
        .args(["fmt", "-list=false", "-no-color", "."])
        .current_dir(scratch.path())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run terraform fmt");
    let stderr = String::from_utf8_lossy(&out.stderr);
    (0..texts.len())
        .map(|i| {
            let name = format!("f{i:06}.tf");
            if stderr.contains(&name) {
                return None;
            }
            std::fs::read_to_string(scratch.path().join(&name)).ok()
        })
        .collect()
}

fn first_difference(got: &str, want: &str) -> String {
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    let show = |s: &str| {
        s.lines()
            .skip(line.saturating_sub(2))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "line {}:\n--- hclfmt\n{}\n--- terraform fmt\n{}",
        line + 1,
        show(got),
        show(want)
    )
}

#[test]
fn public_corpus_equals_terraform_fmt() {
    if !terraform_available("public_corpus_equals_terraform_fmt") {
        return;
    }
    let skip = excluded();
    let files = corpus();
    assert!(files.len() >= 40, "the public corpus is in tests/public");
    let mut cases = Vec::new();
    for (path, src) in &files {
        if skip.contains(path) {
            continue;
        }
        for (variant, text) in variants(src) {
            cases.push((path.as_str(), variant, text));
        }
    }
    let texts: Vec<String> = cases.iter().map(|c| c.2.clone()).collect();
    let want = terraform_fmt(&texts);
    let (mut compared, mut reformatted, mut refused) = (0, 0, Vec::new());
    let mut mismatches = Vec::new();
    for ((path, variant, text), want) in cases.iter().zip(want) {
        let Some(want) = want else {
            // terraform must accept every file as published; a mangling may break one.
            assert_ne!(*variant, "as published", "terraform refused {path}");
            refused.push(format!("{path} ({variant})"));
            continue;
        };
        compared += 1;
        if want != *text {
            reformatted += 1;
        }
        let got = hclfmt::format(text);
        if got != want {
            mismatches.push(format!(
                "{path} ({variant}) {}",
                first_difference(&got, &want)
            ));
        }
    }
    eprintln!(
        "public corpus: {} files, {compared} texts compared with terraform fmt ({reformatted} of them changed by it), {} refused by terraform, {} differ",
        files.len(),
        refused.len(),
        mismatches.len()
    );
    // Manglings only move whitespace between tokens: terraform accepts every one.
    assert!(
        refused.is_empty(),
        "terraform refused mangled texts: {refused:?}"
    );
    // The manglings must give the formatter work: terraform rewrites most mangled texts.
    assert!(
        reformatted * 2 > compared,
        "only {reformatted} of {compared} texts needed formatting"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n\n{}",
        mismatches.len(),
        mismatches.join("\n\n")
    );
}

#[test]
fn public_corpus_is_idempotent_and_keeps_the_parse() {
    let files = corpus();
    assert!(files.len() >= 40, "the public corpus is in tests/public");
    for (path, src) in &files {
        for (variant, text) in variants(src) {
            let once = hclfmt::format(&text);
            assert_eq!(
                hclfmt::format(&once),
                once,
                "format of {path} ({variant}) is not idempotent"
            );
            if let Err(e) = support::same_parse::same_parse(&text, &once) {
                panic!("format of {path} ({variant}) changed the parse: {e}");
            }
        }
    }
}
