"""Real Chromium against path rules dodged by percent-encoding (design rule 11).

A FastAPI app under uvicorn on ``http://127.0.0.1:<port>`` has the rules of
:func:`tests.security.path_attacks.make_rules`: ``/api/*`` allows the page's origin
(``http://localhost:<page port>``) with credentials, ``/api/internal/*`` has no CORS. A
page fetches ``/api/%69nternal/secrets`` with ``credentials: "include"``: Chromium sends
the escape unchanged, uvicorn decodes it and the app serves the internal view, so the
response must carry no CORS header and fetch() must reject with a TypeError. The control,
``/api/public``, succeeds and its body is readable.

Run alone: ``uv run pytest tests/e2e/test_chromium_paths.py -m browser``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.e2e.chromium import Tab
from tests.e2e.conftest import Origins
from tests.security.path_attacks import fastapi_app, make_rules
from tests.servers import serve_asgi

pytestmark = pytest.mark.browser

ENCODED = "/api/%69nternal/secrets"
PUBLIC = "/api/public"


@dataclass
class Wire:
    """What reached the server (outside the CORS middleware): one entry per request."""

    seen: list[tuple[str, str, str, int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self, method: str, raw_path: str, path: str, status: int, cors: dict[str, str]
    ) -> None:
        with self.lock:
            self.seen.append((method, raw_path, path, status, cors))

    def for_raw_path(self, raw_path: str) -> list[tuple[str, str, str, int, dict[str, str]]]:
        with self.lock:
            return [s for s in self.seen if s[1] == raw_path]


def recording(app: Any, wire: Wire) -> Any:
    """Outermost ASGI wrapper: logs method, ``raw_path``, ``path``, status, CORS headers."""

    async def recorder(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_recorded(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                cors = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                    if k.lower().startswith(b"access-control-")
                }
                wire.record(
                    scope["method"],
                    bytes(scope["raw_path"]).decode("latin-1"),
                    scope["path"],
                    message["status"],
                    cors,
                )
            await send(message)

        await app(scope, receive, send_recorded)

    return recorder


@pytest.fixture(scope="module")
def api(origins: Origins) -> Iterator[tuple[str, Wire]]:
    """The rules (allowing the page's origin) on FastAPI under uvicorn; (base URL, record)."""
    wire = Wire()
    with serve_asgi(recording(fastapi_app(make_rules(origin=origins.page)), wire)) as base:
        yield base, wire


def test_encoded_internal_path_is_blocked_in_chromium(
    api: tuple[str, Wire], origins: Origins, open_tab: Any
) -> None:
    base, wire = api
    tab: Tab = open_tab(origins.page)

    public = tab.fetch(base + PUBLIC, credentials="include")
    assert public.error is None, public
    assert (public.ok, public.status) == (True, 200)
    assert public.body is not None
    assert json.loads(public.body) == {"view": "api", "path": PUBLIC}

    attack = tab.fetch(base + ENCODED, credentials="include")
    assert attack.blocked, attack  # the page cannot read the internal view
    assert attack.error is not None and attack.error.startswith("TypeError"), attack
    assert (attack.status, attack.body) == (None, None)

    # Chromium sent the escape as written (a simple GET: no preflight), uvicorn decoded it,
    # and the request was served from the internal view without any CORS header.
    (seen,) = wire.for_raw_path(ENCODED)
    method, raw_path, path, status, cors = seen
    assert (method, raw_path, path, status) == ("GET", ENCODED, "/api/internal/secrets", 200)
    assert cors == {}, cors
    # The control carried what made it readable.
    (control,) = wire.for_raw_path(PUBLIC)
    assert control[4] == {
        "access-control-allow-origin": origins.page,
        "access-control-allow-credentials": "true",
    }


DOTS = "/api/internal/..%2Fpublic"


def test_dot_segments_after_an_encoded_slash_are_blocked_in_chromium(
    api: tuple[str, Wire], origins: Origins, open_tab: Any
) -> None:
    """Chromium sends ``..%2F`` unchanged, uvicorn decodes it to ``/api/internal/../public``,
    and FastAPI serves that from the internal view: no CORS header, so the page cannot read
    it (a rule judged on the resolved ``/api/public`` would have answered with ACAO)."""
    base, wire = api
    tab: Tab = open_tab(origins.page)
    attack = tab.fetch(base + DOTS, credentials="include")
    assert attack.blocked, attack
    assert attack.error is not None and attack.error.startswith("TypeError"), attack
    (seen,) = wire.for_raw_path(DOTS)
    method, raw_path, path, status, cors = seen
    assert (method, raw_path, path, status) == ("GET", DOTS, "/api/internal/../public", 200)
    assert cors == {}, cors
