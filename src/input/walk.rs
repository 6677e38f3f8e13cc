//! Expands the command line's paths into a sorted list of inputs, walking folders with walkdir.

use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::decompress::{self, Compression};
use super::file::{body_outcome, Limits};
use super::{har_outcomes, log_outcomes, ndjson_outcomes, Deliver, Outcome, Pace};
use crate::engine::pipeline::Settings;
use crate::progress::Progress;

/// How an input's text holds responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// One response body.
    Json,
    /// One response per line (NDJSON, JSON Lines).
    Ndjson,
    /// A HAR 1.2 capture.
    Har,
    /// An application log: a response after any prefix on its line; other lines are skipped.
    Log,
}

impl InputFormat {
    /// The format a file name says, if dtlint reads such files; a compressed file's is the
    /// name's before `.gz` or `.zst` (`capture.har.gz`).
    pub fn of(path: &Path) -> Option<Self> {
        if Compression::named(path) {
            return Self::of(Path::new(path.file_stem()?));
        }
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Self::Json),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            "har" => Some(Self::Har),
            "log" => Some(Self::Log),
            _ => None,
        }
    }
}

/// Folders never worth walking into: build output and dependencies.
const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Walk into hidden folders and read hidden files too.
    pub hidden: bool,
    /// When set, only files whose path matches are read.
    pub include: Option<globset::GlobSet>,
    /// Files and folders whose path matches are passed over.
    pub exclude: Option<globset::GlobSet>,
    /// How standard input is read.
    pub stdin_format: Option<InputFormat>,
}

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Stdin(InputFormat),
    File {
        display: String,
        path: PathBuf,
        format: InputFormat,
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
            Self::Stdin(_) => "-",
            Self::File { display, .. } | Self::Missing { display, .. } => display,
        }
    }

    /// Whether this input holds many responses and is read as a stream (NDJSON, HAR, and
    /// standard input in those formats).
    pub fn streams(&self) -> bool {
        match self {
            Self::Stdin(format) | Self::File { format, .. } => *format != InputFormat::Json,
            Self::Missing { .. } => false,
        }
    }

    /// Reads and checks a single-body input (a JSON file, JSON on stdin, a missing path); never
    /// panics on its content.
    pub fn check_body(&self, settings: &Settings, limits: &Limits) -> Outcome {
        match self {
            Self::Missing { reason, .. } => unreadable(reason.clone()),
            Self::Stdin(_) => {
                let mut bytes = Vec::new();
                match std::io::stdin()
                    .lock()
                    .take(limits.max_size.saturating_add(1))
                    .read_to_end(&mut bytes)
                {
                    Ok(_) => whole_outcome(bytes, settings, limits),
                    Err(error) => unreadable(format!("cannot read standard input: {error}")),
                }
            }
            Self::File { path, .. } => read_file(path, settings, limits),
        }
    }

    /// Reads and checks this input, delivering its outcomes in order; never panics on its
    /// content. `bytes` counts the bytes of a streamed file as they are read.
    pub fn check(
        &self,
        settings: &Settings,
        limits: &Limits,
        bytes: Option<&dyn Progress>,
        deliver: &mut Deliver<'_>,
    ) {
        let compressed: Box<dyn std::io::Read + Send> = match self {
            _ if !self.streams() => {
                deliver(self.check_body(settings, limits));
                return;
            }
            Self::File { path, .. } => match std::fs::File::open(path) {
                Ok(file) => match bytes {
                    Some(bar) => {
                        bar.count_bytes(file.metadata().map_or(0, |m| m.len()), Box::new(file))
                    }
                    None => Box::new(file),
                },
                Err(error) => {
                    deliver(unreadable(format!("cannot read the file: {error}")));
                    return;
                }
            },
            _ => Box::new(std::io::stdin()),
        };
        let pace = if matches!(self, Self::Stdin(_)) && !stdin_is_a_file() {
            Pace::Live
        } else {
            Pace::Batched
        };
        let (decompressed, compression) =
            match decompress::opened(std::io::BufReader::with_capacity(1 << 16, compressed)) {
                Ok(opened) => opened,
                Err(error) => {
                    deliver(unreadable(error.to_string()));
                    return;
                }
            };
        if compression.is_some() {
            deliver(Outcome {
                decompressed: true,
                ..Outcome::default()
            });
        }
        let reader = std::io::BufReader::with_capacity(1 << 16, decompressed);
        let format = match self {
            Self::Stdin(format) | Self::File { format, .. } => *format,
            Self::Missing { .. } => InputFormat::Json,
        };
        let limit = limits.max_size;
        match format {
            InputFormat::Har => har_outcomes(reader, settings, limit, pace, deliver),
            InputFormat::Log => log_outcomes(reader, settings, limit, pace, deliver),
            _ => ndjson_outcomes(reader, settings, limit, pace, deliver),
        }
    }
}

/// Whether standard input is a regular file (`< capture.ndjson`), read at full batches, rather
/// than a pipe or a terminal whose lines come when they come.
fn stdin_is_a_file() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata())
            .is_ok_and(|m| m.is_file())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn read_file(path: &Path, settings: &Settings, limits: &Limits) -> Outcome {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > limits.max_size {
            return Outcome::about_input(vec![crate::rules::reader::too_large(
                crate::rules::reader::Subject::Input,
                Some(meta.len()),
                limits.max_size,
            )]);
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => whole_outcome(bytes, settings, limits),
        Err(error) => unreadable(format!("cannot read the file: {error}")),
    }
}

/// Checks a single-body input read whole, decompressed first if it is compressed.
fn whole_outcome(bytes: Vec<u8>, settings: &Settings, limits: &Limits) -> Outcome {
    match decompress::whole(bytes, limits.max_size) {
        Err(error) => unreadable(error.to_string()),
        Ok((bytes, None)) => body_outcome(&bytes, settings, limits),
        Ok((bytes, Some(_))) => {
            let mut outcome = if bytes.len() as u64 > limits.max_size {
                Outcome::about_input(vec![crate::rules::reader::too_large(
                    crate::rules::reader::Subject::Input,
                    None,
                    limits.max_size,
                )])
            } else {
                body_outcome(&bytes, settings, limits)
            };
            outcome.decompressed = true;
            outcome
        }
    }
}

fn unreadable(reason: String) -> Outcome {
    let mut outcome = Outcome::about_input(vec![crate::rules::reader::unreadable(reason)]);
    outcome.unreadable = true;
    outcome
}

/// The inputs named on the command line, expanded.
#[derive(Debug, Default)]
pub struct Collected {
    /// The inputs to check, sorted.
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
            collected.targets.push(Target::Stdin(
                options.stdin_format.unwrap_or(InputFormat::Json),
            ));
            continue;
        }
        match std::fs::metadata(path) {
            Err(error) => collected.targets.push(Target::Missing {
                display,
                reason: format!("cannot open the path: {error}"),
            }),
            Ok(meta) if meta.is_dir() => walk(path, options, &mut collected),
            Ok(meta) if !meta.is_file() => collected.targets.push(Target::Missing {
                display,
                reason: format!(
                    "{} is not a regular file and is not read: it may never end or never \
                     start; to check a stream, pipe it to `-` with --stdin-format",
                    special_kind(&meta)
                ),
            }),
            Ok(_) => collected.targets.push(Target::File {
                format: InputFormat::of(path).unwrap_or(InputFormat::Json),
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

/// What kind of special file `meta` describes, in words.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

fn walk(root: &Path, options: &WalkOptions, collected: &mut Collected) {
    // Unsorted: `collect` sorts all targets by their display path once, and walkdir's sort
    // compares file names through `Path::file_name`, which cost more than reading the folder.
    let walker = WalkDir::new(root).into_iter().filter_entry(|entry| {
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
                let format = InputFormat::of(path);
                let wanted = format.is_some()
                    && (options.hidden || !name.starts_with('.'))
                    && options.include.as_ref().is_none_or(|g| g.is_match(path))
                    && !options.exclude.as_ref().is_some_and(|g| g.is_match(path));
                match format {
                    Some(format) if wanted => collected.targets.push(Target::File {
                        display: path.to_string_lossy().into_owned(),
                        path: path.to_path_buf(),
                        format,
                    }),
                    _ => collected.skipped += 1,
                }
            }
            // Symlinks (not followed, as ripgrep does not) and special files (FIFOs, devices,
            // sockets, which may never end) are passed over, and counted with the rest.
            Ok(entry) if !entry.file_type().is_dir() => collected.skipped += 1,
            Ok(_) => {}
        }
    }
}
