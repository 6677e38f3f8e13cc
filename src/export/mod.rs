//! The embedded schemas exported for other tools: plain JSON Schema 2020-12 and an OpenAPI 3.1
//! document of the endpoint, with the members a given caller may not receive marked.
//!
//! The exported schemas are self-contained (no `$ref` leaves the document) and use only the
//! keywords of JSON Schema 2020-12; dtlint's annotations stay as `x-` keywords, which validators
//! ignore. Who may receive a member is read from the same annotations the rules read
//! ([`crate::api::fields::Field::access`]), so the export and `dtlint check` cannot disagree.
//!
//! For a caller, each member of `result` the caller may not receive gets three marks:
//! [`WITHHELD`] (`x-dtlint-withheld`, the reason), `deprecated: true` (which editors and
//! OpenAPI tools show), and a sentence at the end of its `description`. The member stays
//! optional, so a body without it is valid; a body with it is valid too, since receiving a
//! member is a compliance question that `dtlint check` answers, not a matter of shape.
//! Enterprise Account conditions (`x-account`) depend on the user, not on the caller, and are
//! kept as they are.
//!
//! ```
//! use dtlint::export::{self, Part};
//! use dtlint::{AppType, Caller};
//!
//! let mut caller = Caller::default();
//! caller.app_type = Some(AppType::ThirdParty);
//! let schema = export::json_schema(Part::Response, Some(&caller));
//! let mobile = &schema["properties"]["result"]["properties"]["mobile"];
//! assert_eq!(mobile["deprecated"], true);
//! assert!(mobile[export::WITHHELD].is_string());
//! ```

mod openapi;

use serde_json::{json, Value};

use crate::api::caller::Caller;
use crate::api::fields::{self, Access};

pub use openapi::openapi;

/// The annotation on a member the caller may not receive; its value says why.
pub const WITHHELD: &str = "x-dtlint-withheld";

/// The annotation at the top of a document exported for a caller, naming that caller.
pub const CALLER: &str = "x-dtlint-caller";

/// Which of the two embedded schemas to export as JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Part {
    /// The response body (success and error answers).
    #[default]
    Response,
    /// dtlint's normalised view of a request: `{method, query, body}`.
    Request,
}

/// One embedded schema as plain JSON Schema 2020-12; the response schema with `caller`'s
/// withheld members marked when a caller is given (the request schema has nothing to mark).
pub fn json_schema(part: Part, caller: Option<&Caller>) -> Value {
    match part {
        Part::Response => response(caller),
        Part::Request => request(),
    }
}

/// A schema as the text the command prints: indented JSON, keys sorted, ending with a newline.
pub fn to_text(schema: &Value) -> String {
    // Serialising a `Value` cannot fail: its keys are strings.
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Why `caller` may not receive a member, or `None` when it may (or when that is not known
/// without an app type).
pub fn withheld_reason(field: &fields::Field, caller: &Caller) -> Option<String> {
    match field.access(caller) {
        Access::Allowed | Access::Unknown => None,
        Access::Withheld(app_type) => Some(format!("never sent to {}", app_type.describe())),
        Access::NeedsPermission(permission) => Some(format!(
            "sent to an internal app only with the Contacts permission \"{}\" ({permission}), which this caller lacks",
            permission.console_name()
        )),
    }
}

/// The request schema, which is already plain JSON Schema 2020-12.
fn request() -> Value {
    serde_json::from_str(fields::REQUEST_SCHEMA).unwrap_or(Value::Null)
}

fn response(caller: Option<&Caller>) -> Value {
    let mut schema = fields::response_schema().clone();
    let Some(caller) = caller else {
        return schema;
    };
    let mut marked = 0;
    if let Some(members) = schema
        .pointer_mut("/properties/result/properties")
        .and_then(Value::as_object_mut)
    {
        for field in fields::result_fields() {
            let (Some(reason), Some(node)) = (
                withheld_reason(field, caller),
                members.get_mut(&field.name).and_then(Value::as_object_mut),
            ) else {
                continue;
            };
            let description = node
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let description = format!("{description} Not for this caller: {reason}.");
            node.insert(
                "description".to_owned(),
                Value::from(description.trim_start()),
            );
            node.insert("deprecated".to_owned(), Value::Bool(true));
            node.insert(WITHHELD.to_owned(), Value::from(reason));
            marked += 1;
        }
    }
    let tag = caller_tag(caller);
    let id = schema["$id"]
        .as_str()
        .unwrap_or("urn:dtlint:schema:user-get.response");
    schema["$id"] = Value::from(format!("{id}:for:{tag}"));
    schema[CALLER] = caller_value(caller);
    let note = format!(
        " Exported for {tag}: the {marked} members of result this caller may not receive carry {WITHHELD} (the reason) and deprecated: true; they stay optional, so a body without them is valid."
    );
    if let Some(Value::String(description)) = schema.get_mut("description") {
        description.push_str(&note);
    }
    schema
}

/// The caller in a form fit for a URN: `internal+mobile`, `third-party`, `unknown`.
fn caller_tag(caller: &Caller) -> String {
    let mut tag = caller
        .app_type
        .map_or("unknown", crate::api::caller::AppType::as_str)
        .to_owned();
    for permission in &caller.permissions {
        tag.push('+');
        tag.push_str(permission.as_str());
    }
    tag
}

/// The caller as the documents name it; the corp id is left out, since no mark depends on it.
fn caller_value(caller: &Caller) -> Value {
    json!({
        "app-type": caller.app_type.map(crate::api::caller::AppType::as_str),
        "permissions": caller.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::caller::{AppType, Permission};

    fn member<'a>(schema: &'a Value, name: &str) -> &'a Value {
        &schema["properties"]["result"]["properties"][name]
    }

    #[test]
    fn without_a_caller_the_schema_is_the_embedded_one() {
        assert_eq!(
            &json_schema(Part::Response, None),
            fields::response_schema()
        );
    }

    #[test]
    fn an_internal_app_without_permissions_gets_permission_fields_marked() {
        let caller = Caller {
            app_type: Some(AppType::Internal),
            permissions: [Permission::Mobile].into_iter().collect(),
            corp_id: None,
        };
        let schema = json_schema(Part::Response, Some(&caller));
        assert!(member(&schema, "mobile").get(WITHHELD).is_none());
        assert!(member(&schema, "state_code").get(WITHHELD).is_none());
        let email = member(&schema, "email");
        assert_eq!(email["deprecated"], true);
        assert!(email[WITHHELD]
            .as_str()
            .is_some_and(|r| r.contains("Email and other profile information")));
        assert_eq!(
            schema["$id"],
            "urn:dtlint:schema:user-get.response:for:internal+mobile"
        );
        assert_eq!(schema[CALLER]["permissions"], json!(["mobile"]));
    }

    #[test]
    fn marks_match_the_access_rules() {
        let caller = Caller {
            app_type: Some(AppType::ThirdParty),
            ..Caller::default()
        };
        let schema = json_schema(Part::Response, Some(&caller));
        for field in fields::result_fields() {
            let marked = member(&schema, &field.name).get(WITHHELD).is_some();
            assert_eq!(
                marked,
                field.access(&caller) != Access::Allowed,
                "{}",
                field.name
            );
        }
    }
}
