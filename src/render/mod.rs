//! render: Model → files, through Tera templates.
//!
//! Templates live in `templates/` and are embedded in the binary; a user folder overrides any of
//! them by name. A template `x/y.tf.tera` renders to `x/y.tf`; a template that renders to
//! nothing but whitespace produces no file, which is how a stack switches itself off.
//! Every string in a `.tf` template is HCL-escaped on output (autoescape with an HCL escaper),
//! and the `q` filter writes a whole quoted HCL string: a blueprint value cannot inject HCL.

pub mod escape;
pub mod hclfmt;
pub mod split;

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::model::Model;

/// Relative path (with `/`) → file content.
pub type Tree = BTreeMap<String, String>;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// The built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = templates![
    "README.md.tera",
    "organization/terraform.tf.tera",
    "organization/providers.tf.tera",
    "organization/organization.tf.tera",
    "organization/organizational_units.tf.tera",
    "organization/accounts.tf.tera",
    "organization/policies.tf.tera",
    "organization/outputs.tf.tera",
    "organization/moved.tf.tera",
    "organization/removed.tf.tera",
    "organization/imports.tf.tera",
    "identity-center/terraform.tf.tera",
    "identity-center/providers.tf.tera",
    "identity-center/main.tf.tera",
    "identity-center/groups.tf.tera",
    "identity-center/permission_sets.tf.tera",
    "identity-center/assignments.tf.tera",
    "log-archive/terraform.tf.tera",
    "log-archive/providers.tf.tera",
    "log-archive/kms.tf.tera",
    "log-archive/logs.tf.tera",
    "log-archive/access_logs.tf.tera",
    "log-archive/outputs.tf.tera",
    "security/terraform.tf.tera",
    "security/providers.tf.tera",
    "security/admins.tf.tera",
    "security/guardduty.tf.tera",
    "security/securityhub.tf.tera",
    "security/config.tf.tera",
    "security/access_analyzer.tf.tera",
    "security/trail.tf.tera",
    "network/terraform.tf.tera",
    "network/providers.tf.tera",
    "network/ipam.tf.tera",
    "network/transit_gateway.tf.tera",
    "network/egress.tf.tera",
    "network/sharing.tf.tera",
    "network/outputs.tf.tera",
    "dns/terraform.tf.tera",
    "dns/providers.tf.tera",
    "dns/zones.tf.tera",
    "dns/profile.tf.tera",
    "dns/outputs.tf.tera",
];

/// A template problem: which template, and Tera's report (with line and caret).
#[derive(Debug)]
pub struct TemplateError {
    pub template: String,
    pub report: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.report)
    }
}

fn tera_error(template: &str, e: tera::Error) -> TemplateError {
    let mut report = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        report.push_str(&format!("\ncaused by: {cause}"));
        source = cause.source();
    }
    TemplateError {
        template: template.to_string(),
        report,
    }
}

/// The template engine with landform's filters and the built-in templates, overridden by any
/// same-named file under `overrides`.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    pub fn new(overrides: Option<&Path>) -> Result<Renderer, TemplateError> {
        let mut tera = Tera::default();
        tera.autoescape_on([".tf.tera"]);
        tera.set_escape_fn(|s, w| w.write_all(escape::hcl_escape(s).as_bytes()));
        tera.register_filter("q", |s: &str, _: Kwargs, _: &State| {
            Value::safe_string(&escape::hcl_quote(s))
        });
        tera.register_filter("key", |s: &str, _: Kwargs, _: &State| {
            Value::safe_string(&escape::hcl_key(s))
        });
        tera.register_filter("md", |s: &str, _: Kwargs, _: &State| markdown_cell(s));
        tera.register_filter("oneline", |s: &str, _: Kwargs, _: &State| {
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
        });
        tera.register_filter("spaces", |n: usize, _: Kwargs, _: &State| {
            "  ".repeat(n.min(64))
        });
        for (name, builtin) in TEMPLATES {
            let text = match overrides.map(|dir| dir.join(name)) {
                Some(path) if path.is_file() => {
                    std::fs::read_to_string(&path).map_err(|e| TemplateError {
                        template: path.display().to_string(),
                        report: e.to_string(),
                    })?
                }
                _ => builtin.to_string(),
            };
            tera.add_raw_template(name, &text)
                .map_err(|e| tera_error(name, e))?;
        }
        Ok(Renderer { tera })
    }

    /// Renders every template against the model. `.tf` output is formatted like `terraform fmt`.
    pub fn render(&self, model: &Model) -> Result<Tree, TemplateError> {
        let mut context = Context::new();
        context.insert("model", model);
        context.insert("version", env!("CARGO_PKG_VERSION"));
        let mut tree = Tree::new();
        for (name, _) in TEMPLATES {
            let text = self
                .tera
                .render(name, &context)
                .map_err(|e| tera_error(name, e))?;
            if text.trim().is_empty() {
                continue;
            }
            let out = name.trim_end_matches(".tera").to_string();
            let text = if out.ends_with(".tf") {
                split::format_by_block(&text)
            } else {
                tidy(&text)
            };
            tree.insert(out, text);
        }
        for policy in &model.policies {
            tree.insert(format!("organization/{}", policy.file), policy.pretty());
        }
        for ps in model
            .identity_center
            .iter()
            .flat_map(|ic| &ic.permission_sets)
        {
            if let (Some(file), Some(doc)) = (&ps.inline_file, &ps.inline) {
                let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
                text.push('\n');
                tree.insert(format!("identity-center/{file}"), text);
            }
        }
        Ok(tree)
    }
}

/// Trailing spaces removed, blank-line runs collapsed, one final newline.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A value safe inside a Markdown table cell or list item.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
