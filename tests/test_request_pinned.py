"""Reading request metadata: outcomes the other request tests leave open (found by
mutation testing), through the public ``cors_core.integration`` names.

Which requests are preflights, the three readers' joining and stopping rules, the
length each value is read to, the mount point taken off only when it is a prefix, and the
scheme a request came with.
"""

from __future__ import annotations

import pytest

from cors_core import CORSPolicy, ReasonCode
from cors_core.buckets import from_gcs
from cors_core.integration import (
    ASGI_NAMES,
    CORS_REQUEST_NAMES,
    MAX_METHOD_LENGTH,
    MAX_REQUEST_HEADERS_LENGTH,
    RequestMeta,
    asgi_path,
    asgi_scheme,
    is_preflight,
    read_asgi,
    read_environ,
    read_pairs,
    scan_asgi,
    wsgi_scheme,
)

A = "https://a.example"
B = "https://b.example"
ACRM = b"access-control-request-method"
ACRH = b"access-control-request-headers"


@pytest.mark.parametrize(
    ("method", "origin", "request_method", "preflight"),
    [
        ("OPTIONS", A, "PUT", True),
        ("OPTIONS", A, None, False),  # an ordinary OPTIONS request
        ("OPTIONS", None, "PUT", False),  # no Origin: not a CORS request
        ("OPTIONS", None, None, False),
        ("GET", A, "PUT", False),
        ("GET", None, "PUT", False),
        ("options", A, "PUT", False),  # methods are case-sensitive
    ],
)
def test_is_preflight(
    method: str, origin: str | None, request_method: str | None, preflight: bool
) -> None:
    assert is_preflight(method, origin, request_method) is preflight


# ------------------------------------------------------------------ joining and stopping

#: Two Origin lines, then Access-Control-Request-Method and Host.
TWICE = [
    (b"origin", A.encode()),
    (b"origin", B.encode()),
    (ACRM, b"PUT"),
    (b"host", b"api.example"),
]


def test_only_a_request_that_cannot_be_a_preflight_stops_at_a_second_origin() -> None:
    joined = f"{A}, {B}"
    assert read_asgi(TWICE, False, method="GET") == RequestMeta(joined, None, None, False, None)
    assert read_asgi(TWICE, False, method="OPTIONS") == RequestMeta(
        joined, "PUT", None, False, None
    )
    assert read_asgi(TWICE, False) == RequestMeta(joined, "PUT", None, False, None)
    # With Host wanted, nothing stops early.
    assert read_asgi(TWICE, True, method="GET") == RequestMeta(
        joined, "PUT", None, False, "api.example"
    )


def test_scan_asgi_reads_everything_unless_told_to_stop() -> None:
    joined = f"{A}, {B}"
    assert scan_asgi(TWICE) == (joined, "PUT", None, False, "api.example")
    assert scan_asgi(TWICE, ASGI_NAMES) == (joined, "PUT", None, False, "api.example")
    assert scan_asgi(TWICE, CORS_REQUEST_NAMES) == (joined, "PUT", None, False, None)
    assert scan_asgi(TWICE, CORS_REQUEST_NAMES, True) == (joined, None, None, False, None)
    headers = [(b"origin", b"https://\xe9.example"), (ACRH, b"x-a"), (ACRH, b"x-b")]
    assert scan_asgi(headers) == ("https://\u00e9.example", None, "x-a,x-b", False, None)


def test_read_pairs_reads_names_in_any_case_and_joins_as_read_asgi_does() -> None:
    pairs = [
        ("Origin", A),
        ("ORIGIN", B),
        ("Access-Control-Request-Method", "PUT"),
        ("access-control-request-method", "GET"),
        ("Access-Control-Request-Headers", "x-a"),
        ("ACCESS-CONTROL-REQUEST-HEADERS", "x-b"),
        ("Access-Control-Request-Private-Network", "true"),
        ("Host", "api.example"),
        ("Content-Type", "text/plain"),
    ]
    meta = read_pairs(pairs)
    assert isinstance(meta, RequestMeta)
    assert meta == RequestMeta(f"{A}, {B}", "PUT, GET", "x-a,x-b", True, "api.example")
    assert read_pairs([]) == RequestMeta(None, None, None, False, None)


# ------------------------------------------------------------------ how much is read


def test_a_method_is_read_to_one_character_past_the_longest_accepted() -> None:
    at_bound = "M" * MAX_METHOD_LENGTH
    assert read_asgi([(ACRM, at_bound.encode())]).request_method == at_bound
    long = "M" * MAX_METHOD_LENGTH + "N" * 100
    read = read_asgi([(ACRM, long.encode())]).request_method
    assert read == long[: MAX_METHOD_LENGTH + 1]
    # ... which the engine refuses as too long, never as another method.
    policy = from_gcs([{"origin": [A], "method": ["*"]}])
    d = policy.decide("OPTIONS", A, read)
    assert (d.status, d.reason.code, d.reason.value) == (403, ReasonCode.METHOD_MALFORMED, read)
    assert policy.decide("OPTIONS", A, at_bound).allowed


def test_request_headers_are_read_to_one_character_past_the_longest_accepted() -> None:
    at_bound = "x" * MAX_REQUEST_HEADERS_LENGTH
    assert read_asgi([(ACRH, at_bound.encode())]).request_headers == at_bound
    long = at_bound + "y" * 100
    read = read_asgi([(ACRH, long.encode())]).request_headers
    assert read == long[: MAX_REQUEST_HEADERS_LENGTH + 1]


def test_a_second_request_headers_line_is_joined_to_a_first_at_the_bound() -> None:
    first = "x" * MAX_REQUEST_HEADERS_LENGTH
    meta = read_asgi([(ACRH, first.encode()), (ACRH, b"x-b")])
    assert meta.request_headers == f"{first},x-b"  # over the bound: refused whole
    policy = CORSPolicy(allow_origins=[A], allow_headers=["*"])
    d = policy.decide("OPTIONS", A, "PUT", meta.request_headers)
    assert (d.status, d.allowed) == (403, False)
    # Past the bound, further lines are not read.
    longer = "x" * (MAX_REQUEST_HEADERS_LENGTH + 1)
    meta = read_asgi([(ACRH, longer.encode()), (ACRH, b"x-b")])
    assert meta.request_headers == longer


# ------------------------------------------------------------------ path and scheme


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        ({"path": "/a/c", "root_path": "/r"}, "/a/c"),  # not under the mount point
        ({"path": "/r/c", "root_path": "/r"}, "/c"),
    ],
)
def test_the_mount_point_is_taken_off_only_as_a_prefix(scope: dict[str, str], path: str) -> None:
    assert asgi_path(scope) == path


def test_the_scheme_is_the_servers_or_http() -> None:
    assert asgi_scheme({"scheme": "https"}) == "https"
    assert asgi_scheme({"type": "http"}) == "http"
    assert wsgi_scheme({"wsgi.url_scheme": "https"}) == "https"
    assert wsgi_scheme({}) == "http"
    # The scheme decides whether a request is same-origin under block_disallowed.
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    for scheme in (asgi_scheme({}), wsgi_scheme({})):
        d = policy.decide("POST", "http://api.example", host="api.example", scheme=scheme)
        assert d.allowed


def test_read_environ_wants_host_only_when_asked() -> None:
    environ = {"HTTP_ORIGIN": A, "HTTP_HOST": "api.example"}
    assert read_environ(environ).host == "api.example"
    assert read_environ(environ, want_host=False).host is None
