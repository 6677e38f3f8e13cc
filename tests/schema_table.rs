//! The schema holds exactly the fields of the reference page's response table, at the right place, with the table's types and conditions.
//!
//! The table lives in the repository as `tests/data/response-table.tsv`, so a fresh clone needs
//! nothing beside it. When the page itself is beside the repository (`../shared/reference`), one
//! more test checks that file against the page row by row.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::reference;

/// Where each row of the page's response table lives, in the table's order. The page gives
/// nesting only by order and wording; this list is our reading of it, and the test below
/// checks it against the table row by row.
const EXPECTED: &[(&str, &str)] = &[
    ("request_id", "String"),
    ("errcode", "Number"),
    ("errmsg", "String"),
    ("result", "Object"),
    ("result.userid", "String"),
    ("result.unionid", "String"),
    ("result.name", "String"),
    ("result.avatar", "String"),
    ("result.state_code", "String"),
    ("result.mobile", "String"),
    ("result.hide_mobile", "Boolean"),
    ("result.telephone", "String"),
    ("result.job_number", "String"),
    ("result.title", "String"),
    ("result.email", "String"),
    ("result.org_email", "String"),
    ("result.work_place", "String"),
    ("result.remark", "String"),
    ("result.dept_id_list", "Number[]"),
    ("result.dept_order_list", "Object[]"),
    ("result.dept_order_list[].dept_id", "Number"),
    ("result.dept_order_list[].order", "Number"),
    ("result.extension", "String"),
    ("result.hired_date", "Number"),
    ("result.active", "Boolean"),
    ("result.real_authed", "Boolean"),
    ("result.senior", "Boolean"),
    ("result.admin", "Boolean"),
    ("result.boss", "Boolean"),
    ("result.leader_in_dept", "Object[]"),
    ("result.leader_in_dept[].dept_id", "Number"),
    ("result.leader_in_dept[].leader", "Boolean"),
    ("result.role_list", "Object[]"),
    ("result.role_list[].id", "Number"),
    ("result.role_list[].name", "String"),
    ("result.role_list[].group_name", "String"),
    ("result.exclusive_account", "Boolean"),
    ("result.union_emp_ext", "Object"),
    ("result.union_emp_ext.userid", "String"),
    ("result.union_emp_ext.union_emp_map_list", "Object[]"),
    ("result.union_emp_ext.union_emp_map_list[].userid", "String"),
    (
        "result.union_emp_ext.union_emp_map_list[].corp_id",
        "String",
    ),
    ("result.union_emp_ext.corp_id", "String"),
    ("result.exclusive_account_type", "String"),
    ("result.login_id", "String"),
    ("result.manager_userid", "String"),
    ("result.org_email_type", "String"),
    ("result.nickname", "String"),
    ("result.exclusive_account_corp_name", "String"),
    ("result.exclusive_account_corp_id", "String"),
    ("result.disable_status", "Boolean"),
];

/// The response table as kept in the repository.
const DATA: &str = include_str!("data/response-table.tsv");

/// The data file's column names.
const HEADER: &str = "name\ttype\tconditions";

/// The types the table uses; longer names first, so that `Object[]` is not read as `Object`.
const TYPES: [&str; 6] = [
    "Object[]", "Number[]", "String", "Number", "Boolean", "Object",
];

/// What the table says about when, and to whom, a field is returned.
#[derive(Debug, Default, PartialEq, Eq)]
struct Conditions {
    /// Not returned for third-party enterprise apps.
    withheld: bool,
    /// The Contacts permission an internal app needs: `mobile` or `email-profile`.
    permission: Option<&'static str>,
    /// The accounts the field applies to: `own-dingtalk` or `enterprise`.
    account: Option<&'static str>,
    /// Returned only when it holds a value.
    only_when_set: bool,
}

impl Conditions {
    /// Read from the page's description by its wording.
    fn from_description(description: &str) -> Self {
        let says = |needle: &str| description.contains(needle);
        let permission = if says("Mobile number information of employees permission") {
            Some("mobile")
        } else if says("Email and other profile information permission") {
            Some("email-profile")
        } else {
            None
        };
        let account =
            if says("only for DingTalk Enterprise Accounts belonging to your organization") {
                Some("own-dingtalk")
            } else if says("only for Enterprise Accounts") || says("only to Enterprise Accounts") {
                Some("enterprise")
            } else {
                None
            };
        Conditions {
            withheld: says("not returned for third-party enterprise apps"),
            permission,
            account,
            only_when_set: says("returned only when")
                || says("not returned if")
                || says("not included in the response if")
                || says("This field is returned when"),
        }
    }

    /// Read from the data file's `conditions` column: comma-separated tags, `-` for none.
    fn from_tags(tags: &str, line: &str) -> Self {
        let mut conditions = Conditions::default();
        if tags == "-" {
            return conditions;
        }
        for tag in tags.split(',') {
            let fresh = match tag {
                "third-party-withheld" => !std::mem::replace(&mut conditions.withheld, true),
                "needs-mobile-permission" => conditions.permission.replace("mobile").is_none(),
                "needs-email-profile-permission" => {
                    conditions.permission.replace("email-profile").is_none()
                }
                "own-dingtalk-account-only" => conditions.account.replace("own-dingtalk").is_none(),
                "enterprise-account-only" => conditions.account.replace("enterprise").is_none(),
                "only-when-set" => !std::mem::replace(&mut conditions.only_when_set, true),
                other => panic!("unknown condition tag {other:?} in {line:?}"),
            };
            assert!(
                fresh,
                "tag {tag:?} repeats or contradicts another in {line:?}"
            );
        }
        conditions
    }
}

/// Rows of the data file: (name, type, conditions).
fn data_rows() -> Vec<(String, String, Conditions)> {
    let mut lines = DATA.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(lines.next(), Some(HEADER), "the data file's header");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let [name, kind, tags] = columns[..] else {
                panic!("three tab-separated columns in {line:?}");
            };
            assert!(TYPES.contains(&kind), "unknown type in {line:?}");
            (
                name.to_owned(),
                kind.to_owned(),
                Conditions::from_tags(tags, line),
            )
        })
        .collect()
}

/// Rows of the page's response table: (name, type, description).
fn page_rows(page: &str) -> Vec<(String, String, String)> {
    let start = page
        .find("Response body\n")
        .expect("the page has a response table");
    let end = page
        .find("Response body example")
        .expect("the page has a response example");
    page[start..end]
        .lines()
        .skip_while(|l| !l.starts_with("NameType"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cut = line
                .find(|c: char| c.is_ascii_uppercase())
                .expect("a type follows the name");
            let (name, rest) = line.split_at(cut);
            let kind = TYPES
                .into_iter()
                .find(|k| rest.starts_with(k))
                .unwrap_or_else(|| panic!("unknown type in row {line:?}"));
            (
                name.to_owned(),
                kind.to_owned(),
                rest[kind.len()..].to_owned(),
            )
        })
        .collect()
}

fn schema() -> Value {
    serde_json::from_str(dtlint::api::fields::RESPONSE_SCHEMA).expect("schema is JSON")
}

/// Every property of the schema as (dotted path, table type, node), skipping those marked as not from the page.
fn schema_fields(node: &Value, prefix: &str, out: &mut BTreeMap<String, (String, Value)>) {
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, child) in properties {
        if child.get("x-undocumented").is_some() || child.get("x-source").is_some() {
            continue;
        }
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let kind = match child.get("type").and_then(Value::as_str) {
            Some("string") => "String".to_owned(),
            Some("integer") => "Number".to_owned(),
            Some("boolean") => "Boolean".to_owned(),
            Some("object") => "Object".to_owned(),
            Some("array") => match child.pointer("/items/type").and_then(Value::as_str) {
                Some("object") => "Object[]".to_owned(),
                Some("integer") => "Number[]".to_owned(),
                other => format!("array of {other:?}"),
            },
            other => format!("{other:?}"),
        };
        out.insert(path.clone(), (kind, child.clone()));
        schema_fields(child, &path, out);
        if let Some(items) = child.get("items") {
            schema_fields(items, &format!("{path}[]"), out);
        }
    }
}

#[test]
fn expected_nesting_follows_the_table_row_by_row() {
    let from_table: Vec<(String, String)> = data_rows()
        .into_iter()
        .map(|(name, kind, _)| (name, kind))
        .collect();
    let from_list: Vec<(String, String)> = EXPECTED
        .iter()
        .map(|(path, kind)| {
            (
                path.rsplit('.').next().unwrap_or(path).to_owned(),
                (*kind).to_owned(),
            )
        })
        .collect();
    assert_eq!(from_table, from_list);
    assert_eq!(from_table.len(), 51);
}

#[test]
fn schema_holds_exactly_the_table_fields_with_their_types() {
    let mut fields = BTreeMap::new();
    schema_fields(&schema(), "", &mut fields);
    let in_schema: BTreeMap<String, String> =
        fields.into_iter().map(|(p, (k, _))| (p, k)).collect();
    let expected: BTreeMap<String, String> = EXPECTED
        .iter()
        .map(|(p, k)| ((*p).to_owned(), (*k).to_owned()))
        .collect();
    assert_eq!(in_schema, expected);
}

#[test]
fn conditional_notes_of_the_table_equal_the_annotations() {
    let rows = data_rows();
    assert_eq!(
        rows.len(),
        EXPECTED.len(),
        "one data row per expected field"
    );
    let mut fields = BTreeMap::new();
    schema_fields(&schema(), "", &mut fields);
    for ((name, _, table), (path, _)) in rows.iter().zip(EXPECTED) {
        let node = &fields[*path].1;
        let withheld = node
            .get("x-withheld-from")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v == "third-party"));
        assert_eq!(withheld, table.withheld, "x-withheld-from of {name}");
        let permission = node.get("x-permission").and_then(Value::as_str);
        assert_eq!(permission, table.permission, "x-permission of {name}");
        let account = node.get("x-account").and_then(Value::as_str);
        assert_eq!(account, table.account, "x-account of {name}");
        let only_when_set = node.get("x-only-when-set").is_some();
        assert_eq!(
            only_when_set, table.only_when_set,
            "x-only-when-set of {name}"
        );
    }
}

#[test]
fn data_file_agrees_with_the_reference_page() {
    let Some(page) = reference("user-get-api-doc.txt") else {
        eprintln!(
            "note: ../shared/reference/user-get-api-doc.txt is absent; \
             tests/data/response-table.tsv was not compared with the page"
        );
        return;
    };
    let from_page: Vec<(String, String, Conditions)> = page_rows(&page)
        .into_iter()
        .map(|(name, kind, description)| (name, kind, Conditions::from_description(&description)))
        .collect();
    let from_data = data_rows();
    for (index, (data, page)) in from_data.iter().zip(&from_page).enumerate() {
        assert_eq!(data, page, "row {} of the response table", index + 1);
    }
    assert_eq!(from_data.len(), from_page.len(), "number of rows");
}

#[test]
fn enums_and_limits_follow_the_table() {
    let schema = schema();
    let enum_of = |p: &str| schema.pointer(p).cloned().expect("enum present");
    assert_eq!(
        enum_of("/properties/result/properties/exclusive_account_type/enum"),
        serde_json::json!(["sso", "dingtalk"])
    );
    assert_eq!(
        enum_of("/properties/result/properties/org_email_type/enum"),
        serde_json::json!(["profession", "base"])
    );
    assert_eq!(
        schema.pointer("/properties/result/properties/extension/maxLength"),
        Some(&serde_json::json!(2000))
    );
}
