"""Litestar behind ``adapters.asgi.CORSMiddleware`` (in place of Litestar's ``CORSConfig``).

The whole Litestar application is wrapped: preflights are answered before Litestar routes
them (so no route needs an ``OPTIONS`` handler and no guard sees them), and every response
Litestar produces, its 404 and 500 pages included, carries the CORS headers.

    uv run uvicorn examples.litestar_app:app --port 8000
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Response, get, put
from litestar.params import FromPath, JSONBody

from adapters.asgi import CORSMiddleware


@get("/items")
async def list_items() -> Response[list[dict[str, int]]]:
    """The items, with their count in a header the page may read (``expose_headers``)."""
    return Response([{"id": 1}], headers={"X-Total-Count": "1"})


@put("/items/{item_id:int}")
async def put_item(item_id: FromPath[int], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    """Store an item (a JSON ``PUT``: the browser sends a preflight first)."""
    return {"id": item_id, **data}


api = Litestar(route_handlers=[list_items, put_item])

app = CORSMiddleware(
    api,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)
