"""Shared set-up for the framework integration tests.

Django is configured once per process from the example project's settings (unless
another suite configured it first); every Django test then states the settings it
relies on with ``override_settings``, so the order of suites does not matter.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from cors_core.browser import Response

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DJANGO_PROJECT = EXAMPLES / "django_project"

if str(DJANGO_PROJECT) not in sys.path:
    sys.path.append(str(DJANGO_PROJECT))


def _fresh_asgiref_executor() -> None:
    """Give a forked child its own copy of asgiref's one-thread executor.

    The mutation tool (mutmut) runs the tests once in its own process, then forks a
    child per mutant. The child inherits the executor that ran the async tests, but not
    its thread, so the first ``sync_to_async`` call in the child waits forever (and every
    mutant an async test reaches would be counted as a timeout, whatever the test says).
    """
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


os.register_at_fork(after_in_child=_fresh_asgiref_executor)


def _configure_django() -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    from todo_api import settings as example

    settings.configure(**{k: v for k, v in vars(example).items() if k.isupper()})
    django.setup()


_configure_django()


def http_sender(base_url: str, path: str) -> Any:
    """A :func:`cors_core.browser.simulate` ``send`` that goes over real HTTP with httpx."""

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        body = b'{"name": "x", "title": "x"}' if method in ("POST", "PUT", "PATCH") else None
        r = httpx.request(method, base_url + path, headers=list(headers), content=body, timeout=10)
        return r.status_code, list(r.headers.multi_items()), r.content

    return send


def hdrs(pairs: Any) -> dict[str, str]:
    """Response header pairs as a dict: lowercase names, repeated values joined with ", "."""
    out: dict[str, str] = {}
    for name, value in pairs.items() if isinstance(pairs, dict) else pairs:
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out
