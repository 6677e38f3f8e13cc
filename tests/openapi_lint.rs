//! `dtlint schema --format openapi` against the two linters OpenAPI users run: Spectral
//! (`spectral:oas`) and Redocly CLI (`recommended`), at the versions `.ci/run` installs into
//! `~/.cache/dtlint-node-tools`. With the rulesets shipped in `schemas/openapi-lint/` the
//! export, with and without a caller, must draw no problem at all; with the linters' own
//! rulesets, no error and only the warnings those files turn off, each for the reason given
//! in [`SPECTRAL_JUSTIFIED`] and [`REDOCLY_JUSTIFIED`] (and in docs/openapi-lint.md).
//!
//! Each linter's test is skipped, with a note on standard error, when that linter is found
//! neither in the cache folder nor on PATH; `.ci/run` installs both, so CI never skips them.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{dtlint, root};

/// Spectral's warnings that `schemas/openapi-lint/.spectral.yaml` turns off, and why.
const SPECTRAL_JUSTIFIED: &[(&str, &str)] = &[(
    "info-contact",
    "the document describes DingTalk's API, for which no contact can honestly be named",
)];

/// Redocly's warnings that `schemas/openapi-lint/redocly.yaml` turns off, and why.
const REDOCLY_JUSTIFIED: &[(&str, &str)] = &[(
    "operation-4xx-response",
    "the platform answers every error with HTTP 200 and a non-zero errcode: there is no 4xx",
)];

/// One problem a linter reports, reduced to what the assertions need.
#[derive(Debug)]
struct Problem {
    file: String,
    rule: String,
    error: bool,
    at: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = if self.error { "error" } else { "warning" };
        write!(f, "{} {level} {} at {}", self.file, self.rule, self.at)
    }
}

/// The documents the linters read, written by the built binary into a temporary folder:
/// the export without a caller, with one (whose withheld members are marked), and a broken
/// copy of the first that both linters must reject, so that a linter which reports nothing
/// (or an output this test misreads) cannot pass.
struct Documents {
    dir: tempfile::TempDir,
}

/// The exports the linters must find clean: (file name, arguments of `dtlint schema`).
const EXPORTS: [(&str, &[&str]); 2] = [
    ("plain.json", &[]),
    ("third-party.json", &["--app-type", "third-party"]),
];

/// The broken copy: `dept_position_list` without `items` (Spectral's `array-items`) and the
/// user/get operation without `security` (Redocly's `security-defined`), both errors.
const BROKEN: &str = "broken.json";

impl Documents {
    fn write() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, args) in EXPORTS {
            let out = dir.path().join(name);
            let mut all = vec!["schema", "--format", "openapi", "-o"];
            let out_text = out.to_string_lossy();
            all.push(&out_text);
            all.extend_from_slice(args);
            let (code, _, stderr) = dtlint(&root(), &all, None);
            assert_eq!(code, 0, "dtlint {all:?}: {stderr}");
        }
        let plain = dir.path().join(EXPORTS[0].0);
        let mut broken: Value =
            serde_json::from_str(&std::fs::read_to_string(plain).expect("export")).expect("json");
        let user = &mut broken["components"]["schemas"]["User"]["properties"];
        user["dept_position_list"]
            .as_object_mut()
            .expect("dept_position_list")
            .remove("items");
        broken["paths"]["/topapi/v2/user/get"]["post"]
            .as_object_mut()
            .expect("operation")
            .remove("security");
        std::fs::write(dir.path().join(BROKEN), broken.to_string()).expect("write");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every file name, the broken one last.
    fn names() -> Vec<&'static str> {
        EXPORTS
            .iter()
            .map(|(name, _)| *name)
            .chain([BROKEN])
            .collect()
    }
}

fn cache() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent"))
}

/// A linter's command from `.ci/run`'s npm folder, else from PATH; or `None` after a note on
/// the process's own standard error (which the test harness does not capture, so that
/// `cargo test` shows why the test did nothing).
fn linter(name: &str) -> Option<PathBuf> {
    let folder = cache().join("dtlint-node-tools/node_modules/.bin");
    let on_path = || {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    };
    let found = Some(folder.join(name))
        .filter(|cached| cached.is_file())
        .or_else(on_path);
    if found.is_none() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: the OpenAPI lint test is skipped: no {name} in {} or on PATH (.ci/run installs it)",
            folder.display()
        );
    }
    found
}

fn run(command: &mut Command, what: &str) -> Output {
    let output = command
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    // Both exit 1 when they find an error; anything else means they did not lint at all.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{what}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Spectral's problems with `ruleset` over every document (`-f json`, written to a file since
/// Spectral may add a sentence after the JSON on standard output).
fn spectral(bin: &Path, documents: &Documents, ruleset: &Path) -> Vec<Problem> {
    let report = documents.path().join("spectral.json");
    let output = run(
        Command::new(bin)
            .current_dir(documents.path())
            .arg("lint")
            .args(Documents::names())
            .arg("--ruleset")
            .arg(ruleset)
            .args(["-f", "json", "-q", "-o"])
            .arg(&report),
        "spectral lint",
    );
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
        panic!(
            "spectral wrote no report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let results: Vec<Value> = serde_json::from_str(&text).expect("spectral's JSON");
    results.iter().map(spectral_problem).collect()
}

/// A Spectral result: severity 0 is an error, 1 a warning (2 and 3, information and hints,
/// count as warnings here, so that any of them must be justified too).
fn spectral_problem(result: &Value) -> Problem {
    let file = result["source"].as_str().unwrap_or_default();
    let path: Vec<String> = result["path"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| {
            step.as_str()
                .map_or_else(|| step.to_string(), str::to_owned)
        })
        .collect();
    Problem {
        file: file_name(file),
        rule: result["code"].as_str().unwrap_or_default().to_owned(),
        error: result["severity"] == 0,
        at: path.join("."),
    }
}

/// Redocly's problems over every document: `--format json` prints one JSON report per
/// document, one after the other, with the totals the problems must add up to.
fn redocly(bin: &Path, documents: &Documents, config: Option<&Path>) -> Vec<Problem> {
    let mut command = Command::new(bin);
    command
        .current_dir(documents.path())
        // No usage data and no update check: the test must not need the network.
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .arg("lint")
        .args(Documents::names())
        .args(["--format", "json"]);
    match config {
        Some(config) => command.arg("--config").arg(config),
        // The temporary folder holds no redocly.yaml, so this is the ruleset alone.
        None => command.args(["--extends", "recommended"]),
    };
    let output = run(&mut command, "redocly lint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut problems = Vec::new();
    for report in serde_json::Deserializer::from_str(&stdout).into_iter::<Value>() {
        let report = report.unwrap_or_else(|e| panic!("redocly's JSON ({e}):\n{stdout}"));
        let found: Vec<Problem> = report["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(redocly_problem)
            .collect();
        let errors = found.iter().filter(|p| p.error).count();
        assert_eq!(
            report["totals"]["errors"], errors,
            "redocly {}: totals",
            report["version"]
        );
        assert_eq!(
            report["totals"]["warnings"],
            found.len() - errors,
            "redocly {}: totals",
            report["version"]
        );
        problems.extend(found);
    }
    problems
}

fn redocly_problem(problem: &Value) -> Problem {
    let location = &problem["location"][0];
    Problem {
        file: file_name(location["source"]["ref"].as_str().unwrap_or_default()),
        rule: problem["ruleId"].as_str().unwrap_or_default().to_owned(),
        error: problem["severity"] == "error",
        at: location["pointer"].as_str().unwrap_or_default().to_owned(),
    }
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(
        || path.to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// The problems of one document, as text for the assertions' messages.
fn of(problems: &[Problem], file: &str) -> Vec<String> {
    problems
        .iter()
        .filter(|p| p.file == file)
        .map(ToString::to_string)
        .collect()
}

/// The assertions both linters share: with the shipped ruleset the exports are clean; with
/// the linter's own, they draw no error and exactly the justified warnings; and the broken
/// copy draws `must_catch` as an error, under both.
fn assert_lints(
    shipped: &[Problem],
    builtin: &[Problem],
    justified: &[(&str, &str)],
    must_catch: &str,
) {
    let reasons = justified;
    let justified: BTreeSet<&str> = justified.iter().map(|(rule, _)| *rule).collect();
    for (file, _) in EXPORTS {
        assert_eq!(of(shipped, file), Vec::<String>::new(), "shipped ruleset");
        let here: Vec<&Problem> = builtin.iter().filter(|p| p.file == file).collect();
        let errors: Vec<String> = here
            .iter()
            .filter(|p| p.error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "built-in ruleset");
        // Every warning is justified, and every justification (every rule the shipped file
        // turns off) is still needed.
        let warned: BTreeSet<&str> = here.iter().map(|p| p.rule.as_str()).collect();
        assert_eq!(
            warned,
            justified,
            "{file}: {:?}; justified: {reasons:?}",
            of(builtin, file)
        );
    }
    for problems in [shipped, builtin] {
        assert!(
            problems
                .iter()
                .any(|p| p.file == BROKEN && p.error && p.rule == must_catch),
            "{must_catch} missed: {:?}",
            of(problems, BROKEN)
        );
    }
}

#[test]
fn spectral_finds_no_error_in_the_openapi_export() {
    let Some(bin) = linter("spectral") else {
        return;
    };
    let documents = Documents::write();
    let bare = documents.path().join("builtin.spectral.yaml");
    std::fs::write(&bare, "extends: [\"spectral:oas\"]\n").expect("write");
    let shipped = root().join("schemas/openapi-lint/.spectral.yaml");
    assert_lints(
        &spectral(&bin, &documents, &shipped),
        &spectral(&bin, &documents, &bare),
        SPECTRAL_JUSTIFIED,
        "array-items",
    );
}

#[test]
fn redocly_finds_no_error_in_the_openapi_export() {
    let Some(bin) = linter("redocly") else {
        return;
    };
    let documents = Documents::write();
    let shipped = root().join("schemas/openapi-lint/redocly.yaml");
    assert_lints(
        &redocly(&bin, &documents, Some(&shipped)),
        &redocly(&bin, &documents, None),
        REDOCLY_JUSTIFIED,
        "security-defined",
    );
}
