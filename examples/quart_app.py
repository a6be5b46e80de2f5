"""Quart behind ``adapters.asgi.CORSMiddleware`` (no quart-cors needed).

Quart's own pattern for ASGI middleware: wrap ``app.asgi_app``. ``app`` stays the Quart
object (``quart run`` and the test client keep working), and the middleware sees every
request before Quart does, so preflights never reach a view or a ``before_request`` hook.

    uv run uvicorn examples.quart_app:app --port 8000
"""

from __future__ import annotations

from quart import Quart, jsonify, request
from quart.typing import ResponseReturnValue

from adapters.asgi import CORSMiddleware

app = Quart(__name__)


@app.get("/items")
async def list_items() -> ResponseReturnValue:
    """The items, with their count in a header the page may read (``expose_headers``)."""
    return jsonify([{"id": 1}]), 200, {"X-Total-Count": "1"}


@app.put("/items/<int:item_id>")
async def put_item(item_id: int) -> ResponseReturnValue:
    """Store an item (a JSON ``PUT``: the browser sends a preflight first)."""
    return jsonify({"id": item_id, **(await request.get_json() or {})})


app.asgi_app = CORSMiddleware(  # type: ignore[method-assign]
    app.asgi_app,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)
