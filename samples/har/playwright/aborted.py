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
import time

from playwright.sync_api import sync_playwright

from generate import CHROMIUM, HERE, ROOT, TOKEN, mock_serving

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
    userid = json.loads(USER.read_text())["result"]["userid"]
    with mock_serving([USER]) as base:
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


if __name__ == "__main__":
    main()
