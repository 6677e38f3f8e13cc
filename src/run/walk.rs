//! Expands the command line's paths into a sorted list of inputs, walking folders with walkdir.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use walkdir::WalkDir;

use crate::engine::pipeline::Settings;
use crate::input::archive;
use crate::input::decompress;
use crate::input::file::{body_outcome, Limits};
use crate::input::{
    har_outcomes_in, log_outcomes, ndjson_outcomes, Bodies, Deliver, Outcome, Pace,
};
use crate::report::{SkipReason, Skipped};
use crate::run::progress::Progress;

use crate::input::format::SNIFF;
pub use crate::input::format::{Content, InputFormat};

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
    /// How standard input is read, and special files named with no format in their name.
    pub stdin_format: Option<InputFormat>,
    /// The name standard input's findings carry instead of `-` (`--stdin-filename`): a shard
    /// of a file piped in names the file, and suppressions and baselines match it by path.
    pub stdin_name: Option<String>,
    /// Read FIFOs, sockets and devices named on the command line as streams, as standard
    /// input is read, rather than refusing them.
    pub read_special: bool,
    /// Follow symbolic links in folders (loops and broken links are passed over and counted).
    pub follow: bool,
    /// Keep each path passed over with its reason, for `--verbose`.
    pub list_skipped: bool,
    /// Pass over named `.json` files that hold no capture, as those met in folders are.
    pub captures_only: bool,
}

/// A `--glob` or `--exclude` pattern as the walk matches it: a bare pattern such as `*.har`
/// matches at any depth, as in ripgrep.
pub fn glob_pattern(pattern: &str) -> String {
    if pattern.contains('/') {
        pattern.to_owned()
    } else {
        format!("**/{pattern}")
    }
}

/// What a run was asked to check, as the walk finds inputs: the paths named on the command line
/// and the options that pass over paths in folders by their names (`--hidden`, `--glob`,
/// `--exclude`, build and dependency folders). A baseline entry of an input within it that the
/// run did not read is stale: the input is gone. A shard keeps its scope in its partial result,
/// so a merge judges over the union of its shards' scopes.
///
/// Paths are judged by name alone, as the baseline records them (`/` between folders): a path
/// is within the scope when it is one of the paths named, or lies under one of them, at a
/// path the walk of that folder would have read: no folder on the way passed over, a name that
/// says a format dtlint reads, not hidden, matched by `--glob` and not by `--exclude`. Standard
/// input is no path: the input it holds is checked under its name (`--stdin-filename`), or,
/// framed, under the names its records carry, so none of it can be gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Scope {
    /// The paths named, with `/` as separator.
    pub paths: Vec<String>,
    /// `--hidden`: hidden files and folders were read too.
    #[serde(default)]
    pub hidden: bool,
    /// The `--glob` patterns, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub glob: Vec<String>,
    /// The `--exclude` patterns, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl Scope {
    /// The scope of a run over `paths` (`-` is standard input, no path) with these options.
    pub fn new(paths: &[PathBuf], hidden: bool, glob: &[String], exclude: &[String]) -> Self {
        let mut named: Vec<String> = paths
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| p != "-")
            .collect();
        named.sort();
        named.dedup();
        Self {
            paths: named,
            hidden,
            glob: glob.to_vec(),
            exclude: exclude.to_vec(),
        }
    }

    /// Whether no path was named (standard input alone, or a merge of such shards).
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The scope with its patterns compiled, to judge paths by.
    pub fn within(&self) -> Within {
        let compile = |patterns: &[String]| {
            let mut builder = globset::GlobSetBuilder::new();
            // The run compiled them before it started: one that does not compile here (a
            // shard's, written by another dtlint) matches nothing.
            for glob in patterns
                .iter()
                .filter_map(|p| globset::Glob::new(&glob_pattern(p)).ok())
            {
                builder.add(glob);
            }
            (!patterns.is_empty())
                .then(|| builder.build().ok())
                .flatten()
        };
        Within {
            paths: self.paths.clone(),
            options: WalkOptions {
                hidden: self.hidden,
                include: compile(&self.glob),
                exclude: compile(&self.exclude),
                ..WalkOptions::default()
            },
        }
    }
}

/// A [`Scope`] ready to judge paths.
#[derive(Debug, Clone)]
pub struct Within {
    paths: Vec<String>,
    options: WalkOptions,
}

impl Within {
    /// Whether the input `path` (`/` between folders) is within the scope: named, or under a
    /// folder named where the walk would have read it.
    pub fn covers(&self, path: &str) -> bool {
        self.paths
            .iter()
            .any(|named| path == named || self.walked_to(named, path))
    }

    /// Whether the walk of the folder `root` would read a file at `path`, judged by names.
    fn walked_to(&self, root: &str, path: &str) -> bool {
        // As a walk names what it finds: the root as given, then `/` unless it ends in one.
        let Some(rest) = path.strip_prefix(root) else {
            return false;
        };
        let rest = if root.ends_with('/') {
            rest
        } else {
            match rest.strip_prefix('/') {
                Some(rest) => rest,
                None => return false,
            }
        };
        let (folders, file) = rest.rsplit_once('/').unwrap_or(("", rest));
        if file.is_empty() {
            return false;
        }
        let root_path = Path::new(root);
        let options = &self.options;
        let mut at = path.len() - rest.len();
        for folder in folders.split('/').filter(|_| !folders.is_empty()) {
            at += folder.len() + 1;
            let folder_path = Path::new(&path[..at - 1]);
            if folder_passed_over(folder, folder_path, root_path, options).is_some() {
                return false;
            }
        }
        let file_path = Path::new(path);
        !hidden(file, options)
            && InputFormat::of(file_path).is_some()
            && !excluded(file_path, root_path, options)
    }
}

/// How long a special file named with `--read-special` may take to open: a FIFO's open waits
/// for a writer, which may be a command started just after dtlint, or none at all.
const OPEN_WAIT: Duration = Duration::from_secs(5);

/// Links followed before a chain is called endless: Linux's own limit (`MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The profile file (`dtlint.toml`) a folder holds: met in a folder walked, it is no input and
/// not passed over, but a profile for the inputs at and below its folder.
pub const PROFILE_NAME: &str = "dtlint.toml";

/// One input to check, and the profile that judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    input: Input,
    /// The index of the profile that judges it in the run's list of profiles: 0, the run's
    /// own, unless a profile closer to the input was assigned
    /// (`dtlint::profile::Profiles`).
    pub profile: usize,
}

impl Target {
    fn new(input: Input) -> Self {
        Self { input, profile: 0 }
    }

    /// The input's path as it was named or found, from which its closest profile is looked
    /// for: `None` for standard input given no name (`--stdin-filename`).
    pub fn path(&self) -> Option<&Path> {
        match &self.input {
            Input::Stdin(_, name) if name == "-" => None,
            Input::Stdin(_, name) => Some(Path::new(name)),
            Input::File { path, .. } | Input::Special { path, .. } => Some(path),
            Input::Missing { display, .. } => Some(Path::new(display)),
        }
    }
}

impl std::ops::Deref for Target {
    type Target = Input;

    fn deref(&self) -> &Input {
        &self.input
    }
}

/// What one input is and where it is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, and the name its findings carry.
    Stdin(InputFormat, String),
    /// A regular file.
    File {
        /// Its name as reports show it: as named, or as found in a folder.
        display: String,
        /// Where it is read from.
        path: PathBuf,
        /// How its text holds responses.
        format: InputFormat,
        /// Met in a folder (or named with `--captures-only`): a `.json` that names none of an
        /// answer's members is passed over once read, rather than judged as a body.
        sniff: bool,
    },
    /// A FIFO, socket or device named with `--read-special`: read as standard input is.
    Special {
        /// Its name as reports show it.
        display: String,
        /// Where it is read from.
        path: PathBuf,
        /// How its text holds responses.
        format: InputFormat,
    },
    /// A path that does not exist or cannot be listed; reported as unreadable.
    Missing {
        /// Its name as reports show it.
        display: String,
        /// Why it cannot be read.
        reason: String,
    },
}

impl Input {
    /// The input's name as reports show it.
    pub fn display(&self) -> &str {
        match self {
            Self::Stdin(_, name) => name,
            Self::File { display, .. }
            | Self::Special { display, .. }
            | Self::Missing { display, .. } => display,
        }
    }

    /// Whether this input holds many responses and is read as a stream (NDJSON, HAR, and
    /// standard input in those formats), or may wait for its bytes (a special file): either
    /// is read on its own, never in a window of files checked in parallel.
    pub fn streams(&self) -> bool {
        match self {
            // A cassette is read whole, as a JSON body is: YAML cannot be read in parts.
            Self::Stdin(format, _) | Self::File { format, .. } => {
                !matches!(format, InputFormat::Json | InputFormat::Vcr)
            }
            Self::Special { .. } => true,
            Self::Missing { .. } => false,
        }
    }

    /// Reads and checks an input read whole (a JSON file, JSON on stdin, a cassette, a missing
    /// path): one outcome, or one per interaction of a cassette; never panics on its content.
    pub fn check_body(&self, settings: &Settings, limits: &Limits) -> Vec<Outcome> {
        let format = self.format();
        match self {
            Self::Missing { reason, .. } => vec![unreadable(reason.clone())],
            Self::Stdin(..) => read_whole(
                std::io::stdin().lock(),
                "standard input",
                format,
                settings,
                limits,
            ),
            Self::File { path, sniff, .. } => read_file(path, format, settings, limits, *sniff),
            Self::Special { path, .. } => match open_special(path) {
                Ok(file) => read_whole(file, "the file", format, settings, limits),
                Err(reason) => vec![unreadable(reason)],
            },
        }
    }

    /// Reads and checks this input, delivering its outcomes in order; never panics on its
    /// content. `bytes` counts the bytes of a streamed file as they are read. Returns the
    /// format it was read in: for [`InputFormat::Auto`], the one its first bytes showed.
    pub fn check(
        &self,
        settings: &Settings,
        limits: &Limits,
        bytes: Option<&dyn Progress>,
        deliver: &mut Deliver<'_>,
    ) -> InputFormat {
        let format = self.format();
        if !self.streams() || matches!(format, InputFormat::Json | InputFormat::Vcr) {
            // A special file named as JSON is read whole, as standard input in JSON is.
            for outcome in self.check_body(settings, limits) {
                if !deliver(outcome) {
                    break;
                }
            }
            return format;
        }
        let Some((mut reader, pace)) = self.open(bytes, deliver) else {
            return format;
        };
        let limit = limits.max_size;
        // A zip archive is known by its first bytes, whatever it is called.
        if std::io::BufRead::fill_buf(&mut reader).is_ok_and(archive::is_zip) {
            self.zip(reader, settings, limit, pace, deliver);
            return InputFormat::Har;
        }
        if format == InputFormat::Auto {
            return self.sniffed(reader, settings, limits, pace, deliver);
        }
        self.stream_as(format, reader, settings, limit, pace, deliver);
        format
    }

    /// Reads a stream whose format its first bytes tell, in that format.
    fn sniffed(
        &self,
        mut reader: std::io::BufReader<Box<dyn Read + Send>>,
        settings: &Settings,
        limits: &Limits,
        pace: Pace,
        deliver: &mut Deliver<'_>,
    ) -> InputFormat {
        let head = match first_lines(&mut reader) {
            Ok(head) => head,
            Err(error) => {
                deliver(unreadable(format!("cannot read the input: {error}")));
                return InputFormat::Auto;
            }
        };
        let format = InputFormat::sniff(&head);
        let rest: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(reader));
        if matches!(format, InputFormat::Json | InputFormat::Vcr) {
            for outcome in read_whole(rest, "the input", format, settings, limits) {
                if !deliver(outcome) {
                    break;
                }
            }
        } else {
            let reader = std::io::BufReader::with_capacity(1 << 16, rest);
            self.stream_as(format, reader, settings, limits.max_size, pace, deliver);
        }
        format
    }

    /// Reads a stream of many responses in `format`.
    fn stream_as(
        &self,
        format: InputFormat,
        reader: std::io::BufReader<Box<dyn Read + Send>>,
        settings: &Settings,
        limit: u64,
        pace: Pace,
        deliver: &mut Deliver<'_>,
    ) {
        match format {
            InputFormat::Har => {
                let bodies = match self {
                    Self::File { path, .. } => {
                        Bodies::Folder(path.parent().unwrap_or(Path::new("")).to_path_buf())
                    }
                    _ => Bodies::Nowhere,
                };
                har_outcomes_in(reader, settings, limit, &bodies, pace, deliver);
            }
            InputFormat::Log => log_outcomes(reader, settings, limit, pace, deliver),
            // Framed records are read by the run, which opens an input per run of lines; a
            // guessed format is never asked for here.
            InputFormat::Framed
            | InputFormat::Ndjson
            | InputFormat::Json
            | InputFormat::Vcr
            | InputFormat::Auto => {
                ndjson_outcomes(reader, settings, limit, pace, deliver);
            }
        }
    }

    /// Reads a HAR zip archive: a file from its path (the zip reader seeks), a stream (or a
    /// compressed file) from memory, bounded by the archive's budget.
    fn zip(
        &self,
        reader: impl std::io::BufRead,
        settings: &Settings,
        limit: u64,
        pace: Pace,
        deliver: &mut Deliver<'_>,
    ) {
        let budget = archive::budget(limit);
        let plain_file = match self {
            Self::File { path, .. } => std::fs::File::open(path)
                .and_then(|mut file| {
                    let mut head = [0; 4];
                    file.read_exact(&mut head).map(|()| archive::is_zip(&head))
                })
                .unwrap_or(false)
                .then(|| path.clone()),
            _ => None,
        };
        let stored = match plain_file {
            Some(path) => archive::Stored::Path(path),
            None => match archive::stored_from(reader, budget) {
                Ok(stored) => stored,
                Err(error) => {
                    deliver(unreadable(error.to_string()));
                    return;
                }
            },
        };
        archive::zip_outcomes(&stored, settings, limit, budget, pace, deliver);
    }

    /// How the input's text holds responses.
    pub fn format(&self) -> InputFormat {
        match self {
            Self::Stdin(format, _) | Self::File { format, .. } | Self::Special { format, .. } => {
                *format
            }
            Self::Missing { .. } => InputFormat::Json,
        }
    }

    /// Opens a streamed input, decompressed, with the pace its lines come at; `None` when it
    /// cannot be read, which is delivered as the input's outcome.
    pub fn open(
        &self,
        bytes: Option<&dyn Progress>,
        deliver: &mut Deliver<'_>,
    ) -> Option<(std::io::BufReader<Box<dyn Read + Send>>, Pace)> {
        let compressed: Box<dyn std::io::Read + Send> = match self {
            Self::File { path, .. } => match std::fs::File::open(path) {
                Ok(file) => match bytes {
                    Some(bar) => {
                        bar.count_bytes(file.metadata().map_or(0, |m| m.len()), Box::new(file))
                    }
                    None => Box::new(file),
                },
                Err(error) => {
                    deliver(unreadable(format!("cannot read the file: {error}")));
                    return None;
                }
            },
            Self::Special { path, .. } => match open_special(path) {
                Ok(file) => Box::new(file),
                Err(reason) => {
                    deliver(unreadable(reason));
                    return None;
                }
            },
            _ => Box::new(std::io::stdin()),
        };
        // A pipe's or a device's lines come when they come: each is checked as it arrives.
        let pace = match self {
            Self::Stdin(..) if !stdin_is_a_file() => Pace::Live,
            Self::Special { .. } => Pace::Live,
            _ => Pace::Batched,
        };
        let (decompressed, compression) =
            match decompress::opened(std::io::BufReader::with_capacity(1 << 16, compressed)) {
                Ok(opened) => opened,
                Err(error) => {
                    deliver(unreadable(error.to_string()));
                    return None;
                }
            };
        if compression.is_some() {
            deliver(Outcome {
                decompressed: true,
                ..Outcome::default()
            });
        }
        Some((
            std::io::BufReader::with_capacity(1 << 16, decompressed),
            pace,
        ))
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

/// The first bytes of a stream, enough to tell its format: up to [`SNIFF`] bytes, or fewer once
/// two lines with text have come of which one holds a `{` (a log's first lines may be about
/// something else; a live log's next line may be long in coming), or once it ended.
fn first_lines(reader: &mut impl std::io::BufRead) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let (mut lines, mut braced) = (0, false);
    while head.len() < SNIFF && (lines < 2 || !braced) {
        let mut line = Vec::new();
        let room = (SNIFF - head.len()) as u64;
        if reader.by_ref().take(room).read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if !line.trim_ascii().is_empty() {
            lines += 1;
        }
        braced |= line.contains(&b'{');
        head.extend_from_slice(&line);
    }
    Ok(head)
}

/// Reads a single body from a stream (standard input, a special file), no more than one byte
/// past the size limit, and checks it.
fn read_whole(
    reader: impl Read,
    what: &str,
    format: InputFormat,
    settings: &Settings,
    limits: &Limits,
) -> Vec<Outcome> {
    let mut bytes = Vec::new();
    match reader
        .take(limits.max_size.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        Ok(_) => whole_outcome(bytes, format, settings, limits),
        Err(error) => vec![unreadable(format!("cannot read {what}: {error}"))],
    }
}

/// Opens a special file without letting it stop the run: the open happens on a helper thread
/// and is given up after [`OPEN_WAIT`].
///
/// Opening a FIFO for reading blocks until a writer opens it, maybe never. Opening it with
/// `O_NONBLOCK` instead returns at once, but a read then finds no writer and ends at once too,
/// so `dtlint check --read-special f & producer > f` would race and usually read nothing; and
/// clearing the flag afterwards needs `fcntl`, which std does not offer safely. Waiting a few
/// seconds on a thread keeps the blocking open's meaning (wait for the writer) with a bound.
/// A FIFO given up on is then opened for writing on another thread, which completes the helper's
/// open so that thread ends instead of waiting for the rest of the process's life.
fn open_special(path: &Path) -> Result<std::fs::File, String> {
    let (send, receive) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    let opener = std::thread::Builder::new()
        .name("dtlint-open".to_owned())
        .spawn(move || {
            // The receiver is gone if the wait is over; the file is then closed here.
            let _ = send.send(std::fs::File::open(owned));
        });
    if let Err(error) = opener {
        return Err(format!("cannot open the file: {error}"));
    }
    match receive.recv_timeout(OPEN_WAIT) {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(error)) => Err(format!("cannot open the file: {error}")),
        Err(_) => {
            let seconds = OPEN_WAIT.as_secs();
            if is_fifo(path) {
                release(path);
                Err(format!(
                    "no writer opened the FIFO within {seconds} s; it was not read"
                ))
            } else {
                Err(format!(
                    "the file did not open within {seconds} s; it was not read"
                ))
            }
        }
    }
}

/// Opens the FIFO at `path` for writing and closes it at once, on a thread of its own, so an
/// open for reading still waiting for a writer completes; what that open then reads is nothing.
fn release(path: &Path) {
    let owned = path.to_path_buf();
    // Should this thread not start, or its own open wait, only the helper threads stay blocked.
    let _ = std::thread::Builder::new()
        .name("dtlint-release".to_owned())
        .spawn(move || std::fs::OpenOptions::new().write(true).open(owned));
}

fn is_fifo(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn read_file(
    path: &Path,
    format: InputFormat,
    settings: &Settings,
    limits: &Limits,
    sniff: bool,
) -> Vec<Outcome> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > limits.max_size {
            return vec![Outcome::about_input(vec![crate::rules::reader::too_large(
                crate::rules::reader::Subject::Input,
                Some(meta.len()),
                limits.max_size,
            )])];
        }
    }
    match std::fs::read(path) {
        // Told here, from bytes read anyway on a checking thread, rather than while walking:
        // a second open and read of every file would slow the walk of a folder of small bodies
        // by a third.
        Ok(bytes) if sniff && holds_no_capture(path, format, &bytes) => {
            vec![Outcome::no_capture()]
        }
        Ok(bytes) => whole_outcome(bytes, format, settings, limits),
        Err(error) => vec![unreadable(format!("cannot read the file: {error}"))],
    }
}

/// Whether a `.json` file met in a folder, whose bytes are `bytes`, is some other JSON (a
/// project's `package.json`): passed over as no capture, by `check` and `redact` alike.
pub(crate) fn holds_no_capture(path: &Path, format: InputFormat, bytes: &[u8]) -> bool {
    format == InputFormat::Json
        && !decompress::Compression::named(path)
        && !crate::input::format::may_hold_capture(bytes)
}

/// Checks an input read whole, decompressed first if it is compressed: a cassette (named so,
/// or a JSON one told by its first member) interaction by interaction, anything else as one body.
fn whole_outcome(
    bytes: Vec<u8>,
    format: InputFormat,
    settings: &Settings,
    limits: &Limits,
) -> Vec<Outcome> {
    let (bytes, compressed) = match decompress::whole(bytes, limits.max_size) {
        Err(error) => return vec![unreadable(error.to_string())],
        Ok(opened) => opened,
    };
    let mut outcomes = if compressed.is_some() && bytes.len() as u64 > limits.max_size {
        vec![Outcome::about_input(vec![crate::rules::reader::too_large(
            crate::rules::reader::Subject::Input,
            None,
            limits.max_size,
        )])]
    } else if format.content(&bytes) == Content::Cassette {
        crate::input::vcr_outcomes(&bytes, settings, limits)
    } else {
        vec![body_outcome(&bytes, settings, limits)]
    };
    if compressed.is_some() {
        match outcomes.last_mut() {
            Some(last) => last.decompressed = true,
            None => outcomes.push(Outcome {
                decompressed: true,
                ..Outcome::default()
            }),
        }
    }
    outcomes
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
    /// Paths met in folders and passed over (other extensions, hidden, excluded, symlinks,
    /// special files), counted by reason.
    pub skipped: Skipped,
    /// With [`WalkOptions::list_skipped`]: each path passed over with its reason, sorted by path.
    pub passed_over: Vec<(String, SkipReason)>,
    /// The profile files (`dtlint.toml`) met in the folders walked, sorted: neither inputs nor
    /// passed over. Whether they judge anything is the profile search's to say.
    pub profiles: Vec<PathBuf>,
}

impl Collected {
    fn add(&mut self, input: Input) {
        self.targets.push(Target::new(input));
    }

    fn skip(&mut self, path: &Path, reason: SkipReason, options: &WalkOptions) {
        self.skipped.add(reason);
        if options.list_skipped {
            self.passed_over
                .push((path.to_string_lossy().into_owned(), reason));
        }
    }
}

/// Expands paths: files are taken as given, folders are walked for `.json` files, `-` is stdin.
pub fn collect(paths: &[PathBuf], options: &WalkOptions) -> Collected {
    let mut collected = Collected::default();
    let stdin_format = options.stdin_format.unwrap_or(InputFormat::Auto);
    for path in paths {
        let display = path.to_string_lossy().into_owned();
        if display == "-" {
            let name = options.stdin_name.clone().unwrap_or_else(|| "-".to_owned());
            collected.add(Input::Stdin(stdin_format, name));
            continue;
        }
        match std::fs::metadata(path) {
            Err(error) => collected.add(Input::Missing {
                display,
                reason: format!("cannot open the path: {error}"),
            }),
            Ok(meta) if meta.is_dir() => walk(path, options, &mut collected),
            // `dtlint check <(cmd)` names /dev/fd/N, a pipe: with the flag it reads as stdin.
            Ok(meta) if !meta.is_file() && options.read_special => {
                collected.add(Input::Special {
                    format: InputFormat::of(path).unwrap_or(stdin_format),
                    display,
                    path: path.clone(),
                });
            }
            Ok(meta) if !meta.is_file() => collected.add(Input::Missing {
                display,
                reason: format!(
                    "{} is not a regular file and is not read: it may never end or never \
                     start; to check it as a stream, pass --read-special or pipe it to `-`",
                    special_kind(&meta)
                ),
            }),
            Ok(_) => {
                let format = InputFormat::of(path).unwrap_or(InputFormat::Json);
                // A YAML file is told from its first bytes here, as in a folder; a `.json` once
                // read, as in a folder.
                if options.captures_only
                    && format == InputFormat::Vcr
                    && !crate::input::vcr::file_is_cassette(path)
                {
                    collected.skip(path, SkipReason::NotACapture, options);
                    continue;
                }
                collected.add(Input::File {
                    format,
                    display,
                    path: path.clone(),
                    sniff: options.captures_only,
                });
            }
        }
    }
    collected
        .targets
        .sort_by(|a, b| a.display().cmp(b.display()));
    collected.targets.dedup();
    collected.passed_over.sort();
    collected.profiles.sort();
    collected.profiles.dedup();
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
    // With `follow_links`, walkdir reports a link to an ancestor as an error, so loops end.
    let mut entries = WalkDir::new(root).follow_links(options.follow).into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                match (error.path(), symlink_trouble(&error)) {
                    (Some(path), Some(reason)) => collected.skip(path, reason, options),
                    _ => {
                        let display = error.path().map_or_else(
                            || root.to_string_lossy().into_owned(),
                            |p| p.to_string_lossy().into_owned(),
                        );
                        collected.add(Input::Missing {
                            display,
                            reason: format!("cannot walk the folder: {error}"),
                        });
                    }
                }
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_dir() {
            if let Some(reason) = passed_over_folder(&entry, root, options) {
                // The folder counts once; nothing under it is looked at.
                entries.skip_current_dir();
                collected.skip(path, reason, options);
            }
            continue;
        }
        if entry.file_name() == PROFILE_NAME {
            // Whatever --glob and --exclude say: they choose inputs, and a profile is none.
            collected.profiles.push(path.to_path_buf());
            continue;
        }
        match passed_over_file(&entry, root, options) {
            Err(reason) => collected.skip(path, reason, options),
            Ok(format) => collected.add(Input::File {
                display: path.to_string_lossy().into_owned(),
                path: path.to_path_buf(),
                format,
                sniff: true,
            }),
        }
    }
}

fn hidden(name: &str, options: &WalkOptions) -> bool {
    !options.hidden && name.starts_with('.')
}

/// Why a folder is not walked into, if it is not.
fn passed_over_folder(
    entry: &walkdir::DirEntry,
    root: &Path,
    options: &WalkOptions,
) -> Option<SkipReason> {
    folder_passed_over(
        &entry.file_name().to_string_lossy(),
        entry.path(),
        root,
        options,
    )
}

/// Why the folder `name` at `path`, met in the walk of `root`, is not walked into, if it is not:
/// known from its name and path alone.
fn folder_passed_over(
    name: &str,
    path: &Path,
    root: &Path,
    options: &WalkOptions,
) -> Option<SkipReason> {
    if hidden(name, options) {
        return Some(SkipReason::Hidden);
    }
    if SKIPPED_DIRS.contains(&name) || matches(options.exclude.as_ref(), path, root) {
        return Some(SkipReason::Excluded);
    }
    None
}

/// Whether the globs pass over a file at `path` met in the walk of `root`: not matched by
/// `--glob`, or matched by `--exclude`.
fn excluded(path: &Path, root: &Path, options: &WalkOptions) -> bool {
    let included = options.include.is_none() || matches(options.include.as_ref(), path, root);
    !included || matches(options.exclude.as_ref(), path, root)
}

/// The format a file met in a folder is read in, or why it is passed over: what it is first,
/// then whether it is hidden, then its name, then the globs.
fn passed_over_file(
    entry: &walkdir::DirEntry,
    root: &Path,
    options: &WalkOptions,
) -> Result<InputFormat, SkipReason> {
    let kind = entry.file_type();
    // Symlinks (not followed, as ripgrep does not) and special files (FIFOs, devices, sockets,
    // which may never end) are passed over.
    if kind.is_symlink() {
        return Err(SkipReason::Symlink);
    }
    if !kind.is_file() {
        return Err(SkipReason::SpecialFile);
    }
    if hidden(&entry.file_name().to_string_lossy(), options) {
        return Err(SkipReason::Hidden);
    }
    let path = entry.path();
    let format = InputFormat::of(path).ok_or(SkipReason::NotACapture)?;
    if side_file(path) {
        return Err(SkipReason::NotACapture);
    }
    // YAML files in a folder are mostly configuration: only cassettes are read.
    if format == InputFormat::Vcr && !crate::input::vcr::file_is_cassette(path) {
        return Err(SkipReason::NotACapture);
    }
    if excluded(path, root, options) {
        return Err(SkipReason::Excluded);
    }
    Ok(format)
}

/// Whether a file met in a folder is a body Playwright keeps beside a HAR (`attach`): named by
/// the SHA-1 of its content (`0a1b….json`) in a folder that holds a `.har`. It is checked
/// through its HAR, where it is known as a request's or a response's body; read alone, a
/// request body would be judged as an answer.
fn side_file(path: &Path) -> bool {
    sha1_named(path)
        && path
            .parent()
            .and_then(|d| std::fs::read_dir(d).ok())
            .is_some_and(|mut files| {
                files.any(|f| {
                    f.is_ok_and(|f| {
                        Path::new(&f.file_name())
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("har"))
                    })
                })
            })
}

/// Whether a file is named as Playwright names a body it keeps beside a HAR: by the SHA-1 of
/// its content (`0a1b….json`).
pub(crate) fn sha1_named(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Whether `globs` match the entry's path as found (`./captures/a.har`) or, as ripgrep matches
/// them, relative to the folder walked (`captures/a.har`), so `--glob 'captures/**/*.har' .` reads
/// what it says.
fn matches(globs: Option<&globset::GlobSet>, path: &Path, root: &Path) -> bool {
    let Some(globs) = globs else {
        return false;
    };
    globs.is_match(path) || path.strip_prefix(root).is_ok_and(|p| globs.is_match(p))
}

/// Whether a walk error is a link followed (`--follow`) into a loop or to nothing, which is
/// passed over and counted, rather than a folder that cannot be read.
fn symlink_trouble(error: &walkdir::Error) -> Option<SkipReason> {
    if error.loop_ancestor().is_some() {
        return Some(SkipReason::SymlinkLoop);
    }
    let path = error.path()?;
    let link = std::fs::symlink_metadata(path).ok()?;
    if !link.file_type().is_symlink() {
        return None;
    }
    match error.io_error()?.kind() {
        std::io::ErrorKind::NotFound => Some(SkipReason::BrokenSymlink),
        // `a -> b -> a` fails to resolve with ELOOP, which std does not name on stable Rust.
        _ if endless(path) => Some(SkipReason::SymlinkLoop),
        _ => None,
    }
}

/// Whether the chain of links starting at `path` goes on past [`MAX_LINKS`], as a cycle does.
fn endless(path: &Path) -> bool {
    let mut at = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let Ok(target) = std::fs::read_link(&at) else {
            return false;
        };
        at = at.parent().unwrap_or(Path::new("")).join(target);
    }
    true
}
