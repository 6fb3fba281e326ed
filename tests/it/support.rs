//! Shared helpers: running the built binary and fingerprinting directory trees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The built `mcpforge` binary, with colour off and no inherited directory surprises.
pub fn mcpforge(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("mcpforge").unwrap();
    cmd.current_dir(cwd)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    cmd
}

/// Every file below `root` (relative path → contents), for before/after comparisons.
pub fn snapshot_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    visit(root, root, &mut out);
    out
}

fn visit(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        if path.is_dir() {
            out.insert(rel.join(""), Vec::new());
            visit(root, &path, out);
        } else {
            out.insert(rel, std::fs::read(&path).unwrap_or_default());
        }
    }
}

/// The repository root (where Cargo.toml of mcpforge lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs mcpforge in `dir` with `args` and asserts a refusal: exit `code`, `message` on stderr,
/// nothing on stdout, and every file under `root` byte-for-byte as before.
pub fn assert_refused_in(root: &Path, dir: &Path, args: &[&str], code: i32, message: &str) {
    let before = snapshot_tree(root);
    mcpforge(dir)
        .args(args)
        .assert()
        .code(code)
        .stderr(predicates::str::contains(message))
        .stdout("");
    assert_eq!(
        snapshot_tree(root),
        before,
        "`mcpforge {}` changed files",
        args.join(" ")
    );
}

/// A detached tmux terminal running a script, for tests of interactive prompts: wait for text on
/// the screen, send keys; the tmux server is killed when it is dropped.
pub struct Terminal {
    socket: PathBuf,
}

impl Terminal {
    /// Runs `script` in a 120×20 terminal whose socket is in `dir`; `None` (a message on stderr,
    /// the test skipped) where tmux is not installed.
    pub fn start(dir: &Path, script: &str) -> Option<Self> {
        let tmux_works = std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok();
        if !tmux_works {
            eprintln!("tmux is not installed; skipping");
            return None;
        }
        let terminal = Self {
            socket: dir.join("tmux.sock"),
        };
        let started = terminal.tmux(&["new-session", "-d", "-x", "120", "-y", "20", script]);
        assert!(started.status.success());
        Some(terminal)
    }

    /// Runs a tmux command (`send-keys …`, `display …`) against this terminal.
    pub fn tmux(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap()
    }

    /// The screen, once it shows `needle` (fails the test after 20 s).
    pub fn screen_until(&self, needle: &str) -> String {
        let start = std::time::Instant::now();
        loop {
            let screen =
                String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).to_string();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "waited for {needle:?}, screen:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
