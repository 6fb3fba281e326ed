//! The server binary: `serve` (the default) speaks MCP over stdin/stdout.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use minimal::platform::{self, config::Settings};
use minimal::server::Server;

/// An MCP server built with mcpforge
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve MCP (the default). Settings come from environment variables: see .env.example.
    Serve {
        /// How clients connect.
        #[arg(long, value_enum, default_value_t = Transport::Stdio)]
        transport: Transport,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Transport {
    /// MCP over stdin/stdout: the client launches this binary.
    Stdio,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Serve { transport } = cli.command.unwrap_or(Command::Serve {
        transport: Transport::Stdio,
    });

    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    if let Err(err) = platform::logging::init(&settings) {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match transport {
            Transport::Stdio => platform::serve_stdio(Server::new(settings)).await,
        }
    });
    // A blocking stdin read cannot be cancelled; do not let it hold the process open.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
