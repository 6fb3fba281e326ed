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

/// Everything needed to render a new tool file.
#[derive(Debug, Clone, Serialize)]
pub struct ToolSpec {
    /// The MCP tool name clients see.
    pub name: String,
    /// The Rust module and function name.
    pub ident: String,
    pub params_struct: String,
    pub description: String,
    pub params: Vec<Param>,
    /// Whether any parameter is required (the wrong-type test needs one).
    pub required: bool,
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
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
        return Err(usage(format!("`{name}` is not a snake_case name")));
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
        Some(d) => d.to_string(),
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

/// Renders a tool file.
pub fn render_tool(spec: &ToolSpec) -> anyhow::Result<String> {
    super::render::render_partial("_items/tool.rs.tera", spec)
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
