"""``CORSPolicy``'s answers pinned where mutation testing found them unasserted.

Each test states what a caller sees: the status, the exact headers, the reason code, its
value and sentence, the configuration problem, the log line.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from cors_core import ConfigError, CORSPolicy

A = "https://app.example.com"
EVIL = "https://evil.example"


def _hook_log(caplog: pytest.LogCaptureFixture, hook: Any) -> str:
    """The one log line a raising ``hook`` leaves on its first failure."""
    hooked = CORSPolicy(allow_origins=[A]).with_origin_hook(hook)
    with caplog.at_level(logging.ERROR, logger="cors_core"):
        refused = hooked.decide("GET", EVIL)
    assert (refused.allowed, refused.reason.code) == (False, "origin_not_allowed")
    (message,) = [r.getMessage() for r in caplog.records]
    return message


# -- construction and introspection ----------------------------------------------------


def test_a_non_callable_hook_is_shown_in_its_first_200_characters() -> None:
    hook = "x" * 300
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origins=[A]).with_origin_hook(hook)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.entry == repr(hook)[:200]
    assert len(problem.entry) == 200


def test_repr_shows_allow_headers_unless_they_are_the_default() -> None:
    assert repr(CORSPolicy(allow_origins=[A], allow_headers=["x-a"])) == (
        "CORSPolicy(allow_origins=['https://app.example.com'], allow_methods=('GET',), "
        "allow_headers=['x-a'], max_age=600, preflight_status=204)"
    )
    assert repr(CORSPolicy(allow_origins=[A])) == (
        "CORSPolicy(allow_origins=['https://app.example.com'], allow_methods=('GET',), "
        "max_age=600, preflight_status=204)"
    )


def test_from_toml_reads_a_file_and_words_its_problems_in_toml(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[cors]\nallow_origins = ["https://app.example.com"]\nmax_age = 60\n')
    policy = CORSPolicy.from_toml(good)
    assert policy.options["allow_origins"] == [A]
    answer = policy.decide("OPTIONS", A, "GET")
    assert answer.status == 204
    assert ("Access-Control-Max-Age", "60") in answer.headers
    assert CORSPolicy.from_toml(str(good)).options == policy.options
    bad = tmp_path / "bad.toml"
    bad.write_text('allow_origins = ["*"]\nallow_credentials = true\n')
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_toml(bad)
    (problem,) = caught.value.problems
    assert problem.fix.endswith("set allow_credentials = false")
    assert "allow_credentials=" not in problem.fix


# -- preflights -----------------------------------------------------------------------


def test_a_malformed_request_method_is_named_in_the_reason() -> None:
    answer = CORSPolicy(allow_origins=[A]).decide("OPTIONS", A, "G@T")
    assert (answer.status, answer.allowed, answer.reason.code) == (403, False, "method_malformed")
    assert answer.reason.value == "G@T"
    assert answer.reason.message == (
        "Access-Control-Request-Method 'G@T' is not a valid method token (RFC 9110); "
        "browsers never send that, so the preflight is refused"
    )


# -- same-origin requests and websockets -----------------------------------------------


def test_a_blocked_policy_passes_its_own_origin_and_names_it() -> None:
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    own = "https://api.example.com"
    answer = policy.decide("GET", own, host="api.example.com:443", scheme="https")
    assert (answer.allowed, answer.reason.code, answer.reason.value) == (True, "same_origin", own)
    assert answer.reason.message == (
        "Origin 'https://api.example.com' is the server's own origin (same-origin request)"
    )
    assert (answer.headers, answer.vary_origin) == ((), True)


def test_a_websocket_handshake_over_plain_http_schemes_is_judged_same_origin() -> None:
    policy = CORSPolicy(allow_origins=[A], websocket_origins=True)
    own = "http://api.example.com"
    # A scheme that is neither ws nor wss is compared as it is.
    answer = policy.decide_websocket(own, "API.example.com:80", "http")
    assert (answer.allowed, answer.reason.code, answer.reason.value) == (True, "same_origin", own)
    assert answer.reason.message == (
        "Origin 'http://api.example.com' is the server's own origin (same-origin request)"
    )
    secure = policy.decide_websocket("https://api.example.com", "api.example.com", "wss")
    assert (secure.allowed, secure.reason.value) == (True, "https://api.example.com")


def test_a_refused_websocket_handshake_names_the_origin() -> None:
    policy = CORSPolicy(allow_origins=[A], websocket_origins=True)
    answer = policy.decide_websocket(EVIL, "api.example.com", "wss")
    assert (answer.status, answer.allowed) == (403, False)
    assert (answer.reason.code, answer.reason.value) == ("websocket_origin_not_allowed", EVIL)
    assert answer.preflight is False
    assert answer.reason.message == (
        "websocket handshake from origin 'https://evil.example' refused: the origin is not "
        "allowed (add it to allow_origins, or set websocket_origins=False to stop checking "
        "handshakes)"
    )
    assert ("Vary", "Origin") in answer.headers


# -- what a failing predicate or hook leaves in the log --------------------------------


def test_a_failing_predicate_is_logged_once_with_its_sentence(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def predicate(origin: str) -> bool:
        raise RuntimeError("down")

    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=predicate)
    with caplog.at_level(logging.ERROR, logger="cors_core"):
        answers = [policy.decide("GET", EVIL) for _ in range(5)]
    assert [a.reason.code for a in answers] == ["origin_not_allowed"] * 5
    assert [r.getMessage() for r in caplog.records] == [
        "allow_origin_predicate raised; the origin is treated as denied "
        "(later failures are only counted)",
        "allow_origin_predicate has raised 2 times",
        "allow_origin_predicate has raised 4 times",
    ]


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise TypeError("no")


class _Callable:
    """A callable object: no ``__qualname__`` of its own, and no module to name."""

    @property
    def __module__(self) -> str:  # type: ignore[override]
        raise AttributeError("__module__")

    def __call__(self, origin: str) -> bool:
        raise _Unprintable


def test_a_hook_object_without_a_module_is_named_by_its_class(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = _hook_log(caplog, _Callable())
    assert message.startswith("CORS origin hook _Callable raised _Unprintable: <unprintable> at ")


def test_an_exception_without_a_message_is_logged_by_its_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def hook(origin: str) -> bool:
        raise ValueError

    message = _hook_log(caplog, hook)
    assert " raised ValueError at " in message


def test_an_exception_message_is_logged_in_its_first_200_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def hook(origin: str) -> bool:
        raise ValueError("a" * 199 + "bc")

    message = _hook_log(caplog, hook)
    assert f" raised ValueError: {'a' * 199}b at " in message


def test_a_request_headers_value_of_exactly_the_memo_bound_is_kept() -> None:
    from cors_core._cache import MAX_CACHED_HEADERS

    policy = CORSPolicy(allow_origins=[A], allow_headers="*")
    names = ",".join(f"x-{i:04d}-name-of-a-header" for i in range(60))[
        : MAX_CACHED_HEADERS - 1
    ].rstrip(",-")
    value = names + "a" * (MAX_CACHED_HEADERS - len(names))
    assert len(value) == MAX_CACHED_HEADERS
    answer = policy.decide("OPTIONS", A, "GET", value)
    assert (answer.status, answer.reason.code) == (204, "ok")
    memo = policy.memo_info()["request_headers"]
    assert (memo.entries, memo.size, memo.keys) == (1, MAX_CACHED_HEADERS, (value,))
    assert policy.memo_info()["preflights"].keys == ((A, "GET", value, False),)
    longer = value + "b"
    assert policy.decide("OPTIONS", A, "GET", longer).status == 204
    assert policy.memo_info()["request_headers"].keys == (value,)  # too long to keep
    assert policy.memo_info()["preflights"].keys == ((A, "GET", value, False),)


def test_a_parsed_request_headers_value_is_reused_not_kept_twice() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["GET", "PUT"], allow_headers="*")
    for method in ("GET", "PUT"):  # two preflights, one request-headers value
        answer = policy.decide("OPTIONS", A, method, "x-a,x-b")
        assert ("Access-Control-Allow-Headers", "x-a, x-b") in answer.headers
    memo = policy.memo_info()["request_headers"]
    assert (memo.entries, memo.size, memo.keys) == (1, len("x-a,x-b"), ("x-a,x-b",))
    assert policy.memo_info()["preflights"].entries == 2


def test_a_malformed_request_headers_value_is_named_in_the_reason() -> None:
    answer = CORSPolicy(allow_origins=[A], allow_headers="*").decide("OPTIONS", A, "GET", "x-a,@")
    assert (answer.status, answer.reason.code) == (403, "request_headers_malformed")
    assert answer.reason.value == "x-a,@"
    assert answer.reason.message == (
        "Access-Control-Request-Headers 'x-a,@' is not a comma-separated list of header names ('@')"
    )


def test_an_empty_request_headers_value_gets_no_allow_headers_from_a_star() -> None:
    answer = CORSPolicy(allow_origins=[A], allow_headers="*").decide("OPTIONS", A, "GET", "")
    assert answer.status == 204
    assert answer.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Max-Age", "600"),
        (
            "Vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
            "Access-Control-Request-Private-Network",
        ),
    )


def _origin_of(length: int) -> str:
    """A well-formed origin under ``example.com`` exactly ``length`` characters long."""
    middle = length - len("https://") - len(".example.com") - len("a" * 50 + ".")
    return f"https://{'a' * 50}.{'b' * middle}.example.com"


PNA_HEADERS = (
    ("Access-Control-Allow-Methods", "GET"),
    ("Access-Control-Allow-Headers", "accept, accept-language, content-language, content-type"),
    ("Access-Control-Allow-Private-Network", "true"),
    ("Access-Control-Max-Age", "600"),
    (
        "Vary",
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network",
    ),
)


def test_an_origin_of_exactly_the_memo_bound_is_kept_and_a_longer_one_is_not() -> None:
    from cors_core.integration import MAX_CACHED_ORIGIN

    policy = CORSPolicy(allow_origins=["https://*.example.com"], allow_private_network=True)
    kept = _origin_of(MAX_CACHED_ORIGIN)
    answer = policy.decide("OPTIONS", kept, "GET", None, True)
    assert answer.headers == (("Access-Control-Allow-Origin", kept), *PNA_HEADERS)
    assert policy.memo_info()["preflights"].keys == ((kept, "GET", None, True),)
    assert policy.memo_info()["origins"].keys == (kept,)
    # Longer than any browser's: answered the same way (the private-network request
    # included), and kept nowhere.
    longer = _origin_of(MAX_CACHED_ORIGIN + 1)
    answer = policy.decide("OPTIONS", longer, "GET", None, True)
    assert answer.headers == (("Access-Control-Allow-Origin", longer), *PNA_HEADERS)
    refused = CORSPolicy(allow_origins=["https://*.example.com"]).decide(
        "OPTIONS", longer, "GET", None, True
    )
    assert (refused.status, refused.reason.code) == (403, "private_network_not_allowed")
    assert policy.memo_info()["preflights"].keys == ((kept, "GET", None, True),)
    assert policy.memo_info()["origins"].keys == (kept,)


def test_an_over_long_request_method_is_named_in_the_reason() -> None:
    from cors_core.integration import MAX_METHOD_LENGTH

    method = "G" * (MAX_METHOD_LENGTH + 1)
    answer = CORSPolicy(allow_origins=[A]).decide("OPTIONS", A, method)
    assert (answer.status, answer.reason.code, answer.reason.value) == (
        403,
        "method_malformed",
        method,
    )
    assert answer.reason.message == (
        f"Access-Control-Request-Method '{method}' is not a valid method token (RFC 9110) "
        f"(longer than {MAX_METHOD_LENGTH} characters, and no method is); browsers never "
        "send that, so the preflight is refused"
    )


def test_a_repeated_preflight_is_answered_from_its_memo() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["GET", "PUT"])
    first = policy.preflight(A, "PUT", "content-type")
    assert policy.preflight(A, "PUT", "content-type") is first
    memo = policy.memo_info()["preflights"]
    assert (memo.entries, memo.size) == (1, len(A) + len("PUT") + len("content-type"))
    # Another method, the same origin: the origin's answer is reused, not kept twice.
    policy.preflight(A, "GET")
    origins = policy.memo_info()["origins"]
    assert (origins.entries, origins.size, origins.keys) == (1, len(A), (A,))


def test_a_repeated_preflight_under_a_predicate_is_kept_once_per_outcome() -> None:
    asked: list[str] = []

    def predicate(origin: str) -> bool:
        asked.append(origin)
        return True

    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=predicate)
    partner = "https://partner.example"
    first = policy.decide("OPTIONS", partner, "GET")
    assert policy.decide("OPTIONS", partner, "GET") is first
    assert asked == [partner, partner]  # asked every time, answered from the memo
    memo = policy.memo_info()["preflights"]
    assert (memo.entries, memo.size) == (1, len(partner) + len("GET"))
    assert memo.keys == ((partner, "GET", None, False, "ok"),)


def test_a_blocked_policy_takes_the_scheme_to_be_http_unless_told() -> None:
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    own = policy.decide("GET", "http://api.example.com", host="api.example.com")
    assert (own.allowed, own.reason.code) == (True, "same_origin")
    other = policy.decide("GET", "https://api.example.com", host="api.example.com")
    assert (other.status, other.allowed, other.reason.code) == (403, False, "origin_not_allowed")


def test_the_null_origin_is_refused_by_name() -> None:
    answer = CORSPolicy(allow_origins=[A]).decide("GET", "null")
    assert (answer.allowed, answer.reason.code, answer.reason.value) == (
        False,
        "origin_null_not_allowed",
        "null",
    )
    assert answer.reason.message == (
        "origin 'null' (sandboxed iframe, file:// page or cross-origin redirect) is not "
        "allowed: add 'null' to allow_origins and set allow_null_origin=True if you really "
        "trust it"
    )


def test_an_origin_only_the_predicate_can_allow_is_kept_once() -> None:
    answers = iter([True, False, True])
    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=lambda o: next(answers))
    partner = "https://partner.example"
    seen = [policy.decide("GET", partner) for _ in range(3)]
    assert [d.reason.code for d in seen] == ["ok", "origin_not_allowed", "ok"]
    assert seen[0] is seen[2]  # each outcome built once
    memo = policy.memo_info()["asked"]
    assert (memo.entries, memo.size, memo.keys) == (1, len(partner), (partner,))


def test_patterns_alone_write_no_empty_allow_headers() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_headers=["x-amz-*"])
    vary = (
        "Vary",
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network",
    )
    bare = policy.decide("OPTIONS", A, "GET")
    assert bare.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Max-Age", "600"),
        vary,
    )
    asked = policy.decide("OPTIONS", A, "GET", "X-Amz-Date, x-amz-date")
    assert asked.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", "X-Amz-Date"),
        ("Access-Control-Max-Age", "600"),
        vary,
    )


def test_a_predicates_refusal_does_not_mention_a_hook_it_lacks() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=lambda o: False)
    answer = policy.decide("GET", EVIL)
    assert (answer.reason.code, answer.reason.detail) == ("origin_not_allowed", "")
    assert answer.reason.message == (
        "origin 'https://evil.example' is not allowed: add it to allow_origins (or match "
        "it with a '*.' pattern, allow_origin_regex or allow_origin_predicate)"
    )


def test_an_asked_origin_of_exactly_the_memo_bound_is_kept() -> None:
    from cors_core.integration import MAX_CACHED_ORIGIN

    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=lambda o: True)
    kept, longer = _origin_of(MAX_CACHED_ORIGIN), _origin_of(MAX_CACHED_ORIGIN + 1)
    assert policy.decide("GET", kept).headers[0] == ("Access-Control-Allow-Origin", kept)
    assert policy.decide("GET", longer).headers[0] == ("Access-Control-Allow-Origin", longer)
    assert policy.memo_info()["asked"].keys == (kept,)


def test_a_star_for_methods_names_the_standard_methods_when_it_refuses_one() -> None:
    answer = CORSPolicy(allow_origins=[A], allow_methods="*").decide("OPTIONS", A, "PURGE")
    assert (answer.status, answer.reason.code) == (403, "method_not_allowed")
    assert answer.reason.message == (
        "method 'PURGE' is not in allow_methods (it allows every standard method: DELETE, "
        "GET, HEAD, OPTIONS, PATCH, POST, PUT): add it to allow_methods (methods are "
        "case-sensitive)"
    )


def test_the_memos_bounds() -> None:
    from cors_core._cache import CACHE_BUDGET

    info = CORSPolicy(allow_origins=[A]).memo_info()
    assert {name: (m.max_entries, m.max_size) for name, m in info.items()} == {
        "origins": (4096, CACHE_BUDGET),
        "raw_origins": (4096, CACHE_BUDGET),
        "asked": (4096, CACHE_BUDGET),
        "preflights": (4096, CACHE_BUDGET),
        "request_headers": (1024, CACHE_BUDGET),
    }
