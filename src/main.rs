//! The `mcpforge` binary: parse the command line and dispatch. Everything else lives in the library.

use std::process::ExitCode;

use mcpforge::{cli, commands, ui};

fn main() -> ExitCode {
    let (cli, matches) = cli::parse();
    let ui = ui::Ui::new(cli.quiet, cli.verbose, cli.color);
    let result = match &cli.command {
        cli::Command::New(args) => commands::new::run(&ui, &cli.context(), args, &matches),
        cli::Command::Add(args) => commands::add::run(&ui, &cli.context(), args),
        cli::Command::Lint(args) => commands::lint::run(&ui, &cli.context(), args),
        cli::Command::Upgrade(args) => commands::upgrade::run(&ui, &cli.context(), args),
        cli::Command::Inspect(args) => commands::inspect::run(&ui, args),
        cli::Command::Mcp(args) => commands::mcp::run(&cli.context(), args),
        cli::Command::Templates => commands::templates::run(&ui),
        cli::Command::Completions(args) => commands::completions::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ui.report_error(&err),
    }
}
