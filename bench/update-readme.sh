#!/usr/bin/env bash
# Regenerates the README's rule table and field matrix from the binary (a test keeps them equal).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
rules=$(./target/debug/dtlint rules --format markdown)
fields=$(./target/debug/dtlint fields --format markdown)
python3 - "$rules" "$fields" <<'PY'
import re, sys
rules, fields = sys.argv[1], sys.argv[2]
text = open("README.md", encoding="utf-8").read()
def put(name, body, text):
    pattern = re.compile(r"(<!-- %s:start[^>]*-->\n).*?(<!-- %s:end -->)" % (name, name), re.S)
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
text = put("rules", rules, text)
text = put("fields", fields, text)
open("README.md", "w", encoding="utf-8").write(text)
PY
