"""URLs of the example API."""

from django.urls import path
from todos import views

urlpatterns = [
    path("api/todos/", views.todo_list),
    path("api/todos/<int:todo_id>/", views.todo_detail),
    path("api/boom/", views.boom),
]
