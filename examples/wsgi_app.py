"""A plain WSGI application (PEP 3333, no framework) behind ``adapters.wsgi.CORSMiddleware``.

Run it with the standard library's server (or waitress, gunicorn ...)::

    uv run python examples/wsgi_app.py          # http://127.0.0.1:8000
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from adapters.wsgi import CORSMiddleware


def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer every request with a small JSON document."""
    body = json.dumps(
        {"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", "/")}
    ).encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Total-Count", "1"),
        ],
    )
    return [body]


app = CORSMiddleware(
    api,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("serving on http://127.0.0.1:8000")
        server.serve_forever()
