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
    let Some(first) = culprits.first() else {
        return Ok(());
    };
    let key = &first.question.key;
    let values: Vec<String> = culprits.iter().map(|c| format!("`{}`", c.value)).collect();
    let kept = kept_answer(first.question, new, &culprits);
    Err(CliError::usage(format!(
        "changing `{key}` drops {}, but team code still uses {}:\n{}",
        values.join(" and "),
        if culprits.len() == 1 {
            "its API"
        } else {
            "their APIs"
        },
        lines.join("\n")
    ))
    .with_help(format!(
        "remove those uses first, or keep {}: `--set {key}={kept}`",
        values.join(" and ")
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
