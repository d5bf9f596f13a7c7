//! verify: every generated `.tf` parses as HCL and every `.json` as JSON, before anything is
//! written. A failure here is a template bug (built-in or the user's override).
//!
//! `.tf` files are parsed one top-level block at a time, on every core: hcl-rs takes time
//! superlinear in the length of one body, and a 10,000-account `accounts.tf` is one long body
//! of independent blocks.
//!
//! Most of those blocks differ only in names and strings: the per-account resources, the
//! per-account lines of a big `locals` list. So each block is first reduced to its
//! [`skeleton`], which parses exactly when a block of its shape parses, and each distinct
//! skeleton is parsed once. A block whose skeleton fails to parse (or that has none) is parsed
//! itself, so an error is always the parser's own message about the real text.

use std::collections::HashMap;

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

/// The text of an HCL block with every detail that cannot change whether it parses taken
/// out, or None when the block holds something this reduction does not handle (a heredoc, a
/// block comment, a string with an escape or a template, text outside strings and comments
/// that is not ASCII). In the skeleton:
///
/// - every quoted string of printable ASCII without `\`, `$` and `%` is `""` (such a string is
///   always one valid literal token, whatever its characters);
/// - every line comment is gone, its line end kept (a comment is a line end to the grammar), when
///   it holds no control character;
/// - every attribute name after a `.` (not a keyword, not after a digit) is `x`;
/// - a run of identical lines that each hold one whole element of a list (a line that starts
///   with `{` or `[`, ends with `},` or `],` and has balanced brackets), right after a line that
///   ends with `,` or `= [`, is one line: in a list, after a comma, `E,` leads back to where it
///   started, so one copy parses exactly when any number of them does.
///
/// So a skeleton that parses means the block parses. Equal skeletons are parsed once.
fn skeleton(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() / 2);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                let end = b[i + 1..].iter().position(|&c| c == b'"')? + i + 1;
                let plain = b[i + 1..end]
                    .iter()
                    .all(|&c| (0x20..0x7f).contains(&c) && !matches!(c, b'\\' | b'$' | b'%'));
                if !plain {
                    return None;
                }
                out.push_str("\"\"");
                i = end + 1;
            }
            b'#' | b'/' if c == b'#' || b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |n| n + i);
                let comment = &text[i..end];
                if comment.chars().any(|c| c.is_control() && c != '\t') {
                    return None;
                }
                // (spaces before a line end mean nothing either)
                while out.ends_with([' ', '\t']) {
                    out.pop();
                }
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => return None,
            b'<' if b.get(i + 1) == Some(&b'<') => return None,
            b'.' if !out.ends_with(|c: char| c.is_ascii_digit())
                && b.get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let len = b[i + 1..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-'))
                    .unwrap_or(b.len() - i - 1);
                let name = &text[i + 1..i + 1 + len];
                out.push('.');
                if matches!(name, "true" | "false" | "null" | "for" | "in" | "if") {
                    out.push_str(name);
                } else {
                    out.push('x');
                }
                i += 1 + len;
            }
            c if !c.is_ascii() => return None,
            _ => {
                out.push(c as char);
                i += 1;
            }
        }
    }
    Some(collapse(&out))
}

/// [`skeleton`]'s last step: runs of identical list-element lines kept once.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<&str> = None;
    // Whether the last line kept ends with a separator, and whether the line before it did
    // (the start of a run must itself follow one).
    let mut after_separator = false;
    let mut run_follows_separator = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if prev == Some(line) && run_follows_separator && is_element_line(t) {
            continue;
        }
        out.push_str(line);
        run_follows_separator = after_separator;
        after_separator = t.ends_with(',') || t.ends_with("= [");
        prev = Some(line);
    }
    out
}

/// A line that holds one whole list element and its comma: `{ … },` or `[ … ],`, with its
/// brackets balanced and never closing below the line's start.
fn is_element_line(t: &str) -> bool {
    if !(t.starts_with(['{', '[']) && (t.ends_with("},") || t.ends_with("],"))) {
        return false;
    }
    let mut depth = 0i32;
    for c in t.bytes() {
        match c {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Every `.tf` file parses as HCL and every `.json` file as JSON; else the files that do not,
/// each with the parser's message.
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
    // One piece per distinct skeleton stands for all of its shape; the rest wait for its
    // verdict. Pieces without a skeleton are checked themselves.
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut work: Vec<Work> = Vec::new();
    let mut waiting: Vec<(usize, usize)> = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        match (!piece.json).then(|| skeleton(piece.text)).flatten() {
            Some(shape) => match shapes.get(&shape) {
                Some(&w) => waiting.push((w, i)),
                None => {
                    shapes.insert(shape.clone(), work.len());
                    work.push(Work::Shape(shape, i));
                }
            },
            None => work.push(Work::Piece(i)),
        }
    }
    drop(shapes);
    // Each unit's verdict: whether its shape failed, and the error of the piece checked.
    let size = |w: &Work| match w {
        Work::Shape(shape, _) => shape.len(),
        Work::Piece(i) => pieces[*i].text.len(),
    };
    let (verdicts, mut errors) = run_all(&work, size, |w| match w {
        Work::Shape(shape, i) => {
            let stand_in = Piece {
                file: pieces[*i].file,
                first_line: pieces[*i].first_line,
                text: shape,
                json: false,
            };
            match check_or_crash(&stand_in) {
                None => (false, None),
                // A skeleton that does not parse: the piece itself gives the message.
                Some(_) => (true, check_or_crash(&pieces[*i])),
            }
        }
        Work::Piece(i) => (false, check_or_crash(&pieces[*i])),
    });
    let failed: Vec<bool> = verdicts.iter().map(|v| v.0).collect();
    errors.extend(verdicts.into_iter().filter_map(|v| v.1));
    // The other pieces of a shape that failed are checked themselves.
    let recheck: Vec<Work> = waiting
        .iter()
        .filter(|(w, _)| failed[*w])
        .map(|(_, i)| Work::Piece(*i))
        .collect();
    let (verdicts, died) = run_all(&recheck, size, |w| match w {
        Work::Piece(i) => (false, check_or_crash(&pieces[*i])),
        Work::Shape(..) => (false, None),
    });
    errors.extend(died);
    errors.extend(verdicts.into_iter().filter_map(|v| v.1));
    errors.sort_by(|a, b| a.file.cmp(&b.file));
    errors.dedup_by(|a, b| a.file == b.file);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A unit of checking: a distinct skeleton (with the index of the first piece of that shape),
/// or a piece checked as it is.
enum Work {
    Shape(String, usize),
    Piece(usize),
}

/// What checking one unit found: whether its skeleton failed, and the error to report.
type Verdict = (bool, Option<VerifyError>);

/// Runs `check` on every unit of work, largest first, dealt round-robin to one worker per
/// core: the verdicts in the order of `work`, and an error for each worker that died.
fn run_all(
    work: &[Work],
    size: impl Fn(&Work) -> usize,
    check: impl Fn(&Work) -> Verdict + Sync,
) -> (Vec<Verdict>, Vec<VerifyError>) {
    let mut verdicts: Vec<Verdict> = (0..work.len()).map(|_| (false, None)).collect();
    let mut died = Vec::new();
    if work.is_empty() {
        return (verdicts, died);
    }
    let mut order: Vec<usize> = (0..work.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&work[i])));
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(work.len());
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (order, check) = (&order, &check);
                s.spawn(move || {
                    order
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .map(|&i| (i, check(&work[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(done) => {
                    for (i, v) in done {
                        verdicts[i] = v;
                    }
                }
                // A worker that died is a failed check, never "no errors".
                Err(_) => died.push(VerifyError {
                    file: "(verification)".to_string(),
                    message: "a parser thread stopped unexpectedly".to_string(),
                }),
            }
        }
    });
    (verdicts, died)
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
    fn blocks_that_differ_in_names_and_strings_share_a_skeleton() {
        let a = "resource \"aws_x\" \"a_dev\" {\n  name = \"a-dev\" # the name\n  parent = aws_y.prod.id\n}\n";
        let b =
            "resource \"aws_x\" \"b_dev\" {\n  name = \"b-dev\"\n  parent = aws_y.nonprod.id\n}\n";
        assert_eq!(skeleton(a), skeleton(b));
        assert!(skeleton(a).unwrap().contains("aws_y.x.x"));
        // What the reduction does not handle is parsed itself.
        for other in [
            "a = \"${b}\"\n",
            "a = <<EOT\nx\nEOT\n",
            "a = \"\\n\"\n",
            "/* c */\n",
            "a = \"é\"\n",
        ] {
            assert_eq!(skeleton(other), None, "{other}");
        }
        // Keywords and numbers stay.
        assert_eq!(
            skeleton("a = b.null + 1.5\n").unwrap(),
            "a = b.null + 1.5\n"
        );
    }

    #[test]
    fn only_whole_list_elements_after_a_comma_are_collapsed() {
        let list = "locals {\n  l = [\n    { k = \"a\" },\n    { k = \"b\" },\n    { k = \"c\" },\n  ]\n}\n";
        assert_eq!(
            skeleton(list).unwrap(),
            "locals {\n  l = [\n    { k = \"\" },\n  ]\n}\n"
        );
        // The first copy completes a conditional: one copy would parse, three do not.
        let tricky =
            "locals {\n  l = [x ?\n    {a = 1} : {b = 2},\n    {a = 1} : {b = 2},\n  ]\n}\n";
        assert_eq!(skeleton(tricky).unwrap(), tricky);
        let mut tree = Tree::new();
        tree.insert("t.tf".into(), tricky.into());
        assert!(verify(&tree).is_err());
    }

    #[test]
    fn every_file_of_a_failing_shape_is_reported_with_its_own_message() {
        let mut tree = Tree::new();
        // The same shape in two files, and a good block of another shape.
        tree.insert("a.tf".into(), "locals {\n  a = \"x\" \"y\"\n}\n".into());
        tree.insert("b.tf".into(), "locals {\n  a = \"z\" \"w\"\n}\n".into());
        tree.insert("c.tf".into(), "locals {\n  a = \"x\"\n}\n".into());
        let errors = verify(&tree).unwrap_err();
        let files: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["a.tf", "b.tf"]);
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
