//! `mcpforge mcp`: every tool, resource and the prompt through a real rmcp client over an
//! in-memory pipe, including the confinement refusals and bad input (tool errors, nothing
//! written, the server still answering).

#![allow(deprecated)] // MCP roots are deprecated in the 2026 protocol; clients still send them.

use std::path::{Path, PathBuf};

use mcpforge::mcp::{McpServer, Roots, Scope};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientInfo, GetPromptRequestParams,
    Implementation, ListRootsResult, ReadResourceRequestParams, ResourceContents, Root,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::{ClientHandler, ErrorData, RoleClient, ServiceExt};
use serde_json::{Value, json};

use crate::support::snapshot_tree;

/// A client that declares the roots capability and lists `roots` (file URIs).
#[derive(Clone)]
struct RootsClient {
    roots: Vec<String>,
}

impl ClientHandler for RootsClient {
    fn get_info(&self) -> ClientInfo {
        let capabilities: ClientCapabilities =
            serde_json::from_value(json!({"roots": {"listChanged": false}})).unwrap();
        ClientInfo::new(capabilities, Implementation::new("roots-client", "1.0.0"))
    }

    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        Ok(ListRootsResult::new(
            self.roots.iter().map(Root::new).collect(),
        ))
    }
}

/// A connected client and the server task behind it.
struct Session<C: ClientHandler> {
    client: RunningService<RoleClient, C>,
    server: tokio::task::JoinHandle<()>,
}

impl<C: ClientHandler> Drop for Session<C> {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn connect<C: ClientHandler>(scope: Scope, handler: C) -> Session<C> {
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    let server = tokio::spawn(async move {
        if let Ok(running) = McpServer::new(scope).serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = handler.serve(client_io).await.expect("the client connects");
    Session { client, server }
}

/// A session with `--root <root>` and a client without roots.
async fn start(root: &Path) -> Session<()> {
    connect(scope(&[root.to_path_buf()], true), ()).await
}

fn scope(dirs: &[PathBuf], explicit: bool) -> Scope {
    Scope {
        roots: Roots::new(dirs, "from --root").unwrap(),
        explicit,
    }
}

impl<C: ClientHandler> Session<C> {
    async fn call(&self, name: &str, arguments: Value) -> CallToolResult {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        self.client
            .peer()
            .call_tool(params)
            .await
            .unwrap_or_else(|e| panic!("tools/call {name} was a protocol error: {e}"))
    }

    /// Calls a tool that must succeed; returns its structured content.
    async fn ok(&self, name: &str, arguments: Value) -> Value {
        let result = self.call(name, arguments).await;
        assert_eq!(
            result.is_error,
            Some(false),
            "{name} failed: {}",
            text(&result)
        );
        result
            .structured_content
            .clone()
            .unwrap_or_else(|| panic!("{name} returned no structured content"))
    }

    /// Calls a tool that must fail with a tool error; returns its text.
    async fn refused(&self, name: &str, arguments: Value) -> String {
        let result = self.call(name, arguments.clone()).await;
        assert_eq!(
            result.is_error,
            Some(true),
            "{name} {arguments} was accepted: {}",
            text(&result)
        );
        text(&result)
    }

    async fn still_serving(&self) {
        let listed = self.ok("list_templates", json!({})).await;
        assert!(
            listed["templates"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        );
    }

    async fn read(&self, uri: &str) -> Result<String, String> {
        let result = self
            .client
            .peer()
            .read_resource(ReadResourceRequestParams::new(uri))
            .await
            .map_err(|e| e.to_string())?;
        Ok(result
            .contents
            .iter()
            .filter_map(|c| match c {
                ResourceContents::TextResourceContents { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A temporary directory with a `root` inside it (and room outside the root).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
    let root = std::fs::canonicalize(root).unwrap();
    (tmp, root)
}

async fn new_minimal(session: &Session<impl ClientHandler>, path: &str) -> Value {
    session
        .ok(
            "new_project",
            json!({"path": path, "template": "minimal", "answers": {"name": "minimal"}}),
        )
        .await
}

#[tokio::test]
async fn advertises_its_surface() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    let info = session.client.peer_info().expect("initialized");
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, "mcpforge");
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));

    let tools = session.client.peer().list_all_tools().await.unwrap();
    let surface: Vec<Value> = tools
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "description": t.description,
                "annotations": t.annotations,
                "input_schema": t.input_schema,
                "output_schema": t.output_schema,
            })
        })
        .collect();
    insta::assert_yaml_snapshot!("mcp_tools", surface);
    for tool in &tools {
        assert!(
            tool.output_schema.is_some(),
            "{} has no output schema",
            tool.name
        );
        assert_eq!(
            tool.input_schema.get("additionalProperties"),
            Some(&json!(false)),
            "{} accepts unknown arguments",
            tool.name
        );
    }

    let prompts = session.client.peer().list_all_prompts().await.unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].name, "add_tool_with_test");
}

#[tokio::test]
async fn lists_templates_with_their_questions() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    let listed = session.ok("list_templates", json!({})).await;
    let templates = listed["templates"].as_array().unwrap();
    let names: Vec<&str> = templates
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"minimal") && names.contains(&"service"),
        "{names:?}"
    );
    let service = templates.iter().find(|t| t["name"] == "service").unwrap();
    assert_eq!(service["default"], true);
    let name_question = service["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "name")
        .expect("a name question");
    assert_eq!(name_question["default_from_directory"], true);
}

#[tokio::test]
async fn creates_extends_lints_and_upgrades_a_project() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;

    let dry = session
        .ok(
            "new_project",
            json!({"path": "minimal", "template": "minimal", "dry_run": true}),
        )
        .await;
    assert_eq!(dry["written"], false);
    assert!(!root.join("minimal").exists(), "a dry run wrote files");

    let created = new_minimal(&session, "minimal").await;
    assert_eq!(created["written"], true);
    assert_eq!(created["name"], "minimal");
    assert_eq!(
        created["path"],
        json!(root.join("minimal").display().to_string())
    );
    let project = root.join("minimal");
    assert!(project.join(".mcpforge.toml").is_file());
    assert!(
        created["files"]
            .as_array()
            .unwrap()
            .contains(&json!("src/tools/mod.rs"))
    );

    let before = snapshot_tree(&project);
    let planned = session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "get_forecast",
                   "description": "Forecast for a city.", "params": ["city:string:City name"],
                   "read_only": true, "dry_run": true}),
        )
        .await;
    assert_eq!(planned["written"], false);
    assert!(
        planned["diff"]
            .as_str()
            .unwrap()
            .contains("+++ b/src/tools/get_forecast.rs")
            || planned["diff"].as_str().unwrap().contains("get_forecast"),
        "{}",
        planned["diff"]
    );
    assert_eq!(snapshot_tree(&project), before, "a dry run wrote files");

    let added = session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "get_forecast",
                   "description": "Forecast for a city.", "params": ["city:string:City name"],
                   "read_only": true}),
        )
        .await;
    assert_eq!(added["written"], true);
    let tool_file = std::fs::read_to_string(project.join("src/tools/get_forecast.rs")).unwrap();
    assert!(tool_file.contains("Forecast for a city."));
    assert!(
        std::fs::read_to_string(project.join("src/tools/mod.rs"))
            .unwrap()
            .contains("get_forecast::router()")
    );
    let long = session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "reindex",
                   "description": "Rebuild the search index, reporting progress as it goes.",
                   "progress": true}),
        )
        .await;
    assert_eq!(long["written"], true);
    let long_file = std::fs::read_to_string(project.join("src/tools/reindex.rs")).unwrap();
    assert!(long_file.contains("ctx.progress("), "{long_file}");
    let careful = session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "purge_cache",
                   "description": "Purge the cache after the user confirms, as a task.",
                   "elicit": true, "task": true}),
        )
        .await;
    assert_eq!(careful["written"], true);
    let careful_file = std::fs::read_to_string(project.join("src/tools/purge_cache.rs")).unwrap();
    assert!(
        careful_file.contains(".elicit::<PurgeCacheConfirm>("),
        "{careful_file}"
    );
    assert!(careful_file.contains("runs_as_task()"), "{careful_file}");
    session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "resource", "name": "handbook",
                   "uri": "docs://handbook", "mime": "text/markdown"}),
        )
        .await;
    session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "prompt", "name": "summarize",
                   "args": ["text", "style?:Tone of the summary"], "complete": ["style"]}),
        )
        .await;
    session
        .ok(
            "add_item",
            json!({"project": "minimal", "kind": "resource", "name": "forecast",
                   "uri_template": "weather://{city}/days/{n}", "vars": ["n:u32"],
                   "complete": ["city"]}),
        )
        .await;
    let forecast = std::fs::read_to_string(project.join("src/resources/forecast.rs")).unwrap();
    assert!(forecast.contains("n: u32,"), "{forecast}");
    assert!(
        forecast.contains(".resource(URI_TEMPLATE, \"city\", complete_city)"),
        "{forecast}"
    );
    let server = std::fs::read_to_string(project.join("src/server.rs")).unwrap();
    assert!(
        server.contains(".with_completions(crate::prompts::completions())")
            && server.contains(".with_completions(crate::resources::completions())"),
        "{server}"
    );

    let linted = session
        .ok("lint", json!({"project": "minimal", "fail_on": "info"}))
        .await;
    assert_eq!(linted["passed"], true, "{linted:#}");
    assert_eq!(linted["diagnostics"], json!([]));
    assert!(linted["files"].as_u64().unwrap() > 5);

    let plan = session
        .ok("upgrade_plan", json!({"project": "minimal"}))
        .await;
    assert_eq!(plan["up_to_date"], true, "{plan:#}");
    assert_eq!(plan["written"], 0);
}

#[tokio::test]
async fn plans_and_applies_an_upgrade_from_an_old_release() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    let versions = session.ok("list_templates", json!({})).await["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "minimal")
        .unwrap()["earlier_versions"]
        .clone();
    let Some(oldest) = versions.as_array().unwrap().first().cloned() else {
        return; // no earlier release to upgrade from
    };
    session
        .ok(
            "new_project",
            json!({"path": "old", "template": "minimal", "template_version": oldest,
                   "answers": {"name": "minimal"}}),
        )
        .await;
    let project = root.join("old");
    let before = snapshot_tree(&project);
    let plan = session.ok("upgrade_plan", json!({"project": "old"})).await;
    assert_eq!(plan["up_to_date"], false);
    assert_eq!(plan["from"], oldest);
    assert!(plan["diff"].as_str().unwrap().contains("@@"));
    assert!(!plan["files"].as_array().unwrap().is_empty());
    assert_eq!(snapshot_tree(&project), before, "upgrade_plan wrote files");

    // Not a git working tree: refused like the CLI, nothing written.
    let refusal = session
        .refused("upgrade_apply", json!({"project": "old"}))
        .await;
    assert!(refusal.contains("not in a git working tree"), "{refusal}");
    assert!(refusal.contains("help: "), "{refusal}");
    assert_eq!(snapshot_tree(&project), before);

    let applied = session
        .ok(
            "upgrade_apply",
            json!({"project": "old", "allow_dirty": true}),
        )
        .await;
    assert!(applied["written"].as_u64().unwrap() > 0);
    let again = session.ok("upgrade_plan", json!({"project": "old"})).await;
    assert_eq!(again["up_to_date"], true);
}

#[tokio::test]
async fn explains_rules_like_the_cli() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    let doc = session.ok("explain_rule", json!({"rule": "MCP107"})).await;
    assert_eq!(doc["code"], "MCP107");
    assert_eq!(
        doc["markdown"],
        json!(mcpforge::commands::lint::explain("MCP107").unwrap())
    );
    let refusal = session
        .refused("explain_rule", json!({"rule": "MCP999"}))
        .await;
    assert_eq!(
        refusal,
        "no rule `MCP999`\nhelp: docs/rules/README.md lists every rule"
    );
}

/// Every way of naming a path outside the root: each is a tool error that names the root, and
/// nothing anywhere changes.
#[tokio::test]
async fn refuses_paths_outside_the_roots() {
    let (tmp, root) = workspace();
    let outside = std::fs::canonicalize(tmp.path().join("outside")).unwrap();
    let session = start(&root).await;
    new_minimal(&session, "minimal").await;
    // A project outside the root, to be sure refusals are not just "not a project".
    mcpforge::commands::new::create(&mcpforge::commands::new::NewRequest {
        template: "minimal",
        template_version: None,
        target: &outside.join("minimal"),
        cwd: &outside,
        given: &[("name".into(), "minimal".into())],
        prompter: None,
        force: false,
        dry_run: false,
    })
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();

    let mut paths = vec![
        "../outside/minimal".to_string(),
        "minimal/../../outside/minimal".to_string(),
        outside.join("minimal").display().to_string(),
        "/".to_string(),
    ];
    if cfg!(unix) {
        paths.push("link/minimal".to_string());
    }
    let before = snapshot_tree(tmp.path());
    for path in &paths {
        let calls = [
            ("new_project", json!({"path": format!("{path}-new")})),
            (
                "add_item",
                json!({"project": path, "kind": "tool", "name": "sneaky"}),
            ),
            ("lint", json!({"project": path})),
            ("upgrade_plan", json!({"project": path})),
            (
                "upgrade_apply",
                json!({"project": path, "allow_dirty": true}),
            ),
        ];
        for (tool, arguments) in calls {
            let refusal = session.refused(tool, arguments).await;
            assert!(
                refusal.contains("outside the allowed roots")
                    && refusal.contains(&root.display().to_string()),
                "{tool} {path}: {refusal}"
            );
        }
    }
    assert_eq!(
        snapshot_tree(tmp.path()),
        before,
        "a refused call changed files"
    );
    session.still_serving().await;
}

/// A symlink inside the project that leads out: the project is refused as a whole, because
/// lint would read and add or upgrade could write through it.
#[cfg(unix)]
#[tokio::test]
async fn refuses_a_project_with_a_symlink_leading_out() {
    let (tmp, root) = workspace();
    let session = start(&root).await;
    new_minimal(&session, "minimal").await;
    let outside = tmp.path().join("outside");
    std::fs::remove_dir_all(root.join("minimal/src/tools")).unwrap();
    std::fs::create_dir_all(outside.join("tools")).unwrap();
    std::os::unix::fs::symlink(outside.join("tools"), root.join("minimal/src/tools")).unwrap();
    let before = snapshot_tree(tmp.path());
    for (tool, arguments) in [
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "sneaky"}),
        ),
        ("lint", json!({"project": "minimal"})),
        ("upgrade_plan", json!({"project": "minimal"})),
    ] {
        let refusal = session.refused(tool, arguments).await;
        assert!(
            refusal.contains("symlink that leads outside the allowed roots"),
            "{tool}: {refusal}"
        );
    }
    assert_eq!(snapshot_tree(tmp.path()), before);
}

/// A project below a Cargo workspace outside the roots: cargo would pull the workspace's
/// other members into the lint.
#[tokio::test]
async fn refuses_to_lint_inside_a_workspace_outside_the_roots() {
    let (tmp, root) = workspace();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"outside\"]\n",
    )
    .unwrap();
    let session = start(&root).await;
    new_minimal(&session, "minimal").await;
    let refusal = session.refused("lint", json!({"project": "minimal"})).await;
    assert!(
        refusal.contains("below the Cargo workspace") && refusal.contains("help: "),
        "{refusal}"
    );
}

#[tokio::test]
async fn bad_input_is_a_tool_error_and_writes_nothing() {
    let (tmp, root) = workspace();
    let session = start(&root).await;
    new_minimal(&session, "minimal").await;
    std::fs::create_dir_all(root.join("plain")).unwrap();
    let before = snapshot_tree(tmp.path());

    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "new_project",
            json!({"path": "x", "template": "nope"}),
            "no template named `nope`",
        ),
        (
            "new_project",
            json!({"path": "minimal", "template": "minimal"}),
            "already exists and is not empty",
        ),
        (
            "new_project",
            json!({"path": "x", "template": "minimal", "answers": {"colour": "red"}}),
            "`--colour` is not an option of template `minimal`",
        ),
        ("new_project", json!({"path": "."}), "is a root itself"),
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "1bad"}),
            "",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "greet"}),
            "cannot add tool `greet`",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "ok", "params": ["x"]}),
            "invalid --param `x`",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "prompt", "name": "ok", "params": ["x:int"]}),
            "`params` is for tools, not for a prompt",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "resource", "name": "ok", "progress": true}),
            "`progress` is for tools, not for a resource",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "prompt", "name": "ok", "elicit": true, "task": true}),
            "`elicit` is for tools, `task` is for tools, not for a prompt",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "ok", "complete": ["x"]}),
            "`complete` is for prompts and resources, not for a tool",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "prompt", "name": "ok", "vars": ["x:int"]}),
            "`vars` is for resources, not for a prompt",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "resource", "name": "ok", "vars": ["x:int"]}),
            "vars and complete are for a resource with a uri_template",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "resource", "name": "ok",
                   "uri_template": "w://{id:u32}"}),
            "`{id:u32}` is not a level-1 expansion",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "prompt", "name": "ok", "args": ["a"],
                   "complete": ["b"]}),
            "prompt `ok` has no argument `b`",
        ),
        (
            "add_item",
            json!({"project": "plain", "kind": "tool", "name": "ok"}),
            "is not inside a project generated by mcpforge",
        ),
        (
            "lint",
            json!({"project": "plain"}),
            "is not a Cargo project",
        ),
        (
            "lint",
            json!({"project": "minimal", "select": ["MCP9999"]}),
            "`MCP9999` selects no rule",
        ),
        (
            "upgrade_plan",
            json!({"project": "plain"}),
            "is not inside a project generated by mcpforge",
        ),
        // Unknown arguments and wrong types.
        (
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "ok", "colour": "red"}),
            "",
        ),
        (
            "add_item",
            json!({"project": "minimal", "kind": "gadget", "name": "ok"}),
            "",
        ),
        ("lint", json!({"project": 42}), ""),
        ("new_project", json!({}), ""),
        ("explain_rule", json!({"rule": ["MCP107"]}), ""),
    ];
    for (tool, arguments, expected) in cases {
        let refusal = session.refused(tool, arguments.clone()).await;
        assert!(
            refusal.contains(expected),
            "{tool} {arguments}: expected {expected:?} in {refusal:?}"
        );
        assert!(!refusal.is_empty());
        assert_eq!(
            snapshot_tree(tmp.path()),
            before,
            "{tool} {arguments} changed files"
        );
    }
    // The CLI's help line comes along.
    let refusal = session
        .refused(
            "add_item",
            json!({"project": "minimal", "kind": "tool", "name": "greet"}),
        )
        .await;
    assert!(refusal.contains("\nhelp: choose another name"), "{refusal}");
    session.still_serving().await;
}

#[tokio::test]
async fn client_roots_decide_where_it_works() {
    let (tmp, root) = workspace();
    let inner = root.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    let uri = |p: &Path| format!("file://{}", p.display());

    // No --root: the client's roots, not the current directory, bound the paths.
    let session = connect(
        scope(&[tmp.path().to_path_buf()], false),
        RootsClient {
            roots: vec![uri(&inner)],
        },
    )
    .await;
    let created = new_minimal(&session, "minimal").await;
    assert_eq!(
        created["path"],
        json!(inner.join("minimal").display().to_string())
    );
    let refusal = session
        .refused("lint", json!({"project": root.display().to_string()}))
        .await;
    assert!(refusal.contains(&inner.display().to_string()), "{refusal}");
    drop(session);

    // With --root: a client root outside it leaves nothing to work in.
    let session = connect(
        scope(std::slice::from_ref(&inner), true),
        RootsClient {
            roots: vec![uri(&tmp.path().join("outside"))],
        },
    )
    .await;
    let refusal = session
        .refused(
            "lint",
            json!({"project": inner.join("minimal").display().to_string()}),
        )
        .await;
    assert!(refusal.contains("outside the allowed roots"), "{refusal}");
    drop(session);

    // With --root and a wider client root: the --root still bounds it.
    let session = connect(
        scope(std::slice::from_ref(&inner), true),
        RootsClient {
            roots: vec![uri(tmp.path())],
        },
    )
    .await;
    let linted = session.ok("lint", json!({"project": "minimal"})).await;
    assert_eq!(linted["passed"], true);
    let refusal = session
        .refused(
            "new_project",
            json!({"path": root.join("x").display().to_string()}),
        )
        .await;
    assert!(refusal.contains("outside the allowed roots"), "{refusal}");
}

#[tokio::test]
async fn serves_rule_template_and_project_resources() {
    let (tmp, root) = workspace();
    let session = start(&root).await;
    new_minimal(&session, "minimal").await;

    let listed = session.client.peer().list_all_resources().await.unwrap();
    let uris: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).collect();
    assert!(uris.contains(&"mcpforge://rules/MCP107"), "{uris:?}");
    assert!(uris.contains(&"mcpforge://templates/service"), "{uris:?}");
    let templates = session
        .client
        .peer()
        .list_all_resource_templates()
        .await
        .unwrap();
    assert_eq!(templates[0].uri_template, "mcpforge://project/{+path}");

    let rule = session.read("mcpforge://rules/MCP107").await.unwrap();
    assert_eq!(rule, mcpforge::commands::lint::explain("MCP107").unwrap());
    let index = session.read("mcpforge://rules").await.unwrap();
    assert!(index.contains("[MCP107](MCP107.md)"));
    let template: Value =
        serde_json::from_str(&session.read("mcpforge://templates/minimal").await.unwrap()).unwrap();
    assert_eq!(template["name"], "minimal");
    assert!(
        template["questions"]
            .as_array()
            .is_some_and(|q| !q.is_empty())
    );

    let manifest = session.read("mcpforge://project/minimal").await.unwrap();
    assert_eq!(
        manifest,
        std::fs::read_to_string(root.join("minimal/.mcpforge.toml")).unwrap()
    );
    let absolute = format!("mcpforge://project/{}", root.join("minimal").display());
    assert_eq!(session.read(&absolute).await.unwrap(), manifest);

    let outside = tmp.path().join("outside");
    std::fs::write(outside.join(".mcpforge.toml"), "secret").unwrap();
    let err = session
        .read(&format!("mcpforge://project/{}", outside.display()))
        .await
        .unwrap_err();
    assert!(err.contains("outside the allowed roots"), "{err}");
    let err = session
        .read("mcpforge://project/../outside")
        .await
        .unwrap_err();
    assert!(err.contains("outside the allowed roots"), "{err}");
    assert!(session.read("mcpforge://rules/MCP000").await.is_err());
    assert!(session.read("mcpforge://nothing").await.is_err());
    session.still_serving().await;
}

#[tokio::test]
async fn the_prompt_walks_through_adding_a_tested_tool() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    let mut params = GetPromptRequestParams::new("add_tool_with_test");
    params.arguments = Some(
        json!({"project": "weather", "name": "get_forecast", "purpose": "forecast a city"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let prompt = session.client.peer().get_prompt(params).await.unwrap();
    let text: String = prompt
        .messages
        .iter()
        .filter_map(|m| m.content.as_text().map(|t| t.text.clone()))
        .collect();
    for needle in [
        "add_item",
        "dry_run=true",
        "src/tools/get_forecast.rs",
        "cargo test",
        "lint",
        "forecast a city",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

/// The binary over stdio: without --root, the directory it was started in is the only root.
#[tokio::test]
async fn the_binary_defaults_to_the_directory_it_starts_in() {
    let (tmp, root) = workspace();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcpforge"));
    command.arg("mcp").current_dir(&root);
    let transport = rmcp::transport::TokioChildProcess::new(command).unwrap();
    let client = ().serve(transport).await.expect("the binary speaks MCP");
    let call = |arguments: Value| {
        let mut params = CallToolRequestParams::new("new_project");
        if let Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        client.peer().call_tool(params)
    };
    let created = call(json!({"path": "minimal", "template": "minimal", "dry_run": true}))
        .await
        .unwrap();
    assert_eq!(created.is_error, Some(false), "{}", text(&created));
    let refused = call(json!({"path": "../escaped", "template": "minimal"}))
        .await
        .unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert!(
        text(&refused).contains("the current directory, as no --root was given"),
        "{}",
        text(&refused)
    );
    assert!(!tmp.path().join("escaped").exists());
    let _ = client.cancel().await;
}

#[test]
fn a_root_that_does_not_exist_is_a_usage_error() {
    let (tmp, _root) = workspace();
    crate::support::mcpforge(tmp.path())
        .args(["mcp", "--root", "missing"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("missing cannot be used: "))
        .stderr(predicates::str::contains(
            "help: pass an existing directory to --root",
        ));
}

/// Conflicts are reported the way the CLI reports them: a tool error naming the files and how to
/// find the blocks; the merge itself is written, as with `mcpforge upgrade`.
#[tokio::test]
async fn an_upgrade_with_conflicts_is_a_tool_error_naming_the_files() {
    let (_tmp, root) = workspace();
    let session = start(&root).await;
    session
        .ok(
            "new_project",
            json!({"path": "old", "template": "minimal", "template_version": "0.1.0",
                   "answers": {"name": "minimal"}}),
        )
        .await;
    let plan = session.ok("upgrade_plan", json!({"project": "old"})).await;
    // Change a line the template changes too: the first line the diff removes from README.md.
    let diff = plan["diff"].as_str().unwrap();
    let readme_hunks = diff
        .split("--- a/")
        .find(|section| section.starts_with("README.md"))
        .expect("the upgrade changes README.md");
    let removed = readme_hunks
        .lines()
        .find(|l| l.starts_with('-') && !l.starts_with("---"))
        .expect("a removed line")[1..]
        .to_string();
    let readme = root.join("old/README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(
        &readme,
        text.replacen(&removed, "A line the team rewrote.", 1),
    )
    .unwrap();

    let refusal = session
        .refused(
            "upgrade_apply",
            json!({"project": "old", "allow_dirty": true}),
        )
        .await;
    assert!(
        refusal.starts_with("upgraded with 1 conflict block(s) to resolve"),
        "{refusal}"
    );
    assert!(
        refusal.contains("help: find them with") && refusal.contains("README.md"),
        "{refusal}"
    );
    let merged = std::fs::read_to_string(&readme).unwrap();
    assert!(
        merged.contains("<<<<<<< yours\nA line the team rewrote.\n"),
        "{merged}"
    );
}

/// `upgrade_plan` through the binary (its templates from `MCPFORGE_TEMPLATES_DIR`): a move is a
/// file entry with `moved_from`, and nothing is written.
#[tokio::test]
async fn upgrade_plan_lists_moves() {
    let (tmp, root) = workspace();
    let templates = tmp.path().join("templates");
    crate::upgrade::layout_templates(&templates);
    crate::support::mcpforge(&root)
        .env("MCPFORGE_TEMPLATES_DIR", &templates)
        .args([
            "new",
            "weather",
            "--template",
            "layout",
            "--template-version",
            "1.0.0",
            "--yes",
        ])
        .assert()
        .success();
    let before = snapshot_tree(&root);
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcpforge"));
    command
        .arg("mcp")
        .current_dir(&root)
        .env("MCPFORGE_TEMPLATES_DIR", &templates);
    let transport = rmcp::transport::TokioChildProcess::new(command).unwrap();
    let client = ().serve(transport).await.expect("the binary speaks MCP");
    let params = CallToolRequestParams::new("upgrade_plan")
        .with_arguments(json!({"project": "weather"}).as_object().unwrap().clone());
    let result = client.peer().call_tool(params).await.unwrap();
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let plan = result.structured_content.clone().unwrap();
    let files = plan["files"].as_array().unwrap();
    let auth = files
        .iter()
        .find(|f| f["path"] == "platform/src/auth.rs")
        .unwrap_or_else(|| panic!("no move in {plan:#}"));
    assert_eq!(auth["moved_from"], "src/platform/auth.rs");
    assert_eq!(
        auth["outcome"], "updated",
        "moved, and the new render applied"
    );
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "src/main.rs" && f["moved_from"].is_null())
    );
    assert_eq!(plan["migrations"][0]["version"], "2.0.0");
    assert_eq!(snapshot_tree(&root), before, "upgrade_plan wrote files");
    let _ = client.cancel().await;
}

/// `lint` takes `workspace` (every member, like `lint --workspace`) and returns, as `notes`, the
/// warnings of a run that could not ask `cargo metadata` (here, a manifest cargo refuses but whose packages
/// can still be read).
#[tokio::test]
async fn lint_lints_a_workspace_when_asked_and_returns_its_notes() {
    let (_tmp, root) = workspace();
    let ws = root.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    for member in ["a", "b"] {
        std::fs::create_dir_all(ws.join(member).join("src")).unwrap();
        std::fs::write(
            ws.join(member).join("Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"),
        )
        .unwrap();
        std::fs::write(
            ws.join(member).join("src/lib.rs"),
            "pub async fn slow() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
        )
        .unwrap();
    }
    let session = start(&root).await;
    let files = |linted: &Value| -> Vec<String> {
        linted["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file"].as_str().unwrap().to_string())
            .collect()
    };
    let package = session
        .ok("lint", json!({"project": "ws/a", "select": ["MCP107"]}))
        .await;
    assert_eq!(files(&package), ["src/lib.rs"], "{package:#}");
    assert_eq!(package["notes"], json!([]));
    let whole = session
        .ok(
            "lint",
            json!({"project": "ws/a", "select": ["MCP107"], "workspace": true}),
        )
        .await;
    assert_eq!(files(&whole), ["a/src/lib.rs", "b/src/lib.rs"], "{whole:#}");

    // An edition cargo does not know: `cargo metadata` fails, the manifest still names the package.
    std::fs::write(
        ws.join("a/Cargo.toml"),
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2077\"\n",
    )
    .unwrap();
    let fallback = session
        .ok("lint", json!({"project": "ws/a", "select": ["MCP107"]}))
        .await;
    assert_eq!(files(&fallback), ["src/lib.rs"], "{fallback:#}");
    let notes = fallback["notes"].as_array().unwrap();
    assert!(
        notes.len() == 1
            && notes[0]
                .as_str()
                .unwrap()
                .contains("`cargo metadata` could not run"),
        "{fallback:#}"
    );
}
