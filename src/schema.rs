//! Compiles the embedded response schema once, repairs the documentation's quirks in a copy, and maps validator errors to findings.

use std::borrow::Cow;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;

use crate::fields::{response_schema, schema_node_at};
use crate::finding::{display_path, escape_token, Finding};
use crate::rules::{
    Rule, BODY_NOT_AN_OBJECT, ERROR_WITH_RESULT, INVALID_EMAIL, MISSING_REQUIRED_FIELD, NULL_VALUE,
    NUMBER_LIST_AS_STRING, OBJECT_INSTEAD_OF_ARRAY, QUOTED_BOOLEAN, QUOTED_NUMBER,
    SCHEMA_VIOLATION, SUCCESS_WITHOUT_RESULT, UNDOCUMENTED_FIELD, VALUE_NOT_IN_ENUM,
    VALUE_TOO_LONG, WRONG_TYPE,
};

/// The page's response example, kept verbatim; messages say whether it writes a field the same way.
const DOCUMENTED_EXAMPLE: &str = include_str!("../samples/documented-example.json");

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

/// The same schema compiled for bodies held in a [`Doc`](crate::doc::Doc), which is how every
/// body is validated first.
///
/// # Panics
/// Never at run time, as for [`validator`].
pub fn doc_validator() -> &'static Validator<crate::doc::DocJson> {
    static VALIDATOR: OnceLock<Validator<crate::doc::DocJson>> = OnceLock::new();
    VALIDATOR.get_or_init(compile)
}

/// The response schema compiled for one JSON representation, with the same options for each.
fn compile<F: jsonschema::json::Json>() -> Validator<F> {
    #[allow(clippy::expect_used)]
    jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("email", crate::email_format::is_email)
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
    Wrapped(String),
    /// A string was parsed into the value now at this pointer.
    Parsed(String),
}

impl PointerMap {
    /// The pointer in the body as received that corresponds to a pointer in the repaired copy.
    pub fn to_original(&self, pointer: &str) -> String {
        let mut p = pointer.to_owned();
        for edit in self.edits.iter().rev() {
            match edit {
                Edit::Wrapped(at) => {
                    if let Some(rest) = p
                        .strip_prefix(at.as_str())
                        .and_then(|r| r.strip_prefix("/0"))
                    {
                        if rest.is_empty() || rest.starts_with('/') {
                            p = format!("{at}{rest}");
                        }
                    }
                }
                Edit::Parsed(at) => {
                    if p.len() > at.len()
                        && p.starts_with(at.as_str())
                        && p.as_bytes()[at.len()] == b'/'
                    {
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
    pointer: String,
    rule: &'static Rule,
    replacement: Value,
    wraps: bool,
    found: String,
    expected: &'static str,
}

/// Validates a body held in a [`Doc`](crate::doc::Doc) where it lies: its findings, or `None`
/// when a documentation quirk needs the repair path of [`repair`].
pub fn validate_in_place(body: crate::doc::Node<'_>) -> Option<Vec<Finding>> {
    let validator = doc_validator();
    if validator.is_valid(body) {
        return Some(Vec::new());
    }
    let errors: Vec<ValidationError<'_>> = validator.iter_errors(body).collect();
    if errors.iter().any(|e| quirk_of(e).is_some()) {
        return None;
    }
    let branch = branch_of(body.get("errcode").and_then(crate::doc::Node::as_i64));
    let mut findings = Vec::new();
    for error in &errors {
        schema_findings(error, &PointerMap::default(), branch, &mut findings);
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
            findings.push(quirk_finding(&repair, &original));
            if let Some(slot) = work.pointer_mut(&repair.pointer) {
                *slot = repair.replacement;
            }
            map.edits.push(if repair.wraps {
                Edit::Wrapped(repair.pointer)
            } else {
                Edit::Parsed(repair.pointer)
            });
        }
    }
    let branch = branch_label(&work);
    for error in validator.iter_errors(&work) {
        schema_findings(&error, &map, branch, &mut findings);
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
    let pointer = error.instance_path().as_str().to_owned();
    match (expected, error.instance().as_ref()) {
        (JsonType::Boolean, Value::String(s)) if s == "true" || s == "false" => Some(Repair {
            pointer,
            rule: &QUOTED_BOOLEAN,
            replacement: Value::Bool(s == "true"),
            wraps: false,
            found: format!("the string {s:?}"),
            expected: "a boolean",
        }),
        (JsonType::Integer | JsonType::Number, Value::String(s)) => {
            let number = parse_integer(s)?;
            Some(Repair {
                pointer,
                rule: &QUOTED_NUMBER,
                replacement: number,
                wraps: false,
                found: format!("the string {}", shorten(&format!("{s:?}"))),
                expected: "a number",
            })
        }
        (JsonType::Array, Value::String(s)) => {
            let items_integer = schema_node_at(&pointer)?.pointer("/items/type")? == "integer";
            let list: Value = serde_json::from_str(s).ok()?;
            let all_integers = list.as_array()?.iter().all(|v| v.is_i64() || v.is_u64());
            (items_integer && all_integers).then_some(Repair {
                pointer,
                rule: &NUMBER_LIST_AS_STRING,
                replacement: list,
                wraps: false,
                found: format!("the string {}", shorten(&format!("{s:?}"))),
                expected: "an array of numbers",
            })
        }
        (JsonType::Array, Value::Object(_)) => {
            let items_object = schema_node_at(&pointer)?.pointer("/items/type")? == "object";
            items_object.then(|| Repair {
                replacement: Value::Array(vec![error.instance().as_ref().clone()]),
                pointer,
                rule: &OBJECT_INSTEAD_OF_ARRAY,
                wraps: true,
                found: "a single object".to_owned(),
                expected: "an array of objects",
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

/// The JSON kind of a value, as messages name it.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a non-integer number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn quirk_finding(repair: &Repair, original: &str) -> Finding {
    let path = display_path(original);
    let example_same = documented_example()
        .pointer(original)
        .is_some_and(|v| kind_of(v) == repair_found_kind(repair));
    let tail = if example_same {
        "; the page's own response example writes this field the same way, but its table wins"
    } else {
        "; the page's response example writes such fields this way, but its table wins"
    };
    let help = match repair.rule.code {
        "DT201" => "send the JSON literal true or false, without quotes",
        "DT202" => "send the number without quotes",
        "DT203" => "send a JSON array such as [2,3,4], not a string holding one",
        _ => "send an array of objects, even when it holds one object",
    };
    Finding::new(
        repair.rule,
        original,
        format!(
            "`{path}` is {}; the table documents {}{tail}",
            repair.found, repair.expected
        ),
    )
    .with_help(help)
}

fn repair_found_kind(repair: &Repair) -> &'static str {
    if repair.wraps {
        "an object"
    } else {
        "a string"
    }
}

fn join(parent: &str, key: &str) -> String {
    format!("{parent}/{}", escape_token(key))
}

fn schema_findings(
    error: &ValidationError<'_>,
    map: &PointerMap,
    branch: &str,
    out: &mut Vec<Finding>,
) {
    let at = error.instance_path().as_str();
    let schema_path = error.schema_path().as_str();
    let pointer = map.to_original(at);
    let path = display_path(&pointer);
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(*t).to_owned(),
                TypeKind::Multiple(set) => set.iter().map(article).collect::<Vec<_>>().join(" or "),
            };
            let found = error.instance();
            if pointer.is_empty() {
                out.push(
                    Finding::new(
                        &BODY_NOT_AN_OBJECT,
                        "",
                        format!(
                            "the body is {}, but every answer of this API is a JSON object",
                            kind_of(found)
                        ),
                    )
                    .with_help(
                        "check that the capture holds the whole body as the platform sent it",
                    ),
                );
                return;
            }
            let rule = if found.is_null() {
                &NULL_VALUE
            } else {
                &WRONG_TYPE
            };
            let help = if found.is_null() {
                "leave the field out or send an empty value; the platform never sends null"
            } else {
                "send the type the page's table gives"
            };
            out.push(
                Finding::new(
                    rule,
                    &pointer,
                    format!(
                        "`{path}` is {}, but must be {expected}; {branch}",
                        kind_of(found)
                    ),
                )
                .with_help(help),
            );
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let missing = join(&pointer, name);
            let missing_path = display_path(&missing);
            if schema_path.starts_with("/then") {
                out.push(
                    Finding::new(&SUCCESS_WITHOUT_RESULT, missing, "`errcode` is 0 but the body has no `result`; a success carries the user in `result`")
                        .with_help("a success must return the user; an error must have a non-zero errcode"),
                );
                return;
            }
            let example_too = pointer.is_empty() && documented_example().get(name).is_none();
            let note = if example_too {
                " (the page's own response example omits it too, though its table lists it)"
            } else {
                ""
            };
            out.push(
                Finding::new(
                    &MISSING_REQUIRED_FIELD,
                    missing,
                    format!("`{missing_path}` is missing{note}; {branch}"),
                )
                .with_help("every real answer of this API carries this field"),
            );
        }
        ValidationErrorKind::FalseSchema if schema_path.starts_with("/else") => {
            out.push(
                Finding::new(
                    &ERROR_WITH_RESULT,
                    &pointer,
                    "the body has a non-zero `errcode` and also a `result`",
                )
                .with_help("an error response carries no user; decide on errcode"),
            );
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let field = join(&pointer, key);
                let field_path = display_path(&field);
                out.push(
                    Finding::new(&UNDOCUMENTED_FIELD, field, format!("`{field_path}` is not documented by the page nor known from real traffic; {branch}"))
                        .with_help("find out what the field holds and who may receive it"),
                );
            }
        }
        ValidationErrorKind::Enum { options } => {
            let listed = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let found = shorten(&error.instance().to_string());
            out.push(
                Finding::new(
                    &VALUE_NOT_IN_ENUM,
                    &pointer,
                    format!("`{path}` is {found}, which is not one of {listed}"),
                )
                .with_help("use one of the values the page lists; they are case-sensitive"),
            );
        }
        ValidationErrorKind::Format { format } => {
            out.push(
                Finding::new(&INVALID_EMAIL, &pointer, format!("`{path}` is not a valid {format} address"))
                    .with_help("send an address such as user@example.com, or an empty string when there is none"),
            );
        }
        ValidationErrorKind::MaxLength { limit } => {
            let length = error.instance().as_str().map_or(0, |s| s.chars().count());
            out.push(
                Finding::new(
                    &VALUE_TOO_LONG,
                    &pointer,
                    format!("`{path}` has {length} characters; the page allows at most {limit}"),
                )
                .with_help("shorten the custom profile attributes"),
            );
        }
        _ => {
            out.push(Finding::new(
                &SCHEMA_VIOLATION,
                &pointer,
                format!("`{path}`: {}; {branch}", error.masked()),
            ));
        }
    }
}

fn article(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "an array",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "an object",
        JsonType::String => "a string",
    }
}

/// Quotes at most 60 characters of a value in a message.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    let head: String = text.chars().take(57).collect();
    format!("{head}...")
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
            .map(|f| (f.rule.code.to_owned(), f.pointer.clone(), f.message.clone()))
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn in_place_validation_finds_what_the_value_path_finds() {
        let (mut in_place, mut repaired) = (0, 0);
        for (path, value) in bodies() {
            let doc = crate::doc::Doc::from_value(&value);
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
