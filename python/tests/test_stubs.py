"""The type stubs say what the module does: mypy's stubtest compares them with the installed
module, and a strict mypy run type-checks a use of the API. Skipped where mypy is missing
(CI installs it)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("mypy")


def test_stubs_match_the_module(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "dtlint"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_typical_use_type_checks(tmp_path):
    use = tmp_path / "use.py"
    use.write_text('''
import dtlint

findings: list[dtlint.Finding] = dtlint.check(b"{}", app_type="internal", severity={"DT107": "info"})
line: "int | None" = findings[0].line if findings else None
run = dtlint.check_path(["samples"], glob="*.json", profile=True)
codes = [f.code.upper() for f in run]
if run.summary is not None:
    status: int = run.summary.exit_code
try:
    dtlint.check("{}", profile="dtlint.toml")
except dtlint.ProfileError as error:
    where: "tuple[str, int | None]" = (error.path, error.line)
''')
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(use)],
                          capture_output=True, text=True, cwd=tmp_path, check=False,
                          env=dict(os.environ, MYPY_CACHE_DIR=str(tmp_path / "cache")))
    assert done.returncode == 0, done.stdout + done.stderr
