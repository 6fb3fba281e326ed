//! Typed settings: defaults, then an optional TOML file, then environment variables.
//!
//! Guarantees: every setting has a default, a variable named `<PREFIX>_<KEY>` (the prefix is the
//! package name in upper case, `-` as `_`) and a validation that names the variable when it
//! fails; variables with the prefix that are not settings are refused, so a typo cannot pass
//! silently. Precedence, lowest first: defaults → the file named by `<PREFIX>_CONFIG_FILE`
//! (keys in lower case: `http_addr = "0.0.0.0:8080"`) → `.env` in debug builds (never
//! overriding the real environment) → the environment. Secrets are held as
//! [`SecretString`]: `Debug` prints them redacted and nothing here logs them. [`SETTINGS`] is
//! the single list of settings: `.env.example` is checked against it.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;

/// One setting: its key (after the prefix), default and meaning.
#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// Every setting the server reads.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "CONFIG_FILE",
        default: "",
        help: "Optional TOML file with settings (lower-case keys); the environment overrides it.",
    },
    Setting {
        key: "TRANSPORT",
        default: "stdio",
        help: "`stdio` (the client launches the server) or `http` (Streamable HTTP).",
    },
    Setting {
        key: "HTTP_ADDR",
        default: "127.0.0.1:8080",
        help: "Address the HTTP transport listens on.",
    },
    Setting {
        key: "HTTP_ALLOWED_HOSTS",
        default: "localhost,127.0.0.1,::1",
        help: "Host header values accepted (DNS-rebinding protection); add your public hostname.",
    },
    Setting {
        key: "HTTP_ALLOWED_ORIGINS",
        default: "http://localhost:*,http://127.0.0.1:*",
        help: "Browser Origin values accepted (requests without Origin pass); `:*` is any port.",
    },
    Setting {
        key: "HTTP_MAX_BODY_BYTES",
        default: "1048576",
        help: "Largest accepted request body in bytes; larger ones get HTTP 413.",
    },
    Setting {
        key: "HTTP_STATELESS",
        default: "false",
        help: "Stateless JSON mode: no sessions, one JSON response per POST (for load balancers).",
    },
    Setting {
        key: "HTTP_HEADER_TIMEOUT_MS",
        default: "10000",
        help: "A client must send a request's headers within this time, or the connection is closed.",
    },
    Setting {
        key: "HTTP_IDLE_TIMEOUT_SECONDS",
        default: "120",
        help: "A connection with no bytes in either direction for this long is closed.",
    },
    Setting {
        key: "HTTP_MAX_CONNECTIONS",
        default: "1024",
        help: "Open connections at most; further ones are closed as soon as they are accepted.",
    },
    Setting {
        key: "HTTP_REQUEST_TIMEOUT_SECONDS",
        default: "60",
        help: "Deadline for reading a request and producing its response (HTTP 408 or 504 after it).",
    },
    Setting {
        key: "HTTP_MAX_SESSIONS",
        default: "10000",
        help: "MCP sessions (2025-11-25 era) open at once, all callers together; more get HTTP 503.",
    },
    Setting {
        key: "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
        default: "100",
        help: "MCP sessions one principal (or, without authentication, one address) may hold; more get HTTP 429.",
    },
    Setting {
        key: "HTTP_SESSION_IDLE_SECONDS",
        default: "300",
        help: "A session with no request for this long is closed.",
    },
    Setting {
        key: "HTTP_MAX_INITIALIZE_BYTES",
        default: "16384",
        help: "Largest `initialize` parameters (client info and capabilities) accepted over HTTP; a session keeps them.",
    },
    Setting {
        key: "PUBLIC_URL",
        default: "",
        help: "The URL clients use to reach the server (OAuth metadata); required with authentication on a non-loopback address.",
    },
    Setting {
        key: "SHUTDOWN_GRACE_SECONDS",
        default: "20",
        help: "On SIGTERM or ctrl-c, how long in-flight requests may take to finish.",
    },
    Setting {
        key: "LOG",
        default: "info,rmcp=warn",
        help: "Log filter (tracing EnvFilter syntax). Logs go to stderr only.",
    },
    Setting {
        key: "LOG_FORMAT",
        default: "auto",
        help: "`text`, `json`, or `auto` (JSON lines over HTTP, text over stdio).",
    },
    Setting {
        key: "AUTH",
        default: "jwt",
        help: "`none`, `bearer` (static tokens, stored hashed) or `jwt` (validated against a JWKS).",
    },
    Setting {
        key: "AUTH_TOKENS",
        default: "",
        help: "Bearer mode: `principal:sha256-of-token[:scope scope…]`, comma-separated (secret).",
    },
    Setting {
        key: "AUTH_PRESET",
        default: "",
        help: "JWT provider preset filling issuer and JWKS: google, github, entra, auth0, workos, keycloak.",
    },
    Setting {
        key: "AUTH_TENANT",
        default: "",
        help: "Preset parameter: Entra tenant id, Auth0 domain, WorkOS client id, Keycloak realm URL.",
    },
    Setting {
        key: "AUTH_ISSUER",
        default: "",
        help: "JWT mode: the required `iss` (filled by a preset when empty).",
    },
    Setting {
        key: "AUTH_AUDIENCE",
        default: "",
        help: "JWT mode: the required `aud`, usually this server's public URL.",
    },
    Setting {
        key: "AUTH_JWKS_URL",
        default: "",
        help: "JWT mode: where the signing keys are published (filled by a preset when empty).",
    },
    Setting {
        key: "AUTH_ALGORITHMS",
        default: "RS256",
        help: "JWT mode: accepted signature algorithms, comma-separated (RS256, ES256, EdDSA, …).",
    },
    Setting {
        key: "AUTH_REQUIRED_CLAIMS",
        default: "",
        help: "JWT mode: `claim=value,…` every token must carry (exact match; repeat a claim to allow several values). Required with the google and github presets.",
    },
    Setting {
        key: "AUTH_TENANT_CLAIM",
        default: "tid",
        help: "JWT mode: the claim that names the caller's tenant (if any).",
    },
    Setting {
        key: "TOOL_SCOPES",
        default: "",
        help: "Scopes a tool requires: `tool=scope scope;tool2=scope`.",
    },
    Setting {
        key: "RATE_LIMIT_PER_SECOND",
        default: "50",
        help: "Requests per second per principal (0 turns the limit off).",
    },
    Setting {
        key: "RATE_LIMIT_BURST",
        default: "100",
        help: "Requests a principal may make at once before the per-second rate applies.",
    },
    Setting {
        key: "TOOL_RATE_LIMIT_PER_SECOND",
        default: "20",
        help: "Calls per second per principal and tool (0 turns the limit off).",
    },
    Setting {
        key: "TOOL_RATE_LIMIT_BURST",
        default: "40",
        help: "Calls of one tool a principal may make at once.",
    },
    Setting {
        key: "RATE_LIMIT_BACKEND",
        default: "memory",
        help: "Where buckets live: `memory` (this process) or `redis` (shared by every replica).",
    },
    Setting {
        key: "REDIS_URL",
        default: "redis://127.0.0.1:6379",
        help: "Redis for shared state: `redis://[user:password@]host:port[/db]`, `rediss://` for TLS (secret).",
    },
    Setting {
        key: "REDIS_KEY_PREFIX",
        default: "",
        help: "Prefix of every Redis key this server writes; empty means the package name.",
    },
    Setting {
        key: "REDIS_TIMEOUT_MS",
        default: "100",
        help: "How long a rate-limit check waits for Redis (connect or answer) before failing.",
    },
    Setting {
        key: "RATE_LIMIT_REDIS_FAILURE",
        default: "open",
        help: "When Redis cannot answer: `open` admits the request, `closed` refuses it (HTTP 429 / -32029).",
    },
    Setting {
        key: "FETCH_ALLOW_CIDRS",
        default: "",
        help: "Address ranges the URL fetcher may reach although they are blocked (private, loopback, …), comma-separated CIDRs.",
    },
    Setting {
        key: "FETCH_CONTENT_TYPES",
        default: "text/*,application/json,application/xml,application/rss+xml,application/atom+xml",
        help: "Response content types the URL fetcher accepts; `type/*` accepts a whole type.",
    },
    Setting {
        key: "FETCH_MAX_BYTES",
        default: "1048576",
        help: "Largest response body the URL fetcher reads, in bytes (enforced while streaming).",
    },
    Setting {
        key: "FETCH_CONNECT_TIMEOUT_MS",
        default: "3000",
        help: "URL fetcher: how long a connection may take to open.",
    },
    Setting {
        key: "FETCH_TIMEOUT_MS",
        default: "10000",
        help: "URL fetcher: how long a whole fetch (redirects and body included) may take.",
    },
    Setting {
        key: "FETCH_MAX_REDIRECTS",
        default: "5",
        help: "URL fetcher: redirects followed, each re-checked, before giving up.",
    },
    Setting {
        key: "FETCH_PROXY",
        default: "",
        help: "URL fetcher: egress proxy URL; empty means direct (HTTP_PROXY and friends are ignored).",
    },
    Setting {
        key: "FETCH_RATE_LIMIT_PER_SECOND",
        default: "2",
        help: "URL fetcher: fetches per second per principal (0 turns the limit off).",
    },
    Setting {
        key: "FETCH_RATE_LIMIT_BURST",
        default: "10",
        help: "URL fetcher: fetches a principal may make at once.",
    },
    Setting {
        key: "FILES_ROOTS",
        default: "",
        help: "Directories file tools may use, as `name=/absolute/path`, comma-separated; empty means no file access.",
    },
    Setting {
        key: "FILES_WRITABLE",
        default: "",
        help: "Names of the FILES_ROOTS that may be written (comma-separated); the others are read-only.",
    },
    Setting {
        key: "FILES_MAX_READ_BYTES",
        default: "1048576",
        help: "Largest file a read returns, in bytes.",
    },
    Setting {
        key: "FILES_MAX_WRITE_BYTES",
        default: "1048576",
        help: "Largest file a write accepts, in bytes.",
    },
    Setting {
        key: "FILES_MAX_ENTRIES",
        default: "1000",
        help: "Most entries a listing returns (it says when it was cut).",
    },
    Setting {
        key: "FILES_MAX_DEPTH",
        default: "8",
        help: "Deepest a listing walks below its directory.",
    },
    Setting {
        key: "EXEC_PROGRAMS",
        default: "",
        help: "Programs code execution may run, as `name=/absolute/path` (e.g. python3=/usr/bin/python3); empty turns it off.",
    },
    Setting {
        key: "EXEC_ENV",
        default: "LANG=C.UTF-8,PATH=/usr/bin:/bin",
        help: "The whole environment executed code sees, as KEY=VALUE, comma-separated.",
    },
    Setting {
        key: "EXEC_READ_PATHS",
        default: "/usr,/lib,/lib64,/bin",
        help: "Directories executed code may read and execute from (landlock); missing ones are skipped.",
    },
    Setting {
        key: "EXEC_TIMEOUT_MS",
        default: "5000",
        help: "Wall-clock limit of one run; then everything it started is killed.",
    },
    Setting {
        key: "EXEC_CPU_SECONDS",
        default: "2",
        help: "CPU-time limit of one run (RLIMIT_CPU).",
    },
    Setting {
        key: "EXEC_MEMORY_BYTES",
        default: "268435456",
        help: "Memory of one run: the whole run where a cgroup is available (memory.max), and each process's address space (RLIMIT_AS).",
    },
    Setting {
        key: "EXEC_MAX_PROCESSES",
        default: "32",
        help: "Processes of one run (cgroup pids.max where available, and RLIMIT_NPROC): stops fork bombs.",
    },
    Setting {
        key: "EXEC_MAX_FILE_BYTES",
        default: "1048576",
        help: "Largest file a run may write (RLIMIT_FSIZE).",
    },
    Setting {
        key: "EXEC_MAX_OUTPUT_BYTES",
        default: "65536",
        help: "Output kept from stdout and from stderr; a run that writes more is killed.",
    },
    Setting {
        key: "EXEC_SCRATCH_BYTES",
        default: "16777216",
        help: "Size of a run's scratch directory, a tmpfs of its own (one inode per 4 KiB); at least 65536.",
    },
    Setting {
        key: "EXEC_MAX_CONCURRENT",
        default: "4",
        help: "Runs at once; more wait for a slot. At least 1.",
    },
    Setting {
        key: "EXEC_QUEUE_TIMEOUT_MS",
        default: "5000",
        help: "How long a run waits for a slot before it fails as busy (0: fail at once).",
    },
    Setting {
        key: "EXEC_ISOLATION",
        default: "required",
        help: "`required`: refuse to run where namespaces, landlock, seccomp or an unprivileged uid are unavailable, and limit per process where no per-run cgroup is; `strict`: also refuse without a per-run cgroup; `best-effort`: run anyway and say what is missing.",
    },
    Setting {
        key: "OTLP_ENDPOINT",
        default: "",
        help: "OpenTelemetry collector (OTLP/HTTP, e.g. http://collector:4318) for request spans; needs the `otel` build feature.",
    },
    Setting {
        key: "METRICS_ADDR",
        default: "",
        help: "Serve /metrics on this address (HOST:PORT) instead of the MCP listener, so it is not public.",
    },
    Setting {
        key: "METRICS",
        default: "true",
        help: "Serve Prometheus metrics at /metrics (HTTP transport) and count requests.",
    },
    Setting {
        key: "UPSTREAM_TOKEN",
        default: "",
        help: "This server's own credential for upstream APIs (secret). Client tokens are never forwarded.",
    },
    Setting {
        key: "GREETING",
        default: "Hello",
        help: "The greeting the example `greet` tool uses (1 to 40 characters).",
    },
];

/// How the server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Stdio,
    Http,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Auto,
    Text,
    Json,
}

/// How callers authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    None,
    Bearer,
    Jwt,
}

/// Where rate-limit buckets are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitBackend {
    Memory,
    Redis,
}

/// What a rate-limit check decides when Redis cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisFailure {
    /// Admit the request: availability over strictness.
    Open,
    /// Refuse the request: strictness over availability.
    Closed,
}

impl RedisFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// A token bucket: a sustained rate and a burst. A rate of 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per_second: u32,
    pub burst: u32,
}

/// Limits of the HTTP listener: what a slow, idle or greedy client can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub request_timeout: Duration,
    pub max_sessions: usize,
    pub max_sessions_per_principal: usize,
    pub session_idle: Duration,
    pub max_initialize_bytes: usize,
}

/// The validated settings. Secrets print as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub transport: Transport,
    pub http_addr: SocketAddr,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub stateless: bool,
    pub http_limits: HttpLimits,
    /// The URL clients use to reach the server, without a trailing `/`.
    pub public_url: String,
    pub shutdown_grace: Duration,
    pub log: String,
    pub log_format: LogFormat,
    pub auth: AuthMode,
    /// Bearer mode: `principal:sha256[:scopes]` entries.
    pub auth_tokens: SecretString,
    pub auth_preset: Option<String>,
    pub auth_tenant: String,
    pub auth_issuer: String,
    pub auth_audience: String,
    pub auth_jwks_url: String,
    pub auth_algorithms: Vec<String>,
    pub auth_tenant_claim: String,
    /// `claim=value,…` (parsed and checked with the rest of the auth settings).
    pub auth_required_claims: String,
    /// Tool name → scopes it requires.
    pub tool_scopes: BTreeMap<String, BTreeSet<String>>,
    pub rate_limit: Limit,
    pub tool_rate_limit: Limit,
    pub rate_limit_backend: RateLimitBackend,
    /// May carry a password.
    pub redis_url: SecretString,
    pub redis_key_prefix: String,
    pub redis_timeout: Duration,
    pub redis_failure: RedisFailure,
    /// The URL fetcher's policy and limits.
    pub fetch: super::fetch::FetchConfig,
    /// File roots and limits.
    pub files: super::files::FileConfig,
    /// Code execution: programs, environment and limits.
    pub exec: super::exec::ExecConfig,
    pub metrics: bool,
    /// A listener of its own for `/metrics`, when set.
    pub metrics_addr: Option<SocketAddr>,
    /// Where request spans go (OTLP/HTTP), when set.
    pub otlp_endpoint: Option<String>,
    pub upstream_token: Option<SecretString>,
    pub greeting: String,
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {variable}: {reason}")]
pub struct ConfigError {
    pub variable: String,
    pub reason: String,
}

/// The prefix of every setting's variable, derived from the package name.
pub fn env_prefix() -> String {
    env!("CARGO_PKG_NAME")
        .to_ascii_uppercase()
        .replace('-', "_")
}

/// The full variable name of a setting key.
pub fn variable(key: &str) -> String {
    format!("{}_{key}", env_prefix())
}

impl Settings {
    /// Reads the configuration file (if any), `.env` (debug builds) and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_with(&[])
    }

    /// [`Settings::load`], then `overrides` (keys without the prefix; command-line flags).
    pub fn load_with(overrides: &[(&str, String)]) -> Result<Self, ConfigError> {
        if cfg!(debug_assertions) {
            // Development convenience only: real variables always win, and release builds
            // never read `.env`.
            let _ = dotenvy::dotenv();
        }
        let env: Vec<(String, String)> = std::env::vars().collect();
        let file_var = variable("CONFIG_FILE");
        let file = match env.iter().find(|(k, _)| *k == file_var) {
            Some((_, path)) if !path.is_empty() => read_file(path, &file_var)?,
            _ => Vec::new(),
        };
        let flags = overrides.iter().map(|(k, v)| (variable(k), v.clone()));
        Self::from_vars(file.into_iter().chain(env).chain(flags))
    }

    /// Builds settings from `(variable, value)` pairs, later pairs winning; tests pass their own.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let prefix = format!("{}_", env_prefix());
        let mut given = BTreeMap::new();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(&prefix) else {
                continue;
            };
            if !SETTINGS.iter().any(|s| s.key == key) {
                let known: Vec<String> = SETTINGS.iter().map(|s| variable(s.key)).collect();
                return Err(ConfigError {
                    variable: name.clone(),
                    reason: format!(
                        "not a setting of this server (settings: {})",
                        known.join(", ")
                    ),
                });
            }
            given.insert(key.to_string(), value);
        }
        let get = |key: &str| -> String {
            given.get(key).cloned().unwrap_or_else(|| {
                let setting = SETTINGS.iter().find(|s| s.key == key);
                setting.map(|s| s.default.to_string()).unwrap_or_default()
            })
        };
        let invalid = |key: &str, reason: String| ConfigError {
            variable: variable(key),
            reason,
        };
        let number = |key: &str| -> Result<u64, ConfigError> {
            let text = get(key);
            text.trim()
                .parse()
                .map_err(|_| invalid(key, format!("`{text}` is not a whole number")))
        };
        let boolean = |key: &str| -> Result<bool, ConfigError> {
            match get(key).trim() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                other => Err(invalid(key, format!("`{other}` is not true or false"))),
            }
        };
        let list = |key: &str| -> Vec<String> {
            get(key)
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };

        let transport = match get("TRANSPORT").as_str() {
            "stdio" => Transport::Stdio,
            "http" => Transport::Http,
            other => {
                return Err(invalid(
                    "TRANSPORT",
                    format!("`{other}` is not stdio or http"),
                ));
            }
        };
        let addr_text = get("HTTP_ADDR");
        let http_addr: SocketAddr = addr_text.parse().map_err(|_| {
            invalid(
                "HTTP_ADDR",
                format!("`{addr_text}` is not HOST:PORT with an IP host"),
            )
        })?;
        let max_body_bytes = number("HTTP_MAX_BODY_BYTES")?;
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            return Err(invalid(
                "HTTP_MAX_BODY_BYTES",
                "must be between 1024 and 67108864".into(),
            ));
        }
        let public_url = match get("PUBLIC_URL").trim().trim_end_matches('/') {
            "" => format!("http://{http_addr}"),
            url if url.starts_with("https://") || url.starts_with("http://") => url.to_string(),
            other => {
                return Err(invalid(
                    "PUBLIC_URL",
                    format!("`{other}` must start with https:// or http://"),
                ));
            }
        };
        let bounded =
            |key: &str, range: std::ops::RangeInclusive<u64>| -> Result<u64, ConfigError> {
                let value = number(key)?;
                if range.contains(&value) {
                    Ok(value)
                } else {
                    Err(invalid(
                        key,
                        format!("must be between {} and {}", range.start(), range.end()),
                    ))
                }
            };
        let as_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let max_sessions = bounded("HTTP_MAX_SESSIONS", 1..=1_000_000)?;
        let http_limits = HttpLimits {
            header_timeout: Duration::from_millis(bounded(
                "HTTP_HEADER_TIMEOUT_MS",
                100..=300_000,
            )?),
            idle_timeout: Duration::from_secs(bounded("HTTP_IDLE_TIMEOUT_SECONDS", 1..=86_400)?),
            max_connections: as_usize(bounded("HTTP_MAX_CONNECTIONS", 1..=1_000_000)?),
            request_timeout: Duration::from_secs(bounded(
                "HTTP_REQUEST_TIMEOUT_SECONDS",
                1..=3600,
            )?),
            max_sessions: as_usize(max_sessions),
            max_sessions_per_principal: as_usize(bounded(
                "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
                1..=max_sessions,
            )?),
            session_idle: Duration::from_secs(bounded("HTTP_SESSION_IDLE_SECONDS", 1..=86_400)?),
            // No larger than a whole request may be.
            max_initialize_bytes: as_usize(
                bounded("HTTP_MAX_INITIALIZE_BYTES", 1024..=64 * 1024 * 1024)?.min(max_body_bytes),
            ),
        };
        let metrics_addr = match get("METRICS_ADDR").trim() {
            "" => None,
            text => Some(text.parse::<SocketAddr>().map_err(|_| {
                invalid(
                    "METRICS_ADDR",
                    format!("`{text}` is not HOST:PORT with an IP host"),
                )
            })?),
        };
        let log = get("LOG");
        tracing_subscriber::EnvFilter::try_new(&log)
            .map_err(|e| invalid("LOG", format!("`{log}` is not a log filter: {e}")))?;
        let log_format = match get("LOG_FORMAT").as_str() {
            "auto" => LogFormat::Auto,
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("`{other}` is not auto, text or json"),
                ));
            }
        };
        let auth = match get("AUTH").as_str() {
            "none" => AuthMode::None,
            "bearer" => AuthMode::Bearer,
            "jwt" => AuthMode::Jwt,
            other => {
                return Err(invalid(
                    "AUTH",
                    format!("`{other}` is not none, bearer or jwt"),
                ));
            }
        };
        let limit = |rate: &str, burst: &str| -> Result<Limit, ConfigError> {
            let per_second =
                u32::try_from(number(rate)?).map_err(|_| invalid(rate, "is too large".into()))?;
            let burst_value =
                u32::try_from(number(burst)?).map_err(|_| invalid(burst, "is too large".into()))?;
            if per_second > 0 && burst_value == 0 {
                return Err(invalid(
                    burst,
                    "must be at least 1 when the rate is on".into(),
                ));
            }
            Ok(Limit {
                per_second,
                burst: burst_value,
            })
        };
        let mut tool_scopes = BTreeMap::new();
        for entry in get("TOOL_SCOPES")
            .split(';')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let Some((tool, scopes)) = entry.split_once('=') else {
                return Err(invalid(
                    "TOOL_SCOPES",
                    format!("`{entry}` is not tool=scope scope"),
                ));
            };
            let scopes: BTreeSet<String> = scopes.split_whitespace().map(str::to_string).collect();
            tool_scopes.insert(tool.trim().to_string(), scopes);
        }
        let upstream = get("UPSTREAM_TOKEN");
        let greeting = get("GREETING");
        let length = greeting.chars().count();
        if !(1..=40).contains(&length) || greeting.chars().any(char::is_control) {
            return Err(invalid(
                "GREETING",
                format!("must be 1 to 40 characters on one line, got {length}"),
            ));
        }
        let rate_limit_backend = match get("RATE_LIMIT_BACKEND").as_str() {
            "memory" => RateLimitBackend::Memory,
            "redis" => RateLimitBackend::Redis,
            other => {
                return Err(invalid(
                    "RATE_LIMIT_BACKEND",
                    format!("`{other}` is not memory or redis"),
                ));
            }
        };
        let redis_url = get("REDIS_URL");
        if let Err(e) = redis::IntoConnectionInfo::into_connection_info(redis_url.as_str()) {
            // The URL may carry a password: name the problem, never the value.
            return Err(invalid(
                "REDIS_URL",
                format!("not a Redis URL (redis://host:port, rediss://…, unix://…): {e}"),
            ));
        }
        let redis_failure = match get("RATE_LIMIT_REDIS_FAILURE").as_str() {
            "open" => RedisFailure::Open,
            "closed" => RedisFailure::Closed,
            other => {
                return Err(invalid(
                    "RATE_LIMIT_REDIS_FAILURE",
                    format!("`{other}` is not open or closed"),
                ));
            }
        };
        let redis_timeout_ms = number("REDIS_TIMEOUT_MS")?;
        if !(1..=10_000).contains(&redis_timeout_ms) {
            return Err(invalid(
                "REDIS_TIMEOUT_MS",
                "must be between 1 and 10000".into(),
            ));
        }
        let redis_key_prefix = match get("REDIS_KEY_PREFIX").trim() {
            "" => env!("CARGO_PKG_NAME").to_string(),
            prefix => prefix.to_string(),
        };
        let mut fetch_allowed = Vec::new();
        for cidr in list("FETCH_ALLOW_CIDRS") {
            let net = cidr
                .parse::<ipnet::IpNet>()
                .or_else(|_| cidr.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            fetch_allowed.push(net.map_err(|_| {
                invalid(
                    "FETCH_ALLOW_CIDRS",
                    format!("`{cidr}` is not an address or a CIDR range (10.1.2.0/24)"),
                )
            })?);
        }
        let fetch_proxy = get("FETCH_PROXY").trim().to_string();
        if !fetch_proxy.is_empty() && reqwest::Proxy::all(&fetch_proxy).is_err() {
            return Err(invalid(
                "FETCH_PROXY",
                "not a proxy URL (http://proxy.internal:3128)".into(),
            ));
        }
        let millis = |key: &str| -> Result<Duration, ConfigError> {
            match number(key)? {
                0 => Err(invalid(key, "must be at least 1".into())),
                ms => Ok(Duration::from_millis(ms)),
            }
        };
        let fetch = super::fetch::FetchConfig {
            allowed: fetch_allowed,
            content_types: list("FETCH_CONTENT_TYPES")
                .into_iter()
                .map(|t| t.to_ascii_lowercase())
                .collect(),
            max_bytes: number("FETCH_MAX_BYTES")?,
            connect_timeout: millis("FETCH_CONNECT_TIMEOUT_MS")?,
            timeout: millis("FETCH_TIMEOUT_MS")?,
            max_redirects: usize::try_from(number("FETCH_MAX_REDIRECTS")?).unwrap_or(usize::MAX),
            proxy: (!fetch_proxy.is_empty()).then_some(fetch_proxy),
            rate_limit: limit("FETCH_RATE_LIMIT_PER_SECOND", "FETCH_RATE_LIMIT_BURST")?,
        };
        let writable = list("FILES_WRITABLE");
        let mut roots: Vec<super::files::RootConfig> = Vec::new();
        for entry in list("FILES_ROOTS") {
            let Some((name, path)) = entry.split_once('=') else {
                return Err(invalid(
                    "FILES_ROOTS",
                    format!("`{entry}` is not name=/absolute/path"),
                ));
            };
            let (name, path) = (name.trim(), std::path::PathBuf::from(path.trim()));
            if name.is_empty() || roots.iter().any(|r| r.name == name) {
                return Err(invalid(
                    "FILES_ROOTS",
                    format!("root names must be unique and not empty: `{entry}`"),
                ));
            }
            if !path.is_absolute() || !path.is_dir() {
                return Err(invalid(
                    "FILES_ROOTS",
                    format!("`{}` is not an existing absolute directory", path.display()),
                ));
            }
            roots.push(super::files::RootConfig {
                name: name.to_string(),
                path,
                writable: writable.iter().any(|w| w == name),
            });
        }
        if let Some(unknown) = writable
            .iter()
            .find(|w| !roots.iter().any(|r| &r.name == *w))
        {
            return Err(invalid(
                "FILES_WRITABLE",
                format!("`{unknown}` is not a root named in FILES_ROOTS"),
            ));
        }
        let files = super::files::FileConfig {
            roots,
            max_read_bytes: number("FILES_MAX_READ_BYTES")?,
            max_write_bytes: number("FILES_MAX_WRITE_BYTES")?,
            max_entries: usize::try_from(number("FILES_MAX_ENTRIES")?).unwrap_or(usize::MAX),
            max_depth: usize::try_from(number("FILES_MAX_DEPTH")?).unwrap_or(usize::MAX),
        };
        let mut programs = Vec::new();
        for entry in list("EXEC_PROGRAMS") {
            let Some((name, path)) = entry.split_once('=') else {
                return Err(invalid(
                    "EXEC_PROGRAMS",
                    format!("`{entry}` is not name=/absolute/path"),
                ));
            };
            let path = std::path::PathBuf::from(path.trim());
            if !path.is_absolute() || !super::exec::is_executable_file(&path) {
                return Err(invalid(
                    "EXEC_PROGRAMS",
                    format!(
                        "`{}` is not an absolute path to an executable",
                        path.display()
                    ),
                ));
            }
            programs.push((name.trim().to_string(), path));
        }
        let mut exec_env = Vec::new();
        for pair in list("EXEC_ENV") {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(invalid("EXEC_ENV", format!("`{pair}` is not KEY=VALUE")));
            };
            exec_env.push((key.trim().to_string(), value.to_string()));
        }
        let exec = super::exec::ExecConfig {
            programs,
            env: exec_env,
            read_paths: list("EXEC_READ_PATHS")
                .into_iter()
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_absolute() && p.exists())
                .collect(),
            timeout: millis("EXEC_TIMEOUT_MS")?,
            cpu_seconds: number("EXEC_CPU_SECONDS")?.max(1),
            memory_bytes: number("EXEC_MEMORY_BYTES")?,
            max_processes: number("EXEC_MAX_PROCESSES")?.max(1),
            max_file_bytes: number("EXEC_MAX_FILE_BYTES")?,
            max_output_bytes: usize::try_from(number("EXEC_MAX_OUTPUT_BYTES")?)
                .unwrap_or(usize::MAX),
            scratch_bytes: match number("EXEC_SCRATCH_BYTES")? {
                bytes if bytes < 65536 => {
                    return Err(invalid(
                        "EXEC_SCRATCH_BYTES",
                        format!("{bytes} must be at least 65536"),
                    ));
                }
                bytes => bytes,
            },
            max_concurrent: match number("EXEC_MAX_CONCURRENT")? {
                0 => {
                    return Err(invalid(
                        "EXEC_MAX_CONCURRENT",
                        "0 must be at least 1".into(),
                    ));
                }
                runs => usize::try_from(runs).unwrap_or(usize::MAX),
            },
            queue_timeout: Duration::from_millis(number("EXEC_QUEUE_TIMEOUT_MS")?),
            isolation: match get("EXEC_ISOLATION").as_str() {
                "strict" => super::exec::Isolation::Strict,
                "required" => super::exec::Isolation::Required,
                "best-effort" => super::exec::Isolation::BestEffort,
                other => {
                    return Err(invalid(
                        "EXEC_ISOLATION",
                        format!("`{other}` is not strict, required or best-effort"),
                    ));
                }
            },
        };
        let otlp_endpoint = get("OTLP_ENDPOINT")
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !otlp_endpoint.is_empty() {
            if !cfg!(feature = "otel") {
                return Err(invalid(
                    "OTLP_ENDPOINT",
                    "this build has no OpenTelemetry export: build with `--features otel`".into(),
                ));
            }
            if !otlp_endpoint.starts_with("http://") && !otlp_endpoint.starts_with("https://") {
                return Err(invalid(
                    "OTLP_ENDPOINT",
                    format!("`{otlp_endpoint}` must start with http:// or https://"),
                ));
            }
        }
        let preset = get("AUTH_PRESET").trim().to_ascii_lowercase();

        let settings = Self {
            transport,
            http_addr,
            allowed_hosts: list("HTTP_ALLOWED_HOSTS"),
            allowed_origins: list("HTTP_ALLOWED_ORIGINS"),
            max_body_bytes: usize::try_from(max_body_bytes).unwrap_or(usize::MAX),
            stateless: boolean("HTTP_STATELESS")?,
            http_limits,
            public_url,
            shutdown_grace: Duration::from_secs(number("SHUTDOWN_GRACE_SECONDS")?),
            log,
            log_format,
            auth,
            auth_tokens: SecretString::from(get("AUTH_TOKENS")),
            auth_preset: (!preset.is_empty()).then_some(preset),
            auth_tenant: get("AUTH_TENANT").trim().to_string(),
            auth_issuer: get("AUTH_ISSUER").trim().to_string(),
            auth_audience: get("AUTH_AUDIENCE").trim().to_string(),
            auth_jwks_url: get("AUTH_JWKS_URL").trim().to_string(),
            auth_algorithms: list("AUTH_ALGORITHMS"),
            auth_tenant_claim: get("AUTH_TENANT_CLAIM").trim().to_string(),
            auth_required_claims: get("AUTH_REQUIRED_CLAIMS"),
            tool_scopes,
            rate_limit: limit("RATE_LIMIT_PER_SECOND", "RATE_LIMIT_BURST")?,
            tool_rate_limit: limit("TOOL_RATE_LIMIT_PER_SECOND", "TOOL_RATE_LIMIT_BURST")?,
            rate_limit_backend,
            redis_url: SecretString::from(redis_url),
            redis_key_prefix,
            redis_timeout: Duration::from_millis(redis_timeout_ms),
            redis_failure,
            fetch,
            files,
            exec,
            metrics: boolean("METRICS")?,
            metrics_addr,
            otlp_endpoint: (!otlp_endpoint.is_empty()).then_some(otlp_endpoint),
            upstream_token: (!upstream.is_empty()).then(|| SecretString::from(upstream)),
            greeting,
        };
        if settings.allowed_hosts.is_empty() {
            return Err(invalid(
                "HTTP_ALLOWED_HOSTS",
                "name at least one host (DNS-rebinding protection cannot be turned off)".into(),
            ));
        }
        if settings.transport == Transport::Http
            && settings.auth == AuthMode::None
            && !settings.http_addr.ip().is_loopback()
        {
            return Err(invalid(
                "AUTH",
                format!(
                    "`none` is only allowed on a loopback address, not {}: use bearer or jwt",
                    settings.http_addr
                ),
            ));
        }
        if settings.transport == Transport::Http
            && settings.auth != AuthMode::None
            && !settings.http_addr.ip().is_loopback()
            && get("PUBLIC_URL").trim().is_empty()
        {
            return Err(invalid(
                "PUBLIC_URL",
                format!(
                    "required when serving with authentication on {}: clients find the \
                     authorization server through the URL it names (https://mcp.example.com)",
                    settings.http_addr
                ),
            ));
        }
        // Auth settings are checked where they are used, with the same error type.
        super::auth::AuthConfig::from_settings(&settings)?;
        Ok(settings)
    }

    /// The defaults (plus `AUTH=none`), as used by the in-memory test harness.
    pub fn defaults() -> Self {
        Self::from_vars([(variable("AUTH"), "none".to_string())]).expect("the defaults are valid")
    }

    /// The defaults with some settings changed (keys without the prefix), for tests.
    pub fn with(pairs: &[(&str, &str)]) -> Result<Self, ConfigError> {
        let mut vars = vec![(variable("AUTH"), "none".to_string())];
        vars.extend(pairs.iter().map(|(k, v)| (variable(k), v.to_string())));
        Self::from_vars(vars)
    }
}

/// The settings in a TOML file, as `(variable, value)` pairs.
fn read_file(path: &str, file_var: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let fail = |reason: String| ConfigError {
        variable: file_var.to_string(),
        reason,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read `{path}`: {e}")))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| fail(format!("`{path}` is not valid TOML: {e}")))?;
    table
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            Ok((variable(&key.to_ascii_uppercase()), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (variable(k), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = Settings::defaults();
        assert_eq!(settings.greeting, "Hello");
        assert_eq!(settings.transport, Transport::Stdio);
        assert_eq!(settings.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.public_url, "http://127.0.0.1:8080");
        assert_eq!(
            settings.rate_limit,
            Limit {
                per_second: 50,
                burst: 100
            }
        );
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let settings = Settings::from_vars(vars(&[
            ("AUTH", "none"),
            ("GREETING", "Hi"),
            ("GREETING", "Howdy"),
        ]))
        .unwrap();
        assert_eq!(settings.greeting, "Howdy");
    }

    #[test]
    fn a_config_file_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("settings.toml");
        std::fs::write(
            &path,
            "greeting = \"Ahoy\"\nhttp_addr = \"127.0.0.1:9000\"\nhttp_allowed_hosts = [\"a.example\", \"b.example\"]\n",
        )
        .unwrap();
        let file = read_file(path.to_str().unwrap(), "X").unwrap();
        let settings = Settings::from_vars(
            vars(&[("AUTH", "none")])
                .into_iter()
                .chain(file)
                .chain(vars(&[("HTTP_ADDR", "127.0.0.1:9001")])),
        )
        .unwrap();
        assert_eq!(settings.greeting, "Ahoy");
        assert_eq!(settings.http_addr.port(), 9001);
        assert_eq!(settings.allowed_hosts, ["a.example", "b.example"]);
        let err = read_file(dir.join("missing.toml").to_str().unwrap(), "X").unwrap_err();
        assert!(err.reason.contains("cannot read"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn invalid_values_name_the_variable() {
        for (key, value, words) in [
            ("GREETING", "", "must be 1 to 40 characters"),
            ("LOG", "info,[", "not a log filter"),
            ("TRANSPORT", "carrier-pigeon", "not stdio or http"),
            ("HTTP_ADDR", "localhost", "not HOST:PORT"),
            ("HTTP_MAX_BODY_BYTES", "ten", "not a whole number"),
            ("HTTP_STATELESS", "maybe", "not true or false"),
            ("RATE_LIMIT_BURST", "0", "at least 1"),
            ("TOOL_SCOPES", "greet", "not tool=scope"),
            ("PUBLIC_URL", "ftp://x", "https://"),
            ("AUTH", "magic", "not none, bearer or jwt"),
            ("HTTP_ALLOWED_HOSTS", " , ", "at least one host"),
            ("RATE_LIMIT_BACKEND", "memcached", "not memory or redis"),
            ("REDIS_URL", "http://cache:6379", "not a Redis URL"),
            ("REDIS_TIMEOUT_MS", "0", "between 1 and 10000"),
            ("RATE_LIMIT_REDIS_FAILURE", "maybe", "not open or closed"),
            (
                "FETCH_ALLOW_CIDRS",
                "10.0.0.0/33",
                "not an address or a CIDR",
            ),
            ("FETCH_PROXY", "not a url", "not a proxy URL"),
            ("FETCH_TIMEOUT_MS", "0", "at least 1"),
            ("FILES_ROOTS", "docs", "not name=/absolute/path"),
            (
                "FILES_ROOTS",
                "docs=relative/dir",
                "not an existing absolute directory",
            ),
            (
                "FILES_WRITABLE",
                "scratch",
                "not a root named in FILES_ROOTS",
            ),
            (
                "EXEC_PROGRAMS",
                "python3=python3",
                "not an absolute path to an executable",
            ),
            ("EXEC_ENV", "PATH", "not KEY=VALUE"),
            (
                "EXEC_ISOLATION",
                "off",
                "not strict, required or best-effort",
            ),
            ("EXEC_SCRATCH_BYTES", "4096", "at least 65536"),
            ("EXEC_SCRATCH_BYTES", "lots", "not a whole number"),
            ("EXEC_MAX_CONCURRENT", "0", "at least 1"),
            ("EXEC_QUEUE_TIMEOUT_MS", "-1", "not a whole number"),
            ("HTTP_HEADER_TIMEOUT_MS", "0", "between 100 and 300000"),
            ("HTTP_IDLE_TIMEOUT_SECONDS", "0", "between 1 and 86400"),
            ("HTTP_MAX_CONNECTIONS", "lots", "not a whole number"),
            ("HTTP_REQUEST_TIMEOUT_SECONDS", "0", "between 1 and 3600"),
            ("HTTP_MAX_SESSIONS", "0", "between 1 and 1000000"),
            (
                "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
                "20000",
                "between 1 and 10000",
            ),
            ("HTTP_SESSION_IDLE_SECONDS", "-1", "not a whole number"),
            ("HTTP_MAX_INITIALIZE_BYTES", "10", "between 1024"),
            ("METRICS_ADDR", "metrics:9090", "not HOST:PORT"),
        ] {
            let err = Settings::with(&[(key, value)]).unwrap_err();
            assert_eq!(err.variable, variable(key), "{key}: {err}");
            assert!(err.to_string().contains(words), "{key}: {err}");
        }
    }

    #[test]
    fn a_redis_password_never_reaches_errors_or_debug_output() {
        let settings = Settings::with(&[("REDIS_URL", "redis://:hunter2@cache:6379/0")]).unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
        let err = Settings::with(&[("REDIS_URL", "redis://:hunter2@cache:port/")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(settings.redis_key_prefix, env!("CARGO_PKG_NAME"));
    }

    #[test]
    fn otlp_export_needs_the_feature_and_an_http_url() {
        let err = Settings::with(&[("OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert_eq!(err.variable, variable("OTLP_ENDPOINT"));
        let expected = if cfg!(feature = "otel") {
            "must start with http://"
        } else {
            "build with `--features otel`"
        };
        assert!(err.reason.contains(expected), "{err}");
    }

    fn jwt(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = vec![
            ("AUTH", "jwt"),
            ("AUTH_AUDIENCE", "https://mcp.example.com/mcp"),
        ];
        pairs.extend_from_slice(extra);
        Settings::with(&pairs)
    }

    #[test]
    fn world_open_presets_refuse_to_start_without_required_claims() {
        for preset in ["github", "google"] {
            let err = jwt(&[("AUTH_PRESET", preset)]).unwrap_err();
            assert_eq!(err.variable, variable("AUTH_REQUIRED_CLAIMS"), "{err}");
            assert!(err.reason.contains("anyone can obtain"), "{err}");
        }
        jwt(&[
            ("AUTH_PRESET", "github"),
            ("AUTH_REQUIRED_CLAIMS", "repository_owner_id=123456"),
        ])
        .unwrap();
        jwt(&[
            ("AUTH_PRESET", "google"),
            ("AUTH_REQUIRED_CLAIMS", "hd=example.com,hd=example.org"),
        ])
        .unwrap();
        let err = jwt(&[
            ("AUTH_PRESET", "github"),
            ("AUTH_REQUIRED_CLAIMS", "repository_owner"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, variable("AUTH_REQUIRED_CLAIMS"), "{err}");
        assert!(err.reason.contains("not claim=value"), "{err}");
    }

    #[test]
    fn plain_http_jwks_urls_must_be_loopback_hosts() {
        for url in [
            "http://localhost.evil.com/jwks",
            "http://127.0.0.1.nip.io/jwks",
            "http://10.0.0.1/jwks",
            "ftp://localhost/jwks",
        ] {
            let err =
                jwt(&[("AUTH_ISSUER", "https://i.example"), ("AUTH_JWKS_URL", url)]).unwrap_err();
            assert_eq!(err.variable, variable("AUTH_JWKS_URL"), "{url}: {err}");
        }
        for url in [
            "http://localhost:9000/jwks",
            "http://127.0.0.1:9000/jwks",
            "http://[::1]:9000/jwks",
            "https://issuer.example.com/jwks",
        ] {
            jwt(&[("AUTH_ISSUER", "https://i.example"), ("AUTH_JWKS_URL", url)])
                .unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }

    #[test]
    fn public_url_is_required_with_authentication_off_loopback() {
        let base = [
            ("TRANSPORT", "http"),
            ("HTTP_ADDR", "0.0.0.0:8080"),
            ("AUTH", "bearer"),
            (
                "AUTH_TOKENS",
                "ci:c91cbbedf8c712e8e2b7517ddeca8fe4fde839ebd8339e0b2001363002b37712",
            ),
        ];
        let err = Settings::with(&base).unwrap_err();
        assert_eq!(err.variable, variable("PUBLIC_URL"), "{err}");
        let mut with_url = base.to_vec();
        with_url.push(("PUBLIC_URL", "https://mcp.example.com/"));
        let settings = Settings::with(&with_url).unwrap();
        assert_eq!(settings.public_url, "https://mcp.example.com");
    }

    #[test]
    fn auth_settings_are_checked_at_startup() {
        let err =
            Settings::with(&[("AUTH", "bearer"), ("AUTH_TOKENS", "ci:not-a-hash")]).unwrap_err();
        assert_eq!(err.variable, variable("AUTH_TOKENS"));
        assert!(err.reason.contains("64 hex digits"), "{err}");
        let err = Settings::with(&[("AUTH", "jwt"), ("AUTH_AUDIENCE", "https://mcp.example")])
            .unwrap_err();
        assert_eq!(err.variable, variable("AUTH_ISSUER"), "{err}");
        let err = Settings::with(&[("AUTH", "jwt"), ("AUTH_PRESET", "entra")]).unwrap_err();
        assert_eq!(err.variable, variable("AUTH_TENANT"), "{err}");
        let err = Settings::with(&[
            ("AUTH", "jwt"),
            ("AUTH_PRESET", "auth0"),
            ("AUTH_TENANT", "example.eu.auth0.com"),
            ("AUTH_AUDIENCE", "https://mcp.example"),
            ("AUTH_ALGORITHMS", "HS256"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, variable("AUTH_ALGORITHMS"), "{err}");
        let err =
            Settings::with(&[("TRANSPORT", "http"), ("HTTP_ADDR", "0.0.0.0:8080")]).unwrap_err();
        assert_eq!(err.variable, variable("AUTH"), "{err}");
        assert!(
            Settings::with(&[
                ("AUTH", "jwt"),
                ("AUTH_PRESET", "keycloak"),
                ("AUTH_TENANT", "https://sso.example.com/realms/mcp"),
                ("AUTH_AUDIENCE", "https://mcp.example"),
            ])
            .is_ok()
        );
    }

    #[test]
    fn unknown_variables_with_the_prefix_are_refused() {
        let err = Settings::from_vars(vars(&[("GRETING", "Hi")])).unwrap_err();
        assert_eq!(err.variable, variable("GRETING"));
        assert!(err.reason.contains(&variable("GREETING")), "{err}");
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let token_hash = "a".repeat(64);
        let settings = Settings::with(&[
            ("AUTH", "bearer"),
            ("AUTH_TOKENS", &format!("ci:{token_hash}")),
            ("UPSTREAM_TOKEN", "upstream-secret-value"),
        ])
        .unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains(&token_hash), "{shown}");
        assert!(!shown.contains("upstream-secret-value"), "{shown}");
        assert_eq!(
            settings.upstream_token.unwrap().expose_secret(),
            "upstream-secret-value"
        );
    }

    /// `.env.example` must list exactly the settings, with their defaults, in order.
    #[test]
    fn env_example_lists_every_setting() {
        let example = include_str!("../../.env.example");
        let listed: Vec<(String, String)> = example
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let (name, value) = line.split_once('=').expect("NAME=value lines");
                (name.to_string(), value.to_string())
            })
            .collect();
        let expected: Vec<(String, String)> = SETTINGS
            .iter()
            .map(|s| (variable(s.key), s.default.to_string()))
            .collect();
        assert_eq!(
            listed, expected,
            ".env.example is out of sync with SETTINGS"
        );
        for setting in SETTINGS {
            assert!(
                example.contains(setting.help),
                ".env.example lacks the help of {}",
                setting.key
            );
        }
    }
}
