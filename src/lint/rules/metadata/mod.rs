//! MCP6xx: tool-metadata poisoning — text that clients hand to models (descriptions, titles,
//! parameter docs, instructions) carrying hidden characters or instructions aimed at the model.

mod cross_tool_instruction;
mod dynamic_metadata;
mod hidden_unicode;
mod instruction_markup;
mod model_directed_imperatives;
mod overlong_metadata;
mod sensitive_reference;
mod tool_surface_drift;

pub use cross_tool_instruction::{
    CROSS_TOOL_INSTRUCTION, cross_tool_instruction, cross_tool_instruction_surface,
};
pub use dynamic_metadata::{DYNAMIC_METADATA, dynamic_metadata, dynamic_metadata_surface};
pub use overlong_metadata::{OVERLONG_METADATA, overlong_metadata, overlong_metadata_surface};
pub use sensitive_reference::{
    SENSITIVE_REFERENCE, sensitive_reference, sensitive_reference_surface,
};
pub use tool_surface_drift::TOOL_SURFACE_DRIFT;

pub use hidden_unicode::{HIDDEN_UNICODE, hidden_unicode, hidden_unicode_surface};
pub use instruction_markup::{INSTRUCTION_MARKUP, instruction_markup, instruction_markup_surface};
pub use model_directed_imperatives::{
    MODEL_DIRECTED_IMPERATIVES, model_directed_imperatives, model_directed_imperatives_surface,
};

use super::RuleMeta;
use crate::error::CliError;

/// Checks text that `new` or `add` is about to write into metadata (a description, a
/// parameter's doc) with the rules `lint` applies to it, so generated and added code lints clean
/// by construction. `what` names the option (`--description`).
pub fn check_metadata_text(what: &str, text: &str) -> Result<(), CliError> {
    type Judge = fn(&str) -> Option<String>;
    let rules: [(&'static RuleMeta, Judge); 4] = [
        (&HIDDEN_UNICODE, hidden_unicode::judge),
        (&INSTRUCTION_MARKUP, instruction_markup::judge),
        (
            &MODEL_DIRECTED_IMPERATIVES,
            model_directed_imperatives::judge,
        ),
        (&SENSITIVE_REFERENCE, sensitive_reference::judge),
    ];
    for (rule, judge) in rules {
        if let Some(message) = judge(text) {
            return Err(refusal(what, rule, &message));
        }
    }
    Ok(())
}

/// [`check_metadata_text`] for the description of one new item named `name` (as clients see
/// it): also MCP605, which tells the item's own name from other tools'.
pub fn check_description(what: &str, name: &str, text: &str) -> Result<(), CliError> {
    check_metadata_text(what, text)?;
    match cross_tool_instruction::judge(name, text) {
        Some(message) => Err(refusal(what, &CROSS_TOOL_INSTRUCTION, &message)),
        None => Ok(()),
    }
}

/// The error for text that `rule` would report, with the rule's fix as help.
pub fn refusal(what: &str, rule: &RuleMeta, message: &str) -> CliError {
    CliError::usage(format!(
        "{what} would fail `mcpforge lint`: {message} ({} {})",
        rule.code, rule.name
    ))
    .with_help(rule.fix)
}
