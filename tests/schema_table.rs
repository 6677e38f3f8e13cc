//! The schema holds exactly the fields of the reference page's response table, at the right place, with the table's types and conditions.

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

/// Rows of the response table: (name, type, description).
fn table_rows() -> Vec<(String, String, String)> {
    let page = reference("user-get-api-doc.txt");
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
            let kind = [
                "Object[]", "Number[]", "String", "Number", "Boolean", "Object",
            ]
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
    serde_json::from_str(dtlint::fields::RESPONSE_SCHEMA).expect("schema is JSON")
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
    let rows = table_rows();
    let from_table: Vec<(String, String)> = rows
        .iter()
        .map(|(n, k, _)| (n.clone(), k.clone()))
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
    assert_eq!(rows.len(), 51);
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
    let rows = table_rows();
    let mut fields = BTreeMap::new();
    schema_fields(&schema(), "", &mut fields);
    for ((name, _, description), (path, _)) in rows.iter().zip(EXPECTED) {
        let node = &fields[*path].1;
        let says = |needle: &str| description.contains(needle);
        let withheld = node
            .get("x-withheld-from")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v == "third-party"));
        assert_eq!(
            withheld,
            says("not returned for third-party enterprise apps"),
            "x-withheld-from of {name}"
        );
        let permission = node.get("x-permission").and_then(Value::as_str);
        let page_permission = if says("Mobile number information of employees permission") {
            Some("mobile")
        } else if says("Email and other profile information permission") {
            Some("email-profile")
        } else {
            None
        };
        assert_eq!(permission, page_permission, "x-permission of {name}");
        let account = node.get("x-account").and_then(Value::as_str);
        let page_account =
            if says("only for DingTalk Enterprise Accounts belonging to your organization") {
                Some("own-dingtalk")
            } else if says("only for Enterprise Accounts") || says("only to Enterprise Accounts") {
                Some("enterprise")
            } else {
                None
            };
        assert_eq!(account, page_account, "x-account of {name}");
        let only_when_set = node.get("x-only-when-set").is_some();
        let page_only_when_set = says("returned only when")
            || says("not returned if")
            || says("not included in the response if")
            || says("This field is returned when");
        assert_eq!(
            only_when_set, page_only_when_set,
            "x-only-when-set of {name}"
        );
    }
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
