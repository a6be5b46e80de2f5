"""Configuration errors and warnings raised by :class:`cors_core.CORSPolicy`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CORSConfigWarning", "ConfigError", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One configuration problem: which option, which entry, what is wrong and the fix.

    Example::

        >>> Problem("allow_origins", "'https://a.com/'", "has a trailing slash", "write 'https://a.com'")
        Problem(option='allow_origins', entry="'https://a.com/'", ...)
    """

    option: str
    entry: str
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.option}: {self.entry}" if self.entry else self.option
        return f"{where} {self.problem}; fix: {self.fix}"


class ConfigError(ValueError):
    """Raised when a CORS configuration is invalid; lists *every* problem found.

    ``problems`` holds one :class:`Problem` per bad entry, each with its fix.

    Example::

        >>> from cors_core import CORSPolicy, ConfigError
        >>> try:
        ...     CORSPolicy(allow_origins=["*"], allow_credentials=True)
        ... except ConfigError as exc:
        ...     print(exc.problems[0].option)
        allow_origins
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = [f"invalid CORS configuration ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class CORSConfigWarning(UserWarning):
    """Doubtful but accepted configuration (``strict=True`` turns these into errors).

    ``problem`` is the :class:`Problem` the warning was made from (``None`` when the
    warning was raised with a plain message): the option, the entry and the fix, for
    tools that re-report warnings in their own terms (Django's system checks).

    Example::

        >>> import warnings
        >>> from cors_core import CORSPolicy
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = CORSPolicy(allow_origins=["http://app.example.com"], allow_credentials=True)
        >>> caught[0].message.problem.option
        'allow_origins'
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("error", CORSConfigWarning)  # fail fast, e.g. in CI
        ...     try:
        ...         CORSPolicy(allow_origins=["http://app.example.com"], allow_credentials=True)
        ...     except CORSConfigWarning as exc:
        ...         print(exc.problem.fix)
        use https
    """

    problem: Problem | None

    def __init__(self, problem: Problem | str = "", *args: object) -> None:
        if isinstance(problem, Problem):
            self.problem = problem
            super().__init__(str(problem), *args)
        else:
            self.problem = None
            super().__init__(problem, *args)

    def __reduce__(self) -> tuple[type[CORSConfigWarning], tuple[object, ...]]:
        # Pickled (e.g. sent to another process) with its Problem, not just the text.
        return (type(self), (self.problem or self.args[0], *self.args[1:]))


# Tracebacks and reprs name the public path (``cors_core.ConfigError``), where users
# import them from, not this private module.
for _public in (Problem, ConfigError, CORSConfigWarning):
    _public.__module__ = "cors_core"
del _public
