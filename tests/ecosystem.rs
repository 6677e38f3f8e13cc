//! The tool in its surroundings: the redacted copy of a capture, completions, the man page, the Action.

use crate::common::{dtlint, findings, root};

#[test]
fn a_redacted_capture_has_no_secrets_and_the_same_findings() {
    let dir = tempfile::tempdir().expect("temp");
    for har in [
        "samples/har/chrome-devtools.har",
        "samples/har/charles.har",
        "samples/documented-request.har",
        "tests/fixtures/har/token-bearing.har",
    ] {
        let out = dir.path().join("clean.har");
        let out_arg = out.to_string_lossy().into_owned();
        let (code, _, stderr) = dtlint(&root(), &["redact", har, "-o", &out_arg], None);
        assert_eq!(code, 0, "{har}: {stderr}");
        let text = std::fs::read_to_string(&out).expect("written");
        for secret in [
            "CHROME-TOKEN",
            "COOKIE-SECRET",
            "CHARLES-TOKEN",
            "a894388c",
            "TOKEN-NEVER-PRINT",
            "BEARER-NEVER-PRINT",
            "COOKIE-NEVER-PRINT",
            "19900000001",
            "zhang.san@example.com",
        ] {
            assert!(!text.contains(secret), "{har}: {secret} survives");
        }
        let original = findings(&root(), "internal", har);
        let copy = findings(dir.path(), "internal", "clean.har");
        assert_eq!(original, copy, "{har}");
    }
}

#[test]
fn completions_and_man_page() {
    let (code, bash, _) = dtlint(&root(), &["completions", "bash"], None);
    assert_eq!(code, 0);
    assert!(
        bash.contains("complete") && bash.contains("dtlint"),
        "{bash}"
    );
    let (code, man, _) = dtlint(&root(), &["man"], None);
    assert_eq!(code, 0);
    assert!(man.contains(".TH dtlint") && man.contains("check"), "{man}");
}

#[test]
fn the_actions_command_line_works() {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let line = action
        .lines()
        .find(|l| l.trim_start().starts_with("dtlint check"))
        .expect("the Action runs dtlint check");
    assert!(line.contains("--output sarif=dtlint.sarif"), "{line}");
    let dir = tempfile::tempdir().expect("temp");
    let samples = root()
        .join("samples/third-party")
        .to_string_lossy()
        .into_owned();
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &[
            "check",
            "--quiet",
            "--format",
            "github",
            "--output",
            "sarif=dtlint.sarif",
            "--output",
            "markdown=dtlint-summary.md",
            "--no-profile",
            &samples,
        ],
        None,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        dir.path().join("dtlint.sarif").is_file() && dir.path().join("dtlint-summary.md").is_file()
    );
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks");
    assert!(hooks.contains("entry: dtlint check"));
}
