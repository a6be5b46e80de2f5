"""Unit tests of configuration validation: every ConfigError and CORSConfigWarning case."""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

import pytest

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Problem, resolve_policy
from cors_core._config import OPTION_NAMES, unknown_options


def _errors(**options: Any) -> tuple[Problem, ...]:
    with pytest.raises(ConfigError) as info:
        CORSPolicy(**options)
    return info.value.problems


def _one(**options: Any) -> Problem:
    problems = _errors(**options)
    assert len(problems) == 1, problems
    return problems[0]


def _quiet(**options: Any) -> CORSPolicy:
    """Build a policy asserting that no CORSConfigWarning is emitted."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSConfigWarning)
        return CORSPolicy(**options)


def test_config_error_is_a_value_error_and_lists_problems() -> None:
    assert issubclass(ConfigError, ValueError)
    err = ConfigError([Problem("max_age", "-1", "is negative", "use 0")])
    assert (
        str(err)
        == "invalid CORS configuration (1 problem):\n  - max_age: -1 is negative; fix: use 0"
    )
    err2 = ConfigError([Problem("a", "", "x", "y"), Problem("b", "'z'", "p", "f")])
    assert str(err2) == (
        "invalid CORS configuration (2 problems):\n  - a x; fix: y\n  - b: 'z' p; fix: f"
    )
    with pytest.raises(ValueError, match="allow_origins"):
        CORSPolicy(allow_origins=["*"], allow_credentials=True)


def test_defaults_are_valid() -> None:
    policy = _quiet()
    assert policy.allow_credentials is False
    assert policy.varies_on_origin is True


# ----------------------------------------------------------------------------- star/creds


def test_star_origin_with_credentials() -> None:
    p = _one(allow_origins=["*"], allow_credentials=True)
    assert (p.option, p.entry) == ("allow_origins", "'*'")
    assert "allow_credentials=True" in p.problem
    assert "list the trusted origins" in p.fix


def test_star_string_origin_with_credentials() -> None:
    p = _one(allow_origins="*", allow_credentials=True)
    assert (p.option, p.entry) == ("allow_origins", "'*'")


def test_star_among_other_origins_with_credentials() -> None:
    p = _one(allow_origins=["https://a.example", "*"], allow_credentials=True)
    assert (p.option, p.entry) == ("allow_origins", "'*'")


def test_star_expose_with_credentials() -> None:
    p = _one(allow_origins=["https://a.example"], expose_headers="*", allow_credentials=True)
    assert (p.option, p.entry) == ("expose_headers", "'*'")
    assert "credentialed" in p.problem
    assert "list the header names" in p.fix
    p = _one(allow_origins=["https://a.example"], expose_headers=["*"], allow_credentials=True)
    assert p.option == "expose_headers"


def test_star_methods_and_headers_with_credentials_are_accepted() -> None:
    policy = _quiet(
        allow_origins=["https://a.example"],
        allow_methods=["*"],
        allow_headers=["*"],
        allow_credentials=True,
    )
    d = policy.decide("OPTIONS", "https://a.example", "PATCH", "x-token")
    assert d.allowed
    assert ("Access-Control-Allow-Methods", "PATCH") in d.headers
    assert ("Access-Control-Allow-Headers", "x-token") in d.headers


def test_star_expose_without_credentials_is_accepted() -> None:
    policy = _quiet(allow_origins=["https://a.example"], expose_headers="*")
    assert ("Access-Control-Expose-Headers", "*") in policy.decide(
        "GET", "https://a.example"
    ).headers


# ------------------------------------------------------------------- strings instead of lists


@pytest.mark.parametrize(
    ("option", "value", "fix"),
    [
        (
            "allow_origins",
            "https://a.example",
            "write allow_origins=['https://a.example'] or \"*\"",
        ),
        (
            "allow_origins",
            "https://a.example,https://b.example",
            "write allow_origins=['https://a.example', 'https://b.example'] or \"*\"",
        ),
        ("allow_methods", "GET, PUT", "write allow_methods=['GET', 'PUT'] or \"*\""),
        ("allow_headers", "x-token", "write allow_headers=['x-token'] or \"*\""),
        ("expose_headers", "x-total", "write expose_headers=['x-total'] or \"*\""),
        ("allow_origin_regex", None, None),
    ],
)
def test_string_instead_of_list(option: str, value: str | None, fix: str | None) -> None:
    if value is None:  # a single regex string is legitimate
        _quiet(allow_origin_regex=r"https://.*\.example\.com")
        return
    p = _one(**{option: value})
    assert (p.option, p.entry) == (option, repr(value))
    assert "is a string where a list is expected" in p.problem
    assert p.fix == fix


@pytest.mark.parametrize(
    "option", ["allow_origins", "allow_methods", "allow_headers", "expose_headers"]
)
@pytest.mark.parametrize("value", [42, b"GET", {"a": 1}])
def test_not_a_list(option: str, value: object) -> None:
    p = _one(**{option: value})
    assert (p.option, p.entry, p.problem) == (option, repr(value), "is not a list")
    assert p.fix == f"write {option}=[...]"


def test_tuples_sets_and_generators_are_lists() -> None:
    policy = _quiet(
        allow_origins=("https://a.example",),
        allow_methods={"PUT"},
        allow_headers=(h for h in ["x-a"]),
    )
    d = policy.decide("OPTIONS", "https://a.example", "PUT", "x-a")
    assert d.allowed


# ---------------------------------------------------------------------- origins and null


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("https://a.example/", "has a trailing slash"),
        ("a.example", "has no scheme"),
        ("https://a.example/x", "has a path"),
        ("https://a.example?x", "has a query"),
        ("https://a.example#x", "has a fragment"),
        ("https://u@a.example", "contains userinfo ('user@')"),
        ("file://", "is a file:// origin, but pages opened from files send 'Origin: null'"),
        ("https://a.*.example", "has a wildcard in an unsupported place"),
        ("https://*.10.0.0.1", "applies '*.' to an IP address"),
        ("https://a.example:70000", "has an invalid port '70000'"),
        (7, "is not a string"),
    ],
)
def test_non_origins(entry: object, problem: str) -> None:
    p = _one(allow_origins=[entry])
    assert (p.option, p.entry) == ("allow_origins", repr(entry))
    assert p.problem == problem


def test_null_without_opt_in() -> None:
    p = _one(allow_origins=["null"])
    assert (p.option, p.entry) == ("allow_origins", "'null'")
    assert "sandboxed" in p.problem
    assert "allow_null_origin=True" in p.fix


def test_null_with_opt_in() -> None:
    policy = _quiet(allow_origins=["null"], allow_null_origin=True)
    d = policy.decide("GET", "null")
    assert d.allowed
    assert d.headers == (("Access-Control-Allow-Origin", "null"),)


def test_null_opt_in_alone_does_not_allow_null() -> None:
    policy = _quiet(allow_origins=["https://a.example"], allow_null_origin=True)
    assert not policy.decide("GET", "null").allowed


# ---------------------------------------------------------------- public-suffix wildcards


@pytest.mark.parametrize(
    ("entry", "suffix"),
    [
        ("https://*.com", "com"),
        ("https://*.github.io", "github.io"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.herokuapp.com:*", "herokuapp.com"),
    ],
)
def test_public_suffix_wildcard_with_credentials(entry: str, suffix: str) -> None:
    p = _one(allow_origins=[entry], allow_credentials=True)
    assert (p.option, p.entry) == ("allow_origins", repr(entry))
    assert f"public suffix '{suffix}'" in p.problem
    assert "allow_public_suffix_wildcards=True" in p.fix


def test_public_suffix_wildcard_with_opt_in() -> None:
    policy = _quiet(
        allow_origins=["https://*.github.io"],
        allow_credentials=True,
        allow_public_suffix_wildcards=True,
    )
    assert policy.decide("GET", "https://me.github.io").allowed
    assert not policy.decide("GET", "https://github.io").allowed


def test_public_suffix_wildcard_without_credentials() -> None:
    policy = _quiet(allow_origins=["https://*.github.io"])
    assert policy.decide("GET", "https://me.github.io").allowed


def test_private_wildcards_with_credentials_are_fine() -> None:
    policy = _quiet(
        allow_origins=["https://*.example.com", "https://*.me.github.io", "https://*.test"],
        allow_credentials=True,
    )
    assert policy.decide("GET", "https://a.example.com").allowed
    assert policy.decide("GET", "https://x.me.github.io").allowed
    assert policy.decide("GET", "https://app.test").allowed


# ------------------------------------------------------------------------ methods/headers


@pytest.mark.parametrize("method", ["CONNECT", "TRACE", "TRACK", "connect", "Trace"])
def test_forbidden_methods(method: str) -> None:
    p = _one(allow_methods=[method])
    assert (p.option, p.entry) == ("allow_methods", repr(method))
    assert p.problem == "is a forbidden method browsers never send"
    assert p.fix == "remove it"


@pytest.mark.parametrize("method", ["", "PU T", "GET,PUT", "PÜT", "X\r\n", 5, None])
def test_invalid_method_tokens(method: object) -> None:
    p = _one(allow_methods=[method])
    assert (p.option, p.entry) == ("allow_methods", repr(method))
    assert p.problem == "is not a valid method name"


@pytest.mark.parametrize("option", ["allow_headers", "expose_headers"])
@pytest.mark.parametrize("name", ["", "x token", "x:y", "x\u00e9", "a\nb", 3, None])
def test_invalid_header_tokens(option: str, name: object) -> None:
    p = _one(**{option: [name]})
    assert (p.option, p.entry) == (option, repr(name))
    assert p.problem == "is not a valid header name"
    assert p.fix == "write e.g. 'x-api-key'"


@pytest.mark.parametrize("name", ["set-cookie", "Set-Cookie", "SET-COOKIE2"])
def test_exposing_set_cookie(name: str) -> None:
    p = _one(expose_headers=[name])
    assert (p.option, p.entry) == ("expose_headers", repr(name))
    assert "Set-Cookie" in p.problem


def test_standard_lowercase_methods_are_uppercased_without_warning() -> None:
    policy = _quiet(allow_origins=["https://a.example"], allow_methods=["put", "delete", "PUT"])
    d = policy.decide("OPTIONS", "https://a.example", "DELETE")
    assert ("Access-Control-Allow-Methods", "PUT, DELETE") in d.headers


# ---------------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("value", "problem", "fix"),
    [
        (-1, "is negative", "use 0 (no caching) or more"),
        (86401, "is absurd", "use at most 7200"),
        (10**9, "is absurd", "use at most 7200"),
        (600.0, "is not an integer number of seconds", "write e.g. 600"),
        ("600", "is not an integer number of seconds", "write e.g. 600"),
        (True, "is not an integer number of seconds", "write e.g. 600"),
    ],
)
def test_bad_max_age(value: object, problem: str, fix: str) -> None:
    p = _one(max_age=value)
    assert (p.option, p.entry) == ("max_age", repr(value))
    assert p.problem.startswith(problem)
    assert p.fix == fix


@pytest.mark.parametrize("value", [0, 7200, 86400, None])
def test_good_max_age(value: int | None) -> None:
    d = _quiet(allow_origins=["https://a.example"], max_age=value).decide(
        "OPTIONS", "https://a.example", "GET"
    )
    ages = [v for k, v in d.headers if k == "Access-Control-Max-Age"]
    assert ages == ([] if value is None else [str(value)])


@pytest.mark.parametrize(
    "option",
    [
        "allow_credentials",
        "allow_private_network",
        "allow_null_origin",
        "allow_public_suffix_wildcards",
        "block_disallowed",
        "websocket_origins",
        "debug",
        "strict",
    ],
)
@pytest.mark.parametrize("value", [1, "true", None])
def test_bad_booleans(option: str, value: object) -> None:
    p = _one(**{option: value})
    assert (p.option, p.entry, p.problem) == (option, repr(value), "is not a bool")
    assert p.fix == f"write {option}=True or False"


@pytest.mark.parametrize("value", [201, 404, 0, "204", 204.0, True, None])
def test_bad_preflight_status(value: object) -> None:
    p = _one(preflight_status=value)
    assert (p.option, p.entry, p.problem) == ("preflight_status", repr(value), "must be 204 or 200")


def test_bad_regex() -> None:
    p = _one(allow_origin_regex="https://(a")
    assert (p.option, p.entry) == ("allow_origin_regex", "'https://(a'")
    assert p.problem.startswith("does not compile (")
    problems = _errors(allow_origin_regex=["https://ok\\.example", "[", 3])
    assert [(q.option, q.entry) for q in problems] == [
        ("allow_origin_regex", "'['"),
        ("allow_origin_regex", "3"),
    ]
    assert problems[1].problem == "is not a string"


def test_bytes_regex_is_refused() -> None:
    pattern = re.compile(rb"https://a\.example")
    p = _one(allow_origin_regex=pattern)
    assert (p.option, p.entry) == ("allow_origin_regex", repr(pattern))
    assert "bytes" in p.problem


def test_compiled_regex_is_accepted() -> None:
    policy = _quiet(allow_origin_regex=re.compile(r"https://[a-z]+\.example"))
    assert policy.decide("GET", "https://abc.example").allowed


@pytest.mark.parametrize("value", ["https://a.example", 3, ["https://a.example"]])
def test_non_callable_predicate(value: object) -> None:
    p = _one(allow_origin_predicate=value)
    assert (p.option, p.entry, p.problem) == (
        "allow_origin_predicate",
        repr(value),
        "is not callable",
    )


# ----------------------------------------------------------------- all problems at once


def test_every_problem_is_listed_once() -> None:
    problems = _errors(
        allow_origins=["*", "https://a.example/", "null", "b.example"],
        allow_credentials=True,
        allow_methods=["TRACE", "P T"],
        allow_headers=["x y"],
        expose_headers=["set-cookie"],
        max_age=-5,
        preflight_status=500,
        allow_origin_regex="(",
        allow_origin_predicate="nope",
        debug="yes",
    )
    # '*' short-circuits the per-entry origin checks: one problem for the list
    assert [(p.option, p.entry) for p in problems] == [
        ("debug", "'yes'"),
        ("allow_origins", "'*'"),
        ("allow_origin_regex", "'('"),
        ("allow_origin_predicate", "'nope'"),
        ("allow_methods", "'TRACE'"),
        ("allow_methods", "'P T'"),
        ("allow_headers", "'x y'"),
        ("expose_headers", "'set-cookie'"),
        ("max_age", "-5"),
        ("preflight_status", "500"),
    ]


def test_every_origin_problem_is_listed() -> None:
    with pytest.raises(ConfigError) as info:
        CORSPolicy(
            allow_origins=[
                "https://a.example/",
                "https://ok.example",
                "null",
                "b.example",
                "https://*.com",
                "https://u@c.example",
            ],
            allow_credentials=True,
        )
    problems = info.value.problems
    assert len(problems) == 5
    assert [p.entry for p in problems] == [
        "'https://a.example/'",
        "'null'",
        "'b.example'",
        "'https://*.com'",
        "'https://u@c.example'",
    ]
    message = str(info.value)
    assert message.startswith("invalid CORS configuration (5 problems):\n")
    assert message.count("\n  - allow_origins: ") == 5


# ------------------------------------------------------------------------------- warnings

WARNING_CASES: list[tuple[dict[str, Any], str, str, str]] = [
    (
        {"allow_origins": ["http://app.example.com"], "allow_credentials": True},
        "allow_origins",
        "'http://app.example.com'",
        "plain http with credentials",
    ),
    (
        {"allow_origins": ["http://*.example.com"], "allow_credentials": True},
        "allow_origins",
        "'http://*.example.com'",
        "plain http with credentials",
    ),
    (
        {"allow_origins": ["http://10.0.0.5:8080"], "allow_credentials": True},
        "allow_origins",
        "'http://10.0.0.5:8080'",
        "plain http with credentials",
    ),
    ({"allow_headers": ["accept-encoding"]}, "allow_headers", "'accept-encoding'", "never"),
    ({"allow_headers": ["Origin"]}, "allow_headers", "'Origin'", "never"),
    ({"allow_headers": ["cookie"]}, "allow_headers", "'cookie'", "never"),
    ({"allow_headers": ["host"]}, "allow_headers", "'host'", "never"),
    ({"allow_headers": ["sec-fetch-mode"]}, "allow_headers", "'sec-fetch-mode'", "never"),
    ({"allow_headers": ["Proxy-Authorization"]}, "allow_headers", "'Proxy-Authorization'", "never"),
    ({"allow_methods": ["patch"]}, "allow_methods", "'patch'", "not uppercase"),
    ({"allow_methods": ["Purge"]}, "allow_methods", "'Purge'", "not uppercase"),
]


@pytest.mark.parametrize(("options", "option", "entry", "words"), WARNING_CASES)
def test_warning_cases(options: dict[str, Any], option: str, entry: str, words: str) -> None:
    with pytest.warns(CORSConfigWarning) as record:
        CORSPolicy(**options)
    assert len(record) == 1
    text = str(record[0].message)
    assert text.startswith(f"{option}: {entry} ")
    assert words in text
    assert record[0].filename == __file__  # points at the caller's line


@pytest.mark.parametrize(("options", "option", "entry", "words"), WARNING_CASES)
def test_strict_turns_each_warning_into_an_error(
    options: dict[str, Any], option: str, entry: str, words: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSConfigWarning)
        with pytest.raises(ConfigError) as info:
            CORSPolicy(**options, strict=True)
    (p,) = info.value.problems
    assert (p.option, p.entry) == (option, entry)
    assert words in p.problem


def test_warned_configuration_is_used() -> None:
    with pytest.warns(CORSConfigWarning):
        policy = CORSPolicy(allow_origins=["https://a.example"], allow_methods=["patch"])
    assert policy.decide("OPTIONS", "https://a.example", "patch").allowed
    assert not policy.decide("OPTIONS", "https://a.example", "PATCH").allowed


def test_warnings_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="cors_core"), pytest.warns(CORSConfigWarning):
        CORSPolicy(allow_headers=["cookie"])
    assert [r.getMessage() for r in caplog.records] == [
        "CORS configuration warning: allow_headers: 'cookie' is a header browsers never let "
        "a page send, so allowing it has no effect; fix: remove it"
    ]


def test_several_warnings_each_reported() -> None:
    with pytest.warns(CORSConfigWarning) as record:
        CORSPolicy(allow_headers=["cookie", "host", "x-ok"], allow_methods=["patch"])
    assert len(record) == 3
    with pytest.raises(ConfigError) as info:
        CORSPolicy(allow_headers=["cookie", "host", "x-ok"], allow_methods=["patch"], strict=True)
    assert len(info.value.problems) == 3


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:3000",
        "http://localhost:*",
        "http://app.localhost",
        "http://*.localhost",
        "http://127.0.0.1:8000",
        "http://[::1]:8000",
        "https://app.example.com",
    ],
)
def test_no_warning_for_loopback_or_https_with_credentials(origin: str) -> None:
    _quiet(allow_origins=[origin], allow_credentials=True)


def test_no_warning_for_plain_http_without_credentials() -> None:
    _quiet(allow_origins=["http://app.example.com"])


# ---------------------------------------------------------------------- unknown options


def test_unknown_option_did_you_mean() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_policy(None, {"allow_origin": ["https://a.example"], "max_agee": 5})
    assert [(p.option, p.entry, p.problem, p.fix) for p in info.value.problems] == [
        ("allow_origin", "", "is not a CORS option", "did you mean 'allow_origins'?"),
        ("max_agee", "", "is not a CORS option", "did you mean 'max_age'?"),
    ]


def test_unknown_option_without_close_match_lists_all() -> None:
    (p,) = unknown_options(["zzzzzz"])
    assert p.fix == "valid options: " + ", ".join(OPTION_NAMES)


def test_resolve_policy_builds_from_options() -> None:
    policy = resolve_policy(None, {"allow_origins": ["https://a.example"]})
    assert isinstance(policy, CORSPolicy)
    assert policy.decide("GET", "https://a.example").allowed


def test_resolve_policy_refuses_policy_and_options() -> None:
    policy = CORSPolicy()
    assert resolve_policy(policy) is policy
    with pytest.raises(ConfigError) as info:
        resolve_policy(policy, {"allow_origins": ["https://a.example"]})
    assert info.value.problems[0].option == "policy"
    with pytest.raises(ConfigError) as info:
        resolve_policy("not a policy")
    assert info.value.problems[0].problem == "is not a policy (no decide() and for_path())"
    assert "cors_core.buckets.from_s3" in info.value.problems[0].fix


def test_every_option_name_is_a_constructor_keyword() -> None:
    import inspect

    params = inspect.signature(CORSPolicy.__init__).parameters
    assert set(OPTION_NAMES) == set(params) - {"self", "unknown"}


def test_tracebacks_name_the_public_path() -> None:
    import pickle
    import traceback

    from cors_core import CORSConfigWarning, Problem

    with pytest.raises(ConfigError) as info:
        CORSPolicy(allow_origins=["https://a.example/"])
    text = "".join(traceback.format_exception(info.value))
    assert "cors_core.ConfigError: invalid CORS configuration" in text
    assert "_errors" not in text.splitlines()[-3]
    assert (ConfigError.__module__, CORSConfigWarning.__module__, Problem.__module__) == (
        "cors_core",
        "cors_core",
        "cors_core",
    )
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems


def test_origins_beside_star_are_never_read_and_a_warning_says_so() -> None:
    """Nothing written is dropped without a word: ``'*'`` allows every origin, so the
    other entries (a typo among them) change nothing, and the warning names them."""
    import warnings

    from cors_core import CORSConfigWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policy = CORSPolicy(allow_origins=["https://a.example/", "*", "https://b.example"])
    texts = [str(w.message) for w in caught if issubclass(w.category, CORSConfigWarning)]
    assert texts == [
        "allow_origins: 'https://a.example/', 'https://b.example' are never read: '*' beside "
        "it already allows every origin; fix: remove '*' to allow only the listed origins, "
        "or remove the rest"
    ]
    assert dict(policy.decide("GET", "https://c.example").headers) == {
        "Access-Control-Allow-Origin": "*"
    }
    with warnings.catch_warnings(record=True) as alone:
        warnings.simplefilter("always")
        CORSPolicy(allow_origins=["*"])
    assert not [w for w in alone if issubclass(w.category, CORSConfigWarning)]
