//! `--output-format json-lines`: one JSON object per finding per line, the same fields as a
//! diagnostic of the `json` format (suppressed findings included, with their reason), and no
//! summary, so a consumer can stream it.

use super::json::Entry;
use crate::lint::Report;

pub fn render(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| serde_json::to_string(&Entry::of(d)).expect("serialisable") + "\n")
        .collect()
}
