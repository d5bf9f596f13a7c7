//! HCL string escaping helpers.
//!
//! The escaping mirrors hclwrite's `escapeQuotedStringLit` (what `terraform fmt`
//! uses when it re-writes block labels), so a label produced by [`hcl_quote`] is
//! left unchanged by `terraform fmt`:
//!
//! * `\` `"` newline, CR and tab use their short escapes;
//! * `${` and `%{` get their introducer doubled (`$${`, `%%{`), every other `$`
//!   and `%` is literal;
//! * characters that Go's `unicode.IsPrint` rejects are written as `\uxxxx`
//!   (lower-case hex, as hclwrite does) or `\Uxxxxxxxx` above the BMP;
//! * everything else (printable non-ASCII included) is copied verbatim.

use std::fmt::Write as _;

/// Returns a complete double-quoted HCL string literal whose value is `s`.
pub fn hcl_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// Like [`hcl_quote`] but without the surrounding quotes, for splicing into an
/// already-quoted template string.
pub fn hcl_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// True when `s` is an HCL identifier: an ASCII letter or `_`, followed by
/// ASCII letters, digits, `_` or `-`.
///
/// HCL accepts Unicode identifiers too; this deliberately answers `false` for
/// them so that callers fall back to quoting, which is always valid.
pub fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Object key: `s` bare when it is a non-reserved identifier, else quoted.
pub fn hcl_key(s: &str) -> String {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "for", "in", "if", "else", "endif", "endfor",
    ];
    if is_identifier(s) && !RESERVED.contains(&s) {
        s.to_owned()
    } else {
        hcl_quote(s)
    }
}

fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // Copy runs of characters that need no escaping in one go.
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '\\' => Some("\\\\"),
            '"' => Some("\\\""),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '$' if bytes.get(i + 1) == Some(&b'{') => Some("$$"),
            '%' if bytes.get(i + 1) == Some(&b'{') => Some("%%"),
            c if c.is_ascii() && !c.is_ascii_control() => None,
            c if !is_print(c) => {
                out.push_str(&s[run_start..i]);
                let cp = c as u32;
                if cp < 0x1_0000 {
                    let _ = write!(out, "\\u{cp:04x}");
                } else {
                    let _ = write!(out, "\\U{cp:08x}");
                }
                run_start = i + c.len_utf8();
                continue;
            }
            _ => None,
        };
        if let Some(e) = esc {
            out.push_str(&s[run_start..i]);
            out.push_str(e);
            run_start = i + c.len_utf8();
        }
    }
    out.push_str(&s[run_start..]);
}

/// Approximation of Go's `unicode.IsPrint`: false for controls (Cc), format
/// characters (Cf), non-ASCII spaces (Zs), line/paragraph separators (Zl, Zp),
/// private use (Co) and noncharacters. Unassigned code points are treated as
/// printable (escaping is only cosmetic for values; see module docs).
pub(crate) fn is_print(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x7f {
        return cp >= 0x20;
    }
    if cp <= 0xa0 {
        return false; // DEL, C1 controls, NBSP
    }
    const NOT_PRINT: &[(u32, u32)] = &[
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xe000, 0xf8ff),
        (0xfdd0, 0xfdef),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
        (0xf0000, 0x10ffff),
    ];
    if cp & 0xfffe == 0xfffe {
        return false; // U+xxFFFE / U+xxFFFF noncharacters
    }
    // The table is sorted; a binary search keeps this O(log n).
    let idx = NOT_PRINT.partition_point(|&(_, hi)| hi < cp);
    !(idx < NOT_PRINT.len() && NOT_PRINT[idx].0 <= cp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn hostile_strings() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            "plain",
            "with space",
            "\"",
            "\"\"",
            "say \"hi\"",
            "\\",
            "trailing backslash\\",
            "\\\\double",
            "\\n literal backslash-n",
            "${a}",
            "${",
            "$",
            "$$",
            "$${x}",
            "$$${x}",
            "$${",
            "a$",
            "a$$",
            "a$b",
            "%{if}",
            "%{ if x }y%{ endif }",
            "%%{",
            "%%%{x}",
            "%",
            "100%",
            "${path.module}/x.json",
            "{}",
            "}",
            "${}",
            "line1\nline2",
            "\n",
            "\r\n",
            "tab\there",
            "nul\0byte",
            "\u{1}\u{1f}\u{7f}",
            "\u{80}\u{85}\u{9f}",
            "\u{a0}nbsp",
            "sep\u{2028}and\u{2029}",
            "zero\u{200b}width\u{200d}joiner",
            "bom\u{feff}",
            "ключ",
            "日本語",
            "🎉 party",
            "👨\u{200d}👩\u{200d}👧",
            "🇩🇪",
            "שלום עולם",
            "مرحبا\u{200f}",
            "a = b",
            "# not a comment",
            "// nor this",
            "/* nor this */",
            "{ a = 1 }",
            "=",
            "==",
            "x => y",
            "\u{e0001}\u{e0041}",
            "\u{10ffff}",
            "\u{fffe}",
            "é",
            "~}",
            "${~ x ~}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Pairwise concatenations multiply the interesting boundaries
        // (e.g. "$" followed by "{}" or "\\" followed by "\"").
        let base = v.clone();
        for a in base.iter().take(30) {
            for b in base.iter().skip(25).take(12) {
                v.push(format!("{a}{b}"));
            }
        }
        v
    }

    fn eval_attr(src: &str) -> String {
        use hcl::eval::{Context, Evaluate};
        let body = hcl::parse(src).unwrap_or_else(|e| panic!("parse {src:?}: {e}"));
        let attr = body.attributes().next().expect("one attribute");
        let ctx = Context::new();
        match attr.expr().evaluate(&ctx) {
            Ok(hcl::Value::String(s)) => s,
            other => panic!("eval {src:?}: {other:?}"),
        }
    }

    #[test]
    fn quote_round_trips_through_hcl_rs() {
        for s in hostile_strings() {
            let q = hcl_quote(&s);
            let src = format!("x = {q}\n");
            assert_eq!(eval_attr(&src), s, "quoted as {q}");
            // hcl_escape inside a template next to an interpolation.
            let src = format!("x = \"<{}>${{\"!\"}}\"\n", hcl_escape(&s));
            assert_eq!(eval_attr(&src), format!("<{s}>!"), "escaped as {src}");
        }
    }

    #[test]
    fn specific_escapes() {
        assert_eq!(hcl_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(hcl_quote("${x}"), r#""$${x}""#);
        assert_eq!(hcl_quote("$${x}"), r#""$$${x}""#);
        assert_eq!(hcl_quote("%{x}"), r#""%%{x}""#);
        assert_eq!(hcl_quote("%%{x}"), r#""%%%{x}""#);
        assert_eq!(hcl_quote("$ % $$"), r#""$ % $$""#);
        assert_eq!(hcl_quote("\n\r\t\0"), r#""\n\r\t\u0000""#);
        assert_eq!(hcl_quote("\u{7f}\u{9f}\u{2028}"), r#""\u007f\u009f\u2028""#);
        assert_eq!(hcl_quote("\u{e0001}"), r#""\U000e0001""#);
        assert_eq!(hcl_quote("ключ 🎉"), "\"ключ 🎉\"");
        assert_eq!(hcl_escape("a\"b"), "a\\\"b");
    }

    #[test]
    fn identifiers_and_keys() {
        assert!(is_identifier("a"));
        assert!(is_identifier("_a-b_1"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier("-a"));
        assert!(!is_identifier("a.b"));
        assert!(!is_identifier("a b"));
        assert!(!is_identifier("ключ"));
        assert_eq!(hcl_key("Name"), "Name");
        assert_eq!(hcl_key("cost-center"), "cost-center");
        assert_eq!(hcl_key("aws:cloudformation"), "\"aws:cloudformation\"");
        assert_eq!(hcl_key("true"), "\"true\"");
        assert_eq!(hcl_key("for"), "\"for\"");
        assert_eq!(hcl_key("null"), "\"null\"");
        assert_eq!(hcl_key(""), "\"\"");
        for k in [
            "Name",
            "cost-center",
            "true",
            "for",
            "in",
            "if",
            "a b",
            "${x}",
        ] {
            let src = format!("x = {{ {} = 1 }}\n", hcl_key(k));
            let body = hcl::parse(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
            let attr = body.attributes().next().unwrap();
            use hcl::eval::{Context, Evaluate};
            let v = attr.expr().evaluate(&Context::new()).unwrap();
            let hcl::Value::Object(m) = v else {
                panic!("{src}: not an object")
            };
            assert!(m.contains_key(k), "{src}: {m:?}");
        }
    }

    fn terraform_available() -> bool {
        let ok = Command::new("terraform")
            .arg("version")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok
            && (std::env::var_os("LANDFORM_REQUIRE_TOOLS").is_some()
                || std::env::var_os("CI").is_some())
        {
            panic!("terraform is required here (CI / LANDFORM_REQUIRE_TOOLS) but missing");
        }
        if !ok {
            eprintln!("\n!!!!! terraform not found on PATH: SKIPPING terraform checks !!!!!\n");
        }
        ok
    }

    fn tf(dir: &Path, args: &[&str]) -> std::process::Output {
        let out = Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .expect("run terraform");
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Terraform normalises every string to Unicode NFC (cty does), so only
    /// NFC inputs can round-trip byte for byte there; all our samples are NFC.
    #[test]
    fn quote_round_trips_through_terraform() {
        if !terraform_available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let strings = hostile_strings();
        let mut tf_src = String::new();
        let mut labels = String::new();
        for (i, s) in strings.iter().enumerate() {
            tf_src.push_str(&format!(
                "output \"o{i}\" {{\n  value = {}\n}}\n",
                hcl_quote(s)
            ));
            // Labels are re-encoded by `terraform fmt`; ours must already be
            // canonical. (Labels containing `$`/`%` next to other text are
            // dropped by terraform fmt itself, so they are excluded.)
            if s.len() == 1 || !(s.contains('$') || s.contains('%')) {
                labels.push_str(&format!("x {} {{\n}}\n", hcl_quote(s)));
            }
        }
        std::fs::write(dir.path().join("main.tf"), &tf_src).unwrap();
        std::fs::create_dir(dir.path().join("labels")).unwrap();
        std::fs::write(dir.path().join("labels/l.tf"), &labels).unwrap();
        tf(
            dir.path(),
            &["fmt", "-check", "-diff", "-no-color", "-recursive"],
        );
        tf(dir.path(), &["init", "-no-color", "-input=false"]);
        tf(
            dir.path(),
            &["apply", "-auto-approve", "-no-color", "-input=false"],
        );
        let out = tf(dir.path(), &["output", "-json", "-no-color"]);
        let json = String::from_utf8(out.stdout).unwrap();
        // `{"oN": {"sensitive": .., "type": .., "value": "..."}}`
        let values = extract_output_values(&json);
        for (i, s) in strings.iter().enumerate() {
            let got = values
                .get(&format!("o{i}"))
                .unwrap_or_else(|| panic!("missing o{i}"));
            assert_eq!(got, s, "terraform value for {}", hcl_quote(s));
        }
    }

    /// Minimal extractor for `terraform output -json`: maps output name to
    /// its string `value`. Relies on terraform's stable layout.
    fn extract_output_values(json: &str) -> std::collections::HashMap<String, String> {
        let mut map = std::collections::HashMap::new();
        let mut name: Option<String> = None;
        let mut chars = json.char_indices().peekable();
        let mut last_key: Option<String> = None;
        let mut depth = 0;
        while let Some((_, c)) = chars.next() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                '"' => {
                    let mut s = String::new();
                    while let Some((_, c)) = chars.next() {
                        match c {
                            '"' => break,
                            '\\' => {
                                let (_, e) = chars.next().unwrap();
                                match e {
                                    'n' => s.push('\n'),
                                    'r' => s.push('\r'),
                                    't' => s.push('\t'),
                                    'b' => s.push('\u{8}'),
                                    'f' => s.push('\u{c}'),
                                    'u' => {
                                        let mut hex = String::new();
                                        for _ in 0..4 {
                                            hex.push(chars.next().unwrap().1);
                                        }
                                        let mut cp = u32::from_str_radix(&hex, 16).unwrap();
                                        if (0xd800..0xdc00).contains(&cp) {
                                            chars.next();
                                            chars.next();
                                            let mut lo = String::new();
                                            for _ in 0..4 {
                                                lo.push(chars.next().unwrap().1);
                                            }
                                            let lo = u32::from_str_radix(&lo, 16).unwrap();
                                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                        }
                                        s.push(char::from_u32(cp).unwrap());
                                    }
                                    other => s.push(other),
                                }
                            }
                            c => s.push(c),
                        }
                    }
                    // Is this a key?
                    while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|(_, c)| *c == ':') {
                        chars.next();
                        if depth == 1 {
                            name = Some(s.clone());
                        }
                        last_key = Some(s);
                    } else if depth == 2 && last_key.as_deref() == Some("value") {
                        map.insert(name.clone().unwrap(), s);
                    }
                }
                _ => {}
            }
        }
        map
    }
}
