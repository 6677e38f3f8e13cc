//! The OpenAPI 3.1 document of `POST /topapi/v2/user/get` (and `GET /gettoken`), built from the
//! exported schemas, in a fixed key order.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{json_schema, Part, CALLER};
use crate::api::caller::Caller;
use crate::api::fields;

/// The examples, written from the field table; each list's first is the one tools serve by default.
const EXAMPLES: &str = include_str!("examples.json");

/// Where components are referenced from.
const SCHEMAS: &str = "#/components/schemas/";

/// The security scheme of the token every call but GET /gettoken carries in its query.
const ACCESS_TOKEN: &str = "access_token";

/// A JSON tree whose objects keep the order they are built in; `Value`'s maps sort their keys,
/// and tools such as Prism serve the *first* example of a list, so order matters here.
#[derive(Serialize)]
#[serde(untagged)]
enum Tree {
    Object(IndexMap<String, Tree>),
    Leaf(Value),
}

impl From<Value> for Tree {
    fn from(value: Value) -> Self {
        Self::Leaf(value)
    }
}

/// An ordered object from its members.
fn obj<const N: usize>(members: [(&str, Tree); N]) -> Tree {
    Tree::Object(
        members
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

fn leaf(value: Value) -> Tree {
    Tree::Leaf(value)
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMAS}{name}") })
}

/// The OpenAPI 3.1 document of the endpoint as indented JSON text ending with a newline: the
/// `access_token` security scheme, the body as a form or as JSON, and the one HTTP 200 answer
/// as a success or an error body told apart by `errcode`, with examples; `caller`'s withheld
/// members are marked as in [`json_schema`] and left out of the success example.
pub fn openapi(caller: Option<&Caller>) -> String {
    let mut response = json_schema(Part::Response, caller);
    let mut request = json_schema(Part::Request, None);
    for schema in [&mut response, &mut request] {
        open_items(schema);
    }
    let examples: Value = serde_json::from_str(EXAMPLES).unwrap_or(Value::Null);
    let mut info = vec![
        ("title", leaf(json!("DingTalk user details (Enterprise Account): topapi/v2/user/get"))),
        ("version", leaf(json!(env!("CARGO_PKG_VERSION")))),
        ("summary", leaf(json!("The get-user-details call as its field table and real traffic describe it, exported by dtlint"))),
        ("description", leaf(json!(DESCRIPTION))),
        ("license", license()),
    ];
    if let Some(value) = response.get(CALLER) {
        info.push((CALLER, leaf(value.clone())));
    }
    let info = Tree::Object(info.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
    let document = obj([
        ("openapi", leaf(json!("3.1.0"))),
        ("info", info),
        (
            "servers",
            leaf(json!([
                {"url": "https://oapi.dingtalk.com", "description": "The platform's API host, as SDKs and real traffic use it"},
                {"url": "https://oapi.dingtalk.io", "description": "The host the English reference page names"}
            ])),
        ),
        (
            "tags",
            leaf(json!([
                {"name": "contacts", "description": "Users of the organization"},
                {"name": "auth", "description": "Access tokens"}
            ])),
        ),
        (
            "paths",
            obj([
                (
                    "/topapi/v2/user/get",
                    obj([("post", user_get(&examples, caller))]),
                ),
                ("/gettoken", obj([("get", gettoken(&examples))])),
            ]),
        ),
        (
            "components",
            obj([
                ("schemas", components(&response, &request)),
                ("securitySchemes", security_schemes()),
            ]),
        ),
    ]);
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The licence of the document, which dtlint writes from its own schema: the crate's, as an
/// SPDX expression (`identifier`, new in OpenAPI 3.1), since linters ask for one.
fn license() -> Tree {
    obj([
        ("name", leaf(json!(env!("CARGO_PKG_LICENSE")))),
        ("identifier", leaf(json!(env!("CARGO_PKG_LICENSE")))),
    ])
}

/// The token as a security scheme rather than a query parameter: tools then know it is a
/// credential (generators put it in their configuration, Redocly's `security-defined` is
/// satisfied), and a parameter of the same name beside it would declare it twice.
fn security_schemes() -> Tree {
    obj([(
        ACCESS_TOKEN,
        leaf(json!({
            "type": "apiKey",
            "in": "query",
            "name": ACCESS_TOKEN,
            "description": "The calling app's credential (from GET /gettoken for an internal app, or the third-party token call). A secret: never log it.",
            "x-secret": true
        })),
    )])
}

const DESCRIPTION: &str = "Reads one user of the caller's organization. The platform answers every call with HTTP 200 and `content-type: application/json`: `errcode` 0 is a success carrying `result`, any other value an error (for `errcode` 88 the cause is in `sub_code`). Keys starting with `x-` are dtlint's annotations on who may receive a member (`x-withheld-from`, `x-permission`, `x-account`); validators and generators ignore them, `dtlint check` enforces them.";

fn user_get(examples: &Value, caller: Option<&Caller>) -> Tree {
    let body_content = |example: Value| {
        obj([
            ("schema", leaf(schema_ref("UserGetRequest"))),
            ("example", leaf(example)),
        ])
    };
    obj([
        ("operationId", leaf(json!("getUser"))),
        ("tags", leaf(json!(["contacts"]))),
        ("summary", leaf(json!("Get the details of one user"))),
        ("description", leaf(json!("Reads a user by `userid`, or by `login_id` for DingTalk-built Enterprise Accounts of the caller's own organization (then `userid` is ignored). Which members of `result` arrive depends on the app type and its Contacts permissions; see each member's `x-` annotations."))),
        ("security", leaf(json!([{ ACCESS_TOKEN: [] }]))),
        (
            "requestBody",
            obj([
                ("required", leaf(json!(true))),
                (
                    "content",
                    obj([
                        // JSON first: generators build the request from the first media type, and
                        // openapi-generator's Python client, given form first, gathers form
                        // fields yet sends them as JSON, that is not at all.
                        (
                            "application/json",
                            body_content(json!({"userid": "0256170812348921", "language": "en_US"})),
                        ),
                        (
                            "application/x-www-form-urlencoded",
                            body_content(json!({"userid": "0256170812348921", "language": "zh_CN"})),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "responses",
            obj([(
                "200",
                obj([
                    ("description", leaf(json!("Every answer, success or error: errcode tells them apart"))),
                    (
                        "content",
                        obj([(
                            "application/json",
                            obj([
                                ("schema", leaf(schema_ref("UserGetResponse"))),
                                ("examples", example_list(&examples["user-get"], caller)),
                            ]),
                        )]),
                    ),
                ]),
            )]),
        ),
    ])
}

fn gettoken(examples: &Value) -> Tree {
    obj([
        ("operationId", leaf(json!("getToken"))),
        ("tags", leaf(json!(["auth"]))),
        ("summary", leaf(json!("Get an internal app's access_token"))),
        ("description", leaf(json!("Exchanges the app's key and secret for an access_token valid for `expires_in` seconds. Like every call of the platform, it answers errors with HTTP 200 and a non-zero `errcode`."))),
        // It issues the token, so it cannot require one: the key and secret are its parameters.
        ("security", leaf(json!([]))),
        (
            "parameters",
            leaf(json!([
                {"name": "appkey", "in": "query", "required": true, "description": "The app's key.", "schema": {"type": "string", "minLength": 1}},
                {"name": "appsecret", "in": "query", "required": true, "description": "The app's secret. A secret: never log it.", "schema": {"type": "string", "minLength": 1}, "x-secret": true}
            ])),
        ),
        (
            "responses",
            obj([(
                "200",
                obj([
                    ("description", leaf(json!("A token, or an error told apart by errcode"))),
                    (
                        "content",
                        obj([(
                            "application/json",
                            obj([
                                ("schema", leaf(schema_ref("GetTokenResponse"))),
                                ("examples", example_list(&examples["gettoken"], None)),
                            ]),
                        )]),
                    ),
                ]),
            )]),
        ),
    ])
}

/// Named examples in the file's order; a success `result` loses the members `caller` may not receive.
fn example_list(list: &Value, caller: Option<&Caller>) -> Tree {
    let mut examples = IndexMap::new();
    for example in list.as_array().into_iter().flatten() {
        let Some(name) = example["name"].as_str() else {
            continue;
        };
        let mut value = example["value"].clone();
        if let (Some(caller), Some(result)) = (
            caller,
            value.get_mut("result").and_then(Value::as_object_mut),
        ) {
            result.retain(|member, _| {
                fields::result_field(member)
                    .is_none_or(|field| super::withheld_reason(field, caller).is_none())
            });
        }
        examples.insert(
            name.to_owned(),
            obj([
                ("summary", leaf(example["summary"].clone())),
                ("value", leaf(value)),
            ]),
        );
    }
    Tree::Object(examples)
}

/// The schemas of the document: the request body, the response as success or error, the user.
fn components(response: &Value, request: &Value) -> Tree {
    let properties = response["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<Value> = response["required"].as_array().cloned().unwrap_or_default();

    let mut success = properties.clone();
    success.insert("result".to_owned(), schema_ref("User"));
    with_errcode(&mut success, json!({"const": 0}));
    let mut success_required = required.clone();
    success_required.push(json!("result"));

    let mut error = properties.clone();
    error.remove("result");
    with_errcode(&mut error, json!({"not": {"const": 0}}));

    let mut user = response["properties"]["result"].clone();
    if let Some(user) = user.as_object_mut() {
        user.insert("title".to_owned(), json!("User"));
    }

    let mut body = request["properties"]["body"].clone();
    if let Some(body) = body.as_object_mut() {
        body.insert("title".to_owned(), json!("UserGetRequest"));
        body.insert(
            "description".to_owned(),
            json!("Body parameters, sent as a form (what the official SDKs send) or as JSON."),
        );
        // Unknown parameters are ignored by the platform, so the body stays open.
    }

    obj([
        ("UserGetRequest", leaf(body)),
        (
            "UserGetResponse",
            leaf(json!({
                "title": "UserGetResponse",
                "description": response["description"],
                "$comment": response["$comment"],
                // The two are exclusive (errcode 0 or not), so anyOf validates as oneOf would;
                // generated clients (openapi-generator's Python one) ignore `not` and
                // `additionalProperties: false`, find a success matching both under oneOf and
                // fail, while under anyOf they take the first match, the success.
                "anyOf": [schema_ref("UserGetSuccess"), schema_ref("UserGetError")]
            })),
        ),
        (
            "UserGetSuccess",
            leaf(json!({
                "title": "UserGetSuccess",
                "description": "A success: errcode 0 and the user in result.",
                "type": "object",
                "required": success_required,
                "properties": Value::Object(success),
                "additionalProperties": false
            })),
        ),
        (
            "UserGetError",
            leaf(json!({
                "title": "UserGetError",
                "description": "An error: a non-zero errcode, never a result.",
                "type": "object",
                "required": required,
                "properties": Value::Object(error),
                "additionalProperties": false
            })),
        ),
        ("User", leaf(user)),
        (
            "GetTokenResponse",
            leaf(json!({
                "title": "GetTokenResponse",
                "description": "A token or an error, told apart by errcode as the user/get answer is.",
                "anyOf": [schema_ref("GetTokenSuccess"), schema_ref("GetTokenError")]
            })),
        ),
        ("GetTokenSuccess", leaf(gettoken_success())),
        ("GetTokenError", leaf(gettoken_error())),
    ])
}

/// A token: its members are required only here, where they are defined, and not through an
/// `if`/`then` whose `required` names members that its own branch does not define.
fn gettoken_success() -> Value {
    json!({
        "title": "GetTokenSuccess",
        "description": "A success: errcode 0 and the token.",
        "type": "object",
        "required": ["errcode", "errmsg", "access_token", "expires_in"],
        "properties": {
            "errcode": {"type": "integer", "const": 0, "description": "0 on success."},
            "errmsg": {"type": "string", "description": "'ok' on success."},
            "access_token": {"type": "string", "description": "The token to pass as access_token.", "x-secret": true},
            "expires_in": {"type": "integer", "description": "Seconds the token stays valid (7200)."}
        }
    })
}

/// An error of GET /gettoken; left open, as before, since no capture lists all its members.
fn gettoken_error() -> Value {
    json!({
        "title": "GetTokenError",
        "description": "An error: a non-zero errcode and its text.",
        "type": "object",
        "required": ["errcode", "errmsg"],
        "properties": {
            "errcode": {"type": "integer", "not": {"const": 0}, "description": "Any value but 0."},
            "errmsg": {"type": "string", "description": "Text for errcode."}
        }
    })
}

/// Gives every array schema below `schema` without `items` an explicit `items: {}`. The embedded
/// schema leaves the elements of a list whose shape no page documents (`dept_position_list`)
/// unconstrained by leaving `items` out, which JSON Schema reads as "anything"; OpenAPI 3.0
/// required `items`, and tools built on that rule (Spectral's `array-items`, an error) reject
/// its absence, so the export says the same thing in their terms.
fn open_items(schema: &mut Value) {
    let Value::Object(node) = schema else {
        return;
    };
    let is_array = match node.get("type") {
        Some(Value::String(kind)) => kind == "array",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "array"),
        _ => false,
    };
    if is_array && !node.contains_key("items") {
        node.insert("items".to_owned(), json!({}));
    }
    for (keyword, value) in node.iter_mut() {
        for sub in subschemas(keyword, value) {
            open_items(sub);
        }
    }
}

/// The schemas a keyword of JSON Schema 2020-12 holds; none for the keywords that hold data
/// (`const`, `enum`, `examples`, `default`) or annotations, whose objects are not schemas.
fn subschemas<'a>(keyword: &str, value: &'a mut Value) -> Vec<&'a mut Value> {
    match keyword {
        "properties" | "patternProperties" | "$defs" | "dependentSchemas" => value
            .as_object_mut()
            .map(|map| map.values_mut().collect())
            .unwrap_or_default(),
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => value
            .as_array_mut()
            .map(|list| list.iter_mut().collect())
            .unwrap_or_default(),
        "not"
        | "if"
        | "then"
        | "else"
        | "items"
        | "contains"
        | "additionalProperties"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "contentSchema" => {
            vec![value]
        }
        _ => Vec::new(),
    }
}

/// `errcode`'s schema with the branch's condition added.
fn with_errcode(properties: &mut Map<String, Value>, condition: Value) {
    if let (Some(Value::Object(errcode)), Value::Object(condition)) =
        (properties.get_mut("errcode"), condition)
    {
        errcode.extend(condition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object below `node` with `type: array` and no `items`, as JSON pointers.
    fn arrays_without_items(node: &Value, at: &str, found: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if map.get("type") == Some(&json!("array")) && !map.contains_key("items") {
                    found.push(at.to_owned());
                }
                for (key, value) in map {
                    arrays_without_items(value, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(list) => {
                for (i, value) in list.iter().enumerate() {
                    arrays_without_items(value, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_array_of_the_document_has_items() {
        let document: Value = serde_json::from_str(&openapi(None)).expect("json");
        let mut found = Vec::new();
        arrays_without_items(&document, "", &mut found);
        assert_eq!(found, Vec::<String>::new());
        // The embedded schema does leave one out, so the walk above is not vacuous.
        let user = &document["components"]["schemas"]["User"]["properties"];
        assert_eq!(user["dept_position_list"]["items"], json!({}));
    }

    #[test]
    fn open_items_reaches_nested_schemas_and_leaves_data_alone() {
        let mut schema = json!({
            "type": ["array", "null"],
            "prefixItems": [{"type": "array"}],
            "properties": {"list": {"type": "array", "items": {"type": "integer"}}},
            "anyOf": [{"properties": {"deep": {"type": "array"}}}],
            "const": {"type": "array"},
            "examples": [{"type": "array"}]
        });
        open_items(&mut schema);
        assert_eq!(schema["items"], json!({}));
        assert_eq!(schema["prefixItems"][0]["items"], json!({}));
        assert_eq!(
            schema["properties"]["list"]["items"],
            json!({"type": "integer"})
        );
        assert_eq!(schema["anyOf"][0]["properties"]["deep"]["items"], json!({}));
        assert_eq!(schema["const"], json!({"type": "array"}));
        assert_eq!(schema["examples"], json!([{"type": "array"}]));
    }
}
