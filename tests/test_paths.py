"""Unit tests of cors_core._paths: PathRules precedence and raw-path matching."""

from __future__ import annotations

import pytest

from cors_core import Action, ConfigError, CORSPolicy, PathRules, ReasonCode
from cors_core._paths import normalize_path

A = CORSPolicy(allow_origins=["https://a.example"])
B = CORSPolicy(allow_origins=["https://b.example"])
C = CORSPolicy(allow_origins=["*"])
D = CORSPolicy(allow_origins=["https://d.example"])
NAMES = {id(A): "A", id(B): "B", id(C): "C", id(D): "D", id(None): "None"}


def which(rules: PathRules, path: str) -> str:
    """The rule's name; ``"A+B"`` when readings of the path fall to several rules (the
    strictest of them applies)."""
    found = rules.for_path(path)
    return "+".join(NAMES[id(p)] for p in getattr(found, "policies", (found,)))


@pytest.mark.parametrize("order", [1, -1])
def test_precedence_regardless_of_order(order: int) -> None:
    items = [("/api/*", A), ("/api/v1/*", B), ("/api/v1/status", C), ("/off/*", None)][::order]
    rules = PathRules(items, default=D)
    assert which(rules, "/api") == "A"
    assert which(rules, "/api/") == "A"
    assert which(rules, "/api/x") == "A"
    assert which(rules, "/apix") == "D"
    assert which(rules, "/api/v1") == "B"
    assert which(rules, "/api/v1/users") == "B"
    assert which(rules, "/api/v1/status") == "C"  # exact beats prefix
    # Routers may serve /api/v1/status/ from the /api/v1/status view: both rules apply.
    assert which(rules, "/api/v1/status/") == "B+C"
    assert which(rules, "/api/v1/status?x=1") == "B"  # a decoded '?' (%3F) is part of the path
    assert which(rules, "/off/x") == "None"
    assert which(rules, "/other") == "D"


def test_catch_all_prefix() -> None:
    rules = PathRules({"/*": A, "/private/*": None})
    assert which(rules, "/") == "A"
    assert which(rules, "/anything/at/all") == "A"
    assert which(rules, "/private/x") == "None"


def test_none_means_no_cors() -> None:
    rules = PathRules({"/internal/*": None}, default=A)
    d = rules.decide("GET", "https://a.example", path="/internal/x")
    assert (d.action, d.allowed, d.headers, d.vary_origin) == (Action.PASS, True, (), False)
    assert d.reason.code == ReasonCode.NO_CORS_FOR_PATH
    d = rules.decide("OPTIONS", "https://a.example", "GET", path="/internal/x")
    assert d.action is Action.PASS
    d = rules.decide_websocket("https://a.example", "h", "wss", path="/internal/x")
    assert d.action is Action.PASS
    d = rules.decide("GET", "https://a.example", path="/public")
    assert d.headers == (("Access-Control-Allow-Origin", "https://a.example"),)


def test_no_rule_and_no_default_is_no_cors() -> None:
    rules = PathRules({"/api/*": A})
    assert rules.decide("GET", "https://a.example", path="/x").action is Action.PASS


def test_decide_forwards_preflight_arguments() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"], allow_methods=["PUT"])
    rules = PathRules({"/api/*": policy})
    d = rules.decide("OPTIONS", "https://a.example", "PUT", None, False, path="/api/x")
    assert (d.action, d.status, d.allowed) == (Action.RESPOND, 204, True)
    d = rules.decide("OPTIONS", "https://a.example", "DELETE", path="/api/x")
    assert (d.status, d.reason.code) == (403, ReasonCode.METHOD_NOT_ALLOWED)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin+x", "A"),  # '+' is not a space
        ("/admin%20x", "A"),  # the path is decoded once, by the server: never again here
        ("/admin x", "None"),
        ("/Admin", "A"),  # case-sensitive
        ("/ADMIN/x", "A"),
        ("/admin", "B"),
        ("/admin/x", "B"),
        # Dot segments (which browsers never send): no CORS, whatever the rules.
        ("/api/../admin", "None"),
        ("/api/%2e%2e/admin", "A"),  # a literal '%2e%2e' (sent as %252e%252e), not a dot
        ("/api//../admin/x", "None"),
        ("/api/./x", "None"),
        ("/admin/../api/x", "None"),
        ("/.well-known/x", "A"),  # a dot starting a name is no dot segment
        ("/admin/.x/..y", "B"),
        ("//admin/x", "A+B"),  # werkzeug merges repeated slashes (and redirects)
        ("/api//admin", "A"),
        ("/admin//x", "B"),
        ("/admin%2Fx", "A"),  # a literal '%2F' (sent as %252F) is not a separator
    ],
)
def test_decoded_path_matching(path: str, expected: str) -> None:
    rules = PathRules({"/*": A, "/admin/*": B, "/admin x": None})
    assert which(rules, path) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/api/%2e%2e/admin", "/api/%2e%2e/admin"),  # decoded once already: no second decode
        ("/api/x/../admin", "/api/admin"),
        ("/a/./b", "/a/b"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/..", "/"),
        ("/a/.", "/a/"),
        ("", "/"),
        ("/a+b", "/a+b"),
        ("/A%2Fb?x=1", "/A%2Fb?x=1"),
        ("/a//b", "/a/b"),
        ("//a///b//", "/a/b/"),
        ("/.hidden/x", "/.hidden/x"),
    ],
)
def test_normalize_path(raw: str, expected: str) -> None:
    assert normalize_path(raw) == expected


def test_bad_patterns_listed_together() -> None:
    with pytest.raises(ConfigError) as info:
        PathRules(
            [
                ("api/*", A),
                ("/a*", A),
                ("/b/*/c", A),
                ("/x", "not a policy"),  # type: ignore[list-item]
                ("/y/*", A),
                ("/y/*", B),
                ("/z/*/", A),
                (3, A),  # type: ignore[list-item]
            ]
        )
    problems = info.value.problems
    assert [(p.option, p.entry) for p in problems] == [
        ("paths", "'api/*'"),
        ("paths", "'/a*'"),
        ("paths", "'/b/*/c'"),
        ("paths", "'/x'"),
        ("paths", "'/y/*'"),
        ("paths", "'/z/*/'"),
        ("paths", "3"),
    ]
    assert problems[0].problem == "is not a path"
    assert problems[1].problem == "has '*' somewhere else than a final '/*'"
    assert problems[3].problem == "maps to something other than a CORSPolicy"
    assert problems[4].problem == "is listed twice"


def test_websocket_origins_any_rule() -> None:
    ws = CORSPolicy(allow_origins=["https://a.example"], websocket_origins=True)
    assert PathRules({"/ws": ws}).websocket_origins
    assert PathRules({"/x/*": A}, default=ws).websocket_origins
    assert not PathRules({"/x/*": A, "/y": None}).websocket_origins


# ------------------------------------------- readings: the stricter answer wins


def test_an_exact_rule_covers_its_slash_twin() -> None:
    """Flask (strict_slashes=False) and Django (re_path(r"^internal/?$")) serve /internal/
    from the /internal view: its rule applies there too, and the reverse."""
    rules = PathRules({"/internal": None, "/status/": A}, default=C)
    assert which(rules, "/internal") == "None"
    assert which(rules, "/internal/") == "None"
    assert which(rules, "/internal/x") == "C"
    assert which(rules, "/status/") == "A"
    assert which(rules, "/status") == "C+A"
    assert which(rules, "/") == "C"
    d = rules.decide("GET", "https://evil.example", path="/internal/")
    assert (d.action, d.headers, d.reason.code) == (Action.PASS, (), ReasonCode.NO_CORS_FOR_PATH)


def test_dot_segments_after_an_encoded_slash_get_no_cors() -> None:
    """``/internal/..%2Fpublic`` reaches the app as ``/internal/../public``, which routers
    serve from a catch-all under /internal: no CORS, not the default's ``*``."""
    rules = PathRules({"/internal/*": None}, default=C)
    for path in ("/internal/../public", "/public/./x", "/x/..", "/..", "/public/x/."):
        d = rules.decide("GET", "https://evil.example", path=path)
        assert (d.action, d.headers, d.reason.code) == (
            Action.PASS,
            (),
            ReasonCode.NO_CORS_FOR_PATH,
        ), path
        assert "'..' segment" in d.reason.message
        d = rules.decide("OPTIONS", "https://evil.example", "PUT", path=path)
        assert (d.action, d.headers) == (Action.PASS, ()), path
    assert rules.decide("GET", "https://evil.example", path="/public").headers == (
        ("Access-Control-Allow-Origin", "*"),
    )


def test_policies_that_disagree_give_the_strictest_decision() -> None:
    rules = PathRules({"/a/b/*": A, "/a/*": B})
    # /a//b/x: /a/* as sent (Starlette, Django), /a/b/* merged (werkzeug).
    d = rules.decide("GET", "https://a.example", path="/a//b/x")
    assert (d.allowed, d.reason.code) == (False, ReasonCode.ORIGIN_NOT_ALLOWED)
    d = rules.decide("OPTIONS", "https://b.example", "GET", path="/a//b/x")
    assert (d.status, d.allowed, d.reason.value) == (403, False, "https://b.example")
    # Allowed under both, but with different answers: no CORS at all.
    both = CORSPolicy(allow_origins=["https://a.example"], allow_credentials=True)
    rules = PathRules({"/a/b/*": A, "/a/*": both})
    d = rules.decide("GET", "https://a.example", path="/a//b/x")
    assert (d.action, d.headers, d.reason.code) == (Action.PASS, (), ReasonCode.NO_CORS_FOR_PATH)
    assert "several ways" in d.reason.message
    # Allowed with the same answer: that answer.
    same = CORSPolicy(allow_origins=["https://a.example"])
    rules = PathRules({"/a/b/*": A, "/a/*": same})
    d = rules.decide("GET", "https://a.example", path="/a//b/x")
    assert d.headers == (("Access-Control-Allow-Origin", "https://a.example"),)
    # No Origin, answers that differ: no CORS headers (a cached `*` must not serve the
    # stricter reading) and Vary: Origin.
    rules = PathRules({"/a/b/*": CORSPolicy(allow_origins=["*"]), "/a/*": A})
    d = rules.decide("GET", None, path="/a//b/x")
    assert (d.action, d.headers, d.vary_origin) == (Action.ACTUAL, (), True)
    assert d.reason.code == ReasonCode.NO_ORIGIN
    # No Origin, the same answer: that answer.
    rules = PathRules({"/a/b/*": A, "/a/*": CORSPolicy(allow_origins=["https://a.example"])})
    d, alone = rules.decide("GET", None, path="/a//b/x"), A.decide("GET", None)
    assert (d.action, d.headers, d.vary_origin) == (alone.action, alone.headers, alone.vary_origin)


def test_nested_rules_see_the_path_and_a_none_reading_wins() -> None:
    inner = PathRules({"/api/private/*": None}, default=A)
    rules = PathRules({"/api/*": inner}, default=C)
    assert rules.decide("GET", "https://a.example", path="/api/private/x").headers == ()
    assert rules.decide("GET", "https://a.example", path="/api/x").headers == (
        ("Access-Control-Allow-Origin", "https://a.example"),
    )
    d = rules.decide("GET", "https://a.example", path="/api//private/x")
    assert (d.action, d.headers) == (Action.PASS, ())


def test_websocket_handshakes_are_checked_if_any_reading_checks_them() -> None:
    """For websockets the strict answer is the origin check, not its absence."""
    chat = CORSPolicy(allow_origins=["https://a.example"])
    rules = PathRules({"/ws/*": chat, "/open/*": None})
    for path in ("/ws/c", "/ws//c", "//ws/c", "/ws/c/"):
        d = rules.decide_websocket("https://evil.example", "h", "wss", path=path)
        assert (d.status, d.allowed) == (403, False), path
        d = rules.decide_websocket("https://a.example", "h", "wss", path=path)
        assert d.allowed, path
    # A dot segment (never sent by a browser): refused whatever the rules say.
    for path in ("/open/../ws/c", "/ws/../open/c", "/open/./c"):
        for origin in ("https://evil.example", "https://a.example"):
            d = rules.decide_websocket(origin, "h", "wss", path=path)
            assert (d.status, d.allowed) == (403, False), path
            assert "'..' segment" in d.reason.message
        assert rules.decide_websocket(None, "h", "wss", path=path).allowed  # not a browser
    d = rules.decide_websocket("https://evil.example", "h", "wss", path="/open/c")
    assert (d.action, d.reason.code) == (Action.PASS, ReasonCode.NO_CORS_FOR_PATH)
    # A nested engine gets the path for websockets too.
    nested = PathRules({"/x/*": PathRules({"/x/ws/*": chat})})
    d = nested.decide_websocket("https://evil.example", "h", "wss", path="/x/ws/c")
    assert (d.status, d.allowed) == (403, False)
    d = nested.decide_websocket("https://evil.example", "h", "wss", path="/x/other")
    assert d.reason.code == ReasonCode.NO_CORS_FOR_PATH


@pytest.mark.parametrize(
    ("path", "readings"),
    [
        ("/api/users", ("/api/users",)),
        ("", ("/",)),
        ("/a//b", ("/a//b", "/a/b")),
        ("///a////b//", ("///a////b//", "/a/b/")),
    ],
)
def test_path_readings(path: str, readings: tuple[str, ...]) -> None:
    from cors_core._paths import path_readings

    assert path_readings(path) == readings
