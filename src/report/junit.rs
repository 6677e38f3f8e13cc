//! `--format junit`: a `<testsuite>` per input and a `<testcase>` per response, so CI
//! dashboards count responses. JUnit XML puts each suite's counts before its cases and the
//! run's totals before every suite, so this reporter keeps the run's findings (without
//! excerpts) until the end: the one format that does.

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{InputEnd, Reporter, Run, RunEnd, RunInput};
use crate::finding::{Finding, Severity};

fn case(name: String, findings: &[&Finding]) -> TestCase {
    let failing: Vec<&&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let mut status = if failing.is_empty() {
        TestCaseStatus::success()
    } else {
        TestCaseStatus::non_success(NonSuccessKind::Failure)
    };
    if !failing.is_empty() {
        status.set_message(format!("{} {}", failing[0].rule.code, failing[0].message));
        status.set_type(failing[0].rule.code);
    }
    let details: Vec<String> = findings
        .iter()
        .map(|f| {
            let at = f
                .position
                .map(|p| format!("{}:{}:{}", f.source, p.line, p.column))
                .unwrap_or_else(|| f.source.clone());
            format!(
                "{at}: {} {} [{}] {} ({})",
                f.severity, f.rule.code, f.rule.name, f.message, f.pointer
            )
        })
        .collect();
    if !failing.is_empty() {
        status.set_description(details.join("\n"));
    }
    let mut test_case = TestCase::new(name, status);
    if failing.is_empty() && !details.is_empty() {
        test_case.set_system_out(details.join("\n"));
    }
    test_case
}

fn suite(input: &RunInput) -> TestSuite {
    let mut suite = TestSuite::new(input.source.clone());
    let multi = !input.tally.response_entries.is_empty()
        || input.findings.iter().any(|f| f.entry.is_some());
    if !multi {
        let findings: Vec<&Finding> = input.findings.iter().collect();
        suite.add_test_case(case(input.source.clone(), &findings));
        return suite;
    }
    // One case per entry that was a response or has findings, in entry order.
    let mut by_entry: BTreeMap<Option<u64>, Vec<&Finding>> = BTreeMap::new();
    for entry in &input.tally.response_entries {
        by_entry.entry(Some(*entry)).or_default();
    }
    for finding in &input.findings {
        by_entry.entry(finding.entry).or_default().push(finding);
    }
    for (entry, findings) in by_entry {
        let name = entry.map_or_else(
            || input.source.clone(),
            |e| format!("{} entry {e}", input.source),
        );
        suite.add_test_case(case(name, &findings));
    }
    suite
}

pub struct Junit<'a> {
    out: &'a mut dyn Write,
    run: Run,
}

impl<'a> Junit<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            run: Run::default(),
        }
    }
}

impl Reporter for Junit<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.run.finding(finding)
    }

    fn input_done(&mut self, input: &InputEnd<'_>) -> io::Result<()> {
        self.run.input_done(input)
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let mut report = Report::new("dtlint");
        for (index, input) in self.run.inputs.iter().enumerate() {
            let mut suite = suite(input);
            // The run's notes once, on the first suite, where CI systems show a suite's output.
            if index == 0 && !end.notes.is_empty() {
                suite.set_system_err(end.notes.join("\n"));
            }
            report.add_test_suite(suite);
        }
        report.serialize(&mut *self.out).map_err(io::Error::other)?;
        writeln!(self.out)
    }

    fn wants_entries(&self) -> bool {
        true
    }
}
