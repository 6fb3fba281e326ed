//! `generated-fixtures/` must equal a fresh render, like `cargo fmt --check` for templates.
//!
//! Each fixture is re-rendered from the template and answers recorded in its own
//! `.mcpforge.toml`. To refresh after a template change, run the command in [`REFRESH`] and
//! commit the result: reviewers read template changes as diffs of the fixtures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mcpforge::project::{MANIFEST_FILE, ProjectManifest};
use mcpforge::template;

const REFRESH: &str = "MCPFORGE_UPDATE_FIXTURES=1 cargo test --test it fixtures";

/// Paths inside a fixture that are build products, not renders.
const IGNORED: &[&str] = &["target", "Cargo.lock"];

fn fixtures_dir() -> PathBuf {
    crate::support::repo_root().join("generated-fixtures")
}

/// Every fixture: a folder of `generated-fixtures/` with a `.mcpforge.toml`.
fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(MANIFEST_FILE).is_file())
        .collect();
    dirs.sort();
    dirs
}

fn files_on_disk(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if IGNORED.contains(&rel.as_str()) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn render_fixture(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let path = dir.join(MANIFEST_FILE);
    let manifest = ProjectManifest::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    let tpl = template::find(&manifest.template)
        .unwrap_or_else(|| panic!("{}: unknown template", path.display()));
    let given: Vec<(String, String)> = manifest
        .answers
        .0
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    let answers = template::resolve_answers(&tpl.manifest, &given, None, None).unwrap();
    template::render(tpl, &answers).unwrap().files
}

#[test]
fn fixtures_match_a_fresh_render() {
    let update = std::env::var_os("MCPFORGE_UPDATE_FIXTURES").is_some();
    let mut stale = Vec::new();
    for dir in fixtures() {
        let expected = render_fixture(&dir);
        let actual = files_on_disk(&dir);
        if expected == actual {
            continue;
        }
        if update {
            for extra in actual.keys().filter(|p| !expected.contains_key(*p)) {
                std::fs::remove_file(dir.join(extra)).unwrap();
            }
            for (rel, bytes) in &expected {
                let path = dir.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let paths: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
        for path in paths {
            match (expected.get(path), actual.get(path)) {
                (Some(e), Some(a)) if e != a => {
                    let diff = similar::TextDiff::from_lines(
                        &*String::from_utf8_lossy(a),
                        &*String::from_utf8_lossy(e),
                    )
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("{name}/{path} (committed)"),
                        &format!("{name}/{path} (fresh render)"),
                    )
                    .to_string();
                    stale.push(diff);
                }
                (Some(_), None) => stale.push(format!("{name}/{path}: missing from the fixture\n")),
                (None, Some(_)) => {
                    stale.push(format!("{name}/{path}: not produced by the template\n"))
                }
                _ => {}
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated-fixtures/ is stale:\n\n{}\nRefresh it with:\n    {REFRESH}\nand commit the result.",
        stale.join("\n")
    );
}

#[test]
fn every_template_has_a_fixture_and_every_fixture_builds_alone_from_its_lockfile() {
    let recorded: BTreeSet<String> = fixtures()
        .iter()
        .map(|dir| {
            let path = dir.join(MANIFEST_FILE);
            ProjectManifest::parse(&std::fs::read_to_string(&path).unwrap(), &path)
                .unwrap()
                .template
        })
        .collect();
    for tpl in template::all() {
        assert!(
            recorded.contains(tpl.name()),
            "template `{}` has no fixture in generated-fixtures/",
            tpl.name()
        );
    }
    // A generated project is a Cargo workspace of its own (the server and its platform crate),
    // so fixtures cannot share an outer workspace: each has a committed lockfile, and CI builds
    // them with one CARGO_TARGET_DIR so that equal dependencies compile once.
    assert!(
        !fixtures_dir().join("Cargo.toml").exists(),
        "generated-fixtures/Cargo.toml would make the fixtures members of an outer workspace"
    );
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let manifest: toml_edit::DocumentMut = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            manifest.get("workspace").is_some(),
            "generated-fixtures/{name}/Cargo.toml is not a workspace root"
        );
        assert!(
            dir.join("Cargo.lock").is_file(),
            "generated-fixtures/{name} has no Cargo.lock (run `cargo generate-lockfile` in it)"
        );
    }
}
