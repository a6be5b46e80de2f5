"""The example project's settings plus leftovers of a migration (for ``manage.py check``)."""

from todo_api.settings import *  # noqa: F403

CORS_ALLOWED_ORIGNS = ["https://app.example.com"]  # misspelt
CORS_ALLOW_ORIGINS = ["https://app.example.com"]  # the Flask adapter's name
CORS_REPLACE_HTTPS_REFERER = True  # dropped by django-cors-headers 4.0
