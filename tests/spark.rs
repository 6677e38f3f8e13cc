//! The Apache Spark recipe (examples/spark/job.py) against a single run: a sample of NDJSON and
//! log files with planted defects, lone CRs inside lines, invalid UTF-8, CRLF endings, blank
//! lines, a last line without LF and an empty file, read in Spark's local mode over several
//! partitions per file (by the tasks themselves, and by Spark's text reader), checked and audited by
//! dtlint per partition and merged, must give the single run's findings (source, entry, line,
//! column, rule, pointer), its summary and its audit (but for the count of inputs).
//! Skipped, with a note on standard error, when PySpark (with pyarrow and pandas) or Java is
//! missing; `.ci/run` installs them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{dtlint, json, root};

/// A bound on each Spark job of these tests; one takes about 15 s on two cores.
const DEADLINE: Duration = Duration::from_secs(300);

/// `spark-submit` of the installed PySpark, or why the test cannot run.
fn spark_submit() -> Result<PathBuf, String> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return Err("no java".into());
    }
    let probe = Command::new("python3")
        .args([
            "-c",
            "import os, pyspark, pyarrow, pandas; \
             print(os.path.join(os.path.dirname(pyspark.__file__), 'bin', 'spark-submit'))",
        ])
        .output()
        .map_err(|e| format!("no python3 ({e})"))?;
    if !probe.status.success() {
        let why = String::from_utf8_lossy(&probe.stderr);
        let last = why.lines().last().unwrap_or("").to_owned();
        return Err(format!("PySpark cannot be imported ({last})"));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&probe.stdout).trim()))
}

/// `spark-submit`, or `None` after a note on standard error saying why the test is skipped. The
/// note is written to the process's standard error itself, which the test harness does not
/// capture, so that `cargo test` shows it.
fn spark_or_note() -> Option<PathBuf> {
    match spark_submit() {
        Ok(path) => Some(path),
        Err(why) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "note: the Spark recipe's test is skipped: {why} (.ci/run installs PySpark)"
            );
            None
        }
    }
}

/// A response line of `base` (a compact user/get answer) changed by its number: a wrong type, an
/// undocumented member, and bytes a reader must leave alone (a lone CR, invalid UTF-8). The
/// exposures (DT301) come from checking as a third-party app.
fn vary(base: &str, n: usize) -> Vec<u8> {
    let mut line = base.to_owned();
    match n % 6 {
        // A wrong type (DT201).
        1 => line = line.replacen("\"boss\":false", "\"boss\":\"false\"", 1),
        // An undocumented member (DT107).
        2 => {
            line = line.replacen(
                "\"result\":{",
                "\"result\":{\"id_card_no\":\"110101199001011234\",",
                1,
            )
        }
        // A lone CR between tokens: JSON whitespace, a line break to Hadoop's default reader.
        3 => line = line.replacen("\"errmsg\":\"ok\",", "\"errmsg\":\"ok\",\r", 1),
        _ => {}
    }
    let mut bytes = line.into_bytes();
    if n % 6 == 4 {
        // Invalid UTF-8 inside a string (DT003): two bytes no UTF-8 text has.
        let at = find(&bytes, b"\"remark\":\"").map_or(bytes.len() / 2, |i| i + 10);
        bytes.splice(at..at, [0xff, 0xfe]);
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `count` lines from `bases` in turn, varied; every fifth ends in CRLF, every seventh is
/// followed by a blank line; the last line has no LF when `final_lf` is false.
fn lines(bases: &[&str], count: usize, final_lf: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for n in 0..count {
        out.extend(vary(bases[n % bases.len()], n));
        if n % 5 == 4 {
            out.push(b'\r');
        }
        if n + 1 < count || final_lf {
            out.push(b'\n');
        }
        if n % 7 == 6 && n + 1 < count {
            out.push(b'\n');
        }
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// The sample: `captures/` with NDJSON files, application logs (responses after a prefix,
/// other lines between them, a lone CR in a prefix) and a gzipped NDJSON file, each of
/// several KB so that a few-KB split size cuts it into several partitions.
fn write_sample(dir: &Path) {
    let ndjson = std::fs::read_to_string(root().join("samples/ndjson/responses.ndjson"))
        .expect("sample NDJSON");
    // The sample's lines that are responses (one is deliberately broken JSON: kept, once per round).
    let bases: Vec<&str> = ndjson.lines().filter(|l| !l.trim().is_empty()).collect();
    let log = std::fs::read_to_string(root().join("samples/logs/directory-sync.log"))
        .expect("sample log");

    let month = dir.join("captures/2026-11");
    let later = dir.join("captures/2026-12");
    std::fs::create_dir_all(&month).expect("folder");
    std::fs::create_dir_all(&later).expect("folder");
    std::fs::write(month.join("gateway-a.ndjson"), lines(&bases, 60, true)).expect("write");
    std::fs::write(month.join("gateway-b.jsonl"), lines(&bases[2..], 45, false)).expect("write");
    std::fs::write(
        later.join("gateway-c.ndjson.gz"),
        gzip(&lines(&bases[1..], 30, true)),
    )
    .expect("write");

    let mut app = Vec::new();
    for round in 0..4 {
        for (n, line) in log.lines().enumerate() {
            let n = round * 100 + n;
            match line.find("{\"errcode\"") {
                Some(at) => {
                    let prefix = if n % 3 == 0 {
                        line[..at].replacen(" - ", " -\r ", 1)
                    } else {
                        line[..at].to_owned()
                    };
                    app.extend(prefix.as_bytes());
                    app.extend(vary(&line[at..], n));
                }
                None => app.extend(line.as_bytes()),
            }
            app.extend(if n % 4 == 1 { &b"\r\n"[..] } else { b"\n" });
        }
    }
    std::fs::write(later.join("directory-sync.log"), app).expect("write");
    // An empty file (DT004 in a single run), in a folder of its own.
    let earlier = dir.join("captures/2026-10");
    std::fs::create_dir_all(&earlier).expect("folder");
    std::fs::write(earlier.join("gateway-z.ndjson"), b"").expect("write");
}

/// Runs `command` to its end within DEADLINE; returns (success, stderr).
fn run_bounded(mut command: Command) -> (bool, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spark-submit starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = reader.join().unwrap_or_default();
    (status.is_some_and(|s| s.success()), text)
}

type Origin = (String, u64, u64, u64, String, String);

/// (source, entry, line, column, rule, pointer) of each finding, in the report's order.
fn origins(report: &Value) -> Vec<Origin> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or("").to_owned(),
                f["entry"].as_u64().unwrap_or(u64::MAX),
                f["line"].as_u64().unwrap_or(u64::MAX),
                f["column"].as_u64().unwrap_or(u64::MAX),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["pointer"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Fails with the first difference and what each side has that the other lacks.
fn assert_same_findings(merged: &[Origin], single: &[Origin]) {
    if merged == single {
        return;
    }
    let at = merged.iter().zip(single).position(|(m, s)| m != s);
    let only = |a: &[Origin], b: &[Origin]| -> Vec<Origin> {
        a.iter()
            .filter(|f| !b.contains(f))
            .take(5)
            .cloned()
            .collect()
    };
    panic!(
        "the recipe's {} findings differ from the single run's {} (first at {at:?})\n\
         only the recipe's: {:?}\nonly the single run's: {:?}",
        merged.len(),
        single.len(),
        only(merged, single),
        only(single, merged),
    );
}

fn read_json(path: &Path) -> Value {
    json(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// One Spark session at a time: each takes a JVM and both cores.
static SPARK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the recipe in local mode on `dir` (its --root), partial results in `dir/out/partials`;
/// returns (success, stderr).
fn recipe(submit: &Path, dir: &Path, args: &[String]) -> (bool, String) {
    let _one = SPARK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    std::fs::create_dir_all(dir.join("out")).expect("folder");
    let mut command = Command::new(submit);
    command
        .current_dir(root())
        .env("PYSPARK_PYTHON", "python3")
        .args(["--master", "local[2]"])
        // Splits of 4 KB: every file but the gzipped one (which Hadoop cannot split) is read
        // by several tasks, and a small opening cost packs small splits of several files into
        // one task, largest first (here the gzipped file and the last split of another).
        .args(["--conf", "spark.sql.files.maxPartitionBytes=4096"])
        .args(["--conf", "spark.sql.files.openCostInBytes=1024"])
        .args(["--conf", "spark.ui.enabled=false"])
        .args(["--conf", "spark.log.level=WARN"])
        .arg(root().join("examples/spark/job.py"))
        .arg("--dtlint")
        .arg(env!("CARGO_BIN_EXE_dtlint"))
        .arg("--root")
        .arg(dir)
        .arg("--work")
        .arg(dir.join("out/partials"))
        .args(args);
    run_bounded(command)
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[test]
fn the_spark_recipe_reading_directly_gives_what_a_single_run_gives() {
    // The default: tasks read their byte ranges themselves. The empty file is in: DT004, as in
    // the single run.
    same_as_single("direct", &["captures"], 5);
}

#[test]
fn the_spark_recipe_reading_with_spark_gives_what_a_single_run_gives() {
    // Spark's text reader gives no line of an empty file, so its folder is left out.
    same_as_single("spark", &["captures/2026-11", "captures/2026-12"], 4);
}

/// Runs the recipe with `--read READ` on `inputs` of the sample and compares it with a single
/// run on them: findings, summary, audit (but for the count of inputs), and the Parquet rows.
/// `sources_expected`: how many files have findings.
fn same_as_single(read: &str, inputs: &[&str], sources_expected: usize) {
    let Some(submit) = spark_or_note() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp");
    write_sample(dir.path());
    let app = ["--app-type", "third-party"];

    let single = |command: &str| {
        let mut args = vec![command, "--no-profile", "--format", "json"];
        args.extend(app);
        args.extend(inputs);
        let (code, stdout, stderr) = dtlint(dir.path(), &args, None);
        assert!(
            code == 0 || code == 1,
            "single {command}: exit {code}: {stderr}"
        );
        json(&stdout)
    };
    let check = single("check");
    let audit = single("audit");

    let out = dir.path().join("out");
    let (ok, stderr) = recipe(
        &submit,
        dir.path(),
        &[
            "--report".into(),
            format!("json={}", out.join("check.json").display()),
            "--audit".into(),
            format!("json={}", out.join("audit.json").display()),
            "--parquet".into(),
            out.join("findings.parquet").display().to_string(),
            "--exit-zero".into(),
            "--read".into(),
            read.into(),
        ]
        .into_iter()
        .chain(inputs.iter().map(|i| (*i).to_owned()))
        .chain(["--".into(), app[0].into(), app[1].into()])
        .collect::<Vec<String>>(),
    );
    assert!(ok, "the Spark job failed:\n{}", last_lines(&stderr, 40));

    // Several partitions per file: more partial results than files.
    let parts = std::fs::read_dir(out.join("partials/check"))
        .expect("partial results")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("part-"))
        })
        .count();
    assert!(parts >= 12, "only {parts} partitions for 4 files");

    let merged = read_json(&out.join("check.json"));
    let expected = origins(&check);
    // The sample holds what it is meant to: each planted defect, findings in every file.
    for rule in ["DT001", "DT003", "DT107", "DT201", "DT301"] {
        assert!(
            expected.iter().any(|f| f.4 == rule),
            "the single run finds no {rule}"
        );
    }
    let sources: std::collections::BTreeSet<_> = expected.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        sources.len(),
        sources_expected,
        "findings in every file: {sources:?}"
    );
    assert_same_findings(&origins(&merged), &expected);
    assert_eq!(merged["summary"], check["summary"], "summaries");
    // And the rest of what the single run wrote: messages, severities, help, in its order.
    assert_eq!(merged, check, "the merged report and the single run's");

    // The findings as Parquet: one row per finding, with its origin.
    let parquet = Command::new("python3")
        .args([
            "-c",
            "import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1]); \
             print(t.num_rows, all(c in t.column_names for c in ('source', 'line', 'rule')))",
        ])
        .arg(out.join("findings.parquet"))
        .output()
        .expect("python3 reads the Parquet findings");
    let rows = String::from_utf8_lossy(&parquet.stdout);
    assert_eq!(
        rows.trim(),
        format!("{} True", expected.len()),
        "Parquet rows and columns: {}",
        String::from_utf8_lossy(&parquet.stderr)
    );

    let mut merged_audit = read_json(&out.join("audit.json"));
    let mut audit = audit;
    assert!(
        audit["exposures"].as_u64().unwrap_or(0) > 0,
        "the sample exposes fields"
    );
    // The only difference allowed: inputs the recipe read as text are counted as read by it.
    merged_audit["inputs"] = Value::Null;
    audit["inputs"] = Value::Null;
    assert_eq!(
        merged_audit, audit,
        "audits of the recipe and of a single run"
    );
}

#[test]
fn a_shard_that_fails_fails_the_spark_job() {
    let Some(submit) = spark_or_note() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp");
    write_sample(dir.path());
    let report = dir.path().join("out/check.json");
    // A typo in a flag: every shard's dtlint exits 2, and the job with it, naming the flag.
    let (ok, stderr) = recipe(
        &submit,
        dir.path(),
        &[
            "--report".into(),
            format!("json={}", report.display()),
            "--exit-zero".into(),
            "captures/2026-11".into(),
            "--".into(),
            "--selct".into(),
            "DT1".into(),
        ],
    );
    assert!(!ok, "the job succeeded with a bad flag");
    assert!(
        stderr.contains("dtlint check exited with 2") && stderr.contains("'--selct'"),
        "{}",
        last_lines(&stderr, 40)
    );
    assert!(!report.exists(), "a report was written");
}
