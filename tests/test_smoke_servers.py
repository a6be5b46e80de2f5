"""The shared real-server helpers work with both adapters."""

import httpx

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from tests.servers import serve_asgi, serve_wsgi


async def _asgi_app(scope, receive, send):
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


def _wsgi_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_uvicorn_serves_asgi_adapter() -> None:
    app = ASGICORS(_asgi_app, allow_origins=["http://localhost:3000"])
    with serve_asgi(app) as base:
        r = httpx.get(base + "/", headers={"Origin": "http://localhost:3000"})
    assert r.status_code == 200
    assert r.text == "ok"
    assert r.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert r.headers["vary"] == "Origin"


def test_waitress_serves_wsgi_adapter() -> None:
    app = WSGICORS(_wsgi_app, allow_origins=["http://localhost:3000"])
    with serve_wsgi(app) as base:
        r = httpx.options(
            base + "/",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "PUT"},
        )
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    assert r.text == "CORS preflight rejected (method_not_allowed)\n"
