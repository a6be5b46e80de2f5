"""The engine's configuration problems, reworded in the settings the developer wrote.

:class:`cors_core.CORSPolicy` names its own options (``allow_origins``, ``max_age`` ...);
a Django project wrote ``CORS_ALLOWED_ORIGINS`` and ``CORS_PREFLIGHT_MAX_AGE``. Every
problem the policy raises or warns while it is built from the settings is reworded here,
option, problem and fix, so that the error at start-up and ``manage.py check`` speak of
the same settings::

    >>> from types import SimpleNamespace
    >>> from cors_core import Problem
    >>> project = SimpleNamespace(CORS_PREFLIGHT_MAX_AGE=100000)
    >>> print(in_settings(Problem("max_age", "100000", "is absurd", "use at most 7200"), project))
    CORS_PREFLIGHT_MAX_AGE: 100000 is absurd; fix: write CORS_PREFLIGHT_MAX_AGE = 86400 ...
"""

from __future__ import annotations

import re
from typing import Any

from adapters.django.conf import DEFAULT_MAX_AGE, OPTIONS_SETTING, SETTING_NAMES
from cors_core import Problem
from cors_core.integration import OPTION_NAMES

__all__ = ["in_settings", "setting_name"]

_ALL_ORIGINS = "CORS_ALLOW_ALL_ORIGINS = True"
#: An engine option named in a message, alone or as ``option=value`` (the values it
#: writes: lists, bools, ``...``, numbers, quoted strings, and the ``or "*"`` some add).
_MENTION = re.compile(
    r"(?<![\w'])(?P<option>"
    + "|".join(sorted(OPTION_NAMES, key=len, reverse=True))
    + r")(?:=(?P<value>\[[^\]]*\]|True or False|True|False|\.\.\.|\d+|'[^']*')"
    + r"(?P<star> or \"\*\")?)?(?!\w)"
)


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


def _mention(settings: Any, match: re.Match[str]) -> str:
    option, value, star = match["option"], match["value"], match["star"]
    if value is None:
        if option in SETTING_NAMES and not _in_options(settings, option):
            return _written(settings, option)
        return f"{OPTIONS_SETTING}[{option!r}]"
    if option == "allow_origins" and value == "['*']":
        return _ALL_ORIGINS
    if option in SETTING_NAMES and not _in_options(settings, option):
        written = f"{_written(settings, option)} = {value}"
        if star and option == "allow_origins":
            return f"{written} (or {_ALL_ORIGINS})"
        return written
    return f"{OPTIONS_SETTING} = {{{option!r}: {value}}}"


def _reword(settings: Any, text: str) -> str:
    return _MENTION.sub(lambda m: _mention(settings, m), text)


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
    return Problem(
        name,
        entry,
        _reword(settings, problem.problem),
        _reword(settings, problem.fix) if fix is None else fix,
    )
