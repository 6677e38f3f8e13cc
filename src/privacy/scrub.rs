//! Removes credentials from, and masks personal values in, any JSON tree or text of a capture:
//! the rules `dtlint redact` applies to every entry, whatever its host or path.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use base64::Engine;
use regex::{Captures, Regex};

use super::credentials::{self, Credential};
use super::mask::{contains_ignoring_case, mask};
use super::tree::Tree;
use crate::api::fields::Personal;

/// What replaces a credential.
pub const REDACTED: &str = "REDACTED";

/// Removed values shorter than this are not looked for by the self-check: `sign=1` or a
/// four-letter code can stand anywhere in a capture by chance.
const SHORTEST_CHECKED: usize = 8;

/// Members of other endpoints' bodies that hold the same kinds of personal data as user/get's
/// `x-personal` fields under other names.
const PERSONAL_ALIASES: &[(&str, Personal)] = &[
    ("phone", Personal::Phone),
    ("phone_number", Personal::Phone),
    ("mobile_phone", Personal::Phone),
    ("tel", Personal::Phone),
    ("mail", Personal::Email),
];

/// The masking kind of a member called `name` in any body: user/get's `x-personal` fields,
/// in snake or camel case, and [`PERSONAL_ALIASES`].
pub fn personal(name: &str) -> Option<Personal> {
    static KINDS: OnceLock<Vec<(String, Personal)>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        crate::api::fields::result_fields()
            .iter()
            .filter_map(|f| Some((f.name.clone(), f.personal?)))
            .chain(PERSONAL_ALIASES.iter().map(|(n, k)| ((*n).to_owned(), *k)))
            .map(|(n, k)| (n.replace('_', ""), k))
            .collect()
    });
    if name.len() > 64 {
        return None;
    }
    let plain: String = name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    kinds.iter().find(|(n, _)| *n == plain).map(|(_, k)| *k)
}

/// How many values of each kind were removed or masked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Credentials removed, by kind.
    pub credentials: BTreeMap<Credential, u64>,
    /// Personal values masked, by kind.
    pub personal: BTreeMap<Personal, u64>,
}

impl Tally {
    /// Everything counted.
    pub fn total(&self) -> u64 {
        self.credentials.values().sum::<u64>() + self.personal.values().sum::<u64>()
    }
}

/// Scrubs trees and texts, counting what it does and remembering what it removed.
#[derive(Debug, Default)]
pub struct Scrubber {
    /// Keep personal values (credentials are removed all the same).
    pub show_values: bool,
    /// What was removed or masked so far.
    pub tally: Tally,
    /// Values removed or masked, for the self-check of the written copy.
    pub removed: BTreeSet<String>,
    /// Whether removed values are remembered: a recording that runs for days must not keep
    /// every token and phone number it ever met.
    forgets: bool,
    /// What each name met so far says of its value: a recording meets the same few header and
    /// parameter names on every exchange.
    verdicts: HashMap<String, Verdict, foldhash::fast::RandomState>,
    /// Short values the patterns read and left as they were (`application/json;charset=UTF-8`):
    /// a recording meets the same header values on every exchange.
    clean: HashSet<String, foldhash::fast::RandomState>,
}

/// What a member or pair name says of its value.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    Credential(Credential),
    Personal(Personal),
    Kept,
    Nothing,
}

/// Names whose verdicts are kept: more than a capture's headers and parameters, few enough
/// that a client inventing names cannot grow the memory.
const VERDICTS_KEPT: usize = 1024;

/// The longest value whose being left alone is remembered.
const CLEAN_LONGEST: usize = 256;

/// What a text holds that the patterns of [`Scrubber::text`] need, read in one pass: a
/// pattern whose mark is missing cannot match, and most values (names, ids, dates, types)
/// hold none, so they skip the patterns. Replacing a value adds no mark, so the marks of the
/// text as given hold for every step.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    equals: bool,
    encoded_equals: bool,
    encoded_at: bool,
    header_line: bool,
    json_member: bool,
    scheme: bool,
    at: bool,
    /// Eleven digits in a row, as a mobile number has.
    mobile_digits: bool,
}

impl Marks {
    fn of(s: &str) -> Self {
        let mut marks = Self::default();
        let (mut digits, mut space, mut quote, mut colon) = (0, false, false, false);
        let bytes = s.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b.is_ascii_digit() {
                digits += 1;
                marks.mobile_digits |= digits >= 11;
                continue;
            }
            digits = 0;
            match b {
                b'=' => marks.equals = true,
                b'@' => marks.at = true,
                b'%' => match bytes.get(i + 1..i + 3) {
                    Some(b"3D" | b"3d") => marks.encoded_equals = true,
                    Some(b"40") => marks.encoded_at = true,
                    _ => {}
                },
                b' ' | b'\t' | b'\n' | b'\r' => space = true,
                b'"' => quote = true,
                b':' => colon = true,
                _ => {}
            }
        }
        marks.json_member = colon && quote;
        marks.header_line = colon && has_header_line(s);
        marks.scheme =
            space && (contains_ignoring_case(s, "bearer") || contains_ignoring_case(s, "basic"));
        marks
    }

    fn any(self) -> bool {
        self.equals
            || self.encoded_equals
            || self.encoded_at
            || self.header_line
            || self.json_member
            || self.scheme
            || self.at
            || self.mobile_digits
    }
}

/// Whether an object is an error answer, whose `code` names the error rather than carries an
/// OAuth code (`{"code": "Forbidden.AccessDenied", "message": …}` of the new API family).
fn is_error_object(members: &[(String, Tree)]) -> bool {
    members
        .iter()
        .any(|(n, _)| matches!(n.as_str(), "message" | "errmsg" | "msg"))
}

impl Scrubber {
    /// A scrubber; `show_values` keeps personal values.
    pub fn new(show_values: bool) -> Self {
        Self {
            show_values,
            ..Self::default()
        }
    }

    /// A scrubber for `dtlint proxy --record`: it forgets what it removed.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn forgetful(show_values: bool) -> Self {
        Self {
            show_values,
            forgets: true,
            ..Self::default()
        }
    }

    fn remember(&mut self, value: &str) {
        if !self.forgets && value.len() >= SHORTEST_CHECKED {
            self.removed.insert(value.to_owned());
        }
    }

    /// Counts one removed credential and gives what stands in its place.
    fn removed_credential(&mut self, kind: Credential, value: &str) -> String {
        if value.is_empty() || value == REDACTED {
            return value.to_owned();
        }
        *self.tally.credentials.entry(kind).or_default() += 1;
        self.remember(value);
        // A value that was itself percent-encoded or quoted may survive in its decoded form.
        if !self.forgets {
            if let Ok(decoded) = percent_encoding::percent_decode_str(value).decode_utf8() {
                self.remember(&decoded);
            }
        }
        REDACTED.to_owned()
    }

    /// Masks one personal value, unless values are shown.
    fn masked(&mut self, kind: Personal, value: &str) -> String {
        if self.show_values || value.is_empty() {
            return value.to_owned();
        }
        let mut text = value.to_owned();
        mask(&mut text, 0..value.len(), kind);
        if text != value {
            *self.tally.personal.entry(kind).or_default() += 1;
            // Free text (`remark`, `work_place`) may repeat by chance elsewhere; contact
            // data may not.
            if kind != Personal::Text {
                self.remember(value);
            }
        }
        text
    }

    /// Scrubs a tree in place: members by name, then every string left by pattern.
    pub fn tree(&mut self, node: &mut Tree) {
        match node {
            Tree::Object(members) => {
                let before = self.tally.total();
                if let Some(name) = pair_name(members) {
                    self.pair(members, &name);
                } else {
                    let error = is_error_object(members);
                    let base64 = marked_base64(members);
                    for (name, value) in members.iter_mut() {
                        self.name(name);
                        self.member(name, value, error, base64);
                    }
                }
                if self.tally.total() != before {
                    fix_sizes(members);
                }
            }
            Tree::Array(items) => items.iter_mut().for_each(|i| self.tree(i)),
            Tree::String(s) => {
                if let Some(clean) = self.string(s) {
                    *s = clean;
                }
            }
            Tree::Other(_) => {}
        }
    }

    /// A member or pair name is input too: one that is not plain (`access_token=…`, a phone
    /// number, an email address) is scrubbed as text.
    fn name(&mut self, name: &mut String) {
        if super::name::is_plain(name) {
            return;
        }
        let clean = self.text(name);
        if clean != *name {
            *name = clean;
        }
    }

    fn member(&mut self, name: &str, value: &mut Tree, error: bool, base64: bool) {
        if self.by_name(name, value, error) {
            return;
        }
        if name == "cookies" {
            // Exporters list cookies under their own names, which no list can know.
            if let Tree::Array(items) = value {
                for item in items {
                    self.cookie(item);
                }
            }
        } else if name == "text" && base64 {
            self.base64_text(value);
        } else {
            self.tree(value);
        }
    }

    /// Treats `value` as its name says: a credential is removed, a personal value masked, an
    /// id kept as it is (the copy must still be debuggable, whatever its digits look like).
    /// `false` when the name says nothing, and the value is the caller's to scrub. `error`:
    /// the value stands in an error answer, whose `code` names the error.
    fn by_name(&mut self, name: &str, value: &mut Tree, error: bool) -> bool {
        match self.verdict(name) {
            Verdict::Credential(Credential::Code) if error => false,
            Verdict::Credential(kind) => {
                self.all_credential(value, kind);
                true
            }
            Verdict::Personal(kind) => {
                self.all_personal(name, value, kind);
                true
            }
            Verdict::Kept => true,
            Verdict::Nothing => false,
        }
    }

    /// A `{"name": …, "value": …}` pair of headers, query strings or params: the value is
    /// judged by the pair's name as a member's would be by its own.
    fn pair(&mut self, members: &mut [(String, Tree)], pair_name: &str) {
        for (name, value) in members.iter_mut() {
            match name.as_str() {
                "name" => {
                    if let Tree::String(s) = value {
                        self.name(s);
                    }
                }
                "value" => {
                    if !self.by_name(pair_name, value, false) {
                        self.tree(value);
                    }
                }
                _ => self.tree(value),
            }
        }
    }

    fn cookie(&mut self, item: &mut Tree) {
        match item {
            Tree::Object(members) => {
                for (name, value) in members.iter_mut() {
                    if name == "value" {
                        self.all_credential(value, Credential::Cookie);
                    } else if name != "name" {
                        self.tree(value);
                    }
                }
            }
            other => self.tree(other),
        }
    }

    /// Replaces every string and number below a credential's name.
    fn all_credential(&mut self, value: &mut Tree, kind: Credential) {
        match value {
            Tree::String(s) => *s = self.removed_credential(kind, s),
            Tree::Other(raw) => {
                let text = raw.get();
                if !matches!(text, "null" | "true" | "false") {
                    let text = text.to_owned();
                    *value = Tree::String(self.removed_credential(kind, &text));
                }
            }
            Tree::Array(items) => items.iter_mut().for_each(|i| self.all_credential(i, kind)),
            Tree::Object(members) => members
                .iter_mut()
                .for_each(|(_, v)| self.all_credential(v, kind)),
        }
    }

    /// Masks every string (and number) below a personal member's name; `extension` keeps its
    /// shape as a JSON text of an object.
    fn all_personal(&mut self, name: &str, value: &mut Tree, kind: Personal) {
        match value {
            Tree::String(s) => {
                if name == "extension" {
                    if let Ok(mut inner @ Tree::Object(_)) = Tree::parse(s) {
                        self.all_personal("", &mut inner, Personal::Text);
                        *s = inner.to_json();
                        return;
                    }
                }
                *s = self.masked(kind, s);
            }
            Tree::Other(raw) => {
                let text = raw.get();
                if !self.show_values && !matches!(text, "null" | "true" | "false") {
                    let text = text.to_owned();
                    // A number stays a number (`0`): its digits go, its type stays, so what
                    // `check` says of the type (DT101, DT502) holds in a copy.
                    if self.masked(kind, &text) != text {
                        if let Ok(zero) = serde_json::value::to_raw_value(&0) {
                            *raw = zero;
                        }
                    }
                }
            }
            Tree::Array(items) => items
                .iter_mut()
                .for_each(|i| self.all_personal(name, i, kind)),
            Tree::Object(members) => members
                .iter_mut()
                .for_each(|(_, v)| self.all_personal(name, v, kind)),
        }
    }

    /// A base64 body (`content.text` with `encoding: base64`): decoded, scrubbed, encoded again.
    fn base64_text(&mut self, value: &mut Tree) {
        let Tree::String(s) = value else {
            return self.tree(value);
        };
        let engine = base64::engine::general_purpose::STANDARD;
        let decoded = engine
            .decode(s.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        // Binary bodies (images) carry no text to scrub.
        if let Some(clean) = decoded.and_then(|text| self.string(&text)) {
            *s = engine.encode(clean);
        }
    }

    /// Scrubs a string: a JSON text as a tree, anything else by pattern. `None` when nothing changed.
    pub fn string(&mut self, s: &str) -> Option<String> {
        let trimmed = s.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(mut tree) = Tree::parse(s) {
                let before = self.tally.total();
                self.tree(&mut tree);
                return (self.tally.total() != before).then(|| tree.to_json());
            }
        }
        let clean = self.text(s);
        (clean != s).then_some(clean)
    }

    fn verdict(&mut self, name: &str) -> Verdict {
        if let Some(verdict) = self.verdicts.get(name) {
            return *verdict;
        }
        let verdict = if let Some(kind) = credentials::credential(name) {
            Verdict::Credential(kind)
        } else if let Some(kind) = personal(name) {
            Verdict::Personal(kind)
        } else if credentials::is_kept_id(name) {
            Verdict::Kept
        } else {
            Verdict::Nothing
        };
        if self.verdicts.len() < VERDICTS_KEPT {
            self.verdicts.insert(name.to_owned(), verdict);
        }
        verdict
    }

    /// The value of a pair (a header, a query or form parameter) called `name`, as the tree
    /// walk leaves it: a credential removed, a personal value masked, an id kept, anything
    /// else scrubbed as free text.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn pair_value<'v>(&mut self, name: &str, value: &'v str) -> Cow<'v, str> {
        match self.verdict(name) {
            Verdict::Credential(kind) => Cow::Owned(self.removed_credential(kind, value)),
            Verdict::Personal(kind) => Cow::Owned(self.masked(kind, value)),
            Verdict::Nothing if Marks::of(value).any() && !self.clean.contains(value) => {
                let text = self.text(value);
                if text == value && value.len() <= CLEAN_LONGEST && self.clean.len() < VERDICTS_KEPT
                {
                    self.clean.insert(text);
                    return Cow::Borrowed(value);
                }
                Cow::Owned(text)
            }
            Verdict::Kept | Verdict::Nothing => Cow::Borrowed(value),
        }
    }

    /// A form body or query string (`a=1&b=2`), pair by pair as [`Scrubber::pair_value`]
    /// judges them; kept byte for byte when no pair changes.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn form(&mut self, text: &str) -> String {
        let mut changed = false;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
            .map(|(name, value)| {
                let clean_name = self.name_of_pair(&name).into_owned();
                let clean_value = self.pair_value(&name, &value).into_owned();
                changed |= clean_name != name || clean_value != value;
                (clean_name, clean_value)
            })
            .collect();
        if !changed {
            return text.to_owned();
        }
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    /// A URL: its query as a form, the rest as free text.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn url(&mut self, url: &str) -> String {
        let (before, fragment) = url
            .split_once('#')
            .map_or((url, None), |(b, f)| (b, Some(f)));
        let mut out = match before.split_once('?') {
            Some((base, query)) => format!("{}?{}", self.text(base), self.form(query)),
            None => self.text(before),
        };
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(&self.text(fragment));
        }
        out
    }

    /// A pair's name: a name that is not plain is scrubbed as text.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn name_of_pair<'n>(&mut self, name: &'n str) -> Cow<'n, str> {
        if super::name::is_plain(name) {
            return Cow::Borrowed(name);
        }
        Cow::Owned(self.text(name))
    }

    /// A JSON body held as text (an answer the proxy records), scrubbed by span in a copy of
    /// the same length, as excerpts are cut: credentials starred, personal members masked,
    /// mobile numbers and email addresses in free text masked unless they are a kept id's.
    /// No tree is built: the proxy records every answer.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub fn json_text(&mut self, s: &str) -> String {
        let mut out = s.to_owned();
        let (secret, members) = self.json_members(s);
        if secret {
            super::mask::redact_secrets(&mut out);
        }
        if out != s {
            *self
                .tally
                .credentials
                .entry(Credential::AccessToken)
                .or_default() += 1;
        }
        if self.show_values {
            return out;
        }
        for (range, kind) in &members {
            mask(&mut out, range.clone(), *kind);
            *self.tally.personal.entry(*kind).or_default() += 1;
        }
        let mut free: Vec<(std::ops::Range<usize>, Personal)> = super::mask::mobile_numbers(s)
            .into_iter()
            .map(|r| (r, Personal::Phone))
            .collect();
        // Addresses outside the members masked already: each `@` left is read in the string
        // it stands in, not the whole text.
        let mut read_up_to = 0;
        for at in memchr::memchr_iter(b'@', s.as_bytes()) {
            if at < read_up_to || members.iter().any(|(m, _)| m.contains(&at)) {
                continue;
            }
            let start = s[..at].rfind('"').map_or(0, |q| q + 1);
            let end = s[at..].find('"').map_or(s.len(), |q| at + q);
            read_up_to = end;
            free.extend(
                patterns()
                    .email
                    .find_iter(&s[start..end])
                    .map(|m| (start + m.start()..start + m.end(), Personal::Email)),
            );
        }
        for (range, kind) in free {
            // A personal member's value was masked already, by its member's kind.
            let masked = members
                .iter()
                .any(|(m, _)| m.start < range.end && range.start < m.end);
            if !masked && !member_of_kept_id(s, range.start) {
                mask(&mut out, range, kind);
                *self.tally.personal.entry(kind).or_default() += 1;
            }
        }
        out
    }

    /// One pass over a JSON text's member names, each judged once by what it says: whether
    /// the text could hold a credential (a member whose name says so, or free text the
    /// patterns read: `name=value`, a bearer or basic scheme), and the string values of
    /// personal members.
    fn json_members(&mut self, s: &str) -> (bool, Vec<(std::ops::Range<usize>, Personal)>) {
        let mut secret = s.contains('=')
            || contains_ignoring_case(s, "bearer")
            || contains_ignoring_case(s, "basic");
        let mut personal = Vec::new();
        for colon in memchr::memchr_iter(b':', s.as_bytes()) {
            let before = s[..colon].trim_end_matches([' ', '\t', '\n', '\r']);
            let Some(name_end) = before.strip_suffix('"') else {
                continue;
            };
            let Some(open) = name_end.rfind('"') else {
                continue;
            };
            match self.verdict(&name_end[open + 1..]) {
                Verdict::Credential(_) => secret = true,
                Verdict::Personal(kind) => {
                    if let Some(value) = string_value_after(s, colon + 1) {
                        personal.push((value, kind));
                    }
                }
                Verdict::Kept | Verdict::Nothing => {}
            }
        }
        (secret, personal)
    }

    /// Scrubs free text: URLs, form bodies, header lines, log-like text.
    pub fn text(&mut self, s: &str) -> String {
        let marks = Marks::of(s);
        if !marks.any() {
            return s.to_owned();
        }
        let patterns = patterns();
        let mut text = s.to_owned();
        for (pattern, step, marked) in [
            (&patterns.pair, Step::Pair, marks.equals),
            (&patterns.encoded_pair, Step::Pair, marks.encoded_equals),
            (
                &patterns.encoded_email,
                Step::EncodedEmail,
                marks.encoded_at,
            ),
            (&patterns.header_line, Step::HeaderLine, marks.header_line),
            (&patterns.json_member, Step::JsonMember, marks.json_member),
            (&patterns.scheme, Step::Scheme, marks.scheme),
            (&patterns.email, Step::Email, marks.at),
            (&patterns.token, Step::Phone, marks.mobile_digits),
        ] {
            let gate = if step == Step::Phone {
                &patterns.mobile
            } else {
                pattern
            };
            if !marked || !gate.is_match(&text) {
                continue;
            }
            text = pattern
                .replace_all(&text, |c: &Captures| self.replace(step, c))
                .into_owned();
        }
        text
    }

    fn replace(&mut self, step: Step, c: &Captures) -> String {
        let whole = c.get(0).map_or("", |m| m.as_str());
        let group = |n: &str| c.name(n).map_or("", |m| m.as_str());
        match step {
            Step::Pair | Step::HeaderLine | Step::JsonMember => {
                let (name, value) = (group("name"), group("value"));
                let decoded_name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                let start = c.name("value").map_or(whole.len(), |m| m.start())
                    - c.get(0).map_or(0, |m| m.start());
                let head = &whole[..start];
                let tail = &whole[start + value.len()..];
                if let Some(kind) = credentials::credential(&decoded_name) {
                    return format!("{head}{}{tail}", self.removed_credential(kind, value));
                }
                if let Some(kind) = personal(&decoded_name) {
                    let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
                    if decoded != value && step == Step::Pair {
                        let masked = self.masked(kind, &decoded);
                        let encoded: String =
                            form_urlencoded::byte_serialize(masked.as_bytes()).collect();
                        return format!("{head}{encoded}{tail}");
                    }
                    return format!("{head}{}{tail}", self.masked(kind, value));
                }
                if step == Step::Pair && value.contains('%') {
                    // An email in a query is usually percent-encoded (`%40`).
                    let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
                    if patterns().email.is_match(&decoded) {
                        let clean = self.text(&decoded);
                        let encoded: String =
                            form_urlencoded::byte_serialize(clean.as_bytes()).collect();
                        return format!("{head}{encoded}{tail}");
                    }
                }
                whole.to_owned()
            }
            Step::Scheme => {
                let value = group("value");
                let head = &whole[..whole.len() - value.len()];
                format!(
                    "{head}{}",
                    self.removed_credential(Credential::Authorization, value)
                )
            }
            Step::Email => self.masked(Personal::Email, whole),
            Step::EncodedEmail => {
                let decoded = percent_encoding::percent_decode_str(whole).decode_utf8_lossy();
                let masked = self.masked(Personal::Email, &decoded);
                if masked == decoded {
                    return whole.to_owned();
                }
                // The removed value is remembered as found too, so the self-check looks for it.
                self.remember(whole);
                form_urlencoded::byte_serialize(masked.as_bytes()).collect()
            }
            Step::Phone => {
                if super::mask::is_mobile_number(whole) {
                    self.masked(Personal::Phone, whole)
                } else {
                    whole.to_owned()
                }
            }
        }
    }
}

/// The name of a `{"name": …, "value": …}` pair, the shape HAR gives headers, query strings,
/// params and cookies.
/// Whether a line of `text` starts `Name:` as a raw header line does.
fn has_header_line(text: &str) -> bool {
    text.lines().any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            // `https://…` is a URL, not a header called `https`.
            if value.starts_with("//") {
                return false;
            }
            let name = name.trim_end_matches([' ', '\t']);
            !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    })
}

/// The contents (without quotes) of the string value that starts after `from` in JSON text,
/// past white space; `None` when the value is not a string.
fn string_value_after(text: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = from;
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    (bytes.get(i) == Some(&b'"')).then_some(())?;
    let start = i + 1;
    let mut j = start;
    loop {
        let k = memchr::memchr2(b'"', b'\\', bytes.get(j..)?)?;
        if bytes[j + k] == b'"' {
            return Some(start..j + k);
        }
        j += k + 2;
    }
}

/// Whether the string value that holds byte `at` of JSON text is a member whose name is a kept
/// id (`"userid": "13912345678"`): ids stay as they are.
fn member_of_kept_id(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let Some(open) = before.rfind('"') else {
        return false;
    };
    let rest = before[..open].trim_end();
    let Some(rest) = rest.strip_suffix(':') else {
        return false;
    };
    let rest = rest.trim_end();
    let Some(rest) = rest.strip_suffix('"') else {
        return false;
    };
    let name = rest.rsplit('"').next().unwrap_or("");
    credentials::is_kept_id(name)
}

fn pair_name(members: &[(String, Tree)]) -> Option<String> {
    if !members.iter().any(|(n, _)| n == "value") {
        return None;
    }
    members.iter().find_map(|(n, v)| match v {
        Tree::String(s) if n == "name" => Some(s.clone()),
        _ => None,
    })
}

/// Whether an object says its `text` is base64 (`"encoding": "base64"`, HAR's content).
fn marked_base64(members: &[(String, Tree)]) -> bool {
    members
        .iter()
        .any(|(n, v)| n == "encoding" && matches!(v, Tree::String(s) if s == "base64"))
}

/// After a change, HAR's sizes of what changed are no longer true: `content.size` (the decoded
/// body's length) is counted again, `headersSize` and `bodySize` become -1 ("unknown", as HAR
/// 1.2 allows).
fn fix_sizes(members: &mut [(String, Tree)]) {
    let engine = base64::engine::general_purpose::STANDARD;
    let is_content = members.iter().any(|(n, _)| n == "mimeType");
    let base64 = marked_base64(members);
    let length = members.iter().find_map(|(n, v)| match v {
        Tree::String(s) if n == "text" && is_content => Some(if base64 {
            engine
                .decode(s.trim())
                .map_or(-1, |b| i64::try_from(b.len()).unwrap_or(-1))
        } else {
            i64::try_from(s.len()).unwrap_or(-1)
        }),
        _ => None,
    });
    for (name, value) in members.iter_mut() {
        let new = match name.as_str() {
            "size" => length,
            "headersSize" | "bodySize" => Some(-1),
            _ => None,
        };
        let (Some(new), Tree::Other(raw)) = (new, &mut *value) else {
            continue;
        };
        let known: Option<i64> = raw.get().parse().ok();
        if known.is_some_and(|k| k >= 0 && k != new) {
            if let Ok(replacement) = serde_json::value::to_raw_value(&new) {
                *raw = replacement;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Pair,
    HeaderLine,
    JsonMember,
    Scheme,
    Email,
    EncodedEmail,
    Phone,
}

struct Patterns {
    pair: Regex,
    encoded_pair: Regex,
    encoded_email: Regex,
    header_line: Regex,
    json_member: Regex,
    scheme: Regex,
    email: Regex,
    token: Regex,
    mobile: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        // Constant patterns: every test run compiles them, so a typo cannot ship.
        let compile = |p: &str| Regex::new(p).expect("a valid constant pattern");
        Patterns {
            // name=value in a query, a fragment or a form body.
            pair: compile(
                r#"(?:^|[?&#;\s"',])(?P<name>[A-Za-z0-9_.\-%\[\]]{1,64})=(?P<value>[^&#\s"'<>]*)"#,
            ),
            // name%3Dvalue: a client that encoded its `=` made the pair one name.
            encoded_pair: compile(
                r#"(?:^|[?&#;\s"',])(?P<name>[A-Za-z0-9_.\-%\[\]]{1,64}?)%3[Dd](?P<value>[^&#\s"'<>=]*)"#,
            ),
            // An email address whose `@` is percent-encoded, in a query, a form or a name.
            encoded_email: compile(
                r"[A-Za-z0-9._+\-]+%40[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
            ),
            // `Name: value` lines of raw headers (Fiddler and Charles keep them in comments).
            header_line: compile(
                r"(?m)^(?P<name>[A-Za-z0-9_\-]{1,64})[ \t]*:[ \t]*(?P<value>[^\r\n]+)",
            ),
            // "name": "value" in text that is not JSON as a whole (a cut body, a log line).
            json_member: compile(
                r#""(?P<name>[A-Za-z0-9_\-]{1,64})\\?"\s*:\s*\\?"(?P<value>[^"\\]*)"#,
            ),
            // Bearer and basic credentials, whatever carries them.
            scheme: compile(r"(?i)\b(?:bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/=\-]{8,})"),
            email: compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
            // Alphanumeric tokens: a mobile number is one whole token of digits.
            token: compile(r"[A-Za-z0-9]+"),
            mobile: compile(r"1[3-9][0-9]{9}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(json: &str) -> (String, Scrubber) {
        let mut scrubber = Scrubber::new(false);
        let mut tree = Tree::parse(json).expect("JSON");
        scrubber.tree(&mut tree);
        (tree.to_json(), scrubber)
    }

    #[test]
    fn members_are_judged_by_name_in_either_family() {
        let (out, s) = scrubbed(
            r#"{"appSecret":"S1-abcdefgh","access_token":"T1-abcdefgh","expires_in":7200,"token_type":"Bearer","ticket":12345678,"userid":"13900139000","corpId":"ding1","mobile":"13900139000","orgEmail":"a.b@example.com"}"#,
        );
        assert_eq!(
            out,
            r#"{"appSecret":"REDACTED","access_token":"REDACTED","expires_in":7200,"token_type":"Bearer","ticket":"REDACTED","userid":"13900139000","corpId":"ding1","mobile":"139****9000","orgEmail":"a**@example.com"}"#
        );
        assert_eq!(s.tally.credentials.values().sum::<u64>(), 3);
        assert!(s.removed.contains("T1-abcdefgh") && s.removed.contains("13900139000"));
    }

    #[test]
    fn an_error_code_stays_and_an_oauth_code_goes() {
        let (out, _) =
            scrubbed(r#"[{"code":"InvalidAuthentication","message":"x"},{"code":"abc123def"}]"#);
        assert_eq!(
            out,
            r#"[{"code":"InvalidAuthentication","message":"x"},{"code":"REDACTED"}]"#
        );
    }

    #[test]
    fn pairs_are_judged_by_their_name_and_cookie_lists_whole() {
        let (out, _) = scrubbed(
            r#"{"headers":[{"name":"X-Acs-Dingtalk-Access-Token","value":"abcdefgh"},{"name":"Location","value":"/cb?authCode=xyz&state=1"},{"name":"userid","value":"13900139000"}],"cookies":[{"name":"theme","value":"dark"}]}"#,
        );
        assert_eq!(
            out,
            r#"{"headers":[{"name":"X-Acs-Dingtalk-Access-Token","value":"REDACTED"},{"name":"Location","value":"/cb?authCode=REDACTED&state=1"},{"name":"userid","value":"13900139000"}],"cookies":[{"name":"theme","value":"REDACTED"}]}"#
        );
    }

    #[test]
    fn free_text_by_pattern() {
        let mut s = Scrubber::new(false);
        assert_eq!(
            s.text("https://h/p?x=1&access_token=abc#code=def&mail=a.b%40example.com"),
            "https://h/p?x=1&access_token=REDACTED#code=REDACTED&mail=a**%40example.com"
        );
        assert_eq!(
            s.text("Authorization: Basic dXNlcjpwYXNz\nX: 1"),
            "Authorization: REDACTED\nX: 1"
        );
        assert_eq!(
            s.text("sent Bearer abcdefgh12 ok"),
            "sent Bearer REDACTED ok"
        );
        assert_eq!(
            s.text("tel +86 13900139000, 8613900139000; id 139001390001234 a13900139000"),
            "tel +86 139****9000, 861******9000; id 139001390001234 a13900139000"
        );
        assert_eq!(
            s.text("write to li.si@example.net"),
            "write to l****@example.net"
        );
    }

    #[test]
    fn json_held_in_strings_and_base64_bodies_are_scrubbed_inside() {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let body = r#"{"accessToken":"abcdefgh"}"#;
        let json = format!(
            r#"{{"text":{},"content":{{"size":{},"mimeType":"application/json","encoding":"base64","text":"{}"}},"extension":"{{\"紧急电话\":\"13900139000\"}}"}}"#,
            serde_json::to_string(body).unwrap_or_default(),
            body.len(),
            engine.encode(body)
        );
        let (out, _) = scrubbed(&json);
        let tree: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(tree["text"], r#"{"accessToken":"REDACTED"}"#);
        let decoded = engine
            .decode(tree["content"]["text"].as_str().unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(decoded, br#"{"accessToken":"REDACTED"}"#);
        assert_eq!(tree["content"]["size"], decoded.len());
        assert_eq!(tree["extension"], r#"{"紧急电话":"***********"}"#);
    }

    #[test]
    fn a_json_text_is_scrubbed_by_span_and_ids_stay() {
        let body = r#"{"errcode":0,"result":{"userid":"13912345678","mobile":"13912345678","email":"a.b@example.com","remark":"call 13800001111 or x@example.org","access_token":"SECRET-TOKEN-123456","name":"张三","orgEmail" : "q\"r@corp.example","work_place":"a\\","phone":"010-5555"}}"#;
        let mut scrubber = Scrubber::forgetful(false);
        let out = scrubber.json_text(body);
        assert_eq!(out.len(), body.len(), "same length: {out}");
        serde_json::from_str::<serde_json::Value>(&out).expect("still JSON");
        for gone in [
            "SECRET-TOKEN-123456",
            "a.b@example.com",
            "13800001111",
            "x@example.org",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(
            out.contains(r#""userid":"13912345678""#),
            "an id stays: {out}"
        );
        assert!(
            out.contains(r#""mobile":"139****5678""#),
            "masked once: {out}"
        );
        assert!(scrubber.removed.is_empty(), "a recording remembers nothing");
        let shown = Scrubber::forgetful(true).json_text(body);
        assert!(shown.contains("a.b@example.com") && !shown.contains("SECRET-TOKEN-123456"));
    }

    #[test]
    fn forms_and_urls_are_scrubbed_pair_by_pair() {
        let mut scrubber = Scrubber::forgetful(false);
        assert_eq!(
            scrubber
                .form("access_token=SECRET-1234567&mobile=13912345678&userid=13912345678&x=a+b"),
            "access_token=REDACTED&mobile=139****5678&userid=13912345678&x=a+b"
        );
        assert_eq!(
            scrubber.form("userid=a%20b&language=zh_CN"),
            "userid=a%20b&language=zh_CN"
        );
        assert_eq!(
            scrubber
                .url("https://oapi.dingtalk.com/topapi/v2/user/get?access_token=SECRET-1234567#f"),
            "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=REDACTED#f"
        );
        assert!(!scrubber
            .form("access_token%3DSECRET-1234567=1")
            .contains("SECRET"));
    }

    #[test]
    fn text_without_what_a_pattern_needs_is_left_alone() {
        for plain in [
            "application/json",
            "zh_CN",
            "张三",
            "1700000000",
            "keep-alive",
            "a b c",
        ] {
            assert!(!Marks::of(plain).any(), "{plain}");
            assert_eq!(Scrubber::new(false).text(plain), plain);
        }
        for busy in [
            "a=b",
            "x%3Dy",
            "Bearer abcdefgh12345",
            "u@example.com",
            "13912345678",
            "k: v",
        ] {
            assert!(Marks::of(busy).any(), "{busy}");
        }
    }

    #[test]
    fn a_personal_number_is_masked_as_a_number() {
        let (out, s) =
            scrubbed(r#"{"mobile":13900139000,"extension":"{\"Age\":24,\"Hobby\":\"Travel\"}"}"#);
        assert_eq!(
            out,
            r#"{"mobile":0,"extension":"{\"Age\":0,\"Hobby\":\"******\"}"}"#
        );
        assert!(s.removed.contains("13900139000"));
    }

    #[test]
    fn show_values_keeps_personal_values_only() {
        let mut s = Scrubber::new(true);
        let mut tree = Tree::parse(r#"{"mobile":"13900139000","sign":"abcdefgh"}"#).expect("JSON");
        s.tree(&mut tree);
        assert_eq!(
            tree.to_json(),
            r#"{"mobile":"13900139000","sign":"REDACTED"}"#
        );
    }
}
