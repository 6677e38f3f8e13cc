//! dtlint: validates captured DingTalk `topapi/v2/user/get` responses against the documented schema and lints them for compliance.
//!
//! The one place that wires inputs, checks and reporters together. Rust clients can run the
//! same checks in their own tests with [`check_value`] and [`check_text`].

pub mod audit;
pub mod baseline;
pub mod caller;
pub mod check;
pub mod cli;
pub mod email_format;
pub mod engine;
pub mod errcodes;
pub mod excerpt;
pub mod fields;
pub mod finding;
pub mod input;
pub mod json;
pub mod privacy;
pub mod report;
pub mod request;
pub mod rules;
pub mod schema;
pub mod selection;
pub mod settings;
pub mod suppress;

use std::io::{self, IsTerminal, Write};

pub use caller::{AppType, Caller, Permission};
pub use check::{check_text, check_value, Settings};
pub use finding::{Category, Finding, Severity};

use cli::{CheckArgs, Cli, ColorChoice, Command};
use input::{Limits, WalkOptions};
use report::{Run, Style};

/// How a run ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at error severity.
    Clean = 0,
    /// At least one finding at error severity (or warning, with `--deny warnings`).
    Findings = 1,
    /// A usage error, or an input that could not be read at all.
    Error = 2,
}

/// Runs one command line, writing its report to `out`.
///
/// # Errors
/// Usage errors (a bad profile, an unknown rule) as miette reports, and failures to write.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    match cli.command {
        Command::Check(args) => check_command(&args, out),
        Command::Audit(args) => audit_command(&args, out),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "dtlint", out);
            Ok(ExitStatus::Clean)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Redact {
            input,
            out: target,
            show_values,
        } => {
            let summary = privacy::copy::redact(&input, &target, show_values)
                .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
            report::write_redaction(&summary, out, &mut io::stderr().lock())?;
            Ok(ExitStatus::Clean)
        }
        Command::Baseline(args) => {
            let (run, _) = checked_run(&args.check)?;
            let recorded = baseline::Baseline::of(run.findings());
            recorded
                .save(&args.out)
                .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
            report::write_baseline_note(recorded.findings.len(), &args.out, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Rules(args) => {
            report::write_rules(args.format, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { rule } => {
            let found = rules::find(&rule).ok_or_else(|| {
                RunError::Usage(miette::miette!(
                    help = "`dtlint rules` lists every code and name",
                    "no rule is called `{rule}`"
                ))
            })?;
            report::write_explanation(found, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Fields(args) => {
            let filter = args.app_type.map(|app_type| Caller {
                app_type: Some(app_type),
                permissions: args.permission.iter().copied().collect(),
                corp_id: None,
            });
            report::write_fields(filter.as_ref(), args.format, out)?;
            Ok(ExitStatus::Clean)
        }
    }
}

/// Why a run could not produce its report.
#[derive(Debug)]
pub enum RunError {
    Usage(miette::Report),
    Io(io::Error),
}

impl From<io::Error> for RunError {
    fn from(error: io::Error) -> Self {
        Self::Io(error)
    }
}

fn audit_command(args: &cli::AuditArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let check = CheckArgs {
        paths: args.paths.clone(),
        settings: args.settings.clone(),
        format: report::Format::Json,
        output: Vec::new(),
        baseline: None,
        update_baseline: false,
        statistics: false,
        color: ColorChoice::Never,
        hidden: false,
        glob: Vec::new(),
        exclude: Vec::new(),
        quiet: true,
        stdin_format: args.stdin_format,
        max_size: input::Limits::default().max_size,
    };
    let (run, resolved) = checked_run_observing(&check, true)?;
    let audit = audit::build(&run, &resolved.settings.caller);
    let mut file;
    let target: &mut dyn Write = match &args.out {
        Some(path) => {
            file = io::BufWriter::new(std::fs::File::create(path).map_err(|e| {
                RunError::Usage(miette::miette!(
                    "-o {}: cannot write the file: {e}",
                    path.display()
                ))
            })?);
            &mut file
        }
        None => out,
    };
    match args.format {
        cli::AuditFormat::Html => report::write_audit_html(&audit, target)?,
        cli::AuditFormat::Markdown => report::write_audit_markdown(&audit, target)?,
        cli::AuditFormat::Json => report::write_audit_json(&audit, target)?,
    }
    target.flush()?;
    let exposed = audit.fields.iter().any(|f| f.exposures > 0);
    Ok(if run.had_unreadable() {
        ExitStatus::Error
    } else if exposed {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Checks the inputs of a command line and applies suppressions; no baseline yet.
fn checked_run(args: &CheckArgs) -> Result<(Run, settings::Resolved), RunError> {
    checked_run_observing(args, false)
}

/// The same, optionally recording which members each response carries.
fn checked_run_observing(
    args: &CheckArgs,
    observe: bool,
) -> Result<(Run, settings::Resolved), RunError> {
    let mut resolved = settings::resolve(&args.settings).map_err(RunError::Usage)?;
    resolved.settings.observe = observe;
    let walk = WalkOptions {
        hidden: args.hidden,
        include: globs(&args.glob, "--glob")?,
        exclude: globs(&args.exclude, "--exclude")?,
        stdin_format: Some(args.stdin_format),
    };
    let collected = input::collect(&args.paths, &walk);
    let limits = Limits {
        max_size: args.max_size,
    };
    let progress = progress_bar(args.quiet, &collected.targets);
    let inputs = input::check_all(&collected.targets, &resolved.settings, &limits, &progress);
    progress.finish_and_clear();
    let mut run = Run {
        inputs,
        skipped: collected.skipped,
        notes: Vec::new(),
    };
    if resolved.settings.caller.app_type.is_none() {
        let waiting: Vec<_> = rules::ALL
            .iter()
            .filter(|r| r.needs_app_type && resolved.settings.selection.is_enabled(r))
            .map(|r| r.code)
            .collect();
        if !waiting.is_empty() {
            run.notes.push(format!(
                "no app type given: {} did not run (pass --app-type internal|third-party or set app-type in dtlint.toml)",
                waiting.join(", ")
            ));
        }
    }
    if let Some(first) = resolved.suppressions.first() {
        let profile = first.profile.clone();
        run.apply_config(&profile, &resolved.settings.selection, |lists| {
            suppress::apply(&resolved.suppressions, lists)
        });
    }
    Ok((run, resolved))
}

fn check_command(args: &CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let (mut run, resolved) = checked_run(args)?;
    if let Some(path) = &args.baseline {
        let shown = path.display().to_string();
        if args.update_baseline {
            baseline::Baseline::of(run.findings())
                .save(path)
                .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
        }
        let recorded =
            baseline::Baseline::load(path).map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
        let checked: Vec<String> = run
            .inputs
            .iter()
            .filter(|i| !i.config)
            .map(|i| i.source.replace('\\', "/"))
            .collect();
        run.apply_config(&shown, &resolved.settings.selection, |lists| {
            recorded.apply(lists, &checked, &shown)
        });
    }
    let style = Style {
        color: use_color(args.color),
        width: None,
        statistics: args.statistics,
    };
    report::write(&run, args.format, style, out)?;
    for (format, path) in &args.output {
        let file = std::fs::File::create(path).map_err(|e| {
            RunError::Usage(miette::miette!(
                "--output {}: cannot write the file: {e}",
                path.display()
            ))
        })?;
        let mut writer = io::BufWriter::new(file);
        let plain = Style {
            color: false,
            width: Some(100),
            statistics: false,
        };
        report::write(&run, *format, plain, &mut writer)?;
        writer.flush()?;
    }
    Ok(exit_status(&run, resolved.deny_warnings))
}

/// A bar on stderr for long runs on a terminal: inputs done, rate and ETA, or bytes for one
/// large capture. Hidden (a no-op) off a terminal, with `--quiet`, and for short runs.
fn progress_bar(quiet: bool, targets: &[input::Target]) -> indicatif::ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = if targets.len() > 1 {
        indicatif::ProgressBar::new(targets.len() as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} inputs  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        // One input: the bar counts its bytes as they are read (the length is set once it is opened).
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes}  {bytes_per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
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

/// The exit status of a finished run.
pub fn exit_status(run: &Run, deny_warnings: bool) -> ExitStatus {
    if run.had_unreadable() {
        return ExitStatus::Error;
    }
    let failing = run.findings().any(|f| {
        f.severity == Severity::Error || (deny_warnings && f.severity == Severity::Warning)
    });
    if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}
