"""websocket_origins=True under a real uvicorn server: cross-site websocket hijacking is refused."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy, PathRules
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


# Path rules guard only some paths: a percent-encoded path must not skip the guard (the
# router sees the decoded path, and so does the rule).
GUARDED = CORSMiddleware(
    echo_app,
    policy=PathRules(
        {"/ws/*": CORSPolicy(allow_origins=["http://localhost:3000"], websocket_origins=True)},
        default=None,
    ),
)


@pytest.fixture(scope="module")
def guarded_base():
    with serve_asgi(GUARDED) as base:
        yield base.replace("http://", "ws://")


@pytest.mark.parametrize(
    "path", ["/ws/chat", "/w%73/chat", "/ws%2Fchat", "/x/../ws/chat", "//ws/chat", "/%77%73/chat"]
)
def test_encoded_paths_do_not_skip_the_websocket_guard(guarded_base: str, path: str) -> None:
    with pytest.raises(InvalidStatus) as info:
        asyncio.run(_talk(guarded_base + path, "https://evil.example"))
    assert info.value.response.status_code == 403
    if "/../" in path:  # a dot segment, which browsers never send: refused for everyone
        with pytest.raises(InvalidStatus) as info:
            asyncio.run(_talk(guarded_base + path, "http://localhost:3000"))
        assert info.value.response.status_code == 403
        return
    assert asyncio.run(_talk(guarded_base + path, "http://localhost:3000")) == "echo:hi"


def test_unguarded_path_still_passes(guarded_base: str) -> None:
    assert asyncio.run(_talk(guarded_base + "/other", "https://evil.example")) == "echo:hi"
