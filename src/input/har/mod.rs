//! Reads HAR 1.2 captures entry by entry and checks both sides of each `/topapi/v2/user/get` exchange.

mod body;
mod call;
mod entry;
mod place;
mod raw;
mod scanner;

use std::io::BufRead;

pub use scanner::{Item, Scanner};

use super::pipeline::{self, Pace};
use super::{Checked, Deliver, Outcome};
use crate::engine::guard::{self, Subject};
use crate::engine::pipeline::{check_node_in, Settings};
use crate::engine::place::placed;
use crate::finding::Finding;
use crate::json::Location;
use crate::rules;

use body::Body;
use place::EntryText;

/// The path of the API; entries for any other path are skipped.
pub const API_PATH: &str = "/topapi/v2/user/get";

/// Checks a HAR stream, collected whole.
pub fn check_har<R: BufRead + Send>(reader: R, settings: &Settings, limit: u64) -> Checked {
    Checked::collect(|deliver| har_outcomes(reader, settings, limit, Pace::Batched, deliver))
}

impl pipeline::Weighed for Item {
    fn weight(&self) -> usize {
        match self {
            Item::Entry { text, .. } => text.capacity(),
            Item::NotUtf8 { bytes, .. } => bytes.capacity(),
            Item::TooLarge { .. } => 0,
        }
    }
}

/// Checks a HAR stream and delivers an outcome per entry as soon as its batch is checked.
/// Entries are read on one thread and checked in parallel batches.
pub fn har_outcomes<R: BufRead + Send>(
    reader: R,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
) {
    let mut scanner = Scanner::new(reader, limit);
    let mut broken = None;
    let produce = || match scanner.next_item() {
        Ok(item) => item,
        Err(b) => {
            broken = Some(b);
            None
        }
    };
    pipeline::run(
        produce,
        |item| check_item(item, settings, limit),
        pace,
        deliver,
    );
    // A repeated `log` (or `entries`) is read past: the entries checked were the first's.
    for repeated in scanner.repeated() {
        let finding = crate::rules::reader::har_repeated_member(
            &repeated.name,
            repeated.parent,
            repeated.count,
            repeated.first,
            broken.is_some(),
        );
        let finding = placed(vec![finding], "", Some(""), repeated.again, |_| Some(0..0));
        deliver(Outcome::about_input(finding));
    }
    if let Some(broken) = broken {
        let finding = crate::rules::reader::har_broken(&broken.message);
        let finding = placed(vec![finding], "", Some(""), broken.at, |_| Some(0..0));
        deliver(Outcome::about_input(finding));
    }
}

/// Checks the text of one HAR entry as item `index` of a capture, with the same reading and
/// rules as an entry of a HAR file: `dtlint proxy` checks each exchange it forwards this way.
pub fn check_entry_text(index: u64, text: &str, settings: &Settings) -> Outcome {
    check_entry(index, text, Location::START, settings)
}

fn check_item(item: Item, settings: &Settings, limit: u64) -> Outcome {
    match item {
        // Devtools captures hold scripts and images larger than any limit fit for a body: an
        // entry its kept part shows to be another call is passed over as any other call is.
        Item::TooLarge {
            index,
            call: Some(false),
            ..
        } => Outcome {
            index: Some(index),
            skipped: true,
            ..Outcome::default()
        },
        Item::TooLarge {
            index,
            size,
            at,
            call,
        } => {
            let finding = crate::rules::reader::entry_too_large(index, size, limit, call.is_some());
            Outcome::with(
                index,
                placed(vec![finding], "", Some(""), at, |_| Some(0..0)),
            )
        }
        Item::NotUtf8 { index, bytes, at } => {
            let Err(stop) = guard::bytes(Subject::Entry(index), &bytes, None) else {
                return Outcome::with(index, Vec::new());
            };
            let prefix = std::str::from_utf8(&bytes[..stop.span.start]).unwrap_or("");
            let findings = placed(vec![stop.finding], prefix, Some(prefix), at, |_| {
                Some(stop.span.clone())
            });
            Outcome::with(index, findings)
        }
        Item::Entry { index, text, at } => check_entry(index, &text, at, settings),
    }
}

fn check_entry(index: u64, text: &str, at: Location, settings: &Settings) -> Outcome {
    let skipped = Outcome {
        index: Some(index),
        skipped: true,
        ..Outcome::default()
    };
    let mut place = EntryText::new(text, at, settings.show_values, settings.needs.excerpts);
    let entry = match entry::parse(index, text) {
        Ok(entry) => entry,
        // Another call's entry is skipped whatever its shape: exporters write neighbours dtlint
        // has no say over (in-flight calls, nulls), and they must not fail a capture. Only an
        // entry that does not read as HAR pays for this second, lighter read.
        Err(_) if call::user_get(text) == Some(false) => return skipped,
        Err(finding) => {
            let findings = place.in_entry(vec![*finding], None, false);
            return Outcome::with(index, findings);
        }
    };
    place.was_read();
    if !call::is_user_get(Some(&entry.request.method), &entry.request.url) {
        return skipped;
    }
    let (normalised, request_findings) = rules::request::check(&entry.request);
    // Findings about the exchange point into the entry; those about the response into its body.
    let mut entry_findings = request_findings;
    let mut outcome = Outcome::with(index, Vec::new());
    outcome.origin = settings
        .observe
        .then(|| crate::audit::Origin::of(&normalised, text));
    let content = &entry.response.content;
    let mut body_findings = Vec::new();
    let mut stop = None;
    // The body's arena is kept until its findings are placed: it knows where they are.
    let mut doc = None;
    let body = match body::find(content) {
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
        match body::parse(content, body) {
            Err(stopped) => {
                stop = Some(stopped.span);
                body_findings.push(stopped.finding);
            }
            Ok(parsed) => {
                let value = doc.insert(parsed).root();
                outcome.responses = 1;
                // The language this entry's request asked for decides over the run's.
                let language = normalised.language().or(settings.language);
                body_findings = check_node_in(value, settings, language);
                outcome.present = crate::engine::pipeline::observe(value, settings);
                let correlation =
                    rules::request::correlate(&normalised, value, entry.response.status);
                // The status is a fact of the exchange, not of the body: point at it in the
                // entry, where it is fingerprinted with the other findings there.
                let (status, mut answers): (Vec<Finding>, Vec<Finding>) = correlation
                    .into_iter()
                    .partition(|f| f.rule == &crate::rules::HTTP_STATUS_NOT_200);
                if settings.needs.fingerprints {
                    crate::engine::fingerprint::set_fingerprints(&mut answers, value);
                }
                body_findings.extend(answers);
                entry_findings.extend(status.into_iter().map(|mut finding| {
                    finding.pointer = "/response/status".into();
                    finding
                }));
            }
        }
    }
    // Placing costs scans of the entry: only what the run reports is placed.
    entry_findings.retain(|f| settings.selection.is_enabled(f.rule));
    body_findings.retain(|f| settings.selection.is_enabled(f.rule));
    let base64 = body::is_base64(content);
    let body = body.as_deref();
    // Findings in the entry fingerprint its values read from the redacted copy, so that
    // neither a token nor its rotation shows in (or changes) a baseline.
    if settings.needs.fingerprints && !entry_findings.is_empty() {
        if let Ok(shown) = crate::json::doc::Doc::parse(place.shown(body, base64)) {
            crate::engine::fingerprint::set_fingerprints(&mut entry_findings, shown.root());
        }
    }
    let mut findings = place.in_entry(entry_findings, body, base64);
    let doc = doc.as_ref().map(crate::json::doc::Doc::root);
    findings.extend(place.in_body(body_findings, body, doc, stop, base64));
    for f in &mut findings {
        f.entry = Some(index);
    }
    outcome.findings = findings;
    outcome
}

#[cfg(test)]
mod tests {
    use super::place::without_secrets;
    use super::*;

    #[test]
    fn no_secret_survives_in_the_text_excerpts_are_cut_from() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/har/token-bearing.har"
        );
        let har = std::fs::read_to_string(path).expect("fixture");
        let mut scanner = Scanner::new(har.as_bytes(), 1 << 30);
        let mut entries = 0;
        while let Ok(Some(Item::Entry { text, .. })) = scanner.next_item() {
            entries += 1;
            assert!(
                text.contains("TOKEN-NEVER-PRINT"),
                "the fixture carries the secrets"
            );
            let shown = without_secrets(&text);
            assert_eq!(shown.len(), text.len());
            for secret in [
                "TOKEN-NEVER-PRINT",
                "BEARER-NEVER-PRINT",
                "COOKIE-NEVER-PRINT",
            ] {
                assert!(!shown.contains(secret), "{secret} survives:\n{shown}");
            }
        }
        assert_eq!(entries, 1);
    }
}
