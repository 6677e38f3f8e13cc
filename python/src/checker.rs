//! `Checker`: settings resolved once (a profile and the values that override it), then bodies,
//! exchanges and paths checked with them. Every check ends in the library's exit, so selection,
//! severities, suppressions and masking are the command line's.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};

use dtlint::input::Limits;
use dtlint::profile::{self, Overrides, ProfileChoice, Resolved};
use dtlint::run::{check_bytes, Checked};
use dtlint::{check_exchange, Answer, AppType, BodyShape, Exchange, HarRequest, Language};
use dtlint::{Needs, Payload, Permission};

use crate::errors::{bad, from_settings};
use crate::finding::Finding;
use crate::paths::PathCheck;

/// Settings resolved once; see ``dtlint.check`` for what each argument means.
#[pyclass(module = "dtlint._dtlint", frozen)]
pub struct Checker {
    resolved: Resolved,
    /// The profile chosen and the values given: a run over paths with a search finds the
    /// profiles closer to its inputs with them.
    choice: ProfileChoice,
    given: Overrides,
    limits: Limits,
}

fn parsed<T>(what: &str, text: &str, parse: fn(&str) -> Option<T>, known: &str) -> PyResult<T> {
    parse(text).ok_or_else(|| bad(format!("{what} `{text}`: use {known}")))
}

#[pymethods]
impl Checker {
    /// ``profile`` is a profile file to read; ``search`` a folder from which the first
    /// ``dtlint.toml`` up is read (as the command line searches from the current folder).
    #[new]
    #[pyo3(signature = (*, profile=None, search=None, app_type=None, permissions=Vec::new(),
        corp_id=None, language=None, body_shape=None, select=Vec::new(),
        extend_select=Vec::new(), ignore=Vec::new(), severity=Vec::new(), deny_warnings=false,
        max_size=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        profile: Option<PathBuf>,
        search: Option<PathBuf>,
        app_type: Option<String>,
        permissions: Vec<String>,
        corp_id: Option<String>,
        language: Option<String>,
        body_shape: Option<String>,
        select: Vec<String>,
        extend_select: Vec<String>,
        ignore: Vec<String>,
        severity: Vec<String>,
        deny_warnings: bool,
        max_size: Option<u64>,
    ) -> PyResult<Self> {
        let mut given = Overrides::default();
        given.app_type = app_type
            .map(|t| parsed("app_type", &t, AppType::parse, "internal or third-party"))
            .transpose()?;
        given.permissions = permissions
            .iter()
            .map(|p| {
                parsed(
                    "permission",
                    p,
                    Permission::parse,
                    "mobile or email-profile",
                )
            })
            .collect::<PyResult<_>>()?;
        given.corp_id = corp_id;
        given.language = language
            .map(|l| parsed("language", &l, Language::parse, "zh_CN or en_US"))
            .transpose()?;
        given.body_shape = body_shape
            .map(|b| {
                parsed(
                    "body_shape",
                    &b,
                    BodyShape::parse,
                    "auto, envelope or result",
                )
            })
            .transpose()?;
        given.select = select;
        given.extend_select = extend_select;
        given.ignore = ignore;
        given.severity = severity;
        given.deny_warnings = deny_warnings;
        let choice = match (profile, search) {
            (Some(file), _) => ProfileChoice::File(file),
            (None, Some(folder)) => ProfileChoice::Search(folder),
            (None, None) => ProfileChoice::None,
        };
        let mut resolved = py
            .detach(|| profile::resolve(&choice, &given))
            .map_err(|e| from_settings(py, e))?;
        // Python reads neither snippets nor fingerprints: neither is made.
        resolved.settings.needs = Needs::new(false, false);
        Ok(Self {
            resolved,
            choice,
            given,
            limits: max_size.map_or_else(Limits::default, Limits::new),
        })
    }

    /// Checks one body given as text; findings name ``source``.
    #[pyo3(signature = (body, source="<body>"))]
    fn check_str(&self, py: Python<'_>, body: PyBackedStr, source: &str) -> Vec<Finding> {
        self.body(py, body.as_bytes(), source)
    }

    /// Checks one body given as bytes: UTF-8 with or without a BOM, UTF-16, or compressed,
    /// as a file's bytes are read.
    #[pyo3(signature = (body, source="<body>"))]
    fn check_bytes(&self, py: Python<'_>, body: PyBackedBytes, source: &str) -> Vec<Finding> {
        self.body(py, &body, source)
    }

    /// Checks a call as the proxy does: the request rules, the answer's body, and whether the
    /// answer answers the request.
    /// ``index`` is the exchange's place among those of its source (the ``entry`` of its
    /// findings), as a HAR entry's.
    #[pyo3(signature = (method, url, request_type, request_body, status, response_type,
        response_body, source="<exchange>", index=0))]
    #[allow(clippy::too_many_arguments)]
    fn check_exchange(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        request_type: &str,
        request_body: PyBackedBytes,
        status: i64,
        response_type: &str,
        response_body: PyBackedBytes,
        source: &str,
        index: u64,
    ) -> Vec<Finding> {
        py.detach(|| {
            let request = HarRequest::sent(method, url, request_type, &request_body);
            let answer = Answer::new(status, response_type, Payload::Bytes(&response_body));
            let settings = &self.resolved.settings;
            let outcome = check_exchange(index, &Exchange::new(&request, answer), settings);
            let checked = Checked::collect(|deliver| {
                deliver(outcome);
            });
            self.finished(checked, source)
        })
    }

    /// Checks files and folders as ``dtlint check PATH...`` does; findings come as they are
    /// found. With a profile search, each input is judged by the ``dtlint.toml`` closest to
    /// it, as the command line judges it.
    #[pyo3(signature = (paths, *, hidden=false, glob=Vec::new(), exclude=Vec::new(), follow=false))]
    fn check_paths(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        hidden: bool,
        glob: Vec<String>,
        exclude: Vec<String>,
        follow: bool,
    ) -> PyResult<PathCheck> {
        PathCheck::start(
            py,
            paths,
            (self.resolved.clone(), &self.choice, &self.given),
            self.limits,
            crate::paths::Walk {
                hidden,
                glob,
                exclude,
                follow,
            },
        )
    }

    /// Whether warnings fail a run (the argument or the profile's ``deny-warnings``).
    #[getter]
    fn deny_warnings(&self) -> bool {
        self.resolved.deny_warnings
    }

    /// The profile file read, or ``None``.
    #[getter]
    fn profile(&self) -> Option<PathBuf> {
        self.resolved.profile.clone()
    }

    /// The calling app's type, from the argument or the profile.
    #[getter]
    fn app_type(&self) -> Option<&'static str> {
        self.resolved.settings.caller.app_type.map(AppType::as_str)
    }

    /// What a run says about the settings before it reads anything (rules that cannot run).
    #[getter]
    fn notes(&self) -> Vec<String> {
        dtlint::run::settings_note(&self.resolved.settings)
            .into_iter()
            .collect()
    }
}

impl Checker {
    fn body(&self, py: Python<'_>, bytes: &[u8], source: &str) -> Vec<Finding> {
        py.detach(|| {
            let checked = check_bytes(bytes, &self.resolved.settings, &self.limits);
            self.finished(checked, source)
        })
    }

    fn finished(&self, checked: Checked, source: &str) -> Vec<Finding> {
        let resolved = &self.resolved;
        checked
            .finished_with(source, &resolved.settings.selection, &resolved.suppressions)
            .findings
            .into_iter()
            .map(Finding)
            .collect()
    }
}
