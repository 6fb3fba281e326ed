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

/// One group of settings: the platform's core, one optional subsystem, or a template's team
/// settings.
struct SettingGroup {
    /// The Cargo feature that compiles the group (`None`: every server).
    feature: Option<String>,
    /// The generated file that declares the table.
    path: String,
    settings: Vec<SettingDoc>,
}

/// A render of `template` with default answers (so every table is real Rust).
fn render_defaults(template: &mcpforge::template::Template) -> mcpforge::template::Rendered {
    let given = [("name".to_string(), "weather".to_string())];
    let answers =
        mcpforge::template::resolve_answers(&template.manifest, &given, None, None).unwrap();
    mcpforge::template::render(template, &answers).unwrap()
}

/// The default answer of a template's `features` question.
fn default_features(template: &mcpforge::template::Template) -> Vec<String> {
    let given = [("name".to_string(), "weather".to_string())];
    let answers =
        mcpforge::template::resolve_answers(&template.manifest, &given, None, None).unwrap();
    match answers.get("features") {
        Some(mcpforge::template::AnswerValue::List(list)) => list.clone(),
        other => panic!("template {}: features answer {other:?}", template.name()),
    }
}

fn text_of(rendered: &mcpforge::template::Rendered, path: &str) -> String {
    let bytes = rendered
        .files
        .get(path)
        .unwrap_or_else(|| panic!("the render has no {path}"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// The entries of a `&[Setting { .. }, ..]` expression. `source` is the template file it was
/// rendered from, to tell which defaults are answers of `new`.
fn settings_in(expr: &syn::Expr, source: &str) -> Vec<SettingDoc> {
    let syn::Expr::Reference(reference) = expr else {
        panic!("SETTINGS is not `&[...]`")
    };
    let syn::Expr::Array(array) = &*reference.expr else {
        panic!("SETTINGS is not `&[...]`")
    };
    let templated =
        regex::Regex::new(r#"key: "(\w+)",\s*default: "\{\{ *(\w+)[^}]*\}\}""#).unwrap();
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
                .captures_iter(source)
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

/// The template source of a rendered file (`x.rs` or `x.rs.tera`) below `templates/`.
fn source_of(folder: &str, path: &str) -> String {
    let dir = repo_root().join("templates").join(folder);
    [path.to_string(), format!("{path}.tera")]
        .iter()
        .find_map(|p| std::fs::read_to_string(dir.join(p)).ok())
        .unwrap_or_else(|| panic!("templates/{folder} has no {path}"))
}

/// The module-level `const SETTINGS` of a file.
fn module_settings(file: &syn::File) -> Option<&syn::Expr> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Const(c) if c.ident == "SETTINGS" => Some(&*c.expr),
        _ => None,
    })
}

/// The platform's settings, by subsystem: the core's table in `config.rs`, then each table that
/// `config::platform_settings()` chains, with the feature that compiles it, in that order. Read
/// from `service`'s render (every template mounts the same platform crate at `platform/`).
fn platform_groups() -> Vec<SettingGroup> {
    let service = mcpforge::template::find("service").unwrap();
    let rendered = render_defaults(service);
    let group = |feature: Option<String>, path: String| {
        let text = text_of(&rendered, &format!("platform/{path}"));
        let file = syn::parse_file(&text).unwrap();
        let table = module_settings(&file)
            .unwrap_or_else(|| panic!("platform/{path} has no `const SETTINGS`"));
        SettingGroup {
            settings: settings_in(table, &source_of("_platform", &path)),
            path: format!("platform/{path}"),
            feature,
        }
    };
    let mut groups = vec![group(None, "src/config.rs".to_string())];
    let config = syn::parse_file(&text_of(&rendered, "platform/src/config.rs")).unwrap();
    let chain = config
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == "platform_settings" => Some(f),
            _ => None,
        })
        .expect("config.rs has no `fn platform_settings`");
    let array = chain
        .block
        .stmts
        .iter()
        .find_map(|stmt| match stmt {
            syn::Stmt::Local(syn::Local {
                init: Some(init), ..
            }) => match &*init.expr {
                syn::Expr::Reference(r) => match &*r.expr {
                    syn::Expr::Array(a) => Some(a),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .expect("platform_settings has no `let subsystems = &[..]`");
    let feature_of = regex::Regex::new(r#"feature = "(\w+)""#).unwrap();
    for elem in &array.elems {
        let syn::Expr::Path(path) = elem else {
            panic!("a subsystem of platform_settings is not a path")
        };
        let cfg = path
            .attrs
            .iter()
            .map(|a| quote::ToTokens::to_token_stream(a).to_string())
            .find_map(|a| feature_of.captures(&a).map(|c| c[1].to_string()))
            .expect("every subsystem's table is behind `#[cfg(feature = \"…\")]`");
        // `crate::auth::jwt::SETTINGS` → `src/auth/jwt.rs` or `src/auth/jwt/mod.rs`.
        let modules: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .filter(|s| s != "crate" && s != "SETTINGS")
            .collect();
        let file = format!("src/{}.rs", modules.join("/"));
        let dir = format!("src/{}/mod.rs", modules.join("/"));
        let path = if rendered.files.contains_key(&format!("platform/{file}")) {
            file
        } else {
            dir
        };
        groups.push(group(Some(cfg), path));
    }
    groups
}

/// A template's team settings: the `SETTINGS` of `impl TeamSettings` in `src/settings.rs`.
fn team_group(template: &mcpforge::template::Template) -> SettingGroup {
    let path = "src/settings.rs";
    let rendered = render_defaults(template);
    let file = syn::parse_file(&text_of(&rendered, path)).unwrap();
    let table = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Impl(i) => i.items.iter().find_map(|item| match item {
                syn::ImplItem::Const(c) if c.ident == "SETTINGS" => Some(&c.expr),
                _ => None,
            }),
            _ => None,
        })
        .unwrap_or_else(|| {
            panic!(
                "template {}: no `const SETTINGS` in {path}",
                template.name()
            )
        });
    SettingGroup {
        feature: None,
        path: path.to_string(),
        settings: settings_in(table, &source_of(template.name(), path)),
    }
}

fn write_table(out: &mut String, settings: &[SettingDoc]) {
    out.push_str("| variable | default | meaning |\n|---|---|---|\n");
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

/// `docs/configuration.md`, generated from the platform's `SETTINGS` tables (one per subsystem)
/// and every template's team settings.
fn configuration_reference() -> String {
    let mut out = String::from(
        "# Configuration reference\n\n\
         <!-- Generated from the platform's and the templates' `SETTINGS` tables by\n     \
         `MCPFORGE_UPDATE_DOCS=1 cargo test --test it docs`; edit the templates, not this file. -->\n\n\
         A generated server reads every setting from an environment variable named after the\n\
         project: the package name in upper case with `-` as `_` (`weather-mcp` → `WEATHER_MCP`),\n\
         `_`, and the key. `<PREFIX>` below stands for that prefix. A variable with the prefix that\n\
         is not a setting of this build stops the server at start-up with the list of settings,\n\
         and so does an invalid value. Each project's `.env.example` lists the same settings with\n\
         their defaults, and a test in the project (`src/testing.rs`) keeps it in sync with the code.\n\
         [platform.md](platform.md) explains how the settings work together.\n\n\
         The platform crate (`platform/`) declares its settings per subsystem: the core's are in\n\
         every server, each optional subsystem's only in a server that compiles its Cargo feature\n\
         (chosen with `mcpforge new --features`, changed with `mcpforge upgrade --set features=…`).\n\
         The team's own settings are in `src/settings.rs` ([platform.md](platform.md#team-settings)).\n",
    );
    let groups = platform_groups();
    out.push_str(
        "\n| template | default features | settings with default answers |\n|---|---|---|\n",
    );
    for template in mcpforge::template::all() {
        let features = default_features(template);
        let platform: usize = groups
            .iter()
            .filter(|g| g.feature.as_ref().is_none_or(|f| features.contains(f)))
            .map(|g| g.settings.len())
            .sum();
        let team = team_group(template).settings.len();
        let shown: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} ({platform} platform, {team} team) |",
            template.name(),
            template.version(),
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            },
            platform + team,
        );
    }
    for group in &groups {
        match &group.feature {
            None => {
                let _ = write!(
                    out,
                    "\n## Core: every server\n\n`{}`, {} settings.\n\n",
                    group.path,
                    group.settings.len()
                );
            }
            Some(feature) => {
                let _ = write!(
                    out,
                    "\n## Feature `{feature}`\n\n`{}`, {} settings.\n\n",
                    group.path,
                    group.settings.len()
                );
            }
        }
        write_table(&mut out, &group.settings);
    }
    for template in mcpforge::template::all() {
        let group = team_group(template);
        let _ = write!(
            out,
            "\n## Team settings of `{}`\n\n`{}` (team-owned: the example; add your own), {} settings.\n\n",
            template.name(),
            group.path,
            group.settings.len()
        );
        write_table(&mut out, &group.settings);
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
