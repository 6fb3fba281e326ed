//! Multi-select questions and `[[mount]]` through the binary, with a synthetic template given by
//! `MCPFORGE_TEMPLATES_DIR`: `new --features`, its refusals, `templates`, `upgrade --set` (and its
//! refusal to drop a choice team code uses), and the MCP tools.

use std::path::{Path, PathBuf};

use predicates::str::contains;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

use crate::support::{Terminal, mcpforge, snapshot_tree};

const MANIFEST: &str = r#"name = "plat"
version = "1.0.0"
description = "A synthetic template with optional subsystems"

[[mount]]
from = "_platform"
to = "platform"

[ownership]
platform = ["platform/**"]
team = ["src/tools/**"]

[[question]]
key = "name"
prompt = "Project name"
help = "Package name"
kind = "string"
validate = "package-name"
default_from_directory = true

[[question]]
key = "features"
prompt = "Which subsystems?"
help = "Optional platform subsystems"
kind = "multi"
default = ["http"]
choices = [
  { value = "http", help = "Streamable HTTP" },
  { value = "jwt", help = "JWT auth", requires = ["http"] },
  { value = "fetch", help = "SSRF-safe outbound HTTP", provides = ["platform::fetch", "fetcher"] },
]
files = { jwt = ["platform/src/jwt.rs"], fetch = ["platform/src/fetch.rs"] }

[items.tool]
dir = "src/tools"
registry = "src/tools/mod.rs"
"#;

/// A templates folder holding the synthetic template `plat` and its shared `_platform`.
fn templates(dir: &Path) -> PathBuf {
    let root = dir.join("templates");
    let files: &[(&str, &str)] = &[
        ("plat/template.toml", MANIFEST),
        ("plat/src/main.rs", "fn main() {}\n"),
        ("plat/src/tools/mod.rs", "pub mod greet;\n"),
        ("plat/src/tools/greet.rs", "pub fn greet() {}\n"),
        (
            "_platform/Cargo.toml.tera",
            "[package]\nname = \"{{ crate_name }}-platform\"\n\n[features]\n\
             default = [{% for f in features %}\"{{ f }}\"{% if not loop.last %}, {% endif %}{% endfor %}]\n",
        ),
        ("_platform/src/lib.rs", "// the platform\n"),
        ("_platform/src/jwt.rs", "// jwt\n"),
        ("_platform/src/fetch.rs", "pub fn fetcher() {}\n"),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn cli(dir: &Path, templates: &Path) -> assert_cmd::Command {
    let mut cmd = mcpforge(dir);
    cmd.env("MCPFORGE_TEMPLATES_DIR", templates);
    cmd
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn new_takes_a_list_renders_the_chosen_files_and_records_an_array() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    cli(tmp.path(), &tpl)
        .args(["new", "a", "--template", "plat", "--features", "jwt,http"])
        .assert()
        .success();
    let a = tmp.path().join("a");
    assert!(a.join("platform/src/jwt.rs").is_file());
    assert!(!a.join("platform/src/fetch.rs").exists());
    assert!(read(&a, "platform/Cargo.toml").contains("default = [\"http\", \"jwt\"]\n"));
    let recorded = read(&a, ".mcpforge.toml");
    assert!(
        recorded.contains("features = [\"http\", \"jwt\"]\n"),
        "{recorded}"
    );
    assert!(recorded.contains("\"platform/src/jwt.rs\" = { owner = \"platform\""));

    cli(tmp.path(), &tpl)
        .args(["new", "none", "--template", "plat", "--features", ""])
        .assert()
        .success();
    let none = tmp.path().join("none");
    assert!(read(&none, ".mcpforge.toml").contains("features = []\n"));
    assert!(read(&none, "platform/Cargo.toml").contains("default = []\n"));
    assert!(!none.join("platform/src/jwt.rs").exists());

    cli(tmp.path(), &tpl)
        .args(["new", "defaults", "--template", "plat", "--yes"])
        .assert()
        .success();
    assert!(
        read(&tmp.path().join("defaults"), ".mcpforge.toml").contains("features = [\"http\"]\n")
    );
}

#[test]
fn unknown_values_and_missing_requirements_are_refused_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    std::fs::create_dir(tmp.path().join("work")).unwrap();
    let work = tmp.path().join("work");
    for (features, message, help) in [
        (
            "http,redis",
            "error: `redis` is not a valid `--features`",
            "help: choose any of: http, jwt, fetch (comma-separated; `--features ''` for none)",
        ),
        (
            "jwt",
            "error: `--features` value `jwt` needs `http`",
            "help: add it: `--features http,jwt`",
        ),
    ] {
        let before = snapshot_tree(&work);
        cli(&work, &tpl)
            .args(["new", "p", "--template", "plat", "--features", features])
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(message))
            .stderr(contains(help));
        assert_eq!(
            snapshot_tree(&work),
            before,
            "--features {features} wrote files"
        );
    }
}

#[test]
fn templates_lists_the_values_and_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    cli(tmp.path(), &tpl)
        .arg("templates")
        .assert()
        .success()
        .stdout(contains(
            "  --features <http,jwt,fetch>  Optional platform subsystems [default: http]\n",
        ));
    cli(tmp.path(), &tpl)
        .args(["new", "--help"])
        .assert()
        .success()
        .stdout(contains("--features <FEATURES,…>"))
        .stdout(contains(
            "Optional platform subsystems [any of: http, jwt, fetch; '' for none]",
        ));
}

#[test]
fn a_broken_template_folder_is_the_authors_error() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    std::fs::remove_dir_all(tpl.join("_platform")).unwrap();
    cli(tmp.path(), &tpl)
        .arg("templates")
        .assert()
        .code(2)
        .stderr(contains(
            "[[mount]] from = \"_platform\": templates/_platform/ has no files",
        ));
    let fresh = tempfile::tempdir().unwrap();
    let tpl = templates(fresh.path());
    std::fs::rename(tpl.join("plat"), tpl.join("other")).unwrap();
    cli(tmp.path(), &tpl)
        .arg("templates")
        .assert()
        .code(2)
        .stderr(contains("`name` must equal the folder name `other`"));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    cli(tmp.path(), &empty)
        .arg("templates")
        .assert()
        .code(2)
        .stderr(contains("no folder with a template.toml"));
}

#[test]
fn upgrade_set_changes_the_list_and_refuses_to_drop_a_choice_in_use() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    cli(tmp.path(), &tpl)
        .args(["new", "p", "--template", "plat", "--features", "http,fetch"])
        .assert()
        .success();
    let p = tmp.path().join("p");
    // The team edits a shared file and uses the fetcher from a tool.
    std::fs::write(p.join("src/main.rs"), "// ours\nfn main() {}\n").unwrap();
    std::fs::write(
        p.join("src/tools/greet.rs"),
        "pub fn greet(ctx: &Ctx) -> String {\n    ctx.fetcher().get(\"https://example.com\")\n}\n",
    )
    .unwrap();

    let before = snapshot_tree(&p);
    cli(&p, &tpl)
        .args(["upgrade", "--allow-dirty", "--set", "features=http"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(
            "error: changing `features` drops `fetch`, but team code still uses its API:\n  \
             src/tools/greet.rs:2: fetcher (from `fetch`)\n",
        ))
        .stderr(contains(
            "help: remove those uses first, or keep `fetch`: `--set features=http,fetch`",
        ));
    assert_eq!(snapshot_tree(&p), before, "the refused upgrade wrote files");

    std::fs::write(p.join("src/tools/greet.rs"), "pub fn greet() {}\n").unwrap();
    cli(&p, &tpl)
        .args(["upgrade", "--allow-dirty", "--set", "features=http,jwt"])
        .assert()
        .success();
    assert!(!p.join("platform/src/fetch.rs").exists());
    assert!(p.join("platform/src/jwt.rs").is_file());
    assert_eq!(read(&p, "src/main.rs"), "// ours\nfn main() {}\n");
    assert!(read(&p, "platform/Cargo.toml").contains("default = [\"http\", \"jwt\"]\n"));
    assert!(read(&p, ".mcpforge.toml").contains("features = [\"http\", \"jwt\"]\n"));

    let before = snapshot_tree(&p);
    cli(&p, &tpl)
        .args(["upgrade", "--allow-dirty", "--set", "features=jwt"])
        .assert()
        .code(2)
        .stderr(contains(
            "error: `--set features=…`: `jwt` needs `http`\nhelp: add it: `--set features=http,jwt`",
        ));
    cli(&p, &tpl)
        .args(["upgrade", "--allow-dirty", "--set", "features=grpc"])
        .assert()
        .code(2)
        .stderr(contains(
            "error: `--set features=…`: `grpc` is not a valid `--features`\n\
             help: choose any of: http, jwt, fetch (comma-separated; `--set features=` for none)",
        ));
    assert_eq!(snapshot_tree(&p), before);
}

#[tokio::test]
async fn the_mcp_tools_describe_and_take_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    let root = tmp.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcpforge"));
    command
        .args(["mcp", "--root", "."])
        .current_dir(&root)
        .env("MCPFORGE_TEMPLATES_DIR", &tpl);
    let transport = rmcp::transport::TokioChildProcess::new(command).unwrap();
    let client = ().serve(transport).await.expect("the binary speaks MCP");
    let call = async |name: &str, arguments: Value| {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        client.peer().call_tool(params).await.unwrap()
    };

    let listed = call("list_templates", json!({})).await;
    let listed = listed.structured_content.unwrap();
    let features = listed["templates"][0]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "features")
        .unwrap()
        .clone();
    assert_eq!(features["kind"], "multi");
    assert_eq!(features["default"], "http");
    assert_eq!(features["choices"][1]["requires"], json!(["http"]));

    let created = call(
        "new_project",
        json!({"path": "p", "template": "plat", "answers": {"features": ["jwt", "http"]}}),
    )
    .await;
    assert_eq!(created.is_error, Some(false));
    let created = created.structured_content.unwrap();
    assert_eq!(created["answers"]["features"], "http,jwt");
    assert!(root.join("p/platform/src/jwt.rs").is_file());

    let planned = call(
        "upgrade_plan",
        json!({"project": "p", "set": {"features": ["http"]}}),
    )
    .await;
    assert_eq!(planned.is_error, Some(false));
    let planned = planned.structured_content.unwrap();
    assert!(
        planned["diff"]
            .as_str()
            .unwrap()
            .contains("platform/src/jwt.rs"),
        "{planned}"
    );

    for (answer, message) in [
        (json!(["jwt"]), "`--features` value `jwt` needs `http`"),
        (json!(["http,jwt"]), "`http,jwt` is not one value"),
        (json!(["grpc"]), "`grpc` is not a valid `--features`"),
    ] {
        let refused = call(
            "new_project",
            json!({"path": "q", "template": "plat", "answers": {"features": answer}}),
        )
        .await;
        assert_eq!(refused.is_error, Some(true));
        let text: String = refused
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        assert!(text.contains(message), "{text}");
        assert!(!root.join("q").exists());
    }
    let _ = client.cancel().await;
}

/// The multi question in a real terminal (tmux): a checklist with the default ticked; a pick
/// without its requirement is refused and asked again with the picks kept. Skipped where tmux is
/// not installed (CI installs it).
#[test]
fn the_prompt_is_a_checklist_that_insists_on_requirements() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = templates(tmp.path());
    let bin = assert_cmd::cargo::cargo_bin("mcpforge");
    let script = format!(
        "cd {} && NO_COLOR=1 MCPFORGE_TEMPLATES_DIR={} {} new p --template plat --name p; echo EXIT=$?; sleep 60",
        tmp.path().display(),
        tpl.display(),
        bin.display()
    );
    let Some(term) = Terminal::start(tmp.path(), &script) else {
        return;
    };
    let screen = term.screen_until("Which subsystems?");
    assert!(screen.contains("jwt — JWT auth"), "{screen}");
    // Tick jwt, untick http: refused, asked again.
    term.tmux(&["send-keys", "Down", "Space", "Up", "Space", "Enter"]);
    term.screen_until("`--features` value `jwt` needs `http`");
    // The cursor is back on http; tick it.
    term.tmux(&["send-keys", "Space", "Enter"]);
    let screen = term.screen_until("EXIT=");
    drop(term);
    assert!(screen.contains("EXIT=0"), "{screen}");
    let recorded = read(&tmp.path().join("p"), ".mcpforge.toml");
    assert!(
        recorded.contains("features = [\"http\", \"jwt\"]"),
        "{recorded}"
    );
}
