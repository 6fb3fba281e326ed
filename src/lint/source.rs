//! A Rust file as rules see it: its text, its syntax tree without test-only code, a map of its
//! `use` imports for resolving paths, and helpers to turn spans into diagnostics.
//!
//! A large file is checked a part at a time ([`SourceFile::check`]): each part is a run of whole
//! top-level items, parsed alone, so peak memory follows the part, not the file. Rules see no
//! difference: every part carries the whole file's text, `use` map, glob imports and module
//! declarations, and its spans map to the file's lines and columns.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use proc_macro2::Span;
use syn::visit::Visit;

use super::diagnostic::{Diagnostic, Position};
use super::rules::RuleMeta;
use crate::edit::rust::LineIndex;

/// Facts about the crate a file belongs to, gathered before rules run.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrateContext {
    /// Configured rule thresholds.
    pub options: super::config::RuleOptions,
    /// The package's declared `rust-version` (major, minor, patch), when it has one.
    pub rust_version: Option<(u64, u64, u64)>,
}

/// Files up to this size are parsed whole; larger ones are checked in parts of about this size
/// (a syn tree takes about 180 bytes per byte of source, so a part peaks near 12 MB).
pub const PART_BYTES: usize = 64 * 1024;

/// Rules whose findings in one item depend on other items of the file, and what the engine
/// does about it when it checks a large file in parts. Found by reading every rule (2026-12-03).
/// A rule added to this kind must be listed here: the test
/// `files_checked_in_parts_have_the_findings_of_a_whole_parse` fails on its fixture otherwise.
pub const ACROSS_ITEMS: &[(&str, Across)] = &[
    ("MCP006", Across::ParamsStruct),
    // The enum a `Json<T>`/`Parameters<T>` names may be untagged in any item of the file.
    ("MCP011", Across::WholeFile(&["untagged"])),
    ("MCP012", Across::WholeFile(&["untagged"])),
    // `list_tools` iterates fields of structs declared in other items.
    ("MCP013", Across::WholeFile(&["list_tools"])),
    ("MCP102", Across::ParamsStruct),
    ("MCP104", Across::ItemModule),
    ("MCP105", Across::ItemModule),
    ("MCP112", Across::ItemModule),
    // Outbound clients in files defining tools are left to MCP104/MCP110.
    ("MCP208", Across::ItemModule),
    // A constant naming the session header may be defined in any item of the file.
    (
        "MCP213",
        Across::WholeFile(&["-session-id", "-Session-Id", "-Session-ID", "-SESSION-ID"]),
    ),
    // The struct a `Query<T>` names may be anywhere in the file. The word, not `Query<`: the
    // type can be written `Query::<T>` or with spaces.
    ("MCP307", Across::WholeFile(&["Query"])),
    ("MCP413", Across::WholeFile(&["Command"])),
    // A tool's parameter docs are model-facing text too.
    ("MCP604", Across::ParamsStruct),
    ("MCP605", Across::ParamsStruct),
    ("MCP607", Across::ParamsStruct),
];

/// How a rule looks across a file's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Across {
    /// It looks up a tool's `Parameters<T>` struct anywhere in the file (and reports each
    /// struct once): a tool, the structs its parameters name and the other tools naming them
    /// are kept in one part.
    ParamsStruct,
    /// It applies to files that define a `#[tool]` or `#[prompt]` anywhere (or sit in an item
    /// folder): every part of such a file gets at least one of them.
    ItemModule,
    /// It asks a question of the whole file: a file holding one of these words is parsed whole.
    WholeFile(&'static [&'static str]),
}

/// Which item-grouping constraints a file checked in parts must keep (see [`Across`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    pub params_structs: bool,
    pub item_module: bool,
}

impl Keep {
    /// What the enabled rules (`enabled(code)`) need kept together.
    pub fn for_rules(enabled: impl Fn(&str) -> bool) -> Self {
        let mut keep = Self::default();
        for (code, across) in ACROSS_ITEMS {
            if enabled(code) {
                match across {
                    Across::ParamsStruct => keep.params_structs = true,
                    Across::ItemModule => keep.item_module = true,
                    Across::WholeFile(_) => {}
                }
            }
        }
        keep
    }
}

/// Whether `text` must be checked whole because an enabled rule (`enabled(code)`) asks a
/// question of the whole file and finds its words in it.
pub fn needs_whole_file(text: &str, enabled: impl Fn(&str) -> bool) -> bool {
    ACROSS_ITEMS.iter().any(|(code, across)| match across {
        Across::WholeFile(words) => enabled(code) && words.iter().any(|w| text.contains(w)),
        _ => false,
    })
}

/// A parsed Rust file, or one part of a large one.
pub struct SourceFile {
    /// Path relative to the linted root, with `/`.
    pub path: String,
    /// The whole file's text, in every part.
    pub text: SourceText,
    /// The syntax tree with `#[cfg(test)]` items removed: rules judge shipped code. For a part
    /// of a large file, that part's items.
    pub ast: syn::File,
    scope: Rc<Scope>,
    lines: Rc<LineIndex>,
    /// The file's lines before this part (0 for a whole file): spans count from the part.
    line_base: usize,
    /// What several rules ask of the tree, found once (see [`Cached`]).
    cached: Cached,
}

/// What several rules ask of a file's tree, found on first use and kept for the others, so the
/// tree is walked once per question rather than once per rule.
#[derive(Default)]
pub struct Cached {
    pub calls: std::cell::OnceCell<Vec<crate::lint::rules::tools::Call>>,
    pub metadata_strings: std::cell::OnceCell<Vec<(String, Span)>>,
    pub model_facing_strings: std::cell::OnceCell<Vec<(String, String, Span)>>,
    item_fns: RefCell<Vec<(String, Rc<crate::lint::rules::tools::ItemFnsIndex>)>>,
}

/// The text of a file, shared by its parts. Rules ask `text.contains(..)` as a whole-file gate
/// ("does the file mention `canonicalize` at all?"); the answer is remembered, so a file checked
/// in a hundred parts is still searched once per question.
pub struct SourceText(Rc<TextInner>);

struct TextInner {
    text: String,
    answers: RefCell<HashMap<String, bool>>,
    /// The same, for patterns looked for in any ASCII case.
    any_case: RefCell<HashMap<String, bool>>,
}

impl SourceText {
    fn new(text: String) -> Self {
        Self(Rc::new(TextInner {
            text,
            answers: RefCell::default(),
            any_case: RefCell::default(),
        }))
    }

    /// Whether the file contains `pattern` anywhere.
    pub fn contains(&self, pattern: &str) -> bool {
        remembered(&self.0.answers, pattern, || self.0.text.contains(pattern))
    }

    /// Whether the file contains `pattern` anywhere, in any ASCII case (`"authorization"`
    /// finds `"Authorization"`).
    pub fn contains_ignore_ascii_case(&self, pattern: &str) -> bool {
        remembered(&self.0.any_case, pattern, || {
            self.0
                .text
                .as_bytes()
                .windows(pattern.len().max(1))
                .any(|w| w.eq_ignore_ascii_case(pattern.as_bytes()))
        })
    }
}

fn remembered(
    answers: &RefCell<HashMap<String, bool>>,
    pattern: &str,
    search: impl FnOnce() -> bool,
) -> bool {
    if let Some(found) = answers.borrow().get(pattern) {
        return *found;
    }
    let found = search();
    answers.borrow_mut().insert(pattern.to_string(), found);
    found
}

impl Clone for SourceText {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl std::ops::Deref for SourceText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0.text
    }
}

fn parse_error(e: &syn::Error) -> (Position, String) {
    let at = e.span().start();
    (
        Position {
            line: at.line.max(1),
            column: at.column + 1,
        },
        e.to_string(),
    )
}

impl SourceFile {
    /// Parses `text` whole; on failure returns where and why.
    pub fn parse(path: String, text: String) -> Result<Self, (Position, String)> {
        let mut ast = crate::edit::rust::parse_file(&text).map_err(|e| parse_error(&e))?;
        strip_test_items(&mut ast.items);
        let mut scope = Scope::default();
        scope.add(&ast);
        let lines = LineIndex::new(&text);
        Ok(Self {
            path,
            text: SourceText::new(text),
            ast,
            scope: Rc::new(scope),
            lines: Rc::new(lines),
            line_base: 0,
            cached: Cached::default(),
        })
    }

    /// Parses `text` and runs `check` on it: once on the whole file when it is at most
    /// `part_bytes` long, else once per part of about `part_bytes` of whole top-level items
    /// (`0`: every item alone), each part's tree dropped before the next is parsed. Rules see the
    /// same spans, text and `use` map either way. When the file does not split cleanly (a part
    /// fails to parse on its own, or the scan cannot find item boundaries), it is parsed whole, so
    /// errors and findings never depend on the split. On a parse error returns where and why.
    pub fn check<T>(
        path: String,
        text: String,
        part_bytes: usize,
        keep: Keep,
        mut check: impl FnMut(&SourceFile) -> T,
    ) -> Result<Vec<T>, (Position, String)> {
        if text.len() > part_bytes
            && let Some(items) = Self::item_ends(&text)
        {
            let text = SourceText::new(text);
            if let Some(out) = Self::check_parts(&path, &text, &items, part_bytes, keep, &mut check)
            {
                return Ok(out);
            }
            let text = Rc::try_unwrap(text.0).map_or_else(|t| t.text.clone(), |t| t.text);
            return Self::parse(path, text).map(|file| vec![check(&file)]);
        }
        Self::parse(path, text).map(|file| vec![check(&file)])
    }

    /// Where each top-level item ends, the end of the text included; `None` for text the item
    /// scan cannot split, or that starts with a byte-order mark or a shebang line (which only
    /// the whole-file parse handles).
    fn item_ends(text: &str) -> Option<Vec<usize>> {
        if text.starts_with('\u{feff}') || (text.starts_with("#!") && !text.starts_with("#![")) {
            return None;
        }
        let mut ends = super::parts::item_ends(text)?;
        if ends.last() != Some(&text.len()) {
            ends.push(text.len());
        }
        Some(ends)
    }

    /// Checks runs of whole items (`items`: where each ends) of at least `part_bytes` (the last
    /// one may be shorter), cut only where `keep` allows; `None` when an item or a part does
    /// not parse on its own.
    fn check_parts<T>(
        path: &str,
        text: &SourceText,
        items: &[usize],
        part_bytes: usize,
        keep: Keep,
        check: &mut impl FnMut(&SourceFile) -> T,
    ) -> Option<Vec<T>> {
        // The `use` map (and the file's glob imports and modules) is the whole file's, so it is
        // gathered first, from the items that can hold a `use` or declare a `mod` (an item
        // without the word cannot), before any part is checked. The same pass notes, for rules
        // that look across items, each item's tools and structs.
        let mut scope = Scope::default();
        let mut facts: Vec<ItemFacts> = Vec::with_capacity(items.len());
        let mut start = 0;
        for &end in items {
            let item = &text[start..end];
            if item.contains("use") || has_word(item, "mod") {
                let mut ast = crate::edit::rust::parse_file(item).ok()?;
                strip_test_items(&mut ast.items);
                scope.add(&ast);
            }
            let looks = (keep.params_structs
                && (item.contains("Parameters") || item.contains("struct")))
                || (keep.item_module && (item.contains("tool") || item.contains("prompt")));
            facts.push(if looks {
                ItemFacts::of(&SourceFile::parse(path.to_string(), item.to_string()).ok()?)
            } else {
                ItemFacts::default()
            });
            start = end;
        }
        let cuttable = Self::cuttable(path, &facts, keep);
        let scope = Rc::new(scope);
        let lines = Rc::new(LineIndex::new(text));
        let mut out = Vec::new();
        let (mut start, mut line_base) = (0, 0);
        for (k, &end) in items.iter().enumerate() {
            if (end - start < part_bytes.max(1) || !cuttable[k]) && end != text.len() {
                continue;
            }
            // The part is parsed with its first line's columns kept (spaces stand in for what
            // precedes it on that line), so only lines need shifting.
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let mut source = " ".repeat(text[line_start..start].chars().count());
            source.push_str(&text[start..end]);
            let mut ast = crate::edit::rust::parse_file(&source).ok()?;
            drop(source);
            strip_test_items(&mut ast.items);
            let file = SourceFile {
                path: path.to_string(),
                text: text.clone(),
                ast,
                scope: Rc::clone(&scope),
                lines: Rc::clone(&lines),
                line_base,
                cached: Cached::default(),
            };
            out.push(check(&file));
            line_base += text[start..end].bytes().filter(|b| *b == b'\n').count();
            start = end;
        }
        Some(out)
    }

    /// For each item, whether a part may end after it: not inside the span from a tool to the
    /// structs its `Parameters<T>` names (and the other tools naming them), and, in a file whose
    /// rules apply only to files defining a tool or prompt, not where a part would be left
    /// without one.
    fn cuttable(path: &str, facts: &[ItemFacts], keep: Keep) -> Vec<bool> {
        let mut cuttable = vec![true; facts.len()];
        if keep.params_structs {
            let named: std::collections::BTreeSet<&String> =
                facts.iter().flat_map(|f| &f.params).collect();
            for name in named {
                let involved = facts
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.params.contains(name) || f.structs.contains(name));
                let (mut lo, mut hi) = (usize::MAX, 0);
                for (k, _) in involved {
                    (lo, hi) = (lo.min(k), hi.max(k));
                }
                for c in cuttable.iter_mut().take(hi).skip(lo) {
                    *c = false;
                }
            }
        }
        let by_path = SourceFile::parse(path.to_string(), String::new())
            .is_ok_and(|f| crate::lint::rules::tools::is_item_module(&f));
        if keep.item_module && !by_path && facts.iter().any(|f| f.defines_items) {
            // Cut only after a part has one, and while one is still to come.
            let mut later: usize = facts.iter().filter(|f| f.defines_items).count();
            let mut seen = false;
            for (k, f) in facts.iter().enumerate() {
                if f.defines_items {
                    seen = true;
                    later -= 1;
                }
                if !(seen && later > 0) {
                    cuttable[k] = false;
                } else if cuttable[k] {
                    seen = false;
                }
            }
        }
        cuttable
    }

    /// What several rules ask of the tree, found once.
    pub fn cached(&self) -> &Cached {
        &self.cached
    }

    /// Where the item functions of `kind` sit, found by `index` on first use.
    pub fn item_fns_index(
        &self,
        kind: &str,
        index: impl FnOnce() -> crate::lint::rules::tools::ItemFnsIndex,
    ) -> Rc<crate::lint::rules::tools::ItemFnsIndex> {
        if let Some((_, found)) = self
            .cached
            .item_fns
            .borrow()
            .iter()
            .find(|(k, _)| k == kind)
        {
            return Rc::clone(found);
        }
        let found = Rc::new(index());
        self.cached
            .item_fns
            .borrow_mut()
            .push((kind.to_string(), Rc::clone(&found)));
        found
    }

    /// The full path a written path refers to, through this file's `use` items:
    /// `sleep` after `use std::thread::sleep;` resolves to `std::thread::sleep`.
    pub fn resolve(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segments.first() else {
            return String::new();
        };
        match self.scope.uses.get(first) {
            Some(full) if path.leading_colon.is_none() => std::iter::once(full.clone())
                .chain(segments[1..].iter().cloned())
                .collect::<Vec<_>>()
                .join("::"),
            _ => segments.join("::"),
        }
    }

    /// Whether a `use` item of this file brings `name` into scope.
    pub fn imports(&self, name: &str) -> bool {
        self.scope.uses.contains_key(name)
    }

    /// The modules the file's top-level `use` items import with a glob (`rmcp::transport` for
    /// `use rmcp::transport::*;`), in every part.
    pub fn glob_imports(&self) -> &[String] {
        &self.scope.globs
    }

    /// The modules the file declares at its top level (`mod platform;`, `mod wire { .. }`), in
    /// every part.
    pub fn modules(&self) -> &BTreeSet<String> {
        &self.scope.modules
    }

    /// The byte offset of a span position in [`SourceFile::text`].
    pub fn offset(&self, at: proc_macro2::LineColumn) -> usize {
        let at = proc_macro2::LineColumn {
            line: at.line + self.line_base,
            column: at.column,
        };
        self.lines.offset(&self.text, at)
    }

    /// Where `span` starts and ends, 1-based.
    pub fn range(&self, span: Span) -> (Position, Position) {
        let (start, end) = (span.start(), span.end());
        (
            Position {
                line: start.line + self.line_base,
                column: start.column + 1,
            },
            Position {
                line: end.line + self.line_base,
                column: end.column + 1,
            },
        )
    }

    /// A diagnostic of `rule` covering `span`.
    pub fn diagnostic(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (start, end) = self.range(span);
        Diagnostic::new(rule, self.path.clone(), start, end, message)
    }
}

/// Whether `text` has `word` with no identifier character on either side.
fn has_word(text: &str, word: &str) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80;
    text.match_indices(word).any(|(i, _)| {
        !text.as_bytes()[..i].last().is_some_and(ident)
            && !text.as_bytes().get(i + word.len()).is_some_and(ident)
    })
}

/// What the rules that look across items need to know of one top-level item.
#[derive(Default)]
struct ItemFacts {
    /// The `T` of every `#[tool]`'s `Parameters<T>`.
    params: Vec<String>,
    /// Every struct it defines, nested ones included.
    structs: Vec<String>,
    /// It defines a `#[tool]` or `#[prompt]` function.
    defines_items: bool,
}

impl ItemFacts {
    fn of(file: &SourceFile) -> Self {
        use crate::lint::rules::tools::{item_fns, params_type};
        struct Structs(Vec<String>);
        impl<'a> Visit<'a> for Structs {
            fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
                self.0.push(item.ident.to_string());
                syn::visit::visit_item_struct(self, item);
            }
        }
        let mut structs = Structs(Vec::new());
        structs.visit_file(&file.ast);
        let tools = item_fns(file, "tool");
        Self {
            params: tools
                .iter()
                .filter_map(|t| params_type(&t.func.sig))
                .collect(),
            structs: structs.0,
            defines_items: !tools.is_empty() || !item_fns(file, "prompt").is_empty(),
        }
    }
}

/// Removes `#[cfg(test)]` items, recursively through inline modules.
fn strip_test_items(items: &mut Vec<syn::Item>) {
    items.retain(|item| !is_cfg_test(item_attrs(item)));
    for item in items {
        if let syn::Item::Mod(m) = item
            && let Some((_, inner)) = &mut m.content
        {
            strip_test_items(inner);
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        _ => &[],
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// What a whole file brings into scope, shared by its parts (a part's own items do not say).
#[derive(Default)]
struct Scope {
    /// Each name a `use` brings into scope, mapped to the full path it stands for.
    uses: HashMap<String, String>,
    /// Modules glob-imported by top-level `use` items.
    globs: Vec<String>,
    /// Modules declared at the top level.
    modules: BTreeSet<String>,
}

impl Scope {
    /// Adds what the items of `file` (the whole file, or some of its top-level items) bring
    /// into scope.
    fn add(&mut self, file: &syn::File) {
        fn globs(prefix: &mut Vec<String>, tree: &syn::UseTree, found: &mut Vec<String>) {
            match tree {
                syn::UseTree::Path(p) => {
                    prefix.push(p.ident.to_string());
                    globs(prefix, &p.tree, found);
                    prefix.pop();
                }
                syn::UseTree::Glob(_) => found.push(prefix.join("::")),
                syn::UseTree::Group(g) => g.items.iter().for_each(|t| globs(prefix, t, found)),
                _ => {}
            }
        }
        self.visit_file(file);
        for item in &file.items {
            match item {
                syn::Item::Use(u) => globs(&mut Vec::new(), &u.tree, &mut self.globs),
                syn::Item::Mod(m) => {
                    self.modules.insert(m.ident.to_string());
                }
                _ => {}
            }
        }
    }

    /// Maps the names `tree` (below `prefix`) brings into scope.
    fn add_use(&mut self, prefix: &[String], tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix.to_vec();
                next.push(p.ident.to_string());
                self.add_use(&next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let (key, full) = if name == "self" {
                    (
                        prefix.last().cloned().unwrap_or_default(),
                        prefix.join("::"),
                    )
                } else {
                    let full = format!("{}::{name}", prefix.join("::"));
                    (name, full.trim_start_matches("::").to_string())
                };
                self.uses.insert(key, full);
            }
            // `use a::b::{self as c}` names `a::b`.
            syn::UseTree::Rename(r) if r.ident == "self" => {
                self.uses.insert(r.rename.to_string(), prefix.join("::"));
            }
            syn::UseTree::Rename(r) => {
                let full = [prefix, &[r.ident.to_string()]].concat().join("::");
                self.uses.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.add_use(prefix, t)),
            syn::UseTree::Glob(_) => {}
        }
    }
}

impl<'ast> Visit<'ast> for Scope {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.add_use(&[], &item.tree);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_through_use_items_and_drops_test_code() {
        let text = "use std::thread::sleep;\nuse std::fs as filesystem;\nuse std::{io::{self, Write}};\n\
                    #[cfg(test)]\nmod tests { fn t() {} }\nfn f() {}\n";
        let file = SourceFile::parse("a.rs".into(), text.into()).unwrap();
        let path = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
        assert_eq!(file.resolve(&path("sleep")), "std::thread::sleep");
        assert_eq!(file.resolve(&path("filesystem::read")), "std::fs::read");
        assert_eq!(file.resolve(&path("io::stdout")), "std::io::stdout");
        assert_eq!(file.resolve(&path("Write")), "std::io::Write");
        assert_eq!(
            file.resolve(&path("tokio::time::sleep")),
            "tokio::time::sleep"
        );
        assert_eq!(
            file.ast.items.len(),
            4,
            "the #[cfg(test)] module is removed"
        );
    }

    #[test]
    fn every_part_knows_the_whole_files_globs_and_modules() {
        let text = "use rmcp::transport::*;\nmod wire;\nmod inline { fn g() {} }\nfn f() {}\n";
        let seen = |part_bytes| {
            SourceFile::check(
                "a.rs".into(),
                text.into(),
                part_bytes,
                Keep::default(),
                |file| (file.glob_imports().to_vec(), file.modules().clone()),
            )
            .unwrap()
        };
        let whole = seen(usize::MAX);
        let parts = seen(0);
        assert!(parts.len() >= 4, "checked in {} parts", parts.len());
        assert!(parts.iter().all(|p| *p == whole[0]), "{parts:?}");
        assert_eq!(whole[0].0, ["rmcp::transport"]);
    }

    #[test]
    fn text_questions_ignoring_case_are_answered_and_remembered() {
        let file =
            SourceFile::parse("a.rs".into(), "const H: &str = \"Authorization\";".into()).unwrap();
        for _ in 0..2 {
            assert!(file.text.contains_ignore_ascii_case("\"authorization\""));
            assert!(!file.text.contains("\"authorization\""));
        }
    }

    #[test]
    fn rules_listed_as_looking_across_items_exist() {
        for (code, _) in ACROSS_ITEMS {
            assert!(
                crate::lint::rules::find(code).is_some(),
                "{code} is listed in ACROSS_ITEMS but is no rule"
            );
        }
    }

    #[test]
    fn parse_errors_carry_a_position() {
        let (at, message) = SourceFile::parse("a.rs".into(), "fn f( {}\n".into())
            .err()
            .unwrap();
        assert_eq!(at.line, 1);
        assert!(!message.is_empty());
    }
}
