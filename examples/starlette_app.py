"""Starlette with ``adapters.asgi.CORSMiddleware``: the same keywords as starlette's own.

Switching from ``starlette.middleware.cors.CORSMiddleware`` is a change of import::

    uv run uvicorn examples.starlette_app:app --port 8000
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.asgi import CORSMiddleware


async def list_items(request: Request) -> JSONResponse:
    """The items, with their count in a header the page may read."""
    return JSONResponse([{"id": 1}], headers={"X-Total-Count": "1"})


async def put_item(request: Request) -> JSONResponse:
    """Echo the JSON body back."""
    return JSONResponse({"id": request.path_params["item_id"], **await request.json()})


app = Starlette(
    routes=[
        Route("/items", list_items),
        Route("/items/{item_id:int}", put_item, methods=["PUT"]),
    ],
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com", "http://localhost:*"],
            allow_methods=["GET", "PUT"],
            allow_headers=["content-type", "x-request-id"],
            expose_headers=["x-total-count"],
        )
    ],
)
