//! MCP0xx: the tool surface against the MCP specification.

mod duplicate_tool_name;
mod invalid_tool_name;
mod missing_tool_description;
mod tool_name_too_long;
mod undocumented_parameter;

pub use duplicate_tool_name::{DUPLICATE_TOOL_NAME, duplicate_tool_name};
pub use invalid_tool_name::{INVALID_TOOL_NAME, invalid_tool_name, invalid_tool_name_surface};
pub use missing_tool_description::{
    MISSING_TOOL_DESCRIPTION, missing_tool_description, missing_tool_description_surface,
};
pub use tool_name_too_long::{TOOL_NAME_TOO_LONG, tool_name_too_long, tool_name_too_long_surface};
pub use undocumented_parameter::{
    UNDOCUMENTED_PARAMETER, undocumented_parameter, undocumented_parameter_surface,
};
