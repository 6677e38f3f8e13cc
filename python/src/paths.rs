//! `dtlint.check_path`: a run over files and folders on a thread of its own, its findings
//! handed to Python through a bounded channel as the run's exit lets them out, so memory stays
//! bounded however many findings there are, and a consumer that stops early stops the run.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use dtlint::input::Limits;
use dtlint::profile::{Overrides, ProfileChoice, Profiles, Resolved};
use dtlint::report::{Reporter, RunEnd};
use dtlint::run::exit::Exit;
use dtlint::run::{self, WalkOptions};

use crate::errors::{bad, from_settings};
use crate::finding::Finding;
use crate::summary::Summary;

/// Findings waiting for Python before the run waits for it.
const WAITING: usize = 256;

/// How long Python waits for the next finding before it looks for Ctrl-C.
const PATIENCE: Duration = Duration::from_millis(100);

/// How folders are walked.
pub struct Walk {
    pub hidden: bool,
    pub glob: Vec<String>,
    pub exclude: Vec<String>,
    pub follow: bool,
}

enum Event {
    Finding(dtlint::Finding),
    Done(Summary),
    Failed(String),
}

/// Hands each finding to the channel; the run stops when Python has gone away.
struct Channel {
    sender: SyncSender<Event>,
    notes: Vec<String>,
}

impl Reporter for Channel {
    fn finding(&mut self, finding: &dtlint::Finding) -> io::Result<()> {
        self.sender
            .send(Event::Finding(finding.clone()))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the iterator was dropped"))
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        self.notes = end.notes.to_vec();
        Ok(())
    }
}

fn globs(patterns: &[String], what: &str) -> PyResult<Option<globset::GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            globset::Glob::new(pattern).map_err(|e| bad(format!("{what} {pattern}: {e}")))?;
        set.add(glob);
    }
    set.build()
        .map(Some)
        .map_err(|e| bad(format!("{what}: {e}")))
}

/// The findings of a run over paths, as an iterator; ``summary`` once it is exhausted.
#[pyclass(module = "dtlint", name = "PathCheck")]
pub struct PathCheck {
    events: Mutex<Receiver<Event>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    summary: Option<Py<Summary>>,
}

impl PathCheck {
    /// Walks `paths` and finds their profiles (the run's own resolved, the choice it was
    /// resolved from and the values given), then checks them on a thread of its own.
    pub fn start(
        py: Python<'_>,
        paths: Vec<PathBuf>,
        (own, choice, given): (Resolved, &ProfileChoice, &Overrides),
        limits: Limits,
        walk: Walk,
    ) -> PyResult<Self> {
        let options = WalkOptions {
            hidden: walk.hidden,
            include: globs(&walk.glob, "glob")?,
            exclude: globs(&walk.exclude, "exclude")?,
            stdin_format: None,
            stdin_name: None,
            read_special: false,
            follow: walk.follow,
            list_skipped: false,
            captures_only: false,
        };
        // A bad profile in a folder walked is raised here, before any finding, as the command
        // line fails before it reads anything.
        let (collected, profiles) = py
            .detach(|| {
                let mut collected = run::collect(&paths, &options);
                let needs = own.settings.needs;
                Profiles::assign(own, choice, given, &mut collected).map(|mut profiles| {
                    for settings in profiles.settings_mut() {
                        settings.needs = needs;
                    }
                    (collected, profiles)
                })
            })
            .map_err(|e| from_settings(py, e))?;
        let (sender, events) = sync_channel(WAITING);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("dtlint-check-path".to_owned())
            .spawn(move || run(&collected, &profiles, &limits, &flag, sender))
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the run: {e}")))?;
        Ok(Self {
            events: Mutex::new(events),
            stop,
            thread: Some(thread),
            summary: None,
        })
    }
}

fn run(
    collected: &run::Collected,
    profiles: &Profiles,
    limits: &Limits,
    stop: &AtomicBool,
    sender: SyncSender<Event>,
) {
    let mut channel = Channel {
        sender: sender.clone(),
        notes: Vec::new(),
    };
    let mut exit = Exit::judged(profiles.judges(), vec![&mut channel]).with_interrupt(stop);
    exit.skipped(&collected.skipped);
    run::check_all(
        &collected.targets,
        &profiles.settings(),
        limits,
        &(),
        &mut exit,
    );
    let ended = exit.finish(&profiles.notes());
    let event = match ended {
        // Each profile's deny-warnings is judged at the exit.
        Ok(ended) => Event::Done(Summary::new(&ended, channel.notes, false)),
        Err(error) => Event::Failed(error.to_string()),
    };
    // Python may have stopped listening; then no one needs the end.
    let _ = sender.send(event);
}

#[pymethods]
impl PathCheck {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Finding>> {
        if self.summary.is_some() {
            return Ok(None);
        }
        loop {
            let events = &self.events;
            let next = py
                .detach(|| {
                    events
                        .lock()
                        .map(|events| events.recv_timeout(PATIENCE))
                        .map_err(|_| ())
                })
                .map_err(|()| PyRuntimeError::new_err("the run's channel is poisoned"))?;
            match next {
                Ok(Event::Finding(finding)) => return Ok(Some(Finding(finding))),
                Ok(Event::Done(summary)) => {
                    self.summary = Some(Py::new(py, summary)?);
                    self.join();
                    return Ok(None);
                }
                Ok(Event::Failed(message)) => {
                    self.join();
                    return Err(PyRuntimeError::new_err(message));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(interrupt) = py.check_signals() {
                        self.close();
                        return Err(interrupt);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.join();
                    return Err(PyRuntimeError::new_err("the run ended without a summary"));
                }
            }
        }
    }

    /// The run's summary once every finding has been read, else ``None``.
    #[getter]
    fn summary(&self, py: Python<'_>) -> Option<Py<Summary>> {
        self.summary.as_ref().map(|s| s.clone_ref(py))
    }

    /// Stops the run; findings not yet read are dropped.
    fn close(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Empty the channel so that a run waiting to hand a finding over sees the stop.
        if let Ok(events) = self.events.lock() {
            while events.try_recv().is_ok() {}
        }
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __exit__(
        &mut self,
        _kind: Option<Bound<'_, PyAny>>,
        _value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) {
        self.close();
    }
}

impl PathCheck {
    fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for PathCheck {
    fn drop(&mut self) {
        // The thread ends by itself: the stop flag ends the walk, and dropping the receiver
        // fails its next send.
        self.stop.store(true, Ordering::Relaxed);
    }
}
