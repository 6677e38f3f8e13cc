//! DT603-DT606: the envelope of every answer (`errcode`, `errmsg`, `sub_code`).
use super::define::{declare_rules, envelope};
use super::{Check, Ctx};
use crate::api::errcodes;
use crate::finding::{Finding, Severity};
use crate::json::doc::Node;

declare_rules! {
    /// ## What it does
    /// Reports a success (`errcode` 0) that carries no `result`.
    ///
    /// ## Why is this bad?
    /// The page returns the user in `result` on success; without it the client has nothing to read and no error to show.
    ///
    /// ## Example
    /// Fails: `{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx"}`
    pub const SUCCESS_WITHOUT_RESULT = envelope(
        "DT601",
        "success-without-result",
        Severity::Error,
        "`errcode` 0 without a `result`",
    );

    /// ## What it does
    /// Reports an error response (non-zero `errcode`) that also carries a `result`.
    ///
    /// ## Why is this bad?
    /// Clients decide on `errcode`; a result beside an error code is either a stale user or a mislabelled success.
    ///
    /// ## Example
    /// Fails: `{"errcode":60121,"errmsg":"user not found","result":{...}}`
    pub const ERROR_WITH_RESULT = envelope(
        "DT602",
        "error-with-result",
        Severity::Error,
        "a non-zero `errcode` together with a `result`",
    );

    /// ## What it does
    /// Reports a success whose `errmsg` is not `ok`, the value the page gives.
    ///
    /// ## Why is this bad?
    /// A client that logs or matches `errmsg` (which the platform advises against) sees a failure text on a success.
    ///
    /// ## Example
    /// Fails: `{"errcode":0,"errmsg":"success",...}`
    pub const SUCCESS_ERRMSG_NOT_OK = envelope(
        "DT603",
        "success-errmsg-not-ok",
        Severity::Warning,
        "`errcode` 0 with an `errmsg` other than \"ok\"",
    );

    /// ## What it does
    /// Looks `errcode` up in the page's error table (33012, 400002, -1), DingTalk's global error codes (shipped with dtlint) and the codes seen live but missing from that list (22, 40096, 660026, 300005).
    ///
    /// ## Why is this bad?
    /// An unknown code cannot be explained to the user or handled; it often means a mock invented it.
    ///
    /// ## Example
    /// Fails: `{"errcode":12345,...}`
    ///
    /// Passes: `{"errcode":33012,...}`
    pub const UNKNOWN_ERRCODE = envelope(
        "DT604",
        "unknown-errcode",
        Severity::Warning,
        "an `errcode` that neither the page nor DingTalk's global error codes list",
    );

    /// ## What it does
    /// For `errcode` 88, whose real cause is in `sub_code`, checks that `sub_code` is present and a string of digits ("40014", "40000", "60011").
    ///
    /// ## Why is this bad?
    /// Without it the client cannot tell an invalid token from a missing permission.
    ///
    /// ## Example
    /// Fails: `{"errcode":88,"errmsg":"ding talk error",...}`
    ///
    /// Passes: `{"errcode":88,"sub_code":"40014",...}`
    pub const SUB_CODE_MISSING_OR_NOT_NUMERIC = envelope(
        "DT605",
        "sub-code-missing-or-not-numeric",
        Severity::Warning,
        "`errcode` 88 without a numeric `sub_code`",
    );

    /// ## What it does
    /// Notes every error response and explains its code: from the page's table, the global error codes, and for `errcode` 88 its `sub_code` (40014 invalid access_token, 40000 access_token blank, 60011 missing permission).
    ///
    /// ## Why is this bad?
    /// An error response is well-formed; this note tells QA why the call failed without looking the code up.
    ///
    /// ## Example
    /// Noted: `{"errcode":88,"sub_code":"40014",...}`: invalid access_token.
    pub const ERROR_RESPONSE = envelope(
        "DT606",
        "error-response",
        Severity::Info,
        "the call failed; the finding explains the error code",
    );
}

/// The body checks, in the order they run; the validator emits DT601 and DT602.
pub(crate) const CHECKS: &[Check] = &[
    Check {
        run: errmsg_not_ok,
        emits: &[&SUCCESS_ERRMSG_NOT_OK],
    },
    Check {
        run: unknown_errcode,
        emits: &[&UNKNOWN_ERRCODE],
    },
    Check {
        run: sub_code,
        emits: &[&SUB_CODE_MISSING_OR_NOT_NUMERIC],
    },
    Check {
        run: explain,
        emits: &[&ERROR_RESPONSE],
    },
];

pub fn errmsg_not_ok(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.errcode() != Some(0) {
        return;
    }
    let Some(errmsg) = ctx.body.get("errmsg").and_then(Node::as_str) else {
        return;
    };
    if errmsg != "ok" {
        out.push(
            Finding::new(
                &SUCCESS_ERRMSG_NOT_OK,
                "/errmsg",
                format!("`errmsg` is {errmsg:?} on a success; the platform sends \"ok\""),
            )
            .with_help("decide on `errcode`, never on `errmsg` text"),
        );
    }
}

pub fn unknown_errcode(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(code) = ctx.errcode() else {
        return;
    };
    if errcodes::describe(code).is_none() {
        out.push(
            Finding::new(
                &UNKNOWN_ERRCODE,
                "/errcode",
                format!("`errcode` {code} is neither in the page's error table nor in DingTalk's global error codes"),
            )
            .with_help("a mock or proxy may have invented it; compare with a real capture"),
        );
    }
}

fn sub_code_of<'a>(ctx: &Ctx<'a>) -> Option<&'a str> {
    ctx.body.get("sub_code").and_then(Node::as_str)
}

pub fn sub_code(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.errcode() != Some(88) {
        return;
    }
    let problem = match sub_code_of(ctx) {
        None => "has no `sub_code`",
        Some(s) if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) => {
            "has a `sub_code` that is not a number"
        }
        Some(_) => return,
    };
    let pointer = if ctx.body.get("sub_code").is_some() {
        "/sub_code"
    } else {
        "/errcode"
    };
    out.push(
        Finding::new(
            &SUB_CODE_MISSING_OR_NOT_NUMERIC,
            pointer,
            format!("`errcode` 88 {problem}; for 88 the real cause is in `sub_code`"),
        )
        .with_help("known sub codes: 40014 invalid access_token, 40000 access_token blank, 60011 missing permission"),
    );
}

pub fn explain(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(code) = ctx.errcode() else {
        return;
    };
    if code == 0 {
        return;
    }
    let mut message = format!("the call failed with `errcode` {code}");
    if let Some(meaning) = errcodes::describe(code) {
        message.push_str(": ");
        message.push_str(meaning);
    }
    let mut help = errcodes::remedy(code).map(str::to_owned);
    if let Some(sub) = sub_code_of(ctx) {
        message.push_str(&format!(" (sub_code {sub}"));
        if let Some((meaning, remedy)) = errcodes::describe_sub_code(sub) {
            message.push_str(": ");
            message.push_str(meaning);
            help = Some(remedy.to_owned());
        }
        message.push(')');
    }
    let finding = Finding::new(&ERROR_RESPONSE, "/errcode", message);
    out.push(match help {
        Some(help) => finding.with_help(help),
        None => finding,
    });
}
