"""Pinned: what ``export`` writes and every sentence it says, exactly, for each branch.

Each case is one policy (or bucket's rules) exported to one provider; the table holds the
configuration and every warning (``check``, ``effect`` and the line a user reads), or
every problem of the ``ConfigError``, and what ``strict=True`` raises. Found by mutation
testing (``tools/mutate.py cors_core/buckets/_export.py``): a changed word, a lost
plural or a warning given for the wrong provider fails here.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cors_core
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, PathRules
from cors_core.buckets import Provider, export, from_gcs, from_s3, to_gcs, to_s3

APP = "https://app.example.com"
SIMPLE = ["GET", "HEAD", "POST"]


class Partners:
    """An origin predicate with a stable ``repr`` (the warning shows it)."""

    def __call__(self, origin: str) -> bool:
        return origin.endswith(".partner.example")

    def __repr__(self) -> str:
        return "Partners()"


def quiet(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return build(*args, **kwargs)


def policy(**options: Any) -> CORSPolicy:
    return quiet(CORSPolicy, **options)


REGEX = r"https://[a-z]+\.example\.org"
CASES: dict[str, tuple[Callable[[], Any], Provider]] = {
    "regex_predicate_private_network_to_s3": (
        lambda: policy(
            allow_origins=[APP],
            allow_origin_regex=REGEX,
            allow_origin_predicate=Partners(),
            allow_private_network=True,
            allow_methods=SIMPLE,
        ),
        "s3",
    ),
    "regex_predicate_private_network_to_gcs": (
        lambda: policy(
            allow_origins=[APP],
            allow_origin_regex=REGEX,
            allow_origin_predicate=Partners(),
            allow_private_network=True,
            allow_methods=SIMPLE,
        ),
        "gcs",
    ),
    "only_a_regex_to_s3": (lambda: policy(allow_origin_regex=REGEX, allow_methods=SIMPLE), "s3"),
    "only_a_predicate_to_s3": (
        lambda: policy(allow_origin_predicate=Partners(), allow_methods=SIMPLE),
        "s3",
    ),
    "two_regexes_and_null_to_gcs": (
        lambda: policy(
            allow_origins=["null"],
            allow_null_origin=True,
            allow_origin_regex=[r"https://a\.example\.org", r"https://b\.example\.org"],
            allow_methods=SIMPLE,
        ),
        "gcs",
    ),
    "only_a_pattern_to_gcs": (
        lambda: policy(allow_origins=["https://*.example.com"], allow_methods=SIMPLE),
        "gcs",
    ),
    "no_origin_at_all_to_s3": (lambda: policy(allow_origins=[], allow_methods=SIMPLE), "s3"),
    "null_and_an_origin_to_s3": (
        lambda: policy(allow_origins=["null", APP], allow_null_origin=True, allow_methods=SIMPLE),
        "s3",
    ),
    "patterns_to_s3": (
        lambda: policy(
            allow_origins=[
                "https://*.example.com:*",
                "http://localhost:*",
                "https://*.example.org",
                APP,
                "https://app.example.com:443",
            ],
            allow_methods=SIMPLE,
            allow_credentials=True,
        ),
        "s3",
    ),
    "everything_to_s3": (
        lambda: policy(
            allow_origins=["*"],
            allow_methods="*",
            allow_headers="*",
            expose_headers="*",
            max_age=None,
        ),
        "s3",
    ),
    "everything_to_gcs": (
        lambda: policy(
            allow_origins=["*"], allow_methods="*", allow_headers="*", expose_headers="*", max_age=7
        ),
        "gcs",
    ),
    "a_lowercase_method_to_gcs": (
        lambda: policy(allow_origins=["*"], allow_methods=[*SIMPLE, "patch"], max_age=None),
        "gcs",
    ),
    "two_lowercase_methods_to_gcs": (
        lambda: policy(
            allow_origins=["*"], allow_methods=[*SIMPLE, "patch", "purge"], max_age=None
        ),
        "gcs",
    ),
    "no_s3_method_to_s3": (lambda: policy(allow_origins=["*"], allow_methods=["PATCH"]), "s3"),
    "no_s3_methods_to_s3": (
        lambda: policy(allow_origins=["*"], allow_methods=["PATCH", "OPTIONS"]),
        "s3",
    ),
    "no_gcs_method_to_gcs": (lambda: policy(allow_origins=["*"], allow_methods=["patch"]), "gcs"),
    "no_gcs_methods_to_gcs": (
        lambda: policy(allow_origins=["*"], allow_methods=["patch", "purge"]),
        "gcs",
    ),
    "one_simple_method_unlisted_to_s3": (
        lambda: policy(allow_origins=["*"], allow_methods=["GET", "HEAD", "PUT"]),
        "s3",
    ),
    "two_simple_methods_unlisted_to_gcs": (
        lambda: policy(allow_origins=["*"], allow_methods=["GET", "DELETE"]),
        "gcs",
    ),
    "patch_to_s3": (lambda: policy(allow_origins=["*"], allow_methods=[*SIMPLE, "PATCH"]), "s3"),
    "patch_and_options_to_s3": (
        lambda: policy(allow_origins=["*"], allow_methods=[*SIMPLE, "PATCH", "OPTIONS"]),
        "s3",
    ),
    "header_patterns_to_s3": (
        lambda: policy(
            allow_origins=["*"],
            allow_methods=SIMPLE,
            allow_headers=["x-amz-meta-*", "x-*-*-id", "content-type"],
        ),
        "s3",
    ),
    "two_long_header_patterns_to_s3": (
        lambda: policy(
            allow_origins=["*"], allow_methods=SIMPLE, allow_headers=["x-*-*-id", "y-*-*-z"]
        ),
        "s3",
    ),
    "header_patterns_to_gcs": (
        lambda: policy(
            allow_origins=["*"],
            allow_methods=SIMPLE,
            allow_headers=["x-amz-meta-*", "x-goog-meta-*", "x-token"],
            expose_headers=["x-token"],
        ),
        "gcs",
    ),
    "expose_everything_to_s3": (
        lambda: policy(
            allow_origins=["*"], allow_methods=SIMPLE, expose_headers="*", allow_headers=[]
        ),
        "s3",
    ),
    "expose_everything_to_gcs": (
        lambda: policy(
            allow_origins=["*"], allow_methods=SIMPLE, expose_headers="*", allow_headers=["x-a"]
        ),
        "gcs",
    ),
    "allow_every_header_to_gcs": (
        lambda: policy(
            allow_origins=["*"], allow_methods=SIMPLE, allow_headers="*", expose_headers=["x-a"]
        ),
        "gcs",
    ),
    "headers_and_exposed_to_gcs": (
        lambda: policy(
            allow_origins=["*"],
            allow_methods=SIMPLE,
            allow_headers=["X-B", "accept", "content-type", "x-c", "x-a"],
            expose_headers=["x-a", "X-D", "content-length", "Cookie"],
        ),
        "gcs",
    ),
    "one_header_each_to_gcs": (
        lambda: policy(
            allow_origins=["*"], allow_methods=SIMPLE, allow_headers=["x-b"], expose_headers=["x-d"]
        ),
        "gcs",
    ),
    "credentials_to_s3": (
        lambda: policy(
            allow_origins=[APP], allow_methods=SIMPLE, allow_credentials=True, max_age=None
        ),
        "s3",
    ),
    "no_credentials_to_s3": (
        lambda: policy(allow_origins=[APP], allow_methods=SIMPLE, allow_headers=[], max_age=None),
        "s3",
    ),
    "credentials_to_gcs": (
        lambda: policy(
            allow_origins=[APP],
            allow_methods=SIMPLE,
            allow_credentials=True,
            allow_headers=[],
            max_age=None,
        ),
        "gcs",
    ),
    "s3_rules_to_gcs": (
        lambda: quiet(
            from_s3,
            {
                "CORSRules": [
                    {
                        "ID": "a",
                        "AllowedOrigins": ["https://*.example.com", APP],
                        "AllowedMethods": ["GET"],
                        "AllowedHeaders": ["x-amz-*", "X-Token"],
                        "ExposeHeaders": ["ETag"],
                        "MaxAgeSeconds": 5,
                    },
                    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]},
                    {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"], "ExposeHeaders": ["*"]},
                    {
                        "AllowedOrigins": ["*"],
                        "AllowedMethods": ["POST"],
                        "ExposeHeaders": ["x-a", "Cookie", "Content-Type"],
                        "AllowedHeaders": ["x-b", "Accept", "Content-Type", "x-c"],
                    },
                    {
                        "AllowedOrigins": ["*"],
                        "AllowedMethods": ["DELETE"],
                        "ExposeHeaders": ["x-a", "x-e"],
                        "AllowedHeaders": ["x-b"],
                    },
                    {
                        "AllowedOrigins": ["*"],
                        "AllowedMethods": ["HEAD"],
                        "ExposeHeaders": ["*"],
                        "AllowedHeaders": ["*"],
                    },
                ]
            },
        ),
        "gcs",
    ),
    "s3_rules_to_gcs_with_warnings_only": (
        lambda: quiet(
            from_s3,
            {
                "CORSRules": [
                    {
                        "AllowedOrigins": [APP],
                        "AllowedMethods": ["GET"],
                        "AllowedHeaders": ["x-b"],
                        "ExposeHeaders": ["x-b"],
                    },
                    {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"], "ExposeHeaders": ["*"]},
                ]
            },
        ),
        "gcs",
    ),
    "gcs_rules_to_s3": (
        lambda: quiet(
            from_gcs,
            [
                {
                    "origin": [APP, "https://b.example.com"],
                    "method": ["GET", "OPTIONS", "PATCH"],
                    "responseHeader": ["x-a"],
                    "maxAgeSeconds": 9,
                },
                {"origin": ["*"], "method": ["*"]},
            ],
        ),
        "s3",
    ),
    "gcs_rules_to_s3_with_warnings_only": (
        lambda: quiet(
            from_gcs,
            [
                {"origin": ["*"], "method": ["GET", "OPTIONS"], "responseHeader": ["x-a"]},
                {"origin": [APP], "method": ["PUT"]},
            ],
        ),
        "s3",
    ),
    "s3_rules_to_s3": (
        lambda: quiet(
            from_s3,
            {
                "CORSRules": [
                    {
                        "ID": "i",
                        "AllowedOrigins": ["https://*.example.com"],
                        "AllowedMethods": ["GET"],
                        "AllowedHeaders": ["x-*"],
                    }
                ]
            },
        ),
        "s3",
    ),
    "gcs_rules_to_gcs": (
        lambda: quiet(
            from_gcs, [{"origin": [APP], "method": ["GET"], "responseHeader": ["X-A", "*"]}]
        ),
        "gcs",
    ),
    "path_rules_to_s3": (
        lambda: PathRules(
            {
                "/a/*": policy(
                    allow_origins=["null"], allow_null_origin=True, allow_methods=SIMPLE
                ),
                "/b/*": quiet(from_gcs, [{"origin": ["*"], "method": ["PATCH"]}]),
                "/c/*": quiet(
                    from_s3, {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
                ),
                "/d/*": None,
            },
            default=policy(allow_origins=["*"], allow_methods=["PATCH"]),
        ),
        "s3",
    ),
    "path_rules_to_gcs": (
        lambda: PathRules({"/a/*": policy(allow_origins=["*"], allow_methods=["patch"])}),
        "gcs",
    ),
    "not_a_policy": (lambda: list(range(100)), "s3"),
}


def outcome(name: str, *, strict: bool) -> tuple[Any, list[Any]]:
    """``(config, [(check, effect, line), ...])``, or ``("error", [line, ...])``."""
    build, to = CASES[name]
    try:
        result = export(build(), to, strict=strict)
    except ConfigError as exc:
        return "error", [str(p) for p in exc.problems]
    assert result.provider == to
    return result.config, [(w.check, w.effect, str(w)) for w in result.warnings]


EXPECTED: dict[str, tuple[Any, list[Any]]] = {
    "regex_predicate_private_network_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "https://app.example.com",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "origin_left_out",
                "narrower",
                (
                    "allow_origin_regex: 'https://[a-z]+\\\\.example\\\\.org' is left "
                    "out: S3 matches origins by text (one '*' at most), so the bucket "
                    "refuses the origins only the regex allows, which the API allows; "
                    "fix: list those origins in allow_origins"
                ),
            ),
            (
                "origin_left_out",
                "narrower",
                (
                    "allow_origin_predicate: Partners() is left out: it is code, which "
                    "an S3 bucket cannot run, so the bucket refuses the origins only "
                    "the predicate allows, which the API allows; fix: list those "
                    "origins in allow_origins"
                ),
            ),
            (
                "private_network_left_out",
                "narrower",
                (
                    "allow_private_network: True is left out: S3 never answers Private "
                    "Network Access preflights, so the bucket refuses requests that "
                    "ask for private network access, which the API allows; fix: "
                    "nothing, for a bucket on the public internet: a browser asks only "
                    "when the server's address is more private than the page's"
                ),
            ),
            (
                "credentials_added",
                "wider",
                (
                    "allow_credentials: False becomes true: S3 answers every rule that "
                    "lists origins (not '*') with 'Access-Control-Allow-Credentials: "
                    "true', so pages on those origins may send credentialed requests "
                    "(cookies, HTTP authentication) to the bucket and read the "
                    "answers, which the API refuses; fix: nothing, if the bucket "
                    "authenticates with signatures, as S3 does (cookies give no "
                    "access); or allow_origins=['*'] for a public bucket"
                ),
            ),
        ],
    ),
    "regex_predicate_private_network_to_gcs": (
        [
            {
                "origin": [
                    "https://app.example.com",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "accept",
                    "accept-language",
                    "content-language",
                    "content-type",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "origin_left_out",
                "narrower",
                (
                    "allow_origin_regex: 'https://[a-z]+\\\\.example\\\\.org' is left "
                    "out: GCS matches origins by text (exactly, or '*'), so the bucket "
                    "refuses the origins only the regex allows, which the API allows; "
                    "fix: list those origins in allow_origins"
                ),
            ),
            (
                "origin_left_out",
                "narrower",
                (
                    "allow_origin_predicate: Partners() is left out: it is code, which "
                    "a GCS bucket cannot run, so the bucket refuses the origins only "
                    "the predicate allows, which the API allows; fix: list those "
                    "origins in allow_origins"
                ),
            ),
            (
                "private_network_left_out",
                "narrower",
                (
                    "allow_private_network: True is left out: GCS never answers "
                    "Private Network Access preflights, so the bucket refuses requests "
                    "that ask for private network access, which the API allows; fix: "
                    "nothing, for a bucket on the public internet: a browser asks only "
                    "when the server's address is more private than the page's"
                ),
            ),
        ],
    ),
    "only_a_regex_to_s3": (
        "error",
        [
            (
                "allow_origins: allow_origin_regex "
                "'https://[a-z]+\\\\.example\\\\.org' leaves no origin S3 can match, "
                "so the bucket would allow none; fix: list the origins the bucket "
                "serves in allow_origins"
            ),
        ],
    ),
    "only_a_predicate_to_s3": (
        "error",
        [
            (
                "allow_origins: allow_origin_predicate leaves no origin S3 can match, "
                "so the bucket would allow none; fix: list the origins the bucket "
                "serves in allow_origins"
            ),
        ],
    ),
    "two_regexes_and_null_to_gcs": (
        "error",
        [
            (
                "allow_origins: allow_origin_regex 'https://a\\\\.example\\\\.org', "
                "'https://b\\\\.example\\\\.org', 'null' leave no origin GCS can "
                "match, so the bucket would allow none; fix: list the origins the "
                "bucket serves in allow_origins"
            ),
        ],
    ),
    "only_a_pattern_to_gcs": (
        "error",
        [
            (
                "allow_origins: 'https://*.example.com' leaves no origin GCS can "
                "match, so the bucket would allow none; fix: list the origins the "
                "bucket serves in allow_origins"
            ),
        ],
    ),
    "no_origin_at_all_to_s3": (
        "error",
        [
            (
                "allow_origins: [] leaves no origin S3 can match, so the bucket would "
                "allow none; fix: list the origins the bucket serves in allow_origins"
            ),
        ],
    ),
    "null_and_an_origin_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "https://app.example.com",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "origin_left_out",
                "narrower",
                (
                    "allow_origins: 'null' is left out: bucket rules cannot name the "
                    "opaque origin, which any sandboxed page sends, so the bucket "
                    "refuses requests with 'Origin: null' (sandboxed frames, file:// "
                    "pages), which the API allows; fix: use allow_origins=['*'] for a "
                    "public bucket, or serve those pages from an origin"
                ),
            ),
            (
                "credentials_added",
                "wider",
                (
                    "allow_credentials: False becomes true: S3 answers every rule that "
                    "lists origins (not '*') with 'Access-Control-Allow-Credentials: "
                    "true', so pages on those origins may send credentialed requests "
                    "(cookies, HTTP authentication) to the bucket and read the "
                    "answers, which the API refuses; fix: nothing, if the bucket "
                    "authenticates with signatures, as S3 does (cookies give no "
                    "access); or allow_origins=['*'] for a public bucket"
                ),
            ),
        ],
    ),
    "patterns_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "https://*.example.com",
                        "http://localhost:*",
                        "http://localhost",
                        "https://*.example.org",
                        "https://app.example.com",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "origin_narrowed",
                "narrower",
                (
                    "allow_origins: 'https://*.example.com:*' is written as "
                    "'https://*.example.com': S3 allows one '*' per origin, so the "
                    "bucket refuses these subdomains on any other port than the "
                    "default, which the API allows; fix: list the ports too, e.g. "
                    "'https://*.example.com:8443'"
                ),
            ),
        ],
    ),
    "everything_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "*",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                        "PUT",
                        "DELETE",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "ExposeHeaders": [
                        "*",
                    ],
                },
            ],
        },
        [
            (
                "method_left_out",
                "narrower",
                (
                    "allow_methods: '*' is written as 'GET', 'HEAD', 'POST', 'PUT', "
                    "'DELETE': S3 allows only GET, PUT, HEAD, POST, DELETE, so the "
                    "bucket refuses 'PATCH', 'OPTIONS' requests, which the API allows; "
                    "fix: send one of those to the bucket (PUT to replace an object)"
                ),
            ),
        ],
    ),
    "everything_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                    "PUT",
                    "DELETE",
                    "PATCH",
                    "OPTIONS",
                ],
                "responseHeader": [
                    "*",
                ],
                "maxAgeSeconds": 7,
            },
        ],
        [],
    ),
    "a_lowercase_method_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "accept",
                    "accept-language",
                    "content-language",
                    "content-type",
                ],
            },
        ],
        [
            (
                "method_left_out",
                "narrower",
                (
                    "allow_methods: 'patch' is left out: GCS methods are written "
                    "uppercase, so the bucket refuses this method, which the API "
                    "allows; fix: write it uppercase: pages send 'PATCH' as written"
                ),
            ),
        ],
    ),
    "two_lowercase_methods_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "accept",
                    "accept-language",
                    "content-language",
                    "content-type",
                ],
            },
        ],
        [
            (
                "method_left_out",
                "narrower",
                (
                    "allow_methods: 'patch', 'purge' are left out: GCS methods are "
                    "written uppercase, so the bucket refuses these methods, which the "
                    "API allows; fix: write it uppercase: pages send 'PATCH' as written"
                ),
            ),
        ],
    ),
    "no_s3_method_to_s3": (
        "error",
        [
            (
                "allow_methods: 'PATCH' leaves no method S3 allows (S3 allows only "
                "GET, PUT, HEAD, POST, DELETE), so the bucket would allow nothing; "
                "fix: send one of those to the bucket (PUT to replace an object)"
            ),
        ],
    ),
    "no_s3_methods_to_s3": (
        "error",
        [
            (
                "allow_methods: 'PATCH', 'OPTIONS' leave no method S3 allows (S3 "
                "allows only GET, PUT, HEAD, POST, DELETE), so the bucket would allow "
                "nothing; fix: send one of those to the bucket (PUT to replace an "
                "object)"
            ),
        ],
    ),
    "no_gcs_method_to_gcs": (
        "error",
        [
            (
                "allow_methods: 'patch' leaves no method GCS allows (GCS methods are "
                "written uppercase), so the bucket would allow nothing; fix: write it "
                "uppercase: pages send 'PATCH' as written"
            ),
        ],
    ),
    "no_gcs_methods_to_gcs": (
        "error",
        [
            (
                "allow_methods: 'patch', 'purge' leave no method GCS allows (GCS "
                "methods are written uppercase), so the bucket would allow nothing; "
                "fix: write it uppercase: pages send 'PATCH' as written"
            ),
        ],
    ),
    "one_simple_method_unlisted_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "PUT",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "simple_method_refused",
                "narrower",
                (
                    "allow_methods: 'POST' is not listed: the API answers such "
                    "requests from every allowed origin when they need no preflight "
                    "(allow_methods governs preflights), but S3 matches every request "
                    "by its method, so the bucket refuses them; fix: add it to "
                    "allow_methods if pages send it to the bucket"
                ),
            ),
        ],
    ),
    "two_simple_methods_unlisted_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "DELETE",
                ],
                "responseHeader": [
                    "accept",
                    "accept-language",
                    "content-language",
                    "content-type",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "simple_method_refused",
                "narrower",
                (
                    "allow_methods: 'HEAD', 'POST' are not listed: the API answers "
                    "such requests from every allowed origin when they need no "
                    "preflight (allow_methods governs preflights), but GCS matches "
                    "every request by its method, so the bucket refuses them; fix: add "
                    "them to allow_methods if pages send them to the bucket"
                ),
            ),
        ],
    ),
    "patch_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "method_left_out",
                "narrower",
                (
                    "allow_methods: 'PATCH' is left out: S3 allows only GET, PUT, "
                    "HEAD, POST, DELETE, so the bucket refuses this method, which the "
                    "API allows; fix: send one of those to the bucket (PUT to replace "
                    "an object)"
                ),
            ),
        ],
    ),
    "patch_and_options_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "method_left_out",
                "narrower",
                (
                    "allow_methods: 'PATCH', 'OPTIONS' are left out: S3 allows only "
                    "GET, PUT, HEAD, POST, DELETE, so the bucket refuses these "
                    "methods, which the API allows; fix: send one of those to the "
                    "bucket (PUT to replace an object)"
                ),
            ),
        ],
    ),
    "header_patterns_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "content-type",
                        "x-amz-meta-*",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "header_left_out",
                "narrower",
                (
                    "allow_headers: 'x-*-*-id' is left out: S3 allows one '*' per "
                    "header name, so the bucket refuses preflights asking for a header "
                    "only this pattern allows, which the API allows; fix: split it, "
                    "e.g. 'x-amz-meta-*'"
                ),
            ),
        ],
    ),
    "two_long_header_patterns_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [
            (
                "header_left_out",
                "narrower",
                (
                    "allow_headers: 'x-*-*-id', 'y-*-*-z' are left out: S3 allows one "
                    "'*' per header name, so the bucket refuses preflights asking for "
                    "a header only these patterns allow, which the API allows; fix: "
                    "split them, e.g. 'x-amz-meta-*'"
                ),
            ),
        ],
    ),
    "header_patterns_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "x-token",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "header_left_out",
                "narrower",
                (
                    "allow_headers: 'x-amz-meta-*', 'x-goog-meta-*' are left out: GCS "
                    "lists header names, so the bucket refuses preflights asking for a "
                    "header only these patterns allow, which the API allows; fix: list "
                    "the header names pages send"
                ),
            ),
        ],
    ),
    "expose_everything_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "ExposeHeaders": [
                        "*",
                    ],
                    "MaxAgeSeconds": 600,
                },
            ],
        },
        [],
    ),
    "expose_everything_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "*",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "request_headers_widened",
                "wider",
                (
                    "expose_headers: '*' makes responseHeader '*', which GCS also "
                    "reads as the request headers a preflight may ask for, so pages "
                    "may send any request header ('authorization' included) to the "
                    "bucket, which the API refuses; fix: list the exposed headers "
                    "instead of '*'"
                ),
            ),
        ],
    ),
    "allow_every_header_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "*",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "expose_widened",
                "wider",
                (
                    "allow_headers: '*' makes responseHeader '*', which GCS also reads "
                    "as the response headers scripts may read, so pages may read every "
                    "response header of the bucket (x-goog-meta-* metadata included), "
                    "which the API hides; fix: list the allowed request headers "
                    "instead of '*'"
                ),
            ),
        ],
    ),
    "headers_and_exposed_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "X-B",
                    "accept",
                    "content-type",
                    "x-c",
                    "x-a",
                    "X-D",
                    "content-length",
                    "Cookie",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "request_headers_widened",
                "wider",
                (
                    "expose_headers: 'x-d' is also allowed as a request header: GCS "
                    "uses one responseHeader list for the headers it exposes and those "
                    "a preflight may ask for, so pages may send it to the bucket, "
                    "which the API refuses; fix: nothing, if the bucket ignores it in "
                    "requests"
                ),
            ),
            (
                "expose_widened",
                "wider",
                (
                    "allow_headers: 'x-b', 'x-c' are also exposed: GCS uses one "
                    "responseHeader list for the request headers a preflight may ask "
                    "for and the headers it exposes, so scripts may read these "
                    "response headers, which the API hides; fix: nothing, if the "
                    "bucket's responses carry no such header, or nothing secret in them"
                ),
            ),
        ],
    ),
    "one_header_each_to_gcs": (
        [
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
                "responseHeader": [
                    "x-b",
                    "x-d",
                ],
                "maxAgeSeconds": 600,
            },
        ],
        [
            (
                "request_headers_widened",
                "wider",
                (
                    "expose_headers: 'x-d' is also allowed as a request header: GCS "
                    "uses one responseHeader list for the headers it exposes and those "
                    "a preflight may ask for, so pages may send it to the bucket, "
                    "which the API refuses; fix: nothing, if the bucket ignores it in "
                    "requests"
                ),
            ),
            (
                "expose_widened",
                "wider",
                (
                    "allow_headers: 'x-b' is also exposed: GCS uses one responseHeader "
                    "list for the request headers a preflight may ask for and the "
                    "headers it exposes, so scripts may read this response header, "
                    "which the API hides; fix: nothing, if the bucket's responses "
                    "carry no such header, or nothing secret in it"
                ),
            ),
        ],
    ),
    "credentials_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "accept",
                        "accept-language",
                        "content-language",
                        "content-type",
                    ],
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "https://app.example.com",
                    ],
                },
            ],
        },
        [],
    ),
    "no_credentials_to_s3": (
        {
            "CORSRules": [
                {
                    "AllowedMethods": [
                        "GET",
                        "HEAD",
                        "POST",
                    ],
                    "AllowedOrigins": [
                        "https://app.example.com",
                    ],
                },
            ],
        },
        [
            (
                "credentials_added",
                "wider",
                (
                    "allow_credentials: False becomes true: S3 answers every rule that "
                    "lists origins (not '*') with 'Access-Control-Allow-Credentials: "
                    "true', so pages on those origins may send credentialed requests "
                    "(cookies, HTTP authentication) to the bucket and read the "
                    "answers, which the API refuses; fix: nothing, if the bucket "
                    "authenticates with signatures, as S3 does (cookies give no "
                    "access); or allow_origins=['*'] for a public bucket"
                ),
            ),
        ],
    ),
    "credentials_to_gcs": (
        [
            {
                "origin": [
                    "https://app.example.com",
                ],
                "method": [
                    "GET",
                    "HEAD",
                    "POST",
                ],
            },
        ],
        [
            (
                "credentials_left_out",
                "narrower",
                (
                    "allow_credentials: True is left out: GCS never sends "
                    "'Access-Control-Allow-Credentials', so the bucket refuses "
                    "credentialed requests (cookies, HTTP authentication), which the "
                    "API allows; fix: send the bucket's requests without credentials "
                    "(signed URLs and 'Authorization' headers need none)"
                ),
            ),
        ],
    ),
    "s3_rules_to_gcs": (
        "error",
        [
            (
                "CORSRules[0].AllowedOrigins: 'https://*.example.com' is a pattern, "
                "and GCS matches origins exactly (only '*' alone is a wildcard); fix: "
                "list each one"
            ),
            (
                "CORSRules[0].AllowedHeaders: 'x-amz-*' is a pattern, and GCS lists "
                "header names (or '*' alone); fix: list each one"
            ),
        ],
    ),
    "s3_rules_to_gcs_with_warnings_only": (
        [
            {
                "origin": [
                    "https://app.example.com",
                ],
                "method": [
                    "GET",
                ],
                "responseHeader": [
                    "x-b",
                ],
            },
            {
                "origin": [
                    "*",
                ],
                "method": [
                    "PUT",
                ],
                "responseHeader": [
                    "*",
                ],
            },
        ],
        [
            (
                "credentials_left_out",
                "narrower",
                (
                    "CORSRules[0].AllowedOrigins: 'https://app.example.com' lose "
                    "'Access-Control-Allow-Credentials: true': GCS never sends it, so "
                    "the bucket refuses credentialed requests (cookies, HTTP "
                    "authentication) from them, which the S3 rules allow; fix: send "
                    "the bucket's requests without credentials (signed URLs and "
                    "'Authorization' headers need none)"
                ),
            ),
            (
                "request_headers_widened",
                "wider",
                (
                    "CORSRules[1].ExposeHeaders: '*' makes responseHeader '*', which "
                    "GCS also reads as the request headers a preflight may ask for, so "
                    "pages may send any request header ('authorization' included) to "
                    "the bucket, which the S3 rules refuse; fix: list the exposed "
                    "headers instead of '*'"
                ),
            ),
        ],
    ),
    "gcs_rules_to_s3": (
        "error",
        [
            (
                "cors[0].method: 'PATCH' is not a method S3 allows (GET, PUT, HEAD, "
                "POST, DELETE); fix: remove it"
            ),
            (
                "cors[1].method: '*' cannot be written for S3, which allows only GET, "
                "PUT, HEAD, POST, DELETE; fix: list the methods"
            ),
        ],
    ),
    "gcs_rules_to_s3_with_warnings_only": (
        {
            "CORSRules": [
                {
                    "AllowedHeaders": [
                        "x-a",
                    ],
                    "AllowedMethods": [
                        "GET",
                    ],
                    "AllowedOrigins": [
                        "*",
                    ],
                    "ExposeHeaders": [
                        "x-a",
                    ],
                },
                {
                    "AllowedMethods": [
                        "PUT",
                    ],
                    "AllowedOrigins": [
                        "https://app.example.com",
                    ],
                },
            ],
        },
        [
            (
                "method_left_out",
                "narrower",
                (
                    "cors[0].method: 'OPTIONS' is left out: S3 allows no OPTIONS rule, "
                    "so the bucket refuses OPTIONS requests a page sends itself "
                    "(preflights need no rule), which the GCS rules allow; fix: "
                    "nothing to do, unless pages send OPTIONS requests themselves"
                ),
            ),
            (
                "credentials_added",
                "wider",
                (
                    "cors[1].origin: 'https://app.example.com' are answered with "
                    "'Access-Control-Allow-Credentials: true' by S3 (every rule that "
                    "lists origins, not '*'), which GCS never sends, so pages on those "
                    "origins may send credentialed requests (cookies, HTTP "
                    "authentication) to the bucket and read the answers, which the GCS "
                    "rules refuse; fix: nothing, if the bucket authenticates with "
                    "signatures, as S3 does (cookies give no access); or use '*' for a "
                    "public bucket"
                ),
            ),
        ],
    ),
    "s3_rules_to_s3": (
        {
            "CORSRules": [
                {
                    "ID": "i",
                    "AllowedHeaders": [
                        "x-*",
                    ],
                    "AllowedMethods": [
                        "GET",
                    ],
                    "AllowedOrigins": [
                        "https://*.example.com",
                    ],
                },
            ],
        },
        [],
    ),
    "gcs_rules_to_gcs": (
        [
            {
                "origin": [
                    "https://app.example.com",
                ],
                "method": [
                    "GET",
                ],
                "responseHeader": [
                    "*",
                ],
            },
        ],
        [],
    ),
    "path_rules_to_s3": (
        "error",
        [
            (
                "paths are per-path rules, and an S3 bucket has one CORS configuration "
                "for all its objects; fix: export the policy of the bucket's paths "
                "(rules.for_path('/...'))"
            ),
            (
                "paths['/a/*'].allow_origins: 'null' leaves no origin S3 can match, so "
                "the bucket would allow none; fix: list the origins the bucket serves "
                "in allow_origins"
            ),
            (
                "paths['/b/*'].cors[0].method: 'PATCH' is not a method S3 allows (GET, "
                "PUT, HEAD, POST, DELETE); fix: remove it"
            ),
            (
                "default.allow_methods: 'PATCH' leaves no method S3 allows (S3 allows "
                "only GET, PUT, HEAD, POST, DELETE), so the bucket would allow "
                "nothing; fix: send one of those to the bucket (PUT to replace an "
                "object)"
            ),
        ],
    ),
    "path_rules_to_gcs": (
        "error",
        [
            (
                "paths are per-path rules, and a GCS bucket has one CORS configuration "
                "for all its objects; fix: export the policy of the bucket's paths "
                "(rules.for_path('/...'))"
            ),
            (
                "paths['/a/*'].allow_methods: 'patch' leaves no method GCS allows (GCS "
                "methods are written uppercase), so the bucket would allow nothing; "
                "fix: write it uppercase: pages send 'PATCH' as written"
            ),
        ],
    ),
    "not_a_policy": (
        "error",
        [
            (
                "policy: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, "
                "17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, "
                "34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, "
                "51, 5 is not a CORSPolicy or a BucketPolicy; fix: pass "
                "CORSPolicy(...) or from_s3(...) / from_gcs(...)"
            ),
        ],
    ),
}

#: What strict=True raises where the plain export raises too (its errors, then
#: every warning as a problem); elsewhere it is derived from the warnings.
STRICT: dict[str, list[str]] = {
    "only_a_regex_to_s3": [
        (
            "allow_origins: allow_origin_regex 'https://[a-z]+\\\\.example\\\\.org' "
            "leaves no origin S3 can match, so the bucket would allow none; fix: list "
            "the origins the bucket serves in allow_origins"
        ),
        (
            "allow_origin_regex: 'https://[a-z]+\\\\.example\\\\.org' is left out: S3 "
            "matches origins by text (one '*' at most), so the bucket refuses the "
            "origins only the regex allows, which the API allows; fix: list those "
            "origins in allow_origins"
        ),
        (
            "allow_credentials: False becomes true: S3 answers every rule that lists "
            "origins (not '*') with 'Access-Control-Allow-Credentials: true', so pages "
            "on those origins may send credentialed requests (cookies, HTTP "
            "authentication) to the bucket and read the answers, which the API "
            "refuses; fix: nothing, if the bucket authenticates with signatures, as S3 "
            "does (cookies give no access); or allow_origins=['*'] for a public bucket"
        ),
    ],
    "only_a_predicate_to_s3": [
        (
            "allow_origins: allow_origin_predicate leaves no origin S3 can match, so "
            "the bucket would allow none; fix: list the origins the bucket serves in "
            "allow_origins"
        ),
        (
            "allow_origin_predicate: Partners() is left out: it is code, which an S3 "
            "bucket cannot run, so the bucket refuses the origins only the predicate "
            "allows, which the API allows; fix: list those origins in allow_origins"
        ),
        (
            "allow_credentials: False becomes true: S3 answers every rule that lists "
            "origins (not '*') with 'Access-Control-Allow-Credentials: true', so pages "
            "on those origins may send credentialed requests (cookies, HTTP "
            "authentication) to the bucket and read the answers, which the API "
            "refuses; fix: nothing, if the bucket authenticates with signatures, as S3 "
            "does (cookies give no access); or allow_origins=['*'] for a public bucket"
        ),
    ],
    "two_regexes_and_null_to_gcs": [
        (
            "allow_origins: allow_origin_regex 'https://a\\\\.example\\\\.org', "
            "'https://b\\\\.example\\\\.org', 'null' leave no origin GCS can match, so "
            "the bucket would allow none; fix: list the origins the bucket serves in "
            "allow_origins"
        ),
        (
            "allow_origin_regex: 'https://a\\\\.example\\\\.org', "
            "'https://b\\\\.example\\\\.org' is left out: GCS matches origins by text "
            "(exactly, or '*'), so the bucket refuses the origins only the regex "
            "allows, which the API allows; fix: list those origins in allow_origins"
        ),
        (
            "allow_origins: 'null' is left out: bucket rules cannot name the opaque "
            "origin, which any sandboxed page sends, so the bucket refuses requests "
            "with 'Origin: null' (sandboxed frames, file:// pages), which the API "
            "allows; fix: use allow_origins=['*'] for a public bucket, or serve those "
            "pages from an origin"
        ),
    ],
    "only_a_pattern_to_gcs": [
        (
            "allow_origins: 'https://*.example.com' leaves no origin GCS can match, so "
            "the bucket would allow none; fix: list the origins the bucket serves in "
            "allow_origins"
        ),
        (
            "allow_origins: 'https://*.example.com' is left out: GCS matches origins "
            "exactly (only '*' alone is a wildcard), so the bucket refuses the origins "
            "only this pattern allows, which the API allows; fix: list each origin the "
            "bucket serves"
        ),
    ],
    "no_origin_at_all_to_s3": [
        (
            "allow_origins: [] leaves no origin S3 can match, so the bucket would "
            "allow none; fix: list the origins the bucket serves in allow_origins"
        ),
        (
            "allow_credentials: False becomes true: S3 answers every rule that lists "
            "origins (not '*') with 'Access-Control-Allow-Credentials: true', so pages "
            "on those origins may send credentialed requests (cookies, HTTP "
            "authentication) to the bucket and read the answers, which the API "
            "refuses; fix: nothing, if the bucket authenticates with signatures, as S3 "
            "does (cookies give no access); or allow_origins=['*'] for a public bucket"
        ),
    ],
    "s3_rules_to_gcs": [
        (
            "CORSRules[0].AllowedOrigins: 'https://*.example.com' is a pattern, and "
            "GCS matches origins exactly (only '*' alone is a wildcard); fix: list "
            "each one"
        ),
        (
            "CORSRules[0].AllowedHeaders: 'x-amz-*' is a pattern, and GCS lists header "
            "names (or '*' alone); fix: list each one"
        ),
        (
            "CORSRules[0].AllowedOrigins: 'https://*.example.com', "
            "'https://app.example.com' lose 'Access-Control-Allow-Credentials: true': "
            "GCS never sends it, so the bucket refuses credentialed requests (cookies, "
            "HTTP authentication) from them, which the S3 rules allow; fix: send the "
            "bucket's requests without credentials (signed URLs and 'Authorization' "
            "headers need none)"
        ),
        (
            "CORSRules[0].ExposeHeaders: 'etag' is also allowed as a request header: "
            "GCS uses one responseHeader list for the headers it exposes and those a "
            "preflight may ask for, so pages may send it to the bucket, which the S3 "
            "rules refuse; fix: nothing, if the bucket ignores it in requests"
        ),
        (
            "CORSRules[0].AllowedHeaders: 'x-amz-*', 'x-token' are also exposed: GCS "
            "uses one responseHeader list for the request headers a preflight may ask "
            "for and the headers it exposes, so scripts may read these response "
            "headers, which the S3 rules hide; fix: nothing, if the bucket's responses "
            "carry no such header, or nothing secret in them"
        ),
        (
            "CORSRules[1].AllowedHeaders: '*' makes responseHeader '*', which GCS also "
            "reads as the response headers scripts may read, so pages may read every "
            "response header of the bucket (x-goog-meta-* metadata included), which "
            "the S3 rules hide; fix: list the allowed request headers instead of '*'"
        ),
        (
            "CORSRules[2].ExposeHeaders: '*' makes responseHeader '*', which GCS also "
            "reads as the request headers a preflight may ask for, so pages may send "
            "any request header ('authorization' included) to the bucket, which the S3 "
            "rules refuse; fix: list the exposed headers instead of '*'"
        ),
        (
            "CORSRules[3].ExposeHeaders: 'x-a' is also allowed as a request header: "
            "GCS uses one responseHeader list for the headers it exposes and those a "
            "preflight may ask for, so pages may send it to the bucket, which the S3 "
            "rules refuse; fix: nothing, if the bucket ignores it in requests"
        ),
        (
            "CORSRules[3].AllowedHeaders: 'x-b', 'x-c' are also exposed: GCS uses one "
            "responseHeader list for the request headers a preflight may ask for and "
            "the headers it exposes, so scripts may read these response headers, which "
            "the S3 rules hide; fix: nothing, if the bucket's responses carry no such "
            "header, or nothing secret in them"
        ),
        (
            "CORSRules[4].ExposeHeaders: 'x-a', 'x-e' are also allowed as request "
            "headers: GCS uses one responseHeader list for the headers it exposes and "
            "those a preflight may ask for, so pages may send them to the bucket, "
            "which the S3 rules refuse; fix: nothing, if the bucket ignores them in "
            "requests"
        ),
        (
            "CORSRules[4].AllowedHeaders: 'x-b' is also exposed: GCS uses one "
            "responseHeader list for the request headers a preflight may ask for and "
            "the headers it exposes, so scripts may read this response header, which "
            "the S3 rules hide; fix: nothing, if the bucket's responses carry no such "
            "header, or nothing secret in it"
        ),
    ],
    "gcs_rules_to_s3": [
        (
            "cors[0].method: 'PATCH' is not a method S3 allows (GET, PUT, HEAD, POST, "
            "DELETE); fix: remove it"
        ),
        (
            "cors[1].method: '*' cannot be written for S3, which allows only GET, PUT, "
            "HEAD, POST, DELETE; fix: list the methods"
        ),
        (
            "cors[0].origin: 'https://app.example.com', 'https://b.example.com' are "
            "answered with 'Access-Control-Allow-Credentials: true' by S3 (every rule "
            "that lists origins, not '*'), which GCS never sends, so pages on those "
            "origins may send credentialed requests (cookies, HTTP authentication) to "
            "the bucket and read the answers, which the GCS rules refuse; fix: "
            "nothing, if the bucket authenticates with signatures, as S3 does (cookies "
            "give no access); or use '*' for a public bucket"
        ),
        (
            "cors[0].method: 'OPTIONS' is left out: S3 allows no OPTIONS rule, so the "
            "bucket refuses OPTIONS requests a page sends itself (preflights need no "
            "rule), which the GCS rules allow; fix: nothing to do, unless pages send "
            "OPTIONS requests themselves"
        ),
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_export_writes_and_names_every_difference_exactly(name: str) -> None:
    assert outcome(name, strict=False) == EXPECTED[name]


@pytest.mark.parametrize("name", list(CASES))
def test_strict_raises_the_errors_then_every_warning(name: str) -> None:
    config, found = EXPECTED[name]
    if config == "error":
        expected = ("error", STRICT.get(name, found))
    elif found:
        expected = ("error", [line for _, _, line in found])
    else:
        expected = (config, [])
    assert outcome(name, strict=True) == expected


def test_json_is_indented_printable_ascii() -> None:
    bucket = from_s3(
        {"CORSRules": [{"ID": "café", "AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
    )
    assert export(bucket, "s3").json() == (
        '{\n  "CORSRules": [\n    {\n      "ID": "caf\\u00e9",\n      "AllowedMethods": [\n'
        '        "GET"\n      ],\n      "AllowedOrigins": [\n        "*"\n      ]\n    }\n  ]\n}'
    )


def test_to_s3_warns_at_the_callers_line_and_logs_each_difference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = policy(allow_origins=[APP], allow_methods=["GET", "HEAD", "PUT"], max_age=None)
    # The same sentences as for these policies alone (see the table above).
    simple = EXPECTED["one_simple_method_unlisted_to_s3"][1][0][2]
    credentials = EXPECTED["no_credentials_to_s3"][1][0][2]
    with (
        caplog.at_level(logging.INFO, logger="cors_core"),
        pytest.warns(CORSConfigWarning) as caught,
    ):
        config = to_s3(api)
    assert config == {
        "CORSRules": [
            {
                "AllowedHeaders": ["accept", "accept-language", "content-language", "content-type"],
                "AllowedMethods": ["GET", "HEAD", "PUT"],
                "AllowedOrigins": [APP],
            }
        ]
    }
    assert [str(w.message) for w in caught] == [simple, credentials]
    # Never inside the library (its own frames are skipped): see the next test for where.
    library = str(Path(cors_core.__file__).parent)
    assert [w.filename.startswith(library) for w in caught] == [False, False]
    assert [r.getMessage() for r in caplog.records] == [
        f"CORS configuration warning: {simple}",
        f"CORS configuration warning: {credentials}",
    ]


def test_to_gcs_without_a_difference_warns_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config = to_gcs(policy(allow_origins=["*"], allow_methods=SIMPLE, max_age=None))
    assert config == [
        {
            "origin": ["*"],
            "method": SIMPLE,
            "responseHeader": ["accept", "accept-language", "content-language", "content-type"],
        }
    ]


def test_to_s3_warnings_point_at_the_callers_line() -> None:
    """(Deselected in mutation runs: mutmut's trampoline is the caller there.)"""
    with pytest.warns(CORSConfigWarning) as caught:
        to_s3(policy(allow_origins=[APP], allow_methods=SIMPLE))
    assert [w.filename for w in caught] == [__file__]
