"""PathRules' bounds: the longest path judged, and repeated slashes far into a path.

A path longer than ``max_path_length`` gets no CORS (its websocket handshakes are
refused), so the work per request stays bounded whatever the path's length. Repeated
slashes are only looked for where they could change a rule's verdict; the property test
below checks every verdict against a reference model that reads every reading in full.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_core import Action, ConfigError, CORSPolicy, PathRules, ReasonCode
from cors_core._paths import MAX_PATH_LENGTH
from tests.strength import example_count

ORIGIN = "https://a.example"
OPEN = CORSPolicy(allow_origins=["*"])
A = CORSPolicy(allow_origins=["https://a.example"])
B = CORSPolicy(allow_origins=["https://b.example"])
CHECKED = CORSPolicy(allow_origins=[ORIGIN], websocket_origins=True)


def _path_of(length: int) -> str:
    return "/api/" + "p" * (length - len("/api/"))


def test_default_bound_leaves_room_for_an_s3_key_below_a_bucket() -> None:
    assert MAX_PATH_LENGTH == 2048
    assert PathRules({}, default=OPEN).max_path_length == 2048


@pytest.mark.parametrize("limit", [MAX_PATH_LENGTH, 64])
def test_the_longest_path_is_judged_and_one_more_character_gets_no_cors(limit: int) -> None:
    rules = (
        PathRules({"/api/*": OPEN})
        if limit == MAX_PATH_LENGTH
        else PathRules({"/api/*": OPEN}, max_path_length=limit)
    )
    edge, over = _path_of(limit), _path_of(limit + 1)
    assert len(edge) == limit
    judged = rules.decide("GET", ORIGIN, path=edge)
    assert judged.allowed and dict(judged.headers)["Access-Control-Allow-Origin"] == "*"
    assert rules.for_path(edge) is OPEN
    refused = rules.decide("GET", ORIGIN, path=over)
    assert refused.action is Action.PASS and refused.headers == ()
    assert refused.reason.code is ReasonCode.NO_CORS_FOR_PATH
    assert refused.reason.detail == "too_long"
    assert "max_path_length" in str(refused.reason)
    assert rules.for_path(over) is None
    # A preflight on the long path is not answered either: the app sees it.
    assert rules.decide("OPTIONS", ORIGIN, "GET", path=over).action is Action.PASS


def test_a_long_path_with_a_dot_segment_is_reported_as_too_long_first() -> None:
    rules = PathRules({"/api/*": OPEN}, max_path_length=32)
    decision = rules.decide("GET", ORIGIN, path="/api/../" + "x" * 40)
    assert decision.reason.detail == "too_long"
    assert rules.decide("GET", ORIGIN, path="/api/../x").reason.detail == "dots"


def test_websocket_handshakes_on_a_path_over_the_bound_are_refused() -> None:
    rules = PathRules({"/ws/*": CHECKED}, default=OPEN, max_path_length=32)
    long_path = "/ws/" + "c" * 40
    refused = rules.decide_websocket(ORIGIN, "api.example", "wss", path=long_path)
    assert not refused.allowed and refused.status == 403
    assert refused.reason.code is ReasonCode.WEBSOCKET_ORIGIN
    assert refused.reason.detail == "too_long"
    # Within the bound the same origin is let in, and without Origin nothing is checked.
    assert rules.decide_websocket(ORIGIN, "api.example", "wss", path="/ws/c").allowed
    assert rules.decide_websocket(None, "api.example", "wss", path=long_path).allowed


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "2048", None])
def test_max_path_length_must_be_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(ConfigError) as info:
        PathRules({"/api/*": OPEN, "api": OPEN}, max_path_length=bad)  # type: ignore[arg-type]
    problems = {p.option: p for p in info.value.problems}
    assert set(problems) == {"max_path_length", "paths"}  # every problem, once each
    problem = problems["max_path_length"]
    assert problem.entry == repr(bad)
    assert problem.problem == "is not a positive whole number"
    assert problem.fix == "use the default (2048) or the longest path your app serves"


# -- repeated slashes far into a path: the reference model reads every reading -------------

POLICIES = {"A": A, "B": B, "OPEN": OPEN, "None": None}
SEGMENTS = st.sampled_from(["a", "b", "ab", "api", "x"])


def _reference(
    exact: dict[str, object], prefixes: dict[str, object], default: object, path: str
) -> set[int]:
    """The ids of the policies every reading of ``path`` falls to (as sent, slashes
    merged), each reading with its exact rule or slash twin's, longest prefix, or default."""
    found: dict[int, object] = {}
    for reading in {path, re.sub("//+", "/", path)}:
        if reading in exact:
            found[id(exact[reading])] = exact[reading]
        else:
            covering = [p for p in prefixes if reading == p or reading.startswith(p + "/")]
            policy = prefixes[max(covering, key=len)] if covering else default
            found[id(policy)] = policy
        twin = reading[:-1] if reading.endswith("/") else reading + "/"
        if reading != "/" and twin in exact and twin != "/":
            found[id(exact[twin])] = exact[twin]
    if id(None) in found:
        return {id(None)}
    return set(found)


@st.composite
def rules_and_paths(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, object], object, str]:
    keys = draw(st.lists(st.lists(SEGMENTS, min_size=1, max_size=3), min_size=1, max_size=4))
    exact: dict[str, object] = {}
    prefixes: dict[str, object] = {}
    for segments in keys:
        key = "/" + "/".join(segments)
        table = draw(st.sampled_from([exact, prefixes]))
        table[key] = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    default = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    parts = draw(st.lists(SEGMENTS | st.just("y" * 40), min_size=1, max_size=6))
    path = ""
    for part in parts:
        path += "/" * draw(st.integers(1, 3)) + part
    if draw(st.booleans()):
        path += "/" * draw(st.integers(1, 3))
    return exact, prefixes, default, path


@settings(max_examples=example_count(400, local=100), deadline=None)
@given(rules_and_paths())
def test_slashes_anywhere_give_the_reference_verdict(
    case: tuple[dict[str, object], dict[str, object], object, str],
) -> None:
    exact, prefixes, default, path = case
    rules = PathRules(
        {**exact, **{f"{p}/*": policy for p, policy in prefixes.items()}}, default=default
    )
    found = rules.for_path(path)
    got = {id(p) for p in getattr(found, "policies", (found,))}
    assert got == _reference(exact, prefixes, default, path), (path, rules.rules())


def test_a_slash_run_far_past_every_rule_still_reaches_a_short_exact_rule() -> None:
    """Merged, ``/internal`` + many slashes is ``/internal/``: the exact rule's twin."""
    rules = PathRules({"/internal": None}, default=OPEN)
    assert rules.for_path("/internal" + "/" * 500) is None
    assert rules.decide("GET", ORIGIN, path="/internal" + "/" * 500).headers == ()
    assert rules.for_path("/public" + "/" * 500) is OPEN


def test_a_path_with_dots_inside_segments_is_judged_normally() -> None:
    """Only a whole ``.`` or ``..`` segment means no CORS: file names and ``.well-known``
    keep their rule, for requests and websocket handshakes alike."""
    rules = PathRules({"/ws/*": CHECKED}, default=OPEN)
    for path in ("/api/report.v2.json", "/.well-known/openid", "/a/..b/c", "/a/b./c"):
        decision = rules.decide("GET", ORIGIN, path=path)
        assert decision.allowed and dict(decision.headers)["Access-Control-Allow-Origin"] == "*"
        assert rules.for_path(path) is OPEN
    handshake = rules.decide_websocket(ORIGIN, "api.example", "wss", path="/ws/feed.v1")
    assert handshake.allowed and handshake.reason.code is ReasonCode.OK
    evil = rules.decide_websocket("https://evil.example", "api.example", "wss", path="/ws/a.b")
    assert evil.status == 403 and evil.reason.code is ReasonCode.WEBSOCKET_ORIGIN
    assert evil.reason.detail != "dots"


def test_the_smallest_bound_is_one_character() -> None:
    rules = PathRules({}, default=OPEN, max_path_length=1)
    assert rules.decide("GET", ORIGIN, path="/").allowed
    assert rules.decide("GET", ORIGIN, path="/a").reason.detail == "too_long"
    two = PathRules({}, default=OPEN, max_path_length=2)
    assert two.decide("GET", ORIGIN, path="/a").allowed


def test_a_websocket_handshake_at_the_bound_is_checked_not_refused() -> None:
    rules = PathRules({"/ws/*": CHECKED}, max_path_length=16)
    edge = "/ws/" + "c" * 12
    assert len(edge) == 16
    assert rules.decide_websocket(ORIGIN, "api.example", "wss", path=edge).allowed
    refused = rules.decide_websocket(ORIGIN, "api.example", "wss", path=edge + "c")
    assert refused.reason.detail == "too_long"
