//! Changing answers must not pull an API out from under team code: when `upgrade --set` drops a
//! choice (a value leaves a `multi` answer, or a `choice` answer changes), every API the choice
//! `provides` is looked up in the project's team and shared Rust files — as they will be after
//! the upgrade — and any use refuses the whole upgrade before anything is written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::edit::Change;
use crate::error::CliError;
use crate::project::uses::{self, Api};
use crate::template::{Answers, Owner, Question, Template};

/// A value the new answers drop, with the APIs it provides.
struct Dropped<'a> {
    question: &'a Question,
    value: &'a str,
    apis: Vec<(String, Api)>,
}

/// Fails (exit 2, naming each file and line) when the change from `old` to `new` answers drops
/// a choice whose API a non-platform `.rs` file still uses. `writes` are the upgrade's planned
/// changes (a file they remove is not looked at; a file they rewrite is read as rewritten).
pub fn check(
    root: &Path,
    target: &Template,
    old: &Answers,
    new: &Answers,
    rust_files: &BTreeSet<String>,
    writes: &BTreeMap<String, Change>,
) -> anyhow::Result<()> {
    let dropped = dropped(target, old, new);
    if dropped.iter().all(|d| d.apis.is_empty()) {
        return Ok(());
    }
    let mut lines = Vec::new();
    let mut culprits: Vec<&Dropped<'_>> = Vec::new();
    for path in rust_files {
        if target.manifest.owner_of(path) == Owner::Platform {
            continue;
        }
        let text = match writes.get(path) {
            Some(Change { after: None, .. }) => continue,
            Some(Change {
                after: Some(after), ..
            }) => after.clone(),
            None => match std::fs::read(root.join(path)) {
                Ok(bytes) => bytes,
                Err(_) => continue,
            },
        };
        let Ok(text) = String::from_utf8(text) else {
            continue;
        };
        for d in &dropped {
            // A file that does not parse (conflict blocks) cannot be judged here; the compiler
            // will judge it after the upgrade.
            let Ok(found) = uses::find(&text, &d.apis) else {
                continue;
            };
            for u in &found {
                lines.push(format!(
                    "  {path}:{}: {} (from `{}`)",
                    u.line, u.api, d.value
                ));
            }
            if !found.is_empty() && !culprits.iter().any(|c| c.value == d.value) {
                culprits.push(d);
            }
        }
    }
    if culprits.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = culprits.iter().map(|c| format!("`{}`", c.value)).collect();
    let mut keys: Vec<&str> = Vec::new();
    for c in &culprits {
        if !keys.contains(&c.question.key.as_str()) {
            keys.push(&c.question.key);
        }
    }
    let what = match keys.as_slice() {
        [key] => format!("changing `{key}` drops {}", values.join(" and ")),
        _ => format!("the new answers drop {}", values.join(" and ")),
    };
    // One `--set` per question, each keeping its dropped values.
    let keep: Vec<String> = keys
        .iter()
        .map(|key| {
            let mine: Vec<&Dropped<'_>> = culprits
                .iter()
                .copied()
                .filter(|c| c.question.key == *key)
                .collect();
            format!("--set {key}={}", kept_answer(mine[0].question, new, &mine))
        })
        .collect();
    Err(CliError::usage(format!(
        "{what}, but team code still uses {}:\n{}",
        if culprits.len() == 1 {
            "its API"
        } else {
            "their APIs"
        },
        lines.join("\n")
    ))
    .with_help(format!(
        "remove those uses first, or keep {}: `{}`",
        values.join(" and "),
        keep.join(" ")
    ))
    .into())
}

/// Values the new answers no longer select, per question with choices, in question order.
fn dropped<'a>(target: &'a Template, old: &'a Answers, new: &Answers) -> Vec<Dropped<'a>> {
    let mut out = Vec::new();
    for q in &target.manifest.questions {
        let (Some(before), Some(after)) = (old.get(&q.key), new.get(&q.key)) else {
            continue;
        };
        let after = after.selected();
        for value in before.selected() {
            if after.contains(&value) {
                continue;
            }
            let Some(choice) = q.choices.iter().find(|c| c.value == value) else {
                continue;
            };
            let apis = choice
                .provides
                .iter()
                .filter_map(|text| Api::parse(text).map(|api| (text.clone(), api)))
                .collect();
            out.push(Dropped {
                question: q,
                value: &choice.value,
                apis,
            });
        }
    }
    out
}

/// The `--set` value that keeps the culprits: the new answer plus them (a `choice` question can
/// hold one value only, so it keeps the first).
fn kept_answer(q: &Question, new: &Answers, culprits: &[&Dropped<'_>]) -> String {
    let chosen = new.get(&q.key).map(|a| a.selected()).unwrap_or_default();
    if q.kind != crate::template::QuestionKind::Multi {
        return culprits[0].value.to_string();
    }
    q.choices
        .iter()
        .map(|c| c.value.as_str())
        .filter(|v| chosen.contains(v) || culprits.iter().any(|c| c.value == *v))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::template::{self, Source};

    const MANIFEST: &str = r#"name = "t"
version = "1.0.0"
description = "d"

[ownership]
platform = ["platform/**"]

[[question]]
key = "auth"
prompt = "Auth"
help = "Auth"
kind = "choice"
default = "jwt"
choices = [
  { value = "none", help = "none" },
  { value = "jwt", help = "JWT", provides = ["platform::auth::jwt"] },
]

[[question]]
key = "features"
prompt = "Subsystems"
help = "Subsystems"
kind = "multi"
default = ["fetch", "files"]
choices = [
  { value = "fetch", help = "fetch", provides = ["fetcher"] },
  { value = "files", help = "files", provides = ["platform::files"] },
]
"#;

    fn answers(template: &Template, given: &[(&str, &str)]) -> Answers {
        let given: Vec<(String, String)> = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        template::resolve_answers(&template.manifest, &given, None, None).unwrap()
    }

    #[test]
    fn names_every_dropped_value_in_use_with_one_set_per_question() {
        let sources = vec![Source {
            path: "t/template.toml".into(),
            contents: Cow::Borrowed(MANIFEST.as_bytes()),
        }];
        let template = Template::from_sources("t", sources, Vec::new()).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let files = [
            ("src/a.rs", "fn a(c: C) { c.fetcher(); }\n"),
            ("src/b.rs", "use platform::auth::jwt::Claims;\n"),
            ("src/c.rs", "fn c() { platform::files::open(); }\n"),
            ("platform/x.rs", "fn x(c: C) { c.fetcher(); }\n"),
            ("src/gone.rs", "fn g(c: C) { c.fetcher(); }\n"),
        ];
        for (path, text) in files {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let rust: BTreeSet<String> = files.iter().map(|(p, _)| p.to_string()).collect();
        // The upgrade removes src/gone.rs and rewrites src/c.rs without the use.
        let change = |path: &str, after: Option<&str>| Change {
            path: tmp.path().join(path),
            display: path.to_string(),
            before: None,
            after: after.map(|a| a.as_bytes().to_vec()),
        };
        let writes = BTreeMap::from([
            ("src/gone.rs".to_string(), change("src/gone.rs", None)),
            (
                "src/c.rs".to_string(),
                change("src/c.rs", Some("fn c() {}\n")),
            ),
        ]);
        let old = answers(&template, &[]);
        let new = answers(&template, &[("auth", "none"), ("features", "")]);
        let err = check(tmp.path(), &template, &old, &new, &rust, &writes).unwrap_err();
        let err = err.downcast::<CliError>().unwrap();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.message,
            "the new answers drop `fetch` and `jwt`, but team code still uses their APIs:\n  \
             src/a.rs:1: fetcher (from `fetch`)\n  \
             src/b.rs:1: platform::auth::jwt (from `jwt`)"
        );
        assert_eq!(
            err.help.as_deref(),
            Some(
                "remove those uses first, or keep `fetch` and `jwt`: `--set features=fetch --set auth=jwt`"
            )
        );
        // Keeping them is fine; so is dropping a value nobody uses.
        let kept = answers(&template, &[("features", "fetch")]);
        check(tmp.path(), &template, &old, &kept, &rust, &writes).unwrap();
    }
}
