//! Flags and profile resolved into a run's settings, with the profile's errors drawn by miette, pointing into the file.

use super::settings::{self, Resolved, SettingsArgs, SettingsError};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};

use super::RunError;

/// [`settings::resolve`], its error as the report the command line prints.
pub fn resolve(args: &SettingsArgs) -> Result<Resolved, RunError> {
    settings::resolve(args).map_err(|error| RunError::Usage(report(error)))
}

/// The profiles of a run over `collected` with `own` resolved from `args`: unless `--profile`
/// or `--no-profile` was given, each input is judged by the `dtlint.toml` closest to it; a bad
/// one is reported as [`resolve`] reports the run's own.
pub fn tree(
    args: &SettingsArgs,
    own: Resolved,
    collected: &mut dtlint::run::Collected,
) -> Result<dtlint::profile::Profiles, RunError> {
    let (choice, given) = settings::choice_and_overrides(args);
    dtlint::profile::Profiles::assign(own, &choice, &given, collected)
        .map_err(|error| RunError::Usage(report(error)))
}

fn report(error: SettingsError) -> Report {
    let mut diagnostic = MietteDiagnostic::new(error.message);
    diagnostic.help = error.help;
    let Some(profile) = error.profile.map(|p| *p) else {
        return Report::from(diagnostic);
    };
    diagnostic.labels = Some(
        profile
            .span
            .map(|span| LabeledSpan::at(span, "here"))
            .into_iter()
            .collect(),
    );
    Report::from(diagnostic).with_source_code(NamedSource::new(profile.name, profile.text))
}
