//! The Python package as a user installs it: the wheel scripts/build-wheel.sh builds (its `ci`
//! profile: no LTO, for time), installed with pip into a fresh virtual environment whose PATH
//! holds no Rust toolchain, must
//! - carry a `dtlint` command that finds in `samples/` what the cargo build finds;
//! - need glibc 2.17 at most, in its module and its command;
//! - pass the package's own tests (python/tests: the API on the bundled samples, the pytest
//!   plugin against `dtlint mock` through requests and httpx, the exceptions, the stubs).
//!
//! Skipped, with a note on standard error, when the build tools or the wheels the tests install
//! are missing: `.ci/run` provides both (see [`Tools`]), so CI never skips it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{json, root};

/// A bound on the wheel's build (about 4 minutes cold on two cores) and on the Python tests.
const DEADLINE: Duration = Duration::from_secs(1200);

/// What the test needs beyond the repository: the pinned build tools scripts/build-wheel.sh
/// installs into its venvs, and a folder of wheels (pytest, requests, httpx, mypy) that the
/// fresh venv installs from without the network. `.ci/run` fills both.
struct Tools {
    wheelhouse: PathBuf,
}

fn cache() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent"))
}

fn env_or(name: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(name).map_or(default, PathBuf::from)
}

impl Tools {
    fn find() -> Result<Self, String> {
        let zig = env_or("DTLINT_ZIG_TOOLS", cache().join("dtlint-zig-tools"));
        let maturin = env_or("DTLINT_MATURIN_VENV", cache().join("dtlint-maturin"));
        let wheelhouse = env_or(
            "DTLINT_PYTHON_WHEELHOUSE",
            cache().join("dtlint-python-wheelhouse"),
        );
        for (path, what) in [
            (zig.join("bin/cargo-zigbuild"), "cargo-zigbuild"),
            (zig.join("bin/python3"), "the zig tools' python"),
            (maturin.join("bin/maturin"), "maturin"),
        ] {
            if !path.exists() {
                return Err(format!("no {what} at {}", path.display()));
            }
        }
        let wheels = std::fs::read_dir(&wheelhouse)
            .map(|d| d.filter_map(Result::ok).count())
            .unwrap_or(0);
        if wheels == 0 {
            return Err(format!("no wheels in {}", wheelhouse.display()));
        }
        Ok(Self { wheelhouse })
    }
}

/// Runs `command` to its end within [`DEADLINE`], its output collected.
fn run(command: &mut Command, what: &str) -> Output {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    // Read both pipes on threads so that a chatty child cannot fill one and stall.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buf).map(|_| buf)
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("{what}: still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader").unwrap_or_default(),
        stderr: err.join().expect("stderr reader").unwrap_or_default(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// PATH without any folder that holds cargo or rustc: the user's machine has no Rust.
fn path_without_rust(first: &Path) -> OsString {
    let system = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&system)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists());
    std::env::join_paths(std::iter::once(first.to_path_buf()).chain(kept)).expect("a PATH")
}

#[test]
fn the_wheel_installs_without_rust_and_passes_the_python_tests() {
    let tools = match Tools::find() {
        Ok(tools) => tools,
        Err(why) => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr().lock(),
                format!("note: the Python package's test is skipped: {why} (.ci/run provides the tools)\n").as_bytes(),
            );
            return;
        }
    };
    let root = root();
    let scratch = tempfile::tempdir().expect("temp dir");
    let dist = scratch.path().join("dist");

    // Built as a release would build it, but without LTO; the script checks the wheel's tags,
    // that its command is an executable ELF file, and glibc 2.17 for both halves.
    let built = run(
        Command::new("bash")
            .arg(root.join("scripts/build-wheel.sh"))
            .args(["--profile", "ci", "--no-install-check", "--out-dir"])
            .arg(&dist)
            .current_dir(&root),
        "scripts/build-wheel.sh",
    );
    assert!(
        built.status.success(),
        "the wheel did not build:\n{}\n{}",
        text(&built.stdout),
        text(&built.stderr)
    );
    let wheel = std::fs::read_dir(&dist)
        .expect("dist")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel in dist");
    let name = wheel
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.contains("abi3") && name.contains("manylinux_2_17"),
        "{name}"
    );

    // A fresh venv, the wheel and the tests' own dependencies from the wheelhouse, no network.
    let venv = scratch.path().join("venv");
    let made = run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let bin = venv.join("bin");
    let installed = run(
        Command::new(bin.join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-index", "--find-links"])
            .arg(&tools.wheelhouse)
            .arg(&wheel)
            .args(["pytest", "requests", "httpx", "mypy"]),
        "pip install",
    );
    assert!(
        installed.status.success(),
        "pip install:\n{}",
        text(&installed.stderr)
    );
    let path = path_without_rust(&bin);
    let user = |program: &Path| {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", &path)
            .env("HOME", scratch.path())
            .env("LANG", "C.UTF-8")
            .current_dir(&root);
        command
    };

    // No Rust where the user runs it.
    let which = run(
        user(&bin.join("python")).args([
            "-c",
            "import shutil; print(shutil.which('cargo'), shutil.which('rustc'), shutil.which('dtlint'))",
        ]),
        "which",
    );
    let said = text(&which.stdout);
    assert!(said.starts_with("None None "), "{said}");
    assert_eq!(
        said.split_whitespace().nth(2),
        Some(bin.join("dtlint").to_string_lossy().as_ref()),
        "the command on PATH is the wheel's"
    );

    // Its command finds what the cargo build finds.
    let args = ["check", "--no-profile", "--format", "json", "samples/"];
    let from_wheel = run(user(&bin.join("dtlint")).args(args), "the wheel's dtlint");
    let from_cargo = run(
        Command::new(env!("CARGO_BIN_EXE_dtlint"))
            .args(args)
            .current_dir(&root),
        "cargo's dtlint",
    );
    assert_eq!(
        from_wheel.status.code(),
        Some(1),
        "{}",
        text(&from_wheel.stderr)
    );
    assert_eq!(from_wheel.status.code(), from_cargo.status.code());
    let (wheel_report, cargo_report) = (
        json(&text(&from_wheel.stdout)),
        json(&text(&from_cargo.stdout)),
    );
    assert_eq!(wheel_report["findings"], cargo_report["findings"]);
    assert_eq!(wheel_report["summary"], cargo_report["summary"]);
    assert!(
        wheel_report["findings"]
            .as_array()
            .is_some_and(|f| f.len() > 100),
        "the samples' findings"
    );

    // glibc 2.17 for both halves, as installed.
    let module = walkdir::WalkDir::new(&venv)
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .find(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("_dtlint") && n.to_string_lossy().ends_with(".so")
            })
        })
        .expect("the installed module");
    for file in [module, bin.join("dtlint")] {
        let checked = run(
            Command::new("python3")
                .arg(root.join("scripts/glibc-needed.py"))
                .args(["--max", "2.17"])
                .arg(&file),
            "glibc-needed.py",
        );
        assert_eq!(
            checked.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            text(&checked.stdout)
        );
    }

    // The package's own tests, with the wheel's command (a missing one fails, not skips).
    let tests = run(
        user(&bin.join("python"))
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "python/tests",
            ])
            .env("DTLINT_REQUIRE_BIN", "1"),
        "pytest",
    );
    let report = text(&tests.stdout);
    assert!(
        tests.status.success(),
        "python/tests failed:\n{report}\n{}",
        text(&tests.stderr)
    );
    let last = report.lines().last().unwrap_or("");
    assert!(
        last.contains(" passed") && !last.contains("skipped") && !last.contains("failed"),
        "every Python test ran and passed: {last}"
    );
}
