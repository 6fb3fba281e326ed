//! Formatting-preserving edits of Rust source.
//!
//! A [`RustSource`] is the text of a file plus its syn syntax tree with span locations. Edits are
//! [`Insertion`]s at byte offsets found through the tree; applying them splices text and keeps
//! every other byte (comments, blank lines, a team's own formatting) exactly as it was. The
//! result is parsed again before anyone writes it, so an edit can never leave invalid Rust.

use std::path::Path;

use anyhow::Context as _;
use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};

/// A parsed Rust file that remembers its exact text.
pub struct RustSource {
    pub text: String,
    pub file: syn::File,
    lines: LineIndex,
}

/// Byte offsets of line starts, to turn span positions into offsets.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        Self {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// The byte offset of a span position in `text` (lines 1-based, columns in characters).
    pub fn offset(&self, text: &str, at: LineColumn) -> usize {
        let start = self.line_start(text, at);
        let line = &text[start..];
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }

    /// The offset of the start of the line holding `at`.
    pub fn line_start(&self, text: &str, at: LineColumn) -> usize {
        self.starts
            .get(at.line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len())
    }

    /// The offset just past the end of the line holding `at` (after its newline).
    pub fn line_end(&self, text: &str, at: LineColumn) -> usize {
        self.starts.get(at.line).copied().unwrap_or(text.len())
    }
}

/// A replacement of a byte range of the original (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub range: std::ops::Range<usize>,
    pub text: String,
}

/// Applies non-overlapping replacements; overlapping ones after the first are skipped and
/// returned, so a caller can report them.
pub fn apply_replacements(original: &str, edits: &[Replacement]) -> (String, Vec<Replacement>) {
    let mut sorted: Vec<&Replacement> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let (mut out, mut at, mut skipped) = (String::with_capacity(original.len()), 0, Vec::new());
    for edit in sorted {
        if edit.range.start < at {
            skipped.push(edit.clone());
            continue;
        }
        out.push_str(&original[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&original[at..]);
    (out, skipped)
}

impl From<Insertion> for Replacement {
    fn from(insertion: Insertion) -> Self {
        Self {
            range: insertion.offset..insertion.offset,
            text: insertion.text,
        }
    }
}

/// Applies non-overlapping replacements and checks the result still parses; the error names
/// `path`.
pub fn replace_checked(
    path: &Path,
    original: &str,
    edits: &[Replacement],
) -> anyhow::Result<RustSource> {
    let (edited, skipped) = apply_replacements(original, edits);
    if !skipped.is_empty() {
        anyhow::bail!("{}: overlapping edits; nothing was written", path.display());
    }
    RustSource::parse(path, edited)
        .context("the edit would produce invalid Rust; nothing was written")
}

/// Text to insert at a byte offset of the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub offset: usize,
    pub text: String,
}

impl RustSource {
    /// Parses `text`; errors name `path` with the line and column of the syntax error.
    pub fn parse(path: &Path, text: String) -> anyhow::Result<Self> {
        let file = parse_file(&text).map_err(|e| {
            let at = e.span().start();
            anyhow::anyhow!("{}:{}:{}: {e}", path.display(), at.line, at.column + 1)
        })?;
        let lines = LineIndex::new(&text);
        Ok(Self { text, file, lines })
    }

    /// Reads and parses a file.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        Self::parse(path, text)
    }

    /// The byte offset of a span position (lines are 1-based, columns count characters).
    pub fn offset(&self, at: LineColumn) -> usize {
        self.lines.offset(&self.text, at)
    }

    /// The offset of the start of the line holding `at`.
    pub fn line_start(&self, at: LineColumn) -> usize {
        self.lines.line_start(&self.text, at)
    }

    /// The offset just past the end of the line holding `at` (after its newline).
    pub fn line_end(&self, at: LineColumn) -> usize {
        self.lines.line_end(&self.text, at)
    }

    /// The leading whitespace of the line holding `at`.
    pub fn indent_of(&self, at: LineColumn) -> &str {
        let start = self.line_start(at);
        let line = &self.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }
}

/// How deeply nested code mcpforge parses, in nesting units (see [`nesting_depth`]). syn parses
/// and drops syntax trees recursively, so unbounded nesting would overflow the stack; real code
/// stays far below this, and the threads that parse have [`PARSER_STACK_SIZE`] stacks.
pub const MAX_NESTING: usize = 1000;

/// The stack of every thread that parses untrusted Rust: room for [`MAX_NESTING`] levels with a
/// wide margin, even in a debug build. Reserved address space; only what is used is committed.
pub const PARSER_STACK_SIZE: usize = 256 * 1024 * 1024;

/// Parses a whole Rust file like [`syn::parse_file`], but refuses code nested deeper than
/// [`MAX_NESTING`] with an error at the first token past the limit, instead of overflowing the
/// stack. Every parse of a file mcpforge did not write goes through here.
pub fn parse_file(text: &str) -> syn::Result<syn::File> {
    let content = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (shebang, content) = split_shebang(content);
    let Ok(tokens) = content.parse::<TokenStream>() else {
        // A lexing error: syn reports it with its position (lexing does not recurse), in
        // proc-macro2's words, which do not say what is wrong.
        return syn::parse_file(text).map_err(|e| {
            if e.to_string() == "cannot parse string into token stream" {
                syn::Error::new(
                    e.span(),
                    "invalid tokens: an unclosed or mismatched bracket, an unterminated string \
                     or comment, or a character Rust does not accept",
                )
            } else {
                e
            }
        });
    };
    if let Some(span) = too_deep(&tokens) {
        return Err(syn::Error::new(
            span,
            format!(
                "code nested too deeply: more than {MAX_NESTING} levels of brackets, generics, \
                 chained operators or `else if`"
            ),
        ));
    }
    let mut file: syn::File = syn::parse2(tokens)?;
    file.shebang = shebang;
    Ok(file)
}

/// A leading `#!…` line that is not an inner attribute (`#![…]`), as rustc and syn accept it.
fn split_shebang(content: &str) -> (Option<String>, &str) {
    if let Some(rest) = content.strip_prefix("#!")
        && !rest.trim_start().starts_with('[')
    {
        return match content.find('\n') {
            Some(idx) => (Some(content[..idx].to_string()), &content[idx..]),
            None => (Some(content.to_string()), ""),
        };
    }
    (None, content)
}

/// Where a token stream first nests deeper than [`MAX_NESTING`], measured without recursion:
/// each open group counts one, plus, at each level, the operator characters and chaining
/// keywords since the last `,` or `;` (each can make the parser recurse, or build a left-nested
/// tree that is walked and dropped recursively).
fn too_deep(tokens: &TokenStream) -> Option<Span> {
    struct Level {
        tokens: proc_macro2::token_stream::IntoIter,
        base: usize,
        run: usize,
        after_brace: bool,
    }
    let mut stack = vec![Level {
        tokens: tokens.clone().into_iter(),
        base: 0,
        run: 0,
        after_brace: false,
    }];
    while let Some(level) = stack.last_mut() {
        let Some(token) = level.tokens.next() else {
            stack.pop();
            continue;
        };
        // A block ends a statement unless an `else` continues it.
        if std::mem::take(&mut level.after_brace)
            && !matches!(&token, TokenTree::Ident(i) if i == "else")
        {
            level.run = 0;
        }
        let (depth, span) = match &token {
            TokenTree::Group(group) => {
                let depth = level.base + level.run + 1;
                level.after_brace = group.delimiter() == Delimiter::Brace;
                let child = Level {
                    tokens: group.stream().into_iter(),
                    base: depth,
                    run: 0,
                    after_brace: false,
                };
                stack.push(child);
                (depth, group.span_open())
            }
            TokenTree::Punct(p) => {
                match p.as_char() {
                    ',' | ';' => level.run = 0,
                    ':' => {}
                    _ => level.run += 1,
                }
                (level.base + level.run, p.span())
            }
            TokenTree::Ident(ident) => {
                if CHAINING_KEYWORDS.iter().any(|k| ident == k) {
                    level.run += 1;
                }
                (level.base + level.run, ident.span())
            }
            TokenTree::Literal(lit) => (level.base + level.run, lit.span()),
        };
        if depth > MAX_NESTING {
            return Some(span);
        }
    }
    None
}

/// Keywords that nest what follows them (`return return x`, `&mut &mut T`, `else if` chains).
const CHAINING_KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "dyn", "else", "impl", "move", "mut", "ref",
    "return", "static", "unsafe", "yield",
];

/// Applies insertions to `original` (stable for equal offsets: earlier insertions first).
pub fn apply(original: &str, insertions: &[Insertion]) -> String {
    let mut sorted: Vec<&Insertion> = insertions.iter().collect();
    sorted.sort_by_key(|i| i.offset);
    let mut out =
        String::with_capacity(original.len() + sorted.iter().map(|i| i.text.len()).sum::<usize>());
    let mut at = 0;
    for insertion in sorted {
        out.push_str(&original[at..insertion.offset]);
        out.push_str(&insertion.text);
        at = insertion.offset;
    }
    out.push_str(&original[at..]);
    out
}

/// Applies insertions and checks the result still parses; the error names `path`.
pub fn apply_checked(
    path: &Path,
    original: &str,
    insertions: &[Insertion],
) -> anyhow::Result<RustSource> {
    let edited = apply(original, insertions);
    RustSource::parse(path, edited)
        .context("the edit would produce invalid Rust; nothing was written")
}

/// Formats a file mcpforge creates (never one the team wrote) with `rustfmt`, so new code
/// passes `cargo fmt --check` whatever names and parameters it got. Without a working rustfmt
/// the text is returned as rendered: templates are written close to rustfmt's style already.
pub fn rustfmt_new_file(text: String, edition: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let child = Command::new("rustfmt")
        .args(["--edition", edition, "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return text };
    let written = child
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(text.as_bytes()).is_ok());
    match child.wait_with_output() {
        Ok(out) if written && out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8(out.stdout).unwrap_or(text)
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_lines_and_unicode_columns() {
        let src =
            RustSource::parse(Path::new("x.rs"), "// é\nfn a() {}\n  fn b() {}\n".into()).unwrap();
        let fns: Vec<_> = src
            .file
            .items
            .iter()
            .map(|i| syn::spanned::Spanned::span(i).start())
            .collect();
        assert_eq!(src.offset(fns[0]), 6);
        assert_eq!(
            &src.text[src.offset(fns[1])..src.offset(fns[1]) + 4],
            "fn b"
        );
        assert_eq!(src.indent_of(fns[1]), "  ");
        assert_eq!(src.line_end(fns[0]), 16);
    }

    #[test]
    fn insertions_keep_every_other_byte() {
        let original = "a\nb\nc\n";
        let ins = [
            Insertion {
                offset: 4,
                text: "X\n".into(),
            },
            Insertion {
                offset: 2,
                text: "Y\n".into(),
            },
        ];
        assert_eq!(apply(original, &ins), "a\nY\nb\nX\nc\n");
    }

    #[test]
    fn replacements_skip_overlaps() {
        let edits = [
            Replacement {
                range: 0..1,
                text: "A".into(),
            },
            Replacement {
                range: 0..2,
                text: "X".into(),
            },
            Replacement {
                range: 3..3,
                text: "!".into(),
            },
        ];
        let (out, skipped) = apply_replacements("abc", &edits);
        assert_eq!(out, "Abc!");
        assert_eq!(skipped.len(), 1);
    }

    #[test]
    fn the_guarded_parse_accepts_what_syn_accepts_and_refuses_deep_nesting() {
        let file = parse_file("\u{feff}#!/usr/bin/env run-cargo-script\nfn a() {}\n").unwrap();
        assert_eq!(
            file.shebang.as_deref(),
            Some("#!/usr/bin/env run-cargo-script")
        );
        assert_eq!(file.items.len(), 1);
        assert!(parse_file("#![allow(dead_code)]\nfn a() {}\n").is_ok());
        let deep = format!(
            "fn a() {{ {}1{} }}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        let err = parse_file(&deep).unwrap_err();
        assert!(err.to_string().contains("nested too deeply"), "{err}");
        assert_eq!(err.span().start().line, 1);
        assert!(parse_file("fn a( {").is_err());
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let err = RustSource::parse(Path::new("src/tools/mod.rs"), "fn a() {\n".into())
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("src/tools/mod.rs:"), "{err}");
    }
}
