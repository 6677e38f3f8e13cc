"""dtlint.check_path against `dtlint check` on the bundled samples: the same findings in the
same order, the same summary, findings that come as the run goes, and bad input reported."""

import gzip
import json
import subprocess
from pathlib import Path

import pytest

import dtlint

from conftest import ROOT, SAMPLES


def cli_json(dtlint_bin, *args):
    done = subprocess.run([dtlint_bin, "check", "--no-profile", "--format", "json", *args],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    return done.returncode, json.loads(done.stdout)


def key(source, entry, line, column, code, pointer, message):
    return (source, entry, line, column, code, pointer, message)


@pytest.mark.parametrize("settings, args", [
    ({}, []),
    ({"app_type": "third-party"}, ["--app-type", "third-party"]),
    ({"app_type": "internal", "permissions": ["mobile"], "ignore": "DT606"},
     ["--app-type", "internal", "--permission", "mobile", "--ignore", "DT606"]),
])
def test_samples_give_the_command_lines_findings_and_summary(dtlint_bin, monkeypatch, settings, args):
    monkeypatch.chdir(ROOT)
    code, report = cli_json(dtlint_bin, *args, "samples/")
    run = dtlint.check_path("samples/", **settings)
    got = [key(f.source, f.entry, f.line, f.column, f.code, f.pointer, f.message) for f in run]
    expected = [key(f["source"], f.get("entry"), f["line"], f["column"], f["rule"], f["pointer"],
                    f["message"]) for f in report["findings"]]
    assert got == expected
    summary = run.summary
    assert (summary.inputs, summary.responses, summary.errors, summary.warnings, summary.infos) == (
        report["summary"]["inputs"], report["summary"]["responses"], report["summary"]["errors"],
        report["summary"]["warnings"], report["summary"]["infos"])
    assert summary.exit_code == code


def test_summary_comes_after_the_last_finding():
    run = dtlint.check_path(SAMPLES / "defects")
    assert run.summary is None
    first = next(iter(run))
    assert isinstance(first, dtlint.Finding)
    assert run.summary is None
    rest = list(run)
    assert run.summary is not None
    assert run.summary.errors + run.summary.warnings + run.summary.infos == 1 + len(rest)
    assert list(run) == []  # exhausted stays exhausted


def test_a_consumer_that_stops_early_stops_the_run(tmp_path):
    # 5,000 bad lines: far more findings than the channel holds; the run must not wait forever
    # on a consumer that has gone.
    lines = tmp_path / "many.ndjson"
    lines.write_text('{"errcode": 0, "errmsg": "ok", "result": {"boss": "true"}}\n' * 5000)
    with dtlint.check_path(lines) as run:
        taken = [f for _, f in zip(range(10), run)]
    assert len(taken) == 10
    again = dtlint.check_path(lines)
    del again  # dropped unread: its thread stops by itself


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path):
    (tmp_path / "a-truncated.json").write_text('{"errcode": 0, "result": {')
    (tmp_path / "b-binary.json").write_bytes(b"\x00\xff\xfe\x00garbage")
    (tmp_path / "c-empty.json").write_bytes(b"")
    (tmp_path / "d-bomb.json.gz").write_bytes(gzip.compress(b" " * (64 * 1024 * 1024)))
    (tmp_path / "e-good.json").write_bytes((SAMPLES / "documented-example.json").read_bytes())
    run = dtlint.check_path(tmp_path, max_size=1024 * 1024)
    by_source = {}
    for finding in run:
        by_source.setdefault(finding.source.rsplit("/", 1)[-1], []).append(finding.code)
    assert by_source["a-truncated.json"] == ["DT001"]
    assert by_source["b-binary.json"] == ["DT003"]
    assert by_source["c-empty.json"] == ["DT004"]
    assert by_source["d-bomb.json.gz"] == ["DT006"]  # stopped at max_size, not inflated whole
    assert (run.summary.inputs, run.summary.responses) == (5, 1)
    assert run.summary.exit_code == 1


def test_a_missing_path_is_a_finding_not_an_exception(tmp_path):
    run = dtlint.check_path(tmp_path / "nowhere.har")
    findings = list(run)
    assert findings and "nowhere.har" in findings[0].source
    assert run.summary.exit_code == 2


def test_globs_and_paths_as_a_list(monkeypatch):
    monkeypatch.chdir(ROOT)
    run = dtlint.check_path(["samples/defects", "samples/ndjson"], glob="*.ndjson")
    sources = {f.source for f in run}
    assert sources and all(s.endswith(".ndjson") for s in sources)


def test_bad_glob_is_a_settings_error():
    with pytest.raises(dtlint.SettingsError):
        dtlint.check_path(SAMPLES, glob="[")


def test_profile_true_judges_each_input_by_its_closest_profile(dtlint_bin, monkeypatch):
    monkeypatch.chdir(ROOT)
    done = subprocess.run([dtlint_bin, "check", "--format", "json", "samples/"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    report = json.loads(done.stdout)
    run = dtlint.check_path("samples/", profile=True)
    got = [(f.source, f.entry, f.code, f.pointer, f.profile) for f in run]
    expected = [(f["source"], f.get("entry"), f["rule"], f["pointer"], f.get("profile"))
                for f in report["findings"]]
    assert got == expected
    assert ("samples/internal-basic/basic-empty-email-dt303-info.json", None, "DT303",
            "/result/email", "samples/internal-basic/dtlint.toml") in got
    assert run.summary.notes == report["summary"]["notes"]
    assert run.summary.exit_code == done.returncode


def test_a_bad_profile_in_a_folder_raises_before_any_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "captures" / "partner").mkdir(parents=True)
    (tmp_path / "captures" / "partner" / "dtlint.toml").write_text('app-type = "partner"\n')
    (tmp_path / "captures" / "partner" / "a.json").write_text("{}")
    with pytest.raises(dtlint.ProfileError) as raised:
        dtlint.check_path("captures", profile=True)
    error = raised.value
    assert (error.path, error.line, error.column) == (
        str(Path("captures/partner/dtlint.toml")), 1, 12)
    # Without a search, the profiles in folders are not read.
    assert all(f.profile is None for f in dtlint.check_path("captures"))
