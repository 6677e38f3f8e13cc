//! `dtlint check`, `dtlint audit` and the run they share: inputs from the command line, checked, with the profile's suppressions and the baseline applied.

use std::io::{self, IsTerminal, Write};

use dtlint::input::Limits;
use dtlint::report::audit;
use dtlint::report::{self, Reporter, Style};
use dtlint::run::baseline::{self, Recorder};
use dtlint::run::exit::{BaselineUse, Ended, Exit};
use dtlint::run::{self, WalkOptions};
use dtlint::Needs;

use super::settings;

use dtlint::profile::Profiles;
use dtlint::report::partial::{self, Of, Partial, ShardSelection};

use super::cli::{
    AuditArgs, AuditFormat, CheckArgs, ColorChoice, MergeArgs, MergeFormat, OutputFormat,
};
use super::{profile, progress, ExitStatus, RunError};

pub fn audit(args: &AuditArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let check = CheckArgs {
        paths: args.paths.clone(),
        settings: args.settings.clone(),
        format: report::Format::Json,
        output: Vec::new(),
        baseline: None,
        update_baseline: false,
        output_format: OutputFormat::Full,
        statistics: false,
        color: ColorChoice::Never,
        hidden: false,
        glob: Vec::new(),
        exclude: Vec::new(),
        follow: false,
        read_special: false,
        verbose: false,
        quiet: true,
        stdin_format: args.stdin_format,
        stdin_filename: args.stdin_filename.clone(),
        exit_zero: args.exit_zero,
        partial: args.partial,
        max_size: Limits::default().max_size,
    };
    let needs = Needs::new(true, false);
    let prepared = prepare(&check, true, needs)?;
    if let Some((one, other)) = prepared.profiles.callers_differ() {
        return Err(RunError::Usage(miette::miette!(
            help = "audit each profile's folder on its own, or give one profile for every input with --profile",
            "the inputs' profiles name different callers ({} in {}; {} in {}): dtlint audit audits one caller",
            audit::describe(&one.settings.caller),
            profile_name(one),
            audit::describe(&other.settings.caller),
            profile_name(other),
        )));
    }
    let caller = prepared.profiles.caller();
    if args.partial {
        let mut builder = audit::Builder::partial(caller);
        let mut partial = Partial::new(Of::Audit, out);
        let exit = prepared.exit(vec![&mut partial, &mut builder]).partial();
        let ended = prepared.run(exit)?;
        partial.write(&partial::Record::Audit(Box::new(builder.record())))?;
        partial.flush()?;
        return Ok(pipeline_status(ended.status(false), true));
    }
    let mut builder = audit::Builder::new(caller);
    let exit = prepared.exit(vec![&mut builder]);
    let ended = prepared.run(exit)?;
    let audit = builder.audit();
    let mut file;
    let target: &mut dyn Write = match &args.out {
        Some(path) => {
            file = create(path, "-o")?;
            &mut file
        }
        None => out,
    };
    match args.format {
        AuditFormat::Html => report::write_audit_html(&audit, target)?,
        AuditFormat::Markdown => report::write_audit_markdown(&audit, target)?,
        AuditFormat::Json => report::write_audit_json(&audit, target)?,
    }
    target.flush()?;
    Ok(pipeline_status(
        audit_status(ended.interrupted, ended.unreadable, &audit),
        args.exit_zero,
    ))
}

/// How an audit ended: 1 when anything was exposed.
fn audit_status(interrupted: bool, unreadable: bool, audit: &audit::Audit) -> ExitStatus {
    if interrupted {
        ExitStatus::Interrupted
    } else if unreadable {
        ExitStatus::Error
    } else if audit.fields.iter().any(|f| f.exposures > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

/// `--exit-zero`: findings do not fail the process; failures to run still do.
fn pipeline_status(status: ExitStatus, exit_zero: bool) -> ExitStatus {
    if exit_zero && status == ExitStatus::Findings {
        ExitStatus::Clean
    } else {
        status
    }
}

/// What `dtlint check` with these arguments prints or keeps of each finding.
fn check_needs(args: &CheckArgs) -> Needs {
    // Concise human output prints no snippet; --output human=FILE is always full.
    let human = (args.format == report::Format::Human && args.output_format == OutputFormat::Full)
        || args.output.iter().any(|(f, _)| *f == report::Format::Human);
    Needs::new(human, args.baseline.is_some())
}

/// A profile's file as messages name it.
fn profile_name(resolved: &settings::Resolved) -> String {
    resolved
        .profile
        .as_ref()
        .map_or_else(|| "no profile".to_owned(), |p| p.display().to_string())
}

/// A run's inputs and settings, resolved from the command line, before anything is read.
pub struct Prepared {
    /// The run's profiles, its own first; each target names the one that judges it.
    pub profiles: Profiles,
    collected: run::Collected,
    limits: Limits,
    quiet: bool,
    verbose: bool,
    notes: Vec<String>,
}

/// Resolves the profile, expands the paths and finds the profiles closer to the inputs;
/// `observe` records which members each response carries (for the audit).
pub fn prepare(args: &CheckArgs, observe: bool, needs: Needs) -> Result<Prepared, RunError> {
    let own = profile::resolve(&args.settings)?;
    let walk = WalkOptions {
        hidden: args.hidden,
        include: globs(&args.glob, "--glob")?,
        exclude: globs(&args.exclude, "--exclude")?,
        stdin_format: Some(args.stdin_format),
        stdin_name: args.stdin_filename.clone(),
        read_special: args.read_special,
        follow: args.follow,
        list_skipped: args.verbose,
    };
    let mut collected = run::collect(&args.paths, &walk);
    let mut profiles = profile::tree(&args.settings, own, &mut collected)?;
    for settings in profiles.settings_mut() {
        settings.observe = observe;
        settings.needs = needs;
    }
    let notes = profiles.notes();
    Ok(Prepared {
        profiles,
        collected,
        limits: Limits::new(args.max_size),
        quiet: args.quiet,
        verbose: args.verbose,
        notes,
    })
}

impl Prepared {
    /// The run's exit, judging each input by its profile's selection and suppressions,
    /// reporting to `reporters` and stopping at Ctrl-C.
    pub fn exit<'r>(&'r self, reporters: Vec<&'r mut dyn Reporter>) -> Exit<'r> {
        let mut exit = Exit::judged(self.profiles.judges(), reporters)
            .with_interrupt(super::interrupt::flag());
        exit.skipped(&self.collected.skipped);
        exit
    }

    /// Reads every input through `exit` and ends the run.
    pub fn run(&self, mut exit: Exit<'_>) -> Result<Ended, RunError> {
        if self.verbose {
            // Before anything is read: on standard error, so never inside the report.
            let mut err = io::stderr().lock();
            report::write_skipped(&self.collected.passed_over, &mut err)?;
            for (resolved, inputs) in self.profiles.read() {
                if let Some(path) = &resolved.profile {
                    writeln!(
                        err,
                        "dtlint: profile {} judges {inputs} {}",
                        path.display(),
                        if inputs == 1 { "input" } else { "inputs" }
                    )?;
                }
            }
        }
        let progress = progress::bar(self.quiet, self.collected.targets.len());
        run::check_all(
            &self.collected.targets,
            &self.profiles.settings(),
            &self.limits,
            &progress,
            &mut exit,
        );
        progress.finish_and_clear();
        Ok(exit.finish(&self.notes)?)
    }
}

pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    if args.partial {
        // A shard: fingerprints for the merge's baseline, no snippets, no suppressions.
        let prepared = prepare(args, false, Needs::new(false, true))?;
        let used = prepared.profiles.in_use();
        if let [(one, _), (other, _), ..] = used.as_slice() {
            // The merge applies one selection and one profile's suppressions to the whole.
            return Err(RunError::Usage(miette::miette!(
                help = "shard each profile's folder on its own and merge each with its profile, or give one profile for every input with --profile",
                "--partial: these inputs are judged by {} profiles ({}, {}{}), and a shard's partial result is merged with one",
                used.len(),
                profile_name(one),
                profile_name(other),
                if used.len() > 2 { ", ..." } else { "" }
            )));
        }
        let (judge, _) = used[0];
        let mut partial = Partial::new(Of::Check, out).with_selection(ShardSelection::of(
            &judge.settings.selection,
            judge.deny_warnings,
        ));
        let exit = prepared.exit(vec![&mut partial]).partial();
        let ended = prepared.run(exit)?;
        partial.flush()?;
        // Each profile's deny-warnings is judged at the exit.
        let status = ended.status(false);
        return Ok(pipeline_status(status, args.exit_zero));
    }
    let prepared = prepare(args, false, check_needs(args))?;
    let baseline = match &args.baseline {
        None => BaselineUse::None,
        Some(_) if args.update_baseline => BaselineUse::Record(Recorder::default()),
        Some(path) => hiding(path)?,
    };
    // Every report file is opened before anything is read, so a bad path fails at once.
    let mut files = Vec::new();
    for (format, path) in &args.output {
        files.push((*format, create(path, "--output")?));
    }
    let style = Style {
        color: use_color(args.color),
        width: None,
        statistics: args.statistics,
        concise: args.output_format == OutputFormat::Concise,
    };
    let plain = Style {
        color: false,
        width: Some(100),
        statistics: false,
        concise: false,
    };
    let mut shown = report::reporter(args.format, style, out);
    let mut written: Vec<Box<dyn Reporter + '_>> = files
        .iter_mut()
        .map(|(format, file)| report::reporter(*format, plain, file))
        .collect();
    let mut reporters: Vec<&mut dyn Reporter> = vec![shown.as_mut()];
    reporters.extend(written.iter_mut().map(|r| r.as_mut() as &mut dyn Reporter));
    let exit = prepared.exit(reporters).with_baseline(baseline);
    let ended = prepared.run(exit)?;
    drop(written);
    for (_, file) in &mut files {
        file.flush()?;
    }
    if let (Some(path), Some(recorded)) = (&args.baseline, &ended.recorded) {
        recorded
            .save(path)
            .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
    }
    // Each profile's deny-warnings is judged at the exit.
    let status = ended.status(false);
    Ok(pipeline_status(status, args.exit_zero))
}

/// `dtlint merge`: partial results joined through one run's exit (findings) or into one
/// audit.
pub fn merge(args: &MergeArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let resolved = profile::resolve(&args.settings)?;
    let files =
        run::merge::expand(&args.paths).map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
    let mut partials = run::merge::Partials::read(files);
    let mut file;
    let target: &mut dyn Write = match &args.out {
        Some(path) => {
            file = create(path, "-o")?;
            &mut file
        }
        None => out,
    };
    if partials.of() == Some(Of::Audit) {
        return merge_audits(args, &resolved, &mut partials, target);
    }
    let format = match args.format {
        None | Some(MergeFormat::Human) => report::Format::Human,
        Some(MergeFormat::Json) => report::Format::Json,
        Some(MergeFormat::Ndjson) => report::Format::Ndjson,
        Some(MergeFormat::Sarif) => report::Format::Sarif,
        Some(MergeFormat::Junit) => report::Format::Junit,
        Some(MergeFormat::Github) => report::Format::Github,
        Some(MergeFormat::Markdown) => report::Format::Markdown,
        Some(MergeFormat::Html) => {
            return Err(RunError::Usage(miette::miette!(
                "--format html is an audit's: these partial results hold findings (json, ndjson, sarif, junit, github, markdown or human)"
            )))
        }
    };
    let baseline = match &args.baseline {
        None => BaselineUse::None,
        Some(path) => hiding(path)?,
    };
    // The shards' findings carry no snippets: the human format lists them one a line.
    let style = Style {
        color: args.out.is_none() && use_color(args.color),
        width: None,
        statistics: args.statistics,
        concise: true,
    };
    // The shards' selection and severities stand unless merge is given its own.
    let own = args.settings.profile.is_some()
        || !args.settings.select.is_empty()
        || !args.settings.extend_select.is_empty()
        || !args.settings.ignore.is_empty()
        || !args.settings.severity.is_empty();
    let shards = partials.shard_selection().filter(|_| !own);
    let selection = match shards {
        Some(recorded) => recorded
            .selection()
            .map_err(|m| RunError::Usage(miette::miette!("{m}")))?,
        None => resolved.settings.selection.clone(),
    };
    let deny_warnings = resolved.deny_warnings || shards.is_some_and(|s| s.deny_warnings);
    let mut reporter = report::reporter(format, style, target);
    let mut exit = Exit::new(&selection, &resolved.suppressions, vec![reporter.as_mut()])
        .with_baseline(baseline)
        .with_interrupt(super::interrupt::flag());
    partials.deliver(&mut exit);
    let ended = exit.finish(partials.notes())?;
    drop(reporter);
    target.flush()?;
    let status = ended.status(deny_warnings);
    Ok(pipeline_status(status, args.exit_zero))
}

/// `dtlint merge` of partial audits.
fn merge_audits(
    args: &MergeArgs,
    resolved: &settings::Resolved,
    partials: &mut run::merge::Partials,
    target: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let mut merged = audit::partial::Merged::default();
    for record in partials.take_audits() {
        merged.add(record);
    }
    let caller = &resolved.settings.caller;
    let (inputs, responses) = partials.counts();
    if let Some(callers) = merged.callers_disagree() {
        return Err(RunError::Usage(miette::miette!(
            "the shards audited different callers ({}): merge the audits of one caller",
            callers.join("; ")
        )));
    }
    let shards = merged.caller().map(str::to_owned);
    let audit = merged.audit(caller, inputs, responses, |source, position| {
        partials.base(source, position)
    });
    if let Some(shards) = shards.filter(|c| *c != audit.caller) {
        return Err(RunError::Usage(miette::miette!(
            help = "give merge the profile (or --app-type and --permission) the shards were given",
            "the shards audited {shards}, and merge was given {}",
            audit.caller
        )));
    }
    match args.format {
        None | Some(MergeFormat::Html) => report::write_audit_html(&audit, target)?,
        Some(MergeFormat::Markdown) => report::write_audit_markdown(&audit, target)?,
        Some(MergeFormat::Json) => report::write_audit_json(&audit, target)?,
        Some(other) => {
            return Err(RunError::Usage(miette::miette!(
                "--format {other:?} is not an audit's: these partial results hold an audit (html, markdown or json)"
            )))
        }
    }
    target.flush()?;
    let mut problems = io::stderr().lock();
    for note in partials.notes() {
        writeln!(problems, "dtlint: {note}")?;
    }
    let unreadable = partials.failed();
    if unreadable {
        partials.write_problems(&mut problems)?;
    }
    Ok(pipeline_status(
        audit_status(false, unreadable, &audit),
        args.exit_zero,
    ))
}

/// The baseline at `path`, loaded to hide what it records.
fn hiding(path: &std::path::Path) -> Result<BaselineUse, RunError> {
    Ok(BaselineUse::Hide {
        hider: baseline::Baseline::load(path)
            .map_err(|m| RunError::Usage(miette::miette!("{m}")))?
            .hider(),
        path: path.display().to_string(),
    })
}

/// `dtlint baseline`: records the findings of the inputs, reports none of them.
pub fn record_baseline(args: &CheckArgs) -> Result<baseline::Baseline, RunError> {
    let needs = Needs::new(false, true);
    let prepared = prepare(args, false, needs)?;
    let exit = prepared
        .exit(Vec::new())
        .with_baseline(BaselineUse::Record(Recorder::default()));
    let ended = prepared.run(exit)?;
    Ok(ended.recorded.unwrap_or_default())
}

/// A report file, buffered.
fn create(path: &std::path::Path, flag: &str) -> Result<io::BufWriter<std::fs::File>, RunError> {
    std::fs::File::create(path)
        .map(io::BufWriter::new)
        .map_err(|e| {
            RunError::Usage(miette::miette!(
                "{flag} {}: cannot write the file: {e}",
                path.display()
            ))
        })
}

/// Compiles glob patterns; `None` when there are none.
fn globs(patterns: &[String], flag: &str) -> Result<Option<globset::GlobSet>, RunError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        // A bare pattern such as '*.har' matches at any depth, as in ripgrep.
        let full = if pattern.contains('/') {
            pattern.clone()
        } else {
            format!("**/{pattern}")
        };
        let glob = globset::Glob::new(&full)
            .map_err(|e| RunError::Usage(miette::miette!("{flag} {pattern}: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| RunError::Usage(miette::miette!("{flag}: {e}")))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}
