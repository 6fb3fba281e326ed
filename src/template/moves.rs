//! What a template version declares about the version before it, for `upgrade`: files it moved
//! or split (`[[moves]]`) and Rust paths the team's code must follow (`[[migrate.paths]]`).
//!
//! The declarations are part of `template.toml`, so the template history records them with the
//! version, and an upgrade across several versions finds every version's declarations. This module
//! parses and checks them; following them is `upgrade`'s job.

use anyhow::{bail, ensure};
use serde::Deserialize;

/// One `[[moves]]` entry: `from` (a file, or a folder ending in `/`) of the previous version is
/// at `to` in this one, or its content was split into the files of `split`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub from: String,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub split: Vec<String>,
}

impl Move {
    /// A folder move: every file below `from` keeps its path below `to`.
    pub fn is_dir(&self) -> bool {
        self.from.ends_with('/')
    }

    fn destinations(&self) -> Vec<&str> {
        self.to
            .iter()
            .map(String::as_str)
            .chain(self.split.iter().map(String::as_str))
            .collect()
    }
}

/// Where one version puts a path of the version before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Moved(String),
    /// Its content now lives in these files; no file continues it line for line.
    Split(Vec<String>),
}

/// The `[migrate]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migrate {
    /// `[[migrate.paths]]`: Rust path prefixes to rewrite in the team's code.
    #[serde(default)]
    pub paths: Vec<PathRule>,
}

/// One `[[migrate.paths]]` rule: paths starting with the segments of `from` start with those of
/// `to` instead. The longest matching `from` wins, so a rule for one item refines a rule for its
/// module.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathRule {
    pub from: String,
    pub to: String,
}

impl PathRule {
    /// `from` and `to` as segments (checked by [`check_path_rules`]).
    pub fn segments(&self) -> (Vec<String>, Vec<String>) {
        let split = |p: &str| p.split("::").map(|s| s.trim().to_string()).collect();
        (split(&self.from), split(&self.to))
    }
}

/// Where `moves` put `path` of the previous version; `None` when it stays where it is. A file
/// move refines a folder move that contains it.
pub fn destination(moves: &[Move], path: &str) -> Option<Destination> {
    if let Some(m) = moves.iter().find(|m| !m.is_dir() && m.from == path) {
        return Some(match &m.to {
            Some(to) => Destination::Moved(to.clone()),
            None => Destination::Split(m.split.clone()),
        });
    }
    let m = moves
        .iter()
        .find(|m| m.is_dir() && path.starts_with(&m.from))?;
    let to = m.to.as_deref()?;
    Some(Destination::Moved(format!("{to}{}", &path[m.from.len()..])))
}

/// Checks what one version's `[[moves]]` say on their own: the shape of each entry, and that no
/// two claim the same path or chain into each other.
pub fn check_moves(moves: &[Move]) -> anyhow::Result<()> {
    for m in moves {
        let at = format!("[[moves]] from = {:?}", m.from);
        check_relative(&m.from, &at)?;
        match (&m.to, m.split.is_empty()) {
            (Some(_), false) => bail!("{at}: give `to` (a move) or `split` (a split), not both"),
            (None, true) => bail!("{at}: needs `to` (where it moved) or `split` (its new files)"),
            _ => {}
        }
        for d in m.destinations() {
            check_relative(d, &at)?;
            ensure!(d != m.from, "{at}: moves a path onto itself");
        }
        if m.is_dir() {
            ensure!(
                m.to.as_deref().is_some_and(|to| to.ends_with('/')),
                "{at}: a folder (ending in `/`) moves to a folder: `to` must end in `/` too"
            );
        } else {
            ensure!(
                m.destinations().iter().all(|d| !d.ends_with('/')),
                "{at}: a file moves to a file; end `from` in `/` to move a folder"
            );
            ensure!(
                m.to.is_some() || m.split.len() >= 2,
                "{at}: a split names at least two files; use `to` for one"
            );
        }
    }
    for (i, a) in moves.iter().enumerate() {
        for b in &moves[i + 1..] {
            ensure!(
                a.from != b.from,
                "[[moves]]: two moves from {:?}; declare one",
                a.from
            );
            let nested = |outer: &Move, inner: &Move| {
                outer.is_dir() && inner.is_dir() && inner.from.starts_with(&outer.from)
            };
            ensure!(
                !nested(a, b) && !nested(b, a),
                "[[moves]]: the folder moves from {:?} and {:?} overlap; move the outer folder, \
                 or list the inner folder's files",
                a.from,
                b.from
            );
            for d in a.destinations() {
                ensure!(
                    !b.destinations().contains(&d),
                    "[[moves]]: {:?} and {:?} both move to {d:?}",
                    a.from,
                    b.from
                );
            }
        }
    }
    for a in moves {
        for b in moves {
            for d in a.destinations() {
                let chained = if b.is_dir() {
                    d.starts_with(&b.from)
                } else {
                    d == b.from
                };
                ensure!(
                    !chained,
                    "[[moves]] from = {:?}: its destination {d:?} is itself moved by the move from \
                     {:?}; name the final place",
                    a.from,
                    b.from
                );
            }
        }
    }
    Ok(())
}

/// Checks `moves` against the files of the version before (`previous`, output paths): every
/// source exists there, no two files land on one path, and no file lands on a file that stays.
pub fn check_moves_against(
    moves: &[Move],
    previous: &[String],
    previous_version: &str,
) -> anyhow::Result<()> {
    for m in moves {
        let exists = if m.is_dir() {
            previous.iter().any(|p| p.starts_with(&m.from))
        } else {
            previous.contains(&m.from)
        };
        ensure!(
            exists,
            "[[moves]] from = {:?}: version {previous_version} has no {} `{}`; a move names a \
             path of the version before it",
            m.from,
            if m.is_dir() { "folder" } else { "file" },
            m.from
        );
    }
    let mut landing: std::collections::BTreeMap<String, &str> = Default::default();
    for path in previous {
        let destinations = match destination(moves, path) {
            Some(Destination::Moved(to)) => vec![to],
            Some(Destination::Split(_)) | None => continue,
        };
        for to in destinations {
            if let Some(other) = landing.insert(to.clone(), path) {
                bail!("[[moves]]: both {other:?} and {path:?} move to {to:?}");
            }
            ensure!(
                !previous.contains(&to) || destination(moves, &to).is_some(),
                "[[moves]]: {path:?} moves to {to:?}, where version {previous_version} has a \
                 file that stays; move or remove that file too"
            );
        }
    }
    Ok(())
}

/// Checks `[[migrate.paths]]`: both sides are plain Rust paths, and no `from` is given twice.
pub fn check_path_rules(rules: &[PathRule]) -> anyhow::Result<()> {
    for rule in rules {
        for (key, path) in [("from", &rule.from), ("to", &rule.to)] {
            let parsed = syn::parse_str::<syn::Path>(path).ok().filter(|p| {
                p.leading_colon.is_none()
                    && p.segments
                        .iter()
                        .all(|s| matches!(s.arguments, syn::PathArguments::None))
            });
            ensure!(
                parsed.is_some(),
                "[[migrate.paths]] {key} = {path:?} is not a plain Rust path such as \
                 `crate::platform::errors`"
            );
        }
        ensure!(
            rule.from != rule.to,
            "[[migrate.paths]] from = {:?}: `to` is the same path",
            rule.from
        );
    }
    for (i, a) in rules.iter().enumerate() {
        ensure!(
            rules[i + 1..]
                .iter()
                .all(|b| a.segments().0 != b.segments().0),
            "[[migrate.paths]]: two rules from {:?}; declare one",
            a.from
        );
    }
    Ok(())
}

fn check_relative(path: &str, at: &str) -> anyhow::Result<()> {
    ensure!(
        !path.is_empty()
            && !path.starts_with('/')
            && !path.contains('\\')
            && !path.ends_with(".tera")
            && path
                .trim_end_matches('/')
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != ".."),
        "{at}: {path:?} is not a generated path (relative, `/`-separated, no `.`/`..`, without \
         `.tera`)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Manifest;

    fn manifest(extra: &str) -> anyhow::Result<Manifest> {
        let m = Manifest::parse(&format!(
            "name = \"t\"\nversion = \"1.0.0\"\ndescription = \"d\"\n{extra}"
        ))?;
        m.check(&[])?;
        Ok(m)
    }

    fn err(extra: &str) -> String {
        format!("{:#}", manifest(extra).unwrap_err())
    }

    #[test]
    fn parses_moves_splits_and_path_rules() {
        let m = manifest(
            "[[moves]]\nfrom = \"src/platform/\"\nto = \"platform/src/\"\n\n\
             [[moves]]\nfrom = \"src/platform/mod.rs\"\nto = \"platform/src/lib.rs\"\n\n\
             [[moves]]\nfrom = \"src/platform/config.rs\"\nsplit = [\"platform/src/config/mod.rs\", \"src/settings.rs\"]\n\n\
             [[migrate.paths]]\nfrom = \"crate::platform\"\nto = \"platform\"\n",
        )
        .unwrap();
        assert_eq!(
            destination(&m.moves, "src/platform/auth.rs"),
            Some(Destination::Moved("platform/src/auth.rs".into()))
        );
        assert_eq!(
            destination(&m.moves, "src/platform/mod.rs"),
            Some(Destination::Moved("platform/src/lib.rs".into())),
            "a file move refines the folder move"
        );
        assert!(matches!(
            destination(&m.moves, "src/platform/config.rs"),
            Some(Destination::Split(files)) if files.len() == 2
        ));
        assert_eq!(destination(&m.moves, "src/main.rs"), None);
        assert_eq!(
            m.migrate.paths[0].segments(),
            (
                vec!["crate".to_string(), "platform".to_string()],
                vec!["platform".to_string()]
            )
        );
    }

    #[test]
    fn malformed_moves_are_template_author_errors() {
        let cases = [
            (
                "[[moves]]\nfrom = \"a.rs\"\ntoo = \"b.rs\"\n",
                "unknown field `too`",
            ),
            ("[[moves]]\nfrom = \"a.rs\"\n", "needs `to`"),
            (
                "[[moves]]\nfrom = \"a.rs\"\nto = \"b.rs\"\nsplit = [\"c.rs\", \"d.rs\"]\n",
                "not both",
            ),
            (
                "[[moves]]\nfrom = \"src/\"\nto = \"lib.rs\"\n",
                "`to` must end in `/`",
            ),
            (
                "[[moves]]\nfrom = \"../a.rs\"\nto = \"b.rs\"\n",
                "not a generated path",
            ),
            (
                "[[moves]]\nfrom = \"a.rs\"\nsplit = [\"b.rs\"]\n",
                "at least two",
            ),
            (
                "[[moves]]\nfrom = \"a.rs\"\nto = \"b.rs\"\n[[moves]]\nfrom = \"a.rs\"\nto = \"c.rs\"\n",
                "two moves from \"a.rs\"",
            ),
            (
                "[[moves]]\nfrom = \"src/\"\nto = \"x/\"\n[[moves]]\nfrom = \"src/p/\"\nto = \"y/\"\n",
                "overlap",
            ),
            (
                "[[moves]]\nfrom = \"a.rs\"\nto = \"c.rs\"\n[[moves]]\nfrom = \"b.rs\"\nto = \"c.rs\"\n",
                "both move to \"c.rs\"",
            ),
            (
                "[[moves]]\nfrom = \"a.rs\"\nto = \"b.rs\"\n[[moves]]\nfrom = \"b.rs\"\nto = \"c.rs\"\n",
                "name the final place",
            ),
            (
                "[[migrate.paths]]\nfrom = \"crate::platform<T>\"\nto = \"platform\"\n",
                "not a plain Rust path",
            ),
            (
                "[[migrate.paths]]\nfrom = \"crate::x\"\nto = \"y\"\nunless = 1\n",
                "unknown field `unless`",
            ),
        ];
        for (toml, expected) in cases {
            let message = err(toml);
            assert!(message.contains(expected), "{toml}\n→ {message}");
        }
    }

    #[test]
    fn moves_are_checked_against_the_previous_version() {
        let previous: Vec<String> = ["src/platform/mod.rs", "src/platform/auth.rs", "src/main.rs"]
            .map(String::from)
            .to_vec();
        let m = |toml: &str| manifest(toml).unwrap().moves;
        let ok = m("[[moves]]\nfrom = \"src/platform/\"\nto = \"platform/src/\"\n");
        check_moves_against(&ok, &previous, "0.3.0").unwrap();

        let missing =
            m("[[moves]]\nfrom = \"src/platform/nope.rs\"\nto = \"platform/src/nope.rs\"\n");
        let e = check_moves_against(&missing, &previous, "0.3.0")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("version 0.3.0 has no file `src/platform/nope.rs`"),
            "{e}"
        );

        let no_dir = m("[[moves]]\nfrom = \"src/nope/\"\nto = \"x/\"\n");
        let e = check_moves_against(&no_dir, &previous, "0.3.0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no folder"), "{e}");

        let onto = m("[[moves]]\nfrom = \"src/platform/auth.rs\"\nto = \"src/main.rs\"\n");
        let e = check_moves_against(&onto, &previous, "0.3.0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a file that stays"), "{e}");

        let collide = m("[[moves]]\nfrom = \"src/platform/\"\nto = \"p/\"\n\
             [[moves]]\nfrom = \"src/main.rs\"\nto = \"p/auth.rs\"\n");
        let e = check_moves_against(&collide, &previous, "0.3.0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("move to \"p/auth.rs\""), "{e}");
    }
}
