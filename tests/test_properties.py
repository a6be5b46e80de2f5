"""Property tests: random policies x random (often hostile) requests, through both adapters.

Invariants checked on every example:

- a disallowed origin is never reflected, and a reflected origin is the request's, byte for byte;
- ``*`` never goes with ``Access-Control-Allow-Credentials``;
- no emitted header name or value contains CR, LF or NUL; at most one of each CORS header;
- the ASGI and WSGI adapters answer identically;
- the browser model's verdict on the response agrees with the engine's decision;
- for well-formed origins, "allowed" matches a small independent oracle of the origin rules.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cors_core import ConfigError, CORSPolicy, ReasonCode
from tests.scenario_table import (
    ACAC,
    ACAO,
    CTRL_RE,
    HOST,
    Request,
    Result,
    asgi_stack,
    browser_verdict,
    call_asgi,
    call_wsgi,
    req,
    wsgi_stack,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCHEMES = ["http", "https"]
HOSTS = [
    "example.com",
    "app.example.com",
    "api.example.com",
    "a.b.example.com",
    "b.example.com",
    "example.org",
    "localhost",
    "127.0.0.1",
    "evil.net",
    "example.com.evil.net",
    "appexample.com",
    "app.example.com.evil.net",
    HOST,
]
BASES = ["example.com", "b.example.com", "example.org"]
PORTS: list[str | None] = [None, "3000", "8443"]
METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]
HEADER_NAMES = ["x-token", "authorization", "content-type", "x-b", "accept"]


@dataclass(frozen=True)
class Entry:
    """One allow_origins entry in structured form (port "*": any port)."""

    scheme: str
    host: str
    port: str | None
    subdomains: bool

    def text(self) -> str:
        host = f"*.{self.host}" if self.subdomains else self.host
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port else "")

    def matches(self, scheme: str, host: str, port: str | None) -> bool:
        if scheme != self.scheme or (self.port != "*" and port != self.port):
            return False
        return host.endswith("." + self.host) if self.subdomains else host == self.host


entries = st.one_of(
    st.builds(
        Entry,
        st.sampled_from(SCHEMES),
        st.sampled_from(HOSTS),
        st.sampled_from([*PORTS, "*"]),
        st.just(False),
    ),
    st.builds(
        Entry,
        st.sampled_from(SCHEMES),
        st.sampled_from(BASES),
        st.sampled_from([None, "3000", "*"]),
        st.just(True),
    ),
)


@dataclass(frozen=True)
class PolicySpec:
    wildcard: bool
    entries: tuple[Entry, ...]
    credentials: bool
    methods: Any
    headers: Any
    private_network: bool
    block_disallowed: bool

    def options(self) -> dict[str, Any]:
        return {
            "allow_origins": ["*"] if self.wildcard else [e.text() for e in self.entries],
            "allow_credentials": self.credentials,
            "allow_methods": self.methods,
            "allow_headers": self.headers,
            "allow_private_network": self.private_network,
            "block_disallowed": self.block_disallowed,
        }

    def build(self) -> CORSPolicy:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # plain-http origins with credentials warn
            return CORSPolicy(**self.options())

    def origin_allowed(self, scheme: str, host: str, port: str | None) -> bool:
        return self.wildcard or any(e.matches(scheme, host, port) for e in self.entries)


@st.composite
def policies(draw: st.DrawFn) -> PolicySpec:
    credentials = draw(st.booleans())
    wildcard = not credentials and draw(st.booleans())
    return PolicySpec(
        wildcard=wildcard,
        entries=tuple(draw(st.lists(entries, max_size=5))),
        credentials=credentials,
        methods=draw(st.one_of(st.just("*"), st.lists(st.sampled_from(METHODS), unique=True))),
        headers=draw(st.one_of(st.just("*"), st.lists(st.sampled_from(HEADER_NAMES), unique=True))),
        # allow_private_network with allow_origins=["*"] is a ConfigError
        private_network=not wildcard and draw(st.booleans()),
        block_disallowed=draw(st.booleans()),
    )


@dataclass(frozen=True)
class OriginSpec:
    """A request Origin: ``raw`` bytes, and its structured form when it is well formed."""

    raw: bytes
    parts: tuple[str, str, str | None] | None
    malformed: bool = False


def _serialize(scheme: str, host: str, port: str | None) -> str:
    return f"{scheme}://{host}" + (f":{port}" if port else "")


MUTATIONS = [
    lambda o: o + "/",
    lambda o: o + "/path",
    lambda o: o.upper(),
    lambda o: o.replace("://", "://user@"),
    lambda o: " " + o,
    lambda o: o + " ",
    lambda o: o + "\r\nX-Injected: 1",
    lambda o: o + "\n",
    lambda o: o + "\x00",
    lambda o: o + "..",  # (one trailing dot is a valid host of its own: example.com.)
    lambda o: o + ":443" if o.startswith("https:") else o + ":80",
    lambda o: o + ":99999",
    lambda o: o.replace("://", ":/"),
    lambda o: o + "\xe9",
    lambda o: o + ", " + o,
    lambda o: o.replace("example", "EXAMPLE"),
    lambda o: o + "#",
    lambda o: o + "?",
]


@st.composite
def origins(draw: st.DrawFn) -> OriginSpec | None:
    kind = draw(st.sampled_from(["none", "good", "good", "good", "mutated", "bytes", "null"]))
    if kind == "none":
        return None
    if kind == "null":
        return OriginSpec(b"null", None)
    if kind == "bytes":
        return OriginSpec(draw(st.binary(max_size=80)), None)
    parts = (
        draw(st.sampled_from(SCHEMES)),
        draw(st.sampled_from(HOSTS)),
        draw(st.sampled_from([*PORTS, "1", "65535"])),
    )
    text = _serialize(*parts)
    if kind == "good":
        return OriginSpec(text.encode(), parts)
    mutated = draw(st.sampled_from(MUTATIONS))(text)
    if mutated == text:
        return OriginSpec(text.encode(), parts)
    return OriginSpec(mutated.encode("latin-1"), None, malformed=True)


request_header_lists = st.one_of(
    st.none(),
    st.lists(st.sampled_from([*HEADER_NAMES, "x-other", "X-Token", ""]), max_size=8)
    .map(lambda names: st.sampled_from([",", ", ", " , ", ",,"]).map(lambda sep: sep.join(names)))
    .flatmap(lambda s: s),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "," * n + "x-token"),
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[Request, OriginSpec | None]:
    origin = draw(origins())
    is_preflight = draw(st.booleans())
    raw_origin = origin.raw if origin is not None else None
    if is_preflight:
        r = req(
            "OPTIONS",
            raw_origin,
            acrm=draw(
                st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "patch", "PROPFIND"])
            ),
            acrh=draw(request_header_lists),
            pna=draw(st.booleans()),
        )
    else:
        r = req(draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS"])), raw_origin)
    return r, origin


def _run_both(spec: PolicySpec, r: Request) -> Result:
    policy = spec.build()
    a = call_asgi(asgi_stack(policy), r)
    w = call_wsgi(wsgi_stack(policy), r)
    assert a.status == w.status
    assert a.body == w.body
    assert a.cors() == w.cors()
    assert a.get("vary") == w.get("vary")
    return w


def _decide(spec: PolicySpec, r: Request) -> Any:
    origin = b", ".join(r.origins).decode("latin-1") if r.origins else None
    acrm = r.header(b"access-control-request-method")
    acrh = r.header(b"access-control-request-headers")
    return spec.build().decide(
        r.method,
        origin,
        acrm.decode("latin-1") if acrm is not None else None,
        acrh.decode("latin-1") if acrh is not None else None,
        r.header(b"access-control-request-private-network") == b"true",
        host=HOST,
        scheme="http",
    )


def check_invariants(
    spec: PolicySpec, r: Request, origin: OriginSpec | None, browser_credentials: bool
) -> None:
    res = _run_both(spec, r)
    for name, value in res.headers:
        assert not CTRL_RE.search(name), name
        assert not CTRL_RE.search(value), (name, value)
    cors = res.cors()  # also asserts that no CORS header is repeated
    decision = _decide(spec, r)
    acao = cors.get(ACAO)
    if acao is not None:
        assert decision.allowed
        assert acao == "*" or (origin is not None and acao.encode("latin-1") == origin.raw)
    if acao == "*":
        assert ACAC not in cors and not spec.credentials
    if ACAC in cors:
        assert cors[ACAC] == "true" and acao not in (None, "*")
    if not decision.allowed:
        assert not cors
    if origin is None:
        return
    if origin.malformed:
        assert acao is None, "a malformed origin was answered"
        assert not decision.allowed
    if origin.parts is not None:
        allowed = spec.origin_allowed(*origin.parts)
        if not r.is_preflight and decision.reason.code != ReasonCode.SAME_ORIGIN:
            assert (acao is not None) == allowed, (origin.parts, spec.options())
        if not allowed:
            assert acao is None
    if decision.reason.code == ReasonCode.SAME_ORIGIN:
        return  # a same-origin request: the browser runs no CORS check
    verdict = browser_verdict(r, res, browser_credentials)
    expected = decision.allowed and (not browser_credentials or spec.credentials)
    assert verdict.allowed is expected, (verdict.code, verdict.message, decision.reason)


@FAST
@given(spec=policies(), request=requests(), browser_credentials=st.booleans())
def test_adapters_and_browser_agree(
    spec: PolicySpec, request: tuple[Request, OriginSpec | None], browser_credentials: bool
) -> None:
    check_invariants(spec, request[0], request[1], browser_credentials)


@pytest.mark.slow
@SLOW
@given(spec=policies(), request=requests(), browser_credentials=st.booleans())
def test_adapters_and_browser_agree_long(
    spec: PolicySpec, request: tuple[Request, OriginSpec | None], browser_credentials: bool
) -> None:
    check_invariants(spec, request[0], request[1], browser_credentials)


@FAST
@given(
    origin_list=st.lists(st.one_of(st.just("*"), entries.map(Entry.text)), min_size=1),
    expose=st.one_of(st.just("*"), st.lists(st.sampled_from(["x-a", "x-b"]))),
)
def test_wildcard_never_with_credentials_in_config(origin_list: list[str], expose: Any) -> None:
    if "*" not in origin_list and expose != "*":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            CORSPolicy(allow_origins=origin_list, expose_headers=expose, allow_credentials=True)
        return
    with pytest.raises(ConfigError):
        CORSPolicy(allow_origins=origin_list, expose_headers=expose, allow_credentials=True)


@FAST
@given(raw=st.binary(max_size=200), credentials=st.booleans())
def test_random_origin_bytes_never_reflected_unless_valid(raw: bytes, credentials: bool) -> None:
    """An exact allow-list reflects only its own entries, whatever bytes arrive."""
    listed = "https://app.example.com"
    spec_origin = raw.decode("latin-1")
    policy = CORSPolicy(allow_origins=[listed], allow_credentials=credentials, debug=True)
    r = req("GET", raw)
    for res in (call_asgi(asgi_stack(policy), r), call_wsgi(wsgi_stack(policy), r)):
        for name, value in res.headers:
            assert not CTRL_RE.search(name + value)
        expected = {ACAO: listed} if spec_origin == listed else {}
        if credentials and expected:
            expected[ACAC] = "true"
        assert res.cors() == expected
        assert res.get("vary") == "Origin"
