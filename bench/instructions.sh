#!/usr/bin/env bash
# Instructions per response (valgrind's callgrind), for dtlint and its parse baselines.
#
#   bash bench/instructions.sh [CORPUS]      (default: bench-corpus, made by bench/run.py)
#
# Wall times on a shared machine drift by 2x between runs; instruction counts do not, so
# they show whether a change made dtlint cheaper. One rayon thread, so idle workers
# spinning are not counted. Uses the first 5,000 NDJSON lines and HAR entries and the
# first 1,000 files of the corpus. The last row is what a finding adds (issue 13): the
# NDJSON lines under a third-party profile against the internal one, `--format ndjson`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$root/bench-corpus}"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
[ -f "$corpus/planted.json" ] || { echo "no corpus at $corpus: run python3 bench/run.py first" >&2; exit 2; }
cargo build --profile dist --quiet --bin dtlint --example baseline --manifest-path "$root/Cargo.toml"
dtlint="$root/target/dist/dtlint"
baseline="$root/target/dist/examples/baseline"

small="$(mktemp -d)"
trap 'rm -rf "$small"' EXIT
head -n 5000 "$corpus/responses.ndjson" > "$small/lines.ndjson"
python3 - "$corpus/capture.har" "$small/entries.har" <<'EOF'
import sys
# The corpus HAR has one entry per line; keep the first 5,000.
source, target = sys.argv[1], sys.argv[2]
with open(source) as f, open(target, "w") as out:
    head, entries = [], []
    for line in f:
        if line.startswith("      {"):
            if len(entries) < 5000:
                entries.append(line.rstrip("\n").rstrip(","))
        elif not entries:
            head.append(line)
    out.writelines(head)
    out.write(",\n".join(entries) + "\n    ]\n  }\n}\n")
EOF
mkdir "$small/folder"
find "$corpus/folder" -name '*.json' | sort > "$small/files"
head -n 1000 "$small/files" | xargs cp -t "$small/folder"
printf 'app-type = "internal"\npermissions = ["mobile", "email-profile"]\ncorp-id = "dingcorp0000000001"\n' > "$small/dtlint.toml"
# The findings-heavy case of issue 13: the same traffic judged as a third-party app's, which
# may not receive most of what internal traffic carries.
printf 'app-type = "third-party"\n' > "$small/third-party.toml"

count() {
    # dtlint exits 1 on findings, which the corpus has: only the count matters here.
    { RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
cd "$small"
check=("$dtlint" check --profile dtlint.toml --format json)
ndjson=$(count "${check[@]}" --stdin-format ndjson - < lines.ndjson)
har=$(count "${check[@]}" entries.har)
folder=$(count "${check[@]}" folder)
b3=$(count "$baseline" lines lines.ndjson)
b1=$(count "$baseline" value folder)
# What one more finding costs, from finding it to writing it: the same lines under both
# profiles, the difference in instructions over the difference in findings (one per line).
lines_with() {
    { "$dtlint" check --profile "$1" --format ndjson --stdin-format ndjson - < lines.ndjson || true; } | wc -l
}
internal=$(count "$dtlint" check --profile dtlint.toml --format ndjson --stdin-format ndjson - < lines.ndjson)
third=$(count "$dtlint" check --profile third-party.toml --format ndjson --stdin-format ndjson - < lines.ndjson)
extra=$(( $(lines_with third-party.toml) - $(lines_with dtlint.toml) ))
printf '%-40s %9d instructions\n' \
    "B3 NDJSON line: read + Value" $((b3 / 5000)) \
    "dtlint, per NDJSON response" $((ndjson / 5000)) \
    "dtlint, per HAR entry" $((har / 5000)) \
    "B1 folder file: read + Value" $((b1 / 1000)) \
    "dtlint, per folder file" $((folder / 1000))
printf '%s %9d instructions\n' \
    "dtlint, per extra finding (third-party profile)" $(((third - internal) / extra))
