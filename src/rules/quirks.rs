//! DT201-DT204: the documentation quirks of the page's example (emitted by the schema repair).
use super::define::emitted;
use super::Rule;
use crate::finding::{Category, Severity};

pub const QUOTED_BOOLEAN: Rule = emitted(
    "DT201",
    "quoted-boolean",
    Category::DocQuirk,
    Severity::Error,
    "a boolean written as the string \"true\" or \"false\", as the page's example does",
    "## What it does\nReports a Boolean field of the table whose value is the string `\"true\"` or `\"false\"`. The page's response example writes every boolean this way; its table says Boolean.\n\n## Why is this bad?\nIn most languages the string \"false\" is truthy: a client that trusts the example treats hidden mobiles as shown and non-admins as admins.\n\n## Example\nFails: `\"boss\":\"true\"`\n\nPasses: `\"boss\":true`",
);

pub const QUOTED_NUMBER: Rule = emitted(
    "DT202",
    "quoted-number",
    Category::DocQuirk,
    Severity::Error,
    "a number written as a string of digits, as the page's example does",
    "## What it does\nReports a Number field of the table (ids, orders, `hired_date`, `errcode`) whose value is a string of digits such as `\"1597573616828\"`. The page's example quotes them all; real traffic never does.\n\n## Why is this bad?\nTyped clients fail to read the body, and string comparison sorts `\"10\"` before `\"9\"`.\n\n## Example\nFails: `\"hired_date\":\"1597573616828\"`\n\nPasses: `\"hired_date\":1597573616828`",
);

pub const NUMBER_LIST_AS_STRING: Rule = emitted(
    "DT203",
    "number-list-as-string",
    Category::DocQuirk,
    Severity::Error,
    "a list of numbers written as one string such as \"[2,3,4]\", as the page's example does",
    "## What it does\nReports `dept_id_list` (Number[] in the table) written as a string holding a JSON array, as the page's example does.\n\n## Why is this bad?\nClients must parse the string a second time; most will fail on it.\n\n## Example\nFails: `\"dept_id_list\":\"[2,3,4]\"`\n\nPasses: `\"dept_id_list\":[2,3,4]`",
);

pub const OBJECT_INSTEAD_OF_ARRAY: Rule = emitted(
    "DT204",
    "object-instead-of-array",
    Category::DocQuirk,
    Severity::Error,
    "a single object where the table documents an array of objects, as the page's example does",
    "## What it does\nReports `role_list`, `dept_order_list`, `leader_in_dept` or `union_emp_map_list` (Object[] in the table) written as one object, as the page's example writes them.\n\n## Why is this bad?\nA user with two roles or two departments cannot be represented, and clients expecting a list fail.\n\n## Example\nFails: `\"role_list\":{\"id\":100,\"name\":\"Director\",\"group_name\":\"Position\"}`\n\nPasses: `\"role_list\":[{\"id\":100,\"name\":\"Director\",\"group_name\":\"Position\"}]`",
);
