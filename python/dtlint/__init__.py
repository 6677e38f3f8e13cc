"""dtlint: validate and lint captured DingTalk ``topapi/v2/user/get`` responses.

>>> import dtlint
>>> [f.code for f in dtlint.check('{"errcode": 0}')]  # doctest: +SKIP
"""

from __future__ import annotations

import functools
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing

from ._dtlint import Checker, DtlintError, Finding, __version__

if TYPE_CHECKING:  # typing and json cost milliseconds at import; neither is needed to check text
    from typing import Any, Iterable, List, Optional, Union

__all__ = ["check", "Finding", "DtlintError", "__version__"]


def _tuple(value: Union[None, str, Iterable[str]]) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        # "DT1,DT2" as the command line's comma-separated lists.
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(value)


@functools.lru_cache(maxsize=64)
def _checker(app_type, permissions, corp_id, language, select, ignore, severity) -> Checker:
    return Checker(app_type, list(permissions), corp_id, language, list(select), list(ignore), list(severity))


_DEFAULT = Checker()


def _severities(severity: Any) -> tuple:
    if severity is None:
        return ()
    if isinstance(severity, dict):
        return tuple(f"{rule}={level}" for rule, level in severity.items())
    return _tuple(severity)


def check(
    body: Union[str, bytes, bytearray, memoryview, dict, list, Any],
    *,
    app_type: Optional[str] = None,
    permissions: Iterable[str] = (),
    corp_id: Optional[str] = None,
    language: Optional[str] = None,
    profile: Optional[str] = None,
    select: Union[None, str, Iterable[str]] = None,
    ignore: Union[None, str, Iterable[str]] = None,
    severity: Union[None, str, Iterable[str], dict] = None,
) -> List[Finding]:
    """Check one user/get response body and return its findings in report order.

    ``body`` is the text (``str``), the raw bytes, or an already-parsed object (serialized
    to JSON first: lines and columns then refer to that text). ``app_type`` is ``internal``
    or ``third-party``; ``permissions`` holds ``mobile`` and/or ``email-profile``;
    ``language`` is ``zh_CN`` or ``en_US``; ``select`` and ``ignore`` take rule codes, code
    prefixes, names or categories; ``severity`` takes ``{"DT107": "info"}`` or
    ``["DT107=info"]``. Bad settings raise :class:`DtlintError`.
    """
    if (
        app_type is None
        and not permissions
        and corp_id is None
        and language is None
        and profile is None
        and select is None
        and ignore is None
        and severity is None
    ):
        # The common call, kept short: the wrapper is a good part of the overhead over Rust.
        checker = _DEFAULT
    else:
        checker = _configured(app_type, permissions, corp_id, language, profile, select, ignore, severity)
    kind = type(body)
    if kind is str:
        return checker.check_str(body)
    if kind is bytes:
        return checker.check_bytes(body)
    if isinstance(body, (bytearray, memoryview)):
        return checker.check_bytes(bytes(body))
    if isinstance(body, str):
        return checker.check_str(str(body))
    import json

    return checker.check_str(json.dumps(body, ensure_ascii=False))


def _configured(app_type, permissions, corp_id, language, profile, select, ignore, severity) -> Checker:
    if profile is not None:
        # Profiles are read by the command line only (src/app/settings.rs); see the report.
        raise DtlintError("profile= is not supported yet: the profile reader is not in the library")
    return _checker(
        app_type,
        _tuple(permissions),
        corp_id,
        language,
        _tuple(select),
        _tuple(ignore),
        _severities(severity),
    )
