//! `--format ndjson`: one finding object per line, written as each finding is final.

use std::io::{self, Write};

use serde::Serialize;

use super::{finding_json, Reporter, RunEnd};
use crate::finding::{Finding, Rule, Severity};

pub struct Ndjson<'a> {
    out: &'a mut dyn Write,
    /// The line being written, then written whole.
    line: Vec<u8>,
    heads: Heads,
}

impl<'a> Ndjson<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            line: Vec::with_capacity(512),
            heads: Heads::default(),
        }
    }
}

/// The members a rule's findings share, first in every line.
#[derive(Serialize)]
struct Head<'a> {
    rule: &'a str,
    name: &'a str,
    category: &'a str,
    severity: &'a str,
}

/// Each rule's head as serde_json writes it, without its closing brace: rendered once per rule
/// and severity, since a run reports few rules many times.
#[derive(Default)]
struct Heads(Vec<(&'static Rule, Severity, Vec<u8>)>);

impl Heads {
    fn of(&mut self, finding: &Finding) -> io::Result<&[u8]> {
        let known = self.0.iter().position(|(rule, severity, _)| {
            std::ptr::eq(*rule, finding.rule) && *severity == finding.severity
        });
        let at = match known {
            Some(at) => at,
            None => {
                let json = finding_json(finding);
                let mut head = serde_json::to_vec(&Head {
                    rule: json.rule,
                    name: json.name,
                    category: json.category,
                    severity: json.severity,
                })?;
                head.pop();
                self.0.push((finding.rule, finding.severity, head));
                self.0.len() - 1
            }
        };
        Ok(&self.0[at].2)
    }
}

/// Appends `value` as JSON: sonic-rs escapes strings with SIMD, as serde_json would, byte for
/// byte (tested below).
fn value(line: &mut Vec<u8>, key: &[u8], value: &impl Serialize) -> io::Result<()> {
    line.extend_from_slice(key);
    sonic_rs::to_writer(&mut *line, value).map_err(io::Error::other)
}

impl Reporter for Ndjson<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        // Escaping is most of what writing a finding costs: the members a rule's findings share
        // are rendered once, the others value by value, in FindingJson's order.
        let json = finding_json(finding);
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(self.heads.of(finding)?);
        value(line, b",\"source\":", &json.source)?;
        value(line, b",\"entry\":", &json.entry)?;
        value(line, b",\"pointer\":", &json.pointer)?;
        value(line, b",\"line\":", &json.line)?;
        value(line, b",\"column\":", &json.column)?;
        value(line, b",\"message\":", &json.message)?;
        value(line, b",\"help\":", &json.help)?;
        if let Some(profile) = json.profile {
            value(line, b",\"profile\":", &profile)?;
        }
        line.extend_from_slice(b"}\n");
        self.out.write_all(line)
    }

    /// The last line is the run's summary, marked `"type": "summary"` (findings have no
    /// `type`), so that a pipeline that only sees the stream still learns the counts and remarks.
    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        #[derive(Serialize)]
        struct SummaryLine<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            version: u32,
            #[serde(flatten)]
            counts: super::Summary,
            notes: &'a [String],
        }
        let line = SummaryLine {
            kind: "summary",
            version: super::json::REPORT_VERSION,
            counts: end.summary,
            notes: end.notes,
        };
        serde_json::to_writer(&mut *self.out, &line)?;
        self.out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string shape that JSON escapes differently: quotes, backslashes, every control
    /// character, DEL, non-ASCII, a lone surrogate's replacement, long runs.
    #[test]
    fn lines_are_what_serde_json_writes() {
        let mut texts: Vec<String> = (0u8..0x80).map(|b| format!("a{}b", b as char)).collect();
        texts.extend([
            "\"quoted\" and \\back\\slashed".to_owned(),
            "张三 `result.mobile` \u{2028}\u{2029} \u{fffd} é".to_owned(),
            "x".repeat(1000) + "\n" + &"y".repeat(77),
            String::new(),
        ]);
        let mut ndjson_line = Vec::new();
        let mut ndjson = Ndjson::new(&mut ndjson_line);
        let mut expected = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let rule = if i % 2 == 0 {
                &crate::rules::QUOTED_BOOLEAN
            } else {
                &crate::rules::UNUSED_SUPPRESSION
            };
            let mut finding = Finding::new(rule, "/result/a~1b", text.clone());
            text.clone_into(&mut finding.source);
            if i % 3 == 0 {
                finding.help = Some(text.clone().into());
                finding.entry = Some(u64::MAX - i as u64);
                finding.position = Some(crate::json::Location::point(0, i + 1, 2 * i + 1));
            }
            if i % 5 == 0 {
                finding.severity = Severity::Info;
            }
            if i % 7 == 0 {
                finding.profile = Some(format!("{text}/dtlint.toml").into());
            }
            ndjson.finding(&finding).unwrap();
            serde_json::to_writer(&mut expected, &finding_json(&finding)).unwrap();
            expected.push(b'\n');
        }
        drop(ndjson);
        assert_eq!(
            String::from_utf8(ndjson_line).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}
