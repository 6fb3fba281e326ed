//! Items that `mcpforge add` creates inside an existing project (tools for now), rendered from
//! the shared partials in `templates/_items/` with the same tera engine as whole projects.

use serde::Serialize;

use crate::error::CliError;

/// Where a template keeps one kind of item, from `[items.<kind>]` in `template.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemLayout {
    /// The folder holding one file per item.
    pub dir: String,
    /// The registry file `add` edits.
    pub registry: String,
}

/// The Rust paths the item partials write, which differ between a template's layouts (`[layout]`
/// in `template.toml`). A manifest without the table is a version from before the platform was
/// its own crate, so the defaults are that layout's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItemPaths {
    /// The path of the platform's modules (`errors`, `resources`, …).
    pub platform: String,
    /// The module holding the test `Harness` bound to this server.
    pub testing: String,
    /// The type a resource's `router()` returns.
    pub resource_router: String,
    /// The module of the request context (`Context`: progress, cancellation, client logging);
    /// `None` in versions without one.
    pub context: Option<String>,
    /// The module of questions to the client (`Elicited`); `None` in versions without it.
    pub input: Option<String>,
    /// The module of tasks (`runs_as_task`); `None` in versions without it.
    pub tasks: Option<String>,
}

impl Default for ItemPaths {
    fn default() -> Self {
        Self {
            platform: "crate::platform".into(),
            testing: "crate::platform::harness".into(),
            resource_router: "ResourceRouter".into(),
            context: None,
            input: None,
            tasks: None,
        }
    }
}

/// Everything needed to render a new tool file.
#[derive(Debug, Clone, Serialize)]
pub struct ToolSpec {
    /// The MCP tool name clients see.
    pub name: String,
    /// The Rust module and function name.
    pub ident: String,
    pub params_struct: String,
    /// The form an `--elicit` tool asks the user to fill in.
    pub confirm_struct: String,
    pub description: String,
    pub params: Vec<Param>,
    /// Whether any parameter is required (the wrong-type test needs one).
    pub required: bool,
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
    /// The tool takes the request context and reports progress.
    pub progress: bool,
    /// The tool asks the user to confirm before acting.
    pub elicit: bool,
    /// The tool runs as a task.
    pub task: bool,
}

/// One tool parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub rust_type: String,
    pub optional: bool,
    pub description: String,
    /// A JSON value of the right type, for the generated test.
    pub sample: String,
}

/// Crates every Rust file can name without a dependency; a module of the same name shadows them.
pub const BUILTIN_CRATES: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];

/// Inherent methods of every generated `Server`, in every layout (so that an item added today
/// still compiles after an upgrade), and `clone`, which platform code calls with method syntax:
/// a tool or prompt method of the same name would not compile. (`ServerHandler` methods such as
/// `ping` are fine: rmcp calls them through the trait.)
pub const SERVER_METHODS: &[&str] = &[
    "clone",
    "new",
    "services",
    "settings",
    "state",
    "with_tools",
];

/// Most clients accept tool names up to this length; the spec allows 128.
pub const TOOL_NAME_SOFT_LIMIT: usize = 64;

/// Checks an MCP tool name (1–128 of `A-Z a-z 0-9 _ - .`) and derives its Rust identifier.
pub fn tool_ident(name: &str) -> Result<String, CliError> {
    let usage = |why: String| {
        CliError::usage(format!("`{name}` cannot be a tool name: {why}"))
            .with_help("tool names are 1 to 128 characters of A-Z a-z 0-9 _ - . and start with a letter, e.g. `get_forecast`")
    };
    if name.is_empty() || name.len() > 128 {
        return Err(usage(format!("it is {} characters long", name.len())));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(usage(format!("it contains `{c}`")));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(usage(
            "it must start with a letter (it also names a Rust module)".into(),
        ));
    }
    let ident = snake_case(name);
    if super::answers::is_rust_keyword(&ident) {
        return Err(usage(format!("`{ident}` is a Rust keyword")));
    }
    let taken = if BUILTIN_CRATES.contains(&ident.as_str()) {
        Some(format!(
            "a module `{ident}` would shadow the `{ident}` crate"
        ))
    } else if SERVER_METHODS.contains(&ident.as_str()) {
        Some(format!(
            "`{ident}` is a method every generated server already has"
        ))
    } else {
        None
    };
    if let Some(why) = taken {
        return Err(
            CliError::usage(format!("`{name}` cannot be a tool name: {why}"))
                .with_help(format!("choose another name, e.g. `{ident}_tool`")),
        );
    }
    Ok(ident)
}

/// `getForecast.v2` → `get_forecast_v2`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower_or_digit {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else if matches!(c, '-' | '.' | '_') {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower_or_digit = false;
        } else {
            out.push(c);
            prev_lower_or_digit = true;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// `get_forecast` → `GetForecast`.
pub fn pascal_case(ident: &str) -> String {
    ident
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The parameter types `--param` accepts: (spellings, Rust type, sample JSON value).
const PARAM_TYPES: &[(&[&str], &str, &str)] = &[
    (&["string", "str", "String"], "String", "\"example\""),
    (&["int", "integer", "i64"], "i64", "1"),
    (&["i32"], "i32", "1"),
    (&["u32"], "u32", "1"),
    (&["u64"], "u64", "1"),
    (&["float", "number", "f64"], "f64", "1.5"),
    (&["f32"], "f32", "1.5"),
    (&["bool", "boolean"], "bool", "true"),
];

/// Parses `--param name:type[?][:description]`; `type[]` or `Vec<type>` makes a list.
pub fn parse_param(spec: &str) -> Result<Param, CliError> {
    let usage = |why: String| {
        CliError::usage(format!("invalid --param `{spec}`: {why}"))
            .with_help("write name:type, name:type? (optional) or name:type:description; types: string, int, float, bool, and lists as string[]")
    };
    let mut parts = spec.splitn(3, ':');
    let name = parts.next().unwrap_or_default().trim();
    let Some(ty) = parts.next().map(str::trim) else {
        return Err(usage("it has no `:type`".into()));
    };
    let description = parts.next().map(str::trim).filter(|d| !d.is_empty());
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        if let Some(bare) = name.strip_suffix('?') {
            return Err(CliError::usage(format!(
                "invalid --param `{spec}`: `?` goes after the type"
            ))
            .with_help(format!("write `{bare}:{ty}?` for an optional parameter")));
        }
        return Err(usage(format!("`{name}` is not a snake_case name")));
    }
    if name == "_" {
        return Err(usage("`_` is not a name Rust accepts for a field".into()));
    }
    if super::answers::is_rust_keyword(name) {
        return Err(usage(format!("`{name}` is a Rust keyword")));
    }
    let (ty, optional) = match ty.strip_suffix('?') {
        Some(t) => (t.trim(), true),
        None => (ty, false),
    };
    let (element, list) = if let Some(inner) = ty.strip_suffix("[]") {
        (inner, true)
    } else if let Some(inner) = ty.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
        (inner.trim(), true)
    } else {
        (ty, false)
    };
    let Some((_, rust, sample)) = PARAM_TYPES
        .iter()
        .find(|(names, ..)| names.contains(&element))
    else {
        return Err(usage(format!("unknown type `{ty}`")));
    };
    let (mut rust_type, mut sample) = (rust.to_string(), sample.to_string());
    if list {
        rust_type = format!("Vec<{rust_type}>");
        sample = format!("[{sample}]");
    }
    if optional {
        rust_type = format!("Option<{rust_type}>");
    }
    let description = match description {
        Some(d) if d.chars().any(char::is_control) => {
            return Err(usage("the description must be one line".into()));
        }
        Some(d) => {
            crate::lint::rules::metadata::check_metadata_text(&format!("`--param {name}`"), d)?;
            d.to_string()
        }
        None => format!(
            "The `{name}` parameter{}.",
            if optional { " (optional)" } else { "" }
        ),
    };
    Ok(Param {
        name: name.to_string(),
        rust_type,
        optional,
        description,
        sample,
    })
}

/// Everything needed to render a new resource file.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceSpec {
    pub name: String,
    pub ident: String,
    pub description: String,
    /// A fixed URI, or a URI template when `vars` is not empty.
    pub uri: String,
    /// The template's variables, in order, with their types.
    pub vars: Vec<UriVar>,
    /// The struct the reader gets the variables in (`<Name>Vars`).
    pub vars_struct: String,
    /// A URI the template matches, for the generated test.
    pub example_uri: String,
    /// A URI the template matches whose first typed (not string) variable does not parse, for
    /// the generated test of invalid params; `None` when every variable is a string.
    pub invalid_uri: Option<String>,
    /// The start of the message `invalid_uri` is refused with (`` `n` must be``).
    pub invalid_message: Option<String>,
    /// Whether any variable has a completer.
    pub completes: bool,
    pub mime: String,
}

/// One variable of a URI template: `{name}`, typed with `--var name:type`.
#[derive(Debug, Clone, Serialize)]
pub struct UriVar {
    /// The name in the template (and in `completion/complete`).
    pub name: String,
    /// The field of the variables struct: the name, or `r#name` for a keyword.
    pub field: String,
    pub rust_type: String,
    /// What a value must be, for the error message (`an integer`).
    pub expected: String,
    /// What the variable holds, for the field's doc comment.
    pub description: String,
    /// A value that parses, for the generated test.
    pub sample: String,
    /// A value that does not parse (unless the type is a string), for the generated test.
    pub wrong: String,
    /// Whether `--complete` asked for a completer.
    pub complete: bool,
    /// The completer function's name (`complete_<name>`).
    pub completer: String,
    /// The completer's placeholder suggestions (distinct first characters).
    pub candidates: Vec<String>,
    /// What the generated test types: the first character of the first suggestion.
    pub prefix: String,
}

/// Everything needed to render a new prompt file.
#[derive(Debug, Clone, Serialize)]
pub struct PromptSpec {
    pub name: String,
    pub ident: String,
    pub args_struct: String,
    pub description: String,
    pub args: Vec<PromptArg>,
    pub required: bool,
    /// Whether any argument has a completer.
    pub completes: bool,
}

/// One prompt argument (prompt arguments are always strings).
#[derive(Debug, Clone, Serialize)]
pub struct PromptArg {
    pub name: String,
    pub optional: bool,
    pub description: String,
    /// Whether `--complete` asked for a completer.
    pub complete: bool,
    /// The completer function's name (`complete_<name>`).
    pub completer: String,
}

/// Checks a resource URI or URI template and returns its variables: `scheme://…` with
/// RFC 6570 level-1 `{var}` expansions only (what the platform's matcher serves: each variable
/// one non-empty value without `/`, between literals), each variable a distinct snake_case name
/// that can be a Rust field (keywords become raw identifiers; `self`, `Self`, `super` and `crate`
/// cannot).
pub fn parse_uri(uri: &str, template: bool) -> Result<Vec<String>, CliError> {
    let usage = |why: String| {
        CliError::usage(format!("invalid resource URI `{uri}`: {why}"))
            .with_help("write scheme://path, e.g. docs://handbook, or with --template a URI template of {variables}: weather://{city}/today")
    };
    let Some((scheme, rest)) = uri.split_once("://") else {
        return Err(usage("it has no `scheme://`".into()));
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(usage(format!("`{scheme}` is not a URI scheme")));
    }
    if rest.is_empty()
        || uri.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | '\\' | '<' | '>' | '^' | '`' | '|')
        })
    {
        return Err(usage(
            "it needs a path without spaces, quotes, backslashes or any of < > ^ ` |".into(),
        ));
    }
    let mut vars: Vec<String> = Vec::new();
    let mut remaining = rest;
    while let Some(open) = remaining.find('{') {
        if remaining[..open].contains('}') {
            return Err(usage("a `}` has no `{`".into()));
        }
        let close = remaining[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| usage("a `{` is not closed".into()))?;
        let var = &remaining[open + 1..close];
        if open == 0 && !vars.is_empty() {
            let previous = vars.last().map_or("", String::as_str);
            return Err(CliError::usage(format!(
                "invalid resource URI `{uri}`: `{{{previous}}}{{{var}}}` has no text between the two variables"
            ))
            .with_help("separate variables with literal text, e.g. `{a}/{b}` or `{a}-{b}`: a reader could not tell where one value ends"));
        }
        check_uri_var(uri, var)?;
        if vars.iter().any(|v| v == var) {
            return Err(usage(format!("`{{{var}}}` appears twice")));
        }
        vars.push(var.to_string());
        remaining = &remaining[close + 1..];
    }
    if remaining.contains('}') {
        return Err(usage("a `}` has no `{`".into()));
    }
    match (template, vars.is_empty()) {
        (true, true) => Err(usage(
            "a URI template needs at least one {variable}; use --uri for a fixed URI".into(),
        )),
        (false, false) => Err(usage("it has {variables}: pass it with --template".into())),
        _ => Ok(vars),
    }
}

/// Checks the inside of one `{…}` of a URI template: a level-1 expansion of one variable.
fn check_uri_var(uri: &str, var: &str) -> Result<(), CliError> {
    let refuse = |why: String, help: String| {
        Err(CliError::usage(format!("invalid resource URI `{uri}`: {why}")).with_help(help))
    };
    let level1 = "mcpforge templates use RFC 6570 level 1 only: `{name}`, one variable per braces";
    if var.is_empty() {
        return refuse("`{}` has no variable name".into(), level1.into());
    }
    if let Some(op) = var.chars().next().filter(|c| "+#./;?&=,!@|".contains(*c)) {
        return refuse(
            format!("`{{{var}}}` uses the operator `{op}` (RFC 6570 level 2 and up)"),
            format!("{level1}; write the literal text around it, e.g. `?q={{q}}` for a query"),
        );
    }
    if var.contains('{') {
        return refuse("a `{` is not closed".into(), level1.into());
    }
    if var.contains(',') {
        return refuse(
            format!("`{{{var}}}` lists several variables"),
            format!(
                "{level1}: write `{}`",
                var.split(',')
                    .map(|v| format!("{{{}}}", v.trim()))
                    .collect::<Vec<_>>()
                    .join("/")
            ),
        );
    }
    if let Some((name, modifier)) = var.split_once(':') {
        let help = if modifier.chars().all(|c| c.is_ascii_digit()) {
            format!("{level1}: prefix modifiers are level 4; write `{{{name}}}`")
        } else {
            format!(
                "types are given apart from the template: write `{{{name}}}` and pass --var {name}:{modifier}"
            )
        };
        return refuse(format!("`{{{var}}}` is not a level-1 expansion"), help);
    }
    if let Some(name) = var.strip_suffix('*') {
        return refuse(
            format!("`{{{var}}}` uses the explode modifier (RFC 6570 level 4)"),
            format!("{level1}: write `{{{name}}}`"),
        );
    }
    let snake = var.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && var
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake || var == "_" {
        return refuse(
            format!("`{{{var}}}` is not a snake_case variable"),
            "variables become fields of the reader's typed struct: lowercase letters, digits and \
             `_`, starting with a letter or `_`, e.g. `{city}` or `{day_2}`"
                .into(),
        );
    }
    if UNRAW_KEYWORDS.contains(&var) {
        return refuse(
            format!("`{{{var}}}` cannot name a Rust field (`{var}` is a keyword)"),
            "choose another variable name, e.g. `{item}`".into(),
        );
    }
    Ok(())
}

/// Keywords that cannot be raw identifiers either (`r#self` is not Rust).
const UNRAW_KEYWORDS: &[&str] = &["self", "super", "crate", "Self"];

/// The Rust field for variable `name`: `r#type` for a keyword.
fn field_name(name: &str) -> String {
    if super::answers::is_rust_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The variable types `--var` accepts: (spellings, Rust type, what a value must be, samples
/// (the generated test uses the first that does not contain the literal after the variable),
/// placeholder suggestions with distinct first characters).
type VarType = (
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const VAR_TYPES: &[VarType] = &[
    (
        &["string", "str", "String"],
        "String",
        "text",
        &["example", "sample", "q"],
        &["example", "sample"],
    ),
    (
        &["int", "integer", "i64"],
        "i64",
        "an integer",
        &["1", "2", "3"],
        &["1", "2", "3"],
    ),
    (
        &["i32"],
        "i32",
        "a 32-bit integer",
        &["1", "2", "3"],
        &["1", "2", "3"],
    ),
    (
        &["u32"],
        "u32",
        "a whole number from 0 to 4294967295",
        &["1", "2", "3"],
        &["1", "2", "3"],
    ),
    (
        &["u64"],
        "u64",
        "a whole number from 0",
        &["1", "2", "3"],
        &["1", "2", "3"],
    ),
    (
        &["float", "number", "f64"],
        "f64",
        "a number",
        &["1.5", "2.5", "3"],
        &["1.5", "2.5"],
    ),
    (
        &["f32"],
        "f32",
        "a number",
        &["1.5", "2.5", "3"],
        &["1.5", "2.5"],
    ),
    (
        &["bool", "boolean"],
        "bool",
        "true or false",
        &["true", "false"],
        &["true", "false"],
    ),
];

/// Values the generated test reads a typed variable with, refused as the wrong type.
const WRONG_VALUES: &[&str] = &["oops", "x", "nope"];

/// The literal text right after `{name}` in `uri` (empty at the end).
fn literal_after<'a>(uri: &'a str, name: &str) -> &'a str {
    let marker = format!("{{{name}}}");
    let after = uri.find(&marker).map_or("", |at| &uri[at + marker.len()..]);
    &after[..after.find('{').unwrap_or(after.len())]
}

/// The first of `values` that does not contain `literal` (which would cut the value short
/// where the platform matches the literal).
fn value_without<'a>(values: &[&'a str], literal: &str) -> &'a str {
    values
        .iter()
        .find(|v| literal.is_empty() || !v.contains(literal))
        .unwrap_or(&values[0])
}

/// Parses `--var name:type[:description]`: the type of template variable `{name}` (string
/// when not given).
pub fn parse_var(spec: &str) -> Result<(String, String, Option<String>), CliError> {
    let types = "string, int, float, bool (or Rust spellings such as u32)";
    let usage = |why: String| {
        CliError::usage(format!("invalid --var `{spec}`: {why}")).with_help(format!(
            "write name:type or name:type:description for the template's {{name}}; types: {types}"
        ))
    };
    let mut parts = spec.splitn(3, ':');
    let name = parts.next().unwrap_or_default().trim();
    let Some(ty) = parts.next().map(str::trim) else {
        return Err(usage("it has no `:type`".into()));
    };
    let description = parts.next().map(str::trim).filter(|d| !d.is_empty());
    if name.is_empty() {
        return Err(usage("it has no variable name".into()));
    }
    let Some((_, rust, ..)) = VAR_TYPES.iter().find(|(names, ..)| names.contains(&ty)) else {
        let why = if ty.ends_with('?') || ty.ends_with("[]") || ty.starts_with("Vec<") {
            format!("`{ty}`: a template variable is one value and always present")
        } else {
            format!("unknown type `{ty}`")
        };
        return Err(usage(why));
    };
    if let Some(d) = description {
        if d.chars().any(char::is_control) {
            return Err(usage("the description must be one line".into()));
        }
        crate::lint::rules::metadata::check_metadata_text(&format!("`--var {name}`"), d)?;
    }
    Ok((
        name.to_string(),
        (*rust).to_string(),
        description.map(str::to_string),
    ))
}

/// Completer function names for `names`, in order: `complete_<name>` without runs of `_`
/// (which rustc does not call snake case), numbered when two would collide.
pub fn completer_names(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let collapsed: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
        let mut candidate = if collapsed.is_empty() {
            format!("complete_{}", i + 1)
        } else {
            format!("complete_{}", collapsed.join("_"))
        };
        if out.contains(&candidate) {
            candidate = format!("{candidate}_{}", i + 1);
        }
        out.push(candidate);
    }
    out
}

/// The typed variables of a URI template: `vars` in template order, typed by `--var` specs
/// (string when not given), `complete` naming those that get a completer.
pub fn uri_vars(
    uri: &str,
    vars: &[String],
    typed: &[String],
    complete: &[String],
) -> Result<Vec<UriVar>, CliError> {
    let mut types: Vec<(String, String, Option<String>)> = Vec::new();
    for spec in typed {
        let (name, rust, description) = parse_var(spec)?;
        if !vars.contains(&name) {
            return Err(not_a_variable("--var", &name, uri, vars));
        }
        if types.iter().any(|(n, ..)| *n == name) {
            return Err(CliError::usage(format!("--var `{name}` is given twice"))
                .with_help("give each variable's type once"));
        }
        types.push((name, rust, description));
    }
    for (i, name) in complete.iter().enumerate() {
        if !vars.contains(name) {
            return Err(not_a_variable("--complete", name, uri, vars));
        }
        if complete[..i].contains(name) {
            return Err(
                CliError::usage(format!("--complete `{name}` is given twice"))
                    .with_help("name each variable once"),
            );
        }
    }
    let names: Vec<&str> = vars.iter().map(String::as_str).collect();
    let completers = completer_names(&names);
    Ok(vars
        .iter()
        .zip(completers)
        .map(|(name, completer)| {
            let given = types.iter().find(|(n, ..)| n == name);
            let rust = given.map_or("String", |(_, r, _)| r.as_str());
            let (_, _, expected, samples, candidates) = VAR_TYPES
                .iter()
                .find(|(_, r, ..)| *r == rust)
                .expect("a type of the table");
            UriVar {
                name: name.clone(),
                field: field_name(name),
                rust_type: rust.to_string(),
                expected: (*expected).to_string(),
                description: given
                    .and_then(|(.., d)| d.clone())
                    .unwrap_or_else(|| format!("`{{{name}}}` in the URI.")),
                sample: value_without(samples, literal_after(uri, name)).to_string(),
                wrong: value_without(WRONG_VALUES, literal_after(uri, name)).to_string(),
                complete: complete.contains(name),
                completer,
                candidates: candidates.iter().map(|c| (*c).to_string()).collect(),
                prefix: candidates[0][..1].to_string(),
            }
        })
        .collect())
}

fn not_a_variable(option: &str, name: &str, uri: &str, vars: &[String]) -> CliError {
    let known = vars
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    CliError::usage(format!(
        "{option} `{name}`: `{uri}` has no variable `{{{name}}}`"
    ))
    .with_help(format!("its variables are {known}"))
}

/// Checks a MIME type such as `text/markdown`.
pub fn check_mime(mime: &str) -> Result<(), CliError> {
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    // type/subtype, then optional `; name=value` parameters (RFC 6838), e.g. charset=utf-8.
    let mut parts = mime.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let valid = essence
        .split_once('/')
        .is_some_and(|(a, b)| token(a) && token(b))
        && parts.all(|p| {
            p.trim()
                .split_once('=')
                .is_some_and(|(name, value)| token(name) && token(value))
        });
    if valid {
        Ok(())
    } else {
        Err(CliError::usage(format!("`{}` is not a MIME type", mime.escape_debug()))
            .with_help("write type/subtype, e.g. text/markdown, application/json or text/plain; charset=utf-8"))
    }
}

/// Parses `--arg name`, `name?` (optional) or `name:description` / `name?:description`.
pub fn parse_prompt_arg(spec: &str) -> Result<PromptArg, CliError> {
    let (head, description) = match spec.split_once(':') {
        Some((h, d)) => (h.trim(), Some(d.trim()).filter(|d| !d.is_empty())),
        None => (spec.trim(), None),
    };
    let (name, optional) = match head.strip_suffix('?') {
        Some(n) => (n, true),
        None => (head, false),
    };
    if super::answers::is_rust_keyword(name) || name == "_" {
        let why = if name == "_" {
            "`_` is not a name Rust accepts for a field".to_string()
        } else {
            format!("`{name}` is a Rust keyword")
        };
        return Err(CliError::usage(format!("invalid --arg `{spec}`: {why}"))
            .with_help("choose another name; arguments become fields of a Rust struct"));
    }
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(CliError::usage(format!(
            "invalid --arg `{spec}`: `{name}` is not a snake_case name"
        ))
        .with_help("write name, name? (optional) or name:description"));
    }
    if description.is_some_and(|d| d.chars().any(char::is_control)) {
        return Err(CliError::usage(format!(
            "invalid --arg `{spec}`: the description must be one line"
        )));
    }
    if let Some(d) = description {
        crate::lint::rules::metadata::check_metadata_text(&format!("`--arg {name}`"), d)?;
    }
    let description = description.map(str::to_string).unwrap_or_else(|| {
        format!(
            "The `{name}` argument{}.",
            if optional { " (optional)" } else { "" }
        )
    });
    Ok(PromptArg {
        name: name.to_string(),
        optional,
        description,
        complete: false,
        completer: String::new(),
    })
}

/// A spec and the project's layout, as one tera context (`{{ name }}`, `{{ layout.platform }}`).
#[derive(Serialize)]
struct Context<'a, T> {
    #[serde(flatten)]
    spec: &'a T,
    layout: &'a ItemPaths,
}

/// Renders a resource file for a project of `layout`.
pub fn render_resource(spec: &ResourceSpec, layout: &ItemPaths) -> anyhow::Result<String> {
    super::render::render_partial("_items/resource.rs.tera", &Context { spec, layout })
}

/// Renders a prompt file for a project of `layout`.
pub fn render_prompt(spec: &PromptSpec, layout: &ItemPaths) -> anyhow::Result<String> {
    super::render::render_partial("_items/prompt.rs.tera", &Context { spec, layout })
}

/// Renders a tool file for a project of `layout`.
pub fn render_tool(spec: &ToolSpec, layout: &ItemPaths) -> anyhow::Result<String> {
    super::render::render_partial("_items/tool.rs.tera", &Context { spec, layout })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_follow_the_mcp_spec_and_map_to_rust_identifiers() {
        assert_eq!(tool_ident("get_forecast").unwrap(), "get_forecast");
        assert_eq!(tool_ident("getForecast").unwrap(), "get_forecast");
        assert_eq!(tool_ident("weather.get-v2").unwrap(), "weather_get_v2");
        for bad in [
            "",
            "1st",
            "has space",
            "emoji🙂",
            "_x",
            "fn",
            &"a".repeat(129),
        ] {
            assert!(tool_ident(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(tool_ident(&"a".repeat(128)).is_ok());
        assert_eq!(pascal_case("get_forecast_v2"), "GetForecastV2");
    }

    #[test]
    fn uris_and_templates_are_checked() {
        assert_eq!(
            parse_uri("docs://handbook", false).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            parse_uri("weather://{city}/days/{n}", true).unwrap(),
            ["city", "n"]
        );
        for (bad, template) in [
            ("handbook", false),
            ("1x://a", false),
            ("docs://", false),
            ("docs://a b", false),
            ("w://{city}", false),
            ("w://plain", true),
            ("w://{City}", true),
            ("w://{a}/{a}", true),
            ("w://{open", true),
        ] {
            assert!(parse_uri(bad, template).is_err(), "{bad:?} was accepted");
        }
        assert!(check_mime("text/markdown").is_ok());
        assert!(check_mime("markdown").is_err());
    }

    #[test]
    fn template_variables_get_types_samples_and_completer_names() {
        let uri = "w://{a}mp{type}/{n}";
        let names = parse_uri(uri, true).unwrap();
        let vars = uri_vars(
            uri,
            &names,
            &["n:u32:How many".into()],
            &["a".into(), "n".into()],
        )
        .unwrap();
        let a = &vars[0];
        // "example" and "sample" hold the literal `mp` after `{a}`: the matcher would cut them
        // short.
        assert_eq!((a.rust_type.as_str(), a.sample.as_str()), ("String", "q"));
        assert_eq!(vars[1].field, "r#type");
        assert_eq!(
            (vars[2].rust_type.as_str(), vars[2].description.as_str()),
            ("u32", "How many")
        );
        assert!(vars[0].complete && !vars[1].complete && vars[2].complete);
        assert_eq!(
            completer_names(&["_x", "x", "__", "a__b"]),
            ["complete_x", "complete_x_2", "complete_3", "complete_a_b"]
        );
    }

    #[test]
    fn prompt_args_parse_optionality_and_descriptions() {
        let a = parse_prompt_arg("topic?:What to write about").unwrap();
        assert_eq!(
            (a.name.as_str(), a.optional, a.description.as_str()),
            ("topic", true, "What to write about")
        );
        assert!(!parse_prompt_arg("name").unwrap().optional);
        for bad in ["Name", "", "a-b", "fn"] {
            assert!(parse_prompt_arg(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn params_parse_types_optionality_lists_and_descriptions() {
        let p = parse_param("city:string:The city to look up").unwrap();
        assert_eq!(
            (p.rust_type.as_str(), p.optional, p.description.as_str()),
            ("String", false, "The city to look up")
        );
        let p = parse_param("days:int?").unwrap();
        assert_eq!((p.rust_type.as_str(), p.optional), ("Option<i64>", true));
        let p = parse_param("tags:string[]").unwrap();
        assert_eq!(
            (p.rust_type.as_str(), p.sample.as_str()),
            ("Vec<String>", "[\"example\"]")
        );
        assert_eq!(
            parse_param("ids:Vec<u64>?").unwrap().rust_type,
            "Option<Vec<u64>>"
        );
        for bad in [
            "city",
            "City:string",
            "type:string",
            "x:date",
            ":string",
            "a-b:int",
        ] {
            assert!(parse_param(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
