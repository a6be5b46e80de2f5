"""Django system checks for the CORS settings (``manage.py check``, ``runserver``, ``migrate``).

Registered by the ``adapters.django`` app (put it in ``INSTALLED_APPS``). The settings are
turned into a :class:`cors_core.CORSPolicy` exactly as the middleware does; every
:class:`~cors_core.ConfigError` problem becomes an ``Error`` and every
:class:`~cors_core.CORSConfigWarning` a ``Warning``, named after the Django setting and
with the fix as the hint.

=========  ===================================================================
id         setting
=========  ===================================================================
E001/W001  ``CORS_ALLOWED_ORIGINS`` / ``CORS_ALLOW_ALL_ORIGINS`` (and old names)
E002       ``CORS_ALLOWED_ORIGIN_REGEXES``
E003/W003  ``CORS_ALLOW_METHODS``
E004/W004  ``CORS_ALLOW_HEADERS``
E005       ``CORS_EXPOSE_HEADERS``
E006       ``CORS_PREFLIGHT_MAX_AGE``
E007       boolean settings (``CORS_ALLOW_CREDENTIALS``, ``CORS_ALLOW_PRIVATE_NETWORK``)
E008       ``CORS_URLS_REGEX``
E009       ``CORS_POLICY``
E010       ``CORS_OPTIONS`` and anything else
=========  ===================================================================

Example::

    $ python manage.py check
    ?: (cors_core.E001) CORS_ALLOWED_ORIGINS: 'https://app.example.com/' ...
        HINT: write 'https://app.example.com'
"""

from __future__ import annotations

import warnings
from typing import Any

from django.core.checks import CheckMessage, Error, Warning  # type: ignore[import-untyped]

from adapters.django import SETTING_NAMES, load_config
from cors_core.errors import ConfigError, CORSConfigWarning, Problem

__all__ = ["check_cors_settings"]

_IDS = {
    "allow_origins": 1,
    "allow_all_origins": 1,
    "allow_null_origin": 1,
    "allow_public_suffix_wildcards": 1,
    "allow_origin_regex": 2,
    "allow_origin_predicate": 2,
    "allow_methods": 3,
    "allow_headers": 4,
    "expose_headers": 5,
    "max_age": 6,
    "allow_credentials": 7,
    "allow_private_network": 7,
    "block_disallowed": 7,
    "websocket_origins": 7,
    "debug": 7,
    "strict": 7,
    "preflight_status": 7,
    "urls_regex": 8,
    "CORS_URLS_REGEX": 8,
    "CORS_POLICY": 9,
    "policy": 9,
}


def _setting_name(settings: Any, option: str) -> str:
    """The Django setting the developer wrote for an engine option (or the option itself)."""
    extra = getattr(settings, "CORS_OPTIONS", None)
    if isinstance(extra, dict) and option in extra:
        return f"CORS_OPTIONS[{option!r}]"
    if option == "allow_origins":
        for name in SETTING_NAMES["allow_all_origins"]:
            if getattr(settings, name, False) is True:
                return name
    for name in SETTING_NAMES.get(option, ()):
        if hasattr(settings, name):
            return name
    return SETTING_NAMES[option][0] if option in SETTING_NAMES else option


def _id(kind: str, option: str) -> str:
    return f"cors_core.{kind}{_IDS.get(option, 10):03d}"


def _message(settings: Any, problem: Problem) -> tuple[str, str]:
    where = _setting_name(settings, problem.option)
    text = (
        f"{where}: {problem.entry} {problem.problem}"
        if problem.entry
        else (f"{where} {problem.problem}")
    )
    return text, problem.option


def _warning_problem(text: str) -> Problem:
    """Split a :class:`CORSConfigWarning` message back into option, text and fix."""
    body, _, fix = text.rpartition("; fix: ")
    if not body:
        body, fix = text, ""
    option, sep, rest = body.partition(": ")
    if not sep or " " in option:
        option, _, rest = body.partition(" ")
        return Problem(option, "", rest, fix)
    entry, _, problem = rest.partition(" ")
    return Problem(option, entry, problem, fix)


def check_cors_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Build the CORS policy from settings and report every problem as a check message.

    >>> from django.core.checks import run_checks
    >>> [m.id for m in run_checks() if m.id.startswith("cors_core")]
    []
    """
    from django.conf import settings  # type: ignore[import-untyped]

    messages: list[CheckMessage] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        try:
            load_config(settings)
        except ConfigError as exc:
            for problem in exc.problems:
                text, option = _message(settings, problem)
                messages.append(Error(text, hint=problem.fix or None, id=_id("E", option)))
    for w in caught:
        if not issubclass(w.category, CORSConfigWarning):
            continue
        problem = _warning_problem(str(w.message))
        text, option = _message(settings, problem)
        messages.append(Warning(text, hint=problem.fix or None, id=_id("W", option)))
    return messages
