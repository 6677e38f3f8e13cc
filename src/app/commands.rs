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
    AuditArgs, AuditFormat, BaselineArgs, CheckArgs, ColorChoice, MergeArgs, MergeFormat,
    OutputFormat, WalkArgs,
};
use super::{profile, progress, ExitStatus, RunError};

pub fn audit(args: &AuditArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    refuse_unused("audit", &[("--deny", !args.settings.deny.is_empty())])?;
    let mut check = CheckArgs::reading(&args.paths, &args.settings, &args.walk);
    check.exit_zero = args.exit_zero;
    check.partial = args.partial;
    let needs = Needs::new(true, false);
    let prepared = prepare(&check, true, needs)?;
    if let Some((one, other)) = prepared.profiles.callers_differ() {
        return Err(RunError::Usage(miette::miette!(
            help = "audit each profile's folder on its own, or judge every input alike: one profile with --profile FILE, or none with --no-profile and the caller's flags",
            "the inputs' profiles name different callers ({} in {}; {} in {}): dtlint audit audits one caller",
            audit::describe(&one.settings.caller),
            profile_name(one),
            audit::describe(&other.settings.caller),
            profile_name(other),
        )));
    }
    let caller = prepared.profiles.caller();
    if caller.app_type.is_none() && !args.partial {
        // Without a caller the audit is still an inventory (which documented and undocumented
        // fields the captures carried), which auditors take before they know the app; but
        // nothing in it is judged, and the report may go to a file nobody opens in CI.
        writeln!(
            io::stderr().lock(),
            "dtlint: warning: no app type given: the audit lists the fields the captures carried and judges no exposure (pass --app-type internal|third-party, or set app-type in dtlint.toml)"
        )?;
    }
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
    let human = (args.format == report::Format::Human
        && args.output_format != Some(OutputFormat::Concise))
        || args.output.iter().any(|(f, _)| *f == report::Format::Human);
    Needs::new(human, args.baseline.is_some())
}

impl CheckArgs {
    /// The arguments of a check that reads `paths` as given and reports nothing of its own:
    /// what `audit` and `baseline` run before they write what they make of it.
    fn reading(
        paths: &[std::path::PathBuf],
        settings: &settings::SettingsArgs,
        walk: &WalkArgs,
    ) -> Self {
        Self {
            paths: paths.to_vec(),
            settings: settings.clone(),
            format: report::Format::Json,
            output: Vec::new(),
            baseline: None,
            update_baseline: false,
            output_format: None,
            statistics: false,
            color: ColorChoice::Never,
            walk: walk.clone(),
            exit_zero: false,
            partial: false,
        }
    }
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
    /// What the run was asked to check, for the baseline's entries of inputs that are gone.
    scope: run::Scope,
    limits: Limits,
    quiet: bool,
    verbose: bool,
    notes: Vec<String>,
    /// The notes about rules the run cannot apply, said on standard error as well when the
    /// report is for a program.
    unmet: Vec<String>,
}

/// Resolves the profile, expands the paths and finds the profiles closer to the inputs;
/// `observe` records which members each response carries (for the audit).
pub fn prepare(args: &CheckArgs, observe: bool, needs: Needs) -> Result<Prepared, RunError> {
    let own = profile::resolve(&args.settings)?;
    let given = &args.walk;
    let walk = WalkOptions {
        hidden: given.hidden,
        include: globs(&given.glob, "--glob")?,
        exclude: globs(&given.exclude, "--exclude")?,
        stdin_format: Some(given.stdin_format),
        stdin_name: given.stdin_filename.clone(),
        read_special: given.read_special,
        follow: given.follow,
        list_skipped: given.verbose,
        captures_only: given.captures_only,
    };
    let mut collected = run::collect(&args.paths, &walk);
    let scope = run::Scope::new(&args.paths, given.hidden, &given.glob, &given.exclude);
    let mut profiles = profile::tree(&args.settings, own, &mut collected)?;
    for settings in profiles.settings_mut() {
        settings.observe = observe;
        settings.needs = needs;
    }
    let notes = profiles.notes();
    let unmet = profiles.unmet();
    Ok(Prepared {
        profiles,
        collected,
        scope,
        limits: Limits::new(given.max_size),
        quiet: given.quiet,
        verbose: given.verbose,
        notes,
        unmet,
    })
}

impl Prepared {
    /// The run's exit, judging each input by its profile's selection and suppressions,
    /// reporting to `reporters` and stopping at Ctrl-C.
    pub fn exit<'r>(&'r self, reporters: Vec<&'r mut dyn Reporter>) -> Exit<'r> {
        let mut exit = Exit::judged(self.profiles.judges(), reporters)
            .with_interrupt(super::interrupt::flag());
        if self.verbose {
            exit = exit.listing_passed_over();
        }
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
                        "dtlint: profile {} judges {}",
                        path.display(),
                        report::count(inputs, "input", "inputs")
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
        let ended = exit.finish(&self.notes)?;
        if self.verbose {
            // Files a folder held that, once read, hold no capture: listed as the walk's are.
            let late: Vec<_> = ended
                .no_captures
                .iter()
                .map(|path| (path.clone(), report::SkipReason::NotACapture))
                .collect();
            report::write_skipped(&late, &mut io::stderr().lock())?;
        }
        Ok(ended)
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
        let mut partial = Partial::new(Of::Check, out)
            .with_selection(ShardSelection::of(
                &judge.settings.selection,
                judge.deny_warnings,
            ))
            .with_scope(&prepared.scope);
        let exit = prepared.exit(vec![&mut partial]).partial();
        let ended = prepared.run(exit)?;
        partial.flush()?;
        // Each profile's deny-warnings is judged at the exit.
        let status = ended.status(false);
        return Ok(pipeline_status(status, args.exit_zero));
    }
    refuse_combinations(args)?;
    let prepared = prepare(args, false, check_needs(args))?;
    let baseline = match &args.baseline {
        None => BaselineUse::None,
        Some(_) if args.update_baseline => BaselineUse::Record(Recorder::default()),
        Some(path) => hiding(path, std::slice::from_ref(&prepared.scope))?,
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
        concise: args.output_format == Some(OutputFormat::Concise),
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
    // The human report carries its notes itself; any other is read by a program or goes to a
    // file, so the rules the run could not apply are said where the user is looking too.
    if args.format != report::Format::Human {
        write_notes(&prepared.unmet)?;
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

/// Flags that cannot both apply are refused before anything is read, rather than one of them
/// silently doing nothing.
fn refuse_combinations(args: &CheckArgs) -> Result<(), RunError> {
    let format = args.format;
    if args.output_format.is_some() && format != report::Format::Human {
        return Err(RunError::Usage(miette::miette!(
            help = "drop --output-format, or use --format human",
            "--output-format shapes the human format's findings; --format {} has one form",
            format_name(format)
        )));
    }
    if args.statistics && !matches!(format, report::Format::Human | report::Format::Json) {
        let name = format_name(format);
        return Err(RunError::Usage(miette::miette!(
            help = format!(
                "--statistics groups findings in the human and json formats; --output {name}=FILE beside one of them keeps every finding"
            ),
            "--statistics cannot be written as {name}: its findings are listed one by one"
        )));
    }
    Ok(())
}

/// Flags a command shares with `check` but cannot use: refused, not silently ignored (they
/// are hidden from its help).
fn refuse_unused(command: &str, given: &[(&str, bool)]) -> Result<(), RunError> {
    match given.iter().find(|(_, set)| *set) {
        Some((flag, _)) => Err(RunError::Usage(miette::miette!(
            help = "it applies to `dtlint check`",
            "`dtlint {command}` has no use for {flag}"
        ))),
        None => Ok(()),
    }
}

/// A report format as `--format` spells it.
fn format_name(format: report::Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(|| format!("{format:?}"), |v| v.get_name().to_owned())
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
        Some(path) => hiding(path, partials.scopes())?,
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

/// The baseline at `path`, loaded to hide what it records, its entries of inputs within
/// `scopes` (what the run, or each shard, was asked to check) judged when those are gone.
fn hiding(path: &std::path::Path, scopes: &[run::Scope]) -> Result<BaselineUse, RunError> {
    let mut hider = baseline::Baseline::load(path)
        .map_err(|m| RunError::Usage(miette::miette!("{m}")))?
        .hider();
    for scope in scopes {
        hider.scope(scope);
    }
    Ok(BaselineUse::Hide {
        hider,
        path: path.display().to_string(),
    })
}

/// `dtlint baseline`: records the findings of the inputs, reports none of them.
pub fn record_baseline(args: &BaselineArgs) -> Result<baseline::Baseline, RunError> {
    refuse_unused(
        "baseline",
        &[
            ("--deny", !args.settings.deny.is_empty()),
            ("--show-values", args.settings.show_values),
        ],
    )?;
    let check = CheckArgs::reading(&args.paths, &args.settings, &args.walk);
    let needs = Needs::new(false, true);
    let prepared = prepare(&check, false, needs)?;
    let exit = prepared
        .exit(Vec::new())
        .with_baseline(BaselineUse::Record(Recorder::default()));
    let ended = prepared.run(exit)?;
    Ok(ended.recorded.unwrap_or_default())
}

/// The run's notes on standard error, where a report written for a program or to a file
/// leaves them unseen.
fn write_notes(notes: &[String]) -> io::Result<()> {
    let mut stderr = io::stderr().lock();
    for note in notes {
        writeln!(stderr, "dtlint: note: {note}")?;
    }
    Ok(())
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
        let glob = globset::Glob::new(&run::glob_pattern(pattern))
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
