//! What Ctrl-C and SIGTERM do. A write phase ([`writing`]) is short and undoes itself on
//! failure, so a signal never cuts one in half: one that arrives meanwhile takes effect right
//! after it. Child processes mcpforge starts run in their own process group ([`ChildGroup`]);
//! a signal kills those groups first. The exit code is then 130, as a shell reports for Ctrl-C.
//! This module must not do anything else a signal handler would have to wait for.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

static WRITING: Mutex<()> = Mutex::new(());
static CHILD_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (once, at start-up).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        for group in lock(&CHILD_GROUPS).drain(..) {
            kill_group(group);
        }
        let _writing = writing();
        // A prompt may have hidden the cursor.
        if std::io::stderr().is_terminal() {
            eprint!("\x1b[?25h");
        }
        std::process::exit(130);
    });
}

/// Whether `err` is only the echo of a signal (a prompt's read interrupted by Ctrl-C): the
/// handler is then about to exit with 130, and the error need not be reported. The handler runs
/// on its own thread, so an interrupted read may be seen a moment before it.
pub fn caused(err: &anyhow::Error) -> bool {
    if INTERRUPTED.load(Ordering::SeqCst) {
        return true;
    }
    if !format!("{err:#}").contains("interrupted") {
        return false;
    }
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        if INTERRUPTED.load(Ordering::SeqCst) {
            return true;
        }
    }
    false
}

/// Holds signals off while the returned guard lives: hold it around each write phase.
pub fn writing() -> MutexGuard<'static, ()> {
    lock(&WRITING)
}

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A child process group that is killed when this is dropped, or when mcpforge gets a signal.
/// Start the child with `process_group(0)` so that its own children belong to the group too.
#[derive(Debug)]
pub struct ChildGroup(i32);

impl ChildGroup {
    /// Tracks the group led by the child with process id `pid`.
    pub fn new(pid: u32) -> Self {
        let group = i32::try_from(pid).unwrap_or(i32::MAX);
        lock(&CHILD_GROUPS).push(group);
        Self(group)
    }
}

impl Drop for ChildGroup {
    fn drop(&mut self) {
        lock(&CHILD_GROUPS).retain(|g| *g != self.0);
        kill_group(self.0);
    }
}

#[cfg(unix)]
fn kill_group(group: i32) {
    use nix::sys::signal::{Signal, killpg};
    let _ = killpg(nix::unistd::Pid::from_raw(group), Signal::SIGKILL);
}

/// Elsewhere there are no process groups to kill; the child is stopped by its own handle.
#[cfg(not(unix))]
fn kill_group(_: i32) {}
