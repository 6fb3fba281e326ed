//! Adversarial corpus for `FileOps`, through its public API.
//!
//! Each test builds a scratch tree: a root, a sibling directory whose name starts with the
//! root's (`root-sibling/`, prefix confusion), and an outside directory holding a secret. No
//! operation may ever return the secret or create anything outside the root. Each corpus is a
//! table: adding a case is one line.
#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use platform::config::Settings;
use platform::files::{FileError, FileOps, PathRejection};

const SECRET: &str = "outside-secret";

struct Tree {
    _scratch: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
    ops: FileOps,
}

fn tree(extra: &[(&str, &str)]) -> Tree {
    let scratch = tempfile::tempdir().unwrap();
    let base = scratch.path();
    let root = base.join("root");
    let sibling = base.join("root-sibling");
    let outside = base.join("outside");
    for dir in [&root, &sibling, &outside, &root.join("sub")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(root.join("inside.txt"), "inside").unwrap();
    std::fs::write(root.join("sub/nested.txt"), "nested").unwrap();
    std::fs::write(sibling.join("secret.txt"), SECRET).unwrap();
    std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
    // Links inside the root that lead out, and one that stays in.
    symlink(outside.join("secret.txt"), root.join("link-file-out")).unwrap();
    symlink(&outside, root.join("link-dir-out")).unwrap();
    symlink("../outside/secret.txt", root.join("link-relative-out")).unwrap();
    symlink("../root-sibling", root.join("link-sibling")).unwrap();
    symlink("link-file-out", root.join("link-chain-out")).unwrap();
    symlink("/etc/passwd", root.join("link-etc")).unwrap();
    symlink("/dev/zero", root.join("link-dev-zero")).unwrap();
    symlink("inside.txt", root.join("link-inside")).unwrap();
    symlink("loop-b", root.join("loop-a")).unwrap();
    symlink("loop-a", root.join("loop-b")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("fifo"))
        .status()
        .unwrap();
    assert!(status.success());
    // A device node inside the root (creating one needs root; elsewhere the case is absent).
    let _ = std::process::Command::new("mknod")
        .args([
            root.join("device").as_os_str(),
            "c".as_ref(),
            "1".as_ref(),
            "5".as_ref(),
        ])
        .stderr(std::process::Stdio::null())
        .status();
    let roots = format!("work={}", root.display());
    let mut settings = vec![("FILES_ROOTS", roots.as_str()), ("FILES_WRITABLE", "work")];
    settings.extend_from_slice(extra);
    let ops = FileOps::from_settings(&Settings::with(&settings).unwrap()).unwrap();
    Tree {
        _scratch: scratch,
        root,
        outside,
        ops,
    }
}

fn kind(error: &FileError) -> &'static str {
    match error {
        FileError::Rejected(rejection) => match rejection {
            PathRejection::Empty => "empty",
            PathRejection::TooLong => "too-long",
            PathRejection::ComponentTooLong => "component-too-long",
            PathRejection::ControlCharacter => "control",
            PathRejection::Backslash => "backslash",
            PathRejection::Absolute => "absolute",
            PathRejection::Colon => "colon",
            PathRejection::ParentDir => "parent",
            PathRejection::ReservedName(_) => "reserved",
            PathRejection::TrailingDotOrSpace => "trailing",
        },
        FileError::Escape => "escape",
        FileError::UnknownRoot(_) => "unknown-root",
        FileError::ReadOnly(_) => "read-only",
        FileError::Symlink => "symlink",
        FileError::NotAFile => "not-a-file",
        FileError::NotADirectory => "not-a-directory",
        FileError::NotFound => "not-found",
        FileError::TooLarge { .. } => "too-large",
        FileError::Io(_) => "io",
    }
}

/// Paths a read must refuse, with the refusal expected. `not-found` means the path was taken
/// literally (nothing decoded) and stayed inside the root.
const READ_CORPUS: &[(&str, &str)] = &[
    // empty, absolute, dot segments
    ("", "empty"),
    (".", "empty"),
    ("./", "empty"),
    ("/etc/passwd", "absolute"),
    ("//etc/passwd", "absolute"),
    ("/", "absolute"),
    ("..", "parent"),
    ("../outside/secret.txt", "parent"),
    ("../root-sibling/secret.txt", "parent"),
    ("sub/../../outside/secret.txt", "parent"),
    ("sub/../inside.txt", "parent"),
    ("./../outside/secret.txt", "parent"),
    ("sub/./../../outside/secret.txt", "parent"),
    // Windows forms
    ("..\\outside\\secret.txt", "backslash"),
    ("sub\\..\\..\\outside\\secret.txt", "backslash"),
    ("\\\\server\\share\\secret.txt", "backslash"),
    ("C:\\Windows\\win.ini", "backslash"),
    ("C:/Windows/win.ini", "colon"),
    ("c:secret.txt", "colon"),
    ("inside.txt:stream", "colon"),
    ("inside.txt::$DATA", "colon"),
    ("CON", "reserved"),
    ("con.txt", "reserved"),
    ("sub/LPT1.log", "reserved"),
    ("nul", "reserved"),
    ("AUX.tar.gz", "reserved"),
    ("COM¹", "reserved"),
    ("inside.txt.", "trailing"),
    ("inside.txt ", "trailing"),
    ("sub./nested.txt", "trailing"),
    // NUL and control characters
    ("inside.txt\u{0}.png", "control"),
    ("\u{0}", "control"),
    ("inside\n.txt", "control"),
    ("inside\r.txt", "control"),
    ("\u{1b}[31minside.txt", "control"),
    ("inside\u{7f}.txt", "control"),
    ("inside\u{85}.txt", "control"),
    // encoded forms: never decoded, so they name (missing) files inside the root
    ("%2e%2e/outside/secret.txt", "not-found"),
    ("..%2foutside%2fsecret.txt", "not-found"),
    ("%2e%2e%2foutside%2fsecret.txt", "not-found"),
    ("%252e%252e/outside/secret.txt", "not-found"),
    ("..%c0%afoutside/secret.txt", "not-found"),
    ("..%5coutside%5csecret.txt", "not-found"),
    ("．．/outside/secret.txt", "not-found"),
    ("\u{2025}/outside/secret.txt", "not-found"),
    // symlinks that lead out (to a file, a directory, the sibling, /etc, a device)
    ("link-file-out", "escape"),
    ("link-dir-out/secret.txt", "escape"),
    ("link-relative-out", "escape"),
    ("link-sibling/secret.txt", "escape"),
    ("link-chain-out", "escape"),
    ("link-etc", "escape"),
    ("link-dev-zero", "escape"),
    ("loop-a", "escape"),
    // not regular files
    ("fifo", "not-a-file"),
    ("device", "not-a-file"),
    ("sub", "not-a-file"),
    // unknown names
    ("missing.txt", "not-found"),
];

#[tokio::test]
async fn the_read_corpus_never_reaches_outside_the_root() {
    let tree = tree(&[]);
    for (path, expected) in READ_CORPUS {
        if *path == "device" && !tree.root.join("device").exists() {
            continue;
        }
        // A FIFO or device must not stall a read: every case is bounded.
        let result = tokio::time::timeout(Duration::from_secs(5), tree.ops.read("work", path))
            .await
            .unwrap_or_else(|_| panic!("{path:?}: the read hung"));
        match result {
            Ok(bytes) => panic!("{path:?}: read {:?}", String::from_utf8_lossy(&bytes)),
            Err(error) => assert_eq!(kind(&error), *expected, "{path:?}: {error}"),
        }
    }
}

#[tokio::test]
async fn over_long_paths_are_rejected() {
    let tree = tree(&[]);
    let component = "a".repeat(256);
    let deep = "a/".repeat(2100);
    for (path, expected) in [
        (component.as_str(), "component-too-long"),
        (deep.as_str(), "too-long"),
    ] {
        let error = tree.ops.read("work", path).await.unwrap_err();
        assert_eq!(kind(&error), expected);
    }
}

#[tokio::test]
async fn inside_the_root_reads_and_listings_work_and_are_capped() {
    let tree = tree(&[
        ("FILES_MAX_READ_BYTES", "1000"),
        ("FILES_MAX_ENTRIES", "12"),
        ("FILES_MAX_DEPTH", "2"),
    ]);
    assert_eq!(
        tree.ops.read("work", "inside.txt").await.unwrap(),
        b"inside"
    );
    assert_eq!(
        tree.ops.read("work", "sub/nested.txt").await.unwrap(),
        b"nested"
    );
    assert_eq!(
        tree.ops.read("work", "link-inside").await.unwrap(),
        b"inside"
    );
    std::fs::write(tree.root.join("big.txt"), vec![b'x'; 1001]).unwrap();
    let error = tree.ops.read("work", "big.txt").await.unwrap_err();
    assert_eq!(kind(&error), "too-large");

    // Listing: symlinks are reported, not followed; the entry cap says it cut.
    let listing = tree.ops.list("work", "", 1).await.unwrap();
    let out = listing
        .entries
        .iter()
        .find(|e| e.path == "link-dir-out")
        .unwrap();
    assert_eq!(out.kind, "symlink");
    assert!(!listing.entries.iter().any(|e| e.path.contains("secret")));
    for i in 0..20 {
        std::fs::write(tree.root.join(format!("many-{i}.txt")), "x").unwrap();
    }
    let listing = tree.ops.list("work", "", 1).await.unwrap();
    assert_eq!(listing.entries.len(), 12);
    assert!(listing.truncated);

    // Depth: a chain of 10 directories, walked 2 levels at most.
    let chain: PathBuf = (0..10).map(|i| format!("d{i}")).collect();
    std::fs::create_dir_all(tree.root.join("deep").join(&chain)).unwrap();
    let listing = tree.ops.list("work", "deep", 50).await.unwrap();
    assert_eq!(
        listing
            .entries
            .iter()
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>(),
        ["deep/d0", "deep/d0/d1"]
    );
    // Listing through a link that leads out is refused.
    let error = tree.ops.list("work", "link-dir-out", 1).await.unwrap_err();
    assert_eq!(kind(&error), "escape");
    let error = tree.ops.list("elsewhere", "", 1).await.unwrap_err();
    assert_eq!(kind(&error), "unknown-root");
}

/// Writes that must be refused, and nothing may appear outside the root.
const WRITE_CORPUS: &[(&str, &str)] = &[
    ("../outside/new.txt", "parent"),
    ("/tmp/new.txt", "absolute"),
    ("link-dir-out/new.txt", "escape"),
    ("link-sibling/new.txt", "escape"),
    ("link-file-out", "symlink"),
    ("dangling", "symlink"),
    ("link-inside", "symlink"),
    ("fifo", "not-a-file"),
    ("sub\\new.txt", "backslash"),
    ("new.txt\u{0}", "control"),
    ("CON", "reserved"),
];

#[tokio::test]
async fn the_write_corpus_never_writes_outside_or_through_links() {
    let tree = tree(&[]);
    // A dangling link to a file that does not exist yet, outside the root.
    symlink(
        tree.outside.join("created-by-write.txt"),
        tree.root.join("dangling"),
    )
    .unwrap();
    for (path, expected) in WRITE_CORPUS {
        let error = tree
            .ops
            .write("work", path, b"payload".to_vec())
            .await
            .unwrap_err();
        assert_eq!(kind(&error), *expected, "{path:?}: {error}");
    }
    let outside: Vec<_> = std::fs::read_dir(&tree.outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, ["secret.txt"], "nothing new outside the root");
    assert_eq!(
        std::fs::read_to_string(tree.outside.join("secret.txt")).unwrap(),
        SECRET
    );
}

#[tokio::test]
async fn writes_are_atomic_with_safe_permissions_and_only_in_writable_roots() {
    let tree = tree(&[]);
    tree.ops
        .write("work", "reports/today.txt", b"first".to_vec())
        .await
        .unwrap();
    tree.ops
        .write("work", "reports/today.txt", b"second".to_vec())
        .await
        .unwrap();
    let written = tree.root.join("reports/today.txt");
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "second");
    let mode = std::fs::metadata(&written).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o022, 0, "no group or other write: {mode:o}");
    let leftovers: Vec<_> = std::fs::read_dir(tree.root.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["today.txt"], "no temporary files left");

    // A private file stays private when it is overwritten.
    std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o600)).unwrap();
    tree.ops
        .write("work", "reports/today.txt", b"third".to_vec())
        .await
        .unwrap();
    let mode = std::fs::metadata(&written).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "an overwrite keeps the file's mode: {mode:o}");

    let big = vec![b'x'; 2 * 1024 * 1024];
    let error = tree.ops.write("work", "big.txt", big).await.unwrap_err();
    assert_eq!(kind(&error), "too-large");

    let scratch = tempfile::tempdir().unwrap();
    let roots = format!("docs={}", scratch.path().display());
    let read_only =
        FileOps::from_settings(&Settings::with(&[("FILES_ROOTS", &roots)]).unwrap()).unwrap();
    let error = read_only
        .write("docs", "x.txt", b"x".to_vec())
        .await
        .unwrap_err();
    assert_eq!(kind(&error), "read-only");
    assert!(!Path::new(&scratch.path().join("x.txt")).exists());
}

/// A path flips between a regular file and a symlink to the secret while reads run: no read
/// may ever return the secret.
#[tokio::test]
async fn a_symlink_swapped_in_during_reads_never_leaks() {
    let tree = tree(&[]);
    let root = tree.root.clone();
    let outside = tree.outside.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let flipping = stop.clone();
    let flipper = std::thread::spawn(move || {
        let target = root.join("swap");
        let (file, link) = (root.join("swap.file"), root.join("swap.link"));
        while !flipping.load(Ordering::SeqCst) {
            std::fs::write(&file, "harmless").unwrap();
            std::fs::rename(&file, &target).unwrap();
            let _ = std::fs::remove_file(&link);
            symlink(outside.join("secret.txt"), &link).unwrap();
            std::fs::rename(&link, &target).unwrap();
        }
    });
    let (mut served, mut refused) = (0, 0);
    for _ in 0..400 {
        match tree.ops.read("work", "swap").await {
            Ok(bytes) => {
                assert_eq!(bytes, b"harmless", "a swapped-in link leaked");
                served += 1;
            }
            Err(error) => {
                assert!(matches!(kind(&error), "escape" | "not-found"), "{error}");
                refused += 1;
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    flipper.join().unwrap();
    assert!(
        served + refused == 400 && refused > 0,
        "served {served}, refused {refused}"
    );
}
