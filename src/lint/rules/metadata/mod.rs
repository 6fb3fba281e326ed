//! MCP6xx: tool-metadata poisoning — text that clients hand to models (descriptions, titles,
//! parameter docs, instructions) carrying hidden characters or instructions aimed at the model.

mod hidden_unicode;
mod instruction_markup;
mod model_directed_imperatives;

pub use hidden_unicode::{HIDDEN_UNICODE, hidden_unicode, hidden_unicode_surface};
pub use instruction_markup::{INSTRUCTION_MARKUP, instruction_markup, instruction_markup_surface};
pub use model_directed_imperatives::{
    MODEL_DIRECTED_IMPERATIVES, model_directed_imperatives, model_directed_imperatives_surface,
};
