//! Declared path migrations (`[[migrate.paths]]` in `template.toml`): Rust paths that start with
//! a rule's `from` segments start with its `to` segments instead; the longest matching `from`
//! wins.
//!
//! Rewritten where syn sees paths: `use` trees (grouped, aliased, nested; a grouped import whose
//! members no longer share a root is split into one `use` per root), and paths in expressions,
//! types, patterns, attributes and macro invocations, including the tokens inside macro calls and
//! attribute arguments; and paths from the crate root in doc comments (intra-doc links). A path
//! that starts with a name some `use` brought in (`p::errors::X` after `use crate::platform as
//! p;`) is followed through that import.
//!
//! Only the spans that change are edited; everything else stays byte for byte. The result is
//! parsed again, and a file that cannot be parsed before or after is left alone and reported.
//! Paths through `self::`/`super::` are not followed.

use std::collections::BTreeMap;

use proc_macro2::{LineColumn, Span, TokenStream, TokenTree};
use syn::spanned::Spanned as _;
use syn::visit::Visit;

use crate::edit::rust::{LineIndex, Replacement, apply_replacements, parse_file};
use crate::template::moves::PathRule;

/// The rules of one template version, longest `from` first.
pub struct Rules(Vec<(Vec<String>, Vec<String>)>);

impl Rules {
    pub fn new(rules: &[PathRule]) -> Self {
        let mut rules: Vec<_> = rules.iter().map(PathRule::segments).collect();
        rules.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Self(rules)
    }

    /// `path` rewritten by the longest rule that is a prefix of it, and how many of its
    /// segments that rule matched.
    fn apply(&self, path: &[String]) -> Option<(Vec<String>, usize)> {
        let (from, to) = self.0.iter().find(|(from, _)| path.starts_with(from))?;
        let mut out = to.clone();
        out.extend_from_slice(&path[from.len()..]);
        Some((out, from.len()))
    }

    fn rewrite(&self, path: &[String]) -> Vec<String> {
        self.apply(path).map_or_else(|| path.to_vec(), |(p, _)| p)
    }
}

/// Rewrites the paths of one file; `Ok(None)` when nothing matches. An error (the file does not
/// parse, or the rewrite would not) means the file was left alone and needs a manual edit.
pub fn rewrite(text: &str, rules: &Rules) -> Result<Option<String>, String> {
    let mentioned = rules
        .0
        .iter()
        .any(|(from, _)| from.last().is_some_and(|last| text.contains(last.as_str())));
    if !mentioned {
        return Ok(None);
    }
    let file = parse_file(text).map_err(|e| {
        let at = e.span().start();
        format!("it does not parse (line {}: {e})", at.line)
    })?;
    let mut edits = Edits {
        text,
        index: LineIndex::new(text),
        rules,
        bindings: BTreeMap::new(),
        out: Vec::new(),
    };
    let mut uses = UseItems(&mut edits);
    uses.visit_file(&file);
    let mut paths = Paths(&mut edits);
    paths.visit_file(&file);
    edits.doc_links();
    if edits.out.is_empty() {
        return Ok(None);
    }
    let (rewritten, overlapping) = apply_replacements(text, &edits.out);
    if !overlapping.is_empty() {
        return Err("two path rewrites overlap; edit the paths by hand".to_string());
    }
    parse_file(&rewritten).map_err(|e| format!("the rewritten file would not parse ({e})"))?;
    Ok((rewritten != text).then_some(rewritten))
}

struct Edits<'a> {
    text: &'a str,
    index: LineIndex,
    rules: &'a Rules,
    /// Names `use` items bring into scope → (the path they named, the path they name now).
    bindings: BTreeMap<String, (Vec<String>, Vec<String>)>,
    out: Vec<Replacement>,
}

impl Edits<'_> {
    /// Paths from the crate root in doc comments (`///`, `//!`): rustdoc resolves intra-doc
    /// links such as ``[`Harness`](crate::platform::harness::Harness)``, so they move with the
    /// code. Plain `//` comments are prose and stay as written.
    fn doc_links(&mut self) {
        static PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"\bcrate(?:::[A-Za-z_][A-Za-z0-9_]*)+").expect("valid regex")
        });
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with("///") || trimmed.starts_with("//!") {
                for found in PATH.find_iter(line) {
                    let path: Vec<String> =
                        found.as_str().split("::").map(str::to_string).collect();
                    if let Some((new, _)) = self.rules.apply(&path) {
                        self.out.push(Replacement {
                            range: start + found.start()..start + found.end(),
                            text: new.join("::"),
                        });
                    }
                }
            }
            start += line.len();
        }
    }

    fn offset(&self, at: LineColumn) -> usize {
        self.index.offset(self.text, at)
    }

    fn replace(&mut self, from: Span, to: Span, text: String) {
        let range = self.offset(from.start())..self.offset(to.end());
        if self.text[range.clone()] != text {
            self.out.push(Replacement { range, text });
        }
    }

    /// Rewrites one path outside `use` items: `segments` with their spans, none but the last
    /// with generic arguments (`plain` is how many leading segments have none). `dollar` is the
    /// `$` of a `$crate::…` path in a macro definition.
    fn path(&mut self, segments: &[(String, Span)], plain: usize, dollar: Option<Span>) {
        let Some((first, _)) = segments.first() else {
            return;
        };
        let (old_root, new_root, local) = if first == "crate" {
            (vec![first.clone()], vec![first.clone()], None)
        } else if let Some((old, new)) = self.bindings.get(first) {
            (old.clone(), new.clone(), Some(first.clone()))
        } else {
            return;
        };
        let mut old_full = old_root.clone();
        old_full.extend(segments[1..].iter().map(|(s, _)| s.clone()));
        let Some((new_full, matched)) = self.rules.apply(&old_full) else {
            return;
        };
        if matched <= old_root.len() {
            // Within the import itself, which its `use` rewrite already follows.
            return;
        }
        let covered = matched - old_root.len() + 1;
        if covered > plain + 1 || covered > segments.len() {
            return;
        }
        let tail = segments.len() - covered;
        let covered_new = &new_full[..new_full.len() - tail];
        let text = match local {
            Some(local)
                if covered_new.len() > new_root.len() && covered_new.starts_with(&new_root) =>
            {
                std::iter::once(local)
                    .chain(covered_new[new_root.len()..].iter().cloned())
                    .collect::<Vec<_>>()
                    .join("::")
            }
            _ => covered_new.join("::"),
        };
        match dollar {
            // In a macro definition the crate is `$crate`, and another crate is `::name`.
            Some(dollar) if covered_new.first().is_some_and(|s| s == "crate") => {
                self.replace(dollar, segments[covered - 1].1, format!("${text}"));
            }
            Some(dollar) => self.replace(dollar, segments[covered - 1].1, format!("::{text}")),
            None => self.replace(segments[0].1, segments[covered - 1].1, text),
        }
    }
}

/// One leaf of a `use` tree, flattened.
struct Leaf {
    /// The full path it imports (for a glob, the module).
    path: Vec<String>,
    kind: LeafKind,
}

enum LeafKind {
    Name,
    Rename(String),
    Glob,
}

impl Leaf {
    /// The leaf as written after the rewrite, relative to nothing (`{self}` for a module's
    /// `self`).
    fn render(&self, rules: &Rules) -> Vec<String> {
        let new = rules.rewrite(&self.path);
        if new.last().is_some_and(|n| n == "self") {
            let mut out = new[..new.len() - 1].to_vec();
            out.push("{self}".to_string());
            return out;
        }
        let mut out = new.clone();
        match &self.kind {
            LeafKind::Glob => out.push("*".into()),
            LeafKind::Rename(alias) => {
                let last = out.pop().unwrap_or_default();
                out.push(format!("{last} as {alias}"));
            }
            LeafKind::Name => {
                let (old_name, new_name) = (self.path.last(), new.last());
                if old_name != new_name && old_name.is_some_and(|n| n != "self") {
                    let last = out.pop().unwrap_or_default();
                    out.push(format!("{last} as {}", old_name.unwrap()));
                }
            }
        }
        out
    }
}

/// Rewrites `use` items and records the names they bind.
struct UseItems<'e, 'a>(&'e mut Edits<'a>);

impl<'ast> Visit<'ast> for UseItems<'_, '_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_some() {
            return;
        }
        let edits = &mut *self.0;
        let mut leaves = Vec::new();
        flatten(&item.tree, &mut Vec::new(), &mut leaves);
        for leaf in &leaves {
            let local = match &leaf.kind {
                LeafKind::Name if leaf.path.last().is_some_and(|n| n == "self") => {
                    let module = &leaf.path[..leaf.path.len() - 1];
                    if let Some(name) = module.last() {
                        edits
                            .bindings
                            .insert(name.clone(), (module.to_vec(), edits.rules.rewrite(module)));
                    }
                    continue;
                }
                LeafKind::Name => leaf.path.last().cloned(),
                LeafKind::Rename(alias) if alias != "_" => Some(alias.clone()),
                _ => None,
            };
            if let Some(local) = local {
                let new = edits.rules.rewrite(&leaf.path);
                edits.bindings.insert(local, (leaf.path.clone(), new));
            }
        }
        let changes = leaves
            .iter()
            .any(|leaf| edits.rules.apply(&leaf.path).is_some());
        if !changes {
            return;
        }
        let mut in_place = Vec::new();
        let fits = in_place_edits(&item.tree, &[], &[], edits, &mut in_place);
        if fits {
            for (from, to, text) in in_place {
                edits.replace(from, to, text);
            }
        } else {
            regenerate(item, &leaves, edits);
        }
    }
}

fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Leaf>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            path.push(n.ident.to_string());
            out.push(Leaf {
                path,
                kind: LeafKind::Name,
            });
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(Leaf {
                path,
                kind: LeafKind::Rename(r.rename.to_string()),
            });
        }
        syn::UseTree::Glob(_) => out.push(Leaf {
            path: prefix.clone(),
            kind: LeafKind::Glob,
        }),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                flatten(item, prefix, out);
            }
        }
    }
}

/// The edits that rewrite `tree` where it stands (its prefix was `old_prefix` and reads as
/// `new_prefix` after the edits around it). `false` when a member no longer belongs under its
/// group's prefix, so the item must be split.
fn in_place_edits(
    tree: &syn::UseTree,
    old_prefix: &[String],
    new_prefix: &[String],
    edits: &Edits<'_>,
    out: &mut Vec<(Span, Span, String)>,
) -> bool {
    // The chain of `a::b::` segments down to a name, rename, glob or group.
    let mut chain: Vec<(String, Span)> = Vec::new();
    let mut node = tree;
    while let syn::UseTree::Path(p) = node {
        chain.push((p.ident.to_string(), p.ident.span()));
        node = &p.tree;
    }
    let mut old: Vec<String> = old_prefix.to_vec();
    old.extend(chain.iter().map(|(s, _)| s.clone()));
    // The segments written here (chain and, for a leaf, its name), their spans, and the path
    // they must read as.
    let (written, span, wanted, alias_to) = match node {
        syn::UseTree::Group(group) => {
            let new = edits.rules.rewrite(&old);
            if !chain.is_empty() {
                let Some(relative) = relative(&new, new_prefix) else {
                    return false;
                };
                let written: Vec<String> = chain.iter().map(|(s, _)| s.clone()).collect();
                if relative != written {
                    out.push((chain[0].1, chain[chain.len() - 1].1, relative.join("::")));
                }
            } else if new != new_prefix {
                return false;
            }
            return group
                .items
                .iter()
                .all(|item| in_place_edits(item, &old, &new, edits, out));
        }
        syn::UseTree::Glob(_) => {
            let new = edits.rules.rewrite(&old);
            if chain.is_empty() {
                return new == new_prefix;
            }
            let span = (chain[0].1, chain[chain.len() - 1].1);
            (
                chain.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>(),
                span,
                new,
                None,
            )
        }
        syn::UseTree::Name(syn::UseName { ident })
        | syn::UseTree::Rename(syn::UseRename { ident, .. }) => {
            let name = ident.to_string();
            old.push(name.clone());
            let new = edits.rules.rewrite(&old);
            if name == "self" {
                return new[..new.len() - 1] == *new_prefix || old == new;
            }
            let first = chain.first().map_or(ident.span(), |(_, s)| *s);
            let mut written: Vec<String> = chain.iter().map(|(s, _)| s.clone()).collect();
            written.push(name.clone());
            let renamed = matches!(node, syn::UseTree::Name(_)) && new.last() != Some(&name);
            (written, (first, ident.span()), new, renamed.then_some(name))
        }
        syn::UseTree::Path(_) => unreachable!("the loop above consumed every path segment"),
    };
    let Some(relative) = relative(&wanted, new_prefix) else {
        return false;
    };
    if relative != written {
        let mut text = relative.join("::");
        if let Some(name) = alias_to {
            text.push_str(&format!(" as {name}"));
        }
        out.push((span.0, span.1, text));
    }
    true
}

/// `path` without `prefix`, when it starts with it and something is left.
fn relative(path: &[String], prefix: &[String]) -> Option<Vec<String>> {
    (path.len() > prefix.len() && path.starts_with(prefix)).then(|| path[prefix.len()..].to_vec())
}

/// Replaces the `use` tree of `item` with one `use` per root of the rewritten paths, keeping its
/// attributes and visibility on each.
fn regenerate(item: &syn::ItemUse, leaves: &[Leaf], edits: &mut Edits<'_>) {
    let mut roots: Vec<(String, Vec<String>)> = Vec::new();
    for leaf in leaves {
        let rendered = leaf.render(edits.rules);
        let (root, rest) = match rendered.split_first() {
            Some((root, rest)) if !rest.is_empty() => (root.clone(), rest.join("::")),
            Some((root, _)) => (root.clone(), "{self}".to_string()),
            None => continue,
        };
        match roots.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(rest),
            None => roots.push((root, vec![rest])),
        }
    }
    let start = item
        .attrs
        .first()
        .map(|a| a.pound_token.span)
        .or_else(|| (!matches!(item.vis, syn::Visibility::Inherited)).then(|| item.vis.span()))
        .unwrap_or(item.use_token.span);
    let head = edits.offset(start.start());
    let use_at = edits.offset(item.use_token.span.start());
    let prefix = edits.text[head..use_at].to_string();
    let line_start = edits.text[..head].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = edits.text[line_start..head]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let statements: Vec<String> = roots
        .iter()
        .map(|(root, members)| match members.as_slice() {
            [one] if one == "{self}" => format!("use {root}::{{self}};"),
            [one] => format!("use {root}::{one};"),
            many => {
                let members: Vec<&str> = many
                    .iter()
                    .map(|m| if m == "{self}" { "self" } else { m.as_str() })
                    .collect();
                format!("use {root}::{{{}}};", members.join(", "))
            }
        })
        .collect();
    let text = statements.join(&format!("\n{indent}{prefix}"));
    edits.replace(item.use_token.span, item.semi_token.span, text);
}

/// Rewrites paths outside `use` items.
struct Paths<'e, 'a>(&'e mut Edits<'a>);

impl<'ast> Visit<'ast> for Paths<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    // `pub(in crate::…)` names a module of this crate, which another crate's path cannot be.
    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            let segments: Vec<(String, Span)> = path
                .segments
                .iter()
                .map(|s| (s.ident.to_string(), s.ident.span()))
                .collect();
            let plain = path
                .segments
                .iter()
                .take_while(|s| matches!(s.arguments, syn::PathArguments::None))
                .count();
            self.0.path(&segments, plain, None);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        self.tokens(list.tokens.clone());
        syn::visit::visit_meta_list(self, list);
    }
}

impl Paths<'_, '_> {
    /// Paths inside tokens syn does not parse (macro arguments): runs of `ident :: ident …`.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    self.tokens(g.stream());
                    i += 1;
                }
                TokenTree::Ident(first) => {
                    let after_colons = i >= 2 && is_colon(&trees[i - 1]) && is_colon(&trees[i - 2]);
                    let mut segments = vec![(first.to_string(), first.span())];
                    let mut j = i + 1;
                    while trees.get(j).is_some_and(is_colon)
                        && trees.get(j + 1).is_some_and(is_colon)
                        && let Some(TokenTree::Ident(next)) = trees.get(j + 2)
                    {
                        segments.push((next.to_string(), next.span()));
                        j += 3;
                    }
                    // `$crate::…` names this crate in a macro definition; `$name::…` is a
                    // macro variable, nothing a rule can know.
                    let (dollar, variable) = match i.checked_sub(1).map(|p| &trees[p]) {
                        Some(TokenTree::Punct(p)) if p.as_char() == '$' => {
                            (Some(p.span()), first != "crate")
                        }
                        _ => (None, false),
                    };
                    if !after_colons && !variable && segments.len() > 1 {
                        let plain = segments.len();
                        self.0.path(&segments, plain, dollar);
                    }
                    i = j;
                }
                _ => i += 1,
            }
        }
    }
}

fn is_colon(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let rule = |from: &str, to: &str| PathRule {
            from: from.into(),
            to: to.into(),
        };
        Rules::new(&[
            rule("crate::platform", "platform"),
            rule("crate::platform::errors::ToolError", "platform::ToolError"),
            rule(
                "crate::platform::settings::Settings",
                "platform::PlatformSettings",
            ),
        ])
    }

    fn migrate(text: &str) -> String {
        rewrite(text, &rules())
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn simple_and_grouped_use_trees_are_rewritten_in_place() {
        assert_eq!(
            migrate("use crate::platform::harness::Harness;\n"),
            "use platform::harness::Harness;\n"
        );
        assert_eq!(
            migrate("use crate::platform::errors::ToolError;\n"),
            "use platform::ToolError;\n"
        );
        assert_eq!(
            migrate("use crate::platform::{errors::ToolError, harness::Harness};\n"),
            "use platform::{ToolError, harness::Harness};\n"
        );
        // Multi-line groups keep their layout and comments.
        let before = "use crate::platform::{\n    // errors first\n    errors::{Kind, guard},\n    harness::Harness,\n};\n";
        assert_eq!(
            migrate(before),
            before.replacen("crate::platform", "platform", 1)
        );
    }

    #[test]
    fn an_exact_rename_inside_a_nested_group_that_leaves_it_splits_the_item() {
        // `errors::{ToolError, guard}`: ToolError moves to the crate root, guard stays in errors.
        let after =
            migrate("use crate::platform::{errors::{ToolError, guard}, harness::Harness};\n");
        assert_eq!(
            after,
            "use platform::{ToolError, errors::guard, harness::Harness};\n"
        );
        assert!(parse_file(&after).is_ok());
    }

    #[test]
    fn a_group_under_crate_is_split_by_root() {
        assert_eq!(
            migrate("use crate::{platform::harness::Harness, server::Server};\n"),
            "use platform::harness::Harness;\nuse crate::server::Server;\n"
        );
        assert_eq!(
            migrate(
                "    pub(crate) use crate::{server::Server, platform::{self, errors::ToolError}};\n"
            ),
            "    pub(crate) use crate::server::Server;\n    pub(crate) use platform::{self, ToolError};\n"
        );
    }

    #[test]
    fn globs_and_renames_keep_their_shape() {
        assert_eq!(migrate("use crate::platform::*;\n"), "use platform::*;\n");
        assert_eq!(
            migrate("use crate::platform::settings::Settings as S;\n"),
            "use platform::PlatformSettings as S;\n"
        );
        assert_eq!(
            migrate("use crate::platform::errors::{self, ToolError as E};\n"),
            "use platform::{errors::{self}, ToolError as E};\n"
        );
    }

    #[test]
    fn a_renamed_item_keeps_its_local_name() {
        assert_eq!(
            migrate("use crate::platform::settings::Settings;\nfn f(_: Settings) {}\n"),
            "use platform::PlatformSettings as Settings;\nfn f(_: Settings) {}\n"
        );
    }

    #[test]
    fn aliases_are_followed() {
        let before = "use crate::platform as p;\n\nfn f() -> Result<(), p::errors::ToolError> {\n    p::errors::guard(1)?;\n    Ok(())\n}\n";
        assert_eq!(
            migrate(before),
            "use platform as p;\n\nfn f() -> Result<(), p::ToolError> {\n    p::errors::guard(1)?;\n    Ok(())\n}\n"
        );
        let before = "use crate::platform::errors;\nfn f() -> errors::ToolError { errors::ToolError::new() }\n";
        assert_eq!(
            migrate(before),
            "use platform::errors;\nfn f() -> platform::ToolError { platform::ToolError::new() }\n"
        );
    }

    #[test]
    fn fully_qualified_paths_in_code_attributes_and_macros() {
        let before = "\
#[crate::platform::instrumented]
fn f(x: crate::platform::harness::Harness) -> Result<(), crate::platform::errors::ToolError> {
    // crate::platform:: in a comment stays
    crate::platform::errors::guard(&x)?;
    let _v: Vec<crate::platform::errors::ToolError> = vec![crate::platform::errors::ToolError::invalid_input(\"x\")];
    assert!(matches!(crate::platform::errors::kind(), crate::platform::errors::Kind::Bad));
    let s = \"crate::platform::x\";
    Ok(())
}
";
        let after = migrate(before);
        assert_eq!(
            after,
            before
                .replace("crate::platform::errors::ToolError", "platform::ToolError")
                .replace("crate::platform::", "platform::")
                .replace("// platform::", "// crate::platform::")
                .replace("\"platform::x\"", "\"crate::platform::x\"")
        );
    }

    #[test]
    fn intra_doc_links_move_with_the_code() {
        let before = "\
//! Tests with [`Harness`](crate::platform::harness::Harness).

/// Fails with [`crate::platform::errors::ToolError`]; see `crate::server::Server`.
// crate::platform::errors in a plain comment stays
fn f() {}
";
        assert_eq!(
            migrate(before),
            "\
//! Tests with [`Harness`](platform::harness::Harness).

/// Fails with [`platform::ToolError`]; see `crate::server::Server`.
// crate::platform::errors in a plain comment stays
fn f() {}
"
        );
    }

    #[test]
    fn dollar_crate_in_macro_definitions_becomes_the_other_crate() {
        let before = "use crate::platform::errors;\nmacro_rules! fail {\n    ($errors:ident) => { $errors::ToolError::x(); $crate::platform::errors::guard() };\n}\n";
        assert_eq!(
            migrate(before),
            "use platform::errors;\nmacro_rules! fail {\n    ($errors:ident) => { $errors::ToolError::x(); ::platform::errors::guard() };\n}\n"
        );
    }

    #[test]
    fn files_without_matches_are_untouched_and_bad_files_are_errors() {
        for text in [
            "use crate::server::Server;\nfn platform() {}\n",
            "use crate::platform_ext::x;\nfn f() { crate::platform_ext::y(); }\n",
            "pub(in crate::platform) fn f() {}\n",
            "use other::platform::x;\n",
            "fn f() { let platform = 1; }\n",
        ] {
            assert_eq!(rewrite(text, &rules()).unwrap(), None, "{text}");
        }
        let err = rewrite("use crate::platform::x;\n<<<<<<< yours\n", &rules()).unwrap_err();
        assert!(err.contains("does not parse (line 2"), "{err}");
    }
}
