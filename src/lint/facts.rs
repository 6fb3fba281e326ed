//! Facts about a whole crate derived from resolved paths, not text: each file contributes what
//! its paths resolve to (through its `use` items, aliases and globs) and what it re-exports, and
//! [`CrateFacts::of`] follows re-exports within the crate to decide, for example, whether the
//! crate serves MCP over stdio.
//!
//! It owns only these derivations. Rules read the results; the engine decides when they run.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::visit::Visit;

use super::source::SourceFile;

/// rmcp's stdio transports, under every path rmcp publishes them.
const STDIO_TRANSPORTS: &[&str] = &[
    "rmcp::transport::stdio",
    "rmcp::transport::stdio_pipes",
    "rmcp::transport::io::stdio",
    "rmcp::transport::io::stdio_pipes",
];

/// Modules whose glob imports can bring a stdio transport into scope.
const STDIO_GLOBS: &[&str] = &["rmcp::transport", "rmcp::transport::io"];

/// How many re-exports a path is followed through before giving up (a cycle is not valid Rust,
/// but a linter must not loop on it).
const MAX_HOPS: usize = 16;

/// What one file says about the crate, gathered while it is parsed. Paths into the crate are
/// kept relative to the file's module (`self::…`, `super::…`) until the crate is known: whether
/// a file is a crate root depends on the other files.
#[derive(Debug, Clone, Default)]
pub struct PathFacts {
    /// The file, relative to the linted root.
    pub path: String,
    /// The file names a stdio transport directly: `stdio()` after `use rmcp::transport::stdio;`,
    /// `rmcp::transport::io::stdio_pipes()`, or `(tokio::io::stdin(), tokio::io::stdout())`.
    pub stdio: bool,
    /// Paths into this crate the file uses (`crate::platform::pipes`, `self::io::open`).
    pub paths: BTreeSet<String>,
    /// What the file re-exports: `self::name` → the path it stands for.
    pub reexports: Vec<(String, String)>,
    /// Modules it declares from other files (`mod platform;`).
    pub mods: Vec<String>,
}

impl PathFacts {
    pub fn of(file: &SourceFile) -> Self {
        let mut collector = Collector {
            file,
            inline: Vec::new(),
            // The whole file's modules and globs: a part of a large file may use a module
            // another part declares.
            children: file.modules().clone(),
            globs: file
                .glob_imports()
                .iter()
                .any(|g| STDIO_GLOBS.contains(&g.as_str())),
            facts: PathFacts {
                path: file.path.clone(),
                mods: file
                    .ast
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        syn::Item::Mod(m) if m.content.is_none() => Some(m.ident.to_string()),
                        _ => None,
                    })
                    .collect(),
                ..PathFacts::default()
            },
        };
        collector.reexports(&file.ast.items);
        collector.visit_file(&file.ast);
        collector.facts
    }

    /// Adds what the file's next part says (a large file is checked a part at a time).
    pub fn extend(&mut self, part: PathFacts) {
        self.stdio |= part.stdio;
        self.paths.extend(part.paths);
        self.reexports.extend(part.reexports);
        self.mods.extend(part.mods);
    }
}

/// Facts about a whole package's crates.
#[derive(Debug, Clone, Default)]
pub struct CrateFacts {
    /// Files that are part of a crate serving MCP over stdin/stdout, where stdout belongs to the
    /// protocol.
    stdio_files: BTreeSet<String>,
    /// The files each program of the package is built from: a binary's own files with the
    /// library it links (or the library alone when there is no binary), and files no root
    /// reaches. Crate-wide rules judge one program at a time.
    programs: Vec<BTreeSet<String>>,
}

impl CrateFacts {
    /// Groups the package's files into crates (a root — `main.rs`, `lib.rs`, `src/bin/*`, or a
    /// top-level file no other root declares, as in an examples package — and the files its
    /// `mod` items reach) and decides each crate's facts. Binaries link the library, so a
    /// library serving stdio makes every binary a stdio server and the other way round.
    pub fn of<'a>(files: impl IntoIterator<Item = &'a PathFacts>) -> Self {
        let files: Vec<&PathFacts> = files.into_iter().collect();
        let layout: Vec<Vec<String>> = files.iter().map(|f| module_of(&f.path)).collect();
        let declared_at_top = |name: &str, me: usize| {
            files
                .iter()
                .enumerate()
                .any(|(i, f)| i != me && layout[i].len() <= 2 && f.mods.iter().any(|m| m == name))
        };
        let is_root = |i: usize| {
            layout[i].len() == 1 || (layout[i].len() == 2 && !declared_at_top(&layout[i][1], i))
        };
        let module = |i: usize| {
            if is_root(i) {
                vec!["crate".to_string()]
            } else {
                layout[i].clone()
            }
        };
        let mut trees: Vec<(usize, BTreeSet<usize>)> = Vec::new();
        let mut reached = BTreeSet::new();
        for root in (0..files.len()).filter(|&i| is_root(i)) {
            let mut tree = BTreeSet::from([root]);
            let mut queue = vec![root];
            while let Some(at) = queue.pop() {
                let base = module(at);
                for child in &files[at].mods {
                    let wanted: Vec<String> = base.iter().cloned().chain([child.clone()]).collect();
                    for (i, _) in files.iter().enumerate() {
                        if !is_root(i) && layout[i] == wanted && tree.insert(i) {
                            queue.push(i);
                        }
                    }
                }
            }
            reached.extend(tree.iter().copied());
            trees.push((root, tree));
        }
        // Files no root reaches (not compiled, or declared in ways not followed, such as
        // `#[path]`) are in a stdio server when any crate of the package is, or when they name a
        // transport themselves.
        let orphans: Vec<usize> = (0..files.len()).filter(|i| !reached.contains(i)).collect();

        let serves = |tree: &BTreeSet<usize>| {
            let members: Vec<usize> = tree.iter().copied().collect();
            if members.iter().any(|&i| files[i].stdio) {
                return true;
            }
            let mut reexports: BTreeMap<String, String> = BTreeMap::new();
            for &i in &members {
                for (key, target) in &files[i].reexports {
                    reexports.insert(absolute(key, &module(i)), absolute(target, &module(i)));
                }
            }
            members.iter().any(|&i| {
                files[i]
                    .paths
                    .iter()
                    .any(|p| is_stdio_transport(&follow(&absolute(p, &module(i)), &reexports)))
            })
        };
        let lib = |root: usize| files[root].path.ends_with("src/lib.rs");
        let stdio: Vec<bool> = trees.iter().map(|(_, tree)| serves(tree)).collect();
        let lib_stdio = trees.iter().zip(&stdio).any(|((r, _), s)| lib(*r) && *s);
        let bin_stdio = trees.iter().zip(&stdio).any(|((r, _), s)| !lib(*r) && *s);
        let mut stdio_files = BTreeSet::new();
        for ((root, tree), serves) in trees.iter().zip(&stdio) {
            let linked = if lib(*root) { bin_stdio } else { lib_stdio };
            if *serves || linked {
                stdio_files.extend(tree.iter().map(|&i| files[i].path.clone()));
            }
        }
        if stdio.iter().any(|s| *s) || orphans.iter().any(|&i| files[i].stdio) {
            stdio_files.extend(orphans.iter().map(|&i| files[i].path.clone()));
        }

        let paths = |set: &mut BTreeSet<String>, of: &mut dyn Iterator<Item = usize>| {
            set.extend(of.map(|i| files[i].path.clone()));
        };
        let mut shared = BTreeSet::new();
        for (root, tree) in &trees {
            if lib(*root) {
                paths(&mut shared, &mut tree.iter().copied());
            }
        }
        paths(&mut shared, &mut orphans.iter().copied());
        let mut programs: Vec<BTreeSet<String>> = trees
            .iter()
            .filter(|(root, _)| !lib(*root))
            .map(|(_, tree)| {
                let mut program = shared.clone();
                paths(&mut program, &mut tree.iter().copied());
                program
            })
            .collect();
        if programs.is_empty() && !shared.is_empty() {
            programs.push(shared);
        }
        Self {
            stdio_files,
            programs,
        }
    }

    /// The files of each program the package builds (see [`CrateFacts`]); a file shared by
    /// several binaries is in each of them.
    pub fn programs(&self) -> &[BTreeSet<String>] {
        &self.programs
    }

    /// Whether `path` belongs to a crate that serves MCP over stdio.
    pub fn in_stdio_server(&self, path: &str) -> bool {
        self.stdio_files.contains(path)
    }
}

fn is_stdio_transport(path: &str) -> bool {
    STDIO_TRANSPORTS.contains(&path)
}

/// `path` through the crate's re-exports: the longest re-exported prefix is replaced by what it
/// stands for, until none applies.
fn follow(path: &str, reexports: &BTreeMap<String, String>) -> String {
    let mut path = path.to_string();
    for _ in 0..MAX_HOPS {
        let segments: Vec<&str> = path.split("::").collect();
        let hit = (1..=segments.len()).rev().find_map(|n| {
            let prefix = segments[..n].join("::");
            reexports.get(&prefix).map(|target| (n, target.clone()))
        });
        match hit {
            Some((n, target)) => {
                path = std::iter::once(target)
                    .chain(segments[n..].iter().map(|s| s.to_string()))
                    .collect::<Vec<_>>()
                    .join("::");
            }
            None => break,
        }
    }
    path
}

/// The module path of a file from where it sits below `src/` (`src/platform/mod.rs` →
/// `crate::platform`); `main.rs`, `lib.rs` and `src/bin/*` are `crate`.
fn module_of(path: &str) -> Vec<String> {
    let below = path.rsplit_once("src/").map_or(path, |(_, rest)| rest);
    let mut parts: Vec<&str> = below.trim_end_matches(".rs").split('/').collect();
    if parts.first() == Some(&"bin") || matches!(parts.as_slice(), ["main" | "lib"]) {
        return vec!["crate".into()];
    }
    if parts.last() == Some(&"mod") {
        parts.pop();
    }
    std::iter::once("crate")
        .chain(parts)
        .map(str::to_string)
        .collect()
}

/// Names of the modules declared among `items` (`mod platform;`, `mod wire { .. }`).
fn child_modules(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// A path relative to a file's module (`self::…`, `super::…`) made absolute with `module`;
/// `crate::…` and other crates' paths are returned as they are, without a leading `::`.
fn absolute(path: &str, module: &[String]) -> String {
    let mut segments: Vec<&str> = path.trim_start_matches("::").split("::").collect();
    let mut base: Vec<String> = Vec::new();
    let mut relative = false;
    while let Some(first) = segments.first() {
        match *first {
            "self" if !relative => {
                base = module.to_vec();
                relative = true;
            }
            "super" => {
                if !relative {
                    base = module.to_vec();
                    relative = true;
                }
                if base.len() > 1 {
                    base.pop();
                }
            }
            _ => break,
        }
        segments.remove(0);
    }
    base.into_iter()
        .chain(segments.into_iter().map(str::to_string))
        .collect::<Vec<_>>()
        .join("::")
}

struct Collector<'f> {
    file: &'f SourceFile,
    /// Inline modules the visitor is in, outermost first.
    inline: Vec<String>,
    /// Modules declared where the visitor is.
    children: BTreeSet<String>,
    globs: bool,
    facts: PathFacts,
}

impl Collector<'_> {
    /// Records `pub use` items of `items` and of inline modules below them.
    fn reexports(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Use(u) if !matches!(u.vis, syn::Visibility::Inherited) => {
                    self.reexport_tree(&mut Vec::new(), &u.tree);
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        self.inline.push(m.ident.to_string());
                        let saved = std::mem::replace(&mut self.children, child_modules(inner));
                        self.reexports(inner);
                        self.children = saved;
                        self.inline.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn reexport_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        let mut add = |name: String, target: &[String]| {
            let target = self.localise(&target.join("::"));
            let key = std::iter::once("self".to_string())
                .chain(self.inline.iter().cloned())
                .chain(std::iter::once(name))
                .collect::<Vec<_>>()
                .join("::");
            self.facts.reexports.push((key, target));
        };
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.reexport_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) if n.ident == "self" => {
                if let Some(last) = prefix.last().cloned() {
                    add(last, prefix);
                }
            }
            syn::UseTree::Name(n) => {
                let target = [prefix.as_slice(), &[n.ident.to_string()]].concat();
                add(n.ident.to_string(), &target);
            }
            // `use a::b::{self as c}` re-exports `a::b`.
            syn::UseTree::Rename(r) if r.ident == "self" => add(r.rename.to_string(), prefix),
            syn::UseTree::Rename(r) => {
                let target = [prefix.as_slice(), &[r.ident.to_string()]].concat();
                add(r.rename.to_string(), &target);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.reexport_tree(prefix, t);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }

    /// A written path relative to the file's module: `self::`/`super::` through the inline
    /// modules the visitor is in, and a path starting with a declared module (2018 paths start
    /// at the current module) as `self::…`. Other paths are returned as they are.
    fn localise(&self, path: &str) -> String {
        let mut segments: Vec<&str> = path.split("::").collect();
        let Some(first) = segments.first().copied() else {
            return String::new();
        };
        if !matches!(first, "self" | "super") && !self.children.contains(first) {
            return path.to_string();
        }
        let mut base: Vec<&str> = self.inline.iter().map(String::as_str).collect();
        let mut ups = 0;
        if first == "self" {
            segments.remove(0);
        }
        while segments.first() == Some(&"super") {
            if base.pop().is_none() {
                ups += 1;
            }
            segments.remove(0);
        }
        let head = if ups == 0 {
            vec!["self"]
        } else {
            vec!["super"; ups]
        };
        head.into_iter()
            .chain(base)
            .chain(segments)
            .collect::<Vec<_>>()
            .join("::")
    }

    fn path(&mut self, path: &syn::Path) {
        let Some(first) = path.segments.first() else {
            return;
        };
        let first = first.ident.to_string();
        // Most paths are local names or well-known crates: resolve only what can lead to a
        // transport, so big files stay cheap.
        let bare = path.segments.len() == 1 && path.leading_colon.is_none();
        if bare && self.globs && !self.file_imports(&first) {
            if STDIO_TRANSPORTS
                .iter()
                .any(|t| t.rsplit("::").next() == Some(first.as_str()))
            {
                self.facts.stdio = true;
            }
            return;
        }
        let interesting = self.file_imports(&first)
            || matches!(first.as_str(), "crate" | "self" | "super" | "rmcp")
            || self.children.contains(&first);
        if !interesting {
            return;
        }
        let resolved = self.file.resolve(path);
        let local = self.localise(resolved.trim_start_matches("::"));
        if is_stdio_transport(&local) {
            self.facts.stdio = true;
        } else if ["crate::", "self::", "super::"]
            .iter()
            .any(|p| local.starts_with(p))
        {
            self.facts.paths.insert(local);
        }
    }

    fn file_imports(&self, name: &str) -> bool {
        self.file.imports(name)
    }

    /// `(tokio::io::stdin(), tokio::io::stdout())` (or the same as a call's arguments): a
    /// hand-made stdio transport, the shape of rmcp's `memory_stdio` example.
    fn stdin_stdout_pair<'e>(&self, exprs: impl IntoIterator<Item = &'e syn::Expr>) -> bool {
        let (mut stdin, mut stdout) = (false, false);
        for e in exprs {
            if let syn::Expr::Call(call) = e
                && let syn::Expr::Path(p) = &*call.func
            {
                match self.file.resolve(&p.path).as_str() {
                    "tokio::io::stdin" => stdin = true,
                    "tokio::io::stdout" => stdout = true,
                    _ => {}
                }
            }
        }
        stdin && stdout
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        self.path(&e.path);
        syn::visit::visit_expr_path(self, e);
    }

    fn visit_expr_tuple(&mut self, e: &'ast syn::ExprTuple) {
        if self.stdin_stdout_pair(&e.elems) {
            self.facts.stdio = true;
        }
        syn::visit::visit_expr_tuple(self, e);
    }

    fn visit_expr_call(&mut self, e: &'ast syn::ExprCall) {
        if self.stdin_stdout_pair(&e.args) {
            self.facts.stdio = true;
        }
        syn::visit::visit_expr_call(self, e);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Paths inside an inline module are relative to it.
        let Some((_, inner)) = &m.content else {
            return;
        };
        self.inline.push(m.ident.to_string());
        let saved = std::mem::replace(&mut self.children, child_modules(inner));
        syn::visit::visit_item_mod(self, m);
        self.children = saved;
        self.inline.pop();
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Macro bodies are opaque to syn (`tokio::select! { r = serve(stdio()) => .. }`): the
        // paths written in them are read from the tokens; a stdin/stdout pair is looked for
        // when the body parses as comma-separated expressions.
        for path in token_paths(mac.tokens.clone()) {
            self.path(&path);
        }
        if let Ok(args) =
            mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            && self.stdin_stdout_pair(&args)
        {
            self.facts.stdio = true;
        }
    }
}

/// The paths (`a::b::c`) written in a token stream, nested groups included.
fn token_paths(tokens: proc_macro2::TokenStream) -> Vec<syn::Path> {
    use proc_macro2::TokenTree;
    let mut found = Vec::new();
    let mut current: Vec<syn::Ident> = Vec::new();
    let mut leading = false;
    let mut colons = 0;
    let flush = |current: &mut Vec<syn::Ident>, leading: &mut bool, found: &mut Vec<syn::Path>| {
        if !current.is_empty() {
            let mut path = syn::Path {
                leading_colon: leading.then(Default::default),
                segments: Punctuated::new(),
            };
            for ident in current.drain(..) {
                path.segments.push(syn::PathSegment::from(ident));
            }
            found.push(path);
        }
        *leading = false;
    };
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) if colons == 2 || current.is_empty() => {
                current.push(ident);
                colons = 0;
            }
            TokenTree::Ident(ident) => {
                flush(&mut current, &mut leading, &mut found);
                current.push(ident);
                colons = 0;
            }
            TokenTree::Punct(p) if p.as_char() == ':' && colons < 2 => {
                if current.is_empty() && colons == 0 {
                    leading = true;
                }
                colons += 1;
            }
            TokenTree::Group(g) => {
                flush(&mut current, &mut leading, &mut found);
                colons = 0;
                found.extend(token_paths(g.stream()));
            }
            _ => {
                flush(&mut current, &mut leading, &mut found);
                colons = 0;
            }
        }
    }
    flush(&mut current, &mut leading, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of `files` that belong to a stdio server.
    fn stdio_files(files: &[(&str, &str)]) -> Vec<String> {
        let parsed: Vec<PathFacts> = files
            .iter()
            .map(|(path, text)| {
                PathFacts::of(&SourceFile::parse(path.to_string(), text.to_string()).unwrap())
            })
            .collect();
        CrateFacts::of(&parsed).stdio_files.into_iter().collect()
    }

    /// Whether the package made of `files` serves over stdio (judged at its last file).
    fn serves(files: &[(&str, &str)]) -> bool {
        stdio_files(files)
            .iter()
            .any(|f| f == files.last().unwrap().0)
    }

    fn stdio(text: &str) -> bool {
        serves(&[("src/main.rs", text)])
    }

    #[test]
    fn the_shapes_of_rmcps_readme_and_examples_serve_stdio() {
        // README and examples/servers/src/counter_stdio.rs.
        assert!(stdio(
            "use rmcp::{ServiceExt, transport::stdio};\nasync fn main() { let s = Counter::new().serve(stdio()).await; }"
        ));
        // examples/servers/src/completion_stdio.rs: a nested group.
        assert!(stdio(
            "use rmcp::{ServiceExt, model::*, transport::{stdio, streamable_http_server::StreamableHttpService}};\nasync fn run() { server.serve(stdio()).await; }"
        ));
        // examples/servers/src/memory_stdio.rs: a hand-made pair.
        assert!(stdio(
            "async fn main() { let io = (tokio::io::stdin(), tokio::io::stdout()); server.serve(io).await; }"
        ));
        assert!(stdio(
            "use tokio::io::{stdin, stdout};\nasync fn main() { server.serve((stdin(), stdout())).await; }"
        ));
        assert!(stdio(
            "async fn main() { server.serve(rmcp::transport::stdio()).await; }"
        ));
        assert!(stdio(
            "async fn main() { server.serve(::rmcp::transport::io::stdio_pipes()).await; }"
        ));
        assert!(stdio(
            "use rmcp::transport::io::stdio as s;\nasync fn main() { server.serve(s()).await; }"
        ));
        assert!(stdio(
            "use rmcp::transport;\nasync fn main() { server.serve(transport::stdio()).await; }"
        ));
        assert!(stdio(
            "use rmcp::transport::*;\nasync fn main() { server.serve(stdio()).await; }"
        ));
        assert!(stdio(
            "async fn main() { tokio::select! { r = server.serve(rmcp::transport::stdio()) => {}, } }"
        ));
    }

    #[test]
    fn look_alikes_do_not_serve_stdio() {
        // A local function of the same name, a string, a comment, the client side.
        assert!(!stdio(
            "fn stdio() -> u8 { 0 }\nfn main() { let _ = stdio(); let _ = \"transport::stdio()\"; }"
        ));
        assert!(!stdio(
            "use rmcp::transport::TokioChildProcess;\nasync fn main() { let _ = TokioChildProcess::new(cmd); }"
        ));
        // Only stdout: a CLI, not a stdio transport.
        assert!(!stdio("fn main() { let _ = tokio::io::stdout(); }"));
        // Glob of another module.
        assert!(!stdio(
            "use std::io::*;\nfn stdio() {}\nfn main() { stdio(); }"
        ));
    }

    #[test]
    fn re_exports_within_the_crate_are_followed() {
        // `pub use` in a platform module, called by name elsewhere.
        assert!(serves(&[
            (
                "src/platform/mod.rs",
                "pub use rmcp::transport::stdio as pipes;\n"
            ),
            (
                "src/main.rs",
                "mod platform;\nuse crate::platform::pipes;\nasync fn main() { server.serve(pipes()).await; }"
            ),
        ]));
        // Through a re-exported module, a 2018-style relative path, and `super`.
        assert!(serves(&[
            ("src/net.rs", "pub use rmcp::transport;\n"),
            (
                "src/main.rs",
                "mod net;\nasync fn main() { server.serve(net::transport::stdio()).await; }"
            ),
        ]));
        assert!(serves(&[
            ("src/main.rs", "mod platform;\n"),
            (
                "src/platform/io.rs",
                "pub(crate) use rmcp::transport::{self as t};\n"
            ),
            (
                "src/platform/mod.rs",
                "mod io;\nmod run;\npub use self::io::t::stdio_pipes as open;\n"
            ),
            (
                "src/platform/run.rs",
                "async fn run() { server.serve(super::open()).await; }"
            ),
        ]));
        // An inline module.
        assert!(stdio(
            "mod wire { pub use rmcp::transport::stdio as open; }\nasync fn main() { server.serve(wire::open()).await; }"
        ));
        // A library that re-exports the transport but never calls it does not serve; another
        // re-exported item is not the transport.
        assert!(!serves(&[
            ("src/other.rs", "pub fn f() {}\n"),
            ("src/lib.rs", "pub use rmcp::transport::stdio as pipes;\n"),
        ]));
        assert!(!serves(&[
            (
                "src/platform/mod.rs",
                "pub use rmcp::transport::TokioChildProcess as pipes;\n"
            ),
            (
                "src/main.rs",
                "mod platform;\nasync fn main() { platform::pipes::new(cmd); }"
            ),
        ]));
    }

    #[test]
    fn each_binary_of_an_examples_package_is_its_own_crate() {
        // rmcp's examples/servers: every top-level file is an example's root; shared code in
        // `common/` belongs to each root that declares it.
        let files = [
            (
                "src/counter_stdio.rs",
                "use rmcp::{ServiceExt, transport::stdio};\nmod common;\nasync fn main() { common::counter::Counter::new().serve(stdio()).await; }",
            ),
            ("src/common/mod.rs", "pub mod counter;\n"),
            ("src/common/counter.rs", "pub struct Counter;\n"),
            (
                "src/counter_streamhttp.rs",
                "mod common;\nfn main() { println!(\"listening\"); }",
            ),
            ("src/mrtr.rs", "fn main() { println!(\"hi\"); }"),
        ];
        assert_eq!(
            stdio_files(&files),
            [
                "src/common/counter.rs",
                "src/common/mod.rs",
                "src/counter_stdio.rs"
            ]
        );
    }

    #[test]
    fn binaries_and_their_library_share_the_fact() {
        let lib_serves = [
            ("src/lib.rs", "pub mod platform;\n"),
            (
                "src/platform/mod.rs",
                "pub async fn serve() { server.serve(rmcp::transport::stdio_pipes()).await; }",
            ),
            ("src/bin/admin.rs", "fn main() { println!(\"x\"); }"),
            ("src/main.rs", "fn main() { println!(\"x\"); }"),
        ];
        assert_eq!(stdio_files(&lib_serves).len(), 4);
        let bin_serves = [
            ("src/lib.rs", "pub fn helper() {}\n"),
            (
                "src/main.rs",
                "use rmcp::transport::stdio;\nfn main() { server.serve(stdio()); }",
            ),
        ];
        assert_eq!(stdio_files(&bin_serves), ["src/lib.rs", "src/main.rs"]);
    }

    #[test]
    fn module_paths_come_from_file_paths() {
        assert_eq!(module_of("src/main.rs"), ["crate"]);
        assert_eq!(module_of("crates/a/src/lib.rs"), ["crate"]);
        assert_eq!(module_of("src/bin/tool.rs"), ["crate"]);
        assert_eq!(module_of("src/platform/mod.rs"), ["crate", "platform"]);
        assert_eq!(module_of("src/platform/io.rs"), ["crate", "platform", "io"]);
        assert_eq!(
            absolute(
                "super::open",
                &["crate".into(), "platform".into(), "run".into()]
            ),
            "crate::platform::open"
        );
    }
}
