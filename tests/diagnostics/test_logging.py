"""Rejections are logged at DEBUG on "cors_core", one line each, request values escaped
(flask-cors CVE-2024-1681 was log injection through the request path)."""

from __future__ import annotations

import asyncio
import io
import logging
import warnings
from typing import Any

import httpx
import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy
from cors_core._errors import Problem
from cors_core._log import log_config_warning
from tests.diagnostics.apps import APP_ORIGIN, plain_asgi
from tests.servers import serve_asgi

# Everything str.splitlines() (and many log viewers) treat as a line break, plus ESC.
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x1b"
OPTIONS: dict[str, Any] = {
    "allow_origins": [APP_ORIGIN],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["x-api-key"],
}


def single_lines(stream: io.StringIO) -> list[str]:
    text = stream.getvalue()
    lines = text.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    for line in lines:
        assert not any(ch in line for ch in LINE_BREAKS), repr(line)
        assert line.isascii() and line.isprintable(), repr(line)
    return lines


def asgi_call(app: Any, method: str, raw_path: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """Call the real ASGI middleware with a scope a server could build; return the status."""
    scope = {
        "type": "http",
        "method": method,
        "path": raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": headers,
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return int(sent[0]["status"])


INJECT = "\r\nINFO cors_core forged entry\x85\u2028\x1b[31m"
INJECT_B = "\r\nINFO cors_core forged entry\x85\x1b[31m".encode("latin-1")


@pytest.mark.parametrize(
    ("method", "path", "headers", "code"),
    [
        (
            "OPTIONS",
            b"/a",
            [
                (b"origin", b"https://evil.example" + INJECT_B),
                (b"access-control-request-method", b"PUT"),
            ],
            "origin_malformed",
        ),
        (
            "OPTIONS",
            b"/a" + INJECT_B,
            [(b"origin", b"https://evil.example"), (b"access-control-request-method", b"PUT")],
            "origin_not_allowed",
        ),
        (
            "OPTIONS",
            b"/a",
            [
                (b"origin", APP_ORIGIN.encode()),
                (b"access-control-request-method", b"PUT" + INJECT_B),
            ],
            "method_malformed",
        ),
        (
            "OPTIONS",
            b"/a",
            [
                (b"origin", APP_ORIGIN.encode()),
                (b"access-control-request-method", b"PUT"),
                (b"access-control-request-headers", b"x-api-key," + INJECT_B),
            ],
            "request_headers_malformed",
        ),
        ("GET" + INJECT, b"/a", [(b"origin", b"https://evil.example")], "origin_not_allowed"),
    ],
)
def test_asgi_rejections_log_one_escaped_line(
    log_lines: io.StringIO, method: str, path: bytes, headers: list, code: str
) -> None:
    app = ASGICORS(plain_asgi, **OPTIONS)
    asgi_call(app, method, path, headers)
    lines = single_lines(log_lines)
    assert len(lines) == 1
    assert lines[0].startswith("DEBUG cors_core CORS ")
    assert f": [{code}] " in lines[0]
    assert "\\x0d\\x0aINFO cors_core forged entry\\x85" in lines[0]


def test_wsgi_path_and_headers_escaped(log_lines: io.StringIO) -> None:
    app = WSGICORS(lambda e, s: (s("200 OK", []), [b""])[1], **OPTIONS)
    environ = {
        "REQUEST_METHOD": "OPTIONS",
        "PATH_INFO": "/x" + INJECT.encode("utf-8").decode("latin-1"),
        "RAW_URI": "/x" + INJECT.encode("utf-8").decode("latin-1"),
        "HTTP_ORIGIN": APP_ORIGIN,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-evil" + INJECT_B.decode("latin-1"),
        "wsgi.url_scheme": "http",
    }
    statuses: list[str] = []
    app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses == ["403 Forbidden"]
    lines = single_lines(log_lines)
    assert len(lines) == 1
    assert "\\x0d\\x0aINFO cors_core forged entry" in lines[0]


def test_real_server_nel_and_high_bytes(log_lines: io.StringIO) -> None:
    """Over real HTTP (uvicorn) CR/LF cannot pass, but NEL and other obs-text bytes can."""
    with serve_asgi(ASGICORS(plain_asgi, **OPTIONS)) as base:
        r = httpx.options(
            base + "/items%0d%0a",
            headers={
                "Origin": b"https://evil.example\x85INFO forged",
                "Access-Control-Request-Method": "PUT",
            },
        )
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    lines = single_lines(log_lines)
    assert lines == [
        "DEBUG cors_core CORS preflight rejected: 'OPTIONS' '/items\\x0d\\x0a': [origin_malformed] "
        "Origin 'https://evil.example\\x85INFO forged' is not a serialized origin (scheme://host"
        "[:port], lowercase, no path, no default port, ASCII only); browsers never send that, "
        "so it is refused (it holds whitespace, control or non-ASCII characters)"
    ]


def test_allowed_requests_are_not_logged(log_lines: io.StringIO) -> None:
    app = ASGICORS(plain_asgi, **OPTIONS)
    assert (
        asgi_call(
            app,
            "OPTIONS",
            b"/",
            [(b"origin", APP_ORIGIN.encode()), (b"access-control-request-method", b"PUT")],
        )
        == 204
    )
    assert asgi_call(app, "GET", b"/", [(b"origin", APP_ORIGIN.encode())]) == 200
    assert log_lines.getvalue() == ""


def test_nothing_formatted_when_debug_disabled(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    app = ASGICORS(plain_asgi, **OPTIONS)
    asgi_call(app, "GET", b"/", [(b"origin", b"https://evil.example")])
    assert caplog.records == []


def test_log_config_warning_is_info_and_one_line(log_lines: io.StringIO) -> None:
    log_config_warning(Problem("allow_headers", "'co\\nokie'", "is never sent\n", "remove it"))
    log_config_warning("plain text\r\nsecond")
    assert single_lines(log_lines) == [
        "INFO cors_core CORS configuration warning: allow_headers: 'co\\nokie' is never "
        "sent\\x0a; fix: remove it",
        "INFO cors_core CORS configuration warning: plain text\\x0d\\x0asecond",
    ]


def test_config_warnings_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CORSPolicy(allow_origins=[APP_ORIGIN], allow_headers=["cookie"])
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "allow_headers: 'cookie' is a header browsers never let a page send" in (
        caplog.records[0].getMessage()
    )
