"""A plain ASGI application (no framework) behind ``adapters.asgi.CORSMiddleware``.

Run it, then call it from a page on http://localhost:8080::

    uv run python examples/asgi_app.py          # http://127.0.0.1:8000
"""

from __future__ import annotations

import json
from typing import Any

from adapters.asgi import CORSMiddleware


async def api(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every HTTP request with a small JSON document."""
    if scope["type"] != "http":
        return
    body = json.dumps({"method": scope["method"], "path": scope["path"]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"x-total-count", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


app = CORSMiddleware(
    api,
    allow_origins=["http://localhost:8080", "http://127.0.0.1:8080"],
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["content-type", "authorization"],
    expose_headers=["x-total-count"],
    allow_credentials=True,
)

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
