//! DT301-DT303: fields that reached a caller the page says must not receive them (`x-withheld-from`, `x-permission`).

use super::define::{declare_rules, exposure};
use super::{Check, Ctx};
use crate::api::caller::Permission;
use crate::api::fields::{exposure_fields, has_value, Access};
use crate::finding::{Finding, Severity};

declare_rules! {
    /// ## What it does
    /// For a third-party enterprise app (`--app-type third-party`), reports a non-empty `state_code`, `mobile`, `telephone`, `email`, `org_email`, `work_place`, `remark`, `extension` or `hired_date`. The page says each of these is not returned to third-party enterprise apps (those must use the unified authorization suite for mobile, email and state code).
    ///
    /// ## Why is this bad?
    /// Personal data reached an app that the platform promises never gets it: a privacy incident, or a capture of another app's traffic.
    ///
    /// ## Example
    /// Fails (third-party): `"result":{"mobile":"13800138000",...}`
    ///
    /// Passes (third-party): `"result":{"userid":"...","name":"...",...}` without those fields.
    pub const FIELD_WITHHELD_FROM_APP_TYPE = exposure(
        "DT301",
        "field-withheld-from-app-type",
        Severity::Error,
        "a field the page says is not returned to this app type carries a value",
    );

    /// ## What it does
    /// For an internal app, reports a non-empty `mobile` without `--permission mobile` ("Mobile number information of employees"), and a non-empty `email`, `work_place`, `remark` or `extension` without `--permission email-profile` ("Email and other profile information"). The page ties each of these fields to that permission.
    ///
    /// ## Why is this bad?
    /// Either the app holds a permission its owners did not declare, or the capture reached the wrong app: both are audit findings.
    ///
    /// ## Example
    /// Fails (internal, no permissions): `"result":{"mobile":"13800138000"}`
    ///
    /// Passes (internal, `--permission mobile`): the same body.
    pub const FIELD_NEEDS_PERMISSION = exposure(
        "DT302",
        "field-needs-permission",
        Severity::Error,
        "an internal app received a field whose Contacts permission it was not granted",
    );

    /// ## What it does
    /// Notes a field that DT301 or DT302 would report, sent as `""`, `{}` or `[]`. Real traffic sends empty text fields this way, so this is no exposure.
    ///
    /// ## Why is this bad?
    /// It is not; it tells an auditor the member exists in the payload, so a value may appear in it for another user.
    ///
    /// ## Example
    /// Noted (third-party): `"mobile":""`
    pub const WITHHELD_FIELD_SENT_EMPTY = exposure(
        "DT303",
        "withheld-field-sent-empty",
        Severity::Info,
        "a field this caller must not receive is present but empty",
    );
}

/// The body checks, in the order they run.
pub(crate) const CHECKS: &[Check] = &[Check {
    run: check,
    emits: &[
        &FIELD_WITHHELD_FROM_APP_TYPE,
        &FIELD_NEEDS_PERMISSION,
        &WITHHELD_FIELD_SENT_EMPTY,
    ],
}];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.result().is_none() {
        return;
    }
    let fields = exposure_fields();
    for (i, field) in fields.iter().enumerate() {
        let Some(value) = ctx.field(&field.name) else {
            continue;
        };
        let name = field.name.as_str();
        // Each message is joined from pieces in one allocation of the right size (`concat`),
        // not formatted: a third-party profile on internal traffic gives a finding for nearly
        // every field of every body.
        let (rule, why, help): (_, [&str; 5], _) = match field.access(ctx.caller) {
            Access::Allowed | Access::Unknown => continue,
            Access::Withheld(app_type) => (
                &FIELD_WITHHELD_FROM_APP_TYPE,
                ["the page says `", name, "` is not returned to ", app_type.describe(), ""],
                "a third-party enterprise app must obtain this through the DingTalk unified authorization suite; find which service sent it",
            ),
            Access::NeedsPermission(permission) => (
                &FIELD_NEEDS_PERMISSION,
                [
                    "`",
                    name,
                    "` reaches an internal app only with the \"",
                    permission.console_name(),
                    "\" Contacts permission, which the profile does not grant",
                ],
                permission_help(permission),
            ),
        };
        // Most bodies that carry one of these fields carry several.
        out.reserve(fields.len() - i);
        let [w0, w1, w2, w3, w4] = why;
        if has_value(value) {
            let message = ["`result.", name, "` carries a value: ", w0, w1, w2, w3, w4].concat();
            out.push(Finding::new(rule, &field.pointer, message).with_help(help));
        } else {
            let message = [
                "`result.",
                name,
                "` is present but empty; ",
                w0,
                w1,
                w2,
                w3,
                w4,
                ", so only its absence would be expected",
            ]
            .concat();
            out.push(Finding::new(
                &WITHHELD_FIELD_SENT_EMPTY,
                &field.pointer,
                message,
            ));
        }
    }
}

/// What an internal app without `permission` is told to do.
const fn permission_help(permission: Permission) -> &'static str {
    match permission {
        Permission::Mobile => "if the app really holds the permission, add `--permission mobile` (or `permissions = [\"mobile\"]` in dtlint.toml); otherwise find why the field was sent",
        Permission::EmailProfile => "if the app really holds the permission, add `--permission email-profile` (or `permissions = [\"email-profile\"]` in dtlint.toml); otherwise find why the field was sent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_help_names_each_permission_as_flags_do() {
        for permission in Permission::ALL {
            let help = permission_help(permission);
            assert_eq!(
                help,
                format!(
                    "if the app really holds the permission, add `--permission {permission}` (or `permissions = [\"{permission}\"]` in dtlint.toml); otherwise find why the field was sent"
                )
            );
        }
    }
}
