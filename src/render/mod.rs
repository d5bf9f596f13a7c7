//! render: Model → files, through Tera templates.
//!
//! Templates live in `templates/` and are embedded in the binary; a user folder overrides any of
//! them by name. A template `x/y.tf.tera` renders to `x/y.tf`; a template that renders to
//! nothing but whitespace produces no file, which is how a stack switches itself off.
//! Every string in a `.tf` template is HCL-escaped on output (autoescape with an HCL escaper),
//! and the `q` filter writes a whole quoted HCL string: a blueprint value cannot inject HCL.

pub mod mermaid;
pub mod stacks;

use hclfmt::escape;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostic::{Diagnostic, did_you_mean};
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
    "bootstrap/providers.tf.tera",
    "bootstrap/main.tf.tera",
    "bootstrap/outputs.tf.tera",
    "organization/providers.tf.tera",
    "organization/organization.tf.tera",
    "organization/organizational_units.tf.tera",
    "organization/accounts.tf.tera",
    "organization/policies.tf.tera",
    "organization/outputs.tf.tera",
    "organization/moved.tf.tera",
    "organization/removed.tf.tera",
    "organization/imports.tf.tera",
    "organization/delegated_administrators.tf.tera",
    "organization/contacts.tf.tera",
    "organization/budgets.tf.tera",
    "identity-center/providers.tf.tera",
    "identity-center/main.tf.tera",
    "identity-center/groups.tf.tera",
    "identity-center/permission_sets.tf.tera",
    "identity-center/assignments.tf.tera",
    "log-archive/providers.tf.tera",
    "log-archive/kms.tf.tera",
    "log-archive/logs.tf.tera",
    "log-archive/access_logs.tf.tera",
    "log-archive/outputs.tf.tera",
    "security/providers.tf.tera",
    "security/admins.tf.tera",
    "security/guardduty.tf.tera",
    "security/securityhub.tf.tera",
    "security/config.tf.tera",
    "security/access_analyzer.tf.tera",
    "security/trail.tf.tera",
    "baseline/providers.tf.tera",
    "baseline/organization.tf.tera",
    "baseline/targets.tf.tera",
    "baseline/stack_sets.tf.tera",
    "baseline/templates/config.yaml.tera",
    "baseline/templates/password-policy.yaml.tera",
    "baseline/templates/ebs-encryption.yaml.tera",
    "baseline/templates/s3-block-public-access.yaml.tera",
    "backup/providers.tf.tera",
    "backup/vaults.tf.tera",
    "backup/stack_set.tf.tera",
    "backup/templates/member-vault.yaml.tera",
    "network/providers.tf.tera",
    "network/ipam.tf.tera",
    "network/transit_gateway.tf.tera",
    "network/egress.tf.tera",
    "network/sharing.tf.tera",
    "network/outputs.tf.tera",
    "dns/providers.tf.tera",
    "dns/zones.tf.tera",
    "dns/profile.tf.tera",
    "dns/resolver.tf.tera",
    "dns/outputs.tf.tera",
];

/// The templates rendered once per account shard ([`crate::model::Shard`]) into
/// `<shard stack>/<name without shard/ and .tera>`. They see `shard`, `organization` and
/// `version`, not `model` (a shard's files must not cost the whole model).
pub const SHARD_TEMPLATES: &[(&str, &str)] = templates![
    "shard/providers.tf.tera",
    "shard/main.tf.tera",
    "shard/accounts.tf.tera",
    "shard/outputs.tf.tera",
    "shard/moved.tf.tera",
    "shard/removed.tf.tera",
    "shard/imports.tf.tera",
    "shard/contacts.tf.tera",
    "shard/budgets.tf.tera",
];

/// Every built-in template: rendered once, once per shard, once per stack.
fn all_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    TEMPLATES
        .iter()
        .chain(SHARD_TEMPLATES)
        .chain(stacks::STACK_TEMPLATES)
}

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
    /// The built-in templates replaced by an override; each is also kept as `builtin:<name>`
    /// so `render` can check the override keeps its accounts.
    overridden: Vec<&'static str>,
    /// Files in the override folder that match no built-in template (likely misspelt).
    warnings: Vec<Diagnostic>,
}

/// The prefix under which a built-in template that is overridden stays registered.
const BUILTIN: &str = "builtin:";

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
        if let Some(dir) = overrides
            && !dir.is_dir()
        {
            return Err(TemplateError {
                template: dir.display().to_string(),
                report: "the template folder does not exist (pass a folder of `.tera` files \
                         named like the built-in ones)"
                    .to_string(),
            });
        }
        let mut overridden = Vec::new();
        for (name, builtin) in all_templates() {
            let text = match overrides.map(|dir| dir.join(name)) {
                Some(path) if path.is_file() => {
                    overridden.push(*name);
                    tera.add_raw_template(&format!("{BUILTIN}{name}"), builtin)
                        .map_err(|e| tera_error(name, e))?;
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
        let warnings = overrides.map(unmatched_overrides).unwrap_or_default();
        Ok(Renderer {
            tera,
            overridden,
            warnings,
        })
    }

    /// Warnings about the override folder: files that override nothing.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Renders every template against the model. `.tf` output is formatted like `terraform fmt`.
    pub fn render(&self, model: &Model) -> Result<Tree, TemplateError> {
        let mut context = Context::new();
        context.insert("model", model);
        context.insert("version", env!("CARGO_PKG_VERSION"));
        context.insert("diagram", &mermaid::diagram(model));
        context.insert("aws_provider", stacks::AWS_PROVIDER);
        context.insert("in_force", &crate::explain::by_ou(model));
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
                hclfmt::format_by_block(&text)
            } else {
                tidy(&text)
            };
            tree.insert(out, text);
        }
        self.check_overrides_keep_accounts(&context, &tree)?;
        self.render_shards(model, &mut tree)?;
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
        self.render_stack_files(model, &mut tree)?;
        Ok(tree)
    }

    /// The account shard stacks: [`SHARD_TEMPLATES`] once per shard. An override of a shard
    /// template must keep every account the built-in one declares, as for the other stacks.
    fn render_shards(&self, model: &Model, tree: &mut Tree) -> Result<(), TemplateError> {
        for shard in &model.shards {
            let mut context = Context::new();
            context.insert("version", env!("CARGO_PKG_VERSION"));
            context.insert("organization", &model.organization);
            context.insert("shard", shard);
            let mut declared = BTreeSet::new();
            let mut expected = BTreeSet::new();
            for (name, _) in SHARD_TEMPLATES {
                let text = self
                    .tera
                    .render(name, &context)
                    .map_err(|e| tera_error(name, e))?;
                declared.extend(account_resources(&text));
                if self.overridden.contains(name) {
                    let builtin = self
                        .tera
                        .render(&format!("{BUILTIN}{name}"), &context)
                        .map_err(|e| tera_error(name, e))?;
                    expected.extend(account_resources(&builtin));
                }
                if text.trim().is_empty() {
                    continue;
                }
                let file = name.trim_start_matches("shard/").trim_end_matches(".tera");
                tree.insert(
                    format!("{}/{file}", shard.stack),
                    hclfmt::format_by_block(&text),
                );
            }
            if let Some(k) = expected.difference(&declared).next() {
                return Err(TemplateError {
                    template: "shard/accounts.tf.tera".to_string(),
                    report: format!(
                        "the override drops `aws_organizations_account.{k}` from the stack `{}`, \
                         which the built-in template declares. Without its resource Terraform \
                         closes or forgets the account. Keep every `aws_organizations_account` \
                         block of the built-in template (same addresses), or delete the override.",
                        shard.stack
                    ),
                });
            }
        }
        Ok(())
    }

    /// `terraform.tf` and, with `state:`, `backend.tf` for every stack of the tree.
    fn render_stack_files(&self, model: &Model, tree: &mut Tree) -> Result<(), TemplateError> {
        for stack in stacks::stacks(tree, &model.stack_order) {
            let mut context = Context::new();
            context.insert("version", env!("CARGO_PKG_VERSION"));
            context.insert("stack", &stack);
            context.insert("aws_provider", stacks::AWS_PROVIDER);
            context.insert("state", &model.state);
            if let Some(state) = &model.state {
                context.insert("key", &state.key(&stack));
                if stack != crate::model::BOOTSTRAP || state.bootstrapped {
                    let name = "stack/backend.tf.tera";
                    let text = self
                        .tera
                        .render(name, &context)
                        .map_err(|e| tera_error(name, e))?;
                    tree.insert(
                        format!("{stack}/backend.tf"),
                        hclfmt::format_by_block(&text),
                    );
                }
            }
            let prefix = format!("{stack}/");
            let required = stacks::required(
                tree.iter()
                    .filter(|(p, _)| {
                        p.starts_with(&prefix)
                            && p.ends_with(".tf")
                            && **p != format!("{prefix}terraform.tf")
                    })
                    .map(|(_, text)| text.as_str()),
            );
            context.insert("required", &required);
            let name = "stack/terraform.tf.tera";
            let text = self
                .tera
                .render(name, &context)
                .map_err(|e| tera_error(name, e))?;
            tree.insert(
                format!("{stack}/terraform.tf"),
                hclfmt::format_by_block(&text),
            );
        }
        Ok(())
    }
}

impl Renderer {
    /// An override may change how accounts are written but must not drop one: every
    /// `aws_organizations_account` resource the built-in template declares must still be declared
    /// in the same stack (in any of its files). Otherwise Terraform would close or forget the
    /// account, behind every rule of the lock.
    fn check_overrides_keep_accounts(
        &self,
        context: &Context,
        tree: &Tree,
    ) -> Result<(), TemplateError> {
        for name in self.overridden.iter().filter(|n| !n.starts_with("shard/")) {
            let builtin = self
                .tera
                .render(&format!("{BUILTIN}{name}"), context)
                .map_err(|e| tera_error(name, e))?;
            let expected = account_resources(&builtin);
            if expected.is_empty() {
                continue;
            }
            let stack = name.split_once('/').map_or("", |(s, _)| s);
            let present: BTreeSet<String> = tree
                .iter()
                .filter(|(path, _)| path.split_once('/').is_some_and(|(s, _)| s == stack))
                .flat_map(|(_, text)| account_resources(text))
                .collect();
            let missing: Vec<&String> = expected.difference(&present).collect();
            if missing.is_empty() {
                continue;
            }
            let shown: Vec<String> = missing
                .iter()
                .take(5)
                .map(|k| format!("`aws_organizations_account.{k}`"))
                .collect();
            let more = if missing.len() > 5 {
                format!(" and {} more", missing.len() - 5)
            } else {
                String::new()
            };
            return Err(TemplateError {
                template: (*name).to_string(),
                report: format!(
                    "the override drops {} account{} the built-in template declares: {}{more}. \
                     Without its resource Terraform closes or forgets the account. Keep every \
                     `aws_organizations_account` block of the built-in template (same \
                     addresses), or delete the override.",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                ),
            });
        }
        Ok(())
    }
}

/// The names of the `aws_organizations_account` resources declared in HCL text.
fn account_resources(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line.strip_prefix("resource")?;
            let mut quoted = rest.split('"').skip(1).step_by(2);
            (quoted.next()? == "aws_organizations_account")
                .then(|| quoted.next().map(String::from))?
        })
        .collect()
}

/// Files under the override folder that match no built-in template: a warning each, naming the
/// closest built-in (a misspelt override is otherwise ignored without a word).
fn unmatched_overrides(dir: &Path) -> Vec<Diagnostic> {
    let names = || all_templates().map(|(n, _)| *n);
    let mut found: Vec<String> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            let hidden = rel.split('/').any(|part| part.starts_with('.'));
            (!hidden && !names().any(|n| n == rel)).then_some(rel)
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let mut d = Diagnostic::warning(format!(
                "template override `{}` matches no built-in template; it is ignored",
                path.display()
            ));
            let with_tera = format!("{rel}.tera");
            d.help = Some(match did_you_mean(&rel, names()) {
                _ if names().any(|n| n == with_tera) => {
                    format!("overrides keep the `.tera` extension: did you mean `{with_tera}`?")
                }
                Some(s) => {
                    format!("did you mean `{s}`? (an override has a built-in template's name)")
                }
                None => format!(
                    "an override has a built-in template's name, e.g. `{}`",
                    TEMPLATES[0].0
                ),
            });
            d
        })
        .collect()
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
