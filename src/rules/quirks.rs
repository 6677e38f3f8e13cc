//! DT201-DT204: the documentation quirks of the page's example (emitted by the schema repair).
use super::define::{declare_rules, emitted};
use super::{Check, Rule};
use crate::finding::{display_path, Category, Finding, Severity};

declare_rules! {
    /// ## What it does
    /// Reports a Boolean field of the table whose value is the string `"true"` or `"false"`. The page's response example writes every boolean this way; its table says Boolean.
    ///
    /// ## Why is this bad?
    /// In most languages the string "false" is truthy: a client that trusts the example treats hidden mobiles as shown and non-admins as admins.
    ///
    /// ## Example
    /// Fails: `"boss":"true"`
    ///
    /// Passes: `"boss":true`
    pub const QUOTED_BOOLEAN = emitted(
        "DT201",
        "quoted-boolean",
        Category::DocQuirk,
        Severity::Error,
        "a boolean written as the string \"true\" or \"false\", as the page's example does",
    );

    /// ## What it does
    /// Reports a Number field of the table (ids, orders, `hired_date`, `errcode`) whose value is a string of digits such as `"1597573616828"`. The page's example quotes them all; real traffic never does.
    ///
    /// ## Why is this bad?
    /// Typed clients fail to read the body, and string comparison sorts `"10"` before `"9"`.
    ///
    /// ## Example
    /// Fails: `"hired_date":"1597573616828"`
    ///
    /// Passes: `"hired_date":1597573616828`
    pub const QUOTED_NUMBER = emitted(
        "DT202",
        "quoted-number",
        Category::DocQuirk,
        Severity::Error,
        "a number written as a string of digits, as the page's example does",
    );

    /// ## What it does
    /// Reports `dept_id_list` (Number[] in the table) written as a string holding a JSON array, as the page's example does.
    ///
    /// ## Why is this bad?
    /// Clients must parse the string a second time; most will fail on it.
    ///
    /// ## Example
    /// Fails: `"dept_id_list":"[2,3,4]"`
    ///
    /// Passes: `"dept_id_list":[2,3,4]`
    pub const NUMBER_LIST_AS_STRING = emitted(
        "DT203",
        "number-list-as-string",
        Category::DocQuirk,
        Severity::Error,
        "a list of numbers written as one string such as \"[2,3,4]\", as the page's example does",
    );

    /// ## What it does
    /// Reports `role_list`, `dept_order_list`, `leader_in_dept` or `union_emp_map_list` (Object[] in the table) written as one object, as the page's example writes them.
    ///
    /// ## Why is this bad?
    /// A user with two roles or two departments cannot be represented, and clients expecting a list fail.
    ///
    /// ## Example
    /// Fails: `"role_list":{"id":100,"name":"Director","group_name":"Position"}`
    ///
    /// Passes: `"role_list":[{"id":100,"name":"Director","group_name":"Position"}]`
    pub const OBJECT_INSTEAD_OF_ARRAY = emitted(
        "DT204",
        "object-instead-of-array",
        Category::DocQuirk,
        Severity::Error,
        "a single object where the table documents an array of objects, as the page's example does",
    );
}

/// No body checks: the schema repair emits these while it undoes the quirks.
pub(crate) const CHECKS: &[Check] = &[];

/// The documentation quirks the schema repair recognises, one per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quirk {
    /// DT201: `"true"` or `"false"` for a boolean.
    QuotedBoolean,
    /// DT202: a string of digits for a number.
    QuotedNumber,
    /// DT203: a string holding a list of numbers.
    NumberListAsString,
    /// DT204: one object for an array of objects.
    ObjectInsteadOfArray,
}

impl Quirk {
    /// The rule that reports this quirk.
    pub fn rule(self) -> &'static Rule {
        match self {
            Self::QuotedBoolean => &QUOTED_BOOLEAN,
            Self::QuotedNumber => &QUOTED_NUMBER,
            Self::NumberListAsString => &NUMBER_LIST_AS_STRING,
            Self::ObjectInsteadOfArray => &OBJECT_INSTEAD_OF_ARRAY,
        }
    }

    /// What the table documents instead, as messages say it.
    fn expected(self) -> &'static str {
        match self {
            Self::QuotedBoolean => "a boolean",
            Self::QuotedNumber => "a number",
            Self::NumberListAsString => "an array of numbers",
            Self::ObjectInsteadOfArray => "an array of objects",
        }
    }

    /// The JSON kind of the value the quirk writes, as `rules::schema::kind_of` names it.
    pub fn found_kind(self) -> &'static str {
        match self {
            Self::ObjectInsteadOfArray => "an object",
            _ => "a string",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Self::QuotedBoolean => "send the JSON literal true or false, without quotes",
            Self::QuotedNumber => "send the number without quotes",
            Self::NumberListAsString => {
                "send a JSON array such as [2,3,4], not a string holding one"
            }
            Self::ObjectInsteadOfArray => "send an array of objects, even when it holds one object",
        }
    }

    /// The finding for this quirk at `pointer` (as received), where the body has `found`;
    /// `example_same` when the page's own response example writes this field the same way.
    pub fn finding(self, pointer: &str, found: &str, example_same: bool) -> Finding {
        let path = display_path(pointer);
        let tail = if example_same {
            "; the page's own response example writes this field the same way, but its table wins"
        } else {
            "; the page's response example writes such fields this way, but its table wins"
        };
        Finding::new(
            self.rule(),
            pointer,
            format!(
                "`{path}` is {found}; the table documents {}{tail}",
                self.expected()
            ),
        )
        .with_help(self.help())
    }
}
