//! `FileOps`: file access beneath configured roots only, for paths a caller chose.
//!
//! Each root (`FILES_ROOTS=name=/abs/path,…`) is opened once as a capability handle
//! (`cap_std::fs::Dir`). Every operation resolves its path *inside* that handle: `..`, absolute
//! paths and symlinks that lead outside are refused by construction (openat2 `RESOLVE_BENEATH`
//! where the kernel has it, component-by-component resolution otherwise), also when a symlink is
//! swapped in while the operation runs. Before that, [`check_path`] rejects early and clearly
//! what no legitimate caller sends: empty and absolute paths, `..`, backslashes, drive and UNC
//! prefixes, `:` (alternate data streams), NUL and control characters, Windows reserved names,
//! trailing dots or spaces, over-long components and paths. Percent-encoded text is a name like
//! any other: nothing is decoded.
//!
//! Reads open with `O_NONBLOCK` and check the opened handle is a regular file (a FIFO or device
//! cannot stall or flood the server), and stop at `FILES_MAX_READ_BYTES`. Listings stop at
//! `FILES_MAX_ENTRIES`, walks at `FILES_MAX_DEPTH`, and neither follows symlinked directories.
//! Writes go only to roots named in `FILES_WRITABLE`, refuse a symlink at the target, create
//! files with mode 0644 and replace atomically (a temporary file in the same directory, synced,
//! then renamed). All blocking I/O runs on tokio's blocking pool.
//!
//! Not prevented: hard links. A hard link inside a root to a file outside it is the same file;
//! only the people who can create files in the root can make one (keep roots owned by the
//! service, not shared with other users).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cap_std::ambient_authority;
#[cfg(unix)]
use cap_std::fs::OpenOptionsExt;
use cap_std::fs::{Dir, OpenOptions};
use rmcp::schemars;

use crate::config::{ConfigError, Setting, Settings, Vars};

/// Longest accepted path, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;
/// Longest accepted path component, in bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;

/// Why a path was rejected before touching the file system.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathRejection {
    #[error("the path is empty")]
    Empty,
    #[error("the path is longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    #[error("a path component is longer than {MAX_COMPONENT_BYTES} bytes")]
    ComponentTooLong,
    #[error("the path contains a control character")]
    ControlCharacter,
    #[error("the path contains a backslash (use `/`)")]
    Backslash,
    #[error("the path is absolute; give it relative to the root")]
    Absolute,
    #[error("the path has a drive prefix or `:`")]
    Colon,
    #[error("the path contains `..`")]
    ParentDir,
    #[error("`{0}` is a reserved device name")]
    ReservedName(String),
    #[error("a path component ends with a dot or a space")]
    TrailingDotOrSpace,
}

/// What went wrong with a file operation.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Refused by the early path checks.
    #[error("path rejected: {0}")]
    Rejected(#[from] PathRejection),
    /// The path resolved outside the root (through `..` or a symlink).
    #[error("path rejected: it leads outside the root")]
    Escape,
    #[error("no root named `{0}`")]
    UnknownRoot(String),
    #[error("root `{0}` is read-only")]
    ReadOnly(String),
    #[error("the target is a symbolic link; writes never follow links")]
    Symlink,
    #[error("not a regular file")]
    NotAFile,
    #[error("not a directory")]
    NotADirectory,
    #[error("not found")]
    NotFound,
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("file error: {0}")]
    Io(String),
}

impl FileError {
    /// True when policy refused the operation (as opposed to the file system failing).
    pub fn is_policy(&self) -> bool {
        matches!(
            self,
            Self::Rejected(_) | Self::Escape | Self::ReadOnly(_) | Self::Symlink
        )
    }
}

impl From<std::io::Error> for FileError {
    fn from(error: std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::NotFound => Self::NotFound,
            // cap-std's refusal of an escape; the message is its own.
            ErrorKind::PermissionDenied
                if error.to_string().contains("outside of the filesystem") =>
            {
                Self::Escape
            }
            ErrorKind::NotADirectory => Self::NotADirectory,
            ErrorKind::IsADirectory => Self::NotAFile,
            _ if error.raw_os_error() == Some(40) => Self::Escape, // ELOOP: a symlink loop
            _ => Self::Io(error.to_string()),
        }
    }
}

/// Early checks on a caller's path; the relative path to use if it passes.
pub fn check_path(path: &str) -> Result<PathBuf, PathRejection> {
    if path.is_empty() {
        return Err(PathRejection::Empty);
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(PathRejection::TooLong);
    }
    if path.chars().any(char::is_control) {
        return Err(PathRejection::ControlCharacter);
    }
    if path.contains('\\') {
        return Err(PathRejection::Backslash);
    }
    if path.starts_with('/') {
        return Err(PathRejection::Absolute);
    }
    if path.contains(':') {
        return Err(PathRejection::Colon);
    }
    let mut relative = PathBuf::new();
    for component in path.split('/') {
        match component {
            "" | "." => continue,
            ".." => return Err(PathRejection::ParentDir),
            _ => {}
        }
        if component.len() > MAX_COMPONENT_BYTES {
            return Err(PathRejection::ComponentTooLong);
        }
        if component.ends_with('.') || component.ends_with(' ') {
            return Err(PathRejection::TrailingDotOrSpace);
        }
        let stem = component.split('.').next().unwrap_or("").trim_end();
        if is_reserved(stem) {
            return Err(PathRejection::ReservedName(component.to_string()));
        }
        relative.push(component);
    }
    if relative.as_os_str().is_empty() {
        return Err(PathRejection::Empty);
    }
    Ok(relative)
}

fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.chars().count() == 4
        && upper
            .chars()
            .nth(3)
            .is_some_and(|c| ('1'..='9').contains(&c) || "¹²³".contains(c)))
}

/// A configured root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootConfig {
    pub name: String,
    pub path: PathBuf,
    pub writable: bool,
}

/// The limits of [`FileOps`].
#[derive(Debug, Clone)]
pub struct FileConfig {
    pub roots: Vec<RootConfig>,
    pub max_read_bytes: u64,
    pub max_write_bytes: u64,
    pub max_entries: usize,
    pub max_depth: usize,
}

/// One entry of a listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Entry {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// `file`, `dir`, `symlink` or `other`.
    pub kind: String,
    /// Bytes (files only).
    pub size: Option<u64>,
}

/// A listing; `truncated` when `FILES_MAX_ENTRIES` cut it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Listing {
    pub entries: Vec<Entry>,
    pub truncated: bool,
}

struct Root {
    config: RootConfig,
    dir: Dir,
}

/// Path-safe file access. Cloning shares the opened roots.
#[derive(Clone)]
pub struct FileOps {
    roots: Arc<Vec<Root>>,
    config: Arc<FileConfig>,
}

impl std::fmt::Debug for FileOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileOps")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl FileOps {
    /// Opens every root once.
    pub fn open(config: FileConfig) -> std::io::Result<Self> {
        let roots = config
            .roots
            .iter()
            .map(|root| {
                let dir = Dir::open_ambient_dir(&root.path, ambient_authority()).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", root.path.display()))
                })?;
                Ok(Root {
                    config: root.clone(),
                    dir,
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self {
            roots: Arc::new(roots),
            config: Arc::new(config),
        })
    }

    /// The settings' roots and limits.
    pub fn from_settings(settings: &Settings) -> std::io::Result<Self> {
        Self::open(settings.files.clone())
    }

    /// The configured root names.
    pub fn roots(&self) -> Vec<String> {
        self.roots.iter().map(|r| r.config.name.clone()).collect()
    }

    fn root(&self, name: &str) -> Result<usize, FileError> {
        self.roots
            .iter()
            .position(|r| r.config.name == name)
            .ok_or_else(|| FileError::UnknownRoot(name.to_string()))
    }

    /// Runs `op` on the blocking pool with the root's handle.
    async fn blocking<T: Send + 'static>(
        &self,
        root: &str,
        op: impl FnOnce(&Root, &FileConfig) -> Result<T, FileError> + Send + 'static,
    ) -> Result<T, FileError> {
        let index = self.root(root)?;
        let (roots, config) = (self.roots.clone(), self.config.clone());
        tokio::task::spawn_blocking(move || op(&roots[index], &config))
            .await
            .map_err(|e| FileError::Io(format!("file task failed: {e}")))?
    }

    /// Reads a regular file, at most `FILES_MAX_READ_BYTES`.
    pub async fn read(&self, root: &str, path: &str) -> Result<Vec<u8>, FileError> {
        let path = check_path(path)?;
        self.blocking(root, move |root, config| {
            let mut options = OpenOptions::new();
            options.read(true);
            // A FIFO or a terminal must not block or become the controlling terminal.
            #[cfg(unix)]
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
            let file = root.dir.open_with(&path, &options)?;
            if !file.metadata()?.is_file() {
                return Err(FileError::NotAFile);
            }
            let limit = config.max_read_bytes;
            let mut bytes = Vec::new();
            file.take(limit + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > limit {
                return Err(FileError::TooLarge { limit });
            }
            Ok(bytes)
        })
        .await
    }

    /// Lists a directory (`""` or `.` is the root) down to `depth` levels (1: its entries only;
    /// capped by `FILES_MAX_DEPTH`), at most `FILES_MAX_ENTRIES` entries, not following symlinks.
    pub async fn list(&self, root: &str, path: &str, depth: usize) -> Result<Listing, FileError> {
        let start = match path.trim() {
            "" | "." => PathBuf::new(),
            path => check_path(path)?,
        };
        self.blocking(root, move |root, config| {
            let dir = if start.as_os_str().is_empty() {
                root.dir.try_clone()?
            } else {
                root.dir.open_dir(&start)?
            };
            let mut listing = Listing {
                entries: Vec::new(),
                truncated: false,
            };
            let depth = depth.clamp(1, config.max_depth.max(1));
            walk(&dir, &start, depth, config.max_entries, &mut listing)?;
            listing.entries.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(listing)
        })
        .await
    }

    /// Writes `bytes` to a file in a writable root, replacing it atomically; never through a
    /// symlink. Parent directories are created (inside the root).
    pub async fn write(&self, root: &str, path: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        let path = check_path(path)?;
        self.blocking(root, move |root, config| {
            if !root.config.writable {
                return Err(FileError::ReadOnly(root.config.name.clone()));
            }
            let limit = config.max_write_bytes;
            if bytes.len() as u64 > limit {
                return Err(FileError::TooLarge { limit });
            }
            let name = path.file_name().ok_or(PathRejection::Empty)?.to_owned();
            let parent = path.parent().unwrap_or(Path::new(""));
            let dir = if parent.as_os_str().is_empty() {
                root.dir.try_clone()?
            } else {
                match root.dir.open_dir(parent) {
                    Ok(dir) => dir,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        root.dir.create_dir_all(parent)?;
                        root.dir.open_dir(parent)?
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            // A new file is 0644; an overwritten one keeps its permission bits (a 0600 file
            // stays private). The rename replaces the name only: other hard links to the old
            // file keep the old contents.
            let mode = match dir.symlink_metadata(&name) {
                Ok(meta) if meta.file_type().is_symlink() => return Err(FileError::Symlink),
                Ok(meta) if !meta.is_file() => return Err(FileError::NotAFile),
                #[cfg(unix)]
                Ok(meta) => cap_std::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
                #[cfg(not(unix))]
                Ok(_) => 0o644,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0o644,
                Err(e) => return Err(e.into()),
            };
            let temp = format!(
                ".{}.{}.tmp",
                name.to_string_lossy(),
                uuid::Uuid::new_v4().simple()
            );
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(mode);
            #[cfg(not(unix))]
            let _ = mode;
            let written = (|| {
                let mut file = dir.open_with(&temp, &options)?;
                std::io::Write::write_all(&mut file, &bytes)?;
                file.sync_all()?;
                dir.rename(&temp, &dir, &name)
            })();
            if let Err(e) = written {
                let _ = dir.remove_file(&temp);
                return Err(e.into());
            }
            Ok(())
        })
        .await
    }
}

fn walk(
    dir: &Dir,
    prefix: &Path,
    depth: usize,
    max_entries: usize,
    listing: &mut Listing,
) -> Result<(), FileError> {
    for entry in dir.entries()? {
        let entry = entry?;
        if listing.entries.len() >= max_entries {
            listing.truncated = true;
            return Ok(());
        }
        let name = entry.file_name();
        let path = prefix.join(&name);
        let file_type = entry.file_type()?;
        let (kind, size) = if file_type.is_symlink() {
            ("symlink", None)
        } else if file_type.is_dir() {
            ("dir", None)
        } else if file_type.is_file() {
            ("file", entry.metadata().ok().map(|m| m.len()))
        } else {
            ("other", None)
        };
        listing.entries.push(Entry {
            path: path.to_string_lossy().into_owned(),
            kind: kind.to_string(),
            size,
        });
        if kind == "dir" && depth > 1 {
            let child = entry.open_dir()?;
            walk(&child, &path, depth - 1, max_entries, listing)?;
            if listing.truncated {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "FILES_ROOTS",
        default: "",
        help: "Directories file tools may use, as `name=/absolute/path`, comma-separated; empty means no file access.",
    },
    Setting {
        key: "FILES_WRITABLE",
        default: "",
        help: "Names of the FILES_ROOTS that may be written (comma-separated); the others are read-only.",
    },
    Setting {
        key: "FILES_MAX_READ_BYTES",
        default: "1048576",
        help: "Largest file a read returns, in bytes.",
    },
    Setting {
        key: "FILES_MAX_WRITE_BYTES",
        default: "1048576",
        help: "Largest file a write accepts, in bytes.",
    },
    Setting {
        key: "FILES_MAX_ENTRIES",
        default: "1000",
        help: "Most entries a listing returns (it says when it was cut).",
    },
    Setting {
        key: "FILES_MAX_DEPTH",
        default: "8",
        help: "Deepest a listing walks below its directory.",
    },
];

impl FileConfig {
    /// Reads and validates this subsystem's settings.
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let writable = vars.list("FILES_WRITABLE");
        let mut roots: Vec<RootConfig> = Vec::new();
        for entry in vars.list("FILES_ROOTS") {
            let Some((name, path)) = entry.split_once('=') else {
                return Err(vars.invalid(
                    "FILES_ROOTS",
                    format!("`{entry}` is not name=/absolute/path"),
                ));
            };
            let (name, path) = (name.trim(), std::path::PathBuf::from(path.trim()));
            if name.is_empty() || roots.iter().any(|r| r.name == name) {
                return Err(vars.invalid(
                    "FILES_ROOTS",
                    format!("root names must be unique and not empty: `{entry}`"),
                ));
            }
            if !path.is_absolute() || !path.is_dir() {
                return Err(vars.invalid(
                    "FILES_ROOTS",
                    format!("`{}` is not an existing absolute directory", path.display()),
                ));
            }
            roots.push(RootConfig {
                name: name.to_string(),
                path,
                writable: writable.iter().any(|w| w == name),
            });
        }
        if let Some(unknown) = writable
            .iter()
            .find(|w| !roots.iter().any(|r| &r.name == *w))
        {
            return Err(vars.invalid(
                "FILES_WRITABLE",
                format!("`{unknown}` is not a root named in FILES_ROOTS"),
            ));
        }
        Ok(FileConfig {
            roots,
            max_read_bytes: vars.number("FILES_MAX_READ_BYTES")?,
            max_write_bytes: vars.number("FILES_MAX_WRITE_BYTES")?,
            max_entries: usize::try_from(vars.number("FILES_MAX_ENTRIES")?).unwrap_or(usize::MAX),
            max_depth: usize::try_from(vars.number("FILES_MAX_DEPTH")?).unwrap_or(usize::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_are_recognised() {
        for name in ["CON", "con", "Nul", "COM1", "lpt9", "COM²", "CONIN$"] {
            assert!(is_reserved(name), "{name}");
        }
        for name in ["CONSOLE", "COM0", "COM10", "LPT", "readme"] {
            assert!(!is_reserved(name), "{name}");
        }
    }

    #[test]
    fn clean_relative_paths_pass() {
        assert_eq!(
            check_path("a/./b//c.txt").unwrap(),
            PathBuf::from("a/b/c.txt")
        );
        assert_eq!(check_path("%2e%2e/x").unwrap(), PathBuf::from("%2e%2e/x"));
    }
}
