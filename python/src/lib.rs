//! `dtlint._dtlint`: the native half of the `dtlint` Python package, a thin layer over the
//! library's public API (`dtlint::run::check_bytes`, `Checked::finished`, `Settings`,
//! `Selection::resolve`). The Python half (`dtlint/__init__.py`) turns parsed objects into text
//! and caches one `Checker` per distinct set of settings.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};

use dtlint::input::Limits;
use dtlint::rules::selection::{parse_severity_override, Selection};
use dtlint::run::check_bytes;
use dtlint::{AppType, Language, Needs, Permission, Settings};

create_exception!(
    _dtlint,
    DtlintError,
    PyException,
    "Bad settings: an unknown app type, permission, language, rule selector or severity."
);

/// What a findings' source is called inside the library's exit; never shown to Python.
const SOURCE: &str = "<body>";

/// One finding, as plain values.
#[pyclass(module = "dtlint", frozen, get_all)]
pub struct Finding {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    category: &'static str,
    pointer: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        let at = match (self.line, self.column) {
            (Some(line), Some(column)) => format!(" at {line}:{column}"),
            _ => String::new(),
        };
        let pointer = if self.pointer.is_empty() { "(root)" } else { &self.pointer };
        format!(
            "<Finding {} {} {} {}{}: {}>",
            self.code, self.severity, self.name, pointer, at, self.message
        )
    }

    fn __str__(&self) -> String {
        let at = match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{line}:{column}: "),
            _ => String::new(),
        };
        format!("{at}{} [{}] {}", self.code, self.severity, self.message)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Finding>().is_ok_and(|o| {
            let o = o.get();
            (self.code, &self.pointer, self.line, self.column, &self.message)
                == (o.code, &o.pointer, o.line, o.column, &o.message)
        })
    }
}

impl Finding {
    fn from(finding: &dtlint::Finding) -> Self {
        let rule = finding.rule();
        Self {
            code: rule.code,
            name: rule.name,
            severity: finding.severity().as_str(),
            category: rule.category.as_str(),
            pointer: finding.pointer().to_owned(),
            line: finding.line(),
            column: finding.column(),
            message: finding.message().to_owned(),
            help: finding.help().map(str::to_owned),
        }
    }
}

/// Settings resolved once; `check_str` and `check_bytes` run the library on one body each.
#[pyclass(module = "dtlint._dtlint", frozen)]
pub struct Checker {
    settings: Settings,
    limits: Limits,
}

fn bad(message: impl Into<String>) -> PyErr {
    DtlintError::new_err(message.into())
}

fn app_type(text: &str) -> PyResult<AppType> {
    [AppType::Internal, AppType::ThirdParty]
        .into_iter()
        .find(|a| a.as_str() == text)
        .ok_or_else(|| bad(format!("app_type `{text}`: use internal or third-party")))
}

#[pymethods]
impl Checker {
    #[new]
    #[pyo3(signature = (app_type=None, permissions=Vec::new(), corp_id=None, language=None, select=Vec::new(), ignore=Vec::new(), severity=Vec::new()))]
    fn new(
        app_type: Option<String>,
        permissions: Vec<String>,
        corp_id: Option<String>,
        language: Option<String>,
        select: Vec<String>,
        ignore: Vec<String>,
        severity: Vec<String>,
    ) -> PyResult<Self> {
        let mut settings = Settings::default();
        settings.caller.app_type = app_type.as_deref().map(self::app_type).transpose()?;
        for p in &permissions {
            let permission = Permission::parse(p)
                .ok_or_else(|| bad(format!("permission `{p}`: use mobile or email-profile")))?;
            settings.caller.permissions.insert(permission);
        }
        settings.caller.corp_id = corp_id;
        settings.language = language
            .as_deref()
            .map(|l| Language::parse(l).ok_or_else(|| bad(format!("language `{l}`: use zh_CN or en_US"))))
            .transpose()?;
        let severities = severity
            .iter()
            .map(|s| parse_severity_override(s).map_err(|m| bad(format!("severity {s}: {m}"))))
            .collect::<PyResult<Vec<_>>>()?;
        settings.selection = Selection::resolve(&select, &[], &ignore, &severities)
            .map_err(|m| bad(format!("invalid rule selection: {m}")))?;
        // Python reads neither excerpts nor fingerprints.
        settings.needs = Needs::new(false, false);
        Ok(Self {
            settings,
            limits: Limits::default(),
        })
    }

    /// Checks one body given as text.
    fn check_str(&self, py: Python<'_>, body: PyBackedStr) -> Vec<Finding> {
        self.run(py, body.as_bytes())
    }

    /// Checks one body given as bytes (any encoding the CLI accepts).
    fn check_bytes(&self, py: Python<'_>, body: PyBackedBytes) -> Vec<Finding> {
        self.run(py, &body)
    }
}

impl Checker {
    fn run(&self, py: Python<'_>, bytes: &[u8]) -> Vec<Finding> {
        py.detach(|| {
            check_bytes(bytes, &self.settings, &self.limits)
                .finished(SOURCE, &self.settings.selection)
                .findings
                .iter()
                .map(Finding::from)
                .collect()
        })
    }
}

#[pymodule]
fn _dtlint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Finding>()?;
    m.add_class::<Checker>()?;
    m.add("DtlintError", m.py().get_type::<DtlintError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
