//! One module per subcommand. Each is thin: it turns arguments into calls to the engines
//! (`template`, `project`, `edit`) and reports through `ui`. The operation behind `new`, `add`,
//! `lint` and `upgrade` is a function of its own that prints nothing and returns data, so `mcp`
//! serves exactly what the commands do.

pub mod add;
pub mod completions;
pub mod inspect;
pub mod lint;
pub mod mcp;
pub mod new;
pub mod templates;
pub mod upgrade;
