"""A tiny in-memory todo API (no database), consumed by the front-end on port 8080.

The first views use the project's policy (the ``CORS_*`` settings); the last three show
per-view policies: ``@cross_origin`` on a function view and on a class-based view (through
``method_decorator``), and ``@no_cors``.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from adapters.django import cross_origin, no_cors

TODOS = {1: {"id": 1, "title": "try cors-core"}}


@csrf_exempt
def todo_list(request: HttpRequest) -> HttpResponse:
    """GET the list, POST a new item (JSON body)."""
    if request.method == "POST":
        data = json.loads(request.body or b"{}")
        todo = {"id": max(TODOS, default=0) + 1, "title": str(data.get("title", ""))}
        TODOS[todo["id"]] = todo
        return JsonResponse(todo, status=201)
    response = JsonResponse(list(TODOS.values()), safe=False)
    response["X-Total-Count"] = str(len(TODOS))
    return response


@csrf_exempt
def todo_detail(request: HttpRequest, todo_id: int) -> HttpResponse:
    """PUT a new title, or DELETE the item."""
    if todo_id not in TODOS:
        return JsonResponse({"error": "not found"}, status=404)
    if request.method == "DELETE":
        del TODOS[todo_id]
        return HttpResponse(status=204)
    if request.method == "PUT":
        data = json.loads(request.body or b"{}")
        TODOS[todo_id]["title"] = str(data.get("title", ""))
    return JsonResponse(TODOS[todo_id])


def boom(request: HttpRequest) -> HttpResponse:
    """An unhandled exception: Django's 500 still carries CORS headers."""
    raise RuntimeError("boom")


# --- Per-view policies ------------------------------------------------------------------
# The project's policy (settings.py) covers the views above. These views carry their own.


@cross_origin(
    allow_origins=["*"],
    allow_credentials=False,  # the view's options are merged over the project's settings
    allow_methods=["GET"],
    expose_headers=["x-total-count"],
)
def public_stats(request: HttpRequest) -> HttpResponse:
    """Readable from any page (no credentials): its options win over the project's."""
    response = JsonResponse({"todos": len(TODOS)})
    response["X-Total-Count"] = str(len(TODOS))
    return response


@no_cors
@csrf_exempt
def reindex(request: HttpRequest) -> HttpResponse:
    """Same-origin only: no CORS headers at all, and preflights reach the view."""
    return JsonResponse({"reindexed": len(TODOS)})


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(
    cross_origin(
        allow_origins=["https://admin.example.com"],
        allow_methods=["PUT", "DELETE"],
        allow_headers=["content-type", "x-admin-token"],
        allow_credentials=True,
        max_age=600,
    ),
    name="dispatch",
)
class TodoAdminView(View):
    """Only the admin front-end may call this class-based view, with credentials."""

    def get(self, request: HttpRequest, todo_id: int) -> HttpResponse:
        return JsonResponse(TODOS.get(todo_id, {}))

    def put(self, request: HttpRequest, todo_id: int) -> HttpResponse:
        data = json.loads(request.body or b"{}")
        todo = {"id": todo_id, "title": str(data.get("title", ""))}
        TODOS[todo_id] = todo
        return JsonResponse(todo)

    def delete(self, request: HttpRequest, todo_id: int) -> HttpResponse:
        TODOS.pop(todo_id, None)
        return HttpResponse(status=204)
