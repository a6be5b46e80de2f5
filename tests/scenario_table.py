"""The adapter scenario table and the in-process drivers that run it on both adapters.

Each :class:`Scenario` row is one policy and one request, with the exact expected
status, the exact set of ``Access-Control-*`` response headers, the exact ``Vary``,
whether the application was reached, and what a browser (``cors_core.browser``) would
decide. ``tests/test_scenarios.py`` runs every row against the ASGI adapter (direct
scope/receive/send) and the WSGI adapter (``wsgiref.validate`` around both the
middleware and the inner app) with the same expectations.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

from adapters.asgi import CORSMiddleware as ASGICORSMiddleware
from adapters.wsgi import CORSMiddleware as WSGICORSMiddleware
from cors_core import CORSPolicy, PathRules
from cors_core.browser import Verdict, cors_check, preflight_check

# --------------------------------------------------------------------------- constants

APP = "https://app.example.com"
OTHER = "https://other.example.com"
EVIL = "https://evil.example.net"
HOST = "api.example.com"

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACEH = "access-control-expose-headers"
ACMA = "access-control-max-age"
ACAPN = "access-control-allow-private-network"

PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
PNA_VARY = PREFLIGHT_VARY  # the same since every preflight lists both
SAFELISTED = "accept, accept-language, content-language"

BASIC: dict[str, Any] = {
    "allow_origins": [APP, OTHER],
    "allow_methods": ["GET", "PUT", "DELETE", "PATCH"],
    "allow_headers": ["x-token", "content-type"],
    "max_age": 600,
}
#: The configured lists, as written: nothing is added to them.
BASIC_ACAM = "GET, PUT, DELETE, PATCH"
BASIC_ACAH = "x-token, content-type"

CTRL_RE = re.compile(r"[\r\n\x00]")


# -------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Request:
    """One HTTP request as a server sees it: method, raw path, raw header pairs."""

    method: str
    path: str
    headers: tuple[tuple[bytes, bytes], ...]

    @property
    def origins(self) -> list[bytes]:
        """Every ``Origin`` value sent (usually zero or one)."""
        return [v for n, v in self.headers if n.lower() == b"origin"]

    def header(self, name: bytes) -> bytes | None:
        """The request header ``name`` (first value), or None."""
        return next((v for n, v in self.headers if n.lower() == name), None)

    @property
    def is_preflight(self) -> bool:
        """OPTIONS with Origin and Access-Control-Request-Method."""
        return (
            self.method == "OPTIONS"
            and bool(self.origins)
            and self.header(b"access-control-request-method") is not None
        )


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


def req(
    method: str = "GET",
    origin: str | bytes | Sequence[str | bytes] | None = APP,
    *,
    path: str = "/",
    acrm: str | None = None,
    acrh: str | Sequence[str] | None = None,
    pna: bool = False,
    host: str | None = HOST,
    extra: Iterable[tuple[str, str]] = (),
) -> Request:
    """Build a request; ``origin``/``acrh`` given as a list send the header several times."""
    headers: list[tuple[bytes, bytes]] = []
    if host is not None:
        headers.append((b"host", _b(host)))
    if origin is not None:
        values = [origin] if isinstance(origin, str | bytes) else list(origin)
        headers.extend((b"origin", _b(v)) for v in values)
    if acrm is not None:
        headers.append((b"access-control-request-method", _b(acrm)))
    if acrh is not None:
        lines = [acrh] if isinstance(acrh, str) else list(acrh)
        headers.extend((b"access-control-request-headers", _b(v)) for v in lines)
    if pna:
        headers.append((b"access-control-request-private-network", b"true"))
    headers.extend((_b(n.lower()), _b(v)) for n, v in extra)
    return Request(method, path, tuple(headers))


def preflight(
    origin: str | bytes | Sequence[str | bytes] | None = APP,
    method: str = "PUT",
    acrh: str | Sequence[str] | None = None,
    **kw: Any,
) -> Request:
    """A CORS preflight (``OPTIONS`` + ``Origin`` + ``Access-Control-Request-Method``)."""
    return req("OPTIONS", origin, acrm=method, acrh=acrh, **kw)


# ------------------------------------------------------------------------- inner app


def app_response(method: str, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """What the inner application answers (the same for its ASGI and WSGI forms).

    ``/status/N`` answers N; ``/vary*`` set their own ``Vary``; ``/sets-cors`` sets
    (wrong) CORS headers of its own; ``/expose`` sets headers a policy may expose.
    Every app response carries ``X-App: 1`` and the body ``app:METHOD PATH``.
    """
    status = 200
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("X-App", "1")]
    if path.startswith("/status/"):
        status = int(path.rsplit("/", 1)[1])
    extra = {
        "/vary": [("Vary", "Accept-Encoding")],
        "/vary-origin": [("Vary", "Accept, origin")],
        "/vary-star": [("Vary", "*")],
        "/vary-two": [("Vary", "Accept"), ("Vary", "Accept-Language")],
        "/sets-cors": [
            ("Access-Control-Allow-Origin", "https://wrong.example"),
            ("access-control-allow-credentials", "true"),
            ("Access-Control-Allow-Methods", "GET"),
            ("Access-Control-Expose-Headers", "x-secret"),
        ],
        "/expose": [("X-Total-Count", "3"), ("X-Page", "1"), ("X-Hidden", "1")],
    }
    headers += extra.get(path, [])
    return status, headers, f"app:{method} {path}".encode()


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    """The inner ASGI app (http only)."""
    assert scope["type"] == "http"
    status, headers, body = app_response(scope["method"], scope["path"])
    raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The inner WSGI app."""
    status, headers, body = app_response(environ["REQUEST_METHOD"], environ["PATH_INFO"])
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


# --------------------------------------------------------------------------- drivers


@dataclass(frozen=True)
class Result:
    """A response as the client got it: header names kept as sent, values latin-1 text."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def values(self, name: str) -> list[str]:
        """All values of header ``name`` (case-insensitive)."""
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def get(self, name: str) -> str | None:
        """The single value of ``name``, None when absent; fails when repeated."""
        values = self.values(name)
        assert len(values) <= 1, f"header {name} sent {len(values)} times: {values}"
        return values[0] if values else None

    def cors(self) -> dict[str, str]:
        """The ``Access-Control-*`` headers (lowercase names), each present at most once."""
        names = [n.lower() for n, _ in self.headers if n.lower().startswith("access-control-")]
        assert len(names) == len(set(names)), f"repeated CORS headers: {self.headers}"
        return {n: v for n, v in ((n.lower(), v) for n, v in self.headers) if n in names}


def asgi_scope(r: Request, type_: str = "http", **extra: Any) -> dict[str, Any]:
    """A complete ASGI 3 scope for ``r`` (raw header bytes passed as they are)."""
    scope: dict[str, Any] = {
        "type": type_,
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "http" if type_ == "http" else "ws",
        "path": unquote(r.path),
        "raw_path": r.path.encode("latin-1"),
        "query_string": b"",
        "root_path": "",
        "headers": [(n.lower(), v) for n, v in r.headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    if type_ == "http":
        scope["method"] = r.method
    scope.update(extra)
    return scope


async def call_asgi_async(app: Any, r: Request) -> Result:
    """Run ``r`` through an ASGI app; check the response message sequence is valid."""
    messages: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(asgi_scope(r), receive, send)
    assert messages, "the app sent nothing"
    assert messages[0]["type"] == "http.response.start", messages
    assert [m["type"] for m in messages[1:]] == ["http.response.body"] * (len(messages) - 1)
    assert all(m.get("more_body", False) for m in messages[1:-1])
    assert not messages[-1].get("more_body", False)
    start = messages[0]
    for name, value in start["headers"]:
        assert isinstance(name, bytes) and isinstance(value, bytes), start["headers"]
        assert name == name.lower(), f"ASGI header names must be lowercase: {name!r}"
    headers = tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"])
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return Result(start["status"], headers, body)


def call_asgi(app: Any, r: Request) -> Result:
    """Synchronous form of :func:`call_asgi_async`."""
    return asyncio.run(call_asgi_async(app, r))


def wsgi_environ(r: Request) -> dict[str, Any]:
    """A PEP 3333 environ for ``r``; repeated headers joined with ``", "`` as servers do."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": r.method,
        "PATH_INFO": unquote(r.path, encoding="latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    for name, value in r.headers:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]}, {text}" if key in environ else text
    setup_testing_defaults(environ)
    return environ


def call_wsgi(app: Any, r: Request) -> Result:
    """Run ``r`` through a WSGI app as a server would (body iterated, ``close()`` called).

    ``start_response`` with ``exc_info`` replaces the status and headers while nothing
    is sent yet, and re-raises once the headers are out (PEP 3333).
    """
    calls: list[tuple[str, list[tuple[str, str]]]] = []
    out: list[bytes] = []
    sent = False

    def write(data: bytes) -> None:
        nonlocal sent
        sent = sent or bool(data)
        out.append(data)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and sent:
            raise exc_info[1].with_traceback(exc_info[2])
        assert exc_info is not None or not calls, "start_response called twice"
        calls[:] = [(status, list(headers))]
        return write

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # wsgiref.validate reports some problems as warnings
        result = app(wsgi_environ(r), start_response)
        try:
            for chunk in result:
                write(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    assert len(calls) == 1, calls
    status, headers = calls[0]
    return Result(int(status.split(" ", 1)[0]), tuple(headers), b"".join(out))


def asgi_stack(policy: CORSPolicy | PathRules) -> Any:
    """The ASGI middleware around the inner app."""
    return ASGICORSMiddleware(asgi_app, policy=policy)


def wsgi_stack(policy: CORSPolicy | PathRules) -> Any:
    """``validator(CORSMiddleware(validator(app)))``: PEP 3333 checked on both sides."""
    return validator(WSGICORSMiddleware(validator(wsgi_app), policy=policy))


# ---------------------------------------------------------------------------- verdicts


def browser_verdict(r: Request, res: Result, credentials: bool) -> Verdict:
    """What a browser decides about this response to ``r`` (the preflight or CORS check)."""
    origin = r.origins[0].decode("latin-1")
    if r.is_preflight:
        method = (r.header(b"access-control-request-method") or b"").decode("latin-1")
        names = ",".join(
            v.decode("latin-1")
            for n, v in r.headers
            if n.lower() == b"access-control-request-headers"
        )
        return preflight_check(
            res.status,
            res.headers,
            origin=origin,
            method=method,
            request_headers=names,
            credentials=credentials,
            private_network=r.header(b"access-control-request-private-network") == b"true",
        )
    return cors_check(res.headers, origin=origin, credentials=credentials)


# ----------------------------------------------------------------------------- the table


def _policy(**kw: Any) -> Callable[[], CORSPolicy]:
    return lambda: CORSPolicy(**kw)


def _basic(**kw: Any) -> Callable[[], CORSPolicy]:
    return _policy(**{**BASIC, **kw})


def _raising_predicate(origin: str) -> bool:
    if origin.endswith(".boom.example"):
        raise RuntimeError("predicate failure")
    return origin.endswith(".pred.example")


def _paths() -> PathRules:
    return PathRules(
        {
            "/api/*": CORSPolicy(**BASIC),
            "/api/internal/*": None,
            "/health": None,
            "/public/*": CORSPolicy(allow_origins=["*"]),
        },
        default=None,
    )


@dataclass(frozen=True)
class Scenario:
    """One row: a policy, a request, and everything the response must be.

    ``cors`` is the exact set of ``Access-Control-*`` response headers (lowercase name
    -> exact value; anything not listed must be absent). ``vary`` is the exact ``Vary``
    (None: absent). ``reaches_app``: the inner app answered (its ``X-App`` header and
    body are there); otherwise ``body`` is the exact body. ``verdict`` is the browser's
    verdict code for this response (None: no browser would judge it, e.g. no Origin).
    ``extra`` holds other headers: exact value, or None for "absent". ``xfail`` marks a
    known bug (strict, so the row fails loudly once fixed), on ``xfail_adapter`` only if set.
    """

    id: str
    policy: Callable[[], CORSPolicy | PathRules]
    request: Request
    status: int
    cors: Mapping[str, str]
    vary: str | None
    reaches_app: bool
    verdict: str | None
    credentials: bool = False
    body: bytes | None = None
    extra: Mapping[str, str | None] = field(default_factory=dict)
    xfail: str | None = None
    xfail_adapter: str | None = None  # only this adapter fails (None: both)


def _rejected(kind: str, code: str) -> bytes:
    return f"CORS {kind} rejected ({code})\n".encode()


def _ok_preflight(acah: str = BASIC_ACAH, **more: str) -> dict[str, str]:
    return {ACAO: APP, ACAM: BASIC_ACAM, ACAH: acah, ACMA: "600", **more}


_CRLF_ORIGIN = b"https://app.example.com\r\nX-Injected: 1"
_LONG_SUB = "https://" + "a" * 3000 + ".example.com"

# One row per scenario, kept compact on purpose.
# fmt: off
SCENARIOS: list[Scenario] = [
    # --- simple requests -------------------------------------------------------------
    Scenario("simple-get-allowed", _basic(), req(), 200, {ACAO: APP}, "Origin", True, "ok"),
    Scenario("simple-post-allowed", _basic(), req("POST"), 200, {ACAO: APP}, "Origin", True, "ok"),
    Scenario("head-allowed", _basic(), req("HEAD"), 200, {ACAO: APP}, "Origin", True, "ok"),
    Scenario(
        "second-allowed-origin", _basic(), req(origin=OTHER), 200, {ACAO: OTHER}, "Origin", True,
        "ok",
    ),
    Scenario(
        "simple-get-denied", _basic(), req(origin=EVIL), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "scheme-differs-denied", _basic(), req(origin="http://app.example.com"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "port-differs-denied", _basic(), req(origin=APP + ":8443"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario("no-origin", _basic(), req(origin=None), 200, {}, "Origin", True, None),
    # --- preflights ------------------------------------------------------------------
    Scenario(
        "preflight-put-custom-headers", _basic(),
        preflight(method="PUT", acrh="content-type,x-token"), 204, _ok_preflight(),
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "preflight-delete", _basic(), preflight(method="DELETE"), 204, _ok_preflight(),
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "preflight-patch-token", _basic(), preflight(method="PATCH", acrh="x-token"), 204,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "preflight-header-case-insensitive", _basic(),
        preflight(method="PUT", acrh="X-Token, Content-Type"), 204, _ok_preflight(),
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "preflight-lowercase-patch-refused", _basic(), preflight(method="patch"), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "method_not_allowed"),
        extra={"content-type": "text/plain; charset=utf-8", "x-cors-reason": None},
    ),
    Scenario(
        "preflight-method-not-allowed", _basic(), preflight(method="PROPFIND"), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "method_not_allowed"),
    ),
    Scenario(
        "preflight-malformed-method", _basic(), preflight(method="PU T"), 403, {},
        PREFLIGHT_VARY, False, None, body=_rejected("preflight", "method_malformed"),
    ),
    Scenario(
        "preflight-header-not-allowed", _basic(), preflight(acrh="x-token,x-other"), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "header_not_allowed"),
    ),
    Scenario(
        "preflight-authorization-not-listed", _basic(), preflight(acrh="authorization"), 403,
        {}, PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "header_not_allowed"),
    ),
    Scenario(
        "preflight-origin-denied", _basic(), preflight(origin=EVIL), 403, {}, PREFLIGHT_VARY,
        False, "missing_allow_origin", body=_rejected("preflight", "origin_not_allowed"),
    ),
    Scenario(
        "preflight-safelisted-method-default-policy", _policy(allow_origins=[APP]),
        preflight(method="GET", acrh="content-type"), 204,
        {ACAO: APP, ACAM: "GET", ACAH: "accept, accept-language, "
         "content-language, content-type", ACMA: "600"},
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "preflight-status-200", _basic(preflight_status=200), preflight(), 200,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
        extra={"content-length": "0", "content-type": "text/plain"},
    ),
    # --- credentials -----------------------------------------------------------------
    Scenario(
        "credentialed-get", _basic(allow_credentials=True), req(), 200,
        {ACAO: APP, ACAC: "true"}, "Origin", True, "ok", credentials=True,
    ),
    Scenario(
        "credentialed-preflight", _basic(allow_credentials=True),
        preflight(method="DELETE", acrh="x-token"), 204, _ok_preflight(**{ACAC: "true"}),
        PREFLIGHT_VARY, False, "ok", credentials=True, body=b"",
    ),
    Scenario(
        "credentialed-denied", _basic(allow_credentials=True), req(origin=EVIL), 200, {},
        "Origin", True, "missing_allow_origin", credentials=True,
    ),
    Scenario(
        "credentialed-star-methods-headers-echo",
        _policy(allow_origins=[APP], allow_methods="*", allow_headers="*",
                allow_credentials=True),
        preflight(method="PATCH", acrh="authorization,x-anything"), 204,
        {ACAO: APP, ACAC: "true", ACAM: "PATCH", ACAH: "authorization, x-anything",
         ACMA: "600"},
        PREFLIGHT_VARY, False, "ok", credentials=True, body=b"",
    ),
    # --- wildcard --------------------------------------------------------------------
    Scenario(
        "wildcard-get", _policy(allow_origins=["*"]), req(origin=EVIL), 200, {ACAO: "*"}, None,
        True, "ok",
    ),
    Scenario(
        "wildcard-no-origin", _policy(allow_origins=["*"]), req(origin=None), 200, {ACAO: "*"},
        None, True, None,
    ),
    Scenario(
        "wildcard-keeps-app-vary", _policy(allow_origins=["*"]), req(path="/vary"), 200,
        {ACAO: "*"}, "Accept-Encoding", True, "ok",
    ),
    Scenario(
        "wildcard-credentialed-fetch-blocked", _policy(allow_origins=["*"]), req(), 200,
        {ACAO: "*"}, None, True, "wildcard_with_credentials", credentials=True,
    ),
    Scenario(
        "wildcard-preflight-echo",
        _policy(allow_origins=["*"], allow_methods="*", allow_headers="*"),
        preflight(origin=EVIL, method="PUT", acrh="authorization,x-token"), 204,
        {ACAO: "*", ACAM: "PUT", ACAH: "authorization, x-token", ACMA: "600"},
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "wildcard-null-origin", _policy(allow_origins=["*"]), req(origin="null"), 200,
        {ACAO: "*"}, None, True, "ok",
    ),
    Scenario(
        "wildcard-malformed-origin-not-answered", _policy(allow_origins=["*"]),
        req(origin=APP + "/"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    # --- patterns --------------------------------------------------------------------
    Scenario(
        "subdomain-pattern-allowed", _policy(allow_origins=["https://*.example.com"]),
        req(origin="https://api.example.com"), 200, {ACAO: "https://api.example.com"},
        "Origin", True, "ok",
    ),
    Scenario(
        "subdomain-pattern-deep", _policy(allow_origins=["https://*.example.com"]),
        req(origin="https://a.b.example.com"), 200, {ACAO: "https://a.b.example.com"},
        "Origin", True, "ok",
    ),
    Scenario(
        "subdomain-pattern-apex-denied", _policy(allow_origins=["https://*.example.com"]),
        req(origin="https://example.com"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "subdomain-pattern-suffix-attack", _policy(allow_origins=["https://*.example.com"]),
        req(origin="https://api.example.com.evil.net"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "subdomain-pattern-glued-host", _policy(allow_origins=["https://*.example.com"]),
        req(origin="https://evilexample.com"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "subdomain-pattern-wrong-scheme", _policy(allow_origins=["https://*.example.com"]),
        req(origin="http://api.example.com"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "subdomain-pattern-long-host", _policy(allow_origins=["https://*.example.com"]),
        req(origin=_LONG_SUB), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "localhost-any-port", _policy(allow_origins=["http://localhost:*"]),
        req(origin="http://localhost:5173"), 200, {ACAO: "http://localhost:5173"}, "Origin",
        True, "ok",
    ),
    Scenario(
        "localhost-default-port", _policy(allow_origins=["http://localhost:*"]),
        req(origin="http://localhost"), 200, {ACAO: "http://localhost"}, "Origin", True, "ok",
    ),
    Scenario(
        "localhost-pattern-other-host", _policy(allow_origins=["http://localhost:*"]),
        req(origin="http://localhost.evil.net:3000"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "localhost-pattern-https", _policy(allow_origins=["http://localhost:*"]),
        req(origin="https://localhost:3000"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "localhost-preflight", _policy(allow_origins=["http://localhost:*"],
                                       allow_methods=["PUT"]),
        preflight(origin="http://localhost:3000"), 204,
        {ACAO: "http://localhost:3000", ACAM: "PUT",
         ACAH: SAFELISTED + ", content-type", ACMA: "600"},
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "regex-allowed", _policy(allow_origin_regex=r"https://[a-z0-9-]+\.regex\.example"),
        req(origin="https://a1.regex.example"), 200, {ACAO: "https://a1.regex.example"},
        "Origin", True, "ok",
    ),
    Scenario(
        "regex-fullmatch-only", _policy(allow_origin_regex=r"https://[a-z0-9-]+\.regex\.example"),
        req(origin="https://a1.regex.example.evil.net"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "regex-never-sees-malformed", _policy(allow_origin_regex=r"https://.*"),
        req(origin="https://a.example/path"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "predicate-allowed", _policy(allow_origin_predicate=_raising_predicate),
        req(origin="https://x.pred.example"), 200, {ACAO: "https://x.pred.example"}, "Origin",
        True, "ok",
    ),
    Scenario(
        "predicate-denied", _policy(allow_origin_predicate=_raising_predicate),
        req(origin="https://x.pred.example.evil"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "predicate-raises-denies", _policy(allow_origin_predicate=_raising_predicate),
        req(origin="https://x.boom.example"), 200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "predicate-preflight", _policy(allow_origin_predicate=_raising_predicate,
                                       allow_methods=["DELETE"]),
        preflight(origin="https://x.pred.example", method="DELETE"), 204,
        {ACAO: "https://x.pred.example", ACAM: "DELETE",
         ACAH: SAFELISTED + ", content-type", ACMA: "600"},
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    # --- expose headers and max-age ----------------------------------------------------
    Scenario(
        "expose-headers", _basic(expose_headers=["X-Total-Count", "x-page"]),
        req(path="/expose"), 200, {ACAO: APP, ACEH: "X-Total-Count, x-page"}, "Origin", True,
        "ok",
    ),
    Scenario(
        "expose-star", _policy(allow_origins=["*"], expose_headers="*"), req(path="/expose"),
        200, {ACAO: "*", ACEH: "*"}, None, True, "ok",
    ),
    Scenario(
        "expose-not-on-preflight", _basic(expose_headers=["x-page"]), preflight(), 204,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "max-age-not-on-actual", _basic(max_age=7200), req(), 200, {ACAO: APP}, "Origin",
        True, "ok",
    ),
    Scenario(
        "max-age-7200", _basic(max_age=7200), preflight(), 204, _ok_preflight(**{ACMA: "7200"}),
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "max-age-zero", _basic(max_age=0), preflight(), 204, _ok_preflight(**{ACMA: "0"}),
        PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "max-age-none-omitted", _basic(max_age=None), preflight(), 204,
        {ACAO: APP, ACAM: BASIC_ACAM, ACAH: BASIC_ACAH}, PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    # --- private network access ----------------------------------------------------------
    Scenario(
        "pna-allowed", _basic(allow_private_network=True), preflight(method="GET", pna=True),
        204, _ok_preflight(**{ACAPN: "true"}), PNA_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "pna-enabled-not-requested", _basic(allow_private_network=True), preflight(), 204,
        _ok_preflight(), PNA_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "pna-refused-by-default", _basic(), preflight(method="GET", pna=True), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "private_network_not_allowed"),
    ),
    Scenario(
        "pna-disallowed-origin", _basic(allow_private_network=True),
        preflight(origin=EVIL, method="GET", pna=True), 403, {}, PREFLIGHT_VARY, False,
        "missing_allow_origin", body=_rejected("preflight", "origin_not_allowed"),
    ),
    # --- Vary ------------------------------------------------------------------------------
    Scenario(
        "vary-merged-allowed", _basic(), req(path="/vary"), 200, {ACAO: APP},
        "Accept-Encoding, Origin", True, "ok",
    ),
    Scenario(
        "vary-merged-denied", _basic(), req(origin=EVIL, path="/vary"), 200, {},
        "Accept-Encoding, Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "vary-merged-no-origin", _basic(), req(origin=None, path="/vary"), 200, {},
        "Accept-Encoding, Origin", True, None,
    ),
    Scenario(
        "vary-already-origin", _basic(), req(path="/vary-origin"), 200, {ACAO: APP},
        "Accept, origin", True, "ok",
    ),
    Scenario(
        "vary-two-lines-folded", _basic(), req(path="/vary-two"), 200, {ACAO: APP},
        "Accept, Accept-Language, Origin", True, "ok",
    ),
    Scenario(
        "vary-two-lines-folded-denied", _basic(), req(origin=EVIL, path="/vary-two"), 200, {},
        "Accept, Accept-Language, Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "vary-star-kept", _basic(), req(path="/vary-star"), 200, {ACAO: APP}, "*", True, "ok",
    ),
    # --- app statuses and app-set CORS headers -------------------------------------------
    *(
        Scenario(
            f"app-status-{code}", _basic(), req(path=f"/status/{code}"), code, {ACAO: APP},
            "Origin", True, "ok",
        )
        for code in (401, 403, 404, 500, 503)
    ),
    Scenario(
        "app-status-500-credentialed", _basic(allow_credentials=True), req(path="/status/500"),
        500, {ACAO: APP, ACAC: "true"}, "Origin", True, "ok", credentials=True,
    ),
    Scenario(
        "app-cors-headers-replaced", _basic(), req(path="/sets-cors"), 200, {ACAO: APP},
        "Origin", True, "ok",
    ),
    Scenario(
        "app-cors-headers-dropped-when-denied", _basic(), req(origin=EVIL, path="/sets-cors"),
        200, {}, "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "app-cors-headers-replaced-wildcard", _policy(allow_origins=["*"]),
        req(origin=None, path="/sets-cors"), 200, {ACAO: "*"}, None, True, None,
    ),
    # --- OPTIONS that are not preflights ---------------------------------------------------
    Scenario(
        "options-without-acrm-reaches-app", _basic(), req("OPTIONS"), 200, {ACAO: APP},
        "Origin", True, "ok",
    ),
    Scenario(
        "options-acrm-without-origin-reaches-app", _basic(), preflight(origin=None), 200, {},
        "Origin", True, None,
    ),
    Scenario(
        "options-denied-origin-no-acrm-reaches-app", _basic(), req("OPTIONS", origin=EVIL), 200,
        {}, "Origin", True, "missing_allow_origin",
    ),
    # --- malformed and hostile origins -------------------------------------------------------
    Scenario(
        "origin-trailing-slash", _basic(), req(origin=APP + "/"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "origin-uppercase", _basic(), req(origin="HTTPS://APP.EXAMPLE.COM"), 200, {}, "Origin",
        True, "missing_allow_origin",
    ),
    Scenario(
        "origin-with-default-port", _basic(), req(origin=APP + ":443"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "origin-two-headers", _basic(), req(origin=[APP, APP]), 200, {}, "Origin", True, None,
    ),
    Scenario(
        "origin-two-values-one-line", _basic(), req(origin=f"{APP}, {OTHER}"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "origin-crlf", _basic(), req(origin=_CRLF_ORIGIN), 200, {}, "Origin", True,
        "missing_allow_origin", extra={"x-injected": None},
    ),
    Scenario(
        "origin-nul", _basic(), req(origin=b"https://app.example.com\x00"), 200, {}, "Origin",
        True, "missing_allow_origin",
    ),
    Scenario(
        "origin-non-ascii", _basic(), req(origin=b"https://app.ex\xc3\xa4mple.com"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "origin-latin1-byte", _basic(), req(origin=b"https://app.example.com\xff"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "origin-null-refused", _basic(), req(origin="null"), 200, {}, "Origin", True,
        "missing_allow_origin",
    ),
    Scenario(
        "origin-null-opt-in",
        _policy(allow_origins=["null", APP], allow_null_origin=True), req(origin="null"),
        200, {ACAO: "null"}, "Origin", True, "ok",
    ),
    Scenario(
        "origin-very-long", _basic(), req(origin="https://" + "a" * 20000 + ".com"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "origin-userinfo", _basic(), req(origin="https://user@app.example.com"), 200, {},
        "Origin", True, "missing_allow_origin",
    ),
    Scenario(
        "origin-whitespace", _basic(), req(origin=" " + APP), 200, {}, "Origin", True, None,
    ),
    Scenario(
        "preflight-crlf-origin", _basic(), preflight(origin=_CRLF_ORIGIN), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "origin_malformed"),
    ),
    Scenario(
        "preflight-two-origins", _basic(), preflight(origin=[APP, OTHER]), 403, {},
        PREFLIGHT_VARY, False, None, body=_rejected("preflight", "origin_malformed"),
    ),
    # --- Access-Control-Request-Headers parsing -------------------------------------------
    Scenario(
        "acrh-proxy-spacing", _basic(), preflight(acrh=" , x-token ,, ,Content-Type, "), 204,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "acrh-split-over-lines", _basic(), preflight(acrh=["x-token", "content-type"]), 204,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "acrh-comma-flood", _basic(), preflight(acrh="," * 100_000 + "x-token"), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=_rejected("preflight", "request_headers_too_long"),
    ),
    Scenario(
        "acrh-many-names", _basic(allow_headers="*"),
        preflight(acrh=",".join(f"x-h{i}" for i in range(200))), 403, {}, PREFLIGHT_VARY,
        False, "missing_allow_origin", body=_rejected("preflight", "request_headers_too_long"),
    ),
    Scenario(
        "acrh-malformed-name", _basic(), preflight(acrh="x-token, bad header"), 403, {},
        PREFLIGHT_VARY, False, None, body=_rejected("preflight", "request_headers_malformed"),
    ),
    Scenario(
        "acrh-crlf", _basic(), preflight(acrh="x-token\r\nx-injected: 1"), 403, {},
        PREFLIGHT_VARY, False, None, body=_rejected("preflight", "request_headers_malformed"),
        extra={"x-injected": None},
    ),
    # --- block_disallowed ------------------------------------------------------------------
    Scenario(
        "block-disallowed-denied", _basic(block_disallowed=True), req(origin=EVIL), 403, {},
        "Origin", False, "missing_allow_origin", body=_rejected("request", "origin_not_allowed"),
        extra={"content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff"},
    ),
    Scenario(
        "block-disallowed-post-malformed", _basic(block_disallowed=True),
        req("POST", origin=APP + "/"), 403, {}, "Origin", False, "missing_allow_origin",
        body=_rejected("request", "origin_malformed"),
    ),
    Scenario(
        "block-disallowed-allowed", _basic(block_disallowed=True), req(), 200, {ACAO: APP},
        "Origin", True, "ok",
    ),
    Scenario(
        "block-disallowed-same-origin", _basic(block_disallowed=True),
        req("POST", origin="http://" + HOST), 200, {}, "Origin", True, None,
    ),
    Scenario(
        "block-disallowed-same-origin-explicit-port", _basic(block_disallowed=True),
        req("POST", origin="http://" + HOST, host=HOST + ":80"), 200, {}, "Origin", True, None,
    ),
    Scenario(
        "block-disallowed-no-origin", _basic(block_disallowed=True), req(origin=None), 200, {},
        "Origin", True, None,
    ),
    # --- per-path rules ------------------------------------------------------------------------
    Scenario(
        "paths-api-allowed", _paths, req(path="/api/items"), 200, {ACAO: APP}, "Origin", True,
        "ok",
    ),
    Scenario(
        "paths-api-preflight", _paths, preflight(path="/api/items", acrh="x-token"), 204,
        _ok_preflight(), PREFLIGHT_VARY, False, "ok", body=b"",
    ),
    Scenario(
        "paths-api-exact-prefix", _paths, req(path="/api"), 200, {ACAO: APP}, "Origin", True,
        "ok",
    ),
    Scenario(
        "paths-apix-not-covered", _paths, req(path="/apix"), 200, {}, None, True,
        "missing_allow_origin",
    ),
    Scenario(
        "paths-no-cors-exact", _paths, req(path="/health"), 200, {}, None, True,
        "missing_allow_origin",
    ),
    Scenario(
        "paths-no-cors-preflight-reaches-app", _paths, preflight(path="/health"), 200, {}, None,
        True, "missing_allow_origin",
    ),
    Scenario(
        "paths-no-cors-subtree", _paths, preflight(path="/api/internal/x"), 200, {}, None, True,
        "missing_allow_origin",
    ),
    Scenario(
        "paths-no-cors-keeps-app-headers", _paths, req(path="/sets-cors"), 200,
        {ACAO: "https://wrong.example", ACAC: "true", ACAM: "GET", ACEH: "x-secret"}, None,
        True, "allow_origin_mismatch",
    ),
    Scenario(
        "paths-dot-segments", _paths, req(path="/api/../health"), 200, {}, None, True,
        "missing_allow_origin",
    ),
    Scenario(
        "paths-encoded-dot-segments", _paths, preflight(path="/public/%2e%2e/api/internal/x"),
        200, {}, None, True, "missing_allow_origin",
    ),
    Scenario(
        "paths-case-sensitive", _paths, req(path="/API/items"), 200, {}, None, True,
        "missing_allow_origin",
    ),
    Scenario(
        "paths-public-wildcard", _paths, req(origin=EVIL, path="/public/x"), 200, {ACAO: "*"},
        None, True, "ok",
    ),
    # --- debug mode ------------------------------------------------------------------------
    Scenario(
        "debug-rejected-preflight", _basic(debug=True), preflight(origin=EVIL), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=(
            b"CORS preflight rejected: origin 'https://evil.example.net' is not allowed: add it "
            b"to allow_origins (or match it with a '*.' pattern, allow_origin_regex or "
            b"allow_origin_predicate)\n"
        ),
        extra={
            "x-cors-reason": (
                "origin_not_allowed: origin 'https://evil.example.net' is not allowed: add it "
                "to allow_origins (or match it with a '*.' pattern, allow_origin_regex or "
                "allow_origin_predicate)"
            )
        },
    ),
    Scenario(
        "debug-method-case-hint", _basic(debug=True), preflight(method="patch"), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        body=(
            b"CORS preflight rejected: method 'patch' is not in allow_methods (it allows GET, "
            b"PUT, DELETE, PATCH); note the case: 'PATCH' is allowed: add it to "
            b"allow_methods (methods are case-sensitive)\n"
        ),
    ),
    Scenario(
        "debug-crlf-origin-escaped", _basic(debug=True), preflight(origin=_CRLF_ORIGIN), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin",
        extra={
            "x-cors-reason": (
                "origin_malformed: Origin 'https://app.example.com\\x0d\\x0aX-Injected: 1' is "
                "not a serialized origin (scheme://host[:port], lowercase, no path, no default "
                "port, ASCII only); browsers never send that, so it is refused (it holds "
                "whitespace, control or non-ASCII characters)"
            ),
            "x-injected": None,
        },
    ),
    Scenario(
        "debug-allowed-has-no-reason", _basic(debug=True), preflight(), 204, _ok_preflight(),
        PREFLIGHT_VARY, False, "ok", body=b"", extra={"x-cors-reason": None},
    ),
    Scenario(
        "debug-off-no-reason-header", _basic(), preflight(origin=EVIL), 403, {},
        PREFLIGHT_VARY, False, "missing_allow_origin", extra={"x-cors-reason": None},
    ),
]
# fmt: on

ADAPTERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Request], Result]]] = {
    "asgi": (asgi_stack, call_asgi),
    "wsgi": (wsgi_stack, call_wsgi),
}

__all__ = [
    "ADAPTERS",
    "SCENARIOS",
    "Request",
    "Result",
    "Scenario",
    "asgi_scope",
    "browser_verdict",
    "call_asgi",
    "call_asgi_async",
    "call_wsgi",
    "preflight",
    "req",
]
