"""ASGI entry point (``uvicorn todo_api.asgi:application``): the middleware runs async."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "todo_api.settings")
application = get_asgi_application()
