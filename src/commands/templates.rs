//! `mcpforge templates`: what `mcpforge new` can render, with each template's options.

use crate::template::{self, AnswerValue, QuestionKind};
use crate::ui::Ui;

pub fn run(ui: &Ui) -> anyhow::Result<()> {
    for (i, tpl) in template::all().iter().enumerate() {
        if i > 0 {
            ui.out("");
        }
        let default = if tpl.name() == template::DEFAULT_TEMPLATE {
            " (default)"
        } else {
            ""
        };
        ui.out(format!("{} {}{default}", tpl.name(), tpl.version()));
        let earlier: Vec<String> = template::history::versions(tpl.name())
            .iter()
            .map(ToString::to_string)
            .filter(|v| v != tpl.version())
            .collect();
        if !earlier.is_empty() {
            ui.out(format!(
                "  earlier releases (`new --template-version`): {}",
                earlier.join(", ")
            ));
        }
        ui.out(format!("  {}", tpl.manifest.description));
        for q in &tpl.manifest.questions {
            let detail = match q.kind {
                QuestionKind::Choice => q
                    .choices
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
                QuestionKind::Multi => q
                    .choices
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                QuestionKind::Bool => "true|false".to_string(),
                QuestionKind::String => "text".to_string(),
            };
            let default = match (&q.default, q.default_from_directory) {
                (_, true) => " [default: the directory name]".to_string(),
                (Some(AnswerValue::Text(d)), _) => format!(" [default: {d}]"),
                (Some(AnswerValue::Bool(b)), _) => format!(" [default: {b}]"),
                (Some(AnswerValue::List(values)), _) if values.is_empty() => {
                    " [default: none]".to_string()
                }
                (Some(AnswerValue::List(values)), _) => format!(" [default: {}]", values.join(",")),
                (None, _) => String::new(),
            };
            ui.out(format!("  --{} <{detail}>  {}{default}", q.key, q.help));
        }
    }
    Ok(())
}
