//! Tool input followed through direct calls to the crate's own functions, for the flow rules
//! (MCP401, MCP406, MCP413).
//!
//! Each file contributes, while it is parsed, a summary of every function it defines: for each
//! parameter, what the rules find when that parameter holds input (their findings, with a marker
//! where the input's name goes) and which of the crate's functions it is passed on to. `#[tool]`
//! functions contribute the calls that pass their input on. [`through_calls`] then joins them
//! crate-wide: a tool's input reaching a function's parameter, up to [`MAX_DEPTH`] calls deep
//! (each function and parameter once per tool, so recursion ends), is reported at the sink with
//! the chain of calls that got it there.
//!
//! Followed: free functions and associated functions of inherent `impl` blocks, called by path
//! (`helper(x)`, `crate::net::helper(x)`, `Self::helper(x)`, `Server::helper(x)`) or as methods
//! of `self` (`self.helper(x)`). Not followed: trait methods, closures, functions behind macros,
//! other crates, and methods of other receivers; the platform's own abstractions (`UrlFetcher`,
//! `FileOps`, `CodeExecutor`, anything in a `platform` module) are where the checks happen, so
//! calls into them are not followed either.

use std::collections::BTreeSet;

use syn::spanned::Spanned;

use super::flow::{Flow, Seeds, each_call};
use crate::lint::diagnostic::{Diagnostic, Position};
use crate::lint::source::SourceFile;

/// How many calls deep input is followed from a tool.
pub const MAX_DEPTH: usize = 3;

/// A flow rule's walk: from `seeds`, push what input reaches.
pub type FlowCheck = fn(&SourceFile, &Seeds, &mut Vec<Diagnostic>);

/// Stands in for a caller's input in a summary's findings (not a character source text holds).
const MARKER: char = '\u{1}';

/// Types and modules that are the platform's checked abstractions.
const PLATFORM_TYPES: &[&str] = &["UrlFetcher", "FileOps", "CodeExecutor"];

/// A call passing input to what may be one of the crate's functions.
#[derive(Debug, Clone)]
pub struct Edge {
    pub callee: Callee,
    /// Which argument holds input (for a path call, counting a `self` argument).
    pub arg: usize,
    /// The input's name at the call (a tool's `p.url`, or a parameter's marker).
    pub input: String,
    /// Where the call is: function (a tool's name as clients see it), file, module within the
    /// crate, position.
    pub function: String,
    pub path: String,
    pub module: Vec<String>,
    pub at: Position,
    /// The argument is a URL whose scheme and host a literal fixes (`format!("https://h/{}",
    /// x)`): MCP401's own exemption, which holds in every function the value reaches.
    pub fixed_origin: bool,
}

/// What a call names.
#[derive(Debug, Clone)]
pub enum Callee {
    /// `helper(..)`, `net::helper(..)`: the module path as written (after `use` resolution) and
    /// the name.
    Free {
        qualifier: Vec<String>,
        name: String,
    },
    /// `Self::helper(..)`, `Server::helper(..)` (`by_path`), or `self.helper(..)`.
    Assoc {
        owner: String,
        name: String,
        by_path: bool,
    },
}

/// One of the crate's functions.
#[derive(Debug, Clone)]
pub struct FnSummary {
    pub path: String,
    pub module: Vec<String>,
    /// The `impl` type of an associated function.
    pub owner: Option<String>,
    pub name: String,
    /// It takes `self`.
    pub receiver: bool,
    /// Per typed parameter.
    pub params: Vec<ParamSummary>,
}

/// What input in one parameter leads to.
#[derive(Debug, Clone, Default)]
pub struct ParamSummary {
    /// Stands for the caller's input in `sinks`' messages.
    pub marker: String,
    pub sinks: Vec<Diagnostic>,
    pub edges: Vec<Edge>,
}

/// What one file says about calls carrying input.
#[derive(Debug, Clone, Default)]
pub struct CallFacts {
    /// Calls in `#[tool]` functions passing input on.
    pub tool_edges: Vec<Edge>,
    pub fns: Vec<FnSummary>,
}

impl CallFacts {
    /// The calls and function summaries of `file`, for the flow rules `checks` (none: nothing to
    /// gather).
    pub fn of(file: &SourceFile, checks: &[FlowCheck]) -> Self {
        let mut facts = Self::default();
        if checks.is_empty() {
            return facts;
        }
        let module = file_module(&file.path);
        facts.tool_edges = edges(file, &Seeds::Tools, &module);
        let mut defs = Vec::new();
        collect_fns(&file.ast.items, &module, &mut defs);
        for def in defs {
            let typed = def
                .sig
                .inputs
                .iter()
                .filter(|i| matches!(i, syn::FnArg::Typed(_)))
                .count();
            let mut params = Vec::with_capacity(typed);
            for index in 0..typed {
                let marker = format!("{MARKER}{}#{index}", def.sig.ident);
                let seeds = Seeds::Param {
                    sig: def.sig,
                    block: def.block,
                    owner: def.owner.as_deref().unwrap_or(""),
                    index,
                    marker: &marker,
                };
                let mut summary = ParamSummary {
                    edges: edges(file, &seeds, &def.module),
                    ..ParamSummary::default()
                };
                for check in checks {
                    check(file, &seeds, &mut summary.sinks);
                }
                summary.marker = marker;
                params.push(summary);
            }
            facts.fns.push(FnSummary {
                path: file.path.clone(),
                module: def.module,
                owner: def.owner,
                name: def.sig.ident.to_string(),
                receiver: def.sig.receiver().is_some(),
                params,
            });
        }
        facts
    }

    /// Adds the facts of the file's next part.
    pub fn extend(&mut self, part: CallFacts) {
        self.tool_edges.extend(part.tool_edges);
        self.fns.extend(part.fns);
    }
}

/// A function definition found in a file.
struct Def<'a> {
    sig: &'a syn::Signature,
    block: &'a syn::Block,
    owner: Option<String>,
    module: Vec<String>,
}

/// Free functions and inherent associated functions of `items`, through inline modules; not
/// `#[tool]`/`#[prompt]` functions (their input is the tool's own), not trait impls, not the
/// platform's.
fn collect_fns<'a>(items: &'a [syn::Item], module: &[String], out: &mut Vec<Def<'a>>) {
    if module.iter().any(|m| m == "platform") {
        return;
    }
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(Def {
                sig: &f.sig,
                block: &f.block,
                owner: None,
                module: module.to_vec(),
            }),
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let Some(owner) = type_name(&i.self_ty) else {
                    continue;
                };
                if PLATFORM_TYPES.contains(&owner.as_str()) {
                    continue;
                }
                for inner in &i.items {
                    if let syn::ImplItem::Fn(f) = inner
                        && !f.attrs.iter().any(|a| {
                            a.path()
                                .segments
                                .last()
                                .is_some_and(|s| s.ident == "tool" || s.ident == "prompt")
                        })
                    {
                        out.push(Def {
                            sig: &f.sig,
                            block: &f.block,
                            owner: Some(owner.clone()),
                            module: module.to_vec(),
                        });
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut nested = module.to_vec();
                    nested.push(m.ident.to_string());
                    collect_fns(inner, &nested, out);
                }
            }
            _ => {}
        }
    }
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The module a file is within its crate: `src/net/fetch.rs` → `net::fetch`, `src/net/mod.rs`
/// → `net`, `src/main.rs`, `src/lib.rs` and `src/bin/x.rs` → the crate root.
pub fn file_module(path: &str) -> Vec<String> {
    let within = path.rsplit_once("src/").map_or(path, |(_, rest)| rest);
    let mut segments: Vec<String> = within
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if segments.first().is_some_and(|s| s == "bin") {
        segments.drain(..segments.len().min(2));
    }
    if segments.last().is_some_and(|s| s == "mod")
        || (segments.len() == 1 && matches!(segments[0].as_str(), "main" | "lib"))
    {
        segments.pop();
    }
    segments
}

/// Records `expr` when it is a call that may reach one of the crate's functions with input in
/// an argument.
fn edge(flow: &Flow, expr: &syn::Expr, module: &[String], out: &mut Vec<Edge>) {
    let (callee, args): (Callee, Vec<&syn::Expr>) = match expr {
        syn::Expr::Call(call) => {
            let syn::Expr::Path(p) = &*call.func else {
                return;
            };
            if p.qself.is_some() {
                return;
            }
            let written: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let resolved: Vec<String> = flow
                .file
                .resolve(&p.path)
                .split("::")
                .map(str::to_string)
                .collect();
            let Some((name, qualifier)) = resolved.split_last() else {
                return;
            };
            // `Ok(x)`, `Some(x)`, `Box::new(x)`: constructors and std, never the crate's.
            if name.starts_with(|c: char| c.is_ascii_uppercase())
                || matches!(
                    qualifier.first().map(String::as_str),
                    Some("std" | "core" | "alloc")
                )
            {
                return;
            }
            let callee = match qualifier.last() {
                Some(owner) if owner == "Self" && written.len() == 2 => Callee::Assoc {
                    owner: flow.owner.clone(),
                    name: name.clone(),
                    by_path: true,
                },
                Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    Callee::Assoc {
                        owner: owner.clone(),
                        name: name.clone(),
                        by_path: true,
                    }
                }
                _ => Callee::Free {
                    qualifier: qualifier.to_vec(),
                    name: name.clone(),
                },
            };
            (callee, call.args.iter().collect())
        }
        syn::Expr::MethodCall(m) => {
            let syn::Expr::Path(p) = &*m.receiver else {
                return;
            };
            if !p.path.is_ident("self") || flow.owner.is_empty() {
                return;
            }
            (
                Callee::Assoc {
                    owner: flow.owner.clone(),
                    name: m.method.to_string(),
                    by_path: false,
                },
                m.args.iter().collect(),
            )
        }
        _ => return,
    };
    for (arg, value) in args.into_iter().enumerate() {
        if let Some(input) = flow.taint(value) {
            let (at, _) = flow.file.range(value.span());
            out.push(Edge {
                callee: callee.clone(),
                arg,
                input,
                function: flow.function.clone(),
                path: flow.file.path.clone(),
                module: module.to_vec(),
                at,
                fixed_origin: false,
            });
        }
    }
}

/// The calls passing input on from `seeds`, each marked when MCP401 sees no input in the
/// argument (a URL whose origin a literal fixed, there or in a local it was bound to): walked
/// a second time with MCP401's exemption, only when there is a call to mark.
fn edges(file: &SourceFile, seeds: &Seeds, module: &[String]) -> Vec<Edge> {
    let walk = |neutral: super::flow::Neutral| {
        let mut found = Vec::new();
        each_call(file, seeds, neutral, |flow, expr| {
            edge(flow, expr, module, &mut found);
        });
        found
    };
    let mut all = walk(|_, _| false);
    if all.is_empty() {
        return all;
    }
    let unfixed = walk(super::unguarded_outbound_url::fixed_origin);
    for edge in &mut all {
        edge.fixed_origin = !unfixed.iter().any(|u| u.at == edge.at && u.arg == edge.arg);
    }
    all
}

/// Whether `def` is what `edge` calls, and if so which of its typed parameters gets the input.
fn param_of(edge: &Edge, def: &FnSummary) -> Option<usize> {
    match &edge.callee {
        Callee::Free { qualifier, name } => {
            if def.owner.is_some() || &def.name != name {
                return None;
            }
            let found = if qualifier.is_empty() {
                // A bare name `use` did not resolve: the caller's own module.
                def.path == edge.path && def.module == edge.module
            } else {
                module_candidates(qualifier, &edge.module).contains(&def.module)
            };
            found.then_some(edge.arg)
        }
        Callee::Assoc {
            owner,
            name,
            by_path,
        } => {
            if def.owner.as_ref() != Some(owner) || &def.name != name {
                return None;
            }
            if *by_path && def.receiver {
                edge.arg.checked_sub(1)
            } else {
                Some(edge.arg)
            }
        }
    }
}

/// The modules a call's qualifier can name, seen from the caller's module: `crate::a` from the
/// root, `self::a` and `super::a` from the caller, and a
/// plain `a::b` from the caller's module or the root.
fn module_candidates(qualifier: &[String], caller: &[String]) -> Vec<Vec<String>> {
    let mut candidates = Vec::new();
    match qualifier.first().map(String::as_str) {
        Some("crate") => candidates.push(qualifier[1..].to_vec()),
        Some("self" | "super") => {
            let mut module = caller.to_vec();
            let mut rest = qualifier;
            while let Some((first, tail)) = rest.split_first() {
                match first.as_str() {
                    "self" => {}
                    "super" => {
                        module.pop();
                    }
                    _ => break,
                }
                rest = tail;
            }
            module.extend(rest.iter().cloned());
            candidates.push(module);
        }
        _ => {
            candidates.push([caller, qualifier].concat());
            candidates.push(qualifier.to_vec());
        }
    }
    candidates
}

/// The findings of input that tools pass to the crate's functions, at the sinks it reaches,
/// over the files of one program.
pub fn through_calls<'f>(
    files: impl IntoIterator<Item = &'f CallFacts>,
    out: &mut Vec<Diagnostic>,
) {
    let files: Vec<&CallFacts> = files.into_iter().collect();
    let fns: Vec<&FnSummary> = files.iter().flat_map(|f| &f.fns).collect();
    if fns.is_empty() {
        return;
    }
    let mut reported = BTreeSet::new();
    for start in files.iter().flat_map(|f| &f.tool_edges) {
        let mut visited = BTreeSet::new();
        let mut chain = Vec::new();
        let from = Start {
            tool: start,
            fixed_origin: false,
        };
        follow(
            &fns,
            start,
            from,
            &mut chain,
            &mut visited,
            &mut reported,
            out,
        );
    }
}

/// Where a walk comes from: the tool's call, and whether a literal fixed the URL's origin on
/// the way (then no outbound request it reaches is MCP401's).
#[derive(Clone, Copy)]
struct Start<'e> {
    tool: &'e Edge,
    fixed_origin: bool,
}

fn follow<'a>(
    fns: &[&'a FnSummary],
    edge: &Edge,
    from: Start<'_>,
    chain: &mut Vec<&'a str>,
    visited: &mut BTreeSet<(usize, usize)>,
    reported: &mut BTreeSet<(String, Position, &'static str, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let from = Start {
        fixed_origin: from.fixed_origin || edge.fixed_origin,
        ..from
    };
    for (k, def) in fns.iter().enumerate() {
        let Some(param) = param_of(edge, def) else {
            continue;
        };
        let Some(summary) = def.params.get(param) else {
            continue;
        };
        if !visited.insert((k, param)) {
            continue;
        }
        chain.push(&def.name);
        for sink in &summary.sinks {
            if from.fixed_origin && sink.rule.code == "MCP401" {
                continue;
            }
            let key = (
                sink.path.clone(),
                sink.start,
                sink.rule.code,
                sink.message.clone(),
            );
            if !reported.insert(key) {
                continue;
            }
            let mut d = sink.clone();
            d.message = format!(
                "{}, through `{}` (called by tool `{}` at {}:{})",
                d.message.replace(&summary.marker, &from.tool.input),
                chain.join("` → `"),
                from.tool.function,
                from.tool.path,
                from.tool.at.line
            );
            out.push(d);
        }
        if chain.len() < MAX_DEPTH {
            for next in &summary.edges {
                follow(fns, next, from, chain, visited, reported, out);
            }
        }
        chain.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::file_module;

    #[test]
    fn files_map_to_modules() {
        assert_eq!(file_module("src/main.rs"), Vec::<String>::new());
        assert_eq!(file_module("src/lib.rs"), Vec::<String>::new());
        assert_eq!(file_module("src/net/mod.rs"), ["net"]);
        assert_eq!(file_module("src/net/fetch.rs"), ["net", "fetch"]);
        assert_eq!(file_module("src/bin/server.rs"), Vec::<String>::new());
        assert_eq!(file_module("crates/x/src/tools/a.rs"), ["tools", "a"]);
    }
}
