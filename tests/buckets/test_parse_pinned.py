"""Bucket CORS file parsing (``cors_core.buckets._parse``), pinned by what a caller sees.

Each test asserts the exact problems (place, entry, sentence and fix) that
``bucket_problems`` / ``from_s3`` / ``from_gcs`` give, the provider a file is detected as,
or how a parsed rule answers a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from cors_core import ConfigError, Problem
from cors_core.buckets import _parse, bucket_problems, detect_provider, from_gcs, from_s3
from cors_core.buckets._parse import MAX_FILE_BYTES, load_data

GET = {"AllowedMethods": ["GET"]}
APP = "https://app.example.com"


def _plain(value: object) -> str:
    """A test id of plain characters (the runner selects tests by id)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(value))[:48]


def _all(problems: list[Problem]) -> list[tuple[str, str, str, str]]:
    return [(p.option, p.entry, p.problem, p.fix) for p in problems]


def _errors(data: Any, provider: str) -> list[tuple[str, str, str, str]]:
    errors, _ = bucket_problems(data, provider)  # type: ignore[arg-type]
    return _all(errors)


# ---------------------------------------------------------------- file:// origins

FILE_PROBLEM = "is a file:// origin, but pages opened from files send 'Origin: null'"
FILE_FIX = "remove it (a file:// page cannot be allowed safely)"


@pytest.mark.parametrize("origin", ["FILE:///x", "File://host", "fIlE:"], ids=_plain)
def test_a_file_origin_in_any_case_gets_the_file_fix(origin: str) -> None:
    assert _errors([{"AllowedOrigins": [origin], **GET}], "s3") == [
        ("CORSRules[0].AllowedOrigins[0]", repr(origin), FILE_PROBLEM, FILE_FIX)
    ]
    assert _errors([{"origin": [origin], "method": ["GET"]}], "gcs") == [
        ("cors[0].origin[0]", repr(origin), FILE_PROBLEM, FILE_FIX)
    ]


# ------------------------------------------------------------- detecting the provider


@pytest.mark.parametrize(
    "data",
    [
        [{"AllowedOrigins": ["*"], "origin": ["*"]}],
        [{"origin": ["*"], "method": ["GET"], "AllowedMethods": ["GET"]}],
        {"AllowedOrigins": ["*"], "method": ["GET"]},
        {"CORSRules": [], "cors": []},
        [{"responseHeader": []}, {"ID": "x"}],  # the first rule with a known key decides
    ],
    ids=_plain,
)
def test_a_rule_holding_both_providers_keys_is_read_as_s3(data: Any) -> None:
    if isinstance(data, list) and "ID" in data[-1]:
        assert detect_provider(data) == "gcs"
        assert detect_provider(data[::-1]) == "s3"
    else:
        assert detect_provider(data) == "s3"


# ------------------------------------------------------------- the method bound


def test_a_gcs_method_of_64_characters_is_accepted_and_answered() -> None:
    method = "M" * 64
    rules = [{"origin": [APP], "method": [method]}]
    assert bucket_problems(rules, "gcs") == ([], [])
    policy = from_gcs(rules)
    d = policy.decide("OPTIONS", APP, method)
    assert (d.status, d.allowed) == (200, True)
    assert dict(d.headers)["Access-Control-Allow-Methods"] == method
    # S3 takes five methods only, whatever their length.
    assert _errors([{"AllowedOrigins": [APP], "AllowedMethods": [method]}], "s3") == [
        (
            "CORSRules[0].AllowedMethods[0]",
            repr(method),
            "is not a method S3 allows",
            "use one of GET, PUT, HEAD, POST, DELETE (S3 answers no other method's preflight)",
        )
    ]


# ------------------------------------------------ headers: the right place and reason


def test_s3_header_refusals_name_the_list_and_the_reason() -> None:
    rules = [
        {
            "AllowedOrigins": ["*"],
            **GET,
            "AllowedHeaders": ["x amz", "x-*-*", "*", "x-amz-*", "*-"],
            "ExposeHeaders": ["x-*", "ba d", "*x*", "*", "ETag"],
        }
    ]
    assert _errors(rules, "s3") == [
        (
            "CORSRules[0].AllowedHeaders[0]",
            "'x amz'",
            "is not a valid header name",
            "write e.g. 'x-amz-meta-*'",
        ),
        (
            "CORSRules[0].AllowedHeaders[1]",
            "'x-*-*'",
            "has 2 '*' wildcards (S3 allows one per header name)",
            "use one '*', e.g. 'x-amz-meta-*'",
        ),
        (
            "CORSRules[0].ExposeHeaders[0]",
            "'x-*'",
            "has a partial wildcard, which S3 does not support here",
            "list the header names, or write '*' alone",
        ),
        (
            "CORSRules[0].ExposeHeaders[1]",
            "'ba d'",
            "is not a valid header name",
            "write e.g. 'x-amz-meta-color'",
        ),
        (
            "CORSRules[0].ExposeHeaders[2]",
            "'*x*'",
            "has a partial wildcard, which S3 does not support here",
            "list the header names, or write '*' alone",
        ),
    ]
    [rule] = from_s3([{"AllowedOrigins": ["*"], **GET, "AllowedHeaders": ["*-", "x-amz-*"]}]).rules
    assert rule.allowed_headers == ("*-", "x-amz-*")


def test_gcs_header_refusals_name_response_header_and_gcs() -> None:
    rules = [{"origin": ["*"], "method": ["GET"], "responseHeader": ["x-*", "x-*-*", "ba d"]}]
    assert _errors(rules, "gcs") == [
        (
            "cors[0].responseHeader[0]",
            "'x-*'",
            "has a partial wildcard, which GCS does not support here",
            "list the header names, or write '*' alone",
        ),
        (
            "cors[0].responseHeader[1]",
            "'x-*-*'",
            "has a partial wildcard, which GCS does not support here",
            "list the header names, or write '*' alone",
        ),
        (
            "cors[0].responseHeader[2]",
            "'ba d'",
            "is not a valid header name",
            "write e.g. 'x-amz-meta-color'",
        ),
    ]


def _example(fix: str) -> str:
    found = re.search(r"e\.g\. '([^']*)'", fix)
    assert found, fix
    return found.group(1)


@pytest.mark.parametrize(
    ("provider", "rule", "key"),
    [
        ("s3", {"AllowedOrigins": ["*"], **GET}, "ExposeHeaders"),
        ("gcs", {"origin": ["*"], "method": ["GET"]}, "responseHeader"),
    ],
    ids=_plain,
)
def test_the_example_a_header_fix_gives_is_accepted_where_it_is_suggested(
    provider: str, rule: dict[str, Any], key: str
) -> None:
    [(_, _, _, fix)] = _errors([{**rule, key: ["ba d"]}], provider)
    assert _errors([{**rule, key: [_example(fix)]}], provider) == []


def test_a_gcs_origin_with_two_wildcards_is_told_gcs_has_no_patterns() -> None:
    [(_, _, problem, fix)] = _errors(
        [{"origin": ["https://*.*.example.com"], "method": ["GET"]}], "gcs"
    )
    assert "allows one" not in problem
    assert _errors([{"origin": [_example(fix)], "method": ["GET"]}], "gcs") == []


# ------------------------------------------------ every refusal and warning, exactly

CASES: list[tuple[Any, str, list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]] = [
    (
        {"AllowedOrigins": ["*"], **GET},
        "s3",
        [
            (
                "CORSRules",
                "",
                "is missing: the file holds one rule, not the list of rules",
                'write [{...}] or {"CORSRules": [{...}]}',
            ),
        ],
        [],
    ),
    (
        {"rules": []},
        "s3",
        [
            (
                "rules",
                "",
                "is Cloudflare's R2 API shape ({'rules': [{'allowed': {...}}]}), not S3's",
                "give the S3 shape that R2's dashboard and its S3 API also take: "
                "[{'AllowedOrigins': allowed.origins, 'AllowedMethods': allowed.methods, "
                "'AllowedHeaders': allowed.headers, 'ExposeHeaders': exposeHeaders, "
                "'MaxAgeSeconds': maxAgeSeconds}]",
            ),
        ],
        [],
    ),
    (
        {"CORSRule": []},
        "s3",
        [
            (
                "CORSRule",
                "",
                "is not a key of an S3 CORS configuration",
                "did you mean 'CORSRules'?",
            ),
        ],
        [],
    ),
    (
        {"CORSRules": [{"AllowedOrigins": ["*"], **GET}], "Foo": 1, 3: 4},
        "s3",
        [
            ("Foo", "", "is not a key of an S3 CORS configuration", "the only key is 'CORSRules'"),
            ("3", "", "is not a key of an S3 CORS configuration", "the only key is 'CORSRules'"),
        ],
        [],
    ),
    (
        {"CORSRules": {}},
        "s3",
        [
            ("CORSRules", "{}", "is not a list", "write CORSRules: [...]"),
        ],
        [],
    ),
    (
        {},
        "s3",
        [
            ("CORSRules", "", "is missing", 'write {"CORSRules": [...]}'),
        ],
        [],
    ),
    (
        42,
        "gcs",
        [
            ("cors", "42", "is not a list of rules", "write [...]"),
        ],
        [],
    ),
    (
        [],
        "s3",
        [
            (
                "CORSRules",
                "[]",
                "has no rules (S3 refuses an empty configuration)",
                "add a rule, or remove the configuration (aws s3api delete-bucket-cors)",
            ),
        ],
        [],
    ),
    (
        {"origin": ["*"], "method": ["GET"]},
        "gcs",
        [
            (
                "cors",
                "",
                "is missing: the file holds one entry, not the list of entries",
                "write [{...}]",
            ),
        ],
        [],
    ),
    (
        {"name": "b"},
        "gcs",
        [
            ("cors", "", "is missing", 'write [...] or {"cors": [...]}'),
        ],
        [],
    ),
    (
        {"cors": "x"},
        "gcs",
        [
            ("cors", "'x'", "is not a list", "write cors: [...]"),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET}] * 101,
        "s3",
        [
            (
                "CORSRules",
                "101 rules",
                "has more than 100 rules (S3's limit)",
                "merge rules (one rule may list several origins and methods); only the first "
                "100 were checked",
            ),
        ],
        [],
    ),
    (
        [{"origin": ["*"], "method": ["GET"]}] * 1001,
        "gcs",
        [
            (
                "cors",
                "1001 entries",
                "has more than 1000 entries, the most read from a GCS configuration",
                "merge entries (one entry may list several origins and methods); only the "
                "first 1000 were checked",
            ),
        ],
        [],
    ),
    (
        [
            {
                "AllowedOrigins": [
                    "",
                    " https://a.example",
                    "null",
                    "https://*.*.a.com",
                    "https://A.example.com",
                    "https://*.A.com",
                    "*.example.com/x",
                    "https://*.a.com/",
                    "https://*.a.com/x",
                    "https://*.a.com?q",
                    "https://*.a.com#f",
                    "https://u@*.a.com",
                    "https://*.a.com:443",
                    "https://*.a.com:99999",
                    "http://*.127.1",
                ],
                **GET,
            }
        ],
        "s3",
        [
            (
                "CORSRules[0].AllowedOrigins[0]",
                "''",
                "is empty, so it matches no origin",
                "remove it",
            ),
            (
                "CORSRules[0].AllowedOrigins[1]",
                "' https://a.example'",
                "holds whitespace, control or non-ASCII characters, which a browser's Origin "
                "never does",
                "write the origin as location.origin shows it",
            ),
            (
                "CORSRules[0].AllowedOrigins[2]",
                "'null'",
                "allows the opaque origin sent by sandboxed iframes, file:// pages and "
                "redirects: any site can produce it",
                "remove it",
            ),
            (
                "CORSRules[0].AllowedOrigins[3]",
                "'https://*.*.a.com'",
                "has 2 '*' wildcards (S3 allows one per origin)",
                "split it into entries with one '*' each, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[4]",
                "'https://A.example.com'",
                "is not the exact text a browser sends as Origin ('https://a.example.com'), "
                "and S3 compares the text, so it never matches",
                "write 'https://a.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[5]",
                "'https://*.A.com'",
                "has uppercase letters, which a browser's Origin never has, and S3 compares "
                "the text, so it never matches",
                "write 'https://*.a.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[6]",
                "'*.example.com/x'",
                "has a path",
                "remove everything after the host",
            ),
            (
                "CORSRules[0].AllowedOrigins[7]",
                "'https://*.a.com/'",
                "has a trailing slash",
                "remove the trailing '/'",
            ),
            (
                "CORSRules[0].AllowedOrigins[8]",
                "'https://*.a.com/x'",
                "has a path",
                "remove the path (browsers send origins without any)",
            ),
            (
                "CORSRules[0].AllowedOrigins[9]",
                "'https://*.a.com?q'",
                "has a query",
                "remove the query",
            ),
            (
                "CORSRules[0].AllowedOrigins[10]",
                "'https://*.a.com#f'",
                "has a fragment",
                "remove the fragment",
            ),
            (
                "CORSRules[0].AllowedOrigins[11]",
                "'https://u@*.a.com'",
                "has userinfo ('user@')",
                "remove everything before '@'",
            ),
            (
                "CORSRules[0].AllowedOrigins[12]",
                "'https://*.a.com:443'",
                "is not written as browsers send origins ('https://x.a.com:443' would be sent "
                "as 'https://x.a.com'), and S3 compares the text, so it never matches",
                "write it as browsers send it (no default port, lowercase, ASCII host)",
            ),
            (
                "CORSRules[0].AllowedOrigins[13]",
                "'https://*.a.com:99999'",
                "has an invalid port '99999'",
                "use 1-65535 or '*'",
            ),
            (
                "CORSRules[0].AllowedOrigins[14]",
                "'http://*.127.1'",
                "has an invalid host: its last label is a number, so browsers parse it as an "
                "IPv4 address, and it is not one (browsers refuse such a URL)",
                "write a dotted-decimal IPv4 address such as 'http://127.0.0.1', or the domain "
                "name",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": "https://a.example", **GET}],
        "s3",
        [
            (
                "CORSRules[0].AllowedOrigins",
                "'https://a.example'",
                "is a string where a list is expected",
                "write ['https://a.example']",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": "x" * 300, **GET}],
        "s3",
        [
            (
                "CORSRules[0].AllowedOrigins",
                f"'{'x' * 200}'... (300 chars)",
                "is a string where a list is expected",
                "write a list of strings",
            ),
        ],
        [],
    ),
    (
        [{"origin": ["https://*.a.com"], "method": ["GET"]}],
        "gcs",
        [
            (
                "cors[0].origin[0]",
                "'https://*.a.com'",
                "has a partial wildcard: GCS matches origins exactly, and only '*' alone means "
                "any origin",
                "list each origin, e.g. 'https://app.example.com' (GCS has no pattern like "
                "'https://*.example.com')",
            ),
        ],
        [],
    ),
    (
        [
            {
                "AllowedOrigins": [
                    "http://a.example",
                    "myapp://a.example",
                    "https://*.github.io",
                    "https://*",
                    "https://*example.com",
                    "*.example.com",
                    "https://example.*",
                    "http://*.example.com",
                    "http*",
                    "*://a.example.com",
                    "http://localhost:*",
                    "https://a.example:*",
                ],
                **GET,
            }
        ],
        "s3",
        [],
        [
            (
                "CORSRules[0].AllowedOrigins[0]",
                "'http://a.example'",
                "is plain http, and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true': a network attacker can impersonate it",
                "use https",
            ),
            (
                "CORSRules[0].AllowedOrigins[1]",
                "'myapp://a.example'",
                "uses the 'myapp' scheme, and S3 answers it with "
                "'Access-Control-Allow-Credentials: true': nothing authenticates a page with "
                "that origin",
                "use https",
            ),
            (
                "CORSRules[0].AllowedOrigins[2]",
                "'https://*.github.io'",
                "matches every site registered under the public suffix 'github.io', and S3 "
                "answers it with 'Access-Control-Allow-Credentials: true'",
                "list your own subdomains",
            ),
            (
                "CORSRules[0].AllowedOrigins[3]",
                "'https://*'",
                "lets the '*' stand for hosts outside your domain (S3's '*' matches any text, "
                "dots included), and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true'",
                "put the '*' in the leftmost label, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[4]",
                "'https://*example.com'",
                "lets the '*' stand for hosts outside your domain (S3's '*' matches any text, "
                "dots included), and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true'",
                "put the '*' in the leftmost label, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[5]",
                "'*.example.com'",
                "matches any scheme, plain http included, and S3 answers it with "
                "'Access-Control-Allow-Credentials: true': a network attacker can produce an "
                "http page with such an origin",
                "write the scheme, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[6]",
                "'https://example.*'",
                "lets the '*' stand for hosts outside your domain (S3's '*' matches any text, "
                "dots included), and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true'",
                "put the '*' in the leftmost label, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[7]",
                "'http://*.example.com'",
                "is plain http, and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true': a network attacker can impersonate it",
                "use https",
            ),
            (
                "CORSRules[0].AllowedOrigins[8]",
                "'http*'",
                "lets the '*' stand for hosts outside your domain (S3's '*' matches any text, "
                "dots included), and S3 answers it with 'Access-Control-Allow-Credentials: "
                "true'",
                "put the '*' in the leftmost label, e.g. 'https://*.example.com'",
            ),
            (
                "CORSRules[0].AllowedOrigins[9]",
                "'*://a.example.com'",
                "matches any scheme, plain http included, and S3 answers it with "
                "'Access-Control-Allow-Credentials: true': a network attacker can produce an "
                "http page with such an origin",
                "write the scheme, e.g. 'https://*.example.com'",
            ),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT", "DELETE"]}],
        "s3",
        [],
        [
            (
                "CORSRules[0].AllowedMethods",
                "'DELETE', 'PUT'",
                "are allowed to every origin ('*'): any website can send them to this bucket "
                "from its visitors' browsers and read the answer; safe only if every write "
                "needs a signed URL or credentials those pages cannot get",
                "list your front end's origins in AllowedOrigins",
            ),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"]}],
        "s3",
        [],
        [
            (
                "CORSRules[0].AllowedMethods",
                "'PUT'",
                "is allowed to every origin ('*'): any website can send it to this bucket from "
                "its visitors' browsers and read the answer; safe only if every write needs a "
                "signed URL or credentials those pages cannot get",
                "list your front end's origins in AllowedOrigins",
            ),
        ],
    ),
    (
        [{"origin": ["*"], "method": ["*"]}],
        "gcs",
        [],
        [
            (
                "cors[0].method",
                "'*'",
                "is allowed to every origin ('*'): any website can send it to this bucket from "
                "its visitors' browsers and read the answer; safe only if every write needs a "
                "signed URL or credentials those pages cannot get",
                "list your front end's origins in origin",
            ),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": 86401, "ID": "i" * 256}],
        "s3",
        [
            (
                "CORSRules[0].MaxAgeSeconds",
                "86401",
                "is absurd: browsers cap it (Chromium at 7200 s, Firefox at 86400 s)",
                "use at most 7200",
            ),
            (
                "CORSRules[0].ID",
                f"'{'i' * 200}'... (256 chars)",
                "is longer than 255 characters",
                "use a shorter ID",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": 7200, "ID": "i" * 255}],
        "s3",
        [],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], "AllowedMethods": []}],
        "s3",
        [
            (
                "CORSRules[0].AllowedMethods",
                "[]",
                "is empty, so the rule matches no request",
                "list the values",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], "AllowedMethods": "GET"}],
        "s3",
        [
            (
                "CORSRules[0].AllowedMethods",
                "'GET'",
                "is a string where a list is expected",
                "write ['GET']",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "AllowedHeaders": "x"}],
        "s3",
        [
            (
                "CORSRules[0].AllowedHeaders",
                "'x'",
                "is a string where a list is expected",
                "write ['x']",
            ),
        ],
        [],
    ),
    (
        [3],
        "s3",
        [
            ("CORSRules[0]", "3", "is not an object (one rule)", "write {...}"),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": ["*"], "Allowedmethods": ["GET"], 5: 1}],
        "s3",
        [
            (
                "CORSRules[0].Allowedmethods",
                "",
                "is not a key of an S3 rule",
                "did you mean 'AllowedMethods'?",
            ),
            (
                "CORSRules[0].5",
                "",
                "is not a key of an S3 rule",
                "valid keys: AllowedOrigins, AllowedMethods, AllowedHeaders, ExposeHeaders, "
                "MaxAgeSeconds, ID",
            ),
            (
                "CORSRules[0].AllowedMethods",
                "",
                "is missing, so the rule matches no request",
                "add AllowedMethods: [...]",
            ),
        ],
        [],
    ),
    (
        [{"origin": ["*"], "methods": ["GET"]}],
        "gcs",
        [
            ("cors[0].methods", "", "is not a key of a GCS entry", "did you mean 'method'?"),
            (
                "cors[0].method",
                "",
                "is missing, so the rule matches no request",
                "add method: [...]",
            ),
        ],
        [],
    ),
]


@pytest.mark.parametrize(("data", "provider", "errors", "warnings"), CASES, ids=_plain)
def test_each_problem_names_its_place_entry_reason_and_fix(
    data: Any,
    provider: str,
    errors: list[tuple[str, str, str, str]],
    warnings: list[tuple[str, str, str, str]],
) -> None:
    found, doubts = bucket_problems(data, provider)  # type: ignore[arg-type]
    assert _all(found) == errors
    assert _all(doubts) == warnings


# ------------------------------------------------------------------ reading the file

STR_HINT = "fix the JSON syntax (a str is JSON text: pass pathlib.Path(...) to read a file)"


def test_text_that_cannot_be_read_is_one_problem_with_its_reason(tmp_path: Path) -> None:
    from cors_core.buckets._parse import MAX_FILE_BYTES, load_data

    assert load_data("[{", "s3") == (
        None,
        [
            Problem(
                "CORSRules",
                "",
                "is not valid JSON (Expecting property name enclosed in double quotes, "
                "line 1 column 3)",
                STR_HINT,
            )
        ],
    )
    bad = tmp_path / "cors.json"
    bad.write_text('{"cors": [}')
    assert load_data(bad, "gcs") == (
        None,
        [
            Problem(
                "cors",
                "",
                "is not valid JSON (Expecting value, line 1 column 11)",
                "fix the file's JSON syntax",
            )
        ],
    )
    assert load_data(tmp_path / "missing.json", "gcs") == (
        None,
        [
            Problem(
                "cors",
                repr(str(tmp_path / "missing.json")),
                "cannot be read (No such file or directory)",
                "",
            )
        ],
    )
    too_big = (
        "is larger than 1 MiB (1048576 bytes), the most read as a bucket's CORS rules (a "
        "real configuration is a few kilobytes)",
        "give the bucket's CORS configuration alone (what get-bucket-cors prints)",
    )
    assert load_data(" " * (MAX_FILE_BYTES + 1), "s3") == (
        None,
        [Problem("CORSRules", "", *too_big)],
    )
    assert load_data(" " * MAX_FILE_BYTES + "[]", "s3")[1][0].problem == too_big[0]
    big = tmp_path / "big.json"
    big.write_text("[" + " " * MAX_FILE_BYTES + "]")
    assert load_data(big, "s3") == (None, [Problem("CORSRules", repr(str(big)), *too_big)])
    at_bound = tmp_path / "at-bound.json"
    at_bound.write_text("[" + " " * (MAX_FILE_BYTES - 2) + "]")
    assert load_data(at_bound, "s3") == ([], [])
    [problem] = load_data(b"\xff", "gcs")[1]
    assert (problem.option, problem.fix) == ("cors", STR_HINT)
    assert problem.problem.startswith("is not valid JSON ('utf-8' codec can't decode byte 0xff")


@pytest.mark.parametrize(
    ("origin", "problem", "fix"),
    [
        # the '*' is in the host: the first '://' ends the scheme
        (
            "https://*.a.com/x://y",
            "has a path",
            "remove the path (browsers send origins without any)",
        ),
        ("*://a.com://b", "has a path", "remove everything after the host"),
        ("://*.a.com", "is not an origin", "write scheme://host[:port]"),
        ("https://@*.a.com", "has userinfo ('user@')", "remove everything before '@'"),
        ("https:///*.a.com", "has a path", "remove the path (browsers send origins without any)"),
        (
            "https://\u00e9.example",
            "holds whitespace, control or non-ASCII characters, which a browser's Origin "
            "never does",
            "write the origin as location.origin shows it",
        ),
    ],
    ids=_plain,
)
def test_a_one_star_origin_with_odd_separators_is_refused_exactly(
    origin: str, problem: str, fix: str
) -> None:
    assert _errors([{"AllowedOrigins": [origin], **GET}], "s3") == [
        ("CORSRules[0].AllowedOrigins[0]", ascii(origin), problem, fix)
    ]


def test_a_max_age_is_shown_whole_up_to_200_characters() -> None:
    def max_age_problem(value: object) -> tuple[str, str, str, str]:
        [problem] = _errors([{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": value}], "s3")
        return problem

    absurd = "is absurd: browsers cap it (Chromium at 7200 s, Firefox at 86400 s)"
    assert max_age_problem(10**199) == (
        "CORSRules[0].MaxAgeSeconds",
        "1" + "0" * 199,
        absurd,
        "use at most 7200",
    )
    assert max_age_problem(10**200) == (
        "CORSRules[0].MaxAgeSeconds",
        "1" + "0" * 199 + "...",
        absurd,
        "use at most 7200",
    )
    assert max_age_problem("x") == (
        "CORSRules[0].MaxAgeSeconds",
        "'x'",
        "is not an integer number of seconds",
        "write e.g. 3000",
    )


def test_every_origin_of_a_rule_is_checked_after_a_file_origin() -> None:
    assert _errors([{"AllowedOrigins": ["file:///x", "null"], **GET}], "s3") == [
        ("CORSRules[0].AllowedOrigins[0]", "'file:///x'", FILE_PROBLEM, FILE_FIX),
        (
            "CORSRules[0].AllowedOrigins[1]",
            "'null'",
            "allows the opaque origin sent by sandboxed iframes, file:// pages and "
            "redirects: any site can produce it",
            "remove it",
        ),
    ]


MORE_CASES: list[
    tuple[Any, str, list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]
] = [
    (
        [{"AllowedOrigins": 3, **GET}],
        "s3",
        [
            ("CORSRules[0].AllowedOrigins", "3", "is not a list", "write a list of strings"),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": "x" * 199, **GET}],
        "s3",
        [
            (
                "CORSRules[0].AllowedOrigins",
                "'" + "x" * 199 + "'",
                "is a string where a list is expected",
                f"write [{'x' * 199!r}]",
            ),
        ],
        [],
    ),
    (
        [{"AllowedOrigins": "x" * 200, **GET}],
        "s3",
        [
            (
                "CORSRules[0].AllowedOrigins",
                "'" + "x" * 200 + "'",
                "is a string where a list is expected",
                "write a list of strings",
            ),
        ],
        [],
    ),
    (
        [{"origin": ["*"], "method": ["x y", "TRACE", "get", "*", "PATCH", "track"]}],
        "gcs",
        [
            ("cors[0].method[0]", "'x y'", "is not a valid method name", "write e.g. 'PUT'"),
            (
                "cors[0].method[1]",
                "'TRACE'",
                "is a forbidden method browsers never send",
                "remove it",
            ),
            (
                "cors[0].method[2]",
                "'get'",
                "is not uppercase: methods are case-sensitive and browsers send standard ones "
                "uppercase",
                "write 'GET'",
            ),
            (
                "cors[0].method[5]",
                "'track'",
                "is a forbidden method browsers never send",
                "remove it",
            ),
        ],
        [],
    ),
    (
        [{"origin": ["*"], "method": "GET", "responseHeader": 5}],
        "gcs",
        [
            ("cors[0].method", "'GET'", "is a string where a list is expected", "write ['GET']"),
            ("cors[0].responseHeader", "5", "is not a list", "write a list of strings"),
        ],
        [],
    ),
]


@pytest.mark.parametrize(("data", "provider", "errors", "warnings"), MORE_CASES, ids=_plain)
def test_list_shapes_and_gcs_methods_are_refused_exactly(
    data: Any,
    provider: str,
    errors: list[tuple[str, str, str, str]],
    warnings: list[tuple[str, str, str, str]],
) -> None:
    found, doubts = bucket_problems(data, provider)  # type: ignore[arg-type]
    assert _all(found) == errors
    assert _all(doubts) == warnings


REPEATED = "JSON keeps only the last one, so the values of the others are silently dropped"


def test_keys_written_twice_are_each_warned_about_with_their_fix() -> None:
    from cors_core.buckets._parse import decode_json

    rule = '{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "Foo": 1, "Foo": 2, '
    rule += '"ID": "a", "ID": "b", "AllowedOrigins": ["*"]}'
    s3 = decode_json('{"CORSRules": [], "CORSRules": [' + rule + "]}")
    assert _errors(s3, "s3") == [
        (
            "CORSRules[0].Foo",
            "",
            "is not a key of an S3 rule",
            "valid keys: AllowedOrigins, AllowedMethods, AllowedHeaders, ExposeHeaders, "
            "MaxAgeSeconds, ID",
        )
    ]
    assert _all(bucket_problems(s3, "s3")[1]) == [
        (
            "CORSRules",
            "",
            f"is written 2 times in the file: {REPEATED}",
            "merge the values into one CORSRules list",
        ),
        (
            "CORSRules[0].AllowedOrigins",
            "",
            f"is written 2 times in CORSRules[0]: {REPEATED}",
            "merge the values into one AllowedOrigins list",
        ),
        ("CORSRules[0].ID", "", f"is written 2 times in CORSRules[0]: {REPEATED}", "keep one ID"),
    ]
    gcs = decode_json('{"cors": [], "cors": [{"origin": ["*"], "method": [], "method": ["GET"]}]}')
    assert bucket_problems(gcs, "gcs")[0] == []
    assert _all(bucket_problems(gcs, "gcs")[1]) == [
        (
            "cors",
            "",
            f"is written 2 times in the file: {REPEATED}",
            "merge the values into one cors list",
        ),
        (
            "cors[0].method",
            "",
            f"is written 2 times in cors[0]: {REPEATED}",
            "merge the values into one method list",
        ),
    ]


@pytest.mark.parametrize(
    ("data", "provider", "expected"),
    [
        (
            [{"AllowedOrigins": ["*", 3], **GET, "ID": 5}],
            "s3",
            [
                ("CORSRules[0].AllowedOrigins[1]", "3", "is not a string", "write it as a string"),
                ("CORSRules[0].ID", "5", "is not a string", "write it as a string"),
            ],
        ),
        (
            42,
            "s3",
            [("CORSRules", "42", "is not a list of rules", "write {'CORSRules': [...]}")],
        ),
        ([], "azure", [("provider", "'azure'", "is not a bucket provider", "use 's3' or 'gcs'")]),
        ([], ["s3"], [("provider", "['s3']", "is not a bucket provider", "use 's3' or 'gcs'")]),
    ],
    ids=_plain,
)
def test_values_of_the_wrong_type_are_refused_with_their_fix(
    data: Any, provider: Any, expected: list[tuple[str, str, str, str]]
) -> None:
    assert _errors(data, provider) == expected


# ------------------------------------------------- reading a file, and never raising


def test_a_file_that_is_not_utf8_is_refused_as_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "cors.json"
    bad.write_bytes(b'[{"origin": ["\xff"]}]')
    expected = Problem(
        "cors",
        "",
        "is not valid JSON ('utf-8' codec can't decode byte 0xff in position 14: invalid "
        "start byte)",
        "fix the file's JSON syntax",
    )
    assert load_data(bad, "gcs") == (None, [expected])
    with pytest.raises(ConfigError) as info:
        from_gcs(bad)
    assert list(info.value.problems) == [expected]


def test_a_file_is_read_no_further_than_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 10))
    sizes: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, handle: BinaryIO) -> None:
            self.handle = handle

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int = -1) -> bytes:
            sizes.append(size)
            return self.handle.read(size)

    def spy_open(file: Path, mode: str) -> Spy:
        assert mode == "rb"
        return Spy(real_open(file, mode))

    monkeypatch.setattr(_parse, "open", spy_open, raising=False)
    assert load_data(big, "s3") == (
        None,
        [
            Problem(
                "CORSRules",
                repr(str(big)),
                "is larger than 1 MiB (1048576 bytes), the most read as a bucket's CORS "
                "rules (a real configuration is a few kilobytes)",
                "give the bucket's CORS configuration alone (what get-bucket-cors prints)",
            )
        ],
    )
    assert sizes == [MAX_FILE_BYTES + 1]


class _Unreadable(Mapping[str, Any]):
    """A rule whose keys cannot be listed."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise ZeroDivisionError

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize(("provider", "key"), [("s3", "CORSRules"), ("gcs", "cors")])
def test_a_rule_that_cannot_be_read_is_reported_with_its_exception_type(
    provider: str, key: str
) -> None:
    assert bucket_problems([_Unreadable()], provider) == (  # type: ignore[arg-type]
        [Problem(key, "", "cannot be read (ZeroDivisionError)", "write plain JSON data")],
        [],
    )
