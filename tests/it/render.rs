//! Snapshots of what each answer changes in every template's render. The rendered tree with the
//! default answers is the fixture's to show (`generated-fixtures/`, checked against a fresh
//! render); its snapshot here is the file list only. Every other value of every choice or bool
//! question, and for a multi question none, all, and each value alone (with the values it
//! requires), is snapshotted as a diff against the defaults: a template change shows up as a
//! reviewable diff (`cargo insta review`) once, where it is rendered.

use std::collections::{BTreeMap, BTreeSet};

use mcpforge::template::{self, AnswerValue, QuestionKind};

type Files = BTreeMap<String, Vec<u8>>;

fn file_list(files: &Files) -> String {
    files
        .iter()
        .map(|(path, bytes)| format!("{path} ({} bytes)\n", bytes.len()))
        .collect()
}

/// What `variant` adds and changes against `base`, as unified diffs, and the files it drops.
fn diff_text(base: &Files, variant: &Files) -> String {
    let mut out = String::new();
    let paths: BTreeSet<&String> = base.keys().chain(variant.keys()).collect();
    for path in paths {
        let (old, new) = (base.get(path), variant.get(path));
        if old == new {
            continue;
        }
        if new.is_none() {
            // Its content is in the defaults' render already (the fixture).
            out.push_str(&format!("removed {path}\n"));
            continue;
        }
        let text = |b: Option<&Vec<u8>>| b.map(|b| String::from_utf8_lossy(b).into_owned());
        let (old_text, new_text) = (text(old).unwrap_or_default(), text(new).unwrap_or_default());
        let from = match old {
            None => "/dev/null".to_string(),
            Some(_) => format!("a/{path}"),
        };
        let to = format!("b/{path}");
        out.push_str(
            &similar::TextDiff::from_lines(&old_text, &new_text)
                .unified_diff()
                .context_radius(2)
                .header(&from, &to)
                .to_string(),
        );
    }
    out
}

/// A multi question's value alone, with what it requires (`jwt` needs `http`), in the
/// question's order.
fn with_requirements(q: &template::Question, value: &str) -> String {
    let mut chosen = BTreeSet::from([value.to_string()]);
    loop {
        let needed: Vec<String> = q
            .choices
            .iter()
            .filter(|c| chosen.contains(&c.value))
            .flat_map(|c| c.requires.iter().cloned())
            .filter(|r| !chosen.contains(r))
            .collect();
        if needed.is_empty() {
            break;
        }
        chosen.extend(needed);
    }
    q.choices
        .iter()
        .filter(|c| chosen.contains(&c.value))
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// (snapshot suffix, flag answers) for every answer worth a diff against the defaults.
fn variants(tpl: &template::Template) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for q in &tpl.manifest.questions {
        let values: Vec<(String, String)> = match q.kind {
            QuestionKind::Choice => q
                .choices
                .iter()
                .map(|c| (c.value.clone(), c.value.clone()))
                .collect(),
            QuestionKind::Bool => vec![
                ("true".into(), "true".into()),
                ("false".into(), "false".into()),
            ],
            QuestionKind::Multi => {
                let all = q
                    .choices
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>();
                let mut values = vec![
                    ("none".to_string(), String::new()),
                    ("all".to_string(), all.join(",")),
                ];
                values.extend(
                    q.choices
                        .iter()
                        .map(|c| (format!("only-{}", c.value), with_requirements(q, &c.value))),
                );
                values
            }
            QuestionKind::String => continue,
        };
        let default = q.default.as_ref().map(AnswerValue::to_string);
        let mut seen = BTreeSet::new();
        for (name, value) in values {
            if Some(&value) == default.as_ref() || !seen.insert(value.clone()) {
                continue;
            }
            out.push((format!("{}-{name}", q.key), vec![(q.key.clone(), value)]));
        }
    }
    out
}

fn render(tpl: &template::Template, given: &[(String, String)]) -> Files {
    let answers = template::resolve_answers(&tpl.manifest, given, Some("demo"), None).unwrap();
    template::render(tpl, &answers).unwrap().files
}

#[test]
fn every_template_and_option_renders_as_snapshotted() {
    for tpl in template::all() {
        let defaults = render(tpl, &[]);
        insta::assert_snapshot!(format!("{}__defaults", tpl.name()), file_list(&defaults));
        for (suffix, given) in variants(tpl) {
            insta::assert_snapshot!(
                format!("{}__{suffix}", tpl.name()),
                diff_text(&defaults, &render(tpl, &given))
            );
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    for tpl in template::all() {
        let answers = template::resolve_answers(&tpl.manifest, &[], Some("demo"), None).unwrap();
        let a = template::render(tpl, &answers).unwrap();
        let b = template::render(tpl, &answers).unwrap();
        assert_eq!(a, b, "{} renders differently twice", tpl.name());
    }
}

#[test]
fn rendered_files_are_hashed_in_the_project_manifest() {
    for tpl in template::all() {
        let answers = template::resolve_answers(&tpl.manifest, &[], Some("demo"), None).unwrap();
        let rendered = template::render(tpl, &answers).unwrap();
        let text =
            String::from_utf8(rendered.files[mcpforge::project::MANIFEST_FILE].clone()).unwrap();
        let manifest =
            mcpforge::project::ProjectManifest::parse(&text, ".mcpforge.toml".as_ref()).unwrap();
        assert_eq!(manifest.answers, answers);
        for (path, bytes) in &rendered.files {
            if path == mcpforge::project::MANIFEST_FILE {
                continue;
            }
            let record = &manifest.files[path];
            assert_eq!(
                record.sha256,
                mcpforge::project::sha256_hex(bytes),
                "{path}"
            );
        }
        assert_eq!(manifest.files.len(), rendered.files.len() - 1);
    }
}
