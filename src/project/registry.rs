//! Registries: the Rust files that list a project's items, and how to register one more.
//!
//! Tool, resource and prompt registries (`src/tools/mod.rs`, `src/resources/mod.rs`,
//! `src/prompts/mod.rs` in generated projects) share one shape: one `mod <item>;` per item and a
//! `fn router()` that builds the router with one `router += <item>::router();` statement per
//! item. Finding those places goes through syn; the edit is two insertions that leave every other
//! byte alone. A registry whose shape is not understood is an error naming the file and the shape
//! expected: mcpforge never guesses.

use std::path::Path;

use syn::spanned::Spanned;
use syn::{Expr, Item, Stmt};

use crate::edit::rust::{Insertion, RustSource};
use crate::error::CliError;

const EXPECTED_SHAPE: &str = "expected one `mod <item>;` per item and `fn router()` whose body \
is `let mut router = <Router>::new();`, one `router += <item>::router();` per item, and \
`router` at the end";

/// What a registry already holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Registry {
    /// Modules declared with `mod <name>;`.
    pub modules: Vec<String>,
    /// Modules whose router is added in `fn router`.
    pub registered: Vec<String>,
}

/// Reads the registry's current contents.
pub fn read_registry(path: &Path, source: &RustSource) -> anyhow::Result<Registry> {
    let router = router_fn(path, source)?;
    Ok(Registry {
        modules: mod_decls(source).map(|m| m.ident.to_string()).collect(),
        registered: registrations(router).map(|(_, module)| module).collect(),
    })
}

/// The insertions that register item module `module`: a `mod` line in sorted position among the
/// existing ones, and a `router += module::router();` line after the last registration.
pub fn register(path: &Path, source: &RustSource, module: &str) -> anyhow::Result<Vec<Insertion>> {
    let router = router_fn(path, source)?;
    let mods: Vec<&syn::ItemMod> = mod_decls(source).collect();
    let regs: Vec<(&Stmt, String)> = registrations(router).collect();

    if mods.iter().any(|m| m.ident == module) || regs.iter().any(|(_, m)| m == module) {
        return Err(CliError::failure(format!("{}: module `{module}` is already registered", path.display()))
            .with_help("pick another name, or pass --force to replace the item's file (the registration is kept)")
            .into());
    }

    let mod_insertion = {
        let names: Vec<String> = mods.iter().map(|m| m.ident.to_string()).collect();
        let sorted = names.is_sorted();
        let next = (names.iter().position(|name| name.as_str() > module))
            .filter(|_| sorted)
            .map(|i| mods[i]);
        match (next, mods.last()) {
            (Some(next), _) => {
                let at = next.span().start();
                Insertion {
                    offset: source.line_start(at),
                    text: format!("{}mod {module};\n", source.indent_of(at)),
                }
            }
            (None, Some(last)) => {
                let end = last.span().end();
                Insertion {
                    offset: source.line_end(end),
                    text: format!("{}mod {module};\n", source.indent_of(end)),
                }
            }
            (None, None) => {
                let at = router.span().start();
                Insertion {
                    offset: source.line_start(at),
                    text: format!("mod {module};\n\n"),
                }
            }
        }
    };

    let reg_insertion = match regs.last() {
        Some((stmt, _)) => {
            let end = stmt.span().end();
            let target = assign_target(stmt).unwrap_or_else(|| "router".to_string());
            let indent = source.indent_of(stmt.span().start());
            Insertion {
                offset: source.line_end(end),
                text: format!("{indent}{target} += {module}::router();\n"),
            }
        }
        None => {
            // No items yet: insert before the tail expression, which must name the router.
            let tail = router.block.stmts.last().and_then(|s| match s {
                Stmt::Expr(Expr::Path(p), None) => p.path.get_ident().map(|i| (s, i.to_string())),
                _ => None,
            });
            let Some((tail, var)) = tail else {
                return Err(shape_error(
                    path,
                    "`fn router` does not end with the router variable",
                ));
            };
            let at = tail.span().start();
            Insertion {
                offset: source.line_start(at),
                text: format!("{}{var} += {module}::router();\n", source.indent_of(at)),
            }
        }
    };
    Ok(vec![mod_insertion, reg_insertion])
}

fn shape_error(path: &Path, found: &str) -> anyhow::Error {
    CliError::failure(format!(
        "{}: {found}; mcpforge does not understand this registry",
        path.display()
    ))
    .with_help(format!(
        "{EXPECTED_SHAPE} (see the generated src/tools/mod.rs)"
    ))
    .into()
}

fn router_fn<'a>(path: &Path, source: &'a RustSource) -> anyhow::Result<&'a syn::ItemFn> {
    source
        .file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Fn(f) if f.sig.ident == "router" => Some(f),
            _ => None,
        })
        .ok_or_else(|| shape_error(path, "no `fn router` found"))
}

/// `mod name;` declarations (not inline modules such as `mod tests { .. }`).
fn mod_decls(source: &RustSource) -> impl Iterator<Item = &syn::ItemMod> {
    source.file.items.iter().filter_map(|item| match item {
        Item::Mod(m) if m.content.is_none() => Some(m),
        _ => None,
    })
}

/// `<var> += <module>::router();` statements, with the module each registers.
fn registrations(router: &syn::ItemFn) -> impl Iterator<Item = (&Stmt, String)> {
    router.block.stmts.iter().filter_map(|stmt| {
        let Stmt::Expr(Expr::Binary(bin), Some(_)) = stmt else {
            return None;
        };
        if !matches!(bin.op, syn::BinOp::AddAssign(_)) {
            return None;
        }
        let Expr::Call(call) = &*bin.right else {
            return None;
        };
        let Expr::Path(func) = &*call.func else {
            return None;
        };
        let segments: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segments.as_slice() {
            [module, f] if f == "router" => Some((stmt, module.clone())),
            _ => None,
        }
    })
}

/// The variable a registration adds to, so new lines reuse the team's own name for it.
fn assign_target(stmt: &Stmt) -> Option<String> {
    let Stmt::Expr(Expr::Binary(bin), _) = stmt else {
        return None;
    };
    let Expr::Path(p) = &*bin.left else {
        return None;
    };
    p.path.get_ident().map(ToString::to_string)
}
