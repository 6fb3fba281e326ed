//! `mcpforge completions <shell>`: print a completion script, including template option flags.

use crate::cli::{self, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    clap_complete::generate(
        args.shell,
        &mut cli::command(),
        "mcpforge",
        &mut std::io::stdout(),
    );
    Ok(())
}
