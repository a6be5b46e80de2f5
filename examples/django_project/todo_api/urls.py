"""URLs of the example API."""

from django.urls import path
from todos import views

urlpatterns = [
    path("api/todos/", views.todo_list),
    path("api/todos/<int:todo_id>/", views.todo_detail),
    path("api/boom/", views.boom),
    # Views with a policy of their own (see todos/views.py).
    path("api/stats/", views.public_stats),
    path("api/reindex/", views.reindex),
    path("api/admin/todos/<int:todo_id>/", views.TodoAdminView.as_view()),
]
