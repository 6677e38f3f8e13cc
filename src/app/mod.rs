//! The command line's side of dtlint: runs one parsed command with the library and says how it ended.

pub mod cli;
mod commands;
mod interrupt;
#[cfg(feature = "live")]
mod live_cmd;
mod profile;
mod progress;
mod schema_cmd;
pub mod settings;

use std::io::{self, Write};

use dtlint::report;
use dtlint::{privacy, rules, Caller};

use cli::{Cli, Command};

pub use dtlint::run::exit::ExitStatus;

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

/// Runs one command line, writing its report to `out`.
///
/// # Errors
/// Usage errors (a bad profile, an unknown rule) as miette reports, and failures to write.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    match cli.command {
        Command::Check(args) => commands::check(&args, out),
        Command::Audit(args) => commands::audit(&args, out),
        Command::Merge(args) => commands::merge(&args, out),
        Command::Schema(args) => schema_cmd::schema(&args, out),
        #[cfg(feature = "live")]
        Command::Mock(args) => live_cmd::mock(&args),
        #[cfg(feature = "live")]
        Command::Proxy(args) => live_cmd::proxy(&args, out),
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
            max_size,
        } => {
            let summary = privacy::copy::redact(&input, &target, show_values, max_size)
                .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
            summary.write(out, &mut io::stderr().lock())?;
            Ok(if summary.failed.is_empty() {
                ExitStatus::Clean
            } else {
                ExitStatus::Error
            })
        }
        Command::Baseline(args) => {
            let recorded = commands::record_baseline(&args)?;
            recorded
                .save(&args.out)
                .map_err(|m| RunError::Usage(miette::miette!("{m}")))?;
            report::write_baseline_note(recorded.findings.len(), &args.out, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Rules(args) => {
            report::write_rules(args.format.into(), out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { rule } => {
            let found = rules::find(&rule).ok_or_else(|| {
                let help = match rules::closest(&rule) {
                    Some(near) => {
                        format!("did you mean `{near}`? (`dtlint rules` lists every code and name)")
                    }
                    None => "`dtlint rules` lists every code and name".to_owned(),
                };
                RunError::Usage(miette::miette!(help = help, "no rule is called `{rule}`"))
            })?;
            report::write_explanation(found, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Fields(args) => {
            let filter = args.app_type.map(|app_type| {
                let mut caller = Caller::default();
                caller.app_type = Some(app_type);
                caller.permissions = args.permission.iter().copied().collect();
                caller
            });
            report::write_fields(filter.as_ref(), args.format.into(), out)?;
            Ok(ExitStatus::Clean)
        }
    }
}
