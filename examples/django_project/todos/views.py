"""A tiny in-memory todo API (no database), consumed by the front-end on port 8080."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

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
