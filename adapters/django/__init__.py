"""Django integration: ``adapters.django.CORSMiddleware`` for ``settings.MIDDLEWARE``.

It reads the django-cors-headers setting names, so an existing project switches by
replacing ``"corsheaders.middleware.CorsMiddleware"`` with ``"adapters.django.CORSMiddleware"``
in ``MIDDLEWARE`` and ``"corsheaders"`` with ``"adapters.django"`` in ``INSTALLED_APPS``
(that entry registers the system checks). The middleware only translates: settings become
:class:`cors_core.CORSPolicy` options, ``request.META`` is read with
:func:`cors_core.request.read_environ`, and the engine's decision is applied to the
``HttpResponse``. It is sync and async capable.

Example (``settings.py``)::

    INSTALLED_APPS = [..., "adapters.django"]
    MIDDLEWARE = [
        "adapters.django.CORSMiddleware",      # as high as possible
        "django.middleware.common.CommonMiddleware",
        ...
    ]
    CORS_ALLOWED_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]
    CORS_ALLOW_CREDENTIALS = True

Or with a policy of the engine (checked by ``manage.py check`` when given as a dotted path)::

    CORS_POLICY = "myproject.cors.policy"    # a CORSPolicy / PathRules, or a factory for one
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from cors_core.config import unknown_options
from cors_core.decision import Action, Decision
from cors_core.errors import ConfigError, CORSConfigWarning, Problem
from cors_core.headers import merge_response_headers
from cors_core.log import log_decision, logger
from cors_core.paths import PathRules
from cors_core.policy import CORSPolicy, resolve_policy
from cors_core.request import read_environ

__all__ = [
    "DEFAULT_HEADERS",
    "DEFAULT_METHODS",
    "SETTING_NAMES",
    "CORSMiddleware",
    "DjangoCORSConfig",
    "load_config",
    "settings_options",
]

#: django-cors-headers' ``corsheaders.defaults.default_methods``, used when a setting is absent.
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
#: django-cors-headers' ``corsheaders.defaults.default_headers``.
DEFAULT_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
_DEFAULT_MAX_AGE = 86400
_DEFAULT_URLS_REGEX = r"^.*$"

#: Each engine option and the settings it is read from (current name first, then the old one).
SETTING_NAMES: Mapping[str, tuple[str, ...]] = {
    "allow_origins": ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"),
    "allow_all_origins": ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"),
    "allow_origin_regex": ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"),
    "allow_methods": ("CORS_ALLOW_METHODS",),
    "allow_headers": ("CORS_ALLOW_HEADERS",),
    "expose_headers": ("CORS_EXPOSE_HEADERS",),
    "max_age": ("CORS_PREFLIGHT_MAX_AGE",),
    "allow_credentials": ("CORS_ALLOW_CREDENTIALS",),
    "allow_private_network": ("CORS_ALLOW_PRIVATE_NETWORK",),
    "urls_regex": ("CORS_URLS_REGEX",),
    "options": ("CORS_OPTIONS",),
}
_ALL_SETTINGS = tuple(name for names in SETTING_NAMES.values() for name in names)
_POLICY_SETTING = "CORS_POLICY"


@dataclass(frozen=True)
class DjangoCORSConfig:
    """What the middleware runs with: the policy and the ``CORS_URLS_REGEX`` gate.

    ``settings_used`` maps each engine option to the Django setting it came from, so
    problems can be reported under the name the developer wrote.
    """

    policy: CORSPolicy | PathRules
    urls_regex: re.Pattern[str] | None
    settings_used: Mapping[str, str]


def _setting(settings: Any, option: str) -> tuple[str, Any] | None:
    for name in SETTING_NAMES[option]:
        if hasattr(settings, name):
            return name, getattr(settings, name)
    return None


def _import(path: str) -> Any:
    from django.utils.module_loading import import_string  # type: ignore[import-untyped]

    try:
        return import_string(path)
    except ImportError as exc:
        raise ConfigError(
            [Problem(_POLICY_SETTING, repr(path), f"cannot be imported ({exc})", "fix the path")]
        ) from None


def _policy_setting(value: Any) -> CORSPolicy | PathRules:
    if isinstance(value, str):
        value = _import(value)
    if not isinstance(value, CORSPolicy | PathRules) and callable(value):
        value = value()
    if not isinstance(value, CORSPolicy | PathRules):
        raise ConfigError(
            [
                Problem(
                    _POLICY_SETTING,
                    repr(value),
                    "is not a CORSPolicy or PathRules",
                    "set it to a CORSPolicy, a PathRules, a factory of one, or a dotted path",
                )
            ]
        )
    return value


def _urls_regex(settings: Any) -> re.Pattern[str] | None:
    found = _setting(settings, "urls_regex")
    if found is None:
        return None
    name, value = found
    if isinstance(value, re.Pattern):
        return None if value.pattern == _DEFAULT_URLS_REGEX else value
    if not isinstance(value, str):
        raise ConfigError([Problem(name, repr(value), "is not a regex", "write r'^/api/.*$'")])
    if value == _DEFAULT_URLS_REGEX:
        return None
    try:
        return re.compile(value)
    except re.error as exc:
        raise ConfigError(
            [Problem(name, repr(value), f"does not compile ({exc})", "fix the regex")]
        ) from None


def settings_options(settings: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Translate django-cors-headers settings into :class:`CORSPolicy` keyword options.

    Absent settings take django-cors-headers' defaults (:data:`DEFAULT_METHODS`,
    :data:`DEFAULT_HEADERS`, a max age of 86400 s). ``CORS_PREFLIGHT_MAX_AGE = 0`` omits
    ``Access-Control-Max-Age`` as django-cors-headers does. ``CORS_OPTIONS`` (a dict)
    adds engine options that have no django-cors-headers name (``debug``,
    ``allow_null_origin``, ``block_disallowed``, ``allow_origin_predicate`` ...).
    Returns the options and, for each, the setting it came from.

    >>> from types import SimpleNamespace
    >>> settings_options(SimpleNamespace(CORS_ALLOWED_ORIGINS=["https://a.com"]))[0]["max_age"]
    86400
    """
    used: dict[str, str] = {}
    options: dict[str, Any] = {
        "allow_methods": DEFAULT_METHODS,
        "allow_headers": DEFAULT_HEADERS,
        "max_age": _DEFAULT_MAX_AGE,
    }
    for option in (
        "allow_origins",
        "allow_origin_regex",
        "allow_methods",
        "allow_headers",
        "expose_headers",
        "max_age",
        "allow_credentials",
        "allow_private_network",
    ):
        found = _setting(settings, option)
        if found is not None:
            used[option], options[option] = found
    if options.get("max_age") == 0:
        options["max_age"] = None
    found = _setting(settings, "allow_all_origins")
    if found is not None and found[1] is not False:
        name, value = found
        if value is not True:
            raise ConfigError([Problem(name, repr(value), "is not a bool", f"write {name} = True")])
        used["allow_origins"] = name
        options["allow_origins"] = ["*"]
    extra = getattr(settings, "CORS_OPTIONS", None)
    if extra is not None:
        if not isinstance(extra, Mapping):
            raise ConfigError(
                [Problem("CORS_OPTIONS", repr(extra), "is not a dict", "write {'debug': True}")]
            )
        problems = unknown_options(extra)
        twice = [k for k in extra if k in used]
        problems += [
            Problem("CORS_OPTIONS", repr(k), f"is also set by {used[k]}", "set it once")
            for k in twice
        ]
        if problems:
            raise ConfigError(problems)
        for key, value in extra.items():
            options[key] = value
            used[key] = "CORS_OPTIONS"
    return options, used


def load_config(settings: Any = None, policy: Any = None) -> DjangoCORSConfig:
    """Build the middleware's configuration from Django settings (or a given ``policy``).

    Order: ``policy`` (a :class:`CORSMiddleware` subclass attribute), then
    ``CORS_POLICY``, then the django-cors-headers settings. ``CORS_POLICY`` together
    with those settings is refused (one source of truth). Raises
    :class:`~cors_core.ConfigError`; :class:`~cors_core.CORSConfigWarning` is warned.

    >>> from django.conf import settings
    >>> load_config(settings).policy
    CORSPolicy(allow_origins=['http://localhost:8080'], ...)
    """
    if settings is None:
        from django.conf import settings as django_settings  # type: ignore[import-untyped]

        settings = django_settings
    urls_regex = _urls_regex(settings)
    if policy is not None:
        return DjangoCORSConfig(_policy_setting(policy), urls_regex, {})
    if hasattr(settings, _POLICY_SETTING):
        also = [n for n in _ALL_SETTINGS if n != "CORS_URLS_REGEX" and hasattr(settings, n)]
        if also:
            raise ConfigError(
                [
                    Problem(
                        _POLICY_SETTING,
                        "",
                        f"is set together with {', '.join(also)}",
                        "configure CORS in one place: CORS_POLICY or the CORS_* settings",
                    )
                ]
            )
        return DjangoCORSConfig(_policy_setting(getattr(settings, _POLICY_SETTING)), urls_regex, {})
    options, used = settings_options(settings)
    return DjangoCORSConfig(resolve_policy(None, options), urls_regex, used)


def _load_quietly(policy: Any) -> DjangoCORSConfig:
    """Build the config without letting a :class:`CORSConfigWarning` escape.

    The engine already logs each one on the ``cors_core`` logger and the system checks
    report them, so a ``-W error`` run or a strict test session does not crash on them.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return load_config(policy=policy)


class CORSMiddleware:
    """Django middleware enforcing a :class:`cors_core.CORSPolicy`, sync or async.

    Configured from settings (the django-cors-headers names, or ``CORS_POLICY``), or
    from a subclass that sets :attr:`policy`. Preflights are answered here (204 with
    the allow headers, or 403 with the reason) and never reach a view; every other
    response, errors included, gets its CORS headers and ``Vary: Origin``.
    ``CORS_URLS_REGEX`` limits CORS to the paths it matches (``re.match`` on
    ``request.path_info``, as in django-cors-headers); other paths are left untouched.

    Example (no settings; ``MIDDLEWARE = ["myproject.cors.APICORS", ...]``)::

        from adapters.django import CORSMiddleware
        from cors_core import CORSPolicy

        class APICORS(CORSMiddleware):
            policy = CORSPolicy(allow_origins=["https://app.example.com"],
                                allow_methods=["GET", "POST", "PUT"])
    """

    sync_capable = True
    async_capable = True
    #: A :class:`CORSPolicy` or :class:`PathRules` (or a dotted path / factory) for subclasses.
    policy: ClassVar[Any] = None

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        config = _load_quietly(type(self).policy)
        self.cors_policy: CORSPolicy | PathRules = config.policy
        self._urls = config.urls_regex
        self._uses_path = config.policy.uses_path
        self._want_host = self._uses_path or config.policy.uses_host

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        decision = self._decide(request)
        if decision is None:
            return self.get_response(request)
        if decision.action is Action.RESPOND:
            return _respond(decision)
        return _apply(self.get_response(request), decision)

    async def __acall__(self, request: Any) -> Any:
        decision = self._decide(request)
        if decision is None:
            return await self.get_response(request)
        if decision.action is Action.RESPOND:
            return _respond(decision)
        return _apply(await self.get_response(request), decision)

    def _decide(self, request: Any) -> Decision | None:
        if self._urls is not None and self._urls.match(request.path_info) is None:
            return None
        meta = read_environ(request.META, self._want_host)
        # request.path: the decoded path Django routes (SCRIPT_NAME + PATH_INFO), on WSGI
        # and ASGI servers alike.
        path = request.path if self._uses_path else ""
        decision = self.cors_policy.decide(
            request.method,
            meta.origin,
            meta.request_method,
            meta.request_headers,
            meta.private_network,
            path=path,
            host=meta.host,
            scheme=request.scheme if self._want_host else "http",
        )
        if not decision.allowed and logger.isEnabledFor(logging.DEBUG):
            log_decision(decision, request.method, path or request.path)
        if decision.action is Action.PASS:
            return None
        return decision


def _respond(decision: Decision) -> Any:
    from django.http import HttpResponse  # type: ignore[import-untyped]

    response = HttpResponse(decision.body, status=decision.status)
    del response["Content-Type"]
    for name, value in decision.headers:
        response[name] = value
    return response


def _apply(response: Any, decision: Decision) -> Any:
    if not decision.modifies_response:
        return response
    pairs: list[tuple[str, str]] = list(response.items())
    merged = merge_response_headers(pairs, decision.headers, decision.vary_origin)
    before = {name.lower(): value for name, value in pairs}
    keep = {name.lower() for name, _ in merged}
    for name in before.keys() - keep:
        del response[name]
    for name, value in merged:
        if before.get(name.lower()) != value:
            response[name] = value
    return response
