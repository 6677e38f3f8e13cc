#!/usr/bin/env bash
# Regenerates the generated tables of the documentation from the binary: the rule table in
# docs/rules.md (`dtlint rules --format markdown`) and the field matrix in docs/fields.md
# (`dtlint fields --format markdown`), each between its `<!-- NAME:start ... -->` and
# `<!-- NAME:end -->` markers. tests/rule_fixtures.rs keeps them equal to the binary's output.
set -euo pipefail
cd "$(dirname "$0")/.."
# `cargo run` honours CARGO_TARGET_DIR, wherever the build goes.
rules=$(cargo run --quiet --locked -- rules --format markdown)
fields=$(cargo run --quiet --locked -- fields --format markdown)
python3 - "$rules" "$fields" <<'PY'
import re, sys
rules, fields = sys.argv[1], sys.argv[2]
def put(path, name, body):
    text = open(path, encoding="utf-8").read()
    pattern = re.compile(r"(<!-- %s:start[^>]*-->\n).*?(<!-- %s:end -->)" % (name, name), re.S)
    new, count = pattern.subn(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    if count != 1:
        sys.exit(f"update-docs: {path} has {count} {name}:start/{name}:end marker pairs, not one")
    if new != text:
        open(path, "w", encoding="utf-8").write(new)
        print(f"update-docs: {path} updated")
put("docs/rules.md", "rules", rules)
put("docs/fields.md", "fields", fields)
PY
