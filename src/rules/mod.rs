//! The rule registry: every rule's code, name, category, default severity and docs, and the context checks read.

mod account;
pub(crate) mod config;
mod consistency;
mod define;
mod envelope;
mod exposure;
mod fields_known;
pub(crate) mod language;
mod members;
pub(crate) mod quirks;
pub(crate) mod reader;
pub(crate) mod request;
pub mod rule;
pub(crate) mod schema;

use crate::caller::Caller;
use crate::finding::Finding;
use crate::json::doc::Node;
pub use rule::Rule;

pub(crate) use account::{
    DOCUMENTED_ACCOUNT_FIELD_MISSING, ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
    OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
};
pub(crate) use config::{STALE_BASELINE_ENTRY, UNUSED_SUPPRESSION};
pub(crate) use consistency::{
    DEPT_NOT_IN_DEPT_LIST, DUPLICATE_DEPT_ID, EXTENSION_NOT_STRING_OBJECT, HIRED_DATE_IN_FUTURE,
    HIRED_DATE_IN_SECONDS, INTEGER_ABOVE_2_53,
};
pub(crate) use envelope::{
    ERROR_RESPONSE, ERROR_WITH_RESULT, SUB_CODE_MISSING_OR_NOT_NUMERIC, SUCCESS_ERRMSG_NOT_OK,
    SUCCESS_WITHOUT_RESULT, UNKNOWN_ERRCODE,
};
pub(crate) use exposure::{
    FIELD_NEEDS_PERMISSION, FIELD_WITHHELD_FROM_APP_TYPE, WITHHELD_FIELD_SENT_EMPTY,
};
pub(crate) use language::NAME_OMITTED_IN_ENGLISH;
pub(crate) use quirks::{
    NUMBER_LIST_AS_STRING, OBJECT_INSTEAD_OF_ARRAY, QUOTED_BOOLEAN, QUOTED_NUMBER,
};
pub(crate) use reader::{
    EMPTY_INPUT, HAR_BROKEN, HAR_ENTRY_INVALID, INPUT_TOO_LARGE, INVALID_JSON, INVALID_UTF8,
    NOT_A_USER_GET_RESPONSE, RESPONSE_BODY_MISSING, UNREADABLE_INPUT,
};
pub(crate) use request::{
    ACCESS_TOKEN_NOT_IN_QUERY, HTTP_STATUS_NOT_200, INVALID_LANGUAGE, LOGIN_ID_RESPONSE_MISMATCH,
    NO_USER_IDENTIFIER, REQUEST_NOT_POST, UNKNOWN_REQUEST_PARAMETER, USERID_IGNORED_WITH_LOGIN_ID,
    USERID_RESPONSE_MISMATCH,
};
pub(crate) use schema::{
    BODY_NOT_AN_OBJECT, INTEGER_BEYOND_64_BIT, INVALID_EMAIL, KNOWN_UNDOCUMENTED_FIELD,
    MISSING_REQUIRED_FIELD, NULL_VALUE, SCHEMA_VIOLATION, UNDOCUMENTED_FIELD, VALUE_NOT_IN_ENUM,
    VALUE_TOO_LONG, WRONG_TYPE,
};

/// A check over one response body (already repaired of documentation quirks).
pub(crate) type BodyCheck = fn(&Ctx<'_>, &mut Vec<Finding>);

/// Every rule, in code order; codes are never reused.
pub const ALL: &[&Rule] = &[
    &INVALID_JSON,
    &UNREADABLE_INPUT,
    &INVALID_UTF8,
    &EMPTY_INPUT,
    &NOT_A_USER_GET_RESPONSE,
    &INPUT_TOO_LARGE,
    &HAR_BROKEN,
    &HAR_ENTRY_INVALID,
    &RESPONSE_BODY_MISSING,
    &WRONG_TYPE,
    &MISSING_REQUIRED_FIELD,
    &VALUE_NOT_IN_ENUM,
    &INVALID_EMAIL,
    &VALUE_TOO_LONG,
    &NULL_VALUE,
    &UNDOCUMENTED_FIELD,
    &KNOWN_UNDOCUMENTED_FIELD,
    &BODY_NOT_AN_OBJECT,
    &SCHEMA_VIOLATION,
    &INTEGER_BEYOND_64_BIT,
    &NAME_OMITTED_IN_ENGLISH,
    &QUOTED_BOOLEAN,
    &QUOTED_NUMBER,
    &NUMBER_LIST_AS_STRING,
    &OBJECT_INSTEAD_OF_ARRAY,
    &FIELD_WITHHELD_FROM_APP_TYPE,
    &FIELD_NEEDS_PERMISSION,
    &WITHHELD_FIELD_SENT_EMPTY,
    &ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
    &OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
    &DOCUMENTED_ACCOUNT_FIELD_MISSING,
    &DEPT_NOT_IN_DEPT_LIST,
    &EXTENSION_NOT_STRING_OBJECT,
    &HIRED_DATE_IN_SECONDS,
    &HIRED_DATE_IN_FUTURE,
    &DUPLICATE_DEPT_ID,
    &INTEGER_ABOVE_2_53,
    &SUCCESS_WITHOUT_RESULT,
    &ERROR_WITH_RESULT,
    &SUCCESS_ERRMSG_NOT_OK,
    &UNKNOWN_ERRCODE,
    &SUB_CODE_MISSING_OR_NOT_NUMERIC,
    &ERROR_RESPONSE,
    &REQUEST_NOT_POST,
    &ACCESS_TOKEN_NOT_IN_QUERY,
    &NO_USER_IDENTIFIER,
    &USERID_IGNORED_WITH_LOGIN_ID,
    &INVALID_LANGUAGE,
    &UNKNOWN_REQUEST_PARAMETER,
    &LOGIN_ID_RESPONSE_MISMATCH,
    &USERID_RESPONSE_MISMATCH,
    &HTTP_STATUS_NOT_200,
    &STALE_BASELINE_ENTRY,
    &UNUSED_SUPPRESSION,
];

/// A check over one response body, and the rules it may emit: run once when any of them is
/// selected (and, for rules that need one, when the app type is known).
pub(crate) struct Check {
    /// The function.
    pub(crate) run: BodyCheck,
    /// Every rule it may emit.
    pub(crate) emits: &'static [&'static Rule],
}

/// Every body check, in the order they run.
pub(crate) const CHECKS: &[Check] = &[
    Check {
        run: fields_known::check,
        emits: &[&KNOWN_UNDOCUMENTED_FIELD],
    },
    Check {
        run: consistency::beyond_64_bit,
        emits: &[&INTEGER_BEYOND_64_BIT],
    },
    Check {
        run: exposure::check,
        emits: &[
            &FIELD_WITHHELD_FROM_APP_TYPE,
            &FIELD_NEEDS_PERMISSION,
            &WITHHELD_FIELD_SENT_EMPTY,
        ],
    },
    Check {
        run: account::check,
        emits: &[
            &ENTERPRISE_FIELD_ON_ORDINARY_ACCOUNT,
            &OWN_ACCOUNT_FIELD_ON_OTHER_ACCOUNT,
            &DOCUMENTED_ACCOUNT_FIELD_MISSING,
        ],
    },
    Check {
        run: consistency::dept_not_in_list,
        emits: &[&DEPT_NOT_IN_DEPT_LIST],
    },
    Check {
        run: consistency::extension_shape,
        emits: &[&EXTENSION_NOT_STRING_OBJECT],
    },
    Check {
        run: consistency::hired_date_seconds,
        emits: &[&HIRED_DATE_IN_SECONDS],
    },
    Check {
        run: consistency::hired_date_future,
        emits: &[&HIRED_DATE_IN_FUTURE],
    },
    Check {
        run: consistency::duplicate_dept,
        emits: &[&DUPLICATE_DEPT_ID],
    },
    Check {
        run: consistency::unsafe_integers,
        emits: &[&INTEGER_ABOVE_2_53],
    },
    Check {
        run: envelope::errmsg_not_ok,
        emits: &[&SUCCESS_ERRMSG_NOT_OK],
    },
    Check {
        run: envelope::unknown_errcode,
        emits: &[&UNKNOWN_ERRCODE],
    },
    Check {
        run: envelope::sub_code,
        emits: &[&SUB_CODE_MISSING_OR_NOT_NUMERIC],
    },
    Check {
        run: envelope::explain,
        emits: &[&ERROR_RESPONSE],
    },
];

/// Looks a rule up by code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// What a body check may read.
pub(crate) struct Ctx<'a> {
    pub body: Node<'a>,
    pub caller: &'a Caller,
    /// The run's time; a clock is read only when a rule asks.
    now_ms: &'a dyn Fn() -> i64,
    result: Option<Node<'a>>,
    members: Option<members::Members<'a>>,
}

impl<'a> Ctx<'a> {
    pub fn new(body: Node<'a>, caller: &'a Caller, now_ms: &'a dyn Fn() -> i64) -> Self {
        let result = body.get("result").filter(|r| r.is_object());
        Ctx {
            body,
            caller,
            now_ms,
            result,
            members: result.map(members::Members::new),
        }
    }

    /// Milliseconds since the epoch: one time for the whole run, so a run is consistent.
    pub fn now_ms(&self) -> i64 {
        (self.now_ms)()
    }

    /// `result`, when it is an object.
    pub fn result(&self) -> Option<Node<'a>> {
        self.result
    }

    /// The member `name` of `result` (the last one, if the name repeats).
    pub fn field(&self, name: &str) -> Option<Node<'a>> {
        self.members.as_ref()?.get(name)
    }

    pub fn errcode(&self) -> Option<i64> {
        self.body.get("errcode").and_then(Node::as_i64)
    }

    /// A string member of `result`.
    pub fn result_text(&self, key: &str) -> Option<&'a str> {
        self.field(key)?.as_str()
    }

    /// Whether `result.exclusive_account` is `true`.
    pub fn is_enterprise_account(&self) -> bool {
        self.field("exclusive_account")
            .and_then(Node::as_bool)
            .unwrap_or(false)
    }

    /// Whether the user is a DingTalk-built Enterprise Account of the caller's organization,
    /// as far as the caller's known corp id lets us tell.
    pub fn is_own_dingtalk_account(&self) -> bool {
        if self.result().is_none() {
            return false;
        }
        let dingtalk = self.is_enterprise_account()
            && self.result_text("exclusive_account_type") == Some("dingtalk");
        let own = match &self.caller.corp_id {
            Some(corp) => self.result_text("exclusive_account_corp_id") == Some(corp.as_str()),
            None => true,
        };
        dingtalk && own
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_emits_registered_rules_each_once() {
        let mut seen: Vec<&str> = Vec::new();
        for check in CHECKS {
            assert!(!check.emits.is_empty());
            for rule in check.emits {
                assert!(
                    ALL.iter().any(|r| r.code == rule.code),
                    "{} is not in ALL",
                    rule.code
                );
                assert!(
                    !seen.contains(&rule.code),
                    "{} is emitted by two checks",
                    rule.code
                );
                seen.push(rule.code);
            }
        }
    }
}
