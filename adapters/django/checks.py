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
W015       ``SILENCED_SYSTEM_CHECKS`` names a django-cors-headers check (with its
           equivalent here, :data:`PEER_CHECK_IDS`)
E016       a view ``ROOT_URLCONF`` routes to whose ``@cross_origin(...)``, merged
           over the settings, is refused (checked once the settings are valid)
=========  ===================================================================

Example::

    $ python manage.py check
    ?: (cors_core.E011) CORS_ALLOWED_ORIGNS is not a CORS setting
        HINT: did you mean 'CORS_ALLOWED_ORIGINS'?
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Mapping
from typing import Any

from django.core.checks import CheckMessage, Error, Warning  # type: ignore[import-untyped]

from adapters.django.conf import load_config, obsolete_settings, unknown_settings
from adapters.django.decorators import ProjectViewPolicy, marks_of
from adapters.django.names import OPTIONS_SETTING, POLICY_SETTING, SETTING_NAMES
from adapters.django.wording import setting_name
from cors_core import ConfigError, CORSConfigWarning, Problem

__all__ = ["PEER_CHECK_IDS", "check_cors_settings", "check_settings"]

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
PEER_SILENCED = 15
VIEW = 16
_PEER_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"

#: Each django-cors-headers check id (every version's) and the ids that report the same
#: problems here, for the ``SILENCED_SYSTEM_CHECKS`` of a project that migrates.
PEER_CHECK_IDS: Mapping[str, tuple[str, ...]] = {
    "corsheaders.E001": ("cors_core.E004",),  # CORS_ALLOW_HEADERS
    "corsheaders.E002": ("cors_core.E003",),  # CORS_ALLOW_METHODS
    "corsheaders.E003": ("cors_core.E007",),  # CORS_ALLOW_CREDENTIALS
    "corsheaders.E004": ("cors_core.E006",),  # CORS_PREFLIGHT_MAX_AGE
    "corsheaders.E005": ("cors_core.E001",),  # CORS_ALLOW_ALL_ORIGINS
    "corsheaders.E006": ("cors_core.E001",),  # CORS_ALLOWED_ORIGINS
    "corsheaders.E007": ("cors_core.E002",),  # CORS_ALLOWED_ORIGIN_REGEXES
    "corsheaders.E008": ("cors_core.E005",),  # CORS_EXPOSE_HEADERS
    "corsheaders.E009": ("cors_core.E008",),  # CORS_URLS_REGEX
    "corsheaders.E010": ("cors_core.E012",),  # CORS_MODEL (3.x)
    "corsheaders.E011": ("cors_core.E012",),  # CORS_REPLACE_HTTPS_REFERER (3.x)
    "corsheaders.E012": ("cors_core.E012",),  # CORS_MODEL removed
    # an origin without scheme or host; in 4.x also CORS_REPLACE_HTTPS_REFERER removed
    "corsheaders.E013": ("cors_core.E001", "cors_core.E012"),
    "corsheaders.E014": ("cors_core.E001",),  # an origin with a path, query or fragment
    "corsheaders.E015": ("cors_core.E007",),  # CORS_ALLOW_PRIVATE_NETWORK
}


#: Each setting's id number, for problems already named after the setting they are in.
_SETTING_IDS = {
    name: IDS[option] for option, names in SETTING_NAMES.items() if option in IDS for name in names
}
_SETTING_IDS.update({name: 1 for name in SETTING_NAMES["allow_all_origins"]})
_IN_OPTIONS = re.compile(rf"{OPTIONS_SETTING}\['(?P<option>\w+)'\]")


def _message(settings: Any, problem: Problem, kind: type[CheckMessage], number: int) -> Any:
    """A check message; the settings' problems come already in their words (from
    :func:`~adapters.django.conf.load_config`), others get the setting's name."""
    entry = f": {problem.entry}" if problem.entry else ""
    text = f"{setting_name(settings, problem.option)}{entry} {problem.problem}"
    return kind(text, hint=problem.fix or None, id=f"cors_core.{kind.__name__[0]}{number:03d}")


def _id(problem: Problem) -> int:
    """The id number of a problem, named after an engine option or a setting."""
    option = problem.option
    in_options = _IN_OPTIONS.fullmatch(option)
    if in_options is not None:
        option = in_options["option"]
    return IDS.get(option) or _SETTING_IDS.get(option, 10)


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
    messages += _silenced_peer_checks(settings)
    return messages


def _silenced_peer_checks(settings: Any) -> list[Any]:
    """A warning for each django-cors-headers id in ``SILENCED_SYSTEM_CHECKS``: the
    checks here have other ids, so the entry silences none of them."""
    messages = []
    for entry in getattr(settings, "SILENCED_SYSTEM_CHECKS", None) or ():
        if not isinstance(entry, str) or not entry.startswith("corsheaders."):
            continue
        ours = PEER_CHECK_IDS.get(entry)
        hint = (
            f"silence {' or '.join(repr(i) for i in ours)} instead, its equivalent here "
            "(or remove the entry)"
            if ours
            else "remove it: django-cors-headers has no check with that id"
        )
        messages.append(
            Warning(
                f"SILENCED_SYSTEM_CHECKS names {entry!r}, a django-cors-headers check id, "
                "which silences none of this adapter's checks",
                hint=hint,
                id=f"cors_core.W{PEER_SILENCED:03d}",
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
    valid = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        try:
            load_config(settings, check_names=False)
            valid = True
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
    if valid and not messages:  # else each view would repeat the settings' problems
        messages += _view_problems(settings)
    return messages


def _view_problems(settings: Any) -> list[CheckMessage]:
    """An error for each problem of each ``@cross_origin(...)`` of a view ``ROOT_URLCONF``
    routes to: the merge the middleware would refuse at the view's first request."""
    from django.urls import get_resolver  # type: ignore[import-untyped]

    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    try:
        patterns = get_resolver().url_patterns
    except Exception:  # a URLconf that does not load: Django's own URL checks say why
        return []
    messages: list[CheckMessage] = []
    seen: set[int] = set()
    for where, mark in _marks(patterns):
        if not isinstance(mark, ProjectViewPolicy) or id(mark) in seen:
            continue
        seen.add(id(mark))
        try:
            with warnings.catch_warnings():  # the settings' warnings are reported above
                warnings.simplefilter("ignore", CORSConfigWarning)
                mark.resolve()
        except ConfigError as exc:
            for problem in exc.problems:
                entry = f": {problem.entry}" if problem.entry else ""
                messages.append(
                    Error(
                        f"@cross_origin on {where}: {problem.option}{entry} {problem.problem}",
                        hint=problem.fix or None,
                        id=f"cors_core.E{VIEW:03d}",
                    )
                )
    return messages


def _marks(patterns: Any) -> list[tuple[str, Any]]:
    """Every mark of every view the URL patterns (included ones too) route to."""
    found = []
    for pattern in patterns:
        included = getattr(pattern, "url_patterns", None)
        if included is not None:
            found += _marks(included)
            continue
        view = getattr(pattern, "callback", None)
        module = getattr(getattr(view, "view_class", view), "__module__", "")
        found += [(f"{module}.{where}", mark) for where, mark in marks_of(view)]
    return found


#: ``corsheaders.checks.check_settings``'s name for :func:`check_cors_settings`.
check_settings = check_cors_settings
