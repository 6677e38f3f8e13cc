//! `dtlint audit`: the exposure report as one self-contained HTML page (inline CSS and SVG, no script), markdown or JSON.

use std::io::{self, Write};

use crate::audit::{Audit, FieldRow};

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A bar chart of one field: responses that carried it, and how many of those were exposures.
fn chart(row: &FieldRow, max: u64) -> String {
    let width = 240.0;
    let scale = |n: u64| {
        if max == 0 {
            0.0
        } else {
            width * n as f64 / max as f64
        }
    };
    format!(
        "<svg class=\"bar\" width=\"{w}\" height=\"14\" viewBox=\"0 0 {w} 14\" role=\"img\" aria-label=\"{c} carried, {e} exposed\"><rect x=\"0\" y=\"1\" width=\"{cw:.1}\" height=\"12\" fill=\"#9db4c8\"/><rect x=\"0\" y=\"1\" width=\"{ew:.1}\" height=\"12\" fill=\"#c0392b\"/></svg>",
        w = width,
        c = row.carried,
        e = row.exposures,
        cw = scale(row.carried),
        ew = scale(row.exposures),
    )
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}.no{color:#a61d24;font-weight:600}.yes{color:#2d6a2d}\
.exposed{background:#fdecea}code{font-size:.9em}ul.ex{margin:0;padding-left:1rem}.legend span{display:inline-block;width:10px;height:10px;margin:0 .3rem 0 1rem}\
@media print{body{margin:0}tr{break-inside:avoid}th{background:none}}";

/// Writes the audit as one HTML page.
///
/// # Errors
/// When the writer fails.
pub fn write_html(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let max = audit.fields.iter().map(|f| f.carried).max().unwrap_or(0);
    let exposures: u64 = audit.fields.iter().map(|f| f.exposures).sum();
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>dtlint exposure audit</title>\n<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(
        out,
        "<h1>Exposure audit of topapi/v2/user/get responses</h1>"
    )?;
    writeln!(
        out,
        "<p>Caller: <strong>{}</strong>. {} responses in {} inputs. <strong class=\"{}\">{exposures} exposures</strong>.</p>",
        esc(&audit.caller),
        audit.responses,
        audit.inputs,
        if exposures > 0 { "no" } else { "yes" }
    )?;
    writeln!(out, "<p class=\"legend\">Bars:<span style=\"background:#9db4c8\"></span>responses carrying the field<span style=\"background:#c0392b\"></span>of which exposures</p>")?;
    writeln!(out, "<h2>Documented fields</h2>\n<table>\n<thead><tr><th>field</th><th>carried</th><th>may receive</th><th>the page's condition</th><th>exposures</th><th>chart</th><th>examples</th></tr></thead>\n<tbody>")?;
    for row in &audit.fields {
        let examples: String = row
            .examples
            .iter()
            .map(|e| {
                format!(
                    "<li><code>{}</code> {}</li>",
                    esc(&e.location),
                    esc(&e.value)
                )
            })
            .collect();
        writeln!(
            out,
            "<tr{}><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            if row.exposures > 0 { " class=\"exposed\"" } else { "" },
            esc(&row.field),
            row.carried,
            row.may_receive,
            row.may_receive,
            esc(&row.condition),
            row.exposures,
            chart(row, max),
            if examples.is_empty() { String::new() } else { format!("<ul class=\"ex\">{examples}</ul>") },
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    writeln!(
        out,
        "<h2>Coverage</h2>\n<p>Documented fields never observed: {}</p>",
        if audit.never_observed.is_empty() {
            "none".to_owned()
        } else {
            audit
                .never_observed
                .iter()
                .map(|f| format!("<code>{}</code>", esc(f)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    )?;
    writeln!(out, "<table>\n<thead><tr><th>undocumented field observed</th><th>responses</th><th>known from</th></tr></thead>\n<tbody>")?;
    for u in &audit.undocumented_observed {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&u.field),
            u.responses,
            esc(u
                .known_from
                .as_deref()
                .unwrap_or("nowhere: nobody documented it"))
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n<p>Generated by dtlint {}. Values are masked unless --show-values was given.</p>\n</body>\n</html>", env!("CARGO_PKG_VERSION"))
}

/// Writes the audit as markdown.
///
/// # Errors
/// When the writer fails.
pub fn write_markdown(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let exposures: u64 = audit.fields.iter().map(|f| f.exposures).sum();
    writeln!(
        out,
        "# Exposure audit\n\nCaller: {}. {} responses in {} inputs, **{exposures} exposures**.\n",
        audit.caller, audit.responses, audit.inputs
    )?;
    writeln!(out, "| field | carried | may receive | condition | exposures | examples |\n|---|---:|---|---|---:|---|")?;
    for row in &audit.fields {
        let examples: Vec<String> = row
            .examples
            .iter()
            .map(|e| format!("`{}` {}", e.location, e.value.replace('|', "\\|")))
            .collect();
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            row.field,
            row.carried,
            row.may_receive,
            row.condition,
            row.exposures,
            examples.join("<br>")
        )?;
    }
    writeln!(
        out,
        "\nDocumented fields never observed: {}\n",
        if audit.never_observed.is_empty() {
            "none".to_owned()
        } else {
            audit.never_observed.join(", ")
        }
    )?;
    writeln!(
        out,
        "| undocumented field observed | responses | known from |\n|---|---:|---|"
    )?;
    for u in &audit.undocumented_observed {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            u.field,
            u.responses,
            u.known_from.as_deref().unwrap_or("nowhere")
        )?;
    }
    Ok(())
}

/// Writes the audit as JSON.
///
/// # Errors
/// When the writer fails.
pub fn write_json(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    writeln!(out)
}
