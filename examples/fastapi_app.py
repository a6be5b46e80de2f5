"""FastAPI: the CORS snippet from FastAPI's documentation, with ``adapters.asgi.CORSMiddleware``.

The whole application is wrapped (``app = CORSMiddleware(api, ...)``) rather than using
``api.add_middleware(...)``: the middleware is then outside Starlette's
``ServerErrorMiddleware``, so the 500 answered for an unhandled exception carries CORS
headers and the browser shows the 500 instead of a "CORS error".

    uv run uvicorn examples.fastapi_app:app --port 8000
"""

from __future__ import annotations

from fastapi import FastAPI, Header
from pydantic import BaseModel

from adapters.asgi import CORSMiddleware

api = FastAPI()

origins = [
    "https://app.example.com",
    "http://localhost",
    "http://localhost:8080",
]


class Item(BaseModel):
    """An item as the front-end sends it."""

    name: str


@api.get("/")
async def main() -> dict[str, str]:
    """The FastAPI docs' hello world."""
    return {"message": "Hello World"}


@api.put("/items/{item_id}")
async def put_item(
    item_id: int, item: Item, authorization: str | None = Header(default=None)
) -> dict[str, object]:
    """Store an item; reports whether the page sent credentials in ``Authorization``."""
    return {"id": item_id, "name": item.name, "authorized": authorization is not None}


@api.get("/boom")
async def boom() -> None:
    """An unhandled exception: Starlette answers 500, with CORS headers thanks to the wrap."""
    raise RuntimeError("boom")


app = CORSMiddleware(
    api,
    allow_origins=origins,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
