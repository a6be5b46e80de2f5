"""Unit tests of cors_core._request: reading metadata from ASGI scopes and WSGI environs."""

from __future__ import annotations

from typing import Any

import pytest

from cors_core._request import RequestMeta, asgi_path, read_asgi, read_environ, wsgi_path


def test_read_asgi_all_fields() -> None:
    meta = read_asgi(
        [
            (b"host", b"api.example.com:8443"),
            (b"origin", b"https://a.example"),
            (b"access-control-request-method", b"PUT"),
            (b"access-control-request-headers", b"x-a,x-b"),
            (b"access-control-request-private-network", b"true"),
            (b"content-type", b"text/plain"),
        ]
    )
    assert meta == RequestMeta("https://a.example", "PUT", "x-a,x-b", True, "api.example.com:8443")


def test_read_asgi_joins_duplicates() -> None:
    meta = read_asgi(
        [
            (b"origin", b"https://a.example"),
            (b"origin", b"https://b.example"),
            (b"access-control-request-method", b"PUT"),
            (b"access-control-request-method", b"GET"),
            (b"access-control-request-headers", b"x-a"),
            (b"access-control-request-headers", b"x-b, x-c"),
        ]
    )
    assert meta.origin == "https://a.example, https://b.example"
    assert meta.request_method == "PUT, GET"
    assert meta.request_headers == "x-a,x-b, x-c"


def test_read_asgi_empty_and_latin1() -> None:
    assert read_asgi([]) == RequestMeta(None, None, None, False, None)
    assert read_asgi([(b"origin", b"https://\xe9.example")]).origin == "https://\u00e9.example"


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        (b"true", True),
        (b"TRUE", True),
        (b" true ", True),
        (b"false", False),
        (b"1", False),
        (b"", False),
        (b"yes", False),
    ],
)
def test_read_asgi_private_network_flag(value: bytes, flag: bool) -> None:
    assert read_asgi([(b"access-control-request-private-network", value)]).private_network is flag


def test_read_environ() -> None:
    environ = {
        "HTTP_ORIGIN": "https://a.example",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a,x-b",
        "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": " True",
        "HTTP_HOST": "api.example.com",
        "PATH_INFO": "/x",
    }
    assert read_environ(environ) == RequestMeta(
        "https://a.example", "PUT", "x-a,x-b", True, "api.example.com"
    )
    assert read_environ({}) == RequestMeta(None, None, None, False, None)
    assert not read_environ({"HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": "0"}).private_network


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        # The decoded path the router sees, never raw_path (which may hide %69 for 'i').
        ({"raw_path": b"/a%20b+c?x=1", "path": "/a b+c"}, "/a b+c"),
        ({"raw_path": b"/api/%69nternal", "path": "/api/internal"}, "/api/internal"),
        ({"raw_path": b"/api%2Finternal", "path": "/api/internal"}, "/api/internal"),
        ({"raw_path": b"/api/%2e%2e/admin", "path": "/api/../admin"}, "/api/../admin"),
        ({"raw_path": bytearray(b"/x"), "path": "/x"}, "/x"),
        # The mount point is not routed (Starlette's get_route_path, Django's path_info):
        # taken off the front of path; a path without it (older servers) is routed as is.
        ({"path": "/a b+c/\u00e9", "root_path": "/r"}, "/a b+c/\u00e9"),
        ({"path": "/r/x", "root_path": "/r"}, "/x"),
        ({"path": "/r", "root_path": "/r"}, "/"),
        ({"path": "/rx/y", "root_path": "/r"}, "/rx/y"),
        ({"path": "/r/x", "root_path": ""}, "/r/x"),
        ({"raw_path": None, "path": "/x%y"}, "/x%y"),
        ({"path": "/x?y"}, "/x?y"),
        ({"path": ""}, "/"),
        ({}, "/"),
    ],
)
def test_asgi_path(scope: dict[str, Any], path: str) -> None:
    assert asgi_path(scope) == path


@pytest.mark.parametrize(
    ("environ", "path"),
    [
        # RAW_URI / REQUEST_URI (the raw request line) are never used.
        ({"RAW_URI": "/a+b%2F?q=1", "PATH_INFO": "/a+b/"}, "/a+b/"),
        ({"REQUEST_URI": "/r%20x?q", "PATH_INFO": "/r x"}, "/r x"),
        ({"RAW_URI": "/api/%69nternal", "PATH_INFO": "/api/internal"}, "/api/internal"),
        # PEP 3333: PATH_INFO holds the bytes decoded as latin-1; they are UTF-8.
        ({"PATH_INFO": "/a b/\xc3\xa9"}, "/a b/\u00e9"),
        # SCRIPT_NAME (the mount point, which a client may set through some servers) is
        # never part of the routed path: Flask and Django route PATH_INFO.
        ({"SCRIPT_NAME": "/public", "PATH_INFO": "/internal/x"}, "/internal/x"),
        # Invalid UTF-8 (an overlong '/') is never a separator: U+FFFD, as werkzeug reads it.
        ({"PATH_INFO": "/api/\xc0\xafinternal"}, "/api/\ufffd\ufffdinternal"),
        # Text beyond latin-1 (a test client's str) is taken as it is.
        ({"PATH_INFO": "/caf\u00e9/\u2603"}, "/caf\u00e9/\u2603"),
        ({"PATH_INFO": "/x?y"}, "/x?y"),
        ({}, "/"),
    ],
)
def test_wsgi_path(environ: dict[str, str], path: str) -> None:
    assert wsgi_path(environ) == path
