//! Every rule fires on its fixture and stays quiet on the fixed copy; each fixture has a reviewed snapshot beside it.

use std::path::{Path, PathBuf};

use dtlint::input::Limits;
use dtlint::rules::ALL;
use dtlint::run::{check_bytes, check_har, check_vcr};

use crate::common::root;

/// Rules about reading files rather than bodies and about dtlint's own configuration (the CLI
/// tests cover them; DT013 is about zip archives, `har_attach` tests), and DT110, the safety net
/// that no constraint of the current schema can reach.
const TESTED_BY_CLI: [&str; 7] = [
    "DT002", "DT003", "DT006", "DT013", "DT110", "DT901", "DT902",
];

pub fn fixture_dir(code: &str, name: &str) -> PathBuf {
    root()
        .join("tests/fixtures/rules")
        .join(format!("{code}-{name}"))
}

/// Where a rule's failing body is: its fixture folder's `invalid.*`, or, for the rules
/// `samples/defects/` shows, that sample (one copy of each defect body).
pub fn invalid_body(code: &str, name: &str) -> PathBuf {
    let dir = fixture_dir(code, name);
    for ext in ["har", "yaml", "json", "ndjson"] {
        let own = dir.join(format!("invalid.{ext}"));
        if own.is_file() {
            return own;
        }
    }
    root()
        .join("samples/defects")
        .join(format!("{code}-{name}.json"))
}

fn settings_for(dir: &Path) -> dtlint::Settings {
    let profile = dir.join("profile.toml");
    crate::common::profile_settings(profile.is_file().then_some(profile.as_path()))
}

/// The findings of `path` under the profile of `dir`, reported as coming from `file`.
fn findings_of(dir: &Path, path: &Path, file: &str) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let settings = settings_for(dir);
    let checked = if file.ends_with(".har") {
        check_har(&bytes[..], &settings, Limits::default().max_size)
    } else if file.ends_with(".yaml") {
        check_vcr(&bytes, &settings, Limits::default().max_size)
    } else {
        check_bytes(&bytes, &settings, &Limits::default())
    };
    let checked = checked.finished(file, &settings.selection);
    checked
        .findings
        .iter()
        .map(|f| serde_json::to_value(dtlint::report::finding_json(f)).expect("serialisable"))
        .collect()
}

#[test]
fn every_rule_has_fixtures_that_fire_and_stay_quiet() {
    for rule in ALL {
        if TESTED_BY_CLI.contains(&rule.code) {
            continue;
        }
        let dir = fixture_dir(rule.code, rule.name);
        assert!(
            dir.is_dir(),
            "{} {} has no fixture folder {}",
            rule.code,
            rule.name,
            dir.display()
        );
        // Request rules are about captured exchanges, so their fixtures are HAR files; the
        // cassette rules' are cassettes.
        let ext = if dir.join("valid.har").is_file() {
            "har"
        } else if dir.join("valid.yaml").is_file() {
            "yaml"
        } else {
            "json"
        };
        let invalid_path = invalid_body(rule.code, rule.name);
        let invalid = findings_of(&dir, &invalid_path, &format!("invalid.{ext}"));
        assert!(
            invalid.iter().any(|f| f["rule"] == rule.code),
            "{} does not fire on its invalid.json: {invalid:#?}",
            rule.code
        );
        let valid_file = format!("valid.{ext}");
        let valid = findings_of(&dir, &dir.join(&valid_file), &valid_file);
        assert!(
            !valid.iter().any(|f| f["rule"] == rule.code),
            "{} fires on its valid.json: {valid:#?}",
            rule.code
        );
        insta::with_settings!({ snapshot_path => dir.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!("invalid", invalid);
        });
    }
}

#[test]
fn every_rule_is_documented_and_named_well() {
    let mut codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ALL.len(), "codes are unique");
    let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ALL.len(), "names are unique");
    for rule in ALL {
        assert!(
            rule.code.starts_with("DT") && rule.code.len() == 5,
            "{}",
            rule.code
        );
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is kebab-case",
            rule.name
        );
        for section in ["## What it does", "## Why is this bad?", "## Example"] {
            assert!(
                rule.explanation.contains(section),
                "{} lacks {section}",
                rule.code
            );
        }
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summaries have no trailing period",
            rule.code
        );
    }
}

/// docs/rules.md and docs/fields.md carry the binary's tables (`bash scripts/update-docs.sh`
/// regenerates them).
#[test]
fn docs_rule_table_and_field_matrix_equal_the_registry() {
    let rules = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    assert!(
        rules.contains(&dtlint::report::rules_markdown()),
        "docs/rules.md's rule table is stale: run `bash scripts/update-docs.sh`"
    );
    let fields = std::fs::read_to_string(root().join("docs/fields.md")).expect("docs/fields.md");
    assert!(
        fields.contains(&dtlint::report::matrix_markdown()),
        "docs/fields.md's field matrix is stale: run `bash scripts/update-docs.sh`"
    );
}
