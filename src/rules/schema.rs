//! DT101-DT111: the body breaks the response schema (emitted by the validator, DT108 and DT111 by checks).
//! DT112, the English answer's missing `name`, relabels DT102 and lives in `rules::language`.
use super::define::{declare_rules, emitted};
use super::{consistency, fields_known, Check};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::{ERROR_WITH_RESULT, SUCCESS_WITHOUT_RESULT};
use crate::finding::{display_path, Category, Finding, Severity};
use crate::json::pointer::Pointer;

declare_rules! {
    /// ## What it does
    /// Reports a value whose JSON type differs from the type in the page's response table (String, Number, Boolean, Object, Object[], Number[]), when it is not one of the documentation's own quirks (those have DT2xx codes).
    ///
    /// ## Why is this bad?
    /// Typed clients (the official SDKs declare Long, Boolean and lists) fail to deserialise the body.
    ///
    /// ## Example
    /// Fails: `"result":{"active":1}`
    ///
    /// Passes: `"result":{"active":true}`
    pub const WRONG_TYPE = emitted(
        "DT101",
        "wrong-type",
        Category::Schema,
        Severity::Error,
        "a field has another JSON type than the page's table gives it",
    );

    /// ## What it does
    /// Reports a missing `errcode`, `errmsg` or `request_id` on any body, and a missing `userid`, `unionid` or `name` in `result`. When the request asked for `language=en_US`, a missing `name` is DT112 (info) instead.
    ///
    /// ## Why is this bad?
    /// The platform sends these on every answer; `request_id` is what DingTalk support asks for, and the identity fields are what makes a result usable. The page's own example omits `request_id` although its table lists it.
    ///
    /// ## Example
    /// Fails: `{"errcode":60121,"errmsg":"user not found"}`
    ///
    /// Passes: `{"errcode":60121,"errmsg":"user not found","request_id":"wgd7apxca3z"}`
    pub const MISSING_REQUIRED_FIELD = emitted(
        "DT102",
        "missing-required-field",
        Category::Schema,
        Severity::Error,
        "a field every response carries is missing",
    );

    /// ## What it does
    /// Checks `exclusive_account_type` (sso or dingtalk) and `org_email_type` (profession or base) against the values the page lists.
    ///
    /// ## Why is this bad?
    /// Clients branch on these values; an unlisted one takes no branch.
    ///
    /// ## Example
    /// Fails: `"exclusive_account_type":"DingTalk"`
    ///
    /// Passes: `"exclusive_account_type":"dingtalk"`
    pub const VALUE_NOT_IN_ENUM = emitted(
        "DT103",
        "value-not-in-enum",
        Category::Schema,
        Severity::Error,
        "a field with a fixed set of values has another value",
    );

    /// ## What it does
    /// Checks that a non-empty `email` or `org_email` is an email address (empty strings are how real traffic says 'no value').
    ///
    /// ## Why is this bad?
    /// Mail sent to the value bounces; it usually means a field was filled from the wrong column.
    ///
    /// ## Example
    /// Fails: `"email":"zhangsan"`
    ///
    /// Passes: `"email":"user@example.com"` or `"email":""`
    pub const INVALID_EMAIL = emitted(
        "DT104",
        "invalid-email",
        Category::Schema,
        Severity::Error,
        "an email field holds something that is not an email address",
    );

    /// ## What it does
    /// Counts the characters of `extension`; the page gives 2,000 as its maximum.
    ///
    /// ## Why is this bad?
    /// A longer value cannot have come from the profile panel and will be cut by clients that trust the limit.
    ///
    /// ## Example
    /// Fails: an `extension` of 2,001 characters.
    pub const VALUE_TOO_LONG = emitted(
        "DT105",
        "value-too-long",
        Category::Schema,
        Severity::Error,
        "`extension` is longer than the 2,000 characters the page allows",
    );

    /// ## What it does
    /// Reports `null` anywhere in the body. The platform leaves a field out or sends `""`; it was never seen sending `null`.
    ///
    /// ## Why is this bad?
    /// `null` means a proxy, mock or SDK re-serialised the body, and typed clients may crash on it.
    ///
    /// ## Example
    /// Fails: `"avatar":null`
    ///
    /// Passes: `"avatar":""` or no `avatar` member.
    pub const NULL_VALUE = emitted(
        "DT106",
        "null-value",
        Category::Schema,
        Severity::Error,
        "a field is `null`, which the platform never sends",
    );

    /// ## What it does
    /// Reports members that the page's response table does not list and that no other source (real traffic, the ordinary-account page, the official SDKs) explains.
    ///
    /// ## Why is this bad?
    /// Auditors care about data nobody documented: it reaches apps without any permission deciding about it.
    ///
    /// ## Example
    /// Fails: `"result":{"id_card":"..."}`
    pub const UNDOCUMENTED_FIELD = emitted(
        "DT107",
        "undocumented-field",
        Category::Schema,
        Severity::Warning,
        "a field the page does not document and that is not known from elsewhere",
    );

    /// ## What it does
    /// Notes `create_time`, `dept_position_list`, `extension_i18n`, `gender` and `ext_attrs`, which this page does not list, and says where each is known from.
    ///
    /// ## Why is this bad?
    /// It is not a defect, but the field is outside what the page promises, so no permission rule of the page covers it.
    ///
    /// ## Example
    /// Noted: `"create_time":"2024-07-15T07:05:43.000Z"`
    pub const KNOWN_UNDOCUMENTED_FIELD = emitted(
        "DT108",
        "known-undocumented-field",
        Category::Schema,
        Severity::Info,
        "a field the page does not list but that is known from real traffic, the ordinary-account page or the SDKs",
    );

    /// ## What it does
    /// Reports a body whose top-level value is not a JSON object.
    ///
    /// ## Why is this bad?
    /// Every answer of this API, success or error, is an object with `errcode`; anything else was produced by something other than the platform (a mock, a logger that kept only part of the body).
    ///
    /// ## Example
    /// Fails: `[{"errcode":0}]`
    ///
    /// Passes: `{"errcode":0,...}`
    pub const BODY_NOT_AN_OBJECT = emitted(
        "DT109",
        "body-not-an-object",
        Category::Schema,
        Severity::Error,
        "the body is a JSON array, string, number or literal instead of an object",
    );

    /// ## What it does
    /// Reports any schema violation that has no more specific rule. The current schema has none left: every constraint it states has its own code. This rule is the safety net for constraints a future schema adds.
    ///
    /// ## Why is this bad?
    /// The body is not what the page documents.
    ///
    /// ## Example
    /// Fails: none with the current schema.
    pub const SCHEMA_VIOLATION = emitted(
        "DT110",
        "schema-violation",
        Category::Schema,
        Severity::Error,
        "the body breaks a constraint of the response schema that no other rule names",
    );

    /// ## What it does
    /// Reports a whole number beyond the signed and unsigned 64-bit range. JSON Schema calls it an integer, but the platform's ids, orders and timestamps are 64-bit (the SDKs declare Long), so such a value cannot have come from the platform.
    ///
    /// ## Why is this bad?
    /// Parsers store it as a rounded floating-point number or reject it; comparisons with real ids silently fail.
    ///
    /// ## Example
    /// Fails: `"dept_id_list":[18446744073709551616]`
    ///
    /// Passes: `"dept_id_list":[485770310]`
    pub const INTEGER_BEYOND_64_BIT = emitted(
        "DT111",
        "integer-beyond-64-bit",
        Category::Schema,
        Severity::Error,
        "a whole number too large for 64 bits, which no DingTalk id, order or timestamp is",
    );
}

/// The body checks that emit schema rules, in the order they run; the validator emits the rest.
/// `beyond_64_bit` lives beside the 2^53 walk of `consistency`, which it shares.
pub(crate) const CHECKS: &[Check] = &[
    Check {
        run: fields_known::check,
        emits: &[&KNOWN_UNDOCUMENTED_FIELD],
    },
    Check {
        run: consistency::beyond_64_bit,
        emits: &[&INTEGER_BEYOND_64_BIT],
    },
];

/// The findings one validator error gives, at `pointer` in the body as received; `branch` says
/// which branch of the schema's `if errcode == 0` applied, `example` is the page's response
/// example (messages say when it has the same defect).
pub fn findings(
    error: &ValidationError<'_>,
    pointer: &Pointer,
    branch: &str,
    example: &Value,
    out: &mut Vec<Finding>,
) {
    let schema_path = error.schema_path().as_str();
    let pointer = pointer.clone();
    let path = display_path(&pointer);
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(*t).to_owned(),
                TypeKind::Multiple(set) => set.iter().map(article).collect::<Vec<_>>().join(" or "),
            };
            let found = error.instance();
            if pointer.is_empty() {
                out.push(
                    Finding::new(
                        &BODY_NOT_AN_OBJECT,
                        "",
                        format!(
                            "the body is {}, but every answer of this API is a JSON object",
                            kind_of(found)
                        ),
                    )
                    .with_help(
                        "check that the capture holds the whole body as the platform sent it",
                    ),
                );
                return;
            }
            let rule = if found.is_null() {
                &NULL_VALUE
            } else {
                &WRONG_TYPE
            };
            let help = if found.is_null() {
                "leave the field out or send an empty value; the platform never sends null"
            } else {
                "send the type the page's table gives"
            };
            out.push(
                Finding::new(
                    rule,
                    &pointer,
                    format!(
                        "`{path}` is {}, but must be {expected}; {branch}",
                        kind_of(found)
                    ),
                )
                .with_help(help),
            );
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let missing = pointer.child(name);
            let missing_path = display_path(&missing);
            if schema_path.starts_with("/then") {
                out.push(
                    Finding::new(&SUCCESS_WITHOUT_RESULT, missing, "`errcode` is 0 but the body has no `result`; a success carries the user in `result`")
                        .with_help("a success must return the user; an error must have a non-zero errcode"),
                );
                return;
            }
            let example_too = pointer.is_empty() && example.get(name).is_none();
            let note = if example_too {
                " (the page's own response example omits it too, though its table lists it)"
            } else {
                ""
            };
            out.push(
                Finding::new(
                    &MISSING_REQUIRED_FIELD,
                    missing,
                    format!("`{missing_path}` is missing{note}; {branch}"),
                )
                .with_help("every real answer of this API carries this field"),
            );
        }
        ValidationErrorKind::FalseSchema if schema_path.starts_with("/else") => {
            out.push(
                Finding::new(
                    &ERROR_WITH_RESULT,
                    &pointer,
                    "the body has a non-zero `errcode` and also a `result`",
                )
                .with_help("an error response carries no user; decide on errcode"),
            );
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let field = pointer.child(key);
                let field_path = display_path(&field);
                out.push(
                    Finding::new(&UNDOCUMENTED_FIELD, field, format!("`{field_path}` is not documented by the page nor known from real traffic; {branch}"))
                        .with_help("find out what the field holds and who may receive it"),
                );
            }
        }
        ValidationErrorKind::Enum { options } => {
            let listed = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let found = shorten(&error.instance().to_string());
            out.push(
                Finding::new(
                    &VALUE_NOT_IN_ENUM,
                    &pointer,
                    format!("`{path}` is {found}, which is not one of {listed}"),
                )
                .with_help("use one of the values the page lists; they are case-sensitive"),
            );
        }
        ValidationErrorKind::Format { format } => {
            out.push(
                Finding::new(&INVALID_EMAIL, &pointer, format!("`{path}` is not a valid {format} address"))
                    .with_help("send an address such as user@example.com, or an empty string when there is none"),
            );
        }
        ValidationErrorKind::MaxLength { limit } => {
            let length = error.instance().as_str().map_or(0, |s| s.chars().count());
            out.push(
                Finding::new(
                    &VALUE_TOO_LONG,
                    &pointer,
                    format!("`{path}` has {length} characters; the page allows at most {limit}"),
                )
                .with_help("shorten the custom profile attributes"),
            );
        }
        _ => {
            out.push(Finding::new(
                &SCHEMA_VIOLATION,
                &pointer,
                format!("`{path}`: {}; {branch}", error.masked()),
            ));
        }
    }
}

/// The JSON kind of a value, as messages name it.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a non-integer number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn article(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "an array",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "an object",
        JsonType::String => "a string",
    }
}

/// Quotes at most 60 characters of a value in a message.
pub fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    let head: String = text.chars().take(57).collect();
    format!("{head}...")
}
