//! Item registries (`src/tools/mod.rs` and friends) merged by structure, not by line.
//!
//! When a team adds items with `mcpforge add` and a new template version adds items of its own,
//! both sides insert `mod` lines and `router +=` lines at the same places, and a line merge
//! reports a conflict although nothing conflicts. [`merge`] recognises the case where the
//! template changed *only* registrations — the files are equal once every registration line is
//! set aside, and no item was removed — and registers the template's new items in the team's
//! file with the same edit `mcpforge add` makes. Anything else returns `None`, and the line merge
//! (with its conflict blocks) stands.

use std::path::Path;

use crate::edit::rust::{RustSource, apply_checked};
use crate::project::registry::{read_registry, register};

/// The team's registry with the template's newly registered items added, or `None` when the
/// template changed anything but registrations (or a side does not parse as a registry).
pub fn merge(path: &Path, base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<String> {
    let text = |bytes: &[u8]| std::str::from_utf8(bytes).ok().map(str::to_string);
    let (base, ours, theirs) = (text(base)?, text(ours)?, text(theirs)?);
    let registry = |text: &str| {
        let source = RustSource::parse(path, text.to_string()).ok()?;
        read_registry(path, &source).ok()
    };
    let (old, mine, new) = (registry(&base)?, registry(&ours)?, registry(&theirs)?);
    if old.modules.iter().any(|m| !new.modules.contains(m)) {
        return None;
    }
    // `old` ⊆ `new` (checked above), so `new` names every item of both.
    let items: Vec<&String> = new.modules.iter().collect();
    if without_registrations(&base, &items) != without_registrations(&theirs, &items) {
        return None;
    }
    let mut merged = ours;
    for module in new.registered.iter().filter(|m| !old.modules.contains(m)) {
        if mine.modules.contains(module) || mine.registered.contains(module) {
            continue;
        }
        let source = RustSource::parse(path, merged.clone()).ok()?;
        let insertions = register(path, &source, module).ok()?;
        merged = apply_checked(path, &merged, &insertions).ok()?.text;
    }
    Some(merged)
}

/// `text` without the `mod <item>;` and `router += <item>::router();` lines of `items`.
fn without_registrations(text: &str, items: &[&String]) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| {
            !items.iter().any(|item| {
                *line == format!("mod {item};") || *line == format!("router += {item}::router();")
            })
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "use x::Router;\n\nmod alpha;\nmod gamma;\n\npub fn router() -> Router {\n    let mut router = Router::new();\n    router += alpha::router();\n    router += gamma::router();\n    router\n}\n";

    fn with(mods: &[&str]) -> String {
        let mut text = String::from("use x::Router;\n\n");
        for m in mods {
            text += &format!("mod {m};\n");
        }
        text += "\npub fn router() -> Router {\n    let mut router = Router::new();\n";
        for m in mods {
            text += &format!("    router += {m}::router();\n");
        }
        text + "    router\n}\n"
    }

    #[test]
    fn the_template_and_the_team_both_add_items() {
        let ours = with(&["alpha", "forecast", "gamma"]);
        let theirs = with(&["alpha", "beta", "gamma", "zeta"]);
        let merged = merge(
            Path::new("mod.rs"),
            BASE.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
        )
        .expect("a structured merge");
        for m in ["alpha", "beta", "forecast", "gamma", "zeta"] {
            assert!(merged.contains(&format!("mod {m};\n")), "{merged}");
            assert!(
                merged.contains(&format!("router += {m}::router();")),
                "{merged}"
            );
        }
        assert!(
            merged.find("mod beta;") < merged.find("mod forecast;"),
            "sorted: {merged}"
        );
    }

    #[test]
    fn other_template_changes_or_removals_fall_back_to_the_line_merge() {
        let ours = with(&["alpha", "forecast", "gamma"]);
        let removed = with(&["alpha", "beta"]);
        assert!(
            merge(
                Path::new("mod.rs"),
                BASE.as_bytes(),
                ours.as_bytes(),
                removed.as_bytes()
            )
            .is_none()
        );
        let edited = with(&["alpha", "beta", "gamma"]).replace("use x::Router;", "use y::Router;");
        assert!(
            merge(
                Path::new("mod.rs"),
                BASE.as_bytes(),
                ours.as_bytes(),
                edited.as_bytes()
            )
            .is_none()
        );
        assert!(
            merge(
                Path::new("mod.rs"),
                BASE.as_bytes(),
                b"not rust {",
                with(&["alpha", "beta", "gamma"]).as_bytes()
            )
            .is_none()
        );
    }
}
