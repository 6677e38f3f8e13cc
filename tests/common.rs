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

/// Standard error without the note a run with no app type writes there when its report is
/// for a program (which rules it could not apply): whatever else the run said.
pub fn besides_notes(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.starts_with("dtlint: note: no app type given"))
        .map(|line| format!("{line}\n"))
        .collect()
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

/// The settings a profile file gives, for the tests that call the library, read by the
/// library's profile reader as `dtlint check --profile FILE` reads them.
pub fn profile_settings(profile: Option<&Path>) -> dtlint::Settings {
    let choice = profile.map_or(dtlint::profile::ProfileChoice::None, |path| {
        dtlint::profile::ProfileChoice::File(path.to_path_buf())
    });
    dtlint::profile::resolve(&choice, &dtlint::profile::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .settings
}
