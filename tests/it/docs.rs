//! The documentation cannot go stale: every `console` block in `README.md` and `docs/*.md` is run
//! against the built binary and its output compared, and `docs/configuration.md` is generated from
//! the templates' settings tables.
//!
//! A `console` block is a transcript. A line starting with `$ ` is a command; the lines after it,
//! up to the next command, are what it prints (stdout and stderr through one pipe, as a terminal
//! shows them). A `? N` line right after a command is its exit code (default 0). In expected
//! output, `[..]` matches any text within a line, a line `...` any number of lines, and `[ROOT]`
//! stands for the scratch directory the file's blocks run in. Commands are `mcpforge …` (the
//! built binary) and `cd DIR`; the blocks of one file run in order in one scratch directory, so a
//! later block sees what an earlier one created. Blocks of other languages (`sh`, `toml`, …) are
//! illustrations and are not run, but every `--option` they (and inline code spans) show for a
//! `mcpforge` subcommand must exist in its `--help`. Run the [`REFRESH`] command to rewrite
//! blocks whose output changed (then restore any elisions the rewrite replaced).

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::support::repo_root;

const REFRESH: &str = "MCPFORGE_UPDATE_DOCS=1 cargo test --test it docs";

/// `README.md` and the user guide (`docs/rules/` is generated and checked by the lint tests).
fn documents() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.insert(0, root.join("README.md"));
    files
}

/// One command of a transcript, with the line range of its expected output in the document.
#[derive(Debug)]
struct Step {
    line: usize,
    command: String,
    status: i32,
    /// Lines of the document holding the expected output: `[start, end)`.
    output: (usize, usize),
}

/// The transcripts of a document: the steps of every `console` block, in order.
fn transcripts(text: &str) -> Vec<Step> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```console" {
            i += 1;
            continue;
        }
        i += 1;
        while i < lines.len() && !lines[i].starts_with("```") {
            let line = lines[i];
            let command = line
                .strip_prefix("$ ")
                .unwrap_or_else(|| panic!("line {}: a console block starts with `$ `", i + 1));
            let mut step = Step {
                line: i + 1,
                command: command.to_string(),
                status: 0,
                output: (i + 1, i + 1),
            };
            i += 1;
            if let Some(code) = lines.get(i).and_then(|l| l.strip_prefix("? ")) {
                step.status = code.parse().expect("`? N` takes an exit code");
                i += 1;
            }
            let start = i;
            while i < lines.len() && !lines[i].starts_with("```") && !lines[i].starts_with("$ ") {
                i += 1;
            }
            step.output = (start, i);
            steps.push(step);
        }
        i += 1;
    }
    steps
}

/// Runs one command in `cwd` (which `cd` changes); returns its exit code and combined output.
fn run(root: &Path, cwd: &mut PathBuf, command: &str) -> (i32, String) {
    let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split `{command}`"));
    match words.first().map(String::as_str) {
        Some("cd") => {
            *cwd = cwd.join(&words[1]);
            (0, String::new())
        }
        Some("mcpforge") => {
            let (mut reader, writer) = std::io::pipe().unwrap();
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcpforge"))
                .args(&words[1..])
                .current_dir(&*cwd)
                .env("NO_COLOR", "1")
                .env_remove("CLICOLOR_FORCE")
                .env_remove("RUST_BACKTRACE")
                .stdin(Stdio::null())
                .stdout(writer.try_clone().unwrap())
                .stderr(writer)
                .spawn()
                .unwrap();
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).unwrap();
            let status = child.wait().unwrap().code().unwrap_or(-1);
            let out =
                String::from_utf8_lossy(&bytes).replace(&root.display().to_string(), "[ROOT]");
            (status, out)
        }
        _ => panic!("`{command}`: console blocks run `mcpforge` and `cd` only"),
    }
}

/// Whether `actual` fits `expected`, where `expected` may hold `[..]` and `...` lines.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => {
            !actual.is_empty() && line_matches(line, actual[0]) && matches(rest, &actual[1..])
        }
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (n, part) in parts.iter().enumerate() {
        if n + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[test]
fn console_blocks_show_what_mcpforge_prints() {
    let update = std::env::var_os("MCPFORGE_UPDATE_DOCS").is_some();
    let mut failures = String::new();
    let mut ran = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let steps = transcripts(&text);
        if steps.is_empty() {
            continue;
        }
        let name = doc.strip_prefix(repo_root()).unwrap().display().to_string();
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().canonicalize().unwrap();
        let mut cwd = root.clone();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        // Replacements of expected output, applied from the end so line numbers stay valid.
        let mut rewrites: Vec<((usize, usize), Vec<String>)> = Vec::new();
        for step in &steps {
            ran += 1;
            let (status, output) = run(&root, &mut cwd, &step.command);
            let expected: Vec<&str> =
                text.lines().collect::<Vec<_>>()[step.output.0..step.output.1].to_vec();
            let actual: Vec<&str> = output.lines().collect();
            if status == step.status && matches(&expected, &actual) {
                continue;
            }
            if update {
                let mut new = Vec::new();
                if status != 0 {
                    new.push(format!("? {status}"));
                }
                new.extend(actual.iter().map(|l| l.to_string()));
                let start = if step.status != 0 {
                    step.output.0 - 1
                } else {
                    step.output.0
                };
                rewrites.push(((start, step.output.1), new));
                continue;
            }
            let diff = similar::TextDiff::from_lines(&expected.join("\n"), &actual.join("\n"))
                .unified_diff()
                .header("documented", "actual")
                .to_string();
            let _ = writeln!(
                failures,
                "{name}:{}: `$ {}` exited {status} (documented: {})\n{diff}",
                step.line, step.command, step.status
            );
        }
        if update && !rewrites.is_empty() {
            for ((start, end), new) in rewrites.into_iter().rev() {
                lines.splice(start..end, new);
            }
            std::fs::write(&doc, lines.join("\n") + "\n").unwrap();
        }
    }
    assert!(ran > 0, "no console block found in the docs");
    assert!(
        failures.is_empty(),
        "documented output differs from what mcpforge prints; fix the docs or run {REFRESH}\n\n{failures}"
    );
}

#[test]
fn the_matcher_understands_elisions() {
    assert!(matches(&["a [..] c"], &["a b b c"]));
    assert!(matches(&["a", "...", "z"], &["a", "b", "c", "z"]));
    assert!(matches(&["a", "...", "z"], &["a", "z"]));
    assert!(matches(&["[..]"], &["anything"]));
    assert!(!matches(&["a [..] c"], &["a b d"]));
    assert!(!matches(&["a"], &["a", "b"]));
    assert!(!matches(&["a", "..."], &["b"]));
}

/// One row of the configuration reference.
struct SettingDoc {
    key: String,
    default: String,
    help: String,
    /// The template question whose answer becomes the default, if the default is templated.
    answer: Option<String>,
}

/// The settings of a template: its `SETTINGS` table, read from a render with default answers
/// (so the table is real Rust) and from the template source (to tell which defaults are answers).
fn settings_of(template: &mcpforge::template::Template) -> Vec<SettingDoc> {
    let given = [("name".to_string(), "weather".to_string())];
    let answers =
        mcpforge::template::resolve_answers(&template.manifest, &given, None, None).unwrap();
    let rendered = mcpforge::template::render(template, &answers).unwrap();
    let config = rendered
        .files
        .get("src/platform/config.rs")
        .unwrap_or_else(|| panic!("template {} has no src/platform/config.rs", template.name()));
    let file = syn::parse_file(std::str::from_utf8(config).unwrap()).unwrap();
    let table = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "SETTINGS" => Some(&*c.expr),
            _ => None,
        })
        .unwrap_or_else(|| panic!("template {}: no `const SETTINGS`", template.name()));
    let syn::Expr::Reference(reference) = table else {
        panic!("SETTINGS is not `&[...]`")
    };
    let syn::Expr::Array(array) = &*reference.expr else {
        panic!("SETTINGS is not `&[...]`")
    };
    let source_dir = repo_root().join("templates").join(template.name());
    let source = ["src/platform/config.rs", "src/platform/config.rs.tera"]
        .iter()
        .find_map(|p| std::fs::read_to_string(source_dir.join(p)).ok())
        .unwrap();
    let templated = regex::Regex::new(r#"key: "(\w+)",\s*default: "\{\{ *(\w+) *\}\}""#).unwrap();
    array
        .elems
        .iter()
        .map(|elem| {
            let syn::Expr::Struct(setting) = elem else {
                panic!("a SETTINGS entry is not `Setting {{ .. }}`")
            };
            let field = |name: &str| -> String {
                setting
                    .fields
                    .iter()
                    .find_map(|f| match (&f.member, &f.expr) {
                        (
                            syn::Member::Named(n),
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(s),
                                ..
                            }),
                        ) if n == name => Some(s.value()),
                        _ => None,
                    })
                    .unwrap_or_else(|| panic!("a SETTINGS entry has no string `{name}`"))
            };
            let key = field("key");
            let answer = templated
                .captures_iter(&source)
                .find(|c| c[1] == key)
                .map(|c| c[2].to_string());
            SettingDoc {
                default: field("default"),
                help: field("help"),
                answer,
                key,
            }
        })
        .collect()
}

/// `docs/configuration.md`, generated from every template's settings table.
fn configuration_reference() -> String {
    let mut out = String::from(
        "# Configuration reference\n\n\
         <!-- Generated from the templates' `SETTINGS` tables by\n     \
         `MCPFORGE_UPDATE_DOCS=1 cargo test --test it docs`; edit the templates, not this file. -->\n\n\
         A generated server reads every setting from an environment variable named after the\n\
         project: the package name in upper case with `-` as `_` (`weather-mcp` → `WEATHER_MCP`),\n\
         `_`, and the key. `<PREFIX>` below stands for that prefix. A variable with the prefix that\n\
         is not a setting stops the server at start-up with the list of settings, and so does an\n\
         invalid value. Each project's `.env.example` lists the same settings with their defaults,\n\
         and a test in the project keeps it in sync with the code (`src/platform/config.rs`).\n\
         [platform.md](platform.md) explains how the settings work together.\n",
    );
    for template in mcpforge::template::all() {
        let settings = settings_of(template);
        let _ = write!(
            out,
            "\n## Template `{}` ({}): {} settings\n\n| variable | default | meaning |\n|---|---|---|\n",
            template.name(),
            template.version(),
            settings.len()
        );
        for s in settings {
            let default = match (&s.answer, s.default.is_empty()) {
                (Some(answer), _) => format!("`{}` (the `--{answer}` answer of `new`)", s.default),
                (None, true) => "(empty)".to_string(),
                (None, false) => format!("`{}`", s.default),
            };
            let _ = writeln!(
                out,
                "| `<PREFIX>_{}` | {} | {} |",
                s.key,
                default.replace('|', "\\|"),
                s.help.replace('|', "\\|")
            );
        }
    }
    out
}

#[test]
fn configuration_reference_is_generated_from_the_settings_tables() {
    let path = repo_root().join("docs/configuration.md");
    let expected = configuration_reference();
    if std::env::var_os("MCPFORGE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let diff = similar::TextDiff::from_lines(&actual, &expected)
            .unified_diff()
            .context_radius(1)
            .header(
                "docs/configuration.md (committed)",
                "docs/configuration.md (generated)",
            )
            .to_string();
        panic!("docs/configuration.md is stale; run {REFRESH}\n\n{diff}");
    }
}

/// The `--help` text of `mcpforge <words>`.
fn help_of(words: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mcpforge"))
        .args(words)
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mcpforge {} --help failed",
        words.join(" ")
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every mcpforge command the docs show without output (synopses, `sh` blocks, inline code):
/// each line or code span that starts a `mcpforge <subcommand>` command.
fn illustrated_commands(text: &str) -> Vec<(usize, String)> {
    let inline = regex::Regex::new(r"`(mcpforge [^`]+)`").unwrap();
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut continued = false;
    for (n, line) in text.lines().enumerate() {
        if let Some(rest) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(rest.trim().to_string()),
            };
            continued = false;
            continue;
        }
        match fence.as_deref() {
            Some("console") => {}
            Some(_) => {
                let code = line.split(" # ").next().unwrap();
                if let Some(at) = code.find("mcpforge ") {
                    out.push((n + 1, code[at..].trim_end().to_string()));
                    continued = true;
                } else if continued && line.starts_with(' ') {
                    // A synopsis continued on an indented line.
                    let (_, last) = out.last_mut().unwrap();
                    last.push(' ');
                    last.push_str(code.trim());
                } else {
                    continued = false;
                }
            }
            None => out.extend(
                inline
                    .captures_iter(line)
                    .map(|c| (n + 1, c[1].to_string())),
            ),
        }
    }
    out
}

/// Options the docs show for a command exist in its `--help`: a renamed or removed flag fails
/// here even where the docs show no output.
#[test]
fn documented_options_exist() {
    const SUBCOMMANDS: &[&str] = &[
        "new",
        "add",
        "lint",
        "upgrade",
        "inspect",
        "mcp",
        "templates",
        "completions",
    ];
    let flag = regex::Regex::new(r"(?:^|[\s\[|(])(--[a-z][a-z0-9-]*)").unwrap();
    let quoted = regex::Regex::new(r#""[^"]*""#).unwrap();
    let mut helps: std::collections::BTreeMap<String, String> = Default::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let name = doc.strip_prefix(repo_root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&doc).unwrap();
        for (line, command) in illustrated_commands(&text) {
            let words: Vec<&str> = command.split_whitespace().collect();
            // The subcommand: the first word after `mcpforge` and its global options.
            let mut i = 1;
            while i < words.len() && words[i].starts_with('-') {
                i += if words[i] == "-C" { 2 } else { 1 };
            }
            let Some(&sub) = words.get(i).filter(|w| SUBCOMMANDS.contains(w)) else {
                continue;
            };
            let kind = words
                .get(i + 1)
                .map(|k| k.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|k| sub == "add" && ["tool", "resource", "prompt"].contains(k));
            let path: Vec<&str> = [sub].into_iter().chain(kind).collect();
            let key = path.join(" ");
            let help = helps.entry(key.clone()).or_insert_with(|| {
                if key == "add" {
                    // `add tool|resource|prompt` synopses: any kind's options.
                    ["tool", "resource", "prompt"]
                        .iter()
                        .map(|k| help_of(&["add", k]))
                        .collect()
                } else {
                    help_of(&path)
                }
            });
            // A quoted argument (a server command for `inspect`) is not this command's option.
            let unquoted = quoted.replace_all(&command, "\"\"");
            for cap in flag.captures_iter(&unquoted) {
                checked += 1;
                let option = &cap[1];
                let known = help.match_indices(option).any(|(at, _)| {
                    !help[at + option.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                });
                if !known {
                    failures.push(format!(
                        "{name}:{line}: `{option}` is not an option of `mcpforge {key}` (in `{command}`)"
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} documented options found");
    eprintln!("{checked} documented options checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
