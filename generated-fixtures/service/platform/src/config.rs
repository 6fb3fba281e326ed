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

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::SecretString;

/// One setting: its key (after the prefix), default and meaning.
#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// The settings of the platform's core; each optional subsystem adds its own (see
/// [`platform_settings`]).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "CONFIG_FILE",
        default: "",
        help: "Optional TOML file with settings (lower-case keys); the environment overrides it.",
    },
    Setting {
        key: "TRANSPORT",
        default: "stdio",
        help: "`stdio` (the client launches the server) or `http` (Streamable HTTP, with the http feature).",
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
        key: "PAGE_SIZE",
        default: "100",
        help: "Most items one tools/list, resources/list, resources/templates/list or prompts/list answer holds; longer lists come in pages.",
    },
    Setting {
        key: "MAX_TASKS_PER_PRINCIPAL",
        default: "10",
        help: "Tasks (tools that run as tasks, for clients that declared the tasks extension) one principal may run at once.",
    },
    Setting {
        key: "REQUEST_STATE_KEY",
        default: "",
        help: "Secret of 32 bytes or more that seals the requestState of 2026-07-28 questions to clients (elicitation, sampling, roots); replicas behind one address must share it. Empty: a random key per process.",
    },
    Setting {
        key: "MAX_SUBSCRIPTIONS_PER_SESSION",
        default: "100",
        help: "Most resources one session (resources/subscribe) or one subscriptions/listen request may subscribe to; more are refused.",
    },
];

/// How the server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Stdio,
    #[cfg(feature = "http")]
    Http,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Auto,
    Text,
    Json,
}

/// A token bucket: a sustained rate and a burst. A rate of 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per_second: u32,
    pub burst: u32,
}

/// The validated settings: the core's, and each compiled subsystem's. Secrets print as
/// `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub transport: Transport,
    pub shutdown_grace: Duration,
    pub log: String,
    pub log_format: LogFormat,
    pub rate_limit: Limit,
    pub tool_rate_limit: Limit,
    /// Most items one list answer holds.
    pub page_size: usize,
    /// Tasks one principal may run at once.
    pub max_tasks_per_principal: usize,
    /// The key that seals 2026-07-28 request states; `None`: random per process.
    pub request_state_key: Option<SecretString>,
    /// Most resources one session or listen request may subscribe to.
    pub max_subscriptions: usize,
    /// The Streamable HTTP transport, authentication and per-tool scopes.
    #[cfg(feature = "http")]
    pub http: crate::http::HttpSettings,
    /// Prometheus metrics.
    #[cfg(feature = "metrics")]
    pub metrics: crate::metrics::MetricsSettings,
    /// Rate-limit buckets shared through Redis, when chosen (`RATE_LIMIT_BACKEND=redis`).
    #[cfg(feature = "redis")]
    pub redis: Option<crate::shared_limits::RedisSettings>,
    /// Where request spans go (OTLP/HTTP), when set.
    #[cfg(feature = "otel")]
    pub otlp_endpoint: Option<String>,
    /// The URL fetcher's policy and limits.
    #[cfg(feature = "fetch")]
    pub fetch: crate::fetch::FetchConfig,
    /// This server's own credential for upstream APIs.
    #[cfg(feature = "fetch")]
    pub upstream_token: Option<SecretString>,
    /// File roots and limits.
    #[cfg(feature = "files")]
    pub files: crate::files::FileConfig,
    /// Code execution: programs, environment and limits.
    #[cfg(feature = "exec")]
    pub exec: crate::exec::ExecConfig,
}

/// Every setting of the platform as built: the core's, then each compiled subsystem's.
pub fn platform_settings() -> impl Iterator<Item = &'static Setting> + Clone {
    let subsystems: &[&'static [Setting]] = &[
        #[cfg(feature = "http")]
        crate::http::SETTINGS,
        #[cfg(feature = "jwt")]
        crate::auth::jwt::SETTINGS,
        #[cfg(feature = "metrics")]
        crate::metrics::SETTINGS,
        #[cfg(feature = "redis")]
        crate::shared_limits::SETTINGS,
        #[cfg(feature = "otel")]
        crate::otel::SETTINGS,
        #[cfg(feature = "fetch")]
        crate::fetch::SETTINGS,
        #[cfg(feature = "files")]
        crate::files::SETTINGS,
        #[cfg(feature = "exec")]
        crate::exec::SETTINGS,
    ];
    SETTINGS.iter().chain(subsystems.iter().copied().flatten())
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {variable}: {reason}")]
pub struct ConfigError {
    pub variable: String,
    pub reason: String,
}

/// The prefix of every setting's variable: the server's package name in upper case, `-` as `_`.
pub fn env_prefix() -> &'static str {
    crate::ENV_PREFIX
}

/// The full variable name of a setting key.
pub fn variable(key: &str) -> String {
    format!("{}_{key}", env_prefix())
}

/// The value of every setting as read from the sources (later sources winning), for the
/// platform's settings and the team's. `Debug` shows which keys were set, never their values.
#[derive(Clone, Default)]
pub struct Vars {
    given: BTreeMap<String, String>,
    team: &'static [Setting],
}

impl std::fmt::Debug for Vars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vars")
            .field("set", &self.given.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Vars {
    /// Reads `(variable, value)` pairs, later pairs winning. A variable with the prefix that is
    /// neither a platform setting nor one of `team` is refused, naming the settings.
    pub fn read(
        pairs: impl IntoIterator<Item = (String, String)>,
        team: &'static [Setting],
    ) -> Result<Self, ConfigError> {
        let prefix = format!("{}_", env_prefix());
        let mut given = BTreeMap::new();
        for (name, value) in pairs {
            let Some(key) = name.strip_prefix(&prefix) else {
                continue;
            };
            if !platform_settings().chain(team).any(|s| s.key == key) {
                let known: Vec<String> = platform_settings()
                    .chain(team)
                    .map(|s| variable(s.key))
                    .collect();
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
        Ok(Self { given, team })
    }

    /// The value of `key` (without the prefix), else its default.
    pub fn get(&self, key: &str) -> String {
        self.given.get(key).cloned().unwrap_or_else(|| {
            let setting = platform_settings().chain(self.team).find(|s| s.key == key);
            setting.map(|s| s.default.to_string()).unwrap_or_default()
        })
    }

    /// The error for an unusable value of `key`, naming its variable.
    pub fn invalid(&self, key: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            variable: variable(key),
            reason: reason.into(),
        }
    }

    /// A whole number.
    pub fn number(&self, key: &str) -> Result<u64, ConfigError> {
        let text = self.get(key);
        text.trim()
            .parse()
            .map_err(|_| self.invalid(key, format!("`{text}` is not a whole number")))
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no`.
    pub fn boolean(&self, key: &str) -> Result<bool, ConfigError> {
        match self.get(key).trim() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            other => Err(self.invalid(key, format!("`{other}` is not true or false"))),
        }
    }

    /// A duration in milliseconds, at least 1.
    pub fn millis(&self, key: &str) -> Result<Duration, ConfigError> {
        match self.number(key)? {
            0 => Err(self.invalid(key, "must be at least 1")),
            ms => Ok(Duration::from_millis(ms)),
        }
    }

    /// A token-bucket limit from a rate and a burst setting (rate 0: off).
    pub fn limit(&self, rate: &str, burst: &str) -> Result<Limit, ConfigError> {
        let per_second =
            u32::try_from(self.number(rate)?).map_err(|_| self.invalid(rate, "is too large"))?;
        let burst_value =
            u32::try_from(self.number(burst)?).map_err(|_| self.invalid(burst, "is too large"))?;
        if per_second > 0 && burst_value == 0 {
            return Err(self.invalid(burst, "must be at least 1 when the rate is on"));
        }
        Ok(Limit {
            per_second,
            burst: burst_value,
        })
    }

    /// A comma-separated list, blanks dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A team's own settings: declared next to the team's code, read from the same sources as the
/// platform's (same prefix), validated at startup, listed in `.env.example`.
pub trait TeamSettings: Sized {
    /// The settings, with defaults and help (`.env.example` is checked against them).
    const SETTINGS: &'static [Setting];

    /// Parses and validates the values; name the variable in errors with [`Vars::invalid`].
    fn from_vars(vars: &Vars) -> Result<Self, ConfigError>;
}

impl Settings {
    /// Reads the configuration file (if any), `.env` (debug builds) and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        Ok(Self::load_with(&[], &[])?.0)
    }

    /// [`Settings::load`], then `overrides` (keys without the prefix; command-line flags).
    /// `team` lists the team's own settings: they are read from the same sources and
    /// returned, with every other value, as [`Vars`].
    pub fn load_with(
        overrides: &[(&str, String)],
        team: &'static [Setting],
    ) -> Result<(Self, Vars), ConfigError> {
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
        let vars = Vars::read(file.into_iter().chain(env).chain(flags), team)?;
        Ok((Self::from_read(&vars)?, vars))
    }

    /// Builds settings from `(variable, value)` pairs, later pairs winning; tests pass their own.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        Self::from_read(&Vars::read(vars, &[])?)
    }

    /// The platform's settings from values read with [`Vars::read`].
    pub fn from_read(vars: &Vars) -> Result<Self, ConfigError> {
        let transport = match vars.get("TRANSPORT").as_str() {
            "stdio" => Transport::Stdio,
            #[cfg(feature = "http")]
            "http" => Transport::Http,
            #[cfg(not(feature = "http"))]
            "http" => {
                return Err(vars.invalid(
                    "TRANSPORT",
                    "`http` needs the http feature, which this server was built without",
                ));
            }
            other => {
                return Err(vars.invalid("TRANSPORT", format!("`{other}` is not stdio or http")));
            }
        };
        let log = vars.get("LOG");
        tracing_subscriber::EnvFilter::try_new(&log)
            .map_err(|e| vars.invalid("LOG", format!("`{log}` is not a log filter: {e}")))?;
        let log_format = match vars.get("LOG_FORMAT").as_str() {
            "auto" => LogFormat::Auto,
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(
                    vars.invalid("LOG_FORMAT", format!("`{other}` is not auto, text or json"))
                );
            }
        };
        Ok(Self {
            transport,
            shutdown_grace: Duration::from_secs(vars.number("SHUTDOWN_GRACE_SECONDS")?),
            log,
            log_format,
            rate_limit: vars.limit("RATE_LIMIT_PER_SECOND", "RATE_LIMIT_BURST")?,
            tool_rate_limit: vars.limit("TOOL_RATE_LIMIT_PER_SECOND", "TOOL_RATE_LIMIT_BURST")?,
            page_size: match vars.number("PAGE_SIZE")? {
                0 => return Err(vars.invalid("PAGE_SIZE", "must be at least 1")),
                size => usize::try_from(size).unwrap_or(usize::MAX),
            },
            max_tasks_per_principal: match vars.number("MAX_TASKS_PER_PRINCIPAL")? {
                0 => return Err(vars.invalid("MAX_TASKS_PER_PRINCIPAL", "must be at least 1")),
                max => usize::try_from(max).unwrap_or(usize::MAX),
            },
            request_state_key: match vars.get("REQUEST_STATE_KEY") {
                key if key.is_empty() => None,
                key if key.len() < 32 => {
                    return Err(vars.invalid(
                        "REQUEST_STATE_KEY",
                        format!("is {} bytes; it must be at least 32", key.len()),
                    ));
                }
                key => Some(SecretString::from(key)),
            },
            max_subscriptions: match vars.number("MAX_SUBSCRIPTIONS_PER_SESSION")? {
                0 => {
                    return Err(vars.invalid("MAX_SUBSCRIPTIONS_PER_SESSION", "must be at least 1"));
                }
                most => usize::try_from(most).unwrap_or(usize::MAX),
            },
            #[cfg(feature = "http")]
            http: crate::http::HttpSettings::from_vars(vars, transport)?,
            #[cfg(feature = "metrics")]
            metrics: crate::metrics::MetricsSettings::from_vars(vars)?,
            #[cfg(feature = "redis")]
            redis: crate::shared_limits::RedisSettings::from_vars(vars)?,
            #[cfg(feature = "otel")]
            otlp_endpoint: crate::otel::endpoint_from_vars(vars)?,
            #[cfg(feature = "fetch")]
            fetch: crate::fetch::FetchConfig::from_vars(vars)?,
            #[cfg(feature = "fetch")]
            upstream_token: Some(vars.get("UPSTREAM_TOKEN"))
                .filter(|token| !token.is_empty())
                .map(SecretString::from),
            #[cfg(feature = "files")]
            files: crate::files::FileConfig::from_vars(vars)?,
            #[cfg(feature = "exec")]
            exec: crate::exec::ExecConfig::from_vars(vars)?,
        })
    }

    /// The defaults (plus `AUTH=none`), as used by the in-memory test harness.
    pub fn defaults() -> Self {
        Self::with(&[]).expect("the defaults are valid")
    }

    /// The defaults with some settings changed (keys without the prefix), for tests.
    pub fn with(pairs: &[(&str, &str)]) -> Result<Self, ConfigError> {
        let mut vars = Vec::new();
        if cfg!(feature = "http") {
            vars.push((variable("AUTH"), "none".to_string()));
        }
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
    #[cfg(feature = "fetch")]
    use secrecy::ExposeSecret;

    use super::*;

    /// The pairs as variables, after `AUTH=none` (as in [`Settings::with`]): the default mode is
    /// the project's `auth` answer, which these tests must not depend on.
    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let auth = cfg!(feature = "http").then(|| (variable("AUTH"), "none".to_string()));
        auth.into_iter()
            .chain(pairs.iter().map(|(k, v)| (variable(k), v.to_string())))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = Settings::defaults();
        assert_eq!(settings.transport, Transport::Stdio);
        #[cfg(feature = "http")]
        assert_eq!(settings.http.addr.to_string(), "127.0.0.1:8080");
        #[cfg(feature = "http")]
        assert_eq!(settings.http.public_url, "http://127.0.0.1:8080");
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
        let settings = Settings::from_vars(vars(&[("LOG", "info"), ("LOG", "debug")])).unwrap();
        assert_eq!(settings.log, "debug");
    }

    #[test]
    #[cfg(feature = "http")]
    fn a_config_file_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("settings.toml");
        std::fs::write(
            &path,
            "log = \"warn\"\nhttp_addr = \"127.0.0.1:9000\"\nhttp_allowed_hosts = [\"a.example\", \"b.example\"]\n",
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
        assert_eq!(settings.log, "warn");
        assert_eq!(settings.http.addr.port(), 9001);
        assert_eq!(settings.http.allowed_hosts, ["a.example", "b.example"]);
        let err = read_file(dir.join("missing.toml").to_str().unwrap(), "X").unwrap_err();
        assert!(err.reason.contains("cannot read"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn invalid_values_name_the_variable() {
        for (key, value, words) in [
            ("LOG", "info,[", "not a log filter"),
            ("TRANSPORT", "carrier-pigeon", "not stdio or http"),
            #[cfg(feature = "http")]
            ("HTTP_ADDR", "localhost", "not HOST:PORT"),
            #[cfg(feature = "http")]
            ("HTTP_MAX_BODY_BYTES", "ten", "not a whole number"),
            #[cfg(feature = "http")]
            ("HTTP_STATELESS", "maybe", "not true or false"),
            ("RATE_LIMIT_BURST", "0", "at least 1"),
            #[cfg(feature = "http")]
            ("TOOL_SCOPES", "greet", "not tool=scope"),
            #[cfg(feature = "http")]
            ("PUBLIC_URL", "ftp://x", "https://"),
            #[cfg(feature = "http")]
            ("AUTH", "magic", "not none, bearer or jwt"),
            #[cfg(feature = "http")]
            ("HTTP_ALLOWED_HOSTS", " , ", "at least one host"),
            #[cfg(feature = "redis")]
            ("RATE_LIMIT_BACKEND", "memcached", "not memory or redis"),
            #[cfg(feature = "redis")]
            ("REDIS_URL", "http://cache:6379", "not a Redis URL"),
            #[cfg(feature = "redis")]
            ("REDIS_TIMEOUT_MS", "0", "between 1 and 10000"),
            #[cfg(feature = "redis")]
            ("RATE_LIMIT_REDIS_FAILURE", "maybe", "not open or closed"),
            #[cfg(feature = "fetch")]
            (
                "FETCH_ALLOW_CIDRS",
                "10.0.0.0/33",
                "not an address or a CIDR",
            ),
            #[cfg(feature = "fetch")]
            ("FETCH_PROXY", "not a url", "not a proxy URL"),
            #[cfg(feature = "fetch")]
            ("FETCH_TIMEOUT_MS", "0", "at least 1"),
            #[cfg(feature = "files")]
            ("FILES_ROOTS", "docs", "not name=/absolute/path"),
            #[cfg(feature = "files")]
            (
                "FILES_ROOTS",
                "docs=relative/dir",
                "not an existing absolute directory",
            ),
            #[cfg(feature = "files")]
            (
                "FILES_WRITABLE",
                "scratch",
                "not a root named in FILES_ROOTS",
            ),
            #[cfg(feature = "exec")]
            (
                "EXEC_PROGRAMS",
                "python3=python3",
                "not an absolute path to an executable",
            ),
            #[cfg(feature = "exec")]
            ("EXEC_ENV", "PATH", "not KEY=VALUE"),
            #[cfg(feature = "exec")]
            (
                "EXEC_ISOLATION",
                "off",
                "not strict, required or best-effort",
            ),
            #[cfg(feature = "exec")]
            ("EXEC_SCRATCH_BYTES", "4096", "at least 65536"),
            #[cfg(feature = "exec")]
            ("EXEC_SCRATCH_BYTES", "lots", "not a whole number"),
            #[cfg(feature = "exec")]
            ("EXEC_MAX_CONCURRENT", "0", "at least 1"),
            #[cfg(feature = "exec")]
            ("EXEC_QUEUE_TIMEOUT_MS", "-1", "not a whole number"),
            #[cfg(feature = "http")]
            ("HTTP_HEADER_TIMEOUT_MS", "0", "between 100 and 300000"),
            #[cfg(feature = "http")]
            ("HTTP_IDLE_TIMEOUT_SECONDS", "0", "between 1 and 86400"),
            #[cfg(feature = "http")]
            ("HTTP_MAX_CONNECTIONS", "lots", "not a whole number"),
            #[cfg(feature = "http")]
            ("HTTP_REQUEST_TIMEOUT_SECONDS", "0", "between 1 and 3600"),
            #[cfg(feature = "http")]
            ("HTTP_MAX_SESSIONS", "0", "between 1 and 1000000"),
            #[cfg(feature = "http")]
            (
                "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
                "20000",
                "between 1 and 10000",
            ),
            #[cfg(feature = "http")]
            ("HTTP_SESSION_IDLE_SECONDS", "-1", "not a whole number"),
            #[cfg(feature = "http")]
            ("HTTP_MAX_INITIALIZE_BYTES", "10", "between 1024"),
            #[cfg(feature = "metrics")]
            ("METRICS_ADDR", "metrics:9090", "not HOST:PORT"),
        ] {
            let err = Settings::with(&[(key, value)]).unwrap_err();
            assert_eq!(err.variable, variable(key), "{key}: {err}");
            assert!(err.to_string().contains(words), "{key}: {err}");
        }
    }

    #[test]
    #[cfg(feature = "redis")]
    fn a_redis_password_never_reaches_errors_or_debug_output() {
        let settings = Settings::with(&[
            ("RATE_LIMIT_BACKEND", "redis"),
            ("REDIS_URL", "redis://:hunter2@cache:6379/0"),
        ])
        .unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
        let err = Settings::with(&[("REDIS_URL", "redis://:hunter2@cache:port/")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let redis = settings.redis.expect("redis settings");
        assert_eq!(redis.key_prefix, crate::SERVICE_NAME);
    }

    #[test]
    fn otlp_export_needs_the_feature_and_an_http_url() {
        let err = Settings::with(&[("OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert_eq!(err.variable, variable("OTLP_ENDPOINT"));
        let expected = if cfg!(feature = "otel") {
            "must start with http://"
        } else {
            "not a setting of this server"
        };
        assert!(err.reason.contains(expected), "{err}");
    }

    #[cfg(feature = "jwt")]
    fn jwt(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = vec![
            ("AUTH", "jwt"),
            ("AUTH_AUDIENCE", "https://mcp.example.com/mcp"),
        ];
        pairs.extend_from_slice(extra);
        Settings::with(&pairs)
    }

    #[test]
    #[cfg(feature = "jwt")]
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
    #[cfg(feature = "jwt")]
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
    #[cfg(feature = "http")]
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
        assert_eq!(settings.http.public_url, "https://mcp.example.com");
    }

    #[test]
    #[cfg(feature = "jwt")]
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
        let err = Settings::from_vars(vars(&[("TRANSPRT", "http")])).unwrap_err();
        assert_eq!(err.variable, variable("TRANSPRT"));
        assert!(err.reason.contains(&variable("TRANSPORT")), "{err}");
    }

    #[test]
    #[cfg(all(feature = "http", feature = "fetch"))]
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
}
