//! The flags that say who calls the API and which rules run, resolved with the profile file by
//! the library ([`dtlint::profile`]); the command line draws its errors with miette.

use std::path::PathBuf;

use dtlint::profile::{self, Overrides, ProfileChoice};
pub use dtlint::profile::{Resolved, SettingsError};
use dtlint::BodyShape;
use dtlint::Language;
use dtlint::{AppType, Permission};

/// Who calls the API and which rules run; shared by the commands that check.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    pub caller: CallerArgs,
    /// The language the captured requests asked for (zh_CN or en_US); a HAR entry's own request wins.
    #[arg(long, value_enum, value_name = "LANGUAGE")]
    pub language: Option<Language>,
    /// Whether bodies are whole answers or `result` objects alone (logged `rsp.getResult()`);
    /// `auto` tells them apart.
    #[arg(long, value_enum, value_name = "SHAPE")]
    pub body_shape: Option<BodyShape>,
    /// Profile file for every input, instead of the dtlint.toml closest to each (in its folder
    /// or a parent, else found from this folder up).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Ignore any dtlint.toml.
    #[arg(long, conflicts_with = "profile")]
    pub no_profile: bool,
    /// Run only these rules: codes, code prefixes, names, categories, or ALL (every rule, those
    /// off by default included), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Change a rule's severity, e.g. DT107=info (repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Make warnings fail the run.
    #[arg(long, value_enum)]
    pub deny: Vec<Deny>,
    /// Show personal values (mobile, email, ...) in snippets instead of masking them; tokens stay redacted.
    #[arg(long)]
    pub show_values: bool,
}

/// Who calls the API: the caller's flags, shared by the commands that check and by `mock`,
/// which answers as the platform answers this caller.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CallerArgs {
    /// The calling app's type.
    #[arg(long, value_enum)]
    pub app_type: Option<AppType>,
    /// A Contacts permission the app holds (repeatable).
    #[arg(long, value_enum)]
    pub permission: Vec<Permission>,
    /// The caller's own organization (corp id), for the Enterprise Account rules and fields.
    #[arg(long, value_name = "CORP_ID")]
    pub corp_id: Option<String>,
}

impl SettingsArgs {
    /// Whether warnings fail the run (`--deny warnings`).
    pub fn deny_warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// What `--deny` makes fail a run beyond errors.
pub enum Deny {
    /// Warnings fail the run as errors do.
    Warnings,
}

/// Resolves flags and profile into the settings of a run; flags win over the file.
///
/// # Errors
/// An unreadable or invalid profile, or a selector or severity that names nothing.
pub fn resolve(args: &SettingsArgs) -> Result<Resolved, SettingsError> {
    let (choice, given) = choice_and_overrides(args);
    profile::resolve(&choice, &given)
}

/// Which profile the flags choose (`--profile`, `--no-profile`, else a search from the current
/// folder up and where the captures are), and the values they give.
pub fn choice_and_overrides(args: &SettingsArgs) -> (ProfileChoice, Overrides) {
    let choice = match &args.profile {
        Some(path) => ProfileChoice::File(path.clone()),
        None if args.no_profile => ProfileChoice::None,
        None => std::env::current_dir().map_or(ProfileChoice::None, ProfileChoice::Search),
    };
    let mut given = Overrides::default();
    given.app_type = args.caller.app_type;
    given.permissions.clone_from(&args.caller.permission);
    given.corp_id.clone_from(&args.caller.corp_id);
    given.language = args.language;
    given.body_shape = args.body_shape;
    given.select.clone_from(&args.select);
    given.extend_select.clone_from(&args.extend_select);
    given.ignore.clone_from(&args.ignore);
    given.severity.clone_from(&args.severity);
    given.deny_warnings = args.deny_warnings();
    given.show_values = args.show_values;
    (choice, given)
}
