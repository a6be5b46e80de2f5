"""Bucket rules wherever a CORSPolicy goes: both adapters, PathRules, Flask and Django,
judged by the browser model (:mod:`cors_core.browser`), with exact statuses and headers."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from wsgiref.validate import validator

import httpx
import pytest

from adapters.asgi import CORSMiddleware as ASGICORSMiddleware
from adapters.wsgi import CORSMiddleware as WSGICORSMiddleware
from cors_core import CORSConfigWarning, CORSPolicy, PathRules
from cors_core.browser import Response, Trip, simulate
from cors_core.buckets import BucketPolicy, from_gcs, from_s3
from cors_core.integration import Engine, resolve_policy
from cors_core.testing import assert_cors_allowed, assert_cors_allowed_async, cors_trip
from tests.scenario_table import Request, Result, call_asgi, call_wsgi

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "buckets" / "s3-cors.json"
APP = "https://app.example.com"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
EXPOSED = (
    "x-amz-request-id, x-amz-server-side-encryption, x-amz-version-id, Content-Length, "
    "Content-Type, Connection, Date, ETag, x-amz-delete-marker"
)
#: What the bucket-like inner app answers with: the headers S3 puts on an object.
OBJECT_HEADERS = [
    ("Content-Type", "image/png"),
    ("ETag", '"abc"'),
    ("x-amz-request-id", "R1"),
    ("x-amz-version-id", "V1"),
    ("x-amz-meta-secret", "hidden"),
]


def example_policy() -> BucketPolicy:
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        return from_s3(EXAMPLE)


async def asgi_object(scope: Any, receive: Any, send: Any) -> None:
    raw = [(n.lower().encode(), v.encode()) for n, v in OBJECT_HEADERS]
    await send({"type": "http.response.start", "status": 200, "headers": raw})
    await send({"type": "http.response.body", "body": b"object:" + scope["method"].encode()})


def wsgi_object(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", list(OBJECT_HEADERS))
    return [b"object:" + environ["REQUEST_METHOD"].encode()]


Stack = tuple[Any, Callable[[Any, Request], Result]]


def asgi_stack(policy: Engine) -> Stack:
    return ASGICORSMiddleware(asgi_object, policy=policy), call_asgi


def wsgi_stack(policy: Engine) -> Stack:
    return validator(WSGICORSMiddleware(validator(wsgi_object), policy=policy)), call_wsgi


STACKS = {"asgi": asgi_stack, "wsgi": wsgi_stack}


@pytest.fixture(params=sorted(STACKS))
def build(request: pytest.FixtureRequest) -> Callable[[Engine], Stack]:
    return STACKS[request.param]


def sender(stack: Stack, path: str = "/photos/cat.png") -> Any:
    app, call = stack

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        raw = [(b"host", b"bucket.example.com")]
        raw += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
        res = call(app, Request(method, path, tuple(raw)))
        return res.status, list(res.headers), res.body

    return send


def headers_of(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        assert name.lower() not in out, f"{name} sent twice: {pairs}"
        out[name.lower()] = value
    return out


def trip(stack: Stack, path: str = "/photos/cat.png", **options: Any) -> Trip:
    origin = options.pop("origin", APP)
    return simulate(sender(stack, path), origin=origin, **options)


# ------------------------------------------------------------- the example, both adapters


def test_example_any_origin_may_get_and_read_the_request_id(
    build: Callable[[Engine], Stack],
) -> None:
    stack = build(example_policy())
    for origin in (APP, "https://other.example.net", "http://localhost:3000"):
        t = trip(stack, origin=origin)
        assert t.verdict.code == "ok", t.steps
        assert t.preflight is None and t.actual is not None
        assert t.actual.status == 200 and t.actual.body == b"object:GET"
        got = headers_of(t.actual.response_headers)
        assert {k: v for k, v in got.items() if k.startswith("access-control-")} == {
            "access-control-allow-origin": "*",
            "access-control-expose-headers": EXPOSED,
        }
        assert got["vary"] == "Origin"
        assert {"x-amz-request-id", "x-amz-version-id", "etag"} <= t.readable_headers
        assert "x-amz-meta-secret" not in t.readable_headers


def test_example_put_with_amz_meta_and_png_passes_its_preflight(
    build: Callable[[Engine], Stack],
) -> None:
    t = trip(
        build(example_policy()),
        method="PUT",
        headers={"x-amz-meta-owner": "me", "Content-Type": "image/png"},
    )
    assert t.verdict.code == "ok", t.steps
    assert t.preflight is not None and t.actual is not None
    assert t.preflight.status == 200 and t.preflight.body == b""
    assert headers_of(t.preflight.response_headers) == {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "HEAD, PUT, GET, POST, DELETE",
        "access-control-allow-headers": "content-type, x-amz-meta-owner",
        "vary": PREFLIGHT_VARY,
        "content-type": "text/plain",
        "content-length": "0",
    }
    assert t.actual.method == "PUT" and t.actual.body == b"object:PUT"


def test_example_patch_is_blocked_at_its_preflight(build: Callable[[Engine], Stack]) -> None:
    t = trip(build(example_policy()), method="PATCH")
    assert t.verdict.code == "missing_allow_origin"
    assert t.actual is None and t.preflight is not None
    assert t.preflight.status == 403
    assert t.preflight.body == b"CORS preflight rejected (method_not_allowed)\n"
    assert headers_of(t.preflight.response_headers) == {
        "content-type": "text/plain; charset=utf-8",
        "content-length": str(len(t.preflight.body)),
        "x-content-type-options": "nosniff",
        "vary": PREFLIGHT_VARY,
    }


def test_example_credentialed_request_is_blocked_by_the_star(
    build: Callable[[Engine], Stack],
) -> None:
    stack = build(example_policy())
    get = trip(stack, credentials=True)
    assert get.verdict.code == "wildcard_with_credentials"
    assert get.readable_headers == frozenset()
    put = trip(stack, method="PUT", credentials=True)
    assert put.verdict.code == "wildcard_with_credentials" and put.actual is None


def test_example_without_origin_and_with_a_malformed_origin(
    build: Callable[[Engine], Stack],
) -> None:
    app, call = build(example_policy())
    plain = call(app, Request("GET", "/x", ((b"host", b"b.example"),)))
    assert plain.status == 200 and plain.cors() == {} and plain.get("vary") == "Origin"
    odd = call(app, Request("GET", "/x", ((b"origin", b"https://app.example.com/"),)))
    assert odd.status == 200 and odd.cors() == {} and odd.get("vary") == "Origin"
    bad = call(
        app,
        Request(
            "OPTIONS",
            "/x",
            (
                (b"origin", b"https://app.example.com\r\nx: 1"),
                (b"access-control-request-method", b"PUT"),
            ),
        ),
    )
    assert bad.status == 403 and bad.body == b"CORS preflight rejected (origin_malformed)\n"
    assert bad.cors() == {}


# ---------------------------------------------- credentialed rules, GCS, through both adapters


S3_RULES = {
    "CORSRules": [
        {
            "AllowedOrigins": ["https://app.example.com", "https://*.example.org"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["x-amz-*", "content-type"],
            "ExposeHeaders": ["ETag", "x-amz-request-id"],
            "MaxAgeSeconds": 600,
        }
    ]
}


def test_credentialed_rule_echoes_the_origin_and_allows_credentials(
    build: Callable[[Engine], Stack],
) -> None:
    stack = build(from_s3(S3_RULES))
    t = trip(
        stack,
        origin="https://cdn.example.org",
        method="PUT",
        credentials=True,
        headers={"X-Amz-Meta-Tag": "a"},
    )
    assert t.verdict.code == "ok", t.steps
    assert t.preflight is not None and t.actual is not None
    assert headers_of(t.preflight.response_headers) == {
        "access-control-allow-origin": "https://cdn.example.org",
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "x-amz-meta-tag",
        "access-control-max-age": "600",
        "vary": PREFLIGHT_VARY,
        "content-type": "text/plain",
        "content-length": "0",
    }
    assert t.readable_headers >= {"etag", "x-amz-request-id"}
    denied = trip(stack, origin="https://example.org", method="PUT")
    assert denied.verdict.code == "missing_allow_origin"
    assert denied.preflight is not None and denied.preflight.status == 403
    header = trip(stack, method="PUT", headers={"x-other": "1"})
    assert header.preflight is not None
    assert header.preflight.body == b"CORS preflight rejected (header_not_allowed)\n"


def test_gcs_entries_through_both_adapters(build: Callable[[Engine], Stack]) -> None:
    policy = from_gcs(
        [
            {
                "origin": ["https://app.example.com"],
                "method": ["GET", "PUT"],
                "responseHeader": ["Content-Type", "x-goog-meta-owner", "ETag"],
                "maxAgeSeconds": 3600,
            }
        ]
    )
    stack = build(policy)
    t = trip(stack, method="PUT", headers={"Content-Type": "image/png", "x-goog-meta-owner": "me"})
    assert t.verdict.code == "ok", t.steps
    assert t.preflight is not None and t.actual is not None
    assert headers_of(t.preflight.response_headers) == {
        "access-control-allow-origin": APP,
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "content-type, x-goog-meta-owner",
        "access-control-max-age": "3600",
        "vary": PREFLIGHT_VARY,
        "content-type": "text/plain",
        "content-length": "0",
    }
    assert "etag" in t.readable_headers
    assert trip(stack, credentials=True).verdict.code == "missing_allow_credentials"
    assert trip(stack, method="DELETE").verdict.code == "missing_allow_origin"


def test_httpx_asgi_transport_and_the_testing_helpers() -> None:
    policy = example_policy()
    app = ASGICORSMiddleware(asgi_object, policy=policy)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b.example") as c:
            await assert_cors_allowed_async(
                c,
                "/cat.png",
                origin=APP,
                method="PUT",
                headers={"x-amz-meta-a": "1", "Content-Type": "image/png"},
                readable=["x-amz-request-id"],
            )
            r = await c.request(
                "OPTIONS",
                "/cat.png",
                headers={"Origin": APP, "Access-Control-Request-Method": "PATCH"},
            )
            assert r.status_code == 403
            assert r.content == b"CORS preflight rejected (method_not_allowed)\n"

    asyncio.run(run())


# ------------------------------------------------------------------------------ PathRules


def _mixed_rules() -> PathRules:
    return PathRules(
        {
            "/uploads/*": from_s3(S3_RULES),
            "/*": CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PATCH"]),
        }
    )


def test_path_rules_mix_a_bucket_and_a_policy(build: Callable[[Engine], Stack]) -> None:
    stack = build(_mixed_rules())
    upload = trip(stack, "/uploads/a.png", method="PUT", headers={"x-amz-meta-a": "1"})
    assert upload.verdict.code == "ok", upload.steps
    assert upload.preflight is not None and upload.preflight.status == 200
    assert headers_of(upload.preflight.response_headers)["access-control-allow-credentials"] == (
        "true"
    )
    # PATCH: the policy of /api allows it, the bucket rules of /uploads do not.
    api = trip(stack, "/api/items/1", method="PATCH")
    assert api.verdict.code == "ok", api.steps
    assert api.preflight is not None and api.preflight.status == 204
    refused = trip(stack, "/uploads/a.png", method="PATCH")
    assert refused.verdict.code == "missing_allow_origin"
    assert refused.preflight is not None and refused.preflight.status == 403
    # Dot segments are resolved before the path is matched (PathRules' rule).
    dotted = trip(stack, "/api/../uploads/a.png", method="PATCH")
    assert dotted.verdict.code == "missing_allow_origin"


def test_path_rules_accept_engines_and_refuse_other_values() -> None:
    rules = _mixed_rules()
    assert isinstance(rules.for_path("/uploads/x"), BucketPolicy)
    assert isinstance(rules.for_path("/api"), CORSPolicy)
    assert not rules.websocket_origins
    assert isinstance(resolve_policy(from_gcs([])), BucketPolicy)
    from cors_core import ConfigError

    with pytest.raises(ConfigError) as info:
        PathRules({"/a/*": "from_s3(...)"}, default="x")  # type: ignore[dict-item, arg-type]
    assert [(p.option, p.problem) for p in info.value.problems] == [
        ("paths", "maps to something other than a CORSPolicy"),
        ("default", "is not a policy"),
    ]


# ---------------------------------------------------------------------------------- Flask


def test_flask_cors_with_a_bucket_policy() -> None:
    from flask import Flask

    from adapters.flask import CORS

    app = Flask("bucket")

    @app.route("/files/<name>", methods=["GET", "PUT", "DELETE"])
    def files(name: str) -> Any:
        return {"name": name}, 200, {"x-amz-request-id": "R9"}

    CORS(app, policy=from_s3(S3_RULES))
    client = app.test_client()
    t = assert_cors_allowed(
        client,
        "/files/a",
        origin=APP,
        method="PUT",
        credentials=True,
        headers={"Content-Type": "application/json"},
        readable=["x-amz-request-id"],
    )
    assert t.preflight is not None and t.preflight.status == 200
    blocked = cors_trip(client, "/files/a", origin=APP, method="DELETE")
    assert blocked.verdict.code == "missing_allow_origin"
    assert blocked.preflight is not None
    assert blocked.preflight.body == b"CORS preflight rejected (method_not_allowed)\n"
    other = cors_trip(client, "/files/a", origin="https://evil.example.net")
    assert other.verdict.code == "missing_allow_origin"
    assert other.actual is not None and other.actual.status == 200


# --------------------------------------------------------------------------------- Django


@pytest.fixture
def django_bucket() -> Iterator[BucketPolicy]:
    import tests.integration.conftest  # noqa: F401  (configures Django once per process)
    from tests.integration.django_support import CORS_SETTINGS, DELETE, cors_settings

    policy = from_gcs(
        [
            {
                "origin": ["https://only.example"],
                "method": ["PUT", "GET"],
                "responseHeader": ["Content-Type"],
            }
        ]
    )
    names = {n: DELETE for n in CORS_SETTINGS}
    with warnings.catch_warnings(), cors_settings(**{**names, "CORS_POLICY": policy}):
        yield policy


def test_django_cors_policy_setting_takes_a_bucket_policy(django_bucket: BucketPolicy) -> None:
    from django.test import Client

    from adapters.django import CORSMiddleware

    ok = cors_trip(
        Client(),
        "/api/todos/1/",
        origin="https://only.example",
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    assert ok.verdict.code == "ok", ok.steps
    assert ok.preflight is not None and ok.preflight.status == 200
    assert headers_of(ok.preflight.response_headers)["access-control-allow-origin"] == (
        "https://only.example"
    )
    refused = cors_trip(Client(), "/api/todos/1/", origin="https://only.example", method="DELETE")
    assert refused.verdict.code == "missing_allow_origin"
    assert refused.preflight is not None and refused.preflight.status == 403
    other = cors_trip(Client(), "/api/todos/", origin="http://localhost:8080")
    assert other.verdict.code == "missing_allow_origin"

    class Bucketed(CORSMiddleware):
        policy = django_bucket

    assert Bucketed(lambda request: None).cors_policy is django_bucket


# --------------------------------------------------------------- hostile input, both stacks


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        (
            (
                (b"origin", APP.encode()),
                (b"access-control-request-method", b"PUT"),
                (b"access-control-request-headers", b"x-amz-a," * 1024),
            ),  # 8 KB
            403,
            b"CORS preflight rejected (request_headers_too_long)\n",
        ),
        (
            ((b"origin", APP.encode()), (b"access-control-request-method", b"P" * 250_000)),
            403,
            b"CORS preflight rejected (method_malformed)\n",
        ),
        (
            (
                (b"origin", b"https://" + b"a" * 20_000 + b".example.org"),
                (b"access-control-request-method", b"PUT"),
            ),
            403,
            b"CORS preflight rejected (origin_malformed)\n",
        ),
        (
            (
                (b"origin", APP.encode()),
                (b"origin", b"https://evil.example.net"),
                (b"access-control-request-method", b"PUT"),
            ),
            403,
            b"CORS preflight rejected (origin_malformed)\n",
        ),
        (
            (
                (b"origin", "https://app.example.com\u00e9".encode("latin-1")),
                (b"access-control-request-method", b"PUT"),
            ),
            403,
            b"CORS preflight rejected (origin_malformed)\n",
        ),
    ],
)
def test_hostile_preflights_through_both_adapters(
    build: Callable[[Engine], Stack],
    headers: tuple[tuple[bytes, bytes], ...],
    status: int,
    body: bytes,
) -> None:
    app, call = build(from_s3(S3_RULES))
    res = call(app, Request("OPTIONS", "/uploads/a", headers))
    assert (res.status, res.body, res.cors()) == (status, body, {})
    assert res.get("vary") == PREFLIGHT_VARY


# ------------------------------------------------------------- encoded and odd paths


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
@pytest.mark.parametrize(
    "path",
    [
        "/uploads/a.png",
        "/%75ploads/a.png",  # an encoded letter
        "/uploads%2Fa.png",  # an encoded slash
    ],
)
def test_an_encoded_path_gets_the_bucket_rules_of_the_path_the_app_routes(
    kind: str, path: str
) -> None:
    """The app routes the decoded path: so do the rules, whatever the request line says."""
    from tests.security.support import stack as security_stack

    call = security_stack(kind, _mixed_rules())
    origin = [("Origin", APP)]
    status, headers, body = call(
        "OPTIONS", path, [*origin, ("Access-Control-Request-Method", "PATCH")]
    )
    assert (status, body) == (403, b"CORS preflight rejected (method_not_allowed)\n")
    assert not [n for n, _ in headers if n.lower().startswith("access-control-allow")]
    status, headers, _ = call(
        "OPTIONS",
        path,
        [
            *origin,
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-amz-meta-a"),
        ],
    )
    assert status == 200
    allowed = {n.lower(): v for n, v in headers}
    assert allowed["access-control-allow-origin"] == APP
    assert allowed["access-control-allow-credentials"] == "true"
    assert allowed["access-control-allow-headers"] == "x-amz-meta-a"


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
@pytest.mark.parametrize("path", ["//uploads//a.png", "/uploads//a.png"])
def test_repeated_slashes_get_the_stricter_of_the_rules_they_may_be_routed_by(
    kind: str, path: str
) -> None:
    """Starlette and Django serve ``//uploads//a.png`` as it is (the ``/*`` policy's
    view), werkzeug merges the slashes (the bucket's): each preflight gets the stricter
    answer, so what either rule refuses is refused."""
    from tests.security.support import stack as security_stack

    call = security_stack(kind, _mixed_rules())
    origin = [("Origin", APP)]
    status, headers, body = call(
        "OPTIONS", path, [*origin, ("Access-Control-Request-Method", "PATCH")]
    )  # the /* policy allows PATCH, the bucket does not
    if path.startswith("/uploads"):  # both readings are under /uploads: the bucket alone
        assert (status, body) == (403, b"CORS preflight rejected (method_not_allowed)\n")
        return
    assert (status, body) == (403, b"CORS preflight rejected (method_not_allowed)\n")
    status, headers, body = call(
        "OPTIONS",
        path,
        [
            *origin,
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-amz-meta-a"),
        ],
    )  # the bucket allows PUT, the /* policy does not
    assert (status, body) == (403, b"CORS preflight rejected (method_not_allowed)\n")
    assert not [n for n, _ in headers if n.lower().startswith("access-control-allow")]


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
@pytest.mark.parametrize("path", ["/UPLOADS/../uploads/a.png", "/api/%2e%2e/uploads/a.png"])
def test_a_path_with_dot_segments_gets_no_bucket_rules(kind: str, path: str) -> None:
    """Browsers never send dot segments: such a path gets no CORS at all, its preflight
    reaches the app."""
    from tests.security.support import stack as security_stack

    call = security_stack(kind, _mixed_rules())
    status, headers, _ = call(
        "OPTIONS", path, [("Origin", APP), ("Access-Control-Request-Method", "PUT")]
    )
    assert status == 200  # the app's own answer
    assert not [n for n, _ in headers if n.lower().startswith("access-control-")]
