"""What the Python tests share: the repository's samples and the dtlint command to compare with.

The command is the one installed with the wheel (beside this Python), else ``DTLINT_BIN``,
else ``dtlint`` on PATH. Tests that need it are skipped without one, unless
``DTLINT_REQUIRE_BIN=1`` (CI sets it: a wheel without its command must fail there).
"""

import os
import shutil
import sysconfig
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def find_bin():
    name = "dtlint.exe" if os.name == "nt" else "dtlint"
    for candidate in (
        os.path.join(sysconfig.get_path("scripts"), name),
        os.environ.get("DTLINT_BIN"),
        shutil.which("dtlint"),
    ):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def dtlint_bin():
    found = find_bin()
    if found is None:
        if os.environ.get("DTLINT_REQUIRE_BIN") == "1":
            pytest.fail("no dtlint command beside this Python, in DTLINT_BIN or on PATH")
        pytest.skip("no dtlint command (install the wheel, or set DTLINT_BIN)")
    return found
