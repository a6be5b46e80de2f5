"""``cors_core.integration`` pinned by what a caller sees: what ``Gate`` exposes, the exact
arguments it hands an engine (a custom engine is a caller too: any object with the
``Engine`` members works), the exact log lines of a refusal, and the exact problems
``resolve_policy`` and ``view_policy`` raise. Found by mutation testing the module."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cors_core import ConfigError, CORSPolicy, PathRules
from cors_core.integration import (
    Decision,
    Engine,
    Gate,
    asgi_path,
    asgi_scheme,
    resolve_policy,
    view_policy,
    wsgi_path,
    wsgi_scheme,
)

APP = "https://app.example.com"
EVIL = "https://evil.example"
REFUSED = (
    "[origin_not_allowed] origin 'https://evil.example' is not allowed: add it to "
    "allow_origins (or match it with a '*.' pattern, allow_origin_regex or "
    "allow_origin_predicate)"
)
WS_REFUSED = (
    "[websocket_origin_not_allowed] websocket handshake from origin "
    "'https://evil.example' refused: the origin is not allowed (add it to allow_origins, "
    "or set websocket_origins=False to stop checking handshakes)"
)


class Recorder:
    """An engine that answers like ``inner`` and records every call it gets, exactly."""

    def __init__(
        self,
        inner: CORSPolicy,
        *,
        uses_path: bool = False,
        uses_host: bool = False,
        fixed_no_origin: bool = True,
    ) -> None:
        self.inner = inner
        self.uses_path = uses_path
        self.uses_host = uses_host
        self.websocket_origins = inner.websocket_origins
        self.no_origin_decision: Decision | None = (
            inner.no_origin_decision if fixed_no_origin else None
        )
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def decide(self, *args: Any, **kwargs: Any) -> Decision:
        self.calls.append((args, kwargs))
        return self.inner.decide(*args, **kwargs)

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        self.calls.append(((origin, host, scheme), {"path": path}))
        return self.inner.decide_websocket(origin, host, scheme, path=path)

    def for_path(self, path: str) -> Any:
        return self


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    messages = [r.getMessage() for r in caplog.records if r.name == "cors_core"]
    caplog.clear()
    return messages


# ---------------------------------------------------------------------- Gate's fields


def test_gate_fields_for_a_plain_policy() -> None:
    policy = CORSPolicy(allow_origins=[APP])
    gate = Gate(policy)
    assert gate.engine is policy
    assert gate.uses_path is False
    assert gate.want_host is False
    assert gate.websockets is False
    assert gate.no_origin is policy.no_origin_decision
    assert gate.direct == policy.decide
    assert dict(gate.answers) == dict(gate.raw_answers) == {}
    held = policy.decide("GET", APP)
    assert dict(gate.answers) == dict(policy.answers_by_origin) == {APP: held}
    assert dict(gate.raw_answers) == dict(policy.answers_by_raw_origin) == {APP.encode(): held}
    assert dict(gate.preflight_answers) == {}
    preflight = policy.decide("OPTIONS", APP, "GET", None, False)
    key = (APP, "GET", None, False)
    assert dict(gate.preflight_answers) == dict(policy.preflight_answers) == {key: preflight}


def test_gate_fields_for_a_websocket_policy() -> None:
    gate = Gate(CORSPolicy(allow_origins=[APP], websocket_origins=True))
    assert gate.websockets is True


@pytest.mark.parametrize(
    ("uses_path", "uses_host", "want_host"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
)
def test_want_host_when_the_engine_reads_the_path_or_the_host(
    uses_path: bool, uses_host: bool, want_host: bool
) -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]), uses_path=uses_path, uses_host=uses_host)
    assert isinstance(engine, Engine)
    gate = Gate(engine)
    assert gate.uses_path is uses_path
    assert gate.want_host is want_host
    if want_host:
        assert gate.direct is None
        assert dict(gate.answers) == dict(gate.raw_answers) == dict(gate.preflight_answers) == {}
    else:
        assert gate.direct == engine.decide


def test_no_direct_path_when_no_origin_is_not_fixed() -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]), fixed_no_origin=False)
    gate = Gate(engine)
    assert gate.no_origin is None
    assert gate.direct is None
    assert dict(gate.answers) == dict(gate.raw_answers) == dict(gate.preflight_answers) == {}


def test_answers_of_an_engine_that_keeps_none_are_empty() -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]))
    gate = Gate(engine)
    assert gate.direct == engine.decide
    assert len(gate.answers) == 0
    assert dict(gate.answers) == {}
    assert gate.answers.get(APP) is None


def test_path_rules_and_block_disallowed_have_no_direct_step() -> None:
    rules = PathRules({"/api/*": CORSPolicy(allow_origins=[APP])})
    for engine in (rules, CORSPolicy(allow_origins=[APP], block_disallowed=True)):
        gate = Gate(engine)
        assert gate.want_host is True
        assert gate.direct is None
        assert dict(gate.answers) == {}


# ------------------------------------------------------------------- what the engine gets


def test_decide_without_host_passes_the_metadata_alone() -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]))
    Gate(engine).decide("GET", APP, path="/p", host="h", scheme="https")
    Gate(engine).decide("OPTIONS", APP, "PUT", "x-a", True)
    assert engine.calls == [
        (("GET", APP, None, None, False), {}),
        (("OPTIONS", APP, "PUT", "x-a", True), {}),
    ]


def test_decide_with_host_passes_path_host_and_scheme() -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]), uses_host=True)
    gate = Gate(engine)
    gate.decide("OPTIONS", APP, "PUT", "x-a", True, path="/p", host="h", scheme="https")
    gate.decide("GET", APP)
    assert engine.calls == [
        (("OPTIONS", APP, "PUT", "x-a", True), {"path": "/p", "host": "h", "scheme": "https"}),
        (("GET", APP, None, None, False), {"path": "", "host": None, "scheme": "http"}),
    ]


@pytest.mark.parametrize("uses_path", [False, True])
def test_bound_step_of_a_host_reading_engine(uses_path: bool) -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]), uses_path=uses_path, uses_host=True)
    gate = Gate(engine)
    scope = {"type": "http", "path": "/a", "scheme": "https"}
    environ = {"PATH_INFO": "/w", "wsgi.url_scheme": "https"}
    gate.bind(asgi_path, asgi_scheme)("PUT", APP, None, None, False, "h1", scope)
    gate.bind(wsgi_path, wsgi_scheme)("GET", APP, "PUT", "x-a", True, "h2", environ)
    assert engine.calls == [
        (
            ("PUT", APP, None, None, False),
            {"path": "/a" if uses_path else "", "host": "h1", "scheme": "https"},
        ),
        (
            ("GET", APP, "PUT", "x-a", True),
            {"path": "/w" if uses_path else "", "host": "h2", "scheme": "https"},
        ),
    ]


def test_bound_step_of_a_plain_engine_passes_the_metadata_alone() -> None:
    engine = Recorder(CORSPolicy(allow_origins=[APP]))
    step = Gate(engine).bind(asgi_path, asgi_scheme)
    scope = {"type": "http", "path": "/a", "scheme": "https"}
    decision = step("OPTIONS", APP, "GET", "x-a", True, None, scope)
    assert (decision.status, decision.reason.code) == (403, "header_not_allowed")
    assert engine.calls == [(("OPTIONS", APP, "GET", "x-a", True), {})]


# ------------------------------------------------------------------------- log lines


def test_decide_logs_a_refusal_with_the_path_given(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    gate = Gate(CORSPolicy(allow_origins=[APP]))
    gate.decide("GET", EVIL, path="/given", where=lambda: "/where")
    gate.decide("GET", EVIL, where=lambda: "/where")
    gate.decide("PUT", EVIL)
    assert _messages(caplog) == [
        f"CORS request rejected: 'GET' '/given': {REFUSED}",
        f"CORS request rejected: 'GET' '/where': {REFUSED}",
        f"CORS request rejected: 'PUT' '': {REFUSED}",
    ]


def test_decide_logs_no_allowed_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    gate = Gate(CORSPolicy(allow_origins=[APP]))
    assert gate.decide("GET", APP, path="/p", where=lambda: "/w").allowed
    assert gate.decide("OPTIONS", APP, "GET", path="/p").status == 204
    assert gate.decide("GET", None).allowed
    assert _messages(caplog) == []


def test_decide_logs_nothing_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    asked: list[str] = []

    def where() -> str:
        asked.append("where")
        return "/w"

    decision = Gate(CORSPolicy(allow_origins=[APP])).decide("GET", EVIL, where=where)
    assert decision.reason.code == "origin_not_allowed"
    assert asked == []
    assert _messages(caplog) == []


@pytest.mark.parametrize("uses_path", [False, True])
def test_bound_steps_log_the_routed_path(uses_path: bool, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    environ = {"PATH_INFO": "/w", "SCRIPT_NAME": "/app", "wsgi.url_scheme": "http"}
    for uses_host in (False, True):
        engine = Recorder(CORSPolicy(allow_origins=[APP]), uses_path=uses_path, uses_host=uses_host)
        step = Gate(engine).bind(wsgi_path, wsgi_scheme)
        assert step("DELETE", EVIL, None, None, False, None, environ).allowed is False
        assert step("GET", APP, None, None, False, None, environ).allowed is True
    assert _messages(caplog) == [f"CORS request rejected: 'DELETE' '/w': {REFUSED}"] * 2


def test_bound_step_reads_no_path_for_an_allowed_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    read: list[str] = []

    def path_of(scope: dict[str, str]) -> str:
        read.append(scope["path"])
        return scope["path"]

    scope = {"path": "/a", "scheme": "http"}
    plain = Gate(CORSPolicy(allow_origins=[APP])).bind(path_of, asgi_scheme)
    assert plain("GET", APP, None, None, False, None, scope).allowed
    assert read == []
    assert plain("GET", EVIL, None, None, False, None, scope).allowed is False
    assert read == ["/a"]
    assert _messages(caplog) == [f"CORS request rejected: 'GET' '/a': {REFUSED}"]


def test_decide_websocket_passes_the_handshake_and_logs_a_refusal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    engine = Recorder(CORSPolicy(allow_origins=[APP], websocket_origins=True))
    gate = Gate(engine)
    refused = gate.decide_websocket(EVIL, "api.example", "wss", path="/ws")
    assert (refused.allowed, refused.status) == (False, 403)
    assert gate.decide_websocket(APP, "api.example", "wss", path="/ws").allowed
    assert gate.decide_websocket(EVIL, "h", "ws").status == 403
    assert engine.calls == [
        ((EVIL, "api.example", "wss"), {"path": "/ws"}),
        ((APP, "api.example", "wss"), {"path": "/ws"}),
        ((EVIL, "h", "ws"), {"path": ""}),
    ]
    assert _messages(caplog) == [
        f"CORS request rejected: 'GET' '/ws': {WS_REFUSED}",
        f"CORS request rejected: 'GET' '': {WS_REFUSED}",
    ]


def test_decide_websocket_follows_path_rules() -> None:
    ws = CORSPolicy(allow_origins=[APP], websocket_origins=True)
    gate = Gate(PathRules({"/ws/*": ws}))
    assert gate.decide_websocket(EVIL, "api.example", "wss", path="/ws/chat").status == 403
    assert gate.decide_websocket(EVIL, "api.example", "wss", path="/other").allowed


# ------------------------------------------------------------------------ resolve_policy


def test_resolve_policy_builds_from_the_options() -> None:
    policy = resolve_policy(None, {"allow_origins": [APP], "max_age": 7})
    assert policy.options["allow_origins"] == [APP]
    assert policy.options["max_age"] == 7
    assert resolve_policy().options["allow_origins"] == ()
    assert resolve_policy(None, None).options["allow_origins"] == ()


def test_resolve_policy_returns_an_engine_given_without_options() -> None:
    policy = CORSPolicy(allow_origins=[APP])
    assert resolve_policy(policy) is policy
    assert resolve_policy(policy, {}) is policy


def test_resolve_policy_refuses_a_policy_with_options() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_policy(CORSPolicy(), {"max_age": 1, "allow_origins": [APP]})
    [problem] = info.value.problems
    assert (problem.option, problem.entry, problem.problem, problem.fix) == (
        "policy",
        "",
        "was given together with options ['allow_origins', 'max_age']",
        "pass either policy=CORSPolicy(...) or the options, not both",
    )


class _OnlyDecide:
    def decide(self) -> None: ...

    def __repr__(self) -> str:
        return "D" * 300


class _OnlyForPath:
    def for_path(self) -> None: ...

    def __repr__(self) -> str:
        return "<only for_path>"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(_OnlyDecide(), "D" * 200), (_OnlyForPath(), "<only for_path>"), ("x", "'x'")],
)
def test_resolve_policy_refuses_what_is_not_a_policy(value: Any, shown: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_policy(value)
    [problem] = info.value.problems
    assert (problem.option, problem.entry, problem.problem, problem.fix) == (
        "policy",
        shown,
        "is not a policy (no decide() and for_path())",
        "pass CORSPolicy(...), PathRules(...) or a bucket's rules "
        "(cors_core.buckets.from_s3(...) / from_gcs(...))",
    )


# --------------------------------------------------------------------------- view_policy


def _built(
    options: dict[str, Any],
    defaults: dict[str, Any] | None = None,
    synonyms: tuple[frozenset[str], ...] = (),
) -> tuple[dict[str, Any], frozenset[str]]:
    """What ``view_policy`` hands ``build``: the merged options and the configured names."""
    seen: list[tuple[dict[str, Any], frozenset[str]]] = []

    built = CORSPolicy(allow_origins=["*"])

    def build(merged: dict[str, Any], from_defaults: frozenset[str]) -> Engine:
        seen.append((merged, from_defaults))
        return built

    engine = view_policy(None, options, defaults=defaults, build=build, synonyms=synonyms)
    assert engine is built
    [result] = seen
    return result


def test_view_policy_disabled_is_none_and_refuses_options() -> None:
    assert view_policy(None, {}, enabled=False) is None
    for policy, options in ((CORSPolicy(), {}), (None, {"max_age": 1})):
        with pytest.raises(ConfigError) as info:
            view_policy(policy, options, enabled=False)
        [problem] = info.value.problems
        assert (problem.option, problem.entry, problem.problem, problem.fix) == (
            "enabled",
            "False",
            "was given with options",
            "drop the options",
        )


def test_view_policy_enabled_by_default() -> None:
    engine = view_policy(None, {"allow_origins": [APP]})
    assert isinstance(engine, CORSPolicy)
    assert engine.options["allow_origins"] == [APP]


def test_view_policy_with_a_policy_resolves_it() -> None:
    policy = CORSPolicy(allow_origins=[APP])
    assert view_policy(policy, {}, defaults={"max_age": 3}) is policy
    with pytest.raises(ConfigError) as info:
        view_policy(policy, {"max_age": 1})
    assert info.value.problems[0].problem == "was given together with options ['max_age']"


def test_view_policy_merges_the_view_over_the_defaults() -> None:
    defaults = {"allow_origins": [APP], "max_age": 60, "expose_headers": ["x-a"]}
    merged, from_defaults = _built({"max_age": 5, "allow_methods": ["PUT"]}, defaults)
    assert merged == {
        "allow_origins": [APP],
        "max_age": 5,
        "expose_headers": ["x-a"],
        "allow_methods": ["PUT"],
    }
    assert from_defaults == frozenset({"allow_origins", "expose_headers"})
    assert defaults == {"allow_origins": [APP], "max_age": 60, "expose_headers": ["x-a"]}


def test_a_view_origin_option_replaces_the_configured_origin_group() -> None:
    defaults = {
        "allow_origins": [APP],
        "allow_origin_regex": [r"https://.*\.example"],
        "allow_origin_predicate": bool,
        "max_age": 60,
    }
    merged, from_defaults = _built({"allow_origin_regex": ["https://b"]}, defaults)
    assert merged == {"max_age": 60, "allow_origin_regex": ["https://b"]}
    assert from_defaults == frozenset({"max_age"})


def test_synonyms_replace_their_group_and_join_the_origin_names() -> None:
    synonyms = (
        frozenset({"origins", "allow_origins"}),
        frozenset({"methods", "allow_methods"}),
    )
    defaults = {"allow_origins": [APP], "methods": ["GET"], "max_age": 1}
    merged, from_defaults = _built({"origins": "*", "allow_methods": ["PUT"]}, defaults, synonyms)
    assert merged == {"max_age": 1, "origins": "*", "allow_methods": ["PUT"]}
    assert from_defaults == frozenset({"max_age"})
    # "origins" names an origin because its group shares a name with the origin group
    merged, from_defaults = _built({"origins": "*"}, None, synonyms)
    assert merged == {"origins": "*"}
    assert from_defaults == frozenset()
    # a group sharing no origin name names no origin
    with pytest.raises(ConfigError):
        _built({"methods": ["GET"]}, None, synonyms)


def test_a_view_policy_naming_no_origin_is_refused() -> None:
    with pytest.raises(ConfigError) as info:
        view_policy(None, {"max_age": 1, "allow_methods": ["PUT"]}, defaults={"max_age": 2})
    [problem] = info.value.problems
    assert (problem.option, problem.entry, problem.problem, problem.fix) == (
        "cross_origin",
        "(max_age=..., allow_methods=...)",
        "names no origin, and the framework's CORS settings set none",
        "list the origins in the framework's CORS settings, or on the view: "
        "cross_origin(allow_origins=['https://app.example.com']) "
        "(allow_origins=['*'] for every origin)",
    )
    with pytest.raises(ConfigError) as info:
        view_policy(None, {}, configured_in="app.config's CORS_* keys")
    [problem] = info.value.problems
    assert (problem.entry, problem.problem) == (
        "()",
        "names no origin, and app.config's CORS_* keys set none",
    )
    assert problem.fix.startswith("list the origins in app.config's CORS_* keys, or on")


def test_view_policy_builds_a_cors_policy_by_default() -> None:
    engine = view_policy(None, {"max_age": 5}, defaults={"allow_origins": [APP], "max_age": 9})
    assert isinstance(engine, CORSPolicy)
    assert engine.options["allow_origins"] == [APP]
    assert engine.options["max_age"] == 5
    assert engine.decide("GET", APP).allowed
    assert not engine.decide("GET", EVIL).allowed


def test_a_synonym_group_adds_to_the_origin_names_it_shares() -> None:
    """A framework synonym of one origin option leaves the others naming origins."""
    synonyms = (frozenset({"origins", "allow_origins"}),)
    regex = [r"https://(a|b)\.example"]
    merged, from_defaults = _built({"allow_origin_regex": regex}, None, synonyms)
    assert merged == {"allow_origin_regex": regex}
    assert from_defaults == frozenset()
    merged, _ = _built({"max_age": 1}, {"allow_origin_predicate": bool}, synonyms)
    assert merged == {"allow_origin_predicate": bool, "max_age": 1}


def test_the_view_options_come_after_the_configured_ones_in_their_order() -> None:
    defaults = {"max_age": 60, "expose_headers": ["x-a"], "allow_origins": [APP]}
    merged, _ = _built({"allow_methods": ["PUT"], "max_age": 5}, defaults)
    assert list(merged.items()) == [
        ("expose_headers", ["x-a"]),
        ("allow_origins", [APP]),
        ("allow_methods", ["PUT"]),
        ("max_age", 5),
    ]
    # so the problems of the built policy list the configured names first
    with pytest.raises(ConfigError) as info:
        view_policy(None, {"max_agee": 5}, defaults={"max_agee": 1, "bogus": 2, **defaults})
    assert [p.option for p in info.value.problems] == ["bogus", "max_agee"]


def test_the_bound_step_of_a_plain_engine_never_reads_the_scheme() -> None:
    """The scheme is read from the request only when the engine reads host and scheme."""
    read: list[str] = []

    def scheme_of(scope: dict[str, str]) -> str:
        read.append(scope["scheme"])
        return scope["scheme"]

    scope = {"path": "/a", "scheme": "https"}
    plain = Gate(CORSPolicy(allow_origins=[APP])).bind(asgi_path, scheme_of)
    assert plain("GET", APP, None, None, False, None, scope).allowed
    assert plain("GET", EVIL, None, None, False, None, scope).allowed is False
    assert plain("OPTIONS", EVIL, "GET", None, False, None, scope).status == 403
    assert read == []
    blocking = Gate(CORSPolicy(allow_origins=[APP], block_disallowed=True))
    step = blocking.bind(asgi_path, scheme_of)
    assert step("GET", EVIL, None, None, False, "api.example", scope).status == 403
    assert read == ["https"]
