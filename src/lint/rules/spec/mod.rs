//! MCP0xx: the tool surface against the MCP specification.

mod business_error_as_protocol_error;
mod contradictory_annotations;
mod duplicate_tool_name;
mod invalid_tool_name;
mod missing_tool_description;
mod mutating_tool_without_annotations;
mod non_object_schema;
mod nondeterministic_tool_order;
mod open_world_hint_mismatch;
mod output_schema_contract;
mod sensitive_param_as_header;
mod tool_name_too_long;
mod undocumented_parameter;
pub(crate) mod weak_tool_description;

pub use business_error_as_protocol_error::{
    BUSINESS_ERROR_AS_PROTOCOL_ERROR, business_error_as_protocol_error,
};
pub use contradictory_annotations::{CONTRADICTORY_ANNOTATIONS, contradictory_annotations};
pub use mutating_tool_without_annotations::{
    MUTATING_TOOL_WITHOUT_ANNOTATIONS, mutating_tool_without_annotations,
};
pub use non_object_schema::{
    NON_OBJECT_INPUT_SCHEMA, NON_OBJECT_OUTPUT_SCHEMA, non_object_input_schema,
    non_object_output_schema,
};
pub use nondeterministic_tool_order::{
    NONDETERMINISTIC_TOOL_ORDER, nondeterministic_tool_order, nondeterministic_tool_order_surface,
};
pub use open_world_hint_mismatch::{OPEN_WORLD_HINT_MISMATCH, open_world_hint_mismatch};
pub use output_schema_contract::{OUTPUT_SCHEMA_CONTRACT, output_schema_contract};
pub use sensitive_param_as_header::{SENSITIVE_PARAM_AS_HEADER, sensitive_param_as_header};
pub use weak_tool_description::{
    WEAK_TOOL_DESCRIPTION, weak_tool_description, weak_tool_description_surface,
};

pub use duplicate_tool_name::{DUPLICATE_TOOL_NAME, duplicate_tool_name};
pub use invalid_tool_name::{INVALID_TOOL_NAME, invalid_tool_name, invalid_tool_name_surface};
pub use missing_tool_description::{
    MISSING_TOOL_DESCRIPTION, missing_tool_description, missing_tool_description_surface,
};
pub use tool_name_too_long::{TOOL_NAME_TOO_LONG, tool_name_too_long, tool_name_too_long_surface};
pub use undocumented_parameter::{
    UNDOCUMENTED_PARAMETER, undocumented_parameter, undocumented_parameter_surface,
};
