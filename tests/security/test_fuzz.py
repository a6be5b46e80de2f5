"""Hypothesis fuzzing of both adapters, in-process, over generated policies and hostile requests.

Every generated request (raw header bytes with CR/LF/NUL/non-ASCII, repeated headers,
huge values, odd methods and paths) goes through the ASGI *and* the WSGI middleware,
and every response must satisfy:

1. no exception escapes the middleware (the app here never raises);
2. no response header name or value holds CR, LF or NUL;
3. ``Access-Control-Allow-Origin`` appears at most once and is either ``*`` (only for an
   ``allow_origins=["*"]`` policy without credentials) or the request's ``Origin`` byte for
   byte -- and then an independent oracle (written here from the policy's *inputs*, not
   with the engine's matcher) agrees that origin is allowed;
4. ``Access-Control-Allow-Credentials`` only as ``true``, only with credentials, only
   with ``Access-Control-Allow-Origin``;
5. for requests a browser could send, the browser model (:mod:`cors_core.browser`)
   judging the actual response agrees with the engine's decision;
6. both adapters give the same status and the same CORS headers.

The default run is fast (a few hundred policies). The ``slow`` run keeps going with
fresh seeds until ``CORS_FUZZ_REQUESTS`` requests per adapter (default 100 000) or
``CORS_FUZZ_SECONDS`` seconds (default 30) -- whichever comes first -- and prints
how many it reached.
"""

from __future__ import annotations

import os
import random
import re
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, assume, given, seed, settings
from hypothesis import strategies as st

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import Action, ConfigError, CORSPolicy, Decision, PathRules
from cors_core._request import asgi_path, read_asgi
from cors_core.browser import (
    FORBIDDEN_METHODS,
    cors_check,
    normalize_method,
    preflight_check,
)
from tests.security.support import (
    ACAC,
    ACAO,
    CTRL_RE,
    asgi_app,
    asgi_scope,
    call_asgi,
    call_wsgi,
    cors_names,
    wsgi_app,
)

T = TypeVar("T")

# ---------------------------------------------------------------------------- strategies

BASES = ["example.com", "app.example.com", "example.org", "github.io", "localhost", "127.0.0.1"]
SCHEMES = ["https", "http"]
PORTS = ["", ":8443", ":3000"]
LABELS = ["app", "a.b", "www", "evil", "x-y", "app.example.com", "1"]
SPECIALS = [*"_`{}!$&'()*+,;=~%|^\\/?#@ \t\r\n\x00\x7f\x85\xa0\xe9", "%60", "%0d%0a", ".."]
REGEXES = [
    r"https://[a-z0-9-]+\.example\.org",
    r"https://app\.example\.com(:[0-9]+)?",
    r"https://app.example.com",  # unescaped dots: matches appxexample.com, by the user's choice
    r"http://localhost(:[0-9]{1,5})?",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "QUERY", "OPTIONS"]
ODD_METHODS = [
    "get",
    "put",
    "patch",
    "Patch",
    "",
    " GET",
    "GET\r\n",
    "G\x00T",
    "PUT,DELETE",
    "CONNECT",
    "TRACE",
    "M" * 300,
    "\xe9",
    "PUT PUT",
]
HEADER_NAMES = [
    "x-token",
    "content-type",
    "authorization",
    "x-a",
    "accept",
    "x-b",
    "range",
    "x-requested-with",
]
PATHS = [
    "/",
    "/api/x",
    "/api/admin/x",
    "/public/x",
    "/api/../admin/x",
    "/public/%2e%2e/admin",
    "/API/x",
    "/a+b",
    "/a%20b",
    "//",
    "/%00",
    "/\r\nx",
    "/\xe9",
    "/" + "a" * 3000,
]


@dataclass(frozen=True)
class Config:
    """The options a policy was built from, kept for the oracle."""

    star: bool
    exact: frozenset[str]
    patterns: tuple[tuple[str, str, str], ...]  # (scheme, base, port)
    any_port: tuple[tuple[str, str], ...]  # (scheme, host)
    regexes: tuple[str, ...]
    null: bool
    credentials: bool


@st.composite
def configs(draw: st.DrawFn) -> tuple[dict[str, Any], Config]:
    """Policy keyword options and their oracle view."""
    credentials = draw(st.booleans())
    star = not credentials and draw(st.integers(0, 5)) == 0
    exact: set[str] = set()
    patterns: list[tuple[str, str, str]] = []
    any_port: list[tuple[str, str]] = []
    entries: list[str] = []
    if star:
        entries = ["*"]
    else:
        for _ in range(draw(st.integers(0, 4))):
            scheme, base, port = draw(st.sampled_from(SCHEMES)), draw(st.sampled_from(BASES)), ""
            kind = draw(st.sampled_from(["exact", "exact", "pattern", "any_port"]))
            if base[0].isdigit() and kind == "pattern":
                kind = "exact"
            if kind == "exact":
                port = draw(st.sampled_from(PORTS))
                entries.append(f"{scheme}://{base}{port}")
                exact.add(f"{scheme}://{base}{port}")
            elif kind == "pattern":
                if credentials and base == "github.io":
                    base = "example.org"  # public suffix + credentials: refused (tested elsewhere)
                port = draw(st.sampled_from(PORTS))
                entries.append(f"{scheme}://*.{base}{port}")
                patterns.append((scheme, base, port))
            else:
                entries.append(f"{scheme}://{base}:*")
                any_port.append((scheme, base))
    null = not star and draw(st.integers(0, 6)) == 0
    if null:
        entries.append("null")
    regexes = draw(st.lists(st.sampled_from(REGEXES), max_size=2, unique=True))
    options: dict[str, Any] = {
        "allow_origins": entries,
        "allow_origin_regex": regexes or None,
        "allow_credentials": credentials,
        "allow_null_origin": null,
        "allow_methods": draw(st.one_of(st.just("*"), st.lists(st.sampled_from(METHODS[3:7])))),
        "allow_headers": draw(st.one_of(st.just("*"), st.lists(st.sampled_from(HEADER_NAMES)))),
        "expose_headers": draw(st.sampled_from([[], ["x-total"]] + ([] if credentials else ["*"]))),
        "max_age": draw(st.sampled_from([None, 0, 600, 7200])),
        "allow_private_network": draw(st.booleans()),
        "block_disallowed": draw(st.booleans()),
        "debug": draw(st.booleans()),
        "preflight_status": draw(st.sampled_from([200, 204])),
    }
    view = Config(
        star, frozenset(exact), tuple(patterns), tuple(any_port), tuple(regexes), null, credentials
    )
    return options, view


def clean_origins(view: Config) -> list[str]:
    """Origins a browser could send that are (or are near) the configured ones."""
    out = ["https://evil.example.net", "null", "http://localhost:3000", "https://appxexample.com"]
    out += sorted(view.exact)
    for scheme, base, port in view.patterns:
        out += [
            f"{scheme}://app.{base}{port}",
            f"{scheme}://{base}{port}",
            f"{scheme}://evil{base}{port}",
            f"{scheme}://a.b.{base}{port}",
        ]
    for scheme, host in view.any_port:
        out += [f"{scheme}://{host}:1", f"{scheme}://{host}:65535", f"{scheme}://{host}"]
    return out


class Picker:
    """The choices a request generator makes, from hypothesis (shrinkable) or a seeded
    :class:`random.Random` (fast, for the long run), so both share one generator."""

    def __init__(self, draw: st.DrawFn | None = None, rnd: random.Random | None = None) -> None:
        self.draw, self.rnd = draw, rnd

    def integer(self, lo: int, hi: int) -> int:
        if self.draw is not None:
            return self.draw(st.integers(lo, hi))
        assert self.rnd is not None
        return self.rnd.randint(lo, hi)

    def choice(self, seq: Sequence[T]) -> T:
        if self.draw is not None:
            return self.draw(st.sampled_from(seq))
        assert self.rnd is not None
        return self.rnd.choice(seq)

    def boolean(self) -> bool:
        return self.integer(0, 1) == 1

    def binary(self, max_size: int) -> bytes:
        if self.draw is not None:
            return self.draw(st.binary(max_size=max_size))
        assert self.rnd is not None
        return self.rnd.randbytes(self.rnd.randint(0, max_size))

    def text(self, max_size: int) -> str:
        if self.draw is not None:
            return self.draw(st.text(max_size=max_size))
        assert self.rnd is not None
        rnd = self.rnd
        return "".join(
            chr(rnd.choice((rnd.randint(0, 0x7F), rnd.randint(0x80, 0x2FFF), 0x2028)))
            for _ in range(rnd.randint(0, max_size))
        )


def origin_value(pick: Picker, view: Config) -> tuple[bytes | None, bool]:
    """An ``Origin`` header value (raw bytes) and whether a browser could have sent it."""
    clean = clean_origins(view)
    choice = pick.integer(0, 9)
    if choice <= 3:
        return pick.choice(clean).encode(), True
    if choice == 4:
        return None, True
    if choice <= 7:  # an attacker's variant of a good origin
        base = pick.choice(clean)
        special = pick.choice(SPECIALS)
        label = pick.choice(LABELS)
        variants = [
            base + special + ".evil.net",
            base + special,
            base.replace("://", "://" + label + special),
            base.upper(),
            base + "/",
            base.replace("https://", "http://") + ":443",
            base.replace(".", special, 1),
        ]
        return pick.choice(variants).encode("utf-8"), False
    if choice == 8:
        return pick.binary(80), False
    return pick.text(60).encode("utf-8", "surrogatepass"), False


def request_headers_value(pick: Picker) -> tuple[bytes, bool]:
    """An ``Access-Control-Request-Headers`` value and whether a browser could send it."""
    choice = pick.integer(0, 5)
    if choice <= 2:
        names = sorted({pick.choice(HEADER_NAMES) for _ in range(pick.integer(1, 5))})
        return ",".join(names).encode(), True
    if choice == 3:
        names = [pick.choice([*HEADER_NAMES, "X-UP", "", " "]) for _ in range(pick.integer(0, 6))]
        sep = pick.choice([",", ", ", " ,", ",,", ",\t"])
        return sep.join(names).encode(), False
    if choice == 4:
        unit = pick.choice([",", "a,", " ", "x-a, "])
        return unit.encode() * pick.integer(1, 12000), False
    return pick.binary(100), False


@dataclass(frozen=True)
class Req:
    """One generated request."""

    method: str
    path: str
    headers: tuple[tuple[bytes, bytes], ...]
    browser_like: bool
    origin: str | None
    acrm: str | None
    acrh_names: tuple[str, ...]
    pna: bool


def make_request(pick: Picker, view: Config) -> Req:
    """A request with hostile bytes mixed in."""
    origin, ok = origin_value(pick, view)
    headers: list[tuple[bytes, bytes]] = [(b"host", b"api.example.com")]
    if origin is not None:
        headers.append((b"origin", origin))
        if pick.integer(0, 15) == 0:  # a second Origin line
            headers.append((b"origin", origin_value(pick, view)[0] or b""))
            ok = False
    preflight = origin is not None and pick.boolean()
    method = "OPTIONS" if preflight else pick.choice([*METHODS, "OPTIONS"])
    if pick.integer(0, 9) == 0:
        method = pick.choice(ODD_METHODS)
        ok = False
    acrm: str | None = None
    names: tuple[str, ...] = ()
    pna = False
    if preflight or pick.integer(0, 7) == 0:
        if pick.integer(0, 5) == 0:
            acrm = pick.choice(ODD_METHODS)
            ok = ok and acrm == normalize_method(acrm) and acrm not in FORBIDDEN_METHODS
            ok = ok and re.fullmatch(r"[A-Za-z]+", acrm) is not None
        else:
            acrm = pick.choice(METHODS)
        headers.append((b"access-control-request-method", acrm.encode("latin-1")))
        if pick.boolean():
            value, fine = request_headers_value(pick)
            headers.append((b"access-control-request-headers", value))
            ok = ok and fine
            names = tuple(value.decode().split(",")) if fine else ()
        if pick.integer(0, 3) == 0:
            pna_value = pick.choice([b"true", b"TRUE", b"false", b"1", b"true\r\n"])
            headers.append((b"access-control-request-private-network", pna_value))
            pna = pna_value == b"true"
            ok = ok and pna_value in (b"true", b"false")
    for _ in range(pick.integer(0, 2)):  # junk headers
        name = pick.choice([b"x-junk", b"vary", b"cookie", b"access-control-allow-origin"])
        headers.append((name, pick.binary(40)))
    path = pick.choice(PATHS)
    if pick.integer(0, 9) == 0:
        path = pick.text(30).encode("utf-8", "surrogatepass").decode("latin-1")
    return Req(
        method=method,
        path=path,
        headers=tuple(headers),
        browser_like=ok and method in METHODS,
        origin=origin.decode("latin-1") if origin is not None else None,
        acrm=acrm,
        acrh_names=names,
        pna=pna,
    )


@st.composite
def requests(draw: st.DrawFn, view: Config) -> Req:
    """:func:`make_request` as a (shrinkable) hypothesis strategy."""
    return make_request(Picker(draw=draw), view)


# -------------------------------------------------------------------------------- oracle

_BAD_HOST = re.compile(r"[\x00-\x20\x7f-\uffff/?#@\\%A-Z]")


def _split(origin: str) -> tuple[str, str, str] | None:
    scheme, sep, rest = origin.partition("://")
    if not sep or not rest or _BAD_HOST.search(rest.replace(":", "")) or ":" in scheme:
        return None
    host, _, port = (
        rest.rpartition(":") if not rest.endswith("]") and ":" in rest else (rest, "", "")
    )
    if not host or host.startswith(".") or ".." in host or host.endswith("."):
        return None
    return scheme, host, f":{port}" if port else ""


def oracle_allows(view: Config, origin: str) -> bool:
    """Whether ``origin`` may be reflected, from the configuration alone (not the engine)."""
    if origin == "null":
        return view.null
    parts = _split(origin)
    if parts is None:
        return False
    scheme, host, port = parts
    if origin in view.exact:
        return True
    for p_scheme, base, p_port in view.patterns:
        if scheme == p_scheme and port == p_port and host.endswith("." + base):
            return True
    for a_scheme, a_host in view.any_port:
        if scheme == a_scheme and host == a_host:
            return True
    return any(re.fullmatch(rx, origin) for rx in view.regexes)


# ------------------------------------------------------------------------------ running

COUNTS = {"asgi": 0, "wsgi": 0}
RULES_PATHS = ("/api/admin/*", "/public/*")


def build(options: dict[str, Any], use_rules: bool) -> tuple[Any, Any, Any]:
    """The policy (maybe inside PathRules) and both middlewares; None if the config is refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            policy = CORSPolicy(**options)
        except ConfigError:
            return None, None, None
    engine: Any = policy
    if use_rules:
        engine = PathRules(
            {"/api/admin/*": None, "/public/*": CORSPolicy(allow_origins=["*"])}, default=policy
        )
    return engine, ASGICORS(asgi_app, policy=engine), WSGICORS(wsgi_app, policy=engine)


def _acao_ok(view: Config, req: Req, headers: list[tuple[str, str]], governing: Any) -> None:
    several = getattr(governing, "policies", None)
    if several is not None:  # an odd path under several rules: each must justify the answer
        for policy in several:
            _acao_ok(view, req, headers, policy)
        return
    acao = [v for n, v in headers if n == ACAO]
    acac = [v for n, v in headers if n == ACAC]
    assert len(acao) <= 1 and len(acac) <= 1, headers
    if acac:
        assert acac == ["true"] and acao and governing.allow_credentials, headers
    if not acao:
        return
    if acao[0] == "*":
        assert not governing.allow_credentials and not governing.varies_on_origin, headers
        return
    assert req.origin is not None and acao[0] == req.origin, (acao, req.origin)
    if governing is not None and governing.options.get("allow_origins") != ["*"]:
        assert oracle_allows(view, req.origin), (req.origin, view)


def _browser_agrees(
    view: Config, req: Req, status: int, headers: Any, decision: Decision, credentials: bool
) -> None:
    if not req.browser_like or req.origin is None or "\r" in req.origin:
        return
    # "same_origin" passes without CORS headers (the browser makes no CORS check there).
    expected = (
        decision.allowed
        and decision.action is not Action.PASS
        and decision.reason.code != "same_origin"
    )
    if decision.preflight:
        assert req.acrm is not None
        verdict = preflight_check(
            status,
            headers,
            origin=req.origin,
            method=req.acrm,
            request_headers=req.acrh_names,
            credentials=credentials,
            private_network=req.pna,
        )
    elif req.method == "OPTIONS" and req.acrm is not None:
        return  # a preflight the policy routes to the app (no CORS for this path)
    else:
        verdict = cors_check(headers, origin=req.origin, credentials=credentials)
    assert verdict.allowed is expected, (verdict, decision.reason, req)


def check_one(view: Config, engine: Any, asgi_mw: Any, wsgi_mw: Any, req: Req) -> None:
    """Run one request through both adapters and assert every invariant."""
    a_status, a_headers, _ = call_asgi(asgi_mw, req.method, req.path, req.headers)
    COUNTS["asgi"] += 1
    w_status, w_headers, _ = call_wsgi(wsgi_mw, req.method, req.path, req.headers)
    COUNTS["wsgi"] += 1
    for headers in (a_headers, w_headers):
        for name, value in headers:
            assert not CTRL_RE.search(name) and not CTRL_RE.search(value), (name, value)
    # Rules judge the path the app routes: the decoded one, as the ASGI adapter reads it.
    path = asgi_path(asgi_scope(req.method, req.path, req.headers)) if engine.uses_path else ""
    governing = engine.for_path(path) if engine.uses_path else engine
    for headers in (a_headers, w_headers):
        _acao_ok(view, req, headers, governing)
    # The engine's decision, from the metadata the ASGI adapter extracts.
    meta = read_asgi(asgi_scope(req.method, req.path, req.headers)["headers"])
    decision = engine.decide(
        req.method,
        meta.origin,
        meta.request_method,
        meta.request_headers,
        meta.private_network,
        path=path,
        host=meta.host,
        scheme="http",
    )
    # An odd path (dot segments, repeated slashes) may fall to several rules: each request
    # then gets the strictest of their answers (tests/test_paths.py holds that rule).
    several = getattr(governing, "policies", None)
    if req.origin is not None and several is None and governing is not None and req.browser_like:
        expected = oracle_allows(view, req.origin) or (
            governing.options.get("allow_origins") == ["*"]
            and (_split(req.origin) is not None or req.origin == "null")
        )
        # The oracle speaks for the generated policy (the rules' "/public/*" policy is "*").
        if view.star or governing.options.get("allow_origins") != ["*"]:
            assert governing.decide("GET", req.origin).allowed is expected or (
                req.origin != "null" and _split(req.origin) is None
            ), (req.origin, view)
    credentials = any(p.allow_credentials for p in several or [governing] if p is not None)
    _browser_agrees(view, req, a_status, a_headers, decision, credentials)
    # Both adapters answer alike (repeated request headers are joined differently).
    names = [n for n, _ in req.headers]
    if len(names) == len(set(names)):
        assert a_status == w_status
        a_cors = sorted((n, v) for n, v in a_headers if n in cors_names(a_headers) or n == "vary")
        w_cors = sorted((n, v) for n, v in w_headers if n in cors_names(w_headers) or n == "vary")
        assert a_cors == w_cors, (a_headers, w_headers)


@st.composite
def cases(draw: st.DrawFn, max_requests: int) -> tuple[dict[str, Any], Config, bool, list[Req]]:
    options, view = draw(configs())
    use_rules = draw(st.integers(0, 4)) == 0
    reqs = draw(st.lists(requests(view), min_size=1, max_size=max_requests))
    return options, view, use_rules, reqs


def run_case(case: tuple[dict[str, Any], Config, bool, list[Req]]) -> None:
    options, view, use_rules, reqs = case
    engine, asgi_mw, wsgi_mw = build(options, use_rules)
    assume(engine is not None)
    for req in reqs:
        check_one(view, engine, asgi_mw, wsgi_mw, req)


FAST = settings(
    max_examples=int(os.environ.get("CORS_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(cases(max_requests=8))
def test_fuzz_both_adapters(case: tuple[dict[str, Any], Config, bool, list[Req]]) -> None:
    run_case(case)


@pytest.mark.slow
def test_fuzz_long_run() -> None:
    """>= CORS_FUZZ_REQUESTS requests per adapter, or CORS_FUZZ_SECONDS, whichever first.

    Hypothesis draws each policy (and the path-rules choice) and a seed;
    :func:`make_request` then draws 500 requests from ``random.Random(seed)`` at full
    speed, so a failure is reproducible from hypothesis' printed example.
    """
    target = int(os.environ.get("CORS_FUZZ_REQUESTS", "100000"))
    seconds = float(os.environ.get("CORS_FUZZ_SECONDS", "30"))
    deadline = time.monotonic() + seconds
    start = dict(COUNTS)

    def finished() -> bool:
        return time.monotonic() > deadline or COUNTS["asgi"] - start["asgi"] >= target

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(configs(), st.integers(0, 4), st.integers(0, 2**64 - 1))
    def one_policy(config: tuple[dict[str, Any], Config], rules: int, rnd_seed: int) -> None:
        if finished():
            return  # the remaining examples of this round are skipped at once
        options, view = config
        engine, asgi_mw, wsgi_mw = build(options, rules == 0)
        assume(engine is not None)
        pick = Picker(rnd=random.Random(rnd_seed))
        for _ in range(500):
            check_one(view, engine, asgi_mw, wsgi_mw, make_request(pick, view))

    rounds = 0
    while not finished():
        rounds += 1
        seed(rounds)(one_policy)()
    done = {k: COUNTS[k] - start[k] for k in COUNTS}
    print(
        f"\nfuzz: {done['asgi']} requests per adapter ({rounds} rounds, "
        f"target {target}, bound {seconds:.0f} s)"
    )
    assert done["asgi"] == done["wsgi"] and done["asgi"] >= min(target, 1000)


def test_fuzz_harness_catches_a_reflecting_middleware() -> None:
    """The invariants are not vacuous: a middleware that reflects every Origin (koa's old
    default) fails them on the first attacker request."""

    async def reflecting(scope: Any, receive: Any, send: Any) -> None:
        origin = dict(scope["headers"]).get(b"origin", b"")

        async def add(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (ACAO.encode(), origin)]}
            await send(message)

        await asgi_app(scope, receive, add)

    options, view = (
        {"allow_origins": ["https://app.example.com"]},
        Config(False, frozenset({"https://app.example.com"}), (), (), (), False, False),
    )
    engine, _, wsgi_mw = build(options, use_rules=False)
    attack = Req(
        "GET",
        "/",
        ((b"origin", b"https://evil.example.net"),),
        True,
        "https://evil.example.net",
        None,
        (),
        False,
    )
    with pytest.raises(AssertionError):
        check_one(view, engine, reflecting, wsgi_mw, attack)
