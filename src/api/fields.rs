//! Reads the annotated response schema into the field facts the rule engine and `dtlint fields` share.

use std::sync::OnceLock;

use serde_json::Value;

use crate::api::caller::{AppType, Caller, Permission};
use crate::json::Pointer;

/// The annotated response schema, embedded so the binary never reads or fetches it at run time.
pub const RESPONSE_SCHEMA: &str = include_str!("../../schemas/user-get.response.schema.json");
/// The request schema, embedded for the same reason.
pub(crate) const REQUEST_SCHEMA: &str = include_str!("../../schemas/user-get.request.schema.json");

/// Which accounts the page says carry a field (`x-account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountScope {
    /// Returned only when the user is an Enterprise Account.
    Enterprise,
    /// Returned only for DingTalk-built Enterprise Accounts of the caller's own organization.
    OwnDingtalk,
}

impl AccountScope {
    /// The condition in words, for reports.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Enterprise => "returned only for Enterprise Accounts",
            Self::OwnDingtalk => {
                "returned only for DingTalk-built Enterprise Accounts of the caller's own organization"
            }
        }
    }
}

/// How a personal value is masked in reports (`x-personal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Personal {
    /// A phone number: only its first three and last four digits shown.
    Phone,
    /// An email address: only the first character and the domain shown.
    Email,
    /// Any other personal text (a name, an address): masked whole.
    Text,
}

/// One member of `result` with what the page says about who receives it.
#[derive(Debug, Clone)]
pub struct Field {
    /// The member's name in `result`.
    pub name: String,
    /// Its pointer in a response (`/result/<name>`).
    pub pointer: Pointer,
    /// Its JSON type in the page's table.
    pub json_type: String,
    /// The page's description.
    pub description: String,
    /// App types the page says never receive it (`x-withheld-from`).
    pub withheld_from: Vec<AppType>,
    /// The permission an internal app needs to receive it (`x-permission`).
    pub permission: Option<Permission>,
    /// Which accounts carry it (`x-account`).
    pub account: Option<AccountScope>,
    /// The page leaves the field out while it has no value; this says when it has one (`x-only-when-set`).
    pub only_when_set: Option<String>,
    /// How its value is masked, when it is personal (`x-personal`).
    pub personal: Option<Personal>,
    /// `Some(source)` for fields the page does not list but that are known from elsewhere.
    pub undocumented: Option<String>,
}

/// Whether a caller may receive a field, and the page's condition if not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The caller may receive it.
    Allowed,
    /// Never sent to this app type.
    Withheld(AppType),
    /// Sent to internal apps only with this permission.
    NeedsPermission(Permission),
    /// Not known without an app type.
    Unknown,
}

impl Field {
    /// What the page says this caller may receive, ignoring account conditions.
    pub fn access(&self, caller: &Caller) -> Access {
        let Some(app_type) = caller.app_type else {
            return if self.withheld_from.is_empty() && self.permission.is_none() {
                Access::Allowed
            } else {
                Access::Unknown
            };
        };
        if self.withheld_from.contains(&app_type) {
            return Access::Withheld(app_type);
        }
        match (app_type, self.permission) {
            (AppType::Internal, Some(permission)) if !caller.has(permission) => {
                Access::NeedsPermission(permission)
            }
            _ => Access::Allowed,
        }
    }

    /// Whether the page lists the field.
    pub fn documented(&self) -> bool {
        self.undocumented.is_none()
    }
}

/// The parsed response schema.
pub(crate) fn response_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(RESPONSE_SCHEMA).unwrap_or(Value::Null))
}

/// Just enough of the schema's shape to read `result`'s members in the order the file gives them
/// (a `Value` map sorts its keys).
#[derive(serde::Deserialize)]
struct Ordered<T> {
    properties: T,
}

#[derive(serde::Deserialize)]
struct Top {
    result: Ordered<indexmap::IndexMap<String, Value>>,
}

/// The members of `result`, in the schema's (the page's) order.
pub fn result_fields() -> &'static [Field] {
    static FIELDS: OnceLock<Vec<Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let Ok(schema) = serde_json::from_str::<Ordered<Top>>(RESPONSE_SCHEMA) else {
            return Vec::new();
        };
        schema
            .properties
            .result
            .properties
            .iter()
            .map(|(name, node)| field_from(name, node))
            .collect()
    })
}

/// The members of `result` that carry a condition on who receives them (`x-withheld-from`, `x-permission`).
pub(crate) fn exposure_fields() -> &'static [&'static Field] {
    static FIELDS: OnceLock<Vec<&'static Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        result_fields()
            .iter()
            .filter(|f| !f.withheld_from.is_empty() || f.permission.is_some())
            .collect()
    })
}

/// The members of `result` that only some accounts carry (`x-account`).
pub(crate) fn account_fields() -> &'static [&'static Field] {
    static FIELDS: OnceLock<Vec<&'static Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        result_fields()
            .iter()
            .filter(|f| f.account.is_some())
            .collect()
    })
}

/// The members of `result` this page omits but other sources document (`x-undocumented`).
pub(crate) fn undocumented_fields() -> &'static [&'static Field] {
    static FIELDS: OnceLock<Vec<&'static Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        result_fields()
            .iter()
            .filter(|f| f.undocumented.is_some())
            .collect()
    })
}

/// Looks a member of `result` up by name.
pub(crate) fn result_field(name: &str) -> Option<&'static Field> {
    result_fields().iter().find(|f| f.name == name)
}

fn field_from(name: &str, node: &Value) -> Field {
    let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_owned);
    Field {
        name: name.to_owned(),
        pointer: Pointer::from("/result").child(name),
        json_type: text("type").unwrap_or_else(|| "any".to_owned()),
        description: text("description").unwrap_or_default(),
        withheld_from: node
            .get("x-withheld-from")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .filter_map(|t| match t {
                        "third-party" => Some(AppType::ThirdParty),
                        "internal" => Some(AppType::Internal),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        permission: text("x-permission").and_then(|p| Permission::parse(&p)),
        account: text("x-account").and_then(|a| match a.as_str() {
            "enterprise" => Some(AccountScope::Enterprise),
            "own-dingtalk" => Some(AccountScope::OwnDingtalk),
            _ => None,
        }),
        only_when_set: text("x-only-when-set"),
        personal: text("x-personal").and_then(|p| match p.as_str() {
            "phone" => Some(Personal::Phone),
            "email" => Some(Personal::Email),
            "text" => Some(Personal::Text),
            _ => None,
        }),
        undocumented: text("x-undocumented"),
    }
}

/// The schema node that describes the value at an instance pointer, following `properties` and `items`.
pub(crate) fn schema_node_at(pointer: &str) -> Option<&'static Value> {
    let mut node = response_schema();
    for token in crate::json::pointer::tokens(pointer)? {
        if let Some(child) = node.get("properties").and_then(|p| p.get(&*token)) {
            node = child;
        } else if token.bytes().all(|b| b.is_ascii_digit()) && node.get("items").is_some() {
            node = node.get("items")?;
        } else {
            return None;
        }
    }
    Some(node)
}

/// Presence as real traffic means it: `""`, `{}`, `[]` and `null` carry no value.
pub(crate) fn has_value(value: crate::json::doc::Node<'_>) -> bool {
    !value.is_null()
        && !(value.is_empty() && (value.is_string() || value.is_array() || value.is_object()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_annotations_are_read() {
        let mobile = result_field("mobile").expect("mobile is documented");
        assert_eq!(mobile.withheld_from, vec![AppType::ThirdParty]);
        assert_eq!(mobile.permission, Some(Permission::Mobile));
        assert_eq!(mobile.personal, Some(Personal::Phone));
        let login = result_field("login_id").expect("login_id is documented");
        assert_eq!(login.account, Some(AccountScope::OwnDingtalk));
        assert!(result_field("create_time").is_some_and(|f| !f.documented()));
    }

    #[test]
    fn access_follows_app_type_and_permissions() {
        let email = result_field("email").expect("email");
        let mut caller = Caller {
            app_type: Some(AppType::Internal),
            ..Caller::default()
        };
        assert_eq!(
            email.access(&caller),
            Access::NeedsPermission(Permission::EmailProfile)
        );
        caller.permissions.insert(Permission::EmailProfile);
        assert_eq!(email.access(&caller), Access::Allowed);
        caller.app_type = Some(AppType::ThirdParty);
        assert_eq!(email.access(&caller), Access::Withheld(AppType::ThirdParty));
        caller.app_type = None;
        assert_eq!(email.access(&caller), Access::Unknown);
    }

    #[test]
    fn fields_keep_the_schema_order() {
        let names: Vec<&str> = result_fields()
            .iter()
            .take(3)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["userid", "unionid", "name"]);
        assert_eq!(
            result_fields().len(),
            40,
            "35 documented members and 5 known from elsewhere"
        );
    }

    #[test]
    fn schema_node_follows_items() {
        let node = schema_node_at("/result/role_list/3/id").expect("role id");
        assert_eq!(node["type"], "integer");
        assert!(schema_node_at("/result/nope").is_none());
    }

    #[test]
    fn presence_treats_empty_values_as_absent() {
        for (text, expected) in [
            ("\"\"", false),
            ("{}", false),
            ("[]", false),
            ("null", false),
            ("false", true),
            ("0", true),
            ("\"x\"", true),
            ("[0]", true),
        ] {
            let doc = crate::json::doc::Doc::parse(text).expect("valid JSON");
            assert_eq!(has_value(doc.root()), expected, "{text}");
        }
    }
}
