//! DT501-DT506: a body that disagrees with itself or with the page's units.

use super::define::{consistency, declare_rules, emitted};
use super::{Check, Ctx, Rule};
use crate::finding::{Category, Finding, Severity};
use crate::json::doc::{Doc, Node};
use crate::json::Pointer;

declare_rules! {
    /// ## What it does
    /// Checks that every department named in `dept_order_list` and `leader_in_dept` is one of the user's departments in `dept_id_list`.
    ///
    /// ## Why is this bad?
    /// The page describes both lists as being about the departments the user belongs to; a department outside `dept_id_list` means the lists were assembled from different data.
    ///
    /// ## Example
    /// Fails: `"dept_id_list":[1],"leader_in_dept":[{"dept_id":2,"leader":true}]`
    ///
    /// Passes: `"dept_id_list":[1,2],"leader_in_dept":[{"dept_id":2,"leader":true}]`
    pub const DEPT_NOT_IN_DEPT_LIST = consistency(
        "DT501",
        "dept-not-in-dept-list",
        "a `dept_id` in `dept_order_list` or `leader_in_dept` is not in `dept_id_list`",
    );

    /// ## What it does
    /// Parses `extension` and checks it is a JSON object whose values are strings, as the page's example `{"Hobby":"Travel","Age":"24"}` shows.
    ///
    /// ## Why is this bad?
    /// Clients parse the string to show the custom profile attributes; anything else breaks them.
    ///
    /// ## Example
    /// Fails: `"extension":"Hobby=Travel"`
    ///
    /// Passes: `"extension":"{\"Hobby\":\"Travel\"}"`
    pub const EXTENSION_NOT_STRING_OBJECT = consistency(
        "DT502",
        "extension-not-string-object",
        "`extension` is not a JSON object of string values",
    );

    /// ## What it does
    /// Flags a `hired_date` that, read as milliseconds, falls in the first days of 1970 but, read as seconds, is a plausible date (1971 onwards).
    ///
    /// ## Why is this bad?
    /// The page says the hire date is a Unix timestamp in milliseconds; a value in seconds shows every employee hired in January 1970.
    ///
    /// ## Example
    /// Fails: `"hired_date":1597573616`
    ///
    /// Passes: `"hired_date":1597573616828`
    pub const HIRED_DATE_IN_SECONDS = consistency(
        "DT503",
        "hired-date-in-seconds",
        "`hired_date` looks like seconds, but the page says milliseconds",
    );

    /// ## What it does
    /// Flags a `hired_date` later than one year after the moment dtlint runs.
    ///
    /// ## Why is this bad?
    /// A hire date far in the future is a unit error (microseconds) or a corrupted value.
    ///
    /// ## Example
    /// Fails: `"hired_date":1597573616828000`
    pub const HIRED_DATE_IN_FUTURE = consistency(
        "DT504",
        "hired-date-in-future",
        "`hired_date` is more than a year after the time of the run",
    );

    /// ## What it does
    /// Checks `dept_id_list`, `dept_order_list` and `leader_in_dept` for a department listed twice.
    ///
    /// ## Why is this bad?
    /// Each list has one entry per department of the user; a repeat gives two sort orders or two leader flags for one department.
    ///
    /// ## Example
    /// Fails: `"dept_id_list":[2,2]`
    pub const DUPLICATE_DEPT_ID = consistency(
        "DT505",
        "duplicate-dept-id",
        "a department id occurs twice in the same list",
    );

    /// ## What it does
    /// Notes integers whose magnitude exceeds 2^53 (9007199254740992). Real `order` values (about 1.8e17) do, so the rule is off by default; select it with `--select DT506` when the client is JavaScript.
    ///
    /// ## Why is this bad?
    /// `JSON.parse` turns such values into the nearest double: `176220178909140512` becomes `176220178909140500`, and sort orders collide.
    ///
    /// ## Example
    /// Noted: `"order":176220178909140512`
    pub const INTEGER_ABOVE_2_53 = Rule {
        enabled: false,
        ..emitted(
            "DT506",
            "integer-above-2-53",
            Category::Consistency,
            Severity::Info,
            "an integer above 2^53, which JavaScript clients round",
        )
    };
}

/// The body checks, in the order they run (`beyond_64_bit`, here too, is registered with the
/// schema rule it emits).
pub(crate) const CHECKS: &[Check] = &[
    Check {
        run: dept_not_in_list,
        emits: &[&DEPT_NOT_IN_DEPT_LIST],
    },
    Check {
        run: extension_shape,
        emits: &[&EXTENSION_NOT_STRING_OBJECT],
    },
    Check {
        run: hired_date_seconds,
        emits: &[&HIRED_DATE_IN_SECONDS],
    },
    Check {
        run: hired_date_future,
        emits: &[&HIRED_DATE_IN_FUTURE],
    },
    Check {
        run: duplicate_dept,
        emits: &[&DUPLICATE_DEPT_ID],
    },
    Check {
        run: unsafe_integers,
        emits: &[&INTEGER_ABOVE_2_53],
    },
];

/// Lists whose items name a department by `dept_id`.
const DEPT_LISTS: [&str; 2] = ["dept_order_list", "leader_in_dept"];

/// 2^53: above it not every integer is a double.
const MAX_SAFE: u64 = 1 << 53;

/// Milliseconds in one (non-leap) year.
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

fn dept_ids(ctx: &Ctx<'_>) -> Option<Vec<i64>> {
    let list = ctx.field("dept_id_list").filter(|l| l.is_array())?;
    Some(list.items().filter_map(Node::as_i64).collect())
}

/// The items of one dept list with their index, skipping items without an integer `dept_id`.
fn dept_items<'a>(ctx: &Ctx<'a>, list: &str) -> Vec<(usize, i64)> {
    ctx.field(list)
        .map(|items| {
            items
                .items()
                .enumerate()
                .filter_map(|(i, item)| Some((i, item.get("dept_id")?.as_i64()?)))
                .collect()
        })
        .unwrap_or_default()
}

pub fn dept_not_in_list(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(known) = dept_ids(ctx) else {
        return;
    };
    let known = Depts::new(known);
    for list in DEPT_LISTS {
        for (index, dept) in dept_items(ctx, list) {
            if !known.contains(dept) {
                out.push(
                    Finding::new(
                        &DEPT_NOT_IN_DEPT_LIST,
                        format!("/result/{list}/{index}/dept_id"),
                        format!("department {dept} in `result.{list}` is not in `result.dept_id_list`"),
                    )
                    .with_help("both lists describe the departments the user belongs to; they should name the same ones"),
                );
            }
        }
    }
}

pub fn duplicate_dept(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let mut report = |pointer: String, list: &str, dept: i64| {
        out.push(Finding::new(
            &DUPLICATE_DEPT_ID,
            pointer,
            format!("department {dept} occurs more than once in `result.{list}`"),
        ));
    };
    if let Some(ids) = dept_ids(ctx) {
        for index in repeated(ids.iter().copied()) {
            report(
                format!("/result/dept_id_list/{index}"),
                "dept_id_list",
                ids[index],
            );
        }
    }
    for list in DEPT_LISTS {
        let items = dept_items(ctx, list);
        for at in repeated(items.iter().map(|(_, dept)| *dept)) {
            let (index, dept) = items[at];
            report(format!("/result/{list}/{index}/dept_id"), list, dept);
        }
    }
}

/// Lists longer than this are searched through a hash set: real lists hold a handful of
/// departments, where a linear search is cheaper, but a hostile body of a million ids must not
/// cost a million squared comparisons.
const LINEAR_UP_TO: usize = 32;

/// A set of department ids.
enum Depts {
    Few(Vec<i64>),
    Many(std::collections::HashSet<i64>),
}

impl Depts {
    fn new(ids: Vec<i64>) -> Self {
        if ids.len() <= LINEAR_UP_TO {
            Self::Few(ids)
        } else {
            Self::Many(ids.into_iter().collect())
        }
    }

    fn contains(&self, dept: i64) -> bool {
        match self {
            Self::Few(ids) => ids.contains(&dept),
            Self::Many(ids) => ids.contains(&dept),
        }
    }
}

/// The positions of the ids that occurred earlier in the list, in order.
fn repeated(ids: impl ExactSizeIterator<Item = i64> + Clone) -> Vec<usize> {
    if ids.len() <= LINEAR_UP_TO {
        let seen: Vec<i64> = ids.clone().collect();
        return ids
            .enumerate()
            .filter(|(index, dept)| seen[..*index].contains(dept))
            .map(|(index, _)| index)
            .collect();
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.enumerate()
        .filter(|(_, dept)| !seen.insert(*dept))
        .map(|(index, _)| index)
        .collect()
}

pub fn extension_shape(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(text) = ctx.field("extension").and_then(Node::as_str) else {
        return;
    };
    if text.is_empty() {
        return;
    }
    let problem = match Doc::parse(text) {
        Err(_) => "is not JSON".to_owned(),
        Ok(doc) if doc.root().is_object() => {
            match doc.root().entries().find(|(_, v)| !v.is_string()) {
                Some((key, _)) => format!(
                    "has a non-string value for the attribute {}",
                    crate::privacy::name::quoted(key)
                ),
                None => return,
            }
        }
        Ok(_) => "is JSON but not an object".to_owned(),
    };
    out.push(
        Finding::new(
            &EXTENSION_NOT_STRING_OBJECT,
            "/result/extension",
            format!("`result.extension` {problem}; the page shows a JSON object of string values"),
        )
        .with_help("serialise the custom attributes as a JSON object such as {\"Hobby\":\"Travel\",\"Age\":\"24\"}"),
    );
}

fn hired_date(ctx: &Ctx<'_>) -> Option<i64> {
    ctx.field("hired_date")?.as_i64()
}

pub fn hired_date_seconds(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(value) = hired_date(ctx) else {
        return;
    };
    // As milliseconds anything below a year is January 1970; as seconds a year or more is a real date.
    let plausible_seconds =
        (YEAR_MS / 1000..=ctx.now_ms() / 1000 + YEAR_MS / 1000).contains(&value);
    if value < YEAR_MS && plausible_seconds {
        out.push(
            Finding::new(
                &HIRED_DATE_IN_SECONDS,
                "/result/hired_date",
                format!("`result.hired_date` is {value}: in milliseconds that is in 1970, so it looks like seconds; the page says milliseconds"),
            )
            .with_help("multiply by 1000 where the value is produced"),
        );
    }
}

pub fn hired_date_future(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(value) = hired_date(ctx) else {
        return;
    };
    if value > ctx.now_ms().saturating_add(YEAR_MS) {
        out.push(
            Finding::new(
                &HIRED_DATE_IN_FUTURE,
                "/result/hired_date",
                format!("`result.hired_date` is {value}, more than a year after now"),
            )
            .with_help("check the unit: the page says milliseconds since the Unix epoch"),
        );
    }
}

/// Whether a number is whole but did not fit 64 bits (serde_json then keeps an f64).
fn too_big(n: &serde_json::Number) -> bool {
    n.is_f64()
        && n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.223_372e18)
}

/// Every number of a body with its pointer, in document order. Pointers are built only for the
/// numbers `keep` picks: almost no body has one, and these rules run on all of them.
fn numbers_where<'a>(
    body: Node<'a>,
    keep: impl Fn(&serde_json::Number) -> bool,
) -> Vec<(Pointer, &'a serde_json::Number)> {
    // An explicit stack: bodies are shallow, but the walk must not recurse on hostile input.
    let mut found = Vec::new();
    if !body.any_number(&keep) {
        return found;
    }
    let mut stack = vec![(Pointer::root(), body)];
    while let Some((pointer, value)) = stack.pop() {
        if let Some(n) = value.as_number() {
            if keep(n) {
                found.push((pointer, n));
            }
        } else if value.is_array() {
            for (i, item) in value.items().enumerate().rev() {
                let mut child = pointer.clone();
                child.push_index(i);
                stack.push((child, item));
            }
        } else if value.is_object() {
            let members: Vec<_> = value.entries().collect();
            for (key, item) in members.into_iter().rev() {
                stack.push((pointer.child(key), item));
            }
        }
    }
    found
}

pub fn beyond_64_bit(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // serde_json keeps whole numbers in i64 or u64; a whole f64 beyond both did not fit.
    for (pointer, _) in numbers_where(ctx.body, too_big) {
        let path = crate::finding::display_path(&pointer);
        out.push(
            Finding::new(&super::INTEGER_BEYOND_64_BIT, pointer, format!("`{path}` is a whole number beyond the 64-bit range"))
                .with_help("DingTalk ids, orders and timestamps are 64-bit integers; check where the value was produced"),
        );
    }
}

pub fn unsafe_integers(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let unsafe_integer = |n: &serde_json::Number| {
        n.as_u64()
            .map(|u| u > MAX_SAFE)
            .or_else(|| n.as_i64().map(|i| i.unsigned_abs() > MAX_SAFE))
            == Some(true)
    };
    for (pointer, number) in numbers_where(ctx.body, unsafe_integer) {
        let path = crate::finding::display_path(&pointer);
        out.push(
            Finding::new(
                &INTEGER_ABOVE_2_53,
                pointer,
                format!("`{path}` is {number}, above 2^53: JavaScript's JSON.parse rounds it"),
            )
            .with_help("parse with a big-integer aware reader (e.g. json-bigint) or treat the id as a string"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(ids: &[i64]) -> Vec<usize> {
        (0..ids.len())
            .filter(|&i| ids[..i].contains(&ids[i]))
            .collect()
    }

    #[test]
    fn repeats_are_found_alike_in_short_and_long_lists() {
        let short: Vec<i64> = vec![3, 1, 3, 2, 1, 3];
        assert_eq!(repeated(short.iter().copied()), naive(&short));
        let long: Vec<i64> = (0..1000).map(|i| i % 7 * 1_000_003).collect();
        assert_eq!(repeated(long.iter().copied()), naive(&long));
        let distinct: Vec<i64> = (0..1000).collect();
        assert!(repeated(distinct.iter().copied()).is_empty());
    }

    #[test]
    fn membership_is_the_same_through_either_set() {
        let few = Depts::new(vec![1, 2, 3]);
        let many = Depts::new((0..100).collect());
        assert!(few.contains(2) && !few.contains(4));
        assert!(many.contains(99) && !many.contains(100));
    }
}
