//! `dtlint schema`: the embedded schema exported for editors and OpenAPI tools, marked for a caller.

use std::io::Write;

use super::settings::{CallerArgs, SettingsArgs};
use dtlint::export::{self, Part};
use dtlint::Caller;

use super::cli::{SchemaArgs, SchemaFormat};
use super::{profile, ExitStatus, RunError};

pub fn schema(args: &SchemaArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    if args.format == SchemaFormat::Openapi && args.part == Part::Request {
        return Err(RunError::Usage(miette::miette!(
            help = "the OpenAPI document holds both; use --format json-schema --part request for the request schema alone",
            "--part request applies to --format json-schema only"
        )));
    }
    let caller = caller(args)?;
    let text = match args.format {
        SchemaFormat::JsonSchema => {
            export::to_text(&export::json_schema(args.part, caller.as_ref()))
        }
        SchemaFormat::Openapi => export::openapi(caller.as_ref()),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            RunError::Usage(miette::miette!(
                "-o {}: cannot write the file: {e}",
                path.display()
            ))
        })?,
        None => out.write_all(text.as_bytes())?,
    }
    Ok(ExitStatus::Clean)
}

/// The caller the flags and the profile describe, or `None` when none is given: a schema
/// document should not change with the folder it is written from, so no dtlint.toml is looked up.
fn caller(args: &SchemaArgs) -> Result<Option<Caller>, RunError> {
    if args.profile.is_none() && args.app_type.is_none() && args.permission.is_empty() {
        return Ok(None);
    }
    let settings = SettingsArgs {
        caller: CallerArgs {
            app_type: args.app_type,
            permission: args.permission.clone(),
            corp_id: None,
        },
        no_profile: args.profile.is_none(),
        profile: args.profile.clone(),
        ..SettingsArgs::default()
    };
    let caller = profile::resolve(&settings)?.settings.caller;
    if caller.app_type.is_none() {
        return Err(RunError::Usage(miette::miette!(
            help = "set app-type in the profile or pass --app-type internal|third-party",
            "no app type given: which members this caller may not receive depends on it"
        )));
    }
    Ok(Some(caller))
}
