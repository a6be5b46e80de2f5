"""The example project's settings plus a dangerous CORS line (for ``manage.py check``)."""

from todo_api.settings import *  # noqa: F403

CORS_ORIGIN_ALLOW_ALL = True  # with CORS_ALLOW_CREDENTIALS = True: refused
CORS_PREFLIGHT_MAX_AGE = -5
