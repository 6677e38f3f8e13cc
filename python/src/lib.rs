//! `dtlint._dtlint`: the native half of the `dtlint` Python package, a thin layer over the
//! library's public API. Settings are resolved by the library's profile reader
//! (`dtlint::profile`), bodies and exchanges are checked by `run::check_bytes` and
//! `check_exchange` and finished through a run's exit (`Checked::finished_with`), and paths
//! are checked by `run::check_all` as `dtlint check` checks them. The Python half
//! (`dtlint/__init__.py`) shapes arguments and caches one `Checker` per set of settings.

mod checker;
mod errors;
mod finding;
mod paths;
mod summary;

use pyo3::prelude::*;

#[pymodule]
fn _dtlint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<finding::Finding>()?;
    m.add_class::<summary::Summary>()?;
    m.add_class::<checker::Checker>()?;
    m.add_class::<paths::PathCheck>()?;
    m.add("DtlintError", py.get_type::<errors::DtlintError>())?;
    m.add("SettingsError", py.get_type::<errors::SettingsError>())?;
    m.add("ProfileError", py.get_type::<errors::ProfileError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
