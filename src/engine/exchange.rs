//! The pipeline of one exchange: the request as sent and the answer it got. The request rules,
//! the body's pipeline, the correlation of the two, selection, fingerprints and placing run
//! here, whoever found the exchange (a HAR reader, the proxy).

use crate::api::request::HarRequest;
use crate::engine::answer::{self, Answer, Body, Payload};
use crate::engine::fingerprint::set_fingerprints;
use crate::engine::outcome::Outcome;
use crate::engine::pipeline::{check_node_in, observe, Settings};
use crate::engine::place::cassette::Interaction;
use crate::engine::place::entry::EntryText;
use crate::engine::place::placed;
use crate::finding::Finding;
use crate::json::doc::{Doc, Node};
use crate::json::locate::{locate_in_order, Hints};
use crate::json::Location;
use crate::privacy::mask as redact;
use crate::rules;

/// One call: the request as sent and the answer, and where both are held.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// The request as sent.
    pub request: &'a HarRequest,
    /// The answer.
    pub answer: Answer<'a>,
    /// Where the exchange is held, which decides where its findings are placed.
    pub held: Held<'a>,
}

/// Where an exchange is held.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub enum Held<'a> {
    /// An entry of a HAR capture, read whole as one (serde refuses a member that repeats):
    /// findings are placed in its text.
    Entry {
        /// The entry's JSON text.
        text: &'a str,
        /// Where the text starts in its file.
        at: Location,
    },
    /// An interaction of a VCR cassette: findings about the answer's body are placed in the
    /// scalar that holds it, those about the exchange at the part of the interaction their
    /// pointer names.
    Cassette(&'a Interaction<'a>),
    /// An entry of a HAR capture whose answer's body is kept apart from it (Playwright's
    /// `_file`, a member of a HAR zip archive): findings about the exchange are placed in the
    /// entry, those about the body in the body, from its start, and they carry `body_in` as
    /// their source (see [`crate::finding::held_in`]).
    Apart {
        /// The entry's JSON text.
        text: &'a str,
        /// Where the text starts in its file.
        at: Location,
        /// Where the body is held, relative to the input: a side file's name, or `!/member`.
        body_in: &'a str,
    },
    /// In memory, as the proxy holds it: findings about the answer's body are placed in the
    /// body; those about the exchange carry their pointer alone.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    Live,
}

impl<'a> Exchange<'a> {
    /// An exchange held in memory (as the proxy or a test holds one): findings about the
    /// answer's body are placed in the body.
    pub fn new(request: &'a HarRequest, answer: Answer<'a>) -> Self {
        Self {
            request,
            answer,
            held: Held::Live,
        }
    }
}

/// Checks exchange `index` of its input: the request rules, the answer's body as any response
/// is checked, and whether the answer answers the request.
///
/// ```
/// use dtlint::{check_exchange, Answer, Exchange, HarRequest, Payload, Settings};
///
/// let request: HarRequest = serde_json::from_str(r#"{"method": "POST",
///     "url": "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x",
///     "postData": {"mimeType": "application/json", "text": "{\"userid\":\"manager4921\",\"language\":null}"}}"#).unwrap();
/// let body = r#"{"errcode":0,"errmsg":"ok","request_id":"r","result":{"userid":"manager0001","unionid":"u","name":"n"}}"#;
/// let answer = Answer::new(200, "application/json", Payload::Text(body));
/// let outcome = check_exchange(0, &Exchange::new(&request, answer), &Settings::default());
/// let codes: Vec<&str> = outcome.findings.iter().map(|f| f.rule().code).collect();
/// // The answer is about another user than the one asked for.
/// assert_eq!(codes, ["DT708"]);
/// ```
pub fn check(index: u64, exchange: &Exchange<'_>, settings: &Settings) -> Outcome {
    let request = exchange.request;
    let (normalised, request_findings) = rules::request::check(request);
    // Findings about the exchange point into it; those about the response into its body.
    let mut entry_findings = request_findings;
    let mut outcome = Outcome::with(index, Vec::new());
    match exchange.held {
        Held::Entry { text, .. } | Held::Apart { text, .. } => {
            outcome.origin = settings
                .observe
                .then(|| crate::engine::origin::Origin::of(&normalised, text));
        }
        // A cassette keeps no time of its own per call that the audit reads: the app alone.
        Held::Cassette(_) => {
            outcome.origin = settings
                .observe
                .then(|| crate::engine::origin::Origin::of(&normalised, ""));
        }
        Held::Live => {}
    }
    outcome.unanswered = matches!(exchange.answer.body, Payload::Unanswered { .. });
    let mut body_findings = Vec::new();
    let mut stop = None;
    // The body's arena is kept until its findings are placed: it knows where they are.
    let mut doc = None;
    let body = match answer::find(&exchange.answer.body) {
        Body::Missing(finding) => {
            entry_findings.push(*finding);
            None
        }
        Body::Stopped(stopped) => {
            stop = Some(stopped.span);
            body_findings.push(stopped.finding);
            None
        }
        Body::Text(body) => Some(body),
    };
    if let Some(body) = &body {
        match answer::parse(exchange.answer.mime_type, body) {
            Err(stopped) => {
                stop = Some(stopped.span);
                body_findings.push(stopped.finding);
            }
            Ok(parsed) => {
                let value = doc.insert(parsed).root();
                outcome.responses = 1;
                // The language this exchange's request asked for decides over the run's.
                let language = normalised.language().or(settings.language);
                body_findings = check_node_in(value, settings, language);
                outcome.present = observe(value, settings);
                let correlation =
                    rules::request::correlate(&normalised, value, exchange.answer.status);
                // The status is a fact of the exchange, not of the body: point at it in the
                // exchange, where it is fingerprinted with the other findings there.
                let (status, mut answers): (Vec<Finding>, Vec<Finding>) = correlation
                    .into_iter()
                    .partition(|f| f.rule == &rules::HTTP_STATUS_NOT_200);
                if settings.needs.fingerprints {
                    set_fingerprints(&mut answers, value);
                }
                body_findings.extend(answers);
                entry_findings.extend(status.into_iter().map(|mut finding| {
                    finding.pointer = "/response/status".into();
                    finding
                }));
            }
        }
    }
    // Placing costs scans: only what the run reports is placed.
    crate::engine::finish::select(&mut entry_findings, &settings.selection);
    crate::engine::finish::select(&mut body_findings, &settings.selection);
    let body = body.as_deref();
    let doc = doc.as_ref().map(Doc::root);
    let mut findings = match exchange.held {
        Held::Entry { text, at } => {
            let mut place = EntryText::new(text, at, settings.show_values, settings.needs.excerpts);
            place.was_read();
            let base64 = exchange.answer.body.is_base64();
            // Findings in the entry fingerprint its values read from the redacted copy, so
            // that neither a token nor its rotation shows in (or changes) a baseline.
            if settings.needs.fingerprints && !entry_findings.is_empty() {
                if let Ok(shown) = Doc::parse(place.shown(body, base64)) {
                    set_fingerprints(&mut entry_findings, shown.root());
                }
            }
            let mut findings = place.in_entry(entry_findings, body, base64);
            findings.extend(place.in_body(body_findings, body, doc, stop, base64));
            findings
        }
        Held::Cassette(interaction) => {
            interaction.place(entry_findings, body_findings, body, doc, stop, settings)
        }
        Held::Apart { text, at, body_in } => {
            let mut place = EntryText::new(text, at, settings.show_values, settings.needs.excerpts);
            place.was_read();
            if settings.needs.fingerprints && !entry_findings.is_empty() {
                if let Ok(shown) = Doc::parse(place.shown(None, false)) {
                    set_fingerprints(&mut entry_findings, shown.root());
                }
            }
            let mut findings = place.in_entry(entry_findings, None, false);
            let mut apart = in_live_body(body_findings, body, doc, stop, settings);
            for finding in &mut apart {
                body_in.clone_into(&mut finding.source);
            }
            findings.extend(apart);
            findings
        }
        Held::Live => {
            let mut findings = placed(entry_findings, "", None, Location::START, |_| None);
            findings.extend(in_live_body(body_findings, body, doc, stop, settings));
            findings
        }
    };
    for f in &mut findings {
        f.entry = Some(index);
    }
    outcome.findings = findings;
    outcome
}

/// Places the findings of an answer held in memory in its body, as a file's are placed in it.
fn in_live_body(
    findings: Vec<Finding>,
    body: Option<&str>,
    doc: Option<Node<'_>>,
    stop: Option<std::ops::Range<usize>>,
    settings: &Settings,
) -> Vec<Finding> {
    let Some(body) = body.filter(|_| !findings.is_empty()) else {
        return findings;
    };
    let shown = settings.needs.excerpts.then(|| {
        let mut shown = body.to_owned();
        redact::redact_secrets(&mut shown);
        if !settings.show_values {
            redact::mask_personal(&mut shown);
        }
        shown
    });
    let mut hints = Hints::default();
    placed(findings, body, shown.as_deref(), Location::START, |f| {
        stop.clone().or_else(|| match doc {
            Some(doc) => locate_in_order(body, doc, &f.pointer, &mut hints),
            None => crate::json::locate::locate_or_ancestor(body, &f.pointer),
        })
    })
}

/// An item of a HAR capture that is not an entry dtlint can read: its finding, placed in it.
pub fn unreadable(
    index: u64,
    finding: Finding,
    text: &str,
    at: Location,
    settings: &Settings,
) -> Outcome {
    let place = EntryText::new(text, at, settings.show_values, settings.needs.excerpts);
    Outcome::with(index, place.in_entry(vec![finding], None, false))
}
