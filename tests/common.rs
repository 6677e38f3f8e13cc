//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference page, beside the repository as CI lays it out; `None` when it is not there
/// (a fresh clone has nothing beside the repository). Any other read error panics.
pub fn reference(name: &str) -> Option<String> {
    let path = root().join("../shared/reference").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("reading {}: {e}", path.display()),
    }
}

/// Runs the built binary in `dir` with no profile lookup surprises; returns (exit code, stdout, stderr).
pub fn dtlint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_dtlint"));
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("dtlint starts");
    if let Some(mut pipe) = child.stdin.take() {
        if let Some(bytes) = stdin {
            // The child may stop reading early; that is its business.
            let _ = pipe.write_all(bytes);
        }
    }
    let output = child.wait_with_output().expect("dtlint finishes");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A JSON report as a value.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("report is JSON ({e}):\n{stdout}"))
}

/// (entry, rule, pointer) of every finding of `file`, checked from `dir` as an app of `app_type`.
pub fn findings(dir: &Path, app_type: &str, file: &str) -> Vec<(u64, String, String)> {
    let (_, stdout, _) = dtlint(
        dir,
        &[
            "check",
            "--no-profile",
            "--app-type",
            app_type,
            "--format",
            "json",
            file,
        ],
        None,
    );
    let mut list: Vec<_> = json(&stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["entry"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["pointer"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

/// Peak resident memory of a running process, in KiB (Linux).
#[cfg(target_os = "linux")]
pub fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A copy of a sample with findings, as `name` in `dir`: the good input beside a bad one,
/// whose findings must still be reported.
pub fn good_input(dir: &Path, name: &str) {
    std::fs::copy(
        root().join("samples/documented-example.json"),
        dir.join(name),
    )
    .expect("copy the sample");
}

/// `dtlint check --no-profile --format json ARGS` in `dir`: the exit code and the report.
pub fn check_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["check", "--no-profile", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, _) = dtlint(dir, &all, None);
    (code, json(&stdout))
}

/// The settings a profile file gives, for the tests that call the library: the keys the
/// fixtures' and samples' profiles use, read as `dtlint check --profile FILE` reads them (the
/// command line owns profile files; a key this helper does not know fails the test).
pub fn profile_settings(profile: Option<&Path>) -> dtlint::Settings {
    let mut settings = dtlint::Settings::default();
    let Some(path) = profile else {
        return settings;
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value =
        |v: &toml::Value| -> serde_json::Value { serde_json::to_value(v).expect("TOML as JSON") };
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.map(|v| serde_json::from_value(value(v)).expect("a list of strings"))
            .unwrap_or_default()
    };
    let (mut select, mut extend, mut ignore, mut severities) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (key, v) in &table {
        match key.as_str() {
            "app-type" => {
                settings.caller.app_type =
                    Some(serde_json::from_value(value(v)).expect("app-type"));
            }
            "permissions" => {
                settings.caller.permissions =
                    serde_json::from_value(value(v)).expect("permissions");
            }
            "corp-id" => settings.caller.corp_id = v.as_str().map(str::to_owned),
            "language" => {
                settings.language = Some(serde_json::from_value(value(v)).expect("language"));
            }
            "body-shape" => {
                settings.body_shape = serde_json::from_value(value(v)).expect("body-shape");
            }
            "rules" => {
                let rules = v.as_table().expect("[rules]");
                for (key, v) in rules {
                    match key.as_str() {
                        "select" => select = strings(Some(v)),
                        "extend-select" => extend = strings(Some(v)),
                        "ignore" => ignore = strings(Some(v)),
                        "severity" => {
                            for (rule, level) in v.as_table().expect("[rules.severity]") {
                                let level = dtlint::Severity::parse(level.as_str().unwrap_or(""))
                                    .expect("a severity");
                                severities.push((rule.clone(), level));
                            }
                        }
                        other => panic!("{}: rules.{other} is not modelled here", path.display()),
                    }
                }
            }
            other => panic!("{}: {other} is not modelled here", path.display()),
        }
    }
    settings.selection = dtlint::Selection::resolve(&select, &extend, &ignore, &severities)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    settings
}
