//! Compressed captures read as their plain forms: gzip and zstd by their magic bytes, positions
//! in the decompressed text, a compression bomb stopped at --max-size in bounded memory.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

#[cfg(target_os = "linux")]
use crate::common::peak_kib;
use crate::common::{check_json, dtlint, good_input, json, root};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

fn report(dir: &Path, file: &str) -> Value {
    let (_, stdout, stderr) = dtlint(
        dir,
        &[
            "check",
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "json",
            file,
        ],
        None,
    );
    assert!(crate::common::besides_notes(&stderr).is_empty(), "{stderr}");
    json(&stdout)
}

/// Findings without their source, which names the file.
fn findings(report: &Value) -> Vec<Value> {
    let mut list = report["findings"].as_array().expect("findings").clone();
    for finding in &mut list {
        finding["source"] = Value::Null;
    }
    list
}

#[test]
fn compressed_captures_give_the_findings_of_their_plain_forms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            "samples/documented-request.har",
            "capture.har.gz",
            gzip as fn(&[u8]) -> Vec<u8>,
        ),
        (
            "samples/ndjson/responses.ndjson",
            "responses.ndjson.zst",
            zstd,
        ),
        ("samples/logs/directory-sync.log", "service.log.gz", gzip),
        ("samples/documented-example.json", "body.json", gzip),
    ];
    for (plain, compressed, compress) in cases {
        let bytes = std::fs::read(root().join(plain)).expect("sample");
        std::fs::write(dir.path().join(compressed), compress(&bytes)).expect("write");
        std::fs::copy(
            root().join(plain),
            dir.path().join(Path::new(plain).file_name().expect("name")),
        )
        .expect("copy");
        let plain_name = Path::new(plain)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        let expected = report(dir.path(), plain_name);
        let got = report(dir.path(), compressed);
        assert!(!findings(&expected).is_empty(), "{plain} has findings");
        assert_eq!(findings(&got), findings(&expected), "{compressed}");
        assert!(
            got["summary"]["notes"].to_string().contains("decompressed"),
            "{compressed}: the summary says positions are in the decompressed text"
        );
        assert!(
            !expected["summary"]["notes"]
                .to_string()
                .contains("decompressed"),
            "{plain}"
        );
    }
    // A folder walk finds compressed captures by their inner extension.
    let walked = report(dir.path(), ".");
    assert_eq!(walked["summary"]["inputs"], 8, "{}", walked["summary"]);
}

#[test]
fn broken_compressed_data_is_an_error_naming_the_file_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cut = gzip(&b"{\"errcode\":0,\"errmsg\":\"ok\"}\n".repeat(200));
    cut.truncate(cut.len() / 2);
    std::fs::write(dir.path().join("cut.ndjson.gz"), cut).expect("write");
    good_input(dir.path(), "ok.json");
    let (code, report) = check_json(dir.path(), &["."]);
    assert_eq!(code, 2, "an input could not be read");
    let sources: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["source"].as_str())
        .collect();
    assert!(
        sources.iter().any(|s| s.ends_with("ok.json")),
        "the good input is reported"
    );
    assert!(
        report["findings"].to_string().contains("decompress")
            || report["findings"].to_string().contains("corrupt"),
        "{}",
        report["findings"]
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_gigabyte_compression_bomb_gets_dt006_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 1 GiB of spaces with no line break, about 1 MB compressed.
    for name in ["bomb.json.gz", "bomb.ndjson.gz"] {
        let file = std::fs::File::create(dir.path().join(name)).expect("create");
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..1024 {
            encoder.write_all(&chunk).expect("write");
        }
        encoder.finish().expect("finish");
    }
    for name in ["bomb.json.gz", "bomb.ndjson.gz"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dtlint"))
            .current_dir(dir.path())
            .args([
                "check",
                "--no-profile",
                "--format",
                "json",
                "--max-size",
                "16M",
                name,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dtlint starts");
        let pid = child.id();
        let mut peak = 0;
        while child.try_wait().expect("status").is_none() {
            peak = peak.max(peak_kib(pid).unwrap_or(0));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("ends");
        let report = json(&String::from_utf8_lossy(&out.stdout));
        let rules: Vec<&str> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert_eq!(rules, ["DT006"], "{name}: {}", report["findings"]);
        assert!(peak < 100 * 1024, "{name}: peak RSS {peak} KiB");
    }
}

#[test]
fn the_compressed_samples_are_copies_of_plain_ones() {
    use std::io::Read;
    let pairs = [
        (
            "samples/compressed/documented-request.har.gz",
            "samples/documented-request.har",
        ),
        (
            "samples/compressed/responses.ndjson.zst",
            "samples/ndjson/responses.ndjson",
        ),
    ];
    for (compressed, plain) in pairs {
        let bytes = std::fs::read(root().join(compressed)).expect("sample");
        let mut text = Vec::new();
        if compressed.ends_with(".gz") {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut text)
                .expect("gzip");
        } else {
            ruzstd::decoding::StreamingDecoder::new(&bytes[..])
                .expect("zstd")
                .read_to_end(&mut text)
                .expect("zstd");
        }
        assert_eq!(
            text,
            std::fs::read(root().join(plain)).expect("plain"),
            "{compressed}"
        );
    }
}

#[test]
fn compressed_standard_input_is_read_in_every_format() {
    let plain = std::fs::read(root().join("samples/ndjson/responses.ndjson")).expect("sample");
    let args = |format: &'static str| {
        vec![
            "check",
            "--no-profile",
            "--format",
            "json",
            "--stdin-format",
            format,
            "-",
        ]
    };
    let (_, expected, _) = dtlint(&root(), &args("ndjson"), Some(&plain));
    for (format, bytes) in [("ndjson", gzip(&plain)), ("ndjson", zstd(&plain))] {
        let (_, got, stderr) = dtlint(&root(), &args(format), Some(&bytes));
        assert!(crate::common::besides_notes(&stderr).is_empty(), "{stderr}");
        assert_eq!(findings(&json(&got)), findings(&json(&expected)));
    }
    let body = std::fs::read(root().join("samples/documented-example.json")).expect("sample");
    let (_, expected, _) = dtlint(&root(), &args("json"), Some(&body));
    let (_, got, _) = dtlint(&root(), &args("json"), Some(&gzip(&body)));
    assert_eq!(findings(&json(&got)), findings(&json(&expected)));
}
