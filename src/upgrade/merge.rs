//! Line-level three-way merge: the team's version and the new template's version of a file,
//! both descended from the old template's render (the base).
//!
//! Guarantees: every line the team wrote is in the result, either merged or inside a conflict
//! block; changes the two sides made to different base lines never conflict (even when
//! adjacent); identical changes on both sides merge silently; lines both sides only appended at
//! the end of a file they share are both kept (the template's, then the team's). Conflicts use
//! git's diff3 markers so editors and `git diff` recognise them.

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// The result of a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// How many conflict blocks `text` contains.
    pub conflicts: usize,
}

/// Labels written on conflict markers.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub ours: &'a str,
    pub base: &'a str,
    pub theirs: &'a str,
}

/// One side's change: base lines `range` become `lines`.
#[derive(Debug, Clone)]
struct Change<'a> {
    range: Range<usize>,
    lines: Vec<&'a str>,
}

/// Merges `ours` (the team's file) and `theirs` (the new render) against `base` (the old render).
pub fn merge3(base: &str, ours: &str, theirs: &str, labels: Labels<'_>) -> Merged {
    let (base_lines, our_lines, their_lines) = (lines(base), lines(ours), lines(theirs));
    let ours_changes = changes(&base_lines, &our_lines);
    let theirs_changes = changes(&base_lines, &their_lines);

    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut conflicts = 0;
    let mut cursor = 0;
    let (mut i, mut j) = (0, 0);
    while i < ours_changes.len() || j < theirs_changes.len() {
        // Start a group with the earliest change, then pull in every change that overlaps it.
        let (group_i, group_j) = (i, j);
        // At equal starts an insertion goes first: it sits before the other side's lines.
        let ours_first = match (ours_changes.get(i), theirs_changes.get(j)) {
            (Some(a), Some(b)) => {
                (a.range.start, !a.range.is_empty()) <= (b.range.start, !b.range.is_empty())
            }
            (Some(_), None) => true,
            _ => false,
        };
        let mut range = if ours_first {
            i += 1;
            ours_changes[group_i].range.clone()
        } else {
            j += 1;
            theirs_changes[group_j].range.clone()
        };
        loop {
            let before = (i, j);
            while let Some(c) = ours_changes.get(i).filter(|c| overlaps(&c.range, &range)) {
                range = range.start.min(c.range.start)..range.end.max(c.range.end);
                i += 1;
            }
            while let Some(c) = theirs_changes.get(j).filter(|c| overlaps(&c.range, &range)) {
                range = range.start.min(c.range.start)..range.end.max(c.range.end);
                j += 1;
            }
            if (i, j) == before {
                break;
            }
        }
        out.extend(base_lines[cursor..range.start].iter().copied());
        let ours_text = apply(&base_lines, &range, &ours_changes[group_i..i]);
        let theirs_text = apply(&base_lines, &range, &theirs_changes[group_j..j]);
        match (group_i == i, group_j == j) {
            (false, true) => out.push_str(&ours_text),
            (true, false) => out.push_str(&theirs_text),
            _ if ours_text == theirs_text => out.push_str(&ours_text),
            // Both sides only added lines at the end of a file they share (a team's notes
            // appended to a README, a new template section): both are kept, the template's
            // first, so the team's lines stay last where they put them. Nothing is replaced, so
            // there is nothing to choose between. (Two files that share nothing, such as a
            // team's own file where the template now has one, still conflict.)
            _ if !base_lines.is_empty() && range.is_empty() && range.start == base_lines.len() => {
                push_line_block(&mut out, &theirs_text);
                out.push_str(&ours_text);
            }
            _ => {
                conflicts += 1;
                let base_text: String = base_lines[range.clone()].concat();
                for (marker, text) in [
                    (format!("<<<<<<< {}\n", labels.ours), &ours_text),
                    (format!("||||||| {}\n", labels.base), &base_text),
                    ("=======\n".to_string(), &theirs_text),
                ] {
                    out.push_str(&marker);
                    push_line_block(&mut out, text);
                }
                out.push_str(&format!(">>>>>>> {}\n", labels.theirs));
            }
        }
        cursor = range.end;
    }
    out.extend(base_lines[cursor..].iter().copied());
    Merged {
        text: out,
        conflicts,
    }
}

/// Lines with their endings, so the merge reproduces the files byte for byte.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Appends `text`, ending it with a newline so a following marker starts its own line.
fn push_line_block(out: &mut String, text: &str) {
    out.push_str(text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Two change ranges interfere when they share a base line, or when both insert at the same
/// point, or one inserts strictly inside the other's range. Touching ranges do not.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return b.start < a.start && a.start < b.end;
    }
    if b.is_empty() {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// The changes that turn `base` into `other`, in base order.
fn changes<'a>(base: &[&'a str], other: &[&'a str]) -> Vec<Change<'a>> {
    let mut out: Vec<Change<'a>> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, other) {
        let (range, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index, old_len, ..
            } => (old_index..old_index + old_len, 0..0),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        // Consecutive ops that touch form one change.
        match out.last_mut() {
            Some(last) if last.range.end == range.start => {
                last.range.end = range.end;
                last.lines.extend_from_slice(&other[new]);
            }
            _ => out.push(Change {
                range,
                lines: other[new].to_vec(),
            }),
        }
    }
    out
}

/// `base[range]` with `changes` (all inside `range`) applied.
fn apply(base: &[&str], range: &Range<usize>, changes: &[Change<'_>]) -> String {
    let mut out = String::new();
    let mut cursor = range.start;
    for change in changes {
        out.extend(base[cursor..change.range.start].iter().copied());
        out.extend(change.lines.iter().copied());
        cursor = change.range.end;
    }
    out.extend(base[cursor..range.end].iter().copied());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: Labels<'static> = Labels {
        ours: "yours",
        base: "template 0.1.0",
        theirs: "template 0.2.0",
    };

    fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
        merge3(base, ours, theirs, LABELS)
    }

    #[test]
    fn one_sided_and_identical_changes_merge_cleanly() {
        let base = "a\nb\nc\nd\n";
        assert_eq!(
            merge(base, "a\nB\nc\nd\n", base),
            Merged {
                text: "a\nB\nc\nd\n".into(),
                conflicts: 0
            }
        );
        assert_eq!(merge(base, base, "a\nb\nc\nD\n").text, "a\nb\nc\nD\n");
        assert_eq!(merge(base, "a\nB\nc\nd\n", "a\nB\nc\nd\n").conflicts, 0);
    }

    #[test]
    fn changes_to_different_lines_merge_even_when_adjacent() {
        let merged = merge("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n");
        assert_eq!(
            merged,
            Merged {
                text: "a\nB\nC\nd\n".into(),
                conflicts: 0
            }
        );
        let merged = merge("a\nb\n", "x\na\nb\n", "a\nb\ny\n");
        assert_eq!(merged.text, "x\na\nb\ny\n");
    }

    #[test]
    fn changes_to_the_same_lines_conflict_with_diff3_markers() {
        let merged = merge("a\nb\nc\n", "a\nmine\nc\n", "a\ntheirs\nc\n");
        assert_eq!(merged.conflicts, 1);
        assert_eq!(
            merged.text,
            "a\n<<<<<<< yours\nmine\n||||||| template 0.1.0\nb\n=======\ntheirs\n>>>>>>> template 0.2.0\nc\n"
        );
    }

    #[test]
    fn lines_both_sides_appended_at_the_end_are_both_kept_the_teams_last() {
        let base = "# Title\n\nText.\n";
        let merged = merge(
            base,
            "# Title\n\nText.\n\n## Team notes\n",
            "# Title\n\nText.\n\nOwners.\n",
        );
        assert_eq!(
            merged,
            Merged {
                text: "# Title\n\nText.\n\nOwners.\n\n## Team notes\n".into(),
                conflicts: 0
            }
        );
        // Appending is not replacing: a change to the last line still conflicts.
        let merged = merge(base, "# Title\n\nMine.\n", "# Title\n\nTheirs.\nMore.\n");
        assert_eq!(merged.conflicts, 1);
    }

    #[test]
    fn a_file_without_a_final_newline_still_gets_markers_on_their_own_lines() {
        let merged = merge("a\nb", "a\nmine", "a\ntheirs");
        assert_eq!(merged.conflicts, 1);
        assert!(merged.text.contains("mine\n|||||||"), "{}", merged.text);
    }

    /// Random team edits × random template edits: no team line is ever lost, and sides that
    /// touched different base lines never conflict.
    #[test]
    fn property_no_team_line_lost_and_no_spurious_conflicts() {
        let mut rng = fastrand::Rng::with_seed(0x6d63_7066);
        for round in 0..2000 {
            let n = rng.usize(1..30);
            let base: Vec<String> = (0..n).map(|i| format!("base {i}\n")).collect();
            let (ours, our_touched) = edit(&mut rng, &base, "ours", round);
            let (theirs, their_touched) = edit(&mut rng, &base, "theirs", round);
            let merged = merge(&base.concat(), &ours.concat(), &theirs.concat());
            for line in ours.iter().filter(|l| l.starts_with("ours")) {
                assert!(
                    merged.text.contains(line.as_str()),
                    "round {round}: team line {line:?} lost\n{}",
                    merged.text
                );
            }
            for line in theirs.iter().filter(|l| l.starts_with("theirs")) {
                assert!(
                    merged.text.contains(line.as_str()),
                    "round {round}: template line {line:?} lost"
                );
            }
            let disjoint = our_touched
                .iter()
                .all(|a| their_touched.iter().all(|b| a.abs_diff(*b) > 1));
            if disjoint {
                assert_eq!(
                    merged.conflicts, 0,
                    "round {round}: conflict although the sides touched different lines\n{}",
                    merged.text
                );
            }
        }
    }

    /// Replaces, deletes or inserts at a few random base lines; returns the edited lines and the
    /// base indices it touched (an insertion touches the line it is inserted before).
    fn edit(
        rng: &mut fastrand::Rng,
        base: &[String],
        side: &str,
        round: usize,
    ) -> (Vec<String>, Vec<usize>) {
        let mut touched = Vec::new();
        let mut out = Vec::new();
        for (i, line) in base.iter().enumerate() {
            match rng.u8(0..10) {
                0 => {
                    out.push(format!("{side} {round} replaced {i}\n"));
                    touched.push(i);
                }
                1 => touched.push(i),
                2 => {
                    out.push(format!("{side} {round} inserted before {i}\n"));
                    out.push(line.clone());
                    touched.push(i);
                }
                _ => out.push(line.clone()),
            }
        }
        (out, touched)
    }
}
