"""Django system checks for the CORS settings (``manage.py check``, ``runserver``, ``migrate``).

Registered by the ``adapters.django`` app (put it in ``INSTALLED_APPS``). The settings are
turned into a :class:`cors_core.CORSPolicy` exactly as the middleware does; every
:class:`~cors_core.ConfigError` problem becomes an ``Error`` and every
:class:`~cors_core.CORSConfigWarning` a ``Warning`` (from the warning's ``problem``),
named after the Django setting and with the fix as the hint. Warnings are reported once
the errors are fixed (a configuration with errors is not built). Each ``Error`` is also a
reason the middleware refuses to start.

=========  ===================================================================
id         what
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
E010/W010  ``CORS_OPTIONS`` and anything else
E011       a ``CORS_*`` setting that does not exist (with the closest real name)
E012       a setting django-cors-headers dropped (with what replaced it)
E013       receivers connected to ``corsheaders.signals.check_request_enabled``
E014       django-cors-headers' middleware also in ``MIDDLEWARE``
=========  ===================================================================

Example::

    $ python manage.py check
    ?: (cors_core.E011) CORS_ALLOWED_ORIGNS is not a CORS setting
        HINT: did you mean 'CORS_ALLOWED_ORIGINS'?
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

from django.core.checks import CheckMessage, Error, Warning  # type: ignore[import-untyped]

from adapters.django.conf import (
    OPTIONS_SETTING,
    POLICY_SETTING,
    SETTING_NAMES,
    load_config,
    obsolete_settings,
    unknown_settings,
)
from cors_core import ConfigError, CORSConfigWarning, Problem

__all__ = ["check_cors_settings"]

#: The id number of each engine option's problems (``cors_core.E00n`` / ``W00n``).
IDS = {
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
    POLICY_SETTING: 9,
    "policy": 9,
}
UNKNOWN = 11
OBSOLETE = 12
PEER_SIGNAL = 13
PEER_MIDDLEWARE = 14
_PEER_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


def _setting_name(settings: Any, option: str) -> str:
    """The Django setting the developer wrote for an engine option (or the option itself)."""
    extra = getattr(settings, OPTIONS_SETTING, None)
    if isinstance(extra, dict) and option in extra:
        return f"{OPTIONS_SETTING}[{option!r}]"
    if option == "allow_origins":
        for name in SETTING_NAMES["allow_all_origins"]:
            if getattr(settings, name, False) is True:
                return name
    for name in SETTING_NAMES.get(option, ()):
        if hasattr(settings, name):
            return name
    return SETTING_NAMES[option][0] if option in SETTING_NAMES else option


def _message(settings: Any, problem: Problem, kind: type[CheckMessage], number: int) -> Any:
    where = _setting_name(settings, problem.option)
    entry = f": {problem.entry}" if problem.entry else ""
    text = f"{where}{entry} {problem.problem}"
    return kind(text, hint=problem.fix or None, id=f"cors_core.{kind.__name__[0]}{number:03d}")


def _id(problem: Problem) -> int:
    return IDS.get(problem.option, 10)


def _peer_problems(settings: Any) -> list[Any]:
    """Leftovers of django-cors-headers that would silently do nothing (or too much)."""
    messages = []
    peer_signals = sys.modules.get("corsheaders.signals")
    peer_signal = getattr(peer_signals, "check_request_enabled", None)
    if peer_signal is not None and peer_signal.receivers:
        messages.append(
            Error(
                "corsheaders.signals.check_request_enabled has receivers, which this "
                "middleware never calls",
                hint="connect them to adapters.django.signals.check_request_enabled instead",
                id=f"cors_core.E{PEER_SIGNAL:03d}",
            )
        )
    if _PEER_MIDDLEWARE in (getattr(settings, "MIDDLEWARE", None) or ()):
        messages.append(
            Error(
                f"MIDDLEWARE holds {_PEER_MIDDLEWARE!r} as well as this adapter's middleware",
                hint="remove it: two CORS middlewares answer preflights and set the headers twice",
                id=f"cors_core.E{PEER_MIDDLEWARE:03d}",
            )
        )
    return messages


def check_cors_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Build the CORS policy from settings and report every problem as a check message.

    >>> from django.test import override_settings
    >>> with override_settings(CORS_ALLOWED_ORIGNS=["https://app.example.com"]):
    ...     [m.id for m in check_cors_settings() if m.id.startswith("cors_core.E")]
    ['cors_core.E011']
    """
    from django.conf import settings  # type: ignore[import-untyped]

    messages: list[CheckMessage] = [
        _message(settings, p, Error, UNKNOWN) for p in unknown_settings(settings)
    ]
    messages += [_message(settings, p, Error, OBSOLETE) for p in obsolete_settings(settings)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        try:
            load_config(settings, check_names=False)
        except ConfigError as exc:
            messages += [_message(settings, p, Error, _id(p)) for p in exc.problems]
    for warning in caught:
        if not isinstance(warning.message, CORSConfigWarning):
            continue
        problem = warning.message.problem  # structured: never parsed back from the text
        if problem is None:
            messages.append(Warning(str(warning.message), id="cors_core.W010"))
        else:
            messages.append(_message(settings, problem, Warning, _id(problem)))
    messages += _peer_problems(settings)
    return messages
