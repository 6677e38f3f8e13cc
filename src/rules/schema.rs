//! DT101-DT111: the body breaks the response schema (emitted by the validator, DT108 and DT111 by checks).
//! DT112, the English answer's missing `name`, relabels DT102 and lives in `rules::language`.
use super::define::emitted;
use super::Rule;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::{ERROR_WITH_RESULT, SUCCESS_WITHOUT_RESULT};
use crate::finding::{display_path, Category, Finding, Severity};
use crate::json::pointer::Pointer;

pub const WRONG_TYPE: Rule = emitted(
    "DT101",
    "wrong-type",
    Category::Schema,
    Severity::Error,
    "a field has another JSON type than the page's table gives it",
    "## What it does\nReports a value whose JSON type differs from the type in the page's response table (String, Number, Boolean, Object, Object[], Number[]), when it is not one of the documentation's own quirks (those have DT2xx codes).\n\n## Why is this bad?\nTyped clients (the official SDKs declare Long, Boolean and lists) fail to deserialise the body.\n\n## Example\nFails: `\"result\":{\"active\":1}`\n\nPasses: `\"result\":{\"active\":true}`",
);

pub const MISSING_REQUIRED_FIELD: Rule = emitted(
    "DT102",
    "missing-required-field",
    Category::Schema,
    Severity::Error,
    "a field every response carries is missing",
    "## What it does\nReports a missing `errcode`, `errmsg` or `request_id` on any body, and a missing `userid`, `unionid` or `name` in `result`. When the request asked for `language=en_US`, a missing `name` is DT112 (info) instead.\n\n## Why is this bad?\nThe platform sends these on every answer; `request_id` is what DingTalk support asks for, and the identity fields are what makes a result usable. The page's own example omits `request_id` although its table lists it.\n\n## Example\nFails: `{\"errcode\":60121,\"errmsg\":\"user not found\"}`\n\nPasses: `{\"errcode\":60121,\"errmsg\":\"user not found\",\"request_id\":\"wgd7apxca3z\"}`",
);

pub const VALUE_NOT_IN_ENUM: Rule = emitted(
    "DT103",
    "value-not-in-enum",
    Category::Schema,
    Severity::Error,
    "a field with a fixed set of values has another value",
    "## What it does\nChecks `exclusive_account_type` (sso or dingtalk) and `org_email_type` (profession or base) against the values the page lists.\n\n## Why is this bad?\nClients branch on these values; an unlisted one takes no branch.\n\n## Example\nFails: `\"exclusive_account_type\":\"DingTalk\"`\n\nPasses: `\"exclusive_account_type\":\"dingtalk\"`",
);

pub const INVALID_EMAIL: Rule = emitted(
    "DT104",
    "invalid-email",
    Category::Schema,
    Severity::Error,
    "an email field holds something that is not an email address",
    "## What it does\nChecks that a non-empty `email` or `org_email` is an email address (empty strings are how real traffic says 'no value').\n\n## Why is this bad?\nMail sent to the value bounces; it usually means a field was filled from the wrong column.\n\n## Example\nFails: `\"email\":\"zhangsan\"`\n\nPasses: `\"email\":\"user@example.com\"` or `\"email\":\"\"`",
);

pub const VALUE_TOO_LONG: Rule = emitted(
    "DT105",
    "value-too-long",
    Category::Schema,
    Severity::Error,
    "`extension` is longer than the 2,000 characters the page allows",
    "## What it does\nCounts the characters of `extension`; the page gives 2,000 as its maximum.\n\n## Why is this bad?\nA longer value cannot have come from the profile panel and will be cut by clients that trust the limit.\n\n## Example\nFails: an `extension` of 2,001 characters.",
);

pub const NULL_VALUE: Rule = emitted(
    "DT106",
    "null-value",
    Category::Schema,
    Severity::Error,
    "a field is `null`, which the platform never sends",
    "## What it does\nReports `null` anywhere in the body. The platform leaves a field out or sends `\"\"`; it was never seen sending `null`.\n\n## Why is this bad?\n`null` means a proxy, mock or SDK re-serialised the body, and typed clients may crash on it.\n\n## Example\nFails: `\"avatar\":null`\n\nPasses: `\"avatar\":\"\"` or no `avatar` member.",
);

pub const UNDOCUMENTED_FIELD: Rule = emitted(
    "DT107",
    "undocumented-field",
    Category::Schema,
    Severity::Warning,
    "a field the page does not document and that is not known from elsewhere",
    "## What it does\nReports members that the page's response table does not list and that no other source (real traffic, the ordinary-account page, the official SDKs) explains.\n\n## Why is this bad?\nAuditors care about data nobody documented: it reaches apps without any permission deciding about it.\n\n## Example\nFails: `\"result\":{\"id_card\":\"...\"}`",
);

pub const KNOWN_UNDOCUMENTED_FIELD: Rule = Rule {
    code: "DT108",
    name: "known-undocumented-field",
    category: Category::Schema,
    severity: Severity::Info,
    enabled: true,
    needs_app_type: false,
    summary: "a field the page does not list but that is known from real traffic, the ordinary-account page or the SDKs",
    explanation: "## What it does\nNotes `create_time`, `dept_position_list`, `extension_i18n`, `gender` and `ext_attrs`, which this page does not list, and says where each is known from.\n\n## Why is this bad?\nIt is not a defect, but the field is outside what the page promises, so no permission rule of the page covers it.\n\n## Example\nNoted: `\"create_time\":\"2024-07-15T07:05:43.000Z\"`",
};

pub const BODY_NOT_AN_OBJECT: Rule = emitted(
    "DT109",
    "body-not-an-object",
    Category::Schema,
    Severity::Error,
    "the body is a JSON array, string, number or literal instead of an object",
    "## What it does\nReports a body whose top-level value is not a JSON object.\n\n## Why is this bad?\nEvery answer of this API, success or error, is an object with `errcode`; anything else was produced by something other than the platform (a mock, a logger that kept only part of the body).\n\n## Example\nFails: `[{\"errcode\":0}]`\n\nPasses: `{\"errcode\":0,...}`",
);

pub const SCHEMA_VIOLATION: Rule = emitted(
    "DT110",
    "schema-violation",
    Category::Schema,
    Severity::Error,
    "the body breaks a constraint of the response schema that no other rule names",
    "## What it does\nReports any schema violation that has no more specific rule. The current schema has none left: every constraint it states has its own code. This rule is the safety net for constraints a future schema adds.\n\n## Why is this bad?\nThe body is not what the page documents.\n\n## Example\nFails: none with the current schema.",
);

pub const INTEGER_BEYOND_64_BIT: Rule = Rule {
    code: "DT111",
    name: "integer-beyond-64-bit",
    category: Category::Schema,
    severity: Severity::Error,
    enabled: true,
    needs_app_type: false,
    summary: "a whole number too large for 64 bits, which no DingTalk id, order or timestamp is",
    explanation: "## What it does\nReports a whole number beyond the signed and unsigned 64-bit range. JSON Schema calls it an integer, but the platform's ids, orders and timestamps are 64-bit (the SDKs declare Long), so such a value cannot have come from the platform.\n\n## Why is this bad?\nParsers store it as a rounded floating-point number or reject it; comparisons with real ids silently fail.\n\n## Example\nFails: `\"dept_id_list\":[18446744073709551616]`\n\nPasses: `\"dept_id_list\":[485770310]`",
};

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
