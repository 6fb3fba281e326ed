//! One module per subcommand. Each is thin: it turns arguments into calls to the engines
//! (`template`, `project`, `edit`) and reports through `ui`. Nothing here is reused elsewhere.

pub mod add;
pub mod completions;
pub mod inspect;
pub mod lint;
pub mod new;
pub mod templates;
pub mod upgrade;
