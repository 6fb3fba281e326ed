//! The command-line surface: argument types whose doc comments are the `--help` text.
//!
//! Template questions become `mcpforge new` flags at run time ([`parse`] adds one flag per question
//! key found in any embedded template), so adding a question to a `template.toml` is all it takes
//! to get a documented flag. This module only describes arguments; it never acts on them.

use std::path::{Path, PathBuf};

use clap::builder::PossibleValuesParser;
use clap::{
    Arg, ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

use crate::template::{self, QuestionKind};

/// Generate, extend, lint and upgrade Rust MCP servers built on rmcp.
///
/// mcpforge renders complete MCP server projects with a platform layer (config, logging, error
/// masking, graceful shutdown, an in-memory test harness) so teams write only their tools.
#[derive(Debug, Parser)]
#[command(
    name = "mcpforge",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Start with `mcpforge new my-server --yes`, then `cargo test` inside it.")]
pub struct Cli {
    /// Run as if mcpforge was started in DIR instead of the current directory
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// Print nothing but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail, such as every file written
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// When to use colour (`auto` honours NO_COLOR and plain pipes)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new MCP server project from a template
    #[command(long_about = NEW_LONG_ABOUT, after_help = NEW_AFTER_HELP)]
    New(NewArgs),

    /// Add a tool, resource or prompt to an existing project, registered by an in-place edit
    #[command(after_help = ADD_AFTER_HELP)]
    Add(AddArgs),

    /// Check an MCP server project against the platform rules (for people and for CI)
    #[command(after_help = LINT_AFTER_HELP)]
    Lint(LintArgs),

    /// Move the project to the current template version, keeping the team's edits
    #[command(long_about = UPGRADE_LONG_ABOUT, after_help = UPGRADE_AFTER_HELP)]
    Upgrade(UpgradeArgs),

    /// Start an MCP server over stdio and print what it advertises
    #[command(
        after_help = "Examples:\n  mcpforge inspect \"target/debug/weather serve\"\n  mcpforge inspect --json \"cargo run -q -- serve\" > surface.json"
    )]
    Inspect(InspectArgs),

    /// Serve mcpforge's own operations over MCP on stdin/stdout, for coding agents
    #[command(long_about = MCP_LONG_ABOUT, after_help = MCP_AFTER_HELP)]
    Mcp(McpArgs),

    /// List the embedded templates, their versions and their options
    Templates,

    /// Print a shell completion script to stdout
    #[command(
        after_help = "Example: mcpforge completions bash > ~/.local/share/bash-completion/completions/mcpforge"
    )]
    Completions(CompletionsArgs),
}

const NEW_LONG_ABOUT: &str = "Create a new MCP server project from a template.\n\n\
Every template question has a flag. Questions you do not answer with a flag are asked \
interactively when stdin is a terminal; with --yes, or without a terminal (CI), their defaults \
are used. An option that takes several values takes them comma-separated (`a,b`; an empty \
value for none). The same answers always produce byte-identical files.";

const NEW_AFTER_HELP: &str = "Examples:\n  \
mcpforge new weather --yes\n  \
mcpforge new tools/billing --name billing-mcp --description \"Billing lookups\" --yes\n  \
mcpforge new weather --dry-run";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Directory to create the project in (created if missing; must be empty unless --force)
    #[arg(value_name = "DIR")]
    pub path: PathBuf,

    /// Template to render (see `mcpforge templates`)
    #[arg(short, long, value_name = "NAME", default_value = template::DEFAULT_TEMPLATE)]
    pub template: String,

    /// Render an earlier released version of the template instead of the current one (to
    /// reproduce an old project, or to try `mcpforge upgrade`)
    #[arg(long, value_name = "VERSION")]
    pub template_version: Option<String>,

    /// Use the default for every question not answered by a flag; never prompt
    #[arg(short, long)]
    pub yes: bool,

    /// List the files that would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Render into DIR even if it is not empty (files with the same path are replaced)
    #[arg(long)]
    pub force: bool,

    /// Initialise a git repository with a first commit (needs `git` on PATH)
    #[arg(long)]
    pub git: bool,
}

const ADD_AFTER_HELP: &str = "Examples:\n  \
mcpforge add tool get_forecast --description \"Forecast for a city\" --param city:string --param days:int? --read-only\n  \
mcpforge add resource current_weather --template \"weather://{city}/current\" --mime application/json\n  \
mcpforge add resource forecast --template \"weather://{city}/days/{day}\" --var day:u32 --complete city\n  \
mcpforge add prompt summarize --arg text --arg \"style?:Tone of the summary\" --complete style\n  \
mcpforge -C services/weather add tool alerts --dry-run";

const ADD_RESOURCE_AFTER_HELP: &str = "A URI template takes RFC 6570 level-1 {variables} only: snake_case names, with text\n\
between two variables. The reader gets them as a typed struct: strings, unless --var gives\n\
a type; a value that does not parse as its type is answered with invalid params (-32602).\n\n\
Examples:\n  \
mcpforge add resource handbook --uri docs://handbook --mime text/markdown\n  \
mcpforge add resource today --template \"weather://{city}/today\"\n  \
mcpforge add resource forecast --template \"weather://{city}/days/{day}\" --var day:u32 --complete city";

const ADD_PROMPT_AFTER_HELP: &str = "Examples:\n  \
mcpforge add prompt daily_brief\n  \
mcpforge add prompt summarize --arg text --arg \"style?:Tone of the summary\" --complete style";

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(subcommand)]
    pub item: AddItem,
}

#[derive(Debug, Subcommand)]
pub enum AddItem {
    /// A tool: a new file in src/tools/ with a parameters struct, a handler and tests, plus its
    /// registration in src/tools/mod.rs
    Tool(AddToolArgs),
    /// A resource: a new file in src/resources/ serving a fixed URI or a URI template, with
    /// tests, plus its registration in src/resources/mod.rs
    #[command(after_help = ADD_RESOURCE_AFTER_HELP)]
    Resource(AddResourceArgs),
    /// A prompt: a new file in src/prompts/ with its arguments and messages, with tests, plus
    /// its registration in src/prompts/mod.rs
    #[command(after_help = ADD_PROMPT_AFTER_HELP)]
    Prompt(AddPromptArgs),
}

#[derive(Debug, Args)]
pub struct AddResourceArgs {
    /// The resource name clients see (same rules as tool names)
    #[arg(value_name = "NAME")]
    pub name: String,

    /// What the resource holds, for clients and the model
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A fixed URI, e.g. docs://handbook [default: <project-name>://<NAME>]
    #[arg(long, value_name = "URI", conflicts_with = "uri_template")]
    pub uri: Option<String>,

    /// A URI template of RFC 6570 level-1 {variables}, e.g. weather://{city}/today: the reader
    /// gets the variables as a typed struct (strings unless --var says otherwise)
    #[arg(long, visible_alias = "template", value_name = "TEMPLATE")]
    pub uri_template: Option<String>,

    /// The type of a template variable as name:type or name:type:description, e.g. --var n:u32;
    /// types are string (the default), int, float, bool or Rust spellings such as u32. A value
    /// that does not parse is answered with invalid params (-32602)
    #[arg(long = "var", value_name = "SPEC", requires = "uri_template")]
    pub vars: Vec<String>,

    /// A template variable to suggest values for (`completion/complete`): a completer next to
    /// the resource, handed to the catalog (repeatable)
    #[arg(long, value_name = "VAR", requires = "uri_template")]
    pub complete: Vec<String>,

    /// The contents' MIME type
    #[arg(long, value_name = "TYPE", default_value = "text/plain")]
    pub mime: Option<String>,

    /// Replace the resource's file if it exists (its registration is kept)
    #[arg(long)]
    pub force: bool,

    /// Print the changes as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct AddPromptArgs {
    /// The prompt name clients see (same rules as tool names)
    #[arg(value_name = "NAME")]
    pub name: String,

    /// What the prompt is for
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// An argument as name, name? (optional) or name:description; arguments are strings
    #[arg(short, long = "arg", value_name = "SPEC")]
    pub args: Vec<String>,

    /// An argument (one of the --arg names) to suggest values for (`completion/complete`): a
    /// completer next to the prompt, handed to the catalog (repeatable)
    #[arg(long, value_name = "ARG")]
    pub complete: Vec<String>,

    /// Replace the prompt's file if it exists (its registration is kept)
    #[arg(long)]
    pub force: bool,

    /// Print the changes as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct AddToolArgs {
    /// The tool name clients see: 1 to 128 characters of A-Z a-z 0-9 _ - . starting with a letter
    /// (the Rust module name is its snake_case form)
    #[arg(value_name = "NAME")]
    pub name: String,

    /// What the tool does, for the model: when to use it and what it returns
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A parameter as name:type, name:type? (optional) or name:type:description; types are
    /// string, int, float, bool (or Rust spellings such as u32) and lists as string[]
    #[arg(short, long = "param", value_name = "SPEC")]
    pub params: Vec<String>,

    /// Annotate the tool as not changing anything (implies --idempotent)
    #[arg(long)]
    pub read_only: bool,

    /// Annotate the tool as able to destroy or overwrite data
    #[arg(long)]
    pub destructive: bool,

    /// Annotate the tool as safe to repeat with the same arguments
    #[arg(long)]
    pub idempotent: bool,

    /// Annotate the tool as reaching outside systems (the web, other services)
    #[arg(long)]
    pub open_world: bool,

    /// Take the request context: report progress as the work advances and stop when the call is
    /// cancelled (projects at service 0.6.0 or minimal 0.4.0 and later)
    #[arg(long)]
    pub progress: bool,

    /// Ask the user to confirm before acting (`ctx.elicit`), in both protocol eras; its tests
    /// script the answer, accepted and declined (projects at service 0.7.0 or minimal 0.5.0 and
    /// later)
    #[arg(long)]
    pub elicit: bool,

    /// Run as a task for clients that declared the tasks extension (answered at once, polled
    /// with tasks/get, stopped with tasks/cancel); its test reads the task to completion
    /// (projects at service 0.7.0 or minimal 0.5.0 and later)
    #[arg(long)]
    pub task: bool,

    /// Replace the tool's file if it exists (its registration is kept)
    #[arg(long)]
    pub force: bool,

    /// Print the changes as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

const LINT_AFTER_HELP: &str = "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or internal error.\n\
Suppress one finding with `// mcpforge: ignore[MCP107] reason=\"…\"` on its line or the line above,\n\
a block with `// mcpforge: disable=MCP107 reason=\"…\"` … `// mcpforge: enable=MCP107` (`#` in TOML and YAML).\n\n\
Examples:\n  \
mcpforge lint\n  \
mcpforge lint --output-format sarif > mcpforge.sarif\n  \
mcpforge lint --fix\n  \
mcpforge lint --server \"target/debug/weather serve\"\n  \
mcpforge lint --explain MCP107";

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The project to lint: the Cargo package whose manifest is at or above PATH (only that
    /// package, not the other members of its workspace), or every member when PATH is a virtual
    /// workspace's root [default: the current directory]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Lint every member of the workspace PATH belongs to, not only the package at PATH
    #[arg(long)]
    pub workspace: bool,

    /// How to print findings
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "full")]
    pub output_format: crate::lint::emit::OutputFormat,

    /// The lowest severity that makes the run fail (exit code 1)
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "error")]
    pub fail_on: crate::lint::Severity,

    /// Fail on warnings too (like --fail-on warning; with --fail-on info, infos fail as well)
    #[arg(long)]
    pub strict: bool,

    /// Exit 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// Print how many findings each rule produced
    #[arg(long)]
    pub statistics: bool,

    /// Print a rule's documentation (by code or name) and exit
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Run only these rules: codes, prefixes (MCP1), names or ALL, comma-separated
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (same forms as --select)
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Also run preview (heuristic) rules
    #[arg(long)]
    pub preview: bool,

    /// Apply safe fixes in place (formatting kept, files re-parsed before writing), then report
    /// what is left
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the safe fixes as a unified diff and write nothing
    #[arg(long)]
    pub diff: bool,

    /// With --fix or --diff, also the unsafe fixes: edits that may change behaviour (println! to
    /// eprintln!, a blocking sleep to tokio's), for a person to review
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Known findings to accept (a file written by --update-baseline); new findings still fail,
    /// and entries that no longer occur fail as stale
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every current finding to the --baseline file instead of failing on them
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,

    /// Lint what a running server advertises instead of source: start COMMAND over stdio (no
    /// shell), read tools/resources/prompts lists, and check names, descriptions and metadata
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["path", "fix", "diff", "baseline"])]
    pub server: Option<String>,

    /// With --server: write what the server lists to mcp-tools.lock (in the current directory)
    /// instead of linting; later runs with --server report tools that differ from it (MCP608)
    #[arg(long, requires = "server")]
    pub update_lock: bool,

    /// With --server: how long the server may take to answer, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The server command line, e.g. "target/release/weather serve" (run without a shell)
    #[arg(value_name = "COMMAND")]
    pub command: String,

    /// Print the surface as JSON (tools with their schemas and annotations, resources,
    /// resource templates, prompts)
    #[arg(long)]
    pub json: bool,

    /// How long the server may take to answer, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub timeout: u64,
}

const UPGRADE_LONG_ABOUT: &str = "Move the project to the current version of its template, \
keeping the team's edits.\n\n\
mcpforge re-renders the version the project was generated from (embedded in this binary, with \
the answers in .mcpforge.toml) and the current version, and decides per file: files you never \
changed are replaced; files only you changed are kept; files both sides changed are merged line \
by line, with conflict blocks (<<<<<<< yours … >>>>>>>) where both touched the same lines. \
Files the template added are created; files it dropped are removed unless you changed them; \
files you deleted stay deleted. Team-owned files and items added with `mcpforge add` are never \
touched. Migrations then update your code for renamed platform APIs. .mcpforge.toml is written \
last, so an interrupted upgrade can simply be run again.";

const UPGRADE_AFTER_HELP: &str = "Examples:\n  \
mcpforge upgrade --dry-run          # show the plan and the diff, write nothing\n  \
mcpforge upgrade                    # upgrade (needs a clean git working tree)\n  \
mcpforge upgrade --set description=\"Weather for agents\"\n  \
mcpforge upgrade --check            # in CI: exit 1 if behind or platform files drifted\n\n\
Exit codes: 0 done (or up to date), 1 conflicts to resolve or --check failed, 2 usage error.";

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Print the plan and a unified diff of every change; write nothing
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,

    /// Exit 1 if the project is behind the current template version or a platform-owned file
    /// differs from what mcpforge generated (for CI); write nothing
    #[arg(long)]
    pub check: bool,

    /// Upgrade even if the git working tree has uncommitted changes (or there is no git)
    #[arg(long)]
    pub allow_dirty: bool,

    /// Change an answer while upgrading (repeatable); the project is re-rendered with it
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub set: Vec<(String, String)>,
}

fn parse_key_value(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected KEY=VALUE, got `{raw}`")),
    }
}

const MCP_LONG_ABOUT: &str = "Serve mcpforge's own operations over MCP on stdin/stdout, so a \
coding agent can scaffold, extend, lint and upgrade projects with typed inputs and structured \
results.\n\n\
Tools: list_templates, new_project, add_item, lint, explain_rule, upgrade_plan, upgrade_apply — \
the same operations as the commands, with the same error messages. Resources: each rule's \
documentation (mcpforge://rules/MCP107), each template (mcpforge://templates/service), a \
project's .mcpforge.toml (mcpforge://project/<path>). Prompt: add_tool_with_test.\n\n\
Confinement: every path is resolved (symlinks and `..` included) and must lie inside a root. The \
roots are the client's MCP roots when it declares them; --root directories bound them (only the \
parts of the client's roots inside a --root are used); with neither, the current directory. \
Relative paths start at the first root. Nothing is written to stdout but MCP messages.";

const MCP_AFTER_HELP: &str = "Examples:\n  \
mcpforge mcp --root ~/src                      # in an MCP client's server configuration\n  \
mcpforge mcp --root ~/src --root ~/scratch\n  \
mcpforge inspect \"mcpforge mcp --root .\"       # what it offers\n\n\
Client configuration snippets: docs/mcp.md";

#[derive(Debug, Args)]
pub struct McpArgs {
    /// A directory the client may work in (repeatable) [default: the current directory, unless
    /// the client declares MCP roots]
    #[arg(long = "root", value_name = "DIR")]
    pub roots: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Where a command runs: the directory given with `-C`, or the current one.
#[derive(Debug, Clone)]
pub struct Context {
    pub cwd: PathBuf,
    /// Whether `-C` moved it away from the directory mcpforge was started in.
    pub moved: bool,
}

impl Context {
    /// Resolves `path` against the working directory (absolute paths pass through).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.cwd.join(path)
    }
}

impl Cli {
    /// The working directory; `-C DIR` must name an existing directory.
    pub fn context(&self) -> Result<Context, crate::error::CliError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let Some(dir) = &self.directory else {
            return Ok(Context { cwd, moved: false });
        };
        let moved = cwd.join(dir);
        if !moved.is_dir() {
            return Err(crate::error::CliError::usage(format!(
                "-C {}: no such directory",
                dir.display()
            ))
            .with_help("-C takes a directory that exists; create it first"));
        }
        Ok(Context {
            cwd: moved,
            moved: true,
        })
    }
}

/// The prefix of the clap ids of template-question flags, so they never collide with fixed flags.
const ANSWER_ID_PREFIX: &str = "answer:";

/// The full command, with one `new` flag per template question.
pub fn command() -> clap::Command {
    let template_names: Vec<&'static str> = template::all()
        .iter()
        .map(|t| t.manifest.name.as_str())
        .collect();
    Cli::command().mut_subcommand("new", |new| {
        let new = new.mut_arg("template", |arg| {
            arg.value_parser(PossibleValuesParser::new(template_names))
        });
        question_args()
            .into_iter()
            .fold(new, |cmd, arg| cmd.arg(arg))
    })
}

/// Parses the process arguments; exits with clap's message (code 2) on a usage error.
pub fn parse() -> (Cli, ArgMatches) {
    let matches = command().get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, matches),
        Err(err) => err.format(&mut command()).exit(),
    }
}

/// The answers given as flags to `mcpforge new`, keyed by question key.
pub fn given_answers(matches: &ArgMatches) -> Vec<(String, String)> {
    let Some(new) = matches.subcommand_matches("new") else {
        return Vec::new();
    };
    new.ids()
        .filter_map(|id| id.as_str().strip_prefix(ANSWER_ID_PREFIX))
        .filter_map(|key| {
            let id = format!("{ANSWER_ID_PREFIX}{key}");
            // Only flags the user typed: question flags have no clap defaults.
            new.get_one::<String>(&id)
                .map(|value| (key.to_string(), value.clone()))
        })
        .collect()
}

/// One flag per distinct question key across all templates. A key shared by several templates
/// keeps the first template's help; choices are the union, checked per template later.
fn question_args() -> Vec<Arg> {
    // The values clap checks; `None` for a list answer, which each template checks itself.
    type Checked = Option<Vec<String>>;
    // (key, flag, checked values, templates asking it)
    let mut args: Vec<(String, Arg, Checked, Vec<&'static str>)> = Vec::new();
    for tpl in template::all() {
        for q in &tpl.manifest.questions {
            if let Some(entry) = args.iter_mut().find(|(key, ..)| *key == q.key) {
                if q.kind == QuestionKind::Multi {
                    entry.2 = None;
                }
                if let Some(values) = &mut entry.2 {
                    for choice in &q.choices {
                        if !values.contains(&choice.value) {
                            values.push(choice.value.clone());
                        }
                    }
                }
                entry.3.push(&tpl.manifest.name);
                continue;
            }
            let arg = Arg::new(format!("{ANSWER_ID_PREFIX}{}", q.key))
                .long(q.key.clone())
                .help(q.help.clone())
                .help_heading("Template options")
                .action(ArgAction::Set);
            let arg = match q.kind {
                QuestionKind::Bool => arg
                    .value_name("BOOL")
                    .num_args(0..=1)
                    .require_equals(true)
                    .default_missing_value("true")
                    .value_parser(["true", "false"]),
                QuestionKind::String => arg.value_name(q.key.to_uppercase()),
                QuestionKind::Choice => arg.value_name(q.key.to_uppercase()),
                QuestionKind::Multi => {
                    let values: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
                    arg.value_name(format!("{},…", q.key.to_uppercase()))
                        .help(format!(
                            "{} [any of: {}; '' for none]",
                            q.help,
                            values.join(", ")
                        ))
                }
            };
            let choices = (q.kind != QuestionKind::Multi)
                .then(|| q.choices.iter().map(|c| c.value.clone()).collect());
            args.push((
                q.key.clone(),
                arg,
                choices,
                vec![tpl.manifest.name.as_str()],
            ));
        }
    }
    let template_count = template::all().len();
    args.into_iter()
        .map(|(_, arg, choices, templates)| {
            let arg = match choices {
                Some(values) if !values.is_empty() => {
                    arg.value_parser(PossibleValuesParser::new(values))
                }
                _ => arg,
            };
            if templates.len() == template_count {
                arg
            } else {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} [templates: {}]", templates.join(", ")))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        command().debug_assert();
    }
}
