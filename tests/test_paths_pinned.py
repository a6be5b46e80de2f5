"""Per-path rules: outcomes the other path tests leave open (found by mutation testing).

Each test states an answer a caller sees: the exact configuration problems, the order of
``rules()``, which rule governs the empty path, that every request value reaches the
policy that decides, and how the strictest of several readings is picked.
"""

from __future__ import annotations

from typing import Any

import pytest

from cors_core import Action, ConfigError, CORSPolicy, PathRules, ReasonCode
from cors_core._paths import is_engine
from cors_core.buckets import from_gcs

ORIGIN_A = "https://a.example"
A = CORSPolicy(allow_origins=[ORIGIN_A])
B = CORSPolicy(allow_origins=["https://b.example"])
STAR = CORSPolicy(allow_origins=["*"])
ACAO = "Access-Control-Allow-Origin"


class _Partial:
    """An object with only some of an engine's members."""

    def __init__(self, **members: Any) -> None:
        self.__dict__.update(members)


def _decide(*_: Any, **__: Any) -> None:
    return None


# ------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    "value",
    [
        _Partial(decide=_decide, websocket_origins=False),  # no decide_websocket
        _Partial(decide_websocket=_decide, websocket_origins=False),  # no decide
        _Partial(decide=_decide, decide_websocket=_decide),  # no websocket_origins
        _Partial(websocket_origins=False),
    ],
)
def test_a_value_missing_any_engine_member_is_refused(value: object) -> None:
    assert not is_engine(value)
    with pytest.raises(ConfigError) as info:
        PathRules({"/x": value})
    (problem,) = info.value.problems
    assert (problem.option, problem.entry, problem.problem) == (
        "paths",
        "'/x'",
        "maps to something other than a CORSPolicy",
    )


def test_every_configuration_problem_names_its_fix() -> None:
    with pytest.raises(ConfigError) as info:
        PathRules(
            [
                ("api/*", A),
                ("/x", "not a policy"),
                ("/a*/*", A),
                ("/y/*", A),
                ("/y/*", B),
            ],
            default="https://a.example",
        )
    assert [(p.option, p.entry, p.problem, p.fix) for p in info.value.problems] == [
        ("paths", "'api/*'", "is not a path", "start it with '/'"),
        (
            "paths",
            "'/x'",
            "maps to something other than a CORSPolicy",
            "map it to CORSPolicy(...), another policy such as "
            "cors_core.buckets.from_s3(...), or None (no CORS)",
        ),
        (
            "paths",
            "'/a*/*'",
            "has '*' somewhere else than a final '/*'",
            "write an exact path or a prefix such as '/api/*'",
        ),
        ("paths", "'/y/*'", "is listed twice", "keep one"),
        ("default", "'https://a.example'", "is not a policy", "pass CORSPolicy(...) or None"),
    ]


def test_rules_lists_exact_paths_then_prefixes_longest_first_then_the_default() -> None:
    rules = PathRules({"/b/*": A, "/health": None, "/aaa/*": B, "/c/*": STAR}, default=A)
    assert rules.rules() == (
        ("/health", None),
        ("/aaa/*", B),
        ("/b/*", A),  # prefixes of one length keep their order
        ("/c/*", STAR),
        ("default", A),
    )


# ------------------------------------------------------------------ which rule governs


def test_the_empty_path_is_the_root() -> None:
    rules = PathRules({"/": A, "/*": None}, default=B)
    assert rules.for_path("") is A
    d = rules.decide("GET", ORIGIN_A)  # no path given: the root
    assert d.headers == ((ACAO, ORIGIN_A),)
    ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    rules = PathRules({"/": ws})
    d = rules.decide_websocket("https://evil.example", "api.example", "wss")
    assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.WEBSOCKET_ORIGIN)


def test_the_catch_all_covers_a_path_without_a_leading_slash() -> None:
    # "OPTIONS *" reaches an ASGI app with the path "*".
    assert PathRules({"/*": A}, default=B).for_path("*") is A


def test_a_reading_with_no_cors_wins_over_an_exact_rules_twin() -> None:
    # /x//y/ as sent: no rule, its twin /x//y has A; merged, /x/y/: no CORS, or the
    # twin of /x/y: no CORS. Either way the path gets no CORS.
    for rules in (
        PathRules({"/x//y": A, "/x/y/": None}, default=STAR),
        PathRules({"/x//y": A, "/x/y": None}, default=STAR),
    ):
        assert rules.for_path("/x//y/") is None
        d = rules.decide("GET", ORIGIN_A, path="/x//y/")
        assert (d.action, d.headers, d.reason.code) == (
            Action.PASS,
            (),
            ReasonCode.NO_CORS_FOR_PATH,
        )


# ------------------------------------------------------------------ request values


def _block(origin: str) -> CORSPolicy:
    return CORSPolicy(allow_origins=[origin], allow_methods=["PUT"], block_disallowed=True)


def test_path_rules_pass_every_request_value_to_the_policy() -> None:
    rules = PathRules({"/api/*": _block(ORIGIN_A)})
    # Access-Control-Request-Headers and -Private-Network reach the policy.
    d = rules.decide("OPTIONS", ORIGIN_A, "PUT", "x-custom", path="/api/x")
    assert (d.status, d.reason.code) == (403, ReasonCode.HEADER_NOT_ALLOWED)
    d = rules.decide("OPTIONS", ORIGIN_A, "PUT", None, True, path="/api/x")
    assert (d.status, d.reason.code) == (403, ReasonCode.PRIVATE_NETWORK)
    d = rules.decide("OPTIONS", ORIGIN_A, "PUT", path="/api/x")  # no PNA by default
    assert (d.status, d.allowed) == (204, True)
    # Host and scheme: a same-origin request passes block_disallowed.
    d = rules.decide(
        "POST", "https://api.example", path="/api/x", host="api.example", scheme="https"
    )
    assert (d.action, d.allowed, d.reason.code) == (Action.ACTUAL, True, ReasonCode.SAME_ORIGIN)
    d = rules.decide("POST", "http://api.example", path="/api/x", host="api.example")  # http
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = rules.decide("POST", "https://api.example", path="/api/x", host="other.example")
    assert (d.status, d.allowed) == (403, False)


def test_websocket_checks_get_the_host_and_the_scheme() -> None:
    ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    rules = PathRules({"/ws/*": ws})
    d = rules.decide_websocket("https://api.example", "api.example", "wss", path="/ws/c")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = rules.decide_websocket("https://api.example", "other.example", "wss", path="/ws/c")
    assert (d.status, d.allowed) == (403, False)


def test_an_allowed_handshake_gets_the_policys_own_answer() -> None:
    ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    rules = PathRules({"/ws/*": ws})
    d = rules.decide_websocket(ORIGIN_A, "api.example", "wss", path="/ws/c")
    own = ws.decide_websocket(ORIGIN_A, "api.example", "wss")
    assert (d.action, d.allowed, d.reason.code, d.headers) == (
        own.action,
        True,
        own.reason.code,
        own.headers,
    )
    assert d.reason.code is not ReasonCode.NO_CORS_FOR_PATH


def test_a_handshake_refused_by_one_reading_is_refused_whatever_the_others_say() -> None:
    a_ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    b_ws = CORSPolicy(allow_origins=["https://b.example"], websocket_origins=True)
    rules = PathRules({"/a/b/*": a_ws, "/a/*": b_ws})
    # /a//b/x: /a/* as sent (b only), /a/b/* merged (a only).
    for origin in (ORIGIN_A, "https://b.example"):
        d = rules.decide_websocket(origin, "api.example", "wss", path="/a//b/x")
        assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.WEBSOCKET_ORIGIN)


# ------------------------------------------------------------------ the strictest of readings


def _strictest(first: Any, second: Any) -> Any:
    """What governs ``/a//b/x`` under ``/a/*: first`` and ``/a/b/*: second``."""
    governing = PathRules({"/a/b/*": second, "/a/*": first}).for_path("/a//b/x")
    assert governing is not None
    assert governing not in (first, second)
    return governing


def test_the_strictest_of_readings_passes_every_request_value() -> None:
    x, y = _block(ORIGIN_A), _block(ORIGIN_A)
    strict = _strictest(x, y)
    assert repr(strict) == f"strictest of {[x, y]!r}"
    d = strict.decide("OPTIONS", ORIGIN_A, "PUT", "x-custom")
    assert (d.status, d.reason.code) == (403, ReasonCode.HEADER_NOT_ALLOWED)
    d = strict.decide("OPTIONS", ORIGIN_A, "PUT", None, True)
    assert (d.status, d.reason.code) == (403, ReasonCode.PRIVATE_NETWORK)
    d = strict.decide("OPTIONS", ORIGIN_A, "PUT")  # no PNA by default
    assert (d.status, d.allowed) == (204, True)
    d = strict.decide("POST", "https://api.example", host="api.example", scheme="https")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = strict.decide("POST", "http://api.example", host="api.example")  # http by default
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = strict.decide("POST", "https://api.example", host="other.example", scheme="https")
    assert (d.status, d.allowed) == (403, False)


def test_the_strictest_of_readings_passes_the_path_to_nested_rules() -> None:
    inner = PathRules({"/": None, "/a/b/private": None}, default=A)
    strict = _strictest(A, inner)
    d = strict.decide("GET", ORIGIN_A, path="/a/b/private")
    assert (d.action, d.headers, d.reason.code) == (Action.PASS, (), ReasonCode.NO_CORS_FOR_PATH)
    d = strict.decide("GET", ORIGIN_A)  # no path: the root, which has no CORS inside
    assert (d.action, d.headers, d.reason.code) == (Action.PASS, (), ReasonCode.NO_CORS_FOR_PATH)
    d = strict.decide("GET", ORIGIN_A, path="/a/b/public")
    assert d.headers == ((ACAO, ORIGIN_A),)
    d = strict.decide_websocket(ORIGIN_A, "h", "wss", path="/a/b/private")
    assert (d.action, d.reason.code) == (Action.PASS, ReasonCode.NO_CORS_FOR_PATH)
    d = strict.decide_websocket(ORIGIN_A, "h", "wss")  # no path: the root
    assert (d.action, d.reason.code) == (Action.PASS, ReasonCode.NO_CORS_FOR_PATH)


def test_the_strictest_of_readings_decides_handshakes() -> None:
    a_ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    b_ws = CORSPolicy(allow_origins=["https://b.example"], websocket_origins=True)
    strict = _strictest(b_ws, a_ws)
    assert strict.websocket_origins
    d = strict.decide_websocket(ORIGIN_A, "api.example", "wss")
    assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.WEBSOCKET_ORIGIN)
    assert d.reason.value == ORIGIN_A
    # Same origin (host and scheme reach every policy): allowed by both.
    d = strict.decide_websocket("https://api.example", "api.example", "wss")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = strict.decide_websocket("http://api.example", "api.example", "ws")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    # No Origin: not a browser's handshake, allowed.
    d = strict.decide_websocket(None, "api.example", "wss")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.NO_ORIGIN)
    # Allowed by both, with different answers: no CORS.
    both = CORSPolicy(allow_origins=[ORIGIN_A], allow_credentials=True, websocket_origins=True)
    d = _strictest(a_ws, both).decide_websocket(ORIGIN_A, "api.example", "wss")
    assert (d.action, d.allowed, d.headers) == (Action.PASS, True, ())
    assert d.reason.code is ReasonCode.NO_CORS_FOR_PATH


def test_a_path_without_cors_says_so_and_a_dot_segment_says_why() -> None:
    rules = PathRules({"/internal/*": None}, default=STAR)
    d = rules.decide("GET", ORIGIN_A, path="/internal/x")
    assert (d.reason.code, d.reason.detail, d.reason.sentence) == (
        ReasonCode.NO_CORS_FOR_PATH,
        "",
        "",
    )
    assert d.reason.message.startswith("CORS is disabled for this path by the path rules")
    d = rules.decide("GET", ORIGIN_A, path="/internal/../x")
    assert (d.reason.code, d.reason.detail) == (ReasonCode.NO_CORS_FOR_PATH, "dots")
    assert "'..' segment" in d.reason.message


def test_the_strictest_of_readings_passes_the_path_to_nested_handshake_checks() -> None:
    b_ws = CORSPolicy(allow_origins=["https://b.example"], websocket_origins=True)
    inner = PathRules({"/a/b/ws/*": b_ws})  # no rule for '/': no check there
    strict = _strictest(A, inner)
    d = strict.decide_websocket(ORIGIN_A, "api.example", "wss", path="/a/b/ws/x")
    assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.WEBSOCKET_ORIGIN)


def test_a_handshake_without_origin_under_readings_that_differ_gets_vary_origin() -> None:
    star_ws = CORSPolicy(allow_origins=["*"], websocket_origins=True)
    a_ws = CORSPolicy(allow_origins=[ORIGIN_A], websocket_origins=True)
    d = _strictest(star_ws, a_ws).decide_websocket(None, "api.example", "wss")
    assert (d.action, d.allowed, d.headers, d.vary_origin) == (Action.ACTUAL, True, (), True)
    assert d.reason.code is ReasonCode.NO_ORIGIN


def test_readings_that_give_the_same_answer_give_the_first_readings_decision() -> None:
    bucket = from_gcs([{"origin": [ORIGIN_A], "method": ["GET"]}])
    # The same headers from both: the decision of the path as sent (/a/*) is returned.
    d = _strictest(A, bucket).decide("GET", ORIGIN_A)
    assert (d.headers, d.reason.code, d.reason.detail) == (
        ((ACAO, ORIGIN_A),),
        ReasonCode.OK,
        "",
    )
    d = _strictest(bucket, A).decide("GET", ORIGIN_A)
    assert (d.headers, d.reason.code, d.reason.detail) == (
        ((ACAO, ORIGIN_A),),
        ReasonCode.OK,
        " by cors[0]",
    )


def test_an_exact_rule_ending_in_two_slashes_does_not_break_its_twin_path() -> None:
    """/a/ is the slash twin of the exact rule /a//: both rules apply (the default's '*'
    and A's echo differ, so no CORS), and nothing crashes."""
    rules = PathRules({"/a//": A}, default=STAR)
    d = rules.decide("GET", ORIGIN_A, path="/a/")
    assert (d.allowed, d.headers) == (True, ())
