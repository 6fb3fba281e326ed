//! MCP005 weak-tool-description.

use syn::spanned::Spanned;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static WEAK_TOOL_DESCRIPTION: RuleMeta = RuleMeta {
    code: "MCP005",
    name: "weak-tool-description",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "The description is `description = \"..\"` or else the doc comment, as rmcp takes it. The catalogue asked for fewer than 20 characters; that flags terse but complete descriptions (\"Forecast for a city\" has 19), so the measure is words: fewer than three is too short to say what the tool does to what. A description that is the tool's name in words (`get_weather` → \"Get weather.\") restates it, and TODO, FIXME, TBD or XXX mark a placeholder. A missing description is MCP004's. Whether the description is accurate is not judged.",
    summary: "A tool description too short to say what the tool does (fewer than three words), that only restates the tool's name, or that is a TODO/FIXME placeholder.",
    why: "Models choose tools by their descriptions. \"Search.\" or \"get_weather\" tells the model nothing the name did not; it guesses when to call the tool, with what, and what comes back, and calls the wrong tool when two look alike.",
    example: "/// Search.\n#[tool]\nasync fn search(&self, ..) -> String { .. }",
    fix: "Say what the tool does, to what, when to use it and what it returns, in a sentence or two.",
};

/// Why `description` is weak for a tool named `name`, if it is.
pub fn judge(name: &str, description: &str) -> Option<String> {
    let text = description.trim();
    if text.is_empty() {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    if ["TODO", "FIXME", "TBD", "XXX"].iter().any(|p| {
        upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == *p)
    }) {
        return Some("is a placeholder (TODO/FIXME)".to_string());
    }
    let words = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut current = String::new();
        let mut previous_lower = false;
        for c in s.chars() {
            if !c.is_alphanumeric() {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                previous_lower = false;
                continue;
            }
            // `getWeather` → get, weather
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_lowercase();
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    };
    let said = words(text);
    if said == words(name) {
        return Some(format!("only restates the name `{name}`"));
    }
    if said.len() < 3 {
        return Some(format!(
            "has {} word(s): too short to say what the tool does",
            said.len()
        ));
    }
    None
}

pub fn weak_tool_description(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        let (text, span) = match &tool.description {
            Some((d, span)) if !d.trim().is_empty() => (d.clone(), *span),
            _ => (tool.doc.clone(), tool.func.sig.ident.span()),
        };
        let span = if span.start() == span.end() {
            tool.func.sig.span()
        } else {
            span
        };
        if let Some(why) = judge(&tool.name, &text) {
            out.push(file.diagnostic(
                &WEAK_TOOL_DESCRIPTION,
                span,
                format!("the description of tool `{}` {why}", tool.name),
            ));
        }
    }
}

pub fn weak_tool_description_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for tool in &surface.tools {
        if let Some(why) = judge(&tool.name, tool.description.as_deref().unwrap_or_default()) {
            out.push(surface::diagnostic(
                &WEAK_TOOL_DESCRIPTION,
                "tool",
                &tool.name,
                format!("the description of tool `{}` {why}", tool.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn weak_descriptions() {
        assert!(judge("search", "Search.").is_some());
        assert!(judge("get_weather", "Get weather").is_some());
        assert!(judge("getWeather", "get weather.").is_some());
        assert!(judge("lookup", "TODO: describe").is_some());
        assert!(judge("forecast", "Forecast for a city").is_none());
        assert!(judge("todos", "Lists the open todos of a project.").is_none());
    }
}
