"""flask-cors's vocabulary: the wording of problems and warnings, and the regex fixes, pinned.

Each test states what a caller of ``CORS(app, ...)`` (or of the translation it uses) sees:
an option named as it was written (a flask-cors keyword, one of ours, or its ``CORS_*``
``app.config`` key), the exact anchored regex offered as the fix for an origin regex that
admits foreign origins, and the exact translation of a value form.
"""

from __future__ import annotations

import inspect
import re
import warnings
from typing import Any

import pytest
from flask import Flask

import adapters._flask_cors_options as flask_cors_options
from adapters._flask_cors_options import FlaskSyntax, build, translate
from adapters.flask import CORS
from cors_core import ConfigError, CORSConfigWarning
from cors_core.loading import Value

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
HTTP_APP = "http://app.example.com"
PLAIN_HTTP = (
    f"{HTTP_APP!r} is plain http with credentials: a network attacker can impersonate it; "
    "fix: use https"
)


def _problems(options: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        CORS(Flask("refused"), **options)
    return [str(p) for p in info.value.problems]


def _anchor_fix(regex: str | re.Pattern[str]) -> str:
    """The fix offered for ``origins=[regex]``, a regex admitting foreign origins."""
    [problem] = _problems({"origins": [regex]})
    assert "admits foreign origins" in problem
    return problem.split("; fix: ", 1)[1]


def _warned(options: dict[str, Any], from_config: tuple[str, ...] = ()) -> list[Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build(options, from_config)
    return list(caught)


# ------------------------------------------------------------------ FlaskSyntax names


def test_an_option_set_nowhere_is_a_keyword_when_only_some_came_from_app_config() -> None:
    syntax = FlaskSyntax({"origins", "supports_credentials"}, {"supports_credentials"})
    assert syntax.name("allow_methods") == "methods"
    assert syntax.name("allow_credentials") == "CORS_SUPPORTS_CREDENTIALS"
    assert syntax.name("allow_origins") == "origins"


def test_an_option_set_nowhere_is_a_config_key_when_everything_came_from_app_config() -> None:
    syntax = FlaskSyntax({"origins"}, {"origins"})
    assert syntax.name("allow_methods") == "CORS_METHODS"


def test_engine_words_only_keep_engine_names_for_options_set_nowhere() -> None:
    syntax = FlaskSyntax({"allow_origins"})
    assert syntax.name("allow_methods") == "allow_methods"
    assert syntax.name("allow_credentials") == "allow_credentials"


def test_a_flask_cors_keyword_is_named_as_the_engine_option_the_user_wrote() -> None:
    assert FlaskSyntax({"allow_origins"}).name("origins") == "allow_origins"
    assert FlaskSyntax({"allow_methods"}).name("methods") == "allow_methods"
    assert FlaskSyntax({"allow_origins"}, {"allow_origins"}).name("origins") == (
        "CORS_ALLOW_ORIGINS"
    )


def test_a_flask_cors_keyword_set_nowhere_keeps_its_own_name() -> None:
    assert FlaskSyntax(set()).name("origins") == "origins"
    assert FlaskSyntax({"max_age"}).name("supports_credentials") == "supports_credentials"


def test_alternative_values_are_joined_with_or_in_both_vocabularies() -> None:
    values = [Value("False", False), Value("True", True)]
    assert FlaskSyntax({"origins"}).setting("allow_credentials", values) == (
        "supports_credentials=False or True"
    )
    assert FlaskSyntax({"origins"}, {"origins"}).setting("allow_credentials", values) == (
        "CORS_SUPPORTS_CREDENTIALS = False or True"
    )


# ------------------------------------------------------------------ translation


def test_methods_star_stays_the_string_star() -> None:
    assert translate({"methods": "*"}) == (
        {"allow_methods": "*", "allow_origins": ["*"], "allow_headers": "*"},
        [],
    )
    assert repr(build({"methods": "*"})) == (
        "CORSPolicy(allow_origins=['*'], allow_methods='*', allow_headers='*', "
        "max_age=600, preflight_status=204)"
    )


def test_an_always_on_flag_does_not_hide_the_options_after_it() -> None:
    assert translate({"vary_header": True, "origins": [APP], "methods": "get"}) == (
        {"allow_origins": [APP], "allow_methods": ["GET"], "allow_headers": "*"},
        [],
    )


def test_origins_with_allow_origins_is_reported_and_the_options_after_them_still_read() -> None:
    out, problems = translate({"origins": [APP], "allow_origins": [APP], "methods": "get"})
    assert out == {"allow_origins": [APP], "allow_methods": ["GET"], "allow_headers": "*"}
    assert [str(p) for p in problems] == [
        "origins is given with allow_origins; fix: keep one of the two"
    ]


# ------------------------------------------------------------------ anchored regex fixes


def test_a_regex_without_a_scheme_is_anchored_to_https() -> None:
    assert _anchor_fix(r".*example\.com") == (
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)?example\.com(:\d+)?']"
    )


def test_a_leading_caret_does_not_hide_the_scheme_and_a_dollar_admits_no_port() -> None:
    assert _anchor_fix(r"^https?://.*example\.com$") == (
        r"anchor the host: origins=[r'https?://([a-z0-9-]+\.)?example\.com']"
    )
    assert _anchor_fix(r"^https://.*example\.com") == (
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)?example\.com(:\d+)?']"
    )


def test_a_string_regex_is_matched_case_insensitively_as_flask_cors_does() -> None:
    # flask-cors matched 'https://a.example.com': '(A\.)?' takes 'a.' case-insensitively.
    assert _anchor_fix(r"https://(A\.)?example\.com.*") == (
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)?example\.com(:\d+)?']"
    )


def test_a_compiled_regex_is_matched_with_its_own_flags() -> None:
    # Compiled without IGNORECASE, flask-cors never matched the subdomain 'a.'.
    assert _anchor_fix(re.compile(r"https://(A\.)?example\.com.*")) == (
        r"anchor the host: origins=[r'https://example\.com(:\d+)?']"
    )
    assert _anchor_fix(re.compile(r"https://(A\.)?example\.com.*", re.IGNORECASE)) == (
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)?example\.com(:\d+)?']"
    )


def test_a_regex_requiring_a_subdomain_keeps_it_required() -> None:
    # The bare host is admitted only with something after it: the fix requires 'a.'.
    assert _anchor_fix(r"https://.*\.example\.com|https://example\.com\..*") == (
        r"anchor the host: origins=[r'https://([a-z0-9-]+\.)example\.com(:\d+)?']"
    )


def test_a_required_subdomain_regex_open_after_the_host_is_refused() -> None:
    assert re.match(r"https://.*\.example\.com.*", "https://a.example.com.evil.example")
    [problem] = _problems({"origins": [r"https://.*\.example\.com.*"]})
    assert "'https://x.example.com.evil-cors-probe.example'" in problem
    assert "'example.com' is matched as a prefix" in problem


# ------------------------------------------------------------------ resources


def test_a_resource_allow_origins_replaces_the_top_level_origins() -> None:
    engine = build({"origins": [APP], "resources": {r"/api/*": {"allow_origins": [ADMIN]}}})
    assert repr(engine.for_path("/api/x")) == (
        "CORSPolicy(allow_origins=['https://admin.example.com'], allow_methods=('GET',), "
        "max_age=600, preflight_status=204)"
    )


def test_a_resource_problem_names_our_pattern_option_as_written() -> None:
    assert _problems({"resources": {r"/api/*": {"origins": "https://*.example.com"}}}) == [
        "resources['/api/*'].origins: 'https://*.example.com' is a regex to flask-cors ('*' "
        "repeats the '/' before it), so it matched no subdomain; read as a subdomain pattern "
        "it would allow more than before; fix: write the regex you meant: "
        r"origins=[r'https://([a-z0-9-]+\.)+example\.com'] (or "
        "allow_origins=['https://*.example.com'], this library's subdomain pattern)"
    ]


def test_every_resource_is_checked_after_one_that_does_not_compile() -> None:
    assert _problems(
        {"resources": {"/a(": {}, "/b": {"origins": "https://a.example,https://b.example"}}}
    ) == [
        "resources: '/a(' does not compile (missing ), unterminated subpattern at position "
        "2); fix: fix the path regex",
        "resources['/b'].origins: 'https://a.example,https://b.example' is compared whole by "
        "flask-cors, so it matched no origin; read as a list it would allow more than "
        "before; fix: list them: origins=['https://a.example', 'https://b.example']",
    ]


# ------------------------------------------------------------------ warnings


def _in_build(lineno: int) -> bool:
    lines, start = inspect.getsourcelines(build)
    return start <= lineno < start + len(lines)


def test_a_warning_names_the_keyword_and_points_at_the_policy_built() -> None:
    [warned] = _warned({"origins": [HTTP_APP], "supports_credentials": True})
    assert warned.category is CORSConfigWarning
    assert str(warned.message) == f"origins: {PLAIN_HTTP}"
    assert warned.filename == flask_cors_options.__file__
    assert _in_build(warned.lineno)


def test_a_warning_names_the_app_config_key() -> None:
    [warned] = _warned(
        {"origins": [HTTP_APP], "supports_credentials": True},
        ("origins", "supports_credentials"),
    )
    assert str(warned.message) == f"CORS_ORIGINS: {PLAIN_HTTP}"


def test_a_resource_warning_names_the_resource_and_the_keyword() -> None:
    options = {"resources": {r"/api/*": {"origins": [HTTP_APP], "supports_credentials": True}}}
    [warned] = _warned(options)
    assert warned.category is CORSConfigWarning
    assert str(warned.message) == f"resources['/api/*'].origins: {PLAIN_HTTP}"
    assert warned.filename == flask_cors_options.__file__
    assert _in_build(warned.lineno)


def test_another_warning_from_the_policy_is_passed_on_unchanged() -> None:
    # Python's re warns of a possible nested set; the policy compiles the regex again.
    regex = r"https://[[a]pp\.example\.com"
    caught = _warned({"origins": [regex]})
    passed_on = [w for w in caught if w.filename == flask_cors_options.__file__]
    assert passed_on
    assert {(w.category, str(w.message)) for w in passed_on} == {
        (FutureWarning, "Possible nested set at position 9")
    }
    assert all(_in_build(w.lineno) for w in passed_on)
