#!/usr/bin/env python3
"""dtlint's benchmark: times dtlint against baselines measured in the same run, on a generated corpus.

  python3 bench/run.py [--corpus DIR] [--runs N]

Builds the dist binary (release with fat LTO) and the baseline example, generates the corpus if it is missing
(bench/gen_corpus.py), checks in a warm-up that every planted defect is found by its own rule
and nothing else is, then reports best-of-N wall times, peak RSS and the ratios the targets
are stated in. Figures are ratios against baselines run in the same invocation, because the
machine is shared and noisy.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTLINT = os.path.join(ROOT, "target", "dist", "dtlint")
BASELINE = os.path.join(ROOT, "target", "dist", "examples", "baseline")
PROFILE = 'app-type = "internal"\npermissions = ["mobile", "email-profile"]\ncorp-id = "dingcorp0000000001"\n'


CPU = {}


def run(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Runs a command under GNU time; returns (seconds, peak RSS in MB). The CPU time (user +
    sys) of the last run of each command is kept in CPU."""
    with tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", usage.name] + cmd, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - start
        fields = ((usage.read().strip().splitlines() or ["0 0 0"])[-1]).split()
    CPU[tuple(cmd)] = float(fields[1]) + float(fields[2])
    return seconds, int(fields[0]) / 1024


def best(cmd, runs, stdin_path=None):
    times, peak = [], 0.0
    for _ in range(runs):
        if stdin_path:
            with open(stdin_path, "rb") as f:
                seconds, mb = run(cmd, stdin=f)
        else:
            seconds, mb = run(cmd)
        times.append(seconds)
        peak = max(peak, mb)
    return min(times), peak


def verify(name, cmd, planted, stdin_path=None):
    """Warm-up: the run must report exactly the planted defects, each by its own rule."""
    stdin = open(stdin_path, "rb") if stdin_path else None
    out = subprocess.run(cmd, stdin=stdin, capture_output=True, check=False).stdout
    if stdin:
        stdin.close()
    found = collections.Counter(f["rule"] for f in json.loads(out)["findings"])
    if dict(found) != planted:
        sys.exit(f"{name}: findings {dict(found)} differ from the planted defects {planted}")
    return sum(found.values())


def tripled_har(har, out):
    """Writes a HAR with the entries of `har` three times, streaming, to show memory does not grow with size."""
    if os.path.exists(out):
        return
    with open(har, "r", encoding="utf-8") as f:
        text_head = []
        for line in f:
            text_head.append(line)
            if line.strip().startswith('"entries"'):
                break
        entries = [line.rstrip("\n").rstrip(",") for line in f if line.startswith("      {")]
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(text_head)
        total = len(entries) * 3
        n = 0
        for _ in range(3):
            for entry in entries:
                n += 1
                f.write(entry + (",\n" if n < total else "\n"))
        f.write("    ]\n  }\n}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.join(ROOT, "bench-corpus"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jsonschema-cli", help="path to jsonschema-cli (default: PATH, then CORPUS/tools/bin)")
    parser.add_argument("--no-heavy", action="store_true", help="skip the findings-heavy case (issue 13)")
    parser.add_argument("--install-tools", action="store_true", help="cargo install jsonschema-cli into CORPUS/tools when missing")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--profile", "dist", "--quiet", "--bin", "dtlint", "--example", "baseline"], cwd=ROOT, check=True)
    corpus = args.corpus
    if not os.path.exists(os.path.join(corpus, "planted.json")):
        print("generating the corpus ...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), corpus], check=True)
    planted = json.load(open(os.path.join(corpus, "planted.json")))
    profile = os.path.join(corpus, "dtlint.toml")
    with open(profile, "w") as f:
        f.write(PROFILE)
    folder, har, ndjson = (os.path.join(corpus, p) for p in ("folder", "capture.har", "responses.ndjson"))
    check = [DTLINT, "check", "--profile", profile, "--format", "json"]

    flagged = {
        "folder": verify("folder", check + [folder], planted["folder"]),
        "har": verify("har", check + [har], planted["har"]),
        "ndjson": verify("ndjson", check + ["--stdin-format", "ndjson", "-"], planted["ndjson"], ndjson),
    }
    print(f"warm-up: every planted defect flagged by its own rule, nothing else ({flagged})")

    threads = os.cpu_count()
    b1, _ = best([BASELINE, "value", folder], args.runs)
    b2, _ = best([BASELINE, "ignored", folder], args.runs)
    d1, d1_rss = best(check + [folder], args.runs)
    har_mb = os.path.getsize(har) / 1e6
    h, h_rss = best(check + [har], args.runs)
    big_har = os.path.join(corpus, "capture-x3.har")
    tripled_har(har, big_har)
    big_mb = os.path.getsize(big_har) / 1e6
    hb, hb_rss = best(check + [big_har], 1)
    lines = sum(1 for _ in open(ndjson, "rb"))
    n, n_rss = best(check + ["--stdin-format", "ndjson", "-"], args.runs, ndjson)
    b3, _ = best([BASELINE, "lines", ndjson], args.runs)

    rows = [
        ("B1 folder: read + serde_json::Value", f"{b1:.3f} s", ""),
        ("B2 folder: read + IgnoredAny", f"{b2:.3f} s", ""),
        ("dtlint check <folder> (full profile)", f"{d1:.3f} s  {d1_rss:.0f} MB", f"{d1 / b1:.2f}x B1 (target <= 1.5): {'PASS' if d1 / b1 <= 1.5 else 'FAIL'}"),
        (f"dtlint check capture.har ({har_mb:.0f} MB)", f"{h:.3f} s  {h_rss:.0f} MB", f"{har_mb / h:.0f} MB/s (>= 150): {'PASS' if har_mb / h >= 150 else 'FAIL'}; peak RSS < 100 MB: {'PASS' if h_rss < 100 else 'FAIL'}"),
        (f"dtlint check capture-x3.har ({big_mb:.0f} MB, once)", f"{hb:.3f} s  {hb_rss:.0f} MB", f"{big_mb / hb:.0f} MB/s; peak RSS {hb_rss:.0f} MB vs {h_rss:.0f} MB for 1x: {'flat' if hb_rss < 1.5 * h_rss else 'GROWS'}"),
        ("B3 NDJSON: read + serde_json::Value per line", f"{b3:.3f} s", f"{lines / b3:,.0f} lines/s"),
        (f"dtlint check - --stdin-format ndjson ({lines} lines)", f"{n:.3f} s  {n_rss:.0f} MB", f"{lines / n:,.0f} responses/s (>= 150,000): {'PASS' if lines / n >= 150_000 else 'FAIL'}; {n / b3:.2f}x B3"),
    ]
    tools = os.path.join(corpus, "tools")
    jsonschema_cli = args.jsonschema_cli or shutil.which("jsonschema-cli") or os.path.join(tools, "bin", "jsonschema-cli")
    if not os.path.exists(jsonschema_cli) and args.install_tools:
        subprocess.run(["cargo", "install", "--quiet", "jsonschema-cli", "--root", tools], check=True)
    if os.path.exists(jsonschema_cli):
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith(".json"))
        schema = os.path.join(ROOT, "schemas", "user-get.response.schema.json")
        cmd = [jsonschema_cli, "validate", "--assert-format", "--errors-only", schema, "-i"] + files
        j, _ = best(cmd, args.runs)
        cpu_j, cpu_d = CPU[tuple(cmd)], CPU[tuple(check + [folder])]
        rows.append(("jsonschema-cli validate --assert-format <folder>", f"{j:.3f} s", f"wall: jsonschema-cli / dtlint = {j / d1:.2f}x"))
        rows.append(("  CPU time (user + sys), last run of each", f"{cpu_j:.2f} s / {cpu_d:.2f} s", f"jsonschema-cli / dtlint = {cpu_j / cpu_d:.2f}x"))
    else:
        rows.append(("jsonschema-cli", "not installed", "pass --install-tools or --jsonschema-cli PATH"))
    if not args.no_heavy:
        rows += heavy_rows(corpus, ndjson, har, n, args.runs)
    print(f"best of {args.runs}, {threads} threads (findings-heavy rows: one run each, but the throughput row)")
    for name, figure, verdict in rows:
        print(f"{name:<52} {figure:<18} {verdict}")


def heavy_rows(corpus, ndjson, har, clean_ndjson_seconds, runs):
    """The findings-heavy case (issue 13): the internal traffic checked as a third-party app
    (about nine findings per response), each format written to /dev/null, at 1x and 3x the
    NDJSON corpus, and the HAR corpus with --format ndjson at 1x and 3x. One run each, but for
    the throughput row, which is best of `runs` as the clean run it is compared with."""
    profile = os.path.join(corpus, "third-party.toml")
    with open(profile, "w") as f:
        f.write('app-type = "third-party"\n')
    tripled = os.path.join(corpus, "responses-x3.ndjson")
    if not os.path.exists(tripled):
        with open(ndjson, "rb") as src, open(tripled, "wb") as out:
            data = src.read()
            out.write(data * 3)
    rows = []
    base = [DTLINT, "check", "--profile", profile, "--stdin-format", "ndjson", "-"]
    for fmt in ["ndjson", "json", "sarif", "human"]:
        seconds, rss = best(base + ["--format", fmt], runs if fmt == "ndjson" else 1, ndjson)
        verdict = f"peak RSS <= 100 MB: {'PASS' if rss <= 100 else 'FAIL'}"
        if fmt == "ndjson":
            ratio = clean_ndjson_seconds / seconds
            verdict += f"; throughput {ratio:.2f}x the clean run (>= 0.5): {'PASS' if ratio >= 0.5 else 'FAIL'}"
        rows.append((f"heavy NDJSON 1x --format {fmt}", f"{seconds:.3f} s  {rss:.0f} MB", verdict))
        s3, rss3 = best(base + ["--format", fmt], 1, tripled)
        rows.append((f"heavy NDJSON 3x --format {fmt}", f"{s3:.3f} s  {rss3:.0f} MB", f"peak RSS {rss3:.0f} MB vs {rss:.0f} MB for 1x: {'flat' if rss3 < 1.5 * rss and rss3 <= 100 else 'GROWS'}"))
    har_check = [DTLINT, "check", "--profile", profile, "--format", "ndjson"]
    seconds, rss = best(har_check + [har], 1)
    rows.append(("heavy HAR 1x --format ndjson", f"{seconds:.3f} s  {rss:.0f} MB", f"peak RSS <= 100 MB: {'PASS' if rss <= 100 else 'FAIL'}"))
    s3, rss3 = best(har_check + [os.path.join(corpus, "capture-x3.har")], 1)
    rows.append(("heavy HAR 3x --format ndjson", f"{s3:.3f} s  {rss3:.0f} MB", f"peak RSS {rss3:.0f} MB vs {rss:.0f} MB for 1x: {'flat' if rss3 < 1.5 * rss and rss3 <= 100 else 'GROWS'}"))
    return rows


if __name__ == "__main__":
    main()
