"""Reading and validating bucket CORS files: every problem at its exact place, all at once,
warnings for the insecure-but-accepted classes, and no exception on any shape."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from cors_core import ConfigError, CORSConfigWarning, Problem
from cors_core.buckets import (
    BucketPolicy,
    BucketRule,
    bucket_problems,
    detect_provider,
    from_gcs,
    from_s3,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "buckets" / "s3-cors.json"
GET = {"AllowedMethods": ["GET"]}


def where(problems: list[Problem]) -> list[tuple[str, str, str]]:
    return [(p.option, p.entry, p.problem) for p in problems]


# ------------------------------------------------------------------------ reading


def test_the_example_file_reads_as_one_rule_and_warns_about_public_writes() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        policy = from_s3(EXAMPLE)
    assert isinstance(policy, BucketPolicy) and policy.provider == "s3"
    assert policy.rules == (
        BucketRule(
            origins=("*",),
            methods=("HEAD", "PUT", "GET", "POST", "DELETE"),
            allowed_headers=("*",),
            expose_headers=(
                "x-amz-request-id",
                "x-amz-server-side-encryption",
                "x-amz-version-id",
                "Content-Length",
                "Content-Type",
                "Connection",
                "Date",
                "ETag",
                "x-amz-delete-marker",
            ),
            max_age=None,
            id=None,
            index=0,
        ),
    )
    [warning] = [w.message for w in caught]
    assert isinstance(warning, CORSConfigWarning) and warning.problem is not None
    assert warning.problem.option == "CORSRules[0].AllowedMethods"
    assert warning.problem.entry == "'DELETE', 'PUT'"
    assert warning.problem.problem.startswith("are allowed to every origin ('*')")
    assert caught[0].filename == __file__  # the warning points at the caller's line


def test_strict_turns_the_warning_into_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        from_s3(EXAMPLE, strict=True)
    assert where(list(info.value.problems)) == [
        (
            "CORSRules[0].AllowedMethods",
            "'DELETE', 'PUT'",
            info.value.problems[0].problem,
        )
    ]


def test_every_input_form_gives_the_same_rules() -> None:
    rules = [{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"], "ID": "r"}]
    text = json.dumps({"CORSRules": rules})
    forms: list[Any] = [rules, {"CORSRules": rules}, text, text.encode(), json.dumps(rules)]
    expected = (BucketRule(("https://a.example",), ("GET",), (), (), None, "r", 0),)
    for form in forms:
        assert from_s3(form).rules == expected


def test_a_path_is_read(tmp_path: Path) -> None:
    file = tmp_path / "cors.json"
    file.write_text('[{"origin": ["https://a.example"], "method": ["GET"]}]')
    assert from_gcs(file).rules[0].origins == ("https://a.example",)
    with pytest.raises(ConfigError) as info:
        from_gcs(tmp_path / "missing.json")
    [problem] = info.value.problems
    assert problem.option == "cors" and problem.problem.startswith("cannot be read (")


def test_json_syntax_errors_name_the_line_and_a_str_is_never_a_path() -> None:
    with pytest.raises(ConfigError) as info:
        from_s3('[{"AllowedOrigins": ["*"],\n "AllowedMethods": [GET]}]')
    [problem] = info.value.problems
    assert problem.option == "CORSRules"
    assert problem.problem == "is not valid JSON (Expecting value, line 2 column 21)"
    with pytest.raises(ConfigError) as info:
        from_s3("cors.json")
    assert "pass pathlib.Path(...) to read a file" in info.value.problems[0].fix
    with pytest.raises(ConfigError):
        from_gcs(b"\xff\xfe[")


def test_a_gcs_bucket_resource_and_an_empty_gcs_list() -> None:
    described = {
        "name": "my-bucket",
        "location": "EU",
        "cors": [{"origin": ["*"], "method": ["GET"], "maxAgeSeconds": 60}],
    }
    policy = from_gcs(described)
    assert policy.rules == (BucketRule(("*",), ("GET",), (), (), 60, None, 0),)
    assert from_gcs({"cors_config": []}).rules == ()
    assert from_gcs([]).rules == ()  # '[]' removes a GCS configuration: nothing allowed


def test_gcs_response_header_is_both_lists() -> None:
    rule = from_gcs([{"origin": ["*"], "method": ["GET"], "responseHeader": ["ETag"]}]).rules[0]
    assert rule.allowed_headers == rule.expose_headers == ("ETag",)


# ------------------------------------------------------------------- invalid files


S3_CASES: list[tuple[Any, list[tuple[str, str, str]]]] = [
    (42, [("CORSRules", "42", "is not a list of rules")]),
    ({"CORSRule": []}, [("CORSRule", "", "is not a key of an S3 CORS configuration")]),
    ({"CORSRules": {}}, [("CORSRules", "{}", "is not a list")]),
    ([], [("CORSRules", "[]", "has no rules (S3 refuses an empty configuration)")]),
    (["x"], [("CORSRules[0]", "'x'", "is not an object (one rule)")]),
    (
        {"AllowedOrigins": ["*"], **GET},
        [("CORSRules", "", "is missing: the file holds one rule, not the list of rules")],
    ),
    (
        [{"AllowedOrigin": ["*"], **GET, "MaxAge": 3}],
        [
            ("CORSRules[0].AllowedOrigin", "", "is not a key of an S3 rule"),
            ("CORSRules[0].MaxAge", "", "is not a key of an S3 rule"),
            ("CORSRules[0].AllowedOrigins", "", "is missing, so the rule matches no request"),
        ],
    ),
    (
        [{"AllowedOrigins": "https://a.example", **GET}],
        [
            (
                "CORSRules[0].AllowedOrigins",
                "'https://a.example'",
                "is a string where a list is expected",
            )
        ],
    ),
    (
        [{"AllowedOrigins": [], "AllowedMethods": []}],
        [
            ("CORSRules[0].AllowedOrigins", "[]", "is empty, so the rule matches no request"),
            ("CORSRules[0].AllowedMethods", "[]", "is empty, so the rule matches no request"),
        ],
    ),
    (
        [{"AllowedOrigins": ["https://*.*.example.com", "https://*"], **GET}],
        [
            (
                "CORSRules[0].AllowedOrigins[0]",
                "'https://*.*.example.com'",
                "has 2 '*' wildcards (S3 allows one per origin)",
            )
        ],
    ),
    (
        [
            {
                "AllowedOrigins": [
                    "https://a.example.com/",
                    "https://a.example.com/x",
                    "https://*.example.com/",
                    "https://*.example.com/x",
                    "https://user@*.example.com",
                    "null",
                    "",
                    3,
                    " https://a.example",
                    "file:///x",
                ],
                **GET,
            }
        ],
        [
            ("CORSRules[0].AllowedOrigins[0]", "'https://a.example.com/'", "has a trailing slash"),
            ("CORSRules[0].AllowedOrigins[1]", "'https://a.example.com/x'", "has a path"),
            ("CORSRules[0].AllowedOrigins[2]", "'https://*.example.com/'", "has a trailing slash"),
            ("CORSRules[0].AllowedOrigins[3]", "'https://*.example.com/x'", "has a path"),
            (
                "CORSRules[0].AllowedOrigins[4]",
                "'https://user@*.example.com'",
                "has userinfo ('user@')",
            ),
            (
                "CORSRules[0].AllowedOrigins[5]",
                "'null'",
                "allows the opaque origin sent by sandboxed iframes, file:// pages and "
                "redirects: any site can produce it",
            ),
            ("CORSRules[0].AllowedOrigins[6]", "''", "is empty, so it matches no origin"),
            ("CORSRules[0].AllowedOrigins[7]", "3", "is not a string"),
            (
                "CORSRules[0].AllowedOrigins[8]",
                "' https://a.example'",
                "holds whitespace, control or non-ASCII characters, which a browser's "
                "Origin never does",
            ),
            (
                "CORSRules[0].AllowedOrigins[9]",
                "'file:///x'",
                "is a file:// origin, but pages opened from files send 'Origin: null'",
            ),
        ],
    ),
    (
        [
            {
                "AllowedOrigins": [
                    "https://App.example.com",
                    "https://a.example.com:443",
                    "https://*.Example.com",
                    "https://*.example.com:443",
                    "http://127.1",
                ],
                **GET,
            }
        ],
        [
            (
                "CORSRules[0].AllowedOrigins[0]",
                "'https://App.example.com'",
                "is not the exact text a browser sends as Origin ('https://app.example.com'), "
                "and S3 compares the text, so it never matches",
            ),
            (
                "CORSRules[0].AllowedOrigins[1]",
                "'https://a.example.com:443'",
                "is not the exact text a browser sends as Origin ('https://a.example.com'), "
                "and S3 compares the text, so it never matches",
            ),
            (
                "CORSRules[0].AllowedOrigins[2]",
                "'https://*.Example.com'",
                "has uppercase letters, which a browser's Origin never has, and S3 compares "
                "the text, so it never matches",
            ),
            (
                "CORSRules[0].AllowedOrigins[3]",
                "'https://*.example.com:443'",
                "is not written as browsers send origins ('https://x.example.com:443' would "
                "be sent as 'https://x.example.com'), and S3 compares the text, so it never "
                "matches",
            ),
            (
                "CORSRules[0].AllowedOrigins[4]",
                "'http://127.1'",
                "is an IPv4 address in a form browsers never send (they serialize it as "
                "'127.0.0.1')",
            ),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH", "get", 5, "OPTIONS", "GET"]}],
        [
            ("CORSRules[0].AllowedMethods[0]", "'PATCH'", "is not a method S3 allows"),
            (
                "CORSRules[0].AllowedMethods[1]",
                "'get'",
                "is not uppercase: S3 accepts only the uppercase method names",
            ),
            ("CORSRules[0].AllowedMethods[2]", "5", "is not a string"),
            ("CORSRules[0].AllowedMethods[3]", "'OPTIONS'", "is not a method S3 allows"),
        ],
    ),
    (
        [
            {
                "AllowedOrigins": ["*"],
                **GET,
                "AllowedHeaders": ["x amz", "x-*-*", "", "*", "x-amz-*", "Content-Type"],
                "ExposeHeaders": ["x-*", "*", "ETag", "ba d"],
            }
        ],
        [
            ("CORSRules[0].AllowedHeaders[0]", "'x amz'", "is not a valid header name"),
            (
                "CORSRules[0].AllowedHeaders[1]",
                "'x-*-*'",
                "has 2 '*' wildcards (S3 allows one per header name)",
            ),
            ("CORSRules[0].AllowedHeaders[2]", "''", "is not a valid header name"),
            (
                "CORSRules[0].ExposeHeaders[0]",
                "'x-*'",
                "has a partial wildcard, which S3 does not support here",
            ),
            ("CORSRules[0].ExposeHeaders[3]", "'ba d'", "is not a valid header name"),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": "3000", "ID": 3}],
        [
            ("CORSRules[0].MaxAgeSeconds", "'3000'", "is not an integer number of seconds"),
            ("CORSRules[0].ID", "3", "is not a string"),
        ],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": -1}],
        [("CORSRules[0].MaxAgeSeconds", "-1", "is negative")],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": 1.5}],
        [("CORSRules[0].MaxAgeSeconds", "1.5", "is not an integer number of seconds")],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "MaxAgeSeconds": True}],
        [("CORSRules[0].MaxAgeSeconds", "True", "is not an integer number of seconds")],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET, "ID": "i" * 256}],
        [("CORSRules[0].ID", f"'{'i' * 200}'... (256 chars)", "is longer than 255 characters")],
    ),
    (
        [{"AllowedOrigins": ["*"], **GET}] * 101,
        [("CORSRules", "101 rules", "has more than 100 rules (S3's limit)")],
    ),
]

GCS_CASES: list[tuple[Any, list[tuple[str, str, str]]]] = [
    ({"cors": {}}, [("cors", "{}", "is not a list")]),
    ({"name": "b"}, [("cors", "", "is missing")]),
    (
        {"origin": ["*"], "method": ["GET"]},
        [("cors", "", "is missing: the file holds one entry, not the list of entries")],
    ),
    ([{"origin": ["*"]}], [("cors[0].method", "", "is missing, so the rule matches no request")]),
    (
        [
            {
                "origin": ["https://*.example.com", "*", "https://a.example.com/"],
                "method": ["get", "TRACE", "*", "PATCH", "x y", "OPTIONS"],
                "responseHeader": ["x-goog-*", "*", "Content-Type"],
                "maxAgeSeconds": -5,
                "responseHeaders": [],
            }
        ],
        [
            ("cors[0].responseHeaders", "", "is not a key of a GCS entry"),
            (
                "cors[0].origin[0]",
                "'https://*.example.com'",
                "has a partial wildcard: GCS matches origins exactly, and only '*' alone "
                "means any origin",
            ),
            ("cors[0].origin[2]", "'https://a.example.com/'", "has a trailing slash"),
            (
                "cors[0].method[0]",
                "'get'",
                "is not uppercase: methods are case-sensitive and browsers send standard "
                "ones uppercase",
            ),
            ("cors[0].method[1]", "'TRACE'", "is a forbidden method browsers never send"),
            ("cors[0].method[4]", "'x y'", "is not a valid method name"),
            (
                "cors[0].responseHeader[0]",
                "'x-goog-*'",
                "has a partial wildcard, which GCS does not support here",
            ),
            ("cors[0].maxAgeSeconds", "-5", "is negative"),
        ],
    ),
]


@pytest.mark.parametrize(("data", "expected"), S3_CASES)
def test_s3_invalid_files(data: Any, expected: list[tuple[str, str, str]]) -> None:
    errors, _ = bucket_problems(data, "s3")
    assert where(errors) == expected
    with pytest.raises(ConfigError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        from_s3(data)
    assert where(list(info.value.problems)) == expected


@pytest.mark.parametrize(("data", "expected"), GCS_CASES)
def test_gcs_invalid_files(data: Any, expected: list[tuple[str, str, str]]) -> None:
    errors, _ = bucket_problems(data, "gcs")
    assert where(errors) == expected
    with pytest.raises(ConfigError) as info:
        from_gcs(data)
    assert where(list(info.value.problems)) == expected


def test_fixes_name_the_right_value() -> None:
    errors, _ = bucket_problems(
        [
            {"AllowedOrigin": ["*"], "AllowedMethods": ["get", "PATCH"]},
            {"AllowedOrigins": ["https://a.example.com/"], **GET, "maxAgeSeconds": 3},
        ],
        "s3",
    )
    assert [(p.option, p.fix) for p in errors] == [
        ("CORSRules[0].AllowedOrigin", "did you mean 'AllowedOrigins'?"),
        ("CORSRules[0].AllowedOrigins", "add AllowedOrigins: [...]"),
        ("CORSRules[0].AllowedMethods[0]", "write 'GET'"),
        (
            "CORSRules[0].AllowedMethods[1]",
            "use one of GET, PUT, HEAD, POST, DELETE (S3 answers no other method's preflight)",
        ),
        ("CORSRules[1].maxAgeSeconds", "did you mean 'MaxAgeSeconds'?"),
        (
            "CORSRules[1].AllowedOrigins[0]",
            "write 'https://a.example.com' (browsers send origins without any path)",
        ),
    ]


def test_all_problems_of_all_rules_are_raised_at_once() -> None:
    data = {
        "CORSRules": [
            {"AllowedOrigins": ["https://a.example/"], "AllowedMethods": ["PATCH"]},
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
            {"AllowedOrigins": ["**"], "AllowedMethods": ["get"], "MaxAgeSeconds": -3},
        ]
    }
    with pytest.raises(ConfigError) as info:
        from_s3(data)
    assert [p.option for p in info.value.problems] == [
        "CORSRules[0].AllowedOrigins[0]",
        "CORSRules[0].AllowedMethods[0]",
        "CORSRules[2].AllowedOrigins[0]",
        "CORSRules[2].AllowedMethods[0]",
        "CORSRules[2].MaxAgeSeconds",
    ]
    assert str(info.value).startswith("invalid CORS configuration (5 problems):")


# --------------------------------------------------------------------------- warnings


def test_insecure_classes_are_warnings_only_where_s3_sends_credentials() -> None:
    origins = [
        "http://a.example",  # plain http, with credentials
        "https://*.github.io",  # a public suffix
        "https://*",  # every https site
        "https://*example.com",  # evilexample.com
        "*.example.com",  # any scheme
        "https://example.*",  # example.evil.net
        "http://localhost:*",  # loopback: fine
        "https://*.example.com",  # fine
        "http://*.localhost:3000",  # loopback: fine
        "http://*.example.com",  # plain http again
        "http://127.0.0.1:8080",  # loopback: fine
    ]
    errors, doubts = bucket_problems([{"AllowedOrigins": origins, **GET}], "s3")
    assert errors == []
    assert [(p.option, p.entry) for p in doubts] == [
        ("CORSRules[0].AllowedOrigins[0]", "'http://a.example'"),
        ("CORSRules[0].AllowedOrigins[1]", "'https://*.github.io'"),
        ("CORSRules[0].AllowedOrigins[2]", "'https://*'"),
        ("CORSRules[0].AllowedOrigins[3]", "'https://*example.com'"),
        ("CORSRules[0].AllowedOrigins[4]", "'*.example.com'"),
        ("CORSRules[0].AllowedOrigins[5]", "'https://example.*'"),
        ("CORSRules[0].AllowedOrigins[9]", "'http://*.example.com'"),
    ]
    assert doubts[1].problem == (
        "matches every site registered under the public suffix 'github.io', and S3 answers "
        "it with 'Access-Control-Allow-Credentials: true'"
    )
    assert doubts[0].problem == (
        "is plain http, and S3 answers it with 'Access-Control-Allow-Credentials: true': "
        "a network attacker can impersonate it"
    )
    # With '*' in the rule, S3 sends '*' and no credentials: no credential warning.
    errors, doubts = bucket_problems([{"AllowedOrigins": [*origins, "*"], **GET}], "s3")
    assert (errors, doubts) == ([], [])
    # GCS never sends credentials.
    assert bucket_problems([{"origin": ["http://a.example"], "method": ["GET"]}], "gcs") == (
        [],
        [],
    )


@pytest.mark.parametrize(
    ("origin", "problem"),
    [
        ("http*", "lets the '*' stand for hosts outside your domain"),
        ("*", None),  # '*' alone: no credentials
        ("*.github.io", "matches every site registered under the public suffix 'github.io'"),
        ("*://app.example.com", "matches any scheme"),
        ("http*://app.example.com", "matches any scheme"),
        ("myapp://app.example.com", "uses the 'myapp' scheme"),
        ("chrome-extension://abcdef", None),
        ("https://app-*.example.com", None),
        ("https://*.example.com:8443", None),
        ("http://[::1]:*", None),
    ],
)
def test_each_credentialed_origin_class(origin: str, problem: str | None) -> None:
    errors, doubts = bucket_problems([{"AllowedOrigins": [origin], **GET}], "s3")
    assert errors == []
    assert [p.problem.split(",")[0].split(" (")[0] for p in doubts] == (
        [problem] if problem else []
    )


def test_any_origin_writes_warn_for_both_providers() -> None:
    _, s3 = bucket_problems([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"]}], "s3")
    assert [(p.option, p.entry) for p in s3] == [("CORSRules[0].AllowedMethods", "'PUT'")]
    assert s3[0].problem.startswith("is allowed to every origin")
    _, gcs = bucket_problems([{"origin": ["*"], "method": ["*"]}], "gcs")
    assert [(p.option, p.entry) for p in gcs] == [("cors[0].method", "'*'")]
    _, none = bucket_problems([{"origin": ["https://a.example"], "method": ["DELETE"]}], "gcs")
    assert none == []


def test_warnings_are_issued_once_each_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="cors_core")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from_s3([{"AllowedOrigins": ["http://a.example", "https://*.github.io"], **GET}])
    assert [str(w.message).split(" ", 1)[0] for w in caught] == [
        "CORSRules[0].AllowedOrigins[0]:",
        "CORSRules[0].AllowedOrigins[1]:",
    ]
    assert all(issubclass(w.category, CORSConfigWarning) for w in caught)
    assert sum("CORS configuration warning" in r.getMessage() for r in caplog.records) == 2


# ------------------------------------------------------------------ never raises


class Exploding(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        return iter(["CORSRules", "origin"])

    def __len__(self) -> int:
        return 2


def _deep(n: int) -> Any:
    value: Any = []
    for _ in range(n):
        value = [value]
    return value


@pytest.mark.parametrize(
    "data",
    [
        None,
        3,
        "x",
        b"",
        object(),
        {1: 2},
        [[]],
        [None],
        [{"AllowedOrigins": [None, {}, []], "AllowedMethods": [[]]}],
        [{"origin": [b"https://a"], "method": [1.5], "responseHeader": "x"}],
        [{"AllowedOrigins": ["\x00", "\u202ehttps://a", "h" * 100_000], "AllowedMethods": []}],
        Exploding(),
        [Exploding()],
        _deep(5000),
        {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], 7: 1}]},
    ],
)
@pytest.mark.parametrize("provider", ["s3", "gcs"])
def test_bucket_problems_never_raises(data: Any, provider: Any) -> None:
    errors, doubts = bucket_problems(data, provider)
    assert errors, (errors, doubts)
    assert all(isinstance(p, Problem) for p in errors + doubts)
    assert all(len(p.entry) < 300 for p in errors)


def test_an_unknown_provider_is_a_problem_too() -> None:
    errors, _ = bucket_problems([], "azure")  # type: ignore[arg-type]
    assert where(errors) == [("provider", "'azure'", "is not a bucket provider")]


# ------------------------------------------------------------------- detect_provider


@pytest.mark.parametrize(
    ("data", "provider"),
    [
        ({"CORSRules": []}, "s3"),
        ([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}], "s3"),
        ([{"ID": "x"}], "s3"),
        ({"AllowedOrigins": ["*"]}, "s3"),
        ([{"origin": ["*"], "method": ["GET"]}], "gcs"),
        ([{"maxAgeSeconds": 3}], "gcs"),
        ({"name": "b", "cors": []}, "gcs"),
        ({"cors_config": []}, "gcs"),
        ({"origin": ["*"]}, "gcs"),
        ([], None),
        ({}, None),
        ({"allow_origins": ["*"]}, None),
        ([{"allow_origins": ["*"]}], None),
        ("CORSRules", None),
        (None, None),
        (Exploding(), "s3"),
        ([3, {"responseHeader": []}], "gcs"),
    ],
)
def test_detect_provider(data: Any, provider: str | None) -> None:
    assert detect_provider(data) == provider


def test_the_example_file_is_detected_as_s3() -> None:
    assert detect_provider(json.loads(EXAMPLE.read_text())) == "s3"


# ------------------------------------------------------------ S3-compatible stores


def test_s3_compatible_stores_use_the_s3_shape() -> None:
    """R2's dashboard JSON and DigitalOcean Spaces' S3 API take S3's rules as they are."""
    r2_dashboard = [
        {
            "AllowedOrigins": ["https://app.example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["content-type"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3600,
        }
    ]
    policy = from_s3(r2_dashboard)
    put = policy.decide("OPTIONS", "https://app.example.com", "PUT", "content-type")
    assert put.status == 200 and dict(put.headers)["Access-Control-Max-Age"] == "3600"


def test_cloudflare_r2_api_shape_is_named_with_the_s3_shape_as_the_fix() -> None:
    r2_api = {
        "rules": [
            {
                "allowed": {"origins": ["https://app.example.com"], "methods": ["GET"]},
                "exposeHeaders": ["ETag"],
                "maxAgeSeconds": 60,
            }
        ]
    }
    with pytest.raises(ConfigError) as info:
        from_s3(r2_api)
    (problem,) = info.value.problems
    assert problem.option == "rules"
    assert problem.problem.startswith("is Cloudflare's R2 API shape")
    assert "'AllowedOrigins': allowed.origins" in problem.fix
