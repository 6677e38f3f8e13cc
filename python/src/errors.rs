//! The exceptions Python sees: `DtlintError` for anything dtlint refuses, `SettingsError` for
//! a value it cannot use, `ProfileError` for a profile file it cannot read, naming the place.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    dtlint,
    DtlintError,
    PyException,
    "Anything dtlint refuses to do; the base of its other exceptions."
);
create_exception!(
    dtlint,
    SettingsError,
    DtlintError,
    "A setting dtlint cannot use: an unknown app type, permission, language, rule selector or severity."
);
create_exception!(
    dtlint,
    ProfileError,
    SettingsError,
    "A profile file (dtlint.toml) that cannot be read or holds a bad value; `path`, `line` and \
     `column` say where."
);

/// A bad value given from Python.
pub fn bad(message: impl Into<String>) -> PyErr {
    SettingsError::new_err(message.into())
}

/// The library's settings error as the exception that fits it, with the place in the profile.
pub fn from_settings(py: Python<'_>, error: dtlint::profile::SettingsError) -> PyErr {
    let mut message = error.message;
    if let Some(help) = &error.help {
        message = format!("{message}\nhelp: {help}");
    }
    let Some(file) = error.file else {
        return SettingsError::new_err(message);
    };
    let place = error
        .profile
        .as_ref()
        .and_then(|profile| profile.line_column());
    let (line, column) = (place.map(|p| p.0), place.map(|p| p.1));
    let err = ProfileError::new_err(message);
    let value = err.value(py);
    // Setting attributes on a fresh exception object cannot fail but for memory.
    let _ = value.setattr("path", file.display().to_string());
    let _ = value.setattr("line", line);
    let _ = value.setattr("column", column);
    err
}
