"""Profiles and settings from Python read as the command line reads them: the same keys,
precedence, suppressions, and errors that say where they are."""

import subprocess

import pytest

import dtlint

from conftest import ROOT, SAMPLES

THIRD_PARTY = SAMPLES / "third-party" / "dtlint.toml"


def test_a_profile_sets_the_caller(tmp_path):
    body = (SAMPLES / "internal-full").glob("*.json").__next__().read_bytes()
    plain = {f.code for f in dtlint.check(body)}
    profiled = {f.code for f in dtlint.check(body, profile=THIRD_PARTY)}
    by_argument = {f.code for f in dtlint.check(body, app_type="third-party")}
    assert profiled != plain
    assert "DT301" in profiled or profiled == by_argument


def test_arguments_win_over_the_profile(tmp_path):
    profile = tmp_path / "dtlint.toml"
    profile.write_text('app-type = "third-party"\n[rules]\nignore = ["DT201"]\n')
    body = (SAMPLES / "defects" / "DT201-quoted-boolean.json").read_bytes()
    assert "DT201" not in {f.code for f in dtlint.check(body, profile=profile)}
    checker = dtlint.checker(profile=profile, app_type="internal")
    assert checker.app_type == "internal"
    assert checker.profile is not None and str(checker.profile).endswith("dtlint.toml")


def test_profile_true_finds_it_from_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "dtlint.toml").write_text('[rules]\nselect = ["DT201"]\n')
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    body = (SAMPLES / "defects" / "DT602-error-with-result.json").read_bytes()
    assert dtlint.check(body, profile=True) == []
    assert dtlint.check(body) != []  # no profile unless asked for


def test_suppressions_of_the_profile_apply(tmp_path):
    profile = tmp_path / "dtlint.toml"
    profile.write_text('[[ignore]]\nrule = "DT201"\npointer = "/result/boss"\n'
                       'reason = "the legacy gateway quotes it"\n')
    body = (SAMPLES / "defects" / "DT201-quoted-boolean.json").read_bytes()
    assert dtlint.check(body) != []
    assert dtlint.check(body, profile=profile) == []


def test_a_bad_profile_raises_profile_error_pointing_at_the_value(tmp_path):
    profile = tmp_path / "dtlint.toml"
    profile.write_text('app-type = "internal"\n\n[rules]\nselect = ["DT201", "DT999x"]\n')
    with pytest.raises(dtlint.ProfileError) as raised:
        dtlint.check(b"{}", profile=profile)
    error = raised.value
    assert isinstance(error, dtlint.SettingsError) and isinstance(error, dtlint.DtlintError)
    assert (error.line, error.column) == (4, 20)
    assert error.path == str(profile)
    assert "rules.select" in str(error) and "DT999x" in str(error)


def test_an_unknown_key_and_a_missing_file_are_profile_errors(tmp_path):
    profile = tmp_path / "dtlint.toml"
    profile.write_text('app_type = "internal"\n')
    with pytest.raises(dtlint.ProfileError, match="app_type") as raised:
        dtlint.check(b"{}", profile=profile)
    assert raised.value.line == 1
    with pytest.raises(dtlint.ProfileError, match="cannot read the profile") as raised:
        dtlint.check(b"{}", profile=tmp_path / "missing.toml")
    assert raised.value.line is None


def test_the_profile_error_agrees_with_the_command_line(tmp_path, dtlint_bin):
    profile = tmp_path / "dtlint.toml"
    profile.write_text('[rules]\nseverity = { DT107 = "fatal" }\n')
    with pytest.raises(dtlint.ProfileError) as raised:
        dtlint.check(b"{}", profile=profile)
    done = subprocess.run([dtlint_bin, "check", "--profile", str(profile), str(SAMPLES / "documented-example.json")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    # The command line wraps its message; both name the key and draw the same place.
    assert "rules.severity.DT107" in str(raised.value)
    assert "rules.severity.D" in done.stderr and "fatal" in done.stderr
    assert (raised.value.line, raised.value.column) == (2, 22)


@pytest.mark.parametrize("settings, says", [
    ({"app_type": "partner"}, "app_type `partner`"),
    ({"permissions": ["everything"]}, "permission `everything`"),
    ({"body_shape": "half"}, "body_shape `half`"),
    ({"severity": {"DT107": "fatal"}}, "DT107"),
    ({"select": 3}, "select"),
])
def test_bad_values_raise_settings_error_not_profile_error(settings, says):
    with pytest.raises(dtlint.SettingsError, match=says) as raised:
        dtlint.check(b"{}", **settings)
    assert not isinstance(raised.value, dtlint.ProfileError)


def test_personal_values_stay_masked():
    # A member named by a mobile number is quoted in the message: masked, as in every output.
    body = b'{"errcode":0,"errmsg":"ok","request_id":"r","result":{"userid":"u","unionid":"x","name":"n","13912345678":1}}'
    text = " ".join(f.message + (f.help or "") + f.pointer for f in dtlint.check(body))
    assert "13912345678" not in text
    assert "<masked name, 11 chars>" in text
