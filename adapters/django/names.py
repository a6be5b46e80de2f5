"""The names of the Django CORS settings and django-cors-headers' defaults for them.

Read by the settings reader (:mod:`adapters.django.conf`), the system checks and the
wording of problems, and re-exported by :mod:`adapters.django`::

    >>> from adapters.django.names import SETTING_NAMES
    >>> SETTING_NAMES["allow_origins"]
    ('CORS_ALLOWED_ORIGINS', 'CORS_ORIGIN_WHITELIST')
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ALL_SETTINGS",
    "DEFAULT_HEADERS",
    "DEFAULT_MAX_AGE",
    "DEFAULT_METHODS",
    "DEFAULT_URLS_REGEX",
    "KNOWN_SETTINGS",
    "OPTIONS_SETTING",
    "POLICY_SETTING",
    "SETTING_NAMES",
]

#: django-cors-headers' ``corsheaders.defaults.default_methods``, used when a setting is absent.
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
#: django-cors-headers' ``corsheaders.defaults.default_headers`` (since its 4.0, which
#: dropped ``accept-encoding``, ``dnt`` and ``origin``: names a page can never send).
DEFAULT_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
#: django-cors-headers' ``CORS_PREFLIGHT_MAX_AGE`` default (seconds).
DEFAULT_MAX_AGE = 86400
#: django-cors-headers' ``CORS_URLS_REGEX`` default: every path.
DEFAULT_URLS_REGEX = r"^.*$"

#: Each engine option and the settings it is read from (current name first, then the old one,
#: which django-cors-headers still reads as an alias; the current name wins).
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
POLICY_SETTING = "CORS_POLICY"
OPTIONS_SETTING = "CORS_OPTIONS"
#: Every setting name, in the order problems are listed.
ALL_SETTINGS = (*(name for names in SETTING_NAMES.values() for name in names), POLICY_SETTING)
#: Every ``CORS_*`` setting this adapter reads.
KNOWN_SETTINGS: frozenset[str] = frozenset(ALL_SETTINGS)
