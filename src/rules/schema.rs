//! DT101-DT111: the body breaks the response schema (emitted by the validator, DT108 and DT111 by checks).
use super::define::emitted;
use super::Rule;
use crate::finding::{Category, Severity};

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
    "## What it does\nReports a missing `errcode`, `errmsg` or `request_id` on any body, and a missing `userid`, `unionid` or `name` in `result`.\n\n## Why is this bad?\nThe platform sends these on every answer; `request_id` is what DingTalk support asks for, and the identity fields are what makes a result usable. The page's own example omits `request_id` although its table lists it.\n\n## Example\nFails: `{\"errcode\":60121,\"errmsg\":\"user not found\"}`\n\nPasses: `{\"errcode\":60121,\"errmsg\":\"user not found\",\"request_id\":\"wgd7apxca3z\"}`",
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
