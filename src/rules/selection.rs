//! Which rules run and at what severity: `--select`, `--extend-select`, `--ignore`, `--severity`.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::{Category, Severity};
use crate::rules::{Rule, ALL};

/// The resolved rule selection of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    enabled: BTreeSet<&'static str>,
    /// `enabled` as one bit per code number: asked for every rule of every response.
    bits: [u64; 16],
    severities: BTreeMap<&'static str, Severity>,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            enabled: ALL.iter().filter(|r| r.enabled).map(|r| r.code).collect(),
            bits: [0; 16],
            severities: BTreeMap::new(),
        }
        .sealed()
    }
}

/// The number of a code `DTnnn`. Digit by digit rather than `str::parse`: it runs for every rule
/// of every response, and `parse` cost five times as much.
fn code_number(code: &str) -> Option<usize> {
    let digits = code.strip_prefix("DT")?.as_bytes();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let mut n = 0;
    for digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        n = n * 10 + usize::from(digit - b'0');
    }
    (n < 1024).then_some(n)
}

/// The rules a selector names: `ALL`, a code (`DT301`), a code prefix (`DT3`), a rule name or a category.
pub fn matching(selector: &str) -> Result<Vec<&'static Rule>, String> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return Ok(ALL.to_vec());
    }
    if let Some(category) = Category::parse(selector) {
        return Ok(ALL
            .iter()
            .copied()
            .filter(|r| r.category == category)
            .collect());
    }
    let upper = selector.to_ascii_uppercase();
    let found: Vec<_> = ALL
        .iter()
        .copied()
        .filter(|r| r.name == selector || (upper.starts_with("DT") && r.code.starts_with(&upper)))
        .collect();
    if found.is_empty() {
        let hint = crate::rules::closest(selector)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        Err(format!(
            "`{selector}` is no rule code, code prefix, rule name, category or ALL (see `dtlint rules`){hint}"
        ))
    } else {
        Ok(found)
    }
}

impl Selection {
    /// Builds a selection the way ruff does: `select` replaces the default set, `extend` adds, `ignore` removes.
    ///
    /// # Errors
    /// A selector that names nothing, or a severity override for an unknown rule.
    pub fn resolve(
        select: &[String],
        extend: &[String],
        ignore: &[String],
        severities: &[(String, Severity)],
    ) -> Result<Self, String> {
        let mut selection = Self::default();
        if !select.is_empty() {
            selection.enabled.clear();
            for selector in select {
                selection
                    .enabled
                    .extend(matching(selector)?.iter().map(|r| r.code));
            }
        }
        for selector in extend {
            selection
                .enabled
                .extend(matching(selector)?.iter().map(|r| r.code));
        }
        for selector in ignore {
            for rule in matching(selector)? {
                selection.enabled.remove(rule.code);
            }
        }
        for (selector, severity) in severities {
            for rule in matching(selector)? {
                selection.severities.insert(rule.code, *severity);
            }
        }
        Ok(selection.sealed())
    }

    fn sealed(mut self) -> Self {
        self.bits = [0; 16];
        for n in self.enabled.iter().filter_map(|code| code_number(code)) {
            self.bits[n / 64] |= 1 << (n % 64);
        }
        self
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        match code_number(rule.code) {
            Some(n) => self.bits[n / 64] & (1 << (n % 64)) != 0,
            None => self.enabled.contains(rule.code),
        }
    }

    /// The codes of the rules that run, in order.
    pub fn enabled_codes(&self) -> Vec<&'static str> {
        self.enabled.iter().copied().collect()
    }

    /// The severities given to rules in place of their own.
    pub fn severity_overrides(&self) -> Vec<(&'static str, Severity)> {
        self.severities.iter().map(|(c, s)| (*c, *s)).collect()
    }

    /// The severity `rule` reports at.
    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severities
            .get(rule.code)
            .copied()
            .unwrap_or(rule.severity)
    }
}

/// Parses `CODE=level`.
///
/// # Errors
/// When the text has no `=` or the level is not error, warning or info.
pub fn parse_severity_override(text: &str) -> Result<(String, Severity), String> {
    let (rule, level) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not CODE=LEVEL (e.g. DT107=info)"))?;
    let severity = Severity::parse(level.trim())
        .ok_or_else(|| format!("`{level}` is not a severity: use error, warning or info"))?;
    Ok((rule.trim().to_owned(), severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn default_leaves_out_opt_in_rules() {
        let s = Selection::default();
        assert!(!s.is_enabled(&crate::rules::INTEGER_ABOVE_2_53));
        assert!(s.is_enabled(&crate::rules::QUOTED_BOOLEAN));
    }

    #[test]
    fn select_replaces_extend_adds_ignore_removes() {
        let s = Selection::resolve(
            &strings(&["exposure"]),
            &strings(&["DT506"]),
            &strings(&["DT303"]),
            &[],
        )
        .expect("valid");
        assert!(s.is_enabled(&crate::rules::FIELD_NEEDS_PERMISSION));
        assert!(s.is_enabled(&crate::rules::INTEGER_ABOVE_2_53));
        assert!(!s.is_enabled(&crate::rules::WITHHELD_FIELD_SENT_EMPTY));
        assert!(!s.is_enabled(&crate::rules::QUOTED_BOOLEAN));
    }

    #[test]
    fn code_numbers_read_like_str_parse() {
        let reference = |code: &str| {
            code.strip_prefix("DT")
                .and_then(|d| d.parse::<usize>().ok())
                .filter(|n| *n < 1024)
        };
        let codes = ALL.iter().map(|r| r.code);
        let odd = [
            "DT", "DT0", "DT1023", "DT1024", "DT12a", "XT101", "DT 1", "dt101",
        ];
        for code in codes.chain(odd) {
            assert_eq!(code_number(code), reference(code), "{code}");
        }
        assert_eq!(code_number("DT301"), Some(301));
    }

    #[test]
    fn names_prefixes_and_unknowns() {
        assert_eq!(matching("quoted-boolean").expect("name").len(), 1);
        assert_eq!(matching("DT20").expect("prefix").len(), 4);
        assert!(matching("DT999").is_err());
        assert!(matching("nonsense").is_err());
    }

    #[test]
    fn severity_override() {
        let (rule, level) = parse_severity_override("DT107=info").expect("valid");
        let s = Selection::resolve(&[], &[], &[], &[(rule, level)]).expect("valid");
        assert_eq!(
            s.severity(&crate::rules::UNDOCUMENTED_FIELD),
            Severity::Info
        );
        assert!(parse_severity_override("DT107").is_err());
        assert!(parse_severity_override("DT107=fatal").is_err());
    }
}
