//! DT108: members that this page omits but other sources document (`x-undocumented`).

use super::{Ctx, KNOWN_UNDOCUMENTED_FIELD};
use crate::api::fields::undocumented_fields;
use crate::finding::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.result().is_none() {
        return;
    }
    for field in undocumented_fields() {
        let Some(source) = &field.undocumented else {
            continue;
        };
        if ctx.field(&field.name).is_some() {
            out.push(Finding::new(
                &KNOWN_UNDOCUMENTED_FIELD,
                &field.pointer,
                format!(
                    "`result.{}` is not on the reference page but is known: {source}",
                    field.name
                ),
            ));
        }
    }
}
