//! The command line: parses arguments, runs one command, maps the outcome to an exit code
//! (0 ok, 1 `--check` found drift, 2 bad input or usage).

mod access;
mod adopt;
mod completions;
mod diff;
mod explain;
mod generate;
mod guardrails;
mod init;
mod lock;
pub mod schema;
mod validate;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::app::Paths;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::load::Loaded;
use crate::lock::RunOptions;

#[derive(Debug, Parser)]
#[command(
    name = "landform",
    version,
    about = "Turns a YAML blueprint of an AWS landing zone into a Terraform tree"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors (and the document a command exists to print: explain, access, diff,
    /// schema, JSON); no status lines, no warnings
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print each stage's time and counts (load, validate, expand, render, plan, write)
    /// on stderr
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Colour errors, warnings and diffs: `auto` on a terminal unless NO_COLOR is set
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: crate::output::ColourChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a starter blueprint from a preset and generate its tree.
    Init(init::Args),
    /// Check a blueprint: every error and warning, located.
    Validate(validate::Args),
    /// Write the Terraform tree for a blueprint.
    Generate(generate::Args),
    /// List the built-in guardrails with their parameters.
    Guardrails,
    /// Print who can access which account with which permission set (Identity Center).
    Access(access::Args),
    /// Show what the next `generate` would change, in Terraform terms and as a diff.
    Diff(diff::Args),
    /// Update landform.lock: fill in account, OU and policy ids from Terraform's state.
    Lock(lock::Args),
    /// Write a blueprint, a lock and a tree that import an existing organization.
    Adopt(adopt::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print the JSON Schema of the blueprint (editors complete and check with it).
    Schema,
    /// Explain what is in force on an account, an OU or the root, and where it comes from.
    Explain(explain::Args),
}

/// Runs landform with these arguments (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    crate::output::configure(cli.quiet, cli.verbose, cli.color);
    let result = match cli.command {
        Command::Init(args) => init::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Access(args) => access::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Lock(args) => lock::run(args),
        Command::Adopt(args) => adopt::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Schema => {
            print!("{}", schema::text());
            Ok(0)
        }
        Command::Explain(args) => explain::run(args),
        Command::Guardrails => {
            print!("{}", guardrails::listing());
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            crate::output::write_painted(
                crate::output::Stream::Err,
                &format!("{e}\n"),
                crate::output::Paint::Diagnostics,
            );
            e.exit_code()
        }
    }
}

/// Arguments shared by the commands that generate a tree (`generate`, `diff`, `init`).
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The output directory [default: terraform/ beside the blueprint]
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// A folder of templates overriding the built-in ones by name [default: templates/ beside
    /// the blueprint, if present]
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Merge guardrail SCPs/RCPs attached to the same targets into as few documents as the
    /// size limit allows (like `organization.pack_guardrails: true`)
    #[arg(long)]
    pack: bool,
    /// Let accounts that are in landform.lock leave the blueprint: Terraform forgets them
    /// (`removed` blocks) and they stay in AWS, unless listed in `close_on_removal:`
    #[arg(long)]
    allow_removal: bool,
    /// Overwrite or delete generated files even if they were edited by hand
    #[arg(long)]
    force: bool,
}

impl RunArgs {
    /// Where the run reads and writes, for this blueprint.
    fn paths(&self, blueprint: PathBuf) -> Result<Paths, Error> {
        let templates = generate::templates_dir(&blueprint, self.templates.clone())?;
        Ok(Paths {
            out: self
                .out
                .clone()
                .unwrap_or_else(|| generate::default_out(&blueprint)),
            blueprint,
            templates,
        })
    }

    fn options(&self) -> RunOptions {
        RunOptions {
            allow_removal: self.allow_removal,
            pack: self.pack,
        }
    }
}

/// The blueprint path: the argument, or `landform.yaml` in the current directory.
fn blueprint_path(arg: Option<PathBuf>) -> PathBuf {
    arg.unwrap_or_else(|| PathBuf::from("landform.yaml"))
}

fn load(path: &Path) -> Result<Loaded, Error> {
    crate::app::load(path)
}

/// Warnings on stderr (painted when colour is on); none with `-q`.
fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        warn(&w.to_string());
    }
}

/// One warning (a `warning: ...` text) on stderr, painted when colour is on; none with `-q`.
fn warn(text: &str) {
    if !crate::output::quiet() {
        crate::output::write_painted(
            crate::output::Stream::Err,
            &format!("{text}\n"),
            crate::output::Paint::Diagnostics,
        );
    }
}
