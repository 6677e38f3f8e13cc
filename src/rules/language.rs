//! DT112: `result.name` left out of an answer in English. Real answers to `language=en_US`
//! carry no `name`, so there the schema's "missing required field" is what English answers
//! look like, not a defect.

use super::define::{declare_rules, emitted};
use super::{Check, MISSING_REQUIRED_FIELD};
use crate::finding::{Category, Finding, Severity};
use crate::api::language::Language;

declare_rules! {
    /// ## What it does
    /// When the request asked for `language=en_US` (in a HAR entry's request, or `--language en_US` / `language = "en_US"` in the profile), notes a missing `result.name` instead of reporting DT102. Without a language, or with `zh_CN`, a missing `name` stays DT102.
    ///
    /// ## Why is this bad?
    /// It is not a defect of the answer: the platform omits `name` when asked in English, although the page's table gives no such exception. A client that reads `name` unconditionally breaks on these answers.
    ///
    /// ## Example
    /// Noted: request `language=en_US`, response `"result":{"userid":"manager4921","unionid":"..."}`
    pub const NAME_OMITTED_IN_ENGLISH = emitted(
        "DT112",
        "name-omitted-in-english",
        Category::Schema,
        Severity::Info,
        "`result.name` is missing from an answer in English, as real English answers leave it out",
    );
}

/// No body checks: `relabel` turns the validator's DT102 into DT112 after the checks ran.
pub(crate) const CHECKS: &[Check] = &[];

/// In an answer in English, turns DT102 on `result.name` into DT112; other languages keep DT102.
pub fn relabel(findings: &mut [Finding], language: Option<Language>) {
    if language != Some(Language::EnUs) {
        return;
    }
    for finding in findings {
        if finding.rule == &MISSING_REQUIRED_FIELD && finding.pointer == "/result/name" {
            *finding = Finding::new(
                &NAME_OMITTED_IN_ENGLISH,
                "/result/name",
                "`result.name` is missing; the request asked for en_US, and real answers in English leave `name` out",
            )
            .with_help("read the user's name another way (for example with language zh_CN) if you need it");
        }
    }
}
