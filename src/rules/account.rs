//! DT401-DT403: Enterprise Account fields (`x-account`) on accounts the page says do not carry them.

use super::define::{declare_rules, emitted};
use super::{Check, Ctx};
use crate::api::fields::{account_fields, has_value, AccountScope};
use crate::finding::{Category, Finding, Severity};

declare_rules! {
    /// ## What it does
    /// Reports a non-empty `exclusive_account_type`, `exclusive_account_corp_name` or `exclusive_account_corp_id` on a user whose `exclusive_account` is not `true`. The page says these apply only to Enterprise Accounts.
    ///
    /// ## Why is this bad?
    /// The body contradicts itself: either the flag or the fields are wrong, and clients deciding on either get different answers.
    ///
    /// ## Example
    /// Fails: `"exclusive_account":false,"exclusive_account_type":"sso"`
    ///
    /// Passes: `"exclusive_account":true,"exclusive_account_type":"sso"`
    pub const ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT = emitted(
        "DT401",
        "enterprise-field-on-ordinary-account",
        Category::Account,
        Severity::Error,
        "an Enterprise Account field carries a value although `exclusive_account` is not true",
    );

    /// ## What it does
    /// Reports `login_id`, `nickname` or `disable_status` present when the user is not an Enterprise Account of type `dingtalk`, or (with `--corp-id`) when `exclusive_account_corp_id` names another organization. The page says these are returned only for DingTalk Enterprise Accounts belonging to the caller's organization.
    ///
    /// ## Why is this bad?
    /// Sign-in names of another organization's accounts, or of self-built (sso) accounts, reached this caller.
    ///
    /// ## Example
    /// Fails: `"exclusive_account_type":"sso","login_id":"zhangsan"`
    ///
    /// Passes: `"exclusive_account":true,"exclusive_account_type":"dingtalk","exclusive_account_corp_id":"<your corp id>","login_id":"zhangsan"`
    pub const OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT = emitted(
        "DT402",
        "own-account-field-on-other-account",
        Category::Account,
        Severity::Error,
        "`login_id`, `nickname` or `disable_status` on a user who is not a DingTalk-built Enterprise Account of the caller's organization",
    );

    /// ## What it does
    /// Notes an Enterprise Account without `exclusive_account_type`, `exclusive_account_corp_name` or `exclusive_account_corp_id`, and (with `--corp-id`) a DingTalk-built Enterprise Account of the caller's organization without `login_id`, `nickname` or `disable_status`.
    ///
    /// ## Why is this bad?
    /// Clients written from the page expect these fields for such users.
    ///
    /// ## Example
    /// Noted: `"exclusive_account":true` with no `exclusive_account_type`.
    pub const DOCUMENTED_ACCOUNT_FIELD_MISSING = emitted(
        "DT403",
        "documented-account-field-missing",
        Category::Account,
        Severity::Info,
        "an Enterprise Account lacks a field the page says is returned for it",
    );
}

/// The body checks, in the order they run.
pub(crate) const CHECKS: &[Check] = &[Check {
    run: check,
    emits: &[
        &ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
        &OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
        &DOCUMENTED_ACCOUNT_FIELD_MISSING,
    ],
}];

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
