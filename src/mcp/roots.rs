//! Confinement: which directories an MCP client may make mcpforge read or write, and the check
//! every path goes through before an operation touches it.
//!
//! A path is allowed when its real location (symlinks and `..` resolved) is inside one of the
//! roots. For a path that does not exist yet, the deepest existing ancestor is resolved and the
//! rest must be plain names, so neither `..` nor a symlink can lead out. Roots are themselves
//! canonical. This module decides; it never reads file contents or writes anything.

use std::path::{Component, Path, PathBuf};

use crate::error::CliError;

/// The directories a request may touch, canonical, in the order they were given (the first one
/// anchors relative paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roots {
    dirs: Vec<PathBuf>,
    /// Where the roots came from, for messages: `--root`, the client, or the current directory.
    origin: &'static str,
}

impl Roots {
    /// Roots from existing directories; each must exist.
    pub fn new(dirs: &[PathBuf], origin: &'static str) -> Result<Self, CliError> {
        let mut canonical = Vec::new();
        for dir in dirs {
            let real = std::fs::canonicalize(dir).map_err(|e| {
                CliError::usage(format!("root {} cannot be used: {e}", dir.display()))
                    .with_help("pass an existing directory to --root")
            })?;
            if !real.is_dir() {
                return Err(CliError::usage(format!(
                    "root {} is not a directory",
                    dir.display()
                )));
            }
            if !canonical.contains(&real) {
                canonical.push(real);
            }
        }
        Ok(Self {
            dirs: canonical,
            origin,
        })
    }

    /// The roots' canonical directories.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The part of the client's roots that also lies inside these (server) roots: each pair
    /// contributes the deeper of the two directories when one contains the other.
    pub fn narrowed_to(&self, client: &[PathBuf]) -> Self {
        let mut dirs = Vec::new();
        for c in client {
            for r in &self.dirs {
                let deeper = if c.starts_with(r) {
                    c
                } else if r.starts_with(c) {
                    r
                } else {
                    continue;
                };
                if !dirs.contains(deeper) {
                    dirs.push(deeper.clone());
                }
            }
        }
        Self {
            dirs,
            origin: "the client's MCP roots within --root",
        }
    }

    /// Roots from the client's `roots/list` (already canonical).
    pub fn from_client(dirs: Vec<PathBuf>) -> Self {
        Self {
            dirs,
            origin: "the client's MCP roots",
        }
    }

    fn contains(&self, path: &Path) -> bool {
        self.dirs.iter().any(|root| path.starts_with(root))
    }

    /// The error for a path outside every root, naming the roots.
    pub fn outside(&self, raw: &str) -> CliError {
        if self.dirs.is_empty() {
            return CliError::usage(format!(
                "`{raw}` is outside the allowed roots: {} leave no directory to work in",
                self.origin
            ))
            .with_help("declare a root in the client (or start `mcpforge mcp --root DIR`) that contains the project");
        }
        CliError::usage(format!(
            "`{raw}` is outside the allowed roots ({}): {}",
            self.origin,
            self.listed()
        ))
        .with_help("use a path inside one of these roots (relative paths start at the first)")
    }

    fn listed(&self) -> String {
        self.dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Resolves `raw` (absolute, or relative to the first root) to its real location, and
    /// refuses it unless that is inside a root. The path need not exist.
    pub fn resolve(&self, raw: &str) -> Result<PathBuf, CliError> {
        if raw.trim().is_empty() {
            return Err(CliError::usage("the path is empty")
                .with_help("give a directory, absolute or relative to the first root"));
        }
        let given = Path::new(raw);
        let absolute = if given.is_absolute() {
            given.to_path_buf()
        } else {
            match self.dirs.first() {
                Some(first) => first.join(given),
                None => return Err(self.outside(raw)),
            }
        };
        let real = real_location(&absolute).ok_or_else(|| self.outside(raw))?;
        if self.contains(&real) {
            Ok(real)
        } else {
            Err(self.outside(raw))
        }
    }

    /// [`Roots::resolve`] for a directory to be created as a whole: it must lie strictly inside
    /// a root, since the project is staged beside it and moved into place.
    pub fn resolve_new_dir(&self, raw: &str) -> Result<PathBuf, CliError> {
        let real = self.resolve(raw)?;
        if self.dirs.contains(&real) {
            return Err(CliError::usage(format!(
                "`{raw}` is a root itself; a new project is created in a directory inside a root"
            ))
            .with_help("name a subdirectory, such as `my-server`"));
        }
        Ok(real)
    }

    /// Refuses `path` (already absolute) unless its real location is inside a root.
    pub fn check(&self, path: &Path) -> Result<(), CliError> {
        let shown = path.display().to_string();
        match real_location(path) {
            Some(real) if self.contains(&real) => Ok(()),
            _ => Err(self.outside(&shown)),
        }
    }

    /// Refuses a directory tree holding a symlink whose target is outside the roots. Links to
    /// directories inside the roots are walked too (each real directory once), since reading
    /// through them reaches their links. `target/` and `.git/` are not walked: mcpforge never
    /// reads them.
    pub fn check_tree(&self, dir: &Path) -> Result<(), CliError> {
        let mut seen = std::collections::BTreeSet::new();
        self.walk(dir, &mut seen)
    }

    fn walk(
        &self,
        dir: &Path,
        seen: &mut std::collections::BTreeSet<PathBuf>,
    ) -> Result<(), CliError> {
        let real_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !seen.insert(real_dir) {
            return Ok(());
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path)
                    .map(|t| dir.join(t))
                    .unwrap_or_else(|_| path.clone());
                match real_location(&target) {
                    Some(real) if self.contains(&real) => {
                        if real.is_dir() {
                            self.walk(&real, seen)?;
                        }
                    }
                    _ => {
                        return Err(CliError::usage(format!(
                            "{} is a symlink that leads outside the allowed roots ({})",
                            path.display(),
                            self.listed()
                        ))
                        .with_help("mcpforge mcp does not follow links out of its roots; replace the link with the files, or widen the roots"));
                    }
                }
            } else if kind.is_dir() && name != "target" && name != ".git" {
                self.walk(&path, seen)?;
            }
        }
        Ok(())
    }
}

/// Where `path` (absolute) really is: the deepest existing ancestor canonicalized (symlinks and
/// `..` resolved), then the rest, which must be plain names. `None` when it cannot be told
/// (a dangling link, `..` below a missing directory, an unreadable ancestor).
fn real_location(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if std::fs::symlink_metadata(existing).is_ok() {
            break;
        }
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut real = std::fs::canonicalize(existing).ok()?;
    for name in rest.iter().rev() {
        match Path::new(name).components().next() {
            Some(Component::Normal(_)) => real.push(name),
            _ => return None,
        }
    }
    Some(real)
}

/// The directory a `file://` root URI names, percent-decoded; `None` for other schemes.
pub fn file_uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path`: only an empty host or localhost name this machine.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_file_uris() {
        assert_eq!(
            file_uri_path("file:///home/ada/my%20work"),
            Some(PathBuf::from("/home/ada/my work"))
        );
        assert_eq!(
            file_uri_path("file://localhost/tmp"),
            Some(PathBuf::from("/tmp"))
        );
        assert_eq!(file_uri_path("https://example.com/x"), None);
        assert_eq!(file_uri_path("file://elsewhere/tmp"), None);
        assert_eq!(file_uri_path("file:///bad%zz"), None);
    }

    #[test]
    fn narrowing_keeps_the_deeper_directory_of_each_overlap() {
        let server = Roots {
            dirs: vec![PathBuf::from("/w")],
            origin: "--root",
        };
        let narrowed = server.narrowed_to(&[
            PathBuf::from("/w/a"),
            PathBuf::from("/"),
            PathBuf::from("/elsewhere"),
        ]);
        assert_eq!(
            narrowed.dirs(),
            &[PathBuf::from("/w/a"), PathBuf::from("/w")]
        );
    }

    #[test]
    fn resolves_inside_and_refuses_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("p")).unwrap();
        std::fs::create_dir_all(tmp.path().join("out")).unwrap();
        let roots = Roots::new(std::slice::from_ref(&root), "--root").unwrap();
        let real_root = std::fs::canonicalize(&root).unwrap();
        assert_eq!(roots.resolve("p").unwrap(), real_root.join("p"));
        assert_eq!(roots.resolve("p/new/x").unwrap(), real_root.join("p/new/x"));
        assert!(roots.resolve("../out").is_err());
        assert!(roots.resolve("p/../../out").is_err());
        assert!(roots.resolve("missing/../../out").is_err());
        let elsewhere = tmp.path().join("out").display().to_string();
        let err = roots.resolve(&elsewhere).unwrap_err();
        assert!(
            err.message.contains(&real_root.display().to_string()),
            "{}",
            err.message
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("out"), root.join("link")).unwrap();
            assert!(roots.resolve("link").is_err());
            assert!(roots.resolve("link/new").is_err());
            assert!(roots.check_tree(&root).is_err());
            std::os::unix::fs::symlink(root.join("p"), root.join("inside")).unwrap();
            std::fs::remove_file(root.join("link")).unwrap();
            assert!(roots.check_tree(&root).is_ok());
            // A link to a directory inside the roots whose own link leads out; and a cycle.
            std::fs::create_dir_all(root.join("q")).unwrap();
            std::os::unix::fs::symlink(root.join("p"), root.join("p/loop")).unwrap();
            assert!(roots.check_tree(&root.join("q")).is_ok());
            std::os::unix::fs::symlink(root.join("p"), root.join("q/to-p")).unwrap();
            std::os::unix::fs::symlink(tmp.path().join("out"), root.join("p/out")).unwrap();
            assert!(roots.check_tree(&root.join("q")).is_err());
            assert!(roots.resolve_new_dir(".").is_err());
        }
    }
}
