"""Types of the native module; the public names are re-exported by ``dtlint``."""

from collections.abc import Iterator
from os import PathLike
from types import TracebackType
from typing import Optional, Union, final

__all__ = [
    "Checker",
    "DtlintError",
    "Finding",
    "PathCheck",
    "ProfileError",
    "SettingsError",
    "Summary",
    "__version__",
]

__version__: str

class DtlintError(Exception):
    """Anything dtlint refuses to do; the base of its other exceptions."""

class SettingsError(DtlintError):
    """A setting dtlint cannot use: an unknown app type, permission, language, rule selector
    or severity."""

class ProfileError(SettingsError):
    """A profile file that cannot be read or holds a bad value."""

    path: str
    """The profile file."""
    line: Optional[int]
    """The 1-based line of the bad value, when the file could be read."""
    column: Optional[int]
    """The 1-based column of the bad value, when the file could be read."""

@final
class Finding:
    """One finding: which rule fired, where, and why. Personal values are masked."""

    @property
    def code(self) -> str:
        """The rule's code, e.g. ``DT201``."""
    @property
    def name(self) -> str:
        """The rule's name, e.g. ``quoted-boolean``."""
    @property
    def severity(self) -> str:
        """``error``, ``warning`` or ``info``."""
    @property
    def category(self) -> str:
        """The rule's category."""
    @property
    def pointer(self) -> str:
        """The JSON pointer of the value; ``""`` is the body."""
    @property
    def line(self) -> Optional[int]:
        """The 1-based line of the value, when known."""
    @property
    def column(self) -> Optional[int]:
        """The 1-based column of the value, when known."""
    @property
    def message(self) -> str:
        """What is wrong."""
    @property
    def help(self) -> Optional[str]:
        """How to fix it, when the rule says."""
    @property
    def source(self) -> str:
        """The input the finding is in."""
    @property
    def profile(self) -> Optional[str]:
        """The profile file that judged the input, or ``None``."""
    @property
    def entry(self) -> Optional[int]:
        """The 0-based index of the response in a multi-response input."""
    @property
    def concise(self) -> str:
        """The finding as ``--output-format concise`` prints it."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Summary:
    """What a run over paths read and found."""

    inputs: int
    responses: int
    skipped: int
    skipped_entries: int
    unanswered: int
    """Calls of the API that never got an answer (cancelled or failed on the way)."""
    errors: int
    warnings: int
    infos: int
    notes: list[str]
    unreadable: bool
    interrupted: bool
    exit_code: int
    """0 clean, 1 findings that fail the run, 2 an unreadable input, 130 interrupted."""

@final
class PathCheck(Iterator[Finding]):
    """The findings of a run over paths, as they come."""

    @property
    def summary(self) -> Optional[Summary]:
        """The run's summary once every finding has been read, else ``None``."""
    def __iter__(self) -> PathCheck: ...
    def __next__(self) -> Finding: ...
    def close(self) -> None:
        """Stops the run; findings not yet read are dropped."""
    def __enter__(self) -> PathCheck: ...
    def __exit__(
        self,
        kind: Optional[type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...

_Path = Union[str, PathLike[str]]

@final
class Checker:
    """Settings resolved once, then bodies, exchanges and paths checked with them."""

    def __new__(
        cls,
        *,
        profile: Optional[_Path] = None,
        search: Optional[_Path] = None,
        app_type: Optional[str] = None,
        permissions: list[str] = ...,
        corp_id: Optional[str] = None,
        language: Optional[str] = None,
        body_shape: Optional[str] = None,
        select: list[str] = ...,
        extend_select: list[str] = ...,
        ignore: list[str] = ...,
        severity: list[str] = ...,
        deny_warnings: bool = False,
        max_size: Optional[int] = None,
    ) -> Checker: ...
    def check_str(self, body: str, source: str = "<body>") -> list[Finding]: ...
    def check_bytes(self, body: bytes, source: str = "<body>") -> list[Finding]: ...
    def check_exchange(
        self,
        method: str,
        url: str,
        request_type: str,
        request_body: bytes,
        status: int,
        response_type: str,
        response_body: bytes,
        source: str = "<exchange>",
        index: int = 0,
    ) -> list[Finding]: ...
    def check_paths(
        self,
        paths: list[_Path],
        *,
        hidden: bool = False,
        glob: list[str] = ...,
        exclude: list[str] = ...,
        follow: bool = False,
    ) -> PathCheck: ...
    @property
    def deny_warnings(self) -> bool: ...
    @property
    def profile(self) -> Optional[str]: ...
    @property
    def app_type(self) -> Optional[str]: ...
    @property
    def notes(self) -> list[str]: ...
