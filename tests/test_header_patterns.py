"""Header-name patterns in ``allow_headers`` (``x-amz-*``, flask-cors's ``X-COMPANY-.*``),
header names kept as written, and unknown options reported with every other problem."""

from __future__ import annotations

import time

import pytest

from cors_core import ConfigError, CORSPolicy

A = "https://app.example.com"


def _preflight(policy: CORSPolicy, names: str) -> tuple[int, dict[str, str]]:
    d = policy.decide("OPTIONS", A, "PUT", names)
    return d.status, dict(d.headers)


@pytest.mark.parametrize("entry", ["x-amz-*", "X-AMZ-*", "x-amz-.*"])
def test_glob_and_regex_entries_match_whole_names_case_insensitively(entry: str) -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=[entry])
    status, headers = _preflight(policy, "x-amz-date,x-amz-security-token")
    assert status == 204
    assert headers["Access-Control-Allow-Headers"] == "x-amz-date, x-amz-security-token"
    assert _preflight(policy, "x-amzdate")[0] == 403  # fullmatch: the '-' is literal
    assert _preflight(policy, "y-x-amz-date")[0] == 403  # anchored at the start


def test_patterns_sit_beside_literal_names() -> None:
    policy = CORSPolicy(
        allow_origins=[A], allow_methods=["PUT"], allow_headers=["X-Token", "x-company-*-id"]
    )
    status, headers = _preflight(policy, "x-company-eu-id,x-token")
    assert status == 204
    assert headers["Access-Control-Allow-Headers"].split(", ")[0] == "X-Token"
    assert headers["Access-Control-Allow-Headers"].endswith("x-company-eu-id")
    assert _preflight(policy, "x-company-eu")[0] == 403
    assert _preflight(policy, "x-token")[0] == 204


def test_dots_are_literal_outside_wildcards() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=["x.y"])
    assert _preflight(policy, "x.y")[0] == 204
    assert _preflight(policy, "xay")[0] == 403


@pytest.mark.parametrize(
    "entry", ["x-(a|b)-*", "x-[ab]*", "x-a?*", "x-a+*", r"x-\d*", "^x-*", "x-*$"]
)
def test_other_regex_syntax_is_refused(entry: str) -> None:
    with pytest.raises(ConfigError, match="regex syntax other than"):
        CORSPolicy(allow_origins=[A], allow_headers=[entry])


def test_too_many_wildcards_or_patterns_are_refused() -> None:
    with pytest.raises(ConfigError, match="more than 4 '\\*' wildcards"):
        CORSPolicy(allow_origins=[A], allow_headers=["a*b*c*d*e*f"])
    with pytest.raises(ConfigError, match="more than 32 header-name patterns"):
        CORSPolicy(allow_origins=[A], allow_headers=[f"x-{i}-*" for i in range(33)])


def test_matching_is_bounded_on_adversarial_names() -> None:
    policy = CORSPolicy(
        allow_origins=[A], allow_methods=["PUT"], allow_headers=[f"a*a*a*a*{i}" for i in range(32)]
    )
    names = ",".join("a" * 30 + str(i) for i in range(128))[:4096]
    started = time.perf_counter()
    policy.decide("OPTIONS", A, "PUT", names)
    assert time.perf_counter() - started < 0.5


def test_names_keep_their_case_and_match_case_insensitively() -> None:
    policy = CORSPolicy(
        allow_origins=[A],
        allow_methods=["PUT"],
        allow_headers=["X-Token", "x-token"],
        expose_headers=["X-Status", "x-status"],
    )
    assert dict(policy.decide("GET", A).headers)["Access-Control-Expose-Headers"] == "X-Status"
    status, headers = _preflight(policy, "x-token")
    assert status == 204
    assert headers["Access-Control-Allow-Headers"] == "X-Token"


def test_unknown_options_are_reported_with_every_other_problem() -> None:
    with pytest.raises(ConfigError) as info:
        CORSPolicy(allow_origin=[A], max_age=-1)  # type: ignore[arg-type]
    problems = {p.option: p.fix for p in info.value.problems}
    assert problems["allow_origin"] == "did you mean 'allow_origins'?"
    assert "max_age" in problems
    with pytest.raises(ConfigError) as info:
        CORSPolicy.from_mapping({"allow_origin": [A], "alow_methods": ["PUT"], "max_age": "x"})
    assert {p.option for p in info.value.problems} == {"allow_origin", "alow_methods", "max_age"}


def test_names_a_pattern_allows_are_answered_as_sent_like_star() -> None:
    """A browser sends lowercase names (answered as they are); another client's spelling is
    kept, as "*" keeps it."""
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=["x-amz-*"])
    assert _preflight(policy, "x-amz-date")[1]["Access-Control-Allow-Headers"] == "x-amz-date"
    status, headers = _preflight(policy, "X-Amz-Date, X-AMZ-Meta-Color")
    assert status == 204
    assert headers["Access-Control-Allow-Headers"] == "X-Amz-Date, X-AMZ-Meta-Color"
    star = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers="*")
    assert (
        _preflight(star, "X-Amz-Date, X-AMZ-Meta-Color")[1]["Access-Control-Allow-Headers"]
        == "X-Amz-Date, X-AMZ-Meta-Color"
    )
