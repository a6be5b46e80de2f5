"""One regression test per classic CORS misconfiguration: config + the attacker's Origin.

Each attack runs through both adapters in-process and asserts the exact response
headers (no ``Access-Control-*`` header at all for the attacker) *and* what a browser
(:mod:`cors_core.browser`) would decide. Each also checks that the legitimate origin
still works, so a policy that blocks everything cannot pass these tests.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cors_core import ConfigError, CORSPolicy
from cors_core.audit import audit_policy
from cors_core.browser import simulate
from cors_core.cli import main as cli_main
from tests.security.support import (
    ACAC,
    ACAO,
    APP,
    EVIL,
    HOST,
    PREFLIGHT_VARY,
    SharedCache,
    Stack,
    assert_clean_headers,
    cors_names,
    one,
    stack,
    values,
    vary_tokens,
)

SPECIAL = ["_", "`", "%60", "{", "}", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "~"]


def assert_blocked(s: Stack, origin: str, *, credentials: bool = False) -> None:
    """The attacker's origin gets no CORS header on actual requests and a bare 403 preflight,
    and a browser blocks both a simple and a preflighted request."""
    status, headers, body = s("GET", "/", [("Host", HOST), ("Origin", origin)])
    assert status == 200 and body.startswith(b"app ")  # the request itself is not blocked
    assert cors_names(headers) == set(), headers
    assert "origin" in vary_tokens(headers), headers
    assert_clean_headers(headers)

    status, headers, _ = s(
        "OPTIONS",
        "/",
        [("Host", HOST), ("Origin", origin), ("Access-Control-Request-Method", "PUT")],
    )
    assert status == 403, headers
    assert cors_names(headers) == set(), headers
    assert one(headers, "vary") == PREFLIGHT_VARY

    if "\r" in origin or "\n" in origin or "\x00" in origin:
        return  # fetch() cannot even be called with such an origin
    trip = simulate(s.sender(), origin=origin, credentials=credentials)
    assert (trip.verdict.allowed, trip.verdict.code) == (False, "missing_allow_origin")
    trip = simulate(s.sender(), origin=origin, method="PUT", credentials=credentials)
    assert (trip.verdict.allowed, trip.verdict.code, trip.actual) == (
        False,
        "missing_allow_origin",
        None,
    )


def assert_allowed(s: Stack, origin: str, *, credentials: bool = False) -> None:
    """The legitimate origin is reflected byte for byte and a browser lets it through."""
    status, headers, _ = s("GET", "/", [("Host", HOST), ("Origin", origin)])
    assert status == 200
    assert values(headers, ACAO) == [origin]
    assert values(headers, ACAC) == (["true"] if credentials else [])
    trip = simulate(s.sender(), origin=origin, credentials=credentials)
    assert trip.verdict.code == "ok", trip.steps


# ------------------------------------------------------------------ reflecting any origin


def test_default_policy_reflects_nothing(kind: str) -> None:
    s = stack(kind)  # CORSMiddleware(app) with no options at all
    for origin in (EVIL, APP, "http://localhost:3000", "null"):
        assert_blocked(s, origin)


@pytest.mark.parametrize("credentials", [False, True])
def test_allow_list_does_not_reflect_other_origins(kind: str, credentials: bool) -> None:
    s = stack(kind, allow_origins=[APP], allow_credentials=credentials)
    assert_allowed(s, APP, credentials=credentials)
    for origin in (EVIL, "https://example.com", "https://evil.app.example.com"):
        assert_blocked(s, origin, credentials=credentials)


def test_star_answers_star_never_the_origin(kind: str) -> None:
    s = stack(kind, allow_origins=["*"])
    status, headers, _ = s("GET", "/", [("Origin", EVIL)])
    assert status == 200 and values(headers, ACAO) == ["*"] and values(headers, ACAC) == []
    # A credentialed read is refused by the browser: '*' is public data only.
    trip = simulate(s.sender(), origin=EVIL, credentials=True)
    assert trip.verdict.code == "wildcard_with_credentials"


# ------------------------------------------------------------------------ trusting null


def test_null_refused_at_config_time_without_opt_in() -> None:
    with pytest.raises(ConfigError, match="allow_null_origin=True"):
        CORSPolicy(allow_origins=[APP, "null"])


@pytest.mark.parametrize("credentials", [False, True])
def test_null_origin_not_trusted(kind: str, credentials: bool) -> None:
    s = stack(kind, allow_origins=[APP, "https://*.example.com"], allow_credentials=credentials)
    assert_allowed(s, APP, credentials=credentials)
    assert_blocked(s, "null", credentials=credentials)
    assert_blocked(s, "NULL", credentials=credentials)
    assert_blocked(s, "null ", credentials=credentials)


def test_file_origin_refused_at_config_time() -> None:
    with pytest.raises(ConfigError, match="file://"):
        CORSPolicy(allow_origins=["file://"])


# ----------------------------------------------------- allowed host as prefix/suffix/substring


@pytest.mark.parametrize(
    "config",
    [
        {"allow_origins": [APP]},
        {"allow_origins": ["https://*.example.com"]},
        {"allow_origin_regex": r"https://app\.example\.com"},
        {"allow_origin_regex": r"https://[a-z0-9-]+\.example\.com"},
    ],
    ids=["exact", "pattern", "regex", "regex-class"],
)
@pytest.mark.parametrize(
    "attack",
    [
        "https://app.example.com.evil.com",  # prefix
        "https://app.example.com.evil.com:443",
        "https://app.example.comevil.com",
        "https://evilapp.example.co",  # substring of the allowed value
        "https://app.example.co",  # "https://app.example.co" in "https://app.example.com"
        "https://pp.example.com.evil.net",
        "https://xapp.example.comx.evil.net",
        "https://evil.net#https://app.example.com",
        "https://evil.net?https://app.example.com",
        "https://evil.net/https://app.example.com",
        "https://app.example.com@evil.net",
        "https://evil.net\\.app.example.com",
        "https://app.example.com\\.evil.net",
    ],
)
def test_allowed_host_as_prefix_or_substring(
    kind: str, config: dict[str, Any], attack: str
) -> None:
    credentials = "allow_origins" in config and "*" not in config["allow_origins"][0]
    s = stack(kind, allow_credentials=credentials, **config)
    assert_allowed(s, APP, credentials=credentials)
    assert_blocked(s, attack, credentials=credentials)


@pytest.mark.parametrize(
    "attack",
    [
        "https://evilexample.com",
        "https://notexample.com",
        "https://evil-example.com",
        "https://evil.com.example.com.evil.com",
        "https://example.com.evil.com",
    ],
)
@pytest.mark.parametrize(
    "config",
    [
        {"allow_origins": ["https://example.com"]},
        {"allow_origins": ["https://*.example.com"]},
        {"allow_origin_regex": r"https://([a-z0-9-]+\.)?example\.com"},
    ],
    ids=["exact", "pattern", "regex"],
)
def test_allowed_host_as_suffix(kind: str, config: dict[str, Any], attack: str) -> None:
    s = stack(kind, **config)
    legit = "https://example.com" if "allow_origins" not in config else None
    legit = legit or config["allow_origins"][0].replace("*", "www")
    assert_allowed(s, legit)
    assert_blocked(s, attack)


def test_origin_list_given_as_a_string_is_refused() -> None:
    # The classic `origin in "https://app.example.com"` substring bug.
    with pytest.raises(ConfigError, match="string where a list is expected"):
        CORSPolicy(allow_origins=APP)


# ------------------------------------------------------------------ unescaped regex dots


def test_unescaped_regex_dot_is_a_user_bug_fullmatch_stops_suffix_attacks(kind: str) -> None:
    """A user regex is matched with ``fullmatch``: an unescaped ``.`` still matches any
    character (that is the user's regex, and we do what it says), but nothing can be
    appended to or prepended before the match. ``audit`` reports the dot."""
    s = stack(kind, allow_origin_regex="https://app.example.com")
    assert_allowed(s, APP)
    # What the user wrote: '.' is any character. Documented, and reported by the audit.
    _, headers, _ = s("GET", "/", [("Origin", "https://appxexample.com")])
    assert values(headers, ACAO) == ["https://appxexample.com"]
    # fullmatch: no suffix, prefix or path attack gets through.
    for attack in (
        "https://app.example.com.evil.com",
        "https://appxexample.com.evil.com",
        "https://evil.app.example.com",
        "https://app.example.comm",
        "http://app.example.com",
    ):
        assert_blocked(s, attack)


def test_escaped_regex_and_exact_entry_do_not_match_the_dot_variant(kind: str) -> None:
    for config in (
        {"allow_origin_regex": r"https://app\.example\.com"},
        {"allow_origins": [APP]},
    ):
        s = stack(kind, **config)
        assert_allowed(s, APP)
        assert_blocked(s, "https://appxexample.com")
        assert_blocked(s, "https://app.examplexcom")


def test_audit_reports_unescaped_regex_dots() -> None:
    findings = audit_policy(CORSPolicy(allow_origin_regex="https://app.example.com"))
    dots = [(f.severity, f.origin) for f in findings if f.check == "unescaped_dot"]
    assert dots == [("high", "https://appxexample.com"), ("high", "https://app.examplexcom")]
    assert audit_policy(CORSPolicy(allow_origin_regex=r"https://app\.example\.com")) == []


def test_audit_command_reports_unescaped_regex_dots(tmp_path: Path) -> None:
    config = tmp_path / "cors.toml"
    config.write_text('[cors]\nallow_origin_regex = "https://app.example.com"\n')
    out = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(out):
        code = cli_main(["audit", "--config", str(config)])
    assert code == 1, out.getvalue()
    assert "[HIGH] unescaped_dot" in out.getvalue()
    assert "https://appxexample.com" in out.getvalue()


# ---------------------------------------------------------------------- http downgrade


@pytest.mark.parametrize(
    ("config", "legit", "attack"),
    [
        ({"allow_origins": [APP]}, APP, "http://app.example.com"),
        ({"allow_origins": ["https://*.example.com"]}, APP, "http://app.example.com"),
        ({"allow_origins": [APP]}, APP, "http://app.example.com:443"),
        (
            {"allow_origins": ["https://app.example.com:8443"]},
            "https://app.example.com:8443",
            "http://app.example.com:8443",
        ),
        ({"allow_origins": [APP]}, APP, "ws://app.example.com"),
        ({"allow_origins": [APP]}, APP, "wss://app.example.com"),
    ],
)
def test_http_downgrade(kind: str, config: dict[str, Any], legit: str, attack: str) -> None:
    s = stack(kind, allow_credentials=True, **config)
    assert_allowed(s, legit, credentials=True)
    assert_blocked(s, attack, credentials=True)


# ------------------------------------------------------------ special characters after host


@pytest.mark.parametrize("char", SPECIAL)
@pytest.mark.parametrize(
    "config",
    [
        {"allow_origins": [APP]},
        {"allow_origins": ["https://*.example.com"]},
        {"allow_origin_regex": r"https://[a-z]+\.example\.com"},
    ],
    ids=["exact", "pattern", "regex"],
)
def test_special_characters_after_host(kind: str, config: dict[str, Any], char: str) -> None:
    s = stack(kind, **config)
    assert_allowed(s, APP)
    for attack in (
        f"https://app.example.com{char}.evil.net",
        f"https://app.example.com{char}evil.net",
        f"https://app.example.com{char}",
    ):
        assert_blocked(s, attack)


# ---------------------------------------------------------- over-broad subdomain patterns


@pytest.mark.parametrize(
    "entry", ["https://*.com", "https://*.github.io", "https://*.co.uk", "https://*.herokuapp.com"]
)
def test_public_suffix_wildcard_with_credentials_refused(entry: str) -> None:
    with pytest.raises(ConfigError, match="allow_public_suffix_wildcards=True"):
        CORSPolicy(allow_origins=[entry], allow_credentials=True)
    # The explicit opt-in is the only way in.
    CORSPolicy(allow_origins=[entry], allow_credentials=True, allow_public_suffix_wildcards=True)


@pytest.mark.parametrize(
    "entry",
    [
        "https://*",
        "*.example.com",
        "https://*example.com",
        "https://app.*.com",
        "https://**.com",
        "https://*.*.example.com",
        "https://example.*",
    ],
)
def test_unsupported_wildcards_refused(entry: str) -> None:
    with pytest.raises(ConfigError):
        CORSPolicy(allow_origins=[entry])


def test_subdomain_pattern_never_matches_apex_or_other_scheme(kind: str) -> None:
    s = stack(kind, allow_origins=["https://*.example.com"], allow_credentials=True)
    assert_allowed(s, "https://a.b.example.com", credentials=True)
    for attack in (
        "https://example.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://.example.com",
        "https://a..example.com",
    ):
        assert_blocked(s, attack, credentials=True)


# ------------------------------------------------------------- wildcard with credentials


@pytest.mark.parametrize("origins", [["*"], [APP, "*"]])
def test_wildcard_with_credentials_refused(origins: list[str]) -> None:
    with pytest.raises(ConfigError, match="allow_credentials=True"):
        CORSPolicy(allow_origins=origins, allow_credentials=True)


def test_expose_star_with_credentials_refused() -> None:
    with pytest.raises(ConfigError, match="expose_headers"):
        CORSPolicy(allow_origins=[APP], expose_headers="*", allow_credentials=True)


# --------------------------------------------------------------- Vary and shared caches


@pytest.mark.parametrize(
    "config", [{"allow_origins": [APP]}, {"allow_origins": [APP], "allow_credentials": True}]
)
def test_vary_origin_on_allowed_denied_and_no_origin_responses(
    kind: str, config: dict[str, Any]
) -> None:
    s = stack(kind, **config)
    for headers in ([("Origin", APP)], [("Origin", EVIL)], [], [("Origin", "null")]):
        _, out, _ = s("GET", "/", headers)
        # Merged into the app's own Vary, exactly once.
        assert values(out, "vary") == ["Accept-Encoding, Origin"], (headers, out)


def test_star_without_credentials_needs_no_vary(kind: str) -> None:
    s = stack(kind, allow_origins=["*"])
    for headers in ([("Origin", APP)], [("Origin", EVIL)], []):
        _, out, _ = s("GET", "/", headers)
        assert values(out, ACAO) == ["*"]  # the same answer for everyone: nothing to poison
        assert values(out, "vary") == ["Accept-Encoding"]


def _origin_server(s: Stack) -> Callable[[str, dict[str, str]], tuple[int, Any, bytes]]:
    def server(url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
        return s("GET", url, list(headers.items()))

    return server


@pytest.mark.parametrize("first", [APP, EVIL, None], ids=["allowed", "denied", "no-origin"])
def test_shared_cache_cannot_be_poisoned(kind: str, first: str | None) -> None:
    """Whatever a shared cache stores first, every origin gets its own answer."""
    s = stack(kind, allow_origins=[APP, "https://other.example.com"], allow_credentials=True)
    cache = SharedCache(_origin_server(s))
    order = [first, APP, EVIL, None, "https://other.example.com", APP, EVIL]
    for origin in order:
        headers = {"Host": HOST} if origin is None else {"Host": HOST, "Origin": origin}
        _, out, _ = cache.get("/data", headers)
        expected = [] if origin in (None, EVIL) else [origin]
        assert values(out, ACAO) == expected, (origin, out)
    assert cache.hits >= 3  # the cache did serve stored answers (to the right origins)


def test_shared_cache_model_detects_poisoning_without_vary(kind: str) -> None:
    """Control: the same cache *is* poisoned when ``Vary`` is stripped (Tomcat CVE-2017-7674),
    so the test above would fail if the middleware forgot ``Vary: Origin``."""
    s = stack(kind, allow_origins=[APP], allow_credentials=True)

    def stripping_proxy(url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
        status, out, body = s("GET", url, list(headers.items()))
        return status, [(n, v) for n, v in out if n != "vary"], body

    cache = SharedCache(stripping_proxy)
    cache.get("/data", {"Origin": APP})
    _, out, _ = cache.get("/data", {"Origin": EVIL})
    assert values(out, ACAO) == [APP]  # EVIL got APP's credentialed answer


# --------------------------------------------------------------- CR/LF header injection

INJECTIONS = [
    "https://app.example.com\r\nSet-Cookie: session=evil",
    "https://app.example.com\r\n",
    "https://app.example.com\n",
    "https://app.example.com\r",
    "\r\nhttps://app.example.com",
    "https://app.example.com\x00",
    "https://app.example.com\x00.evil.net",
    "https://app.example.com\r\n\r\n<script>alert(1)</script>",
    "https://app.example.com%0d%0aSet-Cookie:%20a=b",
    "https://app.example.com\x85Set-Cookie: a=b",
    "https://app.example.com\t",
    " https://app.example.com",
]


@pytest.mark.parametrize("origin", INJECTIONS)
@pytest.mark.parametrize(
    "config",
    [
        {"allow_origins": [APP], "allow_credentials": True},
        {"allow_origins": ["https://*.example.com"], "debug": True},
        {"allow_origin_regex": r"https://app\.example\.com.*"},
        {"allow_origin_predicate": lambda origin: True},
        {"allow_origin_regex": r"(?s).*", "debug": True},
    ],
    ids=["exact", "pattern-debug", "regex-dotstar", "predicate-true", "regex-anything-debug"],
)
def test_crlf_origin_never_reflected(kind: str, config: dict[str, Any], origin: str) -> None:
    if kind == "asgi" and not origin.isascii() and any(ord(c) > 255 for c in origin):
        pytest.skip("ASGI header bytes are latin-1: the character cannot be on the wire")
    if kind == "wsgi" and any(ord(c) > 255 for c in origin):
        pytest.skip("WSGI header values are latin-1 strings")
    s = stack(kind, **config)
    assert_allowed(s, APP, credentials=config.get("allow_credentials", False))
    for method, extra in (
        ("GET", []),
        ("OPTIONS", [("Access-Control-Request-Method", "PUT")]),
        ("OPTIONS", [("Access-Control-Request-Method", "PUT\r\nX-Evil: 1")]),
        (
            "OPTIONS",
            [
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "x-a\r\nSet-Cookie: a=b"),
            ],
        ),
    ):
        status, headers, body = s(method, "/", [("Origin", origin), *extra])
        assert_clean_headers(headers)
        assert values(headers, ACAO) == [], headers
        assert values(headers, "set-cookie") == [] and values(headers, "x-evil") == []
        if method == "OPTIONS":  # the middleware's own body: one line, never rendered
            assert status == 403
            assert b"\r" not in body and body.count(b"\n") == 1
            assert one(headers, "content-type") == "text/plain; charset=utf-8"
            assert one(headers, "x-content-type-options") == "nosniff"


@pytest.mark.parametrize("server", ["uvicorn", "waitress"])
@pytest.mark.parametrize(
    "origin_lines",
    [
        b"Origin: https://app.example.com\r\n Set-Cookie: a=b\r\n",  # obsolete line folding
        b"Origin: https://app.example.com\nSet-Cookie: a=b\r\n",  # bare LF
        b"Origin: https://app.example.com\rSet-Cookie: a=b\r\n",  # bare CR
        b"Origin: https://app.example.com\x00\r\n",
    ],
)
def test_crlf_origin_on_real_servers(server: str, origin_lines: bytes) -> None:
    """Over a raw socket: the server rejects the request, splits the line (then the Origin
    *is* the clean one), or the middleware refuses the origin; whatever it does, nothing but
    the exact allowed origin is ever reflected and no header is injected."""
    from adapters.asgi import CORSMiddleware as ASGICORS
    from adapters.wsgi import CORSMiddleware as WSGICORS
    from tests.security.support import asgi_app, raw_http, wsgi_app
    from tests.servers import serve_asgi, serve_wsgi

    policy = CORSPolicy(allow_origins=[APP], allow_credentials=True)
    serve = (
        serve_asgi(ASGICORS(asgi_app, policy=policy))
        if server == "uvicorn"
        else serve_wsgi(WSGICORS(wsgi_app, policy=policy))
    )
    with serve as base:
        request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + origin_lines
        status, headers, _ = raw_http(base, request + b"\r\n")
        assert values(headers, ACAO) in ([], [APP]) and values(headers, "set-cookie") == []
        assert_clean_headers(headers)
        assert status in (200, 400), status
        # control: the clean request is reflected on the same server
        clean = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nOrigin: " + (
            APP.encode() + b"\r\n\r\n"
        )
        assert values(raw_http(base, clean)[1], ACAO) == [APP]
