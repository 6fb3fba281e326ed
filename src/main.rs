//! The `mcpforge` binary: parse the command line and dispatch. Everything else lives in the library.

use std::process::ExitCode;

use mcpforge::{cli, commands, ui};

/// Parsing and walking Rust recurses once per nesting level, and `lint`, `add` and `upgrade`
/// parse files mcpforge did not write: `edit::rust::parse_file` refuses code nested deeper than
/// it can handle, and all the work, lint's parallel threads included, runs on stacks that size.
const STACK_SIZE: usize = mcpforge::edit::rust::PARSER_STACK_SIZE;

fn main() -> ExitCode {
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global();
    match std::thread::Builder::new()
        .name("mcpforge".into())
        .stack_size(STACK_SIZE)
        .spawn(run)
    {
        // A panic has already printed its message; exit as an uncaught panic would.
        Ok(worker) => worker.join().unwrap_or(ExitCode::from(101)),
        Err(_) => run(),
    }
}

fn run() -> ExitCode {
    let (cli, matches) = cli::parse();
    mcpforge::interrupt::install();
    let ui = ui::Ui::new(cli.quiet, cli.verbose, cli.color);
    let context = || cli.context().map_err(anyhow::Error::from);
    let result = match &cli.command {
        cli::Command::New(args) => {
            context().and_then(|ctx| commands::new::run(&ui, &ctx, args, &matches))
        }
        cli::Command::Add(args) => context().and_then(|ctx| commands::add::run(&ui, &ctx, args)),
        cli::Command::Lint(args) => context().and_then(|ctx| commands::lint::run(&ui, &ctx, args)),
        cli::Command::Upgrade(args) => {
            context().and_then(|ctx| commands::upgrade::run(&ui, &ctx, args))
        }
        cli::Command::Inspect(args) => commands::inspect::run(&ui, args),
        cli::Command::Mcp(args) => context().and_then(|ctx| commands::mcp::run(&ctx, args)),
        cli::Command::Templates => commands::templates::run(&ui),
        cli::Command::Completions(args) => commands::completions::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The signal handler exits with 130 in a moment; the error is only the signal's echo.
        Err(err) if mcpforge::interrupt::caused(&err) => loop {
            std::thread::park();
        },
        Err(err) => ui.report_error(&err),
    }
}
