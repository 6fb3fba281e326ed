//! Tool input flow within one `#[tool]` function, for the rules that ask "does a value the model
//! chose reach this sink?" (MCP401, MCP406, MCP413).
//!
//! The walk follows the function body in source order and tracks which local access paths
//! (`p`, `p.url`, `url`) hold tool input: the `Parameters<T>` argument (however destructured) and
//! whatever is built from it — `let` bindings and re-assignments, field access, references,
//! clones and conversions, `format!`-style macros (inline `{name}` captures included), `+`,
//! method and function calls taking it, `if let`/`match`/`for` bindings. A value passed to a
//! validator (a function or method named `validate*`, `sanitize*`, `check*`, `ensure*`,
//! `verify*`, `confine*`, `is_allowed*`, `is_safe*`), or tested in an `if` that leaves the
//! function (an allowlist `contains`, `Path::starts_with`, `components()`, `file_name()`, or a
//! validator), is clean from then on, together with what it was built from.
//!
//! Within one function it does not follow values through `self` fields or globals, or out of
//! opaque macros; shadowing inside a nested block leaks out of it. Calls into the crate's own
//! functions are followed by [`super::calls`], which walks each function from each of its
//! parameters ([`Seeds::Param`]) and joins the walks crate-wide. Rules say so in their
//! documentation.

use std::collections::{HashMap, HashSet};

use syn::visit::Visit;

use crate::lint::source::SourceFile;

/// What a rule treats as carrying no tool input although built from it (e.g. a URL whose host a
/// literal fixes).
pub type Neutral = fn(&Flow, &syn::Expr) -> bool;

/// The flow state at one point of a tool function.
pub struct Flow<'f> {
    pub file: &'f SourceFile,
    /// Access paths holding input, each with the parameter it came from (`url` → `p.url`).
    tainted: HashMap<String, String>,
    clean: HashSet<String>,
    /// What each local was built from (access paths), so validating it cleans those too.
    derived: HashMap<String, Vec<String>>,
    /// For locals bound from a path call (`let c = Command::new("python3")`), the resolved
    /// path and the call's first argument when it is a literal.
    origins: HashMap<String, (String, Option<String>)>,
    neutral: Neutral,
    /// The `impl` type of the function walked (empty for a free function).
    pub owner: String,
    /// The name of the function walked (a tool's name as clients see it).
    pub function: String,
}

impl<'f> Flow<'f> {
    /// The resolved path of the call a local was bound from, if any.
    pub fn origin(&self, local: &str) -> Option<&str> {
        self.origins.get(local).map(|(path, _)| path.as_str())
    }

    /// The literal first argument of the call a local was bound from, if any.
    pub fn origin_literal(&self, local: &str) -> Option<&str> {
        self.origins.get(local).and_then(|(_, lit)| lit.as_deref())
    }

    /// The tool input `expr` carries, as the access path it came through (`p.url`), if any.
    pub fn taint(&self, expr: &syn::Expr) -> Option<String> {
        if (self.neutral)(self, expr) {
            return None;
        }
        use syn::Expr as E;
        match expr {
            E::Path(_) | E::Field(_) if access_path(expr).is_some() => {
                self.path_taint(&access_path(expr)?)
            }
            E::Field(f) => self.taint(&f.base),
            E::Reference(r) => self.taint(&r.expr),
            E::Paren(p) => self.taint(&p.expr),
            E::Group(g) => self.taint(&g.expr),
            E::Unary(u) => self.taint(&u.expr),
            E::Cast(c) => self.taint(&c.expr),
            E::Try(t) => self.taint(&t.expr),
            E::Await(a) => self.taint(&a.base),
            E::Index(i) => self.taint(&i.expr),
            E::MethodCall(m) => {
                let method = m.method.to_string();
                if is_validator(&method) || PREDICATES.contains(&method.as_str()) {
                    return None;
                }
                let receiver = self.taint(&m.receiver);
                // A lookup keyed by input in a fixed table (an allowlist map) yields the table's
                // value, not the input.
                if receiver.is_none() && matches!(method.as_str(), "get" | "get_mut") {
                    return None;
                }
                receiver.or_else(|| m.args.iter().find_map(|a| self.taint(a)))
            }
            E::Call(c) => {
                if let E::Path(p) = &*c.func
                    && p.path
                        .segments
                        .last()
                        .is_some_and(|s| is_validator(&s.ident.to_string()))
                {
                    return None;
                }
                c.args.iter().find_map(|a| self.taint(a))
            }
            E::Macro(m) => self.macro_taint(&m.mac),
            E::Binary(b) => match b.op {
                syn::BinOp::Add(_) | syn::BinOp::AddAssign(_) => {
                    self.taint(&b.left).or_else(|| self.taint(&b.right))
                }
                _ => None,
            },
            E::Tuple(t) => t.elems.iter().find_map(|e| self.taint(e)),
            E::Array(a) => a.elems.iter().find_map(|e| self.taint(e)),
            E::Struct(s) => s.fields.iter().find_map(|f| self.taint(&f.expr)),
            E::Block(b) => self.block_taint(&b.block),
            E::Unsafe(b) => self.block_taint(&b.block),
            E::If(i) => self
                .block_taint(&i.then_branch)
                .or_else(|| i.else_branch.as_ref().and_then(|(_, e)| self.taint(e))),
            E::Match(m) => m.arms.iter().find_map(|a| self.taint(&a.body)),
            _ => None,
        }
    }

    /// The argument expressions of a format-like macro and its inline `{name}` captures.
    fn macro_taint(&self, mac: &syn::Macro) -> Option<String> {
        let args = macro_args(mac)?;
        if let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) = args.first()
        {
            for name in inline_captures(&s.value()) {
                if let Some(input) = self.path_taint(&name) {
                    return Some(input);
                }
            }
        }
        args.iter().find_map(|a| self.taint(a))
    }

    fn block_taint(&self, block: &syn::Block) -> Option<String> {
        match block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.taint(e),
            _ => None,
        }
    }

    /// The parameter an access path's value came from, unless it was validated.
    fn path_taint(&self, path: &str) -> Option<String> {
        let prefixes = || {
            path.match_indices('.')
                .map(|(i, _)| &path[..i])
                .chain(std::iter::once(path))
        };
        if prefixes().any(|p| self.clean.contains(p)) {
            return None;
        }
        prefixes().find_map(|p| {
            self.tainted.get(p).map(|from| {
                if from == p {
                    path.to_string()
                } else {
                    from.clone()
                }
            })
        })
    }

    fn bind(&mut self, pat: &syn::Pat, from: Option<&syn::Expr>) {
        let source = from.and_then(|e| self.taint(e));
        let origin = from
            .and_then(root_call_expr)
            .and_then(|call| match &*call.func {
                syn::Expr::Path(p) => Some((
                    self.file.resolve(&p.path),
                    call.args
                        .first()
                        .and_then(crate::lint::rules::tools::literal),
                )),
                _ => None,
            });
        let mut names = Vec::new();
        pat_idents(pat, &mut names);
        for name in names {
            self.tainted
                .retain(|t, _| t != &name && !t.starts_with(&format!("{name}.")));
            self.clean
                .retain(|t| t != &name && !t.starts_with(&format!("{name}.")));
            self.derived.remove(&name);
            match &origin {
                Some(o) => self.origins.insert(name.clone(), o.clone()),
                None => self.origins.remove(&name),
            };
            if let Some(source) = &source {
                self.tainted.insert(name.clone(), source.clone());
                if let Some(expr) = from {
                    let mut paths = Vec::new();
                    collect_paths(expr, &mut paths);
                    self.derived.insert(name, paths);
                }
            }
        }
    }

    /// Marks the access paths `expr` mentions, and what they were built from, as validated.
    fn validate(&mut self, expr: &syn::Expr) {
        let mut paths = Vec::new();
        collect_paths(expr, &mut paths);
        let mut seen = HashSet::new();
        while let Some(path) = paths.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            if let Some(from) = self.derived.get(&path) {
                paths.extend(from.iter().cloned());
            }
            self.tainted.remove(&path);
            self.clean.insert(path);
        }
    }
}

/// Methods whose result is a yes/no or a count, never the input itself.
const PREDICATES: &[&str] = &[
    "len",
    "is_empty",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "starts_with",
    "ends_with",
    "contains",
    "contains_key",
    "eq",
    "ne",
    "cmp",
    "count",
    "exists",
    "is_file",
    "is_dir",
    "is_absolute",
    "is_relative",
];

/// Whether a function or method name says it validates its argument.
pub fn is_validator(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "validate",
        "sanitize",
        "sanitise",
        "check",
        "ensure",
        "verify",
        "confine",
        "is_allowed",
        "is_safe",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// `p`, `p.url`, `params.0.url`: a local and the fields taken from it.
pub fn access_path(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        syn::Expr::Field(f) => {
            let base = access_path(&f.base)?;
            let member = match &f.member {
                syn::Member::Named(i) => i.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            Some(format!("{base}.{member}"))
        }
        syn::Expr::Reference(r) => access_path(&r.expr),
        syn::Expr::Paren(p) => access_path(&p.expr),
        _ => None,
    }
}

/// Every access path mentioned anywhere in `expr`.
fn collect_paths(expr: &syn::Expr, out: &mut Vec<String>) {
    struct Paths<'o>(&'o mut Vec<String>);
    impl<'a> Visit<'a> for Paths<'_> {
        fn visit_expr(&mut self, expr: &'a syn::Expr) {
            if let Some(path) = access_path(expr) {
                self.0.push(path);
                // `p.url` also names `p`'s field only; `p` itself stays as it was.
                return;
            }
            syn::visit::visit_expr(self, expr);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Some(args) = macro_args(mac) {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    Paths(out).visit_expr(expr);
}

/// A macro's arguments, when they parse as comma-separated expressions.
pub fn macro_args(mac: &syn::Macro) -> Option<Vec<syn::Expr>> {
    mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()
        .map(|args| args.into_iter().collect())
}

/// `name` for every `{name}` / `{name:?}` in a format string.
pub fn inline_captures(format: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest.find('}').unwrap_or(rest.len());
        let name = rest[..end].split(':').next().unwrap_or("").trim();
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(name.to_string());
        }
        rest = &rest[end..];
    }
    out
}

/// The path of the call at the root of a method chain: `Command::new` in
/// `Command::new("x").arg(..)`, after `?`, `.await`, references and parentheses.
pub fn root_call(expr: &syn::Expr) -> Option<&syn::Path> {
    match &*root_call_expr(expr)?.func {
        syn::Expr::Path(p) => Some(&p.path),
        _ => None,
    }
}

/// The call at the root of a method chain.
pub fn root_call_expr(expr: &syn::Expr) -> Option<&syn::ExprCall> {
    match expr {
        syn::Expr::Call(c) => Some(c),
        syn::Expr::MethodCall(m) => root_call_expr(&m.receiver),
        syn::Expr::Try(t) => root_call_expr(&t.expr),
        syn::Expr::Await(a) => root_call_expr(&a.base),
        syn::Expr::Reference(r) => root_call_expr(&r.expr),
        syn::Expr::Paren(p) => root_call_expr(&p.expr),
        _ => None,
    }
}

/// The local at the root of a method chain (`cmd` in `cmd.arg(..).arg(..)`), if any.
pub fn root_local(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::MethodCall(m) => root_local(&m.receiver),
        syn::Expr::Try(t) => root_local(&t.expr),
        syn::Expr::Await(a) => root_local(&a.base),
        syn::Expr::Reference(r) => root_local(&r.expr),
        syn::Expr::Paren(p) => root_local(&p.expr),
        syn::Expr::Field(_) | syn::Expr::Path(_) => {
            access_path(expr).map(|p| p.split('.').next().unwrap_or("").to_string())
        }
        _ => None,
    }
}

fn pat_idents(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, sub)) = &i.subpat {
                pat_idents(sub, out);
            }
        }
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| pat_idents(p, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pat_idents(p, out)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_idents(&f.pat, out)),
        syn::Pat::Reference(r) => pat_idents(&r.pat, out),
        syn::Pat::Type(t) => pat_idents(&t.pat, out),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|p| pat_idents(p, out)),
        syn::Pat::Or(o) => o.cases.iter().for_each(|p| pat_idents(p, out)),
        syn::Pat::Paren(p) => pat_idents(&p.pat, out),
        _ => {}
    }
}

/// Whether a block leaves the function or the loop on every path through its end: a `return`,
/// `?` on an `Err`, `bail!`/`panic!`, `continue` or `break` as one of its statements.
fn diverges(block: &syn::Block) -> bool {
    block.stmts.iter().any(|s| {
        let expr = match s {
            syn::Stmt::Expr(e, _) => e,
            syn::Stmt::Macro(m) => {
                return m.mac.path.segments.last().is_some_and(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "bail" | "panic" | "unreachable" | "todo"
                    )
                });
            }
            _ => return false,
        };
        match expr {
            syn::Expr::Return(_) | syn::Expr::Continue(_) | syn::Expr::Break(_) => true,
            syn::Expr::Try(t) => matches!(&*t.expr, syn::Expr::Call(c)
                if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err"))),
            syn::Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "bail" | "panic" | "unreachable" | "todo"
                )
            }),
            _ => false,
        }
    })
}

/// Whether an `if` condition is a check that confines a value: a validator call, an allowlist
/// membership test on a fixed table, a `Path::starts_with` on a path, or a look at the path's
/// components or file name.
fn confining_check(flow: &Flow, cond: &syn::Expr) -> bool {
    struct Finder<'a, 'f> {
        flow: &'a Flow<'f>,
        found: bool,
    }
    impl<'a> Visit<'a> for Finder<'_, '_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let method = m.method.to_string();
            let receiver_input = self.flow.taint(&m.receiver).is_some();
            let arg_input = m.args.iter().any(|a| self.flow.taint(a).is_some());
            self.found |= is_validator(&method)
                || (matches!(method.as_str(), "contains" | "contains_key")
                    && !receiver_input
                    && arg_input)
                || (method == "starts_with"
                    && receiver_input
                    && !m
                        .args
                        .iter()
                        .any(|a| crate::lint::rules::tools::literal(a).is_some())
                    && !stringified(&m.receiver))
                || (matches!(method.as_str(), "components" | "file_name") && receiver_input);
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func
                && p.path
                    .segments
                    .last()
                    .is_some_and(|s| is_validator(&s.ident.to_string()))
            {
                self.found = true;
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut finder = Finder { flow, found: false };
    finder.visit_expr(cond);
    finder.found
}

/// `x.to_string_lossy()…`, `x.to_str()…`, `x.display()…`: a path compared as a string (MCP407).
fn stringified(mut expr: &syn::Expr) -> bool {
    while let syn::Expr::MethodCall(m) = expr {
        if matches!(
            m.method.to_string().as_str(),
            "to_string_lossy" | "to_str" | "display" | "to_string"
        ) {
            return true;
        }
        expr = &m.receiver;
    }
    false
}

/// Where a walk starts.
pub enum Seeds<'s> {
    /// The input of every `#[tool]` function of the file.
    Tools,
    /// One parameter of one function, standing for whatever input a caller passes it: values
    /// built from it carry `marker` (see [`super::calls`]) until the caller is known.
    Param {
        sig: &'s syn::Signature,
        block: &'s syn::Block,
        /// The function's `impl` type, if any (what `Self::` and `self.` name).
        owner: &'s str,
        /// Which of the typed (non-`self`) arguments.
        index: usize,
        marker: &'s str,
    },
}

/// Walks from `seeds` (every `#[tool]` function's input, or one parameter of one function),
/// calling `on_call` for each call and method call (and each macro, as `syn::Expr::Macro` is not
/// visited as a call) with the flow state there.
pub fn each_call(
    file: &SourceFile,
    seeds: &Seeds,
    neutral: Neutral,
    mut on_call: impl FnMut(&Flow, &syn::Expr),
) {
    let new_flow = |owner: &str, function: &str| Flow {
        file,
        tainted: HashMap::new(),
        clean: HashSet::new(),
        derived: HashMap::new(),
        origins: HashMap::new(),
        neutral,
        owner: owner.to_string(),
        function: function.to_string(),
    };
    match seeds {
        Seeds::Tools => {
            for tool in super::super::tools::item_fns(file, "tool") {
                let mut flow = new_flow(&tool.owner, &tool.name);
                for input in &tool.func.sig.inputs {
                    let syn::FnArg::Typed(arg) = input else {
                        continue;
                    };
                    let parameters = matches!(&*arg.ty, syn::Type::Path(p)
                        if p.path.segments.last().is_some_and(|s| s.ident == "Parameters"));
                    let marked = arg.attrs.iter().any(|a| {
                        a.path().is_ident("tool")
                            && a.parse_args::<syn::Ident>()
                                .is_ok_and(|i| i == "param" || i == "aggr")
                    });
                    if parameters || marked {
                        let mut names = Vec::new();
                        pat_idents(&arg.pat, &mut names);
                        flow.tainted
                            .extend(names.into_iter().map(|n| (n.clone(), n)));
                    }
                }
                if flow.tainted.is_empty() {
                    continue;
                }
                let mut walker = Walker {
                    flow,
                    on_call: &mut on_call,
                };
                walker.visit_block(&tool.func.block);
            }
        }
        Seeds::Param {
            sig,
            block,
            owner,
            index,
            marker,
        } => {
            let mut flow = new_flow(owner, &sig.ident.to_string());
            let typed = sig.inputs.iter().filter_map(|input| match input {
                syn::FnArg::Typed(arg) => Some(arg),
                syn::FnArg::Receiver(_) => None,
            });
            if let Some(arg) = typed.into_iter().nth(*index) {
                let mut names = Vec::new();
                pat_idents(&arg.pat, &mut names);
                flow.tainted
                    .extend(names.into_iter().map(|n| (n, marker.to_string())));
            }
            if flow.tainted.is_empty() {
                return;
            }
            let mut walker = Walker {
                flow,
                on_call: &mut on_call,
            };
            walker.visit_block(block);
        }
    }
}

struct Walker<'f, 'c, C: FnMut(&Flow, &syn::Expr)> {
    flow: Flow<'f>,
    on_call: &'c mut C,
}

impl<'a, C: FnMut(&Flow, &syn::Expr)> Visit<'a> for Walker<'_, '_, C> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.flow
            .bind(&local.pat, local.init.as_ref().map(|i| &*i.expr));
    }

    fn visit_expr(&mut self, expr: &'a syn::Expr) {
        match expr {
            syn::Expr::Call(_) | syn::Expr::MethodCall(_) => (self.on_call)(&self.flow, expr),
            _ => {}
        }
        match expr {
            syn::Expr::Assign(a) => {
                self.visit_expr(&a.right);
                if let Some(name) = access_path(&a.left) {
                    let pat: syn::Pat = syn::Pat::Ident(syn::PatIdent {
                        attrs: Vec::new(),
                        by_ref: None,
                        mutability: None,
                        ident: syn::Ident::new(
                            name.split('.').next().unwrap_or("_"),
                            proc_macro2::Span::call_site(),
                        ),
                        subpat: None,
                    });
                    if !name.contains('.') {
                        self.flow.bind(&pat, Some(&a.right));
                    } else if let Some(input) = self.flow.taint(&a.right) {
                        self.flow.tainted.insert(name, input);
                    }
                }
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::AddAssign(_)) => {
                syn::visit::visit_expr(self, expr);
                if let Some(input) = self.flow.taint(&b.right)
                    && let Some(name) = access_path(&b.left)
                {
                    self.flow.tainted.insert(name, input);
                }
            }
            syn::Expr::MethodCall(m) => {
                syn::visit::visit_expr(self, expr);
                let method = m.method.to_string();
                // Building a value in place from input: `s.push_str(&p.x)`, `path.push(&p.x)`.
                if matches!(
                    method.as_str(),
                    "push" | "push_str" | "extend" | "insert" | "insert_str" | "set_path"
                ) && let Some(input) = m.args.iter().find_map(|a| self.flow.taint(a))
                    && let Some(name) = access_path(&m.receiver)
                {
                    self.flow.tainted.insert(name, input);
                }
                if is_validator(&method) {
                    m.args.iter().for_each(|a| self.flow.validate(a));
                    if m.args.is_empty() {
                        self.flow.validate(&m.receiver);
                    }
                }
            }
            syn::Expr::Call(c) => {
                syn::visit::visit_expr(self, expr);
                if let syn::Expr::Path(p) = &*c.func
                    && p.path
                        .segments
                        .last()
                        .is_some_and(|s| is_validator(&s.ident.to_string()))
                {
                    c.args.iter().for_each(|a| self.flow.validate(a));
                }
            }
            syn::Expr::If(i) => {
                self.visit_expr(&i.cond);
                self.visit_block(&i.then_branch);
                if let Some((_, e)) = &i.else_branch {
                    self.visit_expr(e);
                }
                if diverges(&i.then_branch) && confining_check(&self.flow, &i.cond) {
                    self.flow.validate(&i.cond);
                }
            }
            syn::Expr::Let(l) => {
                self.visit_expr(&l.expr);
                self.flow.bind(&l.pat, Some(&l.expr));
            }
            syn::Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                self.flow.bind(&f.pat, Some(&f.expr));
                self.visit_block(&f.body);
            }
            syn::Expr::Match(m) => {
                self.visit_expr(&m.expr);
                for arm in &m.arms {
                    self.flow.bind(&arm.pat, Some(&m.expr));
                    if let Some((_, guard)) = &arm.guard {
                        self.visit_expr(guard);
                    }
                    self.visit_expr(&arm.body);
                }
            }
            _ => syn::visit::visit_expr(self, expr),
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Some(args) = macro_args(mac) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    // Items nested in a tool function are not the tool's flow.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Calls `body` with the block of every function in `file` (free functions and methods, nested
/// ones included), in source order.
pub fn each_fn_body<'a>(file: &'a syn::File, body: impl FnMut(&'a syn::Block)) {
    struct Bodies<F>(F);
    impl<'a, F: FnMut(&'a syn::Block)> syn::visit::Visit<'a> for Bodies<F> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            (self.0)(&f.block);
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            (self.0)(&f.block);
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    syn::visit::Visit::visit_file(&mut Bodies(body), file);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_captures_are_found() {
        assert_eq!(
            inline_captures("{base}/{{x}}/{} {p:?} {0}"),
            vec!["base".to_string(), "p".to_string()]
        );
    }
}
