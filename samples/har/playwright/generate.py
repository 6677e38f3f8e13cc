#!/usr/bin/env python3
"""Records the same user/get traffic with Playwright for Python and Chromium in the three forms
Playwright writes a HAR in, into this folder:

  embed.har          record_har_content="embed": bodies inside the HAR (the plain form)
  attach/capture.har record_har_content="attach": bodies in side files beside the HAR (`_file`)
  capture.zip        record_har_path="capture.zip": the HAR and its bodies as one archive

against `dtlint mock` serving a user with a planted defect (DT201, a quoted boolean) and a clean
one. The page is routed on the mock's own origin, so its fetch calls are same-origin.

    python3 -m venv /tmp/pw-venv && /tmp/pw-venv/bin/pip install playwright
    cargo build && /tmp/pw-venv/bin/python samples/har/playwright/generate.py

Environment: DTLINT (default target/debug/dtlint, or $CARGO_TARGET_DIR/debug/dtlint), CHROMIUM
(default /usr/bin/chromium).
"""

import contextlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

from playwright.sync_api import sync_playwright

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
DTLINT = os.environ.get("DTLINT", str(TARGET / "debug" / "dtlint"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
USERS = [
    ROOT / "samples/defects/DT201-quoted-boolean.json",
    ROOT / "samples/internal-basic/basic-compact.json",
]
TOKEN = "playwright-sample-token"

PAGE = """<!doctype html><title>user/get</title><script>
async function call(userid) {
  const r = await fetch('/topapi/v2/user/get?access_token=%s', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({userid: userid, language: 'zh_CN'})});
  return r.text();
}
</script>""" % TOKEN


@contextlib.contextmanager
def mock_serving(paths):
    """`dtlint mock` serving the users of `paths` (answers as JSON files); yields its base URL."""
    work = pathlib.Path(tempfile.mkdtemp())
    users = work / "users.ndjson"
    with users.open("w") as out:
        for path in paths:
            out.write(json.dumps(json.loads(path.read_text())) + "\n")
    mock = subprocess.Popen(
        [DTLINT, "mock", "--listen", "127.0.0.1:0", "--users", str(users), "--token", TOKEN],
        stderr=subprocess.PIPE, text=True)
    try:
        base = None
        for line in mock.stderr:
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found:
                base = found.group(0)
                break
        assert base, "the mock printed no address"
        yield base
    finally:
        mock.terminate()
        mock.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ids = [json.loads(p.read_text())["result"]["userid"] for p in USERS]
    with mock_serving(USERS) as base:
        attach = HERE / "attach"
        shutil.rmtree(attach, ignore_errors=True)
        forms = {
            "embed": dict(record_har_path=str(HERE / "embed.har"), record_har_content="embed"),
            "attach": dict(record_har_path=str(attach / "capture.har"), record_har_content="attach"),
            "zip": dict(record_har_path=str(HERE / "capture.zip")),
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            for options in forms.values():
                context = browser.new_context(**options)
                page = context.new_page()
                page.route(base + "/page", lambda route: route.fulfill(
                    status=200, content_type="text/html", body=PAGE))
                page.goto(base + "/page")
                for userid in ids:
                    page.evaluate("userid => call(userid)", userid)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
