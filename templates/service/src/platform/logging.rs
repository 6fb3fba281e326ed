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
//! of the middleware stack.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::config::{LogFormat, Settings, Transport};

/// Whether the settings ask for JSON lines.
pub fn json(settings: &Settings) -> bool {
    match settings.log_format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => settings.transport == Transport::Http,
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
        .with_writer(std::io::stderr);
    let result = match Lines::for_settings(settings) {
        Some(lines) => builder.event_format(lines).try_init(),
        None => builder.with_target(false).with_ansi(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

/// The subscriber with a second layer exporting request spans (feature `otel`).
#[cfg(feature = "otel")]
fn init_with_export(settings: &Settings, endpoint: &str) -> anyhow::Result<()> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = EnvFilter::try_new(&settings.log)?;
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
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

    fn write_line(
        self,
        line: &mut String,
        event: &Event<'_>,
        writer: &mut Writer<'_>,
    ) -> fmt::Result {
        line.clear();
        self.render(line, event);
        let written = writer.write_str(line);
        if line.capacity() > 64 * 1024 {
            // One huge value should not keep a huge buffer on this thread.
            *line = String::new();
        }
        written
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
        // A field's `Debug` may log in turn; then this thread's buffer is busy and a new one
        // serves.
        LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut line) => self.write_line(&mut line, event, &mut writer),
            Err(_) => self.write_line(&mut String::new(), event, &mut writer),
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
    out.extend(fraction.iter().map(|&b| char::from(b)));
}

/// The bytes a JSON string cannot hold as they are.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[0x7f] = true;
    table
};

/// Appends `s` as the contents of a JSON string: quotes, backslashes and control characters
/// escaped.
fn push_escaped(out: &mut String, s: &str) {
    let mut clean = 0;
    for (i, &byte) in s.as_bytes().iter().enumerate() {
        if !NEEDS_ESCAPE[usize::from(byte)] {
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
        self.raw(field, value);
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
        if value.bytes().any(|b| b <= b' ' || b == b'"' || b == 0x7f) {
            let _ = write!(self.0, "{value:?}");
        } else {
            self.0.push_str(value);
        }
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
