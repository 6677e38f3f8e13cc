//! `dtlint fields`: which documented field each kind of caller may receive, derived from the schema's annotations.

use std::io::{self, Write};

use serde::Serialize;

use super::TableFormat;
use crate::api::caller::{AppType, Caller, Permission};
use crate::api::fields::{result_fields, Access, Field};

/// The callers of the matrix's columns.
fn columns(filter: Option<&Caller>) -> Vec<(String, Caller)> {
    if let Some(caller) = filter {
        let mut label = caller.app_type.map_or("any", AppType::as_str).to_owned();
        for p in &caller.permissions {
            label.push_str(&format!(" +{p}"));
        }
        return vec![(label, caller.clone())];
    }
    let internal = |perms: &[Permission]| Caller {
        app_type: Some(AppType::Internal),
        permissions: perms.iter().copied().collect(),
        corp_id: None,
    };
    vec![
        ("internal".to_owned(), internal(&[])),
        (
            "internal +mobile".to_owned(),
            internal(&[Permission::Mobile]),
        ),
        (
            "internal +email-profile".to_owned(),
            internal(&[Permission::EmailProfile]),
        ),
        ("internal +both".to_owned(), internal(&Permission::ALL)),
        (
            "third-party".to_owned(),
            Caller {
                app_type: Some(AppType::ThirdParty),
                ..Caller::default()
            },
        ),
    ]
}

fn cell(access: &Access) -> &'static str {
    match access {
        Access::Allowed | Access::Unknown => "yes",
        Access::Withheld(_) => "no",
        Access::NeedsPermission(Permission::Mobile) => "needs mobile",
        Access::NeedsPermission(Permission::EmailProfile) => "needs email-profile",
    }
}

fn account(field: &Field) -> &'static str {
    match field.account {
        None => "any",
        Some(crate::api::fields::AccountScope::Enterprise) => "Enterprise Account",
        Some(crate::api::fields::AccountScope::OwnDingtalk) => "own DingTalk-built",
    }
}

#[derive(Serialize)]
struct Row<'a> {
    field: &'a str,
    access: Vec<(String, &'static str)>,
    account: &'static str,
    only_when_set: Option<&'a str>,
    personal: bool,
}

/// Writes the matrix.
///
/// # Errors
/// When the writer fails.
pub fn write(filter: Option<&Caller>, format: TableFormat, out: &mut dyn Write) -> io::Result<()> {
    let columns = columns(filter);
    let rows: Vec<Row<'_>> = result_fields()
        .iter()
        .filter(|f| f.documented())
        .map(|f| Row {
            field: &f.name,
            access: columns
                .iter()
                .map(|(label, c)| (label.clone(), cell(&f.access(c))))
                .collect(),
            account: account(f),
            only_when_set: f.only_when_set.as_deref(),
            personal: f.personal.is_some(),
        })
        .collect();
    match format {
        TableFormat::Json => {
            let json: Vec<_> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "field": r.field,
                        "access": r.access.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>(),
                        "account": r.account,
                        "only_when_set": r.only_when_set,
                        "personal": r.personal,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)
        }
        TableFormat::Markdown => write!(out, "{}", markdown(&columns, &rows)),
        TableFormat::Table => {
            let mut header = format!("{:<28}", "field");
            for (label, _) in &columns {
                header.push_str(&format!(" {label:<24}"));
            }
            header.push_str(" account");
            writeln!(out, "{}", header.trim_end())?;
            for row in &rows {
                let mut line = format!("{:<28}", row.field);
                for (_, value) in &row.access {
                    line.push_str(&format!(" {value:<24}"));
                }
                line.push_str(&format!(" {}", row.account));
                writeln!(out, "{}", line.trim_end())?;
            }
            Ok(())
        }
    }
}

/// The matrix as markdown (docs/fields.md embeds it; a test keeps them equal).
fn markdown(columns: &[(String, Caller)], rows: &[Row<'_>]) -> String {
    let mut out = String::from("| field |");
    for (label, _) in columns {
        out.push_str(&format!(" {label} |"));
    }
    out.push_str(" account | only when set |\n|---|");
    for _ in columns {
        out.push_str("---|");
    }
    out.push_str("---|---|\n");
    for row in rows {
        out.push_str(&format!("| `{}` |", row.field));
        for (_, value) in &row.access {
            out.push_str(&format!(" {value} |"));
        }
        out.push_str(&format!(
            " {} | {} |\n",
            row.account,
            row.only_when_set.unwrap_or("")
        ));
    }
    out
}

/// The full matrix as markdown.
pub fn matrix_markdown() -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(None, TableFormat::Markdown, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
