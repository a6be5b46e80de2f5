"""cors_core.integration, the adapters' interface: the bound fast path of ``Gate`` answers
and logs exactly like ``Gate.decide``, one preflight rule, one header-reading rule."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors_core import CORSPolicy, PathRules
from cors_core.integration import (
    Engine,
    Gate,
    asgi_path,
    asgi_scheme,
    is_preflight,
    read_asgi,
    read_pairs,
    resolve_policy,
    suggest,
    wsgi_path,
    wsgi_scheme,
)

APP = "https://app.example.com"
ENGINES: dict[str, Engine] = {
    "plain": CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PUT"]),
    "star": CORSPolicy(allow_origins=["*"]),
    "block": CORSPolicy(allow_origins=[APP], block_disallowed=True),
    "rules": PathRules(
        {"/internal/*": None, "/open/*": CORSPolicy(allow_origins=["*"])},
        default=CORSPolicy(allow_origins=[APP], block_disallowed=True),
    ),
}

methods = st.sampled_from(["GET", "POST", "PUT", "OPTIONS", "DELETE"])
origins = st.sampled_from([None, APP, "https://evil.example", "http://api.example.com", "null"])
request_methods = st.sampled_from([None, "GET", "PUT", "PATCH", "put", ""])
request_headers = st.sampled_from([None, "content-type", "x-a,x-b", "x a"])
paths = st.sampled_from(["/", "/internal/x", "/open/y", "/api"])
schemes = st.sampled_from(["http", "https"])
hosts = st.sampled_from([None, "api.example.com"])


@given(
    st.sampled_from(sorted(ENGINES)),
    methods,
    origins,
    request_methods,
    request_headers,
    st.booleans(),
    hosts,
    paths,
    schemes,
)
def test_bound_step_equals_gate_decide(
    engine: str,
    method: str,
    origin: str | None,
    request_method: str | None,
    names: str | None,
    pna: bool,
    host: str | None,
    path: str,
    scheme: str,
) -> None:
    gate = Gate(ENGINES[engine])
    scope = {"type": "http", "path": path, "scheme": scheme}
    environ = {"PATH_INFO": path, "wsgi.url_scheme": scheme}
    expected = gate.decide(
        method,
        origin,
        request_method,
        names,
        pna,
        path=path if gate.uses_path else "",
        host=host if gate.want_host else None,
        scheme=scheme,
        where=lambda: path,
    )
    asgi = gate.bind(asgi_path, asgi_scheme)
    wsgi = gate.bind(wsgi_path, wsgi_scheme)
    host = host if gate.want_host else None
    assert asgi(method, origin, request_method, names, pna, host, scope) == expected
    assert wsgi(method, origin, request_method, names, pna, host, environ) == expected


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_bound_step_logs_like_gate_decide(engine: str, caplog: pytest.LogCaptureFixture) -> None:
    gate = Gate(ENGINES[engine])
    caplog.set_level(logging.DEBUG, logger="cors_core")
    scope: dict[str, Any] = {"type": "http", "path": "/api", "scheme": "http"}
    for origin in ("https://evil.example", APP):
        gate.decide(
            "OPTIONS",
            origin,
            "PATCH",
            path="/api" if gate.uses_path else "",
            host="api.example.com",
            where=lambda: "/api",
        )
        expected = [r.getMessage() for r in caplog.records]
        caplog.clear()
        gate.bind(asgi_path, asgi_scheme)(
            "OPTIONS", origin, "PATCH", None, False, "api.example.com", scope
        )
        assert [r.getMessage() for r in caplog.records] == expected
        assert expected and "/api" in expected[0]
        caplog.clear()


@given(methods, origins, request_methods)
def test_is_preflight_is_the_rule_the_policy_applies(
    method: str, origin: str | None, request_method: str | None
) -> None:
    decision = ENGINES["plain"].decide(method, origin, request_method)
    assert decision.preflight is is_preflight(method, origin, request_method)


header_pairs = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "Origin",
                "origin",
                "Host",
                "Access-Control-Request-Method",
                "access-control-request-headers",
                "Access-Control-Request-Private-Network",
                "Accept",
            ]
        ),
        st.text(st.characters(max_codepoint=255), max_size=10),
    ),
    max_size=10,
)


@given(header_pairs)
def test_read_pairs_joins_like_read_asgi(pairs: list[tuple[str, str]]) -> None:
    raw = [(name.lower().encode(), value.encode("latin-1")) for name, value in pairs]
    assert read_pairs(pairs) == read_asgi(raw)


def test_engines_are_engines() -> None:
    for engine in ENGINES.values():
        assert isinstance(engine, Engine)
        assert resolve_policy(engine) is engine


def test_suggest() -> None:
    assert suggest("allow_orgins", ["allow_origins", "max_age"]) == "did you mean 'allow_origins'?"
    assert suggest("zzz", ["allow_origins"]) == ""
    assert suggest("zzz", ["allow_origins"], "remove it") == "remove it"
