//! Expands the command line's paths into a sorted list of inputs, walking folders with walkdir.

use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::file::{check_bytes, Limits};
use super::Checked;
use crate::check::Settings;
use crate::finding::Finding;
use crate::rules::{INPUT_TOO_LARGE, UNREADABLE_INPUT};

/// Extensions dtlint reads when it walks a folder.
const EXTENSIONS: [&str; 1] = ["json"];

/// Folders never worth walking into: build output and dependencies.
const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Walk into hidden folders and read hidden files too.
    pub hidden: bool,
}

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Stdin,
    File {
        display: String,
        path: PathBuf,
    },
    /// A path that does not exist or cannot be listed; reported as unreadable.
    Missing {
        display: String,
        reason: String,
    },
}

impl Target {
    pub fn display(&self) -> &str {
        match self {
            Self::Stdin => "-",
            Self::File { display, .. } | Self::Missing { display, .. } => display,
        }
    }

    /// Reads and checks this input; never panics on its content.
    pub fn check(&self, settings: &Settings, limits: &Limits) -> Checked {
        let checked = match self {
            Self::Missing { reason, .. } => unreadable(reason.clone()),
            Self::Stdin => {
                let mut bytes = Vec::new();
                match std::io::stdin()
                    .lock()
                    .take(limits.max_size.saturating_add(1))
                    .read_to_end(&mut bytes)
                {
                    Ok(_) => check_bytes(&bytes, settings, limits),
                    Err(error) => unreadable(format!("cannot read standard input: {error}")),
                }
            }
            Self::File { path, .. } => read_file(path, settings, limits),
        };
        checked.named(self.display())
    }
}

fn read_file(path: &Path, settings: &Settings, limits: &Limits) -> Checked {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > limits.max_size {
            return Checked {
                findings: vec![Finding::new(
                    &INPUT_TOO_LARGE,
                    "",
                    format!(
                        "the file has {} bytes, more than the limit of {} (--max-size)",
                        meta.len(),
                        limits.max_size
                    ),
                )],
                ..Checked::default()
            };
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(&bytes, settings, limits),
        Err(error) => unreadable(format!("cannot read the file: {error}")),
    }
}

fn unreadable(reason: String) -> Checked {
    Checked {
        findings: vec![Finding::new(&UNREADABLE_INPUT, "", reason)],
        unreadable: true,
        ..Checked::default()
    }
}

/// The inputs named on the command line, expanded.
#[derive(Debug, Default)]
pub struct Collected {
    pub targets: Vec<Target>,
    /// Files met in folders that dtlint does not read (other extensions, hidden files).
    pub skipped: u64,
}

/// Expands paths: files are taken as given, folders are walked for `.json` files, `-` is stdin.
pub fn collect(paths: &[PathBuf], options: &WalkOptions) -> Collected {
    let mut collected = Collected::default();
    for path in paths {
        let display = path.to_string_lossy().into_owned();
        if display == "-" {
            collected.targets.push(Target::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(error) => collected.targets.push(Target::Missing {
                display,
                reason: format!("cannot open the path: {error}"),
            }),
            Ok(meta) if meta.is_dir() => walk(path, options, &mut collected),
            Ok(_) => collected.targets.push(Target::File {
                display,
                path: path.clone(),
            }),
        }
    }
    collected
        .targets
        .sort_by(|a, b| a.display().cmp(b.display()));
    collected.targets.dedup();
    collected
}

fn walk(root: &Path, options: &WalkOptions, collected: &mut Collected) {
    let walker = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            let hidden = name.starts_with('.');
            if entry.file_type().is_dir() {
                (options.hidden || !hidden) && !SKIPPED_DIRS.contains(&name.as_ref())
            } else {
                true
            }
        });
    for entry in walker {
        match entry {
            Err(error) => {
                let display = error.path().map_or_else(
                    || root.to_string_lossy().into_owned(),
                    |p| p.to_string_lossy().into_owned(),
                );
                collected.targets.push(Target::Missing {
                    display,
                    reason: format!("cannot walk the folder: {error}"),
                });
            }
            Ok(entry) if entry.file_type().is_file() => {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                let wanted = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
                if wanted && (options.hidden || !name.starts_with('.')) {
                    collected.targets.push(Target::File {
                        display: path.to_string_lossy().into_owned(),
                        path: path.to_path_buf(),
                    });
                } else {
                    collected.skipped += 1;
                }
            }
            Ok(_) => {}
        }
    }
}
