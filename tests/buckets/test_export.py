"""Writing policies as bucket rules: round trips, the same decisions on a table of requests,
and a ConfigError naming every setting a provider cannot express."""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from typing import Any

import pytest

from cors_core import Action, ConfigError, CORSConfigWarning, CORSPolicy, PathRules
from cors_core.browser import Response, Trip, simulate
from cors_core.buckets import BucketPolicy, export, from_gcs, from_s3, to_gcs, to_s3
from cors_core.integration import Engine, merge_response_headers, read_pairs

APP = "https://app.example.com"


def quiet_s3(data: Any) -> BucketPolicy:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return from_s3(data)


def problems(call: Any, *args: Any) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        call(*args)
    return [(p.option, p.entry) for p in info.value.problems]


# ------------------------------------------------------------------------ round trips

S3_FILE = {
    "CORSRules": [
        {
            "ID": "uploads",
            "AllowedHeaders": ["x-amz-*", "Content-Type"],
            "AllowedMethods": ["PUT", "POST"],
            "AllowedOrigins": ["https://app.example.com", "https://*.example.org"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000,
        },
        {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["*"]},
    ]
}
GCS_FILE = [
    {
        "origin": ["https://app.example.com", "http://localhost:3000"],
        "method": ["GET", "PUT", "OPTIONS"],
        "responseHeader": ["Content-Type", "x-goog-meta-owner"],
        "maxAgeSeconds": 3600,
    },
    {"origin": ["*"], "method": ["GET"]},
]


def test_s3_round_trip_is_the_file_itself() -> None:
    policy = from_s3(S3_FILE)
    assert to_s3(policy) == S3_FILE
    again = from_s3(to_s3(from_s3(S3_FILE)))
    assert again.rules == policy.rules
    assert json.loads(json.dumps(to_s3(policy))) == S3_FILE  # JSON, as the CLI takes it


def test_s3_console_list_round_trips_to_the_cli_file() -> None:
    assert to_s3(from_s3(S3_FILE["CORSRules"])) == S3_FILE


def test_gcs_round_trip_is_the_file_itself() -> None:
    policy = from_gcs(GCS_FILE)
    assert to_gcs(policy) == GCS_FILE
    assert from_gcs(to_gcs(from_gcs(GCS_FILE))).rules == policy.rules


def test_the_example_file_round_trips() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "buckets" / "s3-cors.json"
    policy = quiet_s3(example)
    assert to_s3(policy) == {"CORSRules": json.loads(example.read_text())}
    assert quiet_s3(to_s3(policy)).rules == policy.rules


# ------------------------------------------------- a policy and its bucket decide the same


def send_to(engine: Engine, log: list[str]) -> Any:
    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        origin, request_method, request_headers, pna, _ = read_pairs(headers)
        d = engine.decide(method, origin, request_method, request_headers, pna)
        log.append(f"{method} {d.status if d.action is Action.RESPOND else 'app'}")
        if d.action is Action.RESPOND:
            return d.status, list(d.headers), d.body
        app = [("Content-Type", "text/plain"), ("ETag", '"1"'), ("X-Secret", "s")]
        return 200, merge_response_headers(app, d.headers, d.vary_origin), b"body"

    return send


#: (origin, fetch options) requests a browser would make.
TABLE: list[tuple[str, dict[str, Any]]] = [
    (APP, {}),
    (APP, {"credentials": True}),
    (APP, {"method": "PUT", "headers": {"x-amz-meta-owner": "me"}}),
    (APP, {"method": "PUT", "headers": {"Content-Type": "application/json"}}),
    (APP, {"method": "DELETE", "credentials": True, "headers": {"Authorization": "Bearer t"}}),
    (APP, {"method": "POST", "headers": {"X-Other": "1"}}),
    (APP, {"method": "PATCH"}),
    (APP, {"method": "PUT", "private_network": True}),
    ("https://a.b.example.com", {"method": "PUT", "credentials": True}),
    ("https://example.com", {"method": "PUT"}),
    ("https://evil.example.net", {}),
    ("https://evil.example.net", {"method": "DELETE"}),
    ("http://app.example.com", {"credentials": True}),
    ("http://localhost:5173", {"method": "PUT", "headers": {"x-amz-date": "now"}}),
    ("http://localhost", {}),
    ("null", {}),
]


def same_decisions(policy: Engine, bucket: Engine) -> None:
    for origin, options in TABLE:
        trips: list[Trip] = []
        for engine in (policy, bucket):
            trips.append(simulate(send_to(engine, []), origin=origin, **options))
        mine, theirs = trips
        assert (mine.verdict.code, mine.readable_headers) == (
            theirs.verdict.code,
            theirs.readable_headers,
        ), (origin, options, mine.steps, theirs.steps)


def test_a_credentialed_policy_and_its_s3_rules_decide_the_same() -> None:
    policy = CORSPolicy(
        allow_origins=[APP, "https://*.example.com", "http://localhost:*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
        allow_headers=["x-amz-*", "authorization"],
        expose_headers=["etag"],
        allow_credentials=True,
        max_age=600,
    )
    doc = to_s3(policy, strict=True)  # no difference at all
    assert doc == {
        "CORSRules": [
            {
                "AllowedHeaders": ["authorization", "x-amz-*"],
                "AllowedMethods": ["GET", "HEAD", "POST", "PUT", "DELETE"],
                "AllowedOrigins": [
                    APP,
                    "https://*.example.com",
                    "http://localhost:*",
                    "http://localhost",  # ':*' also means the default port
                ],
                "ExposeHeaders": ["etag"],
                "MaxAgeSeconds": 600,
            }
        ]
    }
    bucket = from_s3(doc)  # no warning: https and loopback origins only
    same_decisions(policy, bucket)


def test_a_public_policy_and_its_s3_and_gcs_rules_decide_the_same() -> None:
    policy = CORSPolicy(
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT"],
        allow_headers=["x-amz-meta-owner", "x-amz-date", "authorization"],
        expose_headers=["etag"],
    )
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        s3 = from_s3(to_s3(policy))
    same_decisions(policy, s3)
    with pytest.warns(CORSConfigWarning) as caught:
        doc = to_gcs(policy)
    assert [str(w.message).split(" also ")[0] for w in caught] == [
        "expose_headers: 'etag' is",
        "allow_headers: 'x-amz-meta-owner', 'x-amz-date', 'authorization' are",
    ]
    assert doc == [
        {
            "origin": ["*"],
            "method": ["GET", "HEAD", "POST", "PUT"],
            "responseHeader": ["x-amz-meta-owner", "x-amz-date", "authorization", "etag"],
            "maxAgeSeconds": 600,
        }
    ]


def test_a_non_credentialed_policy_exports_to_gcs_and_decides_the_same() -> None:
    policy = CORSPolicy(
        allow_origins=[APP, "http://localhost:5173"],
        # The bucket matches every request by method, those without a preflight too.
        allow_methods=["GET", "HEAD", "POST", "PUT"],
        allow_headers="*",
        expose_headers="*",
        max_age=None,
    )
    doc = to_gcs(policy)
    assert doc == [
        {
            "origin": [APP, "http://localhost:5173"],
            "method": ["GET", "HEAD", "POST", "PUT"],
            "responseHeader": ["*"],
        }
    ]
    same_decisions(policy, from_gcs(doc))


# -------------------------------------------------------------- what cannot be expressed


def warned(call: Any, *args: Any) -> list[tuple[str, str]]:
    with pytest.warns(CORSConfigWarning) as caught:
        call(*args)
    found = []
    for w in caught:
        assert isinstance(w.message, CORSConfigWarning) and w.message.problem is not None
        found.append((w.message.problem.option, w.message.problem.entry))
    return found


def test_s3_leaves_out_what_it_cannot_express_naming_every_setting() -> None:
    policy = CORSPolicy(
        allow_origins=[APP, "https://*.example.com:*"],
        allow_origin_regex=r"https://[a-z]+\.example\.net",
        allow_origin_predicate=lambda origin: False,
        allow_methods=["GET", "PATCH"],
        allow_headers=["x-*-*"],
        allow_private_network=True,
        allow_credentials=True,
    )
    assert warned(to_s3, policy) == [
        ("allow_origin_regex", "'https://[a-z]+\\\\.example\\\\.net'"),
        ("allow_origin_predicate", repr(policy.options["allow_origin_predicate"])),
        ("allow_private_network", "True"),
        ("allow_origins", "'https://*.example.com:*'"),
        ("allow_methods", "'PATCH'"),
        ("allow_methods", "'HEAD', 'POST'"),
        ("allow_headers", "'x-*-*'"),
    ]
    result = export(policy, "s3")
    assert [w.check for w in result.warnings] == [
        "origin_left_out",
        "origin_left_out",
        "private_network_left_out",
        "origin_narrowed",
        "method_left_out",
        "simple_method_refused",
        "header_left_out",
    ]
    assert {w.effect for w in result.warnings} == {"narrower"}
    assert result.config == {
        "CORSRules": [
            {
                "AllowedMethods": ["GET"],
                "AllowedOrigins": [APP, "https://*.example.com"],
                "MaxAgeSeconds": 600,
            }
        ]
    }
    # strict: every warning is an error, with its fix, and nothing is written.
    with pytest.raises(ConfigError) as info:
        to_s3(policy, strict=True)
    assert [p for p in info.value.problems] == [w.as_problem() for w in result.warnings]


def test_what_no_bucket_rule_can_hold_is_refused() -> None:
    assert problems(to_s3, CORSPolicy(allow_origins=["null"], allow_null_origin=True)) == [
        ("allow_origins", "'null'")
    ]
    assert problems(to_gcs, CORSPolicy(allow_origins=["https://*.example.com"])) == [
        ("allow_origins", "'https://*.example.com'")
    ]
    assert problems(to_s3, CORSPolicy(allow_origins=["*"], allow_methods=["PATCH"])) == [
        ("allow_methods", "'PATCH'")
    ]
    assert problems(to_s3, CORSPolicy(allow_origins=[], allow_credentials=True)) == [
        ("allow_origins", "[]")
    ]
    with pytest.raises(ConfigError) as info:
        to_s3(CORSPolicy(allow_origins=["*"], allow_methods=["PATCH"]))
    assert info.value.problems[0].problem == (
        "leaves no method S3 allows (S3 allows only GET, PUT, HEAD, POST, DELETE), so the "
        "bucket would allow nothing"
    )


def test_s3_answers_listed_origins_with_credentials_a_wider_warning() -> None:
    with pytest.warns(CORSConfigWarning, match="Access-Control-Allow-Credentials: true") as w:
        doc = to_s3(CORSPolicy(allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"]))
    assert len(w) == 1
    assert doc["CORSRules"][0]["AllowedOrigins"] == [APP]
    result = export(CORSPolicy(allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"]), "s3")
    [warning] = result.warnings
    assert (warning.check, warning.effect, warning.option, warning.entry) == (
        "credentials_added",
        "wider",
        "allow_credentials",
        "False",
    )
    with pytest.raises(ConfigError) as info:
        to_s3(CORSPolicy(allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"]), strict=True)
    assert info.value.problems == (warning.as_problem(),)


def test_gcs_leaves_out_patterns_and_credentials() -> None:
    policy = CORSPolicy(
        allow_origins=["https://*.example.com", "http://localhost:*", APP],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["x-goog-*"],
        allow_credentials=True,
    )
    assert warned(to_gcs, policy) == [
        ("allow_origins", "'https://*.example.com'"),
        ("allow_origins", "'http://localhost:*'"),
        ("allow_headers", "'x-goog-*'"),
        ("allow_credentials", "True"),
    ]
    assert export(policy, "gcs").config == [
        {"origin": [APP], "method": ["GET", "HEAD", "POST"], "maxAgeSeconds": 600}
    ]


def test_path_rules_and_other_values_are_refused() -> None:
    rules = PathRules({"/uploads/*": CORSPolicy(allow_origins=["*"])})
    for write in (to_s3, to_gcs):
        assert problems(write, rules) == [("paths", "")]
        assert problems(write, "not a policy")[0][0] == "policy"
    with pytest.raises(ConfigError, match="one CORS configuration for all its objects"):
        to_s3(rules)
    # Every problem is listed: the per-path shape, and what each path's policy cannot say.
    mixed = PathRules(
        {
            "/api/*": CORSPolicy(
                allow_origins=["https://app.example.com"],
                allow_credentials=True,
                allow_private_network=True,
            ),
            "/uploads/*": CORSPolicy(allow_origin_regex=r"https://[a-z]+\.example\.com"),
        },
        default=CORSPolicy(allow_origins=["*"]),
    )
    found = problems(to_s3, mixed)
    # The per-path shape, and what no bucket could hold for a path's policy (warnings,
    # such as private network access left out, are the export's of that one policy).
    assert found == [
        ("paths", ""),
        (
            "paths['/uploads/*'].allow_origins",
            "allow_origin_regex 'https://[a-z]+\\\\.example\\\\.com'",
        ),
    ]


def test_s3_rules_to_gcs_only_where_gcs_means_the_same() -> None:
    public = quiet_s3(
        [
            {
                "AllowedOrigins": ["*"],
                "AllowedMethods": ["GET", "PUT"],
                "AllowedHeaders": ["x-amz-date"],
                "ExposeHeaders": ["x-amz-date"],
                "MaxAgeSeconds": 5,
            }
        ]
    )
    assert to_gcs(public) == [
        {
            "origin": ["*"],
            "method": ["GET", "PUT"],
            "responseHeader": ["x-amz-date"],
            "maxAgeSeconds": 5,
        }
    ]
    private = from_s3(S3_FILE)
    # Patterns would hand requests to a later rule: refused (credentials only warn).
    assert problems(to_gcs, private) == [
        ("CORSRules[0].AllowedOrigins", "'https://*.example.org'"),
        ("CORSRules[0].AllowedHeaders", "'x-amz-*'"),
    ]
    with pytest.raises(ConfigError) as info:
        export(private, "gcs", strict=True)
    assert [(p.option, p.entry) for p in info.value.problems] == [
        ("CORSRules[0].AllowedOrigins", "'https://*.example.org'"),
        ("CORSRules[0].AllowedHeaders", "'x-amz-*'"),
        ("CORSRules[0].AllowedOrigins", "'https://app.example.com', 'https://*.example.org'"),
        ("CORSRules[0].ExposeHeaders", "'etag'"),
        ("CORSRules[0].AllowedHeaders", "'x-amz-*'"),
    ]


def test_gcs_rules_to_s3_only_where_s3_means_the_same() -> None:
    public = from_gcs(
        [{"origin": ["*"], "method": ["GET", "OPTIONS"], "responseHeader": ["Content-Type"]}]
    )
    with pytest.warns(CORSConfigWarning, match="'OPTIONS' is left out"):
        doc = to_s3(public)
    assert doc == {
        "CORSRules": [
            {
                "AllowedHeaders": ["Content-Type"],
                "AllowedMethods": ["GET"],
                "AllowedOrigins": ["*"],
                "ExposeHeaders": ["Content-Type"],
            }
        ]
    }
    listed = export(from_gcs(GCS_FILE), "s3")
    assert [(w.check, w.effect, w.option, w.entry) for w in listed.warnings] == [
        (
            "credentials_added",
            "wider",
            "cors[0].origin",
            "'https://app.example.com', 'http://localhost:3000'",
        ),
        ("method_left_out", "narrower", "cors[0].method", "'OPTIONS'"),
    ]
    assert listed.config["CORSRules"][0]["AllowedMethods"] == ["GET", "PUT"]
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        star = from_gcs([{"origin": ["*"], "method": ["*", "PATCH"]}])
    assert problems(to_s3, star) == [("cors[0].method", "'*'"), ("cors[0].method", "'PATCH'")]


def test_star_widening_to_gcs_is_named() -> None:
    with pytest.warns(CORSConfigWarning, match="every response header") as caught:
        doc = to_gcs(
            quiet_s3(
                [
                    {
                        "AllowedOrigins": ["*"],
                        "AllowedMethods": ["GET"],
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["ETag", "x-amz-request-id"],
                    }
                ]
            )
        )
    assert doc[0]["responseHeader"] == ["*"]
    [warning] = [w.message for w in caught]
    assert isinstance(warning, CORSConfigWarning) and warning.problem is not None
    assert (warning.problem.option, warning.problem.entry) == ("CORSRules[0].AllowedHeaders", "'*'")
    assert "which the S3 rules hide" in warning.problem.problem
