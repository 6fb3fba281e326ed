//! The line formats: one JSON object per event, or a text line.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::config::Settings;

/// The line format: one JSON object per event (`timestamp`, `level`, `message`, then the
/// event's fields), or text (`timestamp LEVEL message key=value…`). Span context is left out:
/// the event's own fields carry the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lines {
    Json,
    Text,
}

impl Lines {
    /// The format for these settings; `None` for text on a terminal, which gets
    /// tracing-subscriber's coloured lines instead.
    pub(super) fn for_settings(settings: &Settings) -> Option<Self> {
        if super::json(settings) {
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
pub(super) fn with_line<R>(write: impl FnOnce(&mut String) -> R) -> R {
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
pub(super) fn push_timestamp(out: &mut String) {
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
pub(super) fn push_escaped(out: &mut String, s: &str) {
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
pub(super) fn push_text_value(out: &mut String, value: &str) {
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
pub(super) fn push_u64(out: &mut String, mut value: u64) {
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
pub(super) mod tests {
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
    pub(in crate::logging) fn lines(format: Lines, emit: impl FnOnce()) -> Vec<String> {
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
