//! The formatter against real `terraform fmt`, on our own adversarial corpus (`tests/corpus/`,
//! every formatting rule) and, when `LANDFORM_TF_CORPUS` names a folder, on every `.tf` file
//! under it (for example clones of public module repositories; see `scripts/tf-corpus.sh`).
//! Without terraform on PATH the terraform comparisons skip loudly; where tools are required
//! (CI, or LANDFORM_REQUIRE_TOOLS set) they fail instead.

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

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every `.tf` file under `dir`, sorted.
fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !p
                    .file_name()
                    .is_some_and(|n| n == ".git" || n == ".terraform")
                {
                    stack.push(p);
                }
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "tf") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What `terraform fmt` makes of each file: `None` for a file terraform refuses (a syntax
/// error) or that is not UTF-8. One terraform run per call, over a scratch copy.
fn terraform_fmt(files: &[PathBuf]) -> Vec<Option<(String, String)>> {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let mut originals = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read(f)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if let Some(text) = &text {
            std::fs::write(scratch.path().join(format!("f{i:06}.tf")), text).expect("copy");
        }
        originals.push(text);
    }
    let out = Command::new("terraform")
        .args(["fmt", "-list=false", "-no-color", "."])
        .current_dir(scratch.path())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run terraform fmt");
    // terraform names the files it could not parse; those are left out.
    let stderr = String::from_utf8_lossy(&out.stderr);
    originals
        .into_iter()
        .enumerate()
        .map(|(i, original)| {
            let name = format!("f{i:06}.tf");
            let original = original?;
            if stderr.contains(&name) {
                return None;
            }
            let formatted = std::fs::read_to_string(scratch.path().join(&name)).ok()?;
            Some((original, formatted))
        })
        .collect()
}

/// Compares hclfmt with terraform fmt on `files`: (compared, mismatching files with a diff).
fn compare(files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for (path, pair) in files.iter().zip(terraform_fmt(files)) {
        let Some((original, want)) = pair else {
            continue;
        };
        compared += 1;
        let got = hclfmt::format(&original);
        if got != want {
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
            mismatches.push(format!(
                "{} (line {}):\n--- hclfmt\n{}\n--- terraform fmt\n{}",
                path.display(),
                line + 1,
                show(&got),
                show(&want)
            ));
        }
    }
    (compared, mismatches)
}

#[test]
fn corpus_equals_terraform_fmt() {
    if !terraform_available("corpus_equals_terraform_fmt") {
        return;
    }
    let files = tf_files(&corpus_dir());
    assert!(files.len() >= 10, "the corpus is in tests/corpus");
    let (compared, mismatches) = compare(&files);
    assert_eq!(compared, files.len(), "terraform refused a corpus file");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn corpus_is_idempotent_and_keeps_the_parse() {
    for f in tf_files(&corpus_dir()) {
        let src = std::fs::read_to_string(&f).unwrap();
        for (name, once) in [
            ("format", hclfmt::format(&src)),
            ("tidy", hclfmt::tidy(&src)),
        ] {
            let fmt = if name == "format" {
                hclfmt::format
            } else {
                hclfmt::tidy
            };
            assert_eq!(
                fmt(&once),
                once,
                "{name} of {} is not idempotent",
                f.display()
            );
            if let Err(e) = support::same_parse::same_parse(&src, &once) {
                panic!("{name} of {}: {e}", f.display());
            }
        }
        assert_eq!(
            hclfmt::format_by_block(&src),
            hclfmt::tidy(&src),
            "format_by_block of {}",
            f.display()
        );
    }
}

/// Tidy output is a fixed point of terraform fmt.
#[test]
fn tidy_output_is_stable_under_terraform_fmt() {
    if !terraform_available("tidy_output_is_stable_under_terraform_fmt") {
        return;
    }
    let files = tf_files(&corpus_dir());
    let dir = tempfile::tempdir().unwrap();
    let mut tidied = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let p = dir.path().join(format!("t{i}.tf"));
        std::fs::write(&p, hclfmt::tidy(&std::fs::read_to_string(f).unwrap())).unwrap();
        tidied.push(p);
    }
    for (p, pair) in tidied.iter().zip(terraform_fmt(&tidied)) {
        let (before, after) = pair.expect("tidy output parses for terraform");
        assert_eq!(
            before,
            after,
            "terraform fmt changes tidy output of {}",
            p.display()
        );
    }
}

/// `LANDFORM_TF_CORPUS=<folder> cargo test -p hclfmt --test corpus external`: every `.tf`
/// file under the folder, compared with terraform fmt. Prints the counts.
#[test]
fn external_corpus_equals_terraform_fmt() {
    let Some(dir) = std::env::var_os("LANDFORM_TF_CORPUS") else {
        eprintln!(
            "external_corpus_equals_terraform_fmt: LANDFORM_TF_CORPUS not set, nothing to compare"
        );
        return;
    };
    if !terraform_available("external_corpus_equals_terraform_fmt") {
        return;
    }
    let files = tf_files(Path::new(&dir));
    let (compared, mismatches) = compare(&files);
    eprintln!(
        "external corpus: {} .tf files, {compared} compared (terraform parses them), {} equal, {} differ",
        files.len(),
        compared - mismatches.len(),
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
