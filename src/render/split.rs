//! Cutting generated HCL into its top-level blocks, so big files can be parsed and formatted
//! a block at a time: neither indentation nor `=` alignment ever crosses a top-level block.

/// Splits HCL text before each line that starts a top-level block or attribute.
pub fn top_level(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let first = line.chars().next().unwrap_or(' ');
        let starts_item = first.is_ascii_alphabetic() || first == '_';
        if starts_item && offset > start && depth_zero(&text[start..offset]) {
            out.push((start_line, &text[start..offset]));
            start = offset;
            start_line = i + 1;
        }
        offset += line.len();
    }
    if start < text.len() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// Whether a piece of text closes every bracket it opens (outside strings and comments), so a
/// cut after it cannot split a block.
fn depth_zero(text: &str) -> bool {
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
    }
    depth == 0 && !in_string
}

/// Formats like [`super::hclfmt::format`], one top-level block at a time: the same output,
/// with memory bounded by the largest block rather than the whole file (a 10,000-account
/// `accounts.tf` is several megabytes). Blank lines between blocks are kept, collapsed to one.
pub fn format_by_block(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut gap = false;
    for (_, block) in top_level(text) {
        let formatted = super::hclfmt::format(block);
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
        assert_eq!(format_by_block(text), super::super::hclfmt::format(text));
    }
}
