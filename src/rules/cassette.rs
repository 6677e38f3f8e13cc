//! DT014-DT015: VCR cassettes the cassette reader cannot read (emitted by `input::vcr`).
use super::define::{declare_rules, emitted};
use super::Check;
use crate::finding::{Category, Finding, Severity};

declare_rules! {
    /// ## What it does
    /// Reports the point where a VCR cassette (VCR.py and pytest-recording: YAML or JSON holding `interactions`; Ruby VCR: YAML holding `http_interactions`) stops being readable: YAML or JSON that a parser rejects, nesting deeper than a cassette ever has, more than 250,000 values, or a document that holds no list of interactions. The interactions are read only when the whole cassette reads: a YAML document is not read piece by piece.
    ///
    /// ## Why is this bad?
    /// The calls the cassette recorded cannot be checked: a test suite replaying it would fail to load it too, or an edit (a merge conflict, a hand-made cassette) broke it.
    ///
    /// ## Example
    /// Fails: a cassette cut off in the middle of a quoted body, or a `.yaml` named on the command line that is no cassette.
    ///
    /// Passes: `interactions:` followed by a list of `request`/`response` mappings, as VCR.py writes it.
    pub const CASSETTE_BROKEN = emitted(
        "DT014",
        "cassette-broken",
        Category::Parse,
        Severity::Error,
        "a VCR cassette is not readable here (malformed YAML or JSON, too deep, or no list of interactions)",
    );

    /// ## What it does
    /// Reports an item of a cassette's interactions that is not an interaction as VCR.py or Ruby VCR write one: a mapping with a `request` (`method`, `uri`) and a `response` (`status` with its `code`, `body`), or whose body is marked binary but is not base64, or is gzip data that does not decompress. An interaction whose `uri` names another call is skipped whatever the rest of its shape.
    ///
    /// ## Why is this bad?
    /// The exchange cannot be checked; an edit or a recorder this reader does not know wrote it.
    ///
    /// ## Example
    /// Fails: `interactions: ["POST /topapi/v2/user/get"]`, or `string: !!binary "not base64"`.
    pub const CASSETTE_INTERACTION_INVALID = emitted(
        "DT015",
        "cassette-interaction-invalid",
        Category::Parse,
        Severity::Error,
        "an item of a cassette's interactions is not an interaction that can be read (request, response, a decodable body)",
    );
}

/// No body checks: these rules are emitted while reading, before there is a body to check.
pub(crate) const CHECKS: &[Check] = &[];

/// DT014: the cassette stops being readable; `reason` says how.
pub fn cassette_broken(reason: &str) -> Finding {
    Finding::new(&CASSETTE_BROKEN, "", format!("the cassette is not readable here: {reason}"))
        .with_help("record the cassette again, or repair the edit that broke it; no interaction of it was checked")
}

/// DT015: item `index` of the cassette's interactions cannot be read; `pointer` names the part.
pub fn cassette_interaction_invalid(index: u64, pointer: &str, reason: &str) -> Finding {
    Finding::new(
        &CASSETTE_INTERACTION_INVALID,
        pointer,
        format!("interaction {index} of the cassette {reason}"),
    )
    .with_help("each interaction is a mapping with `request` (method, uri) and `response` (status, body), as VCR.py and Ruby VCR write them")
}
