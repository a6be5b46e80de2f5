"""Falcon (WSGI) behind ``adapters.wsgi.CORSMiddleware`` (leave ``cors_enable`` off).

The middleware wraps the ``falcon.App``: preflights are answered before Falcon routes them
(Falcon's default ``OPTIONS`` responder never sees one), and every response, error pages
included, carries the CORS headers. For ``falcon.asgi.App`` use ``adapters.asgi`` the same way.

    uv run waitress-serve --listen=127.0.0.1:8000 examples.falcon_app:app
"""

from __future__ import annotations

import falcon

from adapters.wsgi import CORSMiddleware


class Items:
    """``/items``: the list, with its count in a header the page may read."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [{"id": 1}]
        resp.set_header("X-Total-Count", "1")


class Item:
    """``/items/{item_id}``: a JSON ``PUT`` (the browser sends a preflight first)."""

    def on_put(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.media = {"id": item_id, **req.get_media(default_when_empty={})}


api = falcon.App()
api.add_route("/items", Items())
api.add_route("/items/{item_id:int}", Item())

app = CORSMiddleware(
    api,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)
