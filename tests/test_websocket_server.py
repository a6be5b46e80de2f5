"""websocket_origins=True under a real uvicorn server: cross-site websocket hijacking is refused."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from adapters.asgi import CORSMiddleware
from tests.servers import serve_asgi


async def echo_app(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"up"})
        return
    assert scope["type"] == "websocket"
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    message = await receive()
    await send({"type": "websocket.send", "text": "echo:" + message.get("text", "")})
    await send({"type": "websocket.close", "code": 1000})


APP = CORSMiddleware(echo_app, allow_origins=["http://localhost:3000"], websocket_origins=True)


async def _talk(url: str, origin: str | None) -> str:
    async with connect(url, origin=origin) as ws:  # type: ignore[arg-type]
        await ws.send("hi")
        return str(await ws.recv())


@pytest.fixture(scope="module")
def ws_url():
    with serve_asgi(APP) as base:
        yield base.replace("http://", "ws://") + "/ws"


def test_allowed_origin_connects(ws_url: str) -> None:
    assert asyncio.run(_talk(ws_url, "http://localhost:3000")) == "echo:hi"


def test_no_origin_connects(ws_url: str) -> None:
    # Non-browser clients send no Origin: not a cross-site attack, let them through.
    assert asyncio.run(_talk(ws_url, None)) == "echo:hi"


def test_same_origin_connects(ws_url: str) -> None:
    same = ws_url.replace("ws://", "http://").removesuffix("/ws")
    assert asyncio.run(_talk(ws_url, same)) == "echo:hi"


def test_foreign_origin_refused_with_403(ws_url: str) -> None:
    with pytest.raises(InvalidStatus) as info:
        asyncio.run(_talk(ws_url, "https://evil.example"))
    assert info.value.response.status_code == 403
