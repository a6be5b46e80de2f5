"""More pinned ASGI adapter behaviour, found by mutation testing after the hot path began to
look held answers up by the ``Origin`` header's bytes (see CONTRIBUTING.md, "Mutation
testing"). Real ASGI calls; what the engine is asked is compared with
:func:`cors_core.integration.read_asgi`, the rule the adapter inlines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy
from cors_core.integration import read_asgi
from tests.engines import FixedNoOriginEngine, Held
from tests.test_asgi_pinned import APP, VARY, call, echo_app, headers_of, scope

TEXT = (b"content-type", b"text/plain")


def test_an_actual_request_not_held_gives_the_engine_every_value_read() -> None:
    """An actual request whose origin the engine holds no answer for is decided by the
    engine with every value the header list carries, as ``read_asgi`` reads them: the
    request headers line and a private-network request too, not only the origin."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP]))
    held = Held({})
    engine.answers_by_raw_origin = held  # type: ignore[attr-defined]
    s = scope(
        "POST",
        origin=APP,
        access_control_request_headers="x-token",
        access_control_request_private_network="true",
    )
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    assert held.looked_up == [APP.encode()]
    assert engine.decided == [("POST", APP, None, "x-token", True)]
    expected = read_asgi(s["headers"], False, method="POST")
    assert engine.decided == [("POST", *expected[:4])]
    assert headers_of(sent) == [TEXT, (b"access-control-allow-origin", APP.encode()), VARY]


_VALUES = {
    "access_control_request_headers": st.sampled_from(["x-token", "x-a, x-b", " "]),
    "access_control_request_private_network": st.sampled_from(["true", " TRUE ", "false"]),
}


@settings(max_examples=40, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    origin=st.sampled_from([APP, "https://evil.example.net", "null", "https://Ä.example"]),
    extra=st.fixed_dictionaries({}, optional=_VALUES),
)
def test_an_actual_request_reaches_the_engine_as_read_asgi_reads_it(
    method: str, origin: str, extra: dict[str, str]
) -> None:
    """Whatever an actual request (no ``Access-Control-Request-Method``) carries, an engine
    without held answers is asked with exactly what ``read_asgi`` reads from it."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP]))
    s = scope(method, origin=origin, **extra)
    call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], False, method=method)
    assert engine.decided == [(method, *expected[:4])]


@pytest.mark.parametrize("method", ["OPTIONS", "GET"])
def test_only_the_first_two_origin_lines_are_joined(method: str) -> None:
    """A third ``Origin`` line is skipped, as ``read_asgi`` skips it: the engine is given
    the first two joined with ``", "``, on a preflight (read to the end) and on a request
    whose policy needs ``Host`` (read to the end too)."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP], allow_methods=["PUT"]))
    if method == "GET":
        engine.uses_host = True
    s = scope(method)
    s["headers"] += [
        (b"origin", APP.encode()),
        (b"origin", b"https://b.example"),
        (b"origin", b"https://c.example"),
        (b"access-control-request-method", b"PUT"),
    ]
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], method == "GET", method=method)
    assert expected.origin == f"{APP}, https://b.example"
    assert [asked[:3] for asked in engine.decided] == [(method, expected.origin, "PUT")]
    assert sent[0]["status"] == (403 if method == "OPTIONS" else 200)


def test_only_the_first_two_request_method_lines_are_joined() -> None:
    """A third ``Access-Control-Request-Method`` line is skipped, as ``read_asgi`` skips
    it: the engine is given the first two joined with ``", "`` (malformed, so refused)."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP], allow_methods=["PUT"]))
    s = scope("OPTIONS", origin=APP)
    s["headers"] += [
        (b"access-control-request-method", b"PUT"),
        (b"access-control-request-method", b"GET"),
        (b"access-control-request-method", b"POST"),
    ]
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], False, method="OPTIONS")
    assert expected.request_method == "PUT, GET"
    assert engine.decided == [("OPTIONS", APP, "PUT, GET", None, False)]
    assert engine.decided == [("OPTIONS", *expected[:4])]
    assert (sent[0]["status"], sent[1]["body"]) == (
        403,
        b"CORS preflight rejected (method_malformed)\n",
    )


@pytest.mark.parametrize(
    "long",
    ["origin", "method", "headers"],
)
def test_a_preflight_past_the_memo_key_bounds_is_decided_with_every_value(long: str) -> None:
    """A preflight whose origin, method or header list is too long to be a memo key is not
    looked up: the engine decides it with every value read, a private-network request
    included (refused here: the policy allows no private network)."""
    from cors_core.integration import MAX_CACHED_HEADERS, MAX_CACHED_ORIGIN, MAX_METHOD_LENGTH

    origin = "https://" + ".".join(["a" * 60, "b" * 60, "c" * 20]) + ".example.com"
    assert len(origin) > MAX_CACHED_ORIGIN
    method = "X" * (MAX_METHOD_LENGTH + 1)
    names = ",".join(["x-token"] * (MAX_CACHED_HEADERS // 8 + 1))
    policy = CORSPolicy(
        allow_origins=["https://*.example.com", APP], allow_methods=["*"], allow_headers=["*"]
    )
    engine = FixedNoOriginEngine(policy)
    s = scope(
        "OPTIONS",
        origin=origin if long == "origin" else APP,
        access_control_request_method=method if long == "method" else "PUT",
        access_control_request_headers=names if long == "headers" else "x-token",
        access_control_request_private_network="true",
    )
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], False, method="OPTIONS")
    assert engine.decided == [("OPTIONS", *expected[:4])]
    assert engine.decided[0][-1] is True
    assert sent[0]["status"] == 403
    code = "method_malformed" if long == "method" else "private_network_not_allowed"
    assert sent[1]["body"] == f"CORS preflight rejected ({code})\n".encode()
