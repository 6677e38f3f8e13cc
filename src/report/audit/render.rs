//! `dtlint audit`: the exposure report as one self-contained HTML page (inline CSS and SVG, no
//! script, no network; fits 390 to 1280 px and A4), markdown or JSON, all with the same content.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{App, Audit, Count, Example, FieldRow, Period};

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Escapes text for a markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Lists longer than this collapse into `<details>` on screen (and print expanded).
const LONG: usize = 8;

/// Colours pass WCAG AA on white (the red is 6.5:1, the grey text 7:1); nothing is said by
/// colour alone: every bar carries its number, and the verdict its words.
const STYLE: &str = "\
*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%}\
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;padding:1rem;max-width:60rem}\
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:2px solid #1b1b1b}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}h4{font-size:.95rem;margin:.8rem 0 .3rem}\
p,dd,li,td,th,code,figcaption,summary{overflow-wrap:anywhere}\
code{font:.92em ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace}\
.sub{color:#4a4a4a;margin:0}\
.verdict{border:2px solid;padding:.6rem .8rem;font-size:1.05rem}\
.verdict.bad{border-color:#a4161a;background:#fdf0f0}.verdict.good{border-color:#1e6b34;background:#f0f8f2}.verdict.none{border-color:#555;background:#f4f4f4}\
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem;margin:1rem 0}\
dl.facts dt{font-weight:600}dl.facts dd{margin:0}\
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}\
svg.chart{display:block;width:100%;max-width:32rem;height:auto}\
table{border-collapse:collapse;width:100%;margin:.4rem 0}\
th,td{border-bottom:1px solid #c8c8c8;padding:.3rem .45rem;text-align:left;vertical-align:top}\
thead th{border-bottom:2px solid #1b1b1b;overflow-wrap:normal}.nw{white-space:nowrap}\
@media (max-width:40rem){dl.facts{grid-template-columns:1fr;gap:0}dl.facts dd{margin-bottom:.3rem}table.apps thead{display:none}table.apps tr{display:block;border-bottom:1px solid #c8c8c8;padding:.3rem 0}\
table.apps th,table.apps td{display:block;border:0;padding:.1rem .45rem;text-align:left}table.apps td::before{content:attr(data-label) \": \";font-weight:600}}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
article.field{border-left:4px solid #a4161a;padding:.1rem 0 .1rem .8rem;margin:1.2rem 0}\
article.field dl.facts{margin:.3rem 0}\
ol.ev{margin:.2rem 0;padding-left:1.4rem}ol.ev li{margin:.15rem 0}\
.v{background:#f1f1f1;padding:0 .2rem}\
summary{cursor:pointer;font-weight:600;margin:.3rem 0}\
.print{display:none}\
.more{color:#4a4a4a;font-style:italic}\
footer{margin-top:2rem;color:#4a4a4a;font-size:.9rem}\
@page{size:A4;margin:14mm 12mm}\
@media print{\
body{max-width:none;padding:0;font-size:10pt}\
.screen{display:none}.print{display:block}\
h2,h3,h4{break-after:avoid}tr,li,figure,article.field dl{break-inside:avoid}\
.verdict,.v{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
svg.chart{max-width:100%}\
}";

/// A horizontal bar chart: one row per count, each bar with its number written beside it.
fn chart(id: &str, title: &str, counts: &[Count]) -> String {
    let max = counts.iter().map(|c| c.exposures).max().unwrap_or(0).max(1);
    let row = 26;
    let height = row * counts.len().max(1) + 8;
    let (label_w, bar_w) = (150.0, 270.0);
    let mut svg = format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 480 {height}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        esc(&format!(
            "{title}: {}",
            if counts.is_empty() {
                "none".to_owned()
            } else {
                counts
                    .iter()
                    .map(|c| if c.label == c.name {
                        format!("{} {}", c.name, c.exposures)
                    } else {
                        format!("{} ({}) {}", c.name, c.label, c.exposures)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ))
    );
    if counts.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"20\" font-size=\"15\" fill=\"#1b1b1b\">no exposures</text>"
        );
    }
    for (i, c) in counts.iter().enumerate() {
        let y = i * row + 4;
        #[allow(clippy::cast_precision_loss)]
        let w = (bar_w * c.exposures as f64 / max as f64).max(2.0);
        // A rule is drawn by its code; its name is in the chart's title and below the chart.
        let name: String = if c.name.chars().count() > 18 {
            c.name.chars().take(17).chain(['…']).collect()
        } else {
            c.name.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"15\" text-anchor=\"end\" fill=\"#1b1b1b\">{}</text><rect x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"#a4161a\"/><text x=\"{nx:.1}\" y=\"{ty}\" font-size=\"15\" fill=\"#1b1b1b\">{}</text>",
            esc(&name),
            c.exposures,
            lx = label_w - 8.0,
            ty = y + 14,
            bx = label_w,
            nx = label_w + w + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A block that collapses on screen when long and prints expanded: `<details>` prints as
/// closed in most browsers, so print gets its own copy (hidden from screen and readers).
fn collapsible(summary: &str, body: &str, long: bool) -> String {
    if long {
        format!("<details class=\"screen\"><summary>{summary}</summary>{body}</details><div class=\"print\" aria-hidden=\"true\"><p><strong>{summary}</strong></p>{body}</div>")
    } else {
        format!("<p><strong>{summary}</strong></p>{body}")
    }
}

fn period_text(period: Option<&Period>) -> String {
    match period {
        None => "not known (no capture times, no file times)".to_owned(),
        Some(p) => {
            let from = if p.from == "har" {
                "call start times in the HAR captures"
            } else {
                "modification times of the files (the captures carry no times)"
            };
            if p.first == p.last {
                format!("{}, from {from}", p.first)
            } else {
                format!("{} to {}, from {from}", p.first, p.last)
            }
        }
    }
}

fn verdict_text(audit: &Audit) -> (&'static str, String) {
    if !audit.judged {
        return (
            "none",
            "Not judged: no app type was given, so no field counts as an exposure (pass --app-type or set app-type in dtlint.toml).".to_owned(),
        );
    }
    if audit.exposures == 0 {
        return (
            "good",
            format!(
                "No exposures: none of the {} responses carried a field this caller may not receive.",
                audit.responses
            ),
        );
    }
    (
        "bad",
        format!(
            "Exposures found: {} of {} responses carried fields this caller may not receive ({} fields, {} exposures).",
            audit.exposed_responses, audit.responses, audit.exposed_fields, audit.exposures
        ),
    )
}

fn app_fields(app: &App) -> String {
    if app.fields.is_empty() {
        return "none".to_owned();
    }
    app.fields
        .iter()
        .map(|c| format!("{} ×{}", c.name, c.exposures))
        .collect::<Vec<_>>()
        .join(", ")
}

fn app_period(app: &App) -> String {
    match (&app.first, &app.last) {
        (Some(f), Some(l)) if f == l => f.clone(),
        (Some(f), Some(l)) => format!("{f} to {l}"),
        _ => "not known".to_owned(),
    }
}

/// The apps, listed then counted together beyond the list.
fn all_apps(audit: &Audit) -> impl Iterator<Item = &App> {
    audit.apps.iter().chain(audit.other_apps.iter())
}

fn app_name(audit: &Audit, app: &App) -> String {
    if audit
        .other_apps
        .as_ref()
        .is_some_and(|o| std::ptr::eq(o, app))
    {
        format!("{} other apps", audit.apps_not_listed)
    } else {
        app.label.clone()
    }
}

/// Where an example was found, in words.
fn place(e: &Example) -> String {
    let mut parts = vec![e.source.clone()];
    if let Some(line) = e.line {
        parts.push(match e.column {
            Some(c) => format!("line {line}, column {c}"),
            None => format!("line {line}"),
        });
    }
    if let Some(entry) = e.entry {
        parts.push(format!("entry {entry}"));
    }
    if let Some(time) = &e.time {
        parts.push(time.clone());
    }
    if let Some(app) = &e.app {
        parts.push(app.clone());
    }
    parts.push(e.rule.to_owned());
    parts.join(", ")
}

/// The exposed fields, most exposures first.
fn exposed(audit: &Audit) -> Vec<&FieldRow> {
    let mut rows: Vec<&FieldRow> = audit.fields.iter().filter(|f| f.exposures > 0).collect();
    rows.sort_by(|a, b| b.exposures.cmp(&a.exposures).then(a.field.cmp(&b.field)));
    rows
}

/// Writes the audit as one HTML page.
///
/// # Errors
/// When the writer fails.
pub fn write_html(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::with_capacity(32 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>dtlint exposure audit</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>Exposure audit of topapi/v2/user/get responses</h1><p class=\"sub\">dtlint {}</p></header>\n",
        env!("CARGO_PKG_VERSION")
    );
    // The verdict.
    let (class, verdict) = verdict_text(audit);
    let _ = write!(
        page,
        "<section id=\"verdict\" aria-labelledby=\"verdict-h\">\n<h2 id=\"verdict-h\">Verdict</h2>\n<p class=\"verdict {class}\"><strong>{}</strong></p>\n<dl class=\"facts\"><dt>Responses audited</dt><dd>{} in {} inputs</dd><dt>Period</dt><dd>{}</dd><dt>Caller profile</dt><dd>{}</dd><dt>Exposures found</dt><dd>{} responses, {} fields ({} exposures)</dd></dl>\n",
        esc(&verdict),
        audit.responses,
        audit.inputs,
        esc(&period_text(audit.period.as_ref())),
        esc(&audit.caller),
        audit.exposed_responses,
        audit.exposed_fields,
        audit.exposures,
    );
    let _ = write!(
        page,
        "<figure><figcaption>Exposures by field</figcaption>{}</figure>\n<figure><figcaption>Exposures by rule</figcaption>{}{}</figure>\n</section>\n",
        chart("by-field", "Exposures by field", &audit.by_field),
        chart("by-rule", "Exposures by rule", &audit.by_rule),
        if audit.by_rule.is_empty() {
            String::new()
        } else {
            format!(
                "<p class=\"sub\">{}</p>",
                audit
                    .by_rule
                    .iter()
                    .map(|c| format!("{}: {}", esc(&c.name), esc(&c.label)))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    );
    // By app.
    let _ = write!(
        page,
        "<section id=\"apps\" aria-labelledby=\"apps-h\">\n<h2 id=\"apps-h\">By app</h2>\n<p>Calls made with different access tokens are told apart as different apps (or one app on different days). Each is named by a salted hash of its token: the report holds nothing of the token itself. Files with no request are under “{}”.</p>\n",
        crate::report::audit::NO_TOKEN
    );
    let mut rows = String::from("<table class=\"apps\"><thead><tr><th scope=\"col\">app</th><th scope=\"col\" class=\"n\">responses</th><th scope=\"col\" class=\"n\">with exposures</th><th scope=\"col\">exposed fields</th><th scope=\"col\">calls</th></tr></thead><tbody>");
    for app in all_apps(audit) {
        let _ = write!(
            rows,
            "<tr><th scope=\"row\" class=\"nw\"><code>{}</code></th><td class=\"n\" data-label=\"responses\">{}</td><td class=\"n\" data-label=\"with exposures\">{}</td><td data-label=\"exposed fields\">{}</td><td data-label=\"calls\">{}</td></tr>",
            esc(&app_name(audit, app)),
            app.responses,
            app.exposed_responses,
            esc(&app_fields(app)),
            esc(&app_period(app)),
        );
    }
    rows.push_str("</tbody></table>");
    // Apps are capped (`audit::APPS`), so their table never grows long enough to collapse.
    let count = all_apps(audit).count();
    page.push_str(&collapsible(&format!("{count} apps"), &rows, false));
    page.push_str("\n</section>\n");
    // Exposed fields.
    page.push_str("<section id=\"fields\" aria-labelledby=\"fields-h\">\n<h2 id=\"fields-h\">Exposed fields</h2>\n");
    let rows = exposed(audit);
    if rows.is_empty() {
        page.push_str("<p>No field was exposed.</p>\n");
    }
    for row in rows {
        let _ = write!(
            page,
            "<article class=\"field\" id=\"field-{name}\"><h3><code>{name}</code>: {} exposures</h3><dl class=\"facts\"><dt>What it is</dt><dd>{}</dd><dt>Who may receive it</dt><dd>{}</dd><dt>For this caller</dt><dd>{}</dd><dt>Carried by</dt><dd>{} of {} responses</dd></dl><h4>Evidence</h4><ol class=\"ev\">",
            row.exposures,
            esc(&row.description),
            esc(&row.needs),
            esc(&row.condition),
            row.carried,
            audit.responses,
            name = esc(&row.field),
        );
        for e in &row.examples {
            let _ = write!(
                page,
                "<li><code class=\"v\">{}</code> in <code>{}</code></li>",
                esc(&e.value),
                esc(&place(e))
            );
        }
        page.push_str("</ol>");
        if row.more > 0 {
            let _ = write!(page, "<p class=\"more\">and {} more</p>", row.more);
        }
        page.push_str("</article>\n");
    }
    page.push_str("</section>\n");
    // Every documented field.
    let mut table = String::from("<table><thead><tr><th scope=\"col\">field</th><th scope=\"col\" class=\"n\">carried</th><th scope=\"col\">may receive</th><th scope=\"col\" class=\"n\">exposures</th></tr></thead><tbody>");
    for row in &audit.fields {
        let _ = write!(
            table,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&row.field),
            row.carried,
            esc(&if row.condition.is_empty() {
                row.may_receive.to_owned()
            } else {
                format!("{}: {}", row.may_receive, row.condition)
            }),
            row.exposures,
        );
    }
    table.push_str("</tbody></table>");
    let _ = write!(
        page,
        "<section id=\"all-fields\" aria-labelledby=\"all-fields-h\">\n<h2 id=\"all-fields-h\">All documented fields</h2>\n{}\n</section>\n",
        collapsible(
            &format!("{} documented fields", audit.fields.len()),
            &table,
            audit.fields.len() > LONG
        )
    );
    // Coverage.
    let never = if audit.never_observed.is_empty() {
        "<p>none</p>".to_owned()
    } else {
        format!(
            "<p>{}</p>",
            audit
                .never_observed
                .iter()
                .map(|f| format!("<code>{}</code>", esc(f)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut undocumented = String::from("<table><thead><tr><th scope=\"col\">field</th><th scope=\"col\" class=\"n\">responses</th><th scope=\"col\">known from</th></tr></thead><tbody>");
    for u in &audit.undocumented_observed {
        let _ = write!(
            undocumented,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&u.field),
            u.responses,
            esc(u
                .known_from
                .as_deref()
                .unwrap_or("nowhere: nobody documented it"))
        );
    }
    undocumented.push_str("</tbody></table>");
    if audit.undocumented_observed.is_empty() {
        undocumented = "<p>none</p>".to_owned();
    }
    let _ = write!(
        page,
        "<section id=\"coverage\" aria-labelledby=\"coverage-h\">\n<h2 id=\"coverage-h\">Coverage</h2>\n{}\n{}\n</section>\n",
        collapsible(
            &format!(
                "Documented fields never observed: {}",
                audit.never_observed.len()
            ),
            &never,
            audit.never_observed.len() > LONG
        ),
        collapsible(
            &format!(
                "Undocumented fields observed: {}",
                audit.undocumented_observed.len()
            ),
            &undocumented,
            audit.undocumented_observed.len() > LONG
        ),
    );
    let _ = write!(
        page,
        "<footer><p>Values are masked unless --show-values was given; access tokens never appear. Evidence is capped at {} examples per field.</p></footer>\n</body>\n</html>\n",
        crate::report::audit::EXAMPLES
    );
    out.write_all(page.as_bytes())
}

/// Writes the audit as markdown: the same sections as the page.
///
/// # Errors
/// When the writer fails.
pub fn write_markdown(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    let (_, verdict) = verdict_text(audit);
    let _ = writeln!(
        md,
        "# Exposure audit of topapi/v2/user/get responses\n\n## Verdict\n\n**{}**\n\n- Responses audited: {} in {} inputs\n- Period: {}\n- Caller profile: {}\n- Exposures found: {} responses, {} fields ({} exposures)\n",
        verdict,
        audit.responses,
        audit.inputs,
        period_text(audit.period.as_ref()),
        audit.caller,
        audit.exposed_responses,
        audit.exposed_fields,
        audit.exposures
    );
    for (title, counts) in [
        ("Exposures by field", &audit.by_field),
        ("Exposures by rule", &audit.by_rule),
    ] {
        let _ = writeln!(md, "### {title}\n");
        if counts.is_empty() {
            md.push_str("none\n\n");
            continue;
        }
        let _ = writeln!(md, "| name | exposures |\n|---|---:|");
        for c in counts {
            let name = if c.label == c.name {
                format!("`{}`", c.name)
            } else {
                format!("{} {}", c.name, c.label)
            };
            let _ = writeln!(md, "| {name} | {} |", c.exposures);
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "## By app\n\nCalls made with different access tokens are told apart as different apps, each named by a salted hash of its token; files with no request are under \"{}\".\n\n| app | responses | with exposures | exposed fields | calls |\n|---|---:|---:|---|---|",
        crate::report::audit::NO_TOKEN
    );
    for app in all_apps(audit) {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} |",
            app_name(audit, app),
            app.responses,
            app.exposed_responses,
            cell(&app_fields(app)),
            cell(&app_period(app))
        );
    }
    md.push_str("\n## Exposed fields\n\n");
    let rows = exposed(audit);
    if rows.is_empty() {
        md.push_str("No field was exposed.\n\n");
    }
    for row in rows {
        let _ = writeln!(
            md,
            "### `{}`: {} exposures\n\n- What it is: {}\n- Who may receive it: {}\n- For this caller: {}\n- Carried by: {} of {} responses\n\nEvidence:\n",
            row.field,
            row.exposures,
            row.description,
            row.needs,
            row.condition,
            row.carried,
            audit.responses
        );
        for (i, e) in row.examples.iter().enumerate() {
            let _ = writeln!(md, "{}. `{}` in {}", i + 1, e.value, place(e));
        }
        if row.more > 0 {
            let _ = writeln!(md, "\nand {} more", row.more);
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "## All documented fields\n\n| field | carried | may receive | exposures |\n|---|---:|---|---:|"
    );
    for row in &audit.fields {
        let may = if row.condition.is_empty() {
            row.may_receive.to_owned()
        } else {
            format!("{}: {}", row.may_receive, row.condition)
        };
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} |",
            row.field,
            row.carried,
            cell(&may),
            row.exposures
        );
    }
    let _ = writeln!(
        md,
        "\n## Coverage\n\nDocumented fields never observed ({}): {}\n\nUndocumented fields observed ({}):\n",
        audit.never_observed.len(),
        if audit.never_observed.is_empty() {
            "none".to_owned()
        } else {
            audit
                .never_observed
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        audit.undocumented_observed.len()
    );
    if audit.undocumented_observed.is_empty() {
        md.push_str("none\n");
    } else {
        let _ = writeln!(md, "| field | responses | known from |\n|---|---:|---|");
        for u in &audit.undocumented_observed {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} |",
                u.field,
                u.responses,
                cell(u.known_from.as_deref().unwrap_or("nowhere"))
            );
        }
    }
    out.write_all(md.as_bytes())
}

/// Writes the audit as JSON (`schemas/audit.schema.json`).
///
/// # Errors
/// When the writer fails.
pub fn write_json(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    writeln!(out)
}
