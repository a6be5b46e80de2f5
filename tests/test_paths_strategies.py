"""PathRules' key-matching strategies: ``keys="routes"`` and ``keys="flask-cors"``.

One class, every public method correct for each strategy: ``rules()``,
``websocket_origins``, ``for_path`` (percent-encoded and odd paths, repeated slashes, dot
segments), ``decide`` and ``decide_websocket``; a misspelt strategy is refused with the
fix. flask-cors itself is the authority for which resource a path gets: the property
test below builds the same ``resources`` with ``flask_cors.core.parse_resources`` and
matches as flask-cors's ``after_request`` does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask_cors.core import parse_resources, try_match_pattern
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cors_core import Action, ConfigError, CORSPolicy, PathRules, ReasonCode
from cors_core._paths import KEY_STRATEGIES
from tests.strength import example_count

ORIGIN = "https://a.example"
A = CORSPolicy(allow_origins=[ORIGIN])
B = CORSPolicy(allow_origins=["https://b.example"])
OPEN = CORSPolicy(allow_origins=["*"])
WS = CORSPolicy(allow_origins=[ORIGIN], websocket_origins=True)


def _resources(**extra: Any) -> PathRules:
    return PathRules(
        [
            (r"/api/.*", A),
            ("/api/v1.0", B),
            (re.compile(r"/x/\d+"), OPEN),
            ("/health", None),
        ],
        keys="flask-cors",
        **extra,
    )


# ------------------------------------------------------------------------ the strategy


def test_the_strategies_and_the_default() -> None:
    assert KEY_STRATEGIES == ("routes", "flask-cors")
    assert PathRules({}).keys == "routes"
    assert _resources().keys == "flask-cors"


@pytest.mark.parametrize(
    ("keys", "fix"),
    [
        (
            "flask_cors",
            "did you mean keys='flask-cors'? write keys='routes' (exact paths and '/*' "
            "prefixes) or keys='flask-cors' (flask-cors's resources: literal paths and "
            "regexes)",
        ),
        (
            "Routes",
            "did you mean keys='routes'? write keys='routes' (exact paths and '/*' "
            "prefixes) or keys='flask-cors' (flask-cors's resources: literal paths and "
            "regexes)",
        ),
        (
            "regex",
            "write keys='routes' (exact paths and '/*' prefixes) or keys='flask-cors' "
            "(flask-cors's resources: literal paths and regexes)",
        ),
        (
            None,
            "write keys='routes' (exact paths and '/*' prefixes) or keys='flask-cors' "
            "(flask-cors's resources: literal paths and regexes)",
        ),
    ],
)
def test_a_misspelt_strategy_is_refused_with_the_fix(keys: Any, fix: str) -> None:
    with pytest.raises(ConfigError) as info:
        PathRules({"/x": A}, keys=keys)
    assert [(p.option, p.entry, p.problem, p.fix) for p in info.value.problems] == [
        ("keys", repr(keys), "is not a key-matching strategy", fix)
    ]


def test_every_flask_cors_key_problem_is_listed_together() -> None:
    with pytest.raises(ConfigError) as info:
        PathRules(
            [
                (r"/api/(", A),
                (r"/api/(\w+-?)+/x", A),
                (42, A),
                ("/ok", "not a policy"),
            ],
            default="nope",
            keys="flask-cors",
        )
    got = [(p.option, p.entry, p.problem.split(":")[0], p.fix) for p in info.value.problems]
    assert got[0] == (
        "paths",
        "'/api/('",
        "does not compile (missing ), unterminated subpattern at position 5)",
        "fix the path regex",
    )
    assert got[1][:3] == ("paths", "'/api/(\\\\w+-?)+/x'", "can backtrack exponentially")
    assert got[2:] == [
        (
            "paths",
            "42",
            "is not a path or a regex",
            "write the path as a string, e.g. r'/api/.*', or a compiled regex",
        ),
        (
            "paths",
            "'/ok'",
            "maps to something other than a CORSPolicy",
            "map it to CORSPolicy(...), another policy such as cors_core.buckets.from_s3(...), "
            "or None (no CORS)",
        ),
        ("default", "'nope'", "is not a policy", "pass CORSPolicy(...) or None"),
    ]


def test_a_quadratic_path_regex_is_refused_as_for_flask_cors_resources() -> None:
    with pytest.raises(ConfigError) as info:
        PathRules([(r"/a/.*.*", A)], keys="flask-cors")
    (problem,) = info.value.problems
    assert (problem.option, problem.entry) == ("paths", "'/a/.*.*'")
    assert "request path" in problem.problem or "backtrack" in problem.problem


# ------------------------------------------------------------------------- rules()


def test_rules_lists_each_key_as_written_in_the_order_tried_then_the_default() -> None:
    assert _resources(default=OPEN).rules() == (
        ("/api/v1.0", B),
        ("/health", None),
        (r"/x/\d+", OPEN),
        (r"/api/.*", A),
        ("default", OPEN),
    )
    assert PathRules({"/api/*": A, "/health": None, "/api/v1/*": B}).rules() == (
        ("/health", None),
        ("/api/v1/*", B),
        ("/api/*", A),
        ("default", None),
    )


def test_star_is_flask_cors_catch_all() -> None:
    rules = PathRules({"*": A}, keys="flask-cors")
    assert rules.rules() == ((".*", A), ("default", None))
    assert rules.for_path("/anything/at/all") is A


# ------------------------------------------------------------------ websocket_origins


@pytest.mark.parametrize("keys", KEY_STRATEGIES)
def test_websocket_origins_is_true_if_any_rule_or_the_default_checks(keys: str) -> None:
    key = "/ws/*" if keys == "routes" else r"/ws/.*"
    assert PathRules({key: WS}, keys=keys).websocket_origins is True
    assert PathRules({key: A}, keys=keys).websocket_origins is False
    assert PathRules({key: None}, default=WS, keys=keys).websocket_origins is True
    assert PathRules({"/exact": WS}, keys=keys).websocket_origins is True


# ------------------------------------------------------------------------- for_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1.0", B),  # literal, compared whole, before the regexes
        ("/api/v1x0", A),  # '.' is no regex hint: the literal does not match v1x0
        ("/api/v1.0/", A),  # no slash twin: the literal is the whole path
        ("/apix", None),  # r"/api/.*" needs the slash
        ("/api/", A),
        ("/x/12", OPEN),
        ("/x/12/more", OPEN),  # re.match: the end is not anchored
        ("/y/x/12", None),  # re.match: the start is
        ("/health", None),
        ("/health/", None),  # no key, no default
        ("/API/x", None),  # case-sensitive
        ("/api/%2e%2e/admin", A),  # decoded once by the server: literal '%2e'
        ("/api/caf\u00e9", A),
        ("/api/a+b", A),
        ("", None),  # the empty path is '/'
    ],
)
def test_flask_cors_for_path(path: str, expected: Any) -> None:
    assert _resources().for_path(path) is expected


def test_flask_cors_dot_segments_get_no_cors() -> None:
    rules = _resources(default=OPEN)
    assert rules.for_path("/api/../x/1") is None
    assert rules.for_path("/api/./items") is None
    assert rules.for_path("/api/..") is None
    assert rules.for_path("/api/.well-known") is A  # not a dot segment
    decision = rules.decide("GET", ORIGIN, path="/x/../api/items")
    assert (decision.action, decision.reason.code, decision.reason.detail) == (
        Action.PASS,
        ReasonCode.NO_CORS_FOR_PATH,
        "dots",
    )
    assert decision.headers == ()


def test_flask_cors_repeated_slashes_are_judged_as_sent_and_merged() -> None:
    rules = PathRules(
        [(r"/api/.*", A), ("/api/v1.0", B), ("/public", OPEN)], default=None, keys="flask-cors"
    )
    # As sent '//public' matches nothing (no CORS); merged it is '/public': no CORS wins.
    assert rules.for_path("//public") is None
    # Both readings match r"/api/.*": one policy.
    assert rules.for_path("/api//x") is A
    # As sent r"/api/.*"; merged the literal '/api/v1.0': two policies, the strictest.
    strictest = rules.for_path("/api//v1.0")
    assert strictest is not None and strictest not in (A, B)
    allowed_by_a = strictest.decide("GET", ORIGIN, path="/api//v1.0")
    assert (allowed_by_a.allowed, allowed_by_a.headers) == (False, ())
    # Far into a long path too: a regex reads the whole path.
    long = "/api/" + "p" * 1500 + "//x"
    assert rules.for_path(long) is A


def test_flask_cors_decide_answers_with_the_matching_policy() -> None:
    rules = _resources()
    allowed = rules.decide("GET", ORIGIN, path="/api/items")
    assert allowed.allowed and dict(allowed.headers)["Access-Control-Allow-Origin"] == ORIGIN
    assert allowed.vary_origin is True
    off = rules.decide("GET", ORIGIN, path="/health")
    assert (off.action, off.reason.code, off.headers) == (
        Action.PASS,
        ReasonCode.NO_CORS_FOR_PATH,
        (),
    )
    unmatched = rules.decide("GET", ORIGIN, path="/other")
    assert (unmatched.reason.code, unmatched.headers) == (ReasonCode.NO_CORS_FOR_PATH, ())


def test_flask_cors_websocket_handshakes_use_the_matching_policy() -> None:
    rules = PathRules([(r"/ws/.*", WS)], keys="flask-cors")
    assert rules.decide_websocket("https://evil.example", "h", "wss", path="/ws/c").status == 403
    assert rules.decide_websocket(ORIGIN, "h", "wss", path="/ws/c").allowed
    assert rules.decide_websocket("https://evil.example", "h", "wss", path="/ws/../x").status == (
        403
    )


def test_flask_cors_max_path_length() -> None:
    rules = PathRules([(r"/api/.*", A)], keys="flask-cors", max_path_length=16)
    assert rules.for_path("/api/" + "p" * 11) is A
    assert rules.for_path("/api/" + "p" * 12) is None


# ----------------------------------------------------------- flask-cors is the oracle

SEGMENTS = st.sampled_from(["api", "v1", "v1.0", "x", "items", "12", "a-b", "", "API"])
paths = st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s))
KEYS = [
    "/api",
    "/api/v1.0",
    "/api/items",
    r"/api/.*",
    r"/api/v1/.*",
    r"/api/*",
    r"/x/\d+",
    r"/x/[0-9]+$",
    r".*",
    "*",
    r"/(api|x)/items",
    r"/api/v1\.0",
    "/x/12",
]
key_sets = st.lists(
    st.one_of(
        st.sampled_from(KEYS), st.sampled_from([k for k in KEYS if k != "*"]).map(re.compile)
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda k: (type(k), k.pattern if isinstance(k, re.Pattern) else k),
)


def _flask_cors_resource(keys: list[Any], path: str) -> int | None:
    """The index of the key flask-cors gives ``path`` (its parse order, first match)."""
    resources = parse_resources({key: {"index": i} for i, key in enumerate(keys)})
    for pattern, options in resources:
        if try_match_pattern(path, pattern, caseSensitive=True):
            index: int = options["index"]
            return index
    return None


@settings(max_examples=example_count(600, local=150), deadline=None)
@given(key_sets, paths)
@example([r"/api/.*", "/api/v1.0"], "/api/v1.0")
@example([re.compile(r"/x/\d+"), r"/x/\d+", "/x/12"], "/x/12")
@example(["*", "/api"], "/api")
@example([r"/api/*", r"/api/v1/.*"], "/api/v1/x")
@example([r"/a.{0,9}", r"/a/.*"], "/a/b")  # more slashes first, though shorter
@example([r"/a/.*", r"/a/b.*"], "/a/bc")  # as many slashes: the longer first
@example([re.compile(r"/a.{0,9}"), re.compile(r"/a/.*")], "/a/b")
def test_flask_cors_strategy_gives_a_path_the_resource_flask_cors_gives(
    keys: list[Any], path: str
) -> None:
    policies = [CORSPolicy(allow_origins=[f"https://k{i}.example"]) for i in range(len(keys))]
    rules = PathRules(list(zip(keys, policies, strict=True)), keys="flask-cors")
    expected = _flask_cors_resource(keys, path)
    if "//" in path or re.search(r"/\.\.?(/|$)", path):
        return  # judged more strictly than flask-cors (see the tests above)
    got = rules.for_path(path)
    assert got is (None if expected is None else policies[expected]), (keys, path)


def test_hooked_flask_cors_rules_keep_their_keys_and_order() -> None:
    """A compiled regex stays compiled (flags and flask-cors's order kept) when the rules
    are rebuilt with an origin hook."""
    folded = re.compile(r"/API/.*", re.IGNORECASE)
    rules = PathRules([(r"/api/.*", A), (folded, B)], keys="flask-cors")
    hooked = rules.with_origin_hook(lambda origin: False)
    assert hooked.keys == "flask-cors"
    assert [key for key, _ in hooked.rules()] == [key for key, _ in rules.rules()]
    assert [key for key, _ in rules.rules()] == ["/API/.*", r"/api/.*", "default"]
    allowed = hooked.decide("GET", "https://b.example", path="/api/x")
    assert dict(allowed.headers)["Access-Control-Allow-Origin"] == "https://b.example"


def test_a_hooked_path_rules_keeps_its_default_and_its_path_bound() -> None:
    """The hooked copy asks the hook under the default policy too, and keeps
    ``max_path_length``."""
    default = CORSPolicy(allow_origins=["https://d.example"])
    rules = PathRules({"/api/*": A}, default=default, max_path_length=64)
    hooked = rules.with_origin_hook(lambda origin: origin == "https://hooked.example")
    assert hooked.max_path_length == 64
    other = hooked.decide("GET", "https://hooked.example", path="/other")
    assert other.allowed
    assert other.reason.code == ReasonCode.ORIGIN_ALLOWED_BY_HOOK
    assert dict(other.headers)["Access-Control-Allow-Origin"] == "https://hooked.example"
    listed = hooked.decide("GET", "https://d.example", path="/other")
    assert dict(listed.headers)["Access-Control-Allow-Origin"] == "https://d.example"
    too_long = hooked.decide("GET", "https://d.example", path="/other/" + "x" * 64)
    assert too_long.action is Action.PASS and not too_long.headers


def test_a_flask_cors_key_that_can_backtrack_is_refused_with_a_fix_for_paths() -> None:
    key = r"/api/(\w)\1"
    with pytest.raises(ConfigError) as refused:
        PathRules([(key, A)], keys="flask-cors")
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        (
            "paths",
            repr(key),
            r"uses a backreference (\1), which re can only match by backtracking with no "
            "bound this check can prove",
            "remove the backreference (match each part with its own character class, e.g. "
            "[^/]+ for one path segment)",
        )
    ]
