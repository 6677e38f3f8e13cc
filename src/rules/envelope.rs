//! DT603-DT606: the envelope of every answer (`errcode`, `errmsg`, `sub_code`).

use super::{
    Ctx, ERROR_RESPONSE, SUB_CODE_MISSING_OR_NOT_NUMERIC, SUCCESS_ERRMSG_NOT_OK, UNKNOWN_ERRCODE,
};
use crate::errcodes;
use crate::finding::Finding;
use crate::json::doc::Node;

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
