//! What the platform offers a team's tools at run time: the settings and the shared clients
//! for caller-chosen URLs, paths and code, each built once on first use and shared.
//!
//! Reached from a tool as `self.services()` (the team's server holds one). Cloning is cheap.

use std::sync::Arc;
#[cfg(any(feature = "fetch", feature = "files", feature = "exec"))]
use std::sync::OnceLock;
#[cfg(feature = "fetch")]
use std::time::Duration;

use crate::config::{Settings, Vars};
#[cfg(feature = "exec")]
use crate::exec::{CodeExecutor, ExecError};
#[cfg(feature = "fetch")]
use crate::fetch::{FetchError, UrlFetcher};
#[cfg(feature = "files")]
use crate::files::{FileError, FileOps};
use crate::notify::Changes;

/// The platform's shared resources for one server.
#[derive(Debug, Clone)]
pub struct Services {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Arc<Settings>,
    vars: Vars,
    /// The live sessions and their subscriptions (see [`Services::changes`]).
    changes: Changes,
    /// The outbound HTTP client for upstream APIs (see [`Services::http`]).
    #[cfg(feature = "fetch")]
    http: OnceLock<reqwest::Client>,
    /// The SSRF-safe client for URLs a caller chose (see [`Services::fetcher`]).
    #[cfg(feature = "fetch")]
    fetcher: OnceLock<Result<UrlFetcher, String>>,
    /// Path-safe access to the configured roots (see [`Services::files`]).
    #[cfg(feature = "files")]
    files: OnceLock<Result<FileOps, String>>,
    /// The sandbox for untrusted code (see [`Services::executor`]).
    #[cfg(feature = "exec")]
    executor: OnceLock<Result<CodeExecutor, String>>,
}

impl Services {
    /// The shared resources for these settings; `vars` holds every setting's value as read
    /// (the team's settings are parsed from them).
    pub fn new(settings: Settings, vars: Vars) -> Self {
        #[cfg(feature = "http")]
        let sessions_possible =
            !(settings.transport == crate::config::Transport::Http && settings.http.stateless);
        #[cfg(not(feature = "http"))]
        let sessions_possible = true;
        let changes = Changes::new(settings.max_subscriptions, sessions_possible);
        Self {
            inner: Arc::new(Inner {
                settings: Arc::new(settings),
                vars,
                changes,
                #[cfg(feature = "fetch")]
                http: OnceLock::new(),
                #[cfg(feature = "fetch")]
                fetcher: OnceLock::new(),
                #[cfg(feature = "files")]
                files: OnceLock::new(),
                #[cfg(feature = "exec")]
                executor: OnceLock::new(),
            }),
        }
    }

    /// The platform's settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn settings_arc(&self) -> Arc<Settings> {
        self.inner.settings.clone()
    }

    /// Change notifications to clients: [`Changes::resource_updated`] when a resource changed
    /// (to the sessions subscribed to it), and [`Changes::tools_changed`] and the like when a
    /// list changed (to every live session). See [`crate::notify`].
    pub fn changes(&self) -> &Changes {
        &self.inner.changes
    }

    /// Every setting's value as read, for the team's own settings
    /// ([`TeamSettings::from_vars`](crate::config::TeamSettings::from_vars)).
    pub fn vars(&self) -> &Vars {
        &self.inner.vars
    }

    /// The fetcher for URLs that come from a caller (a model, a user): every address checked,
    /// redirects re-checked, size and time capped, audited. Use it, not [`Services::http`], for
    /// any URL the server did not choose itself. Built on first use, then shared.
    #[cfg(feature = "fetch")]
    pub fn fetcher(&self) -> Result<&UrlFetcher, FetchError> {
        self.inner
            .fetcher
            .get_or_init(|| {
                UrlFetcher::new(self.settings().fetch.clone()).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| FetchError::Network(format!("the URL fetcher could not start: {e}")))
    }

    /// File access beneath `FILES_ROOTS` for paths that come from a caller: no escape through
    /// `..` or symlinks, size and entry caps, atomic writes to writable roots only. The roots
    /// are opened once, on first use (their existence is checked with the settings at startup).
    #[cfg(feature = "files")]
    pub fn files(&self) -> Result<&FileOps, FileError> {
        self.inner
            .files
            .get_or_init(|| FileOps::from_settings(self.settings()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| FileError::Io(format!("the file roots could not be opened: {e}")))
    }

    /// The sandbox for code or commands that come from a caller: allowlisted programs only, no
    /// shell, empty environment, scratch directory, no network, landlock, rlimits, deadlines and
    /// output caps (see [`crate::exec`]).
    #[cfg(feature = "exec")]
    pub fn executor(&self) -> Result<&CodeExecutor, ExecError> {
        self.inner
            .executor
            .get_or_init(|| CodeExecutor::from_settings(self.settings()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ExecError::Spawn(format!("the executor could not start: {e}")))
    }

    /// The outbound HTTP client: one connection pool for the whole server, built on first use
    /// (its TLS roots cost memory that a server without upstream calls need not pay). It
    /// carries this server's own credential (`UPSTREAM_TOKEN`) only where a tool adds it;
    /// client tokens are never forwarded.
    #[cfg(feature = "fetch")]
    pub fn http(&self) -> &reqwest::Client {
        self.inner.http.get_or_init(|| {
            reqwest::Client::builder()
                .user_agent(crate::USER_AGENT)
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        })
    }
}
