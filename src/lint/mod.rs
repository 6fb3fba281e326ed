//! `mcpforge lint`'s engine: find a Cargo project's Rust files, parse them in parallel, run the
//! selected rules, apply suppression comments, and return one sorted [`Report`].
//!
//! It owns discovery (workspace members through `cargo metadata --no-deps`), parsing, rule
//! selection and suppressions. It never prints and never writes: emitters in [`emit`] turn the
//! report into text, and the command decides the exit code.

pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod emit;
pub mod facts;
mod parts;
pub mod rules;
mod source;
mod suppress;
pub mod surface;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

pub use diagnostic::{Applicability, Diagnostic, Position, Report, Severity};
use rules::{Check, RULES, RuleMeta, Status};
pub use source::{ACROSS_ITEMS, Across, CrateContext, PART_BYTES, SourceFile, SourceText};

use crate::error::CliError;

/// Which rules run, as given on the command line; project configuration is merged in by
/// [`Settings::load`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these (codes, prefixes, names or `ALL`); empty: the configured or default set.
    pub select: Vec<String>,
    /// Never these.
    pub ignore: Vec<String>,
    /// Also run preview rules.
    pub preview: bool,
}

impl Options {
    /// Checks every selector names a rule, so a typo cannot silently disable nothing.
    pub fn validate(&self) -> Result<(), CliError> {
        for selector in self.select.iter().chain(&self.ignore) {
            if !rules::is_known_selector(selector) {
                return Err(CliError::usage(format!("`{selector}` selects no rule"))
                    .with_help("use codes (MCP107), prefixes (MCP1), names (blocking-call-in-async) or ALL"));
            }
        }
        Ok(())
    }
}

/// The effective rule set: command-line options over the project's `[lint]` configuration.
#[derive(Debug, Default)]
pub struct Settings {
    select: Vec<String>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    preview: bool,
    severity: std::collections::BTreeMap<String, Severity>,
    per_file: config::PerFileIgnores,
    options: config::RuleOptions,
    /// Files larger than this are checked a part at a time; `None`: [`source::PART_BYTES`].
    part_bytes: Option<usize>,
    /// Where the project configuration was read from, if anywhere.
    pub config_source: Option<String>,
}

impl Settings {
    /// Command-line options only (no project configuration).
    pub fn from_options(options: &Options) -> Self {
        Self {
            select: options.select.clone(),
            ignore: options.ignore.clone(),
            preview: options.preview,
            ..Self::default()
        }
    }

    /// Command-line options only, validated.
    pub fn load_without_project(options: &Options) -> anyhow::Result<Self> {
        options.validate()?;
        Ok(Self::from_options(options))
    }

    /// Options merged over the configuration found at `root`: `--select` replaces the
    /// configured `select`, `--ignore` adds to `ignore`, `--preview` turns preview on.
    pub fn load(root: &Path, options: &Options) -> anyhow::Result<Self> {
        options.validate()?;
        let mut settings = Self::from_options(options);
        if let Some((config, source)) = config::load(root)? {
            settings.config_source = Some(source);
            if settings.select.is_empty() {
                settings.select = config.select.unwrap_or_default();
            }
            settings.extend_select = config.extend_select;
            settings.ignore.extend(config.ignore);
            settings.preview |= config.preview;
            settings.severity = config
                .severity
                .into_iter()
                .filter_map(|(rule, level)| {
                    rules::find(&rule).map(|r| (r.meta.code.to_string(), level))
                })
                .collect();
            settings.per_file = config::PerFileIgnores::new(&config.per_file_ignores)?;
            settings.options = config.options;
        }
        Ok(settings)
    }

    fn enabled(&self, meta: &RuleMeta) -> bool {
        let by_default = meta.status == Status::Stable || self.preview;
        let selected = if self.select.is_empty() {
            by_default
        } else {
            self.select.iter().any(|s| rules::selects(s, meta))
        } || self.extend_select.iter().any(|s| rules::selects(s, meta));
        selected && !self.ignore.iter().any(|s| rules::selects(s, meta))
    }

    /// Checks files larger than `bytes` a part of about `bytes` at a time (`0`: every top-level
    /// item alone) instead of [`source::PART_BYTES`]. Findings do not change; tests use it to show
    /// that, benchmarks to measure what a part size costs.
    pub fn with_part_bytes(mut self, bytes: usize) -> Self {
        self.part_bytes = Some(bytes);
        self
    }

    fn enabled_in(&self, path: &str, meta: &RuleMeta) -> bool {
        self.enabled(meta) && !self.per_file.ignores(path, meta)
    }
}

/// How much of a Cargo workspace a run lints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The package whose manifest is at the root; every member when the root's manifest is a
    /// virtual workspace (no `[package]`).
    #[default]
    Package,
    /// Every member of the workspace whose root is given.
    Workspace,
}

/// Where a run asked for `path` starts: the nearest folder at or above it holding a
/// `Cargo.toml` (the package the path is in), or, for [`Scope::Workspace`], the nearest folder at
/// or above that whose manifest declares `[workspace]`. A path with no manifest above it is
/// returned as it is (linting it then says it is not a Cargo project).
pub fn project_root(path: &Path, scope: Scope) -> PathBuf {
    let start = if path.is_file() {
        path.parent().unwrap_or(path)
    } else {
        path
    };
    let Some(package) = start
        .ancestors()
        .find(|d| !d.as_os_str().is_empty() && d.join("Cargo.toml").is_file())
    else {
        return path.to_path_buf();
    };
    if scope == Scope::Workspace
        && let Some(workspace) = package
            .ancestors()
            .find(|d| declares_workspace(&d.join("Cargo.toml")))
    {
        return workspace.to_path_buf();
    }
    package.to_path_buf()
}

/// Whether the manifest at `path` has a `[workspace]` table.
fn declares_workspace(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml_edit::DocumentMut>().ok())
        .is_some_and(|doc| doc.get("workspace").is_some_and(|w| w.is_table()))
}

/// Lints the Cargo project at `root`: the package there, or every member of a virtual workspace.
pub fn lint(root: &Path, options: &Options) -> anyhow::Result<Report> {
    lint_scoped(root, options, Scope::Package)
}

/// Lints the Cargo project at `root` as far as `scope` says.
pub fn lint_scoped(root: &Path, options: &Options, scope: Scope) -> anyhow::Result<Report> {
    let settings = Settings::load(root, options)?;
    let Discovered {
        crates,
        alone,
        warnings,
    } = discover(root, scope)?;
    let mut report = Report {
        config_source: settings.config_source.clone(),
        warnings,
        ..Report::default()
    };
    for krate in crates {
        let mut files: Vec<(String, String)> = Vec::new();
        for path in &krate.files {
            let rel = relative(root, path);
            match read_source(path) {
                Ok(text) => files.push((rel, text)),
                // One unreadable file is a finding; the rest of the run goes on.
                Err((at, message)) => {
                    report.files += 1;
                    let d = Diagnostic::new(&rules::UNPARSEABLE_FILE, rel.clone(), at, at, message)
                        .with_help("no rule checked it; save it as UTF-8 (or make it readable)");
                    report.diagnostics.extend(finish(vec![d], &rel, &settings));
                }
            }
        }
        for (link, target) in &krate.outside_links {
            let rel = relative(root, link);
            let at = Position { line: 1, column: 1 };
            let mut d = Diagnostic::new(
                &rules::UNPARSEABLE_FILE,
                rel.clone(),
                at,
                at,
                format!(
                    "this is a symbolic link to {}, outside the project: it was linted, but the \
                     project does not contain it",
                    target.display()
                ),
            )
            .with_help(
                "copy the file into the project, or make sure whoever builds it has the same file",
            );
            d.severity = Severity::Warning;
            report.diagnostics.extend(finish(vec![d], &rel, &settings));
        }
        report.files += files.len();
        report.lines += files.iter().map(|(_, t)| t.lines().count()).sum::<usize>();
        report
            .diagnostics
            .extend(lint_package(files, krate.rust_version, &settings));
    }
    let files = if alone {
        ProjectFiles::scan_package(root)
    } else {
        ProjectFiles::scan(root)
    };
    report.diagnostics.extend(lint_files(&files, &settings));
    report
        .diagnostics
        .sort_by(|a, b| (&a.path, a.start, a.rule.code).cmp(&(&b.path, b.start, b.rule.code)));
    Ok(report)
}

/// Lints one crate's files (relative path, text): per-file rules in parallel, then crate-wide
/// rules, then each file's suppressions and the configured severities.
pub fn lint_crate(files: Vec<(String, String)>, settings: &Settings) -> Vec<Diagnostic> {
    lint_package(files, None, settings)
}

/// [`lint_crate`] for a package that declares `rust-version` (major, minor, patch).
pub fn lint_package(
    files: Vec<(String, String)>,
    rust_version: Option<(u64, u64, u64)>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let context = CrateContext {
        options: settings.options,
        rust_version,
    };
    // syn trees are not `Send`: each file is parsed, checked and summarised on one thread; crate
    // rules see the summaries. Findings of rules that apply only to stdio servers are held
    // until the crate's facts are known.
    type Checked = (
        String,
        String,
        Option<FileFacts>,
        Vec<Diagnostic>,
        Vec<Diagnostic>,
    );
    let checked: Vec<Checked> = files
        .into_par_iter()
        .map(|(path, text)| {
            let source_rules: Vec<_> = RULES
                .iter()
                .filter(|r| settings.enabled_in(&path, r.meta))
                .filter_map(|r| match r.check {
                    Check::Source(check) | Check::SourceAndFiles(check, _) => Some((check, false)),
                    Check::InStdioServer(check) => Some((check, true)),
                    _ => None,
                })
                .collect();
            let mut part_bytes = settings.part_bytes.unwrap_or(source::PART_BYTES);
            if text.len() > part_bytes
                && source::needs_whole_file(&text, |code| {
                    rules::find(code).is_some_and(|r| settings.enabled_in(&path, r.meta))
                })
            {
                part_bytes = usize::MAX;
            }
            let flow_checks: Vec<rules::security::calls::FlowCheck> = rules::security::FLOW_RULES
                .iter()
                .filter(|(meta, _)| settings.enabled_in(&path, meta))
                .map(|(_, check)| *check)
                .collect();
            let keep = source::Keep::for_rules(|code| {
                rules::find(code).is_some_and(|r| settings.enabled_in(&path, r.meta))
            });
            let parts = SourceFile::check(path.clone(), text.clone(), part_bytes, keep, |file| {
                let (mut found, mut if_stdio) = (Vec::new(), Vec::new());
                for (check, stdio_only) in &source_rules {
                    let out = if *stdio_only {
                        &mut if_stdio
                    } else {
                        &mut found
                    };
                    check(file, &context, out);
                }
                (found, if_stdio, FileFacts::of(file, &flow_checks))
            });
            let mut diagnostics = Vec::new();
            let mut if_stdio = Vec::new();
            let facts = match parts {
                Ok(parts) => {
                    let mut facts: Option<FileFacts> = None;
                    for (found, held, part) in parts {
                        diagnostics.extend(found);
                        if_stdio.extend(held);
                        match &mut facts {
                            Some(facts) => facts.extend(part),
                            None => facts = Some(part),
                        }
                    }
                    facts
                }
                Err((at, message)) => {
                    diagnostics.push(
                        Diagnostic::new(
                            &rules::UNPARSEABLE_FILE,
                            path.clone(),
                            at,
                            at,
                            format!("cannot parse this file: {message}"),
                        )
                        .with_help(
                            "no rule checked it; fix the syntax error (`cargo check` shows it too)",
                        ),
                    );
                    None
                }
            };
            (path, text, facts, diagnostics, if_stdio)
        })
        .collect();

    let facts: Vec<&FileFacts> = checked
        .iter()
        .filter_map(|(_, _, f, _, _)| f.as_ref())
        .collect();
    let crate_facts = facts::CrateFacts::of(facts.iter().map(|f| &f.paths));
    // Crate-wide rules judge each program (a binary with the library it links) on its own: the
    // binaries of an examples package are separate servers. A file shared by several programs
    // gets a finding once.
    let mut crate_wide: Vec<Diagnostic> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for program in crate_facts.programs() {
        let members: Vec<&FileFacts> = facts
            .iter()
            .copied()
            .filter(|f| program.contains(&f.path))
            .collect();
        let mut found = Vec::new();
        // Tool input passed to the crate's own functions, followed to the sinks it reaches.
        rules::security::calls::through_calls(members.iter().map(|f| &f.calls), &mut found);
        for rule in RULES.iter().filter(|r| settings.enabled(r.meta)) {
            if let Check::Crate(check) = rule.check {
                check(&members, &context, &mut found);
            }
        }
        for d in found {
            if seen.insert((d.path.clone(), d.start, d.rule.code, d.message.clone())) {
                crate_wide.push(d);
            }
        }
    }

    let mut out = Vec::new();
    for (path, text, _, mut diagnostics, if_stdio) in checked {
        if crate_facts.in_stdio_server(&path) {
            diagnostics.extend(if_stdio);
        }
        diagnostics.extend(crate_wide.iter().filter(|d| d.path == path).cloned());
        let mut suppressions =
            suppress::parse(&path, &text, suppress::Syntax::Rust, &mut diagnostics);
        let unused = suppress::apply(&path, &mut suppressions, &mut diagnostics, |r| {
            settings.enabled_in(&path, r)
        });
        diagnostics.extend(unused);
        out.extend(finish(diagnostics, &path, settings));
    }
    out.sort_by(|a, b| (&a.path, a.start, a.rule.code).cmp(&(&b.path, b.start, b.rule.code)));
    out
}

/// A `#[tool]` function as crate-wide rules see it.
#[derive(Debug, Clone)]
pub struct ToolSite {
    /// The name clients see.
    pub name: String,
    /// The type whose `#[tool_router]` impl holds it: rmcp's routers are typed by the server
    /// (`ToolRouter<S>`), so tools of one type are what one `ServerHandler` can serve.
    pub server: String,
    pub start: Position,
    pub end: Position,
}

/// What crate-wide rules need to know of one file, gathered while it is parsed.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: String,
    /// Every `#[tool]` function: the name clients see, the server type listing it, and where.
    pub tools: Vec<ToolSite>,
    /// What its paths resolve to and what it re-exports (for [`facts::CrateFacts`]).
    pub paths: facts::PathFacts,
    /// Bearer authentication and its discovery metadata (MCP306).
    pub auth: rules::auth::missing_protected_resource_metadata::AuthFacts,
    /// Serving MCP over HTTP and what guards it (MCP206, MCP208, MCP209).
    pub http: rules::transport::http::HttpFacts,
    /// Calls passing tool input on, and what each function does with input (MCP401, MCP406,
    /// MCP413).
    pub calls: rules::security::calls::CallFacts,
}

impl FileFacts {
    fn of(file: &SourceFile, flow_checks: &[rules::security::calls::FlowCheck]) -> Self {
        let tools = rules::tools::item_fns(file, "tool")
            .into_iter()
            .map(|t| {
                let (start, end) = file.range(t.name_span);
                ToolSite {
                    name: t.name,
                    server: t.server,
                    start,
                    end,
                }
            })
            .collect();
        let auth = rules::auth::missing_protected_resource_metadata::AuthFacts::of(file);
        let http = rules::transport::http::HttpFacts::of(file, auth.bearer.is_some());
        Self {
            path: file.path.clone(),
            tools,
            paths: facts::PathFacts::of(file),
            auth,
            http,
            calls: rules::security::calls::CallFacts::of(file, flow_checks),
        }
    }

    /// Adds the facts of the file's next part (a large file is checked a part at a time), so
    /// that the file's facts are those of a whole parse.
    fn extend(&mut self, part: FileFacts) {
        self.tools.extend(part.tools);
        self.paths.extend(part.paths);
        self.auth.extend(part.auth);
        self.http.extend(part.http);
        self.calls.extend(part.calls);
    }
}

/// Lints one file as a crate of its own.
pub fn lint_file(path: String, text: String, settings: &Settings) -> Vec<Diagnostic> {
    lint_crate(vec![(path, text)], settings)
}

/// Whether `options` run a rule that compares two starts of a server
/// ([`surface::COMPARING_TWO_STARTS`]), so `lint --server` must start it twice.
pub fn surface_needs_two_starts(options: &Options) -> anyhow::Result<bool> {
    let settings = Settings::load_without_project(options)?;
    Ok(surface::COMPARING_TWO_STARTS
        .iter()
        .filter_map(|code| rules::find(code))
        .any(|r| settings.enabled(r.meta)))
}

/// Lints what a running server advertises (see [`surface`]) with the rules that have a surface
/// check.
pub fn lint_surface(surface: &surface::Surface, options: &Options) -> anyhow::Result<Report> {
    lint_surface_locked(surface, options, None)
}

/// [`lint_surface`], and MCP608 against `lock` (the committed `mcp-tools.lock`) when there is one.
pub fn lint_surface_locked(
    surface: &surface::Surface,
    options: &Options,
    lock: Option<&surface::ToolsLock>,
) -> anyhow::Result<Report> {
    let settings = Settings::load_without_project(options)?;
    let mut diagnostics = Vec::new();
    for rule in RULES.iter().filter(|r| settings.enabled(r.meta)) {
        if let Some(check) = rule.surface {
            check(surface, &mut diagnostics);
        }
    }
    if let Some(lock) = lock
        && settings.enabled(&rules::metadata::TOOL_SURFACE_DRIFT)
    {
        diagnostics.extend(lock.drift(&surface::ToolsLock::of(surface)));
    }
    diagnostics.sort_by(|a, b| (&a.path, a.rule.code).cmp(&(&b.path, b.rule.code)));
    let server = format!(
        "server {} {} ({} tools, {} resources, {} prompts)",
        surface.name,
        surface.version,
        surface.tools.len(),
        surface.resources.len() + surface.resource_templates.len(),
        surface.prompts.len()
    );
    Ok(Report {
        diagnostics,
        server: Some(server),
        ..Report::default()
    })
}

/// Runs the rules over the project's non-Rust files (manifests, lockfile, Dockerfiles, `.env`).
pub fn lint_project_files(root: &Path, settings: &Settings) -> Vec<Diagnostic> {
    lint_files(&ProjectFiles::scan(root), settings)
}

fn lint_files(files: &ProjectFiles, settings: &Settings) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for rule in RULES.iter().filter(|r| settings.enabled(r.meta)) {
        if let Check::Files(check) | Check::SourceAndFiles(_, check) = rule.check {
            check(files, &mut diagnostics);
        }
    }
    // Each file's `#` suppression comments (TOML, YAML, Dockerfiles, `.env`) apply to its findings.
    let mut by_file: std::collections::BTreeMap<String, Vec<Diagnostic>> =
        std::collections::BTreeMap::new();
    for d in diagnostics {
        by_file.entry(d.path.clone()).or_default().push(d);
    }
    for (path, text) in &files.files {
        if let Some(syntax) = suppress::Syntax::of_project_file(path)
            && text.contains("mcpforge:")
        {
            let found = by_file.entry(path.clone()).or_default();
            let mut suppressions = suppress::parse(path, text, syntax, found);
            let unused = suppress::apply(path, &mut suppressions, found, |r| {
                settings.enabled_in(path, r)
            });
            found.extend(unused);
        }
    }
    let mut out = Vec::new();
    for (path, diagnostics) in by_file {
        out.extend(finish(diagnostics, &path, settings));
    }
    out.sort_by(|a, b| (&a.path, a.start, a.rule.code).cmp(&(&b.path, b.start, b.rule.code)));
    out
}

/// Drops findings of rules not enabled for `path` and applies configured severities.
fn finish(mut diagnostics: Vec<Diagnostic>, path: &str, settings: &Settings) -> Vec<Diagnostic> {
    diagnostics.retain(|d| settings.enabled_in(path, d.rule));
    for d in &mut diagnostics {
        if let Some(level) = settings.severity.get(d.rule.code) {
            d.severity = *level;
        }
    }
    diagnostics
}

/// The non-Rust files rules look at, found below the project root (not in `target/` or hidden
/// folders), with their text.
pub struct ProjectFiles {
    pub root: PathBuf,
    /// Relative path (with `/`) and contents of every file of interest.
    pub files: Vec<(String, String)>,
}

impl ProjectFiles {
    /// Every file of interest below `root`, workspace members included.
    pub fn scan(root: &Path) -> Self {
        Self::scan_below(root, false)
    }

    /// The files of the package at `root`, without the packages nested below it.
    pub fn scan_package(root: &Path) -> Self {
        Self::scan_below(root, true)
    }

    fn scan_below(root: &Path, skip_packages: bool) -> Self {
        let mut files = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().to_string();
                let Ok(mut kind) = entry.file_type() else {
                    continue;
                };
                // A linked file is read like a copy (a linked folder is not walked: loops).
                if kind.is_symlink() {
                    match std::fs::metadata(&path) {
                        Ok(meta) if meta.is_file() => kind = meta.file_type(),
                        _ => continue,
                    }
                }
                if kind.is_dir() {
                    let nested = skip_packages && path.join("Cargo.toml").is_file();
                    if name != "target"
                        && name != "node_modules"
                        && (!name.starts_with('.') || name == ".github")
                        && !nested
                    {
                        stack.push(path);
                    }
                } else if kind.is_file()
                    && Self::interesting(&name)
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    files.push((relative(root, &path), text));
                }
            }
        }
        files.sort();
        Self {
            root: root.to_path_buf(),
            files,
        }
    }

    fn interesting(name: &str) -> bool {
        matches!(
            name,
            "Cargo.toml" | "Cargo.lock" | ".gitignore" | ".env" | "mcp.json" | ".mcp.json"
        ) || name.starts_with("Dockerfile")
            || name.ends_with(".dockerfile")
            || name.starts_with(".env.")
            || name.ends_with(".yml")
            || name.ends_with(".yaml")
    }

    /// Files whose name (last path component) satisfies `pred`.
    pub fn named(&self, pred: impl Fn(&str) -> bool) -> impl Iterator<Item = &(String, String)> {
        self.files
            .iter()
            .filter(move |(p, _)| pred(p.rsplit('/').next().unwrap_or(p)))
    }

    /// A diagnostic at a line of a non-Rust file.
    pub fn diagnostic(
        rule: &'static RuleMeta,
        path: &str,
        line: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let at = Position { line, column: 1 };
        Diagnostic::new(rule, path, at, at, message)
    }
}

/// What `--fix` would do.
pub struct FixPlan {
    /// The planned writes.
    pub tx: crate::edit::Transaction,
    /// How many findings they fix.
    pub fixed: usize,
    /// Findings with an unsafe fix that was left out (no `--unsafe-fixes`).
    pub unsafe_skipped: usize,
}

/// The fixes of a report's unsuppressed findings — safe ones, and unsafe ones too when
/// `unsafe_fixes` — applied per file in memory and checked to still parse.
pub fn plan_fixes(root: &Path, report: &Report, unsafe_fixes: bool) -> anyhow::Result<FixPlan> {
    let mut by_file: std::collections::BTreeMap<&str, Vec<&diagnostic::Fix>> =
        std::collections::BTreeMap::new();
    let mut unsafe_skipped = 0;
    for d in report.active() {
        if let Some(fix) = &d.fix {
            if fix.applicability == diagnostic::Applicability::Unsafe && !unsafe_fixes {
                unsafe_skipped += 1;
                continue;
            }
            by_file.entry(d.path.as_str()).or_default().push(fix);
        }
    }
    let mut tx = crate::edit::Transaction::new();
    let mut fixed = 0;
    for (path, fixes) in by_file {
        let full = root.join(path);
        let text = std::fs::read_to_string(&full)
            .with_context(|| format!("failed to read {}", full.display()))?;
        // Apply whole fixes only: a fix overlapping an earlier one waits for the next run.
        let mut edits: Vec<crate::edit::rust::Replacement> = Vec::new();
        for fix in fixes {
            let overlaps = fix
                .edits
                .iter()
                .any(|e| edits.iter().any(|o| touches(&e.range, &o.range)));
            if !overlaps {
                edits.extend(fix.edits.iter().cloned());
                fixed += 1;
            }
        }
        let (after, _) = crate::edit::rust::apply_replacements(&text, &edits);
        crate::edit::rust::parse_file(&after).map_err(|e| {
            anyhow::anyhow!("fixing {path} would produce invalid Rust ({e}); nothing was written")
        })?;
        tx.push(crate::edit::Change {
            path: full,
            display: path.to_string(),
            before: Some(text.into_bytes()),
            after: Some(after.into_bytes()),
        });
    }
    Ok(FixPlan {
        tx,
        fixed,
        unsafe_skipped,
    })
}

/// Whether two edit ranges touch (an insertion counts as one byte wide).
fn touches(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// A crate's Rust files.
struct Crate {
    files: Vec<PathBuf>,
    /// The package's declared `rust-version`.
    rust_version: Option<(u64, u64, u64)>,
    /// Symbolic links (to files or folders) among them that lead outside the project, with
    /// where they lead.
    outside_links: Vec<(PathBuf, PathBuf)>,
}

/// A Rust file's text, or where and why it cannot be read as UTF-8 text.
fn read_source(path: &Path) -> Result<String, (Position, String)> {
    let start = Position { line: 1, column: 1 };
    let bytes = std::fs::read(path).map_err(|e| (start, format!("cannot read this file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(valid.rsplit(|b| *b == b'\n').next().unwrap_or(&[]))
            .chars()
            .count()
            + 1;
        (
            Position { line, column },
            format!(
                "cannot lint this file: it is not valid UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// What [`discover`] found: the packages to lint, and what it could not do as asked.
struct Discovered {
    crates: Vec<Crate>,
    /// The package at the root is linted without the workspace members below it.
    alone: bool,
    warnings: Vec<String>,
}

/// The packages of the Cargo project at `root` and their shipped Rust files: everything below
/// each package except `target/`, hidden folders, nested packages, and the test-only folders
/// `tests/`, `benches/` and `examples/`. [`Scope::Package`] keeps the package whose manifest is
/// at `root` (every member when that manifest is a virtual workspace).
fn discover(root: &Path, scope: Scope) -> anyhow::Result<Discovered> {
    let manifest = root.join("Cargo.toml");
    if !root.exists() {
        return Err(
            CliError::usage(format!("{} does not exist", root.display()))
                .with_help("pass the path of a Rust project, or run `mcpforge lint` inside one")
                .into(),
        );
    }
    if !manifest.is_file() {
        return Err(CliError::usage(format!(
            "{} is not a Cargo project (no Cargo.toml)",
            root.display()
        ))
        .with_help("run `mcpforge lint` in a Rust project, or pass its path")
        .into());
    }
    // Linting never installs a toolchain: rustup would download the one a
    // `rust-toolchain.toml` names before running cargo.
    let metadata = match cargo_metadata::MetadataCommand::new()
        .manifest_path(&manifest)
        .no_deps()
        .env("RUSTUP_AUTO_INSTALL", "0")
        .exec()
    {
        Ok(metadata) => metadata,
        Err(e) => {
            let why = first_line(&e.to_string());
            // Without cargo, the manifests say which packages there are; a manifest that is not
            // even TOML is cargo's error to show.
            let members = manifest_members(root, scope).map_err(|parse| {
                CliError::usage(format!(
                    "cannot read the Cargo project at {}: {why}",
                    root.display()
                ))
                .with_help(format!(
                    "lint asks `cargo metadata` for the packages, and reading the manifest \
                     without it failed too ({parse:#})"
                ))
            })?;
            return Ok(Discovered {
                alone: scope == Scope::Package && is_package(&members, root),
                crates: walk_packages(root, &members, scope),
                warnings: vec![format!(
                    "`cargo metadata` could not run ({why}); linting the packages the \
                     manifests name instead (the package here, or the workspace's `members`)"
                )],
            });
        }
    };
    let members: Vec<Member> = metadata
        .workspace_packages()
        .iter()
        .filter_map(|p| {
            Some(Member {
                dir: p.manifest_path.parent()?.as_std_path().to_path_buf(),
                rust_version: p.rust_version.as_ref().map(|v| (v.major, v.minor, v.patch)),
            })
        })
        .collect();
    Ok(Discovered {
        alone: scope == Scope::Package && is_package(&members, root),
        crates: walk_packages(root, &members, scope),
        warnings: Vec::new(),
    })
}

/// The most telling line of an error from running cargo: the first that says `error`, else the
/// first line.
fn first_line(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| l.contains("error: "))
        .or_else(|| message.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or_default();
    // `cargo metadata` exited with an error: error: <what cargo said>
    line.rsplit_once("error: ")
        .map_or(line, |(_, said)| said)
        .to_string()
}

/// The packages of the project at `root` read from its manifests alone, for when `cargo
/// metadata` cannot run: the package at `root`, and, for a workspace root, each folder its
/// `members` globs name (less `exclude`) that holds a `Cargo.toml`.
fn manifest_members(root: &Path, scope: Scope) -> anyhow::Result<Vec<Member>> {
    let read = |dir: &Path| -> anyhow::Result<toml_edit::DocumentMut> {
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        text.parse::<toml_edit::DocumentMut>()
            .with_context(|| format!("{} is not valid TOML", path.display()))
    };
    let doc = read(root)?;
    let workspace_version = doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("rust-version"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let rust_version = |doc: &toml_edit::DocumentMut| {
        let field = doc.get("package")?.get("rust-version")?;
        let text = match field.as_str() {
            Some(v) => v.to_string(),
            // `rust-version.workspace = true`
            None => workspace_version.clone()?,
        };
        let v = semver::Version::parse(&text)
            .or_else(|_| semver::Version::parse(&format!("{text}.0")))
            .ok()?;
        Some((v.major, v.minor, v.patch))
    };
    let mut members = Vec::new();
    if doc.get("package").is_some() {
        members.push(Member {
            dir: root.to_path_buf(),
            rust_version: rust_version(&doc),
        });
    }
    let strings = |key: &str| -> Vec<String> {
        doc.get("workspace")
            .and_then(|w| w.get(key))
            .and_then(|m| m.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // A package at the root is linted alone unless the whole workspace is asked for.
    if members.is_empty() || scope == Scope::Workspace {
        let excluded: Vec<PathBuf> = strings("exclude").iter().map(|e| root.join(e)).collect();
        for pattern in strings("members") {
            for dir in expand_members(root, &pattern) {
                if excluded.iter().any(|e| dir.starts_with(e)) || dir == root {
                    continue;
                }
                if let Ok(member) = read(&dir) {
                    members.push(Member {
                        rust_version: rust_version(&member),
                        dir,
                    });
                }
            }
        }
    }
    Ok(members)
}

/// The folders holding a `Cargo.toml` that a workspace `members` entry names (`crates/*`,
/// `examples/servers`), sorted.
fn expand_members(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    for segment in pattern.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let matcher = globset::Glob::new(segment).map(|g| g.compile_matcher());
        let mut next = Vec::new();
        for dir in &dirs {
            match &matcher {
                Ok(m) if segment.contains(['*', '?', '[']) => {
                    let Ok(entries) = std::fs::read_dir(dir) else {
                        continue;
                    };
                    for entry in entries.flatten() {
                        if entry.path().is_dir() && m.is_match(entry.file_name()) {
                            next.push(entry.path());
                        }
                    }
                }
                _ => next.push(dir.join(segment)),
            }
        }
        dirs = next;
    }
    dirs.retain(|d| d.join("Cargo.toml").is_file());
    dirs.sort();
    dirs
}

/// A workspace member: its folder and declared `rust-version`.
struct Member {
    dir: PathBuf,
    rust_version: Option<(u64, u64, u64)>,
}

/// Whether one of the packages is the one at `root`.
fn is_package(members: &[Member], root: &Path) -> bool {
    let project = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    members
        .iter()
        .any(|m| m.dir.canonicalize().is_ok_and(|d| d == project))
}

/// The Rust files of the packages that `scope` selects.
fn walk_packages(root: &Path, members: &[Member], scope: Scope) -> Vec<Crate> {
    let package_dirs: Vec<PathBuf> = members.iter().map(|m| m.dir.clone()).collect();
    let project = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let alone = scope == Scope::Package && is_package(members, root);
    let mut crates = Vec::new();
    for Member { dir, rust_version } in members {
        if alone && dir.canonicalize().is_ok_and(|d| d != project) {
            continue;
        }
        let rust_version = *rust_version;
        let mut walk = Walk {
            package: dir,
            packages: &package_dirs,
            project: &project,
            seen: std::collections::HashSet::new(),
            krate: Crate {
                files: Vec::new(),
                rust_version,
                outside_links: Vec::new(),
            },
        };
        walk.dir(dir);
        walk.krate.files.sort();
        walk.krate.outside_links.sort();
        crates.push(walk.krate);
    }
    crates
}

/// Collects a package's Rust files, following symbolic links (each real folder once, so link
/// loops end) and noting those that lead outside the project.
struct Walk<'a> {
    package: &'a Path,
    packages: &'a [PathBuf],
    project: &'a Path,
    seen: std::collections::HashSet<PathBuf>,
    krate: Crate,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) {
        let real = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if !self.seen.insert(real) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let Ok(mut kind) = entry.file_type() else {
                continue;
            };
            let linked = kind.is_symlink();
            if linked {
                // A dangling link has nothing to lint.
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                kind = meta.file_type();
            }
            let is_rs = kind.is_file() && name.ends_with(".rs");
            if kind.is_dir() {
                let skipped = name.starts_with('.') || name == "target";
                let test_only = dir == self.package
                    && matches!(name.as_str(), "tests" | "benches" | "examples");
                let nested = self.packages.iter().any(|p| p == &path)
                    || (path != self.package && path.join("Cargo.toml").is_file());
                if skipped || test_only || nested {
                    continue;
                }
                self.note_outside(linked, &path);
                self.dir(&path);
            } else if is_rs {
                self.note_outside(linked, &path);
                self.krate.files.push(path);
            }
        }
    }

    fn note_outside(&mut self, linked: bool, path: &Path) {
        if !linked {
            return;
        }
        if let Ok(target) = path.canonicalize()
            && !target.starts_with(self.project)
        {
            self.krate.outside_links.push((path.to_path_buf(), target));
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
