//! Formatting-preserving edits of Rust source.
//!
//! A [`RustSource`] is the text of a file plus its syn syntax tree with span locations. Edits are
//! [`Insertion`]s at byte offsets found through the tree; applying them splices text and keeps
//! every other byte (comments, blank lines, a team's own formatting) exactly as it was. The
//! result is parsed again before anyone writes it, so an edit can never leave invalid Rust.

use std::path::Path;

use anyhow::Context as _;
use proc_macro2::LineColumn;

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

/// Text to insert at a byte offset of the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub offset: usize,
    pub text: String,
}

impl RustSource {
    /// Parses `text`; errors name `path` with the line and column of the syntax error.
    pub fn parse(path: &Path, text: String) -> anyhow::Result<Self> {
        let file = syn::parse_file(&text).map_err(|e| {
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
    fn syntax_errors_name_the_file_and_line() {
        let err = RustSource::parse(Path::new("src/tools/mod.rs"), "fn a() {\n".into())
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("src/tools/mod.rs:"), "{err}");
    }
}
