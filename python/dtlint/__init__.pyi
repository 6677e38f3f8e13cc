from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any, Literal, Optional, Union

from ._dtlint import (
    Checker as Checker,
    DtlintError as DtlintError,
    Finding as Finding,
    PathCheck as PathCheck,
    ProfileError as ProfileError,
    SettingsError as SettingsError,
    Summary as Summary,
    __version__ as __version__,
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

_Path = Union[str, PathLike[str]]
_Names = Union[None, str, Iterable[str]]
_Severity = Union[None, str, Iterable[str], Mapping[str, str]]
_AppType = Optional[Literal["internal", "third-party"]]
_Profile = Union[None, bool, _Path]

def checker(
    *,
    app_type: _AppType = None,
    permissions: _Names = (),
    corp_id: Optional[str] = None,
    language: Optional[Literal["zh_CN", "en_US"]] = None,
    profile: _Profile = None,
    select: _Names = None,
    extend_select: _Names = None,
    ignore: _Names = None,
    severity: _Severity = None,
    body_shape: Optional[Literal["auto", "envelope", "result"]] = None,
    deny_warnings: bool = False,
    max_size: Optional[int] = None,
) -> Checker: ...
def check(
    body: Union[str, bytes, bytearray, memoryview, Mapping[str, Any], list[Any]],
    *,
    app_type: _AppType = None,
    permissions: _Names = (),
    corp_id: Optional[str] = None,
    language: Optional[Literal["zh_CN", "en_US"]] = None,
    profile: _Profile = None,
    select: _Names = None,
    extend_select: _Names = None,
    ignore: _Names = None,
    severity: _Severity = None,
    body_shape: Optional[Literal["auto", "envelope", "result"]] = None,
    source: str = "<body>",
) -> list[Finding]: ...
def check_path(
    paths: Union[_Path, Iterable[_Path]],
    *,
    app_type: _AppType = None,
    permissions: _Names = (),
    corp_id: Optional[str] = None,
    language: Optional[Literal["zh_CN", "en_US"]] = None,
    profile: _Profile = None,
    select: _Names = None,
    extend_select: _Names = None,
    ignore: _Names = None,
    severity: _Severity = None,
    body_shape: Optional[Literal["auto", "envelope", "result"]] = None,
    deny_warnings: bool = False,
    max_size: Optional[int] = None,
    hidden: bool = False,
    glob: _Names = (),
    exclude: _Names = (),
    follow: bool = False,
) -> PathCheck: ...
