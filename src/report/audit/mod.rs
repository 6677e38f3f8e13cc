//! The exposure audit: for the caller's profile, the verdict first (responses, period, exposures),
//! then the apps that made the calls, every exposed field with its evidence, and coverage.
//!
//! The builder hears the run as a reporter and stays bounded: counts per field, rule and app
//! (apps capped at [`APPS`]) and the first [`EXAMPLES`] exposures of each field, never a list
//! that grows with the responses.

pub mod partial;
pub(crate) mod render;

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::engine::origin;
pub use crate::engine::origin::{label as app_label, Origin};

use crate::api::caller::Caller;
use crate::api::fields::{result_fields, Access, Field};
use crate::engine::outcome::Outcome;
use crate::finding::{field_path, Finding};
use crate::report::{InputEnd, Reporter, RunEnd, Summary};

/// Exposures kept as evidence per field; the report says how many more there were.
pub const EXAMPLES: usize = 3;

/// Apps listed by name; calls of further apps are counted together, so that a capture with a
/// new token per call cannot grow the audit.
pub const APPS: usize = 20;

/// Labels of unlisted apps remembered to count them; beyond, the count is a lower bound.
const OTHER_LABELS: usize = 10_000;

/// The label of calls made without an access token in the request, and of plain files.
pub const NO_TOKEN: &str = "no token";

/// One exposure kept as evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// The value as the report shows it: masked unless --show-values.
    pub value: String,
    /// The input it was found in.
    pub source: String,
    /// Its line in the input (in the decompressed text of a compressed input).
    pub line: Option<usize>,
    /// Its column.
    pub column: Option<usize>,
    /// The entry of a multi-response input (HAR, NDJSON).
    pub entry: Option<u64>,
    /// When the call started (HAR `startedDateTime`).
    pub time: Option<String>,
    /// The label of the app that made the call.
    pub app: Option<String>,
    /// The rule that judged it an exposure.
    pub rule: &'static str,
    /// Where it stands for ordering examples of several inputs: the position of its input's
    /// span in the source (0 for a whole input) and its byte offset in that input.
    #[serde(skip)]
    pub(crate) at: (u64, usize),
}

impl Example {
    /// The order of examples over a whole run: by source, then place in it. Within a source,
    /// runs of framed lines order by their position, which is how a merge numbers their lines.
    fn key(&self) -> (&str, u64, Option<u64>, usize) {
        (&self.source, self.at.0, self.entry, self.at.1)
    }
}

/// One documented field of `result`, as the audit lists it.
#[derive(Debug, Serialize)]
pub struct FieldRow {
    /// The member's name.
    pub field: String,
    /// What the field holds, in dtlint's words after the page.
    pub description: String,
    /// Who the page says may receive it: the app type it is withheld from, the permission it needs.
    pub needs: String,
    /// Responses that carried the field with a value.
    pub carried: u64,
    /// Whether the caller may receive it: `yes`, `no` or `unknown`.
    pub may_receive: &'static str,
    /// Why the caller may not receive it, when it may not (the page's condition, in our words).
    pub condition: String,
    /// Responses that carried it with a value although the caller may not receive it.
    pub exposures: u64,
    /// The first exposures, at most [`EXAMPLES`].
    pub examples: Vec<Example>,
    /// Exposures beyond the examples.
    pub more: u64,
    /// Whether the value is personal (masked in reports).
    pub personal: bool,
}

/// A member the page does not document that responses carried.
#[derive(Debug, Serialize)]
pub struct Undocumented {
    /// The member's name.
    pub field: String,
    /// Responses that carried it.
    pub responses: u64,
    /// Where it is known from, when dtlint knows it (real traffic, another page, an SDK).
    pub known_from: Option<String>,
}

/// The time the audited responses cover.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Period {
    /// The earliest time, as the data wrote it.
    pub first: String,
    /// The latest time.
    pub last: String,
    /// Where the times come from: `har` (`startedDateTime`) or `files` (modification times).
    pub from: &'static str,
}

/// A count of exposures under a name (a field, a rule).
#[derive(Debug, Serialize)]
pub struct Count {
    /// The field or the rule's code.
    pub name: String,
    /// What the name stands for, for a rule its name.
    pub label: String,
    /// Exposures.
    pub exposures: u64,
}

/// The calls of one app: one access token.
#[derive(Debug, Serialize)]
pub struct App {
    /// `app-` and 8 hex digits of a salted hash of the token, or [`NO_TOKEN`].
    pub label: String,
    /// Responses of its calls.
    pub responses: u64,
    /// Of those, responses with at least one exposure.
    pub exposed_responses: u64,
    /// Exposures in its responses.
    pub exposures: u64,
    /// Exposures by field.
    pub fields: Vec<Count>,
    /// When its calls started, first and last, when the capture says.
    pub first: Option<String>,
    /// The last call's start.
    pub last: Option<String>,
}

/// The exposure audit of one run (`dtlint audit`); its JSON is the `--format json` report,
/// described by `schemas/audit.schema.json`.
#[derive(Debug, Serialize)]
pub struct Audit {
    /// Version of the audit's JSON shape.
    pub version: u32,
    /// The caller audited, in words.
    pub caller: String,
    /// Whether an app type was given: without one nothing is judged an exposure.
    pub judged: bool,
    /// Inputs read.
    pub inputs: u64,
    /// Responses checked.
    pub responses: u64,
    /// The time the responses cover, when the data says.
    pub period: Option<Period>,
    /// Exposures found (findings of DT301 and DT302).
    pub exposures: u64,
    /// Responses with at least one exposure.
    pub exposed_responses: u64,
    /// Fields exposed at least once.
    pub exposed_fields: u64,
    /// Exposures by field, most first.
    pub by_field: Vec<Count>,
    /// Exposures by rule.
    pub by_rule: Vec<Count>,
    /// The apps that made the calls, most responses first.
    pub apps: Vec<App>,
    /// Apps beyond the first [`APPS`], counted in [`Audit::other_apps`] only.
    pub apps_not_listed: u64,
    /// The calls of the apps not listed, together.
    pub other_apps: Option<App>,
    /// Every documented field of `result`, in the schema's order.
    pub fields: Vec<FieldRow>,
    /// Documented fields no response carried with a value.
    pub never_observed: Vec<String>,
    /// Undocumented members that responses carried.
    pub undocumented_observed: Vec<Undocumented>,
}

/// The caller in words, as the audit names it.
pub fn describe(caller: &Caller) -> String {
    let mut text = match caller.app_type {
        Some(app) => app.describe().to_owned(),
        None => "no app type (exposure not judged)".to_owned(),
    };
    if !caller.permissions.is_empty() {
        let names: Vec<&str> = caller
            .permissions
            .iter()
            .map(|p| p.console_name())
            .collect();
        text.push_str(&format!(" with {}", names.join(" and ")));
    }
    if let Some(corp) = &caller.corp_id {
        text.push_str(&format!(", organization {corp}"));
    }
    text
}

/// Who the page says may receive a field, whoever calls.
fn needs(field: &Field) -> String {
    let mut parts = Vec::new();
    for app in &field.withheld_from {
        parts.push(format!("not returned to {}", app.describe()));
    }
    if let Some(p) = field.permission {
        parts.push(format!(
            "internal apps need the \"{}\" permission",
            p.console_name()
        ));
    }
    if let Some(account) = field.account {
        parts.push(account.describe().to_owned());
    }
    if let Some(when) = &field.only_when_set {
        parts.push(format!("sent only when {when}"));
    }
    if parts.is_empty() {
        "any caller".to_owned()
    } else {
        parts.join("; ")
    }
}

/// What the builder keeps of one exposed field.
#[derive(Debug, Default)]
struct Exposed {
    count: u64,
    examples: Vec<Example>,
}

/// What the builder keeps of one app.
#[derive(Debug, Default)]
struct AppTally {
    responses: u64,
    exposed_responses: u64,
    exposures: u64,
    fields: BTreeMap<String, u64>,
    first: Option<(i64, String)>,
    last: Option<(i64, String)>,
    /// In a partial audit: where the app's first response stands (source, span position,
    /// entry), which decides which apps a merged audit lists.
    seen: Option<(String, u64, u64)>,
}

impl AppTally {
    /// Adds another tally of the same app.
    fn merge(&mut self, other: Self) {
        self.responses += other.responses;
        self.exposed_responses += other.exposed_responses;
        self.exposures += other.exposures;
        for (field, count) in other.fields {
            *self.fields.entry(field).or_default() += count;
        }
        self.seen(other.first.as_ref());
        self.seen(other.last.as_ref());
        if let Some(seen) = other.seen {
            if self.seen.as_ref().is_none_or(|s| seen < *s) {
                self.seen = Some(seen);
            }
        }
    }

    fn seen(&mut self, at: Option<&(i64, String)>) {
        if let Some(at) = at {
            if self.first.as_ref().is_none_or(|f| at.0 < f.0) {
                self.first = Some(at.clone());
            }
            if self.last.as_ref().is_none_or(|l| at.0 > l.0) {
                self.last = Some(at.clone());
            }
        }
    }

    fn into_app(self, label: String) -> App {
        let mut fields: Vec<Count> = self
            .fields
            .into_iter()
            .map(|(name, exposures)| Count {
                label: name.clone(),
                name,
                exposures,
            })
            .collect();
        fields.sort_by(|a, b| b.exposures.cmp(&a.exposures).then(a.name.cmp(&b.name)));
        App {
            label,
            responses: self.responses,
            exposed_responses: self.exposed_responses,
            exposures: self.exposures,
            fields,
            first: self.first.map(|f| f.1),
            last: self.last.map(|l| l.1),
        }
    }
}

/// The item (response, HAR entry) whose findings the builder is hearing.
#[derive(Debug)]
struct Current {
    app: String,
    time: Option<(i64, String)>,
    exposed: bool,
}

impl Default for Current {
    fn default() -> Self {
        Self {
            app: NO_TOKEN.to_owned(),
            time: None,
            exposed: false,
        }
    }
}

/// Builds the audit of a run made with `Settings::observe`, hearing it as a reporter: it
/// keeps counts per field, rule and app and the first few examples, never the run's findings.
#[derive(Debug)]
pub struct Builder<'c> {
    caller: &'c Caller,
    carried: BTreeMap<&'static str, u64>,
    /// Exposures by field name: how many, and the first few.
    exposed: BTreeMap<String, Exposed>,
    by_rule: BTreeMap<&'static str, (&'static str, u64)>,
    undocumented: BTreeMap<String, (u64, Option<String>)>,
    apps: BTreeMap<String, AppTally>,
    other_apps: AppTally,
    /// Labels of the apps counted in `other_apps` are not kept: only how many items went there.
    other_labels: std::collections::BTreeSet<String>,
    current: Current,
    exposed_responses: u64,
    /// Earliest and latest HAR start times.
    har_period: Option<((i64, String), (i64, String))>,
    /// Earliest and latest modification times of inputs with responses, in seconds.
    file_period: Option<(i64, i64)>,
    summary: Summary,
    /// Keeps every app and the examples of each input, for a merge to cap (`--partial`).
    partial: bool,
    /// In a partial audit: the current input's first examples of each field, stamped with
    /// where the input stands once it ends.
    pending: BTreeMap<String, Vec<Example>>,
    /// In a partial audit: the apps of the current input with the entry of their first response.
    pending_seen: BTreeMap<String, u64>,
}

impl<'c> Builder<'c> {
    /// A partial audit of what `caller` received, for `dtlint merge`: every app is kept, and
    /// the first examples of each field by their place in the sources rather than by the
    /// order inputs came in.
    pub fn partial(caller: &'c Caller) -> Self {
        Self {
            partial: true,
            ..Self::new(caller)
        }
    }

    /// An audit of what `caller` received.
    pub fn new(caller: &'c Caller) -> Self {
        Self {
            caller,
            carried: BTreeMap::new(),
            exposed: BTreeMap::new(),
            by_rule: BTreeMap::new(),
            undocumented: BTreeMap::new(),
            apps: BTreeMap::new(),
            other_apps: AppTally::default(),
            other_labels: std::collections::BTreeSet::new(),
            current: Current::default(),
            exposed_responses: 0,
            har_period: None,
            file_period: None,
            summary: Summary::default(),
            partial: false,
            pending: BTreeMap::new(),
            pending_seen: BTreeMap::new(),
        }
    }

    /// The tally of the current item's app, once the list of apps is full: the others'.
    fn app(&mut self) -> &mut AppTally {
        let label = &self.current.app;
        if self.partial || self.apps.contains_key(label) || self.apps.len() < APPS {
            return self.apps.entry(label.clone()).or_default();
        }
        &mut self.other_apps
    }

    /// The audit of everything heard.
    pub fn audit(self) -> Audit {
        let caller = self.caller;
        let mut exposed = self.exposed;
        let fields: Vec<FieldRow> = result_fields()
            .iter()
            .filter(|f| f.documented())
            .map(|field| {
                let Exposed { count, examples } =
                    exposed.remove(field.name.as_str()).unwrap_or_default();
                let (may, condition) = match field.access(caller) {
                    Access::Allowed => ("yes", String::new()),
                    Access::Unknown => ("unknown", "depends on the app type".to_owned()),
                    Access::Withheld(app) => ("no", format!("not returned to {}", app.describe())),
                    Access::NeedsPermission(p) => (
                        "no",
                        format!("needs the \"{}\" permission", p.console_name()),
                    ),
                };
                FieldRow {
                    field: field.name.clone(),
                    description: field.description.clone(),
                    needs: needs(field),
                    carried: self.carried.get(field.name.as_str()).copied().unwrap_or(0),
                    may_receive: may,
                    condition,
                    exposures: count,
                    more: count.saturating_sub(examples.len() as u64),
                    examples,
                    personal: field.personal.is_some(),
                }
            })
            .collect();
        let never_observed = fields
            .iter()
            .filter(|f| f.carried == 0)
            .map(|f| f.field.clone())
            .collect();
        let mut by_field: Vec<Count> = fields
            .iter()
            .filter(|f| f.exposures > 0)
            .map(|f| Count {
                name: f.field.clone(),
                label: f.field.clone(),
                exposures: f.exposures,
            })
            .collect();
        by_field.sort_by(|a, b| b.exposures.cmp(&a.exposures).then(a.name.cmp(&b.name)));
        let by_rule = self
            .by_rule
            .into_iter()
            .map(|(code, (name, exposures))| Count {
                name: code.to_owned(),
                label: name.to_owned(),
                exposures,
            })
            .collect();
        let mut apps: Vec<App> = self
            .apps
            .into_iter()
            .map(|(label, tally)| tally.into_app(label))
            .collect();
        apps.sort_by(|a, b| b.responses.cmp(&a.responses).then(a.label.cmp(&b.label)));
        let other_apps = (!self.other_labels.is_empty())
            .then(|| self.other_apps.into_app("other apps".to_owned()));
        let period = match (self.har_period, self.file_period) {
            (Some((first, last)), _) => Some(Period {
                first: first.1,
                last: last.1,
                from: "har",
            }),
            (None, Some((first, last))) => Some(Period {
                first: origin::utc_text(first),
                last: origin::utc_text(last),
                from: "files",
            }),
            (None, None) => None,
        };
        Audit {
            version: 2,
            caller: describe(caller),
            judged: caller.app_type.is_some(),
            inputs: self.summary.inputs,
            responses: self.summary.responses,
            period,
            exposures: fields.iter().map(|f| f.exposures).sum(),
            exposed_responses: self.exposed_responses,
            exposed_fields: by_field.len() as u64,
            by_field,
            by_rule,
            apps,
            apps_not_listed: self.other_labels.len() as u64,
            other_apps,
            fields,
            never_observed,
            undocumented_observed: self
                .undocumented
                .into_iter()
                .map(|(field, (responses, known_from))| Undocumented {
                    field,
                    responses,
                    known_from,
                })
                .collect(),
        }
    }
}

impl Reporter for Builder<'_> {
    fn item(&mut self, outcome: &Outcome) {
        let origin = outcome.origin.as_ref();
        let time = origin
            .and_then(|o| o.started.as_deref())
            .and_then(|t| origin::instant(t).map(|at| (at, t.to_owned())));
        self.current = Current {
            app: origin
                .and_then(|o| o.app.clone())
                .unwrap_or_else(|| NO_TOKEN.to_owned()),
            time,
            exposed: false,
        };
        if outcome.responses == 0 {
            return;
        }
        if let Some(at) = &self.current.time {
            let period = self
                .har_period
                .get_or_insert_with(|| (at.clone(), at.clone()));
            if at.0 < period.0 .0 {
                period.0 = at.clone();
            }
            if at.0 > period.1 .0 {
                period.1 = at.clone();
            }
        }
        if self.partial {
            let entry = outcome.index.unwrap_or(0);
            self.pending_seen
                .entry(self.current.app.clone())
                .or_insert(entry);
        }
        let full =
            !self.partial && !self.apps.contains_key(&self.current.app) && self.apps.len() >= APPS;
        if full && self.other_labels.len() < OTHER_LABELS {
            // Only how many apps there were beyond the list is said; the set is capped so
            // that a token per call keeps memory bounded (the count is then a lower bound).
            self.other_labels.insert(self.current.app.clone());
        }
        let time = self.current.time.clone();
        let app = self.app();
        app.responses += outcome.responses;
        app.seen(time.as_ref());
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        match f.rule.code {
            "DT301" | "DT302" => {
                let field = exposed_name(&f.pointer);
                let example = Example {
                    value: f
                        .excerpt
                        .as_ref()
                        .map(|e| unquote(e.value()))
                        .unwrap_or_default(),
                    source: f.source.clone(),
                    line: f.position.map(|p| p.line),
                    column: f.position.map(|p| p.column),
                    entry: f.entry,
                    time: self.current.time.as_ref().map(|t| t.1.clone()),
                    app: origin_label(&self.current.app),
                    rule: f.rule.code,
                    at: (0, f.position.map_or(0, |p| p.offset)),
                };
                let slot = match self.exposed.get_mut(field) {
                    Some(slot) => slot,
                    None => self.exposed.entry(field.to_owned()).or_default(),
                };
                slot.count += 1;
                if self.partial {
                    let pending = self.pending.entry(field.to_owned()).or_default();
                    if pending.len() < EXAMPLES {
                        pending.push(example);
                    }
                } else if slot.examples.len() < EXAMPLES {
                    slot.examples.push(example);
                }
                self.by_rule
                    .entry(f.rule.code)
                    .or_insert((f.rule.name, 0))
                    .1 += 1;
                let first = !self.current.exposed;
                self.current.exposed = true;
                self.exposed_responses += u64::from(first);
                let app = self.app();
                app.exposures += 1;
                app.exposed_responses += u64::from(first);
                match app.fields.get_mut(field) {
                    Some(count) => *count += 1,
                    None => {
                        app.fields.insert(field.to_owned(), 1);
                    }
                }
            }
            "DT107" | "DT108" => {
                let known =
                    crate::api::fields::result_field(f.pointer.trim_start_matches("/result/"))
                        .and_then(|r| r.undocumented.clone());
                let slot = self
                    .undocumented
                    .entry(field_path(&f.pointer))
                    .or_insert((0, known));
                slot.0 += 1;
            }
            _ => {}
        }
        Ok(())
    }

    fn input_done(&mut self, input: &InputEnd<'_>) -> io::Result<()> {
        for (name, count) in &input.tally.present {
            *self.carried.entry(name).or_default() += count;
        }
        if self.partial {
            self.stamp(input);
        }
        // A file's modification time stands for its responses' time when nothing better does:
        // for framed lines, the time their records carried.
        if input.tally.responses > 0 && !input.config && self.har_period.is_none() {
            let modified = input.span.and_then(|s| s.mtime).or_else(|| {
                std::fs::metadata(input.source)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_secs()).ok())
            });
            if let Some(at) = modified {
                let period = self.file_period.get_or_insert((at, at));
                period.0 = period.0.min(at);
                period.1 = period.1.max(at);
            }
        }
        self.current = Current::default();
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        self.summary = end.summary;
        Ok(())
    }
}

impl Builder<'_> {
    /// In a partial audit, at the end of an input: its examples and its apps' first responses
    /// are stamped with where the input stands, and the first examples of each field over all
    /// inputs so far are kept.
    fn stamp(&mut self, input: &InputEnd<'_>) {
        let position = input.span.map_or(0, |s| s.position);
        for (field, examples) in std::mem::take(&mut self.pending) {
            let slot = self.exposed.entry(field).or_default();
            for mut example in examples {
                example.at.0 = position;
                slot.examples.push(example);
            }
            slot.examples.sort_by(|a, b| a.key().cmp(&b.key()));
            slot.examples.truncate(EXAMPLES);
        }
        for (label, entry) in std::mem::take(&mut self.pending_seen) {
            let seen = (input.source.to_owned(), position, entry);
            let app = self.apps.entry(label).or_default();
            if app.seen.as_ref().is_none_or(|s| seen < *s) {
                app.seen = Some(seen);
            }
        }
    }
}

/// The app of an example: none for calls without a token.
fn origin_label(label: &str) -> Option<String> {
    (label != NO_TOKEN && !label.is_empty()).then(|| label.to_owned())
}

/// The member of `result` an exposure is about, whether the body had its envelope or was a
/// `result` object alone (`/result/mobile`, `/mobile`).
fn exposed_name(pointer: &str) -> &str {
    let rest = pointer.strip_prefix("/result/").unwrap_or(pointer);
    let rest = rest.trim_start_matches('/');
    rest.split('/').next().unwrap_or(rest)
}

/// A value cut from a body embedded as a JSON string (a HAR's `content.text`) reads
/// `\"86\"`: shown as the body wrote it, `"86"`.
fn unquote(value: &str) -> String {
    if value.starts_with("\\\"") && value.ends_with("\\\"") && value.len() >= 4 {
        value.replace("\\\"", "\"")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposures_are_named_by_their_member_of_result() {
        assert_eq!(exposed_name("/result/mobile"), "mobile");
        assert_eq!(exposed_name("/mobile"), "mobile");
        assert_eq!(exposed_name("/result/extension/x"), "extension");
        assert_eq!(unquote(r#"\"86\""#), r#""86""#);
        assert_eq!(unquote(r#""86""#), r#""86""#);
    }
}
