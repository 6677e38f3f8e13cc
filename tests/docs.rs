//! The documentation stays true: every command README.md, CONTRIBUTING.md and docs/*.md show
//! runs with the built binary (servers are parsed), and every relative link resolves.
//!
//! Commands are the lines of fenced blocks marked `sh`, `bash` or `console` (in `console`, the
//! lines that start with `$ `) that run `dtlint` or `cargo run [--release] --`. Each runs
//! through `bash -o pipefail`, with `dtlint` on PATH, in a folder holding a copy of `samples/`
//! and the names the pages use for a reader's own files (see [`workspace`]), one folder per
//! block (its commands run in order, as a reader following the page runs them), and
//! must exit 0 or 1, or the code a `# exit N` comment on its line names: never 2, never a
//! panic. The skip rule is small and explicit: the subcommands of [`SERVERS`], and every line
//! of a block preceded by [`PARSE_ONLY`], are only parsed: the binary is run with the line's
//! arguments and `--help` appended, which clap answers only once every argument before it is
//! known and its value valid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Subcommands that serve until stopped: only parsed.
const SERVERS: &[&str] = &["mock", "proxy"];

/// Put on the line before a block whose commands cannot run here (a placeholder `...`, a
/// cluster, a tool such as `kubectl`): its `dtlint` commands are only parsed.
const PARSE_ONLY: &str = "<!-- docs-test: parse-only -->";

/// Block languages whose lines are commands.
const SHELLS: &[&str] = &["sh", "bash", "console"];

/// How long one command may take (the debug build).
const TIMEOUT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, CONTRIBUTING.md and docs/*.md, relative to the root.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md"), PathBuf::from("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| Path::new("docs").join(p.file_name().expect("name")))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

fn read(page: &Path) -> String {
    std::fs::read_to_string(root().join(page)).unwrap_or_else(|e| panic!("{}: {e}", page.display()))
}

/// A fenced code block.
struct Block {
    /// The line of its opening fence (1-based).
    line: usize,
    /// Its language (the info string's first word), empty when none.
    lang: String,
    /// Whether [`PARSE_ONLY`] precedes it.
    parse_only: bool,
    /// Its lines, with the fence's indentation removed, and their numbers.
    lines: Vec<(usize, String)>,
}

/// The fenced blocks of a page (``` and ~~~ fences, indented ones in lists too).
fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, Block)> = None;
    let mut last_text = "";
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence = fence.len() >= 3 && fence.chars().all(|c| c == fence.as_bytes()[0] as char);
        match open.take() {
            Some((opened, _, block))
                if is_fence
                    && fence.starts_with(&opened)
                    && trimmed[fence.len()..].trim().is_empty() =>
            {
                blocks.push(block);
            }
            Some((opened, at, mut block)) => {
                let strip = line.len() - line.trim_start().len();
                block.lines.push((i + 1, line[strip.min(at)..].to_owned()));
                open = Some((opened, at, block));
            }
            None if is_fence => {
                let lang = trimmed[fence.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let block = Block {
                    line: i + 1,
                    lang,
                    parse_only: last_text.trim() == PARSE_ONLY,
                    lines: Vec::new(),
                };
                open = Some((fence, indent, block));
            }
            None => {}
        }
        if open.is_none() && !line.trim().is_empty() {
            last_text = line;
        }
    }
    assert!(open.is_none(), "a fence is never closed");
    blocks
}

/// A shell token.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// `|`, `||`, `&&`, `;`, `&`: ends a command.
    Separator(String),
    /// `>`, `>>`, `<`, `2>`, `2>&1`, `&>`: the next word is its target (`2>&1` has none).
    Redirect(String),
}

/// A command line split as the shell splits it: words (quotes removed, `<(...)` and `$(...)`
/// kept whole), separators and redirections; and its comment.
fn tokens(line: &str) -> (Vec<Token>, String) {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush = |word: &mut String, in_word: &mut bool, out: &mut Vec<Token>| {
        if *in_word {
            out.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    // Copies a parenthesised group from `i` (at its `(`) through its matching `)`.
    let group = |i: &mut usize, word: &mut String| {
        let mut depth = 0;
        while *i < chars.len() {
            let c = chars[*i];
            word.push(c);
            *i += 1;
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' => {
                flush(&mut word, &mut in_word, &mut out);
                i += 1;
            }
            '#' if !in_word => {
                let comment: String = chars[i + 1..].iter().collect();
                return (out, comment.trim().to_owned());
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '\\' => {
                in_word = true;
                if let Some(n) = next {
                    word.push(n);
                }
                i += 2;
            }
            '$' if next == Some('(') => {
                in_word = true;
                word.push('$');
                i += 1;
                group(&mut i, &mut word);
            }
            '<' if next == Some('(') => {
                in_word = true;
                word.push('<');
                i += 1;
                group(&mut i, &mut word);
            }
            '|' | ';' | '&' => {
                flush(&mut word, &mut in_word, &mut out);
                let op = match (c, next) {
                    ('|', Some('|')) | ('&', Some('&')) => format!("{c}{c}"),
                    ('&', Some('>')) => {
                        out.push(Token::Redirect("&>".to_owned()));
                        i += 2;
                        continue;
                    }
                    _ => c.to_string(),
                };
                i += op.len();
                out.push(Token::Separator(op));
            }
            '>' | '<' => {
                // `2>` and `2>&1`: a lone digit before the operator is its descriptor.
                let descriptor =
                    if in_word && word.len() == 1 && word.as_bytes()[0].is_ascii_digit() {
                        in_word = false;
                        std::mem::take(&mut word)
                    } else {
                        flush(&mut word, &mut in_word, &mut out);
                        String::new()
                    };
                let mut op = format!("{descriptor}{c}");
                i += 1;
                if c == '>' && chars.get(i) == Some(&'>') {
                    op.push('>');
                    i += 1;
                }
                if chars.get(i) == Some(&'&') {
                    op.push('&');
                    i += 1;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        op.push(chars[i]);
                        i += 1;
                    }
                }
                out.push(Token::Redirect(op));
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    flush(&mut word, &mut in_word, &mut out);
    (out, String::new())
}

/// The arguments of each `dtlint` command of a line (after `dtlint`, or after the `--` of
/// `cargo run`), redirections and their targets left out.
fn dtlint_commands(tokens: &[Token]) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    for segment in tokens.split(|t| matches!(t, Token::Separator(_))) {
        let mut words = Vec::new();
        let mut skip_target = false;
        for token in segment {
            match token {
                Token::Redirect(op) => skip_target = !op.contains('&') || op == "&>",
                Token::Word(_) if skip_target => skip_target = false,
                Token::Word(w) => words.push(w.clone()),
                Token::Separator(_) => unreachable!(),
            }
        }
        // Leading environment assignments (`NO_COLOR=1 dtlint ...`).
        let start = words
            .iter()
            .position(|w| {
                !(w.contains('=')
                    && w.split('=').next().is_some_and(|n| {
                        !n.is_empty() && n.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
                    }))
            })
            .unwrap_or(words.len());
        let words = &words[start..];
        match words.first().map(String::as_str) {
            Some("dtlint") => commands.push(words[1..].to_vec()),
            Some("cargo") if words.get(1).map(String::as_str) == Some("run") => {
                if let Some(dashes) = words.iter().position(|w| w == "--") {
                    commands.push(words[dashes + 1..].to_vec());
                }
            }
            _ => {}
        }
    }
    commands
}

/// `cargo run [OPTIONS] --` replaced by `dtlint` in a command line, so that the line runs the
/// binary under test.
fn as_dtlint(line: &str) -> String {
    let mut line = line.to_owned();
    while let Some(start) = line.find("cargo run") {
        let Some(dashes) = line[start..].find(" -- ") else {
            break;
        };
        line.replace_range(start..start + dashes + 4, "dtlint ");
    }
    line
}

/// A command of a page.
struct Shown {
    /// `page:line`.
    place: String,
    /// The line as the page shows it (continuations joined).
    text: String,
    /// The block is marked [`PARSE_ONLY`].
    parse_only: bool,
    /// The line of its block's fence: the commands of a block run in order, in one folder.
    block: usize,
}

/// Every command line of the shell blocks of a page; fails on a block with no language.
fn commands_of(page: &Path, problems: &mut Vec<String>) -> Vec<Shown> {
    let mut shown = Vec::new();
    for block in blocks(&read(page)) {
        let place = |n: usize| format!("{}:{n}", page.display());
        if block.lang.is_empty() {
            problems.push(format!(
                "{}: a fenced block with no language (mark commands `sh`, output `text`)",
                place(block.line)
            ));
            continue;
        }
        if !SHELLS.contains(&block.lang.as_str()) {
            continue;
        }
        let console = block.lang == "console";
        let mut pending: Option<(usize, String)> = None;
        for (n, line) in &block.lines {
            let line = if let Some((at, mut text)) = pending.take() {
                text.push_str(line.trim_start());
                (at, text)
            } else if console {
                match line.strip_prefix("$ ") {
                    Some(command) => (*n, command.to_owned()),
                    None => continue,
                }
            } else {
                (*n, line.clone())
            };
            if let Some(head) = line.1.strip_suffix('\\') {
                pending = Some((line.0, format!("{head} ")));
                continue;
            }
            let text = line.1.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            shown.push(Shown {
                place: place(line.0),
                text: text.to_owned(),
                parse_only: block.parse_only,
                block: block.line,
            });
        }
        if let Some((at, _)) = pending {
            problems.push(format!("{}: a `\\` continuation ends the block", place(at)));
        }
    }
    shown
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let kind = entry.file_type().expect("type");
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs the binary in `dir` to prepare the workspace; it must not fail to run.
fn prepare(dir: &Path, args: &[&str], stdout_to: Option<&Path>) {
    let output = Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("dtlint runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "preparing with dtlint {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    if let Some(path) = stdout_to {
        std::fs::write(path, &output.stdout).expect("write");
    }
}

/// The folder the pages' commands run in: a copy of `samples/`, and the names the pages give
/// a reader's own files.
///
/// - `my-capture.har`: a capture of your own (`samples/har/chrome-devtools.har`);
/// - `captures/`: a folder of them (the HAR files of `samples/har/`);
/// - `dtlint.toml`: the profile of the folder (an internal app with the mobile permission);
/// - `dtlint-baseline.json`: `dtlint baseline captures/` of that folder;
/// - `parts/`, `audit-parts/`: a partial result of `captures/` each, for `dtlint merge`.
fn workspace(dir: &Path) {
    let samples = root().join("samples");
    copy_dir(&samples, &dir.join("samples"));
    std::fs::copy(
        samples.join("har/chrome-devtools.har"),
        dir.join("my-capture.har"),
    )
    .expect("copy");
    std::fs::create_dir(dir.join("captures")).expect("mkdir");
    for entry in std::fs::read_dir(samples.join("har")).expect("samples/har") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "har") {
            std::fs::copy(
                &path,
                dir.join("captures").join(path.file_name().expect("name")),
            )
            .expect("copy");
        }
    }
    std::fs::write(
        dir.join("dtlint.toml"),
        "app-type = \"internal\"\npermissions = [\"mobile\"]\n",
    )
    .expect("write");
    prepare(
        dir,
        &["baseline", "captures/", "-o", "dtlint-baseline.json"],
        None,
    );
    std::fs::create_dir(dir.join("parts")).expect("mkdir");
    prepare(
        dir,
        &["check", "captures/", "--partial", "--exit-zero"],
        Some(&dir.join("parts/part-00000")),
    );
    std::fs::create_dir(dir.join("audit-parts")).expect("mkdir");
    prepare(
        dir,
        &["audit", "captures/", "--partial", "--exit-zero"],
        Some(&dir.join("audit-parts/part-00000")),
    );
}

/// A folder with `dtlint` in it, the binary under test, to put first on PATH.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_dtlint"), dir.path().join("dtlint"))
        .expect("symlink");
    #[cfg(not(unix))]
    std::fs::copy(
        env!("CARGO_BIN_EXE_dtlint"),
        dir.path()
            .join(format!("dtlint{}", std::env::consts::EXE_SUFFIX)),
    )
    .expect("copy");
    dir
}

/// Runs `command` to its end or [`TIMEOUT`]; its output goes to files in `logs`.
/// Returns the exit code (`None`: killed by a signal or the timeout) and stderr.
fn run(mut command: Command, logs: &Path) -> (Option<i32>, String, String) {
    let stdout = logs.join("stdout");
    let stderr = logs.join("stderr");
    command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr).expect("stderr file"));
    let mut child = command.spawn().expect("starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    (status.and_then(|s| s.code()), out, err)
}

/// The exit code a `# exit N` comment names.
fn expected_exit(comment: &str) -> Option<i32> {
    let at = comment.find("exit ")?;
    let digits: String = comment[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Parses `args` with the binary's own parser: `--help` after them prints help (exit 0)
/// only when every argument before it is known and its value valid.
fn parses(args: &[String], dir: &Path, logs: &Path) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dtlint"));
    command.args(args).arg("--help").current_dir(dir);
    match run(command, logs) {
        (Some(0), out, _) if out.contains("Usage:") => Ok(()),
        (code, out, err) => Err(format!("exit {code:?}\n{err}{out}")),
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[test]
fn every_command_shown_runs() {
    let mut problems = Vec::new();
    let template = tempfile::tempdir().expect("temp dir");
    workspace(template.path());
    let bin = bin_dir();
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut ran = Vec::new();
    let mut parsed = Vec::new();
    let mut other = 0;
    for page in pages() {
        // The folder of the block being run: a block's commands share it, as a reader
        // following the page would (`redact`, then `check` the copy).
        let mut folder: Option<(usize, tempfile::TempDir)> = None;
        for shown in commands_of(&page, &mut problems) {
            let (tokens, comment) = tokens(&shown.text);
            let commands = dtlint_commands(&tokens);
            if commands.is_empty() {
                other += 1;
                continue;
            }
            let serves = commands.iter().any(|args| {
                args.iter()
                    .find(|a| !a.starts_with('-'))
                    .is_some_and(|sub| SERVERS.contains(&sub.as_str()))
            });
            let scratch = tempfile::tempdir().expect("temp dir");
            let logs = scratch.path();
            if shown.parse_only || serves {
                for args in &commands {
                    if let Err(e) = parses(args, scratch.path(), logs) {
                        problems.push(format!(
                            "{}: `{}` does not parse: {e}",
                            shown.place, shown.text
                        ));
                    }
                }
                parsed.push(format!("{}  {}", shown.place, shown.text));
                continue;
            }
            if folder
                .as_ref()
                .is_none_or(|(block, _)| *block != shown.block)
            {
                let dir = tempfile::tempdir().expect("temp dir");
                copy_dir(template.path(), dir.path());
                folder = Some((shown.block, dir));
            }
            let work = folder
                .as_ref()
                .map(|(_, dir)| dir.path())
                .expect("a folder");
            let line = as_dtlint(&shown.text);
            let mut command = Command::new("bash");
            command
                .args(["-o", "pipefail", "-c", &line])
                .current_dir(work)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env_remove("CLICOLOR_FORCE");
            let (code, out, err) = run(command, logs);
            let expected = expected_exit(&comment);
            if expected.is_some_and(|code| code != 0 && code != 1) {
                problems.push(format!(
                    "{}: `{}`: a command shown exits 0 or 1; show a failing one as text",
                    shown.place, shown.text
                ));
            }
            let fine = match (code, expected) {
                (Some(code), Some(expected)) => code == expected,
                (Some(code), None) => code == 0 || code == 1,
                (None, _) => false,
            };
            if !fine || err.contains("panicked") {
                let wanted = expected.map_or("0 or 1".to_owned(), |e| e.to_string());
                problems.push(format!(
                    "{}: `{}` exited {code:?}, the page says {wanted}:\n{}",
                    shown.place,
                    shown.text,
                    tail(&format!("{err}{out}"))
                ));
            }
            ran.push(format!("{}  exit {code:?}  {}", shown.place, shown.text));
        }
    }
    println!("ran {} commands:", ran.len());
    for line in &ran {
        println!("  {line}");
    }
    println!("parsed only {} commands:", parsed.len());
    for line in &parsed {
        println!("  {line}");
    }
    println!("{other} other command lines (not dtlint) left alone");
    assert!(
        ran.len() >= 20 && !parsed.is_empty(),
        "the pages show {} runnable and {} parse-only commands: is the block reader broken?",
        ran.len(),
        parsed.len()
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

/// The skip rule's premise: `--help` after a line's arguments still fails on an unknown flag
/// or a bad value, so a parse-only command with a typo fails the test.
#[test]
fn parse_only_still_catches_unknown_flags_and_bad_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path();
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(parses(&args(&["mock", "--generate", "5"]), logs, logs).is_ok());
    assert!(parses(&args(&["mock", "--no-such-flag"]), logs, logs).is_err());
    assert!(parses(
        &args(&["proxy", "--upstream", "x", "--fail-on", "never"]),
        logs,
        logs
    )
    .is_err());
    assert!(parses(&args(&["check", "--format", "yaml"]), logs, logs).is_err());
    assert!(parses(&args(&["no-such-command"]), logs, logs).is_err());
}

#[test]
fn the_shell_reader_finds_dtlint_in_pipes_redirections_and_cargo_run() {
    let commands = |line: &str| dtlint_commands(&tokens(line).0);
    assert_eq!(
        commands("cat my-capture.har | dtlint check - --app-type internal > out.txt 2>&1"),
        vec![vec!["check", "-", "--app-type", "internal"]]
    );
    assert_eq!(
        commands("cargo run --release -- check samples/   # exit 1"),
        vec![vec!["check", "samples/"]]
    );
    assert_eq!(
        commands("dtlint mock --generate 50 & dtlint proxy --upstream 'http://127.0.0.1:8788'"),
        vec![
            vec!["mock", "--generate", "50"],
            vec!["proxy", "--upstream", "http://127.0.0.1:8788"]
        ]
    );
    assert_eq!(
        commands("NO_COLOR=1 dtlint check --read-special <(kubectl logs x) --glob \"*.har\""),
        vec![vec![
            "check",
            "--read-special",
            "<(kubectl logs x)",
            "--glob",
            "*.har"
        ]]
    );
    assert!(commands("pip install dtlint").is_empty());
    assert_eq!(
        tokens("dtlint check a # exit 1: exposures").1,
        "exit 1: exposures"
    );
    assert_eq!(expected_exit("exit 1: exposures"), Some(1));
    assert_eq!(
        as_dtlint("cargo run --release -- check samples/"),
        "dtlint check samples/"
    );
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; inline
/// code and links read as their text.
fn anchor(heading: &str) -> String {
    let link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("regex");
    let text = link.replace_all(heading, "$1");
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a page's headings (outside code blocks), with GitHub's `-1`, `-2` for repeats.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if marker.len() >= 3 {
            match &fence {
                Some(open) if marker.starts_with(open.as_str()) => fence = None,
                Some(_) => {}
                None => fence = Some(marker),
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = anchor(&line[hashes..]);
            let count = seen.entry(base.clone()).or_insert(0);
            out.push(if *count == 0 {
                base.clone()
            } else {
                format!("{base}-{count}")
            });
            *count += 1;
        }
    }
    out
}

/// The relative link targets of a page (outside code), with their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let link = regex::Regex::new(r#"\]\(([^)\s]+)(?:\s+"[^"]*")?\)"#).expect("regex");
    let code = regex::Regex::new(r"`[^`]*`").expect("regex");
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if marker.len() >= 3 {
            match &fence {
                Some(open) if marker.starts_with(open.as_str()) => fence = None,
                Some(_) => {}
                None => fence = Some(marker),
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let line = code.replace_all(line, "");
        for target in link.captures_iter(&line) {
            let target = &target[1];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push((i + 1, target.to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_relative_link_resolves() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = read(&page);
        let dir = page.parent().unwrap_or(Path::new(""));
        for (line, target) in links(&text) {
            checked += 1;
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                page.clone()
            } else {
                dir.join(path)
            };
            let place = format!("{}:{line}", page.display());
            if !root().join(&file).exists() {
                problems.push(format!(
                    "{place}: `{target}`: {} does not exist",
                    file.display()
                ));
                continue;
            }
            if let Some(fragment) = fragment {
                if file.extension().is_none_or(|e| e != "md") {
                    problems.push(format!(
                        "{place}: `{target}`: an anchor into a page that is not markdown"
                    ));
                    continue;
                }
                if !anchors(&read(&file)).iter().any(|a| a == fragment) {
                    problems.push(format!(
                        "{place}: `{target}`: {} has no heading #{fragment}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} links found: is the link reader broken?"
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn anchors_are_github_s() {
    assert_eq!(anchor(" On a cluster"), "on-a-cluster");
    assert_eq!(anchor(" `dtlint proxy`"), "dtlint-proxy");
    assert_eq!(
        anchor(" CI, baselines and audits"),
        "ci-baselines-and-audits"
    );
    assert_eq!(
        anchor(" Hard to stall, bounded in memory"),
        "hard-to-stall-bounded-in-memory"
    );
    assert_eq!(
        anchors("# A\n## A\n```sh\n# not a heading\n```\n"),
        vec!["a", "a-1"]
    );
}
