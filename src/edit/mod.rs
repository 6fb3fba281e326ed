//! Writing to the user's file system, all-or-nothing, and editing source without reformatting it.
//!
//! Every write mcpforge makes goes through this module: a single file is written to a temporary
//! file beside it and renamed over the target; a new project is written to a temporary directory
//! beside its target and renamed into place; a [`Transaction`] writes several files and puts the
//! earlier ones back if a later one fails. [`rust`] splices text into Rust files at positions
//! found by a real parser and re-parses the result before anything is written; [`manifest`]
//! edits `Cargo.toml` through `toml_edit`.

pub mod manifest;
pub mod rust;
mod transaction;

pub use transaction::{Change, Transaction};

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename.
/// Keeps the permissions of a file it replaces; a new file gets the usual mode (0644 under the
/// common umask), not the private mode of a temporary file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    usual_mode(&mut builder, 0o666);
    let mut tmp = builder
        .prefix(".mcpforge-")
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("failed to write {}", tmp.path().display()))?;
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), meta.permissions())
            .with_context(|| format!("failed to copy permissions of {}", path.display()))?;
    }
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("failed to replace {}", path.display()))?;
    Ok(())
}

/// Asks for `mode` (before the umask) instead of the private mode of temporary files, for files
/// and directories that become the user's.
fn usual_mode(builder: &mut tempfile::Builder<'_, '_>, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (builder, mode);
}

/// Creates the directory `target` holding `files` (relative `/` paths → contents).
///
/// `target` must not exist or be an empty directory. Files are written into a temporary
/// directory that is renamed to `target` at the end: beside it, or inside it when `target` is
/// an empty directory already (its parent may not be writable). Missing parent directories are
/// created and removed again if anything fails, so the file system ends either complete or as
/// it was. Signals wait until this returns (see [`crate::interrupt`]).
pub fn create_tree(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<()> {
    let _writing = crate::interrupt::writing();
    if target.is_dir() {
        return fill_empty_dir(target, files);
    }
    let parent = target
        .parent()
        .context("the target directory has no parent")?;
    let created = create_missing_dirs(parent)?;
    let result = stage_and_rename(parent, target, files);
    if result.is_err() {
        for dir in created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// Stages `files` in a temporary directory inside the empty directory `target`, then moves them
/// up into it. The directory itself is kept: it may be the user's working directory.
fn fill_empty_dir(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<()> {
    let staging = stage(target, files)?;
    move_entries_into(staging.path(), target)
}

/// A temporary directory in `parent` holding `files`, removed when dropped.
fn stage(parent: &Path, files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    usual_mode(&mut builder, 0o777);
    let staging = builder
        .prefix(".mcpforge-new-")
        .tempdir_in(parent)
        .map_err(|e| {
            crate::error::CliError::failure(format!("cannot write in {}: {e}", parent.display()))
                .with_help("create the project somewhere you can write, or fix the permissions")
        })?;
    for (rel, bytes) in files {
        let path = staging.path().join(checked_relative(rel)?);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(staging)
}

fn stage_and_rename(
    parent: &Path,
    target: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<()> {
    let staged = stage(parent, files)?.keep();
    fs::rename(&staged, target).map_err(|e| {
        let _ = fs::remove_dir_all(&staged);
        anyhow::Error::from(e).context(format!(
            "failed to move the project into {}",
            target.display()
        ))
    })
}

/// Renames every top-level entry of `from` into the empty directory `into`; if one fails, the
/// ones already moved are removed again so `into` is left empty.
fn move_entries_into(from: &Path, into: &Path) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(from)
        .with_context(|| format!("cannot read {}", from.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    let mut moved: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let dest = into.join(entry.file_name().context("an entry without a name")?);
        if let Err(e) = fs::rename(&entry, &dest) {
            for done in moved.iter().rev() {
                let _ = if done.is_dir() {
                    fs::remove_dir_all(done)
                } else {
                    fs::remove_file(done)
                };
            }
            return Err(anyhow::Error::from(e).context(format!(
                "failed to move the project into {}",
                into.display()
            )));
        }
        moved.push(dest);
    }
    Ok(())
}

/// Writes `files` into the existing directory `target` as one [`Transaction`]: every file is
/// checked first (no directory, symbolic link or file in the way, nothing outside `target`), and
/// if a write fails the files already written get their old contents back. Files at other paths
/// are left alone. `last` is written after all the others.
pub fn overlay_tree(
    target: &Path,
    files: &BTreeMap<String, Vec<u8>>,
    last: &str,
) -> anyhow::Result<()> {
    let ordered = files
        .iter()
        .filter(|(p, _)| *p != last)
        .chain(files.get_key_value(last));
    let mut tx = Transaction::new();
    for (rel, bytes) in ordered {
        let path = target.join(checked_inside(target, rel)?);
        let before = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        tx.push(Change {
            path,
            display: rel.clone(),
            before,
            after: Some(bytes.clone()),
        });
    }
    tx.commit()
}

/// Checks that mcpforge can write the file `rel` below `root` without leaving it: `rel` is a
/// plain relative path, none of its existing folders is a symbolic link or a file, and the file
/// itself, if it exists, is a regular file. Returns `rel` as a path.
pub fn checked_inside<'a>(root: &Path, rel: &'a str) -> Result<&'a Path, crate::error::CliError> {
    use crate::error::CliError;
    let path = checked_relative(rel).map_err(|e| CliError::failure(e.to_string()))?;
    let mut at = root.to_path_buf();
    let mut shown = PathBuf::new();
    let count = path.components().count();
    for (i, component) in path.components().enumerate() {
        at.push(component);
        shown.push(component);
        let Ok(meta) = fs::symlink_metadata(&at) else {
            break;
        };
        let last = i + 1 == count;
        let problem = if meta.file_type().is_symlink() {
            Some("is a symbolic link; mcpforge writes only real files inside the project")
        } else if !last && !meta.is_dir() {
            Some("is a file where mcpforge needs a directory")
        } else if last && meta.is_dir() {
            Some("is a directory where mcpforge needs to write a file")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(CliError::failure(format!(
                "{} {problem}; nothing was written",
                shown.display()
            ))
            .with_help("move it out of the way, then run the command again"));
        }
    }
    Ok(path)
}

/// Creates the missing ancestors of `dir`, returning those it created (outermost first).
fn create_missing_dirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.exists())
        .map(Path::to_path_buf)
        .collect();
    let mut created = Vec::new();
    for d in missing.into_iter().rev() {
        if let Err(e) = fs::create_dir(&d) {
            for c in created.iter().rev() {
                let _ = fs::remove_dir(c);
            }
            return Err(e).with_context(|| format!("cannot create directory {}", d.display()));
        }
        created.push(d);
    }
    Ok(created)
}

/// Refuses absolute paths and `..` in paths coming from templates or projects.
fn checked_relative(rel: &str) -> anyhow::Result<&Path> {
    let path = Path::new(rel);
    if path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        bail!("refusing to write outside the project: `{rel}`");
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("a.txt".to_string(), b"a".to_vec()),
            ("src/b.rs".to_string(), b"b".to_vec()),
        ])
    }

    #[test]
    fn creates_a_tree_with_missing_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("x/y/proj");
        create_tree(&target, &tree()).unwrap();
        assert_eq!(fs::read(target.join("src/b.rs")).unwrap(), b"b");
        let leftovers: Vec<_> = fs::read_dir(tmp.path().join("x/y")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging directory may remain");
    }

    #[test]
    fn an_existing_empty_directory_is_kept_and_filled() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("proj");
        fs::create_dir(&target).unwrap();
        let inode = fs::metadata(&target).unwrap().ino();
        create_tree(&target, &tree()).unwrap();
        assert_eq!(
            fs::metadata(&target).unwrap().ino(),
            inode,
            "the directory itself must survive"
        );
        assert_eq!(fs::read(target.join("src/b.rs")).unwrap(), b"b");
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging directory may remain"
        );
    }

    #[test]
    fn a_failed_create_removes_the_parents_it_made() {
        let tmp = tempfile::tempdir().unwrap();
        let bad = BTreeMap::from([("../escape".to_string(), b"x".to_vec())]);
        assert!(create_tree(&tmp.path().join("new/proj"), &bad).is_err());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
