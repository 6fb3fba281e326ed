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

use crate::edit::rust::{Insertion, Replacement, RustSource};
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

/// The insertions that hand item module `module`'s completers (its `completions()`) to the
/// registry's `fn completions()`: ` + module::completions()` at the end of that function's
/// expression (one operand a line once it is longer than a line, as rustfmt writes it), or,
/// without one, the function itself after `fn router` and the `use` of `Completions` from
/// `completions_path` (such as `platform::completions`), its doc naming `what` it completes.
/// Nothing when it is there already.
pub fn register_completions(
    path: &Path,
    source: &RustSource,
    module: &str,
    completions_path: &str,
    what: &str,
) -> anyhow::Result<Vec<Replacement>> {
    let call = format!("{module}::completions()");
    let Some(function) = completions_fn(source) else {
        let router = router_fn(path, source)?;
        let end = source.line_end(router.span().end());
        let mut insertions = vec![Insertion {
            offset: end,
            text: format!(
                "\n/// The completers of the {what}, handed to the catalog in\n/// \
                 `src/server.rs`.\npub(crate) fn completions() -> Completions<Server> {{\n    {call}\n}}\n"
            ),
        }];
        if !imports_completions(source) {
            insertions.push(use_insertion(
                source,
                &format!("use {completions_path}::Completions;"),
            ));
        }
        return Ok(insertions.into_iter().map(Replacement::from).collect());
    };
    let shape = || {
        CliError::failure(format!(
            "{}: `fn completions` does not end with an expression mcpforge can add to",
            path.display()
        ))
        .with_help(format!(
            "it should end with `a::completions() + b::completions()`; add `+ {call}` yourself, \
             or add the item without --complete"
        ))
    };
    let Some(Stmt::Expr(tail, None)) = function.block.stmts.last() else {
        return Err(shape().into());
    };
    let operands = completion_operands(tail);
    if operands.iter().any(|o| *o == call.trim_end_matches("()")) {
        return Ok(Vec::new());
    }
    let start = source.offset(tail.span().start());
    let end = source.offset(tail.span().end());
    let text = &source.text[start..end];
    let indent = source.indent_of(tail.span().start()).to_string();
    let one_line = format!("{indent}{text} + {call}");
    if text.contains('\n') || one_line.chars().count() > 100 {
        if !text.contains('\n') && !text.contains("/*") {
            // Going over one line: one operand a line, as rustfmt writes a long sum.
            let parts = split_sum(text);
            let mut replacement = parts.join(&format!("\n{indent}    + "));
            replacement.push_str(&format!("\n{indent}    + {call}"));
            return Ok(vec![Replacement {
                range: start..end,
                text: replacement,
            }]);
        }
        return Ok(vec![Replacement {
            range: end..end,
            text: format!("\n{indent}    + {call}"),
        }]);
    }
    Ok(vec![Replacement {
        range: end..end,
        text: format!(" + {call}"),
    }])
}

/// Whether the registry's tail `+` chain (or any other code in `fn completions`) already names
/// `module::completions`.
pub fn registers_completions(source: &RustSource, module: &str) -> bool {
    let Some(function) = completions_fn(source) else {
        return false;
    };
    let Some(Stmt::Expr(tail, None)) = function.block.stmts.last() else {
        return false;
    };
    completion_operands(tail)
        .iter()
        .any(|o| *o == format!("{module}::completions"))
}

fn completions_fn(source: &RustSource) -> Option<&syn::ItemFn> {
    source.file.items.iter().find_map(|item| match item {
        Item::Fn(f) if f.sig.ident == "completions" => Some(f),
        _ => None,
    })
}

/// The paths of the calls summed by `expr` (`a::completions() + b::completions()`).
fn completion_operands(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Binary(bin) if matches!(bin.op, syn::BinOp::Add(_)) => {
            let mut out = completion_operands(&bin.left);
            out.extend(completion_operands(&bin.right));
            out
        }
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) => vec![
                p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::"),
            ],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The operands of a one-line sum at the top level (not inside brackets).
fn split_sum(text: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0i32, String::new());
    for c in text.chars() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            '+' if depth == 0 => {
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_string());
    parts
}

fn imports_completions(source: &RustSource) -> bool {
    source.file.items.iter().any(|item| match item {
        Item::Use(u) => {
            let mut found = false;
            use_names(&u.tree, &mut |name| found |= name == "Completions");
            found
        }
        _ => false,
    })
}

fn use_names(tree: &syn::UseTree, found: &mut impl FnMut(&str)) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, found),
        syn::UseTree::Name(n) => found(&n.ident.to_string()),
        syn::UseTree::Rename(r) => found(&r.rename.to_string()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, found)),
        syn::UseTree::Glob(_) => {}
    }
}

/// Where a new top-level `use` line goes so that rustfmt keeps it there: in sorted position
/// among the `use`s of the same crate, else after the last `use` that sorts before it, else
/// before the first one.
pub fn use_insertion(source: &RustSource, line: &str) -> Insertion {
    let uses: Vec<(&syn::ItemUse, String)> = source
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Use(u) if u.attrs.is_empty() => {
                let start = source.offset(u.span().start());
                let end = source.offset(u.span().end());
                Some((u, source.text[start..end].to_string()))
            }
            _ => None,
        })
        .collect();
    let root = |text: &str| {
        text.trim_start_matches("pub(crate) ")
            .trim_start_matches("use ")
            .split("::")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let same: Vec<&(&syn::ItemUse, String)> =
        uses.iter().filter(|(_, t)| root(t) == root(line)).collect();
    let candidates = if same.is_empty() {
        uses.iter().collect()
    } else {
        same
    };
    let before = |u: &syn::ItemUse| Insertion {
        offset: source.line_start(u.span().start()),
        text: format!("{line}\n"),
    };
    let after = |u: &syn::ItemUse| Insertion {
        offset: source.line_end(u.span().end()),
        text: format!("{line}\n"),
    };
    match candidates.iter().rev().find(|(_, t)| t.as_str() < line) {
        Some((u, _)) => after(u),
        None => match candidates.first() {
            Some((u, _)) => before(u),
            None => Insertion {
                offset: 0,
                text: format!("{line}\n"),
            },
        },
    }
}

/// The file that builds the server's catalog (`Catalog::new(…)`) in generated projects.
pub const CATALOG_FILE: &str = "src/server.rs";

/// The edit of the catalog file that hands `registry`'s completers (`crate::<registry>::
/// completions()`, such as `crate::prompts::completions()`) to the catalog: a
/// `.with_completions(…)` right after `Catalog::new(…)`, on a line of its own when the call
/// spans lines. Nothing when the file already names that function.
pub fn wire_completions(
    path: &Path,
    source: &RustSource,
    registry: &str,
) -> anyhow::Result<Vec<Replacement>> {
    use syn::visit::Visit;

    struct Finder<'a> {
        registry: &'a str,
        catalog_new: Option<proc_macro2::Span>,
        wired: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let Expr::Path(p) = &*call.func {
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segments.ends_with(&["Catalog".to_string(), "new".to_string()])
                    && self.catalog_new.is_none()
                {
                    self.catalog_new = Some(call.span());
                }
                if segments.ends_with(&[self.registry.to_string(), "completions".to_string()]) {
                    self.wired = true;
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut finder = Finder {
        registry,
        catalog_new: None,
        wired: false,
    };
    finder.visit_file(&source.file);
    if finder.wired {
        return Ok(Vec::new());
    }
    let Some(span) = finder.catalog_new else {
        return Err(CliError::failure(format!(
            "{}: no `Catalog::new(…)` to hand the completers to",
            path.display()
        ))
        .with_help(format!(
            "add `.with_completions(crate::{registry}::completions())` to the catalog your server \
             builds, or add the item without --complete"
        ))
        .into());
    };
    let (start, end) = (span.start(), span.end());
    let offset = source.offset(end);
    let call = format!(".with_completions(crate::{registry}::completions())");
    let text = if start.line == end.line {
        call
    } else {
        format!("\n{}{call}", source.indent_of(end))
    };
    Ok(vec![Replacement {
        range: offset..offset,
        text,
    }])
}
