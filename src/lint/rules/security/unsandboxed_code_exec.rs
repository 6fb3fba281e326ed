//! MCP413 unsandboxed-code-exec.

use syn::spanned::Spanned;

use super::flow::{Flow, Seeds, each_call, root_call_expr, root_local};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, literal};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNSANDBOXED_CODE_EXEC: RuleMeta = RuleMeta {
    code: "MCP413",
    name: "unsandboxed-code-exec",
    family: Family::Security,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Input is followed within the `#[tool]` function and through direct calls to the crate's own functions, up to 3 calls deep: free functions and associated functions of inherent `impl` blocks, called by path (`helper(x)`, `crate::net::helper(x)`, `Self::helper(x)`, `Server::helper(x)`) or on `self` (`self.helper(x)`); the finding is reported at the sink, with the chain of calls and the tool it started from. Not followed: trait methods, closures, functions called through macros or function pointers, other crates (a library called from its binary by the crate's name included), glob-imported names, and methods of receivers other than `self`; calls into the platform's `UrlFetcher`, `FileOps` and `CodeExecutor`, or into a `platform` module, are where the checks happen and are not followed either. Input stored in `self` or a global is not seen. The program must be visible: a literal in `Command::new(..)` at the head of the chain, or a local bound from one in the same function. A program that is not a literal is MCP409's finding, and shells (`sh -c`) are MCP409's too, so this rule does not repeat them. `--` is only seen as an earlier `.arg(\"--\")` in the same call chain. Writing input to a child's stdin is reported only in files that start an interpreter. Engine limits (wasmtime fuel or epochs, `StoreLimits`, rhai's `set_max_operations`) are looked for anywhere in the same file, not on the same engine value.",
    summary: "Tool input run as code outside the platform's `CodeExecutor`: a tool parameter passed as an argument (or written to stdin) of an interpreter started with `std::process::Command`/`tokio::process::Command` (`python3`, `node`, `ruby`, `perl`, `php`, `deno`, `awk`, …); as a warning, tool input as an argument of another program without a `--` before it, and a `wasmtime::Store` or `rhai::Engine` built without execution limits.",
    why: "Code a model writes runs with the server's rights: it can read the server's credentials and files, reach the internal network and keep running forever. `CodeExecutor` runs it as an unprivileged user, in its own namespaces under a seccomp filter, with a scratch directory, CPU, memory and wall-clock limits, and at most a few at a time. Arguments to other programs are a smaller risk — option injection (`--output=/etc/cron.d/x`) rather than code — so they are a warning, silenced by a `--` before the input. Embedded engines without fuel or operation limits let one `loop {}` take a core for good.\n\nThe catalogue said \"interpreters via `Command` with code args\"; this rule decides \"code\" by data flow (the argument carries tool input) rather than by flag (`-c`, `-e`), since `python3 script.py <input>` and `node -e <input>` are both the model's choice of what runs when the input reaches them.",
    example: "#[tool]\nasync fn run_python(&self, Parameters(p): Parameters<RunParams>) -> Result<String, ToolError> {\n    let out = tokio::process::Command::new(\"python3\").arg(\"-c\").arg(&p.code).output().await?;\n    Ok(String::from_utf8_lossy(&out.stdout).into_owned())\n}",
    fix: "Run untrusted code through the platform: `self.state().executor()?.run(program, args, stdin)`. For another program, put `.arg(\"--\")` before the input so it is never read as an option. Give embedded engines fuel or epoch deadlines (`Config::consume_fuel`, `Store::set_fuel`, `StoreLimits`) or `Engine::set_max_operations`.",
};

/// Programs that run their arguments (or stdin) as code; shells are MCP409's.
const INTERPRETERS: &[&str] = &[
    "python",
    "pypy",
    "node",
    "nodejs",
    "deno",
    "bun",
    "ruby",
    "irb",
    "perl",
    "php",
    "lua",
    "luajit",
    "rscript",
    "julia",
    "tclsh",
    "wish",
    "osascript",
    "jshell",
    "groovy",
    "scala",
    "elixir",
    "erl",
    "awk",
    "gawk",
    "mawk",
    "nawk",
];

/// The interpreter a program names: `/usr/bin/python3.12` → `python`.
fn interpreter(program: &str) -> Option<&'static str> {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base
        .strip_suffix(".exe")
        .unwrap_or(base)
        .to_ascii_lowercase();
    let stem = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    INTERPRETERS.iter().copied().find(|i| *i == stem)
}

fn is_command_new(name: &str) -> bool {
    name == "Command::new" || name.ends_with("process::Command::new")
}

pub fn unsandboxed_code_exec(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    // Cheap first: no `Command`, no wasmtime `Store`, no rhai `Engine`, nothing to check.
    if !["Command", "Store", "Engine"]
        .iter()
        .any(|w| file.text.contains(w))
    {
        return;
    }
    let all_calls = calls(file);
    flow_part(file, &Seeds::Tools, starts_interpreter(all_calls), out);
    for call in all_calls.iter().filter(|c| !c.method) {
        let (engine, limits): (&str, &[&str]) = match call.name.as_str() {
            "wasmtime::Store::new" => (
                "wasmtime::Store",
                &[
                    "consume_fuel",
                    "set_fuel",
                    "epoch_interruption",
                    "set_epoch_deadline",
                    "limiter",
                ],
            ),
            "rhai::Engine::new" => ("rhai::Engine", &["set_max_operations"]),
            _ => continue,
        };
        if !limits.iter().any(|l| file.text.contains(l)) {
            let mut d = file.diagnostic(
                &UNSANDBOXED_CODE_EXEC,
                call.span,
                format!(
                    "`{engine}` built without execution limits ({})",
                    limits.join(", ")
                ),
            );
            d.severity = Severity::Warning;
            out.push(d);
        }
    }
}

/// Whether the file starts an interpreter (`Command::new("python3")`), whose stdin then runs
/// what is written to it.
fn starts_interpreter(all_calls: &[crate::lint::rules::tools::Call]) -> bool {
    all_calls.iter().any(|c| {
        !c.method
            && is_command_new(&c.name)
            && c.args
                .first()
                .and_then(literal)
                .is_some_and(|p| interpreter(&p).is_some())
    })
}

/// The interpreters and programs input reaches, walking from `seeds`.
pub(super) fn flow_sinks(file: &SourceFile, seeds: &Seeds, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("Command") {
        return;
    }
    flow_part(file, seeds, starts_interpreter(calls(file)), out);
}

fn flow_part(
    file: &SourceFile,
    seeds: &Seeds,
    starts_interpreter: bool,
    out: &mut Vec<Diagnostic>,
) {
    each_call(
        file,
        seeds,
        |_, _| false,
        |flow, expr| {
            let syn::Expr::MethodCall(m) = expr else {
                return;
            };
            let method = m.method.to_string();
            if matches!(method.as_str(), "arg" | "args") && m.args.len() == 1 {
                let Some(program) = command_program(flow, &m.receiver) else {
                    return;
                };
                let Some(input) = flow.taint(&m.args[0]) else {
                    return;
                };
                match interpreter(&program) {
                Some(i) => out.push(
                    file.diagnostic(
                        &UNSANDBOXED_CODE_EXEC,
                        m.args[0].span(),
                        format!("tool input `{input}` is run by `{i}` outside the CodeExecutor sandbox"),
                    )
                    .with_help("run model-supplied code through the platform's CodeExecutor (`self.state().executor()?.run(program, args, stdin)`)"),
                ),
                None if !SHELLS.contains(&program.as_str()) && !after_end_of_options(&m.receiver) => {
                    let mut d = file
                        .diagnostic(
                            &UNSANDBOXED_CODE_EXEC,
                            m.args[0].span(),
                            format!("tool input `{input}` is an argument of `{program}` with no `--` before it: it can pass options"),
                        )
                        .with_help("put `.arg(\"--\")` before the input, or run it through the platform's CodeExecutor");
                    d.severity = Severity::Warning;
                    out.push(d);
                }
                None => {}
            }
            } else if method == "write_all"
                && starts_interpreter
                && m.args.len() == 1
                && mentions_stdin(&m.receiver)
                && let Some(input) = flow.taint(&m.args[0])
            {
                out.push(
                file.diagnostic(
                    &UNSANDBOXED_CODE_EXEC,
                    m.args[0].span(),
                    format!("tool input `{input}` is written to an interpreter's stdin outside the CodeExecutor sandbox"),
                )
                .with_help("run model-supplied code through the platform's CodeExecutor (`self.state().executor()?.run(program, args, stdin)`)"),
            );
            }
        },
    );
}

const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "fish",
    "cmd",
    "cmd.exe",
    "powershell",
    "pwsh",
    "/bin/sh",
    "/bin/bash",
];

/// The literal program of the `Command` a method chain starts from, directly or through a local.
fn command_program(flow: &Flow, receiver: &syn::Expr) -> Option<String> {
    if let Some(call) = root_call_expr(receiver) {
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        return is_command_new(&flow.file.resolve(&p.path))
            .then(|| call.args.first().and_then(literal))
            .flatten();
    }
    let local = root_local(receiver)?;
    is_command_new(flow.origin(&local)?)
        .then(|| flow.origin_literal(&local).map(str::to_string))
        .flatten()
}

/// Whether an earlier `.arg("--")` in the same chain ends the program's options.
fn after_end_of_options(mut receiver: &syn::Expr) -> bool {
    while let syn::Expr::MethodCall(m) = receiver {
        if m.method == "arg" && m.args.first().and_then(literal).as_deref() == Some("--") {
            return true;
        }
        receiver = &m.receiver;
    }
    false
}

/// `child.stdin.take()…`, `stdin`: a write to a child's standard input.
fn mentions_stdin(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(i) if i == "stdin") || mentions_stdin(&f.base)
        }
        syn::Expr::MethodCall(m) => m.method == "stdin" || mentions_stdin(&m.receiver),
        syn::Expr::Path(p) => p.path.is_ident("stdin"),
        syn::Expr::Reference(r) => mentions_stdin(&r.expr),
        syn::Expr::Paren(p) => mentions_stdin(&p.expr),
        syn::Expr::Try(t) => mentions_stdin(&t.expr),
        syn::Expr::Await(a) => mentions_stdin(&a.base),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::interpreter;

    #[test]
    fn interpreters_are_named_with_paths_and_versions() {
        assert_eq!(interpreter("/usr/bin/python3.12"), Some("python"));
        assert_eq!(interpreter("node"), Some("node"));
        assert_eq!(interpreter("python.exe"), Some("python"));
        assert_eq!(interpreter("grep"), None);
        assert_eq!(interpreter("sh"), None);
    }
}
