//! Rendering: a template plus answers becomes a sorted in-memory tree of files.
//!
//! Files ending in `.tera` are rendered with tera (the suffix is dropped); every other file is
//! copied byte for byte. A template's own files and the files of its `[[mount]]`s are rendered
//! alike. Rendering is a pure function of the template and the answers: no clock,
//! no environment, no absolute paths, sorted output. Template errors name the template file and
//! line. The tree includes `.mcpforge.toml`, which records the answers and a hash per file.

use std::collections::BTreeMap;

use anyhow::Context as _;
use tera::{Kwargs, State, Tera};

use super::{AnswerValue, Answers, Source, Template};
use crate::project::ProjectManifest;

/// A rendered project: relative path (with `/`) → contents, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub files: BTreeMap<String, Vec<u8>>,
}

const TERA_SUFFIX: &str = ".tera";

impl Template {
    /// The template's files as (output path, source), excluding the manifest: its own files,
    /// then the files of each `[[mount]]`.
    pub(crate) fn files(&self) -> Vec<(String, &Source)> {
        let prefix = format!("{}/", self.root);
        let own = self.sources.iter().filter_map(move |source| {
            let rel = source.path.strip_prefix(&prefix)?;
            if rel == super::MANIFEST_FILE {
                return None;
            }
            Some((output_path(rel), source))
        });
        let mounted = self
            .mounted
            .iter()
            .map(|(out, index)| (out.clone(), &self.partials[*index]));
        own.chain(mounted).collect()
    }

    /// Output paths that the answers leave out: a path listed in a question's `files` is
    /// rendered only when one of the values listing it is chosen.
    fn excluded(&self, answers: &Answers) -> Vec<&str> {
        let mut excluded = Vec::new();
        for q in &self.manifest.questions {
            let chosen: Vec<String> = match answers.get(&q.key) {
                Some(AnswerValue::List(values)) => values.clone(),
                Some(answer) => vec![answer.to_string()],
                None => Vec::new(),
            };
            let mut wanted = std::collections::BTreeSet::new();
            let mut listed = std::collections::BTreeSet::new();
            for (value, paths) in &q.files {
                listed.extend(paths.iter().map(String::as_str));
                if chosen.contains(value) {
                    wanted.extend(paths.iter().map(String::as_str));
                }
            }
            excluded.extend(listed.difference(&wanted));
        }
        excluded
    }
}

/// The output path of a template file below its folder: `.tera` dropped.
pub(crate) fn output_path(rel: &str) -> String {
    rel.strip_suffix(TERA_SUFFIX).unwrap_or(rel).to_string()
}

/// Renders `template` with `answers` (already resolved and validated), as this mcpforge.
pub fn render(template: &Template, answers: &Answers) -> anyhow::Result<Rendered> {
    render_as(template, answers, env!("CARGO_PKG_VERSION"))
}

/// Renders as mcpforge `mcpforge_version` did (the templates' `{{ mcpforge_version }}`, which
/// pins the mcpforge a project's CI installs). `upgrade` renders its base this way with the
/// version that generated or last upgraded the project, so the pin reads as the template's
/// change, not the team's, and moves to the upgrading mcpforge.
pub fn render_as(
    template: &Template,
    answers: &Answers,
    mcpforge_version: &str,
) -> anyhow::Result<Rendered> {
    let tera = engine(template)?;
    let context = context(template, answers, mcpforge_version)?;
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
    let mut manifest = ProjectManifest::for_render(template, answers, &files);
    manifest.generated_by = format!("mcpforge {mcpforge_version}");
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
fn context(
    template: &Template,
    answers: &Answers,
    mcpforge_version: &str,
) -> anyhow::Result<tera::Context> {
    let mut ctx = tera::Context::new();
    for (key, value) in &answers.0 {
        match value {
            AnswerValue::Bool(b) => ctx.insert(key.replace('-', "_"), b),
            AnswerValue::Text(s) => ctx.insert(key.replace('-', "_"), s),
            AnswerValue::List(values) => ctx.insert(key.replace('-', "_"), values),
        }
    }
    let name = answers
        .text("name")
        .context("every template asks for `name`")?;
    ctx.insert("crate_name", &name.replace('-', "_"));
    ctx.insert("env_prefix", &env_prefix(name));
    ctx.insert("template_name", template.name());
    ctx.insert("template_version", template.version());
    ctx.insert("mcpforge_version", mcpforge_version);
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
pub(crate) mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn filters_quote_safely() {
        let s = "say \"hi\" \\ there";
        let toml = toml_string(s, Kwargs::default(), &State::new(&tera::Context::new()));
        let parsed: toml_edit::DocumentMut = format!("k = {toml}").parse().unwrap();
        assert_eq!(parsed["k"].as_str(), Some(s));
        assert_eq!(env_prefix("weather-mcp"), "WEATHER_MCP");
    }

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.to_string(),
            contents: Cow::Owned(text.as_bytes().to_vec()),
        }
    }

    const MANIFEST: &str = r#"
name = "t"
version = "1.0.0"
description = "d"

[[mount]]
from = "_platform"
to = "platform"

[ownership]
platform = ["platform/**"]

[[question]]
key = "name"
prompt = "Name"
help = "Name"
kind = "string"
default = "demo"

[[question]]
key = "features"
prompt = "Subsystems?"
help = "h"
kind = "multi"
default = ["http"]
choices = [
  { value = "http", help = "HTTP" },
  { value = "jwt", help = "JWT", requires = ["http"] },
  { value = "fetch", help = "fetch" },
]
files = { http = ["platform/src/http.rs", "src/serve.rs"], jwt = ["platform/src/jwt.rs"], fetch = ["src/serve.rs"] }
"#;

    /// A template `t` mounting `_platform`, with `extra` own files.
    pub(crate) fn mounting(manifest: &str, extra: &[(&str, &str)]) -> anyhow::Result<Template> {
        let mut sources = vec![
            source("t/template.toml", manifest),
            source("t/src/main.rs", "fn main() {}\n"),
            source("t/src/serve.rs", "// serves\n"),
        ];
        sources.extend(extra.iter().map(|(p, t)| source(&format!("t/{p}"), t)));
        let partials = vec![
            source(
                "_platform/Cargo.toml.tera",
                "[package]\nname = \"{{ crate_name }}-platform\"\n\n[features]\n\
                 default = [{% for f in features %}\"{{ f }}\"{% if not loop.last %}, {% endif %}{% endfor %}]\n\
                 {% if \"jwt\" in features %}jwt = [\"http\"]\n{% endif %}",
            ),
            source("_platform/src/http.rs", "// http\n"),
            source("_platform/src/jwt.rs", "// jwt\n"),
            source("_platform/src/lib.rs", "// lib\n"),
            source("_items/tool.rs.tera", "{{ nope }}"),
        ];
        Template::from_sources("t", sources, partials)
    }

    fn render_with(features: &str) -> Rendered {
        let template = mounting(MANIFEST, &[]).unwrap();
        let given = [("features".to_string(), features.to_string())];
        let answers =
            super::super::resolve_answers(&template.manifest, &given, None, None).unwrap();
        render(&template, &answers).unwrap()
    }

    #[test]
    fn mounts_render_shared_folders_with_the_same_context_and_exclusions() {
        let rendered = render_with("http,jwt");
        let paths: Vec<&str> = rendered.files.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                ".mcpforge.toml",
                "platform/Cargo.toml",
                "platform/src/http.rs",
                "platform/src/jwt.rs",
                "platform/src/lib.rs",
                "src/main.rs",
                "src/serve.rs",
            ]
        );
        assert_eq!(
            String::from_utf8_lossy(&rendered.files["platform/Cargo.toml"]),
            "[package]\nname = \"demo-platform\"\n\n[features]\ndefault = [\"http\", \"jwt\"]\njwt = [\"http\"]\n"
        );
        let manifest = String::from_utf8_lossy(&rendered.files[".mcpforge.toml"]).to_string();
        assert!(
            manifest.contains("features = [\"http\", \"jwt\"]"),
            "{manifest}"
        );
        assert!(
            manifest.contains("\"platform/src/jwt.rs\" = { owner = \"platform\""),
            "{manifest}"
        );
        assert!(
            manifest.contains("\"src/main.rs\" = { owner = \"shared\""),
            "{manifest}"
        );
    }

    #[test]
    fn multi_files_follow_the_chosen_values() {
        let none = render_with("");
        assert!(!none.files.contains_key("platform/src/http.rs"));
        assert!(!none.files.contains_key("platform/src/jwt.rs"));
        // Listed under `http` and `fetch`: rendered when either is chosen.
        assert!(!none.files.contains_key("src/serve.rs"));
        assert!(render_with("fetch").files.contains_key("src/serve.rs"));
        assert_eq!(
            String::from_utf8_lossy(&none.files["platform/Cargo.toml"]),
            "[package]\nname = \"demo-platform\"\n\n[features]\ndefault = []\n"
        );
        let http = render_with("http");
        assert!(http.files.contains_key("platform/src/http.rs"));
        assert!(!http.files.contains_key("platform/src/jwt.rs"));
    }

    #[test]
    fn a_missing_or_colliding_mount_is_a_template_error() {
        let err = mounting(&MANIFEST.replace("\"_platform\"", "\"_platfrom\""), &[]).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "templates/t/template.toml: [[mount]] from = \"_platfrom\": templates/_platfrom/ has \
             no files (is the folder missing, or misspelt?)"
        );
        let err = mounting(MANIFEST, &[("platform/src/lib.rs", "// mine\n")]).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "templates/t/template.toml: [[mount]] from = \"_platform\" to = \"platform\": \
             templates/_platform/src/lib.rs would be rendered to `platform/src/lib.rs`, which \
             templates/t/platform/src/lib.rs already renders; rename one of them or mount elsewhere"
        );
        // `.tera` is dropped before comparing.
        let err = mounting(MANIFEST, &[("platform/Cargo.toml", "")]).unwrap_err();
        assert!(
            format!("{err:#}").contains("`platform/Cargo.toml`"),
            "{err:#}"
        );
        let err = mounting(
            &MANIFEST.replace("to = \"platform\"", "to = \"../up\""),
            &[],
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("relative folder"), "{err:#}");
    }
}
