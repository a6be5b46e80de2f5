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
from cors_core.buckets import BucketPolicy, from_gcs, from_s3, to_gcs, to_s3
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
        allow_methods=["GET", "PUT", "DELETE"],
        allow_headers=["x-amz-*", "authorization"],
        expose_headers=["etag"],
        allow_credentials=True,
        max_age=600,
    )
    doc = to_s3(policy)
    assert doc == {
        "CORSRules": [
            {
                "AllowedHeaders": ["authorization", "x-amz-*"],
                "AllowedMethods": ["GET", "PUT", "DELETE"],
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
        allow_methods=["GET", "PUT"],
        allow_headers=["x-amz-meta-owner", "x-amz-date", "authorization"],
        expose_headers=["etag"],
    )
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        s3 = from_s3(to_s3(policy))
    same_decisions(policy, s3)
    with pytest.warns(CORSConfigWarning) as caught:
        doc = to_gcs(policy)
    assert [str(w.message).split(" GCS")[0] for w in caught] == [
        "allow_headers, expose_headers: 'authorization', 'etag', 'x-amz-date', 'x-amz-meta-owner'"
    ]
    assert doc == [
        {
            "origin": ["*"],
            "method": ["GET", "PUT"],
            "responseHeader": ["x-amz-meta-owner", "x-amz-date", "authorization", "etag"],
            "maxAgeSeconds": 600,
        }
    ]


def test_a_non_credentialed_policy_exports_to_gcs_and_decides_the_same() -> None:
    policy = CORSPolicy(
        allow_origins=[APP, "http://localhost:5173"],
        allow_methods=["GET", "PUT"],  # the bucket matches a rule by method, GETs included
        allow_headers="*",
        expose_headers="*",
        max_age=None,
    )
    doc = to_gcs(policy)
    assert doc == [
        {
            "origin": [APP, "http://localhost:5173"],
            "method": ["GET", "PUT"],
            "responseHeader": ["*"],
        }
    ]
    same_decisions(policy, from_gcs(doc))


# -------------------------------------------------------------- what cannot be expressed


def test_s3_refuses_what_it_cannot_express_naming_every_setting() -> None:
    policy = CORSPolicy(
        allow_origins=[APP, "https://*.example.com:*"],
        allow_origin_regex=r"https://[a-z]+\.example\.net",
        allow_origin_predicate=lambda origin: False,
        allow_methods=["GET", "PATCH"],
        allow_headers=["x-*-*"],
        allow_private_network=True,
        allow_credentials=True,
    )
    found = problems(to_s3, policy)
    assert [option for option, _ in found] == [
        "allow_origin_regex",
        "allow_origin_predicate",
        "allow_private_network",
        "allow_origins",
        "allow_methods",
        "allow_headers",
    ]
    assert found[3] == ("allow_origins", "'https://*.example.com:*'")
    assert found[4] == ("allow_methods", "'PATCH'")


def test_s3_cannot_drop_credentials_from_listed_origins() -> None:
    with pytest.raises(ConfigError) as info:
        to_s3(CORSPolicy(allow_origins=[APP]))
    [problem] = info.value.problems
    assert (problem.option, problem.entry) == ("allow_credentials", "False")
    assert "Access-Control-Allow-Credentials: true" in problem.problem
    assert problems(to_s3, CORSPolicy(allow_origins=["*"], allow_methods="*")) == [
        ("allow_methods", "'*'")
    ]


def test_gcs_refuses_patterns_and_credentials() -> None:
    policy = CORSPolicy(
        allow_origins=["https://*.example.com", "http://localhost:*", APP],
        allow_headers=["x-goog-*"],
        allow_credentials=True,
    )
    assert problems(to_gcs, policy) == [
        ("allow_origins", "'https://*.example.com'"),
        ("allow_origins", "'http://localhost:*'"),
        ("allow_headers", "'x-goog-*'"),
        ("allow_credentials", "True"),
    ]


def test_path_rules_and_other_values_are_refused() -> None:
    rules = PathRules({"/uploads/*": CORSPolicy(allow_origins=["*"])})
    for export in (to_s3, to_gcs):
        assert problems(export, rules) == [("paths", "")]
        assert problems(export, "not a policy")[0][0] == "policy"
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
    assert found[0] == ("paths", "")
    options = {option for option, _ in found[1:]}
    assert "paths['/api/*'].allow_private_network" in options
    assert "paths['/uploads/*'].allow_origin_regex" in options
    assert not any(option.startswith("default.") for option in options)  # '*' exports fine


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
    assert problems(to_gcs, private) == [
        ("CORSRules[0].AllowedOrigins", "'https://app.example.com', 'https://*.example.org'"),
        ("CORSRules[0].AllowedOrigins", "'https://*.example.org'"),
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
    listed = from_gcs(GCS_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        assert problems(to_s3, listed) == [
            ("cors[0].origin", "'https://app.example.com', 'http://localhost:3000'")
        ]
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        star = from_gcs([{"origin": ["*"], "method": ["*", "PATCH"]}])
    assert problems(to_s3, star) == [("cors[0].method", "'*'"), ("cors[0].method", "'PATCH'")]


def test_star_widening_to_gcs_is_named() -> None:
    with pytest.warns(CORSConfigWarning, match="become both") as caught:
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
    warning = caught[0].message
    assert isinstance(warning, CORSConfigWarning) and warning.problem is not None
    assert warning.problem.entry == "'etag', 'x-amz-request-id'"
