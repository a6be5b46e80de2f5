"""Access-Control-Request-Headers at its bounds: exact answers, and work linear in the names.

A preflight's header list is read up to :data:`MAX_REQUEST_HEADERS_LENGTH` characters and
:data:`MAX_REQUEST_HEADER_NAMES` distinct names. Matching the names against
``allow_headers`` used to compare lists inside loops (quadratic: a list just under the cap
cost about 40 ordinary refused requests). Here the lists sit at those edges, under prefix
globs (``x-amz-*``), other one-``*`` globs, globs with several ``*`` and listed names,
and in shapes no browser sends (repeats, any order, any case, white space, several lines
joined): each gets the exact answer, and the same answer as the browser's own form.

No test here reads a clock: work is counted (matcher calls, characters handed to the
regex, bisections), so a loaded machine cannot make them fail.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cors_core._policy as policy_module
from cors_core import CORSPolicy, ReasonCode
from cors_core._config import header_pattern_matches
from cors_core._headers import (
    MAX_REQUEST_HEADER_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    RequestHeadersError,
    header_globs_regex,
    parse_request_headers,
)
from cors_core._policy import _as_sent
from cors_core._regex import backtracking_problems

A = "https://app.example.com"
ACAH = "Access-Control-Allow-Headers"
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def names_at_the_cap(stem: str, count: int = MAX_REQUEST_HEADER_NAMES) -> list[str]:
    """``count`` sorted lowercase names starting with ``stem``, together exactly
    :data:`MAX_REQUEST_HEADERS_LENGTH` characters once joined by ``,`` (a browser's form)."""
    width, longer = divmod(MAX_REQUEST_HEADERS_LENGTH - (count - 1), count)
    names = []
    for j in range(count):
        name = f"{stem}{j:03d}-"
        names.append(name + "z" * (width + (j < longer) - len(name)))
    return sorted(names)


def policy(*allow_headers: str) -> CORSPolicy:
    return CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=list(allow_headers))


def allowed(p: CORSPolicy) -> str:
    """What the policy lists when no pattern is involved: its own names, as configured."""
    listed = [h for h in p.options["allow_headers"] if "*" not in h and ".*" not in h]
    return dict(p.preflight(A, "PUT", listed[0]).headers)[ACAH]


def preflight(p: CORSPolicy, value: str) -> tuple[int, dict[str, str], Any]:
    d = p.preflight(A, "PUT", value)
    return d.status, dict(d.headers), d.reason


# -- exact answers at the edge -------------------------------------------------------


def test_the_edge_lists_are_at_the_edge() -> None:
    for stem in ("x-amz-", "x-list-", "a-"):
        names = names_at_the_cap(stem)
        assert len(",".join(names)) == MAX_REQUEST_HEADERS_LENGTH
        assert len(set(names)) == MAX_REQUEST_HEADER_NAMES
        assert parse_request_headers(",".join(names)) == tuple(names)


@pytest.mark.parametrize("entry", ["x-amz-*", "X-AMZ-.*", "x-*zzzz", "*zzzz", "x-*-*z"])
def test_128_names_at_the_cap_allowed_by_a_pattern_are_each_listed(entry: str) -> None:
    p = policy("content-type", entry)
    names = names_at_the_cap("x-amz-")
    status, headers, reason = preflight(p, ",".join(names))
    assert (status, reason.code) == (204, ReasonCode.OK)
    assert headers[ACAH] == ", ".join([allowed(p), *names])
    assert headers["Access-Control-Allow-Origin"] == A


@pytest.mark.parametrize("entry", ["x-amz-*", "x-*zzzz", "x*-*z"])
def test_names_no_pattern_allows_are_refused_and_counted(entry: str) -> None:
    p = policy(entry)
    names = names_at_the_cap("x-amz-")
    for refused in (1, 3, MAX_REQUEST_HEADER_NAMES):
        value = ",".join(["y" + n[1:] for n in names[:refused]] + names[refused:])
        assert len(value) == MAX_REQUEST_HEADERS_LENGTH
        status, _, reason = preflight(p, value)
        assert (status, reason.code) == (403, ReasonCode.HEADER_NOT_ALLOWED)
        first = min(["y" + n[1:] for n in names[:refused]])
        assert reason.value == first
        assert reason.detail == (f" (and {refused - 1} more)" if refused > 1 else "")


def test_128_listed_names_at_the_cap_get_the_fixed_list() -> None:
    names = names_at_the_cap("x-list-")
    p = policy(*names)
    status, headers, _ = preflight(p, ",".join(names))
    assert status == 204
    assert headers[ACAH] == allowed(p)
    assert ", ".join(names) in headers[ACAH]
    shouted = ",".join(n.upper() for n in names)  # fresh by case: the same answer
    assert preflight(p, shouted)[:2] == (status, headers)
    unlisted = ",".join([*names[:-1], "x-list-999"])
    status, _, reason = preflight(p, unlisted)
    assert (status, reason.code, reason.value) == (403, ReasonCode.HEADER_NOT_ALLOWED, "x-list-999")


def test_one_past_each_bound_is_refused_as_too_long() -> None:
    p = policy("x-amz-*")
    names = names_at_the_cap("x-amz-")
    status, _, reason = preflight(p, ",".join(names) + "z")
    assert (status, reason.code) == (403, ReasonCode.HEADERS_TOO_LONG)
    more = names_at_the_cap("x-amz-", MAX_REQUEST_HEADER_NAMES + 1)
    status, _, reason = preflight(p, ",".join(more))
    assert (status, reason.code) == (403, ReasonCode.HEADERS_TOO_LONG)
    assert f"{MAX_REQUEST_HEADER_NAMES + 1} names" in reason.detail


# -- shapes no browser sends: accepted, and no dearer than the browser's -------------

HALF = names_at_the_cap("x-amz-")[::4]  # 32 names: every shape below fits the cap


def _shapes(names: list[str]) -> dict[str, str]:
    return {
        "browser": ",".join(names),
        "repeated": ",".join(names + names),
        "reversed": ",".join(reversed(names)),
        "upper case": ",".join(n.upper() for n in names),
        "proxy-joined": ", ".join(names),
        "white space": " ,\t".join(f" {n}\t" for n in names),
        "empty items": ",,".join(["", *names, ""]),
        "two lines": ",".join(names[1::2]) + "," + ",".join(names),
    }


@pytest.mark.parametrize("shape", list(_shapes(HALF)))
def test_other_shapes_get_the_browser_forms_answer(shape: str) -> None:
    value = _shapes(HALF)[shape]
    assert len(value) <= MAX_REQUEST_HEADERS_LENGTH
    assert parse_request_headers(value) == tuple(HALF)
    for p in (policy("content-type", "x-amz-*"), policy("x-*zzzz"), policy(*HALF)):
        got, browser = preflight(p, value)[:2], preflight(p, ",".join(HALF))[:2]
        # The same answer; names a pattern allowed are written as the client wrote them.
        assert got[0] == browser[0]
        assert {k: v.lower() for k, v in got[1].items()} == {
            k: v.lower() for k, v in browser[1].items()
        }


def test_repeats_are_dropped_before_any_name_is_matched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct name is matched once, however often and in whatever shape it is sent."""
    p = policy("x-*z*z", "*-qq")  # a glob with inner parts: matched name by name
    work = count_matcher(monkeypatch)
    for value in _shapes(HALF).values():
        work.clear()
        assert preflight(p, value)[0] == 204
        assert sorted(work) == sorted(HALF)


# -- counted work --------------------------------------------------------------------


def count_matcher(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names handed to the per-name glob matcher (globs with inner parts)."""
    seen: list[str] = []

    def counting(parts: tuple[str, ...], name: str) -> bool:
        seen.append(name)
        return header_pattern_matches(parts, name)

    monkeypatch.setattr(policy_module, "header_pattern_matches", counting)
    return seen


def count_regex(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of the texts handed to the one-``*`` globs' regex, one per call (for the
    policies built after this call)."""
    seen: list[int] = []
    real = header_globs_regex

    class Counting:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern = pattern

        def sub(self, repl: str, text: str) -> str:
            seen.append(len(text))
            return self.pattern.sub(repl, text)

    monkeypatch.setattr(policy_module, "header_globs_regex", lambda ends: Counting(real(ends)))
    return seen


SIZES = [8, 16, 32, 64, 128]


@pytest.mark.parametrize("count", SIZES)
def test_one_star_globs_read_the_names_once(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = count_regex(monkeypatch)
    p = policy(*[f"x-{i}-*zzzz" for i in range(31)], "x-*zzzz")  # 32 globs, none a prefix
    matcher = count_matcher(monkeypatch)
    names = names_at_the_cap("x-amz-", count)
    assert preflight(p, ",".join(names))[0] == 204
    assert reads == [1 + len(",".join(names))]  # one pass over the joined names
    assert matcher == []  # never name by name against each glob
    reads.clear()
    assert preflight(p, ",".join(["y" + n[1:] for n in names]))[0] == 403  # all refused: one
    assert reads == [1 + len(",".join(names))]


@pytest.mark.parametrize("count", SIZES)
def test_prefix_globs_cost_two_bisections_each(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(a: Any, x: Any, lo: int = 0, hi: int | None = None) -> int:
        calls.append(x)
        return bisect.bisect_left(a, x, lo, len(a) if hi is None else hi)

    monkeypatch.setattr(policy_module, "bisect_left", counting)
    matcher = count_matcher(monkeypatch)
    prefixes = [f"x-{i}-*" for i in range(31)] + ["x-amz-*"]
    p = policy(*prefixes)
    assert preflight(p, ",".join(names_at_the_cap("x-amz-", count)))[0] == 204
    assert len(calls) == 2 * len(prefixes)  # whatever the number of names
    assert matcher == []


@pytest.mark.parametrize("count", SIZES)
def test_globs_with_inner_parts_try_each_name_once_per_glob(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    globs = [f"x-*-{i}-*z" for i in range(31)] + ["x-*z*z"]  # only the last one matches
    p = policy(*globs)
    matcher = count_matcher(monkeypatch)
    names = names_at_the_cap("x-amz-", count)
    assert preflight(p, ",".join(names))[0] == 204
    assert len(matcher) == count * len(globs)  # linear in the names
    assert sorted(set(matcher)) == names


def test_the_glob_regexes_cannot_backtrack() -> None:
    """The project's own backtracking analysis, on the largest glob sets allowed."""
    sets = [
        [("x-amz-", "")],
        [("", f"-id{i}") for i in range(32)],
        [("a", f"-id{i}") for i in range(32)],
        [("a" * i, "a") for i in range(1, 33)],
        [("x-", "-id"), ("", "-token"), ("x-amz-", "")],
    ]
    for globs in sets:
        assert backtracking_problems(header_globs_regex(globs)) == [], globs


# -- the same answers as the rules they replace --------------------------------------

LETTERS = "ab-~"  # "~" sorts after every letter
part = st.text(LETTERS, max_size=3)
glob = st.lists(part, min_size=2, max_size=5).map(lambda parts: "*".join(parts))
name = st.text(LETTERS, min_size=1, max_size=8)


def reference_parse(value: str) -> tuple[str, ...] | RequestHeadersError:
    """The rule as first written: items split on commas, stripped, lowered, sorted."""
    if len(value) > MAX_REQUEST_HEADERS_LENGTH:
        return RequestHeadersError("too_long", f"more than {MAX_REQUEST_HEADERS_LENGTH} characters")
    items = {i.strip(" \t") for i in value.lower().split(",")} - {""}
    names = sorted(items)
    if len(names) > MAX_REQUEST_HEADER_NAMES:
        return RequestHeadersError(
            "too_long", f"{len(names)} names, at most {MAX_REQUEST_HEADER_NAMES}"
        )
    for n in names:
        if not n or any(not (c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~")) for c in n):
            return RequestHeadersError("malformed", n)
    return tuple(names)


@PROPERTY
@given(st.text("aB-,; \t\r\xe9\u212a", max_size=40))
def test_parse_matches_the_first_rule(value: str) -> None:
    assert parse_request_headers(value) == reference_parse(value)


@PROPERTY
@given(st.lists(st.text("aB- \t", max_size=6), max_size=150))
def test_parse_matches_the_first_rule_on_many_items(items: list[str]) -> None:
    value = ",".join(items)
    assert parse_request_headers(value) == reference_parse(value)


@PROPERTY
@given(st.lists(glob.filter(lambda g: g.strip("*")), min_size=1, max_size=6), st.sets(name))
def test_the_policy_allows_exactly_what_each_glob_allows(globs: list[str], names: set[str]) -> None:
    p = policy(*globs)
    parts = [tuple(g.split("*")) for g in dict.fromkeys(globs)]
    ordered = sorted(names)
    expected = [n for n in ordered if not any(header_pattern_matches(q, n) for q in parts)]
    # The preflight names the first refused name: drop it and ask again, and every refused
    # name comes out in order, each judged among the others; what is left passes.
    rest = list(ordered)
    for refused in expected:
        status, _, reason = preflight(p, ",".join(rest))
        assert (status, reason.value) == (403, refused)
        rest.remove(refused)
    if rest:
        status, headers, _ = preflight(p, ",".join(rest))
        assert status == 204
        assert headers[ACAH] == ", ".join(rest)  # no names listed: only the matched


@PROPERTY
@given(st.lists(st.tuples(part, part), min_size=1, max_size=6), st.lists(name, max_size=12))
def test_the_glob_regex_drops_exactly_what_the_globs_allow(
    globs: list[tuple[str, str]], names: list[str]
) -> None:
    left = header_globs_regex(globs).sub("", "," + ",".join(names)) if names else ""
    expected = [n for n in names if not any(header_pattern_matches(g, n) for g in globs)]
    assert left == "".join("," + n for n in expected)


@PROPERTY
@given(st.lists(st.text("aB-", min_size=1, max_size=4).map(lambda t: f" {t}\t"), max_size=20))
def test_echoed_names_keep_their_first_spelling_and_order(items: list[str]) -> None:
    value = ",".join(items)
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.strip(" \t").lower(), item.strip(" \t"))
    assert _as_sent(value) == ", ".join(seen.values())
    parsed = parse_request_headers(value)
    assert isinstance(parsed, tuple)
    assert _as_sent(value, parsed) == ", ".join(seen.values())
    assert _as_sent(",".join(parsed), parsed) == ", ".join(parsed)  # a browser's list
