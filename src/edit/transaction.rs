//! Several file changes that land together: each is written atomically, and if one fails the
//! ones already written are restored. A change is refused if its file changed on disk since it
//! was read, so mcpforge never overwrites an edit it did not see.
//!
//! Fault injection: with `MCPFORGE_FAULT_ABORT_AFTER_WRITES=N` in the environment the process
//! aborts right after the N-th file of a commit is written, as a crash or `kill -9` would.
//! Tests use it to prove that an interrupted command leaves every file either old or new. With
//! `MCPFORGE_FAULT_FAIL_AT_WRITE=N` the N-th write fails instead, to prove the roll-back.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use super::write_atomic;
use crate::error::CliError;

/// One planned change to one file.
#[derive(Debug, Clone)]
pub struct Change {
    /// Where to write.
    pub path: PathBuf,
    /// How to show the path to the user (relative to the project).
    pub display: String,
    /// The contents it had when read (`None`: the file is new).
    pub before: Option<Vec<u8>>,
    /// The contents to write (`None`: remove the file).
    pub after: Option<Vec<u8>>,
}

/// Planned changes, applied in order by [`Transaction::commit`].
#[derive(Debug, Default)]
pub struct Transaction {
    changes: Vec<Change>,
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// A unified diff of every change (new files against /dev/null).
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let before = change
                .before
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let after = change
                .after
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let old_name = if change.before.is_some() {
                format!("a/{}", change.display)
            } else {
                "/dev/null".into()
            };
            let new_name = if change.after.is_some() {
                format!("b/{}", change.display)
            } else {
                "/dev/null".into()
            };
            let diff = similar::TextDiff::from_lines(&*before, &*after);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&old_name, &new_name)
                    .to_string(),
            );
        }
        out
    }

    /// Writes every change, or none: on failure the files already written get their old
    /// contents back (new files and the folders made for them are removed) and the error says
    /// which file failed. A read-only file is refused, not replaced behind the user's back.
    /// Signals wait until this returns (see [`crate::interrupt`]).
    pub fn commit(self) -> anyhow::Result<()> {
        let _writing = crate::interrupt::writing();
        for change in &self.changes {
            let current = std::fs::read(&change.path).ok();
            if current != change.before {
                bail!(
                    "{} changed on disk while mcpforge was working; nothing was written",
                    change.display
                );
            }
            if change.before.is_some()
                && std::fs::metadata(&change.path).is_ok_and(|m| m.permissions().readonly())
            {
                return Err(CliError::failure(format!(
                    "{} is read-only; nothing was written",
                    change.display
                ))
                .with_help("make it writable (chmod u+w) if mcpforge may change it")
                .into());
            }
        }
        let fault =
            |name: &str| -> Option<usize> { std::env::var(name).ok().and_then(|n| n.parse().ok()) };
        let abort_after = fault("MCPFORGE_FAULT_ABORT_AFTER_WRITES");
        let fail_at = fault("MCPFORGE_FAULT_FAIL_AT_WRITE");
        let mut done: Vec<&Change> = Vec::new();
        let mut made_dirs: Vec<PathBuf> = Vec::new();
        for change in &self.changes {
            let result = (|| match &change.after {
                Some(after) => {
                    if let Some(dir) = change.path.parent() {
                        let missing: Vec<PathBuf> = dir
                            .ancestors()
                            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                            .map(PathBuf::from)
                            .collect();
                        for d in missing.into_iter().rev() {
                            std::fs::create_dir(&d)
                                .with_context(|| format!("failed to create {}", d.display()))?;
                            made_dirs.push(d);
                        }
                    }
                    if fail_at == Some(done.len() + 1) {
                        bail!("injected failure (MCPFORGE_FAULT_FAIL_AT_WRITE)");
                    }
                    write_atomic(&change.path, after)
                }
                None => std::fs::remove_file(&change.path)
                    .with_context(|| format!("failed to remove {}", change.display)),
            })();
            if let Err(err) = result {
                for written in done.iter().rev() {
                    let _ = match &written.before {
                        Some(old) => write_atomic(&written.path, old),
                        None => std::fs::remove_file(&written.path).map_err(Into::into),
                    };
                }
                for dir in made_dirs.iter().rev() {
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(err.context(format!(
                    "failed to write {}; earlier changes were undone",
                    change.display
                )));
            }
            done.push(change);
            if abort_after == Some(done.len()) {
                std::process::abort();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_change_undoes_the_earlier_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let kept = tmp.path().join("kept.rs");
        std::fs::write(&kept, "old").unwrap();
        std::fs::write(tmp.path().join("blocker"), "a file, not a directory").unwrap();
        let mut tx = Transaction::new();
        tx.push(Change {
            path: tmp.path().join("new.rs"),
            display: "new.rs".into(),
            before: None,
            after: Some(b"n".to_vec()),
        });
        tx.push(Change {
            path: kept.clone(),
            display: "kept.rs".into(),
            before: Some(b"old".to_vec()),
            after: Some(b"new".to_vec()),
        });
        tx.push(Change {
            path: tmp.path().join("blocker/x.rs"),
            display: "blocker/x.rs".into(),
            before: None,
            after: Some(b"x".to_vec()),
        });
        let err = tx.commit().unwrap_err();
        assert!(format!("{err:#}").contains("blocker/x.rs"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "old");
        assert!(!tmp.path().join("new.rs").exists());
    }

    #[test]
    fn a_file_changed_since_reading_is_not_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.rs");
        std::fs::write(&path, "edited meanwhile").unwrap();
        let mut tx = Transaction::new();
        tx.push(Change {
            path: path.clone(),
            display: "f.rs".into(),
            before: Some(b"as read".to_vec()),
            after: Some(b"x".to_vec()),
        });
        assert!(tx.commit().is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited meanwhile");
    }

    #[test]
    fn diff_shows_new_and_changed_files() {
        let mut tx = Transaction::new();
        tx.push(Change {
            path: "a".into(),
            display: "src/a.rs".into(),
            before: None,
            after: Some(b"fn a() {}\n".to_vec()),
        });
        tx.push(Change {
            path: "b".into(),
            display: "src/b.rs".into(),
            before: Some(b"x\n".to_vec()),
            after: Some(b"x\ny\n".to_vec()),
        });
        let diff = tx.diff();
        assert!(diff.contains("--- /dev/null\n+++ b/src/a.rs"), "{diff}");
        assert!(diff.contains("+y"), "{diff}");
    }
}
