//! The shapes rules are declared in: one constructor per family that shares defaults, so each
//! rule's declaration holds only what is its own.

use super::Rule;
use crate::finding::{Category, Severity};

/// A rule of any family, on by default, that needs no app type.
pub const fn emitted(
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        category,
        severity,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation,
    }
}

/// A consistency rule: a warning, on by default.
pub const fn consistency(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    emitted(
        code,
        name,
        Category::Consistency,
        Severity::Warning,
        summary,
        explanation,
    )
}

/// An envelope rule, on by default.
pub const fn envelope(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    emitted(
        code,
        name,
        Category::Envelope,
        severity,
        summary,
        explanation,
    )
}

/// A request rule of a HAR exchange, on by default.
pub const fn request(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    emitted(
        code,
        name,
        Category::Request,
        severity,
        summary,
        explanation,
    )
}
