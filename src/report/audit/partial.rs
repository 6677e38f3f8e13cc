//! The audit of a shard (`dtlint audit --partial`) as a record, and the merge of such records
//! into the audit one run over every shard's inputs would have made: counts added, every app
//! kept until the merge lists the first [`APPS`] by where their first response stands, and the
//! first [`EXAMPLES`] of each field chosen by their place in the sources.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AppTally, Audit, Builder, Example, Exposed, APPS, EXAMPLES, OTHER_LABELS};
use crate::api::caller::Caller;

/// An example with where it stands, as a partial audit keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExampleRecord {
    value: String,
    source: String,
    /// The position of its input's span (0 for a whole input).
    position: u64,
    entry: Option<u64>,
    line: Option<usize>,
    column: Option<usize>,
    offset: usize,
    time: Option<String>,
    app: Option<String>,
    rule: String,
}

/// An app's calls, as a partial audit keeps them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AppRecord {
    responses: u64,
    exposed_responses: u64,
    exposures: u64,
    fields: BTreeMap<String, u64>,
    first: Option<(i64, String)>,
    last: Option<(i64, String)>,
    seen: Option<(String, u64, u64)>,
}

/// What a partial audit kept: the `audit` record of its stream.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The caller audited, in words (shards of one audit agree on it).
    pub caller: String,
    carried: BTreeMap<String, u64>,
    exposed: BTreeMap<String, (u64, Vec<ExampleRecord>)>,
    by_rule: BTreeMap<String, u64>,
    undocumented: BTreeMap<String, (u64, Option<String>)>,
    apps: BTreeMap<String, AppRecord>,
    exposed_responses: u64,
    har_period: Option<((i64, String), (i64, String))>,
    file_period: Option<(i64, i64)>,
}

impl Builder<'_> {
    /// What this partial audit kept, as its stream's last record.
    pub fn record(self) -> AuditRecord {
        AuditRecord {
            caller: super::describe(self.caller),
            carried: self
                .carried
                .iter()
                .map(|(name, count)| ((*name).to_owned(), *count))
                .collect(),
            exposed: self
                .exposed
                .into_iter()
                .map(|(field, exposed)| {
                    let examples = exposed.examples.into_iter().map(example_record).collect();
                    (field, (exposed.count, examples))
                })
                .collect(),
            by_rule: self
                .by_rule
                .iter()
                .map(|(code, (_, count))| ((*code).to_owned(), *count))
                .collect(),
            undocumented: self.undocumented,
            apps: self
                .apps
                .into_iter()
                .map(|(label, tally)| (label, app_record(tally)))
                .collect(),
            exposed_responses: self.exposed_responses,
            har_period: self.har_period,
            file_period: self.file_period,
        }
    }
}

fn example_record(example: Example) -> ExampleRecord {
    ExampleRecord {
        value: example.value,
        source: example.source,
        position: example.at.0,
        entry: example.entry,
        line: example.line,
        column: example.column,
        offset: example.at.1,
        time: example.time,
        app: example.app,
        rule: example.rule.to_owned(),
    }
}

fn app_record(tally: AppTally) -> AppRecord {
    AppRecord {
        responses: tally.responses,
        exposed_responses: tally.exposed_responses,
        exposures: tally.exposures,
        fields: tally.fields,
        first: tally.first,
        last: tally.last,
        seen: tally.seen,
    }
}

fn app_tally(record: AppRecord) -> AppTally {
    AppTally {
        responses: record.responses,
        exposed_responses: record.exposed_responses,
        exposures: record.exposures,
        fields: record.fields,
        first: record.first,
        last: record.last,
        seen: record.seen,
    }
}

/// Where the lines of one span of a source start in it: lines and bytes before it.
pub type Base = (u64, u64);

/// Partial audits added together, then made into one audit.
#[derive(Debug, Default)]
pub struct Merged {
    record: AuditRecord,
    /// The callers the shards described, to tell when they disagree.
    callers: Vec<String>,
}

impl Merged {
    /// Adds one shard's record.
    pub fn add(&mut self, record: AuditRecord) {
        let total = &mut self.record;
        if !self.callers.contains(&record.caller) {
            self.callers.push(record.caller.clone());
        }
        for (name, count) in record.carried {
            *total.carried.entry(name).or_default() += count;
        }
        for (field, (count, mut examples)) in record.exposed {
            let slot = total.exposed.entry(field).or_default();
            slot.0 += count;
            slot.1.append(&mut examples);
            slot.1.sort_by(|a, b| {
                (&a.source, a.position, a.entry, a.offset)
                    .cmp(&(&b.source, b.position, b.entry, b.offset))
            });
            slot.1.truncate(EXAMPLES);
        }
        for (code, count) in record.by_rule {
            *total.by_rule.entry(code).or_default() += count;
        }
        for (field, (count, known)) in record.undocumented {
            let slot = total.undocumented.entry(field).or_insert((0, known));
            slot.0 += count;
        }
        for (label, app) in record.apps {
            let mut tally = app_tally(total.apps.remove(&label).unwrap_or_default());
            tally.merge(app_tally(app));
            total.apps.insert(label, app_record(tally));
        }
        total.exposed_responses += record.exposed_responses;
        if let Some((first, last)) = record.har_period {
            let period = total
                .har_period
                .get_or_insert_with(|| (first.clone(), last.clone()));
            if first.0 < period.0 .0 {
                period.0 = first;
            }
            if last.0 > period.1 .0 {
                period.1 = last;
            }
        }
        if let Some((first, last)) = record.file_period {
            let period = total.file_period.get_or_insert((first, last));
            period.0 = period.0.min(first);
            period.1 = period.1.max(last);
        }
    }

    /// The caller the first shard described.
    pub fn caller(&self) -> Option<&str> {
        self.callers.first().map(String::as_str)
    }

    /// The callers the shards described, when they were not all the same one.
    pub fn callers_disagree(&self) -> Option<&[String]> {
        (self.callers.len() > 1).then_some(self.callers.as_slice())
    }

    /// The audit of every shard for `caller`, over `inputs` inputs and `responses` responses;
    /// `base` says where the span an example was found in starts in its source.
    pub fn audit(
        self,
        caller: &Caller,
        inputs: u64,
        responses: u64,
        base: impl Fn(&str, u64) -> Base,
    ) -> Audit {
        let record = self.record;
        let mut builder = Builder::new(caller);
        builder.summary.inputs = inputs;
        builder.summary.responses = responses;
        for (name, count) in record.carried {
            if let Some(field) = crate::api::fields::result_fields()
                .iter()
                .find(|f| f.name == name)
            {
                builder.carried.insert(field.name.as_str(), count);
            }
        }
        for (field, (count, examples)) in record.exposed {
            let examples = examples
                .into_iter()
                .map(|e| {
                    let (lines, bytes) = base(&e.source, e.position);
                    Example {
                        value: e.value,
                        line: e.line.map(|l| l + usize::try_from(lines).unwrap_or(0)),
                        entry: e.entry.map(|n| n + lines),
                        column: e.column,
                        time: e.time,
                        app: e.app,
                        rule: crate::rules::find(&e.rule).map_or("", |r| r.code),
                        at: (0, e.offset + usize::try_from(bytes).unwrap_or(0)),
                        source: e.source,
                    }
                })
                .collect();
            builder.exposed.insert(field, Exposed { count, examples });
        }
        for (code, count) in record.by_rule {
            if let Some(rule) = crate::rules::find(&code) {
                builder.by_rule.insert(rule.code, (rule.name, count));
            }
        }
        builder.undocumented = record.undocumented;
        // The apps a single run lists are the first to call, in the order of the sources.
        let mut apps: Vec<(String, AppRecord)> = record.apps.into_iter().collect();
        apps.sort_by(|a, b| a.1.seen.cmp(&b.1.seen).then_with(|| a.0.cmp(&b.0)));
        for (label, app) in apps {
            let tally = app_tally(app);
            if builder.apps.len() < APPS {
                builder.apps.insert(label, tally);
            } else {
                if builder.other_labels.len() < OTHER_LABELS {
                    builder.other_labels.insert(label);
                }
                builder.other_apps.merge(tally);
            }
        }
        builder.exposed_responses = record.exposed_responses;
        builder.har_period = record.har_period;
        builder.file_period = record.file_period;
        builder.audit()
    }
}
