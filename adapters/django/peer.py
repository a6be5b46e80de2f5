"""Settings values that django-cors-headers reads more narrowly than the engine would.

Migrating must never widen access: a value that allowed nothing (or less) under
django-cors-headers must not allow more here. Where the engine would read a setting more
broadly, the middleware refuses it at start-up (and ``manage.py check`` reports it) with
the fix that says what to write:

- ``"*"`` in ``CORS_ALLOWED_ORIGINS``: there an origin that never matches;
- ``https://*.example.com`` or ``http://localhost:*`` there: compared as written, so never
  matched; written as a regex in ``CORS_ALLOWED_ORIGIN_REGEXES`` it does what it meant;
- an origin not written as browsers send it (``https://App.Example.com``,
  ``https://app.example.com:443``): never matched there either;
- ``"*"`` in ``CORS_ALLOW_METHODS`` with ``CORS_ALLOW_CREDENTIALS = True``, and in
  ``CORS_ALLOW_HEADERS`` unless credentials are off and ``authorization`` is listed:
  sent as is there, and browsers never let ``*`` cover a credentialed request or the
  ``Authorization`` header;
- a header-name glob (``x-company-*``): sent as is, compared literally by browsers;
- ``"put"``, ``"delete"``, ``"options"`` in lower case: ``fetch()`` sends them upper-cased,
  and browsers compare methods case-sensitively.

>>> from types import SimpleNamespace
>>> print(*narrower_readings(SimpleNamespace(CORS_ALLOWED_ORIGINS=["https://*.example.com"])))
CORS_ALLOWED_ORIGINS: 'https://*.example.com' is a pattern, ...
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from adapters.django.names import SETTING_NAMES
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Problem

__all__ = ["narrower_readings"]

#: The methods ``fetch()`` upper-cases, less the CORS-safelisted ones (never preflighted).
_UPPER_CASED = frozenset({"DELETE", "OPTIONS", "PUT"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_HEADERS_EXAMPLE = 'CORS_ALLOW_HEADERS = [*DEFAULT_HEADERS, "x-my-header"]'


def _found(settings: Any, option: str) -> tuple[str, Any] | None:
    for name in SETTING_NAMES[option]:
        if hasattr(settings, name):
            return name, getattr(settings, name)
    return None


def _entries(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value] if value == "*" else []  # other strings: the engine refuses them
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _as_regex(entry: str) -> str:
    """A regex for what a ``*`` pattern meant: a host label, or a port."""
    escaped = re.escape(entry)
    return re.sub(r"(:?)\\\*", lambda m: r":\d+" if m[1] else "[a-z0-9-]+", escaped)


def _browser_form(scheme: str, netloc: str) -> str | None:
    """``scheme://host[:port]`` as a browser sends it, when it can be written."""
    host, colon, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not colon:
        host, port = netloc, ""
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if port == _DEFAULT_PORTS.get(scheme):
        port = ""
    return f"{scheme}://{host}{':' + port if port else ''}"


def _matches_only(entry: str, origin: str) -> bool:
    """Whether the engine, given ``entry`` alone, allows ``origin`` (a browser's form)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CORSConfigWarning)
            policy = CORSPolicy(allow_origins=[entry])
    except ConfigError:
        return True  # refused there: reported with its fix when the policy is built
    return policy.decide("GET", origin).allowed


def _origin_problem(name: str, entry: Any) -> Problem | None:
    if not isinstance(entry, str) or entry == "null":
        return None
    if entry == "*":
        return Problem(
            name,
            "'*'",
            "is no origin: django-cors-headers compares each entry with the request's "
            "origin, so it allowed none, where '*' here would allow every origin",
            "write CORS_ALLOW_ALL_ORIGINS = True to allow every origin, or list the origins",
        )
    if "*" in entry:
        return Problem(
            name,
            repr(entry),
            "is a pattern, which django-cors-headers compares as written (so it never "
            "matched), where here it would match every such origin",
            f'to allow them, write CORS_ALLOWED_ORIGIN_REGEXES = [r"^{_as_regex(entry)}$"]',
        )
    if "://" not in entry:
        return None  # no scheme: the engine refuses it with its fix
    try:
        parts = urlsplit(entry)
    except ValueError:
        return None
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        return None  # the engine refuses these
    sent = f"{parts.scheme}://{parts.netloc}"  # the one origin django-cors-headers matches
    browser = _browser_form(parts.scheme, parts.netloc)
    if sent == browser or _matches_only(entry, sent):
        return None
    fix = (
        f"write {browser!r}"
        if browser is not None and _matches_only(entry, browser)
        else "write it as browsers send it: scheme://host[:port], the host in lower case, "
        "no default port"
    )
    return Problem(
        name,
        repr(entry),
        "is not written as browsers send origins, so django-cors-headers (which compares "
        "it as written) never matched it, where here it would match",
        fix,
    )


def _origin_problems(settings: Any) -> list[Problem]:
    if any(getattr(settings, n, False) is True for n in SETTING_NAMES["allow_all_origins"]):
        return []  # the list is not read then
    found = _found(settings, "allow_origins")
    if found is None:
        return []
    name, value = found
    problems = (_origin_problem(name, entry) for entry in _entries(value))
    return [p for p in problems if p is not None]


def _credentials(settings: Any) -> bool:
    found = _found(settings, "allow_credentials")
    return found is not None and found[1] is True


def _method_problems(settings: Any) -> Iterable[Problem]:
    found = _found(settings, "allow_methods")
    if found is None:
        return
    name, value = found
    for entry in _entries(value):
        if entry == "*" and _credentials(settings):
            yield Problem(
                name,
                "'*'",
                "is sent as is by django-cors-headers, and browsers ignore '*' on requests "
                "with credentials (CORS_ALLOW_CREDENTIALS = True), where here it would allow "
                "every method",
                'list the methods: CORS_ALLOW_METHODS = ["DELETE", "GET", "PATCH", "POST", "PUT"]',
            )
        elif isinstance(entry, str) and entry.upper() in _UPPER_CASED and entry != entry.upper():
            yield Problem(
                name,
                repr(entry),
                f"never matched in django-cors-headers: fetch() sends it as {entry.upper()!r} "
                "and browsers compare methods case-sensitively, where here it would match",
                f"write {entry.upper()!r}",
            )


def _header_problems(settings: Any) -> Iterable[Problem]:
    found = _found(settings, "allow_headers")
    if found is None:
        return
    name, value = found
    entries = _entries(value)
    names = {e.lower() for e in entries if isinstance(e, str)}
    for entry in entries:
        if entry == "*" and _credentials(settings):
            yield Problem(
                name,
                "'*'",
                "is sent as is by django-cors-headers, and browsers ignore '*' on requests "
                "with credentials (CORS_ALLOW_CREDENTIALS = True), where here it would allow "
                "every header",
                f"list the header names pages send: {_HEADERS_EXAMPLE}",
            )
        elif entry == "*" and "authorization" not in names:
            yield Problem(
                name,
                "'*'",
                "is sent as is by django-cors-headers, and browsers never let '*' cover "
                "Authorization, where here it would allow every header, Authorization "
                "included",
                f"list the header names pages send ({_HEADERS_EXAMPLE}), or list "
                '"authorization" next to "*" to allow it too',
            )
        elif isinstance(entry, str) and entry != "*" and "*" in entry:
            yield Problem(
                name,
                repr(entry),
                "is sent as is by django-cors-headers and browsers compare header names "
                "literally (so it never allowed a header), where here it would be a pattern",
                f"list the header names pages send: {_HEADERS_EXAMPLE}",
            )


def narrower_readings(settings: Any) -> list[Problem]:
    """A problem for each setting value django-cors-headers reads more narrowly."""
    return [
        *_origin_problems(settings),
        *_method_problems(settings),
        *_header_problems(settings),
    ]
