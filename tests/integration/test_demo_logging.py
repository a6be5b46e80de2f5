"""``cors-core demo`` logs each rejected request exactly once.

The demo runs for real (a subprocess on free ports on 127.0.0.1) and is driven the way the
page drives it in a browser: each scenario's requests as a browser sends them
(:func:`cors_core.browser.simulate` over HTTP), then, for a blocked one, the page's
``GET /api/explain`` (which replays the request through the same middleware). What the
demo prints is then counted line by line, with and without a handler on the root logger.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter

import httpx
import pytest

from cors_core.browser import simulate
from cors_core.cli.demo_app import SCENARIOS, api_app, demo_policy
from tests.integration.conftest import http_sender
from tests.integration.demo_process import running_demo

#: The demo started as ``cors-core demo``, and with the root logger printing everything too
#: (as an application that calls ``logging.basicConfig`` has it).
LAUNCHERS = {
    "cli": ["-m", "cors_core", "demo"],
    "root-logging": [
        "-c",
        "import logging, sys; logging.basicConfig(stream=sys.stdout, level=logging.DEBUG); "
        "from cors_core.cli.demo_app import main; sys.exit(main(sys.argv[1:]))",
    ],
}


def _rejection_lines() -> list[str]:
    """The lines the demo must print, once each, for what the test sends."""
    return [
        "  server: CORS preflight rejected: 'OPTIONS' '/api/items': [header_not_allowed] "
        "header 'x-secret' is not in allow_headers: add it to allow_headers "
        "(header names are case-insensitive)",
        "  server: CORS preflight rejected: 'OPTIONS' '/api/items/1': [method_not_allowed] "
        "method 'DELETE' is not in allow_methods (it allows GET, POST, PUT): add it to "
        "allow_methods (methods are case-sensitive)",
        "  server: CORS request rejected: 'GET' '/api/items': [origin_not_allowed] origin "
        "'https://evil.example' is not allowed: add it to allow_origins (or match it with "
        "a '*.' pattern, allow_origin_regex or allow_origin_predicate)",
    ]


def _run_demo_and_collect(launcher: list[str]) -> tuple[int, list[str]]:
    """Start the demo, send the page's requests, stop it; its exit status and output lines."""
    with running_demo([sys.executable, *launcher]) as demo:
        api, origin = f"http://127.0.0.1:{demo.api_port}", f"http://localhost:{demo.page_port}"
        for name, (method, path, headers, credentials, expected) in SCENARIOS.items():
            trip = simulate(
                http_sender(api, path),
                origin=origin,
                method=method,
                headers=headers,
                credentials=credentials,
            )
            assert ("allowed" if trip.verdict.allowed else "blocked") == expected, trip.steps
            if not trip.verdict.allowed:  # what the page does next: ask why
                why = httpx.get(f"{api}/api/explain?scenario={name}", headers={"Origin": origin})
                assert why.json()["allowed"] is False
        refused = httpx.get(f"{api}/api/items", headers={"Origin": "https://evil.example"})
        assert refused.status_code == 200
        assert "access-control-allow-origin" not in refused.headers
    assert demo.code is not None
    return demo.code, demo.output


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_each_rejection_is_printed_exactly_once(launcher: str) -> None:
    code, output = _run_demo_and_collect(LAUNCHERS[launcher])
    assert code == 0, output
    assert output[-1] == "cors-core demo: stopped"
    rejections = Counter(line for line in output if "rejected" in line)
    assert rejections == Counter(_rejection_lines()), "\n".join(output)


async def _asgi(app, method: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, bytes]:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_the_explain_replay_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    """In process: the browser's preflight is logged; the page's /api/explain adds nothing."""
    origin = "http://localhost:8080"
    app = api_app(demo_policy(origin))
    caplog.set_level(logging.DEBUG, logger="cors_core")
    preflight = [("Origin", origin), ("Access-Control-Request-Method", "DELETE")]
    assert asyncio.run(_asgi(app, "OPTIONS", "/api/items/1", preflight))[0] == 403
    messages = [r.getMessage() for r in caplog.records if r.name == "cors_core"]
    assert len(messages) == 1 and "[method_not_allowed]" in messages[0], messages

    status, body = asyncio.run(
        _asgi(app, "GET", "/api/explain?scenario=refused-method", [("Origin", origin)])
    )
    assert status == 200
    why = json.loads(body)
    assert why["allowed"] is False
    assert why["server_reason"].startswith("method_not_allowed: method 'DELETE'")
    assert [r.getMessage() for r in caplog.records if r.name == "cors_core"] == messages

    # The filter drops only the replay: the next browser request is logged again.
    asyncio.run(_asgi(app, "OPTIONS", "/api/items/1", preflight))
    assert [r.getMessage() for r in caplog.records if r.name == "cors_core"] == messages * 2
