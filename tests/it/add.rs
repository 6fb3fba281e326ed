//! `mcpforge add tool`: registry edits on generated and hand-edited registries (snapshots and
//! byte-for-byte preservation), rendered tool files, and the command run against a copy of a
//! generated project, for success and every error path.

use std::path::{Path, PathBuf};

use mcpforge::edit::rust::{Insertion, RustSource, apply};
use mcpforge::project::registry::register;
use predicates::prelude::*;
use predicates::str::contains;

use crate::support::{assert_refused_in, mcpforge, repo_root, snapshot_tree};

fn registry(name: &str) -> (PathBuf, RustSource) {
    let path = repo_root().join("tests/fixtures/registries").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, RustSource::parse(Path::new(name), text).unwrap())
}

/// Removing exactly the inserted text from the edited file gives back the original, byte for byte.
fn assert_only_inserted(original: &str, insertions: &[Insertion], edited: &str) {
    let mut sorted = insertions.to_vec();
    sorted.sort_by_key(|i| i.offset);
    let mut restored = String::new();
    let (mut from_original, mut from_edited) = (0, 0);
    for ins in &sorted {
        let keep = ins.offset - from_original;
        restored.push_str(&edited[from_edited..from_edited + keep]);
        from_edited += keep;
        assert_eq!(&edited[from_edited..from_edited + ins.text.len()], ins.text);
        from_edited += ins.text.len();
        from_original = ins.offset;
    }
    restored.push_str(&edited[from_edited..]);
    assert_eq!(restored, original);
}

#[test]
fn registering_a_tool_keeps_every_other_byte_of_each_registry_shape() {
    for name in [
        "generated.rs",
        "commented.rs",
        "unusual_formatting.rs",
        "manual_registrations.rs",
        "empty.rs",
    ] {
        let (_, source) = registry(name);
        let insertions = register(Path::new(name), &source, "weather").unwrap();
        let edited = apply(&source.text, &insertions);
        assert_only_inserted(&source.text, &insertions, &edited);
        let reparsed = RustSource::parse(Path::new(name), edited.clone()).unwrap();
        let registry =
            mcpforge::project::registry::read_registry(Path::new(name), &reparsed).unwrap();
        assert!(
            registry.modules.contains(&"weather".to_string()),
            "{name}: {registry:?}"
        );
        assert!(
            registry.registered.contains(&"weather".to_string()),
            "{name}: {registry:?}"
        );
        insta::assert_snapshot!(
            format!("registry__{}", name.trim_end_matches(".rs")),
            edited
        );
    }
}

#[test]
fn unknown_registry_shapes_are_refused_with_the_shape_expected() {
    for name in ["unknown_shape.rs", "no_router.rs"] {
        let (_, source) = registry(name);
        let err = register(Path::new(name), &source, "weather").unwrap_err();
        let cli = err.downcast_ref::<mcpforge::error::CliError>().unwrap();
        insta::assert_snapshot!(
            format!("registry_error__{}", name.trim_end_matches(".rs")),
            format!(
                "error: {}\nhelp: {}",
                cli.message,
                cli.help.as_deref().unwrap_or_default()
            )
        );
    }
}

#[test]
fn an_already_registered_module_is_refused() {
    let (_, source) = registry("commented.rs");
    let err = register(Path::new("commented.rs"), &source, "invoices").unwrap_err();
    assert!(err.to_string().contains("already registered"), "{err}");
}

/// The layout `mcpforge add` writes for a project at the current `service` template.
fn current_layout() -> mcpforge::template::items::ItemPaths {
    mcpforge::template::find("service")
        .expect("service template")
        .manifest
        .layout
        .clone()
}

#[test]
fn tool_files_render_as_snapshotted() {
    use mcpforge::template::items::{ToolSpec, parse_param, pascal_case, render_tool, tool_ident};
    let cases: &[(&str, &[&str], bool)] = &[
        ("ping", &[], false),
        ("import_rows", &["source:string"], false),
        ("rebuild_index", &[], true),
        ("drop_table", &["table:string"], false),
        (
            "get_forecast",
            &[
                "city:string:The city to forecast",
                "days:int?",
                "tags:string[]?",
            ],
            true,
        ),
        (
            "weather.getAlerts",
            &["region:string", "severe_only:bool"],
            false,
        ),
    ];
    for (name, params, read_only) in cases {
        let ident = tool_ident(name).unwrap();
        let params: Vec<_> = params.iter().map(|p| parse_param(p).unwrap()).collect();
        let spec = ToolSpec {
            params_struct: format!("{}Params", pascal_case(&ident)),
            confirm_struct: format!("{}Confirm", pascal_case(&ident)),
            required: params.iter().any(|p| !p.optional),
            name: name.to_string(),
            description: format!("Example tool {name}."),
            ident: ident.clone(),
            params,
            read_only: *read_only,
            destructive: false,
            idempotent: *read_only,
            open_world: !read_only,
            // The request context: one tool with parameters, one without.
            progress: matches!(*name, "import_rows" | "rebuild_index"),
            // Questions and tasks: one tool with parameters, one without, and one with both.
            elicit: matches!(*name, "import_rows" | "drop_table"),
            task: matches!(*name, "rebuild_index" | "drop_table"),
        };
        let text = render_tool(&spec, &current_layout()).unwrap();
        RustSource::parse(Path::new("tool.rs"), text.clone()).unwrap();
        insta::assert_snapshot!(format!("tool__{ident}"), text);
    }
}

/// A fresh copy of the generated `minimal` fixture in a temporary directory.
pub(crate) fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    let fixture = repo_root().join("generated-fixtures/minimal");
    for (rel, bytes) in snapshot_tree(&fixture) {
        let path = root.join(&rel);
        if rel.to_string_lossy().ends_with('/') {
            std::fs::create_dir_all(&path).unwrap();
        } else {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    (tmp, root)
}

#[test]
fn adds_a_tool_file_its_registration_and_its_record() {
    let (_tmp, root) = project();
    mcpforge(&root)
        .args([
            "add",
            "tool",
            "get_forecast",
            "-d",
            "Forecast for a city",
            "-p",
            "city:string",
            "--read-only",
        ])
        .assert()
        .success()
        .stderr(contains("Added tool `get_forecast`"));
    let tool = std::fs::read_to_string(root.join("src/tools/get_forecast.rs")).unwrap();
    assert!(tool.contains("pub city: String"), "{tool}");
    assert!(tool.contains("read_only_hint = true"), "{tool}");
    let registry = std::fs::read_to_string(root.join("src/tools/mod.rs")).unwrap();
    assert!(
        registry.contains("mod get_forecast;\nmod greet;"),
        "{registry}"
    );
    assert!(
        registry.contains("router += get_forecast::router();"),
        "{registry}"
    );
    let manifest = std::fs::read_to_string(root.join(".mcpforge.toml")).unwrap();
    assert!(
        manifest
            .contains(r#""src/tools/get_forecast.rs" = { kind = "tool", name = "get_forecast" }"#),
        "{manifest}"
    );
}

#[test]
fn works_from_a_subdirectory_and_with_dash_c() {
    let (tmp, root) = project();
    mcpforge(&root.join("src/tools"))
        .args(["add", "tool", "from_inside"])
        .assert()
        .success();
    mcpforge(tmp.path())
        .args(["-C", "proj", "add", "tool", "from_outside"])
        .assert()
        .success();
    assert!(root.join("src/tools/from_inside.rs").is_file());
    assert!(root.join("src/tools/from_outside.rs").is_file());
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let (_tmp, root) = project();
    let before = snapshot_tree(&root);
    mcpforge(&root)
        .args(["add", "tool", "ping", "--dry-run"])
        .assert()
        .success()
        .stdout(
            contains("--- /dev/null\n+++ b/src/tools/ping.rs")
                .and(contains("+    router += ping::router();")),
        );
    assert_eq!(snapshot_tree(&root), before);
}

#[test]
fn force_replaces_the_file_and_keeps_one_registration() {
    let (_tmp, root) = project();
    mcpforge(&root)
        .args(["add", "tool", "ping"])
        .assert()
        .success();
    std::fs::write(root.join("src/tools/ping.rs"), "// broken by hand").unwrap();
    mcpforge(&root)
        .args(["add", "tool", "ping", "--force"])
        .assert()
        .success()
        .stderr(contains("replaced src/tools/ping.rs"));
    let registry = std::fs::read_to_string(root.join("src/tools/mod.rs")).unwrap();
    assert_eq!(registry.matches("ping::router()").count(), 1, "{registry}");
    assert!(
        std::fs::read_to_string(root.join("src/tools/ping.rs"))
            .unwrap()
            .contains("fn ping(")
    );
}

/// Runs `add` in a fresh project after `setup`; asserts the exit code, the message, and that the
/// project is byte-for-byte unchanged.
fn assert_refused(args: &[&str], code: i32, message: &str, setup: impl Fn(&Path)) {
    let (_tmp, root) = project();
    setup(&root);
    assert_refused_in(&root, &root, args, code, message);
}

#[test]
fn progress_needs_a_template_version_with_the_request_context() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args([
            "new",
            "old",
            "--template",
            "minimal",
            "--template-version",
            "0.3.0",
        ])
        .args(["--yes", "--quiet"])
        .assert()
        .success();
    let root = tmp.path().join("old");
    assert_refused_in(
        &root,
        &root,
        &["add", "tool", "import_rows", "--progress"],
        1,
        "--progress needs the platform's request context, which template `minimal` 0.3.0 does not have",
    );
    // Without --progress the same project takes the tool.
    mcpforge(&root)
        .args(["add", "tool", "import_rows", "--dry-run"])
        .assert()
        .success();
}

#[test]
fn elicit_and_task_need_a_template_version_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args([
            "new",
            "old",
            "--template",
            "minimal",
            "--template-version",
            "0.4.0",
        ])
        .args(["--yes", "--quiet"])
        .assert()
        .success();
    let root = tmp.path().join("old");
    assert_refused_in(
        &root,
        &root,
        &["add", "tool", "drop_table", "--elicit"],
        1,
        "--elicit needs the platform's questions to the client, which template `minimal` 0.4.0 does not have",
    );
    assert_refused_in(
        &root,
        &root,
        &["add", "tool", "rebuild_index", "--task"],
        1,
        "--task needs the platform's tasks, which template `minimal` 0.4.0 does not have",
    );
    // The request context is there: --progress is taken.
    mcpforge(&root)
        .args(["add", "tool", "import_rows", "--progress", "--dry-run"])
        .assert()
        .success();
}

#[test]
fn bad_names_params_and_flags_are_usage_errors() {
    let none = |_: &Path| {};
    assert_refused(
        &["add", "tool", "has space"],
        2,
        "cannot be a tool name: it contains ` `",
        none,
    );
    assert_refused(&["add", "tool", "1st"], 2, "must start with a letter", none);
    assert_refused(&["add", "tool", "fn"], 2, "`fn` is a Rust keyword", none);
    assert_refused(
        &["add", "tool", &"a".repeat(129)],
        2,
        "129 characters long",
        none,
    );
    assert_refused(
        &["add", "tool", "x", "-p", "city"],
        2,
        "it has no `:type`",
        none,
    );
    assert_refused(
        &["add", "tool", "x", "-p", "when:date"],
        2,
        "unknown type `date`",
        none,
    );
    assert_refused(
        &["add", "tool", "x", "-p", "a:int", "-p", "a:bool"],
        2,
        "`a` is given twice",
        none,
    );
    assert_refused(
        &["add", "tool", "x", "--read-only", "--destructive"],
        2,
        "both --read-only and --destructive",
        none,
    );
    assert_refused(
        &["add", "tool", "x", "--description", ""],
        2,
        "--description must be one non-empty line",
        none,
    );
}

#[test]
fn duplicates_are_refused() {
    let none = |_: &Path| {};
    assert_refused(
        &["add", "tool", "greet"],
        1,
        "src/tools/greet.rs already exists",
        none,
    );
    assert_refused(
        &["add", "tool", "hello"],
        1,
        "src/tools/other.rs already defines it",
        |root| {
            std::fs::write(
                root.join("src/tools/other.rs"),
                "#[tool(name = \"hello\")]\nasync fn say() {}\n",
            )
            .unwrap();
        },
    );
}

#[test]
fn registries_mcpforge_cannot_edit_safely_are_refused() {
    let copy = |name: &'static str| {
        move |root: &Path| {
            let text =
                std::fs::read_to_string(repo_root().join("tests/fixtures/registries").join(name))
                    .unwrap();
            std::fs::write(root.join("src/tools/mod.rs"), text).unwrap();
        }
    };
    assert_refused(
        &["add", "tool", "x"],
        1,
        "src/tools/mod.rs: no `fn router` found",
        copy("no_router.rs"),
    );
    assert_refused(
        &["add", "tool", "x"],
        1,
        "`fn router` does not end with the router variable",
        copy("unknown_shape.rs"),
    );
    assert_refused(
        &["add", "tool", "x"],
        1,
        "src/tools/mod.rs:",
        |root: &Path| {
            std::fs::write(root.join("src/tools/mod.rs"), "pub(crate) fn router( {").unwrap();
        },
    );
}

#[test]
fn outside_a_generated_project_it_says_where_to_run() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args(["add", "tool", "x"])
        .assert()
        .code(1)
        .stderr(
            contains("is not inside a project generated by mcpforge")
                .and(contains("help: run the command inside")),
        );
    assert!(snapshot_tree(tmp.path()).is_empty());
}

#[test]
fn resource_and_prompt_files_render_as_snapshotted() {
    use mcpforge::template::items::{
        PromptSpec, ResourceSpec, completer_names, parse_prompt_arg, parse_uri, pascal_case,
        render_prompt, render_resource, uri_vars,
    };
    /// Name, URI, whether it is a template, `--var`s, `--complete`s.
    type Case<'a> = (&'a str, &'a str, bool, &'a [&'a str], &'a [&'a str]);
    let resources: &[Case] = &[
        ("handbook", "docs://handbook", false, &[], &[]),
        (
            "current_weather",
            "weather://{city}/current",
            true,
            &[],
            &[],
        ),
        (
            "forecast",
            "weather://{city}/days/{n}",
            true,
            &["n:u32", "city:string:The city to forecast"],
            &["city", "n"],
        ),
    ];
    for (name, uri, template, typed, complete) in resources {
        let names = parse_uri(uri, *template).unwrap();
        let typed: Vec<String> = typed.iter().map(|t| t.to_string()).collect();
        let complete: Vec<String> = complete.iter().map(|c| c.to_string()).collect();
        let vars = uri_vars(uri, &names, &typed, &complete).unwrap();
        let fill = |bad: Option<&str>| {
            vars.iter().fold(uri.to_string(), |uri, v| {
                let value = if bad == Some(v.name.as_str()) {
                    &v.wrong
                } else {
                    &v.sample
                };
                uri.replace(&format!("{{{}}}", v.name), value)
            })
        };
        let invalid = vars
            .iter()
            .find(|v| v.rust_type != "String")
            .map(|v| v.name.clone());
        let spec = ResourceSpec {
            name: name.to_string(),
            ident: name.to_string(),
            description: format!("The {name} resource."),
            vars_struct: format!("{}Vars", pascal_case(name)),
            example_uri: fill(None),
            invalid_uri: invalid.as_deref().map(|v| fill(Some(v))),
            invalid_message: invalid.map(|v| format!("`{v}` must be")),
            completes: vars.iter().any(|v| v.complete),
            uri: uri.to_string(),
            vars,
            mime: "application/json".into(),
        };
        let text = render_resource(&spec, &current_layout()).unwrap();
        RustSource::parse(Path::new("resource.rs"), text.clone()).unwrap();
        insta::assert_snapshot!(format!("resource__{name}"), text);
    }
    for (name, args, complete) in [
        (
            "summarize",
            vec!["text", "style?:Tone of the summary"],
            vec!["style"],
        ),
        ("daily_brief", vec![], vec![]),
    ] {
        let mut args: Vec<_> = args.iter().map(|a| parse_prompt_arg(a).unwrap()).collect();
        let names: Vec<String> = args.iter().map(|a| a.name.clone()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (arg, completer) in args.iter_mut().zip(completer_names(&names)) {
            arg.complete = complete.contains(&arg.name.as_str());
            arg.completer = completer;
        }
        let spec = PromptSpec {
            args_struct: format!("{}Args", pascal_case(name)),
            required: args.iter().any(|a| !a.optional),
            completes: !complete.is_empty(),
            name: name.into(),
            ident: name.into(),
            description: format!("The {name} prompt."),
            args,
        };
        let text = render_prompt(&spec, &current_layout()).unwrap();
        RustSource::parse(Path::new("prompt.rs"), text.clone()).unwrap();
        insta::assert_snapshot!(format!("prompt__{name}"), text);
    }
}

#[test]
fn adds_resources_and_prompts() {
    let (_tmp, root) = project();
    mcpforge(&root)
        .args([
            "add",
            "resource",
            "current_weather",
            "--uri-template",
            "weather://{city}/current",
            "--mime",
            "application/json",
        ])
        .assert()
        .success()
        .stderr(contains("Added resource `current_weather`"));
    mcpforge(&root)
        .args(["add", "resource", "handbook"])
        .assert()
        .success();
    mcpforge(&root)
        .args([
            "add",
            "prompt",
            "summarize",
            "--arg",
            "text",
            "--arg",
            "style?",
        ])
        .assert()
        .success();
    let resource = std::fs::read_to_string(root.join("src/resources/current_weather.rs")).unwrap();
    assert!(
        resource.contains("ResourceRouter::template(template, read)"),
        "{resource}"
    );
    let handbook = std::fs::read_to_string(root.join("src/resources/handbook.rs")).unwrap();
    assert!(
        handbook.contains("\"minimal://handbook\""),
        "the default URI uses the project name: {handbook}"
    );
    let resources = std::fs::read_to_string(root.join("src/resources/mod.rs")).unwrap();
    assert!(
        resources.contains("mod about;\nmod current_weather;\nmod handbook;"),
        "{resources}"
    );
    let prompts = std::fs::read_to_string(root.join("src/prompts/mod.rs")).unwrap();
    assert!(
        prompts.contains("router += summarize::router();"),
        "{prompts}"
    );
    let manifest = std::fs::read_to_string(root.join(".mcpforge.toml")).unwrap();
    assert!(
        manifest
            .contains(r#""src/prompts/summarize.rs" = { kind = "prompt", name = "summarize" }"#),
        "{manifest}"
    );
}

#[test]
fn bad_resources_and_prompts_are_refused() {
    let none = |_: &Path| {};
    assert_refused(
        &["add", "resource", "x", "--uri", "nope"],
        2,
        "it has no `scheme://`",
        none,
    );
    assert_refused(
        &["add", "resource", "x", "--uri", "w://{city}"],
        2,
        "pass it with --template",
        none,
    );
    assert_refused(
        &["add", "resource", "x", "--uri-template", "w://plain"],
        2,
        "needs at least one {variable}",
        none,
    );
    assert_refused(
        &["add", "resource", "x", "--mime", "json"],
        2,
        "`json` is not a MIME type",
        none,
    );
    assert_refused(
        &[
            "add",
            "resource",
            "x",
            "--uri",
            "a://b",
            "--uri-template",
            "a://{b}",
        ],
        2,
        "cannot be used with",
        none,
    );
    assert_refused(
        &["add", "resource", "about"],
        1,
        "src/resources/about.rs already exists",
        none,
    );
    assert_refused(
        &["add", "resource", "again", "--uri", "about://server"],
        1,
        "src/resources/about.rs already defines it",
        none,
    );
    assert_refused(
        &["add", "prompt", "bad name"],
        2,
        "cannot be a prompt name",
        none,
    );
    assert_refused(
        &["add", "prompt", "x", "--arg", "Bad"],
        2,
        "`Bad` is not a snake_case name",
        none,
    );
    assert_refused(
        &["add", "prompt", "x", "--arg", "a", "--arg", "a?"],
        2,
        "--arg `a` is given twice",
        none,
    );
    assert_refused(
        &["add", "prompt", "welcome"],
        1,
        "src/prompts/welcome.rs already exists",
        none,
    );
}

#[test]
fn a_dependency_the_item_needs_is_restored_in_cargo_toml() {
    let (_tmp, root) = project();
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let without: String = cargo
        .lines()
        .filter(|l| !l.starts_with("serde_json"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("Cargo.toml"), &without).unwrap();
    mcpforge(&root)
        .args(["add", "tool", "ping"])
        .assert()
        .success()
        .stderr(contains("Cargo.toml"));
    let edited = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert_eq!(
        edited.replacen("serde_json = \"1\"\n", "", 1),
        without,
        "only the missing line may be added"
    );
}

#[test]
fn templated_resources_get_typed_variables_and_completers_reach_the_catalog() {
    let (_tmp, root) = project();
    let server_before = std::fs::read_to_string(root.join("src/server.rs")).unwrap();
    mcpforge(&root)
        .args([
            "add",
            "resource",
            "forecast",
            "--template",
            "weather://{city}/days/{n}",
            "--var",
            "n:u32",
            "--var",
            "city:string:The city to forecast",
            "--complete",
            "city",
        ])
        .assert()
        .success()
        .stderr(contains("Added resource `forecast`"))
        .stderr(contains("src/server.rs"))
        .stderr(contains("replaced").not());
    let file = std::fs::read_to_string(root.join("src/resources/forecast.rs")).unwrap();
    for expected in [
        "struct ForecastVars {",
        "    city: String,",
        "    n: u32,",
        "let vars = ForecastVars::parse(&request)?;",
        ".resource(URI_TEMPLATE, \"city\", complete_city)",
        "async fn complete_city_suggests()",
        "async fn a_value_of_the_wrong_type_is_invalid_params()",
        "\"weather://example/days/oops\"",
    ] {
        assert!(file.contains(expected), "{expected:?} missing:\n{file}");
    }
    let registry = std::fs::read_to_string(root.join("src/resources/mod.rs")).unwrap();
    assert!(
        registry.contains(
            "use platform::completions::Completions;\nuse platform::resources::ResourceRouter;"
        ),
        "{registry}"
    );
    assert!(
        registry.ends_with(
            "pub(crate) fn completions() -> Completions<Server> {\n    forecast::completions()\n}\n"
        ),
        "{registry}"
    );
    let server = std::fs::read_to_string(root.join("src/server.rs")).unwrap();
    assert_eq!(
        server,
        server_before.replacen(
            "        crate::resources::router(),\n    ))",
            "        crate::resources::router(),\n    )\n    .with_completions(crate::resources::completions()))",
            1
        ),
        "only the completions line is added to src/server.rs"
    );

    // A prompt's completer: the prompt registry gets its own `completions()`; a second one is
    // summed into it, and the catalog takes each registry's completers once.
    for (name, arg) in [("summarize", "style"), ("translate", "language")] {
        mcpforge(&root)
            .args(["add", "prompt", name, "--arg", "text", "--arg"])
            .arg(format!("{arg}?"))
            .args(["--complete", arg])
            .assert()
            .success();
    }
    let prompts = std::fs::read_to_string(root.join("src/prompts/mod.rs")).unwrap();
    assert!(
        prompts.contains("    summarize::completions() + translate::completions()\n"),
        "{prompts}"
    );
    let file = std::fs::read_to_string(root.join("src/prompts/summarize.rs")).unwrap();
    assert!(
        file.contains(".prompt(\"summarize\", \"style\", complete_style)"),
        "{file}"
    );
    let server = std::fs::read_to_string(root.join("src/server.rs")).unwrap();
    assert_eq!(
        server
            .matches(".with_completions(crate::prompts::completions())")
            .count(),
        1,
        "{server}"
    );

    // Replacing the prompt keeps one registration; without --complete it is refused, since the
    // registry calls its completers.
    mcpforge(&root)
        .args([
            "add",
            "prompt",
            "summarize",
            "--arg",
            "style",
            "--complete",
            "style",
            "--force",
        ])
        .assert()
        .success();
    let again = std::fs::read_to_string(root.join("src/prompts/mod.rs")).unwrap();
    assert_eq!(again, prompts);
    assert_refused_in(
        &root,
        &root,
        &["add", "prompt", "summarize", "--arg", "style", "--force"],
        1,
        "cannot replace prompt `summarize` without completers",
    );
}

#[test]
fn a_long_sum_of_completers_goes_one_a_line_as_rustfmt_writes_it() {
    let (_tmp, root) = project();
    for name in [
        "first_prompt_with_a_long_name",
        "second_prompt_with_a_long_name",
        "third",
    ] {
        mcpforge(&root)
            .args([
                "add",
                "prompt",
                name,
                "--arg",
                "topic",
                "--complete",
                "topic",
                "--quiet",
            ])
            .assert()
            .success();
    }
    let prompts = std::fs::read_to_string(root.join("src/prompts/mod.rs")).unwrap();
    assert!(
        prompts.contains(
            "    first_prompt_with_a_long_name::completions()\n        \
             + second_prompt_with_a_long_name::completions()\n        + third::completions()\n}"
        ),
        "{prompts}"
    );
}

#[test]
fn bad_uri_templates_variables_and_completions_are_refused() {
    let none = |_: &Path| {};
    for (template, message) in [
        ("w://{id:u32}", "`{id:u32}` is not a level-1 expansion"),
        ("w://{+path}", "`{+path}` uses the operator `+`"),
        ("w://x{?q}", "`{?q}` uses the operator `?`"),
        ("w://{a,b}", "`{a,b}` lists several variables"),
        ("w://{a*}", "`{a*}` uses the explode modifier"),
        ("w://{a:3}", "`{a:3}` is not a level-1 expansion"),
        (
            "w://{a}{b}",
            "`{a}{b}` has no text between the two variables",
        ),
        ("w://{}", "`{}` has no variable name"),
        ("w://{1a}", "`{1a}` is not a snake_case variable"),
        ("w://{Id}", "`{Id}` is not a snake_case variable"),
        ("w://{self}", "`{self}` cannot name a Rust field"),
        ("w://{a}/{a}", "`{a}` appears twice"),
        ("w://{a", "a `{` is not closed"),
        ("w://a}/{b}", "a `}` has no `{`"),
        ("{a}/b", "it has no `scheme://`"),
        ("w://{a}/x y", "without spaces"),
    ] {
        assert_refused(
            &["add", "resource", "x", "--template", template],
            2,
            message,
            none,
        );
    }
    let with = |extra: &[&'static str]| {
        let mut args = vec!["add", "resource", "x", "--template", "w://{a}/{b}"];
        args.extend_from_slice(extra);
        args
    };
    assert_refused(
        &with(&["--var", "c:int"]),
        2,
        "--var `c`: `w://{a}/{b}` has no variable `{c}`",
        none,
    );
    assert_refused(&with(&["--var", "a:date"]), 2, "unknown type `date`", none);
    assert_refused(&with(&["--var", "a:int?"]), 2, "always present", none);
    assert_refused(&with(&["--var", "a:string[]"]), 2, "always present", none);
    assert_refused(&with(&["--var", "a"]), 2, "it has no `:type`", none);
    assert_refused(
        &with(&["--var", "a:int", "--var", "a:u32"]),
        2,
        "--var `a` is given twice",
        none,
    );
    assert_refused(
        &with(&["--complete", "z"]),
        2,
        "has no variable `{z}`",
        none,
    );
    assert_refused(
        &with(&["--complete", "a", "--complete", "a"]),
        2,
        "--complete `a` is given twice",
        none,
    );
    assert_refused(
        &["add", "resource", "x", "--var", "a:int"],
        2,
        "--uri-template",
        none,
    );
    assert_refused(
        &["add", "resource", "x", "--uri", "w://a", "--complete", "a"],
        2,
        "`w://a` is a fixed URI",
        none,
    );
    assert_refused(
        &["add", "prompt", "p", "--arg", "a", "--complete", "b"],
        2,
        "--complete `b`: prompt `p` has no argument `b`",
        none,
    );
    assert_refused(
        &["add", "prompt", "p", "--complete", "b"],
        2,
        "prompt `p` has no argument `b`",
        none,
    );
    // A catalog mcpforge cannot find is refused before anything is written.
    assert_refused(
        &["add", "prompt", "p", "--arg", "a", "--complete", "a"],
        1,
        "src/server.rs: no `Catalog::new(…)` to hand the completers to",
        |root| {
            let server = std::fs::read_to_string(root.join("src/server.rs")).unwrap();
            std::fs::write(
                root.join("src/server.rs"),
                server.replace("Ok(Catalog::new(", "Ok(build("),
            )
            .unwrap();
        },
    );
}

#[test]
fn completions_need_a_template_version_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    mcpforge(tmp.path())
        .args([
            "new",
            "old",
            "--template",
            "minimal",
            "--template-version",
            "0.3.0",
        ])
        .args(["--yes", "--quiet"])
        .assert()
        .success();
    let root = tmp.path().join("old");
    assert_refused_in(
        &root,
        &root,
        &["add", "prompt", "p", "--arg", "a", "--complete", "a"],
        1,
        "--complete needs the platform's completions (`platform/src/completions.rs`), which template `minimal` 0.3.0 does not have",
    );
    // Typed variables need nothing new from the platform.
    mcpforge(&root)
        .args([
            "add",
            "resource",
            "r",
            "--template",
            "r://{id}",
            "--var",
            "id:u64",
            "--dry-run",
        ])
        .assert()
        .success();
}
