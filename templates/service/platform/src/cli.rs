//! The server binary's commands: `serve` (the default) speaks MCP over stdio or Streamable
//! HTTP; `hash-token` prints the SHA-256 that `AUTH_TOKENS` stores for a bearer token;
//! `healthcheck` asks a running HTTP server's `/healthz` (container images have no curl).
//!
//! The team's `main.rs` calls [`main`] with its [`Project`]; names, version and description in
//! `--help` are the project's.

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::config::{ConfigError, Settings, Transport};
use crate::{App, Project, Services};

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve MCP (the default). Settings come from the environment and an optional file: see
    /// .env.example. Flags override them.
    Serve {
        /// How clients connect [default: the TRANSPORT setting, else stdio]
        #[arg(long, value_enum)]
        transport: Option<TransportArg>,
        /// Where the HTTP transport listens [default: the HTTP_ADDR setting, else 127.0.0.1:8080]
        #[arg(long, value_name = "HOST:PORT")]
        addr: Option<SocketAddr>,
    },
    /// Read a bearer token from stdin and print the SHA-256 to put in AUTH_TOKENS
    HashToken,
    /// Internal: the sandbox `CodeExecutor` starts untrusted programs through
    #[command(hide = true)]
    SandboxExec {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Exit 0 when the HTTP server at --url answers /healthz, 1 otherwise (Docker HEALTHCHECK)
    Healthcheck {
        /// The server's base URL [default: http://127.0.0.1:PORT, PORT from the HTTP_ADDR setting]
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TransportArg {
    /// MCP over stdin/stdout: the client launches this binary.
    Stdio,
    /// Streamable HTTP.
    Http,
}

/// Runs the command line of the server binary `project`.
pub fn main(project: &Project) -> ExitCode {
    let command = Cli::command()
        .name(project.name)
        .bin_name(project.name)
        .version(project.version)
        .about(project.description);
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    match cli.command.unwrap_or(Command::Serve {
        transport: None,
        addr: None,
    }) {
        Command::HashToken => hash_token(project),
        Command::Healthcheck { url } => healthcheck(url),
        Command::SandboxExec { args } => crate::exec::sandbox_exec(&args),
        Command::Serve { transport, addr } => serve(project, transport, addr),
    }
}

fn hash_token(project: &Project) -> ExitCode {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() || line.trim().is_empty() {
        eprintln!(
            "error: write the token on stdin, for example: printf %s \"$TOKEN\" | {} hash-token",
            project.name
        );
        return ExitCode::from(2);
    }
    // mcpforge: ignore[MCP201] reason="hash-token prints its result and exits; it never serves MCP"
    println!(
        "{}",
        crate::auth::token_sha256(line.trim_end_matches(['\r', '\n']))
    );
    ExitCode::SUCCESS
}

fn healthcheck(url: Option<String>) -> ExitCode {
    let base = match url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => match Settings::load() {
            // The server may listen on 0.0.0.0; ask it on loopback.
            Ok(settings) => format!("http://127.0.0.1:{}", settings.http_addr.port()),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        },
    };
    let check = async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .no_proxy()
            .build()?;
        let response = client.get(format!("{base}/healthz")).send().await?;
        anyhow::ensure!(response.status().is_success(), "HTTP {}", response.status());
        Ok(())
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(check));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Settings that only make sense against the built server (TOOL_SCOPES naming a tool).
        Err(err) if err.downcast_ref::<ConfigError>().is_some() => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("unhealthy: {base}/healthz: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(project: &Project, transport: Option<TransportArg>, addr: Option<SocketAddr>) -> ExitCode {
    let mut overrides = Vec::new();
    if let Some(transport) = transport {
        let value = match transport {
            TransportArg::Stdio => "stdio",
            TransportArg::Http => "http",
        };
        overrides.push(("TRANSPORT", value.to_string()));
    }
    if let Some(addr) = addr {
        overrides.push(("HTTP_ADDR", addr.to_string()));
    }
    let (settings, vars) = match Settings::load_with(&overrides, project.settings) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    if let Err(err) = crate::logging::init(&settings) {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    let runtime = match crate::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let app = App::build(project, Services::new(settings, vars))?;
        match app.settings.transport {
            Transport::Stdio => crate::serve_stdio(app).await,
            Transport::Http => {
                let addr = app.settings.http_addr;
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
                crate::http::serve(app, listener, crate::shutdown::signal()).await
            }
        }
    });
    // A blocking stdin read cannot be cancelled; do not let it hold the process open.
    runtime.shutdown_timeout(Duration::from_millis(200));
    // Outside the runtime: the exporter's HTTP client blocks.
    crate::otel::shutdown();
    crate::logging::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Settings that only make sense against the built server (TOOL_SCOPES naming a tool).
        Err(err) if err.downcast_ref::<ConfigError>().is_some() => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
        Err(err) => {
            tracing::error!("server failed: {err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
