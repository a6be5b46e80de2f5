"""Object-storage CORS rules (Amazon S3, Google Cloud Storage): read, enforce, export.

A front end often talks to two servers: your API and a bucket. Each has its own CORS
configuration. This module reads a bucket's rules (:func:`from_s3`, :func:`from_gcs`),
checks them the way :class:`~cors_core.CORSPolicy` checks its options
(:func:`bucket_problems`), decides requests exactly as the provider matches them
(:class:`BucketPolicy`, usable wherever a ``CORSPolicy`` is), and writes a policy as a
bucket's rules (:func:`to_s3`, :func:`to_gcs`; :func:`export` also returns every way the
bucket answers differently, as :class:`ExportWarning` values).

Example::

    >>> from cors_core.buckets import from_s3, to_gcs
    >>> bucket = from_s3('''{"CORSRules": [{"AllowedOrigins": ["*"],
    ...     "AllowedMethods": ["GET", "HEAD"], "ExposeHeaders": ["Content-Length"]}]}''')
    >>> bucket.decide("GET", "https://app.example.com").headers
    (('Access-Control-Allow-Origin', '*'), ('Access-Control-Expose-Headers', 'Content-Length'))
    >>> to_gcs(bucket)
    [{'origin': ['*'], 'method': ['GET', 'HEAD'], 'responseHeader': ['Content-Length']}]

What the providers do (the facts this module encodes, with their sources)
--------------------------------------------------------------------------

Amazon S3
    - Rules are evaluated in order and the **first matching rule** answers: its
      ``AllowedOrigins`` must match ``Origin``, its ``AllowedMethods`` the method (the
      ``Access-Control-Request-Method`` on a preflight), and on a preflight every name of
      ``Access-Control-Request-Headers`` must match an ``AllowedHeaders`` entry.
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
      ("How does Amazon S3 evaluate the CORS configuration on a bucket?") and
      https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
    - ``AllowedMethods``: only ``GET``, ``PUT``, ``POST``, ``DELETE``, ``HEAD``; anything
      else is refused ("Found unsupported HTTP method in CORS config"), lowercase names too.
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html,
      https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html; the error text
      is recorded against AWS in LocalStack's validated snapshot
      (https://github.com/localstack/localstack, ``tests/aws/services/s3/test_s3_cors*``);
      lowercase refused: https://github.com/scality/cloudserver/pull/521
    - ``AllowedOrigins``: each entry may hold **one** ``*`` wildcard
      (``http://*.example.com``); ``*`` alone allows every origin. The match is on the whole
      ``Origin`` text (``http://*.origin.com`` does not match ``http://test.origin.com/``,
      LocalStack's AWS-validated test), and the ``*`` stands for any text, dots included
      (``https://*.example.com`` matches ``https://a.b.example.com``). Whether ``*`` may match
      nothing is not documented; this module follows LocalStack (one or more characters).
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html
    - ``AllowedHeaders`` may hold one ``*`` each (``x-amz-*``; ``*`` alone: any header) and
      are compared case-insensitively; S3 answers with the requested names.
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html; case:
      https://github.com/localstack/localstack/issues/9957 (and PR 9973, validated on AWS)
    - At most **100 rules**; ``ID`` at most 255 characters; an empty list is refused.
      https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSConfiguration.html,
      https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html
    - What S3 sends for a matching rule
      (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html, and
      LocalStack's snapshot, recorded against AWS):
      ``Access-Control-Allow-Origin: *`` when the rule's origins hold ``*``, otherwise the
      request's origin **and** ``Access-Control-Allow-Credentials: true``;
      ``Access-Control-Allow-Methods`` (the rule's methods), ``Access-Control-Allow-Headers``
      (the requested names), ``Access-Control-Expose-Headers``, ``Access-Control-Max-Age``
      and ``Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method``.
      A preflight that matches gets ``200`` with an empty body.
    - A preflight no rule matches gets ``403`` with ``AccessForbidden`` "CORSResponse: This
      CORS request is not allowed. This is usually because the evalution of Origin, request
      method / Access-Control-Request-Method or Access-Control-Request-Headers are not
      whitelisted by the resource's CORS spec."; an actual request no rule matches gets no
      CORS header (and no ``Vary``).
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html

Google Cloud Storage
    - A JSON list of entries ``{"origin": [...], "method": [...], "responseHeader": [...],
      "maxAgeSeconds": n}`` (``gcloud storage buckets update gs://B --cors-file=F``;
      ``[]`` removes the configuration); the bucket resource holds it under ``"cors"``.
      https://cloud.google.com/storage/docs/using-cors,
      https://cloud.google.com/storage/docs/cors-configurations
    - ``"*"`` is permitted in ``origin`` ("any Origin") and in ``method`` ("any method");
      no partial wildcard is documented, so ``https://*.example.com`` is refused here.
      https://cloud.google.com/storage/docs/json_api/v1/buckets (``cors[].origin``,
      ``cors[].method``)
    - ``responseHeader`` is one list used both ways: the request headers a preflight may ask
      for (a preflight asking for an unlisted header gets no CORS headers,
      https://github.com/googleapis/nodejs-storage/issues/1145) and the response headers
      scripts may read ("headers ... to give permission for the user-agent to share across
      domains", JSON API reference).
    - ``Access-Control-Allow-Origin`` carries the request's ``Origin`` value
      (https://cloud.google.com/storage/docs/cross-origin, "How CORS works"); GCS documents
      no ``Access-Control-Allow-Credentials``, so this module never sends it for GCS rules
      (credentialed requests fail, as with cookie-authenticated
      ``storage.cloud.google.com`` downloads, which allow no CORS at all).
    - A preflight no entry matches gets ``200`` without CORS headers (the same
      googleapis/nodejs-storage thread). The **first entry** matching the origin and the
      method answers ("the first Cors configuration matching the Origin and Method",
      https://cloud.google.com/storage/docs/xml-api/get-bucket-cors), as with S3.

Deliberate differences (this module is Fetch-exact first, provider-faithful second)
    - A refused preflight gets ``403`` and the reason (``text/plain``, see
      :mod:`cors_core._rejection`), for both providers.
    - Actual responses carry only ``Access-Control-Allow-Origin``, the credentials header
      and ``Access-Control-Expose-Headers`` (S3 also repeats ``Allow-Methods`` and
      ``Max-Age``, which browsers ignore there); every response, allowed, refused or
      without ``Origin``, varies on ``Origin``.
    - A preflight's ``Vary`` is the project's
      ``Origin, Access-Control-Request-Method, Access-Control-Request-Headers,
      Access-Control-Request-Private-Network``.
    - Malformed ``Origin`` values are never allowed, even by ``*``; ``OPTIONS`` without
      ``Access-Control-Request-Method`` is an actual request (S3 answers 400/403), and
      ``Access-Control-Request-*`` headers on other methods are ignored.
    - Private Network Access preflights are refused (neither provider answers them).

Configuration checks
    Errors (:func:`bucket_problems`, raised by :func:`from_s3`/:func:`from_gcs` as one
    :class:`~cors_core.ConfigError`): wrong shapes, unknown keys (with "did you mean"),
    missing or empty ``AllowedOrigins``/``AllowedMethods``, more than one ``*`` in an
    origin, origins with a path, a trailing slash, uppercase or a default port (they never
    match the text a browser sends), ``null``, methods the provider refuses or lowercase,
    invalid header names, non-integer or negative ``MaxAgeSeconds``, more than 100 S3 rules.
    Warnings (:class:`~cors_core.CORSConfigWarning`; ``strict=True`` makes them errors):
    what S3 answers with credentials from origins an attacker can produce (plain http,
    a ``*`` over a public suffix or outside your domain), and ``PUT``/``DELETE`` allowed to
    every origin.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from cors_core._config import _caller_stacklevel
from cors_core._errors import ConfigError, CORSConfigWarning
from cors_core._log import log_config_warning
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy
from cors_core.buckets._engine import BucketPolicy
from cors_core.buckets._export import (
    BucketExport,
    Effect,
    ExportWarning,
    export,
    export_rules,
)
from cors_core.buckets._parse import (
    BucketRule,
    Provider,
    bucket_problems,
    detect_provider,
    load_data,
    parse_rules,
)
from cors_core.integration import Engine

__all__ = [
    "BucketExport",
    "BucketPolicy",
    "BucketRule",
    "Effect",
    "ExportWarning",
    "Provider",
    "bucket_problems",
    "detect_provider",
    "export",
    "from_gcs",
    "from_s3",
    "to_gcs",
    "to_s3",
]

# A bucket's rules are an engine like CORSPolicy and PathRules (checked by mypy --strict).
_BUCKET_RULES_ARE_AN_ENGINE: type[Engine] = BucketPolicy

#: What :func:`from_s3` and :func:`from_gcs` read: JSON text, a file, or parsed data.
BucketConfig = str | bytes | os.PathLike[str] | Sequence[Any] | Mapping[str, Any]


def _build(config: BucketConfig, provider: Provider, strict: bool) -> BucketPolicy:
    data, problems = load_data(config, provider)
    if problems:
        raise ConfigError(problems)
    rules, errors, doubts = parse_rules(data, provider)
    if strict:
        errors, doubts = errors + doubts, []
    if errors:
        raise ConfigError(errors)
    if doubts:
        level = _caller_stacklevel()
        for doubt in doubts:
            log_config_warning(doubt)
            warnings.warn(CORSConfigWarning(doubt), stacklevel=level)
    return BucketPolicy(provider, rules)


def from_s3(config: BucketConfig, *, strict: bool = False) -> BucketPolicy:
    """An S3 bucket's CORS rules as a :class:`BucketPolicy`.

    ``config`` is JSON text (``str``/``bytes``), a file (``pathlib.Path``), or the parsed
    data: ``{"CORSRules": [...]}`` (the ``--cors-configuration file://cors.json`` of
    ``aws s3api put-bucket-cors``, and what ``get-bucket-cors`` prints) or the list of
    rules alone (the S3 console's editor). Every problem is raised at once in one
    :class:`~cors_core.ConfigError`, each at its place (``CORSRules[1].AllowedMethods[0]``);
    doubtful entries are :class:`~cors_core.CORSConfigWarning` (errors with ``strict``).

    >>> policy = from_s3([{"AllowedOrigins": ["https://app.example.com"],
    ...                    "AllowedMethods": ["GET", "PUT"]}])
    >>> policy.rules[0].methods
    ('GET', 'PUT')
    >>> from cors_core import ConfigError
    >>> try:
    ...     from_s3([{"AllowedOrigin": ["*"], "AllowedMethods": ["PATCH"]}])
    ... except ConfigError as exc:
    ...     for p in exc.problems:
    ...         print(p.option, "|", p.fix)
    CORSRules[0].AllowedOrigin | did you mean 'AllowedOrigins'?
    CORSRules[0].AllowedOrigins | add AllowedOrigins: [...]
    CORSRules[0].AllowedMethods[0] | use one of GET, PUT, HEAD, POST, DELETE ...
    """
    return _build(config, "s3", strict)


def from_gcs(config: BucketConfig, *, strict: bool = False) -> BucketPolicy:
    """A Cloud Storage bucket's CORS entries as a :class:`BucketPolicy`.

    ``config`` is JSON text, a file, or parsed data: the list of entries
    (``gcloud storage buckets update gs://B --cors-file=cors.json``) or a bucket resource
    holding it under ``"cors"`` (``gcloud storage buckets describe --format=json``; its
    other keys are ignored). Problems are raised as for :func:`from_s3`, at places such as
    ``cors[0].method[1]``.

    >>> policy = from_gcs('[{"origin": ["https://app.example.com"], "method": ["GET"],'
    ...                   ' "responseHeader": ["Content-Type"], "maxAgeSeconds": 3600}]')
    >>> policy.rules[0].expose_headers, policy.rules[0].max_age
    (('Content-Type',), 3600)
    """
    return _build(config, "gcs", strict)


def to_s3(policy: CORSPolicy | PathRules | BucketPolicy, *, strict: bool = False) -> dict[str, Any]:
    """The policy as S3 CORS rules: the JSON ``aws s3api put-bucket-cors --bucket B
    --cors-configuration file://cors.json`` takes (``json.dump`` it).

    A :class:`~cors_core.CORSPolicy` becomes one rule. ``https://*.example.com`` is
    written as it is: S3's ``*`` matches any text, dots included, so the bucket matches the
    same well-formed origins (one or more labels, never the apex). ``http://localhost:*``
    becomes that entry plus ``http://localhost`` (S3's ``*`` needs one character; the
    policy's ``:*`` also covers the default port). The methods and headers are the
    policy's, as listed.

    Each difference is a :class:`~cors_core.CORSConfigWarning` (:func:`export` returns
    them as :class:`ExportWarning` values instead): ``allow_credentials=False`` with
    listed origins (S3 sends ``Access-Control-Allow-Credentials: true`` for every rule
    without ``*``: wider), and, narrower, what is left out: origin regexes and
    predicates, ``null``, the ports of ``https://*.example.com:*``, methods other than
    GET, PUT, HEAD, POST, DELETE, header patterns with several ``*``,
    ``allow_private_network``, and GET, HEAD or POST missing from ``allow_methods``
    (the bucket matches requests that need no preflight by method too).
    ``strict=True`` raises them as errors. Raises :class:`~cors_core.ConfigError` for
    per-path rules, a policy left with no origin or no method, and GCS rules with
    methods S3 refuses. Options that shape
    only how this server answers (``preflight_status``, ``block_disallowed``,
    ``debug``, ``websocket_origins``) have no bucket equivalent and are left out.

    >>> to_s3(CORSPolicy(allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "PUT"],
    ...                  max_age=3000))
    {'CORSRules': [{'AllowedHeaders': ['accept', 'accept-language', 'content-language', \
'content-type'], 'AllowedMethods': ['GET', 'HEAD', 'POST', 'PUT'], 'AllowedOrigins': ['*'], \
'MaxAgeSeconds': 3000}]}
    """
    result: dict[str, Any] = export_rules(policy, "s3", strict)
    return result


def to_gcs(
    policy: CORSPolicy | PathRules | BucketPolicy, *, strict: bool = False
) -> list[dict[str, Any]]:
    """The policy as GCS CORS entries: the JSON ``gcloud storage buckets update gs://B
    --cors-file=cors.json`` takes.

    Each difference is a :class:`~cors_core.CORSConfigWarning` (:func:`export` returns
    them as :class:`ExportWarning` values instead). Narrower, what is left out:
    credentials (GCS never sends ``Access-Control-Allow-Credentials``), origin patterns,
    regexes and predicates (GCS matches origins exactly, or ``*``), ``null``, header
    patterns, lowercase methods, ``allow_private_network``, and GET, HEAD or POST
    missing from ``allow_methods``. Wider: GCS has one ``responseHeader`` list for
    allowed and exposed headers, so the headers only one of the lists names become
    both. ``strict=True`` raises them as errors. Raises :class:`~cors_core.ConfigError`
    for per-path rules, a policy left with no origin or no method, and S3 rules with
    origin or header patterns (leaving them out would hand requests to a later rule).

    >>> to_gcs(CORSPolicy(allow_origins=["https://app.example.com"], allow_headers="*",
    ...                   allow_methods="*", expose_headers=["*"], max_age=None))
    [{'origin': ['https://app.example.com'], \
'method': ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], \
'responseHeader': ['*']}]
    """
    result: list[dict[str, Any]] = export_rules(policy, "gcs", strict)
    return result
