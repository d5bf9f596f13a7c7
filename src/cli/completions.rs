//! `landform completions SHELL`: a completion script for the shell, on standard output.

use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell
    shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<i32, crate::error::Error> {
    let mut cmd = super::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "landform", &mut std::io::stdout());
    Ok(0)
}
