//! Every rule dtlint knows, one constant each, and the registry `ALL` in code order.

use super::{account, consistency, envelope, exposure, fields_known, Rule};
use crate::finding::{Category, Severity};

/// Every rule, in code order; codes are never reused.
pub const ALL: &[&Rule] = &[
    &INVALID_JSON,
    &UNREADABLE_INPUT,
    &INVALID_UTF8,
    &EMPTY_INPUT,
    &NOT_A_USER_GET_RESPONSE,
    &INPUT_TOO_LARGE,
    &HAR_BROKEN,
    &HAR_ENTRY_INVALID,
    &RESPONSE_BODY_MISSING,
    &WRONG_TYPE,
    &MISSING_REQUIRED_FIELD,
    &VALUE_NOT_IN_ENUM,
    &INVALID_EMAIL,
    &VALUE_TOO_LONG,
    &NULL_VALUE,
    &UNDOCUMENTED_FIELD,
    &KNOWN_UNDOCUMENTED_FIELD,
    &BODY_NOT_AN_OBJECT,
    &SCHEMA_VIOLATION,
    &INTEGER_BEYOND_64_BIT,
    &QUOTED_BOOLEAN,
    &QUOTED_NUMBER,
    &NUMBER_LIST_AS_STRING,
    &OBJECT_INSTEAD_OF_ARRAY,
    &FIELD_WITHHELD_FROM_APP_TYPE,
    &FIELD_NEEDS_PERMISSION,
    &WITHHELD_FIELD_SENT_EMPTY,
    &ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
    &OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
    &DOCUMENTED_ACCOUNT_FIELD_MISSING,
    &DEPT_NOT_IN_DEPT_LIST,
    &EXTENSION_NOT_STRING_OBJECT,
    &HIRED_DATE_IN_SECONDS,
    &HIRED_DATE_IN_FUTURE,
    &DUPLICATE_DEPT_ID,
    &INTEGER_ABOVE_2_53,
    &SUCCESS_WITHOUT_RESULT,
    &ERROR_WITH_RESULT,
    &SUCCESS_ERRMSG_NOT_OK,
    &UNKNOWN_ERRCODE,
    &SUB_CODE_MISSING_OR_NOT_NUMERIC,
    &ERROR_RESPONSE,
    &REQUEST_NOT_POST,
    &ACCESS_TOKEN_NOT_IN_QUERY,
    &NO_USER_IDENTIFIER,
    &USERID_IGNORED_WITH_LOGIN_ID,
    &INVALID_LANGUAGE,
    &UNKNOWN_REQUEST_PARAMETER,
    &LOGIN_ID_RESPONSE_MISMATCH,
    &USERID_RESPONSE_MISMATCH,
    &HTTP_STATUS_NOT_200,
    &STALE_BASELINE_ENTRY,
    &UNUSED_SUPPRESSION,
];

const fn emitted(
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        category,
        severity,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation,
        check: None,
    }
}

// ---- parse: the input could not be read as one response ----

pub const INVALID_JSON: Rule = emitted(
    "DT001",
    "invalid-json",
    Category::Parse,
    Severity::Error,
    "the input is not well-formed JSON",
    "## What it does\nReports text that a JSON parser rejects, at the line and column where the parser stopped.\n\n## Why is this bad?\nNo client can read the response; a capture cut short by a proxy looks like this too.\n\n## Example\nFails: `{\"errcode\":0,\"errmsg\":\"ok\"`\n\nPasses: `{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"16lzmj9nqoklx\",\"result\":{...}}`",
);

pub const UNREADABLE_INPUT: Rule = emitted(
    "DT002",
    "unreadable-input",
    Category::Parse,
    Severity::Error,
    "an input path does not exist or cannot be read",
    "## What it does\nReports a path given on the command line (or met while walking a folder) that cannot be opened or read. The rest of the run goes on, and the run exits with 2.\n\n## Why is this bad?\nA gate that silently skips an input it was asked to check would pass for the wrong reason.\n\n## Example\nFails: `dtlint check captures/missing.json`",
);

pub const INVALID_UTF8: Rule = emitted(
    "DT003",
    "invalid-utf8",
    Category::Parse,
    Severity::Error,
    "the input is not valid UTF-8 (binary data or another encoding)",
    "## What it does\nReports input bytes that are not UTF-8, at the first bad byte. JSON exchanged between systems must be UTF-8 (RFC 8259).\n\n## Why is this bad?\nThe platform answers in UTF-8; other bytes mean a binary file, a compressed body saved raw, or a re-encoded capture.\n\n## Example\nFails: a body saved as GBK or UTF-16.",
);

pub const EMPTY_INPUT: Rule = emitted(
    "DT004",
    "empty-input",
    Category::Parse,
    Severity::Error,
    "the input holds no JSON value at all",
    "## What it does\nReports an input that is empty or only white space.\n\n## Why is this bad?\nEvery call of this API answers with a JSON body; an empty one means the capture lost it.\n\n## Example\nFails: a zero-byte `response.json`.",
);

pub const NOT_A_USER_GET_RESPONSE: Rule = emitted(
    "DT005",
    "not-a-user-get-response",
    Category::Parse,
    Severity::Warning,
    "the body is another kind of answer: a throttling page or a body of DingTalk's newer API family",
    "## What it does\nRecognises bodies that are not answers of this API at all: the throttling answer `{\"status\":1111,\"wait\":5,...}`, an HTML page, or a body of DingTalk's newer API family (`{\"code\":...,\"message\":...}`), and reports them once instead of a list of missing fields.\n\n## Why is this bad?\nThe client met rate limiting or called another endpoint; the capture says nothing about this API's contract.\n\n## Example\nFails: `{\"status\":1111,\"wait\":5,\"source\":\"x5\",\"punish\":\"deny\"}`",
);

pub const INPUT_TOO_LARGE: Rule = emitted(
    "DT006",
    "input-too-large",
    Category::Parse,
    Severity::Error,
    "an input is larger than the configured size limit (--max-size)",
    "## What it does\nReports a file, NDJSON line or HAR body larger than `--max-size` instead of reading it, and goes on with the rest.\n\n## Why is this bad?\nA user/get body is a few kilobytes; hundreds of megabytes in one response is not a response of this API and would only cost memory.\n\n## Example\nFails: a 300 MB `.json` file with the default limit of 256 MiB.",
);

pub const HAR_BROKEN: Rule = emitted(
    "DT007",
    "har-broken",
    Category::Parse,
    Severity::Error,
    "a HAR file stops being readable here (truncated or malformed); the entries before it were checked",
    "## What it does\nReports the point where a HAR file stops being well-formed JSON or stops having the HAR shape (`log.entries`), after every entry before that point was checked.\n\n## Why is this bad?\nA truncated export hides the entries after the break: the capture is incomplete.\n\n## Example\nFails: a `.har` cut off in the middle of `log.entries`.",
);

pub const HAR_ENTRY_INVALID: Rule = emitted(
    "DT008",
    "har-entry-invalid",
    Category::Parse,
    Severity::Error,
    "an item of `log.entries` is not a HAR entry (an object with `request` and `response`)",
    "## What it does\nReports an item of `log.entries` that is not an object with a `request` (method, url) and a `response` (status, content), as HAR 1.2 defines them.\n\n## Why is this bad?\nThe exchange cannot be checked; the exporter or an edit broke the file.\n\n## Example\nFails: `\"entries\":[\"GET /topapi/v2/user/get\"]`",
);

pub const RESPONSE_BODY_MISSING: Rule = emitted(
    "DT009",
    "response-body-missing",
    Category::Parse,
    Severity::Error,
    "a captured call of the API has no response body, or one that cannot be decoded",
    "## What it does\nReports a HAR entry for `/topapi/v2/user/get` whose `response.content.text` is missing or empty, or whose base64 body does not decode to UTF-8 text.\n\n## Why is this bad?\nThe response cannot be checked. Browsers leave bodies out when the capture was started late or content saving was off.\n\n## Example\nFails: `\"content\":{\"size\":812,\"mimeType\":\"application/json\"}` without `text`.",
);

// ---- schema: the body does not match the documented response ----

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
    check: Some(fields_known::check),
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
    check: Some(consistency::beyond_64_bit),
};

// ---- doc-quirk: the shapes of the page's own example ----

pub const QUOTED_BOOLEAN: Rule = emitted(
    "DT201",
    "quoted-boolean",
    Category::DocQuirk,
    Severity::Error,
    "a boolean written as the string \"true\" or \"false\", as the page's example does",
    "## What it does\nReports a Boolean field of the table whose value is the string `\"true\"` or `\"false\"`. The page's response example writes every boolean this way; its table says Boolean.\n\n## Why is this bad?\nIn most languages the string \"false\" is truthy: a client that trusts the example treats hidden mobiles as shown and non-admins as admins.\n\n## Example\nFails: `\"boss\":\"true\"`\n\nPasses: `\"boss\":true`",
);

pub const QUOTED_NUMBER: Rule = emitted(
    "DT202",
    "quoted-number",
    Category::DocQuirk,
    Severity::Error,
    "a number written as a string of digits, as the page's example does",
    "## What it does\nReports a Number field of the table (ids, orders, `hired_date`, `errcode`) whose value is a string of digits such as `\"1597573616828\"`. The page's example quotes them all; real traffic never does.\n\n## Why is this bad?\nTyped clients fail to read the body, and string comparison sorts `\"10\"` before `\"9\"`.\n\n## Example\nFails: `\"hired_date\":\"1597573616828\"`\n\nPasses: `\"hired_date\":1597573616828`",
);

pub const NUMBER_LIST_AS_STRING: Rule = emitted(
    "DT203",
    "number-list-as-string",
    Category::DocQuirk,
    Severity::Error,
    "a list of numbers written as one string such as \"[2,3,4]\", as the page's example does",
    "## What it does\nReports `dept_id_list` (Number[] in the table) written as a string holding a JSON array, as the page's example does.\n\n## Why is this bad?\nClients must parse the string a second time; most will fail on it.\n\n## Example\nFails: `\"dept_id_list\":\"[2,3,4]\"`\n\nPasses: `\"dept_id_list\":[2,3,4]`",
);

pub const OBJECT_INSTEAD_OF_ARRAY: Rule = emitted(
    "DT204",
    "object-instead-of-array",
    Category::DocQuirk,
    Severity::Error,
    "a single object where the table documents an array of objects, as the page's example does",
    "## What it does\nReports `role_list`, `dept_order_list`, `leader_in_dept` or `union_emp_map_list` (Object[] in the table) written as one object, as the page's example writes them.\n\n## Why is this bad?\nA user with two roles or two departments cannot be represented, and clients expecting a list fail.\n\n## Example\nFails: `\"role_list\":{\"id\":100,\"name\":\"Director\",\"group_name\":\"Position\"}`\n\nPasses: `\"role_list\":[{\"id\":100,\"name\":\"Director\",\"group_name\":\"Position\"}]`",
);

// ---- exposure: a field reached a caller the page says must not receive it ----

pub const FIELD_WITHHELD_FROM_APP_TYPE: Rule = Rule {
    code: "DT301",
    name: "field-withheld-from-app-type",
    category: Category::Exposure,
    severity: Severity::Error,
    enabled: true,
    needs_app_type: true,
    summary: "a field the page says is not returned to this app type carries a value",
    explanation: "## What it does\nFor a third-party enterprise app (`--app-type third-party`), reports a non-empty `state_code`, `mobile`, `telephone`, `email`, `org_email`, `work_place`, `remark`, `extension` or `hired_date`. The page says each of these is not returned to third-party enterprise apps (those must use the unified authorization suite for mobile, email and state code).\n\n## Why is this bad?\nPersonal data reached an app that the platform promises never gets it: a privacy incident, or a capture of another app's traffic.\n\n## Example\nFails (third-party): `\"result\":{\"mobile\":\"13800138000\",...}`\n\nPasses (third-party): `\"result\":{\"userid\":\"...\",\"name\":\"...\",...}` without those fields.",
    check: Some(exposure::check),
};

pub const FIELD_NEEDS_PERMISSION: Rule = Rule {
    code: "DT302",
    name: "field-needs-permission",
    category: Category::Exposure,
    severity: Severity::Error,
    enabled: true,
    needs_app_type: true,
    summary: "an internal app received a field whose Contacts permission it was not granted",
    explanation: "## What it does\nFor an internal app, reports a non-empty `mobile` without `--permission mobile` (\"Mobile number information of employees\"), and a non-empty `email`, `work_place`, `remark` or `extension` without `--permission email-profile` (\"Email and other profile information\"). The page ties each of these fields to that permission.\n\n## Why is this bad?\nEither the app holds a permission its owners did not declare, or the capture reached the wrong app: both are audit findings.\n\n## Example\nFails (internal, no permissions): `\"result\":{\"mobile\":\"13800138000\"}`\n\nPasses (internal, `--permission mobile`): the same body.",
    check: Some(exposure::check),
};

pub const WITHHELD_FIELD_SENT_EMPTY: Rule = Rule {
    code: "DT303",
    name: "withheld-field-sent-empty",
    category: Category::Exposure,
    severity: Severity::Info,
    enabled: true,
    needs_app_type: true,
    summary: "a field this caller must not receive is present but empty",
    explanation: "## What it does\nNotes a field that DT301 or DT302 would report, sent as `\"\"`, `{}` or `[]`. Real traffic sends empty text fields this way, so this is no exposure.\n\n## Why is this bad?\nIt is not; it tells an auditor the member exists in the payload, so a value may appear in it for another user.\n\n## Example\nNoted (third-party): `\"mobile\":\"\"`",
    check: Some(exposure::check),
};

// ---- account: Enterprise Account fields on the wrong kind of account ----

pub const ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT: Rule = Rule {
    code: "DT401",
    name: "enterprise-field-on-ordinary-account",
    category: Category::Account,
    severity: Severity::Error,
    enabled: true,
    needs_app_type: false,
    summary: "an Enterprise Account field carries a value although `exclusive_account` is not true",
    explanation: "## What it does\nReports a non-empty `exclusive_account_type`, `exclusive_account_corp_name` or `exclusive_account_corp_id` on a user whose `exclusive_account` is not `true`. The page says these apply only to Enterprise Accounts.\n\n## Why is this bad?\nThe body contradicts itself: either the flag or the fields are wrong, and clients deciding on either get different answers.\n\n## Example\nFails: `\"exclusive_account\":false,\"exclusive_account_type\":\"sso\"`\n\nPasses: `\"exclusive_account\":true,\"exclusive_account_type\":\"sso\"`",
    check: Some(account::check),
};

pub const OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT: Rule = Rule {
    code: "DT402",
    name: "own-account-field-on-other-account",
    category: Category::Account,
    severity: Severity::Error,
    enabled: true,
    needs_app_type: false,
    summary: "`login_id`, `nickname` or `disable_status` on a user who is not a DingTalk-built Enterprise Account of the caller's organization",
    explanation: "## What it does\nReports `login_id`, `nickname` or `disable_status` present when the user is not an Enterprise Account of type `dingtalk`, or (with `--corp-id`) when `exclusive_account_corp_id` names another organization. The page says these are returned only for DingTalk Enterprise Accounts belonging to the caller's organization.\n\n## Why is this bad?\nSign-in names of another organization's accounts, or of self-built (sso) accounts, reached this caller.\n\n## Example\nFails: `\"exclusive_account_type\":\"sso\",\"login_id\":\"zhangsan\"`\n\nPasses: `\"exclusive_account\":true,\"exclusive_account_type\":\"dingtalk\",\"exclusive_account_corp_id\":\"<your corp id>\",\"login_id\":\"zhangsan\"`",
    check: Some(account::check),
};

pub const DOCUMENTED_ACCOUNT_FIELD_MISSING: Rule = Rule {
    code: "DT403",
    name: "documented-account-field-missing",
    category: Category::Account,
    severity: Severity::Info,
    enabled: true,
    needs_app_type: false,
    summary: "an Enterprise Account lacks a field the page says is returned for it",
    explanation: "## What it does\nNotes an Enterprise Account without `exclusive_account_type`, `exclusive_account_corp_name` or `exclusive_account_corp_id`, and (with `--corp-id`) a DingTalk-built Enterprise Account of the caller's organization without `login_id`, `nickname` or `disable_status`.\n\n## Why is this bad?\nClients written from the page expect these fields for such users.\n\n## Example\nNoted: `\"exclusive_account\":true` with no `exclusive_account_type`.",
    check: Some(account::check),
};

// ---- consistency: the body disagrees with itself ----

const fn consistency(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
    check: super::BodyCheck,
) -> Rule {
    Rule {
        code,
        name,
        category: Category::Consistency,
        severity: Severity::Warning,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation,
        check: Some(check),
    }
}

pub const DEPT_NOT_IN_DEPT_LIST: Rule = consistency(
    "DT501",
    "dept-not-in-dept-list",
    "a `dept_id` in `dept_order_list` or `leader_in_dept` is not in `dept_id_list`",
    "## What it does\nChecks that every department named in `dept_order_list` and `leader_in_dept` is one of the user's departments in `dept_id_list`.\n\n## Why is this bad?\nThe page describes both lists as being about the departments the user belongs to; a department outside `dept_id_list` means the lists were assembled from different data.\n\n## Example\nFails: `\"dept_id_list\":[1],\"leader_in_dept\":[{\"dept_id\":2,\"leader\":true}]`\n\nPasses: `\"dept_id_list\":[1,2],\"leader_in_dept\":[{\"dept_id\":2,\"leader\":true}]`",
    consistency::dept_not_in_list,
);

pub const EXTENSION_NOT_STRING_OBJECT: Rule = consistency(
    "DT502",
    "extension-not-string-object",
    "`extension` is not a JSON object of string values",
    "## What it does\nParses `extension` and checks it is a JSON object whose values are strings, as the page's example `{\"Hobby\":\"Travel\",\"Age\":\"24\"}` shows.\n\n## Why is this bad?\nClients parse the string to show the custom profile attributes; anything else breaks them.\n\n## Example\nFails: `\"extension\":\"Hobby=Travel\"`\n\nPasses: `\"extension\":\"{\\\"Hobby\\\":\\\"Travel\\\"}\"`",
    consistency::extension_shape,
);

pub const HIRED_DATE_IN_SECONDS: Rule = consistency(
    "DT503",
    "hired-date-in-seconds",
    "`hired_date` looks like seconds, but the page says milliseconds",
    "## What it does\nFlags a `hired_date` that, read as milliseconds, falls in the first days of 1970 but, read as seconds, is a plausible date (1971 onwards).\n\n## Why is this bad?\nThe page says the hire date is a Unix timestamp in milliseconds; a value in seconds shows every employee hired in January 1970.\n\n## Example\nFails: `\"hired_date\":1597573616`\n\nPasses: `\"hired_date\":1597573616828`",
    consistency::hired_date_seconds,
);

pub const HIRED_DATE_IN_FUTURE: Rule = consistency(
    "DT504",
    "hired-date-in-future",
    "`hired_date` is more than a year after the time of the run",
    "## What it does\nFlags a `hired_date` later than one year after the moment dtlint runs.\n\n## Why is this bad?\nA hire date far in the future is a unit error (microseconds) or a corrupted value.\n\n## Example\nFails: `\"hired_date\":1597573616828000`",
    consistency::hired_date_future,
);

pub const DUPLICATE_DEPT_ID: Rule = consistency(
    "DT505",
    "duplicate-dept-id",
    "a department id occurs twice in the same list",
    "## What it does\nChecks `dept_id_list`, `dept_order_list` and `leader_in_dept` for a department listed twice.\n\n## Why is this bad?\nEach list has one entry per department of the user; a repeat gives two sort orders or two leader flags for one department.\n\n## Example\nFails: `\"dept_id_list\":[2,2]`",
    consistency::duplicate_dept,
);

pub const INTEGER_ABOVE_2_53: Rule = Rule {
    code: "DT506",
    name: "integer-above-2-53",
    category: Category::Consistency,
    severity: Severity::Info,
    enabled: false,
    needs_app_type: false,
    summary: "an integer above 2^53, which JavaScript clients round (off by default)",
    explanation: "## What it does\nNotes integers whose magnitude exceeds 2^53 (9007199254740992). Real `order` values (about 1.8e17) do, so the rule is off by default; select it with `--select DT506` when the client is JavaScript.\n\n## Why is this bad?\n`JSON.parse` turns such values into the nearest double: `176220178909140512` becomes `176220178909140500`, and sort orders collide.\n\n## Example\nNoted: `\"order\":176220178909140512`",
    check: Some(consistency::unsafe_integers),
};

// ---- envelope: errcode, errmsg, result and sub_code ----

const fn envelope(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
    check: Option<super::BodyCheck>,
) -> Rule {
    Rule {
        code,
        name,
        category: Category::Envelope,
        severity,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation,
        check,
    }
}

pub const SUCCESS_WITHOUT_RESULT: Rule = envelope(
    "DT601",
    "success-without-result",
    Severity::Error,
    "`errcode` 0 without a `result`",
    "## What it does\nReports a success (`errcode` 0) that carries no `result`.\n\n## Why is this bad?\nThe page returns the user in `result` on success; without it the client has nothing to read and no error to show.\n\n## Example\nFails: `{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"16lzmj9nqoklx\"}`",
    None,
);

pub const ERROR_WITH_RESULT: Rule = envelope(
    "DT602",
    "error-with-result",
    Severity::Error,
    "a non-zero `errcode` together with a `result`",
    "## What it does\nReports an error response (non-zero `errcode`) that also carries a `result`.\n\n## Why is this bad?\nClients decide on `errcode`; a result beside an error code is either a stale user or a mislabelled success.\n\n## Example\nFails: `{\"errcode\":60121,\"errmsg\":\"user not found\",\"result\":{...}}`",
    None,
);

pub const SUCCESS_ERRMSG_NOT_OK: Rule = envelope(
    "DT603",
    "success-errmsg-not-ok",
    Severity::Warning,
    "`errcode` 0 with an `errmsg` other than \"ok\"",
    "## What it does\nReports a success whose `errmsg` is not `ok`, the value the page gives.\n\n## Why is this bad?\nA client that logs or matches `errmsg` (which the platform advises against) sees a failure text on a success.\n\n## Example\nFails: `{\"errcode\":0,\"errmsg\":\"success\",...}`",
    Some(envelope::errmsg_not_ok),
);

pub const UNKNOWN_ERRCODE: Rule = envelope(
    "DT604",
    "unknown-errcode",
    Severity::Warning,
    "an `errcode` that neither the page nor DingTalk's global error codes list",
    "## What it does\nLooks `errcode` up in the page's error table (33012, 400002, -1), DingTalk's global error codes (shipped with dtlint) and the codes seen live but missing from that list (22, 40096, 660026, 300005).\n\n## Why is this bad?\nAn unknown code cannot be explained to the user or handled; it often means a mock invented it.\n\n## Example\nFails: `{\"errcode\":12345,...}`\n\nPasses: `{\"errcode\":33012,...}`",
    Some(envelope::unknown_errcode),
);

pub const SUB_CODE_MISSING_OR_NOT_NUMERIC: Rule = envelope(
    "DT605",
    "sub-code-missing-or-not-numeric",
    Severity::Warning,
    "`errcode` 88 without a numeric `sub_code`",
    "## What it does\nFor `errcode` 88, whose real cause is in `sub_code`, checks that `sub_code` is present and a string of digits (\"40014\", \"40000\", \"60011\").\n\n## Why is this bad?\nWithout it the client cannot tell an invalid token from a missing permission.\n\n## Example\nFails: `{\"errcode\":88,\"errmsg\":\"ding talk error\",...}`\n\nPasses: `{\"errcode\":88,\"sub_code\":\"40014\",...}`",
    Some(envelope::sub_code),
);

pub const ERROR_RESPONSE: Rule = envelope(
    "DT606",
    "error-response",
    Severity::Info,
    "the call failed; the finding explains the error code",
    "## What it does\nNotes every error response and explains its code: from the page's table, the global error codes, and for `errcode` 88 its `sub_code` (40014 invalid access_token, 40000 access_token blank, 60011 missing permission).\n\n## Why is this bad?\nAn error response is well-formed; this note tells QA why the call failed without looking the code up.\n\n## Example\nNoted: `{\"errcode\":88,\"sub_code\":\"40014\",...}`: invalid access_token.",
    Some(envelope::explain),
);

// ---- request: the other side of each captured exchange ----

const fn request(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        category: Category::Request,
        severity,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation,
        check: None,
    }
}

pub const REQUEST_NOT_POST: Rule = request(
    "DT701",
    "request-not-post",
    Severity::Error,
    "the API was called with another HTTP method than POST",
    "## What it does\nChecks the captured request's method; the page documents `POST` only.\n\n## Why is this bad?\nThe platform rejects other methods, or a proxy rewrote the call.\n\n## Example\nFails: `GET /topapi/v2/user/get?access_token=...`",
);

pub const ACCESS_TOKEN_NOT_IN_QUERY: Rule = request(
    "DT702",
    "access-token-not-in-query",
    Severity::Error,
    "`access_token` is not in the query string (the page's own curl example puts it in the body)",
    "## What it does\nChecks that the request carries `access_token` as a query parameter, where the page's parameter table puts it. The page's own curl example sends it in the form body instead; dtlint says so when it finds it there.\n\n## Why is this bad?\nWithout a token in the query the platform answers errcode 88 with sub_code 40000 (access_token blank).\n\n## Example\nFails: `POST /topapi/v2/user/get` with body `access_token=...&userid=...`\n\nPasses: `POST /topapi/v2/user/get?access_token=...` with body `userid=...`",
);

pub const NO_USER_IDENTIFIER: Rule = request(
    "DT703",
    "no-user-identifier",
    Severity::Error,
    "the request names neither `userid` nor `login_id`",
    "## What it does\nChecks that the body carries a non-empty `userid` (required by the page) or `login_id`.\n\n## Why is this bad?\nThe platform cannot know which user to return.\n\n## Example\nFails: body `language=zh_CN`\n\nPasses: body `userid=10000000000000001`",
);

pub const USERID_IGNORED_WITH_LOGIN_ID: Rule = request(
    "DT704",
    "userid-ignored-with-login-id",
    Severity::Warning,
    "both `userid` and `login_id` are sent; the page says `userid` is then ignored",
    "## What it does\nNotes a request with both a non-empty `login_id` and a `userid`, as the page's own request example sends them. The page says `userid` is ignored when `login_id` is not empty.\n\n## Why is this bad?\nThe caller may believe it asked for the `userid`, but gets the `login_id`'s account.\n\n## Example\nFails: body `login_id=zhangsan&userid=zhangsan`",
);

pub const INVALID_LANGUAGE: Rule = request(
    "DT705",
    "invalid-language",
    Severity::Error,
    "`language` is neither zh_CN nor en_US",
    "## What it does\nChecks the optional `language` parameter against the two values the page lists.\n\n## Why is this bad?\nThe platform falls back or rejects the call (errcode 400002).\n\n## Example\nFails: `language=en`\n\nPasses: `language=en_US`",
);

pub const UNKNOWN_REQUEST_PARAMETER: Rule = request(
    "DT706",
    "unknown-request-parameter",
    Severity::Warning,
    "the body carries a parameter the page does not document",
    "## What it does\nReports body parameters other than `userid`, `language` and `login_id` (and `access_token`, reported by DT702).\n\n## Why is this bad?\nThe platform ignores them; a misspelt parameter (`user_id`) means the intended one is missing.\n\n## Example\nFails: body `user_id=10000000000000001`",
);

pub const LOGIN_ID_RESPONSE_MISMATCH: Rule = request(
    "DT707",
    "login-id-response-mismatch",
    Severity::Error,
    "a response to a `login_id` query is not that DingTalk-built Enterprise Account",
    "## What it does\nFor a request with `login_id`, checks that the successful response's `result.login_id` equals it and that the account is DingTalk-built (`exclusive_account_type` dingtalk): the page says querying by sign-in name works only for those.\n\n## Why is this bad?\nThe capture pairs a request with another call's answer, or the platform answered for another account.\n\n## Example\nFails: request `login_id=zhangsan`, response `\"login_id\":\"login_id3\"` (the page's own example pair).",
);

pub const USERID_RESPONSE_MISMATCH: Rule = request(
    "DT708",
    "userid-response-mismatch",
    Severity::Error,
    "a response to a `userid` query describes another user",
    "## What it does\nFor a request by `userid` (without `login_id`), checks that the successful response's `result.userid` equals it.\n\n## Why is this bad?\nThe capture pairs a request with another call's answer, or a cache served the wrong user.\n\n## Example\nFails: request `userid=0001`, response `\"userid\":\"0002\"`.",
);

pub const HTTP_STATUS_NOT_200: Rule = request(
    "DT709",
    "http-status-not-200",
    Severity::Warning,
    "a JSON answer came with an HTTP status other than 200",
    "## What it does\nReports a captured response whose HTTP status is not 200 although its body is JSON. The platform answers errors with 200 and decides by `errcode`.\n\n## Why is this bad?\nA proxy, gateway or mock produced the answer; clients that branch on the status code see an error where the body may say success.\n\n## Example\nFails: status 502 with `{\"errcode\":-1,...}`.",
);

// ---- config: dtlint's own configuration ----

pub const STALE_BASELINE_ENTRY: Rule = Rule {
    code: "DT901",
    name: "stale-baseline-entry",
    category: Category::Config,
    severity: Severity::Warning,
    enabled: true,
    needs_app_type: false,
    summary: "a baseline entry matches no current finding (the defect was fixed or moved)",
    explanation: "## What it does\nWith `--baseline FILE`, reports each recorded finding that no longer occurs: its rule, source, entry, pointer and value hash match nothing in this run.\n\n## Why is this bad?\nA stale entry would hide the same defect if it came back. Run with `--update-baseline` to drop it.\n\n## Example\nFails: a baseline recording DT201 at `/result/boss` after the capture was fixed.",
    check: None,
};

pub const UNUSED_SUPPRESSION: Rule = Rule {
    code: "DT902",
    name: "unused-suppression",
    category: Category::Config,
    severity: Severity::Info,
    enabled: true,
    needs_app_type: false,
    summary: "an `[[ignore]]` entry of the profile matched no finding",
    explanation: "## What it does\nReports a suppression in the profile (`[[ignore]]` with rule, pointer, path and reason) that hid nothing in this run, as ruff's RUF100 does for `noqa` comments.\n\n## Why is this bad?\nSuppressions outlive the defects they were written for and then hide new ones; remove those that no longer apply.\n\n## Example\nNoted: `[[ignore]] rule = \"DT107\" pointer = \"/result/legacy_*\"` when no capture has such a field.",
    check: None,
};
