//! Sharded runs: framed records carrying their origin, partial results, and `dtlint merge`
//! giving what one run over the whole inputs gives. The shards are cut here as Hadoop cuts a
//! file into splits (by byte ranges, each split keyed by its start or each line by its
//! offset) and handed out in scrambled order, as a cluster's partitions come.

#![allow(clippy::print_stderr)]

use std::path::Path;

use crate::common::{dtlint, json, root};

/// Responses of the bundled samples as single lines, defects among them.
fn responses() -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for folder in [
        "internal-full",
        "third-party",
        "defects",
        "enterprise-sso",
        "errors",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root().join("samples").join(folder))
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read(&path).expect("sample");
            match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(value) => lines.push(serde_json::to_vec(&value).expect("json")),
                // A broken sample stays broken, on one line.
                Err(_) => lines.push(
                    text.iter()
                        .map(|b| if *b == b'\n' { b' ' } else { *b })
                        .collect(),
                ),
            }
        }
    }
    lines
}

/// An NDJSON file and a log with what real files hold: CRLF endings, blank lines, a lone CR
/// inside a line, bytes that are not UTF-8, and log lines without a body.
fn sample(dir: &Path) {
    std::fs::create_dir_all(dir.join("captures/2024")).expect("dir");
    let bodies = responses();
    let mut ndjson = Vec::new();
    let mut log = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        ndjson.extend_from_slice(body);
        match i % 7 {
            0 => ndjson.extend_from_slice(b"\r\n"),
            3 => ndjson.extend_from_slice(b"\n\n"),
            _ => ndjson.push(b'\n'),
        }
        log.extend_from_slice(
            format!("2024-05-0{} 10:00:{:02} INFO gw - ", i % 9 + 1, i % 60).as_bytes(),
        );
        if i % 4 == 1 {
            log.extend_from_slice(b"health check ok\n");
        }
        log.extend_from_slice(b"2024-05-01 10:00:00 INFO user/get rsp: ");
        log.extend_from_slice(body);
        log.push(b'\n');
    }
    // A lone CR inside a string (Hadoop's default reader would end the line there) and a
    // byte that is not UTF-8 (a decoding reader would replace it).
    ndjson.extend_from_slice(
        b"{\"errcode\":0,\"errmsg\":\"ok\",\"result\":{\"userid\":\"a\rb\",\"name\":\"x\"}}\n",
    );
    ndjson.extend_from_slice(
        b"{\"errcode\":0,\"errmsg\":\"ok\",\"result\":{\"userid\":\"ab\",\"name\":\"\xff\"}}\n",
    );
    ndjson.extend_from_slice(&bodies[0]);
    ndjson.push(b'\n');
    std::fs::write(dir.join("captures/2024/a.ndjson"), &ndjson).expect("write");
    std::fs::write(dir.join("captures/gateway.log"), &log).expect("write");
    std::fs::write(dir.join("captures/b.jsonl"), bodies[1..4].concat()).expect("write");
}

/// How the records of a split carry their position.
#[derive(Clone, Copy)]
enum Keyed {
    /// By the start of their split, as Spark's `_metadata.file_block_start`.
    Split,
    /// By their own byte offset, as Hadoop's `TextInputFormat`.
    Offset,
    /// As chunks: a split's whole lines in one record (`START+LENGTH`), as a task that reads
    /// its byte range itself sends them; an empty file is a chunk of length 0.
    Chunk,
}

/// The framed records of every file under `captures`, cut into splits of `size` bytes and
/// dealt to `shards` shards in scrambled order.
fn shards(dir: &Path, size: usize, shards: usize, keyed: Keyed) -> Vec<Vec<u8>> {
    let mut splits: Vec<Vec<u8>> = Vec::new();
    let mut files: Vec<_> = walkdir::WalkDir::new(dir.join("captures"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("entry").into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for path in files {
        let name = path
            .strip_prefix(dir)
            .expect("under dir")
            .to_str()
            .expect("utf-8")
            .to_owned();
        let bytes = std::fs::read(&path).expect("read");
        let mtime = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime")
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        if let Keyed::Chunk = keyed {
            let mut at = 0;
            if bytes.is_empty() {
                splits.push(format!("{name}\t0+0\t{mtime}\t\n").into_bytes());
            }
            while at < bytes.len() {
                // The split's lines: those that start in [at, at + size).
                let mut end = (at + size).min(bytes.len());
                while end < bytes.len() && bytes[end - 1] != b'\n' {
                    end += 1;
                }
                let mut chunk = format!("{name}\t{at}+{}\t{mtime}\t\n", end - at).into_bytes();
                chunk.extend_from_slice(&bytes[at..end]);
                splits.push(chunk);
                at = end;
            }
            continue;
        }
        let mut at = 0;
        let mut current: Option<(usize, Vec<u8>)> = None;
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            let split = at / size;
            if current.as_ref().is_none_or(|(s, _)| *s != split) {
                splits.extend(current.take().map(|(_, records)| records));
                current = Some((split, Vec::new()));
            }
            let key = match keyed {
                Keyed::Split | Keyed::Chunk => split * size,
                Keyed::Offset => at,
            };
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            let records = &mut current.as_mut().expect("a split").1;
            records.extend_from_slice(format!("{name}\t{key}\t{mtime}\t").as_bytes());
            records.extend_from_slice(content);
            records.push(b'\n');
            at += line.len();
        }
        splits.extend(current.map(|(_, records)| records));
    }
    let mut dealt = vec![Vec::new(); shards];
    // A scrambled deal: later splits often come first in a shard.
    for (i, split) in splits.into_iter().enumerate().rev() {
        dealt[(i * 7 + 3) % shards].extend_from_slice(&split);
    }
    dealt
}

/// Runs each shard with `args` and writes its partial result into `out`.
fn run_shards(dir: &Path, shards: &[Vec<u8>], args: &[&str], out: &str) {
    std::fs::create_dir_all(dir.join(out)).expect("dir");
    for (i, shard) in shards.iter().enumerate() {
        let mut all = args.to_vec();
        all.extend(["-", "--stdin-format", "framed", "--partial", "--exit-zero"]);
        let (code, stdout, stderr) = dtlint(dir, &all, Some(shard));
        assert_eq!(code, 0, "shard {i}: {stderr}");
        std::fs::write(dir.join(out).join(format!("part-{i:05}")), stdout).expect("write");
    }
    std::fs::write(dir.join(out).join("_SUCCESS"), "").expect("write");
}

const CALLER: [&str; 3] = ["--no-profile", "--app-type", "internal"];

fn with<'a>(first: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    first.iter().chain(rest).copied().collect()
}

#[test]
fn merged_shards_report_what_one_run_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    sample(dir);
    let (single_code, single, _) = dtlint(
        dir,
        &with(&["check", "captures", "--format", "json"], &CALLER),
        None,
    );
    let single = json(&single);
    assert!(single["findings"].as_array().expect("findings").len() > 40);
    for (size, count, keyed) in [
        (700, 3, Keyed::Split),
        (2048, 4, Keyed::Offset),
        (1 << 30, 1, Keyed::Split),
    ] {
        let out = format!("parts-{size}");
        run_shards(
            dir,
            &shards(dir, size, count, keyed),
            &with(&["check"], &CALLER),
            &out,
        );
        let (code, merged, stderr) = dtlint(
            dir,
            &with(&["merge", &out, "--format", "json"], &CALLER),
            None,
        );
        assert_eq!(code, single_code, "{stderr}");
        let merged = json(&merged);
        assert_eq!(merged["summary"], single["summary"], "splits of {size}");
        let (a, b) = (
            single["findings"].as_array().expect("findings"),
            merged["findings"].as_array().expect("findings"),
        );
        assert_eq!(a.len(), b.len(), "splits of {size}");
        for (one, other) in a.iter().zip(b) {
            assert_eq!(one, other, "splits of {size}");
        }
    }
    // Every format that reports a run reports the merged one alike, JUnit's passing
    // responses and the statistics included.
    for format in [
        &["--format", "junit"][..],
        &["--format", "sarif"],
        &["--format", "ndjson"],
        &["--format", "github"],
        &["--format", "markdown"],
        &["--format", "json", "--statistics"],
    ] {
        let (_, one, _) = dtlint(
            dir,
            &with(&with(&["check", "captures"], format), &CALLER),
            None,
        );
        let (_, merged, _) = dtlint(
            dir,
            &with(&with(&["merge", "parts-700"], format), &CALLER),
            None,
        );
        assert_eq!(merged, one, "{format:?}");
        assert!(one.len() > 1000, "{format:?}");
    }
    // Lines that are not UTF-8 and lone CRs reached the checks as they are in the files.
    let rules: Vec<&str> = single["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["source"] == "captures/2024/a.ndjson")
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert!(rules.contains(&"DT003"), "{rules:?}");
    assert!(rules.contains(&"DT001"), "{rules:?}");
}

#[test]
fn suppressions_and_the_baseline_apply_once_over_the_merged_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    sample(dir);
    std::fs::write(
        dir.join("profile.toml"),
        "app-type = \"internal\"\n\n[[ignore]]\nrule = \"DT302\"\npath = \"captures/2024/**\"\nreason = \"known\"\n\n[[ignore]]\nrule = \"DT101\"\npath = \"nowhere/**\"\nreason = \"stale\"\n",
    )
    .expect("profile");
    // A baseline of the whole, recorded by a single run with the profile, with one entry for a line that no
    // longer exists.
    let (code, _, stderr) = dtlint(
        dir,
        &[
            "baseline",
            "captures",
            "--profile",
            "profile.toml",
            "-o",
            "baseline.json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let mut baseline = json(&std::fs::read_to_string(dir.join("baseline.json")).expect("baseline"));
    let findings = baseline["findings"].as_array_mut().expect("entries");
    let mut gone = findings[0].clone();
    gone["entry"] = serde_json::json!(99_999);
    findings.push(gone);
    std::fs::write(dir.join("baseline.json"), baseline.to_string()).expect("write");
    run_shards(
        dir,
        &shards(dir, 900, 4, Keyed::Offset),
        &["check", "--profile", "profile.toml"],
        "parts",
    );
    let merge = |extra: &[&str]| {
        let (code, stdout, stderr) = dtlint(
            dir,
            &with(
                &[
                    "merge",
                    "parts",
                    "--format",
                    "json",
                    "--profile",
                    "profile.toml",
                ],
                extra,
            ),
            None,
        );
        (code, json(&stdout), stderr)
    };
    let (_, whole, _) = merge(&[]);
    let findings = whole["findings"].as_array().expect("findings");
    // The path suppression matched the framed lines by their source, in every shard.
    assert!(findings.iter().all(|f| !(f["rule"] == "DT302"
        && f["source"]
            .as_str()
            .expect("source")
            .starts_with("captures/2024/"))));
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "DT302" && f["source"] == "captures/gateway.log"));
    // The unused suppression is reported once, not once per shard.
    assert_eq!(findings.iter().filter(|f| f["rule"] == "DT902").count(), 1);
    // The baseline hides every finding it recorded; its entry that no longer occurs is stale
    // once.
    let (code, hidden, stderr) = merge(&["--baseline", "baseline.json"]);
    let left: Vec<&serde_json::Value> = hidden["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] != "DT902")
        .collect();
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(left[0]["rule"], "DT901");
    // All of it as the single run with the same profile and baseline reports it.
    let (single_code, single, _) = dtlint(
        dir,
        &[
            "check",
            "captures",
            "--profile",
            "profile.toml",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(hidden, json(&single));
    assert_eq!(code, single_code, "{stderr}");
}

#[test]
fn merged_partial_audits_are_the_single_audit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    sample(dir);
    let (_, single, _) = dtlint(
        dir,
        &with(&["audit", "captures", "--format", "json"], &CALLER),
        None,
    );
    run_shards(
        dir,
        &shards(dir, 1000, 3, Keyed::Split),
        &with(&["audit"], &CALLER),
        "parts",
    );
    for (format, check) in [("json", true), ("html", false), ("markdown", false)] {
        let (code, merged, stderr) = dtlint(
            dir,
            &with(&["merge", "parts", "--format", format], &CALLER),
            None,
        );
        assert_eq!(code, 1, "exposures fail the merged audit: {stderr}");
        if check {
            assert_eq!(json(&merged), json(&single));
        } else {
            assert!(merged.contains("captures/2024/a.ndjson"), "{format}");
        }
    }
    // Another caller than the shards': refused, not judged anew.
    let (code, _, stderr) = dtlint(
        dir,
        &[
            "merge",
            "parts",
            "--no-profile",
            "--app-type",
            "third-party",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("the shards audited"), "{stderr}");
}

#[test]
fn audits_of_whole_files_keep_every_app_until_the_merge_caps_them() {
    // 30 tokens over three HAR files: a single run lists the first 20 apps to call and counts
    // the rest together; so does the merge of one shard per file.
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let body = std::fs::read_to_string(root().join("samples/internal-full/full-record.json"))
        .or_else(|_| {
            let mut any = std::fs::read_dir(root().join("samples/internal-full")).expect("dir");
            std::fs::read_to_string(any.next().expect("a sample").expect("entry").path())
        })
        .expect("sample");
    std::fs::create_dir_all(dir.join("hars")).expect("dir");
    for file in 0..3 {
        let entries: Vec<serde_json::Value> = (0..10)
            .map(|i| {
                let token = format!("{:032x}", (2 - file) * 10 + i + 1);
                serde_json::json!({
                    "startedDateTime": format!("2024-05-0{}T10:00:{i:02}Z", file + 1),
                    "request": {"method": "POST", "url": format!("https://oapi.dingtalk.com/topapi/v2/user/get?access_token={token}"),
                        "postData": {"mimeType": "application/json", "text": "{\"userid\":\"u1\"}"}},
                    "response": {"status": 200, "content": {"mimeType": "application/json", "text": body}}
                })
            })
            .collect();
        let har = serde_json::json!({"log": {"version": "1.2", "entries": entries}});
        std::fs::write(dir.join(format!("hars/{file}.har")), har.to_string()).expect("write");
    }
    let (_, single, _) = dtlint(
        dir,
        &with(&["audit", "hars", "--format", "json"], &CALLER),
        None,
    );
    let single = json(&single);
    assert_eq!(single["apps"].as_array().expect("apps").len(), 20);
    assert_eq!(single["apps_not_listed"], 10);
    std::fs::create_dir_all(dir.join("parts")).expect("dir");
    // Shards in reverse order: the merge still lists the apps that called first.
    for file in (0..3).rev() {
        let (code, stdout, stderr) = dtlint(
            dir,
            &with(
                &["audit", &format!("hars/{file}.har"), "--partial"],
                &CALLER,
            ),
            None,
        );
        assert!(code <= 1, "{stderr}");
        std::fs::write(dir.join(format!("parts/{}", 2 - file)), stdout).expect("write");
    }
    let (_, merged, stderr) = dtlint(
        dir,
        &with(&["merge", "parts", "--format", "json"], &CALLER),
        None,
    );
    assert_eq!(json(&merged), single, "{stderr}");
}

#[test]
fn broken_records_and_unfinished_shards_are_reported_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let good = r#"{"errcode":0,"errmsg":"ok","result":{"userid":"u","name":"x","boss":"true"}}"#;
    let stream = format!(
        "x.ndjson\t0\t\t{good}\nno tabs here\nx.ndjson\tnot-a-number\t\t{good}\nx.ndjson\t{}\t\t{good}\n",
        good.len() + 1
    );
    let (code, stdout, _) = dtlint(
        dir,
        &[
            "check",
            "-",
            "--stdin-format",
            "framed",
            "--no-profile",
            "--format",
            "json",
        ],
        Some(stream.as_bytes()),
    );
    assert_eq!(
        code, 2,
        "a broken record fails the run, after the others: {stdout}"
    );
    let report = json(&stdout);
    let findings = report["findings"].as_array().expect("findings");
    let mut lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["source"] == "x.ndjson")
        .map(|f| f["line"].as_u64().expect("a line"))
        .collect();
    lines.dedup();
    // Both good lines were checked; the second follows the first: line 2 of x.ndjson.
    assert_eq!(lines, [1, 2], "{findings:#?}");
    let broken: Vec<&str> = findings
        .iter()
        .filter(|f| f["source"] == "-")
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].contains("framed record 2 (byte"), "{broken:?}");
    assert!(
        broken[1].contains("position is not a whole number"),
        "{broken:?}"
    );

    // Outside a partial run, lines of a split that does not start its file name no line.
    let later = format!("x.ndjson\t4096\t\t{good}\n");
    let (_, stdout, _) = dtlint(
        dir,
        &[
            "check",
            "-",
            "--stdin-format",
            "framed",
            "--no-profile",
            "--format",
            "json",
        ],
        Some(later.as_bytes()),
    );
    let report = json(&stdout);
    assert!(report["findings"][0]["line"].is_null());
    assert!(report["summary"]["notes"]
        .to_string()
        .contains("dtlint merge"));

    // A shard that died before its summary is reported by name and fails the merge; the
    // finished shards are still merged.
    let (_, whole, _) = dtlint(
        dir,
        &[
            "check",
            "-",
            "--stdin-format",
            "framed",
            "--no-profile",
            "--partial",
        ],
        Some(format!("x.ndjson\t0\t\t{good}\n").as_bytes()),
    );
    let cut: String = whole.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::create_dir_all(dir.join("parts")).expect("dir");
    std::fs::write(dir.join("parts/part-0"), &whole).expect("write");
    std::fs::write(dir.join("parts/part-1"), cut).expect("write");
    std::fs::write(dir.join("parts/part-1.crc"), "x").expect("write");
    let (code, stdout, _) = dtlint(
        dir,
        &["merge", "parts", "--no-profile", "--format", "json"],
        None,
    );
    assert_eq!(code, 2);
    let report = json(&stdout);
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["source"] == "x.ndjson"));
    let unfinished = findings
        .iter()
        .find(|f| f["source"].as_str().is_some_and(|s| s.ends_with("part-1")))
        .expect("the unfinished shard is named");
    assert!(unfinished["message"]
        .as_str()
        .expect("message")
        .contains("did not finish"));
    // Something that is no partial result at all.
    std::fs::write(dir.join("other.json"), "{}").expect("write");
    let (code, stdout, _) = dtlint(
        dir,
        &["merge", "other.json", "--no-profile", "--format", "json"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("no partial result"), "{stdout}");
}

#[test]
fn the_glibc_checker_reads_the_versions_a_binary_needs() {
    // scripts/glibc-needed.py is what the cluster build trusts to refuse a binary too new for
    // glibc 2.17 nodes: on this build it must find the GLIBC versions the loader would ask for.
    let Ok(probe) = std::process::Command::new("python3")
        .arg("--version")
        .output()
    else {
        eprintln!("note: no python3: the glibc checker is not tested here");
        return;
    };
    assert!(probe.status.success());
    let script = root().join("scripts/glibc-needed.py");
    let run = |max: &str| {
        std::process::Command::new("python3")
            .arg(&script)
            .args(["--max", max, env!("CARGO_BIN_EXE_dtlint")])
            .output()
            .expect("python3 runs")
    };
    let all = run("99.0");
    let said = String::from_utf8_lossy(&all.stdout);
    assert_eq!(all.status.code(), Some(0), "{said}");
    let highest: Vec<u32> = said
        .split("needs glibc ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the highest version is named")
        .split('.')
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert!(highest[0] == 2 && highest[1] >= 2, "{said}");
    // Any binary that links glibc needs more than 2.0: the limit is enforced.
    let refused = run("2.0");
    assert_eq!(refused.status.code(), Some(1));
    // Not an ELF file: a usage failure, not a pass.
    let not_elf = std::process::Command::new("python3")
        .arg(&script)
        .arg(root().join("README.md"))
        .output()
        .expect("python3 runs");
    assert_eq!(not_elf.status.code(), Some(2));
}

#[test]
fn chunks_of_whole_lines_and_empty_files_merge_to_the_single_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    sample(dir);
    std::fs::write(dir.join("captures/empty.ndjson"), "").expect("write");
    // A last line without its line feed.
    std::fs::write(dir.join("captures/last.ndjson"), responses()[1].clone()).expect("write");
    let (single_code, single, _) = dtlint(
        dir,
        &with(&["check", "captures", "--format", "json"], &CALLER),
        None,
    );
    let single = json(&single);
    assert!(single["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "DT004" && f["source"] == "captures/empty.ndjson"));
    for (size, count) in [(500, 3), (4096, 2), (1 << 30, 1)] {
        let out = format!("chunks-{size}");
        run_shards(
            dir,
            &shards(dir, size, count, Keyed::Chunk),
            &with(&["check"], &CALLER),
            &out,
        );
        let (code, merged, stderr) = dtlint(
            dir,
            &with(&["merge", &out, "--format", "json"], &CALLER),
            None,
        );
        assert_eq!(code, single_code, "{stderr}");
        assert_eq!(json(&merged), single, "chunks of {size}");
    }
    // A chunk that announces more bytes than the stream holds: reported, and what it held is
    // still checked.
    let good = r#"{"errcode":0,"errmsg":"ok","result":{"userid":"u","name":"x","boss":"true"}}"#;
    let cut = format!("x.ndjson\t0+500\t\t\n{good}\n");
    let (code, stdout, _) = dtlint(
        dir,
        &[
            "check",
            "-",
            "--stdin-format",
            "framed",
            "--no-profile",
            "--format",
            "json",
        ],
        Some(cut.as_bytes()),
    );
    assert_eq!(code, 2);
    let report = json(&stdout);
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "DT201" && f["line"] == 1));
    assert!(findings.iter().any(|f| f["message"]
        .as_str()
        .is_some_and(|m| m.contains("bytes before the end of the chunk"))));
}

#[test]
fn a_merge_given_no_selection_keeps_the_shards_selection_and_severities() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    sample(dir);
    let chosen = [
        "--severity",
        "DT302=warning",
        "--ignore",
        "DT102",
        "--deny",
        "warnings",
    ];
    let (single_code, single, _) = dtlint(
        dir,
        &with(
            &with(&["check", "captures", "--format", "json"], &CALLER),
            &chosen,
        ),
        None,
    );
    let single = json(&single);
    assert!(single["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "DT302" && f["severity"] == "warning"));
    run_shards(
        dir,
        &shards(dir, 800, 3, Keyed::Offset),
        &with(&with(&["check"], &CALLER), &chosen),
        "parts",
    );
    // No flags and no profile: the shards' choices stand, --deny warnings included.
    let (code, merged, stderr) = dtlint(
        dir,
        &["merge", "parts", "--no-profile", "--format", "json"],
        None,
    );
    assert_eq!(json(&merged), single, "{stderr}");
    assert_eq!(code, single_code);
    // A selection of its own wins.
    let (_, own, _) = dtlint(
        dir,
        &[
            "merge",
            "parts",
            "--no-profile",
            "--format",
            "json",
            "--select",
            "DT2",
        ],
        None,
    );
    let own = json(&own);
    let findings = own["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["rule"].as_str().expect("rule").starts_with("DT2")));
}
