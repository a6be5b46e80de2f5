"""The engine's configuration problems, reworded in the settings the developer wrote.

:class:`cors_core.CORSPolicy` names its own options (``allow_origins``, ``max_age`` ...);
a Django project wrote ``CORS_ALLOWED_ORIGINS`` and ``CORS_PREFLIGHT_MAX_AGE``. Every
problem the policy raises or warns while it is built from the settings is reworded here,
option, problem and fix, so that the error at start-up and ``manage.py check`` speak of
the same settings. :class:`DjangoSyntax` is the settings' syntax for the renderer
:mod:`cors_core.loading` uses for configuration files (and the Flask adapter for
flask-cors's keywords); :func:`in_settings` adds the few fixes that read better written
for Django::

    >>> from types import SimpleNamespace
    >>> from cors_core import Problem
    >>> project = SimpleNamespace(CORS_PREFLIGHT_MAX_AGE=100000)
    >>> print(in_settings(Problem("max_age", "100000", "is absurd", "use at most 7200"), project))
    CORS_PREFLIGHT_MAX_AGE: 100000 is absurd; fix: write CORS_PREFLIGHT_MAX_AGE = 86400 ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.django.names import DEFAULT_MAX_AGE, OPTIONS_SETTING, SETTING_NAMES
from cors_core import Problem
from cors_core.integration import OPTION_NAMES
from cors_core.loading import Syntax, Value, render

__all__ = ["DjangoSyntax", "in_settings", "setting_name"]

_ALL_ORIGINS = "CORS_ALLOW_ALL_ORIGINS = True"


def _written(settings: Any, option: str) -> str:
    """The Django setting for ``option``: the name the project wrote, else the current one."""
    names = SETTING_NAMES[option]
    return next((name for name in names if hasattr(settings, name)), names[0])


def _in_options(settings: Any, option: str) -> bool:
    extra = getattr(settings, OPTIONS_SETTING, None)
    return isinstance(extra, dict) and option in extra


def setting_name(settings: Any, option: str) -> str:
    """Where the project set an engine option: ``CORS_ALLOWED_ORIGINS``,
    ``CORS_ALLOW_ALL_ORIGINS`` (for ``allow_origins=["*"]``), ``CORS_OPTIONS['debug']`` ...

    >>> from types import SimpleNamespace
    >>> setting_name(SimpleNamespace(CORS_ORIGIN_ALLOW_ALL=True), "allow_origins")
    'CORS_ORIGIN_ALLOW_ALL'
    >>> setting_name(SimpleNamespace(), "strict")
    "CORS_OPTIONS['strict']"
    """
    if _in_options(settings, option):
        return f"{OPTIONS_SETTING}[{option!r}]"
    if option == "allow_origins":
        for name in SETTING_NAMES["allow_all_origins"]:
            if getattr(settings, name, False) is True:
                return name
    if option in SETTING_NAMES:
        return _written(settings, option)
    if option in OPTION_NAMES:
        return f"{OPTIONS_SETTING}[{option!r}]"
    return option


def _every_origin(value: Value) -> bool:
    return value.value == "*" or value.value == ["*"]


class DjangoSyntax(Syntax):
    """The engine's messages in a project's ``CORS_*`` settings: each option named as the
    project wrote it (:func:`setting_name`) and set as a settings module sets it
    (``CORS_ALLOWED_ORIGINS = [...]``, ``CORS_ALLOW_ALL_ORIGINS = True`` for every
    origin, ``CORS_OPTIONS = {'debug': True}`` for the engine's own options).

    >>> from types import SimpleNamespace
    >>> syntax = DjangoSyntax(SimpleNamespace(CORS_ORIGIN_WHITELIST=["https://a.com/"]))
    >>> print(render("write allow_origins=['https://a.com'] or \\"*\\"", syntax))
    write CORS_ORIGIN_WHITELIST = ['https://a.com'] (or CORS_ALLOW_ALL_ORIGINS = True)
    """

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def name(self, option: str) -> str:
        if option in SETTING_NAMES and not _in_options(self.settings, option):
            return _written(self.settings, option)
        return f"{OPTIONS_SETTING}[{option!r}]"

    def setting(self, option: str, values: Sequence[Value]) -> str:
        first, *others = values
        if option == "allow_origins" and _every_origin(first):
            return _ALL_ORIGINS
        if option not in SETTING_NAMES or _in_options(self.settings, option):
            given = " or ".join(v.source for v in values)
            return f"{OPTIONS_SETTING} = {{{option!r}: {given}}}"
        written = f"{_written(self.settings, option)} = {first.source}"
        if option == "allow_origins" and others and _every_origin(others[0]):
            return f"{written} (or {_ALL_ORIGINS})"
        return " or ".join([written, *(v.source for v in others)])


def _fix(settings: Any, problem: Problem) -> str | None:
    """The fixes that read better written for Django than reworded from the engine."""
    option, entry = problem.option, problem.entry
    if option == "allow_origins" and entry == "'*'" and "allow_credentials" in problem.problem:
        return (
            f"list the trusted origins instead of {setting_name(settings, option)}: "
            'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]; or, if pages send no '
            "cookies (a token API needs none), set CORS_ALLOW_CREDENTIALS = False"
        )
    if option == "allow_private_network" and "allow_origins=['*']" in problem.problem:
        return (
            "list the origins allowed to reach it instead of "
            f"{setting_name(settings, 'allow_origins')}: "
            'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]; or set '
            "CORS_ALLOW_PRIVATE_NETWORK = False"
        )
    if option == "max_age" and entry.isdigit() and int(entry) > DEFAULT_MAX_AGE:
        return (
            f"write CORS_PREFLIGHT_MAX_AGE = {DEFAULT_MAX_AGE} or less (the default; "
            "Chromium caches a preflight for 7200 s at most, Firefox for 86400 s)"
        )
    return None


def in_settings(problem: Problem, settings: Any) -> Problem:
    """``problem``, raised or warned by the engine, in terms of the project's settings."""
    fix = _fix(settings, problem)
    name = setting_name(settings, problem.option)
    entry = problem.entry
    if name in SETTING_NAMES["allow_all_origins"] and entry == "'*'":
        entry = "True"  # what the project wrote
    syntax = DjangoSyntax(settings)
    return Problem(
        name,
        entry,
        render(problem.problem, syntax),
        render(problem.fix, syntax) if fix is None else fix,
    )
