"""flask-cors's vocabulary through ``adapters.flask``: the answers and refusals pinned exactly.

Each test states what a caller sees for one flask-cors value form: the status and the
exact CORS headers of the answers, or the exact configuration problems and their fixes.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.flask import CORS
from cors_core import ConfigError

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"
FLASK_CORS_METHODS = "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"


def _app(**options: Any) -> Flask:
    app = Flask("pinned-options")
    for path in ("/api/x", "/api/v1/x", "/abc", "/other"):
        app.add_url_rule(path, path, lambda: "ok", methods=["GET", "PUT", "DELETE", "PATCH"])
    CORS(app, **options)
    return app


def _preflight(app: Flask, path: str, origin: str, method: str, headers: str = "") -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return app.test_client().options(path, headers=sent)


def _acao(app: Flask, path: str, origin: str) -> str | None:
    value: str | None = (
        app.test_client()
        .get(path, headers={"Origin": origin})
        .headers.get("Access-Control-Allow-Origin")
    )
    return value


def _problems(**options: Any) -> list[tuple[str, str, str, str]]:
    with pytest.raises(ConfigError) as info:
        CORS(Flask("refused"), **options)
    return [(p.option, p.entry, p.problem, p.fix) for p in info.value.problems]


# ------------------------------------------------------------------ methods


def test_methods_are_upper_cased_and_comma_strings_lose_empty_items() -> None:
    app = _app(origins=[APP], methods="get, ,put,")
    r = _preflight(app, "/api/x", APP, "PUT")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert _preflight(app, "/api/x", APP, "DELETE").status_code == 403
    app = _app(origins=[APP], methods=["put", "Delete"])
    r = _preflight(app, "/api/x", APP, "DELETE")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "PUT, DELETE"


def test_allow_methods_as_a_comma_string_is_a_list_too() -> None:
    app = _app(allow_origins=[APP], allow_methods="GET, ,PUT,")
    r = _preflight(app, "/api/x", APP, "PUT")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "GET, PUT"


def test_methods_star_allows_every_method() -> None:
    app = _app(origins=[APP], methods="*")
    r = _preflight(app, "/api/x", APP, "PATCH")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == APP


def test_methods_with_allow_methods_is_refused_whichever_comes_first() -> None:
    expected = [("methods", "", "is given with allow_methods", "keep one of the two")]
    assert _problems(origins=[APP], methods=["GET"], allow_methods=["PUT"]) == expected
    assert _problems(origins=[APP], allow_methods=["PUT"], methods=["GET"]) == expected
    assert _problems(origins=[APP], supports_credentials=True, allow_credentials=True) == [
        ("supports_credentials", "", "is given with allow_credentials", "keep one of the two")
    ]


# ------------------------------------------------------- flask-cors's defaults


def test_flask_cors_defaults_apply_only_when_a_flask_cors_name_is_used() -> None:
    ours = _app(allow_origins=[APP])
    assert _preflight(ours, "/api/x", APP, "DELETE").status_code == 403
    assert _preflight(ours, "/api/x", APP, "GET", "x-custom").status_code == 403
    theirs = _app(origins=[APP])
    r = _preflight(theirs, "/api/x", APP, "DELETE", "x-custom")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == FLASK_CORS_METHODS
    assert r.headers["Access-Control-Allow-Headers"] == "x-custom"
    # A flask-cors name other than an origin option brings the defaults too.
    mixed = _app(allow_origins=[APP], supports_credentials=True)
    r = _preflight(mixed, "/api/x", APP, "DELETE", "x-custom")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Allow-Headers"] == "x-custom"


def test_no_origin_option_allows_every_origin_with_the_defaults() -> None:
    app = _app(max_age=60)
    r = _preflight(app, "/api/x", EVIL, "PATCH", "x-custom")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == FLASK_CORS_METHODS
    assert r.headers["Access-Control-Allow-Headers"] == "x-custom"
    assert r.headers["Access-Control-Max-Age"] == "60"


def test_a_regex_origin_option_alone_keeps_our_defaults() -> None:
    app = _app(allow_origin_regex=[r"https://app\.example\.com"])
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", EVIL) is None
    assert _preflight(app, "/api/x", APP, "DELETE").status_code == 403


# ---------------------------------------------------------------- max_age


@pytest.mark.parametrize("value", ["600", " 600 ", timedelta(minutes=10), 600])
def test_max_age_forms(value: object) -> None:
    r = _preflight(_app(origins=[APP], max_age=value), "/api/x", APP, "PUT")
    assert r.status_code == 204
    assert r.headers["Access-Control-Max-Age"] == "600"


def test_max_age_that_is_not_a_number_of_seconds_is_refused() -> None:
    assert _problems(origins=[APP], max_age="10m") == [
        ("max_age", "'10m'", "is not an integer number of seconds", "write e.g. 600")
    ]


# ------------------------------------------------------------ headers lists


def test_comma_strings_of_exposed_headers_lose_empty_items() -> None:
    app = _app(origins=[APP], expose_headers="X-Total-Count, ,X-Page,")
    r = app.test_client().get("/api/x", headers={"Origin": APP})
    assert r.headers["Access-Control-Expose-Headers"] == "X-Total-Count, X-Page"


def test_a_single_allowed_header_string_is_one_name() -> None:
    app = _app(origins=[APP], allow_headers="X-Custom")
    r = _preflight(app, "/api/x", APP, "PUT", "x-custom")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Headers"] == "X-Custom"
    assert _preflight(app, "/api/x", APP, "PUT", "x-other").status_code == 403


# ---------------------------------------------------------------- origins


@pytest.mark.parametrize("origins", [[APP, ".*"], [APP, "*"], ".*", "*"])
def test_a_star_or_dot_star_among_origins_allows_every_origin(origins: object) -> None:
    app = _app(origins=origins)
    assert _acao(app, "/api/x", EVIL) == "*"


def test_an_origin_and_a_regex_together() -> None:
    app = _app(origins=[APP, r"https://[a-z]+\.admin\.example\.com"])
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", "https://eu.admin.example.com") == "https://eu.admin.example.com"
    assert _acao(app, "/api/x", ADMIN) is None
    compiled = _app(origins=re.compile(r"https://[a-z]+\.admin\.example\.com"))
    assert _acao(compiled, "/api/x", "https://eu.admin.example.com") == (
        "https://eu.admin.example.com"
    )
    assert _acao(compiled, "/api/x", APP) is None


@pytest.mark.parametrize("joined", [f"{APP}|{ADMIN}", f"{APP}, {ADMIN}", f"{APP} ,{ADMIN},"])
def test_joined_origins_are_refused_with_the_list(joined: str) -> None:
    assert _problems(origins=joined) == [
        (
            "origins",
            repr(joined),
            "is compared whole by flask-cors, so it matched no origin; read as a list it "
            "would allow more than before",
            f"list them: origins={[APP, ADMIN]!r}",
        )
    ]


def test_a_joined_origin_is_refused_and_the_next_one_still_read() -> None:
    joined = f"{APP}|{ADMIN}"
    problems = _problems(origins=[joined, "https://a.example/"])
    assert [p[:2] for p in problems] == [
        ("origins", repr(joined)),
        ("origins", "'https://a.example/'"),
    ]


def test_our_subdomain_pattern_is_refused_with_the_regex_meant() -> None:
    assert _problems(origins=["https://*.example.com"]) == [
        (
            "origins",
            "'https://*.example.com'",
            "is a regex to flask-cors ('*' repeats the '/' before it), so it matched no "
            "subdomain; read as a subdomain pattern it would allow more than before",
            r"write the regex you meant: origins=[r'https://([a-z0-9-]+\.)+example\.com'] "
            "(or allow_origins=['https://*.example.com'], this library's subdomain pattern)",
        )
    ]
    assert [p[:2] for p in _problems(origins="HTTP://*.Example.com")] == [
        ("origins", "'HTTP://*.Example.com'")
    ]
    assert [p[:2] for p in _problems(origins="https://app.example.com:*")] == [
        ("origins", "'https://app.example.com:*'")
    ]


def test_our_pattern_is_recognised_only_as_the_whole_string() -> None:
    """A string that only contains our pattern is read as flask-cors reads it: a regex."""
    assert _problems(origins="https://*.example.com/*") == [
        (
            "origins",
            "r'https://*.example.com/*'",
            "admits foreign origins such as 'https://examplexcom' (a '.' in a regex matches "
            "any character)",
            # flask-cors's regex admitted no subdomain ('*' repeats the '/'): nor does the fix
            r"anchor the host: origins=[r'https://example\.com(:\d+)?']",
        )
    ]
    assert _problems(origins="^https://*.example.com$")[0][:2] == (
        "origins",
        "r'^https://*.example.com$'",
    )


@pytest.mark.parametrize(
    ("regex", "such_as", "fix"),
    [
        (
            r"https://.*example\.com",
            "'https://evilexample.com' ('example.com' is matched as a suffix)",
            r"https://([a-z0-9-]+\.)?example\.com(:\d+)?",
        ),
        (
            r"http?://.*example[.]com",
            "'http://evilexample.com' ('example.com' is matched as a suffix)",
            r"http://([a-z0-9-]+\.)?example\.com(:\d+)?",
        ),
        (
            r"https?://.*example\.com",
            "'https://evilexample.com' ('example.com' is matched as a suffix)",
            r"https?://([a-z0-9-]+\.)?example\.com(:\d+)?",
        ),
    ],
)
def test_a_regex_admitting_foreign_origins_is_refused_with_the_anchored_one(
    regex: str, such_as: str, fix: str
) -> None:
    expected = [
        (
            "origins",
            f"r'{regex}'",
            f"admits foreign origins such as {such_as}",
            f"anchor the host: origins=[r'{fix}']",
        )
    ]
    assert _problems(origins=regex) == expected
    assert _problems(origins=[re.compile(regex)]) == expected


def test_origins_that_are_not_a_list_are_reported_by_the_engine() -> None:
    assert _problems(origins=3) == [("origins", "3", "is not a list", "write origins=[...]")]


def test_origins_with_allow_origins_is_refused() -> None:
    assert _problems(origins=[APP], allow_origins=[ADMIN]) == [
        ("origins", "", "is given with allow_origins", "keep one of the two")
    ]


def test_origins_with_an_origin_regex_adds_to_it() -> None:
    app = _app(allow_origin_regex=[r"https://admin\.example\.com"], origins=APP)
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", ADMIN) == ADMIN
    assert _acao(app, "/api/x", EVIL) is None


# ------------------------------------------------------ flags and send_wildcard


def test_flags_that_cannot_be_turned_off_are_refused_each_with_its_reason() -> None:
    assert _problems(vary_header=False, automatic_options=1, intercept_exceptions=None) == [
        (
            "vary_header",
            "False",
            "cannot be turned off: Vary: Origin is always sent when the answer depends on "
            "the origin (without it a shared cache serves one origin's answer to another)",
            "remove it",
        ),
        (
            "automatic_options",
            "1",
            "cannot be turned off: preflights are always answered by the CORS layer, before Flask",
            "remove it; put @no_cors on a view whose own OPTIONS handler must answer",
        ),
        (
            "intercept_exceptions",
            "None",
            "cannot be turned off: error responses always carry CORS headers (so the page "
            "can read the error)",
            "remove it",
        ),
    ]


def test_accepted_flags_change_nothing() -> None:
    app = _app(
        origins=[APP],
        vary_header=True,
        automatic_options=True,
        intercept_exceptions=True,
        always_send=False,
        send_wildcard=False,
    )
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", EVIL) is None
    r = app.test_client().get("/api/x")
    assert "Access-Control-Allow-Origin" not in r.headers


def test_send_wildcard_with_credentials_is_refused() -> None:
    assert _problems(origins=[APP], send_wildcard=True, supports_credentials=True) == [
        (
            "send_wildcard",
            "True",
            "sends '*' together with supports_credentials=True, which browsers refuse",
            "remove send_wildcard (the origin is echoed with credentials)",
        )
    ]
    app = _app(origins=[APP], send_wildcard=True, supports_credentials=False)
    assert _acao(app, "/api/x", APP) == APP


def test_unknown_options_are_refused_with_a_suggestion() -> None:
    assert _problems(orgins=[APP]) == [
        ("orgins", "", "is not a CORS option", "did you mean 'origins'?")
    ]


# --------------------------------------------------------------- resources


def test_a_resources_origins_overrides_a_top_level_allow_origins_and_back() -> None:
    app = _app(allow_origins=[APP], resources={r"/api/.*": {"origins": [ADMIN]}})
    assert _acao(app, "/api/x", ADMIN) == ADMIN
    assert _acao(app, "/api/x", APP) is None
    app = _app(origins=[APP], resources={r"/api/.*": {"allow_origins": [ADMIN]}})
    assert _acao(app, "/api/x", ADMIN) == ADMIN
    assert _acao(app, "/api/x", APP) is None
    app = _app(origins=[APP], resources={r"/api/.*": {"max_age": 5}})
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/other", APP) is None


def test_regex_keys_more_slashes_then_longer_first_compiled_before_strings() -> None:
    app = _app(resources={r"/api/.*": {"origins": [APP]}, r"/api/v1/.*": {"origins": [ADMIN]}})
    assert _acao(app, "/api/v1/x", ADMIN) == ADMIN
    assert _acao(app, "/api/v1/x", APP) is None
    assert _acao(app, "/api/x", APP) == APP
    app = _app(resources={r"/a.*": {"origins": [APP]}, r"/ab.*": {"origins": [ADMIN]}})
    assert _acao(app, "/abc", ADMIN) == ADMIN
    assert _acao(app, "/abc", APP) is None
    app = _app(
        resources={r"/api/v1/.*": {"origins": [ADMIN]}, re.compile(r"/api.*"): {"origins": [APP]}}
    )
    assert _acao(app, "/api/v1/x", APP) == APP
    assert _acao(app, "/api/v1/x", ADMIN) is None


def test_the_rules_list_every_key_in_the_order_tried() -> None:
    app = _app(
        resources={
            r"/api/.*": {"origins": [APP]},
            "/other": {"origins": [APP]},
            re.compile(r"/x.*"): {"origins": [APP]},
            r"/api/v1/.*": {"origins": [APP]},
        }
    )
    assert [key for key, _ in CORS.policy_for(app).rules()] == [
        "/other",
        r"/x.*",
        r"/api/v1/.*",
        r"/api/.*",
        "default",
    ]


@pytest.mark.parametrize("resources", ["/api/*", r"/api/.*", ["/other", "/api/*"], ["/api/*"]])
def test_resources_as_a_string_or_a_list_take_the_top_level_options(resources: object) -> None:
    app = _app(resources=resources, origins=[APP])
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", EVIL) is None
    assert _acao(app, "/abc", APP) is None


@pytest.mark.parametrize("resources", ["*", ["*"], {"*": {}}])
def test_a_star_resources_key_covers_every_path(resources: object) -> None:
    app = _app(resources=resources, origins=[APP])
    assert _acao(app, "/abc", APP) == APP
    assert _acao(app, "/abc", EVIL) is None


def test_resources_that_are_not_a_mapping_list_or_string_are_refused() -> None:
    assert _problems(resources=3) == [
        (
            "resources",
            "3",
            "is not a dict, a list or a string",
            "write resources={r'/api/*': {'origins': [...]}}",
        )
    ]
    assert _problems(orgins=1, resources=3)[0][0] == "orgins"  # every problem in one error
    assert _problems(resources={"/x": 3}) == [
        (
            "resources",
            "'/x'",
            "maps to something other than a dict",
            "map each path regex to a dict of options",
        )
    ]


def test_resources_keys_that_do_not_compile_or_backtrack_are_refused() -> None:
    assert _problems(resources={"(": {}, "/ok": {}}) == [
        (
            "resources",
            "'('",
            "does not compile (missing ), unterminated subpattern at position 0)",
            "fix the path regex",
        )
    ]
    ((option, entry, problem, fix),) = _problems(resources={r"/(a+)+$": {}})
    assert (option, entry) == ("resources", "'/(a+)+$'")
    assert "a crafted request path of about" in problem
    assert "Origin" not in problem
    assert fix.startswith("rewrite without nested or adjacent overlapping quantifiers")


def test_a_resources_problems_name_the_key_and_top_level_ones_are_listed_once() -> None:
    assert _problems(
        orgins=1, max_age="10m", resources={r"/api/.*": {"origins": ["https://a.example/"]}}
    ) == [
        ("orgins", "", "is not a CORS option", "did you mean 'origins'?"),
        (
            "resources['/api/.*'].origins",
            "'https://a.example/'",
            "has a trailing slash",
            "write 'https://a.example' (browsers send origins without any path)",
        ),
        (
            "resources['/api/.*'].max_age",
            "'10m'",
            "is not an integer number of seconds",
            "write e.g. 600",
        ),
    ]
    problems = _problems(vary_header=False, resources={r"/a.*": {}, r"/b.*": {}})
    assert [p[:2] for p in problems] == [("vary_header", "False")]
    problems = _problems(resources={r"/api/.*": {"origins": [APP], "vary_header": False}})
    assert [p[:2] for p in problems] == [("resources['/api/.*'].vary_header", "False")]
    problems = _problems(
        origins="*", resources={r"/api/.*": {"supports_credentials": True}, "/other": {}}
    )
    assert [p[:2] for p in problems] == [("resources['/api/.*'].origins", "'*'")]


# ------------------------------------------------- every problem in one error


def test_options_after_an_accepted_flag_are_still_read() -> None:
    app = _app(always_send=True, vary_header=True, origins=[APP], methods=["put"])
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", EVIL) is None
    assert _preflight(app, "/api/x", APP, "PUT").headers["Access-Control-Allow-Methods"] == "PUT"


def test_values_the_engine_refuses_are_reported_as_given() -> None:
    assert _problems(origins=[APP, 3]) == [
        ("origins", "3", "is not a string", "write each origin as a string")
    ]
    assert _problems(origins=[APP], methods=["GET", 3]) == [
        ("methods", "3", "is not a valid method name", "write e.g. 'PUT'")
    ]


def test_translation_and_engine_problems_are_listed_together() -> None:
    joined = f"{APP}|{ADMIN}"
    assert [p[:2] for p in _problems(origins=joined, max_age="10m")] == [
        ("origins", repr(joined)),
        ("max_age", "'10m'"),
    ]
    assert [
        p[:2] for p in _problems(origins=[r"https://.*partner\.org", "https://a.example/"])
    ] == [
        ("origins", r"r'https://.*partner\.org'"),
        ("origins", "'https://a.example/'"),
    ]


def test_a_comma_string_of_allowed_headers_is_refused_exactly_with_the_rest() -> None:
    assert _problems(allow_headers="a, b", vary_header=False) == [
        (
            "allow_headers",
            "'a, b'",
            "is one header name to flask-cors, compared whole with each requested name, so "
            "it matched none; read as a list it would allow more than before",
            "list them: allow_headers=['a', 'b']",
        ),
        (
            "vary_header",
            "False",
            "cannot be turned off: Vary: Origin is always sent when the answer depends on "
            "the origin (without it a shared cache serves one origin's answer to another)",
            "remove it",
        ),
    ]


def test_the_anchored_regex_names_the_host_written() -> None:
    assert _problems(origins=r"https://.*partner\.org")[0][2:] == (
        "admits foreign origins such as 'https://evilpartner.org' ('partner.org' is matched "
        "as a suffix)",
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)?partner\.org(:\d+)?']",
    )


def test_our_pattern_with_a_second_scheme_separator_keeps_the_first_scheme() -> None:
    assert _problems(origins="https://*.example.com://x")[0][3] == (
        r"write the regex you meant: origins=[r'https://([a-z0-9-]+\.)+example\.com://x'] "
        "(or allow_origins=['https://*.example.com://x'], this library's subdomain pattern)"
    )


def test_every_bad_resources_key_is_listed() -> None:
    assert _problems(resources={3: {}, "(": {}, "/ok": {}}) == [
        (
            "resources",
            "3",
            "is not a path or a regex",
            "write the path as a string, e.g. r'/api/*'",
        ),
        (
            "resources",
            "'('",
            "does not compile (missing ), unterminated subpattern at position 0)",
            "fix the path regex",
        ),
    ]


def test_a_resources_translation_problem_is_named_and_listed_with_the_rest() -> None:
    vary = (
        "cannot be turned off: Vary: Origin is always sent when the answer depends on the "
        "origin (without it a shared cache serves one origin's answer to another)"
    )
    assert _problems(orgins=1, resources={r"/x.*": {"vary_header": False}}) == [
        ("orgins", "", "is not a CORS option", "did you mean 'origins'?"),
        ("resources['/x.*'].vary_header", "False", vary, "remove it"),
    ]


def test_more_slashes_win_over_a_longer_key() -> None:
    app = _app(
        resources={r"/api.*(?:suffix)?": {"origins": [APP]}, r"/api/v1.*": {"origins": [ADMIN]}}
    )
    assert _acao(app, "/api/v1/x", ADMIN) == ADMIN
    assert _acao(app, "/api/v1/x", APP) is None


def test_literal_keys_are_listed_first_however_short() -> None:
    app = _app(
        resources={
            r"/api/v1/.*": {"origins": [APP]},
            re.compile(r"/x/y/.*"): {"origins": [APP]},
            "/o": {"origins": [APP]},
        }
    )
    assert [key for key, _ in CORS.policy_for(app).rules()] == [
        "/o",
        r"/x/y/.*",
        r"/api/v1/.*",
        "default",
    ]


def test_resources_none_gives_no_origin_the_every_origin_default() -> None:
    app = _app(resources=None)
    r = app.test_client().get("/api/x", headers={"Origin": EVIL})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers


def test_top_level_problems_after_resources_or_a_conflict_are_still_listed() -> None:
    vary = ("vary_header", "False")
    assert [p[:2] for p in _problems(resources={r"/x.*": {}}, vary_header=False)] == [vary]
    problems = _problems(origins=[APP], methods=["GET"], allow_methods=["PUT"], vary_header=False)
    assert [p[:2] for p in problems] == [("methods", ""), vary]


def test_a_resource_without_origins_keeps_a_top_level_allow_origins() -> None:
    app = _app(allow_origins=[APP], resources={r"/api/.*": {"max_age": 5}})
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/api/x", EVIL) is None


def test_an_unknown_option_with_no_near_name_is_to_be_removed() -> None:
    assert _problems(zzzz=1) == [("zzzz", "", "is not a CORS option", "remove it")]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            r"http?://.*example[.]com",
            r"http?://\w*\.?example\.com:?\d*/?.*",
            r"https?://.*example\.com",
            r"https://.*example\.com",
            r"http://.*example\.com",
        ]
    ),
    st.sampled_from(["http", "https", "htt", "ftp"]),
    st.sampled_from(["", "a.", "a-b.", "x.y.", "evil"]),
    st.sampled_from(["example.com", "example.com.evil.net", "exampleXcom"]),
    st.sampled_from(["", ":80", ":8443", ":x"]),
)
def test_the_anchored_fix_never_admits_what_flask_cors_refused(
    regex: str, scheme: str, sub: str, host: str, port: str
) -> None:
    """The suggested regex is a narrowing of what flask-cors matched: applying the fix
    never lets in an origin the old configuration refused (``http?`` matched ``http`` only)."""
    (problem,) = _problems(origins=regex)
    fixed = re.fullmatch(r"anchor the host: origins=\[r'(.*)'\]", problem[3])
    assert fixed is not None, problem
    origin = f"{scheme}://{sub}{host}{port}"
    if re.fullmatch(fixed.group(1), origin):
        assert re.match(regex, origin), (regex, origin, fixed.group(1))
