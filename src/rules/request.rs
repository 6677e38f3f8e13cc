//! DT701-DT709: the request of a captured HAR exchange and its agreement with the response.
use super::define::request;
use super::Rule;
use crate::finding::Severity;

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
