//! The access line: one per answered request, written straight to the output.

use std::io::Write as _;
use std::sync::OnceLock;

use super::format::{Lines, push_escaped, push_text_value, push_timestamp, push_u64, with_line};
use super::stderr::StderrLine;

/// A request's access line: what [`crate::layers::Core`] logs once a request is answered.
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

/// From now on, access lines are written directly in `format` (by [`super::init`], once).
pub(super) fn write_directly(format: Lines) {
    let _ = DIRECT.set(format);
}

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

/// Writes a successful request's access line straight to the log output, when [`super::init`]
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

#[cfg(test)]
mod tests {
    use super::super::format::tests::lines;
    use super::*;

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
}
