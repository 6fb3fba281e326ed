//! Log output: stderr, in batches unless stderr is a terminal.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// Log output: stderr, in batches unless stderr is a terminal.
///
/// Lines wait in one process-wide buffer, in order, and go out in one write: 50 ms after the
/// first of them ([`flusher`], a task on the server's runtime, asleep while nothing waits),
/// when 32 KiB wait, at once when a warning or an error is logged (after what waited), on a
/// panic, and when the server stops ([`flush`]). A `write` system call per line cost more than
/// formatting the line; flushing whenever a runtime worker went idle still made one write per
/// two or three requests, and a task needs no thread of its own. So the log lags by 50 ms at most (more only while every runtime worker is
/// busy, up to 32 KiB), and a `SIGKILL` can cut off the last 50 ms of info lines.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stderr;

/// A batch goes out when this much waits.
const BATCH_BYTES: usize = 32 * 1024;
/// A batch goes out at the latest this long after its first line.
const BATCH_DELAY: Duration = Duration::from_millis(50);

/// Lines not yet written.
struct Pending {
    bytes: Vec<u8>,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending { bytes: Vec::new() });

/// Wakes the flusher when a batch starts.
static FIRST_LINE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Whether a batching writer was installed (so [`flush`] has anything to do).
static BATCHING: AtomicBool = AtomicBool::new(false);

fn pending() -> MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What taking a line asks of the writer.
#[derive(Debug, PartialEq, Eq)]
enum Then {
    /// Nothing: the batch goes out later.
    Wait,
    /// Wake the flusher: this line starts a batch.
    Wake,
    /// Write the batch now.
    Write,
}

impl Pending {
    /// Takes a line.
    fn push(&mut self, line: &[u8], urgent: bool) -> Then {
        let first = self.bytes.is_empty();
        self.bytes.extend_from_slice(line);
        if urgent || self.bytes.len() >= BATCH_BYTES {
            Then::Write
        } else if first {
            Then::Wake
        } else {
            Then::Wait
        }
    }

    fn write_out(&mut self) {
        self.write_to(&mut io::stderr().lock());
    }

    fn write_to(&mut self, out: &mut impl io::Write) {
        if self.bytes.is_empty() {
            return;
        }
        // Nowhere to report a failed write to: the log is where failures go.
        let _ = out.write_all(&self.bytes);
        self.bytes.clear();
        if self.bytes.capacity() > 4 * BATCH_BYTES {
            // A burst of huge lines should not keep a huge buffer.
            self.bytes = Vec::new();
        }
    }
}

impl Stderr {
    /// Batched, unless stderr is a terminal (someone is watching). Batches need [`flusher`]
    /// running.
    pub fn detect() -> Self {
        if !io::stderr().is_terminal() {
            BATCHING.store(true, Ordering::Relaxed);
            flush_on_panic();
        }
        Self
    }
}

/// Writes each batch 50 ms after its first line; spawned on the server's runtime by
/// [`crate::runtime`]. Waits while nothing is logged.
pub async fn flusher() {
    loop {
        FIRST_LINE.notified().await;
        tokio::time::sleep(BATCH_DELAY).await;
        pending().write_out();
    }
}

/// Whether lines are batched (and [`flusher`] is needed).
pub fn batching() -> bool {
    BATCHING.load(Ordering::Relaxed)
}

/// Writes what waits now (at shutdown).
pub fn flush() {
    if batching() {
        pending().write_out();
    }
}

/// Writes what waits before a panic's message (which would otherwise come first, or alone).
fn flush_on_panic() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // `try_lock`: the panic may have happened while the buffer was held.
            if let Ok(mut pending) = PENDING.try_lock() {
                pending.write_out();
            }
            previous(info);
        }));
    });
}

/// One event's output (the formatter writes a whole line at once).
pub(super) struct StderrLine {
    /// Written at once (a warning or an error), not batched.
    pub(super) urgent: bool,
}

impl<'a> MakeWriter<'a> for Stderr {
    type Writer = StderrLine;

    fn make_writer(&'a self) -> StderrLine {
        StderrLine { urgent: true }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> StderrLine {
        StderrLine {
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

impl io::Write for StderrLine {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !batching() {
            return io::stderr().write(bytes);
        }
        let mut pending = pending();
        match pending.push(bytes, self.urgent) {
            Then::Wait => {}
            Then::Wake => {
                drop(pending);
                // A permit when the flusher is busy writing: it comes back for this batch.
                FIRST_LINE.notify_one();
            }
            Then::Write => pending.write_out(),
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wait_for_a_batch_unless_urgent_or_full() {
        let mut pending = Pending { bytes: Vec::new() };
        let mut out = Vec::new();
        assert_eq!(pending.push(b"one\n", false), Then::Wake, "a batch starts");
        assert_eq!(pending.push(b"two\n", false), Then::Wait);
        pending.write_to(&mut out);
        assert_eq!(out, b"one\ntwo\n", "in order, in one write");
        assert!(pending.bytes.is_empty());

        assert_eq!(pending.push(b"three\n", false), Then::Wake);
        assert_eq!(
            pending.push(b"warn\n", true),
            Then::Write,
            "a warning goes now"
        );
        out.clear();
        pending.write_to(&mut out);
        assert_eq!(out, b"three\nwarn\n", "and takes what waited with it");

        let big = vec![b'x'; BATCH_BYTES];
        assert_eq!(
            pending.push(&big, false),
            Then::Write,
            "a full batch goes now"
        );
    }
}
