//! The moves an upgrade follows: every `[[moves]]` declared by the versions after the project's
//! and up to the target, composed in version order, so that a file moved by one version and moved
//! again (or split) by a later one lands at its final place in one step.
//!
//! This module only maps paths; deciding what to write at the new path is the engine's job.

use crate::error::CliError;
use crate::template::Template;
use crate::template::moves::{Destination, Move, check_moves_against, destination};

/// The moves of each version after the base, oldest first.
#[derive(Debug, Default)]
pub struct MoveChain<'a> {
    steps: Vec<(&'a str, &'a [Move])>,
}

impl<'a> MoveChain<'a> {
    /// The chain from `versions[0]` (the project's version) through each later version to the
    /// last (the target). Each version's moves are checked against the files of the one before:
    /// a move that names a file the previous version does not have is a defect of the template.
    pub fn new(versions: &[&'a Template]) -> anyhow::Result<Self> {
        let mut steps = Vec::new();
        for pair in versions.windows(2) {
            let (previous, next) = (pair[0], pair[1]);
            // Same version (`upgrade --set` without a new version): the moves are behind it.
            if next.manifest.moves.is_empty() || next.version() == previous.version() {
                continue;
            }
            let files: Vec<String> = previous.files().into_iter().map(|(path, _)| path).collect();
            check_moves_against(&next.manifest.moves, &files, previous.version()).map_err(|e| {
                CliError::failure(format!(
                    "template `{}` {} declares a move this upgrade cannot follow: {e:#}",
                    next.name(),
                    next.version()
                ))
                .with_help(
                    "this is a defect of the template, not of your project: report it to the \
                     template's authors; nothing was written",
                )
            })?;
            steps.push((
                next.manifest.version.as_str(),
                next.manifest.moves.as_slice(),
            ));
        }
        Ok(Self { steps })
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Where the target version has `path` of the base version: `None` when it did not move.
    pub fn follow(&self, path: &str) -> Option<Destination> {
        let mut current = vec![path.to_string()];
        let mut split = false;
        for (_, moves) in &self.steps {
            current = current
                .into_iter()
                .flat_map(|p| match destination(moves, &p) {
                    Some(Destination::Moved(to)) => vec![to],
                    Some(Destination::Split(files)) => {
                        split = true;
                        files
                    }
                    None => vec![p],
                })
                .collect();
        }
        if split {
            current.sort();
            current.dedup();
            return Some(Destination::Split(current));
        }
        match current.as_slice() {
            [only] if only == path => None,
            [only] => Some(Destination::Moved(only.clone())),
            _ => unreachable!("without a split each path has one destination"),
        }
    }

    /// The folders that folder moves empty, as named in the version they moved in.
    pub fn moved_folders(&self) -> Vec<&'a str> {
        self.steps
            .iter()
            .flat_map(|(_, moves)| moves.iter().filter(|m| m.is_dir()))
            .map(|m| m.from.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::path::{Path, PathBuf};

    use crate::project::{MANIFEST_FILE, ProjectManifest};
    use crate::template::{self, Source, Template};
    use crate::upgrade::engine::{Outcome, Request, UpgradePlan, plan};

    const OWNERSHIP: &str = "[ownership]\nplatform = [\"src/platform/**\", \"platform/**\"]\nteam = [\"src/tools/**\"]\n";

    /// A template `t` at `version` with `extra` in its manifest (moves, migrations).
    fn template(version: &str, extra: &str, files: &[(&str, &str)]) -> Template {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        template_bytes(version, extra, &files)
    }

    fn template_bytes(version: &str, extra: &str, files: &[(&str, &[u8])]) -> Template {
        let manifest = format!(
            "name = \"t\"\nversion = \"{version}\"\ndescription = \"test\"\n\n\
             [[question]]\nkey = \"name\"\nprompt = \"Name\"\nhelp = \"Name\"\nkind = \"string\"\n\
             default = \"demo\"\n\n{OWNERSHIP}\n{extra}"
        );
        let mut sources = vec![Source {
            path: "t/template.toml".into(),
            contents: Cow::Owned(manifest.into_bytes()),
        }];
        sources.extend(files.iter().map(|(path, bytes)| Source {
            path: format!("t/{path}"),
            contents: Cow::Owned(bytes.to_vec()),
        }));
        Template::from_sources("t", sources, Vec::new()).unwrap()
    }

    /// A project generated from `base` in a temporary directory.
    fn generate(base: &Template) -> (tempfile::TempDir, PathBuf) {
        let answers = template::resolve_answers(&base.manifest, &[], None, None).unwrap();
        let rendered = template::render(base, &answers).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        crate::edit::create_tree(&root, &rendered.files).unwrap();
        (tmp, root)
    }

    fn upgrade(
        root: &Path,
        base: &Template,
        between: &[Template],
        target: &Template,
    ) -> anyhow::Result<UpgradePlan> {
        let text = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        let manifest = ProjectManifest::parse(&text, Path::new(MANIFEST_FILE)).unwrap();
        plan(&Request {
            root,
            manifest: &manifest,
            manifest_text: &text,
            base,
            target,
            between,
            set: &[],
        })
    }

    /// (moved from, outcome, note) of the report line for `path`.
    fn report(plan: &UpgradePlan, path: &str) -> Option<(Option<String>, Outcome, Option<String>)> {
        plan.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| (f.moved_from.clone(), f.outcome.clone(), f.note.clone()))
    }

    fn read(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const AUTH: &str = "one\ntwo\nthree\nfour\n";
    const MOVE_AUTH: &str =
        "[[moves]]\nfrom = \"src/platform/auth.rs\"\nto = \"platform/src/auth.rs\"\n";

    fn moved_from(plan: &UpgradePlan, path: &str) -> Option<String> {
        report(plan, path).and_then(|r| r.0)
    }

    #[test]
    fn an_unchanged_platform_file_moves_and_its_record_follows() {
        let base = template(
            "1.0.0",
            "",
            &[
                ("src/platform/auth.rs", AUTH),
                ("src/main.rs", "fn main() {}\n"),
            ],
        );
        let target = template(
            "2.0.0",
            MOVE_AUTH,
            &[
                ("platform/src/auth.rs", AUTH),
                ("src/main.rs", "fn main() {}\n"),
            ],
        );
        let (_tmp, root) = generate(&base);
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "platform/src/auth.rs"),
            Some((Some("src/platform/auth.rs".into()), Outcome::Moved, None))
        );
        assert_eq!(
            report(&plan, "src/platform/auth.rs"),
            None,
            "one line per move"
        );
        plan.transaction.commit().unwrap();
        assert!(!root.join("src/platform/auth.rs").exists());
        assert_eq!(read(&root, "platform/src/auth.rs"), AUTH);
        let recorded = read(&root, MANIFEST_FILE);
        assert!(
            recorded.contains("\"platform/src/auth.rs\" = { owner = \"platform\""),
            "{recorded}"
        );
        assert!(!recorded.contains("src/platform/auth.rs"), "{recorded}");
    }

    #[test]
    fn an_edited_platform_file_travels_with_its_edits_merged() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let target = template(
            "2.0.0",
            MOVE_AUTH,
            &[("platform/src/auth.rs", "one\ntwo\nthree\nFOUR (new)\n")],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one (team)\ntwo\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        let (from, outcome, _) = report(&plan, "platform/src/auth.rs").unwrap();
        assert_eq!(
            (from.as_deref(), outcome),
            (Some("src/platform/auth.rs"), Outcome::Merged)
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "platform/src/auth.rs"),
            "one (team)\ntwo\nthree\nFOUR (new)\n"
        );
        assert!(!root.join("src/platform/auth.rs").exists());

        // Only the team changed it: its version moves as it is.
        let target = template("2.0.0", MOVE_AUTH, &[("platform/src/auth.rs", AUTH)]);
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one (team)\ntwo\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "platform/src/auth.rs").unwrap().1,
            Outcome::Kept
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "platform/src/auth.rs"),
            "one (team)\ntwo\nthree\nfour\n"
        );
    }

    #[test]
    fn edits_to_lines_the_template_changed_become_a_listed_conflict_at_the_new_path() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let target = template(
            "2.0.0",
            MOVE_AUTH,
            &[("platform/src/auth.rs", "one\nTWO (new)\nthree\nfour\n")],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one\ntwo (team)\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(plan.conflicts().len(), 1);
        assert_eq!(plan.conflicts()[0].path, "platform/src/auth.rs");
        assert_eq!(
            moved_from(&plan, "platform/src/auth.rs").as_deref(),
            Some("src/platform/auth.rs")
        );
        plan.transaction.commit().unwrap();
        let merged = read(&root, "platform/src/auth.rs");
        assert!(merged.contains("<<<<<<< yours\ntwo (team)\n"), "{merged}");
        assert!(merged.contains("TWO (new)\n>>>>>>> t 2.0.0"), "{merged}");
        assert!(!root.join("src/platform/auth.rs").exists());
    }

    #[test]
    fn a_file_the_team_deleted_stays_deleted() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let target = template("2.0.0", MOVE_AUTH, &[("platform/src/auth.rs", AUTH)]);
        let (_tmp, root) = generate(&base);
        std::fs::remove_file(root.join("src/platform/auth.rs")).unwrap();
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        let (_, outcome, note) = report(&plan, "src/platform/auth.rs").unwrap();
        assert_eq!(outcome, Outcome::StaysDeleted);
        assert!(note.unwrap().contains("moved it to platform/src/auth.rs"));
        plan.transaction.commit().unwrap();
        assert!(!root.join("platform/src/auth.rs").exists());
    }

    #[test]
    fn a_team_file_at_the_destination_is_a_conflict_not_an_overwrite() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let target = template("2.0.0", MOVE_AUTH, &[("platform/src/auth.rs", AUTH)]);
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one\ntwo (team)\nthree\nfour\n",
        );
        write(&root, "platform/src/auth.rs", "the team's own auth\n");
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "src/platform/auth.rs").unwrap().1,
            Outcome::Kept
        );
        assert_eq!(
            report(&plan, "platform/src/auth.rs").unwrap().1,
            Outcome::Conflicted(1)
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "src/platform/auth.rs"),
            "one\ntwo (team)\nthree\nfour\n"
        );
        let at_new = read(&root, "platform/src/auth.rs");
        assert!(
            at_new.contains("<<<<<<< yours\nthe team's own auth\n"),
            "{at_new}"
        );
        assert!(at_new.contains(AUTH), "{at_new}");

        // The team moved it by hand already: merged where it is.
        let (_tmp, root) = generate(&base);
        std::fs::remove_file(root.join("src/platform/auth.rs")).unwrap();
        write(
            &root,
            "platform/src/auth.rs",
            "one\ntwo\nthree\nfour\nfive (team)\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "platform/src/auth.rs").unwrap().1,
            Outcome::Kept
        );
    }

    #[test]
    fn a_folder_moves_with_the_team_files_in_it() {
        let base = template(
            "1.0.0",
            "",
            &[
                ("src/platform/mod.rs", "//! Platform.\npub mod auth;\n"),
                ("src/platform/auth.rs", AUTH),
                ("src/platform/http.rs", "http\n"),
                ("src/main.rs", "mod platform;\n"),
            ],
        );
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/platform/\"\nto = \"platform/src/\"\n\n\
             [[moves]]\nfrom = \"src/platform/mod.rs\"\nto = \"platform/src/lib.rs\"\n",
            &[
                (
                    "platform/src/lib.rs",
                    "//! Platform.\npub mod auth;\npub mod http;\n",
                ),
                ("platform/src/auth.rs", AUTH),
                ("src/main.rs", "fn main() {}\n"),
            ],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/mod.rs",
            "//! Platform.\npub mod extra;\npub mod auth;\n",
        );
        write(&root, "src/platform/extra.rs", "// the team's\n");
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "platform/src/lib.rs"),
            Some((Some("src/platform/mod.rs".into()), Outcome::Merged, None))
        );
        assert_eq!(
            report(&plan, "platform/src/auth.rs").unwrap().1,
            Outcome::Moved
        );
        let (from, outcome, note) = report(&plan, "platform/src/extra.rs").unwrap();
        assert_eq!(
            (from.as_deref(), outcome),
            (Some("src/platform/extra.rs"), Outcome::Moved)
        );
        assert!(note.unwrap().contains("moved with its folder"));
        assert_eq!(
            report(&plan, "src/platform/http.rs").unwrap().2.as_deref(),
            Some("the template moved it to platform/src/http.rs, then dropped it"),
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "platform/src/lib.rs"),
            "//! Platform.\npub mod extra;\npub mod auth;\npub mod http;\n"
        );
        assert_eq!(read(&root, "platform/src/extra.rs"), "// the team's\n");
        assert!(
            !root.join("src/platform").exists()
                || std::fs::read_dir(root.join("src/platform"))
                    .unwrap()
                    .next()
                    .is_none()
        );
    }

    #[test]
    fn moves_compose_across_versions() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let middle = template("1.1.0", MOVE_AUTH, &[("platform/src/auth.rs", AUTH)]);
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"platform/src/\"\nto = \"crates/platform/src/\"\n",
            &[(
                "crates/platform/src/auth.rs",
                "one\ntwo\nthree\nfour (2.0)\n",
            )],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one (team)\ntwo\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, std::slice::from_ref(&middle), &target).unwrap();
        assert_eq!(
            report(&plan, "crates/platform/src/auth.rs"),
            Some((Some("src/platform/auth.rs".into()), Outcome::Merged, None))
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "crates/platform/src/auth.rs"),
            "one (team)\ntwo\nthree\nfour (2.0)\n"
        );
        assert!(!root.join("src/platform/auth.rs").exists());

        // Without the middle version, 2.0.0's move names a folder 1.0.0 does not have: refused
        // before anything is planned.
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/platform/auth.rs",
            "one (team)\ntwo\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, &[], &target);
        assert!(
            plan.is_err(),
            "2.0.0's move names a folder 1.0.0 does not have"
        );
    }

    #[test]
    fn a_split_file_is_removed_if_untouched_and_kept_with_directions_if_edited() {
        let base = template("1.0.0", "", &[("src/platform/config.rs", AUTH)]);
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/platform/config.rs\"\nsplit = [\"platform/src/config/mod.rs\", \"platform/src/config/http.rs\"]\n",
            &[
                ("platform/src/config/mod.rs", "one\ntwo\n"),
                ("platform/src/config/http.rs", "three\nfour\n"),
            ],
        );
        let (_tmp, root) = generate(&base);
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        let (_, outcome, note) = report(&plan, "src/platform/config.rs").unwrap();
        assert_eq!(outcome, Outcome::Removed);
        assert_eq!(
            note.as_deref(),
            Some(
                "the template split it into platform/src/config/http.rs, platform/src/config/mod.rs"
            )
        );

        write(
            &root,
            "src/platform/config.rs",
            "one\ntwo (team)\nthree\nfour\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        let (_, outcome, note) = report(&plan, "src/platform/config.rs").unwrap();
        assert_eq!(outcome, Outcome::KeptRemoved);
        assert!(
            note.unwrap().ends_with(
                "you changed it, so it stays here: carry your edits over, then delete it"
            )
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "src/platform/config.rs"),
            "one\ntwo (team)\nthree\nfour\n"
        );
        assert_eq!(read(&root, "platform/src/config/http.rs"), "three\nfour\n");
    }

    #[test]
    fn a_move_from_a_file_the_previous_version_lacks_is_a_template_error() {
        let base = template("1.0.0", "", &[("src/platform/auth.rs", AUTH)]);
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/platform/nope.rs\"\nto = \"platform/src/nope.rs\"\n",
            &[("platform/src/nope.rs", AUTH)],
        );
        let (_tmp, root) = generate(&base);
        let err = upgrade(&root, &base, &[], &target).err().unwrap();
        let message = format!("{err:#}");
        assert!(
            message.contains("template `t` 2.0.0 declares a move this upgrade cannot follow")
                && message.contains("version 1.0.0 has no file `src/platform/nope.rs`"),
            "{message}"
        );
    }

    #[test]
    fn team_files_follow_declared_path_migrations_after_the_merge() {
        let tool = "use crate::platform::errors::ToolError;\n\npub fn run() -> Result<(), ToolError> {\n    crate::platform::errors::guard()\n}\n";
        let base = template(
            "1.0.0",
            "",
            &[
                ("src/platform/errors.rs", "pub fn guard() {}\n"),
                ("src/tools/run.rs", tool),
            ],
        );
        let target = template(
            "2.0.0",
            &format!(
                "{}\n[[migrate.paths]]\nfrom = \"crate::platform\"\nto = \"platform\"\n\n\
                 [[migrate.paths]]\nfrom = \"crate::platform::errors::ToolError\"\nto = \"platform::ToolError\"\n",
                "[[moves]]\nfrom = \"src/platform/errors.rs\"\nto = \"platform/src/errors.rs\"\n"
            ),
            &[
                ("platform/src/errors.rs", "pub fn guard() {}\n"),
                ("src/tools/run.rs", tool),
            ],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/tools/mine.rs",
            "fn f() -> crate::platform::errors::ToolError { todo!() }\n",
        );
        write(
            &root,
            "src/tools/broken.rs",
            "use crate::platform::errors::ToolError;\nfn (\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        let migration = &plan.migrations[0];
        assert_eq!(migration.version, "2.0.0");
        assert_eq!(migration.edited, ["src/tools/mine.rs", "src/tools/run.rs"]);
        assert_eq!(migration.skipped.len(), 1);
        assert_eq!(migration.skipped[0].0, "src/tools/broken.rs");
        assert!(
            migration.skipped[0].1.contains("does not parse"),
            "{:?}",
            migration.skipped
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "src/tools/run.rs"),
            "use platform::ToolError;\n\npub fn run() -> Result<(), ToolError> {\n    platform::errors::guard()\n}\n"
        );
        assert_eq!(
            read(&root, "src/tools/mine.rs"),
            "fn f() -> platform::ToolError { todo!() }\n"
        );
        assert_eq!(
            read(&root, "src/tools/broken.rs"),
            "use crate::platform::errors::ToolError;\nfn (\n"
        );
    }

    #[test]
    fn files_that_swap_places_both_arrive() {
        let base = template(
            "1.0.0",
            "",
            &[("src/a.rs", "alpha\n"), ("src/b.rs", "beta\n")],
        );
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/a.rs\"\nto = \"src/b.rs\"\n\n[[moves]]\nfrom = \"src/b.rs\"\nto = \"src/a.rs\"\n",
            &[("src/a.rs", "beta\n"), ("src/b.rs", "alpha\n")],
        );
        let (_tmp, root) = generate(&base);
        write(&root, "src/a.rs", "alpha (team)\n");
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        plan.transaction.commit().unwrap();
        assert_eq!(read(&root, "src/b.rs"), "alpha (team)\n");
        assert_eq!(read(&root, "src/a.rs"), "beta\n");
    }

    #[test]
    fn team_files_move_as_they_are_and_their_added_records_follow() {
        let base = template(
            "1.0.0",
            "",
            &[
                ("src/tools/mod.rs", "pub mod greet;\n"),
                ("src/tools/greet.rs", "hi\n"),
            ],
        );
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/tools/\"\nto = \"app/src/tools/\"\n",
            &[
                ("app/src/tools/mod.rs", "pub mod greet;\n"),
                ("app/src/tools/greet.rs", "hello (2.0)\n"),
            ],
        );
        let (_tmp, root) = generate(&base);
        write(&root, "src/tools/greet.rs", "hi (team)\n");
        write(&root, "src/tools/forecast.rs", "forecast\n");
        let text = read(&root, MANIFEST_FILE);
        let text = crate::project::record_added(&text, "src/tools/forecast.rs", "tool", "forecast")
            .unwrap();
        std::fs::write(root.join(MANIFEST_FILE), text).unwrap();
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "app/src/tools/greet.rs").unwrap().1,
            Outcome::Moved
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "app/src/tools/greet.rs"),
            "hi (team)\n",
            "team-owned: never merged"
        );
        assert_eq!(read(&root, "app/src/tools/forecast.rs"), "forecast\n");
        let recorded = read(&root, MANIFEST_FILE);
        assert!(
            recorded.contains("\"app/src/tools/forecast.rs\" = { kind = \"tool\""),
            "{recorded}"
        );
        assert!(
            !recorded.contains("\"src/tools/forecast.rs\""),
            "{recorded}"
        );
    }

    #[test]
    fn a_binary_file_both_sides_changed_is_kept_beside_the_new_one() {
        let base = template_bytes("1.0.0", "", &[("logo.bin", b"\xff\x00one")]);
        let target = template_bytes(
            "2.0.0",
            "[[moves]]\nfrom = \"logo.bin\"\nto = \"assets/logo.bin\"\n",
            &[("assets/logo.bin", b"\xff\x00two")],
        );
        let (_tmp, root) = generate(&base);
        std::fs::write(root.join("logo.bin"), b"\xff\x00mine").unwrap();
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(report(&plan, "logo.bin").unwrap().1, Outcome::NotMerged);
        plan.transaction.commit().unwrap();
        assert_eq!(
            std::fs::read(root.join("logo.bin")).unwrap(),
            b"\xff\x00mine"
        );
        assert_eq!(
            std::fs::read(root.join("assets/logo.bin")).unwrap(),
            b"\xff\x00two"
        );
    }

    #[test]
    fn changing_answers_at_a_version_with_moves_moves_nothing() {
        let target = template("2.0.0", MOVE_AUTH, &[("platform/src/auth.rs", AUTH)]);
        let (_tmp, root) = generate(&target);
        write(
            &root,
            "platform/src/auth.rs",
            "one (team)\ntwo\nthree\nfour\n",
        );
        let plan = upgrade(&root, &target, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "platform/src/auth.rs"),
            Some((None, Outcome::Kept, None))
        );
    }

    #[test]
    fn a_moved_registry_gets_the_structured_merge() {
        let registry = |mods: &[&str]| {
            let mut text = String::from("use x::Router;\n\n");
            for m in mods {
                text += &format!("mod {m};\n");
            }
            text += "\npub fn router() -> Router {\n    let mut router = Router::new();\n";
            for m in mods {
                text += &format!("    router += {m}::router();\n");
            }
            text + "    router\n}\n"
        };
        let items = "[items.tool]\ndir = \"app/items\"\nregistry = \"app/items/mod.rs\"\n";
        let base = template(
            "1.0.0",
            &items.replace("app/", "src/"),
            &[("src/items/mod.rs", &registry(&["alpha", "gamma"]))],
        );
        let target = template(
            "2.0.0",
            &format!(
                "{items}\n[[moves]]\nfrom = \"src/items/mod.rs\"\nto = \"app/items/mod.rs\"\n"
            ),
            &[("app/items/mod.rs", &registry(&["alpha", "beta", "gamma"]))],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/items/mod.rs",
            &registry(&["alpha", "forecast", "gamma"]),
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(
            report(&plan, "app/items/mod.rs").unwrap().1,
            Outcome::Merged
        );
        plan.transaction.commit().unwrap();
        let merged = read(&root, "app/items/mod.rs");
        for item in ["alpha", "beta", "forecast", "gamma"] {
            assert!(merged.contains(&format!("mod {item};\n")), "{merged}");
            assert!(
                merged.contains(&format!("router += {item}::router();")),
                "{merged}"
            );
        }
    }

    #[test]
    fn a_team_file_that_moved_is_migrated_at_its_new_path() {
        let base = template("1.0.0", "", &[("src/tools/mod.rs", "pub mod greet;\n")]);
        let target = template(
            "2.0.0",
            "[[moves]]\nfrom = \"src/tools/\"\nto = \"app/tools/\"\n\n\
             [[migrate.paths]]\nfrom = \"crate::platform\"\nto = \"platform\"\n",
            &[("app/tools/mod.rs", "pub mod greet;\n")],
        );
        let (_tmp, root) = generate(&base);
        write(
            &root,
            "src/tools/mine.rs",
            "use crate::platform::errors::ToolError;\n",
        );
        let plan = upgrade(&root, &base, &[], &target).unwrap();
        assert_eq!(plan.migrations[0].edited, ["app/tools/mine.rs"]);
        assert_eq!(
            moved_from(&plan, "app/tools/mine.rs").as_deref(),
            Some("src/tools/mine.rs")
        );
        plan.transaction.commit().unwrap();
        assert_eq!(
            read(&root, "app/tools/mine.rs"),
            "use platform::errors::ToolError;\n"
        );
        assert!(!root.join("src/tools/mine.rs").exists());
    }

    /// Random team edits × random template edits to a moved file: every line the team wrote is
    /// at the new path afterwards (merged or inside a conflict block), and the old path is gone.
    #[test]
    fn property_a_moved_file_keeps_every_team_line() {
        let mut rng = fastrand::Rng::with_seed(0x6d6f_7665);
        for round in 0..40 {
            let n = rng.usize(1..15);
            let base: String = (0..n).map(|i| format!("base {i}\n")).collect();
            let mut edit = |side: &str| -> String {
                let mut out = String::new();
                for i in 0..n {
                    match rng.u8(0..8) {
                        0 => out += &format!("{side} {round} replaced {i}\n"),
                        1 => {}
                        2 => out += &format!("{side} {round} before {i}\nbase {i}\n"),
                        _ => out += &format!("base {i}\n"),
                    }
                }
                out
            };
            let (ours, theirs) = (edit("team"), edit("template"));
            let old = template("1.0.0", "", &[("src/platform/f.rs", &base)]);
            let new = template(
                "2.0.0",
                "[[moves]]\nfrom = \"src/platform/f.rs\"\nto = \"platform/src/f.rs\"\n",
                &[("platform/src/f.rs", &theirs)],
            );
            let (_tmp, root) = generate(&old);
            write(&root, "src/platform/f.rs", &ours);
            let plan = upgrade(&root, &old, &[], &new).unwrap();
            plan.transaction.commit().unwrap();
            assert!(!root.join("src/platform/f.rs").exists(), "round {round}");
            let moved = read(&root, "platform/src/f.rs");
            for line in ours.lines().filter(|l| l.starts_with("team")) {
                assert!(
                    moved.contains(line),
                    "round {round}: {line:?} lost\n{moved}"
                );
            }
        }
    }
}
