//! Compiles the embedded response schema once, validates bodies, and repairs the documentation's
//! quirks in a copy. What each validator error means is the schema and quirk rule families'
//! (`rules::schema`, `rules::quirks`).

use std::borrow::Cow;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;

use crate::api::fields::{response_schema, schema_node_at};
use crate::finding::Finding;
use crate::json::pointer::{self, Pointer};
use crate::rules::quirks::Quirk;
use crate::rules::schema as schema_rules;
use crate::rules::schema::shorten;

/// The page's response example, kept verbatim; messages say whether it writes a field the same way.
const DOCUMENTED_EXAMPLE: &str = include_str!("../../samples/documented-example.json");

/// Repairs can uncover quirks nested in what they repaired (an object wrapped into an array
/// holds quoted numbers); a body from the page needs two rounds, so eight is ample.
const MAX_REPAIR_ROUNDS: usize = 8;

/// The compiled response validator, shared by every thread.
///
/// # Panics
/// Never at run time: the embedded schema is compiled by a unit test, so a broken schema fails the build's tests.
pub fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(compile)
}

/// The same schema compiled for bodies held in a [`Doc`](crate::json::doc::Doc), which is how every
/// body is validated first.
///
/// # Panics
/// Never at run time, as for [`validator`].
pub fn doc_validator() -> &'static Validator<crate::json::doc::DocJson> {
    static VALIDATOR: OnceLock<Validator<crate::json::doc::DocJson>> = OnceLock::new();
    VALIDATOR.get_or_init(compile)
}

/// The response schema compiled for one JSON representation, with the same options for each.
fn compile<F: jsonschema::json::Json>() -> Validator<F> {
    #[allow(clippy::expect_used)]
    jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("email", crate::api::email_format::is_email)
        .build(response_schema())
        .expect("the embedded response schema compiles (tested)")
}

fn documented_example() -> &'static Value {
    static EXAMPLE: OnceLock<Value> = OnceLock::new();
    EXAMPLE.get_or_init(|| serde_json::from_str(DOCUMENTED_EXAMPLE).unwrap_or(Value::Null))
}

/// Edits made to the working copy, so pointers found in it can be turned back into pointers of the body as received.
#[derive(Debug, Default, Clone)]
pub struct PointerMap {
    edits: Vec<Edit>,
}

#[derive(Debug, Clone)]
enum Edit {
    /// An object was wrapped into a one-item array at this (working-copy) pointer.
    Wrapped(Pointer),
    /// A string was parsed into the value now at this pointer.
    Parsed(Pointer),
}

impl PointerMap {
    /// The pointer in the body as received that corresponds to a pointer in the repaired copy.
    pub fn to_original(&self, pointer: &str) -> Pointer {
        self.original(Pointer::from(pointer))
    }

    /// [`PointerMap::to_original`] of a pointer the caller gives up; without edits (a body
    /// read in place) it comes back as it is, not copied.
    pub fn original(&self, mut p: Pointer) -> Pointer {
        for edit in self.edits.iter().rev() {
            match edit {
                Edit::Wrapped(at) => {
                    if let Some(rest) = pointer::strip_prefix(&p, at)
                        .and_then(|below| pointer::strip_prefix(below, "/0"))
                    {
                        p = Pointer::from(format!("{at}{rest}"));
                    }
                }
                Edit::Parsed(at) => {
                    if pointer::strip_prefix(&p, at).is_some_and(|below| !below.is_empty()) {
                        p.clone_from(at);
                    }
                }
            }
        }
        p
    }
}

/// The body after validation: findings, and the copy rules should read.
pub struct Validated<'a> {
    pub findings: Vec<Finding>,
    pub repaired: Cow<'a, Value>,
    pub map: PointerMap,
}

/// A repair of one documentation quirk.
struct Repair {
    pointer: Pointer,
    quirk: Quirk,
    replacement: Value,
    found: String,
}

/// Validates a body held in a [`Doc`](crate::json::doc::Doc) where it lies: its findings, or `None`
/// when a documentation quirk needs the repair path of [`repair`].
pub fn validate_in_place(body: crate::json::doc::Node<'_>) -> Option<Vec<Finding>> {
    let validator = doc_validator();
    if validator.is_valid(body) {
        return Some(Vec::new());
    }
    let errors: Vec<ValidationError<'_>> = validator.iter_errors(body).collect();
    if errors.iter().any(|e| quirk_of(e).is_some()) {
        return None;
    }
    let branch = branch_of(body.get("errcode").and_then(crate::json::doc::Node::as_i64));
    let mut findings = Vec::new();
    for error in &errors {
        let pointer = Pointer::from(error.instance_path().as_str());
        schema_rules::findings(error, &pointer, branch, documented_example(), &mut findings);
    }
    Some(findings)
}

/// Repairs the quirks of an invalid body, which becomes the working copy, and reports what
/// remains; [`validate_in_place`] for a body that may be valid.
pub fn repair(mut work: Value) -> Validated<'static> {
    let validator = validator();
    let mut map = PointerMap::default();
    let mut findings = Vec::new();
    for _ in 0..MAX_REPAIR_ROUNDS {
        let repairs: Vec<Repair> = validator
            .iter_errors(&work)
            .filter_map(|e| quirk_of(&e))
            .collect();
        if repairs.is_empty() {
            break;
        }
        for repair in repairs {
            let original = map.to_original(&repair.pointer);
            let example_same = documented_example()
                .pointer(&original)
                .is_some_and(|v| schema_rules::kind_of(v) == repair.quirk.found_kind());
            findings.push(repair.quirk.finding(&original, &repair.found, example_same));
            if let Some(slot) = work.pointer_mut(&repair.pointer) {
                *slot = repair.replacement;
            }
            map.edits
                .push(if repair.quirk == Quirk::ObjectInsteadOfArray {
                    Edit::Wrapped(repair.pointer)
                } else {
                    Edit::Parsed(repair.pointer)
                });
        }
    }
    let branch = branch_label(&work);
    for error in validator.iter_errors(&work) {
        let pointer = map.to_original(error.instance_path().as_str());
        schema_rules::findings(
            &error,
            &pointer,
            branch,
            documented_example(),
            &mut findings,
        );
    }
    Validated {
        findings,
        repaired: Cow::Owned(work),
        map,
    }
}

/// Which branch of the schema's `if errcode == 0` applied, for messages.
fn branch_label(body: &Value) -> &'static str {
    branch_of(body.get("errcode").and_then(Value::as_i64))
}

fn branch_of(errcode: Option<i64>) -> &'static str {
    match errcode {
        Some(0) | None => "checked as a success (errcode 0)",
        Some(_) => "checked as an error response (errcode not 0)",
    }
}

fn quirk_of(error: &ValidationError<'_>) -> Option<Repair> {
    let ValidationErrorKind::Type {
        kind: TypeKind::Single(expected),
    } = error.kind()
    else {
        return None;
    };
    let pointer = Pointer::from(error.instance_path().as_str());
    match (expected, error.instance().as_ref()) {
        (JsonType::Boolean, Value::String(s)) if s == "true" || s == "false" => Some(Repair {
            pointer,
            quirk: Quirk::QuotedBoolean,
            replacement: Value::Bool(s == "true"),
            found: format!("the string {s:?}"),
        }),
        (JsonType::Integer | JsonType::Number, Value::String(s)) => {
            let number = parse_integer(s)?;
            Some(Repair {
                pointer,
                quirk: Quirk::QuotedNumber,
                replacement: number,
                found: format!("the string {}", shorten(&format!("{s:?}"))),
            })
        }
        (JsonType::Array, Value::String(s)) => {
            let items_integer = schema_node_at(&pointer)?.pointer("/items/type")? == "integer";
            let list: Value = serde_json::from_str(s).ok()?;
            let all_integers = list.as_array()?.iter().all(|v| v.is_i64() || v.is_u64());
            (items_integer && all_integers).then_some(Repair {
                pointer,
                quirk: Quirk::NumberListAsString,
                replacement: list,
                found: format!("the string {}", shorten(&format!("{s:?}"))),
            })
        }
        (JsonType::Array, Value::Object(_)) => {
            let items_object = schema_node_at(&pointer)?.pointer("/items/type")? == "object";
            items_object.then(|| Repair {
                replacement: Value::Array(vec![error.instance().as_ref().clone()]),
                pointer,
                quirk: Quirk::ObjectInsteadOfArray,
                found: "a single object".to_owned(),
            })
        }
        _ => None,
    }
}

fn parse_integer(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .map(Value::from)
        .or_else(|_| text.parse::<u64>().map(Value::from))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every JSON body the repository holds (rule fixtures, bad inputs, samples).
    fn bodies() -> Vec<(std::path::PathBuf, Value)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        walkdir::WalkDir::new(root.join("tests/fixtures"))
            .into_iter()
            .chain(walkdir::WalkDir::new(root.join("samples")))
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                let value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
                Some((e.into_path(), value))
            })
            .collect()
    }

    /// The value path, which every body took before validation in place: the reference the
    /// in-place findings are compared with.
    fn validate(body: &Value) -> Validated<'_> {
        if validator().is_valid(body) {
            return Validated {
                findings: Vec::new(),
                repaired: Cow::Borrowed(body),
                map: PointerMap::default(),
            };
        }
        repair(body.clone())
    }

    fn keyed(findings: &[Finding]) -> Vec<(String, String, String)> {
        let mut keys: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.rule.code.to_owned(),
                    f.pointer.to_string(),
                    f.message.clone(),
                )
            })
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn in_place_validation_finds_what_the_value_path_finds() {
        let (mut in_place, mut repaired) = (0, 0);
        for (path, value) in bodies() {
            let doc = crate::json::doc::Doc::from_value(&value);
            let by_value = validate(&value).findings;
            match validate_in_place(doc.root()) {
                Some(found) => {
                    in_place += usize::from(!found.is_empty());
                    assert_eq!(keyed(&found), keyed(&by_value), "{}", path.display());
                }
                None => {
                    repaired += 1;
                    assert!(
                        by_value
                            .iter()
                            .any(|f| f.rule.category == crate::finding::Category::DocQuirk),
                        "{}: sent to the repair path without a quirk",
                        path.display()
                    );
                }
            }
        }
        // Both paths must have been exercised for the comparison to mean anything.
        assert!(
            in_place >= 10 && repaired >= 4,
            "{in_place} in place, {repaired} repaired"
        );
    }

    #[test]
    fn embedded_schema_compiles() {
        assert!(jsonschema::draft202012::options()
            .build(response_schema())
            .is_ok());
    }

    #[test]
    fn pointer_map_undoes_wraps_and_parses() {
        let map = PointerMap {
            edits: vec![
                Edit::Wrapped("/result/role_list".into()),
                Edit::Parsed("/result/dept_id_list".into()),
            ],
        };
        assert_eq!(
            map.to_original("/result/role_list/0/id"),
            "/result/role_list/id"
        );
        assert_eq!(map.to_original("/result/role_list"), "/result/role_list");
        assert_eq!(
            map.to_original("/result/dept_id_list/2"),
            "/result/dept_id_list"
        );
        assert_eq!(
            map.to_original("/result/role_list_x/0"),
            "/result/role_list_x/0"
        );
    }

    #[test]
    fn quoted_values_are_repaired_once() {
        let body = serde_json::json!({"errcode":"0","errmsg":"ok","request_id":"abc","result":{"userid":"1","unionid":"u","name":"n","boss":"true","role_list":{"id":"100","name":"r","group_name":"g"}}});
        let v = validate(&body);
        let codes: Vec<_> = v
            .findings
            .iter()
            .map(|f| (f.rule.code, f.pointer.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("DT202", "/errcode"),
                ("DT201", "/result/boss"),
                ("DT204", "/result/role_list"),
                ("DT202", "/result/role_list/id"),
            ]
        );
        assert_eq!(v.repaired["result"]["role_list"][0]["id"], 100);
    }
}
