//! `dtlint rules` and `dtlint explain`: the registry as a table, markdown, JSON or one rule's docs.

use std::io::{self, Write};

use serde::Serialize;

use super::TableFormat;
use crate::rules::{Rule, ALL};

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    severity: &'a str,
    enabled: bool,
    needs_app_type: bool,
    summary: &'a str,
    explanation: &'a str,
}

fn rule_json(rule: &Rule) -> RuleJson<'_> {
    RuleJson {
        code: rule.code,
        name: rule.name,
        category: rule.category.as_str(),
        severity: rule.severity.as_str(),
        enabled: rule.enabled,
        needs_app_type: rule.needs_app_type,
        summary: rule.summary,
        explanation: rule.explanation,
    }
}

/// Writes every rule.
///
/// # Errors
/// When the writer fails.
pub fn write_rules(format: TableFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &ALL.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            )?;
            writeln!(out)
        }
        TableFormat::Markdown => write!(out, "{}", rules_markdown()),
        TableFormat::Table => {
            for rule in ALL {
                let off = if rule.enabled {
                    ""
                } else {
                    " (off by default)"
                };
                writeln!(
                    out,
                    "{:<6} {:<38} {:<12} {:<8} {}{off}",
                    rule.code,
                    rule.name,
                    rule.category.as_str(),
                    rule.severity.as_str(),
                    rule.summary
                )?;
            }
            Ok(())
        }
    }
}

/// The rule table docs/rules.md embeds (a test keeps the two equal).
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "| code | name | category | severity | what it flags |\n|---|---|---|---|---|\n",
    );
    for rule in ALL {
        let off = if rule.enabled {
            ""
        } else {
            " (off by default)"
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {}{off} |\n",
            rule.code,
            rule.name,
            rule.category.as_str(),
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}

/// Writes one rule's documentation, as `dtlint explain` prints it and SARIF carries it.
///
/// # Errors
/// When the writer fails.
pub fn write_explanation(rule: &Rule, out: &mut dyn Write) -> io::Result<()> {
    let off = if rule.enabled {
        ""
    } else {
        ", off by default (enable with --select)"
    };
    let needs = if rule.needs_app_type {
        ", runs only with --app-type"
    } else {
        ""
    };
    writeln!(out, "# {} {}\n", rule.code, rule.name)?;
    writeln!(out, "{}\n", rule.summary)?;
    writeln!(
        out,
        "Category: {}. Default severity: {}{off}{needs}.\n",
        rule.category, rule.severity
    )?;
    writeln!(out, "{}", rule.explanation)
}
