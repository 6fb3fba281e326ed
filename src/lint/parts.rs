//! Where a Rust file's top-level items end, found by a lexical scan that builds no tokens, so
//! that a large file can be parsed and checked a part at a time (a syn tree takes about 180
//! bytes per byte of source; see [`super::source::SourceFile::check`]).
//!
//! The scan skips comments, strings (raw ones included) and character literals and tracks
//! bracket depth; an item ends at a top-level `;`, or at a `}` that closes a top-level brace
//! (with a `;` right after it, as in `static S: T = T { .. };`). It only proposes boundaries: a
//! part that does not parse on its own (a `{ N }` const generic in an item's header, say) sends
//! the caller back to parsing the whole file, so a wrong guess costs memory, never a finding.

/// The byte offsets just past each top-level item's end, in order; `None` when the text does
/// not scan (an unterminated string or comment, or unbalanced brackets), which parsing the
/// whole file reports properly.
pub fn item_ends(text: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    let mut depth: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = block_comment_end(bytes, i)?,
            b'"' => i = string_end(bytes, i + 1)?,
            b'\'' => i = quote_end(text, i),
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                if depth == 0 {
                    let next = skip_trivia(bytes, i)?;
                    if bytes.get(next) == Some(&b';') {
                        i = next + 1;
                    }
                    ends.push(i);
                }
            }
            b';' => {
                i += 1;
                if depth == 0 {
                    ends.push(i);
                }
            }
            _ if is_ident_start(b) => i = ident_end(bytes, i)?,
            _ => i += 1,
        }
    }
    (depth == 0).then_some(ends)
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Past an identifier (or number) starting at `i`, or past the raw string it prefixes
/// (`r"…"`, `br#"…"#`, `cr##"…"##`).
fn ident_end(bytes: &[u8], i: usize) -> Option<usize> {
    let mut end = i;
    while end < bytes.len() && is_ident_continue(bytes[end]) {
        end += 1;
    }
    if matches!(&bytes[i..end], b"r" | b"br" | b"cr") {
        let mut hashes = 0;
        while bytes.get(end + hashes) == Some(&b'#') {
            hashes += 1;
        }
        if bytes.get(end + hashes) == Some(&b'"') {
            return raw_string_end(bytes, end + hashes + 1, hashes);
        }
    }
    Some(end)
}

fn raw_string_end(bytes: &[u8], mut i: usize, hashes: usize) -> Option<usize> {
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|b| **b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    None
}

/// Past the closing quote of a string whose contents start at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Past a character literal (`'x'`, `'\''`, `'é'`) at `i`, or past the quote of a lifetime or
/// label (`'a`, `'static`).
fn quote_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(i + 1) == Some(&b'\\') {
        let mut j = i + 3;
        while j < bytes.len() && bytes[j] != b'\'' && bytes[j] != b'\n' {
            j += 1;
        }
        return (j + 1).min(bytes.len());
    }
    let mut chars = text[i + 1..].chars();
    match (chars.next(), chars.next()) {
        (Some(c), Some('\'')) => i + 1 + c.len_utf8() + 1,
        _ => i + 1,
    }
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| i + p)
}

/// Past a (nested) block comment starting at `i`.
fn block_comment_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The first offset from `i` that is neither whitespace nor a comment.
fn skip_trivia(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            (Some(b'/'), Some(b'/')) => i = line_end(bytes, i),
            (Some(b'/'), Some(b'*')) => i = block_comment_end(bytes, i)?,
            _ => return Some(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::item_ends;

    fn items(text: &str) -> Vec<&str> {
        let ends = item_ends(text).expect("scans");
        let mut start = 0;
        let mut out = Vec::new();
        for end in ends {
            out.push(text[start..end].trim());
            start = end;
        }
        out
    }

    #[test]
    fn items_end_at_top_level_semicolons_and_braces() {
        let text = "use a::b;\n#[derive(Debug)]\nstruct S { a: u8 }\nstatic X: S = S { a: b'}' };\n\
                    fn f() -> u8 { let s = \"}\"; let c = '}'; 1 } // }\nconst _: () = {};\n";
        assert_eq!(
            items(text),
            [
                "use a::b;",
                "#[derive(Debug)]\nstruct S { a: u8 }",
                "static X: S = S { a: b'}' };",
                "fn f() -> u8 { let s = \"}\"; let c = '}'; 1 }",
                "// }\nconst _: () = {};",
            ]
        );
    }

    #[test]
    fn strings_comments_lifetimes_and_raw_strings_hide_their_brackets() {
        let text = "fn a<'a>(x: &'a str) -> &'a str { x }\n/* { /* nested } */ */\n\
                    const R: &str = r#\"}\"; \"#;\nconst B: &[u8] = br\"{\";\nfn r#match() {}\n\
                    fn esc() { let _ = ['\\'', '\\u{7d}', 'é']; let _ = \"\\\"}\"; }\n";
        assert_eq!(
            items(text),
            [
                "fn a<'a>(x: &'a str) -> &'a str { x }",
                "/* { /* nested } */ */\nconst R: &str = r#\"}\"; \"#;",
                "const B: &[u8] = br\"{\";",
                "fn r#match() {}",
                "fn esc() { let _ = ['\\'', '\\u{7d}', 'é']; let _ = \"\\\"}\"; }",
            ]
        );
    }

    #[test]
    fn text_that_does_not_scan_has_no_boundaries() {
        for text in [
            "fn f() { \"open }",
            "fn f() {",
            "fn f() }",
            "/* open",
            "const R: &str = r#\"x\";",
        ] {
            assert_eq!(item_ends(text), None, "{text}");
        }
    }
}
