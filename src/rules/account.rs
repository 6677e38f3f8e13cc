//! DT401-DT403: Enterprise Account fields (`x-account`) on accounts the page says do not carry them.

use super::{
    Ctx, DOCUMENTED_ACCOUNT_FIELD_MISSING, ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
    OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
};
use crate::fields::{account_fields, has_value, AccountScope};
use crate::finding::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.result().is_none() {
        return;
    }
    let enterprise = ctx.is_enterprise_account();
    let own_dingtalk = ctx.is_own_dingtalk_account();
    for field in account_fields() {
        let Some(scope) = field.account else {
            continue;
        };
        let present = ctx.field(&field.name).is_some_and(has_value);
        let applies = match scope {
            AccountScope::Enterprise => enterprise,
            AccountScope::OwnDingtalk => own_dingtalk,
        };
        if present && !applies {
            let (rule, actual) = match scope {
                AccountScope::Enterprise => (
                    &ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
                    "`result.exclusive_account` is not true".to_owned(),
                ),
                AccountScope::OwnDingtalk => (
                    &OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
                    other_account_reason(ctx),
                ),
            };
            out.push(
                Finding::new(
                    rule,
                    &field.pointer,
                    format!("`result.{}` is present, but {actual}; the page says it is {}", field.name, scope.describe()),
                )
                .with_help("check which account the response describes; a capture mixing accounts or organizations looks like this"),
            );
        } else if !present
            && applies
            && (scope == AccountScope::Enterprise || ctx.caller.corp_id.is_some())
        {
            out.push(Finding::new(
                &DOCUMENTED_ACCOUNT_FIELD_MISSING,
                &field.pointer,
                format!(
                    "`result.{}` is missing; the page says it is {}, which this user is",
                    field.name,
                    scope.describe()
                ),
            ));
        }
    }
}

fn other_account_reason(ctx: &Ctx<'_>) -> String {
    if !ctx.is_enterprise_account() {
        return "the user is not an Enterprise Account".to_owned();
    }
    match ctx.result_text("exclusive_account_type") {
        Some("dingtalk") => "`result.exclusive_account_corp_id` is not the caller's organization (`--corp-id`)".to_owned(),
        Some("sso") => "the account is self-built by its organization (`exclusive_account_type` sso), not DingTalk-built".to_owned(),
        _ => "the response does not say the account is DingTalk-built (`exclusive_account_type` dingtalk)".to_owned(),
    }
}
