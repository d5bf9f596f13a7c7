//! A temporary landing-zone repo and a way to run the real `landform` binary in it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Fixture {
    dir: tempfile::TempDir,
}

/// What a landform run did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// stdout and stderr, with the fixture's temporary path replaced by `[TMP]`.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A preset's text, as shipped.
pub fn preset(name: &str) -> &'static str {
    landform::preset(name).unwrap_or_else(|| panic!("no preset {name}"))
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::Builder::new()
                .prefix("landform-test")
                .tempdir()
                .expect("tempdir"),
        }
    }

    /// A fixture whose `landform.yaml` is this text.
    pub fn with_blueprint(text: &str) -> Fixture {
        let f = Fixture::new();
        f.write("landform.yaml", text);
        f
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.join(rel).exists()
    }

    /// Runs the landform binary in the fixture's folder.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_env(args, &[("NO_COLOR", Some("1"))])
    }

    /// [`Fixture::run`] with these environment variables set (`Some`) or removed (`None`)
    /// instead of the default `NO_COLOR=1`.
    pub fn run_env(&self, args: &[&str], env: &[(&str, Option<&str>)]) -> Outcome {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_landform"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("NO_COLOR");
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let out = cmd.output().expect("run landform");
        let clean = |b: &[u8]| {
            String::from_utf8_lossy(b).replace(&self.path().display().to_string(), "[TMP]")
        };
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    /// Runs and asserts the exit code.
    pub fn run_ok(&self, args: &[&str]) -> Outcome {
        let o = self.run(args);
        assert_eq!(o.code, 0, "landform {args:?} failed:\n{}", o.text());
        o
    }

    /// Every file below `rel` (relative paths, sorted) with its content.
    pub fn tree(&self, rel: &str) -> Vec<(String, String)> {
        let root = self.join(rel);
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, std::fs::read_to_string(e.path()).unwrap_or_default())
            })
            .collect();
        files.sort();
        files
    }
}
