"""Unit tests of cors_core._headers: request-header parsing and response-header merging."""

from __future__ import annotations

import pytest

from cors_core._headers import (
    MAX_REQUEST_HEADER_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    merge_raw_response_headers,
    merge_response_headers,
    parse_request_headers,
)
from cors_core.browser import is_forbidden_request_header


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x-a,x-b", ("x-a", "x-b")),  # what browsers send
        ("x-b, x-a", ("x-a", "x-b")),  # spaces, order
        ("X-A,  X-B ,\tx-c", ("x-a", "x-b", "x-c")),  # case, tabs
        (",x-a,,  ,x-b,", ("x-a", "x-b")),  # empty items
        ("x-a,X-A,x-a", ("x-a",)),  # duplicates
        ("x-a,x-b,x-c,x-a", ("x-a", "x-b", "x-c")),  # several lines joined with ','
        ("", ()),
        (" , ,", ()),
        ("authorization", ("authorization",)),
    ],
)
def test_parse_request_headers(value: str, expected: tuple[str, ...]) -> None:
    assert parse_request_headers(value) == expected


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("x a", "x a"),
        ("x-a,x;b", "x;b"),
        ("x-\u00e9", "x-\u00e9"),
        ('x-a,"q"', '"q"'),
        ("x\r\ny", "x\r\ny"),
    ],
)
def test_parse_request_headers_refuses_non_tokens(value: str, bad: str) -> None:
    assert str(parse_request_headers(value)) == "malformed:" + bad


def test_comma_flood_is_refused_as_too_long() -> None:
    flood = "," * 1_000_000
    assert str(parse_request_headers(flood)) == (
        f"too_long:more than {MAX_REQUEST_HEADERS_LENGTH} characters"
    )
    assert parse_request_headers("a," * 500_000) == parse_request_headers(flood)


def test_length_limit_is_inclusive() -> None:
    value = "x" * MAX_REQUEST_HEADERS_LENGTH
    assert parse_request_headers(value) == (value,)
    assert str(parse_request_headers(value + "x")) == (
        f"too_long:more than {MAX_REQUEST_HEADERS_LENGTH} characters"
    )


def test_too_many_names() -> None:
    ok = ",".join(f"x-{i}" for i in range(MAX_REQUEST_HEADER_NAMES))
    assert len(parse_request_headers(ok)) == MAX_REQUEST_HEADER_NAMES
    many = ok + ",x-extra"
    assert str(parse_request_headers(many)) == (
        f"too_long:{MAX_REQUEST_HEADER_NAMES + 1} names, at most {MAX_REQUEST_HEADER_NAMES}"
    )
    # duplicates do not count
    assert len(parse_request_headers(",".join(["x-a"] * 1000))) == 1


@pytest.mark.parametrize(
    ("name", "forbidden"),
    [
        ("Accept-Encoding", True),
        ("origin", True),
        ("Cookie", True),
        ("host", True),
        ("sec-fetch-site", True),
        ("Proxy-Authorization", True),
        ("content-type", False),
        ("authorization", False),
        ("x-sec-thing", False),
    ],
)
def test_browser_forbidden_headers(name: str, forbidden: bool) -> None:
    assert is_forbidden_request_header(name) is forbidden


ACAO = ("Access-Control-Allow-Origin", "https://a.example")


def test_merge_drops_app_cors_headers_and_appends_ours() -> None:
    app = [
        ("Content-Type", "text/plain"),
        ("access-control-allow-origin", "*"),
        ("Access-Control-Allow-Credentials", "true"),
        ("ACCESS-CONTROL-EXPOSE-HEADERS", "x"),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", "x"),
        ("Access-Control-Max-Age", "1"),
        ("Access-Control-Allow-Private-Network", "true"),
        ("X-App", "1"),
    ]
    assert merge_response_headers(app, [ACAO], False) == [
        ("Content-Type", "text/plain"),
        ("X-App", "1"),
        ACAO,
    ]


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        ([], [ACAO, ("Vary", "Origin")]),
        ([("Vary", "Accept")], [("Vary", "Accept, Origin"), ACAO]),
        ([("vary", "Accept-Encoding")], [("vary", "Accept-Encoding, Origin"), ACAO]),
        ([("Vary", "Origin")], [("Vary", "Origin"), ACAO]),
        ([("Vary", "accept, ORIGIN")], [("Vary", "accept, ORIGIN"), ACAO]),
        ([("Vary", "*")], [("Vary", "*"), ACAO]),
        ([("Vary", "")], [("Vary", "Origin"), ACAO]),
        (
            [("Vary", "Accept"), ("X", "1"), ("Vary", "Cookie")],
            [("Vary", "Accept, Cookie, Origin"), ("X", "1"), ACAO],
        ),
        ([("Vary", "Accept"), ("Vary", "Origin")], [("Vary", "Accept"), ("Vary", "Origin"), ACAO]),
    ],
)
def test_merge_vary_origin(app: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    merged = merge_response_headers(app, [ACAO], True)
    assert merged == expected
    varies = [v for k, v in merged if k.lower() == "vary"]
    tokens = [t.strip().lower() for v in varies for t in v.split(",")]
    assert tokens.count("origin") <= 1


def test_merge_without_vary_origin_leaves_vary_alone() -> None:
    app = [("Vary", "Accept"), ("Vary", "Cookie")]
    assert merge_response_headers(app, [], False) == app


def test_merge_raw_same_rules() -> None:
    app = [
        (b"content-type", b"text/plain"),
        (b"access-control-allow-origin", b"*"),
        (b"vary", b"Accept"),
        (b"vary", b"Cookie"),
    ]
    add = [(b"access-control-allow-origin", b"https://a.example")]
    assert merge_raw_response_headers(app, add, True) == [
        (b"content-type", b"text/plain"),
        (b"vary", b"Accept, Cookie, Origin"),
        (b"access-control-allow-origin", b"https://a.example"),
    ]
    assert merge_raw_response_headers([], add, True) == [*add, (b"vary", b"Origin")]
    assert merge_raw_response_headers([(b"vary", b"*")], add, True) == [(b"vary", b"*"), *add]
    assert merge_raw_response_headers([(b"Vary", b"origin")], [], True) == [(b"Vary", b"origin")]


def test_the_common_names_adapters_skip_are_never_ones_that_need_a_merge() -> None:
    """Adapters skip ``lower()`` for these names: none may be a CORS header or ``Vary`` in
    any spelling, and the two encodings name the same headers."""
    from cors_core._headers import (
        COMMON_NO_MERGE_NAMES,
        RAW_COMMON_NO_MERGE_NAMES,
        RAW_SPECIAL_NAMES,
        SPECIAL_NAMES,
    )

    assert {name.lower() for name in COMMON_NO_MERGE_NAMES}.isdisjoint(SPECIAL_NAMES)
    assert {name.lower() for name in RAW_COMMON_NO_MERGE_NAMES}.isdisjoint(RAW_SPECIAL_NAMES)
    raw = RAW_COMMON_NO_MERGE_NAMES
    assert {n.lower() for n in COMMON_NO_MERGE_NAMES} == {n.decode() for n in raw}
    assert {"Content-Type", "content-type", "Set-Cookie", "X-Request-Id"} <= COMMON_NO_MERGE_NAMES
