"""Unit tests of cors_core.request: reading metadata from ASGI scopes and WSGI environs."""

from __future__ import annotations

from typing import Any

import pytest

from cors_core.request import RequestMeta, asgi_path, read_asgi, read_environ, wsgi_path


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
        ({"raw_path": b"/a%20b+c?x=1", "path": "/a b+c"}, "/a%20b+c"),
        ({"raw_path": b"/api/%2e%2e/admin", "path": "/api/../admin"}, "/api/%2e%2e/admin"),
        ({"raw_path": bytearray(b"/x"), "path": "/x"}, "/x"),
        ({"path": "/a b+c/\u00e9", "root_path": "/r"}, "/r/a%20b+c/%C3%A9"),
        ({"raw_path": b"", "path": "/x"}, "/x"),
        ({"raw_path": None, "path": "/x%y"}, "/x%y"),
        ({"path": "/x?y"}, "/x%3Fy"),
        ({}, "/"),
    ],
)
def test_asgi_path(scope: dict[str, Any], path: str) -> None:
    assert asgi_path(scope) == path


@pytest.mark.parametrize(
    ("environ", "path"),
    [
        ({"RAW_URI": "/a+b%2F?q=1", "PATH_INFO": "/a+b/"}, "/a+b%2F"),
        ({"REQUEST_URI": "/r%20x?q", "PATH_INFO": "/r x"}, "/r%20x"),
        ({"RAW_URI": "", "REQUEST_URI": "/u", "PATH_INFO": "/other"}, "/u"),
        # PEP 3333: PATH_INFO holds the bytes decoded as latin-1
        ({"SCRIPT_NAME": "/s", "PATH_INFO": "/a b/\xc3\xa9"}, "/s/a%20b/%C3%A9"),
        ({"PATH_INFO": "/x?y"}, "/x%3Fy"),
        ({}, "/"),
    ],
)
def test_wsgi_path(environ: dict[str, str], path: str) -> None:
    assert wsgi_path(environ) == path
