//! `dtlint check`, `dtlint audit` and the run they share: inputs from the command line, checked, with the profile's suppressions and the baseline applied.

use std::io::{self, IsTerminal, Write};

use dtlint::input::{self, Limits, WalkOptions};
use dtlint::report::{self, Run, Style};
use dtlint::{audit, baseline, rules, settings, suppress, Needs};

use super::cli::{AuditArgs, AuditFormat, CheckArgs, ColorChoice, OutputFormat};
use super::{exit_status, profile, progress, ExitStatus, RunError};

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
        quiet: true,
        stdin_format: args.stdin_format,
        max_size: input::Limits::default().max_size,
    };
    let (run, resolved) = checked_run_observing(
        &check,
        true,
        Needs {
            excerpts: true,
            fingerprints: false,
        },
    )?;
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
        AuditFormat::Html => report::write_audit_html(&audit, target)?,
        AuditFormat::Markdown => report::write_audit_markdown(&audit, target)?,
        AuditFormat::Json => report::write_audit_json(&audit, target)?,
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
pub fn checked_run(args: &CheckArgs, needs: Needs) -> Result<(Run, settings::Resolved), RunError> {
    checked_run_observing(args, false, needs)
}

/// What `dtlint check` with these arguments prints or keeps of each finding.
fn check_needs(args: &CheckArgs) -> Needs {
    // Concise human output prints no snippet; --output human=FILE is always full.
    let human = (args.format == report::Format::Human && args.output_format == OutputFormat::Full)
        || args.output.iter().any(|(f, _)| *f == report::Format::Human);
    Needs {
        excerpts: human,
        fingerprints: args.baseline.is_some(),
    }
}

/// The same, optionally recording which members each response carries.
fn checked_run_observing(
    args: &CheckArgs,
    observe: bool,
    needs: Needs,
) -> Result<(Run, settings::Resolved), RunError> {
    let mut resolved = profile::resolve(&args.settings)?;
    resolved.settings.observe = observe;
    resolved.settings.needs = needs;
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
    let progress = progress::bar(args.quiet, collected.targets.len());
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

pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let (mut run, resolved) = checked_run(args, check_needs(args))?;
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
        concise: args.output_format == OutputFormat::Concise,
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
            concise: false,
        };
        report::write(&run, *format, plain, &mut writer)?;
        writer.flush()?;
    }
    Ok(exit_status(&run, resolved.deny_warnings))
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
