//! Logging, transport-aware.
//!
//! Guarantees: nothing is ever written to stdout, which carries the MCP protocol over stdio;
//! every log line goes to stderr. Over HTTP (or with `LOG_FORMAT=json`) lines are JSON objects
//! with the request id, principal, method, tool, duration and outcome as fields, ready for a
//! log pipeline; over stdio they are text, with colours only when stderr is a terminal.
//!
//! Every request writes a line, so lines are formatted by [`Lines`]: plain pushes into a reused
//! thread-local buffer, then one write to the subscriber (no serde, no per-field allocation, the
//! date cached per second); tracing-subscriber's JSON formatter cost about as much as the rest
//! of the middleware stack. And lines reach stderr in batches ([`Stderr`]): a `write` system
//! call per line cost more than formatting it.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::{self, IsTerminal, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

use super::config::{LogFormat, Settings, Transport};

/// Longest value, in bytes, that a caller-chosen string (a tool name, a URI, a principal) may
/// take in a log field: longer values are cut at a character boundary.
pub const MAX_FIELD_BYTES: usize = 256;

/// `value` cut to [`MAX_FIELD_BYTES`], so a caller cannot make log lines as large as a request.
pub fn bounded(value: &str) -> &str {
    if value.len() <= MAX_FIELD_BYTES {
        return value;
    }
    let mut end = MAX_FIELD_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// Whether the settings ask for JSON lines.
pub fn json(settings: &Settings) -> bool {
    match settings.log_format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => settings.transport != Transport::Stdio,
    }
}

/// Installs the global subscriber. Call once, before serving.
pub fn init(settings: &Settings) -> anyhow::Result<()> {
    #[cfg(feature = "otel")]
    if let Some(endpoint) = &settings.otlp_endpoint {
        return init_with_export(settings, endpoint);
    }
    let filter = EnvFilter::try_new(&settings.log)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Stderr::detect());
    let lines = Lines::for_settings(settings);
    let result = match lines {
        Some(lines) => builder.event_format(lines).try_init(),
        None => builder.with_target(false).with_ansi(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))?;
    if let Some(lines) = lines {
        let _ = DIRECT.set(lines);
    }
    Ok(())
}

/// The subscriber with a second layer exporting request spans (feature `otel`).
#[cfg(feature = "otel")]
fn init_with_export(settings: &Settings, endpoint: &str) -> anyhow::Result<()> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = EnvFilter::try_new(&settings.log)?;
    let fmt = tracing_subscriber::fmt::layer().with_writer(Stderr::detect());
    let fmt = match Lines::for_settings(settings) {
        Some(lines) => fmt.event_format(lines).with_filter(filter).boxed(),
        None => fmt
            .with_target(false)
            .with_ansi(true)
            .with_filter(filter)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(fmt)
        .with(super::otel::layer(endpoint)?)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

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
pub struct Stderr;

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
/// [`super::runtime`]. Waits while nothing is logged.
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
pub struct StderrLine {
    urgent: bool,
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

/// The line format: one JSON object per event (`timestamp`, `level`, `message`, then the
/// event's fields), or text (`timestamp LEVEL message key=value…`). Span context is left out:
/// the event's own fields carry the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Json,
    Text,
}

impl Lines {
    /// The format for these settings; `None` for text on a terminal, which gets
    /// tracing-subscriber's coloured lines instead.
    pub fn for_settings(settings: &Settings) -> Option<Self> {
        if json(settings) {
            Some(Self::Json)
        } else if std::io::stderr().is_terminal() {
            None
        } else {
            Some(Self::Text)
        }
    }

    /// `event` as one line, newline included.
    fn render(self, line: &mut String, event: &Event<'_>) {
        let level = level_name(*event.metadata().level());
        match self {
            Self::Json => {
                line.push_str("{\"timestamp\":\"");
                push_timestamp(line);
                line.push_str("\",\"level\":\"");
                line.push_str(level.trim_start());
                line.push('"');
                event.record(&mut JsonFields(line));
                line.push_str("}\n");
            }
            Self::Text => {
                push_timestamp(line);
                line.push_str(level);
                event.record(&mut TextFields(line));
                line.push('\n');
            }
        }
    }
}

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        with_line(|line| {
            self.render(line, event);
            writer.write_str(line)
        })
    }
}

/// The level, right-aligned after a space as text lines show it.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => " ERROR",
        Level::WARN => "  WARN",
        Level::INFO => "  INFO",
        Level::DEBUG => " DEBUG",
        Level::TRACE => " TRACE",
    }
}

thread_local! {
    /// The line being formatted, reused: plain `String` pushes, then one write to the
    /// subscriber's writer.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs `write` with this thread's line buffer, empty. When the buffer is busy (a field's
/// `Debug` may log in turn) a new one serves; one huge value does not leave a huge buffer.
fn with_line<R>(write: impl FnOnce(&mut String) -> R) -> R {
    LINE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut line) => {
            line.clear();
            let written = write(&mut line);
            if line.capacity() > 64 * 1024 {
                *line = String::new();
            }
            written
        }
        Err(_) => write(&mut String::new()),
    })
}

thread_local! {
    /// The unix second last formatted on this thread and its `YYYY-MM-DDTHH:MM:SS`.
    static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// RFC 3339 in UTC with microseconds, such as `2026-12-01T09:30:00.000123Z`.
fn push_timestamp(out: &mut String) {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since_epoch.as_secs();
    DATE.with_borrow_mut(|(cached, date)| {
        if *cached != seconds {
            let at = i64::try_from(seconds)
                .ok()
                .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            date.clear();
            // Writing to a `String` cannot fail.
            let _ = write!(
                date,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second()
            );
            *cached = seconds;
        }
        out.push_str(date);
    });
    let mut fraction = *b".000000Z";
    let mut micros = since_epoch.subsec_micros();
    for digit in fraction[1..7].iter_mut().rev() {
        *digit = b'0' + (micros % 10) as u8;
        micros /= 10;
    }
    out.push_str(std::str::from_utf8(&fraction).unwrap_or_default());
}

/// The bytes a JSON string cannot hold as they are.
fn needs_escape(byte: u8) -> bool {
    (byte < 0x20) | (byte == b'"') | (byte == b'\\') | (byte == 0x7f)
}

/// Appends `s` as the contents of a JSON string: quotes, backslashes and control characters
/// escaped.
fn push_escaped(out: &mut String, s: &str) {
    // Nearly every value needs nothing: find out without branching per byte (the compiler
    // vectorises this fold), then copy it whole.
    let needs = s.bytes().fold(false, |any, b| any | needs_escape(b));
    if !needs {
        out.push_str(s);
        return;
    }
    let mut clean = 0;
    for (i, &byte) in s.as_bytes().iter().enumerate() {
        if !needs_escape(byte) {
            continue;
        }
        out.push_str(&s[clean..i]);
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\u{byte:04x}");
            }
        }
        clean = i + 1;
    }
    out.push_str(&s[clean..]);
}

/// A value in a text line: as it is, or quoted and escaped when it holds a space, a quote or a
/// control character.
fn push_text_value(out: &mut String, value: &str) {
    // A fold without early exit, which the compiler vectorises.
    let plain = value
        .bytes()
        .fold(true, |all, b| all & (b > b' ') & (b != b'"') & (b != 0x7f));
    if plain {
        out.push_str(value);
    } else {
        let _ = write!(out, "{value:?}");
    }
}

/// Decimal digits, without `fmt`'s machinery.
fn push_u64(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

/// A request's access line: what [`super::layers::Core`] logs once a request is answered.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    pub request_id: &'a str,
    pub principal: &'a str,
    pub method: &'a str,
    pub tool: &'a str,
    pub duration_us: u64,
    pub outcome: &'a str,
}

/// The format of the access lines written directly (unset: through `tracing` instead).
static DIRECT: OnceLock<Lines> = OnceLock::new();

impl Lines {
    /// The successful request's line, as `tracing::info!(request_id, principal, method, tool,
    /// duration_us, outcome, "request")` with this format would write it.
    fn render_access(self, line: &mut String, access: &Access<'_>) {
        match self {
            Self::Json => {
                line.push_str("{\"timestamp\":\"");
                push_timestamp(line);
                line.push_str("\",\"level\":\"INFO\",\"message\":\"request\",\"request_id\":\"");
                push_escaped(line, access.request_id);
                line.push_str("\",\"principal\":\"");
                push_escaped(line, access.principal);
                line.push_str("\",\"method\":\"");
                push_escaped(line, access.method);
                line.push_str("\",\"tool\":\"");
                push_escaped(line, access.tool);
                line.push_str("\",\"duration_us\":");
                push_u64(line, access.duration_us);
                line.push_str(",\"outcome\":\"");
                push_escaped(line, access.outcome);
                line.push_str("\"}\n");
            }
            Self::Text => {
                push_timestamp(line);
                line.push_str("  INFO request");
                for (name, value) in [
                    (" request_id=", access.request_id),
                    (" principal=", access.principal),
                    (" method=", access.method),
                    (" tool=", access.tool),
                ] {
                    line.push_str(name);
                    push_text_value(line, value);
                }
                line.push_str(" duration_us=");
                push_u64(line, access.duration_us);
                line.push_str(" outcome=");
                push_text_value(line, access.outcome);
                line.push('\n');
            }
        }
    }
}

/// Writes a successful request's access line straight to the log output, when [`init`]
/// installed one of the [`Lines`] formats; `false` when the caller should log it through
/// `tracing` instead (a terminal, an exporting subscriber, tests). The caller checks the level
/// (`tracing::enabled!`). Half the cost of the same line as a `tracing` event, which every
/// request pays: no field visitors, no second buffer, no dispatch.
pub fn write_access(access: &Access<'_>) -> bool {
    let Some(format) = DIRECT.get() else {
        return false;
    };
    with_line(|line| {
        format.render_access(line, access);
        let _ = StderrLine { urgent: false }.write_all(line.as_bytes());
    });
    true
}

/// `Debug` output escaped into a JSON string.
struct JsonEscape<'a>(&'a mut String);

impl fmt::Write for JsonEscape<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        push_escaped(self.0, s);
        Ok(())
    }
}

/// An event's fields as `,"name":value` pairs.
struct JsonFields<'a>(&'a mut String);

impl JsonFields<'_> {
    fn key(&mut self, field: &Field) {
        self.0.push_str(",\"");
        push_escaped(self.0, field.name());
        self.0.push_str("\":");
    }

    /// A value written as it formats (numbers, booleans).
    fn raw(&mut self, field: &Field, value: impl fmt::Display) {
        self.key(field);
        // Writing to a `String` cannot fail.
        let _ = write!(self.0, "{value}");
    }
}

impl Visit for JsonFields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.key(field);
        self.0.push('"');
        push_escaped(self.0, value);
        self.0.push('"');
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.key(field);
        self.0.push('"');
        let _ = write!(JsonEscape(self.0), "{value:?}");
        self.0.push('"');
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field);
        push_u64(self.0, value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.raw(field, value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.raw(field, value);
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if value.is_finite() {
            self.raw(field, value);
        } else {
            self.raw(field, "null");
        }
    }
}

/// An event's message, then its other fields as ` name=value` (strings quoted when they
/// contain a space, a quote or a control character).
struct TextFields<'a>(&'a mut String);

impl TextFields<'_> {
    fn key(&mut self, field: &Field) {
        self.0.push(' ');
        if field.name() != "message" {
            self.0.push_str(field.name());
            self.0.push('=');
        }
    }
}

impl Visit for TextFields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.key(field);
        push_text_value(self.0, value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field);
        push_u64(self.0, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.key(field);
        let _ = write!(self.0, "{value:?}");
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use serde_json::{Value, json};
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Self;

        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

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

    /// The lines `emit` logs in `format`.
    fn lines(format: Lines, emit: impl FnOnce()) -> Vec<String> {
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(buffer.clone())
            .event_format(format)
            .finish();
        tracing::subscriber::with_default(subscriber, emit);
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn json_lines_carry_the_request_fields() {
        let out = lines(Lines::Json, || {
            tracing::info!(
                request_id = %"a1b2",
                principal = %"ci",
                method = "tools/call",
                tool = "greet",
                duration_us = 412_u64,
                outcome = "ok",
                "request"
            );
        });
        assert_eq!(out.len(), 1);
        let line: Value = serde_json::from_str(&out[0]).unwrap();
        let timestamp = line["timestamp"].as_str().unwrap();
        let shape: String = timestamp
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99T99:99:99.999999Z", "{timestamp}");
        let year = time::OffsetDateTime::now_utc().year().to_string();
        assert!(timestamp.starts_with(&year), "{timestamp}");
        let mut rest = line.as_object().unwrap().clone();
        rest.remove("timestamp");
        assert_eq!(
            Value::Object(rest),
            json!({
                "level": "INFO", "message": "request", "request_id": "a1b2", "principal": "ci",
                "method": "tools/call", "tool": "greet", "duration_us": 412, "outcome": "ok",
            })
        );
    }

    /// The line without its timestamp (27 characters, at the start of a text line or in the
    /// JSON `timestamp` field).
    fn without_timestamp(line: &str) -> String {
        let at = line.find("\"timestamp\":\"").map_or(0, |i| i + 13);
        format!("{}{}", &line[..at], &line[at + 27..])
    }

    #[test]
    fn access_lines_written_directly_are_the_lines_tracing_writes() {
        let plain = Access {
            request_id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            principal: "ci",
            method: "tools/call",
            tool: "greet",
            duration_us: 412,
            outcome: "ok",
        };
        let nasty = Access {
            request_id: "req-1",
            principal: "Ada \"the\" \\ Lovelace é",
            method: "tools/call",
            tool: "line\nbreak\u{7}",
            duration_us: u64::MAX,
            outcome: "ok",
        };
        let empty = Access {
            tool: "",
            duration_us: 0,
            ..plain
        };
        for format in [Lines::Json, Lines::Text] {
            for access in [plain, nasty, empty] {
                let traced = lines(format, || {
                    tracing::info!(
                        request_id = access.request_id,
                        principal = access.principal,
                        method = access.method,
                        tool = access.tool,
                        duration_us = access.duration_us,
                        outcome = access.outcome,
                        "request"
                    );
                });
                let mut direct = String::new();
                format.render_access(&mut direct, &access);
                assert!(direct.ends_with('\n') && direct.matches('\n').count() == 1);
                assert_eq!(
                    without_timestamp(direct.trim_end()),
                    without_timestamp(&traced[0]),
                    "{format:?}"
                );
            }
        }
    }

    #[test]
    fn json_escapes_whatever_a_value_holds() {
        let nasty = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7f} é 🦀";
        let out = lines(Lines::Json, || {
            tracing::warn!(
                text = nasty,
                shown = %nasty,
                debugged = ?nasty,
                negative = -3_i64,
                yes = true,
                ratio = 0.5_f64,
                nan = f64::NAN,
                "msg {nasty}"
            );
        });
        assert_eq!(out.len(), 1, "one line, whatever the values: {out:?}");
        let line: Value = serde_json::from_str(&out[0]).unwrap();
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["message"], format!("msg {nasty}"));
        assert_eq!(line["text"], nasty);
        assert_eq!(line["shown"], nasty);
        assert_eq!(line["debugged"], format!("{nasty:?}"));
        assert_eq!(line["negative"], -3);
        assert_eq!(line["yes"], true);
        assert_eq!(line["ratio"], 0.5);
        assert_eq!(line["nan"], Value::Null);
    }

    #[test]
    fn text_lines_are_one_line_each() {
        let out = lines(Lines::Text, || {
            tracing::info!(
                principal = "local",
                tool = "greet",
                note = "two words",
                "request"
            );
            tracing::error!(detail = "line one\nline two", "request failed");
        });
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0].ends_with("  INFO request principal=local tool=greet note=\"two words\""),
            "{}",
            out[0]
        );
        assert!(
            out[1].ends_with(" ERROR request failed detail=\"line one\\nline two\""),
            "{}",
            out[1]
        );
        assert!(
            out[0].starts_with(&time::OffsetDateTime::now_utc().year().to_string()),
            "{}",
            out[0]
        );
    }
}
