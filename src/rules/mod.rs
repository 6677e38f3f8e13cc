//! The rule registry: every rule's code, name, category, default severity and docs, and the context checks read.

mod account;
mod consistency;
mod envelope;
mod exposure;
mod fields_known;
mod members;

mod catalogue;

use crate::caller::Caller;
use crate::doc::Node;
use crate::finding::{Category, Finding, Severity};

pub use catalogue::ALL;
pub(crate) use catalogue::*;

/// A check over one response body (already repaired of documentation quirks).
pub(crate) type BodyCheck = fn(&Ctx<'_>, &mut Vec<Finding>);

/// A rule: data plus, for rules that read a parsed body, the function that checks it.
#[derive(Debug)]
pub struct Rule {
    /// Stable code; never reused.
    pub code: &'static str,
    /// Kebab-case name of the pattern flagged.
    pub name: &'static str,
    /// The family the rule belongs to.
    pub category: Category,
    /// Its severity unless the settings change it.
    pub severity: Severity,
    /// Whether the rule runs without being selected.
    pub enabled: bool,
    /// Whether the rule needs `--app-type` to run.
    pub needs_app_type: bool,
    /// One line, as `dtlint rules` shows it.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example.
    pub explanation: &'static str,
    /// `None` for rules emitted by the reader or the schema validator.
    pub(crate) check: Option<BodyCheck>,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

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
