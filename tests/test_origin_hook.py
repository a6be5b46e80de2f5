"""The engine's origin hook (``CORSPolicy.with_origin_hook``, ``PathRules.with_origin_hook``,
``cors_core.integration.with_origin_hook``).

The hook is asked only when the lists refuse a well-formed, non-``null`` origin; what it
admits gets exactly a listed origin's answer (methods and headers checked as for any
other), with the reason ``origin_allowed_by_hook``; a hook that raises refuses and is
logged on one line of printable ASCII.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_core import ConfigError, CORSPolicy, Decision, PathRules, ReasonCode
from cors_core.buckets import from_s3
from cors_core.integration import Gate, with_origin_hook

A = "https://app.example.com"
PARTNER = "https://partner.example"
OPTIONS: dict[str, Any] = {
    "allow_origins": [A],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["content-type", "x-token"],
    "expose_headers": ["x-total"],
    "allow_credentials": True,
    "max_age": 300,
}


class Hook:
    """A hook that records the origins it is asked about and answers ``answer``."""

    def __init__(self, answer: Any = True) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, origin: str) -> bool:
        self.asked.append(origin)
        return self.answer  # type: ignore[no-any-return]


def _shape(d: Decision) -> tuple[Any, ...]:
    """Everything a response carries (the reason aside)."""
    return (d.action, d.allowed, d.headers, d.raw_headers, d.vary_origin, d.status, d.body)


def test_an_admitted_origin_gets_a_listed_origins_answer_and_its_own_reason() -> None:
    hook = Hook()
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(hook)
    get = hooked.decide("GET", PARTNER)
    pre = hooked.decide("OPTIONS", PARTNER, "PUT", "content-type")
    assert get.allowed and get.headers == (
        ("Access-Control-Allow-Origin", PARTNER),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-total"),
    )
    assert get.vary_origin is True
    assert (get.reason.code, get.reason.value) == ("origin_allowed_by_hook", PARTNER)
    assert get.reason.code is ReasonCode.ORIGIN_ALLOWED_BY_HOOK
    assert get.reason.message == (
        "origin 'https://partner.example' is not in the lists, but the origin hook allowed "
        "it (for Django: a check_request_enabled receiver)"
    )
    assert (pre.status, pre.reason.code) == (204, "origin_allowed_by_hook")
    assert pre.headers == (
        ("Access-Control-Allow-Origin", PARTNER),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "content-type, x-token"),
        ("Access-Control-Max-Age", "300"),
        (
            "Vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
            "Access-Control-Request-Private-Network",
        ),
    )
    assert hook.asked == [PARTNER, PARTNER]


tokens = st.sampled_from(["GET", "PUT", "POST", "DELETE", "get", "PURGE", "", "G T"])
header_lists = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["content-type", "x-token", "X-Token", "authorization", " ", "a b"]),
        max_size=3,
    ).map(",".join),
)


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "OPTIONS", "PUT"]),
    request_method=st.one_of(st.none(), tokens),
    request_headers=header_lists,
    pna=st.booleans(),
    credentials=st.booleans(),
    origin=st.sampled_from([PARTNER, "http://localhost:8080", "https://a.b.partner.example"]),
)
def test_methods_and_headers_are_checked_exactly_as_for_a_listed_origin(
    method: str,
    request_method: str | None,
    request_headers: str | None,
    pna: bool,
    credentials: bool,
    origin: str,
) -> None:
    """The hooked policy answers an unlisted origin as the same policy listing it does."""
    options = {**OPTIONS, "allow_credentials": credentials}
    hooked = CORSPolicy(**options).with_origin_hook(lambda o: True)
    listing = CORSPolicy(**{**options, "allow_origins": [A, origin]})
    args = (method, origin, request_method, request_headers, pna)
    got, want = hooked.decide(*args), listing.decide(*args)
    assert _shape(got) == _shape(want)
    if want.allowed:
        assert got.reason.code == "origin_allowed_by_hook"
        assert got.reason.value == origin
    else:
        assert got.reason == want.reason


def test_asked_only_when_the_lists_refuse_a_well_formed_origin() -> None:
    hook = Hook()
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(hook)
    listed = hooked.decide("GET", A)
    bad_method = hooked.decide("OPTIONS", A, "DELETE")
    bad_header = hooked.decide("OPTIONS", A, "PUT", "x-other")
    malformed = hooked.decide("GET", "https://partner.example/")
    null = hooked.decide("GET", "null")
    two = hooked.decide("GET", f"{PARTNER}, {A}")
    assert listed.reason.code == "ok"
    assert bad_method.reason.code == "method_not_allowed"
    assert bad_header.reason.code == "header_not_allowed"
    assert [malformed.reason.code, null.reason.code, two.reason.code] == [
        "origin_malformed",
        "origin_null_not_allowed",
        "origin_malformed",
    ]
    assert hook.asked == []
    # Every origin is listed: the hook is never asked.
    everyone = CORSPolicy(allow_origins=["*"]).with_origin_hook(hook)
    assert everyone.decide("GET", PARTNER).reason.code == "ok" and hook.asked == []


def test_an_admitted_origin_is_still_refused_a_method_or_header_the_lists_refuse() -> None:
    hook = Hook()
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(hook)
    method = hooked.decide("OPTIONS", PARTNER, "DELETE")
    header = hooked.decide("OPTIONS", PARTNER, "PUT", "authorization")
    assert (method.status, method.headers, method.reason.code) == (
        403,
        method.headers,
        "method_not_allowed",
    )
    assert dict(method.headers).get("Access-Control-Allow-Origin") is None
    assert (header.status, header.reason.code) == (403, "header_not_allowed")
    assert method.body == b"CORS preflight rejected (method_not_allowed)\n"
    assert hook.asked == [PARTNER, PARTNER]


def test_asked_every_time_and_its_answer_may_change() -> None:
    hook = Hook()
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(hook)
    for answer in (True, False, True, False):
        hook.answer = answer
        get = hooked.decide("GET", PARTNER)
        pre = hooked.decide("OPTIONS", PARTNER, "PUT")
        assert (get.allowed, pre.allowed, pre.status) == (answer, answer, 204 if answer else 403)
        want = "origin_allowed_by_hook" if answer else "origin_not_allowed"
        assert (get.reason.code, pre.reason.code) == (want, want)
    assert hook.asked == [PARTNER] * 8


def test_a_refusal_says_the_hook_was_asked_too() -> None:
    hooked = CORSPolicy(**OPTIONS, debug=True).with_origin_hook(Hook(False))
    get = hooked.decide("GET", PARTNER)
    pre = hooked.decide("OPTIONS", PARTNER, "PUT")
    message = (
        "origin 'https://partner.example' is not allowed: add it to allow_origins (or match "
        "it with a '*.' pattern, allow_origin_regex or allow_origin_predicate); the origin "
        "hook did not allow it either"
    )
    assert (get.allowed, get.reason.code, get.reason.message) == (
        False,
        "origin_not_allowed",
        message,
    )
    assert pre.status == 403
    assert dict(pre.headers)["X-CORS-Reason"] == f"origin_not_allowed: {message}"
    assert pre.body == f"CORS preflight rejected: {message}\n".encode()


@pytest.mark.parametrize("answer", [1, "yes", [PARTNER], None])
def test_only_true_admits(answer: Any) -> None:
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(Hook(answer))
    assert hooked.decide("GET", PARTNER).reason.code == "origin_not_allowed"


def test_the_predicate_is_asked_first() -> None:
    hook = Hook()
    trusted = {PARTNER}
    policy = CORSPolicy(**OPTIONS, allow_origin_predicate=trusted.__contains__)
    hooked = policy.with_origin_hook(hook)
    assert hooked.decide("GET", PARTNER).reason.code == "ok"
    assert hooked.decide("OPTIONS", PARTNER, "PUT").reason.code == "ok"
    assert hook.asked == []
    trusted.clear()  # now only the hook allows it: the cached preflight is not reused
    assert hooked.decide("OPTIONS", PARTNER, "PUT").reason.code == "origin_allowed_by_hook"
    assert hooked.decide("GET", PARTNER).reason.code == "origin_allowed_by_hook"
    assert hook.asked == [PARTNER, PARTNER]


CONTROL = "bad\r\nCORS request rejected: FORGED\x1b[31m\u202e\x00"


def test_a_hook_that_raises_refuses_and_is_logged_safely(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def hook(origin: str) -> bool:
        raise ValueError(CONTROL)

    hooked = CORSPolicy(**OPTIONS).with_origin_hook(hook)
    with caplog.at_level(logging.ERROR, logger="cors_core"):
        answers = [hooked.decide("GET", PARTNER) for _ in range(4)]
        pre = hooked.decide("OPTIONS", PARTNER, "PUT")
    assert [d.reason.code for d in answers] == ["origin_not_allowed"] * 4
    assert (pre.status, pre.reason.code) == (403, "origin_not_allowed")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3  # the first failure, then at 2 and 4
    first = messages[0]
    assert first.startswith(
        "CORS origin hook tests.test_origin_hook."
        "test_a_hook_that_raises_refuses_and_is_logged_safely.<locals>.hook raised "
        "ValueError: bad\\x0d\\x0aCORS request rejected: FORGED\\x1b[31m\\u202e\\x00 at "
    )
    assert first.endswith(
        "test_origin_hook.py:"
        f"{hook.__code__.co_firstlineno + 1}; origin 'https://partner.example' is treated "
        "as refused (later failures are only counted)"
    )
    assert messages[1:] == [
        "CORS origin hook tests.test_origin_hook."
        "test_a_hook_that_raises_refuses_and_is_logged_safely.<locals>.hook has raised "
        f"{n} times"
        for n in (2, 4)
    ]
    for record in caplog.records:
        assert record.exc_info is None  # no traceback: its last line would echo the message
    for text in (*messages, *caplog.text.splitlines()):
        assert text.isascii() and text.isprintable(), text


def test_the_policy_without_a_hook_is_untouched_and_nothing_is_warned_again() -> None:
    with pytest.warns(Warning):
        base = CORSPolicy(**{**OPTIONS, "allow_headers": ["content-type", "cookie"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hooked = base.with_origin_hook(Hook())
    assert base.origin_hook is None and isinstance(hooked.origin_hook, Hook)
    assert hooked.options == base.options and repr(hooked) == repr(base)
    assert base.decide("GET", PARTNER).reason.code == "origin_not_allowed"
    assert hooked.decide("GET", PARTNER).reason.code == "origin_allowed_by_hook"
    assert base.decide("GET", PARTNER).reason.code == "origin_not_allowed"  # not shared


@pytest.mark.parametrize("hook", [None, "https://partner.example", 3])
def test_a_hook_that_is_not_callable_is_refused(hook: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(**OPTIONS).with_origin_hook(hook)
    (problem,) = caught.value.problems
    assert (problem.option, problem.entry, problem.problem, problem.fix) == (
        "origin hook",
        repr(hook),
        "is not callable",
        "pass a function that takes the origin (a str) and returns True to allow it",
    )


def test_block_disallowed_and_websockets_follow_the_hook() -> None:
    hook = Hook()
    hooked = CORSPolicy(**OPTIONS, block_disallowed=True, websocket_origins=True)
    hooked = hooked.with_origin_hook(hook)
    assert hooked.decide("GET", PARTNER, host="api.example").allowed
    assert hooked.decide_websocket(PARTNER, "api.example", "wss").allowed
    hook.answer = False
    blocked = hooked.decide("GET", PARTNER, host="api.example")
    assert (blocked.status, blocked.reason.code) == (403, "origin_not_allowed")
    assert hooked.decide_websocket(PARTNER, "api.example", "wss").status == 403


def test_path_rules_forward_the_hook_and_a_path_without_cors_stays_off() -> None:
    hook = Hook()
    shared = CORSPolicy(**OPTIONS)
    rules = PathRules(
        {"/api/*": shared, "/v2/*": shared, "/internal/*": None},
        default=CORSPolicy(allow_origins=[A]),
    )
    hooked = rules.with_origin_hook(hook)
    api = hooked.decide("OPTIONS", PARTNER, "PUT", path="/api/x")
    off = hooked.decide("GET", PARTNER, path="/internal/x")
    dots = hooked.decide("GET", PARTNER, path="/api/../internal/x")
    other = hooked.decide("OPTIONS", PARTNER, "PUT", path="/elsewhere")
    assert (api.status, api.reason.code) == (204, "origin_allowed_by_hook")
    assert dict(api.headers)["Access-Control-Allow-Methods"] == "GET, PUT"
    assert (off.reason.code, off.headers) == ("no_cors_for_path", ())
    assert dots.reason.code == "no_cors_for_path"
    assert (other.status, other.reason.code) == (403, "method_not_allowed")  # default: GET
    assert hook.asked == [PARTNER, PARTNER]
    assert hooked.for_path("/internal/x") is None
    assert hooked.for_path("/api/x") is hooked.for_path("/v2/x")  # one twin per policy
    assert hooked.for_path("/api/x") is not shared
    assert rules.decide("GET", PARTNER, path="/api/x").reason.code == "origin_not_allowed"


def test_integration_adds_the_hook_to_the_engines_that_take_one() -> None:
    policy = CORSPolicy(**OPTIONS)
    rules = PathRules({"/a/*": policy})
    bucket = from_s3([{"AllowedOrigins": [A], "AllowedMethods": ["GET"]}])
    assert isinstance(with_origin_hook(policy, Hook()), CORSPolicy)
    assert isinstance(with_origin_hook(rules, Hook()), PathRules)
    assert with_origin_hook(bucket, Hook()) is bucket  # bucket rules take no hook
    assert with_origin_hook(None, Hook()) is None
    gate = Gate(with_origin_hook(policy, lambda o: True))
    assert gate.decide("GET", PARTNER).reason.code == "origin_allowed_by_hook"


def test_a_context_variable_carries_the_request_to_the_hook_in_each_thread() -> None:
    """The shape adapters use: one hooked engine built at start-up, the request-specific
    answer in a context variable (each thread, each asyncio task has its own)."""
    allowed: contextvars.ContextVar[str] = contextvars.ContextVar("allowed", default="")
    hooked = CORSPolicy(**OPTIONS).with_origin_hook(lambda origin: origin == allowed.get())
    results: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        allowed.set(name)
        start.wait()
        results[name] = [
            hooked.decide("GET", other).reason.code for other in (name, *sorted(partners))
        ]

    partners = {f"https://p{i}.example" for i in range(4)}
    threads = [threading.Thread(target=worker, args=(p,)) for p in sorted(partners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, codes in results.items():
        want = ["origin_allowed_by_hook"] + [
            "origin_allowed_by_hook" if p == name else "origin_not_allowed"
            for p in sorted(partners)
        ]
        assert codes == want
    assert len(results) == 4
