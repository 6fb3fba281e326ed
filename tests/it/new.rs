//! `mcpforge new`, run as a user would: the built binary against temporary directories.

use predicates::prelude::*;
use predicates::str::contains;

use crate::support::{Terminal, assert_refused_in, mcpforge, snapshot_tree};

#[test]
fn creates_a_project_with_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["new", "weather", "--yes"])
        .assert()
        .success()
        .stderr(contains("Created `weather` from template service"))
        .stdout("");
    let root = tmp.path().join("weather");
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"weather\""), "{cargo}");
    assert!(root.join(".mcpforge.toml").is_file());
    // Nothing else appears beside the project (no staging directory left behind).
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn the_same_answers_give_byte_identical_trees() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["a/svc", "b/svc"] {
        mcpforge(tmp.path())
            .args(["new", dir, "--yes", "--description", "Same"])
            .assert()
            .success();
    }
    assert_eq!(
        snapshot_tree(&tmp.path().join("a/svc")),
        snapshot_tree(&tmp.path().join("b/svc"))
    );
}

#[test]
fn flags_answer_questions_and_dash_c_sets_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("work")).unwrap();
    mcpforge(tmp.path())
        .args([
            "-C",
            "work",
            "new",
            "svc",
            "--name",
            "billing-mcp",
            "--description",
            "Billing \"lookups\"",
        ])
        .assert()
        .success();
    let cargo = std::fs::read_to_string(tmp.path().join("work/svc/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"billing-mcp\""), "{cargo}");
    assert!(
        cargo.contains(r#"description = 'Billing "lookups"'"#),
        "{cargo}"
    );
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["new", "svc", "--yes", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("Cargo.toml (").and(contains(".mcpforge.toml (")))
        .stderr(contains("Would create"));
    assert!(snapshot_tree(tmp.path()).is_empty());
}

#[test]
fn an_empty_existing_directory_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("svc")).unwrap();
    mcpforge(tmp.path())
        .args(["new", "svc", "--yes"])
        .assert()
        .success();
    assert!(tmp.path().join("svc/Cargo.toml").is_file());
}

#[test]
fn force_writes_into_a_non_empty_directory_and_keeps_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("svc");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("NOTES.md"), "mine").unwrap();
    std::fs::write(dir.join("Cargo.toml"), "old").unwrap();
    mcpforge(tmp.path())
        .args(["new", "svc", "--yes", "--force"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.join("NOTES.md")).unwrap(),
        "mine"
    );
    assert_ne!(
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        "old"
    );
}

#[test]
fn git_flag_commits_the_generated_files() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("git is not installed; skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["new", "svc", "--yes", "--git"])
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .assert()
        .success();
    let out = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(tmp.path().join("svc"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout.is_empty(),
        "everything generated is committed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Bad input: a one-line error, the right exit code, and the file system exactly as before.
fn assert_refused(args: &[&str], code: i32, message: &str, setup: impl Fn(&std::path::Path)) {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path());
    assert_refused_in(tmp.path(), tmp.path(), args, code, message);
}

#[test]
fn invalid_names_are_usage_errors() {
    let none = |_: &std::path::Path| {};
    assert_refused(
        &["new", "1bad", "--yes"],
        2,
        "the directory name `1bad` cannot be the default `--name`: it starts with a digit",
        none,
    );
    assert_refused(
        &["new", "x", "--name", "1bad"],
        2,
        "`1bad` cannot be used as the project name: it starts with a digit",
        none,
    );
    assert_refused(
        &["new", "x", "--name", "my server"],
        2,
        "it contains a space",
        none,
    );
    assert_refused(
        &["new", "x", "--name", "struct"],
        2,
        "it is a Rust keyword",
        none,
    );
    assert_refused(&["new", "x", "--name", "std"], 2, "reserved", none);
    assert_refused(
        &["new", "x", "--yes", "--description", ""],
        2,
        "`--description` must not be empty",
        none,
    );
}

#[test]
fn unknown_templates_and_options_are_usage_errors() {
    let none = |_: &std::path::Path| {};
    assert_refused(
        &["new", "x", "--template", "nope"],
        2,
        "invalid value 'nope' for '--template <NAME>'",
        none,
    );
    assert_refused(
        &["new", "x", "--no-such-flag"],
        2,
        "unexpected argument '--no-such-flag'",
        none,
    );
    assert_refused(&["new"], 2, "required arguments were not provided", none);
}

#[test]
fn an_occupied_directory_is_refused_without_force() {
    assert_refused(
        &["new", "svc", "--yes"],
        1,
        "already exists and is not empty",
        |root| {
            std::fs::create_dir(root.join("svc")).unwrap();
            std::fs::write(root.join("svc/keep.txt"), "keep").unwrap();
        },
    );
    assert_refused(
        &["new", "svc", "--yes"],
        1,
        "exists and is not a directory",
        |root| {
            std::fs::write(root.join("svc"), "a file").unwrap();
        },
    );
}

#[test]
fn an_unwritable_location_fails_cleanly() {
    // A regular file where a parent directory should be: no user, root included, can write there.
    assert_refused(
        &["new", "blocker/deeper/svc", "--yes"],
        1,
        "cannot create directory",
        |root| {
            std::fs::write(root.join("blocker"), "not a directory").unwrap();
        },
    );
}

#[test]
fn errors_are_plain_without_a_terminal_and_coloured_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["new", "1bad", "--yes"])
        .assert()
        .code(2)
        .stderr(contains("error: ").and(contains("\u{1b}[").not()));
    mcpforge(tmp.path())
        .env_remove("NO_COLOR")
        .args(["--color", "always", "new", "1bad", "--yes"])
        .assert()
        .code(2)
        .stderr(contains("\u{1b}["));
}

#[test]
fn help_documents_template_options() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["new", "--help"])
        .assert()
        .success()
        .stdout(
            contains("Template options:")
                .and(contains("--description <DESCRIPTION>"))
                .and(contains("--dry-run")),
        );
}

#[test]
fn templates_lists_every_template_with_its_options() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .arg("templates")
        .assert()
        .success()
        .stdout(
            contains(format!(
                "minimal {}\n",
                mcpforge::template::find("minimal").unwrap().version()
            ))
            .and(contains(format!(
                "service {} (default)",
                mcpforge::template::find("service").unwrap().version()
            )))
            .and(contains(
                "earlier releases (`new --template-version`): 0.1.0",
            ))
            .and(contains("--name <text>")),
        );
}

#[test]
fn completions_include_template_options() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(contains("--description").and(contains("mcpforge")));
    mcpforge(tmp.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

/// Interactive prompts, in a real terminal (tmux): a bad answer is refused and asked again,
/// Enter takes the default. Skipped where tmux is not installed (CI installs it).
#[test]
fn prompts_in_a_terminal_validate_and_accept_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("mcpforge");
    let script = format!(
        "cd {} && NO_COLOR=1 {} new svc; echo EXIT=$?; sleep 60",
        tmp.path().display(),
        bin.display()
    );
    let Some(term) = Terminal::start(tmp.path(), &script) else {
        return;
    };
    term.screen_until("Project name");
    term.tmux(&["send-keys", "C-u", "1bad", "Enter"]);
    term.screen_until("it starts with a digit");
    term.tmux(&["send-keys", "C-u", "billing", "Enter"]);
    term.screen_until("One-line description");
    term.tmux(&["send-keys", "Enter"]);
    term.screen_until("How do HTTP clients authenticate?");
    term.tmux(&["send-keys", "Enter"]);
    // The checklist starts at the defaults (http, metrics); jwt is toggled on.
    term.screen_until("Which platform subsystems");
    term.tmux(&["send-keys", "Down", "Space", "Enter"]);
    term.screen_until("Which examples should the server carry?");
    term.tmux(&["send-keys", "Enter"]);
    term.screen_until("Where does CI get mcpforge?");
    term.tmux(&["send-keys", "C-u", "ftp://x", "Enter"]);
    term.screen_until("must be `crates-io`");
    term.tmux(&["send-keys", "C-u", "Enter"]);
    let screen = term.screen_until("EXIT=");
    drop(term);
    assert!(screen.contains("EXIT=0"), "{screen}");
    let cargo = std::fs::read_to_string(tmp.path().join("svc/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"billing\""), "{cargo}");
    assert!(
        cargo.contains("description = \"An MCP server built with mcpforge\""),
        "{cargo}"
    );
    let recorded = std::fs::read_to_string(tmp.path().join("svc/.mcpforge.toml")).unwrap();
    assert!(
        recorded.contains("mcpforge-source = \"crates-io\""),
        "{recorded}"
    );
    assert!(
        recorded.contains("features = [\"http\", \"jwt\", \"metrics\"]"),
        "{recorded}"
    );
}

#[test]
fn a_project_created_inside_a_workspace_joins_its_members() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = "[workspace]\n# ours\nmembers = [\"crates/*\"]\n";
    std::fs::write(tmp.path().join("Cargo.toml"), ws).unwrap();
    mcpforge(tmp.path())
        .args(["new", "servers/weather", "--yes"])
        .assert()
        .success()
        .stderr(contains("Added `servers/weather` to the workspace members"));
    let edited = std::fs::read_to_string(tmp.path().join("Cargo.toml")).unwrap();
    assert_eq!(
        edited,
        "[workspace]\n# ours\nmembers = [\"crates/*\", \"servers/weather\"]\n"
    );
    mcpforge(tmp.path())
        .args(["new", "crates/billing", "--yes"])
        .assert()
        .success()
        .stderr(contains("workspace members").not());
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("Cargo.toml")).unwrap(),
        edited,
        "a glob already covers crates/*"
    );
}

#[test]
fn new_dot_fills_the_current_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("billing");
    std::fs::create_dir(&dir).unwrap();
    mcpforge(&dir)
        .args(["new", ".", "--yes"])
        .assert()
        .success()
        .stderr(contains("Created `billing`").and(contains("cd .").not()));
    assert!(dir.join("Cargo.toml").is_file());
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing is left beside the directory"
    );
}
