"""The pytest plugin of dtlint: off until a test uses it.

- ``dtlint_check``: a fixture that checks a ``requests`` or ``httpx`` response, a parsed
  object, text or bytes, and fails the test with the findings in dtlint's concise format when
  any of them fails the run (errors; warnings too under ``deny-warnings``). It returns the
  findings otherwise.
- ``@pytest.mark.dtlint(**settings)``: every ``topapi/v2/user/get`` answer the test receives
  through ``requests`` or ``httpx`` is checked with its request, as ``dtlint proxy`` checks
  an exchange; findings that fail the run fail the test.
- ``dtlint_mock``: a session fixture that starts ``dtlint mock`` on a free loopback port and
  gives its base URL (``dtlint_mock.url``) and a token it accepts (``dtlint_mock.token``).

Settings come from ``--dtlint-profile FILE`` (or the ``dtlint_profile`` ini key), else from
the first ``dtlint.toml`` in the current folder or its parents, as the command line finds it; a marker's or the
fixture's keyword arguments win over the profile, as the command line's flags do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time

import pytest

import dtlint

ENDPOINT = "/topapi/v2/user/get"
# A token the mock accepts besides those its /gettoken issues: the tests' own, never real.
MOCK_TOKEN = "dtlint-pytest-token"
# How long `dtlint mock` may take to say where it listens.
MOCK_START = 30.0


def pytest_addoption(parser):
    group = parser.getgroup("dtlint", "dtlint: check DingTalk user/get answers")
    group.addoption("--dtlint-profile", metavar="FILE", default=None,
                    help="the dtlint.toml the fixture, the marker and the mock use "
                         "(default: the first dtlint.toml in the starting folder or its parents)")
    group.addoption("--dtlint-mock-users", metavar="FILE", default=None,
                    help="the users dtlint_mock serves (JSON, NDJSON or HAR); default: generated")
    group.addoption("--dtlint-bin", metavar="PATH", default=None,
                    help="the dtlint command dtlint_mock runs (default: the one installed with "
                         "the package, else DTLINT_BIN, else dtlint on PATH)")
    parser.addini("dtlint_profile", "the dtlint.toml the dtlint plugin uses", default=None)
    parser.addini("dtlint_mock_users", "the users dtlint_mock serves", default=None)
    parser.addini("dtlint_mock_generate", "how many users dtlint_mock generates when it is "
                  "given none", default="20")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "dtlint(**settings): check every topapi/v2/user/get answer the test receives through "
        "requests or httpx, with its request; findings that fail the run fail the test",
    )


def _profile(config):
    """The ``profile`` argument of dtlint.checker for this session: the file given, else a
    search from the current folder up."""
    given = config.getoption("--dtlint-profile") or config.getini("dtlint_profile")
    if given:
        return os.path.join(str(config.invocation_params.dir), given)
    return True


def _checker(config, settings):
    return dtlint.checker(profile=_profile(config), **settings)


def _failing(findings, deny_warnings):
    failing = ("error", "warning") if deny_warnings else ("error",)
    return [f for f in findings if f.severity in failing]


def render(findings):
    """The findings as ``dtlint check --output-format concise`` prints them, with a count."""
    lines = [f.concise for f in findings]
    counts = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    said = ", ".join(
        f"{n} {severity}{'' if n == 1 else 's'}"
        for severity, n in sorted(counts.items(), key=lambda kv: ("error", "warning", "info").index(kv[0]))
    )
    lines.append(f"dtlint: {said or 'no findings'}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Responses of requests and httpx, read without importing either library.


def _exchange(response):
    """(method, url, request type, request body, status, answer type, answer body) of a requests
    or httpx response, or None for anything else."""
    module = type(response).__module__.split(".")[0]
    if module not in ("requests", "httpx"):
        return None
    request = response.request
    if module == "requests":
        sent = request.body
        if sent is None:
            sent = b""
        elif isinstance(sent, str):
            sent = sent.encode("utf-8")
        elif not isinstance(sent, (bytes, bytearray)):
            sent = b""  # a stream or a file, consumed by the call: dtlint cannot read it again
        status = response.status_code
        body = response.content
    else:
        try:
            sent = request.content
        except Exception:  # httpx.RequestNotRead: a streamed request body
            sent = b""
        status = response.status_code
        try:
            body = response.content
        except Exception:  # httpx.ResponseNotRead: a streamed answer that was never read
            return None
    return (
        request.method,
        str(request.url),
        request.headers.get("content-type", ""),
        bytes(sent),
        status,
        response.headers.get("content-type", ""),
        body,
    )


def _is_user_get(url):
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.endswith(ENDPOINT)


def _source(method, url):
    """A name for the test's calls that leaves the query and its token out:
    ``POST /topapi/v2/user/get``; each finding's ``entry`` is the call's 0-based index."""
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", url.split("?", 1)[0].split("#", 1)[0])
    return f"{method} {path}"


@pytest.fixture
def dtlint_check(request):
    """Check a response, a parsed object, text or bytes; fail the test with the findings that
    fail the run, in dtlint's concise format, or return all the findings.

    A ``requests`` or ``httpx`` response to ``topapi/v2/user/get`` is checked with its
    request, as the proxy checks an exchange; any other response by its body. Keyword
    arguments (``app_type=``, ``permissions=``, ``select=``, ...) win over the profile.
    """
    config = request.config
    calls = [0]

    def check(subject, **settings):
        run = _checker(config, settings)
        calls[0] += 1
        exchange = _exchange(subject)
        if exchange is not None:
            method, url, sent_type, sent, status, answer_type, body = exchange
            source = _source(method, url)
            if _is_user_get(url):
                findings = run.check_exchange(method, url, sent_type, sent, status, answer_type,
                                              body, source, calls[0] - 1)
            else:
                findings = run.check_bytes(body, source)
        elif isinstance(subject, (bytes, bytearray, memoryview)):
            findings = run.check_bytes(bytes(subject), f"<body {calls[0]}>")
        elif isinstance(subject, str):
            findings = run.check_str(subject, f"<body {calls[0]}>")
        else:
            import json

            text = json.dumps(subject, ensure_ascii=False)
            findings = run.check_str(text, f"<body {calls[0]}>")
        failing = _failing(findings, run.deny_warnings)
        if failing:
            pytest.fail(render(findings), pytrace=False)
        return findings

    return check


# ---------------------------------------------------------------------------------------------
# The marker: requests and httpx watched while a marked test runs.


class _Watch:
    """Every user/get exchange the test's clients complete, checked as it comes."""

    def __init__(self, run):
        self.run = run
        self.findings = []
        self.calls = 0
        self.lock = threading.Lock()

    def saw(self, response):
        try:
            exchange = _exchange(response)
        except Exception:  # a response dtlint cannot read must not break the test's call
            return
        if exchange is None or not _is_user_get(exchange[1]):
            return
        with self.lock:
            index = self.calls
            self.calls += 1
        method, url, sent_type, sent, status, answer_type, body = exchange
        findings = self.run.check_exchange(method, url, sent_type, sent, status, answer_type,
                                           body, _source(method, url), index)
        with self.lock:
            self.findings.extend(findings)


def _patches(watch):
    """(owner, name, original) of each method wrapped to show its responses to ``watch``."""
    patched = []
    requests = sys.modules.get("requests")
    if requests is None:
        try:
            import requests  # noqa: F811  (the test may import it later; patch it now)
        except ImportError:
            requests = None
    if requests is not None:
        original = requests.Session.send

        def send(self, *args, **kwargs):
            response = original(self, *args, **kwargs)
            if not kwargs.get("stream"):
                watch.saw(response)
            return response

        patched.append((requests.Session, "send", original, send))
    httpx = sys.modules.get("httpx")
    if httpx is None:
        try:
            import httpx  # noqa: F811
        except ImportError:
            httpx = None
    if httpx is not None:
        client_send = httpx.Client.send

        def sync_send(self, *args, **kwargs):
            response = client_send(self, *args, **kwargs)
            if not kwargs.get("stream"):
                watch.saw(response)
            return response

        async_send = httpx.AsyncClient.send

        async def send_async(self, *args, **kwargs):
            response = await async_send(self, *args, **kwargs)
            if not kwargs.get("stream"):
                watch.saw(response)
            return response

        patched.append((httpx.Client, "send", client_send, sync_send))
        patched.append((httpx.AsyncClient, "send", async_send, send_async))
    return patched


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    marker = item.get_closest_marker("dtlint")
    if marker is None:
        return (yield)
    if marker.args:
        raise pytest.UsageError("@pytest.mark.dtlint takes keyword arguments only "
                                "(app_type=, permissions=, select=, ...)")
    run = _checker(item.config, dict(marker.kwargs))
    watch = _Watch(run)
    patched = _patches(watch)
    for owner, name, _original, wrapper in patched:
        setattr(owner, name, wrapper)
    try:
        result = yield
    finally:
        for owner, name, original, _wrapper in patched:
            setattr(owner, name, original)
    failing = _failing(watch.findings, run.deny_warnings)
    if watch.findings and not failing:
        item.add_report_section("call", "dtlint", render(watch.findings))
    if failing:
        pytest.fail(f"dtlint: {len(failing)} finding(s) in {watch.calls} user/get call(s) fail the run\n"
                    + render(watch.findings), pytrace=False)
    return result


# ---------------------------------------------------------------------------------------------
# The mock.


def _binary(config):
    given = config.getoption("--dtlint-bin") or os.environ.get("DTLINT_BIN")
    if given:
        return given
    name = "dtlint.exe" if os.name == "nt" else "dtlint"
    beside = os.path.join(sysconfig.get_path("scripts"), name)
    if os.path.isfile(beside):
        return beside
    found = shutil.which("dtlint")
    if found:
        return found
    raise pytest.UsageError("dtlint_mock: no dtlint command found (install the dtlint wheel, "
                            "or give --dtlint-bin or DTLINT_BIN)")


class Mock:
    """A running ``dtlint mock``: its base ``url`` (``str(mock)`` too), a ``token`` it accepts,
    and the ``users`` file it serves (``None`` when generated)."""

    def __init__(self, url, token, users, process):
        self.url = url
        self.token = token
        self.users = users
        self.process = process

    @property
    def user_get(self):
        """The URL of topapi/v2/user/get, with the token."""
        return f"{self.url}{ENDPOINT}?access_token={self.token}"

    def __str__(self):
        return self.url

    def __repr__(self):
        return f"<dtlint mock at {self.url}>"


def start_mock(binary, users=None, generate=20, profile=None, extra=(), cwd=None):
    """Starts ``dtlint mock`` on a free loopback port; returns a :class:`Mock`. The caller
    stops it with :func:`stop_mock`. Without ``profile``, the mock reads the first
    ``dtlint.toml`` from ``cwd`` up, as the command line does."""
    command = [binary, "mock", "--listen", "127.0.0.1:0", "--token", MOCK_TOKEN]
    command += ["--users", os.fspath(users)] if users else ["--generate", str(generate)]
    if profile:
        command += ["--profile", os.fspath(profile)]
    command += list(extra)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=cwd)
    said = []
    found = []

    def read():
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            said.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match and not found:
                found.append(match.group(1))

    reader = threading.Thread(target=read, name="dtlint-mock-stderr", daemon=True)
    reader.start()
    deadline = time.monotonic() + MOCK_START
    while not found and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not found:
        stop_mock(process)
        reader.join(timeout=1)
        raise RuntimeError("dtlint mock did not start: " + (" | ".join(said[-5:]) or "no output"))
    return Mock(found[0], MOCK_TOKEN, users, process)


def stop_mock(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def dtlint_mock(request):
    """``dtlint mock`` on a free loopback port for the session: ``dtlint_mock.url`` is its base
    URL and ``dtlint_mock.token`` a token it accepts. Users come from ``--dtlint-mock-users``
    (or the ``dtlint_mock_users`` ini key), else ``dtlint_mock_generate`` are generated."""
    config = request.config
    users = config.getoption("--dtlint-mock-users") or config.getini("dtlint_mock_users")
    if users:
        users = os.path.join(str(config.invocation_params.dir), users)
    profile = config.getoption("--dtlint-profile") or config.getini("dtlint_profile")
    if profile:
        profile = os.path.join(str(config.invocation_params.dir), profile)
    mock = start_mock(_binary(config), users=users or None,
                      generate=int(config.getini("dtlint_mock_generate") or 20),
                      profile=profile or None, cwd=str(config.invocation_params.dir))
    try:
        yield mock
    finally:
        stop_mock(mock.process)
