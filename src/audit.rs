//! The exposure audit: for the caller's profile, every documented field with how often it was carried, whether
//! the profile may receive it, how often it was exposed, and where.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::caller::Caller;
use crate::fields::{result_fields, Access};
use crate::finding::{field_path, Finding};
use std::io;

use crate::report::{InputEnd, Reporter, RunEnd, Summary};

/// Examples kept per field.
const EXAMPLES: usize = 5;

/// Where a field was exposed, and the value as the report shows it.
#[derive(Debug, Serialize)]
pub struct Example {
    /// The input, entry and pointer of the exposure.
    pub location: String,
    /// The value as the report shows it: masked unless --show-values.
    pub value: String,
}

/// One documented field of `result`, as the audit lists it.
#[derive(Debug, Serialize)]
pub struct FieldRow {
    /// The member's name.
    pub field: String,
    /// Responses that carried the field with a value.
    pub carried: u64,
    /// Whether the caller may receive it: `yes`, `no` or `unknown`.
    pub may_receive: &'static str,
    /// The page's condition, in our words.
    pub condition: String,
    /// Responses that carried it with a value although the caller may not receive it.
    pub exposures: u64,
    /// The first exposures, at most five.
    pub examples: Vec<Example>,
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

/// The exposure audit of one run (`dtlint audit`); its JSON is the `--format json` report.
#[derive(Debug, Serialize)]
pub struct Audit {
    /// Version of the audit's JSON shape.
    pub version: u32,
    /// The caller audited, in words.
    pub caller: String,
    /// Inputs read.
    pub inputs: u64,
    /// Responses checked.
    pub responses: u64,
    /// Every documented field of `result`, in the schema's order.
    pub fields: Vec<FieldRow>,
    /// Documented fields no response carried with a value.
    pub never_observed: Vec<String>,
    /// Undocumented members that responses carried.
    pub undocumented_observed: Vec<Undocumented>,
}

fn describe(caller: &Caller) -> String {
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

fn location(f: &Finding) -> String {
    let entry = f.entry.map(|e| format!(" (entry {e})")).unwrap_or_default();
    match f.position {
        Some(p) => format!("{}:{}:{}{entry}", f.source, p.line, p.column),
        None => format!("{}{entry}", f.source),
    }
}

/// Builds the audit of a run made with `Settings::observe`, hearing it as a reporter: it
/// keeps counts per field and the first few examples, never the run's findings.
#[derive(Debug)]
pub struct Builder<'c> {
    caller: &'c Caller,
    carried: BTreeMap<&'static str, u64>,
    /// Exposures by pointer: how many, and the first few.
    exposed: BTreeMap<String, (u64, Vec<Example>)>,
    undocumented: BTreeMap<String, (u64, Option<String>)>,
    summary: Summary,
}

impl<'c> Builder<'c> {
    /// An audit of what `caller` received.
    pub fn new(caller: &'c Caller) -> Self {
        Self {
            caller,
            carried: BTreeMap::new(),
            exposed: BTreeMap::new(),
            undocumented: BTreeMap::new(),
            summary: Summary::default(),
        }
    }

    /// The audit of everything heard.
    pub fn audit(self) -> Audit {
        let caller = self.caller;
        let mut exposed = self.exposed;
        let fields: Vec<FieldRow> = result_fields()
            .iter()
            .filter(|f| f.documented())
            .map(|field| {
                let (exposures, examples) =
                    exposed.remove(field.pointer.as_str()).unwrap_or_default();
                let (may, condition) = match field.access(caller) {
                    Access::Allowed => ("yes", String::new()),
                    Access::Unknown => ("unknown", "depends on the app type".to_owned()),
                    Access::Withheld(app) => ("no", format!("not returned to {}", app.describe())),
                    Access::NeedsPermission(p) => (
                        "no",
                        format!("needs the \"{}\" permission", p.console_name()),
                    ),
                };
                let mut condition = condition;
                if let Some(account) = field.account {
                    condition = [condition, account.describe().to_owned()]
                        .into_iter()
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join("; ");
                }
                FieldRow {
                    field: field.name.clone(),
                    carried: self.carried.get(field.name.as_str()).copied().unwrap_or(0),
                    may_receive: may,
                    condition,
                    exposures,
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
        Audit {
            version: 1,
            caller: describe(caller),
            inputs: self.summary.inputs,
            responses: self.summary.responses,
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
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        match f.rule.code {
            "DT301" | "DT302" => {
                let slot = match self.exposed.get_mut(f.pointer.as_str()) {
                    Some(slot) => slot,
                    None => self.exposed.entry(f.pointer.to_string()).or_default(),
                };
                slot.0 += 1;
                if slot.1.len() < EXAMPLES {
                    slot.1.push(Example {
                        location: location(f),
                        value: f
                            .excerpt
                            .as_ref()
                            .map(|e| e.value().to_owned())
                            .unwrap_or_default(),
                    });
                }
            }
            "DT107" | "DT108" => {
                let known = crate::fields::result_field(f.pointer.trim_start_matches("/result/"))
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
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        self.summary = end.summary;
        Ok(())
    }
}
