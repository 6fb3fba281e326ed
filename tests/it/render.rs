//! Snapshot of every template's rendered tree: with default answers, and with each non-default
//! value of every choice or bool question, one at a time (none and all for a multi question). A template change shows up here as a
//! reviewable diff (`cargo insta review`).

use mcpforge::template::{self, AnswerValue, QuestionKind};

fn tree_text(files: &std::collections::BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    out.push_str("# files\n");
    for (path, bytes) in files {
        out.push_str(&format!("{path} ({} bytes)\n", bytes.len()));
    }
    for (path, bytes) in files {
        out.push_str(&format!("\n# ===== {path} =====\n"));
        out.push_str(&String::from_utf8_lossy(bytes));
    }
    out
}

/// (snapshot suffix, flag answers) for every main option combination of a template.
fn variants(tpl: &template::Template) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = vec![("defaults".to_string(), Vec::new())];
    for q in &tpl.manifest.questions {
        let values: Vec<String> = match q.kind {
            QuestionKind::Choice => q.choices.iter().map(|c| c.value.clone()).collect(),
            QuestionKind::Bool => vec!["true".into(), "false".into()],
            // None and all: single values may need others (`jwt` needs `http`).
            QuestionKind::Multi => vec![
                String::new(),
                q.choices
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ],
            QuestionKind::String => continue,
        };
        let default = q.default.as_ref().map(AnswerValue::to_string);
        for value in values.into_iter().filter(|v| Some(v) != default.as_ref()) {
            let name = match (q.kind, value.as_str()) {
                (QuestionKind::Multi, "") => "none",
                (QuestionKind::Multi, _) => "all",
                _ => &value,
            };
            out.push((
                format!("{}-{name}", q.key),
                vec![(q.key.clone(), value.clone())],
            ));
        }
    }
    out
}

#[test]
fn every_template_and_option_renders_as_snapshotted() {
    for tpl in template::all() {
        for (suffix, given) in variants(tpl) {
            let answers =
                template::resolve_answers(&tpl.manifest, &given, Some("demo"), None).unwrap();
            let rendered = template::render(tpl, &answers).unwrap();
            insta::assert_snapshot!(
                format!("{}__{suffix}", tpl.name()),
                tree_text(&rendered.files)
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
