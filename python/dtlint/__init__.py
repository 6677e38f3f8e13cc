"""dtlint: validate and lint captured DingTalk ``topapi/v2/user/get`` responses.

Check one answer, as text, bytes or a parsed object::

    >>> import dtlint
    >>> body = '{"errcode": 0, "errmsg": "ok", "request_id": "r", "result": {"userid": "u1", "boss": "true"}}'
    >>> [(f.code, f.pointer) for f in dtlint.check(body, select="DT201")]
    [('DT201', '/result/boss')]

Check files and folders as ``dtlint check`` does, findings coming as the run finds them::

    >>> run = dtlint.check_path("samples/")                         # doctest: +SKIP
    >>> for finding in run: print(finding)                          # doctest: +SKIP
    >>> run.summary.exit_code                                       # doctest: +SKIP

Settings read like the command line's flags and profile: ``app_type`` (``internal`` or
``third-party``), ``permissions`` (``mobile``, ``email-profile``), ``corp_id``, ``language``
(``zh_CN`` or ``en_US``), ``select``/``extend_select``/``ignore`` (codes, code prefixes, names
or categories, as a list or a comma-separated string), ``severity`` (``{"DT107": "info"}`` or
``["DT107=info"]``), and ``profile``: a ``dtlint.toml`` path, ``True`` for the first
``dtlint.toml`` in the current folder or its parents (as the command line finds it; with
:func:`check_path`, the one closest to each input, as ``dtlint check`` judges a tree of
folders), or ``None`` for none. Arguments win over the profile. Bad settings raise :class:`SettingsError`;
a bad profile raises :class:`ProfileError`, which says where. Personal values in messages stay
masked, as in every output of dtlint.
"""

from __future__ import annotations

import functools
import os

from ._dtlint import (
    Checker,
    DtlintError,
    Finding,
    PathCheck,
    ProfileError,
    SettingsError,
    Summary,
    __version__,
)

__all__ = [
    "check",
    "check_path",
    "checker",
    "Checker",
    "Finding",
    "PathCheck",
    "Summary",
    "DtlintError",
    "SettingsError",
    "ProfileError",
    "__version__",
]


def _names(value, what):
    if value is None:
        return ()
    if isinstance(value, str):
        # "DT1,DT2", as the command line's comma-separated lists.
        return tuple(part.strip() for part in value.split(",") if part.strip())
    try:
        return tuple(value)
    except TypeError:
        raise SettingsError(f"{what}: give a string or a list of strings, not {type(value).__name__}") from None


def _severities(severity):
    if severity is None:
        return ()
    if isinstance(severity, dict):
        return tuple(f"{rule}={level}" for rule, level in severity.items())
    return _names(severity, "severity")


def _profile(profile):
    """(profile file, folder to search from) for the ``profile`` argument."""
    if profile is None or profile is False:
        return None, None
    if profile is True:
        return None, os.getcwd()
    return os.fspath(profile), None


@functools.lru_cache(maxsize=64)
def _cached(profile, search, app_type, permissions, corp_id, language, body_shape, select,
            extend_select, ignore, severity, deny_warnings, max_size):
    return Checker(
        profile=profile,
        search=search,
        app_type=app_type,
        permissions=list(permissions),
        corp_id=corp_id,
        language=language,
        body_shape=body_shape,
        select=list(select),
        extend_select=list(extend_select),
        ignore=list(ignore),
        severity=list(severity),
        deny_warnings=deny_warnings,
        max_size=max_size,
    )


def checker(*, app_type=None, permissions=(), corp_id=None, language=None, profile=None,
            select=None, extend_select=None, ignore=None, severity=None, body_shape=None,
            deny_warnings=False, max_size=None):
    """The :class:`Checker` for these settings, resolved once and cached (a profile is read
    again only for other settings). Its ``check_bytes``, ``check_str``, ``check_exchange`` and
    ``check_paths`` are what :func:`check` and :func:`check_path` call."""
    file, search = _profile(profile)
    return _cached(
        file,
        search,
        app_type,
        _names(permissions, "permissions"),
        corp_id,
        language,
        body_shape,
        _names(select, "select"),
        _names(extend_select, "extend_select"),
        _names(ignore, "ignore"),
        _severities(severity),
        bool(deny_warnings),
        max_size,
    )


_DEFAULT = Checker()


def check(body, *, app_type=None, permissions=(), corp_id=None, language=None, profile=None,
          select=None, extend_select=None, ignore=None, severity=None, body_shape=None,
          source="<body>"):
    """Check one user/get answer and return its findings in report order.

    ``body`` is the raw bytes (the fastest: ``response.content``), the text, or an
    already-parsed object (serialized to JSON first, so lines and columns are those of that
    text). Findings name ``source`` as their input. See the module's documentation for the
    settings.
    """
    if (app_type is None and not permissions and corp_id is None and language is None
            and profile is None and select is None and extend_select is None and ignore is None
            and severity is None and body_shape is None):
        # The common call, kept short: the wrapper is a good part of the cost over Rust.
        run = _DEFAULT
    else:
        run = checker(app_type=app_type, permissions=permissions, corp_id=corp_id,
                      language=language, profile=profile, select=select,
                      extend_select=extend_select, ignore=ignore, severity=severity,
                      body_shape=body_shape)
    kind = type(body)
    if kind is bytes:
        return run.check_bytes(body, source)
    if kind is str:
        return run.check_str(body, source)
    if isinstance(body, (bytes, bytearray, memoryview)):
        return run.check_bytes(bytes(body), source)
    if isinstance(body, str):
        return run.check_str(str(body), source)
    import json  # only for parsed objects: json costs milliseconds at import

    try:
        text = json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise DtlintError(f"the body is neither text, bytes nor JSON-serializable: {error}") from None
    return run.check_str(text, source)


def check_path(paths, *, app_type=None, permissions=(), corp_id=None, language=None,
               profile=None, select=None, extend_select=None, ignore=None, severity=None,
               body_shape=None, deny_warnings=False, max_size=None, hidden=False, glob=(),
               exclude=(), follow=False):
    """Check files and folders as ``dtlint check PATH...`` does: JSON bodies, NDJSON, HAR,
    logs, compressed files; folders are walked. Returns a :class:`PathCheck`: iterate over it
    for the findings as the run finds them (memory stays bounded); its ``summary`` is there
    once they are all read. ``glob`` and ``exclude`` filter the files met in folders, as
    ``--glob`` and ``--exclude`` do."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    run = checker(app_type=app_type, permissions=permissions, corp_id=corp_id,
                  language=language, profile=profile, select=select,
                  extend_select=extend_select, ignore=ignore, severity=severity,
                  body_shape=body_shape, deny_warnings=deny_warnings, max_size=max_size)
    return run.check_paths(
        [os.fsdecode(p) for p in paths],
        hidden=hidden,
        glob=list(_names(glob, "glob")),
        exclude=list(_names(exclude, "exclude")),
        follow=follow,
    )
