//! `mcpforge upgrade`: a project generated at the previous released version of `minimal`, with
//! every kind of team edit, upgraded to the current version; conflicts, `--dry-run`, `--check`,
//! `--allow-dirty`, `--set`, and interrupted or failed writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::prelude::*;
use mcpforge::project::{MANIFEST_FILE, ProjectManifest};
use mcpforge::template;
use predicates::prelude::*;
use predicates::str::contains;

use crate::support::{assert_refused_in, mcpforge, snapshot_tree};

/// The released version the tests upgrade from.
const OLD: &str = "0.1.0";

/// The version `minimal` is at in this mcpforge: where every upgrade here ends.
fn current_version() -> String {
    template::find("minimal").unwrap().version().to_string()
}

fn generate(dir: &Path, name: &str, version: Option<&str>) -> PathBuf {
    let mut cmd = mcpforge(dir);
    cmd.args(["new", name, "--template", "minimal", "--yes"]);
    if let Some(version) = version {
        cmd.args(["--template-version", version]);
    }
    cmd.assert().success();
    dir.join(name)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = read(root, rel);
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(root.join(rel), text.replacen(from, to, 1)).unwrap();
}

fn manifest(root: &Path) -> ProjectManifest {
    let path = root.join(MANIFEST_FILE);
    ProjectManifest::parse(&read(root, MANIFEST_FILE), &path).unwrap()
}

/// The current template rendered with a project's recorded answers.
fn fresh_render(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let tpl = template::find("minimal").unwrap();
    let given: Vec<(String, String)> = manifest(root)
        .answers
        .0
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    let answers = template::resolve_answers(&tpl.manifest, &given, None, None).unwrap();
    template::render(tpl, &answers).unwrap().files
}

fn git(dir: &Path, args: &[&str]) {
    let status = StdCommand::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn commit_all(dir: &Path) {
    if !dir.join(".git").exists() {
        git(dir, &["init", "--quiet"]);
    }
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "--allow-empty", "-m", "state"]);
}

/// Edits a team would make at 0.1.0: a platform file and the README changed on lines the
/// template leaves alone, a team tool changed, a shared file deleted, a tool added with
/// `mcpforge add` and a hand-written helper, both calling the API that 0.2.0 renames.
fn apply_team_edits(root: &Path) {
    edit(
        root,
        "src/platform/errors.rs",
        "use std::future::Future;",
        "// Team note: reviewed by security in March.\nuse std::future::Future;",
    );
    edit(
        root,
        "README.md",
        "## Settings\n",
        "## Settings\n\nOn-call: #weather-team. Secrets come from Vault.\n",
    );
    edit(
        root,
        "src/tools/greet.rs",
        "let end = if params.excited { '!' } else { '.' };",
        "let end = if params.excited { '!' } else { '~' };",
    );
    std::fs::remove_file(root.join(".env.example")).unwrap();
    mcpforge(root)
        .args([
            "add",
            "tool",
            "forecast",
            "--description",
            "Forecast for a city",
            "--param",
            "city:string",
        ])
        .assert()
        .success();
    edit(
        root,
        "src/tools/forecast.rs",
        "let received",
        "if params.city.is_empty() {\n            return Err(ToolError::invalid(\"`city` is empty\"));\n        }\n        let received",
    );
    std::fs::write(
        root.join("src/checks.rs"),
        "use crate::platform::errors::ToolError;\n\n\
         pub fn require(ok: bool) -> Result<(), ToolError> {\n    \
             if ok { Ok(()) } else { Err(ToolError::invalid(\"not ok\")) }\n}\n",
    )
    .unwrap();
}

#[test]
fn an_old_project_upgrades_and_every_team_edit_survives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", Some(OLD));
    assert_eq!(manifest(&root).template_version, OLD);
    assert!(read(&root, "src/platform/errors.rs").contains("pub fn invalid("));
    apply_team_edits(&root);
    let lint_section = "\n[lint]\nignore = [\"MCP511\"]\n";
    let text = read(&root, MANIFEST_FILE);
    std::fs::write(root.join(MANIFEST_FILE), format!("{text}{lint_section}")).unwrap();

    let output = mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "upgrade_summary_0_1_0",
        String::from_utf8_lossy(&output.stderr)
    );
    output
        .assert()
        .success()
        .stderr(contains(format!("minimal 0.1.0 → {}", current_version())))
        .stderr(contains(
            "moved     src/platform/errors.rs -> platform/src/errors.rs (merged)",
        ))
        .stderr(contains("merged    README.md"))
        .stderr(contains("created   platform/tests/stdio.rs"))
        .stderr(contains("deleted   .env.example"))
        .stderr(contains("ToolError::invalid_input"))
        .stderr(contains("What changed in the template"));

    let current = template::find("minimal").unwrap().version().to_string();
    let upgraded = manifest(&root);
    assert_eq!(upgraded.template_version, current);
    let manifest_text = read(&root, MANIFEST_FILE);
    assert!(
        manifest_text.contains(lint_section),
        "the team's [lint] section is kept"
    );
    assert!(manifest_text.contains("[added]") && manifest_text.contains("src/tools/forecast.rs"));

    // Team edits survive, merged with the template's changes (the platform file moved with them
    // into the platform crate).
    let errors = read(&root, "platform/src/errors.rs");
    assert!(errors.contains("// Team note: reviewed by security in March."));
    assert!(errors.contains("pub fn invalid_input("));
    let readme = read(&root, "README.md");
    assert!(readme.contains("On-call: #weather-team."));
    assert!(readme.contains("## Upgrading"));
    assert!(
        !root.join(".env.example").exists(),
        "a deleted file stays deleted"
    );
    // The migration renamed the API in team files, added items and hand-written modules.
    for rel in [
        "src/tools/greet.rs",
        "src/tools/forecast.rs",
        "src/checks.rs",
    ] {
        let text = read(&root, rel);
        assert!(text.contains("ToolError::invalid_input("), "{rel}: {text}");
        assert!(!text.contains("ToolError::invalid("), "{rel}");
    }
    assert!(read(&root, "src/tools/greet.rs").contains("else { '~' }"));
    assert!(!read(&root, "src/tools/greet.rs").contains("<<<<<<<"));

    // Files the team never touched are exactly the new render.
    let fresh = fresh_render(&root);
    for rel in [
        "src/main.rs",
        "Cargo.toml",
        "platform/tests/stdio.rs",
        "platform/src/config.rs",
        "src/settings.rs",
    ] {
        assert_eq!(
            std::fs::read(root.join(rel)).unwrap(),
            fresh[rel],
            "{rel} differs from a fresh render"
        );
    }

    // Nothing left to do; `--check` still sees the team's edit to a platform file.
    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success()
        .stderr(contains("Up to date"));
    mcpforge(&root)
        .args(["upgrade", "--check"])
        .assert()
        .code(1)
        .stdout(contains("platform file platform/src/errors.rs differs"));
}

#[test]
fn overlapping_edits_become_conflict_blocks_listed_at_the_end() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", Some(OLD));
    edit(
        &root,
        "src/platform/errors.rs",
        "    /// A failure the model can fix by changing its request.",
        "    /// A failure the caller can fix (team wording).",
    );
    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .code(1)
        .stderr(contains(
            "moved     src/platform/errors.rs -> platform/src/errors.rs (1 conflict block(s))",
        ))
        .stderr(contains("1 conflict block(s) in 1 file(s)"))
        .stderr(contains("grep -n -e '^<<<<<<< '"))
        .stderr(contains("platform/src/errors.rs"));
    let text = read(&root, "platform/src/errors.rs");
    let start = text.find("<<<<<<< yours").expect("a conflict block");
    let end = text
        .find(&format!(">>>>>>> minimal {}", current_version()))
        .expect("the block ends");
    let block = &text[start..end];
    assert!(
        block.contains("(team wording)"),
        "the team's line is in the block"
    );
    assert!(
        block.contains("pub fn invalid_input("),
        "the template's line is in the block"
    );
    assert_eq!(manifest(&root).template_version, current_version());
}

#[test]
fn dry_run_shows_the_plan_and_diff_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", Some(OLD));
    apply_team_edits(&root);
    let before = snapshot_tree(&root);
    mcpforge(&root)
        .args(["upgrade", "--dry-run"])
        .assert()
        .success()
        .stderr(contains("Would upgrade"))
        .stderr(contains("dry run: nothing was written"))
        .stdout(contains("+++ b/platform/src/errors.rs"))
        .stdout(contains("--- /dev/null\n+++ b/platform/tests/stdio.rs"))
        .stdout(contains(
            "+            return Err(ToolError::invalid_input(\"`city` is empty\"));",
        ));
    assert_eq!(snapshot_tree(&root), before);
}

#[test]
fn check_fails_when_behind_or_drifted_and_passes_when_current() {
    let tmp = tempfile::tempdir().unwrap();
    let current = generate(tmp.path(), "current", None);
    mcpforge(&current)
        .args(["upgrade", "--check"])
        .assert()
        .success()
        .stderr(contains("Checked"));

    let old = generate(tmp.path(), "old", Some(OLD));
    mcpforge(&old)
        .args(["upgrade", "--check"])
        .assert()
        .code(1)
        .stdout(contains("at template minimal 0.1.0"))
        .stderr(contains("upgrade check failed (1 problem(s))"));

    edit(
        &current,
        "platform/src/logging/mod.rs",
        "//!",
        "//! (edited)\n//!",
    );
    std::fs::remove_file(current.join("platform/src/shutdown.rs")).unwrap();
    mcpforge(&current)
        .args(["upgrade", "--check"])
        .assert()
        .code(1)
        .stdout(contains(
            "platform file platform/src/logging/mod.rs differs",
        ))
        .stdout(contains(
            "platform file platform/src/shutdown.rs was deleted",
        ));
}

/// minimal 0.4.0 split the platform's `logging.rs` by concern: an untouched one is replaced by
/// the module, an edited one stays, listed with where its content went (never dropped).
#[test]
fn a_split_platform_file_is_replaced_when_untouched_and_kept_when_edited() {
    let tmp = tempfile::tempdir().unwrap();
    let split_note = "the template split it into platform/src/logging/access.rs, \
                      platform/src/logging/format.rs, platform/src/logging/mod.rs, \
                      platform/src/logging/stderr.rs";

    let untouched = generate(tmp.path(), "untouched", Some("0.3.0"));
    commit_all(&untouched);
    let out = mcpforge(&untouched).arg("upgrade").assert().success();
    let summary = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        summary.contains(&format!("removed   platform/src/logging.rs ({split_note})")),
        "{summary}"
    );
    assert!(!untouched.join("platform/src/logging.rs").exists());
    for part in ["mod", "access", "format", "stderr"] {
        let rel = format!("platform/src/logging/{part}.rs");
        assert_eq!(
            read(&untouched, &rel).as_bytes(),
            fresh_render(&untouched)[&rel]
        );
    }

    let edited = generate(tmp.path(), "edited", Some("0.3.0"));
    edit(
        &edited,
        "platform/src/logging.rs",
        "pub const MAX_FIELD_BYTES: usize = 256;",
        "pub const MAX_FIELD_BYTES: usize = 1024; // our log pipeline takes longer fields",
    );
    commit_all(&edited);
    let out = mcpforge(&edited).arg("upgrade").assert().success();
    let summary = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        summary.contains(&format!(
            "kept      platform/src/logging.rs ({split_note}; you changed it, so it stays \
             here: carry your edits over, then delete it)"
        )),
        "{summary}"
    );
    assert!(read(&edited, "platform/src/logging.rs").contains("our log pipeline"));
    assert!(edited.join("platform/src/logging/mod.rs").exists());
}

#[test]
fn a_dirty_or_unversioned_tree_is_refused_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", Some(OLD));
    assert_refused_in(&root, &root, &["upgrade"], 1, "not in a git working tree");

    commit_all(&root);
    edit(&root, "README.md", "## Settings", "## Settings (edited)");
    assert_refused_in(
        &root,
        &root,
        &["upgrade"],
        1,
        "uncommitted changes (README.md)",
    );
    std::fs::write(root.join("notes.txt"), "untracked").unwrap();
    assert_refused_in(&root, &root, &["upgrade"], 1, "notes.txt");

    commit_all(&root);
    mcpforge(&root).arg("upgrade").assert().success();
    assert_eq!(manifest(&root).template_version, current_version());

    let dirty = generate(tmp.path(), "dirty", Some(OLD));
    mcpforge(&dirty)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success();
}

#[test]
fn an_interrupted_upgrade_leaves_each_file_old_or_new_and_can_be_run_again() {
    let tmp = tempfile::tempdir().unwrap();
    // The same project twice: one upgraded in one go, one interrupted.
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let done = generate(&a, "weather", Some(OLD));
    let cut = generate(&b, "weather", Some(OLD));
    for root in [&done, &cut] {
        apply_team_edits(root);
    }
    let old = snapshot_tree(&cut);
    mcpforge(&done)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success();
    let new = snapshot_tree(&done);

    // Abort (as a crash would) after the second file is written.
    let output = mcpforge(&cut)
        .args(["upgrade", "--allow-dirty"])
        .env("MCPFORGE_FAULT_ABORT_AFTER_WRITES", "2")
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "the fault hook aborts the process"
    );
    let interrupted = snapshot_tree(&cut);
    let mut changed = 0;
    for (path, bytes) in &interrupted {
        let was = old.get(path);
        let will_be = new.get(path);
        assert!(
            was == Some(bytes) || will_be == Some(bytes),
            "{} is neither its old nor its new contents",
            path.display()
        );
        changed += usize::from(was != Some(bytes));
    }
    assert_eq!(
        changed, 2,
        "exactly the files written before the abort changed"
    );
    assert_eq!(
        interrupted[Path::new(MANIFEST_FILE)],
        old[Path::new(MANIFEST_FILE)],
        ".mcpforge.toml is written last"
    );

    // Running it again finishes the job.
    mcpforge(&cut)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success();
    assert_eq!(snapshot_tree(&cut), new);
}

#[test]
fn a_failed_write_leaves_the_project_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", Some(OLD));
    // A file where the new template needs a directory (`platform/tests/stdio.rs`).
    std::fs::create_dir(root.join("platform")).unwrap();
    std::fs::write(root.join("platform/tests"), "not a directory").unwrap();
    assert_refused_in(
        &root,
        &root,
        &["upgrade", "--allow-dirty"],
        1,
        "earlier changes were undone",
    );
}

#[test]
fn set_changes_an_answer_and_re_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let root = generate(tmp.path(), "weather", None);
    mcpforge(&root)
        .args([
            "upgrade",
            "--allow-dirty",
            "--set",
            "description=Forecasts for agents",
        ])
        .assert()
        .success()
        .stderr(contains("answer    description"));
    assert!(read(&root, "Cargo.toml").contains("description = \"Forecasts for agents\""));
    assert_eq!(
        manifest(&root).answers.text("description"),
        Some("Forecasts for agents")
    );
    assert_eq!(
        std::fs::read(root.join("README.md")).unwrap(),
        fresh_render(&root)["README.md"]
    );

    assert_refused_in(
        &root,
        &root,
        &["upgrade", "--allow-dirty", "--set", "colour=blue"],
        2,
        "has no question `colour`",
    );
    assert_refused_in(
        &root,
        &root,
        &[
            "upgrade",
            "--allow-dirty",
            "--set",
            "description=two\nlines",
        ],
        2,
        "description",
    );
    mcpforge(&root)
        .args(["upgrade", "--set", "novalue"])
        .assert()
        .code(2)
        .stderr(contains("expected KEY=VALUE"));
}

#[test]
fn unknown_template_versions_are_refused_with_the_known_ones() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args([
            "new",
            "x",
            "--template",
            "minimal",
            "--template-version",
            "9.9.9",
            "--yes",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "does not know version 9.9.9 of template `minimal`",
        ))
        .stderr(contains("0.1.0"));
    assert!(!tmp.path().join("x").exists());
    let root = generate(tmp.path(), "weather", None);
    edit(
        &root,
        MANIFEST_FILE,
        &format!("version = \"{}\"", current_version()),
        "version = \"0.0.7\"",
    );
    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .code(1)
        .stderr(contains("does not know version 0.0.7"));
    edit(
        &root,
        MANIFEST_FILE,
        "version = \"0.0.7\"",
        "version = \"7.0.0\"",
    );
    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .code(1)
        .stderr(contains("newer than this mcpforge's"));
}

#[test]
fn upgrade_outside_a_project_says_where_to_run_it() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .arg("upgrade")
        .assert()
        .code(1)
        .stderr(contains("not inside a project generated by mcpforge"))
        .stdout(predicate::str::is_empty());
}

/// A template folder for `MCPFORGE_TEMPLATES_DIR`: `layout` 1.0.0 with the platform as a module
/// (`src/platform/`), and 1.0.1 and 2.0.0 that move it into its own crate in two steps
/// (`src/platform/` → `core/` → `platform/src/`), split its config, and declare the Rust path
/// migrations the team's code needs.
pub(crate) fn layout_templates(dir: &Path) {
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let manifest = |version: &str, extra: &str| {
        format!(
            "name = \"layout\"\nversion = \"{version}\"\ndescription = \"Layout moves\"\n\n\
             [[question]]\nkey = \"name\"\nprompt = \"Name\"\nhelp = \"Package name\"\n\
             kind = \"string\"\ndefault_from_directory = true\nvalidate = \"package-name\"\n\n\
             [ownership]\nplatform = [\"src/platform/**\", \"core/**\", \"platform/**\"]\n\
             team = [\"src/tools/**\"]\n\n{extra}"
        )
    };
    let greet = "use crate::platform::errors::ToolError;\n\npub fn greet() -> Result<(), ToolError> {\n    crate::platform::errors::guard()\n}\n";
    let auth = "//! Authentication.\n\npub fn check(token: &str) -> bool {\n    !token.is_empty()\n}\n\npub const SCHEME: &str = \"Bearer\";\n";
    let errors = "//! Errors.\n\npub struct ToolError;\n\npub fn guard() -> Result<(), ToolError> {\n    Ok(())\n}\n";
    let config =
        "//! Settings.\n\npub const GREETING: &str = \"Hello\";\npub const PORT: u16 = 8080;\n";

    write("layout/1.0.0/template.toml", &manifest("1.0.0", ""));
    write(
        "layout/1.0.0/src/main.rs",
        "mod platform;\nmod tools;\n\nfn main() {\n    platform::start();\n}\n",
    );
    write(
        "layout/1.0.0/src/platform/mod.rs",
        "//! The platform.\npub mod auth;\npub mod config;\npub mod errors;\n\npub fn start() {}\n",
    );
    write("layout/1.0.0/src/platform/auth.rs", auth);
    write("layout/1.0.0/src/platform/errors.rs", errors);
    write("layout/1.0.0/src/platform/config.rs", config);
    write("layout/1.0.0/src/tools/mod.rs", "pub mod greet;\n");
    write("layout/1.0.0/src/tools/greet.rs", greet);

    // 1.0.1: the platform folder moves to `core/` (and nothing else changes).
    write(
        "layout/1.0.1/template.toml",
        &manifest(
            "1.0.1",
            "[[moves]]\nfrom = \"src/platform/\"\nto = \"core/\"\n",
        ),
    );
    write(
        "layout/1.0.1/src/main.rs",
        "#[path = \"../core/mod.rs\"]\nmod platform;\nmod tools;\n\nfn main() {\n    platform::start();\n}\n",
    );
    write(
        "layout/1.0.1/core/mod.rs",
        "//! The platform.\npub mod auth;\npub mod config;\npub mod errors;\n\npub fn start() {}\n",
    );
    write("layout/1.0.1/core/auth.rs", auth);
    write("layout/1.0.1/core/errors.rs", errors);
    write("layout/1.0.1/core/config.rs", config);
    write("layout/1.0.1/src/tools/mod.rs", "pub mod greet;\n");
    write("layout/1.0.1/src/tools/greet.rs", greet);

    // 2.0.0: `core/` becomes the `platform` crate; its config is split in two.
    write(
        "layout/2.0.0/template.toml",
        &manifest(
            "2.0.0",
            "[[moves]]\nfrom = \"core/\"\nto = \"platform/src/\"\n\n\
             [[moves]]\nfrom = \"core/mod.rs\"\nto = \"platform/src/lib.rs\"\n\n\
             [[moves]]\nfrom = \"core/config.rs\"\nsplit = [\"platform/src/settings.rs\", \"src/settings.rs\"]\n\n\
             [[migrate.paths]]\nfrom = \"crate::platform\"\nto = \"platform\"\n\n\
             [[migrate.paths]]\nfrom = \"crate::platform::errors::ToolError\"\nto = \"platform::ToolError\"\n",
        ),
    );
    write(
        "layout/2.0.0/Cargo.toml",
        "[workspace]\nmembers = [\"platform\"]\n",
    );
    write(
        "layout/2.0.0/src/main.rs",
        "mod settings;\nmod tools;\n\nfn main() {\n    platform::start();\n}\n",
    );
    write(
        "layout/2.0.0/src/settings.rs",
        "pub const GREETING: &str = \"Hello\";\n",
    );
    write(
        "layout/2.0.0/platform/src/lib.rs",
        "//! The platform.\npub mod auth;\npub mod errors;\npub mod settings;\n\npub use errors::ToolError;\n\npub fn start() {}\n",
    );
    write(
        "layout/2.0.0/platform/src/auth.rs",
        &auth.replace("\"Bearer\"", "\"bearer\""),
    );
    write(
        "layout/2.0.0/platform/src/errors.rs",
        &errors.replace("    Ok(())", "    Ok(()) // checked since 2.0"),
    );
    write(
        "layout/2.0.0/platform/src/settings.rs",
        "pub const PORT: u16 = 8080;\n",
    );
    write("layout/2.0.0/src/tools/mod.rs", "pub mod greet;\n");
    write(
        "layout/2.0.0/src/tools/greet.rs",
        "use platform::ToolError;\n\npub fn greet() -> Result<(), ToolError> {\n    platform::errors::guard()\n}\n",
    );
    write(
        "layout/CHANGELOG.md",
        "# layout\n\n## 2.0.0\n\n- The platform is its own crate.\n\n## 1.0.1\n\n- The platform moves to `core/`.\n\n## 1.0.0\n\n- First release.\n",
    );
}

/// Through the binary: a project at 1.0.0 with edits to platform files, a file of the team's in
/// the platform folder and team code importing platform paths, upgraded across two versions of
/// moves. Every team line is somewhere in the result, the report names each move, and the one
/// overlapping edit is a listed conflict.
#[test]
fn declared_moves_carry_team_edits_into_the_platform_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    layout_templates(&templates);
    let run = |dir: &Path, args: &[&str]| {
        let mut cmd = mcpforge(dir);
        cmd.env("MCPFORGE_TEMPLATES_DIR", &templates).args(args);
        cmd.assert()
    };
    run(
        tmp.path(),
        &[
            "new",
            "weather",
            "--template",
            "layout",
            "--template-version",
            "1.0.0",
            "--yes",
        ],
    )
    .success();
    let root = tmp.path().join("weather");

    let team_lines = [
        "// Team: tokens are checked by the gateway too.",
        "    Ok(()) // Team: the gateway checks first.",
        "pub const GREETING: &str = \"Howdy\";",
        "pub fn gateway_only() {}",
        "    // Team: reviewed.",
        "fn team_check() -> Result<(), ToolError> {",
    ];
    edit(
        &root,
        "src/platform/auth.rs",
        "//! Authentication.\n",
        &format!("//! Authentication.\n{}\n", team_lines[0]),
    );
    edit(&root, "src/platform/errors.rs", "    Ok(())", team_lines[1]);
    edit(
        &root,
        "src/platform/config.rs",
        "pub const GREETING: &str = \"Hello\";",
        team_lines[2],
    );
    std::fs::write(
        root.join("src/platform/gateway.rs"),
        format!("{}\n", team_lines[3]),
    )
    .unwrap();
    edit(
        &root,
        "src/tools/greet.rs",
        "    crate::platform",
        &format!("{}\n    crate::platform", team_lines[4]),
    );
    std::fs::write(
        root.join("src/tools/forecast.rs"),
        format!(
            "use crate::{{platform::errors::ToolError, tools::greet::greet}};\n\n{}\n    greet()?;\n    crate::platform::errors::guard()\n}}\n",
            team_lines[5]
        ),
    )
    .unwrap();

    let check = run(&root, &["upgrade", "--check"]).code(1);
    let check = String::from_utf8(check.get_output().stdout.clone()).unwrap();
    assert!(
        check.contains("at template layout 1.0.0; this mcpforge's is 2.0.0"),
        "{check}"
    );
    assert!(
        check.contains("  moved     src/platform/auth.rs -> platform/src/auth.rs (merged)"),
        "{check}"
    );

    let dry = run(&root, &["upgrade", "--dry-run"]).success();
    let dry = String::from_utf8(dry.get_output().stderr.clone()).unwrap();
    assert!(dry.contains("Would upgrade layout 1.0.0 → 2.0.0"), "{dry}");
    assert!(
        dry.contains("moved     src/platform/auth.rs -> platform/src/auth.rs (merged)"),
        "{dry}"
    );
    assert!(dry.contains("dry run: nothing was written"), "{dry}");
    assert!(root.join("src/platform/auth.rs").exists());

    let out = run(&root, &["upgrade", "--allow-dirty"]).code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    for expected in [
        "moved     src/platform/auth.rs -> platform/src/auth.rs (merged)",
        "moved     src/platform/errors.rs -> platform/src/errors.rs (1 conflict block(s))",
        "moved     src/platform/mod.rs -> platform/src/lib.rs (updated)",
        "moved     src/platform/gateway.rs -> platform/src/gateway.rs (yours, moved with its folder)",
        "kept      src/platform/config.rs (the template split it into platform/src/settings.rs, src/settings.rs; you changed it, so it stays here: carry your edits over, then delete it)",
        "migration Rust paths `crate::platform` → `platform`, `crate::platform::errors::ToolError` → `platform::ToolError` (2.0.0): 2 file(s) edited",
        "1 conflict block(s) in 1 file(s):\n  platform/src/errors.rs (1)",
        "error: upgraded with 1 conflict block(s) to resolve",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in\n{stderr}"
        );
    }

    // Every team line is in the project, and nothing is left in the old platform folder but the
    // file whose content had nowhere to go.
    let tree = snapshot_tree(&root);
    let all_text: String = tree
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes).to_string())
        .collect();
    for line in team_lines {
        assert!(all_text.contains(line), "team line lost: {line:?}");
    }
    let left: Vec<String> = tree
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p.starts_with("src/platform/") && !p.ends_with('/'))
        .collect();
    assert_eq!(left, ["src/platform/config.rs"]);
    assert!(
        !root.join("core").exists()
            || snapshot_tree(&root.join("core"))
                .keys()
                .all(|p| p.to_string_lossy().ends_with('/'))
    );
    // The rewritten `use` items are put back in rustfmt's order (the file was formatted).
    assert_eq!(
        read(&root, "src/tools/forecast.rs"),
        format!(
            "use crate::tools::greet::greet;\nuse platform::ToolError;\n\n{}\n    greet()?;\n    platform::errors::guard()\n}}\n",
            team_lines[5]
        )
    );
    assert_eq!(
        read(&root, "src/tools/greet.rs"),
        format!(
            "use platform::ToolError;\n\npub fn greet() -> Result<(), ToolError> {{\n{}\n    platform::errors::guard()\n}}\n",
            team_lines[4]
        )
    );
    let auth = read(&root, "platform/src/auth.rs");
    assert!(
        auth.contains(team_lines[0]) && auth.contains("\"bearer\""),
        "{auth}"
    );
    let recorded = manifest(&root);
    assert_eq!(recorded.template_version, "2.0.0");
    assert!(recorded.files.contains_key("platform/src/auth.rs"));
    assert!(
        !recorded
            .files
            .keys()
            .any(|p| p.starts_with("src/platform/") || p.starts_with("core/"))
    );
}

/// A versioned `MCPFORGE_TEMPLATES_DIR` where 1.0.0 mounts its own copy of `_platform/` and 2.0.0
/// the shared one, and moves a file of its own into the mounted folder: the upgrade's base is
/// 1.0.0 as it was released, so the shared folder's change arrives and the team's edits survive.
#[test]
fn a_versioned_folder_mounts_each_versions_own_shared_folder_and_moves_into_it() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    let write = |path: &str, text: &str| {
        let path = templates.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let template_toml = |version: &str, extra: &str| {
        format!(
            "name = \"mnt\"\nversion = \"{version}\"\ndescription = \"Mounts\"\n\n\
             [[question]]\nkey = \"name\"\nprompt = \"Name\"\nhelp = \"Package name\"\n\
             kind = \"string\"\ndefault_from_directory = true\n\n\
             [[mount]]\nfrom = \"_platform\"\nto = \"platform\"\n\n\
             [ownership]\nplatform = [\"platform/**\", \"src/platform/**\"]\n\n{extra}"
        )
    };
    write("mnt/1.0.0/template.toml", &template_toml("1.0.0", ""));
    write("mnt/1.0.0/src/main.rs", "fn main() {}\n");
    write("mnt/1.0.0/src/platform/auth.rs", "pub fn check() {}\n");
    write(
        "mnt/1.0.0/_platform/src/lib.rs",
        "//! The platform, 1.0.\n\npub fn start() {}\n",
    );
    write(
        "mnt/2.0.0/template.toml",
        &template_toml(
            "2.0.0",
            "[[moves]]\nfrom = \"src/platform/auth.rs\"\nto = \"platform/src/auth.rs\"\n",
        ),
    );
    write("mnt/2.0.0/src/main.rs", "fn main() {}\n");
    write(
        "_platform/src/lib.rs",
        "//! The platform, 2.0.\n\npub fn start() {}\n",
    );
    write(
        "_platform/src/auth.rs",
        "pub fn check() {}\n\npub fn scheme() {}\n",
    );
    let run = |dir: &Path, args: &[&str]| {
        let mut cmd = mcpforge(dir);
        cmd.env("MCPFORGE_TEMPLATES_DIR", &templates).args(args);
        cmd.assert()
    };
    let new = [
        "new",
        "p",
        "--template",
        "mnt",
        "--template-version",
        "1.0.0",
        "--yes",
    ];
    run(tmp.path(), &new).success();
    let root = tmp.path().join("p");
    assert_eq!(
        read(&root, "platform/src/lib.rs"),
        "//! The platform, 1.0.\n\npub fn start() {}\n"
    );
    edit(
        &root,
        "platform/src/lib.rs",
        "pub fn start() {}\n",
        "pub fn start() {}\n\npub fn team_hook() {}\n",
    );
    edit(
        &root,
        "src/platform/auth.rs",
        "pub fn check() {}\n",
        "// Team: audited.\npub fn check() {}\n",
    );

    run(&root, &["upgrade", "--allow-dirty"]).success();
    assert_eq!(
        read(&root, "platform/src/lib.rs"),
        "//! The platform, 2.0.\n\npub fn start() {}\n\npub fn team_hook() {}\n"
    );
    assert_eq!(
        read(&root, "platform/src/auth.rs"),
        "// Team: audited.\npub fn check() {}\n\npub fn scheme() {}\n"
    );
    assert!(!root.join("src/platform/auth.rs").exists());
    assert_eq!(manifest(&root).template_version, "2.0.0");

    // A version the folder does not have, or a broken one, is the folder's problem: exit code 2.
    let missing = tmp.path().join("missing");
    std::fs::create_dir(&missing).unwrap();
    run(
        &missing,
        &[
            "new",
            "q",
            "--template",
            "mnt",
            "--template-version",
            "0.9.0",
        ],
    )
    .code(2)
    .stderr(contains("there is no version 0.9.0 of template `mnt`"))
    .stderr(contains("help: the folder has: 1.0.0, 2.0.0"));
    write(
        "mnt/1.0.0/template.toml",
        "name = \"mnt\"\nversion = \"1.0.0\"\n",
    );
    run(&missing, &new)
        .code(2)
        .stderr(contains("MCPFORGE_TEMPLATES_DIR="))
        .stderr(contains("mnt/1.0.0"));
    std::fs::write(
        templates.join("mnt/template.toml"),
        template_toml("3.0.0", ""),
    )
    .unwrap();
    run(&missing, &["templates"])
        .code(2)
        .stderr(contains("has both a template.toml and version folders"));
}
