//! `template.toml`: what a template is called, its version, its questions, which files each
//! answer brings in, and which generated paths belong to the platform or to the team.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail, ensure};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use super::AnswerValue;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The template's name, equal to its folder's.
    pub name: String,
    /// Semantic version; it moves whenever the rendered output changes.
    pub version: String,
    /// One line for `mcpforge templates` and `--help`.
    pub description: String,
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
    /// Shared folders rendered into the project (`[[mount]]`), in order.
    #[serde(default, rename = "mount")]
    pub mounts: Vec<Mount>,
    #[serde(default)]
    pub ownership: Ownership,
    /// Where `mcpforge add` puts each kind of item (`tool`, …) and which registry it edits.
    #[serde(default)]
    pub items: BTreeMap<String, super::items::ItemLayout>,
    /// The Rust paths `mcpforge add` writes into items for this version's layout (`[layout]`).
    #[serde(default)]
    pub layout: super::items::ItemPaths,
    /// Files this version moved or split, relative to the version before it (`[[moves]]`).
    #[serde(default)]
    pub moves: Vec<super::moves::Move>,
    /// Code edits this version needs in the team's files (`[[migrate.paths]]`).
    #[serde(default)]
    pub migrate: super::moves::Migrate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The answer's key in templates and `.mcpforge.toml`, and the `mcpforge new --<key>` flag.
    pub key: String,
    /// The question asked interactively.
    pub prompt: String,
    /// The flag's help text.
    pub help: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub default: Option<AnswerValue>,
    /// Take the default from the target directory's name instead of `default`.
    #[serde(default)]
    pub default_from_directory: bool,
    /// The answer `upgrade` records for a project generated before this question existed, when
    /// `default` would change what that project had (a `features` question whose default leaves
    /// out subsystems the older version always compiled in). Without it, `default` is used.
    #[serde(default)]
    pub upgrade_default: Option<AnswerValue>,
    #[serde(default)]
    pub validate: Option<Validation>,
    /// For `choice` and `multi` questions: the allowed values.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Files rendered only when the answer has a given value (`"true"`/`"false"` for bools; for
    /// `multi`, when that value is among those chosen). A file listed under several values of
    /// one question is rendered when any of them is chosen. Files not listed under any question
    /// are always rendered.
    #[serde(default)]
    pub files: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    String,
    Bool,
    Choice,
    /// Any number of `choices` (a list answer; `--key a,b` on the command line).
    Multi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validation {
    /// A Cargo package name that is also a usable binary and environment-variable prefix.
    PackageName,
    /// One line of text that fits in a TOML string and a Markdown heading.
    SingleLine,
    /// Where a generated project's CI gets mcpforge: `crates-io`, `registry:<name>`, `git+<URL>`,
    /// or the `https://`
    /// URL of a release archive with `{version}` (and optionally `{target}`) in it.
    InstallSource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub help: String,
    /// For `multi` questions: other values of the same question this one cannot go without.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The API this value brings into the project, as crate paths (`platform::fetch`) or
    /// identifiers of methods and items (`fetcher`). `upgrade --set` refuses to drop the value
    /// while team code still uses any of them.
    #[serde(default)]
    pub provides: Vec<String>,
    /// For `choice` questions: values of a later `multi` question this one cannot go without,
    /// as `question=value` (`auth`'s `jwt` implies `features=jwt`). A defaulted answer gets
    /// them added; a given one that lacks them is refused.
    #[serde(default)]
    pub implies: Vec<String>,
}

impl Choice {
    /// The `(question, value)` pairs of [`Choice::implies`].
    pub fn implied(&self) -> impl Iterator<Item = (&str, &str)> {
        self.implies.iter().filter_map(|i| i.split_once('='))
    }
}

/// A shared folder rendered into every project of the template: each file below
/// `templates/<from>/` becomes `<to>/<its path below from>`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    /// A folder of `templates/` whose name starts with `_`, such as `_platform`.
    pub from: String,
    /// The folder of the project it renders into, such as `platform`.
    pub to: String,
}

/// Who owns which generated files. Paths match globs; the first list that matches wins, in the
/// order platform, team; anything else is shared (the team may edit it; upgrades merge).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ownership {
    /// Code the platform owns: teams do not edit it, `lint` flags drift, `upgrade` replaces it.
    #[serde(default)]
    pub platform: Vec<String>,
    /// Examples handed to the team at generation: `upgrade` never touches them.
    #[serde(default)]
    pub team: Vec<String>,
}

/// The owner of one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Platform,
    Shared,
    Team,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Platform => "platform",
            Owner::Shared => "shared",
            Owner::Team => "team",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "platform" => Some(Owner::Platform),
            "shared" => Some(Owner::Shared),
            "team" => Some(Owner::Team),
            _ => None,
        }
    }
}

impl Manifest {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let manifest: Manifest = toml_edit::de::from_str(text).context("invalid template.toml")?;
        Ok(manifest)
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// Checks what serde cannot: versions, defaults, choices, and that every path the manifest
    /// names exists among `files` (output paths, `.tera` already stripped).
    pub fn check(&self, files: &[String]) -> anyhow::Result<()> {
        ensure!(
            is_semver(&self.version),
            "version `{}` is not a semantic version",
            self.version
        );
        for (index, q) in self.questions.iter().enumerate() {
            ensure!(
                q.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "question key `{}` must be kebab-case (it becomes a flag)",
                q.key
            );
            match (q.kind, &q.default) {
                (QuestionKind::Bool, Some(AnswerValue::Bool(_)) | None) => {}
                (QuestionKind::Bool, Some(_)) => {
                    bail!("question `{}`: a bool needs a bool default", q.key)
                }
                (QuestionKind::Multi, Some(AnswerValue::List(_)) | None) => {}
                (QuestionKind::Multi, Some(_)) => {
                    bail!(
                        "question `{}`: a multi question needs a list default, e.g. `default = []`",
                        q.key
                    )
                }
                (_, Some(AnswerValue::Text(_)) | None) => {}
                (_, Some(_)) => {
                    bail!("question `{}`: default must be a string", q.key)
                }
            }
            let has_choices = matches!(q.kind, QuestionKind::Choice | QuestionKind::Multi);
            ensure!(
                has_choices != q.choices.is_empty(),
                "question `{}`: `choices` go with kind = \"choice\" or \"multi\" and only with them",
                q.key
            );
            for (i, choice) in q.choices.iter().enumerate() {
                ensure!(
                    !q.choices[..i].iter().any(|c| c.value == choice.value),
                    "question `{}`: choice `{}` is listed twice",
                    q.key,
                    choice.value
                );
                if q.kind == QuestionKind::Multi {
                    ensure!(
                        !choice.value.is_empty() && !choice.value.contains([',', ' ']),
                        "question `{}`: choice `{}` must not be empty or contain `,` or spaces \
                         (answers are comma-separated)",
                        q.key,
                        choice.value
                    );
                } else {
                    ensure!(
                        choice.requires.is_empty(),
                        "question `{}`: `requires` is for kind = \"multi\" choices",
                        q.key
                    );
                }
                for required in &choice.requires {
                    ensure!(
                        required != &choice.value && q.choices.iter().any(|c| &c.value == required),
                        "question `{}`: choice `{}` requires `{required}`, which is not another \
                         choice of the question",
                        q.key,
                        choice.value
                    );
                }
                ensure!(
                    choice.implies.is_empty() || q.kind == QuestionKind::Choice,
                    "question `{}`: `implies` is for kind = \"choice\" choices",
                    q.key
                );
                for implied in &choice.implies {
                    let target = implied.split_once('=').and_then(|(key, value)| {
                        let later = self.questions[index + 1..].iter().find(|t| t.key == key)?;
                        (later.kind == QuestionKind::Multi
                            && later.choices.iter().any(|c| c.value == value))
                        .then_some(())
                    });
                    ensure!(
                        target.is_some(),
                        "question `{}`: choice `{}` implies `{implied}`, which is not \
                         `question=value` naming a choice of a later multi question",
                        q.key,
                        choice.value
                    );
                }
                for api in &choice.provides {
                    ensure!(
                        crate::project::uses::Api::parse(api).is_some(),
                        "question `{}`: choice `{}` provides `{api}`, which is neither a path \
                         (`platform::fetch`) nor an identifier (`fetcher`)",
                        q.key,
                        choice.value
                    );
                }
            }
            if let (QuestionKind::Choice, Some(AnswerValue::Text(d))) = (q.kind, &q.default) {
                ensure!(
                    q.choices.iter().any(|c| &c.value == d),
                    "question `{}`: default `{d}` is not a choice",
                    q.key
                );
            }
            if let Some(default) = &q.default
                && q.kind == QuestionKind::Multi
            {
                super::answers::check_answer(q, default).map_err(|e| {
                    anyhow::anyhow!(
                        "question `{}`: default `{default}` is refused: {}",
                        q.key,
                        e.message
                    )
                })?;
            }
            if let Some(answer) = &q.upgrade_default {
                ensure!(
                    std::mem::discriminant(answer)
                        == std::mem::discriminant(q.default.as_ref().unwrap_or(answer)),
                    "question `{}`: `upgrade_default` must be of the same kind as `default`",
                    q.key
                );
                super::answers::check_answer(q, answer).map_err(|e| {
                    anyhow::anyhow!(
                        "question `{}`: upgrade_default `{answer}` is refused: {}",
                        q.key,
                        e.message
                    )
                })?;
            }
            if q.kind == QuestionKind::Multi {
                for value in q.files.keys() {
                    ensure!(
                        q.choices.iter().any(|c| &c.value == value),
                        "question `{}`: `files` names `{value}`, which is not a choice",
                        q.key
                    );
                }
            }
            ensure!(
                q.default.is_some() || q.default_from_directory,
                "question `{}` needs a default so `--yes` can answer it",
                q.key
            );
            for (value, paths) in &q.files {
                for path in paths {
                    ensure!(
                        files.contains(path),
                        "question `{}`, value `{value}`: no file `{path}`",
                        q.key
                    );
                }
            }
        }
        for (kind, layout) in &self.items {
            ensure!(
                files.contains(&layout.registry),
                "[items.{kind}]: no registry file `{}`",
                layout.registry
            );
        }
        self.check_mounts()?;
        self.ownership_matcher()?;
        super::moves::check_moves(&self.moves)?;
        super::moves::check_path_rules(&self.migrate.paths)?;
        Ok(())
    }

    /// Checks each `[[mount]]`'s folders (their contents are checked when the template is built).
    pub fn check_mounts(&self) -> anyhow::Result<()> {
        for mount in &self.mounts {
            ensure!(
                mount.from.starts_with('_') && !mount.from.contains(['/', '\\']),
                "[[mount]] from = \"{}\": mount a shared folder of templates/, one whose name \
                 starts with `_` (such as `_platform`)",
                mount.from
            );
            let plain = !mount.to.is_empty()
                && !mount.to.ends_with('/')
                && std::path::Path::new(&mount.to)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
                && !mount.to.contains('\\');
            ensure!(
                plain,
                "[[mount]] to = \"{}\": give a relative folder of the project, such as `platform`",
                mount.to
            );
        }
        Ok(())
    }

    /// The owner of a generated path, per `[ownership]`.
    pub fn owner_of(&self, path: &str) -> Owner {
        let (platform, team) = self
            .ownership_matcher()
            .expect("ownership globs are checked by `check`");
        if platform.is_match(path) {
            Owner::Platform
        } else if team.is_match(path) {
            Owner::Team
        } else {
            Owner::Shared
        }
    }

    fn ownership_matcher(&self) -> anyhow::Result<(GlobSet, GlobSet)> {
        let build = |globs: &[String]| -> anyhow::Result<GlobSet> {
            let mut set = GlobSetBuilder::new();
            for g in globs {
                set.add(Glob::new(g).with_context(|| format!("bad ownership glob `{g}`"))?);
            }
            Ok(set.build()?)
        };
        Ok((
            build(&self.ownership.platform)?,
            build(&self.ownership.team)?,
        ))
    }
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<_> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
name = "sample"
version = "1.2.3"
description = "A sample"

[ownership]
platform = ["src/platform/**"]
team = ["src/tools/example.rs"]

[[question]]
key = "auth"
prompt = "Authentication?"
help = "How clients authenticate"
kind = "choice"
default = "none"
choices = [{ value = "none", help = "no auth" }, { value = "jwt", help = "JWT" }]
files = { jwt = ["src/platform/jwt.rs"] }
"#;

    #[test]
    fn parses_and_checks_a_manifest() {
        let m = Manifest::parse(SAMPLE).unwrap();
        m.check(&["src/platform/jwt.rs".into()]).unwrap();
        assert_eq!(m.owner_of("src/platform/mod.rs"), Owner::Platform);
        assert_eq!(m.owner_of("src/tools/example.rs"), Owner::Team);
        assert_eq!(m.owner_of("Cargo.toml"), Owner::Shared);
    }

    #[test]
    fn rejects_unknown_keys_and_missing_files() {
        let err = Manifest::parse(&format!("{SAMPLE}\nsurprise = 1\n")).unwrap_err();
        assert!(format!("{err:#}").contains("surprise"), "{err:#}");
        let m = Manifest::parse(SAMPLE).unwrap();
        let err = m.check(&[]).unwrap_err();
        assert!(
            err.to_string().contains("no file `src/platform/jwt.rs`"),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_bad_version_and_a_default_outside_the_choices() {
        let m = Manifest::parse(&SAMPLE.replace("1.2.3", "1.2")).unwrap();
        assert!(m.check(&["src/platform/jwt.rs".into()]).is_err());
        let m =
            Manifest::parse(&SAMPLE.replace("default = \"none\"", "default = \"oidc\"")).unwrap();
        assert!(
            m.check(&["src/platform/jwt.rs".into()])
                .unwrap_err()
                .to_string()
                .contains("not a choice")
        );
    }

    const MULTI: &str = r#"
name = "sample"
version = "1.2.3"
description = "A sample"

[[question]]
key = "features"
prompt = "Subsystems?"
help = "Optional subsystems"
kind = "multi"
default = ["http"]
choices = [
  { value = "http", help = "HTTP" },
  { value = "jwt", help = "JWT", requires = ["http"], provides = ["platform::jwt", "claims"] },
]
files = { jwt = ["src/jwt.rs"] }
"#;

    fn multi_error(from: &str, to: &str) -> String {
        let m = Manifest::parse(&MULTI.replace(from, to)).unwrap();
        format!("{:#}", m.check(&["src/jwt.rs".into()]).unwrap_err())
    }

    #[test]
    fn checks_multi_questions() {
        let m = Manifest::parse(MULTI).unwrap();
        m.check(&["src/jwt.rs".into()]).unwrap();
        let jwt = &m.question("features").unwrap().choices[1];
        assert_eq!(jwt.requires, ["http"]);
        assert_eq!(jwt.provides, ["platform::jwt", "claims"]);
        for (from, to, message) in [
            (
                "default = [\"http\"]",
                "default = \"http\"",
                "needs a list default",
            ),
            (
                "default = [\"http\"]",
                "default = [\"jwt\"]",
                "`jwt` needs `http`",
            ),
            (
                "default = [\"http\"]",
                "default = [\"grpc\"]",
                "`grpc` is not a valid",
            ),
            (
                "requires = [\"http\"]",
                "requires = [\"jwt\"]",
                "requires `jwt`, which is not another choice",
            ),
            (
                "requires = [\"http\"]",
                "requires = [\"tls\"]",
                "requires `tls`",
            ),
            ("\"claims\"", "\"claims()\"", "provides `claims()`"),
            (
                "value = \"jwt\"",
                "value = \"j,w\"",
                "must not be empty or contain `,`",
            ),
            (
                "files = { jwt",
                "files = { jwtt",
                "`files` names `jwtt`, which is not a choice",
            ),
            ("{ value = \"jwt\"", "{ value = \"http\"", "listed twice"),
        ] {
            let err = multi_error(from, to);
            assert!(err.contains(message), "{to}: {err}");
        }
        let choice = MULTI.replace("kind = \"multi\"", "kind = \"choice\"");
        let m =
            Manifest::parse(&choice.replace("default = [\"http\"]", "default = \"http\"")).unwrap();
        let err = m.check(&["src/jwt.rs".into()]).unwrap_err().to_string();
        assert!(err.contains("`requires` is for kind = \"multi\""), "{err}");
    }

    #[test]
    fn checks_mount_folders() {
        let with = |mount: &str| {
            let m = Manifest::parse(&format!("{SAMPLE}\n[[mount]]\n{mount}\n")).unwrap();
            m.check(&["src/platform/jwt.rs".into()])
                .map_err(|e| e.to_string())
        };
        with("from = \"_platform\"\nto = \"platform\"").unwrap();
        with("from = \"_platform\"\nto = \"crates/platform\"").unwrap();
        for (mount, message) in [
            (
                "from = \"minimal\"\nto = \"p\"",
                "one whose name starts with `_`",
            ),
            (
                "from = \"_a/b\"\nto = \"p\"",
                "one whose name starts with `_`",
            ),
            ("from = \"_p\"\nto = \"../p\"", "relative folder"),
            ("from = \"_p\"\nto = \"/p\"", "relative folder"),
            ("from = \"_p\"\nto = \"\"", "relative folder"),
        ] {
            let err = with(mount).unwrap_err();
            assert!(err.contains(message), "{mount}: {err}");
        }
    }
}
