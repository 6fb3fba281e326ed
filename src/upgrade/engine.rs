//! Planning an upgrade of a whole project: render the version it was generated from (the base)
//! and the current version (theirs) with its answers, decide each file against what is on disk
//! (ours) — a file the template moved between its old path (base, ours) and its new one (theirs),
//! see [`super::moves`] — run the migrations on the team's Rust files, and collect every write in
//! one [`Transaction`] whose last change is `.mcpforge.toml`. Nothing here writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context as _;

use super::merge::{Labels, merge3};
use super::moves::MoveChain;
use super::plan::{Action, plan_file};
use super::{migrations, registry_merge};
use crate::edit::{Change, Transaction};
use crate::error::CliError;
use crate::project::{self, MANIFEST_FILE, ProjectManifest};
use crate::template::moves::Destination;
use crate::template::{self, AnswerValue, Answers, Owner, Template, history};

/// What an upgrade starts from.
pub struct Request<'a> {
    pub root: &'a Path,
    pub manifest: &'a ProjectManifest,
    /// The text of `.mcpforge.toml`, whose other sections are kept.
    pub manifest_text: &'a str,
    /// The template at the version the project records (see [`base_template`]).
    pub base: &'a Template,
    /// The template version to move to (the embedded current one).
    pub target: &'a Template,
    /// The released versions strictly between `base` and `target`, oldest first (see
    /// [`between_templates`]): their `[[moves]]` and `[[migrate.paths]]` apply too.
    pub between: &'a [Template],
    /// Answers to change (`--set key=value`), in order.
    pub set: &'a [(String, String)],
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Replaced by the new render (the team never changed it).
    Updated,
    /// The team's version kept (the template did not change it).
    Kept,
    /// Both changed it; merged without conflict.
    Merged,
    /// Both changed it; written with this many conflict blocks.
    Conflicted(usize),
    /// New in the template.
    Created,
    /// Dropped by the template, never changed by the team.
    Removed,
    /// Dropped by the template but changed by the team: kept.
    KeptRemoved,
    /// Deleted by the team: stays deleted.
    StaysDeleted,
    /// Both changed a file that is not text: the team's version kept, the new one not applied.
    NotMerged,
    /// Edited by a migration (and by nothing else).
    Migrated,
    /// Moved to a new path by the template, its content unchanged (or as the template has it
    /// now, when neither side changed it).
    Moved,
}

impl Outcome {
    /// The word the summary uses.
    pub fn verb(&self) -> &'static str {
        match self {
            Outcome::Updated => "updated",
            Outcome::Kept => "kept",
            Outcome::Merged => "merged",
            Outcome::Conflicted(_) => "conflict",
            Outcome::Created => "created",
            Outcome::Removed => "removed",
            Outcome::KeptRemoved => "kept",
            Outcome::StaysDeleted => "deleted",
            Outcome::NotMerged => "skipped",
            Outcome::Migrated => "migrated",
            Outcome::Moved => "moved",
        }
    }
}

/// One file's outcome, with a note for the reader where the verb is not enough.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Where the file is after the upgrade.
    pub path: String,
    /// Where it was before, when a template move took it to `path`; `outcome` then says what
    /// happened to its content on the way (moved as it was, updated, kept, merged, conflict).
    pub moved_from: Option<String>,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// What one migration did.
#[derive(Debug, Clone)]
pub struct MigrationReport {
    pub summary: String,
    pub version: String,
    pub edited: Vec<String>,
    /// Files it could not parse (for example, because of conflict markers), with the reason.
    pub skipped: Vec<(String, String)>,
}

/// The whole upgrade, ready to show or apply.
pub struct UpgradePlan {
    pub template: String,
    pub from: semver::Version,
    pub to: semver::Version,
    /// Answers that change: key, old value, new value.
    pub answers_changed: Vec<(String, String, String)>,
    pub files: Vec<FileReport>,
    pub migrations: Vec<MigrationReport>,
    /// The template changelog entries between the two versions.
    pub changelog: String,
    /// Every write, `.mcpforge.toml` last.
    pub transaction: Transaction,
}

impl UpgradePlan {
    /// Files written with conflict blocks.
    pub fn conflicts(&self) -> Vec<&FileReport> {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::Conflicted(_)))
            .collect()
    }

    /// Nothing to write: the project is at the target version with the same answers.
    pub fn is_noop(&self) -> bool {
        self.transaction.changes().is_empty()
    }
}

/// The template a project was generated from, at its recorded version: the current one when
/// the versions match, else the release embedded in the template history. Refuses a recorded
/// version newer than `current`.
pub fn base_template(
    manifest: &ProjectManifest,
    current: &'static Template,
) -> anyhow::Result<BaseTemplate> {
    let from = parse_version(&manifest.template_version, "the project's template version")?;
    let to = parse_version(current.version(), "the template version")?;
    if from > to {
        return Err(CliError::failure(format!(
            "the project is at template {} {from}, newer than this mcpforge's {to}",
            manifest.template
        ))
        .with_help("install a newer mcpforge")
        .into());
    }
    if from == to {
        return Ok(BaseTemplate::Current(current));
    }
    history::load(&manifest.template, &manifest.template_version)
        .map(|t| BaseTemplate::Released(Box::new(t)))
}

/// The base template: the embedded current one, or a release loaded from the history.
pub enum BaseTemplate {
    Current(&'static Template),
    Released(Box<Template>),
}

impl std::ops::Deref for BaseTemplate {
    type Target = Template;

    fn deref(&self) -> &Template {
        match self {
            BaseTemplate::Current(t) => t,
            BaseTemplate::Released(t) => t,
        }
    }
}

/// Plans the upgrade. Fails (writing nothing) when an answer is invalid or a version is not
/// a semantic version.
pub fn plan(request: &Request<'_>) -> anyhow::Result<UpgradePlan> {
    let manifest = request.manifest;
    let target = request.target;
    let base_template = request.base;
    let from = parse_version(base_template.version(), "the project's template version")?;
    let to = parse_version(target.version(), "the template version")?;

    let chain: Vec<&Template> = std::iter::once(base_template)
        .chain(request.between.iter())
        .chain(std::iter::once(target))
        .collect();
    let moves = MoveChain::new(&chain)?;

    let new_answers = resolve_new_answers(request)?;
    // The base as it was written: by the mcpforge that generated or last upgraded the project.
    let written_by = manifest
        .generator_version()
        .unwrap_or(env!("CARGO_PKG_VERSION"));
    let base = template::render_as(base_template, &manifest.answers, written_by)
        .with_context(|| format!("failed to render {} {from}", manifest.template))?;
    let theirs = template::render(target, &new_answers)
        .with_context(|| format!("failed to render {} {to}", target.name()))?;

    let added: BTreeSet<String> = project::added_paths(request.manifest_text)
        .into_iter()
        .collect();
    let labels = Labels {
        ours: "yours",
        base: &format!("{} {from}", manifest.template),
        theirs: &format!("{} {to}", target.name()),
    };

    // Old paths the template moved or split, and the new paths their moves fill.
    let mut moved: BTreeMap<&String, Destination> = BTreeMap::new();
    for path in base.files.keys().filter(|p| *p != MANIFEST_FILE) {
        if let Some(destination) = moves.follow(path) {
            moved.insert(path, destination);
        }
    }
    let filled: BTreeSet<&String> = moved
        .values()
        .filter_map(|d| match d {
            Destination::Moved(to) => theirs.files.get_key_value(to).map(|(k, _)| k),
            Destination::Split(_) => None,
        })
        .collect();

    let mut out = Planned {
        root: request.root,
        files: Vec::new(),
        writes: BTreeMap::new(),
    };
    let paths: BTreeSet<&String> = base
        .files
        .keys()
        .chain(theirs.files.keys())
        .filter(|p| *p != MANIFEST_FILE && !moved.contains_key(p) && !filled.contains(p))
        .collect();
    for path in paths {
        let owner = if added.contains(path) {
            Owner::Team
        } else if theirs.files.contains_key(path) {
            let now = target.manifest.owner_of(path);
            let before = base_template.manifest.owner_of(path);
            // A file the older version did not hand to the team (service 0.5.0's `server.rs`)
            // is merged once more as it was owned then: it becomes the team's with this upgrade.
            if now == Owner::Team && base.files.contains_key(path) && before != Owner::Team {
                before
            } else {
                now
            }
        } else {
            base_template.manifest.owner_of(path)
        };
        let ours = read_file(request.root, path);
        let (old, new) = (base.files.get(path), theirs.files.get(path));
        let mut action = plan_file(
            owner,
            old.map(Vec::as_slice),
            new.map(Vec::as_slice),
            ours.as_deref(),
            labels,
        );
        // An item registry the team extended (with `add`) while the template added items of its
        // own: register the template's new items in the team's registry the way `add` would,
        // instead of a conflict block around the `mod` lines.
        if let Action::Merge { conflicts: 1.., .. } = action
            && target.manifest.items.values().any(|l| &l.registry == path)
            && let (Some(old), Some(new), Some(current)) = (old, new, ours.as_deref())
            && let Some(merged) = registry_merge::merge(Path::new(path), old, current, new)
        {
            action = Action::Merge {
                text: merged.into_bytes(),
                conflicts: 0,
            };
        }
        out.decide(
            action,
            path,
            None,
            Sides {
                ours: ours.as_deref(),
                theirs: new.map(Vec::as_slice),
                labels,
            },
            None,
        );
    }

    let mut renamed_added = Vec::new();
    for (old_path, destination) in &moved {
        let owner = if added.contains(*old_path) {
            Owner::Team
        } else {
            base_template.manifest.owner_of(old_path)
        };
        let old = &base.files[*old_path];
        let ours = read_file(request.root, old_path);
        match destination {
            Destination::Split(files) => {
                let action = plan_file(owner, Some(old), None, ours.as_deref(), labels);
                let kept = matches!(action, Action::KeepRemoved);
                let mut note = format!("the template split it into {}", files.join(", "));
                if kept {
                    note.push_str(
                        "; you changed it, so it stays here: carry your edits over, then delete it",
                    );
                }
                out.decide(
                    action,
                    old_path,
                    None,
                    Sides {
                        ours: ours.as_deref(),
                        theirs: None,
                        labels,
                    },
                    Some(note),
                );
            }
            Destination::Moved(new_path) => {
                let Some(new) = theirs.files.get(new_path) else {
                    let action = plan_file(owner, Some(old), None, ours.as_deref(), labels);
                    let note = format!("the template moved it to {new_path}, then dropped it");
                    out.decide(
                        action,
                        old_path,
                        None,
                        Sides {
                            ours: ours.as_deref(),
                            theirs: None,
                            labels,
                        },
                        Some(note),
                    );
                    continue;
                };
                // A file at the destination that moves away itself is not in the way.
                let at_new = if moved.contains_key(new_path) {
                    None
                } else {
                    read_file(request.root, new_path)
                };
                out.plan_move(Move {
                    from: old_path,
                    to: new_path,
                    registry: target
                        .manifest
                        .items
                        .values()
                        .any(|l| &l.registry == new_path),
                    owner,
                    old,
                    new,
                    ours: ours.as_deref(),
                    at_new: at_new.as_deref(),
                    labels,
                });
            }
        }
    }
    // Files below a moved folder that no render has (the team's own): they go with the folder.
    let rendered: BTreeSet<&String> = base.files.keys().chain(theirs.files.keys()).collect();
    renamed_added.extend(move_folder_extras(&moves, &rendered, &added, &mut out));

    let Planned {
        mut files,
        mut writes,
        ..
    } = out;
    let migrations = run_migrations(request, &from, &to, &mut writes, &mut files)?;
    if !request.set.is_empty() {
        let mut rust = BTreeSet::new();
        files_below(
            request.root,
            request.root,
            &|name| name.ends_with(".rs"),
            &mut rust,
        );
        rust.extend(writes.keys().filter(|p| p.ends_with(".rs")).cloned());
        super::dropped::check(
            request.root,
            target,
            &manifest.answers,
            &new_answers,
            &rust,
            &writes,
        )?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let mut transaction = Transaction::new();
    for change in writes.into_values() {
        transaction.push(change);
    }
    // The manifest goes last: if the upgrade is interrupted, the project still records the old
    // version, and running `mcpforge upgrade` again finishes the job.
    // (`for_render` leaves the manifest itself out of the files it records.)
    let rendered_manifest = ProjectManifest::for_render(target, &new_answers, &theirs.files);
    let manifest_text = project::rename_added(request.manifest_text, &renamed_added)?;
    let new_text = project::rewrite_manifest(&manifest_text, &rendered_manifest)?;
    if new_text != request.manifest_text {
        transaction.push(Change {
            path: request.root.join(MANIFEST_FILE),
            display: MANIFEST_FILE.to_string(),
            before: Some(request.manifest_text.as_bytes().to_vec()),
            after: Some(new_text.into_bytes()),
        });
    }

    Ok(UpgradePlan {
        template: target.name().to_string(),
        changelog: history::changes_between(target.name(), &from, &to),
        answers_changed: changed_answers(&manifest.answers, &new_answers),
        from,
        to,
        files,
        migrations,
        transaction,
    })
}

/// Moves the files below folders the template moved that neither render has (the team's own)
/// along with their folder, unless their new path is taken. Returns the `[added]` entries that
/// moved (old path, new path).
fn move_folder_extras(
    moves: &MoveChain<'_>,
    rendered: &BTreeSet<&String>,
    added: &BTreeSet<String>,
    out: &mut Planned<'_>,
) -> Vec<(String, String)> {
    let mut extras = BTreeSet::new();
    for folder in moves.moved_folders() {
        files_below(out.root, &out.root.join(folder), &|_| true, &mut extras);
    }
    let mut renamed_added = Vec::new();
    for old_path in extras.iter().filter(|p| !rendered.contains(p)) {
        let Some(Destination::Moved(new_path)) = moves.follow(old_path) else {
            continue;
        };
        let Some(ours) = read_file(out.root, old_path) else {
            continue;
        };
        if rendered.contains(&new_path) || out.root.join(&new_path).exists() {
            out.report(
                old_path,
                None,
                Outcome::Kept,
                Some(format!(
                    "yours, in a folder the template moved; {new_path} is taken, so it stays here"
                )),
            );
            continue;
        }
        out.write(old_path, None);
        out.write(&new_path, Some(ours));
        out.report(
            &new_path,
            Some(old_path),
            Outcome::Moved,
            Some("yours, moved with its folder".to_string()),
        );
        if added.contains(old_path) {
            renamed_added.push((old_path.clone(), new_path));
        }
    }
    renamed_added
}

/// The released versions of `target`'s template after `from` and before `target`'s own, oldest
/// first, from the embedded history.
pub fn between_templates(target: &Template, from: &str) -> anyhow::Result<Vec<Template>> {
    let from = parse_version(from, "the project's template version")?;
    let to = parse_version(target.version(), "the template version")?;
    history::versions(target.name())
        .into_iter()
        .filter(|v| *v > from && *v < to)
        .map(|v| history::load(target.name(), &v.to_string()))
        .collect()
}

/// One declared move of one file, with everything the decision needs.
struct Move<'a> {
    from: &'a str,
    to: &'a str,
    /// `to` is an item registry (merged by structure when the line merge conflicts).
    registry: bool,
    owner: Owner,
    /// The old render at `from`.
    old: &'a [u8],
    /// The new render at `to`.
    new: &'a [u8],
    /// What is on disk at `from`.
    ours: Option<&'a [u8]>,
    /// What is on disk at `to`.
    at_new: Option<&'a [u8]>,
    labels: Labels<'a>,
}

/// A file's two sides where the template adds it and the team has one: what is on disk
/// (`ours`), the new render (`theirs`), and the labels their conflict markers get.
struct Sides<'a> {
    ours: Option<&'a [u8]>,
    theirs: Option<&'a [u8]>,
    labels: Labels<'a>,
}

/// The writes and reports planned so far.
struct Planned<'a> {
    root: &'a Path,
    files: Vec<FileReport>,
    writes: BTreeMap<String, Change>,
}

impl Planned<'_> {
    /// Plans `path`'s new contents (`None` removes it), against what is on disk now.
    fn write(&mut self, path: &str, after: Option<Vec<u8>>) {
        // Where files swap places, one move empties a path another fills: the file wins.
        if let Some(existing) = self.writes.get_mut(path) {
            if after.is_some() {
                existing.after = after;
            }
            return;
        }
        self.writes.insert(
            path.to_string(),
            Change {
                path: self.root.join(path),
                display: path.to_string(),
                before: read_file(self.root, path),
                after,
            },
        );
    }

    fn report(
        &mut self,
        path: &str,
        moved_from: Option<&str>,
        outcome: Outcome,
        note: Option<String>,
    ) {
        self.files.push(FileReport {
            path: path.to_string(),
            moved_from: moved_from.map(str::to_string),
            outcome,
            note,
        });
    }

    /// Carries out `action` for `path` and reports it; `note` replaces the default note.
    fn decide(
        &mut self,
        action: Action,
        path: &str,
        moved_from: Option<&str>,
        sides: Sides<'_>,
        note: Option<String>,
    ) {
        let Sides {
            ours,
            theirs,
            labels,
        } = sides;
        let (outcome, default_note) = match action {
            Action::Unchanged => return,
            Action::Update(new) => {
                self.write(path, Some(new));
                (Outcome::Updated, None)
            }
            Action::Keep => (Outcome::Kept, None),
            Action::Merge { text, conflicts } => {
                self.write(path, Some(text));
                if conflicts == 0 {
                    (Outcome::Merged, None)
                } else {
                    (Outcome::Conflicted(conflicts), None)
                }
            }
            Action::Create(new) => {
                self.write(path, Some(new));
                (Outcome::Created, None)
            }
            Action::CreateConflict => {
                // Both "added" the file: merge against an empty base, so the differences
                // become one conflict block the team resolves like any other.
                match (
                    ours.map(std::str::from_utf8),
                    theirs.map(std::str::from_utf8),
                ) {
                    (Some(Ok(current)), Some(Ok(new))) => {
                        let merged = merge3("", current, new, labels);
                        self.write(path, Some(merged.text.into_bytes()));
                        (
                            Outcome::Conflicted(merged.conflicts.max(1)),
                            Some("the template now adds a file here too".to_string()),
                        )
                    }
                    _ => (
                        Outcome::NotMerged,
                        Some("the template adds a binary file here; yours was kept".to_string()),
                    ),
                }
            }
            Action::Remove => {
                self.write(path, None);
                (Outcome::Removed, None)
            }
            Action::KeepRemoved => (
                Outcome::KeptRemoved,
                Some("the template dropped it, but you changed it".to_string()),
            ),
            Action::StaysDeleted => (
                Outcome::StaysDeleted,
                Some("you deleted it; it stays deleted".to_string()),
            ),
            Action::BinaryConflict => (
                Outcome::NotMerged,
                Some("both sides changed this binary file; yours was kept".to_string()),
            ),
        };
        self.report(path, moved_from, outcome, note.or(default_note));
    }

    /// Follows one move: the merge of the file's three versions is written at the new path and
    /// the old path is removed, unless something of the team's would be lost by that.
    fn plan_move(&mut self, m: Move<'_>) {
        let Some(ours) = m.ours else {
            match m.at_new {
                // Moved by hand already (or the team put a file there): merge it where it is.
                Some(at_new) => {
                    let action = plan_file(
                        Owner::Shared,
                        Some(m.old),
                        Some(m.new),
                        Some(at_new),
                        m.labels,
                    );
                    let note = (action != Action::Unchanged).then(|| {
                        format!(
                            "the template moved {} here, where you had already moved it",
                            m.from
                        )
                    });
                    self.decide(
                        action,
                        m.to,
                        Some(m.from),
                        Sides {
                            ours: Some(at_new),
                            theirs: Some(m.new),
                            labels: m.labels,
                        },
                        note,
                    );
                }
                None => self.report(
                    m.from,
                    None,
                    Outcome::StaysDeleted,
                    Some(format!(
                        "the template moved it to {}; you deleted it, so it stays deleted",
                        m.to
                    )),
                ),
            }
            return;
        };
        if let Some(at_new) = m.at_new
            && at_new != m.new
        {
            // A file of the team's own sits at the destination: not overwritten, and the old
            // file stays where it is, so nothing of either is lost.
            self.report(
                m.from,
                None,
                Outcome::Kept,
                Some(format!(
                    "the template moves it to {}, where a file of yours already is; it stays here",
                    m.to
                )),
            );
            let note = format!("the template moves {} here, and yours was here", m.from);
            self.decide(
                Action::CreateConflict,
                m.to,
                None,
                Sides {
                    ours: Some(at_new),
                    theirs: Some(m.new),
                    labels: m.labels,
                },
                Some(note),
            );
            return;
        }
        let (content, outcome) = if m.owner == Owner::Team || (ours == m.old && m.new == m.old) {
            (ours.to_vec(), Outcome::Moved)
        } else if ours == m.old || ours == m.new {
            (m.new.to_vec(), Outcome::Updated)
        } else if m.new == m.old {
            (ours.to_vec(), Outcome::Kept)
        } else {
            let action = match plan_file(m.owner, Some(m.old), Some(m.new), Some(ours), m.labels) {
                // A registry both sides added items to: registered as `add` would (see `plan`).
                conflicted @ Action::Merge { conflicts: 1.., .. } if m.registry => {
                    match registry_merge::merge(Path::new(m.to), m.old, ours, m.new) {
                        Some(text) => Action::Merge {
                            text: text.into_bytes(),
                            conflicts: 0,
                        },
                        None => conflicted,
                    }
                }
                other => other,
            };
            match action {
                Action::Merge { text, conflicts: 0 } => (text, Outcome::Merged),
                Action::Merge { text, conflicts } => (text, Outcome::Conflicted(conflicts)),
                _ => {
                    // Both sides changed a binary file: the new one at the new path, the team's
                    // kept at the old one.
                    self.write(m.to, Some(m.new.to_vec()));
                    self.report(
                        m.from,
                        None,
                        Outcome::NotMerged,
                        Some(format!(
                            "both sides changed this binary file; the template's is at {}, yours stays here",
                            m.to
                        )),
                    );
                    return;
                }
            }
        };
        self.write(m.from, None);
        self.write(m.to, Some(content));
        self.report(m.to, Some(m.from), outcome, None);
    }
}

fn parse_version(text: &str, what: &str) -> anyhow::Result<semver::Version> {
    semver::Version::parse(text)
        .map_err(|e| CliError::failure(format!("{what} `{text}` is not a semantic version: {e}")))
        .map_err(Into::into)
}

fn read_file(root: &Path, rel: &str) -> Option<Vec<u8>> {
    let path = root.join(rel);
    path.is_file().then(|| std::fs::read(path).ok()).flatten()
}

/// The recorded answers (those the target template still asks), overridden by `--set`, with
/// `upgrade_default`s or defaults for questions the target template added.
fn resolve_new_answers(request: &Request<'_>) -> anyhow::Result<Answers> {
    let target = &request.target.manifest;
    let mut given: Vec<(String, String)> = request
        .manifest
        .answers
        .0
        .iter()
        .filter(|(key, _)| target.question(key).is_some())
        .map(|(key, value)| (key.clone(), value.to_string()))
        .collect();
    // A bad recorded answer is the file's problem (exit 1), a bad `--set` the command line's;
    // either way the message names where to fix it, not `new`'s flags.
    for (key, value) in &given {
        if let Some(q) = target.question(key)
            && let Err(e) = template::parse_answer(q, value)
            && !request.set.iter().any(|(k, _)| k == key)
        {
            return Err(CliError::failure(format!(
                "{}: `answers.{key}` is invalid: {}",
                crate::project::MANIFEST_FILE,
                e.message
            ))
            .with_help(format!(
                "fix it in {}, or replace it with `--set {key}=<value>`",
                crate::project::MANIFEST_FILE
            ))
            .into());
        }
    }
    for (key, value) in request.set {
        if let Some(q) = target.question(key)
            && let Err(e) = template::parse_answer(q, value)
        {
            let message = e
                .message
                .replace(&format!("`--{key}` value "), "")
                .replace(&format!("`--{key}` "), "the value ");
            // A list's help (the valid set, the missing requirement) reads as well for `--set`.
            let help = match (q.kind, e.help) {
                (template::QuestionKind::Multi, Some(help)) => help
                    .replace(&format!("`--{key} ''`"), &format!("`--set {key}=`"))
                    .replace(&format!("`--{key} "), &format!("`--set {key}=")),
                _ => format!("pass a valid value with `--set {key}=<value>`"),
            };
            return Err(CliError::usage(format!("`--set {key}=…`: {message}"))
                .with_help(help)
                .into());
        }
    }
    for (key, value) in request.set {
        if target.question(key).is_none() {
            let known: Vec<&str> = target.questions.iter().map(|q| q.key.as_str()).collect();
            return Err(CliError::usage(format!(
                "`--set {key}=…`: template `{}` has no question `{key}`",
                target.name
            ))
            .with_help(format!("its questions are: {}", known.join(", ")))
            .into());
        }
        given.push((key.clone(), value.clone()));
    }
    // A question the project's version did not ask: what that version did, where the template
    // says (`upgrade_default`), else its default (below).
    for q in &target.questions {
        if let Some(answer) = &q.upgrade_default
            && request.manifest.answers.get(&q.key).is_none()
            && !given.iter().any(|(k, _)| k == &q.key)
        {
            given.push((q.key.clone(), answer.to_string()));
        }
    }
    let directory = request.root.file_name().and_then(|n| n.to_str());
    template::resolve_answers(target, &given, directory, None)
}

/// The answers that differ, as shown to the user: a question the old version never asked is
/// `(not asked)`, an empty list `(none)`.
fn changed_answers(old: &Answers, new: &Answers) -> Vec<(String, String, String)> {
    let show = |v: Option<&AnswerValue>| match v {
        None => "(not asked)".to_string(),
        Some(AnswerValue::List(list)) if list.is_empty() => "(none)".to_string(),
        Some(value) => value.to_string(),
    };
    old.0
        .keys()
        .chain(new.0.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| old.get(k) != new.get(k))
        .map(|k| (k.clone(), show(old.get(k)), show(new.get(k))))
        .collect()
}

/// Runs the migrations between the two versions over every Rust file the team can edit (all
/// but platform-owned ones, which come from the new render), on top of the planned writes.
fn run_migrations(
    request: &Request<'_>,
    from: &semver::Version,
    to: &semver::Version,
    writes: &mut BTreeMap<String, Change>,
    files: &mut Vec<FileReport>,
) -> anyhow::Result<Vec<MigrationReport>> {
    let declared: Vec<&template::Manifest> = request
        .between
        .iter()
        .chain(std::iter::once(request.target))
        .map(|t| &t.manifest)
        .collect();
    let migrations = migrations::planned(request.target.name(), from, to, &declared);
    if migrations.is_empty() {
        return Ok(Vec::new());
    }
    let mut candidates: BTreeSet<String> = writes
        .iter()
        .filter(|(p, c)| p.ends_with(".rs") && c.after.is_some())
        .map(|(p, _)| p.clone())
        .collect();
    for dir in ["src", "tests", "examples", "benches"] {
        files_below(
            request.root,
            &request.root.join(dir),
            &|name| name.ends_with(".rs"),
            &mut candidates,
        );
    }
    if request.root.join("build.rs").is_file() {
        candidates.insert("build.rs".to_string());
    }
    // Platform files come from the new render; old platform files the template no longer has
    // (kept because the team changed them) belong to the old layout and are left as they are.
    candidates.retain(|p| {
        request.target.manifest.owner_of(p) != Owner::Platform
            && request.base.manifest.owner_of(p) != Owner::Platform
    });

    let mut reports = Vec::new();
    // Each edited file as it was before the first migration touched it.
    let mut unmigrated: BTreeMap<String, String> = BTreeMap::new();
    for migration in migrations {
        let mut report = MigrationReport {
            summary: migration.summary.clone(),
            version: migration.version.to_string(),
            edited: Vec::new(),
            skipped: Vec::new(),
        };
        for path in &candidates {
            let current = match writes.get(path) {
                Some(change) => change.after.clone(),
                None => read_file(request.root, path),
            };
            let Some(Ok(text)) = current.map(String::from_utf8) else {
                continue;
            };
            match migration.edit(&text) {
                Ok(None) => {}
                Ok(Some(edited)) => {
                    unmigrated
                        .entry(path.clone())
                        .or_insert_with(|| text.clone());
                    let change = writes.entry(path.clone()).or_insert_with(|| Change {
                        path: request.root.join(path),
                        display: path.clone(),
                        before: Some(text.clone().into_bytes()),
                        after: None,
                    });
                    change.after = Some(edited.into_bytes());
                    if !files.iter().any(|f| &f.path == path) {
                        files.push(FileReport {
                            path: path.clone(),
                            moved_from: None,
                            outcome: Outcome::Migrated,
                            note: None,
                        });
                    }
                    report.edited.push(path.clone());
                }
                Err(why) => report.skipped.push((path.clone(), why)),
            }
        }
        reports.push(report);
    }
    keep_rustfmt_clean(request.root, &unmigrated, writes);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(reports)
}

/// A rewritten path can put `use` items out of rustfmt's order (`crate::platform::…` becoming
/// `platform::…` moves below `crate::testing`), which would fail a team's `cargo fmt --check`.
/// Files that rustfmt left unchanged before the migrations are formatted after them; files the
/// team keeps formatted otherwise stay as they wrote them. Without rustfmt, nothing changes.
fn keep_rustfmt_clean(
    root: &Path,
    unmigrated: &BTreeMap<String, String>,
    writes: &mut BTreeMap<String, Change>,
) {
    let edition = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml_edit::DocumentMut>().ok())
        .and_then(|doc| doc["package"]["edition"].as_str().map(str::to_string))
        .unwrap_or_else(|| "2021".to_string());
    for (path, before) in unmigrated {
        if crate::edit::rust::rustfmt_new_file(before.clone(), &edition) != *before {
            continue;
        }
        if let Some(change) = writes.get_mut(path)
            && let Some(Ok(after)) = change.after.clone().map(String::from_utf8)
        {
            change.after = Some(crate::edit::rust::rustfmt_new_file(after, &edition).into_bytes());
        }
    }
}

/// Adds the files below `dir` (relative to `root`) whose names `keep` accepts, skipping hidden
/// folders and `target`.
fn files_below(root: &Path, dir: &Path, keep: &dyn Fn(&str) -> bool, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && !name.starts_with('.') && name != "target" => {
                files_below(root, &path, keep, out);
            }
            Ok(kind) if kind.is_file() && keep(&name) => {
                if let Ok(rel) = path.strip_prefix(root) {
                    out.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::template::Source;

    fn template(version: &str, files: &[(&str, &[u8])]) -> Template {
        template_with(version, "", files)
    }

    /// A template whose manifest ends with `extra` (ownership, more questions).
    fn template_with(version: &str, extra: &str, files: &[(&str, &[u8])]) -> Template {
        let manifest = format!(
            "name = \"t\"\nversion = \"{version}\"\ndescription = \"test\"\n\n\
             [[question]]\nkey = \"name\"\nprompt = \"Name\"\nhelp = \"Name\"\nkind = \"string\"\n\
             default = \"demo\"\n{extra}"
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

    #[test]
    fn removed_added_and_binary_files_follow_the_decision_table() {
        let base = template(
            "1.0.0",
            &[
                ("same.txt", b"same\n"),
                ("dropped.txt", b"old\n"),
                ("dropped-edited.txt", b"old\n"),
                ("logo.bin", b"\xff\x00one"),
            ],
        );
        let target = template(
            "1.1.0",
            &[
                ("same.txt", b"same\n"),
                ("new.txt", b"from the template\n"),
                ("logo.bin", b"\xff\x00two"),
            ],
        );
        let answers = template::resolve_answers(&base.manifest, &[], None, None).unwrap();
        let rendered = template::render(&base, &answers).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        crate::edit::create_tree(&tmp.path().join("p"), &rendered.files).unwrap();
        let root = tmp.path().join("p");
        std::fs::write(root.join("dropped-edited.txt"), "mine\n").unwrap();
        std::fs::write(root.join("logo.bin"), b"\xff\x00mine").unwrap();
        std::fs::write(root.join("new.txt"), "the team's own file\n").unwrap();

        let text = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        let manifest = ProjectManifest::parse(&text, Path::new(MANIFEST_FILE)).unwrap();
        let plan = plan(&Request {
            root: &root,
            manifest: &manifest,
            manifest_text: &text,
            base: &base,
            target: &target,
            between: &[],
            set: &[],
        })
        .unwrap();
        let outcome = |path: &str| {
            plan.files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.outcome.clone())
        };
        assert_eq!(outcome("same.txt"), None);
        assert_eq!(outcome("dropped.txt"), Some(Outcome::Removed));
        assert_eq!(outcome("dropped-edited.txt"), Some(Outcome::KeptRemoved));
        assert_eq!(outcome("logo.bin"), Some(Outcome::NotMerged));
        assert_eq!(outcome("new.txt"), Some(Outcome::Conflicted(1)));

        plan.transaction.commit().unwrap();
        assert!(!root.join("dropped.txt").exists());
        assert_eq!(
            std::fs::read_to_string(root.join("dropped-edited.txt")).unwrap(),
            "mine\n"
        );
        assert_eq!(
            std::fs::read(root.join("logo.bin")).unwrap(),
            b"\xff\x00mine"
        );
        let new = std::fs::read_to_string(root.join("new.txt")).unwrap();
        assert!(
            new.contains("<<<<<<< yours\nthe team's own file\n"),
            "{new}"
        );
        assert!(new.contains("from the template\n>>>>>>> t 1.1.0"), "{new}");
        let recorded = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        assert!(recorded.contains("version = \"1.1.0\""));
        assert!(
            !recorded.contains("\".mcpforge.toml\""),
            "the manifest records itself:\n{recorded}"
        );
    }

    /// Generates `base` in a temporary folder, lets `edit` change it, and plans the upgrade.
    fn upgrade_of(
        base: &Template,
        target: &Template,
        set: &[(String, String)],
        edit: impl FnOnce(&Path),
    ) -> (tempfile::TempDir, UpgradePlan) {
        let answers = template::resolve_answers(&base.manifest, &[], None, None).unwrap();
        let rendered = template::render(base, &answers).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        crate::edit::create_tree(&root, &rendered.files).unwrap();
        edit(&root);
        let text = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        let manifest = ProjectManifest::parse(&text, Path::new(MANIFEST_FILE)).unwrap();
        let planned = plan(&Request {
            root: &root,
            manifest: &manifest,
            manifest_text: &text,
            base,
            target,
            between: &[],
            set,
        })
        .unwrap();
        (tmp, planned)
    }

    #[test]
    fn a_file_handed_to_the_team_by_this_version_gets_the_template_change_once() {
        let base = template_with("1.0.0", "", &[("server.rs", b"fn old() {}\n")]);
        let target = template_with(
            "1.1.0",
            "\n[ownership]\nteam = [\"server.rs\"]\n",
            &[("server.rs", b"fn new() {}\n")],
        );
        let (_tmp, untouched) = upgrade_of(&base, &target, &[], |_| {});
        let file = untouched.files.iter().find(|f| f.path == "server.rs");
        assert_eq!(file.map(|f| f.outcome.clone()), Some(Outcome::Updated));

        let (_tmp, edited) = upgrade_of(&base, &target, &[], |root| {
            std::fs::write(root.join("server.rs"), "fn old() {}\nfn mine() {}\n").unwrap();
        });
        let file = edited.files.iter().find(|f| f.path == "server.rs").unwrap();
        assert!(
            matches!(file.outcome, Outcome::Merged | Outcome::Conflicted(_)),
            "{:?}",
            file.outcome
        );

        // From then on it is the team's: the next version's change does not reach it.
        let later = template_with(
            "1.2.0",
            "\n[ownership]\nteam = [\"server.rs\"]\n",
            &[("server.rs", b"fn newer() {}\n")],
        );
        let (_tmp, owned) = upgrade_of(&target, &later, &[], |_| {});
        assert!(!owned.files.iter().any(|f| f.path == "server.rs"));
    }

    #[test]
    fn a_new_question_answered_with_nothing_is_shown_as_such() {
        let question = "\n[[question]]\nkey = \"features\"\nprompt = \"F\"\nhelp = \"F\"\n\
            kind = \"multi\"\ndefault = []\nchoices = [{ value = \"a\", help = \"a\" }]\n";
        let base = template_with("1.0.0", "", &[("x.txt", b"x\n")]);
        let target = template_with("1.1.0", question, &[("x.txt", b"x\n")]);
        let (_tmp, planned) = upgrade_of(&base, &target, &[], |_| {});
        assert_eq!(
            planned.answers_changed,
            [(
                "features".to_string(),
                "(not asked)".to_string(),
                "(none)".to_string()
            )]
        );
    }

    #[test]
    fn a_question_older_projects_never_answered_takes_its_upgrade_default() {
        let question = "\n[[question]]\nkey = \"features\"\nprompt = \"F\"\nhelp = \"F\"\n\
            kind = \"multi\"\ndefault = [\"a\"]\nupgrade_default = [\"a\", \"b\"]\n\
            choices = [{ value = \"a\", help = \"a\" }, { value = \"b\", help = \"b\" }]\n";
        let base = template_with("1.0.0", "", &[("x.txt", b"x\n")]);
        let target = template_with("1.1.0", question, &[("x.txt", b"x\n")]);
        let features = |plan: &UpgradePlan| {
            plan.answers_changed
                .iter()
                .find(|(key, _, _)| key == "features")
                .map(|(_, _, new)| new.clone())
        };
        let (_tmp, planned) = upgrade_of(&base, &target, &[], |_| {});
        assert_eq!(features(&planned).as_deref(), Some("a,b"));
        let set = [("features".to_string(), "a".to_string())];
        let (_tmp, planned) = upgrade_of(&base, &target, &set, |_| {});
        assert_eq!(features(&planned).as_deref(), Some("a"));
        // A project that answered it keeps its answer.
        let (_tmp, planned) = upgrade_of(&target, &target, &[], |_| {});
        assert_eq!(features(&planned), None);
    }

    const FEATURES: &str = r#"name = "t"
version = "1.0.0"
description = "test"

[ownership]
platform = ["platform/**"]
team = ["src/tools/**"]

[[question]]
key = "name"
prompt = "Name"
help = "Name"
kind = "string"
default = "demo"

[[question]]
key = "features"
prompt = "Subsystems"
help = "Subsystems"
kind = "multi"
default = ["http", "fetch"]
choices = [
  { value = "http", help = "HTTP" },
  { value = "fetch", help = "outbound HTTP", provides = ["platform::fetch", "fetcher"] },
]
files = { fetch = ["platform/fetch.rs", "src/fetch_example.rs"] }
"#;

    fn features_template() -> Template {
        let files: &[(&str, &str)] = &[
            ("template.toml", FEATURES),
            ("platform/fetch.rs", "pub fn fetcher() {}\n"),
            (
                "src/lib.rs.tera",
                "pub mod tools;\n{% if \"fetch\" in features %}pub mod fetch_example;\n{% endif %}",
            ),
            ("src/fetch_example.rs", "pub fn f(c: &C) { c.fetcher(); }\n"),
            ("src/tools/mod.rs", "pub mod greet;\n"),
            ("src/tools/greet.rs", "pub fn greet() {}\n"),
        ];
        let sources = files
            .iter()
            .map(|(path, text)| Source {
                path: format!("t/{path}"),
                contents: Cow::Owned(text.as_bytes().to_vec()),
            })
            .collect();
        Template::from_sources("t", sources, Vec::new()).unwrap()
    }

    fn plan_set(
        root: &Path,
        template: &Template,
        set: &[(String, String)],
    ) -> anyhow::Result<UpgradePlan> {
        let text = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        let manifest = ProjectManifest::parse(&text, Path::new(MANIFEST_FILE)).unwrap();
        plan(&Request {
            root,
            manifest: &manifest,
            manifest_text: &text,
            base: template,
            target: template,
            between: &[],
            set,
        })
    }

    #[test]
    fn dropping_a_choice_that_team_code_uses_is_refused_naming_the_uses() {
        let template = features_template();
        let answers = template::resolve_answers(&template.manifest, &[], None, None).unwrap();
        let rendered = template::render(&template, &answers).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        crate::edit::create_tree(&root, &rendered.files).unwrap();
        std::fs::write(
            root.join("src/tools/greet.rs"),
            "use platform::fetch::get;\n\npub fn greet(c: &C) {\n    // c.fetcher() in a comment\n    assert!(c.fetcher().ok());\n}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("src/lib.rs"),
            "//! The team's crate.\npub mod tools;\npub mod fetch_example;\n",
        )
        .unwrap();
        let set = [("features".to_string(), "http".to_string())];

        let Err(err) = plan_set(&root, &template, &set) else {
            panic!("dropping `fetch` was not refused");
        };
        let cli = err.downcast_ref::<CliError>().unwrap();
        assert_eq!(cli.exit_code(), 2);
        // The platform file and the untouched shared example that the change removes are not
        // uses; the team's tool is.
        assert_eq!(
            cli.message,
            "changing `features` drops `fetch`, but team code still uses its API:\n  \
             src/tools/greet.rs:1: platform::fetch (from `fetch`)\n  \
             src/tools/greet.rs:5: fetcher (from `fetch`)"
        );
        assert_eq!(
            cli.help.as_deref(),
            Some("remove those uses first, or keep `fetch`: `--set features=http,fetch`")
        );

        // Without the uses, the change goes through: the platform file and the example go, and
        // the team's edit of the shared lib.rs survives the three-way merge.
        std::fs::write(root.join("src/tools/greet.rs"), "pub fn greet() {}\n").unwrap();
        let plan = plan_set(&root, &template, &set).unwrap();
        assert_eq!(
            plan.answers_changed,
            [(
                "features".to_string(),
                "http,fetch".to_string(),
                "http".to_string()
            )]
        );
        plan.transaction.commit().unwrap();
        assert!(!root.join("platform/fetch.rs").exists());
        assert!(!root.join("src/fetch_example.rs").exists());
        assert_eq!(
            std::fs::read_to_string(root.join("src/lib.rs")).unwrap(),
            "//! The team's crate.\npub mod tools;\n"
        );
        let recorded = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        assert!(recorded.contains("features = [\"http\"]"), "{recorded}");

        // And back: adding the choice again renders its files.
        let set = [("features".to_string(), "fetch,http".to_string())];
        plan_set(&root, &template, &set)
            .unwrap()
            .transaction
            .commit()
            .unwrap();
        assert!(root.join("platform/fetch.rs").exists());
        let recorded = std::fs::read_to_string(root.join(MANIFEST_FILE)).unwrap();
        assert!(
            recorded.contains("features = [\"http\", \"fetch\"]"),
            "{recorded}"
        );
    }
}
