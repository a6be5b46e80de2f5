"""Shared helpers of the Django tests: the example project's settings, stated explicitly.

Django is configured once per process (``tests/integration/conftest.py``); every test
states the settings it relies on with :func:`cors_settings`, so the order of suites and
modules never matters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.signals import setting_changed
from django.test import override_settings

from cors_core.browser import Response

FRONT = "http://localhost:8080"
TUTORIAL_HEADERS = (
    "accept",
    "accept-encoding",
    "authorization",
    "content-type",
    "dnt",
    "origin",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
#: The example project's settings (the Vue tutorial's CORS block), stated explicitly.
BASE: dict[str, Any] = {
    "ROOT_URLCONF": "todo_api.urls",
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
    "INSTALLED_APPS": ["django.contrib.contenttypes", "adapters.django", "todos"],
    "MIDDLEWARE": [
        "adapters.django.CORSMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ],
    "DEBUG": False,
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_ORIGIN_ALLOW_ALL": False,
    "CORS_ORIGIN_WHITELIST": ("http://localhost:8080", "http://127.0.0.1:8080"),
    "CORS_ALLOW_METHODS": ("DELETE", "GET", "POST", "PUT"),
    "CORS_ALLOW_HEADERS": TUTORIAL_HEADERS,
}
#: Every CORS setting a test may set (so each test starts from none of them but its own).
CORS_SETTINGS = [
    "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_REGEX_WHITELIST",
    "CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_PRIVATE_NETWORK",
    "CORS_URLS_REGEX",
    "CORS_OPTIONS",
    "CORS_POLICY",
]


class _DeleteMarker:
    def __repr__(self) -> str:
        return "DELETE"


#: A value for :func:`cors_settings` meaning "this setting is absent".
DELETE: Any = _DeleteMarker()


@contextmanager
def cors_settings(base: dict[str, Any] | None = None, **changes: Any) -> Iterator[None]:
    """``override_settings`` with ``base`` (the example's settings), no other ``CORS_*``
    setting, and ``changes``; a :data:`DELETE` value removes a setting.

    Deleting inside the override only hides the name in the override's holder, which is
    dropped on exit. Django sends ``setting_changed`` for overridden names only, so it is
    sent here for deleted ones too (on entry and on exit), as for any other change.
    """
    from django.conf import settings

    wanted = {**(BASE if base is None else base), **changes}
    for name in CORS_SETTINGS:
        if name not in wanted and hasattr(settings, name):
            wanted[name] = DELETE
    drop = [k for k, v in wanted.items() if v is DELETE and hasattr(settings, k)]
    override = override_settings(**{k: v for k, v in wanted.items() if v is not DELETE})
    override.enable()
    try:
        for name in drop:
            delattr(settings, name)
            setting_changed.send(sender=type(settings), setting=name, value=None, enter=True)
        yield
    finally:
        override.disable()
        for name in drop:
            value = getattr(settings, name, None)
            setting_changed.send(sender=type(settings), setting=name, value=value, enter=False)


def django_sender(client: Any, path: str) -> Any:
    """A :func:`cors_core.browser.simulate` ``send`` through a Django test client."""

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        merged: dict[str, str] = {}
        for name, value in headers:
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        body = b'{"title": "x"}' if method in ("POST", "PUT", "PATCH") else b""
        r = client.generic(method, path, body, content_type="application/json", headers=merged)
        return r.status_code, list(r.items()), bytes(r.content)

    return send


def cors_ids(messages: Sequence[Any]) -> list[str]:
    """The ids of the ``cors_core`` system-check messages."""
    return [m.id for m in messages if m.id.startswith("cors_core")]
