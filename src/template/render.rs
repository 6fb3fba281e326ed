//! Rendering: a template plus answers becomes a sorted in-memory tree of files.
//!
//! Files ending in `.tera` are rendered with tera (the suffix is dropped); every other file is
//! copied byte for byte. Rendering is a pure function of the template and the answers: no clock,
//! no environment, no absolute paths, sorted output. Template errors name the template file and
//! line. The tree includes `.mcpforge.toml`, which records the answers and a hash per file.

use std::collections::BTreeMap;

use anyhow::Context as _;
use tera::{Kwargs, State, Tera};

use super::{Answers, Source, Template};
use crate::project::ProjectManifest;

/// A rendered project: relative path (with `/`) → contents, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub files: BTreeMap<String, Vec<u8>>,
}

const TERA_SUFFIX: &str = ".tera";

impl Template {
    /// The template's files as (output path, source), excluding the manifest, sorted.
    pub(crate) fn files(&self) -> impl Iterator<Item = (String, &Source)> {
        let prefix = format!("{}/", self.root);
        self.sources.iter().filter_map(move |source| {
            let rel = source.path.strip_prefix(&prefix)?;
            if rel == super::MANIFEST_FILE {
                return None;
            }
            let out = rel.strip_suffix(TERA_SUFFIX).unwrap_or(rel).to_string();
            Some((out, source))
        })
    }

    /// Output paths that the answers leave out.
    fn excluded(&self, answers: &Answers) -> Vec<&str> {
        let mut excluded = Vec::new();
        for q in &self.manifest.questions {
            let answer = answers
                .get(&q.key)
                .map(ToString::to_string)
                .unwrap_or_default();
            for (value, paths) in &q.files {
                if *value != answer {
                    excluded.extend(paths.iter().map(String::as_str));
                }
            }
        }
        excluded
    }
}

/// Renders `template` with `answers` (already resolved and validated).
pub fn render(template: &Template, answers: &Answers) -> anyhow::Result<Rendered> {
    let tera = engine(template)?;
    let context = context(template, answers)?;
    let excluded = template.excluded(answers);
    let mut files = BTreeMap::new();
    for (out, file) in template.files() {
        if excluded.contains(&out.as_str()) {
            continue;
        }
        let contents = if file.is_tera() {
            tera.render(&tera_name(file), &context)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("failed to render {}", tera_name(file)))?
                .into_bytes()
        } else {
            file.contents.to_vec()
        };
        files.insert(out, contents);
    }
    let manifest = ProjectManifest::for_render(template, answers, &files);
    files.insert(
        crate::project::MANIFEST_FILE.to_string(),
        manifest.to_toml().into_bytes(),
    );
    Ok(Rendered { files })
}

/// Renders one shared partial (a path below `templates/`, such as `_items/tool.rs.tera`) with
/// `context`, for items added to existing projects.
pub(crate) fn render_partial(
    name: &str,
    context: &impl serde::Serialize,
) -> anyhow::Result<String> {
    let file = super::partials()
        .map(Source::embedded)
        .find(|f| f.path == name)
        .with_context(|| format!("no partial templates/{name}"))?;
    let mut tera = new_tera();
    let tera_file = tera_name(&file);
    let text =
        std::str::from_utf8(&file.contents).with_context(|| format!("{tera_file} is not UTF-8"))?;
    tera.add_raw_template(&tera_file, text)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ctx = tera::Context::from_serialize(context).map_err(|e| anyhow::anyhow!("{e}"))?;
    tera.render(&tera_file, &ctx)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("failed to render {tera_file}"))
}

/// How a template file is named in tera, and so in error messages: its path in this repository.
fn tera_name(file: &Source) -> String {
    format!("templates/{}", file.path)
}

/// A tera instance holding the template's `.tera` files and all shared partials.
fn engine(template: &Template) -> anyhow::Result<Tera> {
    let mut tera = new_tera();
    let sources = template
        .all_sources()
        .filter(|f| f.is_tera())
        .map(|f| {
            let text = std::str::from_utf8(&f.contents)
                .with_context(|| format!("{} is not UTF-8", tera_name(f)))?;
            Ok((tera_name(f), text))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    tera.add_raw_templates(sources)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("template syntax error")?;
    Ok(tera)
}

/// A tera instance with mcpforge's settings (no HTML escaping) and filters.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.register_filter("toml_string", toml_string);
    tera.register_filter("rust_string", rust_string);
    tera
}

/// The variables templates see: every answer, plus names derived from the project name.
fn context(template: &Template, answers: &Answers) -> anyhow::Result<tera::Context> {
    let mut ctx = tera::Context::new();
    for (key, value) in &answers.0 {
        match value {
            super::AnswerValue::Bool(b) => ctx.insert(key.replace('-', "_"), b),
            super::AnswerValue::Text(s) => ctx.insert(key.replace('-', "_"), s),
        }
    }
    let name = answers
        .text("name")
        .context("every template asks for `name`")?;
    ctx.insert("crate_name", &name.replace('-', "_"));
    ctx.insert("env_prefix", &env_prefix(name));
    ctx.insert("template_name", template.name());
    ctx.insert("template_version", template.version());
    ctx.insert("mcpforge_version", env!("CARGO_PKG_VERSION"));
    Ok(ctx)
}

/// The environment-variable prefix a generated server reads its settings from. Generated code
/// derives the same prefix from `CARGO_PKG_NAME`, so the two must agree.
pub fn env_prefix(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// `{{ text | toml_string }}`: a quoted TOML basic string.
fn toml_string(value: &str, _: Kwargs, _: &State) -> String {
    toml_edit::Value::from(value).to_string().trim().to_string()
}

/// `{{ text | rust_string }}`: a quoted Rust string literal.
fn rust_string(value: &str, _: Kwargs, _: &State) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_quote_safely() {
        let s = "say \"hi\" \\ there";
        let toml = toml_string(s, Kwargs::default(), &State::new(&tera::Context::new()));
        let parsed: toml_edit::DocumentMut = format!("k = {toml}").parse().unwrap();
        assert_eq!(parsed["k"].as_str(), Some(s));
        assert_eq!(env_prefix("weather-mcp"), "WEATHER_MCP");
    }
}
