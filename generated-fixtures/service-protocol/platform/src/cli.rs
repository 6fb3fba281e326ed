//! The server binary's commands: `serve` (the default) speaks MCP over stdio or Streamable
//! HTTP; `hash-token` prints the SHA-256 that `AUTH_TOKENS` stores for a bearer token;
//! `healthcheck` asks a running HTTP server's `/healthz` (container images have no curl).
//!
//! The team's `main.rs` calls [`main`] with its [`Project`]; names, version and description in
//! `--help` are the project's.

#[cfg(feature = "http")]
use std::io::BufRead;
#[cfg(feature = "http")]
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
    Serve(ServeArgs),
    /// Read a bearer token from stdin and print the SHA-256 to put in AUTH_TOKENS
    #[cfg(feature = "http")]
    HashToken,
    /// Internal: the sandbox `CodeExecutor` starts untrusted programs through
    #[cfg(feature = "exec")]
    #[command(hide = true)]
    SandboxExec {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Exit 0 when the HTTP server at --url answers /healthz, 1 otherwise (Docker HEALTHCHECK)
    #[cfg(feature = "http")]
    Healthcheck {
        /// The server's base URL [default: http://127.0.0.1:PORT, PORT from the HTTP_ADDR setting]
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, Default, clap::Args)]
struct ServeArgs {
    /// How clients connect [default: the TRANSPORT setting, else stdio]
    #[arg(long, value_enum)]
    transport: Option<TransportArg>,
    /// Where the HTTP transport listens [default: the HTTP_ADDR setting, else 127.0.0.1:8080]
    #[cfg(feature = "http")]
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<SocketAddr>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TransportArg {
    /// MCP over stdin/stdout: the client launches this binary.
    Stdio,
    /// Streamable HTTP.
    #[cfg(feature = "http")]
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
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        #[cfg(feature = "http")]
        Command::HashToken => hash_token(project),
        #[cfg(feature = "http")]
        Command::Healthcheck { url } => healthcheck(url),
        #[cfg(feature = "exec")]
        Command::SandboxExec { args } => crate::exec::sandbox_exec(&args),
        Command::Serve(args) => serve(project, args),
    }
}

#[cfg(feature = "http")]
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

#[cfg(feature = "http")]
fn healthcheck(url: Option<String>) -> ExitCode {
    let base = match url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => match Settings::load() {
            // The server may listen on 0.0.0.0; ask it on loopback.
            Ok(settings) => format!("http://127.0.0.1:{}", settings.http.addr.port()),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        },
    };
    let check = async {
        tokio::time::timeout(Duration::from_secs(3), get_status(&base, "/healthz"))
            .await
            .map_err(|_| anyhow::anyhow!("no answer within 3 s"))?
            .and_then(|status| {
                anyhow::ensure!((200..300).contains(&status), "HTTP {status}");
                Ok(())
            })
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

/// The status code of `GET {base}{path}` over plain HTTP/1.1 (the check runs next to the
/// server, on loopback: no TLS, no proxy, no redirects).
#[cfg(feature = "http")]
async fn get_status(base: &str, path: &str) -> anyhow::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let authority = base
        .strip_prefix("http://")
        .ok_or_else(|| anyhow::anyhow!("only http:// URLs can be checked, not `{base}`"))?
        .trim_end_matches('/');
    anyhow::ensure!(
        !authority.is_empty() && !authority.contains('/'),
        "`{base}` must be http://HOST:PORT"
    );
    let address = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let mut stream = tokio::net::TcpStream::connect(&address).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut head = [0u8; 32];
    let mut read = 0;
    while read < 12 {
        let n = stream.read(&mut head[read..]).await?;
        anyhow::ensure!(n > 0, "the connection closed before a status line");
        read += n;
    }
    let line = std::str::from_utf8(&head[..read]).unwrap_or_default();
    line.strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("not an HTTP response"))
}

fn serve(project: &Project, args: ServeArgs) -> ExitCode {
    let mut overrides = Vec::new();
    if let Some(transport) = args.transport {
        let value = match transport {
            TransportArg::Stdio => "stdio",
            #[cfg(feature = "http")]
            TransportArg::Http => "http",
        };
        overrides.push(("TRANSPORT", value.to_string()));
    }
    #[cfg(feature = "http")]
    if let Some(addr) = args.addr {
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
            #[cfg(feature = "http")]
            Transport::Http => {
                let addr = app.settings.http.addr;
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
