//! `dtlint.Summary`: the counts of a run over paths, and the exit code the command line
//! would give.

use pyo3::prelude::*;

/// What a run over paths read and found, as ``dtlint check``'s summary line says it.
#[pyclass(module = "dtlint", name = "Summary", frozen, get_all)]
pub struct Summary {
    /// Inputs read (files, standard input).
    pub inputs: u64,
    /// Responses checked.
    pub responses: u64,
    /// Paths met in folders and passed over (other extensions, hidden, excluded).
    pub skipped: u64,
    /// HAR entries of other endpoints passed over.
    pub skipped_entries: u64,
    /// Calls of the API that never got an answer (cancelled or failed on the way).
    pub unanswered: u64,
    /// Findings at error severity.
    pub errors: u64,
    /// Findings at warning severity.
    pub warnings: u64,
    /// Findings at info severity.
    pub infos: u64,
    /// Remarks of the run (rules that could not run, bodies read as `result` objects).
    pub notes: Vec<String>,
    /// An input could not be read at all.
    pub unreadable: bool,
    /// The run was stopped before it read every input.
    pub interrupted: bool,
    /// The exit code ``dtlint check`` would give: 0 clean, 1 findings that fail the run,
    /// 2 an input that could not be read, 130 interrupted.
    pub exit_code: i32,
}

impl Summary {
    /// The summary of a run that ended as `ended`, with the notes its reporters were given.
    pub fn new(ended: &dtlint::run::exit::Ended, notes: Vec<String>, deny_warnings: bool) -> Self {
        let summary = &ended.summary;
        Self {
            inputs: summary.inputs,
            responses: summary.responses,
            skipped: summary.skipped,
            skipped_entries: summary.skipped_entries,
            unanswered: summary.unanswered,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
            notes,
            unreadable: ended.unreadable,
            interrupted: ended.interrupted,
            exit_code: ended.status(deny_warnings) as i32,
        }
    }
}

#[pymethods]
impl Summary {
    fn __repr__(&self) -> String {
        use dtlint::report::count;
        format!(
            "<Summary {} in {}: {}, {}, {}; exit {}>",
            count(self.responses, "response", "responses"),
            count(self.inputs, "input", "inputs"),
            count(self.errors, "error", "errors"),
            count(self.warnings, "warning", "warnings"),
            count(self.infos, "info", "infos"),
            self.exit_code
        )
    }
}
