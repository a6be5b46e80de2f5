"""Flask with ``adapters.flask``: an app-wide policy from ``app.config``, per-view overrides.

uv run flask --app examples.flask_app run --port 8000
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from adapters.flask import CORS, cross_origin, no_cors

app = Flask(__name__)
app.config.update(
    CORS_ALLOW_ORIGINS=["http://localhost:8080", "http://127.0.0.1:8080"],
    CORS_ALLOW_METHODS=["GET", "POST", "PUT", "DELETE"],
    CORS_ALLOW_HEADERS=["content-type", "authorization"],
    CORS_EXPOSE_HEADERS=["x-total-count"],
    CORS_ALLOW_CREDENTIALS=True,
)
CORS(app, max_age=600)  # keyword arguments win over app.config


@app.get("/api/todos")
def list_todos() -> ResponseReturnValue:
    """The list; the count is in a header the page may read (expose_headers)."""
    return jsonify([{"id": 1, "title": "write tests"}]), 200, {"X-Total-Count": "1"}


@app.route("/api/todos/<int:todo_id>", methods=["PUT", "DELETE"])
def change_todo(todo_id: int) -> ResponseReturnValue:
    """Update or delete one item (both need a preflight)."""
    if request.method == "DELETE":
        return "", 204
    return jsonify({"id": todo_id, **(request.get_json() or {})})


@app.get("/api/public")
@cross_origin(allow_origins=["*"], allow_credentials=False)  # over app.config's options
def public() -> ResponseReturnValue:
    """Readable from any origin: this view's policy replaces the app's."""
    return jsonify({"public": True})


@app.post("/api/internal")
@no_cors
def internal() -> ResponseReturnValue:
    """Never readable cross-origin, whatever the app's policy says."""
    return jsonify({"internal": True})


@app.get("/api/boom")
def boom() -> ResponseReturnValue:
    """Flask's 500 page still carries CORS headers (the middleware is around wsgi_app)."""
    raise RuntimeError("boom")
