//! Reads HAR 1.2 captures entry by entry and checks both sides of each `/topapi/v2/user/get` exchange.

mod attached;
mod call;
mod entry;
mod scanner;

use std::io::BufRead;

pub use attached::{climbs_out, Bodies, Kept};
pub use scanner::{Item, Scanner};

use super::pipeline::{self, Pace};
use super::{Deliver, Outcome};
use crate::engine::answer::{Answer, Payload};
use crate::engine::exchange::{self, Exchange, Held};
use crate::engine::guard::{self, Subject};
use crate::engine::pipeline::Settings;
use crate::engine::place::placed;
use crate::json::Location;

/// The path of the API; entries for any other path are skipped.
pub const API_PATH: &str = "/topapi/v2/user/get";

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
/// Entries are read on one thread and checked in parallel batches. A stream has no folder:
/// bodies its entries keep apart (`_file`) are not read (DT011).
pub fn har_outcomes<R: BufRead + Send>(
    reader: R,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
) {
    har_outcomes_in(reader, settings, limit, &Bodies::Nowhere, pace, deliver);
}

/// [`har_outcomes`], reading the bodies entries keep apart (`_file`) from `bodies`.
pub fn har_outcomes_in<R: BufRead + Send>(
    reader: R,
    settings: &Settings,
    limit: u64,
    bodies: &Bodies,
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
        |item| check_item(item, settings, limit, bodies),
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

fn check_item(item: Item, settings: &Settings, limit: u64, bodies: &Bodies) -> Outcome {
    match item {
        // Devtools captures hold scripts and images larger than any limit fit for a body: an
        // entry its kept part shows to be another call is passed over as any other call is.
        Item::TooLarge {
            index,
            call: Some(false),
            ..
        } => Outcome::passed_over(index),
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
        Item::Entry { index, text, at } => check_entry(index, &text, at, settings, limit, bodies),
    }
}

fn check_entry(
    index: u64,
    text: &str,
    at: Location,
    settings: &Settings,
    limit: u64,
    bodies: &Bodies,
) -> Outcome {
    let mut entry = match entry::parse(index, text, settings.observe) {
        Ok(entry) => entry,
        // Another call's entry is skipped whatever its shape: exporters write neighbours dtlint
        // has no say over (in-flight calls, nulls), and they must not fail a capture. Only an
        // entry that does not read as HAR pays for this second, lighter read.
        Err(_) if call::user_get(text) == Some(false) => return Outcome::passed_over(index),
        Err(finding) => return exchange::unreadable(index, *finding, text, at, settings),
    };
    if !call::is_user_get(Some(&entry.request.method), &entry.request.url) {
        return Outcome::passed_over(index);
    }
    let filled = bodies.fill(&mut entry, limit);
    let content = &entry.response.content;
    let body = match (content.text.as_deref(), content.encoding.as_deref()) {
        _ if filled.response.is_some() => {
            Payload::Bytes(filled.response.as_ref().map_or(&[], |kept| &kept.bytes))
        }
        _ if entry.unanswered() => Payload::Unanswered {
            status: entry.response.status,
            failure: entry.failure(),
        },
        (None, _) => Payload::Missing,
        (Some(text), Some("base64")) => Payload::Base64(text),
        (Some(text), _) => Payload::Text(text),
    };
    let held = match &filled.response {
        Some(kept) => Held::Apart {
            text,
            at,
            body_in: &kept.within,
        },
        None => Held::Entry { text, at },
    };
    let exchange = Exchange {
        request: &entry.request,
        answer: Answer {
            status: entry.response.status,
            mime_type: &content.mime_type,
            body,
        },
        held,
    };
    let mut outcome = exchange::check(index, &exchange, settings);
    attached::refused(&mut outcome, filled, text, at, settings);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::place::entry::without_secrets;

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
