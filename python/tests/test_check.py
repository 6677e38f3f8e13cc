"""The API on the bundled samples: each file of samples/defects/ names its rule in its name."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import dtlint

ROOT = Path(__file__).resolve().parents[2]
DEFECTS = sorted((ROOT / "samples" / "defects").glob("DT*.json"))
DOCUMENTED = ROOT / "samples" / "documented-example.json"


def code_of(path: Path) -> str:
    return path.name.split("-", 1)[0]


def test_samples_are_there():
    assert len(DEFECTS) >= 20


@pytest.mark.parametrize("path", DEFECTS, ids=code_of)
def test_each_defect_sample_reports_its_rule(path):
    for body in (path.read_bytes(), path.read_text(encoding="utf-8", errors="replace")):
        findings = dtlint.check(body)
        assert code_of(path) in [f.code for f in findings], findings


def test_finding_fields_and_repr():
    body = (ROOT / "samples/defects/DT201-quoted-boolean.json").read_text()
    [finding] = dtlint.check(body)
    assert (finding.code, finding.name, finding.severity, finding.category) == (
        "DT201", "quoted-boolean", "error", finding.category)
    assert finding.pointer == "/result/boss"
    assert isinstance(finding.line, int) and isinstance(finding.column, int)
    assert finding.message
    assert repr(finding).startswith("<Finding DT201 quoted-boolean error /result/boss at ")


def test_parsed_object_is_checked_as_json_text():
    body = json.loads((ROOT / "samples/defects/DT201-quoted-boolean.json").read_text())
    assert [f.code for f in dtlint.check(body)] == ["DT201"]


def test_select_ignore_severity():
    body = (ROOT / "samples/defects/DT602-error-with-result.json").read_text()
    assert [f.code for f in dtlint.check(body)] == ["DT606", "DT602"]
    assert [f.code for f in dtlint.check(body, ignore=["DT606"])] == ["DT602"]
    assert [f.code for f in dtlint.check(body, select="DT602")] == ["DT602"]
    [f] = dtlint.check(body, select=["error-with-result"], severity={"DT602": "warning"})
    assert f.severity == "warning"


def test_documented_example_under_third_party_app():
    if not DOCUMENTED.exists():
        pytest.skip("no documented example")
    plain = dtlint.check(DOCUMENTED.read_bytes())
    third = dtlint.check(DOCUMENTED.read_bytes(), app_type="third-party")
    assert len(third) >= len(plain)


@pytest.mark.parametrize(
    "settings",
    [
        {"app_type": "partner"},
        {"permissions": ["everything"]},
        {"language": "fr_FR"},
        {"select": ["DT999x"]},
        {"ignore": ["no-such-rule"]},
        {"severity": ["DT107=fatal"]},
        {"severity": ["DT107"]},
        {"profile": "dtlint.toml"},
    ],
)
def test_bad_settings_raise(settings):
    with pytest.raises(dtlint.DtlintError):
        dtlint.check("{}", **settings)


@pytest.mark.parametrize("path", DEFECTS, ids=code_of)
def test_same_findings_as_the_command_line(path, dtlint_bin):
    out = subprocess.run(
        [dtlint_bin, "check", "--no-profile", "--format", "json", str(path)],
        capture_output=True, text=True, check=False,
    ).stdout
    expected = [
        (f["rule"], f["severity"], f["pointer"], f["line"], f["column"], f["message"])
        for f in json.loads(out)["findings"]
    ]
    got = [(f.code, f.severity, f.pointer, f.line, f.column, f.message)
           for f in dtlint.check(path.read_bytes())]
    assert got == expected
