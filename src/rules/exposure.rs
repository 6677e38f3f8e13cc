//! DT301-DT303: fields that reached a caller the page says must not receive them (`x-withheld-from`, `x-permission`).

use super::{Ctx, FIELD_NEEDS_PERMISSION, FIELD_WITHHELD_FROM_APP_TYPE, WITHHELD_FIELD_SENT_EMPTY};
use crate::fields::{exposure_fields, has_value, Access};
use crate::finding::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.result().is_none() {
        return;
    }
    for field in exposure_fields() {
        let Some(value) = ctx.field(&field.name) else {
            continue;
        };
        let (rule, why, help) = match field.access(ctx.caller) {
            Access::Allowed | Access::Unknown => continue,
            Access::Withheld(app_type) => (
                &FIELD_WITHHELD_FROM_APP_TYPE,
                format!("the page says `{}` is not returned to {}", field.name, app_type.describe()),
                "a third-party enterprise app must obtain this through the DingTalk unified authorization suite; find which service sent it".to_owned(),
            ),
            Access::NeedsPermission(permission) => (
                &FIELD_NEEDS_PERMISSION,
                format!(
                    "`{}` reaches an internal app only with the \"{}\" Contacts permission, which the profile does not grant",
                    field.name,
                    permission.console_name()
                ),
                format!(
                    "if the app really holds the permission, add `--permission {permission}` (or `permissions = [\"{permission}\"]` in dtlint.toml); otherwise find why the field was sent"
                ),
            ),
        };
        if has_value(value) {
            out.push(
                Finding::new(
                    rule,
                    &field.pointer,
                    format!("`result.{}` carries a value: {why}", field.name),
                )
                .with_help(help),
            );
        } else {
            out.push(Finding::new(
                &WITHHELD_FIELD_SENT_EMPTY,
                &field.pointer,
                format!("`result.{}` is present but empty; {why}, so only its absence would be expected", field.name),
            ));
        }
    }
}
