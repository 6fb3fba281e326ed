//! What an upgrade does to one file, decided from three versions of it: the old template's
//! render (`base`), the new template's render (`theirs`) and what is on disk (`ours`).
//!
//! | team changed it? | template changed it? | result |
//! |---|---|---|
//! | no | yes | replaced by the new render |
//! | yes | no | kept |
//! | yes | yes | three-way merged (conflict blocks where both touched the same lines) |
//! | new in template | — | created, unless a team file sits there (conflict) |
//! | removed by template | no / yes | removed / kept and reported |
//! | deleted by team | — | stays deleted, reported |
//!
//! Team-owned files are never touched. A file the template moved is decided by the engine with
//! the same table, between its old path (base, ours) and its new one (theirs).

use super::merge::{Labels, merge3};
use crate::template::Owner;

/// The decision for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing to do: already as the new template wants it, or team-owned.
    Unchanged,
    /// The team never changed it: replace it with the new render.
    Update(Vec<u8>),
    /// Only the team changed it: keep the team's version.
    Keep,
    /// Both changed it: the merged text, with `conflicts` conflict blocks.
    Merge { text: Vec<u8>, conflicts: usize },
    /// New in the template: create it.
    Create(Vec<u8>),
    /// New in the template, but the team already has a different file there.
    CreateConflict,
    /// The template dropped it and the team never changed it: remove it.
    Remove,
    /// The template dropped it but the team changed it: keep it and say so.
    KeepRemoved,
    /// The team deleted it: it stays deleted.
    StaysDeleted,
    /// Both changed a file that is not text: the team's version is kept and the new one is not
    /// applied; the upgrade must report it.
    BinaryConflict,
}

/// Decides what to do with one file. `labels` name the sides in conflict markers.
pub fn plan_file(
    owner: Owner,
    base: Option<&[u8]>,
    theirs: Option<&[u8]>,
    ours: Option<&[u8]>,
    labels: Labels<'_>,
) -> Action {
    if owner == Owner::Team && ours.is_some() {
        return Action::Unchanged;
    }
    match (base, theirs, ours) {
        (None, Some(new), None) => Action::Create(new.to_vec()),
        (None, Some(new), Some(current)) if current == new => Action::Unchanged,
        (None, Some(_), Some(_)) => Action::CreateConflict,
        (Some(_), None, None) | (None, None, _) => Action::Unchanged,
        (Some(old), None, Some(current)) if current == old => Action::Remove,
        (Some(_), None, Some(_)) => Action::KeepRemoved,
        (Some(_), Some(_), None) => Action::StaysDeleted,
        (Some(old), Some(new), Some(current)) => {
            if current == new {
                Action::Unchanged
            } else if current == old {
                Action::Update(new.to_vec())
            } else if new == old {
                Action::Keep
            } else {
                match (
                    std::str::from_utf8(old),
                    std::str::from_utf8(new),
                    std::str::from_utf8(current),
                ) {
                    (Ok(o), Ok(n), Ok(c)) => {
                        let merged = merge3(o, c, n, labels);
                        Action::Merge {
                            text: merged.text.into_bytes(),
                            conflicts: merged.conflicts,
                        }
                    }
                    // Binary files cannot be merged line by line: keep the team's, report it.
                    _ => Action::BinaryConflict,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Labels<'static> = Labels {
        ours: "yours",
        base: "old",
        theirs: "new",
    };

    fn plan(owner: Owner, base: Option<&str>, theirs: Option<&str>, ours: Option<&str>) -> Action {
        plan_file(
            owner,
            base.map(str::as_bytes),
            theirs.map(str::as_bytes),
            ours.map(str::as_bytes),
            L,
        )
    }

    #[test]
    fn follows_the_decision_table() {
        use Owner::{Platform, Shared, Team};
        assert_eq!(
            plan(Platform, Some("a\n"), Some("b\n"), Some("a\n")),
            Action::Update(b"b\n".to_vec())
        );
        assert_eq!(
            plan(Shared, Some("a\n"), Some("a\n"), Some("mine\n")),
            Action::Keep
        );
        assert_eq!(
            plan(Shared, Some("a\n"), Some("b\n"), Some("b\n")),
            Action::Unchanged
        );
        assert_eq!(
            plan(Shared, None, Some("n\n"), None),
            Action::Create(b"n\n".to_vec())
        );
        assert_eq!(
            plan(Shared, None, Some("n\n"), Some("team\n")),
            Action::CreateConflict
        );
        assert_eq!(
            plan(Platform, Some("a\n"), None, Some("a\n")),
            Action::Remove
        );
        assert_eq!(
            plan(Platform, Some("a\n"), None, Some("edited\n")),
            Action::KeepRemoved
        );
        assert_eq!(
            plan(Shared, Some("a\n"), Some("b\n"), None),
            Action::StaysDeleted
        );
        assert_eq!(
            plan(Team, Some("a\n"), Some("b\n"), Some("a\n")),
            Action::Unchanged,
            "team files are never touched"
        );
    }

    #[test]
    fn both_sides_changed_means_a_merge() {
        let base = "one\ntwo\nthree\n";
        let action = plan(
            Owner::Shared,
            Some(base),
            Some("one\ntwo\nTHREE\n"),
            Some("ONE\ntwo\nthree\n"),
        );
        assert_eq!(
            action,
            Action::Merge {
                text: b"ONE\ntwo\nTHREE\n".to_vec(),
                conflicts: 0
            }
        );
        match plan(
            Owner::Shared,
            Some(base),
            Some("one\nnew\nthree\n"),
            Some("one\nmine\nthree\n"),
        ) {
            Action::Merge { conflicts, text } => {
                assert_eq!(conflicts, 1);
                assert!(String::from_utf8(text).unwrap().contains("mine"));
            }
            other => panic!("expected a merge, got {other:?}"),
        }
    }
}
