//! MCP011 non-object-output-schema and MCP012 non-object-input-schema: a tool's `Json<T>` or
//! `Parameters<T>` whose schema cannot have an object at its root.

use syn::spanned::Spanned;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{item_fns, non_object_type, wrapped_type};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static NON_OBJECT_OUTPUT_SCHEMA: RuleMeta = RuleMeta {
    code: "MCP011",
    name: "non-object-output-schema",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Judges the declared return type `Json<T>` (also inside `Result`): `T` a `Vec`/set, tuple, array, string or number, or an `Option`/`Box`/`Arc` of one, or an enum of the same file marked `#[serde(untagged)]`. Type aliases and types of other files are given the benefit of the doubt.",
    summary: "A tool returning `Json<T>` where `T` is a list, a scalar or an untagged enum: its output schema has no object at the root.",
    why: "Protocol version 2025-11-25 requires an output schema (and structured content) with `type: \"object\"` at the root; rmcp omits non-object output for peers on that version, so those clients get no structured result at all. Wrapping the list in a struct works for every version.",
    example: "#[tool]\nasync fn cities(&self) -> Json<Vec<String>> { .. }",
    fix: "Return a struct: `Json<Cities>` with `pub struct Cities { pub cities: Vec<String> }`.",
};

pub static NON_OBJECT_INPUT_SCHEMA: RuleMeta = RuleMeta {
    code: "MCP012",
    name: "non-object-input-schema",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Judges `Parameters<T>` in the tool's arguments, with the same reading of `T` as MCP011. An explicit `input_schema = ..` expression is not evaluated; `lint --server` sees the advertised `inputSchema`.",
    summary: "A tool taking `Parameters<T>` where `T` is a list, a scalar or an untagged enum: its input schema is not an object.",
    why: "The specification says a tool's `inputSchema` MUST be a JSON Schema object with `type: \"object\"`: arguments are always a JSON object of named values. A list or scalar schema is rejected by clients or makes the tool uncallable.",
    example: "#[tool]\nasync fn sum(&self, Parameters(numbers): Parameters<Vec<f64>>) -> String { .. }",
    fix: "Take a struct: `Parameters<SumParams>` with `pub struct SumParams { pub numbers: Vec<f64> }`.",
};

/// Why `ty`'s schema is not an object, looking up untagged enums in the file.
fn not_object(file: &SourceFile, ty: &syn::Type) -> Option<String> {
    if let Some(why) = non_object_type(ty) {
        return Some(why);
    }
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let name = p.path.segments.last()?.ident.to_string();
    file.ast.items.iter().find_map(|item| match item {
        syn::Item::Enum(e)
            if e.ident == name
                && e.attrs.iter().any(|a| {
                    a.path().is_ident("serde")
                        && quote::ToTokens::to_token_stream(&a.meta)
                            .to_string()
                            .contains("untagged")
                }) =>
        {
            Some(format!("an untagged enum (`{name}`)"))
        }
        _ => None,
    })
}

pub fn non_object_output_schema(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        let syn::ReturnType::Type(_, ty) = &tool.func.sig.output else {
            continue;
        };
        let Some(inner) = wrapped_type(ty, "Json") else {
            continue;
        };
        if let Some(why) = not_object(file, inner) {
            out.push(file.diagnostic(
                &NON_OBJECT_OUTPUT_SCHEMA,
                inner.span(),
                format!(
                    "tool `{}` returns {why}: its output schema's root is not an object",
                    tool.name
                ),
            ));
        }
    }
}

pub fn non_object_input_schema(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        for arg in &tool.func.sig.inputs {
            let syn::FnArg::Typed(typed) = arg else {
                continue;
            };
            let Some(inner) = wrapped_type(&typed.ty, "Parameters") else {
                continue;
            };
            if let Some(why) = not_object(file, inner) {
                out.push(file.diagnostic(
                    &NON_OBJECT_INPUT_SCHEMA,
                    inner.span(),
                    format!(
                        "tool `{}` takes {why}: its input schema is not an object",
                        tool.name
                    ),
                ));
            }
        }
    }
}
