//! `--format sarif`: SARIF 2.1.0 with the rule registry as `tool.driver.rules`, for code-scanning UIs.

use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run as SarifRun, Sarif as SarifLog, Tool, ToolComponent,
};

use super::stream_json::{split, Elements};
use super::{Reporter, RunEnd};
use crate::finding::{display_path, Finding, Severity};
use crate::rules::{Rule, ALL};

const fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .markdown(rule.explanation)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(rule.explanation)
                .markdown(rule.explanation)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .enabled(rule.enabled)
                .level(serde_json::Value::from(level_name(rule.severity)))
                .build(),
        )
        .build()
}

fn result(finding: &Finding) -> SarifResult {
    let mut region = Region::builder().build();
    if let Some(p) = finding.position {
        region.start_line = i64::try_from(p.line).ok();
        region.start_column = i64::try_from(p.column).ok();
    }
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(finding.source.replace('\\', "/"))
                .build(),
        )
        .region(region)
        .build();
    let mut logical_name = finding.pointer.to_string();
    if let Some(entry) = finding.entry {
        logical_name = format!("entries/{entry}{logical_name}");
    }
    let logical = LogicalLocation::builder()
        .fully_qualified_name(logical_name)
        .name(display_path(&finding.pointer))
        .kind("member")
        .build();
    let rule_index = ALL
        .iter()
        .position(|r| r.code == finding.rule.code)
        .and_then(|i| i64::try_from(i).ok());
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message = format!("{message} (help: {help})");
    }
    let mut built = SarifResult::builder()
        .rule_id(finding.rule.code)
        .level(level(finding.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![Location::builder()
            .physical_location(physical)
            .logical_locations(vec![logical])
            .build()])
        .build();
    built.rule_index = rule_index;
    if let Some(profile) = &finding.profile {
        // The profile file that judged the input, as the JSON report's `profile` says it.
        let mut properties = PropertyBag::default();
        properties.additional_properties.insert(
            "profile".to_owned(),
            serde_json::Value::from(profile.replace('\\', "/")),
        );
        built.properties = Some(properties);
    }
    built
}

/// The SARIF log with no results yet, pretty-printed.
fn skeleton() -> io::Result<String> {
    let driver = ToolComponent::builder()
        .name("dtlint")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/dtlint/dtlint")
        .rules(ALL.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();
    let sarif_run = SarifRun::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(Vec::<SarifResult>::new())
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .build();
    let sarif = SarifLog::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![sarif_run])
        .build();
    Ok(serde_json::to_string_pretty(&sarif)?)
}

/// The run's notes as SARIF tool execution notifications (what a run could not do, such as
/// rules that had no app type to run with), on one successful invocation.
fn invocations(notes: &[String]) -> io::Result<String> {
    let notifications: Vec<_> = notes
        .iter()
        .map(|note| serde_json::json!({"level": "note", "message": {"text": note}}))
        .collect();
    let invocations = serde_json::json!([{
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    }]);
    Ok(serde_json::to_string(&invocations)?)
}

/// One SARIF log; its results are written as the findings come.
pub struct Sarif<'a> {
    out: &'a mut dyn Write,
    results: Option<(Elements, String)>,
}

impl<'a> Sarif<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self { out, results: None }
    }
}

/// The results array and the rest of the log, the log's head written when first needed.
fn opened<'e>(
    slot: &'e mut Option<(Elements, String)>,
    out: &mut dyn Write,
) -> io::Result<&'e mut (Elements, String)> {
    if let Some(results) = slot {
        return Ok(results);
    }
    let (frame, tail) = split(&skeleton()?, "results")?;
    out.write_all(frame.head.as_bytes())?;
    Ok(slot.insert((Elements::new(frame), tail)))
}

impl Reporter for Sarif<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        opened(&mut self.results, self.out)?
            .0
            .push(&result(finding), self.out)
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let out = &mut *self.out;
        let (results, tail) = opened(&mut self.results, out)?;
        results.close(out)?;
        // `tail` begins with the results' closing bracket. What is known only now, after the
        // results, follows them as more members of the run (an object's members have no order).
        let rest = tail.strip_prefix(']').unwrap_or(tail);
        write!(out, "]{}{rest}", run_end(end)?)?;
        writeln!(out)
    }
}

/// The run's members known only at its end, each led by a comma: its notes as one successful
/// invocation's notifications, and `properties` when the summary has a count that SARIF has no
/// member for (`baselined`, the findings the baseline hid).
fn run_end(end: &RunEnd<'_>) -> io::Result<String> {
    let mut members = String::new();
    if !end.notes.is_empty() {
        members.push_str(&format!(
            ",\n      \"invocations\": {}",
            invocations(end.notes)?
        ));
    }
    if end.summary.baselined > 0 {
        members.push_str(&format!(
            ",\n      \"properties\": {{\n        \"baselined\": {}\n      }}",
            end.summary.baselined
        ));
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Summary;

    fn log(baselined: u64, finding: bool) -> serde_json::Value {
        let mut out = Vec::new();
        let mut sarif = Sarif::new(&mut out);
        if finding {
            let mut f = Finding::new(&crate::rules::QUOTED_BOOLEAN, "/result/boss", "quoted");
            "a.json".clone_into(&mut f.source);
            sarif.finding(&f).unwrap();
        }
        let summary = Summary {
            baselined,
            ..Summary::default()
        };
        sarif
            .finish(&RunEnd {
                summary,
                notes: &[],
                given: &[],
            })
            .unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn the_run_counts_what_the_baseline_hid_in_its_properties() {
        for finding in [false, true] {
            let run = &log(3, finding)["runs"][0];
            assert_eq!(run["properties"]["baselined"], 3, "{run}");
            assert_eq!(
                run["results"].as_array().unwrap().len(),
                usize::from(finding)
            );
            assert!(log(0, finding)["runs"][0].get("properties").is_none());
        }
    }
}
