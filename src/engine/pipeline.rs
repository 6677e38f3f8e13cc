//! The pipeline of one response: guard and parse its text, validate it against the schema,
//! run the body rules, finish and place each finding. Every reader hands its texts here.

use std::sync::OnceLock;

use serde_json::Value;

use crate::api::caller::Caller;
use crate::api::language::Language;
use crate::engine::fingerprint::set_fingerprints;
use crate::engine::guard::{self, Subject};
use crate::engine::place::placed;
use crate::engine::validate;
use crate::finding::Finding;
use crate::json::doc::{Doc, Node};
use crate::json::locate::{locate_in_order, Hints};
use crate::json::Location;
use crate::privacy::mask as redact;
use crate::rules::selection::Selection;
use crate::rules::{Ctx, CHECKS};

/// Everything that decides what a check reports. Start from [`Settings::default`] and set what
/// differs.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Who calls the API: what the exposure and account rules judge against.
    pub caller: Caller,
    /// Which rules run and at which severity.
    pub selection: Selection,
    /// The time dates are judged against, in milliseconds since the epoch. `None`: the clock,
    /// read the first time a rule needs it and kept for every check with these settings.
    pub now_ms: Option<i64>,
    /// The language requests asked for (`--language`, or the profile's `language`); a HAR
    /// entry whose request names one is judged by its own. `None`: not known.
    pub language: Option<Language>,
    /// Whether bodies are envelopes or `result` objects alone.
    pub body_shape: crate::api::body_shape::BodyShape,
    /// Show personal values in snippets instead of masking them (tokens stay redacted).
    pub show_values: bool,
    /// Record which members each response carries (for `dtlint audit`).
    pub observe: bool,
    /// What the run's outputs need of each finding beyond its pointer and position.
    pub needs: Needs,
    /// The clock's reading, once taken; a run is judged against one time.
    pub(crate) clock: OnceLock<i64>,
}

/// Work on findings that only some outputs need: a run whose reporters do not print it does
/// not pay for it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// A few lines of the redacted input around each finding (human output, the audit).
    pub excerpts: bool,
    /// A hash of each finding's value (baselines, read or written).
    pub fingerprints: bool,
}

impl Default for Needs {
    fn default() -> Self {
        Self {
            excerpts: true,
            fingerprints: true,
        }
    }
}

impl Needs {
    /// Excerpts and fingerprints as given.
    pub const fn new(excerpts: bool, fingerprints: bool) -> Self {
        Self {
            excerpts,
            fingerprints,
        }
    }
}

impl Settings {
    /// [`Settings::now_ms`], or else the clock, read once.
    fn now(&self) -> i64 {
        self.now_ms
            .unwrap_or_else(|| *self.clock.get_or_init(read_clock))
    }
}

/// The current time in milliseconds since the epoch (0 if the clock is before 1970).
pub(crate) fn read_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Checks one parsed response body; findings carry pointers but no positions.
///
/// ```
/// use dtlint::{check_value, Settings};
///
/// let body = serde_json::json!({
///     "errcode": 0, "errmsg": "ok", "request_id": "16lzmj9nqoklx",
///     "result": {"userid": "10000000000000001", "unionid": "vQR2XiEiE", "name": "张三", "boss": "true"}
/// });
/// let findings = check_value(&body, &Settings::default());
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].rule().name, "quoted-boolean");
/// assert_eq!(findings[0].pointer(), "/result/boss");
/// ```
pub fn check_value(body: &Value, settings: &Settings) -> Vec<Finding> {
    check_node(Doc::from_value(body).root(), settings)
}

/// Checks one parsed body held in a [`Doc`]; findings carry pointers but no positions.
///
/// A valid body (almost every one) is validated and read in place. An invalid one is turned
/// into a `Value` so its documentation quirks can be repaired in a copy the rules then read.
pub fn check_node(body: Node<'_>, settings: &Settings) -> Vec<Finding> {
    check_node_in(body, settings, settings.language)
}

/// [`check_node`] for an answer in `language`, which may differ from the settings' (a HAR
/// entry's request names its own).
pub fn check_node_in(
    body: Node<'_>,
    settings: &Settings,
    language: Option<Language>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(foreign) = crate::rules::reader::foreign_body(body) {
        findings.push(foreign);
    } else if let Some(found) = validate::validate_in_place(body) {
        findings = found;
        run_rules(
            body,
            &validate::PointerMap::default(),
            settings,
            &mut findings,
        );
    } else {
        let validated = validate::repair(body.to_value());
        findings = validated.findings;
        let repaired = Doc::from_value(&validated.repaired);
        run_rules(repaired.root(), &validated.map, settings, &mut findings);
    }
    // Before selection, so that `--ignore DT102` does not hide DT112.
    crate::rules::language::relabel(&mut findings, language);
    let mut findings = crate::engine::finish::body(findings, &settings.selection);
    if settings.needs.fingerprints {
        set_fingerprints(&mut findings, body);
    }
    findings
}

/// Runs every enabled body rule on a (repaired) body; pointers are mapped back to the body as received.
fn run_rules(
    body: Node<'_>,
    map: &validate::PointerMap,
    settings: &Settings,
    findings: &mut Vec<Finding>,
) {
    let now = || settings.now();
    let ctx = Ctx::new(body, &settings.caller, &now);
    let mut from_rules = Vec::new();
    for check in CHECKS {
        let runs = check.emits.iter().any(|rule| {
            settings.selection.is_enabled(rule)
                && !(rule.needs_app_type && settings.caller.app_type.is_none())
        });
        if runs {
            (check.run)(&ctx, &mut from_rules);
        }
    }
    findings.extend(from_rules.into_iter().map(|mut finding| {
        finding.pointer = map.original(std::mem::take(&mut finding.pointer));
        finding
    }));
}

/// The documented members of `result` a body carries with a value, when the run observes them.
pub fn observe(body: Node<'_>, settings: &Settings) -> Vec<&'static str> {
    if !settings.observe {
        return Vec::new();
    }
    let Some(result) = body.get("result").filter(|r| r.is_object()) else {
        return Vec::new();
    };
    crate::api::fields::result_fields()
        .iter()
        .filter(|f| {
            f.documented()
                && result
                    .get(&f.name)
                    .is_some_and(crate::api::fields::has_value)
        })
        .map(|f| f.name.as_str())
        .collect()
}

/// The outcome of checking one response's text.
#[non_exhaustive]
#[derive(Debug, Default)]
pub struct TextCheck {
    /// The findings, placed (line, column, excerpt) and in report order.
    pub findings: Vec<Finding>,
    /// Whether the text held a JSON value that was checked as a response.
    pub parsed: bool,
    /// With `Settings::observe`: the documented members of `result` the response carried with a value.
    pub present: Vec<&'static str>,
    /// The body was a `result` object alone and was checked as one (`--body-shape`).
    pub result_only: bool,
}

/// Checks one response given as text; every finding gets its line and column in `text`.
pub fn check_text(text: &str, settings: &Settings) -> TextCheck {
    check_text_at(text, Location::START, settings)
}

/// Checks one response whose text starts at `origin` inside a larger input (an NDJSON line).
pub fn check_text_at(text: &str, origin: Location, settings: &Settings) -> TextCheck {
    let doc = match guard::parse(Subject::Input, text) {
        Ok(doc) => doc,
        Err(stop) => {
            // The guard's finding goes through the same exit as the body's (check_node's).
            let mut findings = vec![stop.finding];
            crate::engine::finish::select(&mut findings, &settings.selection);
            return TextCheck {
                findings: placed(findings, text, Some(text), origin, |_| {
                    Some(stop.span.clone())
                }),
                parsed: false,
                present: Vec::new(),
                result_only: false,
            };
        }
    };
    let result_only = settings.body_shape.is_result(doc.root());
    let (findings, present) = if result_only {
        check_result_only(text, settings)
    } else {
        (
            check_node(doc.root(), settings),
            observe(doc.root(), settings),
        )
    };
    if findings.is_empty() {
        return TextCheck {
            findings,
            parsed: true,
            present,
            result_only,
        };
    }
    let shown = settings.needs.excerpts.then(|| {
        let mut shown = text.to_owned();
        if !settings.show_values {
            redact::mask_personal(&mut shown);
        }
        shown
    });
    TextCheck {
        findings: placed(findings, text, shown.as_deref(), origin, {
            let root = doc.root();
            let mut hints = Hints::default();
            move |f| locate_in_order(text, root, &f.pointer, &mut hints)
        }),
        parsed: true,
        present,
        result_only,
    }
}

/// Checks a `result` object given alone, as the `result` of a successful answer: the rules
/// about `result` run as on a whole answer and name fields as `result.mobile`; those about the
/// envelope do not run. Pointers point into the body as received (`/mobile`).
fn check_result_only(text: &str, settings: &Settings) -> (Vec<Finding>, Vec<&'static str>) {
    let object = text.strip_prefix('\u{feff}').unwrap_or(text);
    let wrapped = format!(
        "{{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"result-only\",\"result\":{object}}}"
    );
    let Ok(envelope) = crate::json::doc::Doc::parse(&wrapped) else {
        return (Vec::new(), Vec::new());
    };
    let mut findings = check_node(envelope.root(), settings);
    findings.retain_mut(|finding| {
        let Some(inner) = finding.pointer.as_str().strip_prefix("/result") else {
            return false;
        };
        if !(inner.is_empty() || inner.starts_with('/')) {
            return false;
        }
        finding.pointer = inner.to_owned().into();
        true
    });
    (findings, observe(envelope.root(), settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_no_output_needs_is_not_done() {
        let text = "{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"r\",\"result\":{\"userid\":\"1\",\"unionid\":\"u\",\"name\":\"n\",\"boss\":\"true\"}}";
        let full = check_text(text, &Settings::default());
        let lean = Settings {
            needs: Needs {
                excerpts: false,
                fingerprints: false,
            },
            ..Settings::default()
        };
        let lean = check_text(text, &lean);
        assert_eq!(full.findings.len(), 1);
        assert!(full.findings[0].excerpt.is_some() && full.findings[0].fingerprint.is_some());
        assert_eq!(lean.findings.len(), 1);
        assert!(lean.findings[0].excerpt.is_none() && lean.findings[0].fingerprint.is_none());
        assert_eq!(lean.findings[0].position, full.findings[0].position);
    }

    #[test]
    fn parse_errors_carry_position() {
        let check = check_text("{\n  \"errcode\": 0,\n  oops\n}", &Settings::default());
        let f = &check.findings[0];
        assert_eq!(f.rule.code, "DT001");
        assert_eq!((f.line(), f.column()), (Some(3), Some(3)));
        assert!(!check.parsed);
    }

    #[test]
    fn bom_is_accepted_and_positions_stay_right() {
        let text = "\u{feff}{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"r\",\"result\":{\"userid\":\"1\",\"unionid\":\"u\",\"name\":\"n\",\"boss\":\"true\"}}";
        let check = check_text(text, &Settings::default());
        assert_eq!(check.findings.len(), 1);
        let f = &check.findings[0];
        let position = f.position.expect("placed");
        assert_eq!(
            &text[position.offset..position.offset + position.len],
            "\"true\""
        );
    }

    #[test]
    fn empty_and_html_inputs() {
        assert_eq!(
            check_text("  \n", &Settings::default()).findings[0]
                .rule
                .code,
            "DT004"
        );
        assert_eq!(
            check_text("<html></html>", &Settings::default()).findings[0]
                .rule
                .code,
            "DT005"
        );
    }

    #[test]
    fn deep_nesting_is_a_parse_finding() {
        let text = "[".repeat(100_000);
        let check = check_text(&text, &Settings::default());
        assert_eq!(check.findings[0].rule.code, "DT001");
        assert!(check.findings[0].message.contains("nesting"));
    }

    #[test]
    fn the_clock_is_read_only_when_a_date_rule_needs_it() {
        let body = |hired: Option<i64>| {
            let mut body = serde_json::json!({"errcode": 0, "errmsg": "ok", "request_id": "r",
                "result": {"userid": "1", "unionid": "u", "name": "n"}});
            if let Some(hired) = hired {
                body["result"]["hired_date"] = hired.into();
            }
            body
        };
        let settings = Settings::default();
        assert!(check_value(&body(None), &settings).is_empty());
        assert_eq!(settings.clock.get(), None);
        let in_a_century = 4_102_444_800_000;
        let codes = |settings: &Settings| -> Vec<&str> {
            check_value(&body(Some(in_a_century)), settings)
                .iter()
                .map(|f| f.rule.code)
                .collect()
        };
        assert_eq!(codes(&settings), ["DT504"]);
        assert!(settings.clock.get().is_some());
        // A time given is the time used: in 2200 the date is no longer ahead.
        let later = Settings {
            now_ms: Some(7_258_118_400_000),
            ..Settings::default()
        };
        assert!(codes(&later).is_empty());
        assert_eq!(later.clock.get(), None);
    }

    #[test]
    fn throttle_body_is_recognised() {
        let body =
            serde_json::json!({"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"x"});
        let findings = check_value(&body, &Settings::default());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule.code, "DT005");
    }
}
