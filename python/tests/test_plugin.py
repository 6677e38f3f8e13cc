"""The pytest plugin, run as a user runs it: test files in a fresh folder, a pytest of their own
in a subprocess (the plugin comes from the installed package's entry point), `dtlint mock`
started by the session fixture, calls through requests and httpx."""

import json
import os
import shutil

import pytest

from conftest import SAMPLES

CLEAN_USER = SAMPLES / "internal-basic" / "basic-compact.json"
PLANTED = SAMPLES / "defects" / "DT201-quoted-boolean.json"
PROFILE = SAMPLES / "internal-basic" / "dtlint.toml"

CALLS = '''
import asyncio, json, pytest, requests, httpx

USERID = {userid!r}

def by_requests(mock):
    return requests.post(mock.user_get, json={{"userid": USERID}}, timeout=10)

def by_httpx(mock):
    return httpx.post(mock.user_get, json={{"userid": USERID}}, timeout=10)

def by_httpx_async(mock):
    async def call():
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(mock.user_get, json={{"userid": USERID}})
    return asyncio.run(call())
'''


def userid(path):
    return json.loads(path.read_text(encoding="utf-8"))["result"]["userid"]


@pytest.fixture
def project(pytester, dtlint_bin, monkeypatch):
    """A test project whose pytest finds the same dtlint command as these tests."""
    monkeypatch.setenv("DTLINT_BIN", dtlint_bin)
    shutil.copy(PROFILE, pytester.path / "dtlint.toml")
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=120)


@pytest.mark.parametrize("client", ["by_requests", "by_httpx", "by_httpx_async"])
def test_a_defect_planted_in_the_mocks_users_fails_the_marked_test(project, client):
    shutil.copy(PLANTED, project.path / "users.json")
    project.makepyfile(CALLS.format(userid=userid(PLANTED)) + f'''
@pytest.mark.dtlint
def test_user(dtlint_mock):
    assert {client}(dtlint_mock).status_code == 200
''')
    result = run(project, "--dtlint-mock-users", "users.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*dtlint: 1 finding(s) in 1 user/get call(s) fail the run*",
        "POST /topapi/v2/user/get:1:*: DT201 `result.boss` is the string \"true\"*(entry 0)",
    ])
    # The request's token never reaches the report.
    assert "dtlint-pytest-token" not in result.stdout.str()


@pytest.mark.parametrize("client", ["by_requests", "by_httpx", "by_httpx_async"])
def test_a_clean_run_passes(project, client):
    shutil.copy(CLEAN_USER, project.path / "users.json")
    project.makepyfile(CALLS.format(userid=userid(CLEAN_USER)) + f'''
@pytest.mark.dtlint
def test_user(dtlint_mock):
    answer = {client}(dtlint_mock)
    assert answer.json()["errcode"] == 0
''')
    result = run(project, "--dtlint-mock-users", "users.json")
    result.assert_outcomes(passed=1)


def test_the_plugin_is_off_until_used(project):
    shutil.copy(PLANTED, project.path / "users.json")
    project.makepyfile(CALLS.format(userid=userid(PLANTED)) + '''
def test_unmarked(dtlint_mock):
    assert by_requests(dtlint_mock).json()["result"]["boss"] == "true"
''')
    result = run(project, "--dtlint-mock-users", "users.json", "-rA")
    result.assert_outcomes(passed=1)
    assert "DT201" not in result.stdout.str()


def test_marker_settings_win_over_the_profile(project):
    # The profile says internal; the marker says third-party, to which the page withholds
    # state_code: the same clean answer now exposes a field.
    shutil.copy(CLEAN_USER, project.path / "users.json")
    project.makepyfile(CALLS.format(userid=userid(CLEAN_USER)) + '''
@pytest.mark.dtlint(app_type="third-party")
def test_user(dtlint_mock):
    by_requests(dtlint_mock)
''')
    result = run(project, "--dtlint-mock-users", "users.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*DT301*"])


def test_the_fixture_fails_with_the_concise_format(project):
    project.makepyfile(f'''
import json

def test_dict(dtlint_check):
    dtlint_check(json.loads({PLANTED.read_text(encoding="utf-8")!r}))

def test_bytes_clean(dtlint_check):
    findings = dtlint_check({CLEAN_USER.read_bytes()!r})
    assert all(f.severity != "error" for f in findings)
''')
    result = run(project)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([
        "<body 1>:1:*: DT201 `result.boss` is the string \"true\"*",
        "dtlint: 1 error",
    ])


def test_the_fixture_checks_a_response_with_its_request(project):
    shutil.copy(CLEAN_USER, project.path / "users.json")
    project.makepyfile(CALLS.format(userid="someone-else") + '''
def test_response(dtlint_mock, dtlint_check):
    findings = dtlint_check(by_requests(dtlint_mock))
    assert [f.code for f in findings] == ["DT606"]  # user not found: reported, not failing
    assert findings[0].source == "POST /topapi/v2/user/get"
''')
    result = run(project, "--dtlint-mock-users", "users.json")
    result.assert_outcomes(passed=1)


def test_a_bad_profile_is_reported_by_its_place(project):
    (project.path / "bad.toml").write_text('[rules]\nselect = ["DT999x"]\n')
    project.makepyfile('''
def test_body(dtlint_check):
    dtlint_check(b"{}")
''')
    result = run(project, "--dtlint-profile", "bad.toml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ProfileError*rules.select*DT999x*"])


def test_the_mock_is_stopped_at_the_end_of_the_session(project):
    project.makepyfile('''
import pathlib, requests

def test_one(dtlint_mock):
    pathlib.Path("pid").write_text(str(dtlint_mock.process.pid))
    assert dtlint_mock.url.startswith("http://127.0.0.1:")
    assert requests.get(dtlint_mock.url + "/gettoken", params={"appkey": "k", "appsecret": "s"}, timeout=10).json()["errcode"] == 0

def test_two(dtlint_mock):
    assert str(dtlint_mock.process.pid) == pathlib.Path("pid").read_text()  # one mock per session
''')
    result = run(project)
    result.assert_outcomes(passed=2)
    pid = int((project.path / "pid").read_text())
    with pytest.raises(OSError):
        os.kill(pid, 0)
