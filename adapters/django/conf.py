"""The CORS settings of a Django project, read from ``django.conf.settings`` when asked.

django-cors-headers' setting names are read as they are (its old names too), translated
into :class:`cors_core.CORSPolicy` options by :func:`settings_options`, and turned into
what the middleware runs with by :func:`load_config`. :data:`conf` is a small object
whose properties read the current value of each setting, with django-cors-headers'
defaults, so ``override_settings`` shows through it at once::

    >>> from django.test import override_settings
    >>> from adapters.django.conf import conf
    >>> with override_settings(CORS_PREFLIGHT_MAX_AGE=600):
    ...     conf.CORS_PREFLIGHT_MAX_AGE
    600

Settings that no version of this adapter reads are never silently ignored:
:func:`unknown_settings` (misspelt names, other libraries' names, with the closest real
one) and :func:`obsolete_settings` (names django-cors-headers dropped, with what replaced
them) list them; the middleware refuses to start with them and ``manage.py check``
reports them.

The middleware builds its policy once, and again only when Django's ``setting_changed``
signal (sent by ``override_settings``, and so by pytest-django's ``settings`` fixture)
names a ``CORS_*`` setting (:mod:`adapters.django.middleware`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.django.names import (
    ALL_SETTINGS,
    DEFAULT_HEADERS,
    DEFAULT_MAX_AGE,
    DEFAULT_METHODS,
    DEFAULT_URLS_REGEX,
    KNOWN_SETTINGS,
    OPTIONS_SETTING,
    POLICY_SETTING,
    SETTING_NAMES,
)
from adapters.django.peer import narrower_readings
from adapters.django.wording import in_settings
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Problem
from cors_core.integration import Engine, suggest, unknown_options

__all__ = [
    "DEFAULT_HEADERS",
    "DEFAULT_MAX_AGE",
    "DEFAULT_METHODS",
    "DEFAULT_URLS_REGEX",
    "KNOWN_SETTINGS",
    "OBSOLETE_SETTINGS",
    "SETTING_NAMES",
    "DjangoCORSConfig",
    "Settings",
    "conf",
    "load_config",
    "obsolete_settings",
    "settings_options",
    "unknown_settings",
]

#: Settings django-cors-headers dropped: what happened to each, and what replaces it here.
OBSOLETE_SETTINGS: Mapping[str, tuple[str, str]] = {
    "CORS_MODEL": (
        "was removed in django-cors-headers 3.0",
        "connect a receiver to adapters.django.signals.check_request_enabled that looks "
        "the origin up in your model",
    ),
    "CORS_REPLACE_HTTPS_REFERER": (
        "was removed in django-cors-headers 4.0 (with CorsPostCsrfMiddleware)",
        "list the front-end origins in CSRF_TRUSTED_ORIGINS",
    ),
    "CORS_URLS_ALLOW_ALL_REGEX": (
        "was removed from django-cors-headers before 1.0",
        "put @cross_origin(allow_origins=['*']) on those views, or set CORS_POLICY to a "
        "PathRules with a CORSPolicy(allow_origins=['*']) for those paths",
    ),
}

#: Other libraries' spellings of a setting (flask-cors, this project's Flask adapter,
#: starlette's keywords upper-cased) and the Django name meant.
_FOREIGN_NAMES: Mapping[str, str] = {
    "CORS_ALLOW_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOW_ORIGIN_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_WHITELIST_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_METHODS": "CORS_ALLOW_METHODS",
    "CORS_SUPPORTS_CREDENTIALS": "CORS_ALLOW_CREDENTIALS",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
    "CORS_EXPOSED_HEADERS": "CORS_EXPOSE_HEADERS",
}

_DEFAULTS: Mapping[str, Any] = {
    "allow_origins": (),
    "allow_all_origins": False,
    "allow_origin_regex": (),
    "allow_methods": DEFAULT_METHODS,
    "allow_headers": DEFAULT_HEADERS,
    "expose_headers": (),
    "max_age": DEFAULT_MAX_AGE,
    "allow_credentials": False,
    "allow_private_network": False,
    "urls_regex": DEFAULT_URLS_REGEX,
    "options": {},
}
_TRANSLATED = (
    "allow_origins",
    "allow_origin_regex",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "max_age",
    "allow_credentials",
    "allow_private_network",
)


def _django_settings() -> Any:
    from django.conf import settings  # type: ignore[import-untyped]

    return settings


def _lookup(settings: Any, option: str) -> tuple[str, Any] | None:
    """The setting the developer wrote for ``option`` (new name first) and its value."""
    for name in SETTING_NAMES[option]:
        if hasattr(settings, name):
            return name, getattr(settings, name)
    return None


class Settings:
    """The CORS settings, each read from Django's settings when its property is asked.

    Absent settings take django-cors-headers' defaults; an old name (``CORS_ORIGIN_WHITELIST``
    ...) is read when the new one is absent. ``Settings(source)`` reads another settings
    object (anything with attributes) instead of ``django.conf.settings``.

    >>> from types import SimpleNamespace
    >>> Settings(SimpleNamespace(CORS_ORIGIN_WHITELIST=["https://a.example"])).CORS_ALLOWED_ORIGINS
    ['https://a.example']
    """

    def __init__(self, source: Any = None) -> None:
        self._source = source

    @property
    def source(self) -> Any:
        """The settings object read (``django.conf.settings`` unless another was given)."""
        return self._source if self._source is not None else _django_settings()

    def _get(self, option: str) -> Any:
        found = _lookup(self.source, option)
        return _DEFAULTS[option] if found is None else found[1]

    @property
    def CORS_ALLOWED_ORIGINS(self) -> Sequence[str]:  # noqa: N802 (Django setting names)
        """``CORS_ALLOWED_ORIGINS`` (or ``CORS_ORIGIN_WHITELIST``); default ``()``."""
        value: Sequence[str] = self._get("allow_origins")
        return value

    @property
    def CORS_ALLOW_ALL_ORIGINS(self) -> bool:  # noqa: N802
        """``CORS_ALLOW_ALL_ORIGINS`` (or ``CORS_ORIGIN_ALLOW_ALL``); default ``False``."""
        value: bool = self._get("allow_all_origins")
        return value

    @property
    def CORS_ALLOWED_ORIGIN_REGEXES(self) -> Sequence[str | re.Pattern[str]]:  # noqa: N802
        """``CORS_ALLOWED_ORIGIN_REGEXES`` (or ``CORS_ORIGIN_REGEX_WHITELIST``); default ``()``."""
        value: Sequence[str | re.Pattern[str]] = self._get("allow_origin_regex")
        return value

    @property
    def CORS_ALLOW_METHODS(self) -> Sequence[str]:  # noqa: N802
        """``CORS_ALLOW_METHODS``; default :data:`DEFAULT_METHODS`."""
        value: Sequence[str] = self._get("allow_methods")
        return value

    @property
    def CORS_ALLOW_HEADERS(self) -> Sequence[str]:  # noqa: N802
        """``CORS_ALLOW_HEADERS``; default :data:`DEFAULT_HEADERS`."""
        value: Sequence[str] = self._get("allow_headers")
        return value

    @property
    def CORS_EXPOSE_HEADERS(self) -> Sequence[str]:  # noqa: N802
        """``CORS_EXPOSE_HEADERS``; default ``()``."""
        value: Sequence[str] = self._get("expose_headers")
        return value

    @property
    def CORS_PREFLIGHT_MAX_AGE(self) -> int:  # noqa: N802
        """``CORS_PREFLIGHT_MAX_AGE``; default 86400 (``0`` omits ``Access-Control-Max-Age``)."""
        value: int = self._get("max_age")
        return value

    @property
    def CORS_ALLOW_CREDENTIALS(self) -> bool:  # noqa: N802
        """``CORS_ALLOW_CREDENTIALS``; default ``False``."""
        value: bool = self._get("allow_credentials")
        return value

    @property
    def CORS_ALLOW_PRIVATE_NETWORK(self) -> bool:  # noqa: N802
        """``CORS_ALLOW_PRIVATE_NETWORK``; default ``False``."""
        value: bool = self._get("allow_private_network")
        return value

    @property
    def CORS_URLS_REGEX(self) -> str | re.Pattern[str]:  # noqa: N802
        """``CORS_URLS_REGEX``; default ``r"^.*$"`` (every path)."""
        value: str | re.Pattern[str] = self._get("urls_regex")
        return value

    @property
    def CORS_OPTIONS(self) -> Mapping[str, Any]:  # noqa: N802
        """``CORS_OPTIONS``: other :class:`~cors_core.CORSPolicy` options; default ``{}``."""
        value: Mapping[str, Any] = self._get("options")
        return value

    @property
    def CORS_POLICY(self) -> Any:  # noqa: N802
        """``CORS_POLICY``: a ready policy, a factory, or a dotted path; default ``None``."""
        return getattr(self.source, POLICY_SETTING, None)


#: The project's CORS settings (``django.conf.settings``), read live.
conf = Settings()


@dataclass(frozen=True)
class DjangoCORSConfig:
    """What the middleware runs with: the policy and the ``CORS_URLS_REGEX`` gate.

    ``settings_used`` maps each engine option to the Django setting it came from, so
    problems can be reported under the name the developer wrote.
    """

    policy: Engine
    urls_regex: re.Pattern[str] | None
    settings_used: Mapping[str, str]


def _cors_names(settings: Any) -> list[str]:
    return sorted(name for name in dir(settings) if name.startswith("CORS_"))


def unknown_settings(settings: Any = None) -> list[Problem]:
    """A problem for each ``CORS_*`` setting this adapter does not read, with the closest name.

    Obsolete django-cors-headers settings are left to :func:`obsolete_settings`.

    >>> from types import SimpleNamespace
    >>> unknown_settings(SimpleNamespace(CORS_ALLOWED_ORIGNS=[]))[0].fix
    "did you mean 'CORS_ALLOWED_ORIGINS'?"
    """
    settings = _django_settings() if settings is None else settings
    problems = []
    for name in _cors_names(settings):
        if name in KNOWN_SETTINGS or name in OBSOLETE_SETTINGS:
            continue
        meant = _FOREIGN_NAMES.get(name)
        fix = (
            f"did you mean {meant!r}?"
            if meant
            else suggest(name, sorted(KNOWN_SETTINGS), "remove it (see the CORS_* settings)")
        )
        problems.append(Problem(name, "", "is not a CORS setting", fix))
    return problems


def obsolete_settings(settings: Any = None) -> list[Problem]:
    """A problem for each setting django-cors-headers dropped, naming what replaced it.

    >>> from types import SimpleNamespace
    >>> obsolete_settings(SimpleNamespace(CORS_MODEL="app.Origin"))[0].problem
    'was removed in django-cors-headers 3.0'
    """
    settings = _django_settings() if settings is None else settings
    return [
        Problem(name, "", *OBSOLETE_SETTINGS[name])
        for name in _cors_names(settings)
        if name in OBSOLETE_SETTINGS
    ]


def _import(path: str) -> Any:
    from django.utils.module_loading import import_string  # type: ignore[import-untyped]

    try:
        return import_string(path)
    except ImportError as exc:
        raise ConfigError(
            [Problem(POLICY_SETTING, repr(path), f"cannot be imported ({exc})", "fix the path")]
        ) from None


def _policy_setting(value: Any) -> Engine:
    """A ready policy of any kind (``CORSPolicy``, ``PathRules``, a bucket's
    ``cors_core.buckets.BucketPolicy`` ...), a factory of one, or its dotted path."""
    if isinstance(value, str):
        value = _import(value)
    if not isinstance(value, Engine) and callable(value):
        value = value()
    if not isinstance(value, Engine):
        raise ConfigError(
            [
                Problem(
                    POLICY_SETTING,
                    repr(value),
                    "is not a CORSPolicy or PathRules",
                    "set it to a CORSPolicy, a PathRules, a factory of one, or a dotted path",
                )
            ]
        )
    return value


def _urls_regex(settings: Any) -> re.Pattern[str] | None:
    found = _lookup(settings, "urls_regex")
    if found is None:
        return None
    name, value = found
    if isinstance(value, re.Pattern):
        return None if value.pattern == DEFAULT_URLS_REGEX else value
    if not isinstance(value, str):
        raise ConfigError([Problem(name, repr(value), "is not a regex", "write r'^/api/.*$'")])
    if value == DEFAULT_URLS_REGEX:
        return None
    try:
        return re.compile(value)
    except re.error as exc:
        raise ConfigError(
            [Problem(name, repr(value), f"does not compile ({exc})", "fix the regex")]
        ) from None


def settings_options(settings: Any = None) -> tuple[dict[str, Any], dict[str, str]]:
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
    settings = _django_settings() if settings is None else settings
    used: dict[str, str] = {}
    options: dict[str, Any] = {
        "allow_methods": DEFAULT_METHODS,
        "allow_headers": DEFAULT_HEADERS,
        "max_age": DEFAULT_MAX_AGE,
    }
    for option in _TRANSLATED:
        found = _lookup(settings, option)
        if found is not None:
            used[option], options[option] = found
    if options.get("max_age") == 0:
        options["max_age"] = None
    found = _lookup(settings, "allow_all_origins")
    if found is not None and found[1] is not False:
        name, value = found
        if value is not True:
            raise ConfigError([Problem(name, repr(value), "is not a bool", f"write {name} = True")])
        used["allow_origins"] = name
        options["allow_origins"] = ["*"]
    extra = getattr(settings, OPTIONS_SETTING, None)
    if extra is not None:
        if not isinstance(extra, Mapping):
            raise ConfigError(
                [Problem(OPTIONS_SETTING, repr(extra), "is not a dict", "write {'debug': True}")]
            )
        problems = unknown_options(extra)
        problems += [
            Problem(OPTIONS_SETTING, repr(k), f"is also set by {used[k]}", "set it once")
            for k in extra
            if k in used
        ]
        if problems:
            raise ConfigError(problems)
        for key, value in extra.items():
            options[key] = value
            used[key] = OPTIONS_SETTING
    return options, used


def load_config(
    settings: Any = None, policy: Any = None, *, check_names: bool = True
) -> DjangoCORSConfig:
    """Build the middleware's configuration from Django settings (or a given ``policy``).

    Order: ``policy`` (a :class:`~adapters.django.CORSMiddleware` subclass attribute), then
    ``CORS_POLICY``, then the django-cors-headers settings. ``CORS_POLICY`` together with
    those settings is refused (one source of truth), and so are unknown and obsolete
    ``CORS_*`` settings (``check_names=False`` leaves those to the caller). Raises
    :class:`~cors_core.ConfigError` listing every problem;
    :class:`~cors_core.CORSConfigWarning` is warned.

    >>> from django.test import override_settings
    >>> with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
    ...     load_config().policy.options["allow_origins"]
    ['https://app.example.com']
    """
    settings = _django_settings() if settings is None else settings
    names = unknown_settings(settings) + obsolete_settings(settings) if check_names else []
    try:
        config = _build(settings, policy)
    except ConfigError as exc:
        raise ConfigError([*names, *exc.problems]) from None
    if names:
        raise ConfigError(names)
    return config


def _build(settings: Any, policy: Any) -> DjangoCORSConfig:
    problems: list[Problem] = []
    urls_regex = None
    try:
        urls_regex = _urls_regex(settings)
    except ConfigError as exc:
        problems += exc.problems
    try:
        engine, used = _engine(settings, policy)
    except ConfigError as exc:
        raise ConfigError([*problems, *exc.problems]) from None
    if problems:
        raise ConfigError(problems)
    return DjangoCORSConfig(engine, urls_regex, used)


def _engine(settings: Any, policy: Any) -> tuple[Engine, dict[str, str]]:
    if policy is not None:
        return _policy_setting(policy), {}
    if hasattr(settings, POLICY_SETTING):
        skip = (POLICY_SETTING, "CORS_URLS_REGEX")
        also = [n for n in ALL_SETTINGS if n not in skip and hasattr(settings, n)]
        if also:
            raise ConfigError(
                [
                    Problem(
                        POLICY_SETTING,
                        "",
                        f"is set together with {', '.join(also)}",
                        "configure CORS in one place: CORS_POLICY or the CORS_* settings",
                    )
                ]
            )
        return _policy_setting(getattr(settings, POLICY_SETTING)), {}
    options, used = settings_options(settings)  # only known option names
    narrower = narrower_readings(settings)
    for problem in narrower:  # the engine checks the other entries
        option = next(o for o, names in SETTING_NAMES.items() if problem.option in names)
        kept = options[option] if isinstance(options[option], list | tuple) else ()
        options[option] = [entry for entry in kept if repr(entry) != problem.entry]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CORSConfigWarning)
            policy = CORSPolicy(**options)
    except ConfigError as exc:
        problems = [in_settings(p, settings) for p in exc.problems]
        raise ConfigError([*narrower, *problems]) from None
    if narrower:
        raise ConfigError(narrower)
    for warned in caught:  # warned again, in the settings' words
        message = warned.message
        if isinstance(message, CORSConfigWarning) and message.problem is not None:
            message = CORSConfigWarning(in_settings(message.problem, settings))
        warnings.warn(message, stacklevel=4)
    return policy, used


def load_quietly(policy: Any = None) -> DjangoCORSConfig:
    """:func:`load_config` without letting a :class:`CORSConfigWarning` escape.

    The engine already logs each one on the ``cors_core`` logger and the system checks
    report them, so a ``-W error`` run or a strict test session does not crash on them.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return load_config(policy=policy)
