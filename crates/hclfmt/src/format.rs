//! A `terraform fmt` work-alike.
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
//! * heredocs (`<<EOT`, `<<-EOT`) are one formatting line from the opener to
//!   the closing marker: their text is kept byte for byte, only the
//!   expressions inside `${ }` / `%{ }` are re-spaced;
//! * terraform's `"${expr}"` -> `expr` unwrapping of block attribute values,
//!   legacy `variable` `type` rewriting and canonical re-quoting of block
//!   labels.
//!
//! Like `terraform fmt`, [`format`] keeps blank lines, trailing whitespace in
//! comments, CRLF line ends and a missing final newline as they are. [`tidy`]
//! additionally normalises them (leading/trailing blank lines dropped, runs
//! collapsed, none directly after a line ending in an opening bracket or
//! directly before a line starting with a closing bracket; comment trailing
//! whitespace stripped; `\n` line ends; exactly one final newline): its output
//! is a fixed point of `terraform fmt`. Everything runs in time linear in the
//! input size; invalid input never panics (the output is then unspecified).

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// Formats `src` exactly as `terraform fmt` would (see the module docs).
pub fn format(src: &str) -> String {
    run(src, false)
}

/// [`format`], then blank lines, line ends and comment trailing whitespace
/// normalised (see the module docs). Still a fixed point of `terraform fmt`.
pub fn tidy(src: &str) -> String {
    run(src, true)
}

fn run(src: &str, tidy: bool) -> String {
    let toks = restructure(lex(src, tidy));
    let mut lines = split_lines(&toks);
    if tidy {
        normalize_blank_lines(&toks, &mut lines);
    }
    let spaces = layout(&toks, &mut lines);

    let mut out = String::with_capacity(src.len() + src.len() / 8);
    for line in &lines {
        for i in line.start..line.end {
            push_spaces(&mut out, spaces[i]);
            out.push_str(&toks[i].text);
        }
        match line.eol {
            Some(eol) if !tidy => out.push_str(&toks[eol].text),
            None if !tidy => {}
            _ => out.push('\n'),
        }
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
    /// `\n` or `\r\n`.
    Newline,
    /// `#` or `//` comment, without its line end (the lexer emits a `Newline`
    /// after it).
    LineComment,
    /// `<<EOT` or `<<-EOT` with its line end.
    OHeredoc,
    /// A heredoc's closing marker with the whitespace before it.
    CHeredoc,
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

fn lex(src: &str, tidy: bool) -> Vec<Tok<'_>> {
    enum Mode<'a> {
        Expr {
            braces: usize,
        },
        Quoted,
        /// Inside a heredoc; `marker` ends it alone on a line (after blanks).
        Heredoc {
            marker: &'a str,
        },
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
    // Template text up to an interpolation or directive (`${`, `%{`; `$${` and `%%{` are
    // literal), stopping also at any byte in `stop`. Returns the end of the text.
    let template_text = |mut i: usize, stop: &[u8], escapes: bool| -> usize {
        while i < n {
            match b[i] {
                c if stop.contains(&c) => break,
                b'\\' if escapes => i += if i + 1 < n && b[i + 1] != b'\n' { 2 } else { 1 },
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
        i.min(n)
    };
    while i < n {
        let nested = modes.len() > 1;
        match modes.last_mut().expect("mode stack never empty") {
            Mode::Quoted => {
                let start = i;
                i = template_text(i, b"\"\n", true);
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
            Mode::Heredoc { marker } => {
                let marker = *marker;
                let at_line_start = i == 0 || b[i - 1] == b'\n';
                if at_line_start {
                    let blanks = src[i..].len() - src[i..].trim_start_matches([' ', '\t']).len();
                    let m = i + blanks;
                    let end = m + marker.len();
                    let line_end = match b.get(end) {
                        None | Some(b'\n') => true,
                        Some(b'\r') => b.get(end + 1) == Some(&b'\n'),
                        _ => false,
                    };
                    if line_end && src[m..].starts_with(marker) {
                        out.push(Tok::new(K::CHeredoc, &src[i..end]));
                        modes.pop();
                        i = end;
                        continue;
                    }
                }
                let start = i;
                // The text runs to the end of the line (inclusive) or a template opener.
                let stop = template_text(i, b"\n", false);
                let opener = stop < n && b[stop] != b'\n';
                i = if opener || stop >= n { stop } else { stop + 1 };
                if i > start {
                    out.push(Tok::new(K::Lit, &src[start..i]));
                }
                if opener {
                    let len = if b.get(i + 2) == Some(&b'~') { 3 } else { 2 };
                    let k = if b[i] == b'$' { K::Interp } else { K::Control };
                    out.push(Tok::new(k, &src[i..i + len]));
                    modes.push(Mode::Expr { braces: 0 });
                    i += len;
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
                    b'\n' => {
                        let crlf = !tidy && i > 0 && b[i - 1] == b'\r';
                        let start = if crlf { i - 1 } else { i };
                        out.push(Tok::new(K::Newline, &src[start..=i]));
                        i += 1;
                        continue;
                    }
                    b'#' => {
                        i = line_comment(src, i, tidy, &mut out);
                        continue;
                    }
                    b'/' if next == b'/' => {
                        i = line_comment(src, i, tidy, &mut out);
                        continue;
                    }
                    b'/' if next == b'*' => {
                        let end = src[i + 2..].find("*/").map_or(n, |p| i + 2 + p + 2);
                        (K::BlockComment, end - i)
                    }
                    b'<' if next == b'<' => match heredoc_opener(src, i) {
                        Some((len, marker)) => {
                            out.push(Tok::new(K::OHeredoc, &src[i..i + len]));
                            modes.push(Mode::Heredoc { marker });
                            i += len;
                            continue;
                        }
                        None => (K::Lt, 1),
                    },
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
                        if ch == '_' || unicode_ident::is_xid_start(ch) {
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

/// `<<EOT` / `<<-EOT` at `i`, followed by a line end: the opener's length
/// (line end included) and the marker.
fn heredoc_opener(src: &str, i: usize) -> Option<(usize, &str)> {
    let b = src.as_bytes();
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let len = ident_len(src, j);
    let first = src[j..].chars().next()?;
    if len == 0 || !(first == '_' || unicode_ident::is_xid_start(first)) {
        return None;
    }
    let marker = &src[j..j + len];
    let mut end = j + len;
    if b.get(end) == Some(&b'\r') {
        end += 1;
    }
    (b.get(end) == Some(&b'\n')).then_some((end + 1 - i, marker))
}

/// Lexes a `#`/`//` comment starting at `i` and the line end after it (a
/// `Newline` token). Returns the index after both.
fn line_comment<'a>(src: &'a str, i: usize, tidy: bool, out: &mut Vec<Tok<'a>>) -> usize {
    let Some(p) = src[i..].find('\n') else {
        let text = &src[i..];
        out.push(Tok::new(
            K::LineComment,
            if tidy { text.trim_end() } else { text },
        ));
        return src.len();
    };
    let nl = i + p;
    let crlf = nl > i && src.as_bytes()[nl - 1] == b'\r';
    let text = &src[i..if crlf { nl - 1 } else { nl }];
    out.push(Tok::new(
        K::LineComment,
        if tidy { text.trim_end() } else { text },
    ));
    let eol = if crlf && !tidy { nl - 1 } else { nl };
    out.push(Tok::new(K::Newline, &src[eol..=nl]));
    nl + 1
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
        let ok = if len == 0 {
            ch == '_' || unicode_ident::is_xid_start(ch)
        } else {
            ch == '-' || unicode_ident::is_xid_continue(ch)
        };
        if ok {
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
                        Some(K::BlockComment) => {
                            labels.push((j, j + 1));
                            j += 1;
                        }
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
                    let comment = kind(&toks, s) == Some(K::BlockComment);
                    let canonical = if comment {
                        None
                    } else {
                        label_tokens(&toks[s..e])
                    };
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
            c if crate::escape::is_print(c) => out.push(c),
            c if (c as u32) < 0x1_0000 => out.push_str(&std::format!("\\u{:04x}", c as u32)),
            c => out.push_str(&std::format!("\\U{:08x}", c as u32)),
        }
    }
    out
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
    /// The `Newline` token ending the line (none at the end of the input).
    eol: Option<usize>,
}

fn split_lines(toks: &[Tok<'_>]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.k == K::Newline {
            lines.push(new_line(toks, start, i, Some(i)));
            start = i + 1;
        }
    }
    if start < toks.len() {
        lines.push(new_line(toks, start, toks.len(), None));
    }
    lines
}

fn new_line(toks: &[Tok<'_>], start: usize, end: usize, eol: Option<usize>) -> Line {
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
        eol,
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
                eol: None,
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
        _ if matches!(s, K::Lit | K::OQuote | K::OHeredoc)
            || matches!(a, K::Lit | K::CQuote | K::CHeredoc) =>
        {
            false
        }
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

/// Columns as hclwrite counts them: grapheme clusters (`textseg.TokenCount`).
fn columns(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.graphemes(true).count()
}

#[cfg(test)]
mod tests {
    use super::tidy as format;
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
        if !ok
            && (std::env::var_os("LANDFORM_REQUIRE_TOOLS").is_some()
                || std::env::var_os("CI").is_some())
        {
            panic!("terraform is required here (CI / LANDFORM_REQUIRE_TOOLS) but missing");
        }
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

    /// `format` is terraform fmt: what `tidy` normalises, it keeps.
    #[test]
    fn format_keeps_what_terraform_fmt_keeps() {
        let cases: &[(&str, &str)] = &[
            (
                "\n\nx {\n\n\n  a = 1\n\n}\n\n",
                "\n\nx {\n\n\n  a = 1\n\n}\n\n",
            ),
            ("a=1\r\nbb=2 # c  \r\n", "a  = 1\r\nbb = 2 # c  \r\n"),
            ("a=1", "a = 1"),
            ("# c", "# c"),
            (
                "x {\nh = <<EOT\n  ${ a }  \nEOT\nii = 1\n}\n",
                "x {\n  h  = <<EOT\n  ${a}  \nEOT\n  ii = 1\n}\n",
            ),
            (
                "resource a /* c */ b {}\n",
                "resource \"a\" /* c */ \"b\" {}\n",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(&super::format(input), want, "input:\n{input}");
        }
        assert_eq!(format("a=1\r\n\n\n\nb=2 # c  "), "a = 1\n\nb = 2 # c\n");
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
