//! Answers to a template's questions: parsing flag values, validating them, filling defaults, and
//! asking the rest through a [`Prompter`] when (and only when) the caller supplies one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Manifest, Question, QuestionKind, Validation};
use crate::error::CliError;

/// One answer: text for `string` and `choice` questions, a bool for `bool` ones, the chosen
/// values (in the order the question lists them) for `multi` ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

/// The text form of an answer, as flags and `--set` take it: a list is comma-separated (and
/// empty for none), so the text form parses back to the same answer.
impl std::fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnswerValue::Bool(b) => write!(f, "{b}"),
            AnswerValue::Text(s) => f.write_str(s),
            AnswerValue::List(values) => f.write_str(&values.join(",")),
        }
    }
}

impl AnswerValue {
    /// The values an answer selects among a question's choices: one for a `choice` answer, any
    /// number for a `multi` one, none for other kinds.
    pub fn selected(&self) -> Vec<&str> {
        match self {
            AnswerValue::Text(s) => vec![s.as_str()],
            AnswerValue::List(values) => values.iter().map(String::as_str).collect(),
            AnswerValue::Bool(_) => Vec::new(),
        }
    }
}

/// A complete set of answers for one template, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, AnswerValue>);

impl Answers {
    pub fn get(&self, key: &str) -> Option<&AnswerValue> {
        self.0.get(key)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.0.get(key) {
            Some(AnswerValue::Text(s)) => Some(s),
            _ => None,
        }
    }
}

/// Asks a question interactively. `mcpforge new` passes one only when stdin is a terminal.
pub trait Prompter {
    fn ask(
        &self,
        question: &Question,
        default: Option<&AnswerValue>,
    ) -> anyhow::Result<AnswerValue>;
}

/// Builds the answers: flags first, then (for what is left) the prompter if there is one,
/// otherwise the defaults. `directory_name` feeds questions with `default_from_directory`.
pub fn resolve_answers(
    manifest: &Manifest,
    given: &[(String, String)],
    directory_name: Option<&str>,
    prompter: Option<&dyn Prompter>,
) -> anyhow::Result<Answers> {
    for (key, _) in given {
        if manifest.question(key).is_none() {
            let known: Vec<String> = manifest
                .questions
                .iter()
                .map(|q| format!("--{}", q.key))
                .collect();
            return Err(CliError::usage(format!(
                "`--{key}` is not an option of template `{}`",
                manifest.name
            ))
            .with_help(format!("its options are: {}", known.join(", ")))
            .into());
        }
    }
    let mut answers = BTreeMap::new();
    // Values of later multi questions that earlier answers imply: (question, value, because).
    let mut implied: Vec<(&str, &str, String)> = Vec::new();
    for q in &manifest.questions {
        let must_have: Vec<(&str, &str)> = implied
            .iter()
            .filter(|(key, _, _)| *key == q.key)
            .map(|(_, value, because)| (*value, because.as_str()))
            .collect();
        let value = match given.iter().rev().find(|(k, _)| *k == q.key) {
            Some((_, raw)) => parse_answer(q, raw)?,
            None => {
                let default =
                    default_for(q, directory_name).map(|d| with_implied(q, d, &must_have));
                match prompter {
                    Some(prompter) => {
                        // Never offer a default that would be refused (a directory `Bad Dir`).
                        let default = default.filter(|d| check_answer(q, d).is_ok());
                        let value = prompter.ask(q, default.as_ref())?;
                        check_answer(q, &value)?;
                        value
                    }
                    None => {
                        let value = default.ok_or_else(|| {
                            CliError::usage(format!("no value for `--{}`", q.key))
                                .with_help(format!("pass `--{} <{}>`", q.key, q.key.to_uppercase()))
                        })?;
                        check_answer(q, &value).map_err(|e| {
                            match (&value, q.default_from_directory) {
                                (AnswerValue::Text(dir), true) => CliError::usage(format!(
                                    "the directory name `{dir}` cannot be the default `--{}`: {}",
                                    q.key,
                                    e.message.split(": ").last().unwrap_or_default()
                                ))
                                .with_help(format!(
                                    "pass `--{} <{}>` explicitly",
                                    q.key,
                                    q.key.to_uppercase()
                                )),
                                _ => e,
                            }
                        })?;
                        value
                    }
                }
            }
        };
        check_implied(q, &value, &must_have)?;
        if let AnswerValue::Text(picked) = &value
            && let Some(choice) = q.choices.iter().find(|c| &c.value == picked)
        {
            for (key, value) in choice.implied() {
                implied.push((key, value, format!("--{} {picked}", q.key)));
            }
        }
        answers.insert(q.key.clone(), value);
    }
    Ok(Answers(answers))
}

/// A multi question's default with the values earlier answers imply added, each with the
/// values it requires, in the question's order.
fn with_implied(q: &Question, default: AnswerValue, must_have: &[(&str, &str)]) -> AnswerValue {
    let AnswerValue::List(mut picked) = default else {
        return default;
    };
    let mut wanted: Vec<&str> = must_have.iter().map(|(value, _)| *value).collect();
    while let Some(value) = wanted.pop() {
        if picked.iter().any(|p| p == value) {
            continue;
        }
        picked.push(value.to_string());
        if let Some(choice) = q.choices.iter().find(|c| c.value == value) {
            wanted.extend(choice.requires.iter().map(String::as_str));
        }
    }
    in_question_order(q, |v| picked.iter().any(|p| p == v))
}

/// The question's choices that `picked` selects, in the question's order, once each: `b,a,a`
/// and `a,b` are the same answer.
fn in_question_order(q: &Question, picked: impl Fn(&str) -> bool) -> AnswerValue {
    AnswerValue::List(
        q.choices
            .iter()
            .filter(|c| picked(&c.value))
            .map(|c| c.value.clone())
            .collect(),
    )
}

/// Refuses a multi answer that lacks a value an earlier answer implies.
fn check_implied(
    q: &Question,
    value: &AnswerValue,
    must_have: &[(&str, &str)],
) -> Result<(), CliError> {
    let AnswerValue::List(picked) = value else {
        return Ok(());
    };
    let Some((missing, because)) = must_have
        .iter()
        .find(|(value, _)| !picked.iter().any(|p| p == value))
    else {
        return Ok(());
    };
    let AnswerValue::List(fixed) = with_implied(q, value.clone(), must_have) else {
        unreachable!("with_implied keeps a list a list")
    };
    Err(CliError::usage(format!(
        "`{because}` needs `{missing}` in `--{key}` (only what `--{key}` lists is compiled in)",
        key = q.key
    ))
    .with_help(format!("add it: `--{} {}`", q.key, fixed.join(","))))
}

fn default_for(q: &Question, directory_name: Option<&str>) -> Option<AnswerValue> {
    if q.default_from_directory {
        directory_name.map(|d| AnswerValue::Text(d.to_string()))
    } else {
        q.default.clone()
    }
}

/// Parses a flag's text into an answer of the question's kind and validates it.
pub fn parse_answer(q: &Question, raw: &str) -> Result<AnswerValue, CliError> {
    let value = match q.kind {
        QuestionKind::Bool => match raw {
            "true" => AnswerValue::Bool(true),
            "false" => AnswerValue::Bool(false),
            _ => {
                return Err(CliError::usage(format!(
                    "`--{}` takes true or false, not `{raw}`",
                    q.key
                )));
            }
        },
        QuestionKind::String | QuestionKind::Choice => AnswerValue::Text(raw.to_string()),
        QuestionKind::Multi => {
            let picked: Vec<&str> = raw
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            if let Some(unknown) = picked
                .iter()
                .find(|v| !q.choices.iter().any(|c| c.value == **v))
            {
                return Err(not_a_choice(q, unknown));
            }
            // The question's order, once each: `b,a,a` and `a,b` render the same bytes.
            in_question_order(q, |v| picked.contains(&v))
        }
    };
    check_answer(q, &value)?;
    Ok(value)
}

/// Validates an answer against its question (kind, choices, validation rule).
pub fn check_answer(q: &Question, value: &AnswerValue) -> Result<(), CliError> {
    match (q.kind, value) {
        (QuestionKind::Bool, AnswerValue::Bool(_)) => Ok(()),
        (QuestionKind::Choice, AnswerValue::Text(v)) => {
            if q.choices.iter().any(|c| &c.value == v) {
                Ok(())
            } else {
                Err(not_a_choice(q, v))
            }
        }
        (QuestionKind::Multi, AnswerValue::List(picked)) => {
            if let Some(unknown) = picked
                .iter()
                .find(|v| !q.choices.iter().any(|c| &c.value == *v))
            {
                return Err(not_a_choice(q, unknown));
            }
            for choice in q.choices.iter().filter(|c| picked.contains(&c.value)) {
                let missing: Vec<&str> = choice
                    .requires
                    .iter()
                    .filter(|r| !picked.contains(r))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    let with: Vec<&str> = q
                        .choices
                        .iter()
                        .map(|c| c.value.as_str())
                        .filter(|v| picked.iter().any(|p| p == v) || missing.contains(v))
                        .collect();
                    return Err(CliError::usage(format!(
                        "`--{key}` value `{}` needs {}",
                        choice.value,
                        quoted_list(&missing),
                        key = q.key
                    ))
                    .with_help(format!(
                        "add {}: `--{} {}`",
                        if missing.len() == 1 { "it" } else { "them" },
                        q.key,
                        with.join(",")
                    )));
                }
            }
            Ok(())
        }
        (QuestionKind::String, AnswerValue::Text(v)) => match q.validate {
            Some(Validation::PackageName) => validate_package_name(v).map_err(|why| {
                CliError::usage(format!(
                    "`{}` cannot be used as the project name: {why}",
                    v.escape_debug()
                ))
                    .with_help("use lowercase letters, digits and `-`, starting with a letter, e.g. `weather-mcp`; pass it with --name")
            }),
            Some(Validation::InstallSource) => validate_install_source(v).map_err(|why| {
                CliError::usage(format!("`--{}` {why}", q.key)).with_help(
                    "use `crates-io`, `registry:<name>` (a registry in .cargo/config.toml), \
                     `git+https://<host>/<repository>` (installed with `--tag v<version>`) or an \
                     archive URL such as \
                     `https://<host>/mcpforge/v{version}/mcpforge-{target}.tar.gz` \
                     (with `<URL>.sha256` beside it, as mcpforge's releases have)",
                )
            }),
            Some(Validation::SingleLine) | None => validate_single_line(v)
                .map_err(|why| {
                    CliError::usage(format!("`--{}` {why}", q.key))
                        .with_help("one line of plain text, at most 200 characters")
                })
                .and_then(|()| {
                    crate::lint::rules::metadata::check_metadata_text(&format!("`--{}`", q.key), v)
                }),
        },
        _ => Err(CliError::usage(format!("`--{}` got a value of the wrong kind", q.key))),
    }
}

fn not_a_choice(q: &Question, value: &str) -> CliError {
    let values: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
    let help = match q.kind {
        QuestionKind::Multi => format!(
            "choose any of: {} (comma-separated; `--{} ''` for none)",
            values.join(", "),
            q.key
        ),
        _ => format!("choose one of: {}", values.join(", ")),
    };
    CliError::usage(format!("`{value}` is not a valid `--{}`", q.key)).with_help(help)
}

/// `a`, `a` and `b`, `a`, `b` and `c`: for messages.
fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

fn validate_single_line(v: &str) -> Result<(), &'static str> {
    if v.trim().is_empty() {
        Err("must not be empty")
    } else if v.chars().any(char::is_control) {
        Err("must be one line without control characters")
    } else if v.chars().count() > 200 {
        Err("must be at most 200 characters")
    } else {
        Ok(())
    }
}

/// Checks where a generated project's CI gets mcpforge (the `mcpforge-source` answer); the value
/// is written into a workflow, so it is held to plain URL characters. Returns why a bad one is bad.
///
/// - `crates-io`: `cargo install --locked mcpforge@<version>`;
/// - `registry:<name>`: the same from the Cargo registry `<name>` the project configures;
/// - `git+https://…` or `git+ssh://…`: `cargo install --locked --git <URL> --tag v<version>`;
/// - `https://…{version}…`: a release archive laid out as mcpforge's own release workflow builds
///   it (`mcpforge-<target>.tar.gz` holding `mcpforge-<target>/mcpforge`, its SHA-256 in
///   `<URL>.sha256`); `{target}` becomes the runner's Rust target triple.
pub fn validate_install_source(v: &str) -> Result<(), String> {
    const MAX: usize = 300;
    if v == "crates-io" {
        return Ok(());
    }
    if v.len() > MAX {
        return Err(format!("is {} characters long (at most {MAX})", v.len()));
    }
    let url_char =
        |c: char| c.is_ascii_alphanumeric() || "-._~:/@%+=&?,".contains(c) || c == '{' || c == '}';
    if let Some(bad) = v.chars().find(|c| !url_char(*c)) {
        return Err(match bad {
            ' ' => "contains a space".into(),
            c => format!(
                "contains `{}`, which a URL here cannot have",
                c.escape_debug()
            ),
        });
    }
    // Host and path of a `scheme://host/path` URL, both non-empty.
    let has_host_and_path = |rest: &str| {
        rest.split_once('/')
            .is_some_and(|(host, path)| !host.is_empty() && !path.is_empty())
    };
    if let Some(registry) = v.strip_prefix("registry:") {
        let cargo_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if registry.is_empty() || !registry.chars().all(cargo_name) {
            return Err(
                "takes a Cargo registry name after `registry:` (letters, digits, `-` and `_`)"
                    .into(),
            );
        }
        return Ok(());
    }
    if let Some(url) = v.strip_prefix("git+") {
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("ssh://"))
        else {
            return Err("takes a git URL as `git+https://…` or `git+ssh://…`".into());
        };
        if v.contains(['{', '}']) {
            return Err(
                "is a git URL, which takes no `{…}` placeholders (the tag is v<version>)".into(),
            );
        }
        if !has_host_and_path(rest) {
            return Err("needs a host and a repository path after `git+…://`".into());
        }
        return Ok(());
    }
    let Some(rest) = v.strip_prefix("https://") else {
        return Err(if v.starts_with("http://") {
            "must use https:// (a binary fetched over plain HTTP can be swapped in transit)".into()
        } else {
            format!(
                "must be `crates-io`, `registry:<name>`, a `git+` URL or an https:// archive URL, \
                 not `{}`",
                v.escape_debug()
            )
        });
    };
    if !has_host_and_path(rest) {
        return Err("needs a host and a path after `https://`".into());
    }
    let mut placeholders = v.split('{').skip(1);
    if let Some(bad) = placeholders.find_map(|part| match part.split_once('}') {
        Some(("version" | "target", _)) => None,
        Some((name, _)) => Some(format!("has an unknown placeholder `{{{name}}}`")),
        None => Some("has a `{` without its `}`".into()),
    }) {
        return Err(format!("{bad} (it knows `{{version}}` and `{{target}}`)"));
    }
    if v.matches('}').count() != v.matches('{').count() {
        return Err("has a `}` without its `{`".into());
    }
    if !v.contains("{version}") {
        return Err(
            "needs `{version}` in the URL, so the pinned version is the one installed".into(),
        );
    }
    if !v.ends_with(".tar.gz") {
        return Err(
            "must name a `.tar.gz` archive (the Linux archive of a release, which CI runs on)"
                .into(),
        );
    }
    Ok(())
}

/// Rust's strict and reserved keywords, which Cargo refuses as package names.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `word` is a Rust keyword (strict or reserved), unusable as a plain identifier.
pub(crate) fn is_rust_keyword(word: &str) -> bool {
    RUST_KEYWORDS.contains(&word)
}

/// Names Cargo or the toolchain reserve: standard crates, build-directory names and Windows
/// device names (a package called `con` cannot be checked out on Windows).
const RESERVED: &[&str] = &[
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
    "proc-macro",
    "proc_macro",
    "std",
    "test",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// Checks a project name: a Cargo package name that also makes a clean binary name and
/// environment-variable prefix. Returns why a bad name is bad.
pub fn validate_package_name(name: &str) -> Result<(), String> {
    let Some(first) = name.chars().next() else {
        return Err("it is empty".into());
    };
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(match bad {
            ' ' => "it contains a space".into(),
            c => format!("it contains `{c}` (only ASCII letters, digits, `-` and `_` are allowed)"),
        });
    }
    if !first.is_ascii_alphabetic() {
        return Err(if first.is_ascii_digit() {
            "it starts with a digit".into()
        } else {
            format!("it starts with `{first}` (it must start with a letter)")
        });
    }
    if name.len() > 64 {
        return Err(format!(
            "it is {} characters long (crates.io allows 64)",
            name.len()
        ));
    }
    let lower = name.to_ascii_lowercase();
    if is_rust_keyword(name) {
        return Err("it is a Rust keyword".into());
    }
    if RESERVED.contains(&lower.as_str()) {
        return Err("it is reserved by Cargo, the standard library or Windows".into());
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(
            "it contains uppercase letters (Cargo package names are lowercase by convention)"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Manifest;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
name = "t"
version = "0.1.0"
description = "d"
[[question]]
key = "name"
prompt = "Name?"
help = "h"
kind = "string"
validate = "package-name"
default_from_directory = true
[[question]]
key = "metrics"
prompt = "Metrics?"
help = "h"
kind = "bool"
default = true
"#,
        )
        .unwrap()
    }

    #[test]
    fn flags_override_defaults_and_directory_names_feed_the_name() {
        let m = manifest();
        let a = resolve_answers(&m, &[], Some("weather"), None).unwrap();
        assert_eq!(a.text("name"), Some("weather"));
        assert_eq!(a.get("metrics"), Some(&AnswerValue::Bool(true)));
        let given = [
            ("metrics".to_string(), "false".to_string()),
            ("name".into(), "w2".into()),
        ];
        let a = resolve_answers(&m, &given, Some("weather"), None).unwrap();
        assert_eq!(a.text("name"), Some("w2"));
        assert_eq!(a.get("metrics"), Some(&AnswerValue::Bool(false)));
    }

    #[test]
    fn install_sources_are_crates_io_a_git_url_or_a_pinned_https_archive() {
        for ok in [
            "crates-io",
            "registry:acme-platform",
            "registry:acme_2",
            "git+https://git.example.com/platform/mcpforge.git",
            "git+ssh://git@git.example.com/platform/mcpforge",
            "https://releases.example.com/mcpforge/v{version}/mcpforge-{target}.tar.gz",
            "https://github.com/o/mcpforge/releases/download/v{version}/mcpforge-{target}.tar.gz",
            "https://cdn.example.com/mcpforge-{version}-x86_64.tar.gz",
        ] {
            validate_install_source(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for (bad, why) in [
            ("crates.io", "must be `crates-io`"),
            ("", "must be `crates-io`"),
            ("registry:", "a Cargo registry name"),
            ("registry:acme.corp", "a Cargo registry name"),
            (
                "git+file:///srv/mcpforge",
                "`git+https://…` or `git+ssh://…`",
            ),
            ("git+https://", "needs a host and a repository path"),
            ("git+https://h/r/{version}", "takes no `{…}` placeholders"),
            ("http://h/mcpforge-{version}.tar.gz", "must use https://"),
            ("https://h/mcpforge.tar.gz", "needs `{version}`"),
            (
                "https://h/v{version}/mcpforge-{target}.zip",
                "`.tar.gz` archive",
            ),
            (
                "https://h/v{version}/mcpforge-{arch}.tar.gz",
                "unknown placeholder `{arch}`",
            ),
            ("https://h/v{version/m.tar.gz", "without its `}`"),
            ("https://h/v}{version}/m.tar.gz", "a `}` without its `{`"),
            ("https://h/v {version}/m.tar.gz", "contains a space"),
            ("https://h/{version}.tar.gz;rm", "contains `;`"),
            ("https://h/$(id)/{version}.tar.gz", "contains `$`"),
            ("https://h/\"{version}.tar.gz", "contains `\\\"`"),
            ("https://h/{version}.tar.gz#x", "contains `#`"),
        ] {
            let err = validate_install_source(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        let long = format!("https://h/{}/{{version}}.tar.gz", "a".repeat(300));
        assert!(
            validate_install_source(&long)
                .unwrap_err()
                .contains("at most 300")
        );
    }

    #[test]
    fn unknown_options_and_bad_names_are_usage_errors() {
        let m = manifest();
        let err =
            resolve_answers(&m, &[("auth".into(), "jwt".into())], Some("x"), None).unwrap_err();
        let cli = err.downcast_ref::<CliError>().unwrap();
        assert_eq!(cli.exit_code(), 2);
        assert!(cli.help.as_deref().unwrap().contains("--metrics"));
        let err = resolve_answers(&m, &[], Some("My Server"), None).unwrap_err();
        assert!(format!("{err:#}").contains("contains a space"), "{err:#}");
    }

    #[test]
    fn package_names_are_checked_like_cargo_does() {
        for (name, why) in [
            ("1bad", "starts with a digit"),
            ("my server", "contains a space"),
            ("fn", "Rust keyword"),
            ("self", "Rust keyword"),
            ("std", "reserved"),
            ("con", "reserved"),
            ("", "empty"),
            ("café", "contains `é`"),
            ("Weather", "uppercase"),
            ("-x", "must start with a letter"),
        ] {
            let err = validate_package_name(name).unwrap_err();
            assert!(err.contains(why), "{name}: {err}");
        }
        for ok in ["weather", "weather-mcp", "a_b2", "x"] {
            validate_package_name(ok).unwrap();
        }
        assert!(validate_package_name(&"a".repeat(65)).is_err());
    }

    struct Scripted(AnswerValue);
    impl Prompter for Scripted {
        fn ask(&self, _: &Question, _: Option<&AnswerValue>) -> anyhow::Result<AnswerValue> {
            Ok(self.0.clone())
        }
    }

    #[test]
    fn prompted_answers_are_validated_too() {
        let m = Manifest::parse(
            r#"
name = "t"
version = "0.1.0"
description = "d"
[[question]]
key = "name"
prompt = "Name?"
help = "h"
kind = "string"
validate = "package-name"
default = "ok"
"#,
        )
        .unwrap();
        let ok = resolve_answers(
            &m,
            &[],
            None,
            Some(&Scripted(AnswerValue::Text("fine".into()))),
        )
        .unwrap();
        assert_eq!(ok.text("name"), Some("fine"));
        assert!(
            resolve_answers(
                &m,
                &[],
                None,
                Some(&Scripted(AnswerValue::Text("1x".into())))
            )
            .is_err()
        );
    }

    fn features() -> Manifest {
        Manifest::parse(
            r#"
name = "t"
version = "0.1.0"
description = "d"
[[question]]
key = "features"
prompt = "Subsystems?"
help = "h"
kind = "multi"
default = ["http", "metrics"]
choices = [
  { value = "http", help = "Streamable HTTP" },
  { value = "jwt", help = "JWT auth", requires = ["http"] },
  { value = "metrics", help = "Prometheus", requires = ["http"] },
  { value = "fetch", help = "UrlFetcher" },
]
"#,
        )
        .unwrap()
    }

    fn resolve(m: &Manifest, raw: &str) -> Result<AnswerValue, CliError> {
        resolve_answers(m, &[("features".into(), raw.into())], None, None)
            .map(|a| a.get("features").unwrap().clone())
            .map_err(|e| e.downcast::<CliError>().unwrap())
    }

    #[test]
    fn multi_answers_are_lists_in_the_questions_order() {
        let m = features();
        let list = |v: &[&str]| AnswerValue::List(v.iter().map(ToString::to_string).collect());
        let defaults = resolve_answers(&m, &[], None, None).unwrap();
        assert_eq!(defaults.get("features"), Some(&list(&["http", "metrics"])));
        assert_eq!(resolve(&m, "jwt,http").unwrap(), list(&["http", "jwt"]));
        assert_eq!(resolve(&m, " fetch , fetch,").unwrap(), list(&["fetch"]));
        assert_eq!(resolve(&m, "").unwrap(), list(&[]));
        // The text form parses back to the same answer (upgrade re-reads answers this way).
        let answer = resolve(&m, "fetch,jwt,http").unwrap();
        assert_eq!(resolve(&m, &answer.to_string()).unwrap(), answer);
    }

    #[test]
    fn unknown_values_and_missing_requirements_are_usage_errors() {
        let m = features();
        let err = resolve(&m, "http,redis").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(err.message, "`redis` is not a valid `--features`");
        assert_eq!(
            err.help.as_deref(),
            Some(
                "choose any of: http, jwt, metrics, fetch (comma-separated; `--features ''` for none)"
            )
        );
        let err = resolve(&m, "jwt,fetch").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(err.message, "`--features` value `jwt` needs `http`");
        assert_eq!(
            err.help.as_deref(),
            Some("add it: `--features http,jwt,fetch`")
        );
        let wrong_kind = check_answer(m.question("features").unwrap(), &AnswerValue::Bool(true));
        assert!(wrong_kind.is_err());
    }

    struct Picks(Vec<&'static str>);
    impl Prompter for Picks {
        fn ask(&self, _: &Question, _: Option<&AnswerValue>) -> anyhow::Result<AnswerValue> {
            Ok(AnswerValue::List(
                self.0.iter().map(ToString::to_string).collect(),
            ))
        }
    }

    #[test]
    fn prompted_lists_are_checked_for_requirements() {
        let m = features();
        let ok = resolve_answers(&m, &[], None, Some(&Picks(vec!["http", "jwt"]))).unwrap();
        assert_eq!(ok.get("features").unwrap().to_string(), "http,jwt");
        assert!(resolve_answers(&m, &[], None, Some(&Picks(vec!["jwt"]))).is_err());
    }

    /// `auth` before `features`, its `jwt` implying `features=jwt`.
    fn auth_and_features() -> Manifest {
        let text = format!(
            r#"{}
[[question]]
key = "auth"
prompt = "Auth?"
help = "h"
kind = "choice"
default = "none"
choices = [
  {{ value = "none", help = "n" }},
  {{ value = "jwt", help = "j", implies = ["features=jwt"] }},
]
"#,
            "name = \"t\"\nversion = \"0.1.0\"\ndescription = \"d\""
        );
        let features = r#"
[[question]]
key = "features"
prompt = "Subsystems?"
help = "h"
kind = "multi"
default = ["metrics"]
choices = [
  { value = "http", help = "Streamable HTTP" },
  { value = "jwt", help = "JWT auth", requires = ["http"] },
  { value = "metrics", help = "Prometheus" },
]
"#;
        Manifest::parse(&(text + features)).unwrap()
    }

    fn answer(
        m: &Manifest,
        given: &[(&str, &str)],
        prompter: Option<&dyn Prompter>,
    ) -> anyhow::Result<String> {
        let given: Vec<(String, String)> = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve_answers(m, &given, None, prompter).map(|a| a.get("features").unwrap().to_string())
    }

    #[test]
    fn an_implied_value_joins_a_defaulted_answer_with_what_it_requires() {
        let m = auth_and_features();
        assert_eq!(answer(&m, &[], None).unwrap(), "metrics");
        assert_eq!(
            answer(&m, &[("auth", "jwt")], None).unwrap(),
            "http,jwt,metrics"
        );
        assert_eq!(
            answer(&m, &[("auth", "jwt"), ("features", "http,jwt")], None).unwrap(),
            "http,jwt"
        );
    }

    #[test]
    fn a_given_or_prompted_answer_without_an_implied_value_is_refused() {
        let m = auth_and_features();
        let err = answer(&m, &[("auth", "jwt"), ("features", "metrics")], None)
            .unwrap_err()
            .downcast::<CliError>()
            .unwrap();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.message,
            "`--auth jwt` needs `jwt` in `--features` (only what `--features` lists is compiled in)"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("add it: `--features http,jwt,metrics`")
        );
        assert!(answer(&m, &[("auth", "jwt")], Some(&Picks(vec!["metrics"]))).is_err());
        assert!(answer(&m, &[("auth", "jwt")], Some(&Picks(vec!["http", "jwt"]))).is_ok());
    }

    #[test]
    fn implies_must_name_a_choice_of_a_later_multi_question() {
        for implies in ["features", "features=redis", "nothing=jwt"] {
            let text = format!(
                "name = \"t\"\nversion = \"0.1.0\"\ndescription = \"d\"\n[[question]]\nkey = \"auth\"\nprompt = \"p\"\nhelp = \"h\"\nkind = \"choice\"\ndefault = \"jwt\"\nchoices = [{{ value = \"jwt\", help = \"j\", implies = [\"{implies}\"] }}]\n[[question]]\nkey = \"features\"\nprompt = \"p\"\nhelp = \"h\"\nkind = \"multi\"\ndefault = []\nchoices = [{{ value = \"jwt\", help = \"j\" }}]\n"
            );
            let err = Manifest::parse(&text)
                .and_then(|m| m.check(&[]))
                .unwrap_err();
            assert!(
                err.to_string().contains("is not `question=value`"),
                "{implies}: {err}"
            );
        }
    }
}
