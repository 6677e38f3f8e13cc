//! The rule registry: every rule's code, name, category, default severity and docs, and the context checks read.
//!
//! A rule is written once: its family's file declares it in `declare_rules!`, whose doc comment is
//! both its rustdoc and the text `dtlint explain` prints, and registers the body check that emits
//! it in the family's `CHECKS`; its fixture is `tests/fixtures/rules/<CODE>-<name>/`.

mod define;
mod fields_known;
mod members;
pub mod selection;

use crate::api::caller::Caller;
use crate::finding::Finding;
pub use crate::finding::Rule;
use crate::json::doc::Node;

/// Declares the families and re-exports their rules, so a rule is `rules::NAME` wherever it is
/// used and a new family is one line here.
macro_rules! families {
    ($($vis:vis mod $family:ident;)*) => {
        $(
            $vis mod $family;
            pub use $family::declared::*;
        )*

        /// Each family's rules, in the order of the families.
        const FAMILY_RULES: &[&[&Rule]] = &[$($family::RULES),*];

        /// Each family's body checks, in the order of the families.
        const FAMILY_CHECKS: &[&[Check]] = &[$($family::CHECKS),*];
    };
}

// In code order: `ALL` is their rules one family after the other, and the body checks run family
// by family in this order too.
families! {
    pub(crate) mod reader;
    pub(crate) mod attached;
    pub(crate) mod cassette;
    pub(crate) mod schema;
    pub(crate) mod language;
    pub(crate) mod quirks;
    mod exposure;
    mod account;
    mod consistency;
    mod envelope;
    pub(crate) mod request;
    pub(crate) mod config;
}

/// A check over one response body (already repaired of documentation quirks).
pub(crate) type BodyCheck = fn(&Ctx<'_>, &mut Vec<Finding>);

const RULE_COUNT: usize = define::total(FAMILY_RULES);

/// Every rule, in code order; codes are never reused.
pub const ALL: &[&Rule] = &define::concat::<&Rule, RULE_COUNT>(FAMILY_RULES);

// A family listed out of place, or a code out of its family's range, fails the build here rather
// than reordering every report.
const _: () = assert!(
    define::in_code_order(ALL),
    "rules::ALL is not in code order: list the families, and each family's rules, by code"
);

/// A check over one response body, and the rules it may emit: run once when any of them is
/// selected (and, for rules that need one, when the app type is known). A check is registered by
/// the family whose rules it emits.
#[derive(Clone, Copy)]
pub(crate) struct Check {
    /// The function.
    pub(crate) run: BodyCheck,
    /// Every rule it may emit.
    pub(crate) emits: &'static [&'static Rule],
}

const CHECK_COUNT: usize = define::total(FAMILY_CHECKS);

/// Every body check, in the order they run.
pub(crate) const CHECKS: &[Check] = &define::concat::<Check, CHECK_COUNT>(FAMILY_CHECKS);

/// Looks a rule up by code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The rule name, code or category closest to a misspelled `selector`, if one is close: the
/// measure and threshold clap uses for its own "did you mean" on flags and values, so a
/// misspelled rule is corrected as a misspelled flag is.
pub fn closest(selector: &str) -> Option<&'static str> {
    let names = ALL.iter().flat_map(|r| [r.name, r.code]);
    let categories = crate::finding::rule::Category::ALL
        .iter()
        .map(|c| c.as_str());
    names
        .chain(categories)
        .map(|candidate| (strsim::jaro(selector, candidate), candidate))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
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

    #[test]
    fn every_rule_is_in_exactly_one_family_and_all_in_code_order() {
        let declared: Vec<&str> = FAMILY_RULES
            .iter()
            .flat_map(|f| f.iter().map(|r| r.code))
            .collect();
        let all: Vec<&str> = ALL.iter().map(|r| r.code).collect();
        assert_eq!(
            declared, all,
            "ALL is the families' rules one after the other"
        );
        assert!(
            all.windows(2).all(|w| w[0] < w[1]),
            "codes are unique and ascending: {all:?}"
        );
        for rule in ALL {
            let families = FAMILY_RULES
                .iter()
                .filter(|f| f.iter().any(|r| r.code == rule.code))
                .count();
            assert_eq!(
                families, 1,
                "{} is declared by {families} families",
                rule.code
            );
        }
    }

    #[test]
    fn a_family_registers_only_checks_of_its_own_rules() {
        for (rules, checks) in FAMILY_RULES.iter().zip(FAMILY_CHECKS) {
            for check in *checks {
                for rule in check.emits {
                    assert!(
                        rules.contains(rule),
                        "{} is emitted by a check registered in another family",
                        rule.code
                    );
                }
            }
        }
    }

    #[test]
    fn checks_run_in_the_order_findings_and_snapshots_expect() {
        let order: Vec<Vec<&str>> = CHECKS
            .iter()
            .map(|c| c.emits.iter().map(|r| r.code).collect())
            .collect();
        let expected: [&[&str]; 14] = [
            &["DT108"],
            &["DT111"],
            &["DT301", "DT302", "DT303"],
            &["DT401", "DT402", "DT403"],
            &["DT501"],
            &["DT502"],
            &["DT503"],
            &["DT504"],
            &["DT505"],
            &["DT506"],
            &["DT603"],
            &["DT604"],
            &["DT605"],
            &["DT606"],
        ];
        assert_eq!(order, expected);
    }

    #[test]
    fn find_takes_a_code_in_any_case_or_a_name() {
        assert_eq!(find("dt601"), Some(&SUCCESS_WITHOUT_RESULT));
        assert_eq!(
            find("success-without-result"),
            Some(&SUCCESS_WITHOUT_RESULT)
        );
        assert_eq!(find("DT000"), None);
    }
}
