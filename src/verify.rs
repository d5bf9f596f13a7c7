//! verify: every generated `.tf` parses as HCL and every `.json` as JSON, before anything is
//! written. A failure here is a template bug (built-in or the user's override).
//!
//! `.tf` files are parsed one top-level block at a time, on every core: hcl-rs takes time
//! superlinear in the length of one body, and a 10,000-account `accounts.tf` is one long body
//! of independent blocks.

use std::thread;

use crate::render::Tree;

/// A generated file that does not parse.
#[derive(Debug)]
pub struct VerifyError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated file `{}` does not parse: {}",
            self.file, self.message
        )
    }
}

/// One piece of work: a top-level HCL block (with its 1-based first line), or a JSON file.
struct Piece<'a> {
    file: &'a str,
    first_line: usize,
    text: &'a str,
    json: bool,
}

fn check(piece: &Piece) -> Option<VerifyError> {
    let result = if piece.json {
        serde_json::from_str::<serde_json::Value>(piece.text)
            .map(drop)
            .map_err(|e| e.to_string())
    } else {
        hcl::parse(piece.text).map(drop).map_err(|e| {
            if piece.first_line > 1 {
                format!(
                    "{e}\n(line numbers count from line {} of the file, where this block starts)",
                    piece.first_line
                )
            } else {
                e.to_string()
            }
        })
    };
    result.err().map(|message| VerifyError {
        file: piece.file.to_string(),
        message,
    })
}

/// [`check`], with a parser panic reported as this piece's failure (landform never writes a
/// file it could not check).
fn check_or_crash(piece: &Piece) -> Option<VerifyError> {
    guarded(piece, check)
}

fn guarded(piece: &Piece, check: impl Fn(&Piece) -> Option<VerifyError>) -> Option<VerifyError> {
    let run = std::panic::AssertUnwindSafe(|| check(piece));
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        Some(VerifyError {
            file: piece.file.to_string(),
            message: format!(
                "the parser crashed on the block at line {} (a parser bug); the file was not \
                 checked",
                piece.first_line
            ),
        })
    })
}

pub fn verify(tree: &Tree) -> Result<(), Vec<VerifyError>> {
    let mut pieces: Vec<Piece> = Vec::new();
    for (path, text) in tree {
        if path.ends_with(".tf") {
            for (first_line, block) in hclfmt::top_level(text) {
                pieces.push(Piece {
                    file: path,
                    first_line,
                    text: block,
                    json: false,
                });
            }
        } else if path.ends_with(".json") {
            pieces.push(Piece {
                file: path,
                first_line: 1,
                text,
                json: true,
            });
        }
    }
    // Largest first, dealt round-robin to one worker per core.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.text.len()));
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let mut errors: Vec<VerifyError> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let pieces = &pieces;
                s.spawn(move || {
                    pieces
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .filter_map(check_or_crash)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                // A worker that died is a failed check, never "no errors".
                h.join().unwrap_or_else(|_| {
                    vec![VerifyError {
                        file: "(verification)".to_string(),
                        message: "a parser thread stopped unexpectedly".to_string(),
                    }]
                })
            })
            .collect()
    });
    errors.sort_by(|a, b| a.file.cmp(&b.file));
    errors.dedup_by(|a, b| a.file == b.file);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_blocks_only() {
        let text =
            "# c\nresource \"a\" \"b\" {\n  x = \"{\"\n  y {\n  }\n}\n\nlocals {\n  z = 1\n}\n";
        let b = hclfmt::top_level(text);
        // The leading comment, the resource (with its nested block), the locals.
        assert_eq!(b.len(), 3, "{b:?}");
        assert!(b[1].1.starts_with("resource") && b[1].1.contains("y {"));
        assert_eq!(b[2].0, 8);
        assert!(b[2].1.starts_with("locals"));
    }

    #[test]
    fn a_broken_block_is_reported() {
        let mut tree = Tree::new();
        tree.insert(
            "a.tf".into(),
            "locals {\n  a = 1\n}\nlocals {\n  b = \n}\n".into(),
        );
        tree.insert("p.json".into(), "{\"a\": }".into());
        let errors = verify(&tree).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].message.contains("line 4"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_panicking_check_is_an_error_not_a_pass() {
        let piece = Piece {
            file: "a.tf",
            first_line: 7,
            text: "",
            json: false,
        };
        // A stand-in for a parser bug.
        let e = guarded(&piece, |_| panic!("parser bug")).unwrap();
        assert_eq!(e.file, "a.tf");
        assert!(e.message.contains("line 7"), "{}", e.message);
    }

    #[test]
    fn an_unclosed_block_is_reported() {
        let mut tree = Tree::new();
        tree.insert(
            "a.tf".into(),
            "locals {\n  a = 1\n\nlocals {\n  b = 2\n}\n".into(),
        );
        assert!(verify(&tree).is_err());
    }
}
