//! The exposure audit report: its figures, and the HTML page as a browser renders it.

use crate::common::{dtlint, json, root};

#[test]
fn audit_counts_carried_fields_and_exposures_per_field() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "audit",
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "json",
            "samples/internal-full",
        ],
        None,
    );
    assert_eq!(code, 1, "exposures fail the audit");
    let audit = json(&stdout);
    assert_eq!(audit["responses"], 3);
    let row = |name: &str| {
        audit["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|r| r["field"] == name))
            .cloned()
            .expect("row")
    };
    let mobile = row("mobile");
    assert_eq!(
        (
            mobile["carried"].as_u64(),
            mobile["exposures"].as_u64(),
            mobile["may_receive"].as_str()
        ),
        (Some(3), Some(3), Some("no"))
    );
    assert!(
        mobile["examples"][0]["value"]
            .as_str()
            .is_some_and(|v| v.contains("****")),
        "masked: {mobile}"
    );
    let name = row("name");
    assert_eq!(
        (name["carried"].as_u64(), name["exposures"].as_u64()),
        (Some(3), Some(0))
    );
    assert!(audit["never_observed"]
        .as_array()
        .is_some_and(|n| n.iter().any(|f| f == "login_id")));
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "audit",
            "--no-profile",
            "--format",
            "json",
            "samples/defects/DT107-undocumented-field.json",
            "samples/defects/DT108-known-undocumented-field.json",
        ],
        None,
    );
    assert_eq!(code, 0, "without an app type nothing is judged an exposure");
    let observed = json(&stdout)["undocumented_observed"].clone();
    assert_eq!(observed.as_array().map(Vec::len), Some(2), "{observed}");
}

fn chromium() -> Option<std::path::PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

#[test]
fn the_html_report_is_self_contained_and_renders_in_chromium() {
    let dir = tempfile::tempdir().expect("temp");
    let html_path = dir.path().join("report.html");
    let html_arg = html_path.to_string_lossy().into_owned();
    let (code, _, stderr) = dtlint(
        &root(),
        &[
            "audit",
            "--no-profile",
            "--app-type",
            "third-party",
            "-o",
            &html_arg,
            "samples/internal-full",
            "samples/har",
        ],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let html = std::fs::read_to_string(&html_path).expect("report written");
    assert!(
        !html.contains("<script")
            && !html.contains("http://")
            && !html.contains("https://")
            && !html.contains(" src="),
        "no script, no network"
    );
    assert!(html.contains("@media print"), "readable in print");
    assert!(!html.contains("19900000001"), "values are masked");
    let documented = dtlint::fields::result_fields()
        .iter()
        .filter(|f| f.documented())
        .count();
    assert_eq!(
        html.matches("<svg class=\"bar\"").count(),
        documented,
        "an exposure chart per field"
    );
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs chromium (.ci/run); the render test must run there"
        );
        return;
    };
    let profile = dir.path().join("chromium-profile");
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html_path.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("Exposure audit of topapi/v2/user/get responses"),
        "rendered DOM:\n{dom}"
    );
    assert_eq!(dom.matches("<svg class=\"bar\"").count(), documented);
    assert!(dom.contains("class=\"exposed\""));
}
