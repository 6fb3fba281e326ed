//! Finding MCP items in source: `#[tool]` and `#[prompt]` functions with their names,
//! descriptions and doc comments, and the metadata strings clients and models will read.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::source::SourceFile;

/// A `#[tool]` (or `#[prompt]`) function.
pub struct ItemFn<'a> {
    pub func: &'a syn::ImplItemFn,
    /// The name clients see: `name = ".."` in the attribute, else the function's name.
    pub name: String,
    pub name_span: Span,
    /// `description = ".."` in the attribute.
    pub description: Option<(String, Span)>,
    /// The doc comment, lines joined with `\n`.
    pub doc: String,
    /// The type whose `impl` block holds it (`Counter` for `impl Counter`, `impl<S> Counter<S>`
    /// or `impl Trait for Counter`): the server whose router lists it.
    pub owner: String,
    /// That type's path within the crate where the file says it (`common::counter::Counter` for a
    /// type defined in `src/common/counter.rs` or imported from there), else its name: two types
    /// of one name in different modules are different servers.
    pub server: String,
}

/// Every function carrying an attribute whose last path segment is `kind` (`tool`, `prompt`).
///
/// Found once per file and kind (a dozen rules ask): the first call walks the tree and notes
/// where each one sits; later calls read them from there.
pub fn item_fns<'a>(file: &'a SourceFile, kind: &str) -> Vec<ItemFn<'a>> {
    let index = file.item_fns_index(kind, || ItemFnsIndex::of(file, kind));
    match &*index {
        ItemFnsIndex::At(found) => found.iter().filter_map(|at| at.get(file)).collect(),
        ItemFnsIndex::Walk => find_item_fns(file, kind),
    }
}

/// Where a file's item functions of one kind sit, found once.
pub enum ItemFnsIndex {
    /// All of them sit in `impl` blocks at the top level or in inline modules.
    At(Vec<ItemFnAt>),
    /// Some sit deeper (an `impl` inside a function body): walk the tree each time.
    Walk,
}

/// One item function: the indices of the items leading to its `impl` block (through inline
/// modules), its index in the block, and what [`ItemFn`] says of it.
pub struct ItemFnAt {
    items: Vec<usize>,
    index: usize,
    name: String,
    name_span: Span,
    description: Option<(String, Span)>,
    doc: String,
    owner: String,
    server: String,
}

impl ItemFnAt {
    fn get<'a>(&self, file: &'a SourceFile) -> Option<ItemFn<'a>> {
        let (last, modules) = self.items.split_last()?;
        let mut items = &file.ast.items;
        for &k in modules {
            match items.get(k)? {
                syn::Item::Mod(m) => items = &m.content.as_ref()?.1,
                _ => return None,
            }
        }
        let syn::Item::Impl(block) = items.get(*last)? else {
            return None;
        };
        let syn::ImplItem::Fn(func) = block.items.get(self.index)? else {
            return None;
        };
        Some(ItemFn {
            func,
            name: self.name.clone(),
            name_span: self.name_span,
            description: self.description.clone(),
            doc: self.doc.clone(),
            owner: self.owner.clone(),
            server: self.server.clone(),
        })
    }
}

impl ItemFnsIndex {
    fn of(file: &SourceFile, kind: &str) -> Self {
        let found = find_item_fns(file, kind);
        let mut located = Vec::with_capacity(found.len());
        Self::locate(&file.ast.items, kind, &mut Vec::new(), &mut located);
        // Anything the walk finds that does not sit where `locate` looks: walk every time.
        let same = located.len() == found.len()
            && located
                .iter()
                .zip(&found)
                .all(|((_, func), f)| std::ptr::eq(*func, f.func));
        if !same {
            return Self::Walk;
        }
        Self::At(
            located
                .into_iter()
                .zip(found)
                .map(|((mut at, _), f)| {
                    (at.name, at.name_span, at.description, at.doc) =
                        (f.name, f.name_span, f.description, f.doc);
                    (at.owner, at.server) = (f.owner, f.server);
                    at
                })
                .collect(),
        )
    }

    /// Notes, in source order, every function with a `kind` attribute in an `impl` block among
    /// `items` or the inline modules below them.
    fn locate<'a>(
        items: &'a [syn::Item],
        kind: &str,
        path: &mut Vec<usize>,
        out: &mut Vec<(ItemFnAt, &'a syn::ImplItemFn)>,
    ) {
        for (k, item) in items.iter().enumerate() {
            path.push(k);
            match item {
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        Self::locate(inner, kind, path, out);
                    }
                }
                syn::Item::Impl(block) => {
                    for (index, inner) in block.items.iter().enumerate() {
                        if let syn::ImplItem::Fn(func) = inner
                            && func
                                .attrs
                                .iter()
                                .any(|a| a.path().segments.last().is_some_and(|s| s.ident == kind))
                        {
                            let at = ItemFnAt {
                                items: path.clone(),
                                index,
                                name: String::new(),
                                name_span: Span::call_site(),
                                description: None,
                                doc: String::new(),
                                owner: String::new(),
                                server: String::new(),
                            };
                            out.push((at, func));
                        }
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
}

/// [`item_fns`] by walking the whole tree.
fn find_item_fns<'a>(file: &'a SourceFile, kind: &str) -> Vec<ItemFn<'a>> {
    struct Finder<'a, 'k> {
        file: &'a SourceFile,
        kind: &'k str,
        owner: String,
        /// The current `impl`'s type, and its path in the crate once a function needs it.
        self_ty: Option<&'a syn::Path>,
        server: Option<String>,
        /// The inline modules around the current item.
        modules: Vec<String>,
        found: Vec<ItemFn<'a>>,
    }
    impl<'a> Visit<'a> for Finder<'a, '_> {
        fn visit_item_mod(&mut self, item: &'a syn::ItemMod) {
            self.modules.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.modules.pop();
        }
        fn visit_item_impl(&mut self, item: &'a syn::ItemImpl) {
            let (owner, self_ty) = match &*item.self_ty {
                syn::Type::Path(p) => (
                    p.path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    Some(&p.path),
                ),
                _ => (String::new(), None),
            };
            let saved = (
                std::mem::replace(&mut self.owner, owner),
                std::mem::replace(&mut self.self_ty, self_ty),
                self.server.take(),
            );
            syn::visit::visit_item_impl(self, item);
            (self.owner, self.self_ty, self.server) = saved;
        }
        fn visit_impl_item_fn(&mut self, func: &'a syn::ImplItemFn) {
            let attr = func.attrs.iter().find(|a| {
                a.path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == self.kind)
            });
            if let Some(attr) = attr {
                let (mut name, mut name_span) = (func.sig.ident.to_string(), func.sig.ident.span());
                let mut description = None;
                if let syn::Meta::List(_) = &attr.meta
                    && let Ok(args) = attr
                        .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                {
                    for arg in args {
                        if let syn::Meta::NameValue(nv) = arg
                            && let Some(s) = lit_str(&nv.value)
                        {
                            if nv.path.is_ident("name") {
                                (name, name_span) = (s.value(), s.span());
                            } else if nv.path.is_ident("description") {
                                description = Some((s.value(), s.span()));
                            }
                        }
                    }
                }
                let server = self.server_path();
                self.found.push(ItemFn {
                    func,
                    name,
                    name_span,
                    description,
                    doc: doc_text(&func.attrs),
                    owner: self.owner.clone(),
                    server,
                });
            }
            syn::visit::visit_impl_item_fn(self, func);
        }
    }
    impl Finder<'_, '_> {
        /// The current `impl` type's path in the crate, found once per `impl`.
        fn server_path(&mut self) -> String {
            let (file, modules, self_ty) = (self.file, &self.modules, self.self_ty);
            self.server
                .get_or_insert_with(|| {
                    self_ty.map_or_else(String::new, |p| server_path(file, modules, p))
                })
                .clone()
        }
    }
    let mut finder = Finder {
        file,
        kind,
        owner: String::new(),
        self_ty: None,
        server: None,
        modules: Vec::new(),
        found: Vec::new(),
    };
    finder.visit_file(&file.ast);
    finder.found
}

/// The path within the crate of the type an `impl` in the inline modules `modules` of `file`
/// names: through `use` items (`crate::`, `self::`, `super::` paths), or the module's own when
/// the file defines the type there; else the path as written (a type imported by a glob, or
/// from another crate, keeps its name).
fn server_path(file: &SourceFile, modules: &[String], path: &syn::Path) -> String {
    let resolved = file.resolve(path);
    let here = || {
        let mut module = crate::lint::rules::security::calls::file_module(&file.path);
        module.extend(modules.iter().cloned());
        module
    };
    let mut segments: Vec<&str> = resolved.split("::").collect();
    let module = match segments.first() {
        Some(&"crate") => {
            segments.remove(0);
            Vec::new()
        }
        Some(&"self" | &"super") => {
            let mut module = here();
            while let Some(first) = segments.first() {
                match *first {
                    "self" => {}
                    "super" => {
                        module.pop();
                    }
                    _ => break,
                }
                segments.remove(0);
            }
            module
        }
        Some(name) if segments.len() == 1 && defines_type(file, modules, name) => here(),
        _ => return resolved,
    };
    module
        .iter()
        .map(String::as_str)
        .chain(segments)
        .collect::<Vec<_>>()
        .join("::")
}

/// Whether `file` defines a struct, enum or union named `name` in its inline modules `modules`.
/// At the top level the whole file's text is searched, so that each part of a large file checked
/// in parts sees the same.
fn defines_type(file: &SourceFile, modules: &[String], name: &str) -> bool {
    if modules.is_empty() {
        return ["struct", "enum", "union"].iter().any(|kind| {
            let written = format!("{kind} {name}");
            // Remembered per file: every `impl` of a type asks again.
            if !file.text.contains(&written) {
                return false;
            }
            file.text.match_indices(&written).any(|(i, _)| {
                let before = file.text[..i].chars().next_back();
                let after = file.text[i + written.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        });
    }
    let mut items = &file.ast.items;
    for module in modules {
        let inner = items.iter().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == module => m.content.as_ref().map(|(_, i)| i),
            _ => None,
        });
        match inner {
            Some(inner) => items = inner,
            None => return false,
        }
    }
    items.iter().any(|item| match item {
        syn::Item::Struct(s) => s.ident == name,
        syn::Item::Enum(e) => e.ident == name,
        syn::Item::Union(u) => u.ident == name,
        _ => false,
    })
}

fn lit_str(expr: &syn::Expr) -> Option<&syn::LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// The text of `///` doc comments among `attrs`.
pub fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => lit_str(&nv.value).map(|s| s.value().trim().to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Strings clients show to models: every doc comment (tool, prompt and parameter docs become
/// descriptions), string arguments of `#[tool]`/`#[prompt]` attributes, and literals passed to
/// `with_description`, `with_title` and `with_instructions`.
///
/// Collected once per file (several rules ask).
pub fn metadata_strings(file: &SourceFile) -> &[(String, Span)] {
    file.cached()
        .metadata_strings
        .get_or_init(|| find_metadata_strings(file))
}

fn find_metadata_strings(file: &SourceFile) -> Vec<(String, Span)> {
    #[derive(Default)]
    struct Collector {
        found: Vec<(String, Span)>,
    }
    impl<'a> Visit<'a> for Collector {
        fn visit_attribute(&mut self, attr: &'a syn::Attribute) {
            let last = attr
                .path()
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if attr.path().is_ident("doc") {
                if let syn::Meta::NameValue(nv) = &attr.meta
                    && let Some(s) = lit_str(&nv.value)
                {
                    self.found.push((s.value(), attr.span()));
                }
            } else if matches!(last.as_str(), "tool" | "prompt")
                && let syn::Meta::List(list) = &attr.meta
            {
                collect_lit_strs(list.tokens.clone(), &mut self.found);
            }
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if matches!(
                call.method.to_string().as_str(),
                "with_description" | "with_title" | "with_instructions"
            ) {
                for arg in &call.args {
                    if let Some(s) = lit_str(arg) {
                        self.found.push((s.value(), s.span()));
                    }
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut collector = Collector::default();
    collector.visit_file(&file.ast);
    collector.found
}

/// String literals anywhere in an attribute's tokens (nested groups included).
pub fn collect_lit_strs(tokens: proc_macro2::TokenStream, out: &mut Vec<(String, Span)>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                    out.push((s.value(), lit.span()));
                }
            }
            proc_macro2::TokenTree::Group(g) => collect_lit_strs(g.stream(), out),
            _ => {}
        }
    }
}

/// A call found in the source.
pub struct Call {
    /// For `path(..)` calls, the resolved path; for method calls, the method name.
    pub name: String,
    pub span: Span,
    /// The arguments, for method calls and path calls alike.
    pub args: Vec<syn::Expr>,
    /// Inside a `#[tool]` function.
    pub in_tool: bool,
    pub method: bool,
}

/// Every path call (`a::b(..)`, resolved through `use`) and method call (`.m(..)`) in the file,
/// including those inside common macros whose arguments parse as expressions.
///
/// Collected once per file (a dozen rules ask).
pub fn calls(file: &SourceFile) -> &[Call] {
    file.cached().calls.get_or_init(|| find_calls(file))
}

fn find_calls(file: &SourceFile) -> Vec<Call> {
    struct Collector<'f> {
        file: &'f SourceFile,
        in_tool: bool,
        found: Vec<Call>,
    }
    impl<'a> Visit<'a> for Collector<'_> {
        fn visit_impl_item_fn(&mut self, func: &'a syn::ImplItemFn) {
            let tool = func
                .attrs
                .iter()
                .any(|a| a.path().segments.last().is_some_and(|s| s.ident == "tool"));
            let inside = tool || self.in_tool;
            let saved = std::mem::replace(&mut self.in_tool, inside);
            syn::visit::visit_impl_item_fn(self, func);
            self.in_tool = saved;
        }
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                self.found.push(Call {
                    name: self.file.resolve(&p.path),
                    span: call.span(),
                    args: call.args.iter().cloned().collect(),
                    in_tool: self.in_tool,
                    method: false,
                });
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            self.found.push(Call {
                name: call.method.to_string(),
                span: call.method.span(),
                args: call.args.iter().cloned().collect(),
                in_tool: self.in_tool,
                method: true,
            });
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Ok(args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    let mut collector = Collector {
        file,
        in_tool: false,
        found: Vec::new(),
    };
    collector.visit_file(&file.ast);
    collector.found
}

/// Whether a file holds team items: it sits in a `tools/`, `resources/` or `prompts/` folder, or
/// defines a `#[tool]` or `#[prompt]` function. Platform-bypass rules apply there.
pub fn is_item_module(file: &SourceFile) -> bool {
    ["tools/", "resources/", "prompts/"]
        .iter()
        .any(|d| file.path.starts_with(d) || file.path.contains(&format!("/{d}")))
        || !item_fns(file, "tool").is_empty()
        || !item_fns(file, "prompt").is_empty()
}

/// The literal value of an expression that is a string, bool or integer literal.
pub fn literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit, .. }) => match lit {
            syn::Lit::Str(s) => Some(s.value()),
            syn::Lit::Bool(b) => Some(b.value.to_string()),
            syn::Lit::Int(i) => Some(i.base10_digits().to_string()),
            _ => None,
        },
        syn::Expr::Reference(r) => literal(&r.expr),
        _ => None,
    }
}

/// Whether a path call's resolved name matches an entry (a trailing `::` matches everything below).
pub fn matches_path(name: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| {
        if p.ends_with("::") {
            name.starts_with(p)
        } else {
            name == *p
        }
    })
}

/// `T` in an argument typed `Parameters<T>`.
pub fn params_type(sig: &syn::Signature) -> Option<String> {
    sig.inputs.iter().find_map(|arg| {
        let syn::FnArg::Typed(typed) = arg else {
            return None;
        };
        let syn::Type::Path(p) = &*typed.ty else {
            return None;
        };
        let last = p.path.segments.last()?;
        if last.ident != "Parameters" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(syn::Type::Path(t)) => {
                t.path.segments.last().map(|s| s.ident.to_string())
            }
            _ => None,
        })
    })
}

/// The named fields of struct `name` defined in the file: name, doc text, and where.
pub fn struct_fields(file: &SourceFile, name: &str) -> Option<Vec<(String, String, Span)>> {
    struct Finder<'n> {
        name: &'n str,
        found: Option<Vec<(String, String, Span)>>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
            if item.ident == self.name {
                let fields = item
                    .fields
                    .iter()
                    .filter_map(|f| {
                        f.ident
                            .as_ref()
                            .map(|i| (i.to_string(), doc_text(&f.attrs), i.span()))
                    })
                    .collect();
                self.found = Some(fields);
            }
        }
    }
    let mut finder = Finder { name, found: None };
    finder.visit_file(&file.ast);
    finder.found
}

/// The identifiers of a path's segments, in order (`std::process::Command` →
/// `["std", "process", "Command"]`).
pub fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// A macro's name: its path's last segment (`tracing::info!` → `info`).
pub fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The arguments of a function's `#[tool(..)]` attribute (empty for a bare `#[tool]`).
pub fn tool_args(func: &syn::ImplItemFn) -> Vec<syn::Meta> {
    func.attrs
        .iter()
        .find(|a| a.path().segments.last().is_some_and(|s| s.ident == "tool"))
        .and_then(|a| match &a.meta {
            syn::Meta::List(_) => a
                .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .ok(),
            _ => None,
        })
        .map(|args| args.into_iter().collect())
        .unwrap_or_default()
}

/// A hint of a tool's `annotations(..)` set to a literal (`read_only_hint = true`).
pub struct Hint {
    pub name: String,
    pub value: bool,
    pub span: Span,
}

/// The `annotations(..)` of a `#[tool]`: its hints set to literals. `None`: the tool has no
/// `annotations(..)`.
pub fn annotations(func: &syn::ImplItemFn) -> Option<Vec<Hint>> {
    let list = tool_args(func).into_iter().find_map(|m| match m {
        syn::Meta::List(l) if l.path.is_ident("annotations") => Some(l),
        _ => None,
    })?;
    let hints = list
        .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .map(|args| {
            args.into_iter()
                .filter_map(|m| match m {
                    syn::Meta::NameValue(nv) => {
                        let name = nv.path.get_ident()?.to_string();
                        match &nv.value {
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Bool(b),
                                ..
                            }) => Some(Hint {
                                name,
                                value: b.value,
                                span: b.span(),
                            }),
                            _ => None,
                        }
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(hints)
}

/// What a tool's body does that its annotations speak about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Writes or removes files, runs a process, or sends a mutating HTTP request.
    Mutates,
    /// Reaches the network (an HTTP client, a URL fetcher).
    Network,
}

/// File-system and process calls that change the world, by resolved path.
const MUTATING_CALLS: &[&str] = &[
    "std::fs::write",
    "std::fs::remove_file",
    "std::fs::remove_dir",
    "std::fs::remove_dir_all",
    "std::fs::create_dir",
    "std::fs::create_dir_all",
    "std::fs::rename",
    "std::fs::copy",
    "std::fs::set_permissions",
    "std::fs::File::create",
    "tokio::fs::write",
    "tokio::fs::remove_file",
    "tokio::fs::remove_dir",
    "tokio::fs::remove_dir_all",
    "tokio::fs::create_dir",
    "tokio::fs::create_dir_all",
    "tokio::fs::rename",
    "tokio::fs::copy",
    "tokio::fs::set_permissions",
    "tokio::fs::File::create",
    "std::process::Command::new",
    "tokio::process::Command::new",
];

/// Network clients by resolved path (a trailing `::` matches everything below).
const NETWORK_CALLS: &[&str] = &["reqwest::", "hyper_util::client::", "ureq::", "isahc::"];

/// The effects of a function body, each with the call that has it (first of each kind first).
/// Calls are matched through the file's `use` items; HTTP verbs (`.post(..)`, `.put(..)`,
/// `.patch(..)`, `.delete(..)`) count only in a file that names `reqwest`, and `.fetch(..)` on
/// anything is a URL fetch (the platform's `UrlFetcher`).
pub fn effects(file: &SourceFile, block: &syn::Block) -> Vec<(Effect, String, Span)> {
    struct Finder<'f> {
        file: &'f SourceFile,
        http: bool,
        found: Vec<(Effect, String, Span)>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                let name = name.trim_start_matches("::").to_string();
                if matches_path(&name, MUTATING_CALLS) {
                    self.found
                        .push((Effect::Mutates, format!("`{name}`"), call.span()));
                }
                if matches_path(&name, NETWORK_CALLS) {
                    self.found
                        .push((Effect::Network, format!("`{name}`"), call.span()));
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            let method = call.method.to_string();
            if self.http && matches!(method.as_str(), "post" | "put" | "patch" | "delete") {
                self.found.push((
                    Effect::Mutates,
                    format!("an HTTP `{}`", method.to_uppercase()),
                    call.method.span(),
                ));
                self.found.push((
                    Effect::Network,
                    format!("an HTTP `{}`", method.to_uppercase()),
                    call.method.span(),
                ));
            }
            if method == "fetch" {
                self.found.push((
                    Effect::Network,
                    "`.fetch(..)`".to_string(),
                    call.method.span(),
                ));
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Ok(args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    let mut finder = Finder {
        file,
        http: file.text.contains("reqwest"),
        found: Vec::new(),
    };
    finder.visit_block(block);
    finder.found
}

/// The type inside `Wrapper<T>` when `ty` is (a reference to, a `Result` of) `Wrapper<T>`.
pub fn wrapped_type<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let first = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })?;
    if last.ident == wrapper {
        Some(first)
    } else if last.ident == "Result" {
        wrapped_type(first, wrapper)
    } else {
        None
    }
}

/// Whether a type's JSON schema cannot have an object at its root: sequences, scalars, strings,
/// tuples, `Option` of those. Structs, maps and types not known here are given the benefit.
pub fn non_object_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Tuple(_) | syn::Type::Array(_) | syn::Type::Slice(_) => {
            Some("a tuple or array".to_string())
        }
        syn::Type::Reference(r) => non_object_type(&r.elem),
        syn::Type::Path(p) => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            match name.as_str() {
                "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" => {
                    Some(format!("a list (`{name}`)"))
                }
                "String" | "str" | "bool" | "char" | "f32" | "f64" | "i8" | "i16" | "i32"
                | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                    Some(format!("a scalar (`{name}`)"))
                }
                "Option" | "Box" | "Arc" => wrapped_type(ty, &name).and_then(non_object_type),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The strings a model reads about this file's tools and prompts, narrower than
/// [`metadata_strings`]: each `#[tool]`/`#[prompt]`'s description (attribute, else doc comment)
/// with its name, the doc comments of the fields of their `Parameters<T>` structs, and literals
/// passed to `with_description`, `with_title` and `with_instructions`. Module and platform doc
/// comments are not among them.
///
/// Collected once per file (several rules ask).
pub fn model_facing_strings(file: &SourceFile) -> &[(String, String, Span)] {
    file.cached()
        .model_facing_strings
        .get_or_init(|| find_model_facing_strings(file))
}

fn find_model_facing_strings(file: &SourceFile) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    let mut structs = Vec::new();
    // Every struct's documented fields, in one pass over the file.
    let mut fields: std::collections::HashMap<String, Vec<(String, String, Span)>> =
        std::collections::HashMap::new();
    struct Structs<'m> {
        fields: &'m mut std::collections::HashMap<String, Vec<(String, String, Span)>>,
    }
    impl<'a> Visit<'a> for Structs<'_> {
        fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
            let named = item
                .fields
                .iter()
                .filter_map(|f| {
                    f.ident
                        .as_ref()
                        .map(|i| (i.to_string(), doc_text(&f.attrs), i.span()))
                })
                .collect();
            self.fields.insert(item.ident.to_string(), named);
        }
    }
    Structs {
        fields: &mut fields,
    }
    .visit_file(&file.ast);
    for kind in ["tool", "prompt"] {
        for item in item_fns(file, kind) {
            match &item.description {
                Some((d, span)) => out.push((item.name.clone(), d.clone(), *span)),
                None if !item.doc.is_empty() => {
                    let span = item
                        .func
                        .attrs
                        .iter()
                        .find(|a| a.path().is_ident("doc"))
                        .map_or(item.name_span, |a| a.span());
                    out.push((item.name.clone(), item.doc.clone(), span));
                }
                None => {}
            }
            if let Some(params) = params_type(&item.func.sig)
                && !structs.contains(&params)
            {
                for (field, doc, span) in fields.get(&params).cloned().unwrap_or_default() {
                    if !doc.is_empty() {
                        out.push((format!("{}.{field}", item.name), doc, span));
                    }
                }
                structs.push(params);
            }
        }
    }
    struct Calls<'o> {
        out: &'o mut Vec<(String, String, Span)>,
    }
    impl<'a> Visit<'a> for Calls<'_> {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            let method = call.method.to_string();
            if matches!(
                method.as_str(),
                "with_description" | "with_title" | "with_instructions"
            ) {
                for arg in &call.args {
                    if let Some(s) = lit_str(arg) {
                        self.out.push((method.clone(), s.value(), s.span()));
                    }
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    Calls { out: &mut out }.visit_file(&file.ast);
    out
}
