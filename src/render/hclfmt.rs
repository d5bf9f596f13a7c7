//! A `terraform fmt` work-alike for the HCL that our templates emit.
//!
//! [`format`] tokenises the input and then applies, token for token, the
//! algorithm of hclwrite's formatter (`hclwrite/format.go`) plus the extra
//! rewrites that `terraform fmt` performs on top of it (`internal/command/fmt.go`):
//!
//! * indentation by the per-line net bracket count with hclwrite's indent stack
//!   (`{ [ ( ${ %{` open, `} ] ) }` close; a line with a net decrease is
//!   dedented *before* it is printed, so `2]` ends up at the outer level);
//! * intra-line spacing by hclwrite's `spaceAfterToken` rules;
//! * alignment of the `=` of consecutive single-line assignments and of
//!   trailing line comments ("cells"); columns are counted in grapheme
//!   clusters, as hclwrite does;
//! * terraform's `"${expr}"` -> `expr` unwrapping of block attribute values,
//!   legacy `variable` `type` rewriting and canonical re-quoting of block
//!   labels.
//!
//! On top of that it normalises blank lines (leading/trailing blank lines
//! dropped, runs collapsed, none directly after a line ending in an opening
//! bracket or directly before a line starting with a closing bracket), strips
//! trailing whitespace (also inside line comments) and ends the output with
//! exactly one newline. `terraform fmt` keeps all of those as they are, so the
//! output is still a fixed point of `terraform fmt`.
//!
//! Not supported: heredocs (`<<EOT`), which are passed through token-wise and
//! will be mangled. Everything runs in time linear in the input size.

use std::borrow::Cow;

/// Formats `src` the way `terraform fmt` would (see the module docs).
pub fn format(src: &str) -> String {
    let toks = restructure(lex(src));
    let mut lines = split_lines(&toks);
    normalize_blank_lines(&toks, &mut lines);
    let spaces = layout(&toks, &mut lines);

    let mut out = String::with_capacity(src.len() + src.len() / 8);
    for line in &lines {
        for i in line.start..line.end {
            push_spaces(&mut out, spaces[i]);
            out.push_str(&toks[i].text);
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Nil,
    Ident,
    Number,
    OQuote,
    Lit,
    CQuote,
    Interp,
    Control,
    SeqEnd,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    Comma,
    Dot,
    Ellipsis,
    Colon,
    DoubleColon,
    Question,
    Equal,
    EqualOp,
    NotEqual,
    Lt,
    Le,
    Gt,
    Ge,
    Arrow,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    And,
    Or,
    Bang,
    Newline,
    /// `#` or `//` comment; the text excludes the newline, which it consumes.
    LineComment,
    BlockComment,
    Other,
}

#[derive(Clone, Debug)]
struct Tok<'a> {
    k: K,
    text: Cow<'a, str>,
}

impl<'a> Tok<'a> {
    fn new(k: K, text: &'a str) -> Self {
        Tok {
            k,
            text: Cow::Borrowed(text),
        }
    }
    fn owned(k: K, text: String) -> Self {
        Tok {
            k,
            text: Cow::Owned(text),
        }
    }
}

fn bracket_change(k: K) -> i32 {
    match k {
        K::OBrace | K::OBrack | K::OParen | K::Interp | K::Control => 1,
        K::CBrace | K::CBrack | K::CParen | K::SeqEnd => -1,
        _ => 0,
    }
}

fn lex(src: &str) -> Vec<Tok<'_>> {
    enum Mode {
        Expr { braces: usize },
        Quoted,
    }
    let b = src.as_bytes();
    let n = b.len();
    let mut modes = vec![Mode::Expr { braces: 0 }];
    let mut out: Vec<Tok<'_>> = Vec::with_capacity(n / 3);
    let mut i = 0;
    // Skip a UTF-8 byte order mark.
    if src.starts_with('\u{feff}') {
        i = 3;
    }
    while i < n {
        let nested = modes.len() > 1;
        match modes.last_mut().expect("mode stack never empty") {
            Mode::Quoted => {
                let start = i;
                while i < n {
                    match b[i] {
                        b'"' | b'\n' => break,
                        b'\\' => i += if i + 1 < n && b[i + 1] != b'\n' { 2 } else { 1 },
                        c @ (b'$' | b'%') => {
                            if b.get(i + 1) == Some(&b'{') {
                                break;
                            }
                            if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
                                i += 3;
                            } else {
                                i += 1;
                            }
                        }
                        _ => i += 1,
                    }
                }
                if i > start {
                    out.push(Tok::new(K::Lit, &src[start..i]));
                }
                if i >= n {
                    break;
                }
                match b[i] {
                    b'"' => {
                        out.push(Tok::new(K::CQuote, "\""));
                        modes.pop();
                        i += 1;
                    }
                    // Unterminated string: give up on it, let the newline end the line.
                    b'\n' => {
                        modes.pop();
                    }
                    c => {
                        let len = if b.get(i + 2) == Some(&b'~') { 3 } else { 2 };
                        let k = if c == b'$' { K::Interp } else { K::Control };
                        out.push(Tok::new(k, &src[i..i + len]));
                        modes.push(Mode::Expr { braces: 0 });
                        i += len;
                    }
                }
            }
            Mode::Expr { braces } => {
                let c = b[i];
                let next = b.get(i + 1).copied().unwrap_or(0);
                let (k, len) = match c {
                    b' ' | b'\t' | b'\r' => {
                        i += 1;
                        continue;
                    }
                    b'\n' => (K::Newline, 1),
                    b'#' => {
                        i = line_comment(src, i, &mut out);
                        continue;
                    }
                    b'/' if next == b'/' => {
                        i = line_comment(src, i, &mut out);
                        continue;
                    }
                    b'/' if next == b'*' => {
                        let end = src[i + 2..].find("*/").map_or(n, |p| i + 2 + p + 2);
                        (K::BlockComment, end - i)
                    }
                    b'"' => {
                        out.push(Tok::new(K::OQuote, "\""));
                        modes.push(Mode::Quoted);
                        i += 1;
                        continue;
                    }
                    b'{' => {
                        *braces += 1;
                        (K::OBrace, 1)
                    }
                    b'}' if *braces == 0 && nested => {
                        modes.pop();
                        (K::SeqEnd, 1)
                    }
                    b'~' if next == b'}' && *braces == 0 && nested => {
                        modes.pop();
                        (K::SeqEnd, 2)
                    }
                    b'}' => {
                        *braces = braces.saturating_sub(1);
                        (K::CBrace, 1)
                    }
                    b'[' => (K::OBrack, 1),
                    b']' => (K::CBrack, 1),
                    b'(' => (K::OParen, 1),
                    b')' => (K::CParen, 1),
                    b',' => (K::Comma, 1),
                    b'.' if next == b'.' && b.get(i + 2) == Some(&b'.') => (K::Ellipsis, 3),
                    b'.' => (K::Dot, 1),
                    b':' if next == b':' => (K::DoubleColon, 2),
                    b':' => (K::Colon, 1),
                    b'?' => (K::Question, 1),
                    b'=' if next == b'=' => (K::EqualOp, 2),
                    b'=' if next == b'>' => (K::Arrow, 2),
                    b'=' => (K::Equal, 1),
                    b'!' if next == b'=' => (K::NotEqual, 2),
                    b'!' => (K::Bang, 1),
                    b'<' if next == b'=' => (K::Le, 2),
                    b'<' => (K::Lt, 1),
                    b'>' if next == b'=' => (K::Ge, 2),
                    b'>' => (K::Gt, 1),
                    b'&' if next == b'&' => (K::And, 2),
                    b'|' if next == b'|' => (K::Or, 2),
                    b'+' => (K::Plus, 1),
                    b'-' => (K::Minus, 1),
                    b'*' => (K::Star, 1),
                    b'/' => (K::Slash, 1),
                    b'%' => (K::Percent, 1),
                    b'0'..=b'9' => (K::Number, number_len(b, i)),
                    _ => {
                        let ch = src[i..].chars().next().expect("in bounds");
                        if ch == '_' || ch.is_alphabetic() {
                            (K::Ident, ident_len(src, i))
                        } else {
                            (K::Other, ch.len_utf8())
                        }
                    }
                };
                out.push(Tok::new(k, &src[i..i + len]));
                i += len;
            }
        }
    }
    out
}

/// Lexes a `#`/`//` comment starting at `i`, trimming trailing whitespace and
/// consuming the terminating newline. Returns the index after it.
fn line_comment<'a>(src: &'a str, i: usize, out: &mut Vec<Tok<'a>>) -> usize {
    let end = src[i..].find('\n').map_or(src.len(), |p| i + p);
    out.push(Tok::new(K::LineComment, src[i..end].trim_end()));
    (end + 1).min(src.len())
}

fn number_len(b: &[u8], start: usize) -> usize {
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i = digits(i + 1);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            i = digits(j);
        }
    }
    i - start
}

fn ident_len(src: &str, start: usize) -> usize {
    let mut len = 0;
    for ch in src[start..].chars() {
        if ch == '_' || ch == '-' || ch.is_alphanumeric() || (len > 0 && is_extend(ch as u32)) {
            len += ch.len_utf8();
        } else {
            break;
        }
    }
    len
}

// ---------------------------------------------------------------------------
// terraform fmt's structural rewrites (formatBody in internal/command/fmt.go)

fn restructure(toks: Vec<Tok<'_>>) -> Vec<Tok<'_>> {
    let n = toks.len();
    let mut out: Vec<Tok<'_>> = Vec::with_capacity(n);
    // One entry per open block body: is it the body of a top-level `variable`?
    let mut bodies: Vec<bool> = Vec::new();
    let mut toks = toks.into_iter().map(Some).collect::<Vec<_>>();
    let kind =
        |toks: &[Option<Tok<'_>>], i: usize| toks.get(i).and_then(|t| t.as_ref().map(|t| t.k));
    let mut i = 0;
    let mut at_item_start = true;
    while i < n {
        let k = kind(&toks, i).expect("unconsumed");
        match k {
            K::Newline | K::LineComment => {
                at_item_start = true;
                out.push(toks[i].take().expect("unconsumed"));
                i += 1;
            }
            K::CBrace if !bodies.is_empty() => {
                bodies.pop();
                out.push(toks[i].take().expect("unconsumed"));
                i += 1;
            }
            K::Ident if at_item_start && kind(&toks, i + 1) == Some(K::Equal) => {
                let in_variable = bodies.last() == Some(&true);
                let name_is_type = toks[i].as_ref().is_some_and(|t| t.text == "type");
                out.push(toks[i].take().expect("unconsumed"));
                out.push(toks[i + 1].take().expect("unconsumed"));
                // The expression runs to the end of the line at bracket depth 0
                // (or to the `}` closing a one-line block).
                let start = i + 2;
                let mut end = start;
                let mut depth = 0i32;
                while end < n {
                    let k = kind(&toks, end).expect("unconsumed");
                    if depth <= 0 && matches!(k, K::Newline | K::LineComment | K::CBrace) {
                        break;
                    }
                    depth += bracket_change(k);
                    end += 1;
                }
                let expr: Vec<Tok<'_>> = toks[start..end]
                    .iter_mut()
                    .map(|t| t.take().expect("unconsumed"))
                    .collect();
                let expr = if in_variable && name_is_type {
                    type_expr(expr)
                } else {
                    value_expr(expr)
                };
                out.extend(expr);
                at_item_start = false;
                i = end;
            }
            K::Ident if at_item_start => {
                // Block header: IDENT (IDENT | "label")* {
                let mut j = i + 1;
                let mut labels: Vec<(usize, usize)> = Vec::new();
                let found = loop {
                    match kind(&toks, j) {
                        Some(K::Ident) => {
                            labels.push((j, j + 1));
                            j += 1;
                        }
                        Some(K::OQuote) => {
                            let s = j;
                            j += 1;
                            while kind(&toks, j) == Some(K::Lit) {
                                j += 1;
                            }
                            if kind(&toks, j) != Some(K::CQuote) {
                                break false;
                            }
                            j += 1;
                            labels.push((s, j));
                        }
                        Some(K::BlockComment) => j += 1,
                        Some(K::OBrace) => break true,
                        _ => break false,
                    }
                };
                if !found {
                    out.push(toks[i].take().expect("unconsumed"));
                    at_item_start = false;
                    i += 1;
                    continue;
                }
                let is_variable =
                    bodies.is_empty() && toks[i].as_ref().is_some_and(|t| t.text == "variable");
                out.push(toks[i].take().expect("unconsumed"));
                for (s, e) in labels {
                    let canonical = label_tokens(&toks[s..e]);
                    match canonical {
                        Some(text) => {
                            out.push(Tok::new(K::OQuote, "\""));
                            if !text.is_empty() {
                                out.push(Tok::owned(K::Lit, text));
                            }
                            out.push(Tok::new(K::CQuote, "\""));
                            for t in &mut toks[s..e] {
                                t.take();
                            }
                        }
                        None => out.extend(toks[s..e].iter_mut().map(|t| t.take().expect("x"))),
                    }
                }
                // Comments between labels are dropped, as terraform fmt does.
                out.push(toks[j].take().expect("unconsumed"));
                bodies.push(is_variable);
                at_item_start = true;
                i = j + 1;
            }
            _ => {
                at_item_start = false;
                out.push(toks[i].take().expect("unconsumed"));
                i += 1;
            }
        }
    }
    out
}

/// `"${expr}"` -> `expr` (terraform's formatValueExpr).
fn value_expr(tokens: Vec<Tok<'_>>) -> Vec<Tok<'_>> {
    let n = tokens.len();
    if n < 5
        || tokens[0].k != K::OQuote
        || tokens[1].k != K::Interp
        || tokens[n - 2].k != K::SeqEnd
        || tokens[n - 1].k != K::CQuote
    {
        return tokens;
    }
    let mut quotes = 0;
    for t in &tokens[2..n - 2] {
        match t.k {
            K::OQuote => quotes += 1,
            K::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            K::Interp | K::SeqEnd | K::Lit => return tokens,
            _ => {}
        }
    }
    let mut inner: Vec<Tok<'_>> = tokens.into_iter().skip(2).take(n - 4).collect();
    while inner.last().is_some_and(|t| t.k == K::Newline) {
        inner.pop();
    }
    let lead = inner.iter().take_while(|t| t.k == K::Newline).count();
    inner.drain(..lead);
    let multi_line = inner.iter().any(|t| t.k == K::Newline);
    let parened = inner.first().is_some_and(|t| t.k == K::OParen)
        && inner.last().is_some_and(|t| t.k == K::CParen);
    if multi_line && !parened {
        inner.insert(0, Tok::new(K::OParen, "("));
        inner.push(Tok::new(K::CParen, ")"));
    }
    inner
}

/// Legacy type constraints in top-level `variable` blocks (formatTypeExpr).
fn type_expr(tokens: Vec<Tok<'_>>) -> Vec<Tok<'_>> {
    let collection = |name: &'static str, elem: &'static str| {
        vec![
            Tok::new(K::Ident, name),
            Tok::new(K::OParen, "("),
            Tok::new(K::Ident, elem),
            Tok::new(K::CParen, ")"),
        ]
    };
    match tokens.as_slice() {
        [t] if t.k == K::Ident => match &*t.text {
            "list" => collection("list", "any"),
            "map" => collection("map", "any"),
            "set" => collection("set", "any"),
            _ => tokens,
        },
        [q, t, c] if q.k == K::OQuote && t.k == K::Lit && c.k == K::CQuote => match &*t.text {
            "string" => vec![Tok::new(K::Ident, "string")],
            "list" => collection("list", "string"),
            "map" => collection("map", "string"),
            _ => tokens,
        },
        _ => tokens,
    }
}

/// Canonical literal text for a block label (terraform fmt re-encodes every
/// label), or `None` to keep the tokens as they are. Labels containing `$` or
/// `%` are kept: terraform fmt itself drops those labels (hclwrite splits the
/// literal there), so they can never be fmt-stable and must not be emitted.
fn label_tokens(toks: &[Option<Tok<'_>>]) -> Option<String> {
    let toks: Vec<&Tok<'_>> = toks.iter().flatten().collect();
    match toks.as_slice() {
        [t] if t.k == K::Ident => Some(t.text.to_string()),
        [_, _] => Some(String::new()),
        [_, lit, _] if lit.k == K::Lit && !lit.text.contains(['$', '%']) => {
            decode_literal(&lit.text).map(|s| encode_literal(&s))
        }
        _ => None,
    }
}

fn decode_literal(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            u @ ('u' | 'U') => {
                let digits = if u == 'u' { 4 } else { 8 };
                let mut cp = 0u32;
                for _ in 0..digits {
                    cp = cp * 16 + chars.next()?.to_digit(16)?;
                }
                out.push(char::from_u32(cp)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// hclwrite's escapeQuotedStringLit (labels never contain `$`/`%` here).
fn encode_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if super::escape::is_print(c) => out.push(c),
            c if (c as u32) < 0x1_0000 => out.push_str(&std::format!("\\u{:04x}", c as u32)),
            c => out.push_str(&std::format!("\\U{:08x}", c as u32)),
        }
    }
    out
}

fn in_table(table: &[(u32, u32)], cp: u32) -> bool {
    let idx = table.partition_point(|&(_, hi)| hi < cp);
    idx < table.len() && table[idx].0 <= cp
}

// ---------------------------------------------------------------------------
// Lines and cells (hclwrite/format.go)

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Index of the first token of the "assign" cell, if any.
    assign: Option<usize>,
    /// Whether the last token is a trailing comment in its own cell.
    comment: bool,
}

fn split_lines(toks: &[Tok<'_>]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.k {
            K::Newline => {
                lines.push(new_line(toks, start, i));
                start = i + 1;
            }
            K::LineComment => {
                lines.push(new_line(toks, start, i + 1));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() {
        lines.push(new_line(toks, start, toks.len()));
    }
    lines
}

fn new_line(toks: &[Tok<'_>], start: usize, end: usize) -> Line {
    let comment = end - start > 1 && toks[end - 1].k == K::LineComment;
    let lead_end = if comment { end - 1 } else { end };
    let mut assign = None;
    if let Some(eq) = (start + 1..lead_end).find(|&i| toks[i].k == K::Equal) {
        let net: i32 = toks[eq..lead_end].iter().map(|t| bracket_change(t.k)).sum();
        if net == 0 {
            assign = Some(eq);
        }
    }
    Line {
        start,
        end,
        assign,
        comment,
    }
}

fn normalize_blank_lines(toks: &[Tok<'_>], lines: &mut Vec<Line>) {
    let ends_open = |l: &Line| {
        let mut end = l.end;
        if end > l.start && toks[end - 1].k == K::LineComment {
            end -= 1;
        }
        end > l.start && matches!(toks[end - 1].k, K::OBrace | K::OBrack | K::OParen)
    };
    let starts_close =
        |l: &Line| l.end > l.start && matches!(toks[l.start].k, K::CBrace | K::CBrack | K::CParen);
    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    let mut pending_blank = false;
    for l in lines.iter() {
        if l.start == l.end {
            pending_blank = true;
            continue;
        }
        if pending_blank && kept.last().is_some_and(|prev| !ends_open(prev)) && !starts_close(l) {
            kept.push(Line {
                start: l.start,
                end: l.start,
                assign: None,
                comment: false,
            });
        }
        pending_blank = false;
        kept.push(*l);
    }
    *lines = kept;
}

/// Computes the spaces before every token (indentation, spacing, cells).
fn layout(toks: &[Tok<'_>], lines: &mut [Line]) -> Vec<usize> {
    let mut spaces = vec![0usize; toks.len()];

    // formatIndent
    let mut indents: Vec<i32> = Vec::new();
    for l in lines.iter() {
        if l.start == l.end {
            continue;
        }
        let net: i32 = toks[l.start..l.end]
            .iter()
            .map(|t| bracket_change(t.k))
            .sum();
        if net > 0 {
            spaces[l.start] = 2 * indents.len();
            indents.push(net);
        } else {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    indents.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
            spaces[l.start] = 2 * indents.len();
        }
    }

    // formatSpaces
    for l in lines.iter() {
        let lead_end = l
            .assign
            .unwrap_or(if l.comment { l.end - 1 } else { l.end });
        let assign_end = if l.comment { l.end - 1 } else { l.end };
        let cell = |spaces: &mut [usize], from: usize, to: usize| {
            for i in from + 1..to {
                let before = if i >= from + 2 {
                    Some(&toks[i - 2])
                } else {
                    None
                };
                spaces[i] = usize::from(space_after(&toks[i - 1], before, &toks[i]));
            }
        };
        cell(&mut spaces, l.start, lead_end);
        if let Some(a) = l.assign {
            spaces[a] = 1;
            cell(&mut spaces, a, assign_end);
        }
    }

    // formatCells
    let cols = |spaces: &[usize], from: usize, to: usize| -> usize {
        (from..to).map(|i| spaces[i] + columns(&toks[i].text)).sum()
    };
    let lead_end = |l: &Line| {
        l.assign
            .unwrap_or(if l.comment { l.end - 1 } else { l.end })
    };
    let mut chain_start = 0;
    let mut max = 0;
    for idx in 0..=lines.len() {
        let l = lines.get(idx);
        if let Some(l) = l.filter(|l| l.assign.is_some()) {
            if max == 0 {
                chain_start = idx;
            }
            max = max.max(cols(&spaces, l.start, lead_end(l)) + 1);
            continue;
        }
        if max > 0 {
            for cl in &lines[chain_start..idx] {
                let a = cl.assign.expect("in chain");
                spaces[a] = max - cols(&spaces, cl.start, a);
            }
            max = 0;
        }
    }
    for idx in 0..=lines.len() {
        let l = lines.get(idx);
        if let Some(l) = l.filter(|l| l.comment) {
            if max == 0 {
                chain_start = idx;
            }
            max = max.max(cols(&spaces, l.start, l.end - 1) + 1);
            continue;
        }
        if max > 0 {
            for cl in &lines[chain_start..idx] {
                spaces[cl.end - 1] = max - cols(&spaces, cl.start, cl.end - 1);
            }
            max = 0;
        }
    }
    spaces
}

/// hclwrite's spaceAfterToken.
fn space_after(subject: &Tok<'_>, before: Option<&Tok<'_>>, after: &Tok<'_>) -> bool {
    let (s, a) = (subject.k, after.k);
    let b = before.map_or(K::Nil, |t| t.k);
    match () {
        _ if a == K::Newline || a == K::Nil => false,
        _ if s == K::Ident && a == K::OParen => false,
        _ if (s == K::Ident && a == K::DoubleColon) || (s == K::DoubleColon && a == K::Ident) => {
            false
        }
        _ if s == K::Dot || a == K::Dot => false,
        _ if a == K::Comma || a == K::Ellipsis => false,
        _ if s == K::Comma => true,
        _ if matches!(s, K::Lit | K::OQuote) || matches!(a, K::Lit | K::CQuote) => false,
        _ if s == K::Ident && subject.text == "in" && b == K::Ident => true,
        _ if a == K::OBrack && (s == K::Ident || s == K::Number || bracket_change(s) < 0) => false,
        _ if s == K::Minus => !matches!(
            b,
            K::Nil
                | K::OParen
                | K::OBrace
                | K::OBrack
                | K::Equal
                | K::Colon
                | K::Comma
                | K::Question
                | K::Plus
                | K::Star
                | K::Slash
                | K::Percent
                | K::Minus
                | K::EqualOp
                | K::NotEqual
                | K::Gt
                | K::Ge
                | K::Lt
                | K::Le
                | K::And
                | K::Or
                | K::Bang
        ),
        _ if s == K::Bang => false,
        _ if s == K::OBrace || a == K::CBrace => !(s == K::OBrace && a == K::CBrace),
        _ if matches!(s, K::Interp | K::Control) && a == K::OBrace => true,
        _ if s == K::CBrace && a == K::SeqEnd => true,
        _ if s == K::SeqEnd && matches!(a, K::Interp | K::Control) => false,
        _ if bracket_change(s) > 0 => false,
        _ if bracket_change(a) < 0 => false,
        _ => true,
    }
}

fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

// ---------------------------------------------------------------------------
// Grapheme cluster counting (hclwrite counts columns with textseg's
// ScanGraphemeClusters). This is a table-light approximation of UAX #29:
// combining marks / spacing marks of the major scripts, ZWJ emoji sequences,
// emoji modifiers, variation selectors, tags, regional-indicator pairs and
// Hangul syllable composition are handled.

fn columns(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    let mut count = 0;
    let mut prev: Option<u32> = None;
    let mut prev_zwj_after_pict = false;
    let mut base_pict = false;
    let mut ri_run = 0;
    for ch in s.chars() {
        let cp = ch as u32;
        let joins = match prev {
            None => false,
            Some(p) => {
                (p == 0x0d && cp == 0x0a)
                    || (is_extend(cp) && cp != 0x0a && cp != 0x0d)
                    || (prev_zwj_after_pict && is_pictographic(cp))
                    || (is_ri(cp) && is_ri(p) && ri_run % 2 == 1)
                    || hangul_joins(p, cp)
            }
        };
        if !joins {
            count += 1;
            base_pict = is_pictographic(cp);
        }
        prev_zwj_after_pict = cp == 0x200d && base_pict;
        ri_run = if is_ri(cp) { ri_run + 1 } else { 0 };
        prev = Some(cp);
    }
    count
}

fn is_ri(cp: u32) -> bool {
    (0x1f1e6..=0x1f1ff).contains(&cp)
}

fn is_pictographic(cp: u32) -> bool {
    matches!(
        cp,
        0xa9 | 0xae | 0x203c | 0x2049 | 0x2122 | 0x2139 | 0x3030 | 0x303d | 0x3297 | 0x3299
    ) || (0x2194..=0x21aa).contains(&cp)
        || (0x231a..=0x23ff).contains(&cp)
        || (0x24c2..=0x27bf).contains(&cp)
        || (0x2934..=0x2935).contains(&cp)
        || (0x2b05..=0x2b55).contains(&cp)
        || (0x1f000..=0x1faff).contains(&cp)
        || (0x1fc00..=0x1fffd).contains(&cp)
}

fn hangul_kind(cp: u32) -> u8 {
    match cp {
        0x1100..=0x115f | 0xa960..=0xa97c => b'L',
        0x1160..=0x11a7 | 0xd7b0..=0xd7c6 => b'V',
        0x11a8..=0x11ff | 0xd7cb..=0xd7fb => b'T',
        0xac00..=0xd7a3 if (cp - 0xac00).is_multiple_of(28) => b'v', // LV
        0xac00..=0xd7a3 => b't',                                     // LVT
        _ => 0,
    }
}

fn hangul_joins(prev: u32, cp: u32) -> bool {
    matches!(
        (hangul_kind(prev), hangul_kind(cp)),
        (b'L', b'L' | b'V' | b'v' | b't') | (b'v' | b'V', b'V' | b'T') | (b't' | b'T', b'T')
    )
}

/// Grapheme_Extend, SpacingMark, ZWJ (approximate ranges).
fn is_extend(cp: u32) -> bool {
    if cp < 0x300 {
        return false;
    }
    const EXTEND: &[(u32, u32)] = &[
        (0x0300, 0x036f),
        (0x0483, 0x0489),
        (0x0591, 0x05bd),
        (0x05bf, 0x05bf),
        (0x05c1, 0x05c2),
        (0x05c4, 0x05c5),
        (0x05c7, 0x05c7),
        (0x0610, 0x061a),
        (0x064b, 0x065f),
        (0x0670, 0x0670),
        (0x06d6, 0x06dc),
        (0x06df, 0x06e4),
        (0x06e7, 0x06e8),
        (0x06ea, 0x06ed),
        (0x0711, 0x0711),
        (0x0730, 0x074a),
        (0x07a6, 0x07b0),
        (0x07eb, 0x07f3),
        (0x0816, 0x082d),
        (0x0859, 0x085b),
        (0x0898, 0x089f),
        (0x08ca, 0x08e1),
        (0x08e3, 0x0903),
        (0x093a, 0x093c),
        (0x093e, 0x094f),
        (0x0951, 0x0957),
        (0x0962, 0x0963),
        (0x0981, 0x0983),
        (0x09bc, 0x09bc),
        (0x09be, 0x09cd),
        (0x09d7, 0x09d7),
        (0x09e2, 0x09e3),
        (0x09fe, 0x09fe),
        (0x0a01, 0x0a03),
        (0x0a3c, 0x0a51),
        (0x0a70, 0x0a71),
        (0x0a75, 0x0a75),
        (0x0a81, 0x0a83),
        (0x0abc, 0x0abc),
        (0x0abe, 0x0acd),
        (0x0ae2, 0x0ae3),
        (0x0afa, 0x0aff),
        (0x0b01, 0x0b03),
        (0x0b3c, 0x0b3c),
        (0x0b3e, 0x0b57),
        (0x0b62, 0x0b63),
        (0x0b82, 0x0b82),
        (0x0bbe, 0x0bcd),
        (0x0bd7, 0x0bd7),
        (0x0c00, 0x0c04),
        (0x0c3c, 0x0c3c),
        (0x0c3e, 0x0c56),
        (0x0c62, 0x0c63),
        (0x0c81, 0x0c83),
        (0x0cbc, 0x0cbc),
        (0x0cbe, 0x0cd6),
        (0x0ce2, 0x0ce3),
        (0x0cf3, 0x0cf3),
        (0x0d00, 0x0d03),
        (0x0d3b, 0x0d3c),
        (0x0d3e, 0x0d4d),
        (0x0d57, 0x0d57),
        (0x0d62, 0x0d63),
        (0x0d81, 0x0d83),
        (0x0dca, 0x0ddf),
        (0x0df2, 0x0df3),
        (0x0e31, 0x0e31),
        (0x0e33, 0x0e3a),
        (0x0e47, 0x0e4e),
        (0x0eb1, 0x0eb1),
        (0x0eb3, 0x0ebc),
        (0x0ec8, 0x0ece),
        (0x0f18, 0x0f19),
        (0x0f35, 0x0f35),
        (0x0f37, 0x0f37),
        (0x0f39, 0x0f39),
        (0x0f3e, 0x0f3f),
        (0x0f71, 0x0f84),
        (0x0f86, 0x0f87),
        (0x0f8d, 0x0fbc),
        (0x0fc6, 0x0fc6),
        (0x102b, 0x103e),
        (0x1056, 0x1059),
        (0x105e, 0x1060),
        (0x1062, 0x1064),
        (0x1067, 0x106d),
        (0x1071, 0x1074),
        (0x1082, 0x108d),
        (0x108f, 0x108f),
        (0x109a, 0x109d),
        (0x135d, 0x135f),
        (0x1712, 0x1715),
        (0x1732, 0x1734),
        (0x1752, 0x1753),
        (0x1772, 0x1773),
        (0x17b4, 0x17d3),
        (0x17dd, 0x17dd),
        (0x180b, 0x180d),
        (0x180f, 0x180f),
        (0x1885, 0x1886),
        (0x18a9, 0x18a9),
        (0x1920, 0x193b),
        (0x1a17, 0x1a1b),
        (0x1a55, 0x1a7f),
        (0x1ab0, 0x1ace),
        (0x1b00, 0x1b04),
        (0x1b34, 0x1b44),
        (0x1b6b, 0x1b73),
        (0x1b80, 0x1b82),
        (0x1ba1, 0x1bad),
        (0x1be6, 0x1bf3),
        (0x1c24, 0x1c37),
        (0x1cd0, 0x1cd2),
        (0x1cd4, 0x1ce8),
        (0x1ced, 0x1ced),
        (0x1cf4, 0x1cf4),
        (0x1cf7, 0x1cf9),
        (0x1dc0, 0x1dff),
        (0x200c, 0x200d),
        (0x20d0, 0x20f0),
        (0x2cef, 0x2cf1),
        (0x2d7f, 0x2d7f),
        (0x2de0, 0x2dff),
        (0x302a, 0x302f),
        (0x3099, 0x309a),
        (0xa66f, 0xa672),
        (0xa674, 0xa67d),
        (0xa69e, 0xa69f),
        (0xa6f0, 0xa6f1),
        (0xa802, 0xa802),
        (0xa806, 0xa806),
        (0xa80b, 0xa80b),
        (0xa823, 0xa827),
        (0xa82c, 0xa82c),
        (0xa880, 0xa881),
        (0xa8b4, 0xa8c5),
        (0xa8e0, 0xa8f1),
        (0xa8ff, 0xa8ff),
        (0xa926, 0xa92d),
        (0xa947, 0xa953),
        (0xa980, 0xa983),
        (0xa9b3, 0xa9c0),
        (0xaa29, 0xaa36),
        (0xaa43, 0xaa43),
        (0xaa4c, 0xaa4d),
        (0xaa7b, 0xaa7d),
        (0xaab0, 0xaab0),
        (0xaab2, 0xaab4),
        (0xaab7, 0xaab8),
        (0xaabe, 0xaabf),
        (0xaac1, 0xaac1),
        (0xaaeb, 0xaaef),
        (0xaaf5, 0xaaf6),
        (0xabe3, 0xabea),
        (0xabec, 0xabed),
        (0xfb1e, 0xfb1e),
        (0xfe00, 0xfe0f),
        (0xfe20, 0xfe2f),
        (0xff9e, 0xff9f),
        (0x1f3fb, 0x1f3ff),
        (0xe0020, 0xe007f),
        (0xe0100, 0xe01ef),
    ];
    in_table(EXTEND, cp)
}

#[cfg(test)]
mod tests {
    use super::format;
    use std::path::Path;
    use std::process::Command;

    /// Sloppy inputs in the shapes our templates produce.
    fn corpus() -> Vec<&'static str> {
        vec![
            // 0: wrong indents, misaligned `=`
            "resource \"aws_organizations_account\" \"a\" {\nname = \"a\"\n      email =    \"a@example.com\"\n  parent_id=aws_organizations_organizational_unit.x.id\n}\n",
            // 1: nested lifecycle block
            "resource \"aws_organizations_account\" \"b\" {\n    name = \"b\"\n  lifecycle {\n  prevent_destroy = true\n      ignore_changes  = [role_name]\n  }\n}\n",
            // 2: tags map, long and short keys, quoted keys
            "resource \"x\" \"y\" {\n  tags = {\n  Name = \"n\"\n  \"cost-center\" = \"cc\"\n    \"aws:cloudformation:stack-name\"   =  \"s\"\n  a=1\n  }\n}\n",
            // 3: blank lines everywhere
            "\n\n\nlocals {\n\n\n  a = 1\n\n\n\n  bb = 2\n\n}\n\n\n\nlocals {\n  c = 3\n}\n\n\n",
            // 4: comments break chains; trailing comments aligned
            "locals {\n  # leading comment\n  a = 1 # one\n  bbbbb = [1, 2] # two\n  // slash comment\n  c = 3\n  dd = 4   #   trailing spaces   \n}\n",
            // 5: multi-line list of objects
            "locals {\n  accounts = [\n  {\n  name = \"a\"\n  email = \"a@x\"\n  },\n  {\n  name = \"bbbb\"\n  email = \"b@x\"\n  }\n  ]\n}\n",
            // 6: moved and import blocks
            "moved {\nfrom = aws_organizations_account.a\n  to = aws_organizations_account.b\n}\n\nimport {\n   to = aws_organizations_organizational_unit.ou\n id = \"ou-123\"\n}\n",
            // 7: provider with nested assume_role
            "provider \"aws\" {\n  alias = \"acct_123\"\nregion = \"us-east-1\"\n  assume_role {\n  role_arn = \"arn:aws:iam::123:role/OrganizationAccountAccessRole\"\n  session_name  = \"landform\"\n  }\n}\n",
            // 8: dynamic block
            "resource \"x\" \"y\" {\n  dynamic \"tag\" {\n  for_each = var.tags\n  content {\n  key = tag.key\n  value = tag.value\n  }\n  }\n}\n",
            // 9: depends_on, for expression, operators that are not assignments
            "resource \"x\" \"y\" {\n  depends_on = [aws_x.y]\n  for_each = { for k, v in local.x : k => v if v != null }\n  count = var.a == 1 ? 1 : 0\n  enabled = var.n >= 2 && var.m <= 3\n}\n",
            // 10: function calls and interpolation with nested quotes
            "resource \"aws_organizations_policy\" \"p\" {\n  content = jsonencode(jsondecode(file(\"${path.module}/policies/x.json\")))\n  name = \"p-${var.env}-${lookup(var.m, \"k\", \"d\")}\"\n}\n",
            // 11: hostile string contents with = { # // and escapes
            "locals {\n  a = \"x = { # not a comment // nor this\"\n  bbb = \"quote \\\" and backslash \\\\ and $${literal} and %%{literal}\"\n  c = \"tab\\tnl\\n\\u2028 ключ 🎉\"\n  d = \"}\"\n  e = \"{\"\n  tags = {\n  \"a\\\"b\" = 1\n  \"x = y\" = 2\n  \"# c\" = 3\n  \"// d\" = 4\n  \"{\" = 5\n  \"$${k}\" = 6\n  \"$$${k}%%%{\" = 6\n  \"שלום עולם\" = 7\n  \"a\\\\\" = \"nul\\u0000 \\u2028\"\n  }\n}\n",
            // 12: unicode keys (grapheme cluster column counting)
            "locals {\n  t = {\n  \"ключ\" = 1\n  ab = 2\n  \"日本\" = 3\n  \"🎉\" = 4\n  \"e\u{301}\" = 5\n  \"👨\u{200d}👩\u{200d}👧\" = 6\n  \"🇩🇪\" = 7\n  \"कि\" = 8\n  abcdefgh = 9\n  }\n}\n",
            // 13: one-line objects and lists
            "locals {\n  a = {a=1,b=2}\n  bb = [\"a\",\"b\"]\n  ccc = {}\n  d = []\n  e = { }\n}\n",
            // 14: multi-line function call
            "locals {\n  merged = merge(\n  local.a,\n  {\n  x = 1\n  yy = 2\n  },\n  )\n}\n",
            // 15: terraform fmt unwraps "${x}" in attributes (not in objects)
            "locals {\n  a = \"${var.a}\"\n  b = \"${ var.b }\"\n  c = { d = \"${var.d}\" }\n  e = \"x${var.e}\"\n  f = \"${var.f}${var.g}\"\n}\n",
            // 16: variable type normalisation and label quoting
            "variable x {\n  type = \"map\"\n  default = {}\n}\nvariable \"y\" {\n  type = list\n}\n",
            // 17: labels with escapes are canonicalised
            "resource \"x\" \"caf\\u00e9\" {\n}\nresource \"x\" \"a\\u200db\" {\n}\n",
            // 18: closing brackets on value lines (hclwrite indent stack)
            "locals {\n  c = [1,\n  2]\n  dd = 3\n  x = [{\n  a = 1\n  }, {\n  b = 2\n  }]\n}\n",
            // 19: tabs, CRLF, trailing whitespace
            "locals {\r\n\ta\t=\t1   \r\n\tbb = 2\t\r\n}\r\n",
            // 20: comment lines inside a tags map
            "locals {\n  tags = {\n    # owner\n    Owner = \"me\"\n    Environment = \"prod\" // env\n  }\n}\n",
            // 21: deep nesting
            "a {\nb {\nc {\nd {\ne = 1\nff = 2\n}\n}\n}\n}\n",
            // 22: minus handling and splat/index
            "locals {\n  a = -1\n  b = var.x - 1\n  c = [-1, - 2]\n  d = var.list[0].id\n  e = var.list[*].id\n  f = max(1,-2)\n  g = a.0\n}\n",
            // 23: conditional and nested brackets on one line
            "locals {\n  x = var.a ? { k = [1, (2 + 3) * 4] } : {}\n  y = !var.b\n  z = \"${var.a ? \"yes\" : \"no\"}\"\n}\n",
            // 24: blank line before closing brace and after opening brace
            "resource \"a\" \"b\" {\n\n  x = 1\n\n\n}\n\n\nresource \"a\" \"c\" {\n  y = [\n\n    1,\n\n  ]\n}\n",
            // 25: template directives
            "locals {\n  a = \"%{ if var.x }yes%{ else }no%{ endif }\"\n  b = \"%{ for s in var.l }${ s },%{ endfor }\"\n}\n",
            // 26: provider-defined functions and ellipsis
            "locals {\n  a = provider::aws::arn_parse(var.arn)\n  b = concat(var.lists ...)\n  c = {for k, v in var.m: k => v...}\n}\n",
            // 27: one-line blocks
            "resource \"a\" \"b\" {\n  lifecycle { create_before_destroy = true }\n  timeouts {}\n}\n",
            // 28: no trailing newline, attributes at the top level (tfvars style)
            "region=\"us-east-1\"\naccounts = [\"a\", \"b\"]\n  tags = { Team = \"x\" }",
            // 29: long chain interrupted by multi-line value
            "resource \"x\" \"y\" {\n  a = 1\n  bbbbbbbbbb = 2\n  policy = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = []\n  })\n  c = 3\n  ddd = 4\n}\n",
            // 30: block comment
            "locals {\n  a = 1 /* inline */\n  /* whole line */\n  bb = 2\n}\n",
            // 31: output with sensitive and description containing '#'
            "output \"ids\" {\n  value = { for k, a in aws_organizations_account.this : k => a.id }\n  description = \"Account ids # by name\"\n  sensitive = false\n}\n",
        ]
    }

    fn terraform_available() -> bool {
        let ok = Command::new("terraform")
            .arg("version")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("\n!!!!! terraform not found on PATH: SKIPPING terraform fmt checks !!!!!\n");
        }
        ok
    }

    fn terraform_fmt_check(dir: &Path) {
        let out = Command::new("terraform")
            .args(["fmt", "-check", "-diff", "-no-color", "-list=true"])
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .expect("run terraform fmt");
        assert!(
            out.status.success(),
            "terraform fmt would change our output:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The corpus plus re-indented / re-spaced variants of every case.
    fn corpus_with_variants() -> Vec<String> {
        let mut all: Vec<String> = corpus().into_iter().map(String::from).collect();
        for src in corpus() {
            let flat: Vec<&str> = src.lines().map(str::trim).collect();
            all.push(flat.join("\n"));
            let skewed: Vec<String> = src
                .lines()
                .enumerate()
                .map(|(n, l)| format!("{}{}", " ".repeat(n % 5), l.replace(" = ", "   =  ")))
                .collect();
            all.push(skewed.join("\n\n") + "\n\n\n");
        }
        all
    }

    #[test]
    fn corpus_is_idempotent_and_parses() {
        for (i, src) in corpus_with_variants().iter().enumerate() {
            let once = format(src);
            let twice = format(&once);
            assert_eq!(once, twice, "case {i} not idempotent:\n{once}");
            if let Err(e) = hcl::parse(&once) {
                panic!("case {i} does not parse: {e}\n{once}");
            }
            assert!(!once.contains(" \n"), "case {i}: trailing whitespace");
            assert!(once.ends_with('\n') && !once.ends_with("\n\n"), "case {i}");
            assert!(!once.contains("\n\n\n"), "case {i}: blank runs");
            assert!(!once.contains("{\n\n"), "case {i}: blank after {{");
        }
    }

    #[test]
    fn corpus_is_stable_under_terraform_fmt() {
        if !terraform_available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (i, src) in corpus_with_variants().iter().enumerate() {
            std::fs::write(dir.path().join(format!("case_{i:03}.tf")), format(src)).unwrap();
        }
        terraform_fmt_check(dir.path());
    }

    #[test]
    fn expected_outputs() {
        let cases: &[(&str, &str)] = &[
            (
                "x {\nname = \"a\"\n      email =    \"e\"\n}\n",
                "x {\n  name  = \"a\"\n  email = \"e\"\n}\n",
            ),
            (
                "locals {\n  a = 1 # one\n  bbbbb = [1, 2] # two\n  # c\n  c = 3\n}\n",
                "locals {\n  a     = 1      # one\n  bbbbb = [1, 2] # two\n  # c\n  c = 3\n}\n",
            ),
            (
                "l {\n  t = {\n  \"ключ\" = 1\n  ab = 2\n  \"日本\" = 3\n  }\n}\n",
                "l {\n  t = {\n    \"ключ\" = 1\n    ab     = 2\n    \"日本\"   = 3\n  }\n}\n",
            ),
            (
                "l {\n  c = [1,\n  2]\n  dd = 3\n}\n",
                "l {\n  c = [1,\n  2]\n  dd = 3\n}\n",
            ),
            (
                "\n\nx {\n\n\n  a = 1\n\n\n\n  b = 2\n\n}\n\n",
                "x {\n  a = 1\n\n  b = 2\n}\n",
            ),
            ("a = \"${var.a}\"\n", "a = var.a\n"),
            (
                "variable v {\n  type = \"map\"\n}\n",
                "variable \"v\" {\n  type = map(string)\n}\n",
            ),
            ("a = {a=1,b=[1,2]}\n", "a = { a = 1, b = [1, 2] }\n"),
            (
                "a = \"%{ if x }y%{ endif }\"\n",
                "a = \"%{if x}y%{endif}\"\n",
            ),
            ("", ""),
            ("\n\n", ""),
        ];
        for (input, want) in cases {
            assert_eq!(&format(input), want, "input:\n{input}");
        }
    }

    #[test]
    fn large_tree_is_fast() {
        let mut src = String::new();
        for i in 0..10_000 {
            src.push_str(&format!(
                "resource \"aws_organizations_account\" \"a{i}\" {{\nname = \"acct-{i}\"\n   email = \"a{i}@example.com\"\n tags = {{\n\"cost-center\" = \"cc{i}\"\nOwner = \"team\"\n}}\n  lifecycle {{\n    prevent_destroy = true\n  }}\n}}\n\n"
            ));
        }
        let start = std::time::Instant::now();
        let out = format(&src);
        let elapsed = start.elapsed();
        eprintln!("formatted {} bytes in {elapsed:?}", src.len());
        assert!(out.len() > src.len() / 2);
        assert!(elapsed.as_secs() < 10, "format took {elapsed:?}");
        if terraform_available() {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("big.tf"), &out).unwrap();
            terraform_fmt_check(dir.path());
        }
    }
}
