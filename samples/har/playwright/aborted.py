#!/usr/bin/env python3
"""Records, with Playwright for Python and Chromium against `dtlint mock`, a HAR of two user/get
calls of which the first never gets an answer: the page cancels it with an AbortController
while the test's route holds it back, as a page that navigates away or a test that times out
does. Playwright writes that call with status -1 and `_failureText` (DT010); the second call is
answered.

    /tmp/pw-venv/bin/python samples/har/playwright/aborted.py    -> samples/har/playwright/aborted.har

Environment as for generate.py (DTLINT, CHROMIUM).
"""

import json
import re
import shutil
import subprocess
import tempfile
import pathlib
import time

from playwright.sync_api import sync_playwright

from generate import CHROMIUM, DTLINT, HERE, ROOT, TOKEN

USER = ROOT / "samples/internal-basic/basic-compact.json"

PAGE = """<!doctype html><title>user/get</title><script>
async function call(userid, abortAfter) {
  const controller = new AbortController();
  if (abortAfter) setTimeout(() => controller.abort(), abortAfter);
  try {
    const r = await fetch('/topapi/v2/user/get?access_token=%s', {
      method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({userid: userid, language: 'zh_CN'}), signal: controller.signal});
    return r.status + ' ' + (await r.text());
  } catch (e) { return 'failed: ' + e.name; }
}
</script>""" % TOKEN


def main():
    work = pathlib.Path(tempfile.mkdtemp())
    users = work / "users.ndjson"
    users.write_text(json.dumps(json.loads(USER.read_text())) + "\n")
    userid = json.loads(USER.read_text())["result"]["userid"]
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
        held = {"first": True}

        def hold_the_first(route):
            # The first call is held back long enough for the page to cancel it.
            if held["first"]:
                held["first"] = False
                time.sleep(0.5)
            try:
                route.continue_()
            except Exception:
                pass  # cancelled meanwhile

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            context = browser.new_context(record_har_path=str(HERE / "aborted.har"),
                                          record_har_content="embed")
            page = context.new_page()
            page.route(base + "/page", lambda route: route.fulfill(
                status=200, content_type="text/html", body=PAGE))
            page.route(base + "/topapi/**", hold_the_first)
            page.goto(base + "/page")
            print(page.evaluate("([u, t]) => call(u, t)", [userid, 100]))
            print(page.evaluate("([u, t]) => call(u, t)", [userid, 0])[:60])
            context.close()
            browser.close()
    finally:
        mock.terminate()
        mock.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
