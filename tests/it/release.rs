//! mcpforge installs the way Rust tools install: the crates.io metadata is complete, and
//! `cargo binstall` metadata names exactly the archives the release workflow builds.

use crate::support::repo_root;

/// The targets the release workflow must build (issue #16).
const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn manifest() -> toml_edit::DocumentMut {
    std::fs::read_to_string(repo_root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn crates_io_metadata_is_complete() {
    let manifest = manifest();
    let package = &manifest["package"];
    for key in [
        "description",
        "license",
        "repository",
        "homepage",
        "documentation",
        "readme",
        "keywords",
        "categories",
        "rust-version",
    ] {
        assert!(
            !package[key].is_none(),
            "Cargo.toml [package] lacks `{key}`"
        );
    }
}

/// Expands the binstall templates the way cargo-binstall does, for the variables used here.
fn expand(template: &str, target: &str) -> String {
    let manifest = manifest();
    let package = &manifest["package"];
    let ext = if target.contains("windows") {
        ".exe"
    } else {
        ""
    };
    template
        .replace("{ repo }", package["repository"].as_str().unwrap())
        .replace("{ version }", package["version"].as_str().unwrap())
        .replace("{ name }", package["name"].as_str().unwrap())
        .replace("{ target }", target)
        .replace("{ bin }", "mcpforge")
        .replace("{ binary-ext }", ext)
}

#[test]
fn binstall_metadata_names_the_release_archives() {
    let manifest = manifest();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let workflow =
        std::fs::read_to_string(repo_root().join(".github/workflows/release.yml")).unwrap();
    for target in TARGETS {
        assert!(
            workflow.contains(&format!("target: {target},")),
            "release.yml does not build {target}"
        );
        let over = binstall["overrides"].get(target);
        let field = |key: &str| {
            over.and_then(|o| o.get(key))
                .and_then(|v| v.as_str())
                .or_else(|| binstall.get(key).and_then(|v| v.as_str()))
                .unwrap_or_else(|| panic!("binstall metadata lacks `{key}`"))
                .to_string()
        };
        let (suffix, fmt) = if target.contains("windows") {
            (".zip", "zip")
        } else {
            (".tar.gz", "tgz")
        };
        let version = manifest["package"]["version"].as_str().unwrap();
        assert_eq!(
            expand(&field("pkg-url"), target),
            format!(
                "https://github.com/mcpforge/mcpforge/releases/download/v{version}/mcpforge-{target}{suffix}"
            )
        );
        assert_eq!(field("pkg-fmt"), fmt, "{target}");
        let ext = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        assert_eq!(
            expand(&field("bin-dir"), target),
            format!("mcpforge-{target}/mcpforge{ext}")
        );
    }
    // The workflow's archive layout: a folder mcpforge-<target> holding the binary.
    for line in [
        r#"name="mcpforge-$TARGET""#,
        r#"archive="$name.tar.gz""#,
        r#"archive="$name.zip""#,
        r#"cp "target/$TARGET/release/mcpforge$ext""#,
    ] {
        assert!(
            workflow.contains(line),
            "release.yml no longer has `{line}`"
        );
    }
}
