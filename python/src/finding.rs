//! `dtlint.Finding`: one finding of the library, read through properties, never copied.

use pyo3::prelude::*;

/// One finding: which rule fired, where, and why. Personal values in its message are masked.
#[pyclass(module = "dtlint", name = "Finding", frozen)]
pub struct Finding(pub dtlint::Finding);

#[pymethods]
impl Finding {
    /// The rule's code, e.g. ``DT201``.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.rule().code
    }

    /// The rule's name, e.g. ``quoted-boolean``.
    #[getter]
    fn name(&self) -> &'static str {
        self.0.rule().name
    }

    /// ``error``, ``warning`` or ``info``, after the settings' severity changes.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity().as_str()
    }

    /// The rule's category, e.g. ``type`` or ``exposure``.
    #[getter]
    fn category(&self) -> &'static str {
        self.0.rule().category.as_str()
    }

    /// The JSON pointer (RFC 6901) of the value the finding is about; ``""`` is the body.
    #[getter]
    fn pointer(&self) -> &str {
        self.0.pointer()
    }

    /// The 1-based line of the value in the text checked, when known.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.0.line()
    }

    /// The 1-based column (in characters) of the value, when known.
    #[getter]
    fn column(&self) -> Option<usize> {
        self.0.column()
    }

    /// What is wrong.
    #[getter]
    fn message(&self) -> &str {
        self.0.message()
    }

    /// How to fix it, when the rule says.
    #[getter]
    fn help(&self) -> Option<&str> {
        self.0.help()
    }

    /// The input the finding is in: a path, or the ``source`` a body was checked under.
    #[getter]
    fn source(&self) -> &str {
        self.0.source()
    }

    /// The profile file (``dtlint.toml``) that judged the input, as the run names it, or
    /// ``None``: with ``profile=True``, the one closest to the input.
    #[getter]
    fn profile(&self) -> Option<&str> {
        self.0.profile()
    }

    /// The 0-based index of the response in a multi-response input (an NDJSON line, a HAR
    /// entry), or ``None``.
    #[getter]
    fn entry(&self) -> Option<u64> {
        self.0.entry()
    }

    /// The finding on one line as ``dtlint check --output-format concise`` prints it.
    #[getter]
    fn concise(&self) -> String {
        self.0.concise()
    }

    fn __str__(&self) -> String {
        self.0.concise()
    }

    fn __repr__(&self) -> String {
        let f = &self.0;
        let at = match (f.line(), f.column()) {
            (Some(line), Some(column)) => format!(" at {line}:{column}"),
            _ => String::new(),
        };
        let pointer = if f.pointer().is_empty() {
            "(body)"
        } else {
            f.pointer()
        };
        format!(
            "<Finding {} {} {} {pointer}{at}: {}>",
            f.rule().code,
            f.rule().name,
            f.severity().as_str(),
            f.message()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Finding>().is_ok_and(|other| {
            let (a, b) = (&self.0, &other.get().0);
            (
                a.rule().code,
                a.severity(),
                a.source(),
                a.entry(),
                a.pointer(),
            ) == (
                b.rule().code,
                b.severity(),
                b.source(),
                b.entry(),
                b.pointer(),
            ) && (a.position(), a.message()) == (b.position(), b.message())
        })
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let f = &self.0;
        (
            f.rule().code,
            f.source(),
            f.entry(),
            f.pointer(),
            f.message(),
        )
            .hash(&mut hasher);
        hasher.finish()
    }
}
