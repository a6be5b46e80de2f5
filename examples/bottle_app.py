"""Bottle behind ``adapters.wsgi.CORSMiddleware``.

Bottle apps are WSGI callables: wrap the ``Bottle()`` object and serve the wrapper.
Preflights are answered before Bottle routes them (no ``OPTIONS`` route is needed), and
Bottle's own error pages carry the CORS headers too.

    uv run python examples/bottle_app.py                                   # wsgiref, port 8000
    uv run waitress-serve --listen=127.0.0.1:8000 examples.bottle_app:app  # or waitress
"""

from __future__ import annotations

import json

import bottle

from adapters.wsgi import CORSMiddleware

api = bottle.Bottle()


@api.get("/items")
def list_items() -> str:
    """The items, with their count in a header the page may read (``expose_headers``)."""
    bottle.response.content_type = "application/json"
    bottle.response.set_header("X-Total-Count", "1")
    return json.dumps([{"id": 1}])


@api.put("/items/<item_id:int>")
def put_item(item_id: int) -> dict[str, object]:
    """Store an item (a JSON ``PUT``: the browser sends a preflight first)."""
    return {"id": item_id, **(bottle.request.json or {})}


app = CORSMiddleware(
    api,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)

if __name__ == "__main__":
    bottle.run(app, host="127.0.0.1", port=8000)
