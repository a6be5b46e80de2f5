"""Pinned: every refusal of the starlette drop-in, sentence by sentence, and what it keeps.

Each configuration is given to ``adapters.starlette.CORSMiddleware`` in starlette's
keywords; the table holds every problem of the ``ConfigError`` as a user reads it
(``str(problem)``), in order. Found by mutation testing (``tools/mutate.py
adapters/starlette.py``): a changed word in a refusal, a fix pointing at the wrong
option or a refusal lost for one spelling fails here. The accepted configurations are
checked by what a browser gets through them.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from adapters.starlette import CORSMiddleware as DropIn
from cors_core import ConfigError, CORSConfigWarning
from cors_core.browser import simulate
from tests.security.support import PREFLIGHT_VARY, call_asgi

APP = "https://app.example.org"


async def app(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain"), (b"x-total-count", b"3")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def problems(**config: Any) -> list[str]:
    """Every problem the drop-in names for ``config`` (none: ``[]``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CORSConfigWarning)
            DropIn(app, **config)
    except ConfigError as exc:
        return [str(p) for p in exc.problems]
    return []


CASES: dict[str, dict[str, Any]] = {
    "keywords": {"foo": 1, "policy": None, "allow_origin": [APP], "debug": True},
    "keyword_with_no_close_name": {"zzz": 1},
    "upper_case_host": {"allow_origins": ["https://App.Example.org"]},
    "upper_case_scheme_and_default_port": {"allow_origins": ["HTTPS://a.example:443"]},
    "unicode_host_on_a_port": {"allow_origins": ["https://bücher.example.org:8443"]},
    "upper_case_host_idna_cannot_encode": {"allow_origins": ["https://Ex_ample.com"]},
    "host_no_form_of_which_the_engine_matches": {"allow_origins": ["https://ex_ample.bücher.de"]},
    "ipv6_uncompressed": {"allow_origins": ["http://[0:0:0:0:0:0:0:1]:8000"]},
    "ipv6_default_port": {"allow_origins": ["https://[::1]:443"]},
    "subdomain_pattern": {"allow_origins": ["https://*.example.org"]},
    "port_pattern": {"allow_origins": ["http://localhost:*"]},
    "unicode_subdomain_pattern_no_regex_can_write": {"allow_origins": ["https://*.bücher.example"]},
    "subdomain_and_port_pattern": {"allow_origins": ["https://*.Example.org:*"]},
    "origins_as_written_are_kept": {
        "allow_origins": [APP, "http://[::1]:8000", "https://example.com.", 7]
    },
    "star_without_credentials_reads_nothing_else": {
        "allow_origins": ["*", "https://*.example.org", "https://App.Example.org"]
    },
    "star_with_credentials": {
        "allow_origins": ["https://App.Example.org", "*", "https://*.example.org"],
        "allow_credentials": True,
    },
    "origins_as_a_string": {"allow_origins": APP},
    "lower_case_methods": {"allow_origins": [APP], "allow_methods": ["GET", "delete", "Put"]},
    "lower_case_and_invalid_methods": {"allow_origins": [APP], "allow_methods": ["delete", "ö"]},
    "methods_star_reads_nothing_else": {"allow_origins": [APP], "allow_methods": ["*", "delete"]},
    "method_not_a_string_and_invalid": {"allow_origins": [APP], "allow_methods": ["GET", 3, "ö"]},
    "header_globs": {"allow_origins": [APP], "allow_headers": ["x-*", "content-type", "*-id", 4]},
    "header_glob_the_engine_refuses": {"allow_origins": [APP], "allow_headers": ["ö-*"]},
    "header_glob_alone": {"allow_origins": [APP], "allow_headers": ["x-*"]},
    "headers_star_reads_nothing_else": {"allow_origins": [APP], "allow_headers": ["*", "x-*"]},
    "regex_list": {"allow_origin_regex": [r"https://a\.example\.org", r"https://b\.example\.org"]},
    "regex_list_with_a_quote": {"allow_origin_regex": ["https://a'b", 3]},
    "regex_list_ending_in_a_backslash": {"allow_origin_regex": ("x\\",)},
    "regex_list_with_a_newline": {"allow_origin_regex": ["a\nb", "c"]},
    "long_regex_list": {"allow_origin_regex": [rf"https://a{i}\.example\.org" for i in range(12)]},
    "regex_list_of_no_string": {"allow_origin_regex": [1, 2]},
    "regex_not_a_list": {"allow_origin_regex": 5},
    "an_engine_fix_naming_a_native_option": {"allow_origins": ["null"]},
    "an_engine_problem_kept_as_it_is": {"allow_origins": [APP], "expose_headers": ["set-cookie"]},
    "every_kind_at_once": {
        "allow_origins": ["https://App.Example.org", "null"],
        "allow_methods": ["delete"],
        "allow_headers": ["x-*"],
        "allow_origin_regex": ["a", "b"],
        "max_age": -1,
        "debug": True,
    },
}


EXPECTED: dict[str, list[str]] = {
    "keywords": [
        (
            "foo is not a keyword of starlette's CORSMiddleware; fix: starlette's "
            "keywords are allow_origins, allow_methods, allow_headers, "
            "allow_credentials, allow_origin_regex, allow_private_network, "
            "expose_headers, max_age"
        ),
        (
            "policy is an option of adapters.asgi.CORSMiddleware, not of starlette's "
            "CORSMiddleware (which this one reproduces); fix: import CORSMiddleware "
            "from adapters.asgi to use policy="
        ),
        (
            "allow_origin is not a keyword of starlette's CORSMiddleware; fix: did you "
            "mean 'allow_origins'?"
        ),
        (
            "debug is an option of adapters.asgi.CORSMiddleware, not of starlette's "
            "CORSMiddleware (which this one reproduces); fix: import CORSMiddleware "
            "from adapters.asgi to use debug="
        ),
    ],
    "keyword_with_no_close_name": [
        (
            "zzz is not a keyword of starlette's CORSMiddleware; fix: starlette's "
            "keywords are allow_origins, allow_methods, allow_headers, "
            "allow_credentials, allow_origin_regex, allow_private_network, "
            "expose_headers, max_age"
        ),
    ],
    "upper_case_host": [
        (
            "allow_origins: 'https://App.Example.org' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://app.example.org'), which would widen access; fix: write "
            "'https://app.example.org'"
        ),
    ],
    "upper_case_scheme_and_default_port": [
        (
            "allow_origins: 'HTTPS://a.example:443' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://a.example'), which would widen access; fix: write "
            "'https://a.example'"
        ),
    ],
    "unicode_host_on_a_port": [
        (
            "allow_origins: 'https://bücher.example.org:8443' is not written as "
            "browsers send origins, so starlette, which compares it as written, never "
            "matched it; adapters.asgi.CORSMiddleware would match it (browsers send it "
            "as 'https://xn--bcher-kva.example.org:8443'), which would widen access; "
            "fix: write 'https://xn--bcher-kva.example.org:8443'"
        ),
    ],
    "upper_case_host_idna_cannot_encode": [
        (
            "allow_origins: 'https://Ex_ample.com' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://ex_ample.com'), which would widen access; fix: write "
            "'https://ex_ample.com'"
        ),
    ],
    "host_no_form_of_which_the_engine_matches": [
        (
            "allow_origins: 'https://ex_ample.bücher.de' is not written as browsers "
            "send origins, so starlette, which compares it as written, never matched "
            "it; adapters.asgi.CORSMiddleware would match it, which would widen "
            "access; fix: write the origin exactly as the browser sends it "
            "(location.origin): lower case, no default port, an internationalised host "
            "in its xn-- form"
        ),
    ],
    "ipv6_uncompressed": [
        (
            "allow_origins: 'http://[0:0:0:0:0:0:0:1]:8000' is not written as browsers "
            "send origins, so starlette, which compares it as written, never matched "
            "it; adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'http://[::1]:8000'), which would widen access; fix: write "
            "'http://[::1]:8000'"
        ),
    ],
    "ipv6_default_port": [
        (
            "allow_origins: 'https://[::1]:443' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://[::1]'), which would widen access; fix: write 'https://[::1]'"
        ),
    ],
    "subdomain_pattern": [
        (
            "allow_origins: 'https://*.example.org' is compared as written by "
            "starlette, so it never matched an origin; adapters.asgi.CORSMiddleware "
            "reads it as a pattern matching every subdomain, which would widen access; "
            "fix: list the origins pages are served from, or write a regex: "
            "allow_origin_regex=r'https://(?:[a-z0-9-]+\\.)+example\\.org'; or keep "
            "the pattern by importing CORSMiddleware from adapters.asgi"
        ),
    ],
    "port_pattern": [
        (
            "allow_origins: 'http://localhost:*' is compared as written by starlette, "
            "so it never matched an origin; adapters.asgi.CORSMiddleware reads it as a "
            "pattern matching every port, which would widen access; fix: list the "
            "origins pages are served from, or write a regex: "
            "allow_origin_regex=r'http://localhost(?::[0-9]+)?'; or keep the pattern "
            "by importing CORSMiddleware from adapters.asgi"
        ),
    ],
    "unicode_subdomain_pattern_no_regex_can_write": [
        (
            "allow_origins: 'https://*.bücher.example' is compared as written by "
            "starlette, so it never matched an origin; adapters.asgi.CORSMiddleware "
            "reads it as a pattern matching every subdomain, which would widen access; "
            "fix: list the origins pages are served from, or keep the pattern by "
            "importing CORSMiddleware from adapters.asgi"
        ),
    ],
    "subdomain_and_port_pattern": [
        (
            "allow_origins: 'https://*.Example.org:*' is compared as written by "
            "starlette, so it never matched an origin; adapters.asgi.CORSMiddleware "
            "reads it as a pattern matching every subdomain on every port, which would "
            "widen access; fix: list the origins pages are served from, or write a "
            "regex: allow_origin_regex=r'https://(?:[a-z0-"
            "9-]+\\.)+example\\.org(?::[0-9]+)?'; or keep the pattern by importing "
            "CORSMiddleware from adapters.asgi"
        ),
    ],
    "origins_as_written_are_kept": [
        "allow_origins: 7 is not a string; fix: write each origin as a string",
    ],
    "star_without_credentials_reads_nothing_else": [],
    "star_with_credentials": [
        (
            "allow_origins: 'https://App.Example.org' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://app.example.org'), which would widen access; fix: write "
            "'https://app.example.org'"
        ),
        (
            "allow_origins: 'https://*.example.org' is compared as written by "
            "starlette, so it never matched an origin; adapters.asgi.CORSMiddleware "
            "reads it as a pattern matching every subdomain, which would widen access; "
            "fix: list the origins pages are served from, or write a regex: "
            "allow_origin_regex=r'https://(?:[a-z0-9-]+\\.)+example\\.org'; or keep "
            "the pattern by importing CORSMiddleware from adapters.asgi"
        ),
        (
            "allow_origins: '*' allows every origin together with "
            "allow_credentials=True: starlette then reflects each request's origin, so "
            "any website can read your users' authenticated responses; fix: list the "
            "trusted origins: allow_origins=['https://app.example.com', ...]; or, if "
            "pages send no cookies (a token API needs none), set "
            "allow_credentials=False"
        ),
    ],
    "origins_as_a_string": [
        (
            "allow_origins: 'https://app.example.org' is a string where a list is "
            "expected (a string is matched character by character); fix: write "
            "allow_origins=['https://app.example.org'] or \"*\""
        ),
    ],
    "lower_case_methods": [
        (
            "allow_methods: 'delete' is compared as written by starlette "
            "(case-sensitively), so it never matched 'DELETE', the name fetch() sends "
            "for it; adapters.asgi.CORSMiddleware reads it as that name, which would "
            "widen access; fix: write 'DELETE'"
        ),
        (
            "allow_methods: 'Put' is compared as written by starlette "
            "(case-sensitively), so it never matched 'PUT', the name fetch() sends for "
            "it; adapters.asgi.CORSMiddleware reads it as that name, which would widen "
            "access; fix: write 'PUT'"
        ),
    ],
    "lower_case_and_invalid_methods": [
        (
            "allow_methods: 'delete' is compared as written by starlette "
            "(case-sensitively), so it never matched 'DELETE', the name fetch() sends "
            "for it; adapters.asgi.CORSMiddleware reads it as that name, which would "
            "widen access; fix: write 'DELETE'"
        ),
        "allow_methods: 'ö' is not a valid method name; fix: write e.g. 'PUT'",
    ],
    "methods_star_reads_nothing_else": [],
    "method_not_a_string_and_invalid": [
        "allow_methods: 3 is not a valid method name; fix: write e.g. 'PUT'",
        "allow_methods: 'ö' is not a valid method name; fix: write e.g. 'PUT'",
    ],
    "header_globs": [
        (
            "allow_headers: 'x-*' is compared as written by starlette, so it never "
            "allowed a header; adapters.asgi.CORSMiddleware reads it as a pattern "
            "matching every such name, which would widen access; fix: list the header "
            "names pages send: allow_headers=['x-token', ...]; or keep the pattern by "
            "importing CORSMiddleware from adapters.asgi"
        ),
        (
            "allow_headers: '*-id' is compared as written by starlette, so it never "
            "allowed a header; adapters.asgi.CORSMiddleware reads it as a pattern "
            "matching every such name, which would widen access; fix: list the header "
            "names pages send: allow_headers=['x-token', ...]; or keep the pattern by "
            "importing CORSMiddleware from adapters.asgi"
        ),
        "allow_headers: 4 is not a valid header name; fix: write e.g. 'x-api-key'",
    ],
    "header_glob_the_engine_refuses": [
        (
            "allow_headers: 'ö-*' is a header-name pattern with regex syntax other "
            "than '*' (or '.*'); fix: write a glob such as 'x-company-*' (one entry "
            "per prefix), or list the names"
        ),
    ],
    "header_glob_alone": [
        (
            "allow_headers: 'x-*' is compared as written by starlette, so it never "
            "allowed a header; adapters.asgi.CORSMiddleware reads it as a pattern "
            "matching every such name, which would widen access; fix: list the header "
            "names pages send: allow_headers=['x-token', ...]; or keep the pattern by "
            "importing CORSMiddleware from adapters.asgi"
        ),
    ],
    "headers_star_reads_nothing_else": [],
    "regex_list": [
        (
            "allow_origin_regex: ['https://a\\\\.example\\\\.org', "
            "'https://b\\\\.example\\\\.org'] is not one regex string: starlette "
            "compiles allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: join "
            "them in one: allow_origin_regex=r'(?:https://a\\.exa"
            "mple\\.org)|(?:https://b\\.example\\.org)'; or import CORSMiddleware from "
            "adapters.asgi, which takes a list"
        ),
    ],
    "regex_list_with_a_quote": [
        (
            'allow_origin_regex: ["https://a\'b", 3] is not one regex string: '
            "starlette compiles allow_origin_regex with re.compile (a list is "
            "refused), where adapters.asgi.CORSMiddleware would take each regex of a "
            'list; fix: join them in one: allow_origin_regex="(?:https://a\'b)"; or '
            "import CORSMiddleware from adapters.asgi, which takes a list"
        ),
    ],
    "regex_list_ending_in_a_backslash": [
        (
            "allow_origin_regex: ('x\\\\',) is not one regex string: starlette "
            "compiles allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: join "
            "them in one: allow_origin_regex=r'(?:x\\)'; or import CORSMiddleware from "
            "adapters.asgi, which takes a list"
        ),
    ],
    "regex_list_with_a_newline": [
        (
            "allow_origin_regex: ['a\\nb', 'c'] is not one regex string: starlette "
            "compiles allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: join "
            "them in one: allow_origin_regex='(?:a\\nb)|(?:c)'; or import "
            "CORSMiddleware from adapters.asgi, which takes a list"
        ),
    ],
    "long_regex_list": [
        (
            "allow_origin_regex: ['https://a0\\\\.example\\\\.org', "
            "'https://a1\\\\.example\\\\.org', 'https://a2\\\\.example\\\\.org', "
            "'https://a3\\\\.example\\\\.org', 'https://a4\\\\.example\\\\.org', "
            "'https://a5\\\\.example\\\\.org', 'https://a6\\\\.examp is not one regex "
            "string: starlette compiles allow_origin_regex with re.compile (a list is "
            "refused), where adapters.asgi.CORSMiddleware would take each regex of a "
            "list; fix: join them in one: allow_origin_regex=r'(?:https://a0\\.ex"
            "ample\\.org)|(?:https://a1\\.example\\.or"
            "g)|(?:https://a2\\.example\\.org)|(?:htt"
            "ps://a3\\.example\\.org)|(?:https://a4\\."
            "example\\.org)|(?:https://a5\\.example\\."
            "org)|(?:https://a6\\.example\\.org)|(?:h"
            "ttps://a7\\.example\\.org)|(?:https://a8"
            "\\.example\\.org)|(?:https://a9\\.example"
            "\\.org)|(?:https://a10\\.example\\.org)|(?:https://a11\\.example\\.org)'; "
            "or import CORSMiddleware from adapters.asgi, which takes a list"
        ),
    ],
    "regex_list_of_no_string": [
        (
            "allow_origin_regex: [1, 2] is not one regex string: starlette compiles "
            "allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: write "
            "one regex; or import CORSMiddleware from adapters.asgi, which takes a list"
        ),
    ],
    "regex_not_a_list": [
        (
            "allow_origin_regex: 5 is not one regex string: starlette compiles "
            "allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: write "
            "one regex; or import CORSMiddleware from adapters.asgi, which takes a list"
        ),
    ],
    "an_engine_fix_naming_a_native_option": [
        (
            "allow_origins: 'null' allows the opaque origin sent by sandboxed iframes, "
            "file:// pages and redirects: any site can produce it; fix: remove it, or "
            "confirm with allow_null_origin=True (allow_null_origin is an option of "
            "adapters.asgi.CORSMiddleware: import CORSMiddleware from adapters.asgi "
            "for it)"
        ),
    ],
    "an_engine_problem_kept_as_it_is": [
        (
            "expose_headers: 'set-cookie' can never be exposed: browsers hide "
            "Set-Cookie from scripts; fix: remove it (cookies are sent with "
            "credentials, not read from headers)"
        ),
    ],
    "every_kind_at_once": [
        (
            "debug is an option of adapters.asgi.CORSMiddleware, not of starlette's "
            "CORSMiddleware (which this one reproduces); fix: import CORSMiddleware "
            "from adapters.asgi to use debug="
        ),
        (
            "allow_origins: 'https://App.Example.org' is not written as browsers send "
            "origins, so starlette, which compares it as written, never matched it; "
            "adapters.asgi.CORSMiddleware would match it (browsers send it as "
            "'https://app.example.org'), which would widen access; fix: write "
            "'https://app.example.org'"
        ),
        (
            "allow_methods: 'delete' is compared as written by starlette "
            "(case-sensitively), so it never matched 'DELETE', the name fetch() sends "
            "for it; adapters.asgi.CORSMiddleware reads it as that name, which would "
            "widen access; fix: write 'DELETE'"
        ),
        (
            "allow_headers: 'x-*' is compared as written by starlette, so it never "
            "allowed a header; adapters.asgi.CORSMiddleware reads it as a pattern "
            "matching every such name, which would widen access; fix: list the header "
            "names pages send: allow_headers=['x-token', ...]; or keep the pattern by "
            "importing CORSMiddleware from adapters.asgi"
        ),
        (
            "allow_origin_regex: ['a', 'b'] is not one regex string: starlette "
            "compiles allow_origin_regex with re.compile (a list is refused), where "
            "adapters.asgi.CORSMiddleware would take each regex of a list; fix: join "
            "them in one: allow_origin_regex=r'(?:a)|(?:b)'; or import CORSMiddleware "
            "from adapters.asgi, which takes a list"
        ),
        (
            "allow_origins: 'null' allows the opaque origin sent by sandboxed iframes, "
            "file:// pages and redirects: any site can produce it; fix: remove it, or "
            "confirm with allow_null_origin=True (allow_null_origin is an option of "
            "adapters.asgi.CORSMiddleware: import CORSMiddleware from adapters.asgi "
            "for it)"
        ),
        "max_age: -1 is negative; fix: use 0 (no caching) or more",
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_problem_is_named_exactly_in_starlettes_keywords(name: str) -> None:
    assert problems(**CASES[name]) == EXPECTED[name]


def allowed(middleware: Any, origin: str, **options: Any) -> bool:
    def send(method: str, headers: list[tuple[str, str]]) -> Any:
        return call_asgi(middleware, method, "/items", headers)

    return simulate(send, origin=origin, **options).verdict.allowed


def test_what_is_accepted_is_answered_as_starlette_reads_it() -> None:
    kept = DropIn(
        app, **{**CASES["origins_as_written_are_kept"], "allow_origins": [APP, "http://[::1]:8000"]}
    )
    assert allowed(kept, APP) and allowed(kept, "http://[::1]:8000")
    assert not allowed(kept, "https://other.example.org")
    with pytest.warns(CORSConfigWarning, match="are never read: '\\*' beside it"):
        star = DropIn(app, **CASES["star_without_credentials_reads_nothing_else"])
    assert allowed(star, "https://shop.example.org") and allowed(star, "https://evil.example.net")
    methods = DropIn(app, **CASES["methods_star_reads_nothing_else"])
    assert allowed(methods, APP, method="DELETE") and allowed(methods, APP, method="PATCH")
    headers = DropIn(app, **CASES["headers_star_reads_nothing_else"])
    assert allowed(headers, APP, method="GET", headers={"X-Token": "1", "Y-Other": "2"})
    regex = DropIn(app, allow_origin_regex=re.compile(r"https://[a-z]+\.example\.org"))
    assert allowed(regex, "https://shop.example.org")
    assert not allowed(regex, "https://shop.example.org.evil.net")


def test_starlettes_defaults_allow_a_get_and_the_safelisted_headers() -> None:
    """``allow_methods=("GET",)`` and an empty ``allow_headers`` (the engine's default, the
    CORS-safelisted names), as starlette reads them; ``max_age`` 600 on the preflight."""
    defaults = DropIn(app, allow_origins=[APP])
    assert allowed(defaults, APP, method="GET", headers={"X-Token": "1"}) is False
    assert allowed(defaults, APP, method="PUT") is False
    json_get = {"method": "GET", "headers": {"Content-Type": "application/json"}}
    assert allowed(defaults, APP, **json_get)
    preflight = [("Origin", APP), ("Access-Control-Request-Method", "GET")]
    assert call_asgi(defaults, "OPTIONS", "/items", preflight) == (
        204,
        [
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "GET"),
            (
                "access-control-allow-headers",
                "accept, accept-language, content-language, content-type",
            ),
            ("access-control-max-age", "600"),
            ("vary", PREFLIGHT_VARY),
        ],
        b"",
    )


class NoisyList(list[str]):
    """An option value whose reading warns: the warning is not the engine's."""

    def __iter__(self) -> Any:
        warnings.warn("read from a NoisyList", UserWarning, stacklevel=1)
        return super().__iter__()


def test_a_refused_configuration_silences_only_the_engines_warnings() -> None:
    """Refused anyway: the engine's warning about 'patch' is not given, another one is,
    and the engine's warnings are given again afterwards (nothing is left filtered)."""
    config = {"allow_origins": [APP], "allow_methods": ["delete", "patch"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError) as info:
            DropIn(app, **config, expose_headers=NoisyList(["x-total-count"]))
        assert {(w.category, str(w.message)) for w in caught} == {
            (UserWarning, "read from a NoisyList")
        }
        caught.clear()
        DropIn(app, allow_origins=[APP], allow_methods=["patch"])
    assert [p.entry for p in info.value.problems] == ["'delete'"]
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            CORSConfigWarning,
            "allow_methods: 'patch' is not uppercase: methods are case-sensitive and fetch() "
            "sends it as the page wrote it (usually uppercase); fix: write 'PATCH'",
        )
    ]
