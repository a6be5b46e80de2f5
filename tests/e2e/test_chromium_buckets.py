"""Real Chromium against a bucket's CORS rules: ``examples/buckets/s3-cors.json`` through
:func:`cors_core.buckets.from_s3` on the ASGI adapter, under uvicorn on 127.0.0.1.

The app stands in for the bucket: it echoes the request as JSON and answers with S3's
``x-amz-request-id`` (exposed by the rules), ``x-amz-id-2`` (not exposed) and an ``ETag``.
From a page on another origin (``http://localhost:<page port>``), Chromium must:

- read a ``GET`` and its ``x-amz-request-id`` (no preflight), but not ``x-amz-id-2``;
- send a ``PUT`` with ``x-amz-meta-color`` and ``content-type: image/png`` after a 200
  preflight;
- refuse a ``PATCH`` (the rules cannot allow it: the preflight gets 403, the app nothing);
- refuse a ``credentials: "include"`` read: the rules answer ``*``, never with credentials.

Each verdict is also reached by :func:`cors_core.browser.simulate` over HTTP.
Run alone: ``uv run pytest tests/e2e/test_chromium_buckets.py -m browser``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.asgi import CORSMiddleware
from cors_core import CORSConfigWarning
from cors_core.buckets import from_s3
from tests.e2e.chromium import Tab
from tests.e2e.conftest import Origins
from tests.e2e.stacks import Api, Log, Message, Receive, Scope, Send, record_asgi
from tests.servers import serve_asgi

pytestmark = pytest.mark.browser

OpenTab = Callable[..., Tab]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "buckets" / "s3-cors.json"
REQUEST_ID = "4442587FB7D0A2F9"
HOST_ID = "hidden-host-id"
ETAG = '"9b2cf535f27731c974343645a3985328"'


def bucket_app(log: Log) -> Callable[[Scope, Receive, Send], object]:
    """A stand-in for the bucket: a JSON echo with S3's response headers."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        log.handled(scope["method"], scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        data = json.dumps(
            {
                "method": scope["method"],
                "content-type": headers.get("content-type"),
                "x-amz-meta-color": headers.get("x-amz-meta-color"),
                "cookie": headers.get("cookie"),
                "size": len(body),
            },
            sort_keys=True,
        ).encode()
        response = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
            (b"x-amz-request-id", REQUEST_ID.encode()),
            (b"x-amz-id-2", HOST_ID.encode()),
            (b"etag", ETAG.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": response})
        await send({"type": "http.response.body", "body": data})

    return app


@pytest.fixture(scope="module")
def bucket(origins: Origins) -> Iterator[Api]:
    """The example S3 rules on the ASGI adapter under uvicorn (started once)."""
    with warnings.catch_warnings():  # the example lets every origin write: it says so
        warnings.simplefilter("ignore", CORSConfigWarning)
        policy = from_s3(EXAMPLE)
    log = Log()
    app = record_asgi(CORSMiddleware(bucket_app(log), policy=policy), log)
    with serve_asgi(app) as url:
        log.clear()
        yield Api("bucket", url, log)


@pytest.fixture
def api(bucket: Api) -> Api:
    bucket.log.clear()
    return bucket


def test_get_is_readable_with_the_exposed_request_id(
    api: Api, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    read = ("x-amz-request-id", "etag", "x-amz-id-2")
    result = tab.fetch(api.url + "/photos/cat.png", read=read)
    assert result.error is None, result
    assert (result.ok, result.status) == (True, 200)
    assert result.body is not None and json.loads(result.body)["method"] == "GET"
    assert result.headers == {"x-amz-request-id": REQUEST_ID, "etag": ETAG, "x-amz-id-2": None}
    # A simple GET: no preflight, and the rules answer '*' (the '*' origin rule).
    assert api.log.calls() == [("GET", "/photos/cat.png", 200)]
    sent = dict(api.log.wire[0].response_headers)
    assert sent["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in sent
    trip = api.model("/photos/cat.png", origin=origins.page)
    assert trip.verdict.allowed
    assert {"x-amz-request-id", "etag"} <= trip.readable_headers
    assert "x-amz-id-2" not in trip.readable_headers


def test_put_with_metadata_and_content_type_is_preflighted_and_sent(
    api: Api, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    headers = {"x-amz-meta-color": "blue", "content-type": "image/png"}
    result = tab.fetch(
        api.url + "/photos/cat.png", method="PUT", headers=headers, body="PNG...", read=["etag"]
    )
    assert result.error is None, result
    assert result.status == 200
    assert result.body is not None
    assert json.loads(result.body) == {
        "method": "PUT",
        "content-type": "image/png",
        "x-amz-meta-color": "blue",
        "cookie": None,
        "size": 6,
    }
    assert result.headers == {"etag": ETAG}
    assert api.log.calls() == [("OPTIONS", "/photos/cat.png", 200), ("PUT", "/photos/cat.png", 200)]
    preflight = api.log.wire[0]
    assert preflight.headers["access-control-request-method"] == "PUT"
    assert preflight.headers["access-control-request-headers"] == "content-type,x-amz-meta-color"
    answered = dict(preflight.response_headers)
    assert answered["access-control-allow-headers"] == "content-type, x-amz-meta-color"
    assert answered["access-control-allow-origin"] == "*"
    assert api.log.app == [("PUT", "/photos/cat.png")]  # the preflight never reached it
    trip = api.model("/photos/cat.png", origin=origins.page, method="PUT", headers=headers)
    assert trip.verdict.allowed


def test_patch_is_blocked_at_the_preflight(api: Api, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(api.url + "/photos/cat.png", method="PATCH", body="{}")
    assert result.blocked, result
    assert result.error is not None and result.error.startswith("TypeError"), result
    assert api.log.calls() == [("OPTIONS", "/photos/cat.png", 403)]
    assert api.log.wire[0].headers["access-control-request-method"] == "PATCH"
    assert not any(k.startswith("access-control-") for k, _ in api.log.wire[0].response_headers)
    assert api.log.app == []
    trip = api.model("/photos/cat.png", origin=origins.page, method="PATCH")
    assert not trip.verdict.allowed


def test_credentialed_read_is_blocked(api: Api, origins: Origins, open_tab: OpenTab) -> None:
    cookie = {"name": "sid", "value": "s3cret", "domain": "127.0.0.1", "path": "/"}
    tab = open_tab(origins.same_site, cookies=[cookie])
    result = tab.fetch(api.url + "/photos/cat.png", credentials="include")
    assert result.blocked, result
    assert (result.status, result.body) == (None, None)
    # A simple GET reaches the bucket with the cookie; '*' is what the browser refuses.
    assert api.log.calls() == [("GET", "/photos/cat.png", 200)]
    seen = api.log.wire[0]
    assert seen.headers["cookie"] == "sid=s3cret"
    assert dict(seen.response_headers)["access-control-allow-origin"] == "*"
    trip = api.model("/photos/cat.png", origin=origins.same_site, credentials=True)
    assert not trip.verdict.allowed
    assert trip.verdict.code == "wildcard_with_credentials"
