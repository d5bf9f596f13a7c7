//! Cutting generated HCL into its top-level blocks, so big files can be parsed and formatted
//! a block at a time: neither indentation nor `=` alignment ever crosses a top-level block.

/// Splits HCL text before each line that starts a top-level block or attribute, where the cut
/// cannot change the formatting: at bracket depth zero, outside strings, heredocs and
/// comments, and after a line that cannot belong to an `=` or comment alignment chain (a blank
/// line, a comment line, or a closing bracket without a trailing comment). Returns each piece
/// with its first line number.
pub fn top_level(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    let mut scan = Scanner::default();
    let mut prev_breaks_chains = true;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let first = line.chars().next().unwrap_or(' ');
        let starts_item = first.is_ascii_alphabetic() || first == '_';
        if starts_item && offset > start && scan.at_top() && prev_breaks_chains {
            out.push((start_line, &text[start..offset]));
            start = offset;
            start_line = i + 1;
        }
        scan.line(line);
        let t = line.trim();
        prev_breaks_chains = scan.at_top()
            && (t.is_empty()
                || t.starts_with('#')
                || t.starts_with("//")
                || (t.starts_with(['}', ']', ')']) && !t.contains(['#', '/'])));
        offset += line.len();
    }
    if start < text.len() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// Where a line-by-line scan of HCL stands: bracket depth and the open string, template,
/// heredoc or block comment.
#[derive(Default)]
struct Scanner {
    depth: i64,
    /// Open quoted strings / template expressions: `true` for a string, `false` for the
    /// expression of a `${`/`%{` (with its own brace count).
    modes: Vec<(bool, i64)>,
    heredoc: Option<String>,
    block_comment: bool,
}

impl Scanner {
    fn at_top(&self) -> bool {
        self.depth == 0 && self.modes.is_empty() && self.heredoc.is_none() && !self.block_comment
    }

    fn line(&mut self, line: &str) {
        if let Some(marker) = &self.heredoc {
            if line
                .trim_start_matches([' ', '\t'])
                .trim_end_matches(['\n', '\r'])
                == marker
            {
                self.heredoc = None;
            }
            // (interpolations inside a heredoc are balanced in valid HCL)
            return;
        }
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied().unwrap_or(0);
            if self.block_comment {
                if c == b'*' && next == b'/' {
                    self.block_comment = false;
                    i += 1;
                }
                i += 1;
                continue;
            }
            if let Some((true, _)) = self.modes.last() {
                match c {
                    b'\\' => i += 1,
                    b'"' | b'\n' => {
                        self.modes.pop();
                    }
                    b'$' | b'%' if next == b'{' => {
                        self.modes.push((false, 0));
                        i += 1;
                    }
                    b'$' | b'%' if next == c && b.get(i + 2) == Some(&b'{') => i += 2,
                    _ => {}
                }
                i += 1;
                continue;
            }
            match c {
                b'#' => return,
                b'/' if next == b'/' => return,
                b'/' if next == b'*' => {
                    self.block_comment = true;
                    i += 1;
                }
                b'"' => self.modes.push((true, 0)),
                b'<' if next == b'<' => {
                    let rest = line[i + 2..].trim_start_matches('-');
                    let marker = rest.trim_end_matches(['\n', '\r']);
                    let ident = !marker.is_empty()
                        && marker
                            .chars()
                            .all(|c| c == '_' || c == '-' || c.is_alphanumeric());
                    if ident && line.ends_with('\n') {
                        self.heredoc = Some(marker.to_string());
                        return;
                    }
                    i += 1;
                }
                b'{' | b'[' | b'(' => match self.modes.last_mut() {
                    Some((false, braces)) if c == b'{' => *braces += 1,
                    Some(_) => {}
                    None => self.depth += 1,
                },
                b'}' | b']' | b')' => match self.modes.last_mut() {
                    Some((false, 0)) if c == b'}' => {
                        self.modes.pop();
                    }
                    Some((false, braces)) if c == b'}' => *braces -= 1,
                    Some(_) => {}
                    None => self.depth -= 1,
                },
                _ => {}
            }
            i += 1;
        }
    }
}

/// Formats like [`crate::tidy`], one top-level block at a time: the same output,
/// with memory bounded by the largest block rather than the whole file (a 10,000-account
/// `accounts.tf` is several megabytes). Blank lines between blocks are kept, collapsed to one.
pub fn format_by_block(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut gap = false;
    for (_, block) in top_level(text) {
        let formatted = crate::tidy(block);
        if formatted.trim().is_empty() {
            gap |= !out.is_empty();
            continue;
        }
        if gap && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&formatted);
        gap = block.trim_end_matches([' ', '\t']).ends_with("\n\n") || block.ends_with("\n\n");
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_by_block_equals_formatting_whole() {
        let text = "# head\n\n\nresource \"a\" \"b\" {\n x = 1\n  long_name = \"{\"\n  y {\n  z=2\n  }\n}\n\n\n\nlocals {\n  a = 1\n}\n# tail\noutput \"o\" {\n  value = local.a\n}\n";
        assert_eq!(format_by_block(text), crate::tidy(text));
    }
}
