//! MCP601 hidden-unicode.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::metadata_strings;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static HIDDEN_UNICODE: RuleMeta = RuleMeta {
    code: "MCP601",
    name: "hidden-unicode",
    family: Family::Metadata,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "Invisible characters (zero-width, bidirectional controls, Unicode tags) in text that reaches the model.",
    why: "Models read characters people cannot see. Zero-width and tag characters can smuggle instructions into a tool description that reviewers will never notice; bidirectional controls make the text read differently from what it says. rustc's own check only sees raw bidi characters, not `\\u{..}` escapes.",
    example: "/// Adds two numbers.\\u{200B}\\u{E0049}\\u{E0067}..\n#[tool]",
    fix: "Delete the invisible characters; write what the model should know in plain text.",
};

/// Whether `c` is invisible and has no business in tool metadata.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{E0000}'..='\u{E007F}')
}

pub fn hidden_unicode(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for (text, span) in metadata_strings(file) {
        if let Some(message) = judge(text) {
            out.push(file.diagnostic(&HIDDEN_UNICODE, *span, message));
        }
    }
}

pub fn hidden_unicode_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for (kind, name, text) in surface.metadata() {
        if let Some(message) = judge(&text) {
            out.push(surface::diagnostic(&HIDDEN_UNICODE, &kind, &name, message));
        }
    }
}

/// The finding for one metadata text, if any.
pub(super) fn judge(text: &str) -> Option<String> {
    let hidden: Vec<String> = text
        .chars()
        .filter(|c| is_hidden(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    hidden.first().map(|first| {
        format!(
            "metadata text contains {} invisible character(s), first {first}",
            hidden.len()
        )
    })
}
