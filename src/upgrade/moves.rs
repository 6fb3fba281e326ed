//! The moves an upgrade follows: every `[[moves]]` declared by the versions after the project's
//! and up to the target, composed in version order, so that a file moved by one version and moved
//! again (or split) by a later one lands at its final place in one step.
//!
//! This module only maps paths; deciding what to write at the new path is the engine's job.

use crate::error::CliError;
use crate::template::Template;
use crate::template::moves::{Destination, Move, check_moves_against, destination};

/// The moves of each version after the base, oldest first.
#[derive(Debug, Default)]
pub struct MoveChain<'a> {
    steps: Vec<(&'a str, &'a [Move])>,
}

impl<'a> MoveChain<'a> {
    /// The chain from `versions[0]` (the project's version) through each later version to the
    /// last (the target). Each version's moves are checked against the files of the one before:
    /// a move that names a file the previous version does not have is a defect of the template.
    pub fn new(versions: &[&'a Template]) -> anyhow::Result<Self> {
        let mut steps = Vec::new();
        for pair in versions.windows(2) {
            let (previous, next) = (pair[0], pair[1]);
            if next.manifest.moves.is_empty() {
                continue;
            }
            let files: Vec<String> = previous.files().map(|(path, _)| path).collect();
            check_moves_against(&next.manifest.moves, &files, previous.version()).map_err(|e| {
                CliError::failure(format!(
                    "template `{}` {} declares a move this upgrade cannot follow: {e:#}",
                    next.name(),
                    next.version()
                ))
                .with_help(
                    "this is a defect of the template, not of your project: report it to the \
                     template's authors; nothing was written",
                )
            })?;
            steps.push((next.manifest.version.as_str(), next.manifest.moves.as_slice()));
        }
        Ok(Self { steps })
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Where the target version has `path` of the base version: `None` when it did not move.
    pub fn follow(&self, path: &str) -> Option<Destination> {
        let mut current = vec![path.to_string()];
        let mut split = false;
        for (_, moves) in &self.steps {
            current = current
                .into_iter()
                .flat_map(|p| match destination(moves, &p) {
                    Some(Destination::Moved(to)) => vec![to],
                    Some(Destination::Split(files)) => {
                        split = true;
                        files
                    }
                    None => vec![p],
                })
                .collect();
        }
        if split {
            current.sort();
            current.dedup();
            return Some(Destination::Split(current));
        }
        match current.as_slice() {
            [only] if only == path => None,
            [only] => Some(Destination::Moved(only.clone())),
            _ => unreachable!("without a split each path has one destination"),
        }
    }

    /// The folders that folder moves empty, as named in the version they moved in.
    pub fn moved_folders(&self) -> Vec<&'a str> {
        self.steps
            .iter()
            .flat_map(|(_, moves)| moves.iter().filter(|m| m.is_dir()))
            .map(|m| m.from.as_str())
            .collect()
    }
}
